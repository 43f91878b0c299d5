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

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- copying ----------------------------------------------------------- */

/* Create path (0600, never over an existing file) for SQLite to fill. */
static int claim(const char *path, struct rk_error *err)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
                close(fd);
                return RK_OK;
        }
        return rk_error_set(
            err, errno == EEXIST ? RK_ERR_EXISTS : RK_ERR_IO, "%s: %s", path,
            errno == EEXIST ? "already exists; refusing to overwrite" : strerror(errno));
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
        if (access(from_path, F_OK) != 0)
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
                if (access(p, F_OK) == 0)
                        return rk_error_set(err, RK_ERR_EXISTS,
                                            "%s already exists; refusing to overwrite",
                                            p);
        }
        return RK_OK;
}

int rk_backup(struct rk_session *s, const char *out_path, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        sqlite3 *db = rk_register_db(reg);
        char keys_from[PATH_MAX], keys_to[PATH_MAX], led_from[PATH_MAX], led_to[PATH_MAX];
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "backups need a role with the \"keys\" permission");
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
        /* the backup must carry the keyed-hash key the ledger's hashes use */
        if (rc == RK_OK)
                rc = rk_suppress_ensure_key(db, err);
        if (rc == RK_OK)
                rc = rk_session_audit(s, "backup.create", 0, "", rk_session_place(s),
                                      "ok", NULL, err);
        if (rc == RK_OK)
                rc = copy_db(db, out_path, rk_register_dek(reg), err);
        if (rc == RK_OK)
                rc = copy_plain(keys_from, keys_to, false, err);
        if (rc == RK_OK) /* no staff slot leaves the server (backup_keys.h) */
                rc = rk_backup_keys_strip(keys_to, err);
        if (rc == RK_OK)
                rc = copy_plain(led_from, led_to, true, err);
        if (rc != RK_OK && rc != RK_ERR_EXISTS) {
                unlink(out_path);
                unlink(keys_to);
                unlink(led_to);
        }
        return rc;
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
        if (rc == RK_OK && access(db_path, F_OK) == 0)
                rc = rk_error_set(err, RK_ERR_EXISTS,
                                  "%s: a register is there; move the database away "
                                  "first (keep its .keys and .erased files)",
                                  db_path);
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
        /* the staged ledger: the backup's and the live one, merged */
        if (rc == RK_OK)
                rc = rk_ledger_path(staged, q, sizeof(q), err);
        if (rc == RK_OK)
                rc = rk_ledger_path(from_path, p, sizeof(p), err);
        if (rc == RK_OK)
                rc = rk_ledger_merge(q, p, err);
        if (rc == RK_OK)
                rc = rk_ledger_path(db_path, p, sizeof(p), err);
        if (rc == RK_OK)
                rc = rk_ledger_merge(q, p, err);
        if (rc != RK_OK)
                rk_restore_abort(staged);
        return rc;
}

/* Forget one ledger entry again if the staged register still holds it. */
static int replay_one(struct rk_session *s, const struct rk_ledger_entry *e,
                      size_t *replayed, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        sqlite3_stmt *st;
        int64_t customer_id = 0;
        int rc =
            rk_sql_prepare(db, "SELECT id FROM customers WHERE number=? AND created_at=?",
                           &st, "replaying the erasure ledger", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, e->number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->created_at);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                customer_id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (src != SQLITE_ROW && src != SQLITE_DONE)
                return rk_sql_fail(db, src, "replaying the erasure ledger", err);
        for (size_t i = 0; i < e->nhashes && rc == RK_OK; i++)
                rc = rk_suppress_add(db, &e->hashes[i], e->erased_at, err);
        if (rc != RK_OK || customer_id == 0)
                return rc; /* created after the backup was taken */
        bool found = true;
        if (e->contact_id > 0) {
                unsigned char fp[RK_SUPPRESS_HASH_BYTES];
                struct rk_error ignore;
                found =
                    rk_suppress_fingerprint(db, e->contact_id, fp, &ignore) == RK_OK &&
                    memcmp(fp, e->fingerprint, sizeof(fp)) == 0;
                if (found)
                        rc = rk_forget_contact(db, e->contact_id, e->erased_at, NULL,
                                               NULL, err);
        } else {
                rc = rk_forget_customer(db, cfg, customer_id, e->mode, e->erased_at, NULL,
                                        err);
        }
        struct rk_audit_event ev = {.action = "dsr.replay",
                                    .subject = customer_id,
                                    .groups = "",
                                    .fields = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = "ledger"};
        if (rc == RK_OK && found)
                rc = rk_audit_append(db, rk_session_actor(s), &ev, (int64_t)time(NULL),
                                     cfg->audit_epoch_rows, err);
        if (rc == RK_OK && found)
                (*replayed)++;
        return rc;
}

int rk_restore_replay(struct rk_session *s, size_t *replayed, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        sqlite3 *db = rk_register_db(reg);
        struct rk_ledger_entry *e = NULL;
        size_t n = 0;
        char path[PATH_MAX];
        *replayed = 0;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    "a restore needs a role with the \"keys\" permission");
        int rc = rk_ledger_path(rk_register_path(reg), path, sizeof(path), err);
        if (rc == RK_OK)
                rc = rk_ledger_read(path, &e, &n, err);
        if (rc == RK_OK)
                rc = rk_sql_begin(db, err);
        if (rc != RK_OK) {
                rk_ledger_free(e, n);
                return rc;
        }
        for (size_t i = 0; i < n && rc == RK_OK; i++)
                rc = replay_one(s, &e[i], replayed, err);
        if (rc == RK_OK)
                rc = rk_sql_commit(db, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        rk_ledger_free(e, n);
        if (rc == RK_OK)
                rc = rk_forget_flush(db, err);
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
        if (rc == RK_OK)
                rc = rk_ledger_path(staged, from, sizeof(from), err);
        if (rc == RK_OK)
                rc = rk_ledger_path(db_path, to, sizeof(to), err);
        if (rc == RK_OK && access(from, F_OK) == 0 && rename(from, to) != 0)
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", to, strerror(errno));
        if (rc == RK_OK)
                rk_sidefile_remove(staged); /* the staged copy's queue and gate */
        return rc;
}
