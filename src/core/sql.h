/*
 * sql.h - small helpers shared by every core module that talks to SQLite:
 * mapping SQLite result codes to rk result codes with a clear message, and
 * running fixed statements. Internal to the core library.
 *
 * Only fixed SQL text goes through rk_sql_exec; anything with a value in it
 * is a prepared statement with bound parameters.
 */
#ifndef REKISTERI_SQL_H
#define REKISTERI_SQL_H

#include "rekisteri/error.h"

#include <sqlite3.h>

/*
 * rk_sql_fail - turn a failed SQLite call into an rk result code and a
 * message "what: reason". SQLITE_FULL -> RK_ERR_FULL, BUSY/LOCKED ->
 * RK_ERR_BUSY, NOTADB/CORRUPT -> RK_ERR_CORRUPT, CANTOPEN/IOERR ->
 * RK_ERR_IO, CONSTRAINT -> RK_ERR_EXISTS, others -> RK_ERR_INTERNAL. The
 * SQLite message is included only for internal errors, and never holds a
 * value because every value is a bound parameter.
 */
int rk_sql_fail(sqlite3 *db, int sqlite_rc, const char *what, struct rk_error *err);

/* rk_sql_exec - run fixed SQL text (no values) and map failures. */
int rk_sql_exec(sqlite3 *db, const char *sql, const char *what, struct rk_error *err);

/* rk_sql_prepare - prepare sql or fail with rk_sql_fail(what). */
int rk_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what,
                   struct rk_error *err);

/* rk_sql_rollback - roll back any open transaction, ignoring errors. */
void rk_sql_rollback(sqlite3 *db);

/* rk_sql_begin - BEGIN IMMEDIATE: take the write lock now, so the chain
 * head and optimistic versions read inside cannot race. */
int rk_sql_begin(sqlite3 *db, struct rk_error *err);

/* rk_sql_commit - COMMIT, mapping failures (a full disk, a lost lock). */
int rk_sql_commit(sqlite3 *db, struct rk_error *err);

#endif
