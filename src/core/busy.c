/*
 * busy.c - waiting for another session's lock (see busy.h and sql.h).
 *
 * How it works: every connection gets rk_busy_install() instead of
 * sqlite3_busy_timeout(). A write first waits for its turn among the
 * writers (turn.c: first come, first served), so by the time SQLite calls
 * the handler the writer is normally alone in asking: the handler sleeps
 * 1, 2, 4, then 8 ms at a time (jittered), waking early when a
 * transaction ends (rk_turn_nap), and gives up when the wait has lasted
 * the connection's timeout. The timeout rides in the
 * handler's context pointer, so nothing has to be freed with the
 * connection. Write paths (rk_sql_begin, rk_sql_commit) bracket their
 * wait with rk_busy_enter()/rk_busy_done(): once such a wait has lasted
 * RK_BUSY_NOTICE_MS, the registered notice is called with 1, and
 * rk_busy_done() calls it with 0 when the caller has its lock or has
 * given up. A reader's rare wait (WAL readers almost never wait) gives no
 * notice. The process is single-threaded, so the state of the current
 * wait is a static.
 */
#include "rekisteri/busy.h"
#include "sql.h"

#include <sodium.h>
#include <stdint.h>
#include <time.h>

static rk_busy_notice_fn notice_fn;
static void *notice_ctx;
static int in_wait; /* between rk_busy_enter and rk_busy_done */
static int noticed;
static int64_t wait_started;
static long long limit_ms = 5000; /* the longest timeout installed */

void rk_busy_set_notice(rk_busy_notice_fn fn, void *ctx)
{
        notice_fn = fn;
        notice_ctx = ctx;
}

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
        struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {
        }
}

/* base ms, jittered to [base/2, base * 3/2). */
static int64_t jitter(int64_t base)
{
        if (base < 2)
                return 1;
        return base / 2 + (int64_t)randombytes_uniform((uint32_t)base);
}

void rk_busy_enter(void)
{
        in_wait = 1;
        noticed = 0;
        wait_started = now_ms();
}

/* Give the notice once the current write's wait has lasted long enough. */
void rk_busy_wait_tick(void)
{
        if (in_wait && !noticed && now_ms() - wait_started >= RK_BUSY_NOTICE_MS) {
                noticed = 1;
                if (notice_fn != NULL)
                        notice_fn(notice_ctx, 1);
        }
}

void rk_busy_done(void)
{
        if (noticed && notice_fn != NULL)
                notice_fn(notice_ctx, 0);
        noticed = 0;
        in_wait = 0;
}

void rk_busy_pause(int attempt)
{
        rk_busy_wait_tick();
        int64_t base = 50LL << (attempt < 4 ? attempt : 4); /* 50 ms .. 800 ms */
        sleep_ms(jitter(base));
        rk_busy_wait_tick();
}

/* SQLite's busy handler: 1 = try again, 0 = give up (SQLITE_BUSY). */
static int busy_handler(void *ctx, int count)
{
        int64_t timeout = (int64_t)(intptr_t)ctx;
        static int64_t first;
        if (count == 0)
                first = now_ms();
        if (now_ms() - first >= timeout)
                return 0;
        rk_busy_wait_tick();
        /* 1, 2, 4, 8, 8 ... ms: a writer waits here only once its turn has
         * come (turn.c), so it is alone in asking and should not oversleep */
        rk_turn_nap((int)jitter(1LL << (count < 3 ? count : 3)));
        rk_busy_wait_tick();
        return 1;
}

long long rk_busy_limit_ms(void)
{
        return limit_ms;
}

void rk_busy_install(sqlite3 *db, long long timeout_ms)
{
        if (timeout_ms > limit_ms)
                limit_ms = timeout_ms;
        sqlite3_busy_handler(db, busy_handler, (void *)(intptr_t)timeout_ms);
}
