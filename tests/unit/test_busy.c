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
 * changed. Writers queued behind a long transaction are served in the
 * order they came (turn.c), and one killed while its turn is up does not
 * stop the others.
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

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

/* How the other session in a child process (hold_lock_as) takes the lock:
 * straight from SQLite, through rk_sql_begin_as in its turn, or only its
 * turn (then it stays until it is killed). */
enum other_writer { RAW_LOCK, CORE_LOCK, TURN_ONLY };

/* A child process takes the write lock as `how` says, tells the parent so,
 * holds it hold_ms and commits. */
static pid_t hold_lock_as(enum other_writer how, int hold_ms)
{
        int fds[2];
        char c;
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rk_error e;
                uint32_t t;
                struct rk_register *reg = open_reg();
                sqlite3 *db = rk_register_db(reg);
                int ok = how == RAW_LOCK ? sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
                                                        NULL) == SQLITE_OK
                         : how == CORE_LOCK ? rk_sql_begin_as(db, "testing", &e) == RK_OK
                                            : rk_turn_take(db, 10000, &t) == 1;
                ok = ok && write(fds[1], "x", 1) == 1;
                if (how == TURN_ONLY)
                        pause(); /* killed holding the turn */
                usleep((useconds_t)hold_ms * 1000);
                ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
                if (how == CORE_LOCK)
                        rk_turn_released(db);
                rk_register_close(reg);
                _exit(ok ? 0 : 1);
        }
        close(fds[1]);
        assert_int_equal(read(fds[0], &c, 1), 1);
        close(fds[0]);
        return pid;
}

