/*
 * test_busy.c - many sessions, one register: what a member of staff sees
 * when another session holds the write lock.
 *
 * Two connections to one real register in a temp dir. What a user would
 * notice: a write that has to wait for another session's transaction
 * waits and then succeeds (no error at all), and a wait longer than
 * RK_BUSY_NOTICE_MS raises the busy notice and lowers it again; a lock
 * that is never released ends in RK_ERR_BUSY with a plain message (never
 * SQLite's "database is locked") after the bounded retries, with nothing
 * changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/busy.h"
#include "rekisteri/register.h"
#include "rekisteri/vault.h"
#include "sql.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct rk_config cfg;
static const char pw[] = "kolme iloista kalaa";

struct notices {
        int on, off;
};

static void count_notice(void *ctx, int waiting)
{
        struct notices *n = ctx;
        if (waiting)
                n->on++;
        else
                n->off++;
}

static long long ms_since(const struct timespec *t0)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static struct rk_register *open_reg(void)
{
        struct rk_register *reg = NULL;
        struct rk_error err;
        if (rk_register_unlock_user(&cfg, tu_path("b.db"), "hannele", pw, strlen(pw),
                                    &reg, &err) != RK_OK)
                fail_msg("%s", err.msg);
        return reg;
}

static int setup(void **state)
{
        (void)state;
        struct rk_register *reg = NULL;
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, tu_path("b.db"), "hannele", pw, NULL, NULL);
        rk_register_close(reg);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_busy_set_notice(NULL, NULL);
        tu_rmdir();
        return 0;
}

/* A child process holds the write lock for hold_ms, then commits. */
static pid_t hold_lock(int hold_ms)
{
        int fds[2];
        char c;
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rk_register *reg = open_reg();
                sqlite3 *db = rk_register_db(reg);
                int ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == 0;
                ok = ok && write(fds[1], "x", 1) == 1;
                usleep((useconds_t)hold_ms * 1000);
                ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == 0;
                rk_register_close(reg);
                _exit(ok ? 0 : 1);
        }
        close(fds[1]);
        assert_int_equal(read(fds[0], &c, 1), 1);
        close(fds[0]);
        return pid;
}

static void child_ok(pid_t pid)
{
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A 1.2 s transaction elsewhere: we wait, are told so, then go on. */
static void test_waits_then_succeeds(void **state)
{
        (void)state;
        struct notices n = {0, 0};
        struct rk_error err;
        struct timespec t0;
        rk_error_clear(&err);
        cfg.busy_timeout_ms = 10000;
        rk_busy_set_notice(count_notice, &n);
        struct rk_register *reg = open_reg();
        sqlite3 *db = rk_register_db(reg);
        pid_t pid = hold_lock(1200);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(rk_sql_begin_as(db, "testing", &err), RK_OK);
        assert_true(ms_since(&t0) >= 1000);
        assert_int_equal(rk_sql_exec(db, "CREATE TABLE waited(x)", "testing", &err),
                         RK_OK);
        assert_int_equal(rk_sql_commit(db, &err), RK_OK);
        assert_int_equal(n.on, 1);
        assert_int_equal(n.off, 1);
        child_ok(pid);
        rk_register_close(reg);
}

/* A short wait gives no notice at all. */
static void test_short_wait_is_silent(void **state)
{
        (void)state;
        struct notices n = {0, 0};
        struct rk_error err;
        cfg.busy_timeout_ms = 10000;
        rk_busy_set_notice(count_notice, &n);
        struct rk_register *reg = open_reg();
        sqlite3 *db = rk_register_db(reg);
        pid_t pid = hold_lock(150);
        assert_int_equal(rk_sql_begin_as(db, "testing", &err), RK_OK);
        rk_sql_rollback(db);
        assert_int_equal(n.on, 0);
        assert_int_equal(n.off, 0);
        child_ok(pid);
        rk_register_close(reg);
}

/* A lock that outlasts every try: RK_ERR_BUSY, a plain message, and the
 * write never happened. */
static void test_gives_up_plainly(void **state)
{
        (void)state;
        struct notices n = {0, 0};
        struct rk_error err;
        struct timespec t0;
        rk_error_clear(&err);
        cfg.busy_timeout_ms = 200;
        rk_busy_set_notice(count_notice, &n);
        struct rk_register *reg = open_reg();
        sqlite3 *db = rk_register_db(reg);
        pid_t pid = hold_lock(2500);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(rk_sql_begin_as(db, "saving the customer", &err), RK_ERR_BUSY);
        long long waited = ms_since(&t0);
        /* every try waited its timeout: (retries + 1) * 200 ms, plus pauses */
        assert_true(waited >= (RK_SQL_BEGIN_RETRIES + 1) * 200);
        assert_true(waited < 2500);
        assert_non_null(strstr(err.msg, "saving the customer: another session is "
                                        "holding the register; this step was not saved"));
        assert_null(strstr(err.msg, "locked"));
        assert_int_equal(n.on, 1);
        assert_int_equal(n.off, 1);
        assert_true(sqlite3_get_autocommit(db));
        child_ok(pid);
        rk_register_close(reg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_waits_then_succeeds),
            cmocka_unit_test(test_short_wait_is_silent),
            cmocka_unit_test(test_gives_up_plainly),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
