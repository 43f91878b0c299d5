/*
 * ledger.c - the erasure ledger file (see ledger.h): a plain SQLite file,
 * opened for each operation and closed again, written in one transaction
 * with synchronous=FULL so an erasure's entry is on disk before the
 * erasure commits.
 */
#include "rekisteri/ledger.h"
#include "sql.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS erasures("
    " id INTEGER PRIMARY KEY,"
    " customer_number TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " contact_id INTEGER NOT NULL,"
    " fingerprint BLOB NOT NULL,"
    " mode TEXT NOT NULL,"
    " erased_at INTEGER NOT NULL,"
    " UNIQUE(customer_number, created_at, contact_id, fingerprint));"
    "CREATE TABLE IF NOT EXISTS erasure_hashes("
    " erasure_id INTEGER NOT NULL REFERENCES erasures(id),"
    " kind TEXT NOT NULL,"
    " hash BLOB NOT NULL,"
    " PRIMARY KEY(erasure_id, kind, hash));";

int rk_ledger_path(const char *db_path, char *out, size_t size, struct rk_error *err)
{
        int n = snprintf(out, size, "%s%s", db_path, RK_LEDGER_SUFFIX);
        if (n < 0 || (size_t)n >= size)
                return rk_error_set(err, RK_ERR_INVALID, "the register path is too long");
        return RK_OK;
}

static int open_ledger(const char *path, bool create, sqlite3 **db, struct rk_error *err)
{
        *db = NULL;
        if (create) {
                /* create it 0600 ourselves: SQLite would use the umask */
                int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
                if (fd < 0)
                        return rk_error_set(err, RK_ERR_IO, "%s: %s", path,
                                            strerror(errno));
                close(fd);
        }
        int src = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL);
        int rc = src == SQLITE_OK ? RK_OK : rk_sql_fail(*db, src, path, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(*db, "PRAGMA synchronous=FULL", path, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(*db, schema, path, err);
        if (rc != RK_OK) {
                sqlite3_close(*db);
                *db = NULL;
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
        sqlite3_stmt *st;
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
        if (rc == RK_OK)
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

int rk_ledger_append(const char *path, const struct rk_ledger_entry *e, size_t n,
                     struct rk_error *err)
{
        sqlite3 *db;
        int rc = open_ledger(path, true, &db, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_sql_begin(db, err);
        for (size_t i = 0; i < n && rc == RK_OK; i++)
                rc = insert_entry(db, &e[i], err);
        if (rc == RK_OK)
                rc = rk_sql_commit(db, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        sqlite3_close(db);
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

static int read_entries(sqlite3 *db, struct rk_ledger_entry **out, size_t *n,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT id, customer_number, created_at, contact_id, "
                                "fingerprint, mode, erased_at FROM erasures ORDER BY id",
                                &st, "reading the erasure ledger", err);
        struct rk_sql_array a = {0};
        bool row = false;
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

int rk_ledger_read(const char *path, struct rk_ledger_entry **out, size_t *n,
                   struct rk_error *err)
{
        sqlite3 *db;
        *out = NULL;
        *n = 0;
        if (access(path, F_OK) != 0)
                return RK_OK;
        int rc = open_ledger(path, false, &db, err);
        if (rc != RK_OK)
                return rc;
        rc = read_entries(db, out, n, err);
        sqlite3_close(db);
        if (rc != RK_OK) {
                rk_ledger_free(*out, *n);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

int rk_ledger_merge(const char *dst, const char *src, struct rk_error *err)
{
        struct rk_ledger_entry *e = NULL;
        size_t n = 0;
        int rc = rk_ledger_read(src, &e, &n, err);
        if (rc == RK_OK && n > 0)
                rc = rk_ledger_append(dst, e, n, err);
        rk_ledger_free(e, n);
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

void rk_ledger_take_plan(struct rk_ledger_entry *e, struct rk_forget_plan *done)
{
        memcpy(e->number, done->number, sizeof(e->number));
        e->created_at = done->created_at;
        e->hashes = done->hashes;
        e->nhashes = done->nhashes;
        done->hashes = NULL;
        done->nhashes = 0;
}
