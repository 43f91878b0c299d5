/*
 * backup.c - encrypted online backups and the restore that replays the
 * erasure ledger (see backup.h).
 *
 * SQLCipher's backup API copies pages between databases only when both
 * use the same key and page size, so the target is created, keyed with
 * the register's own database key (register_internal.h) and given the
 * same cipher_page_size before sqlite3_backup_step copies every page.
 * The slot file and the ledger are plain SQLite files and are copied the
 * same way, so a copy taken while they change is still consistent.
 */
#include "rekisteri/backup.h"
#include "rekisteri/audit.h"
#include "rekisteri/backup_keys.h"
#include "rekisteri/forget.h"
#include "rekisteri/ledger.h"
#include "rekisteri/secret.h"
#include "rekisteri/store.h"
#include "register_internal.h"
#include "sidefile.h"
#include "sql.h"
#include "rekisteri/outcome.h"
#include "rekisteri/restore.h"
#include "rekisteri/sharedfile.h"
#include "rekisteri/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- copying ----------------------------------------------------------- */

/* Create path (never over an existing file) for SQLite to fill: 0600, or
 * 0660 with the group in a shared register directory (sharedfile.h). */
static int claim(const char *path, struct rk_error *err)
{
        int fd;
        int rc = rk_sharedfile_open(path, path, true, &fd, err);
        if (rc == RK_OK)
                close(fd);
        return rc;
}

static int key_connection(sqlite3 *db, const unsigned char *dek)
{
        char *text = rk_secret_alloc(RK_RAW_KEY_TEXT);
        if (text == NULL)
                return SQLITE_NOMEM;
        rk_store_key_text(dek, text);
        int src = sqlite3_key(db, text, (int)strlen(text));
        rk_secret_free(text);
        if (src == SQLITE_OK)
                src = sqlite3_exec(db, "PRAGMA cipher_page_size=4096", NULL, NULL, NULL);
        return src;
}

/* Copy every page of database `from` (schema "main" of an open connection)
 * into a new file at path, keyed with dek when dek is not NULL. */
static int copy_db(sqlite3 *from, const char *path, const unsigned char *dek,
                   struct rk_error *err)
{
        sqlite3 *to = NULL;
        int rc = claim(path, err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE, NULL);
        if (src == SQLITE_OK && dek != NULL)
                src = key_connection(to, dek);
        sqlite3_backup *b =
            src == SQLITE_OK ? sqlite3_backup_init(to, "main", from, "main") : NULL;
        if (b != NULL) {
                src = sqlite3_backup_step(b, -1);
                int fin = sqlite3_backup_finish(b);
                src = src == SQLITE_DONE ? fin : src;
        } else if (src == SQLITE_OK) {
                src = sqlite3_errcode(to);
        }
        if (src != SQLITE_OK)
                rc = rk_sql_fail(to, src, path, err);
        sqlite3_close(to);
        if (rc != RK_OK)
                unlink(path);
        return rc;
}

/* Copy the plain SQLite file at from_path (if it exists, when optional). */
static int copy_plain(const char *from_path, const char *to_path, bool optional,
                      struct rk_error *err)
{
        if (faccessat(AT_FDCWD, from_path, F_OK, AT_EACCESS) != 0)
                return optional ? RK_OK
                                : rk_error_set(err, RK_ERR_NOTFOUND, "%s: no such file",
                                               from_path);
        sqlite3 *from = NULL;
        int src = sqlite3_open_v2(from_path, &from, SQLITE_OPEN_READONLY, NULL);
        int rc = src == SQLITE_OK ? copy_db(from, to_path, NULL, err)
                                  : rk_sql_fail(from, src, from_path, err);
        sqlite3_close(from);
        return rc;
}

