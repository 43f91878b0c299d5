/*
 * sql.c - SQLite error mapping and fixed-statement helpers (see sql.h).
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
                return rk_error_set(
                    err, RK_ERR_BUSY,
                    "%s: another session is holding the register; try again", what);
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
        if (!sqlite3_get_autocommit(db))
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int rk_sql_begin(sqlite3 *db, struct rk_error *err)
{
        return rk_sql_exec(db, "BEGIN IMMEDIATE", "starting a transaction", err);
}

int rk_sql_commit(sqlite3 *db, struct rk_error *err)
{
        return rk_sql_exec(db, "COMMIT", "saving", err);
}
