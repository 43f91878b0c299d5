/*
 * ledger.c - who was forgotten (see ledger.h): the erasures tables inside
 * the register, written in the forgetting's own transaction, and the
 * ledger file beside it, a plain SQLite mirror of those tables.
 *
 * The same two tables (RK_LEDGER_TABLES_SQL) live in both places, so one
 * insert and one read serve the register and the file. The file also has
 * ledger_meta: the register's id, how many entries of the register it
 * mirrors (count and highest id, to tell cheaply whether it is behind),
 * and as_of, the time up to which it is known to hold every forgetting.
 * The mirror is only ever written after the register committed; a file
 * that is behind (a kill between COMMIT and mirror, a deleted file) is
 * repaired from the register at the next opening. The file is created
 * with sharedfile.h's mode and group, opened for each operation, written
 * in one transaction with synchronous=FULL, and waits for other writers.
 */
#include "rekisteri/ledger.h"
#include "rekisteri/i18n.h"
#include "rekisteri/clock.h"
#include "rekisteri/sharedfile.h"
#include "sql.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEDGER_BUSY_MS 10000

static const char *const path_what = N_("writing the erasure ledger");

static const char file_schema[] = RK_LEDGER_TABLES_SQL
    "CREATE TABLE IF NOT EXISTS ledger_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);";

int rk_ledger_path(const char *db_path, char *out, size_t size, struct rk_error *err)
{
        int n = snprintf(out, size, "%s%s", db_path, RK_LEDGER_SUFFIX);
        if (n < 0 || (size_t)n >= size)
                return rk_error_set(err, RK_ERR_INVALID, "the register path is too long");
        return RK_OK;
}

/* Open the ledger file at path; with register_path, create it when
 * missing with that register's file mode (sharedfile.h). */
static int open_ledger(const char *path, const char *register_path, sqlite3 **db,
                       struct rk_error *err)
{
        *db = NULL;
        if (register_path != NULL) {
                int fd;
                int rc = rk_sharedfile_open(register_path, path, false, &fd, err);
                if (rc != RK_OK)
                        return rc;
                close(fd);
        }
        int src = sqlite3_open_v2(
            path, db,
            register_path != NULL ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL);
        int rc = src == SQLITE_OK ? RK_OK : rk_sql_fail(*db, src, path, err);
        if (rc == RK_OK)
                rk_busy_install(*db, LEDGER_BUSY_MS);
        if (rc == RK_OK && register_path != NULL)
                rc = rk_sql_exec(*db, "PRAGMA synchronous=FULL", path, err);
        if (rc == RK_OK && register_path != NULL)
                rc = rk_sql_exec(*db, file_schema, path, err);
        /* a file that is not a ledger says so here, not later */
        if (rc == RK_OK)
                rc = rk_sql_exec(*db, "SELECT count(*) FROM erasures", path, err);
        if (rc != RK_OK) {
                sqlite3_close(*db);
                *db = NULL;
                if (register_path == NULL)
                        rc = rk_error_set(err, RK_ERR_CORRUPT,
                                          "%s is not an erasure ledger of rekisteri",
                                          path);
        }
        return rc;
}

static const char *mode_name(enum rk_forget_mode m)
{
        return m == RK_FORGET_ANONYMISE ? "anonymise" : "erase";
}

static int insert_hashes(sqlite3 *db, int64_t id, const struct rk_ledger_entry *e,
                         struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        int rc = rk_sql_prepare(db,
                                "INSERT OR IGNORE INTO erasure_hashes(erasure_id, kind, "
                                "hash) VALUES(?,?,?)",
                                &st, "writing the erasure ledger", err);
        for (size_t i = 0; rc == RK_OK && i < e->nhashes; i++) {
                sqlite3_reset(st);
                sqlite3_bind_int64(st, 1, id);
                sqlite3_bind_text(st, 2, rk_ident_kind_name(e->hashes[i].kind), -1,
                                  SQLITE_STATIC);
                sqlite3_bind_blob(st, 3, e->hashes[i].hash, RK_SUPPRESS_HASH_BYTES,
                                  SQLITE_STATIC);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, "writing the erasure ledger", err);
        }
        /* finalized on every path: a statement left open keeps the
         * connection from closing (found by the fault sweep) */
        sqlite3_finalize(st);
        return rc;
}

