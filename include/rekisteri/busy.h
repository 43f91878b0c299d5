/*
 * busy.h - waiting for other sessions: how a long wait for the register's
 * lock is made visible to the person waiting.
 *
 * Many sessions share one database. Readers never wait (WAL), but a write
 * transaction waits for the one writer before it; core retries with a
 * jittered backoff (sql.h) and gives up, with RK_ERR_BUSY and a plain
 * message, only after [database] busy_timeout_ms and a few more tries.
 * A front end that wants to tell the user registers a notice here.
 */
#ifndef REKISTERI_BUSY_H
#define REKISTERI_BUSY_H

/* How long a wait lasts before the notice is given, in milliseconds. */
#define RK_BUSY_NOTICE_MS 700

/*
 * A notice callback: waiting is 1 once a wait has lasted RK_BUSY_NOTICE_MS
 * (at most once per wait), and 0 when that wait is over (whatever its
 * outcome). It runs inside the core call that waits: it may draw, but must
 * not call back into core.
 */
typedef void (*rk_busy_notice_fn)(void *ctx, int waiting);

/* rk_busy_set_notice - register fn (NULL: none) for the whole process; ctx
 * is passed back unchanged and must outlive the registration. */
void rk_busy_set_notice(rk_busy_notice_fn fn, void *ctx);

#endif
