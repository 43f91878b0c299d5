/*
 * restore_forget.c - a restore that never silently brings a forgotten
 * person back (see restore.h for the design and the proof it asks for).
 *
 * How it works: every source is read into one array of ledger entries
 * (ledger.h); the register id of each is compared with the backup's; the
 * newest backup time and the newest qualifying ledger time are kept. Then
 * one transaction records every entry in the staged register and forgets
 * again each customer or contact person it still holds (forget.h, with
 * the index merge deferred to one merge at the end), with a "dsr.replay"
 * audit row each and one "backup.restore" row for the restore.
 */
#include "rekisteri/restore.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/forget.h"
#include "rekisteri/ledger.h"
#include "rekisteri/store.h"
#include "rekisteri/secret.h"
#include "register_internal.h"
#include "sql.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WHAT N_("restoring the record of who was forgotten")

struct gather {
        const struct rk_restore_options *o;
        sqlite3 *db;
        const unsigned char *dek;
        char id[RK_REGISTER_ID_SIZE];
        struct rk_ledger_entry *e;
        size_t n;
        int64_t newest; /* the newest backup time seen */
        char newest_path[PATH_MAX];
        bool have_ledger; /* a ledger file with an id and as_of */
        int64_t ledger_as_of;
        char ledger_path[PATH_MAX];
        struct rk_restore_outcome *out;
};

/* ---- small helpers ------------------------------------------------------- */

static void when_text(int64_t t, char *out, size_t size)
{
        time_t tt = (time_t)t;
        struct tm tm;
        localtime_r(&tt, &tm);
        strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static int meta_i64(sqlite3 *db, const char *key, int64_t *out, struct rk_error *err)
{
        sqlite3_stmt *st;
        *out = 0;
        int rc = rk_sql_prepare(db, "SELECT value FROM meta WHERE key=?", &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                *out = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return src == SQLITE_ROW || src == SQLITE_DONE ? RK_OK
                                                       : rk_sql_fail(db, src, WHAT, err);
}

/* Set meta last_backup_at to at, or remove it when at is 0. */
static int set_last_backup(sqlite3 *db, int64_t at, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db,
            at > 0 ? "INSERT OR REPLACE INTO meta(key, value) VALUES('last_backup_at', ?)"
                   : "DELETE FROM meta WHERE key='last_backup_at'",
            &st, "taking a backup", err);
        if (rc != RK_OK)
                return rc;
        if (at > 0)
                sqlite3_bind_int64(st, 1, at);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, "taking a backup", err);
}

int rk_restore_mark_backup(sqlite3 *db, int64_t now, int64_t *prev, struct rk_error *err)
{
        int rc = meta_i64(db, "last_backup_at", prev, err);
        return rc == RK_OK ? set_last_backup(db, now, err) : rc;
}

int rk_restore_unmark_backup(sqlite3 *db, int64_t prev, struct rk_error *err)
{
        return set_last_backup(db, prev, err);
}

int rk_restore_check_set(const char *from, struct rk_error *err)
{
        struct stat st;
        char keys[PATH_MAX], head[16];
        if (stat(from, &st) != 0 || !S_ISREG(st.st_mode))
                return rk_error_set(err, RK_ERR_NOTFOUND,
                                    "%s: no such backup; nothing was restored", from);
        if (st.st_size == 0 || st.st_size % 4096 != 0)
                return rk_error_set(err, RK_ERR_CORRUPT,
                                    "%s is truncated or damaged (%lld bytes, not a whole "
                                    "number of pages); nothing was restored",
                                    from, (long long)st.st_size);
        int fd = open(from, O_RDONLY | O_CLOEXEC);
        ssize_t got = fd >= 0 ? read(fd, head, sizeof(head)) : -1;
        if (fd >= 0)
                close(fd);
        if (got == (ssize_t)sizeof(head) && memcmp(head, "SQLite format 3", 16) == 0)
                return rk_error_set(
                    err, RK_ERR_CORRUPT,
                    "%s is a plain SQLite file (a .keys or .erased file?), "
                    "not an encrypted backup; nothing was restored",
                    from);
        snprintf(keys, sizeof(keys), "%s%s", from, RK_VAULT_SUFFIX);
        if (faccessat(AT_FDCWD, keys, R_OK, AT_EACCESS) != 0)
                return rk_error_set(err, RK_ERR_NOTFOUND,
                                    "%s is missing: a backup is the database file and "
                                    "its .keys file, which holds the keyslots that open "
                                    "it; copy both. Nothing was restored",
                                    keys);
        return RK_OK;
}

