/*
 * test_password.c - unit tests for the password policy on the shipped
 * blocklist (data/password-blocklist.txt): length in code points, the
 * 1024-byte ceiling without truncation, UTF-8 validity, common passwords
 * with and without decoration, and configured company/product words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "rekisteri/password.h"

#ifndef RK_SOURCE_DATADIR
#error "build with -DRK_SOURCE_DATADIR=\"/path/to/data\""
#endif
#define BLOCKLIST RK_SOURCE_DATADIR "/password-blocklist.txt"

static const char *const words[] = {"rekisteri", "Acme"};

static const char msg_short[] = "the password must be at least 12 characters long";
static const char msg_long[] = "the password is longer than 1024 bytes";
static const char msg_utf8[] = "the password is not valid UTF-8";
static const char msg_common[] = "the password is a commonly used password";
static const char msg_padded[] =
    "the password is a commonly used password with only digits "
    "or punctuation added";
static const char msg_company[] = "the password contains the company or product name";

static int setup(void **state)
{
        struct rk_password_policy *p = NULL;
        struct rk_error err = {0};
        if (rk_password_policy_load(BLOCKLIST, words, 2, &p, &err) != RK_OK) {
                fprintf(stderr, "%s\n", err.msg);
                return -1;
        }
        *state = p;
        return 0;
}

static int teardown(void **state)
{
        rk_password_policy_free(*state);
        return 0;
}

/* Check pw (NUL-terminated) and return the message, "" when accepted. */
static const char *verdict(void **state, const char *pw, size_t len)
{
        static struct rk_error err;
        rk_error_clear(&err);
        int rc = rk_password_check(*state, pw, len, &err);
        assert_int_equal(rc, err.rc);
        assert_true(rc == RK_OK || rc == RK_ERR_INVALID);
        return err.msg;
}

#define CHECK(pw) verdict(state, (pw), strlen(pw))

static void test_length_in_code_points(void **state)
{
        assert_string_equal(CHECK("vqmtrzlkpbn"), msg_short);
        assert_string_equal(CHECK("vqmtrzlkpbnw"), "");
        /* 11 x U+00E4 is 22 bytes but 11 characters: too short. */
        assert_string_equal(CHECK("ääääääääääá"), msg_short);
        assert_string_equal(CHECK("ääääääääääää"), "");
        assert_string_equal(CHECK(""), msg_short);
        assert_string_equal(CHECK("correct horse battery staple"), "");
}

/* A deterministic, non-dictionary password of n bytes. */
static char *filler(size_t n)
{
        char *s = malloc(n + 1);
        assert_non_null(s);
        for (size_t i = 0; i < n; i++)
                s[i] = "kqzvjxwbfmtgdhplnrcs"[(i * 7 + i / 20) % 20];
        s[n] = '\0';
        return s;
}

static void test_long_passwords(void **state)
{
        char *pw = filler(1025);
        assert_string_equal(verdict(state, pw, 64), "");
        assert_string_equal(verdict(state, pw, 1024), "");
        /* One byte more is refused as a whole: the first 1024 bytes were
         * fine, so a truncating check would have passed it. */
        assert_string_equal(verdict(state, pw, 1025), msg_long);
        free(pw);

        /* 1024 bytes of two-byte characters is 512 characters: fine. */
        char *multi = malloc(1025);
        assert_non_null(multi);
        for (size_t i = 0; i < 1024; i += 2)
                memcpy(multi + i, "\xc3\xa4", 2);
        multi[1024] = '\0';
        assert_string_equal(verdict(state, multi, 1024), "");
        free(multi);
}

static void test_malformed_utf8(void **state)
{
        assert_string_equal(CHECK("abcdefghijk\xff"
                                  "lmn"),
                            msg_utf8);
        assert_string_equal(CHECK("abcdefghijk\xc0\xaf"
                                  "lmn"),
                            msg_utf8); /* overlong */
        assert_string_equal(CHECK("abcdefghijk\xed\xa0\x80"
                                  "lm"),
                            msg_utf8);                             /* surrogate */
        assert_string_equal(CHECK("abcdefghijklm\xc3"), msg_utf8); /* cut short */
        assert_string_equal(CHECK("abcdefghijklm\x80"), msg_utf8); /* stray */
        assert_string_equal(verdict(state, "abcdefgh\0ijklmn", 15),
                            "the password contains a NUL character");
}

static void test_blocklisted(void **state)
{
        assert_string_equal(CHECK("qwerty123456"), msg_common);
        assert_string_equal(CHECK("QWERTY123456"), msg_common);
        assert_string_equal(CHECK("1qaz2wsx3edc"), msg_common);
        assert_string_equal(CHECK("LeaveMeAlone"), msg_common);
}

