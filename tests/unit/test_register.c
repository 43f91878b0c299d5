/*
 * test_register.c - a whole register: encrypted at rest, nothing in clear,
 * wrong credentials change nothing, key rotation, the recovery path,
 * truncated and newer databases refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/register.h"
#include "rekisteri/store.h"
#include "rekisteri/vault.h"
#include "testutil.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static struct rk_config cfg;
static char recovery[RK_RECOVERY_KEY_CHARS];
static char audit_key[RK_AUDIT_KEY_TEXT];
static const char pw[] = "kolme iloista kalaa";

static const char *db(void)
{
        return tu_path("r.db");
}

static int setup(void **state)
{
        (void)state;
        struct rk_register *reg;
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, db(), "hannele", pw, recovery, audit_key);
        rk_register_close(reg);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

static unsigned char *snapshot(const char *path, size_t *n)
{
        unsigned char *b = tu_read_file(path, n);
        assert_non_null(b);
        return b;
}

static void test_nothing_in_clear(void **state)
{
        (void)state;
        const char *files[] = {db(), tu_path("r.db.keys"), tu_path("r.db-wal")};
        size_t n;
        unsigned char *head = snapshot(db(), &n);
        assert_true(n >= 4096);
        assert_false(memcmp(head, "SQLite format 3", 15) == 0);
        free(head);
        for (size_t i = 0; i < 3; i++) {
                unsigned char *b = tu_read_file(files[i], &n);
                if (b == NULL)
                        continue; /* no WAL left after a clean close */
                assert_false(tu_contains(b, n, "hannele"));
                free(b);
        }
}

static void test_wrong_password_changes_nothing(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        size_t n1, n2;
        unsigned char *d = snapshot(db(), &n1);
        unsigned char *k = snapshot(tu_path("r.db.keys"), &n2);
        assert_int_equal(rk_register_unlock_user(&cfg, db(), "hannele", "wrong password!",
                                                 15, &reg, &err),
                         RK_ERR_AUTH);
        assert_null(reg);
        assert_non_null(strstr(err.msg, "wrong password"));
        assert_true(tu_same_file(db(), d, n1));
        assert_true(tu_same_file(tu_path("r.db.keys"), k, n2));
        assert_int_equal(access(tu_path("r.db-wal"), F_OK), -1);
        free(d);
        free(k);
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_OK);
        rk_register_close(reg);
}

static void test_refuses_to_overwrite(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        char rec[RK_RECOVERY_KEY_CHARS];
        size_t n;
        unsigned char *d = snapshot(db(), &n);
        assert_int_equal(rk_register_create(&cfg, db(), "other", pw, strlen(pw), rec,
                                            audit_key, &reg, &err),
                         RK_ERR_EXISTS);
        assert_non_null(strstr(err.msg, "refusing to overwrite"));
        assert_true(tu_same_file(db(), d, n));
        free(d);
}

/* Open the database directly with a raw key, as the sqlcipher CLI would. */
static int opens_with(const unsigned char *key)
{
        sqlite3 *h;
        struct rk_error err;
        int rc = rk_store_open(db(), key, 0, &cfg, &h, &err);
        rk_store_close(h);
        return rc;
}

static void raw_key(unsigned char *key)
{
        struct rk_error err;
        struct rk_register *reg;
        char text[RK_RAW_KEY_TEXT];
        assert_int_equal(rk_register_unlock_recovery(&cfg, db(), recovery, &reg, &err),
                         RK_OK);
        assert_int_equal(rk_register_raw_key(reg, text, &err), RK_OK);
        rk_register_close(reg);
        assert_int_equal(strlen(text), 67);
        assert_int_equal(
            sodium_hex2bin(key, RK_KEY_BYTES, text + 2, 64, NULL, NULL, NULL), 0);
}

static void test_raw_key_only_with_recovery(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        char text[RK_RAW_KEY_TEXT];
        unsigned char key[RK_KEY_BYTES];
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_OK);
        assert_int_equal(rk_register_raw_key(reg, text, &err), RK_ERR_DENIED);
        rk_register_close(reg);
        raw_key(key);
        assert_int_equal(opens_with(key), RK_OK);
}