/* ---- gathering ------------------------------------------------------------ */

static int take(struct gather *g, struct rk_ledger_entry *e, size_t n,
                struct rk_error *err)
{
        if (n == 0) {
                free(e);
                return RK_OK;
        }
        void *p = realloc(g->e, (g->n + n) * sizeof(*g->e));
        if (p == NULL) {
                rk_ledger_free(e, n);
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        }
        g->e = p;
        memcpy(g->e + g->n, e, n * sizeof(*e));
        g->n += n;
        g->out->known += n;
        free(e);
        return RK_OK;
}

enum source { BACKUP_COPY, TARGET, CONFIGURED, EXPLICIT };

/* Read the ledger file at path into g, judged by where it came from. */
static int from_file(struct gather *g, const char *path, enum source kind,
                     struct rk_error *err)
{
        struct rk_ledger_entry *e = NULL;
        struct rk_ledger_info info;
        size_t n = 0;
        int rc = rk_ledger_read(path, &e, &n, &info, err);
        if (rc != RK_OK)
                return rc;
        if (!info.exists)
                return kind == EXPLICIT ? rk_error_set(err, RK_ERR_NOTFOUND,
                                                       "%s: no such ledger file; nothing "
                                                       "was restored",
                                                       path)
                                        : RK_OK;
        if (info.register_id[0] != '\0' && strcmp(info.register_id, g->id) != 0) {
                rk_ledger_free(e, n);
                if (kind == CONFIGURED)
                        return RK_OK; /* the configured register is another one */
                if (kind == TARGET)
                        return rk_error_set(
                            err, RK_ERR_INVALID,
                            "%.80s is the erasure ledger of register %.8s, but %.80s "
                            "is a backup of register %.8s: this is another register's "
                            "backup. Nothing was restored; restore it elsewhere",
                            path, info.register_id, g->o->from, g->id);
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "%.80s is the erasure ledger of another register (%.8s), "
                    "not of the one %.80s is a backup of (%.8s); nothing "
                    "was restored",
                    path, info.register_id, g->o->from, g->id);
        }
        if (kind != BACKUP_COPY && info.register_id[0] != '\0') {
                g->out->ledgers++;
                if (!g->have_ledger || info.as_of > g->ledger_as_of) {
                        g->have_ledger = true;
                        g->ledger_as_of = info.as_of;
                        snprintf(g->ledger_path, sizeof(g->ledger_path), "%s", path);
                }
        }
        return take(g, e, n, err);
}

static int from_register_file(struct gather *g, const char *db_path, enum source kind,
                              struct rk_error *err)
{
        char path[PATH_MAX];
        if (db_path == NULL)
                return RK_OK;
        int rc = rk_ledger_path(db_path, path, sizeof(path), err);
        return rc == RK_OK ? from_file(g, path, kind, err) : rc;
}

/* path as a file: URI, with the characters a URI gives meaning to escaped. */
static bool uri_of(const char *path, char *out, size_t size)
{
        size_t j = snprintf(out, size, "file:");
        for (size_t i = 0; path[i] != '\0'; i++) {
                if (j + 4 >= size)
                        return false;
                if (path[i] == '?' || path[i] == '#' || path[i] == '%')
                        j +=
                            snprintf(out + j, size - j, "%%%02X", (unsigned char)path[i]);
                else
                        out[j++] = path[i];
        }
        return snprintf(out + j, size - j, "?immutable=1") < (int)(size - j);
}

/* Open another backup read-only with the staged register's key; NULL when
 * it does not open with it (another register, or not a backup at all). */