/* Copy a closed file byte for byte into a new 0600 file. */
static int copy_bytes(const char *from_path, const char *to_path, struct rk_error *err)
{
        char buf[65536];
        int in = open(from_path, O_RDONLY | O_CLOEXEC);
        if (in < 0)
                return rk_error_set(err, errno == ENOENT ? RK_ERR_NOTFOUND : RK_ERR_IO,
                                    "%s: %s", from_path, strerror(errno));
        int rc = claim(to_path, err);
        int out = rc == RK_OK ? open(to_path, O_WRONLY | O_CLOEXEC) : -1;
        if (rc == RK_OK && out < 0)
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", to_path, strerror(errno));
        ssize_t got;
        while (rc == RK_OK && (got = read(in, buf, sizeof(buf))) != 0) {
                if (got < 0 || write(out, buf, (size_t)got) != got)
                        rc = rk_error_set(err, RK_ERR_IO, "copying %s: %s", from_path,
                                          strerror(errno));
        }
        if (rc == RK_OK && fsync(out) != 0)
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", to_path, strerror(errno));
        close(in);
        if (out >= 0)
                close(out);
        return rc;
}

static int path_plus(char *out, size_t size, const char *base, const char *suffix,
                     struct rk_error *err)
{
        int n = snprintf(out, size, "%s%s", base, suffix);
        if (n < 0 || (size_t)n >= size)
                return rk_error_set(err, RK_ERR_INVALID, "%s: path too long", base);
        return RK_OK;
}

/* ---- backup ------------------------------------------------------------ */

static int refuse_existing(const char *base, struct rk_error *err)
{
        static const char *const suffixes[] = {"", RK_VAULT_SUFFIX, RK_LEDGER_SUFFIX};
        char p[PATH_MAX];
        for (size_t i = 0; i < 3; i++) {
                int rc = path_plus(p, sizeof(p), base, suffixes[i], err);
                if (rc != RK_OK)
                        return rc;
                if (faccessat(AT_FDCWD, p, F_OK, AT_EACCESS) == 0)
                        return rk_error_set(err, RK_ERR_EXISTS,
                                            "%s already exists; refusing to overwrite",
                                            p);
        }
        return RK_OK;
}

/* The backup's own files, written in order (the ledger stamped first:
 * see ledger.h), or none of them. */
static int write_backup(struct rk_session *s, const char *out_path, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        sqlite3 *db = rk_register_db(reg);
        char keys_from[PATH_MAX], keys_to[PATH_MAX], led_from[PATH_MAX], led_to[PATH_MAX];
        int rc = refuse_existing(out_path, err);
        if (rc == RK_OK)
                rc = path_plus(keys_from, sizeof(keys_from), rk_register_path(reg),
                               RK_VAULT_SUFFIX, err);
        if (rc == RK_OK)
                rc = path_plus(keys_to, sizeof(keys_to), out_path, RK_VAULT_SUFFIX, err);
        if (rc == RK_OK)
                rc = rk_ledger_path(rk_register_path(reg), led_from, sizeof(led_from),
                                    err);
        if (rc == RK_OK)
                rc = rk_ledger_path(out_path, led_to, sizeof(led_to), err);
        /* the backup must carry the keyed-hash key the ledger's hashes use,
         * and the time it was taken (restore.h compares ledgers with it) */
        if (rc == RK_OK)
                rc = rk_suppress_ensure_key(db, err);
        int64_t prev_backup = 0;
        bool marked = false;
        if (rc == RK_OK)
                rc = rk_restore_mark_backup(db, rk_clock_now(), &prev_backup, err);
        marked = rc == RK_OK;
        if (rc == RK_OK)
                rc = copy_db(db, out_path, rk_register_dek(reg), err);
        if (rc == RK_OK)
                rc = copy_plain(keys_from, keys_to, false, err);
        if (rc == RK_OK) /* no staff slot leaves the server (backup_keys.h) */
                rc = rk_backup_keys_strip(keys_to, err);
        if (rc == RK_OK)
                rc = rk_ledger_mirror(db, rk_register_path(reg), true, err);
        if (rc == RK_OK)
                rc = copy_plain(led_from, led_to, true, err);
        if (rc != RK_OK && rc != RK_ERR_EXISTS) {
                unlink(out_path);
                unlink(keys_to);
                unlink(led_to);
        }
        /* no backup was made: the register claims none (its error stays
         * the one reported; this undo's own failure is not the cause) */
        if (rc != RK_OK && marked) {
                struct rk_error ignored;
                rk_error_clear(&ignored);
                (void)rk_restore_unmark_backup(db, prev_backup, &ignored);
        }
        return rc;
}