static void test_blocklisted_with_suffix(void **state)
{
        /* "password1234" itself is listed; the decorated forms are not. */
        assert_string_equal(CHECK("Password1234"), msg_common);
        assert_string_equal(CHECK("Password2026"), msg_padded);
        assert_string_equal(CHECK("password!!!!"), msg_padded);
        assert_string_equal(CHECK("!!password2026"), msg_padded);
        assert_string_equal(CHECK("Monkey 2026 !!"), msg_padded);
        assert_string_equal(CHECK("monkeymonkey"), msg_padded);
        assert_string_equal(CHECK("MonkeyMonkeyMonkey12"), msg_padded);
        /* A listed word inside a longer phrase is fine: only decoration is
         * refused, not every password that contains a common word. */
        assert_string_equal(CHECK("password for the blue tractor"), "");
        assert_string_equal(CHECK("bluemonkeyhat2026!!"), "");
}

static void test_configured_words(void **state)
{
        assert_string_equal(CHECK("rekisteri2026!!"), msg_company);
        assert_string_equal(CHECK("REKISTERI-login-42"), msg_company);
        assert_string_equal(CHECK("my acme account is safe"), msg_company);

        /* Non-ASCII configured words fold case too. */
        static const char *const fi[] = {"Ääkkönen"};
        struct rk_password_policy *p = NULL;
        struct rk_error err = {0};
        assert_int_equal(rk_password_policy_load(BLOCKLIST, fi, 1, &p, &err), RK_OK);
        assert_int_equal(
            rk_password_check(p, "ÄÄKKÖNEN salasana", strlen("ÄÄKKÖNEN salasana"), &err),
            RK_ERR_INVALID);
        assert_string_equal(err.msg, msg_company);
        assert_int_equal(
            rk_password_check(p, "rekisteri2026!!", strlen("rekisteri2026!!"), &err),
            RK_OK);
        rk_password_policy_free(p);
}

static void test_load_errors(void **state)
{
        (void)state;
        struct rk_password_policy *p = (struct rk_password_policy *)1;
        struct rk_error err = {0};

        assert_int_equal(
            rk_password_policy_load("/nonexistent/rk-blocklist.txt", NULL, 0, &p, &err),
            RK_ERR_IO);
        assert_null(p);
        assert_non_null(strstr(err.msg, "/nonexistent/rk-blocklist.txt"));

        static const char *const short_word[] = {"ok"};
        assert_int_equal(rk_password_policy_load(BLOCKLIST, short_word, 1, &p, &err),
                         RK_ERR_CONFIG);
        assert_null(p);
        static const char *const empty_word[] = {"rekisteri", ""};
        assert_int_equal(rk_password_policy_load(BLOCKLIST, empty_word, 2, &p, &err),
                         RK_ERR_CONFIG);
}

/* A site's own list: unsorted, duplicated, mixed case, comments, CRLF. */
static void test_custom_list(void **state)
{
        (void)state;
        char path[] = "/tmp/rk-test-blocklist-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        static const char text[] = "# local additions\r\n"
                                   "zebrazebra99\r\n"
                                   "\n"
                                   "Aardvark\n"
                                   "ZEBRAZEBRA99\n"
                                   "tämäonsalasana";
        assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
        close(fd);

        struct rk_password_policy *p = NULL;
        struct rk_error err = {0};
        assert_int_equal(rk_password_policy_load(path, NULL, 0, &p, &err), RK_OK);
        assert_int_equal(
            rk_password_check(p, "ZebraZebra99", strlen("ZebraZebra99"), &err),
            RK_ERR_INVALID);
        assert_string_equal(err.msg, msg_common);
        assert_int_equal(
            rk_password_check(p, "aardvark2026", strlen("aardvark2026"), &err),
            RK_ERR_INVALID);
        assert_string_equal(err.msg, msg_padded);
        assert_int_equal(
            rk_password_check(p, "TÄMÄONSALASANA", strlen("TÄMÄONSALASANA"), &err),
            RK_ERR_INVALID);
        assert_string_equal(err.msg, msg_common);
        /* Not on this list, so the word rules see nothing. */
        assert_int_equal(
            rk_password_check(p, "Password1234", strlen("Password1234"), &err), RK_OK);
        assert_int_equal(
            rk_password_check(p, "# local additions", strlen("# local additions"), &err),
            RK_OK);
        rk_password_policy_free(p);

        /* A line that is not UTF-8 is a configuration error naming it. */
        fd = open(path, O_WRONLY | O_TRUNC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd,
                               "good\nb\xff"
                               "d\n",
                               9),
                         9);
        close(fd);
        assert_int_equal(rk_password_policy_load(path, NULL, 0, &p, &err), RK_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "line 2"));
        unlink(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_length_in_code_points, setup, teardown),
            cmocka_unit_test_setup_teardown(test_long_passwords, setup, teardown),
            cmocka_unit_test_setup_teardown(test_malformed_utf8, setup, teardown),
            cmocka_unit_test_setup_teardown(test_blocklisted, setup, teardown),
            cmocka_unit_test_setup_teardown(test_blocklisted_with_suffix, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_configured_words, setup, teardown),
            cmocka_unit_test(test_load_errors),
            cmocka_unit_test(test_custom_list),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