static sqlite3 *open_sibling(const char *path, const unsigned char *dek)
{
        sqlite3 *db = NULL;
        char uri[PATH_MAX + 32];
        char *text = rk_secret_alloc(RK_RAW_KEY_TEXT);
        /* immutable: read as it is, no lock, no -wal or -shm left beside it */
        int src =
            text == NULL || !uri_of(path, uri, sizeof(uri))
                ? SQLITE_NOMEM
                : sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
        if (src == SQLITE_OK) {
                rk_store_key_text(dek, text);
                src = sqlite3_key(db, text, (int)strlen(text));
        }
        rk_secret_free(text);
        if (src == SQLITE_OK)
                src = sqlite3_exec(db, "PRAGMA cipher_page_size=4096", NULL, NULL, NULL);
        if (src == SQLITE_OK)
                src = sqlite3_exec(db, "SELECT count(*) FROM erasures", NULL, NULL, NULL);
        if (src != SQLITE_OK) {
                sqlite3_close(db);
                return NULL;
        }
        return db;
}

static bool backup_name(const char *name)
{
        static const char *const not [] = {
            RK_VAULT_SUFFIX, RK_LEDGER_SUFFIX, "-wal", "-shm", "-journal", ".restoring"};
        size_t len = strlen(name);
        if (name[0] == '.')
                return false;
        for (size_t i = 0; i < sizeof(not ) / sizeof(not [0]); i++) {
                size_t k = strlen(not [i]);
                if (len >= k && strcmp(name + len - k, not [i]) == 0)
                        return false;
        }
        return true;
}

/* A backup beside the source that another database key encrypts (the keys
 * were rotated between the two): its .erased copy names the register, the
 * forgettings up to its time, and (as_of, stamped by that backup) when it
 * was taken. */
static int from_sibling_ledger(struct gather *g, const char *path, struct rk_error *err)
{
        char led[PATH_MAX];
        struct rk_ledger_entry *e = NULL;
        struct rk_ledger_info info;
        size_t n = 0;
        struct rk_error ignored;
        if (rk_ledger_path(path, led, sizeof(led), &ignored) != RK_OK ||
            rk_ledger_read(led, &e, &n, &info, &ignored) != RK_OK)
                return RK_OK; /* not a ledger: not ours to judge */
        if (!info.exists || strcmp(info.register_id, g->id) != 0) {
                rk_ledger_free(e, n);
                return RK_OK;
        }
        g->out->backups++;
        if (info.as_of > g->newest) {
                g->newest = info.as_of;
                memcpy(g->newest_path, path, sizeof(g->newest_path));
        }
        return take(g, e, n, err);
}

/* One other file in the backup's directory: a newer backup of ours? */
static int from_sibling(struct gather *g, const char *path, const struct stat *self,
                        struct rk_error *err)
{
        struct stat st;
        char keys[PATH_MAX], id[RK_REGISTER_ID_SIZE];
        int len = snprintf(keys, sizeof(keys), "%s%s", path, RK_VAULT_SUFFIX);
        if (len < 0 || (size_t)len >= sizeof(keys) || stat(path, &st) != 0 ||
            !S_ISREG(st.st_mode) ||
            (st.st_ino == self->st_ino && st.st_dev == self->st_dev) ||
            faccessat(AT_FDCWD, keys, F_OK, AT_EACCESS) != 0)
                return RK_OK;
        sqlite3 *db = open_sibling(path, g->dek);
        if (db == NULL) /* another key (rotated since): its ledger copy */
                return from_sibling_ledger(g, path, err);
        struct rk_error ignored;
        int64_t at = 0;
        struct rk_ledger_entry *e = NULL;
        size_t n = 0;
        int rc = RK_OK;
        if (rk_ledger_register_id(db, id, &ignored) == RK_OK && strcmp(id, g->id) == 0 &&
            meta_i64(db, "last_backup_at", &at, &ignored) == RK_OK) {
                g->out->backups++;
                if (at > g->newest) {
                        g->newest = at;
                        memcpy(g->newest_path, path, sizeof(g->newest_path));
                }
                rc = rk_ledger_load(db, &e, &n, err);
                if (rc == RK_OK)
                        rc = take(g, e, n, err);
        }
        sqlite3_close(db);
        return rc;
}

