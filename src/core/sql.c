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

int rk_sql_fail(sqlite3 *db, int sqlite_rc, const char *what, struct rk_error *err)
{
        switch (sqlite_rc & 0xff) {
        case SQLITE_FULL:
                return rk_error_set(err, RK_ERR_FULL,
                                    "%s: the disk is full; nothing was changed", what);
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return rk_error_set(err, RK_ERR_BUSY,
                                    "%s: another session is holding the register; "
                                    "nothing was changed, try again",
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

void rk_sql_rollback(sqlite3 *db)
{
        if (!sqlite3_get_autocommit(db)) {
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
                rk_turn_released(db);
        }
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