static int insert_entry(sqlite3 *db, const struct rk_ledger_entry *e,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "INSERT OR IGNORE INTO erasures(customer_number, "
                                "created_at, contact_id, fingerprint, mode, erased_at)"
                                " VALUES(?,?,?,?,?,?)",
                                &st, "writing the erasure ledger", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, e->number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->created_at);
        sqlite3_bind_int64(st, 3, e->contact_id);
        sqlite3_bind_blob(st, 4, e->fingerprint, RK_SUPPRESS_HASH_BYTES, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, mode_name(e->mode), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, e->erased_at);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "writing the erasure ledger", err);
        /* the row id, whether just inserted or there before */
        rc = rk_sql_prepare(db,
                            "SELECT id FROM erasures WHERE customer_number=? AND "
                            "created_at=? AND contact_id=? AND fingerprint=?",
                            &st, "writing the erasure ledger", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, e->number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->created_at);
        sqlite3_bind_int64(st, 3, e->contact_id);
        sqlite3_bind_blob(st, 4, e->fingerprint, RK_SUPPRESS_HASH_BYTES, SQLITE_STATIC);
        src = sqlite3_step(st);
        int64_t id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        if (src != SQLITE_ROW)
                return rk_sql_fail(db, src, "writing the erasure ledger", err);
        return insert_hashes(db, id, e, err);
}

int rk_ledger_record(sqlite3 *db, const struct rk_ledger_entry *e, size_t n,
                     struct rk_error *err)
{
        int rc = RK_OK;
        for (size_t i = 0; i < n && rc == RK_OK; i++)
                rc = insert_entry(db, &e[i], err);
        return rc;
}

void rk_ledger_free(struct rk_ledger_entry *e, size_t n)
{
        for (size_t i = 0; e != NULL && i < n; i++)
                free(e[i].hashes);
        free(e);
}

/* One row of SELECT kind, hash FROM erasure_hashes; rows of an unknown
 * kind or size are skipped. */
static int fill_hash(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        struct rk_ident_hash *h = item;
        (void)ctx;
        (void)err;
        int kind = rk_ident_kind_parse((const char *)sqlite3_column_text(st, 0));
        if (kind < 0 || sqlite3_column_bytes(st, 1) != RK_SUPPRESS_HASH_BYTES)
                return RK_SQL_SKIP;
        h->kind = (enum rk_ident_kind)kind;
        memcpy(h->hash, sqlite3_column_blob(st, 1), RK_SUPPRESS_HASH_BYTES);
        return RK_OK;
}

static int read_hashes(sqlite3 *db, int64_t id, struct rk_ledger_entry *e,
                       struct rk_error *err)
{
        struct rk_sql_array a = {0};
        int rc = rk_sql_collect_id(
            db, "SELECT kind, hash FROM erasure_hashes WHERE erasure_id=?", id,
            sizeof(*e->hashes), fill_hash, NULL, &a, "reading the erasure ledger", err);
        e->hashes = a.v;
        e->nhashes = a.n;
        return rc;
}

static int read_entries(sqlite3 *db, int64_t after, struct rk_ledger_entry **out,
                        size_t *n, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT id, customer_number, created_at, contact_id, "
                                "fingerprint, mode, erased_at FROM erasures WHERE id > ?"
                                " ORDER BY id",
                                &st, "reading the erasure ledger", err);
        struct rk_sql_array a = {0};
        bool row = false;
        if (rc == RK_OK)
                sqlite3_bind_int64(st, 1, after);
        while (rc == RK_OK &&
               (rc = rk_sql_row(st, &row, "reading the erasure ledger", err)) == RK_OK &&
               row) {
                struct rk_ledger_entry *e = rk_sql_array_push(&a, sizeof(*e), err);
                if (e == NULL) {
                        rc = RK_ERR_NOMEM;
                        break;
                }
                snprintf(e->number, sizeof(e->number), "%s",
                         (const char *)sqlite3_column_text(st, 1));
                e->created_at = sqlite3_column_int64(st, 2);
                e->contact_id = sqlite3_column_int64(st, 3);
                if (sqlite3_column_bytes(st, 4) == RK_SUPPRESS_HASH_BYTES)
                        memcpy(e->fingerprint, sqlite3_column_blob(st, 4),
                               RK_SUPPRESS_HASH_BYTES);
                e->mode =
                    strcmp((const char *)sqlite3_column_text(st, 5), "anonymise") == 0
                        ? RK_FORGET_ANONYMISE
                        : RK_FORGET_ERASE;
                e->erased_at = sqlite3_column_int64(st, 6);
                rc = read_hashes(db, sqlite3_column_int64(st, 0), e, err);
        }
        sqlite3_finalize(st);
        *out = a.v;
        *n = a.n;
        return rc;
}

