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
#include <stddef.h>
#include <stdint.h>

/*
 * rk_sql_fail - turn a failed SQLite call into an rk result code and a
 * message "what: reason". SQLITE_FULL -> RK_ERR_FULL, BUSY/LOCKED ->
 * RK_ERR_BUSY, NOTADB/CORRUPT -> RK_ERR_CORRUPT, CANTOPEN/IOERR ->
 * RK_ERR_IO, CONSTRAINT -> RK_ERR_EXISTS, others -> RK_ERR_INTERNAL. A
 * full disk or a busy lock says "this step was not saved", true of the
 * transaction that failed (a command made of several says itself what it
 * did before). The SQLite message is included only for internal errors,
 * and never holds a value because every value is a bound parameter.
 */
int rk_sql_fail(sqlite3 *db, int sqlite_rc, const char *what, struct rk_error *err);

/* rk_sql_exec - run fixed SQL text (no values) and map failures. */
int rk_sql_exec(sqlite3 *db, const char *sql, const char *what, struct rk_error *err);

/* rk_sql_prepare - prepare sql or fail with rk_sql_fail(what). */
int rk_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what,
                   struct rk_error *err);

/* ---- statements kept per connection (sql_cache.c) ----------------------
 * For a path run once per customer or per row: the SQL is parsed once per
 * connection, not once per call. */

/*
 * rk_sql_cached - a prepared statement for sql, from db's cache when db
 * has one (rk_sql_cache_open) with an idle statement for that text, else
 * newly prepared (and kept, when db has a cache); with no bindings, reset.
 * Returns as rk_sql_prepare. Give it back with rk_sql_release, never
 * sqlite3_finalize, on every path (a statement not given back stays in
 * use, and holds its read open).
 */
int rk_sql_cached(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what,
                  struct rk_error *err);

/* rk_sql_release - give st back: a cached one is reset and its bindings
 * cleared, any other finalized. NULL is ignored. */
void rk_sql_release(sqlite3_stmt *st);

/* rk_sql_cache_open - give db a statement cache (rk_sql_cached); a no-op
 * when the process has no room left for one. The statements must be gone
 * before db closes: rk_sql_cache_close. */
void rk_sql_cache_open(sqlite3 *db);

/* rk_sql_cache_close - finalize every statement cached for db and forget
 * it; before sqlite3_close(db). rk_sql_cache_trim - finalize the idle
 * ones only (an idle session giving its memory back). */
void rk_sql_cache_close(sqlite3 *db);
void rk_sql_cache_trim(sqlite3 *db);

/* ---- reading rows ------------------------------------------------------
 * Every loop over a statement's rows goes through rk_sql_row or
 * rk_sql_collect, so that a read that stops early (an I/O error, a busy
 * lock, a corrupt page) comes back as an error naming what could not be
 * read, never as a short result that looks complete. */

/*
 * rk_sql_row - step st once. RK_OK with *row true when a row is ready,
 * RK_OK with *row false at the end (SQLITE_DONE); any other code is
 * rk_sql_fail(what) with *row false (without SQLite's message, which may
 * quote a bound value). The loop is
 *   while (rc == RK_OK && (rc = rk_sql_row(st, &row, what, err)) == RK_OK && row)
 * and rc afterwards says whether every row was read.
 */
int rk_sql_row(sqlite3_stmt *st, bool *row, const char *what, struct rk_error *err);

/*
 * rk_sql_check_pages - run pragma ("PRAGMA integrity_check" or "PRAGMA
 * quick_check(1)") on db (pagecheck.c). RK_OK with *ok true when every
 * page checked out; RK_OK with *ok false and the check's first finding in
 * note (size bytes) when a page is damaged. A page the check could not
 * read (an I/O error, a full disk, no memory, a busy lock) is that error,
 * rk_sql_fail(what), never a finding of damage.
 */
int rk_sql_check_pages(sqlite3 *db, const char *pragma, bool *ok, char *note, size_t size,
                       const char *what, struct rk_error *err);

/* A growing array of fixed-size elements; {0} is empty. v is malloc'ed. */
struct rk_sql_array {
        void *v;
        size_t n, cap;
};

/*
 * rk_sql_array_push - room for one more element of size bytes, growing
 * the array geometrically; returns the new element, zeroed and counted in
 * a->n, or NULL with RK_ERR_NOMEM in err (the array is unchanged).
 */
void *rk_sql_array_push(struct rk_sql_array *a, size_t size, struct rk_error *err);

/* rk_sql_array_pop - uncount the last element (a fill that skipped it). */
void rk_sql_array_pop(struct rk_sql_array *a);

/* A row reader for rk_sql_collect: fill item (zeroed) from st's current
 * row; RK_OK keeps it, RK_SQL_SKIP drops it, an rk error stops. */
typedef int (*rk_sql_fill_fn)(sqlite3_stmt *st, void *item, void *ctx,
                              struct rk_error *err);
#define RK_SQL_SKIP (-1)

/*
 * rk_sql_collect - read st's rows into out (appending), one element of
 * size bytes per row filled by fill(st, item, ctx, err), until the end or
 * until out holds limit elements (0: no limit). Returns RK_OK when every
 * row up to the limit was read, fill's error, RK_ERR_NOMEM, or the
 * rk_sql_fail(what) of the code that ended the read. On error out keeps
 * what was read; the caller frees out->v either way. st is not finalized.
 */
int rk_sql_collect(sqlite3_stmt *st, size_t size, size_t limit, rk_sql_fill_fn fill,
                   void *ctx, struct rk_sql_array *out, const char *what,
                   struct rk_error *err);

/*
 * rk_sql_collect_id - prepare sql, bind ?1 to id, rk_sql_collect every row
 * into out and finalize: the common "rows that belong to id" read. Returns
 * as rk_sql_collect (or the prepare's failure).
 */
int rk_sql_collect_id(sqlite3 *db, const char *sql, int64_t id, size_t size,
                      rk_sql_fill_fn fill, void *ctx, struct rk_sql_array *out,
                      const char *what, struct rk_error *err);

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

/* rk_turn_inside - this process now holds db's write transaction (BEGIN
 * IMMEDIATE succeeded in its turn): the next writer waits for its end
 * (rk_turn_released) before asking for the lock. */
void rk_turn_inside(sqlite3 *db);

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