static int from_siblings(struct gather *g, struct rk_error *err)
{
        char dir[PATH_MAX], path[PATH_MAX];
        struct stat self;
        const char *slash = strrchr(g->o->from, '/');
        snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - g->o->from) : 1,
                 slash ? g->o->from : ".");
        if (slash == g->o->from)
                snprintf(dir, sizeof(dir), "/");
        if (stat(g->o->from, &self) != 0)
                return RK_OK;
        DIR *d = opendir(dir);
        if (d == NULL)
                return RK_OK;
        struct dirent *de;
        int rc = RK_OK;
        while (rc == RK_OK && (de = readdir(d)) != NULL) {
                if (!backup_name(de->d_name))
                        continue;
                int len = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                if (len > 0 && (size_t)len < sizeof(path))
                        rc = from_sibling(g, path, &self, err);
        }
        closedir(d);
        return rc;
}

static int prove(const struct gather *g, struct rk_error *err)
{
        char newest[32], as_of[32];
        when_text(g->newest, newest, sizeof(newest));
        if (g->have_ledger && g->ledger_as_of >= g->newest)
                return RK_OK;
        if (!g->have_ledger)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "refusing to restore: nothing shows who was forgotten after the "
                    "backup %.60s was taken (%s). Give the register's ledger (its "
                    ".erased file, kept with the backups) with --ledger FILE, or, if "
                    "nobody was forgotten since, --force-without-ledger (audited). "
                    "Nothing was restored",
                    g->newest_path, newest);
        when_text(g->ledger_as_of, as_of, sizeof(as_of));
        return rk_error_set(err, RK_ERR_INVALID,
                            "refusing to restore: the newest ledger, %.60s, is complete "
                            "up to %s, before the backup %.60s was taken (%s). Give a "
                            "newer copy with --ledger FILE, or --force-without-ledger "
                            "(audited). Nothing was restored",
                            g->ledger_path, as_of, g->newest_path, newest);
}

static int quick_check(sqlite3 *db, const char *from, struct rk_error *err)
{
        bool ok = false;
        /* a page it could not read is the read's error, not damage */
        int rc = rk_sql_check_pages(db, "PRAGMA quick_check(1)", &ok, NULL, 0, WHAT, err);
        if (rc != RK_OK || ok)
                return rc;
        return rk_error_set(err, RK_ERR_CORRUPT,
                            "%s is damaged: its pages do not check out; nothing was "
                            "restored",
                            from);
}

static int gather(struct gather *g, struct rk_error *err)
{
        struct rk_ledger_entry *e = NULL;
        size_t n = 0;
        int rc = quick_check(g->db, g->o->from, err);
        if (rc == RK_OK)
                rc = rk_ledger_register_id(g->db, g->id, err);
        if (rc == RK_OK)
                rc = meta_i64(g->db, "last_backup_at", &g->newest, err);
        snprintf(g->newest_path, sizeof(g->newest_path), "%s", g->o->from);
        if (rc == RK_OK)
                rc = rk_ledger_load(g->db, &e, &n, err);
        if (rc == RK_OK)
                rc = take(g, e, n, err);
        if (rc == RK_OK)
                rc = from_register_file(g, g->o->from, BACKUP_COPY, err);
        if (rc == RK_OK)
                rc = from_register_file(g, g->o->target, TARGET, err);
        if (rc == RK_OK && g->o->configured != NULL &&
            strcmp(g->o->configured, g->o->target) != 0)
                rc = from_register_file(g, g->o->configured, CONFIGURED, err);
        if (rc == RK_OK && g->o->ledger != NULL)
                rc = from_file(g, g->o->ledger, EXPLICIT, err);
        if (rc == RK_OK)
                rc = from_siblings(g, err);
        return rc;
}

/* ---- forgetting again ------------------------------------------------------ */