int rk_backup(struct rk_session *s, const char *out_path, struct rk_error *err)
{
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "backups need a role with the \"keys\" permission");
        int rc = write_backup(s, out_path, err);
        return rk_outcome_audit(s, "backup.create", 0, NULL, rc, err);
}

/* ---- restore ----------------------------------------------------------- */

void rk_restore_abort(const char *staged)
{
        rk_restore_keys_cleanup(staged);
        static const char *const suffixes[] = {"", RK_VAULT_SUFFIX, RK_LEDGER_SUFFIX,
                                               "-wal", "-shm"};
        char p[PATH_MAX];
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
                if (path_plus(p, sizeof(p), staged, suffixes[i], NULL) == RK_OK)
                        unlink(p);
        }
        rk_sidefile_remove(staged);
}

int rk_restore_stage(const char *from_path, const char *db_path, char *staged,
                     size_t size, struct rk_error *err)
{
        char p[PATH_MAX], q[PATH_MAX];
        int rc = path_plus(staged, size, db_path, RK_RESTORE_SUFFIX, err);
        /* the live .keys stays: its slots take over (backup_keys.h) */
        if (rc == RK_OK && faccessat(AT_FDCWD, db_path, F_OK, AT_EACCESS) == 0)
                rc = rk_error_set(err, RK_ERR_EXISTS,
                                  "%s: a register is already there; nothing was "
                                  "restored. Move the database away first, but keep its "
                                  ".keys and .erased files where they are",
                                  db_path);
        if (rc == RK_OK)
                rc = rk_restore_check_set(from_path, err);
        if (rc == RK_OK)
                rc = refuse_existing(staged, err);
        if (rc != RK_OK)
                return rc;
        /* the backup is encrypted and at rest: copy its bytes as they are */
        rc = copy_bytes(from_path, staged, err);
        if (rc == RK_OK)
                rc = path_plus(p, sizeof(p), from_path, RK_VAULT_SUFFIX, err);
        if (rc == RK_OK)
                rc = path_plus(q, sizeof(q), staged, RK_VAULT_SUFFIX, err);
        if (rc == RK_OK)
                rc = copy_plain(p, q, false, err);
        if (rc == RK_OK)
                rc = rk_restore_keys_stage(staged, db_path, err);
        if (rc != RK_OK)
                rk_restore_abort(staged);
        return rc;
}

int rk_restore_commit(const char *staged, const char *db_path, struct rk_error *err)
{
        char from[PATH_MAX], to[PATH_MAX];
        int rc = path_plus(from, sizeof(from), staged, RK_VAULT_SUFFIX, err);
        if (rc == RK_OK)
                rc = path_plus(to, sizeof(to), db_path, RK_VAULT_SUFFIX, err);
        /* the database never over an existing one; the staged slot file
         * replaces the live one, whose slots it took over (backup_keys.h) */
        if (rc == RK_OK && link(staged, db_path) != 0)
                rc = rk_error_set(
                    err, errno == EEXIST ? RK_ERR_EXISTS : RK_ERR_IO, "%s: %s", db_path,
                    errno == EEXIST ? "already exists; refusing to overwrite"
                                    : strerror(errno));
        if (rc == RK_OK && rename(from, to) != 0) {
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", to, strerror(errno));
                unlink(db_path); /* the staged copy is still there */
        }
        if (rc == RK_OK) {
                unlink(staged);
                rk_restore_keys_cleanup(staged);
        }
        /* the ledger beside db_path was brought up to date from the staged
         * register (restore.h); the staged mirror is not needed */
        if (rc == RK_OK && rk_ledger_path(staged, from, sizeof(from), NULL) == RK_OK)
                unlink(from);
        if (rc == RK_OK)
                rk_sidefile_remove(staged); /* the staged copy's queue and gate */
        return rc;
}
