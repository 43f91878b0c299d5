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
#include <stdbool.h>
#include <stdint.h>

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

/*
 * rk_sql_begin_as - BEGIN IMMEDIATE: take the write lock now, so the chain
 * head and optimistic versions read inside cannot race. While another
 * session writes, the busy handler waits up to the connection's timeout;
 * beyond that the BEGIN is retried RK_SQL_BEGIN_RETRIES more times after a
 * jittered pause. A wait longer than RK_BUSY_NOTICE_MS triggers the busy
 * notice (busy.h). RK_ERR_BUSY ("what: another session is holding the
 * register; nothing was changed, try again") only when every try failed.
 * Keep the transaction that follows short: every other writer waits for it.
 */
int rk_sql_begin_as(sqlite3 *db, const char *what, struct rk_error *err);

/* rk_sql_begin - rk_sql_begin_as(db, "starting a transaction", err). */
int rk_sql_begin(sqlite3 *db, struct rk_error *err);

/* rk_sql_commit - COMMIT, retried like rk_sql_begin_as when the lock is
 * busy (the transaction stays open meanwhile), mapping failures (a full
 * disk, a lost lock). On failure the caller rolls back. */
int rk_sql_commit(sqlite3 *db, struct rk_error *err);

/* rk_sql_commit_as - rk_sql_commit with `what` in the message. */
int rk_sql_commit_as(sqlite3 *db, const char *what, struct rk_error *err);

#define RK_SQL_BEGIN_RETRIES 3

/* ---- waiting for locks (busy.c) ---------------------------------------- */

/* rk_busy_install - the jittered busy handler on db, giving up after
 * timeout_ms. Use in place of sqlite3_busy_timeout on every connection. */
void rk_busy_install(sqlite3 *db, long long timeout_ms);

/* rk_busy_enter, rk_busy_done - bracket a write's wait for its lock, so a
 * long one gives the busy notice (on) and, at done, the notice off. */
void rk_busy_enter(void);
void rk_busy_done(void);

/* rk_busy_wait_tick - while waiting outside SQLite (turn.c): give the
 * busy notice once the current write's wait has lasted long enough. */
void rk_busy_wait_tick(void);

/* rk_busy_limit_ms - the longest busy timeout installed in this process:
 * how long a write waits for its turn before it leaves it to SQLite. */
long long rk_busy_limit_ms(void);

/* ---- writers take turns (turn.c) ---------------------------------------- */

/*
 * rk_turn_take - wait until it is this process's turn to take db's write
 * lock, in the order the writers arrived (a ticket queue in "<db>.turn"),
 * at most limit_ms. Returns 1 with *ticket set when the caller must pass
 * the turn on with rk_turn_pass (right after BEGIN IMMEDIATE, whatever its
 * outcome); 0 when there is no queue (no file can be made beside db) or
 * the wait ran out: then the caller goes straight to SQLite's lock.
 */
int rk_turn_take(sqlite3 *db, long long limit_ms, uint32_t *ticket);

/* rk_turn_use - let db's writers take turns (the register's database;
 * the slot file and the ledger, rarely written, go straight to SQLite).
 * For this process: the last register opened. */
void rk_turn_use(sqlite3 *db);

/* rk_turn_pass - end the turn of ticket: the next writer may go. */
void rk_turn_pass(sqlite3 *db, uint32_t ticket);

/* rk_turn_released - a write transaction on db ended (COMMIT or ROLLBACK
 * ran): wake the writer waiting for the lock. */
void rk_turn_released(sqlite3 *db);

/* rk_turn_nap - the busy handler's sleep: up to ms, less when a write
 * transaction ends meanwhile. */
void rk_turn_nap(int ms);

/* rk_busy_pause - sleep before retry number attempt (0, 1, ...): 50 ms
 * doubling up to 800 ms, jittered by +-50%. */
void rk_busy_pause(int attempt);

#endif