int rk_ledger_load(sqlite3 *db, struct rk_ledger_entry **out, size_t *n,
                   struct rk_error *err)
{
        *out = NULL;
        *n = 0;
        int rc = read_entries(db, 0, out, n, err);
        if (rc != RK_OK) {
                rk_ledger_free(*out, *n);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

/* ledger_meta[key] (or the register's meta[key]) into out; "" when none. */
static int meta_get(sqlite3 *db, const char *table, const char *key, char *out,
                    size_t size, struct rk_error *err)
{
        char sql[96];
        sqlite3_stmt *st;
        snprintf(sql, sizeof(sql), "SELECT value FROM %s WHERE key=?", table);
        out[0] = '\0';
        int rc = rk_sql_prepare(db, sql, &st, "reading the erasure ledger", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return src == SQLITE_ROW || src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "reading the erasure ledger", err);
}

static int meta_set(sqlite3 *db, const char *key, const char *value, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db, "INSERT OR REPLACE INTO ledger_meta(key, value) VALUES(?,?)", &st,
            "writing the erasure ledger", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "writing the erasure ledger", err);
}

static int meta_get_i64(sqlite3 *db, const char *key, int64_t *out, struct rk_error *err)
{
        char text[32];
        int rc = meta_get(db, "ledger_meta", key, text, sizeof(text), err);
        *out = rc == RK_OK ? strtoll(text, NULL, 10) : 0;
        return rc;
}

static int meta_set_i64(sqlite3 *db, const char *key, int64_t v, struct rk_error *err)
{
        char text[32];
        snprintf(text, sizeof(text), "%" PRId64, v);
        return meta_set(db, key, text, err);
}

int rk_ledger_register_id(sqlite3 *db, char out[RK_REGISTER_ID_SIZE],
                          struct rk_error *err)
{
        return rk_suppress_register_id(db, out, err);
}

int rk_ledger_read(const char *path, struct rk_ledger_entry **out, size_t *n,
                   struct rk_ledger_info *info, struct rk_error *err)
{
        sqlite3 *db;
        struct rk_ledger_info local;
        info = info != NULL ? info : &local;
        memset(info, 0, sizeof(*info));
        *out = NULL;
        *n = 0;
        if (faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) != 0)
                return RK_OK;
        int rc = open_ledger(path, NULL, &db, err);
        if (rc != RK_OK)
                return rc;
        info->exists = true;
        /* a ledger of an older version has no ledger_meta: no id, no as_of */
        if (sqlite3_exec(db, "SELECT 1 FROM ledger_meta", NULL, NULL, NULL) ==
            SQLITE_OK) {
                rc = meta_get(db, "ledger_meta", "register_id", info->register_id,
                              sizeof(info->register_id), err);
                if (rc == RK_OK)
                        rc = meta_get_i64(db, "as_of", &info->as_of, err);
        }
        if (rc == RK_OK)
                rc = read_entries(db, 0, out, n, err);
        sqlite3_close(db);
        if (rc != RK_OK) {
                rk_ledger_free(*out, *n);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

/* The register's entry count and highest id. */
static int register_extent(sqlite3 *db, int64_t after, int64_t *count, int64_t *max,
                           struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT count(*), ifnull(max(id),0) FROM erasures"
                                " WHERE id > ?",
                                &st, "reading who was forgotten", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, after);
        int src = sqlite3_step(st);
        *count = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        *max = src == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
        sqlite3_finalize(st);
        return src == SQLITE_ROW ? RK_OK
                                 : rk_sql_fail(db, src, "reading who was forgotten", err);
}

/*
 * Copy the register's entries after `after` into the open file ledger,
 * without their identifier hashes: the file lives in the clear, beside
 * the backups too, and a hash of a phone number or an identity code can be
 * reversed by trying every value by anyone who also has the key. A
 * restore takes the hashes from the backup's own rows (it forgets them
 * again, which hashes them anew); hashes an older version wrote to the
 * file are removed.
 */
static int copy_entries(sqlite3 *reg, sqlite3 *file, int64_t after, struct rk_error *err)
{
        struct rk_ledger_entry *e = NULL;
        size_t n = 0;
        int rc = read_entries(reg, after, &e, &n, err);
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                free(e[i].hashes);
                e[i].hashes = NULL;
                e[i].nhashes = 0;
        }
        if (rc == RK_OK)
                rc = rk_sql_exec(file, "DELETE FROM erasure_hashes", path_what, err);
        if (rc == RK_OK)
                rc = rk_ledger_record(file, e, n, err);
        rk_ledger_free(e, n);
        return rc;
}

/* With the file open and its transaction begun: bring it up to date.
 * With dry, only say in *needed whether anything is to be written. */
