/*
 * test_vault.c - the keyslot file: user, recovery and key-file slots,
 * one answer for unknown users and wrong passwords, no names in the file,
 * slots bound to their labels, damaged and newer files refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/vault.h"
#include "testutil.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct rk_kdf_cost fast = {1, 8};
static unsigned char mk[RK_KEY_BYTES], dek[RK_KEY_BYTES], got[RK_KEY_BYTES];

static struct rk_vault *new_vault(void)
{
        struct rk_vault *v;
        struct rk_error err;
        assert_int_equal(rk_vault_create(tu_path("v.keys"), &v, &err), RK_OK);
        assert_int_equal(rk_vault_init_keys(v, mk, dek, &err), RK_OK);
        return v;
}

static int setup(void **state)
{
        (void)state;
        tu_tmpdir();
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

static void test_user_slot(void **state)
{
        (void)state;
        struct rk_error err, err2;
        struct rk_vault *v = new_vault();
        assert_int_equal(
            rk_vault_set_user(v, "anna", "correct horse", 13, &fast, mk, &err), RK_OK);
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "correct horse", 13, &fast, got, &err),
            RK_OK);
        assert_memory_equal(got, mk, RK_KEY_BYTES);
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "wrong horse!", 12, &fast, got, &err),
            RK_ERR_AUTH);
        assert_int_equal(
            rk_vault_unlock_user(v, "bertta", "correct horse", 13, &fast, got, &err2),
            RK_ERR_AUTH);
        /* the same words for both, so an attacker cannot probe usernames */
        assert_string_equal(err.msg, err2.msg);
        assert_int_equal(rk_vault_has_user(v, "anna"), 1);
        assert_int_equal(rk_vault_remove_user(v, "anna", &err), RK_OK);
        assert_int_equal(rk_vault_has_user(v, "anna"), 0);
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "correct horse", 13, &fast, got, &err),
            RK_ERR_AUTH);
        rk_vault_close(v);
}

static void test_no_username_in_file(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_vault *v = new_vault();
        assert_int_equal(
            rk_vault_set_user(v, "hannele", "a long password", 15, &fast, mk, &err),
            RK_OK);
        rk_vault_close(v);
        size_t n;
        unsigned char *bytes = tu_read_file(tu_path("v.keys"), &n);
        assert_non_null(bytes);
        assert_false(tu_contains(bytes, n, "hannele"));
        free(bytes);
}

static void test_recovery_slot(void **state)
{
        (void)state;
        struct rk_error err;
        char text[RK_RECOVERY_KEY_CHARS];
        struct rk_vault *v = new_vault();
        assert_int_equal(rk_vault_set_recovery(v, mk, text, &err), RK_OK);
        assert_int_equal(strlen(text), 71);
        assert_int_equal(rk_vault_unlock_recovery(v, text, got, &err), RK_OK);
        assert_memory_equal(got, mk, RK_KEY_BYTES);
        /* typed without dashes, with spaces: still accepted */
        char spaced[128] = "";
        for (const char *p = text; *p; p++) {
                size_t l = strlen(spaced);
                spaced[l] = *p == '-' ? ' ' : *p;
                spaced[l + 1] = '\0';
        }
        assert_int_equal(rk_vault_unlock_recovery(v, spaced, got, &err), RK_OK);
        text[0] = text[0] == 'a' ? 'b' : 'a';
        assert_int_equal(rk_vault_unlock_recovery(v, text, got, &err), RK_ERR_AUTH);
        assert_int_equal(rk_vault_unlock_recovery(v, "not a key", got, &err),
                         RK_ERR_AUTH);
        rk_vault_close(v);
}

