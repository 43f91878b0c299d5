/*
 * test_kdf_gate.c - the morning login storm: ten password checks started
 * at the same instant on one real register, in ten processes.
 *
 * This program is built with its own copy of kdf_gate.c compiled with
 * RK_KDF_GATE_COUNTER, so every Argon2id computation counts itself in
 * "<db>.kdf.count" as it enters and leaves: the test reads how many ran
 * at once from there, not from timing. With argon2_at_once = 2 the most
 * at once is exactly 2 (never more; and two did overlap, so the count can
 * see overlap), every one of the ten logins succeeded and all left. The
 * same storm with the bound at 10 shows more than 2 at once: the counter
 * would catch a gate that did not hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/register.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOGINS 10

static struct rk_config cfg;
static const char pw[] = "kymmenen kirjautumista";

static int setup(void **state)
{
        (void)state;
        tu_tmpdir();
        tu_fast_config(&cfg);
        cfg.argon2_ops = 3;
        cfg.argon2_mem_kib = 16 * 1024; /* long enough for ten to overlap */
        rk_register_close(tu_register(&cfg, tu_path("g.db"), "hannele", pw, NULL, NULL));
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

/* Start LOGINS password unlocks at once with the bound k; the counter
 * file's "inside most entered" into out. */
static void storm(long long k, long long out[3])
{
        int go[2];
        pid_t pids[LOGINS];
        char c;
        cfg.argon2_at_once = k;
        unlink(tu_path("g.db.kdf.count"));
        assert_int_equal(pipe(go), 0);
        for (int i = 0; i < LOGINS; i++) {
                pids[i] = fork();
                assert_true(pids[i] >= 0);
                if (pids[i] == 0) {
                        struct rk_register *reg = NULL;
                        struct rk_error err;
                        close(go[1]);
                        int ok = read(go[0], &c, 1) == 0; /* all go when it closes */
                        ok = ok &&
                             rk_register_unlock_user(&cfg, tu_path("g.db"), "hannele", pw,
                                                     strlen(pw), &reg, &err) == RK_OK;
                        rk_register_close(reg);
                        _exit(ok ? 0 : 1);
                }
        }
        close(go[0]);
        close(go[1]); /* the same instant for all ten */
        for (int i = 0; i < LOGINS; i++) {
                int status = 0;
                assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
                assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        FILE *f = fopen(tu_path("g.db.kdf.count"), "r");
        assert_non_null(f);
        assert_int_equal(fscanf(f, "%lld %lld %lld", &out[0], &out[1], &out[2]), 3);
        fclose(f);
}

static void test_two_at_a_time(void **state)
{
        (void)state;
        long long n[3];
        storm(2, n);
        assert_int_equal(n[2], LOGINS); /* every login checked its password */
        assert_int_equal(n[0], 0);      /* and left the gate */
        assert_int_equal(n[1], 2);      /* two at once, never more */
}

static void test_counter_sees_more_without_the_bound(void **state)
{
        (void)state;
        long long n[3];
        storm(LOGINS, n);
        assert_int_equal(n[2], LOGINS);
        assert_int_equal(n[0], 0);
        assert_true(n[1] > 2);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_two_at_a_time),
            cmocka_unit_test(test_counter_sees_more_without_the_bound),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
