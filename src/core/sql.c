/*
 * sql.c - SQLite error mapping and fixed-statement helpers (see sql.h).
 *
 * Write transactions begin and commit through exec_retrying(): the busy
 * handler (busy.c) already waits up to the connection's timeout inside
 * each try; a try that still finds the lock taken is repeated after a
 * jittered pause, a bounded number of times, before the caller gets
 * RK_ERR_BUSY. No SQLite message ever reaches the user for a busy lock.
 */
#include "sql.h"
#include "rekisteri/i18n.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int rk_sql_fail(sqlite3 *db, int sqlite_rc, const char *what, struct rk_error *err)
{
        /* marked where it is written (po/meson.build); "" would give the header */
        what = what != NULL && what[0] != '\0' ? gettext(what) : "";
        switch (sqlite_rc & 0xff) {
        case SQLITE_FULL:
                return rk_error_set(err, RK_ERR_FULL,
                                    "%s: the disk is full; this step was not saved",
                                    what);
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return rk_error_set(err, RK_ERR_BUSY,
                                    "%s: another session is holding the register; "
                                    "this step was not saved, try again",
                                    what);
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
                return rk_error_set(
                    err, RK_ERR_CORRUPT,
                    "%s: the file is damaged, truncated or not readable with "
                    "this key",
                    what);
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_PERM:
        case SQLITE_READONLY:
                return rk_error_set(err, RK_ERR_IO, "%s: %s", what,
                                    sqlite3_errstr(sqlite_rc));
        case SQLITE_CONSTRAINT:
                return rk_error_set(err, RK_ERR_EXISTS, "%s: already exists", what);
        default:
                return rk_error_set(err, RK_ERR_INTERNAL, "%s: %s", what,
                                    db ? sqlite3_errmsg(db) : sqlite3_errstr(sqlite_rc));
        }
}

int rk_sql_exec(sqlite3 *db, const char *sql, const char *what, struct rk_error *err)
{
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
                return rk_sql_fail(db, rc, what, err);
        return RK_OK;
}

int rk_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what,
                   struct rk_error *err)
{
        int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
        if (rc != SQLITE_OK) {
                *st = NULL;
                return rk_sql_fail(db, rc, what, err);
        }
        return RK_OK;
}

int rk_sql_row(sqlite3_stmt *st, bool *row, const char *what, struct rk_error *err)
{
        int src = sqlite3_step(st);
        *row = src == SQLITE_ROW;
        if (src == SQLITE_ROW || src == SQLITE_DONE)
                return RK_OK;
        /* no connection: SQLite's own message may quote a bound value
         * (a search expression), so only the code's text is shown */
        return rk_sql_fail(NULL, src, what, err);
}

void *rk_sql_array_push(struct rk_sql_array *a, size_t size, struct rk_error *err)
{
        if (a->n == a->cap) {
                size_t cap = a->cap ? 2 * a->cap : 16;
                void *v = cap <= SIZE_MAX / size ? realloc(a->v, cap * size) : NULL;
                if (v == NULL) {
                        rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                        return NULL;
                }
                a->v = v;
                a->cap = cap;
        }
        char *item = (char *)a->v + a->n++ * size;
        memset(item, 0, size);
        return item;
}

void rk_sql_array_pop(struct rk_sql_array *a)
{
        if (a->n > 0)
                a->n--;
}

int rk_sql_collect(sqlite3_stmt *st, size_t size, size_t limit, rk_sql_fill_fn fill,
                   void *ctx, struct rk_sql_array *out, const char *what,
                   struct rk_error *err)
{
        int rc = RK_OK;
        bool row = false;
        while (rc == RK_OK && (limit == 0 || out->n < limit) &&
               (rc = rk_sql_row(st, &row, what, err)) == RK_OK && row) {
                void *item = rk_sql_array_push(out, size, err);
                if (item == NULL)
                        return RK_ERR_NOMEM;
                rc = fill(st, item, ctx, err);
                if (rc != RK_OK)
                        rk_sql_array_pop(out);
                if (rc == RK_SQL_SKIP)
                        rc = RK_OK;
        }
        return rc;
}

int rk_sql_collect_id(sqlite3 *db, const char *sql, int64_t id, size_t size,
                      rk_sql_fill_fn fill, void *ctx, struct rk_sql_array *out,
                      const char *what, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, what, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        rc = rk_sql_collect(st, size, 0, fill, ctx, out, what, err);
        sqlite3_finalize(st);
        return rc;
}

void rk_sql_rollback(sqlite3 *db)
{
        if (!sqlite3_get_autocommit(db))
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        /* also when SQLite already rolled back itself (a full disk): the
         * transaction has ended either way (turn.c, "inside") */
        rk_turn_released(db);
}

static int is_busy(int sqlite_rc)
{
        return (sqlite_rc & 0xff) == SQLITE_BUSY || (sqlite_rc & 0xff) == SQLITE_LOCKED;
}

/* Run fixed sql, retrying while another session holds the lock; a BEGIN
 * first waits for its turn among the writers (turn.c). */
static int exec_retrying(sqlite3 *db, const char *sql, bool queue, const char *what,
                         struct rk_error *err)
{
        int src = SQLITE_OK;
        uint32_t ticket = 0;
        rk_busy_enter();
        bool turn = queue && rk_turn_take(db, rk_busy_limit_ms(), &ticket);
        for (int attempt = 0; attempt <= RK_SQL_BEGIN_RETRIES; attempt++) {
                if (attempt > 0)
                        rk_busy_pause(attempt - 1);
                src = sqlite3_exec(db, sql, NULL, NULL, NULL);
                if (!is_busy(src))
                        break;
        }
        if (turn && src == SQLITE_OK)
                rk_turn_inside(db); /* before the next writer is let go */
        if (turn)
                rk_turn_pass(db, ticket);
        rk_busy_done();
        return src == SQLITE_OK ? RK_OK : rk_sql_fail(db, src, what, err);
}

int rk_sql_begin_as(sqlite3 *db, const char *what, struct rk_error *err)
{
        return exec_retrying(db, "BEGIN IMMEDIATE", true, what, err);
}

int rk_sql_begin(sqlite3 *db, struct rk_error *err)
{
        return rk_sql_begin_as(db, "starting a transaction", err);
}

int rk_sql_commit_as(sqlite3 *db, const char *what, struct rk_error *err)
{
        int rc = exec_retrying(db, "COMMIT", false, what, err);
        rk_turn_released(db);
        return rc;
}

int rk_sql_commit(sqlite3 *db, struct rk_error *err)
{
        return rk_sql_commit_as(db, "saving", err);
}