static void test_keyfile_slot(void **state)
{
        (void)state;
        struct rk_error err;
        char label[RK_LABEL_MAX + 1];
        struct rk_vault *v = new_vault();
        const char *kf = tu_path("job.key");
        assert_int_equal(rk_vault_add_keyfile(v, "retention", mk, kf, &err), RK_OK);
        struct stat st;
        assert_int_equal(stat(kf, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(rk_vault_unlock_keyfile(v, kf, got, label, &err), RK_OK);
        assert_string_equal(label, "retention");
        assert_memory_equal(got, mk, RK_KEY_BYTES);
        /* never over an existing file or label */
        assert_int_equal(rk_vault_add_keyfile(v, "retention", mk, tu_path("other"), &err),
                         RK_ERR_EXISTS);
        assert_int_equal(rk_vault_add_keyfile(v, "backup", mk, kf, &err), RK_ERR_EXISTS);
        assert_int_equal(rk_vault_add_keyfile(v, "Bad Label", mk, tu_path("x"), &err),
                         RK_ERR_INVALID);
        /* a key file others can read is refused */
        chmod(kf, 0644);
        assert_int_equal(rk_vault_unlock_keyfile(v, kf, got, label, &err), RK_ERR_DENIED);
        chmod(kf, 0600);
        assert_int_equal(rk_vault_remove_keyfile(v, "retention", &err), RK_OK);
        assert_int_equal(rk_vault_unlock_keyfile(v, kf, got, label, &err), RK_ERR_AUTH);
        rk_vault_close(v);
}

/* Moving one user's wrapped key onto another's label must not work. */
static void test_slot_bound_to_label(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_vault *v = new_vault();
        char la[65], lb[65];
        assert_int_equal(
            rk_vault_set_user(v, "anna", "password of anna", 16, &fast, mk, &err), RK_OK);
        assert_int_equal(
            rk_vault_set_user(v, "bertta", "password of bertta", 18, &fast, mk, &err),
            RK_OK);
        rk_vault_user_label(v, "anna", la, &err);
        rk_vault_user_label(v, "bertta", lb, &err);
        rk_vault_close(v);
        sqlite3 *db;
        assert_int_equal(sqlite3_open(tu_path("v.keys"), &db), SQLITE_OK);
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "DELETE FROM slots WHERE label='%s';"
                 "UPDATE slots SET label='%s' WHERE label='%s';",
                 lb, lb, la);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
        assert_int_equal(rk_vault_open(tu_path("v.keys"), &v, &err), RK_OK);
        assert_int_equal(
            rk_vault_unlock_user(v, "bertta", "password of anna", 16, &fast, got, &err),
            RK_ERR_AUTH);
        rk_vault_close(v);
}

static void test_damaged_file(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_vault *v;
        const char *p = tu_path("junk.keys");
        const char junk[] = "this is not a database at all, just some text that is long "
                            "enough to look like a header and more";
        assert_int_equal(tu_write_file(p, junk, sizeof(junk)), 0);
        assert_int_equal(rk_vault_open(p, &v, &err), RK_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, p));
        assert_true(tu_same_file(p, (const unsigned char *)junk, sizeof(junk)));
        /* an empty SQLite file is not a slot file either */
        sqlite3 *db;
        assert_int_equal(sqlite3_open(tu_path("empty.keys"), &db), SQLITE_OK);
        sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
        sqlite3_close(db);
        assert_int_equal(rk_vault_open(tu_path("empty.keys"), &v, &err), RK_ERR_CORRUPT);
        assert_int_equal(rk_vault_open(tu_path("missing.keys"), &v, &err),
                         RK_ERR_NOTFOUND);
}

static void test_newer_format_refused(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_vault *v = new_vault();
        rk_vault_close(v);
        sqlite3 *db;
        assert_int_equal(sqlite3_open(tu_path("v.keys"), &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=9", NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        assert_int_equal(rk_vault_open(tu_path("v.keys"), &v, &err), RK_ERR_VERSION);
        assert_non_null(strstr(err.msg, "newer"));
}

static void test_dek_rotation_states(void **state)
{
        (void)state;
        struct rk_error err;
        unsigned char next[RK_KEY_BYTES], cur[RK_KEY_BYTES], pend[RK_KEY_BYTES];
        int has = -1;
        struct rk_vault *v = new_vault();
        randombytes_buf(next, sizeof(next));
        assert_int_equal(rk_vault_get_dek(v, mk, cur, pend, &has, &err), RK_OK);
        assert_int_equal(has, 0);
        assert_memory_equal(cur, dek, RK_KEY_BYTES);
        assert_int_equal(rk_vault_stage_dek(v, mk, next, &err), RK_OK);
        assert_int_equal(rk_vault_get_dek(v, mk, cur, pend, &has, &err), RK_OK);
        assert_int_equal(has, 1);
        assert_memory_equal(cur, dek, RK_KEY_BYTES);
        assert_memory_equal(pend, next, RK_KEY_BYTES);
        assert_int_equal(rk_vault_promote_dek(v, &err), RK_OK);
        assert_int_equal(rk_vault_get_dek(v, mk, cur, pend, &has, &err), RK_OK);
        assert_int_equal(has, 0);
        assert_memory_equal(cur, next, RK_KEY_BYTES);
        /* a wrong master key is a damaged file, not a silent wrong key */
        unsigned char bad[RK_KEY_BYTES] = {0};
        assert_int_equal(rk_vault_get_dek(v, bad, cur, pend, &has, &err), RK_ERR_CORRUPT);
        rk_vault_close(v);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_user_slot, setup, teardown),
            cmocka_unit_test_setup_teardown(test_no_username_in_file, setup, teardown),
            cmocka_unit_test_setup_teardown(test_recovery_slot, setup, teardown),
            cmocka_unit_test_setup_teardown(test_keyfile_slot, setup, teardown),
            cmocka_unit_test_setup_teardown(test_slot_bound_to_label, setup, teardown),
            cmocka_unit_test_setup_teardown(test_damaged_file, setup, teardown),
            cmocka_unit_test_setup_teardown(test_newer_format_refused, setup, teardown),
            cmocka_unit_test_setup_teardown(test_dek_rotation_states, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