static pid_t hold_lock(int hold_ms)
{
        return hold_lock_as(RAW_LOCK, hold_ms);
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

/* Word i of the queue file beside the register (turn.c, "<db>.turn"). */
static uint32_t turn_word(int i)
{
        uint32_t word = 0;
        FILE *f = fopen(tu_path("b.db.turn"), "rb");
        if (f != NULL) {
                assert_int_equal(fseek(f, (long)(i * sizeof(word)), SEEK_SET), 0);
                assert_int_equal(fread(&word, sizeof(word), 1, f), 1);
                fclose(f);
        }
        return word;
}

/* The queue's next ticket: the first word. */
static uint32_t next_ticket(void)
{
        return turn_word(0);
}

/* Waiters woken before their turn came: the fifth word. */
static uint32_t woken_early(void)
{
        return turn_word(4);
}

#define WRITERS 5

/* Writer i: open, say so, wait for the go, then write; on its lock it
 * appends i to the order pipe. */
static pid_t writer(int i, const int ready[2], int order)
{
        int go[2];
        char c;
        assert_int_equal(pipe(go), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rk_error err;
                close(go[1]);
                struct rk_register *reg = open_reg();
                sqlite3 *db = rk_register_db(reg);
                int ok = write(ready[1], "r", 1) == 1 && read(go[0], &c, 1) == 1;
                ok = ok && rk_sql_begin_as(db, "testing", &err) == RK_OK;
                char me = (char)('0' + i);
                ok = ok && write(order, &me, 1) == 1;
                ok = ok && rk_sql_commit(db, &err) == RK_OK;
                rk_register_close(reg);
                _exit(ok ? 0 : 1);
        }
        close(go[0]);
        assert_int_equal(read(ready[0], &c, 1), 1);
        uint32_t before = next_ticket();
        assert_int_equal(write(go[1], "g", 1), 1);
        close(go[1]);
        for (int k = 0; k < 5000 && next_ticket() == before; k++)
                usleep(1000); /* until it has taken its ticket */
        assert_int_equal(next_ticket(), before + 1);
        return pid;
}

/* Writers that queue behind a long transaction get the lock in the order
 * they came, not in the order their backoff happens to wake them; and each
 * pass of the turn wakes the next writer only, not every one waiting (with
 * five, waking them all woke writers 2-4 six times before their turn). */
static void test_writers_served_in_order(void **state)
{
        (void)state;
        int ready[2], order[2];
        pid_t pids[WRITERS];
        char got[WRITERS + 1] = "";
        cfg.busy_timeout_ms = 10000;
        rk_busy_set_notice(NULL, NULL); /* the earlier tests' counters are gone */
        assert_int_equal(pipe(ready), 0);
        assert_int_equal(pipe(order), 0);
        uint32_t early = woken_early();
        pid_t holder = hold_lock(1500);
        for (int i = 0; i < WRITERS; i++)
                pids[i] = writer(i, ready, order[1]);
        close(order[1]);
        for (int i = 0; i < WRITERS; i++)
                child_ok(pids[i]);
        child_ok(holder);
        assert_int_equal(read(order[0], got, WRITERS), WRITERS);
        assert_string_equal(got, "01234");
        print_message("woken before their turn: %u\n", woken_early() - early);
        assert_int_equal(woken_early() - early, 0);
        /* the queue file is shared like the register: its mode and group */
        struct stat db_st, turn_st;
        assert_int_equal(chmod(tu_path("b.db"), 0660), 0);
        assert_int_equal(unlink(tu_path("b.db.turn")), 0);
        struct rk_error err;
        struct rk_register *reg = open_reg();
        assert_int_equal(rk_sql_begin(rk_register_db(reg), &err), RK_OK);
        rk_sql_rollback(rk_register_db(reg));
        rk_register_close(reg);
        assert_int_equal(stat(tu_path("b.db"), &db_st), 0);
        assert_int_equal(stat(tu_path("b.db.turn"), &turn_st), 0);
        assert_int_equal(turn_st.st_mode & 0777, 0660);
        assert_int_equal(turn_st.st_gid, db_st.st_gid);
        close(order[0]);
        close(ready[0]);
        close(ready[1]);
}

/* The parent's busy handler: when SQLite first found the lock taken. */
static struct timespec begun;
static long long first_busy_ms = -1;

static int note_busy(void *ctx, int count)
{
        (void)ctx;
        if (count == 0 && first_busy_ms < 0)
                first_busy_ms = ms_since(&begun);
        usleep(1000);
        return count < 5000;
}

/* The turn passes as soon as the writer before has the lock, but the next
 * one waits for that writer's transaction to end (up to TURN_STALL_MS, 100
 * ms) before it asks SQLite: a try while the lock is surely held fails and
 * costs a read of the first page (decrypted and checked, in an encrypted
 * register). Here the writer before holds it 300 ms: SQLite is asked only
 * after the 100 ms, not at once. */
static void test_next_waits_for_the_end(void **state)
{
        (void)state;
        struct rk_error err;
        cfg.busy_timeout_ms = 10000;
        rk_busy_set_notice(NULL, NULL);
        struct rk_register *reg = open_reg();
        sqlite3 *db = rk_register_db(reg);
        pid_t pid = hold_lock_as(CORE_LOCK, 300);
        sqlite3_busy_handler(db, note_busy, NULL);
        first_busy_ms = -1;
        clock_gettime(CLOCK_MONOTONIC, &begun);
        assert_int_equal(rk_sql_begin_as(db, "testing", &err), RK_OK);
        long long waited = ms_since(&begun);
        assert_int_equal(rk_sql_commit(db, &err), RK_OK);
        child_ok(pid);
        print_message("first asked SQLite after %lld ms, had the lock after %lld ms\n",
                      first_busy_ms, waited);
        assert_true(first_busy_ms < 0 || first_busy_ms >= 90);
        assert_true(waited >= 200);
        rk_register_close(reg);
}

/* A writer killed while its turn is up does not stop the queue: the next
 * one finds it gone and goes on within a fraction of a second. */
static void test_dead_turn_is_skipped(void **state)
{
        (void)state;
        struct rk_error err;
        cfg.busy_timeout_ms = 10000;
        rk_busy_set_notice(NULL, NULL);
        struct rk_register *reg = open_reg();
        sqlite3 *db = rk_register_db(reg);
        pid_t pid = hold_lock_as(TURN_ONLY, 0);
        uint32_t taken = next_ticket();
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(rk_sql_begin_as(db, "testing", &err), RK_OK);
        long long waited = ms_since(&t0);
        assert_int_equal(rk_sql_commit(db, &err), RK_OK);
        assert_int_equal(next_ticket(), taken + 1); /* we did queue behind it */
        assert_true(waited >= 100 && waited < 2000);
        rk_register_close(reg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_waits_then_succeeds),
            cmocka_unit_test(test_short_wait_is_silent),
            cmocka_unit_test(test_gives_up_plainly),
            cmocka_unit_test(test_writers_served_in_order),
            cmocka_unit_test(test_dead_turn_is_skipped),
            cmocka_unit_test(test_next_waits_for_the_end),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