static int mirror_into(sqlite3 *reg, sqlite3 *file, const char *path, bool stamp,
                       bool dry, bool *needed, struct rk_error *err)
{
        char id[RK_REGISTER_ID_SIZE] = "", file_id[RK_REGISTER_ID_SIZE] = "";
        int64_t count = 0, max = 0, fcount = 0, fmax = 0, newer = 0, newer_max = 0;
        int rc = rk_ledger_register_id(reg, id, err);
        if (rc == RK_OK)
                rc = meta_get(file, "ledger_meta", "register_id", file_id,
                              sizeof(file_id), err);
        if (rc == RK_OK && file_id[0] != '\0' && strcmp(file_id, id) != 0)
                return rk_error_set(err, RK_ERR_CORRUPT,
                                    "%s is the erasure ledger of another register "
                                    "(%.8s, this one is %.8s); move it away",
                                    path, file_id, id);
        if (rc == RK_OK)
                rc = register_extent(reg, 0, &count, &max, err);
        if (rc == RK_OK)
                rc = meta_get_i64(file, "mirrored_count", &fcount, err);
        if (rc == RK_OK)
                rc = meta_get_i64(file, "mirrored_max", &fmax, err);
        if (rc != RK_OK)
                return rc;
        *needed = stamp || count != fcount || max != fmax || file_id[0] == '\0';
        if (!*needed || dry)
                return rc;
        /* only the newer rows when the file mirrors this register so far */
        rc = register_extent(reg, fmax, &newer, &newer_max, err);
        /* a stamp (a backup, a restore) copies everything: after a restore
         * the file's counts are those of another incarnation of the register */
        bool tail = rc == RK_OK && !stamp && file_id[0] != '\0' && max >= fmax &&
                    count - fcount == newer;
        if (rc == RK_OK)
                rc = copy_entries(reg, file, tail ? fmax : 0, err);
        if (rc == RK_OK)
                rc = meta_set(file, "register_id", id, err);
        if (rc == RK_OK)
                rc = meta_set_i64(file, "mirrored_count", count, err);
        if (rc == RK_OK)
                rc = meta_set_i64(file, "mirrored_max", max, err);
        if (rc == RK_OK)
                rc = meta_set_i64(file, "as_of", rk_clock_now(), err);
        return rc;
}

int rk_ledger_mirror(sqlite3 *reg, const char *register_path, bool stamp,
                     struct rk_error *err)
{
        char path[PATH_MAX];
        sqlite3 *file = NULL;
        int64_t count = 0, max = 0;
        bool needed = true;
        int rc = rk_ledger_path(register_path, path, sizeof(path), err);
        if (rc == RK_OK)
                rc = register_extent(reg, 0, &count, &max, err);
        /* nothing forgotten and no file yet: nothing to mirror */
        if (rc != RK_OK ||
            (!stamp && count == 0 && faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) != 0))
                return rc;
        rc = open_ledger(path, register_path, &file, err);
        /* most openings find it complete: look before taking the lock */
        if (rc == RK_OK)
                rc = mirror_into(reg, file, path, stamp, true, &needed, err);
        if (rc == RK_OK && needed)
                rc = rk_sql_begin_as(file, "writing the erasure ledger", err);
        if (rc == RK_OK && needed)
                rc = mirror_into(reg, file, path, stamp, false, &needed, err);
        if (rc == RK_OK && needed)
                rc = rk_sql_commit_as(file, "writing the erasure ledger", err);
        if (rc != RK_OK && file != NULL)
                rk_sql_rollback(file);
        sqlite3_close(file);
        return rc;
}

struct rk_ledger_entry *rk_ledger_next(struct rk_ledger_entry **arr, size_t *n,
                                       enum rk_forget_mode mode, int64_t erased_at,
                                       struct rk_error *err)
{
        void *p = realloc(*arr, (*n + 1) * sizeof(**arr));
        if (p == NULL) {
                rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                return NULL;
        }
        *arr = p;
        struct rk_ledger_entry *e = &(*arr)[(*n)++];
        memset(e, 0, sizeof(*e));
        e->mode = mode;
        e->erased_at = erased_at;
        return e;
}

int rk_ledger_add_merged(sqlite3 *db, int64_t id, struct rk_ledger_entry **arr, size_t *n,
                         enum rk_forget_mode mode, int64_t erased_at,
                         struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT number, created_at FROM customers WHERE "
                                "merged_into=? ORDER BY id",
                                &st, "recording who was forgotten", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        bool row = false;
        while ((rc = rk_sql_row(st, &row, "recording who was forgotten", err)) == RK_OK &&
               row) {
                struct rk_ledger_entry *e = rk_ledger_next(arr, n, mode, erased_at, err);
                if (e == NULL) {
                        rc = RK_ERR_NOMEM;
                        break;
                }
                snprintf(e->number, sizeof(e->number), "%s",
                         (const char *)sqlite3_column_text(st, 0));
                e->created_at = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        return rc;
}

void rk_ledger_take_plan(struct rk_ledger_entry *e, struct rk_forget_plan *done)
{
        memcpy(e->number, done->number, sizeof(e->number));
        e->created_at = done->created_at;
        e->hashes = done->hashes;
        e->nhashes = done->nhashes;
        done->hashes = NULL;
        done->nhashes = 0;
}