static int find_customer(sqlite3 *db, const struct rk_ledger_entry *e, int64_t *id,
                         struct rk_error *err)
{
        sqlite3_stmt *st;
        *id = 0;
        int rc = rk_sql_prepare(db,
                                "SELECT id FROM customers WHERE number=? AND "
                                "created_at=?",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, e->number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->created_at);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                *id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return src == SQLITE_ROW || src == SQLITE_DONE ? RK_OK
                                                       : rk_sql_fail(db, src, WHAT, err);
}

static int audit_row(struct rk_session *s, const char *action, int64_t subject,
                     const char *result, const char *target, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        struct rk_audit_event ev = {.action = action,
                                    .subject = subject,
                                    .groups = "",
                                    .fields = "",
                                    .screen = rk_session_place(s),
                                    .result = result,
                                    .target = target};
        return rk_audit_append(rk_register_db(reg), rk_session_actor(s), &ev,
                               (int64_t)time(NULL),
                               rk_register_config(reg)->audit_epoch_rows, err);
}

/* Forget one entry again if the staged register still holds it. */
static int replay_one(struct rk_session *s, const struct rk_ledger_entry *e,
                      size_t *replayed, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        int64_t customer_id = 0, anonymised = 0;
        int rc = find_customer(db, e, &customer_id, err);
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
                sqlite3_stmt *st;
                rc = rk_sql_prepare(db,
                                    "SELECT ifnull(anonymised_at,0) FROM customers WHERE "
                                    "id=?",
                                    &st, WHAT, err);
                if (rc == RK_OK) {
                        sqlite3_bind_int64(st, 1, customer_id);
                        if (sqlite3_step(st) == SQLITE_ROW)
                                anonymised = sqlite3_column_int64(st, 0);
                        sqlite3_finalize(st);
                }
                /* forgotten in the backup already, and not changed since */
                found = rc == RK_OK && anonymised == 0;
                if (found)
                        rc = rk_forget_customer_deferred(db, cfg, customer_id, e->mode,
                                                         e->erased_at, NULL, err);
        }
        if (rc == RK_OK && found)
                rc = audit_row(s, "dsr.replay", customer_id, "ok", "ledger", err);
        if (rc == RK_OK && found)
                (*replayed)++;
        return rc;
}

static int replay(struct rk_session *s, struct gather *g, struct rk_error *err)
{
        sqlite3 *db = g->db;
        int rc = rk_sql_begin(db, err);
        if (rc != RK_OK)
                return rc;
        for (size_t i = 0; i < g->n && rc == RK_OK; i++)
                rc = replay_one(s, &g->e[i], &g->out->replayed, err);
        if (rc == RK_OK)
                rc = rk_ledger_record(db, g->e, g->n, err);
        if (rc == RK_OK)
                rc = audit_row(s, "backup.restore", 0,
                               g->out->overridden ? "override" : "ok",
                               g->out->overridden ? "no-ledger-proof" : "ledger", err);
        if (rc == RK_OK)
                rc = rk_sql_commit(db, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        if (rc == RK_OK)
                rc = rk_forget_optimize_index(db, err);
        if (rc == RK_OK)
                rc = rk_forget_flush(db, err);
        return rc;
}

int rk_restore_forgettings(struct rk_session *s, const struct rk_restore_options *o,
                           struct rk_restore_outcome *out, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        struct gather g = {
            .o = o, .db = rk_register_db(reg), .dek = rk_register_dek(reg), .out = out};
        memset(out, 0, sizeof(*out));
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    "a restore needs a role with the \"keys\" permission");
        int rc = gather(&g, err);
        if (rc == RK_OK && !o->override)
                rc = prove(&g, err);
        if (rc == RK_OK)
                out->overridden =
                    o->override && !(g.have_ledger && g.ledger_as_of >= g.newest);
        if (rc == RK_OK)
                rc = replay(s, &g, err);
        /* the ledger beside the target: complete as of now */
        if (rc == RK_OK)
                rc = rk_ledger_mirror(g.db, o->target, true, err);
        rk_ledger_free(g.e, g.n);
        return rc;
}
