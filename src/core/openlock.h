/*
 * openlock.h - the register's opening lock: every connection to the
 * register holds a shared lock by name on "<db>.open" for its lifetime; a
 * key rotation holds it exclusively while it copies and swaps the file.
 * See openlock.c for why.
 */
#ifndef REKISTERI_OPENLOCK_H
#define REKISTERI_OPENLOCK_H

#include "rekisteri/error.h"

#include <sqlite3.h>

#define RK_OPENLOCK_SUFFIX ".open"

/*
 * rk_openlock_share - before the register at db_path is opened: take the
 * shared opening lock (or count one more user when this process holds it
 * already, shared or exclusive). While a rotation holds it exclusively,
 * waits up to timeout_ms (the busy notice after RK_BUSY_NOTICE_MS), then
 * fails with RK_ERR_BUSY. *handle is the lock's handle for
 * rk_openlock_attach / rk_openlock_release, or -1 when the lock file
 * cannot be made here (a read-only directory: no rotation can rename
 * there either); that is RK_OK too.
 */
int rk_openlock_share(const char *db_path, long long timeout_ms, int *handle,
                      struct rk_error *err);

/* rk_openlock_attach - the connection db opened under handle keeps it
 * until rk_openlock_drop(db). A handle of -1 is ignored. */
void rk_openlock_attach(int handle, sqlite3 *db);

/* rk_openlock_release - give back a handle no connection was attached to
 * (an opening that failed). */
void rk_openlock_release(int handle);

/* rk_openlock_drop - db is being closed: its use of the lock ends (the
 * lock itself when it was the process's last connection to the file). */
void rk_openlock_drop(sqlite3 *db);

/*
 * rk_openlock_exclusive - for a key rotation over db's connection: make
 * the lock exclusive without waiting. RK_OK, or RK_ERR_BUSY ("other
 * sessions are using the register") when any other process has the
 * register open or is opening it; the shared lock is then held again.
 */
int rk_openlock_exclusive(sqlite3 *db, struct rk_error *err);

/* rk_openlock_shared_again - the rotation is over (done or undone): let
 * the sessions waiting for the lock in. Harmless when not exclusive. */
void rk_openlock_shared_again(sqlite3 *db);

#endif
