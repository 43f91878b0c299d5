/*
 * test_hygiene.c - what a privileged (setgid) start trusts: the TERM
 * allowlist and the register path checks.
 *
 * What an administrator would notice: a register file, or any directory
 * above it, that others (or another group) can write is refused with a
 * message naming it and the chmod that fixes it; a root-owned sticky
 * directory such as /tmp is accepted. Common terminal types pass the
 * allowlist; anything else (or odd characters) does not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/hygiene.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_term_allowlist(void **state)
{
        (void)state;
        const char *ok[] = {"xterm",           "xterm-256color", "screen",
                            "screen-256color", "tmux-256color",  "vt100",
                            "vt220",           "linux",          "rxvt-unicode-256color",
                            "putty-256color"};
        const char *bad[] = {"",
                             "dumb-but-evil",
                             "xterm;id",
                             "../../etc/x",
                             "XTERM",
                             "xterm 256",
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                assert_true(rk_hygiene_term_allowed(ok[i]));
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_false(rk_hygiene_term_allowed(bad[i]));
        assert_false(rk_hygiene_term_allowed(NULL));
}

static void make_file(const char *path, mode_t mode)
{
        assert_int_equal(tu_write_file(path, "x", 1), 0);
        assert_int_equal(chmod(path, mode), 0);
}

/* The locale values kept under setgid: names of locales, never paths. */
static void test_locale_values(void **state)
{
        (void)state;
        static const char *const good[] = {"fi_FI.UTF-8",     "sv",   "sv:fi", "C.UTF-8",
                                           "en_GB.utf8@euro", "fi_FI"};
        static const char *const bad[] = {"",     "../../tmp/x", "/tmp/fi", "fi/../../x",
                                          "..",   "fi:..",       "fi:.x",   "fi FI",
                                          "fi\n", "fi;rm"};
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
                assert_true(rk_hygiene_locale_value_ok(good[i]));
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_false(rk_hygiene_locale_value_ok(bad[i]));
        assert_false(rk_hygiene_locale_value_ok(NULL));
        char longest[66];
        memset(longest, 'a', 65);
        longest[65] = '\0';
        assert_false(rk_hygiene_locale_value_ok(longest));
        longest[64] = '\0';
        assert_true(rk_hygiene_locale_value_ok(longest));
}

static void test_paths(void **state)
{
        (void)state;
        struct rk_error err;
        char dir[512], db[600];
        tu_tmpdir();
        snprintf(dir, sizeof(dir), "%s", tu_path("data"));
        snprintf(db, sizeof(db), "%s/r.db", dir);
        assert_int_equal(mkdir(dir, 0770), 0);
        assert_int_equal(chmod(dir, 02770), 0);
        /* the deployment layout: 0660 in a 2770 directory of our group */
        make_file(db, 0660);
        assert_int_equal(rk_hygiene_check_path(db, &err), RK_OK);
        /* a file that does not exist yet: only the directories count */
        assert_int_equal(rk_hygiene_check_path(tu_path("data/new.db"), &err), RK_OK);

        assert_int_equal(chmod(db, 0666), 0);
        assert_int_equal(rk_hygiene_check_path(db, &err), RK_ERR_DENIED);
        assert_non_null(strstr(err.msg, "r.db: refusing a register path that anyone"));
        assert_non_null(strstr(err.msg, "chmod o-w"));
        assert_int_equal(chmod(db, 0660), 0);

        assert_int_equal(chmod(dir, 0777), 0);
        assert_int_equal(rk_hygiene_check_path(db, &err), RK_ERR_DENIED);
        assert_non_null(strstr(err.msg, "/data: refusing"));
        assert_int_equal(chmod(dir, 0770), 0);

        /* group-writable by a group that is not ours */
        if (getuid() == 0) {
                gid_t other = getegid() == 1 ? 2 : 1;
                assert_int_equal(chown(db, (uid_t)-1, other), 0);
                assert_int_equal(rk_hygiene_check_path(db, &err), RK_ERR_DENIED);
                assert_non_null(strstr(err.msg, "another group"));
                assert_int_equal(chmod(db, 0640), 0);
                assert_int_equal(rk_hygiene_check_path(db, &err), RK_OK);
        }
        tu_rmdir();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_term_allowlist),
            cmocka_unit_test(test_paths),
            cmocka_unit_test(test_locale_values),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