static void test_rotation(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        unsigned char old_key[RK_KEY_BYTES], new_key[RK_KEY_BYTES];
        raw_key(old_key);
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_OK);
        assert_int_equal(rk_vault_add_keyfile(rk_register_vault(reg), "nightly",
                                              rk_register_master_key(reg),
                                              tu_path("n.key"), &err),
                         RK_OK);
        assert_int_equal(rk_register_rotate_key(reg, &err), RK_OK);
        rk_register_close(reg);
        assert_int_equal(opens_with(old_key), RK_ERR_CORRUPT);
        raw_key(new_key);
        assert_memory_not_equal(old_key, new_key, RK_KEY_BYTES);
        assert_int_equal(opens_with(new_key), RK_OK);
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_OK);
        rk_register_close(reg);
        assert_int_equal(
            rk_register_unlock_keyfile(&cfg, db(), tu_path("n.key"), &reg, &err), RK_OK);
        rk_register_close(reg);
}

/* A rotation killed (SIGKILL, in a child) right after step `step`: the
 * register opens afterwards with its slot file, under the old key (killed
 * before the swap) or the new one (after), and the copy is gone. */
static void killed_rotation(int step, bool new_key_expected)
{
        struct rk_error err;
        struct rk_register *reg;
        unsigned char before[RK_KEY_BYTES], now[RK_KEY_BYTES];
        char copy[PATH_MAX];
        raw_key(before);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char n[8];
                snprintf(n, sizeof(n), "%d", step);
                setenv("REKISTERI_TEST_ROTATE_KILL", n, 1);
                if (rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg,
                                            &err) == RK_OK)
                        rk_register_rotate_key(reg, &err);
                _exit(0); /* not killed: the test fails below */
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        assert_int_equal(rk_store_rekey_path(db(), copy, sizeof(copy), &err), RK_OK);
        assert_int_equal(access(copy, F_OK) == 0, step < 3); /* it was there */
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_OK);
        assert_int_equal(rk_register_check(reg, &err), RK_OK);
        rk_register_close(reg);
        raw_key(now);
        if (new_key_expected)
                assert_memory_not_equal(now, before, RK_KEY_BYTES);
        else
                assert_memory_equal(now, before, RK_KEY_BYTES);
        assert_int_not_equal(access(copy, F_OK), 0);
        assert_int_equal(opens_with(now), RK_OK);
}

static void test_rotation_killed_after_copy(void **state)
{
        (void)state;
        killed_rotation(1, false);
}

static void test_rotation_killed_after_stage(void **state)
{
        (void)state;
        killed_rotation(2, false);
}

static void test_rotation_killed_after_swap(void **state)
{
        (void)state;
        killed_rotation(3, true);
}

static void test_rotation_killed_after_promotion(void **state)
{
        (void)state;
        killed_rotation(4, true);
}

static void test_truncated_database(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        size_t n;
        unsigned char *d = snapshot(db(), &n);
        assert_int_equal(truncate(db(), 1000), 0);
        unsigned char *cut = snapshot(db(), &n);
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, "damaged or truncated"));
        assert_true(tu_same_file(db(), cut, n));
        free(d);
        free(cut);
}

static void test_newer_schema_refused(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        unsigned char key[RK_KEY_BYTES];
        raw_key(key);
        sqlite3 *h;
        assert_int_equal(rk_store_open(db(), key, 0, &cfg, &h, &err), RK_OK);
        assert_int_equal(sqlite3_exec(h, "PRAGMA user_version=999", NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(
            sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
            SQLITE_OK);
        rk_store_close(h);
        size_t n;
        unsigned char *d = snapshot(db(), &n);
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_ERR_VERSION);
        assert_non_null(strstr(err.msg, "newer rekisteri"));
        assert_true(tu_same_file(db(), d, n));
        free(d);
}

static void test_corrupt_slot_file(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        const char junk[] =
            "garbage garbage garbage garbage garbage garbage garbage garbage "
            "garbage garbage garbage garbage";
        size_t n;
        unsigned char *d = snapshot(db(), &n);
        assert_int_equal(tu_write_file(tu_path("r.db.keys"), junk, sizeof(junk)), 0);
        assert_int_equal(
            rk_register_unlock_user(&cfg, db(), "hannele", pw, strlen(pw), &reg, &err),
            RK_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, "r.db.keys"));
        assert_true(tu_same_file(db(), d, n));
        assert_true(tu_same_file(tu_path("r.db.keys"), (const unsigned char *)junk,
                                 sizeof(junk)));
        free(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_nothing_in_clear, setup, teardown),
            cmocka_unit_test_setup_teardown(test_wrong_password_changes_nothing, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_refuses_to_overwrite, setup, teardown),
            cmocka_unit_test_setup_teardown(test_raw_key_only_with_recovery, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
            cmocka_unit_test_setup_teardown(test_rotation_killed_after_copy, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_rotation_killed_after_stage, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_rotation_killed_after_swap, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_rotation_killed_after_promotion, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_truncated_database, setup, teardown),
            cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
            cmocka_unit_test_setup_teardown(test_corrupt_slot_file, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
