/*
 * test_totp.c - unit tests for the TOTP module: RFC 6238 vectors, an
 * independent cross-check against oathtool, the T-1..T window, replay
 * protection through last_step, code format checks and the enrolment URI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rekisteri/totp.h"

/* base32 of the RFC 6238 SHA1 test key "12345678901234567890". */
#define RFC_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
/* A fixed time well inside a step: T = 56666666, 20 s into it. */
#define NOW  ((int64_t)1700000000)
#define STEP (NOW / 30)

static void code_for_step(const char *b32, int64_t step, char out[RK_TOTP_CODE_SIZE])
{
        struct rk_error err = {0};
        assert_int_equal(rk_totp_code(b32, step * 30, out, &err), RK_OK);
}

static void test_rfc6238_vectors(void **state)
{
        (void)state;
        static const struct {
                int64_t t;
                const char *code;
        } v[] = {
            {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
            {1234567890, "005924"}, {2000000000, "279037"},
        };
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
                char code[RK_TOTP_CODE_SIZE];
                struct rk_error err = {0};
                assert_int_equal(rk_totp_code(RFC_B32, v[i].t, code, &err), RK_OK);
                assert_string_equal(code, v[i].code);
        }
}

/* Run oathtool on secret b32 at time t; false when oathtool is absent. */
static int oathtool_code(const char *b32, int64_t t, char out[RK_TOTP_CODE_SIZE])
{
        if (system("command -v oathtool >/dev/null 2>&1") != 0)
                return 0;
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "oathtool --totp -b '%s' -N '@%lld'", b32,
                 (long long)t);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char line[64] = {0};
        assert_non_null(fgets(line, sizeof(line), p));
        assert_int_equal(pclose(p), 0);
        line[strcspn(line, "\r\n")] = '\0';
        assert_int_equal(strlen(line), 6);
        memcpy(out, line, RK_TOTP_CODE_SIZE);
        return 1;
}

static void test_oathtool_agrees(void **state)
{
        (void)state;
        char secret[RK_TOTP_SECRET_B32_SIZE], ours[RK_TOTP_CODE_SIZE],
            theirs[RK_TOTP_CODE_SIZE];
        struct rk_error err = {0};

        if (!oathtool_code(RFC_B32, NOW, theirs))
                skip();
        assert_int_equal(rk_totp_code(RFC_B32, NOW, ours, &err), RK_OK);
        assert_string_equal(ours, theirs);

        /* A fresh random secret: proves our base32 is what apps decode. */
        assert_int_equal(rk_totp_secret_new(secret, sizeof(secret), &err), RK_OK);
        assert_true(oathtool_code(secret, NOW, theirs));
        assert_int_equal(rk_totp_code(secret, NOW, ours, &err), RK_OK);
        assert_string_equal(ours, theirs);
}

static void test_secret_new(void **state)
{
        (void)state;
        char a[RK_TOTP_SECRET_B32_SIZE], b[RK_TOTP_SECRET_B32_SIZE];
        struct rk_error err = {0};

        assert_int_equal(rk_totp_secret_new(a, sizeof(a), &err), RK_OK);
        assert_int_equal(rk_totp_secret_new(b, sizeof(b), &err), RK_OK);
        assert_int_equal(strlen(a), 32);
        assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
        assert_string_not_equal(a, b);

        char small[RK_TOTP_SECRET_B32_SIZE - 1];
        assert_int_equal(rk_totp_secret_new(small, sizeof(small), &err), RK_ERR_INVALID);
        assert_string_equal(small, "");
}

static void test_window(void **state)
{
        (void)state;
        char code[RK_TOTP_CODE_SIZE];
        struct rk_error err = {0};
        int64_t acc = 0;

        code_for_step(RFC_B32, STEP, code);
        assert_int_equal(rk_totp_verify(RFC_B32, code, NOW, -1, &acc, &err), RK_OK);
        assert_int_equal(acc, STEP);

        code_for_step(RFC_B32, STEP - 1, code);
        assert_int_equal(rk_totp_verify(RFC_B32, code, NOW, -1, &acc, &err), RK_OK);
        assert_int_equal(acc, STEP - 1);

        code_for_step(RFC_B32, STEP - 2, code);
        assert_int_equal(rk_totp_verify(RFC_B32, code, NOW, -1, &acc, &err), RK_ERR_AUTH);
        assert_string_equal(err.msg, "the code is not valid");

        code_for_step(RFC_B32, STEP + 1, code);
        assert_int_equal(rk_totp_verify(RFC_B32, code, NOW, -1, &acc, &err), RK_ERR_AUTH);
        assert_string_equal(err.msg, "the code is not valid");

        /* At the very start and end of step T the window is the same. */
        code_for_step(RFC_B32, STEP - 1, code);
        assert_int_equal(rk_totp_verify(RFC_B32, code, STEP * 30, -1, &acc, &err), RK_OK);
        assert_int_equal(rk_totp_verify(RFC_B32, code, STEP * 30 + 29, -1, &acc, &err),
                         RK_OK);
        assert_int_equal(rk_totp_verify(RFC_B32, code, STEP * 30 + 30, -1, &acc, &err),
                         RK_ERR_AUTH);
}

static void test_replay(void **state)
{
        (void)state;
        char now_code[RK_TOTP_CODE_SIZE], prev_code[RK_TOTP_CODE_SIZE];
        struct rk_error err = {0}, err2 = {0};
        int64_t acc = -1, last;

        code_for_step(RFC_B32, STEP, now_code);
        code_for_step(RFC_B32, STEP - 1, prev_code);

        assert_int_equal(rk_totp_verify(RFC_B32, now_code, NOW, -1, &acc, &err), RK_OK);
        last = acc;
        /* The same code again, even a second later, is refused... */
        acc = 12345;
        assert_int_equal(rk_totp_verify(RFC_B32, now_code, NOW + 1, last, &acc, &err),
                         RK_ERR_AUTH);
        assert_int_equal(acc, 12345); /* untouched on failure */
        /* ...and so is the older, still-in-window code. */
        assert_int_equal(rk_totp_verify(RFC_B32, prev_code, NOW, last, &acc, &err2),
                         RK_ERR_AUTH);
        /* A replay reads exactly like a wrong code. */
        assert_int_equal(rk_totp_verify(RFC_B32, "000000", NOW, -1, &acc, &err),
                         RK_ERR_AUTH);
        assert_string_equal(err.msg, err2.msg);

        /* last_step = T-1: the T-1 code is spent, the T code still works. */
        assert_int_equal(rk_totp_verify(RFC_B32, prev_code, NOW, STEP - 1, &acc, &err),
                         RK_ERR_AUTH);
        assert_int_equal(rk_totp_verify(RFC_B32, now_code, NOW, STEP - 1, &acc, &err),
                         RK_OK);
        assert_int_equal(acc, STEP);

        /* The next step's code works once the clock gets there. */
        char next_code[RK_TOTP_CODE_SIZE];
        code_for_step(RFC_B32, STEP + 1, next_code);
        assert_int_equal(rk_totp_verify(RFC_B32, next_code, NOW + 30, STEP, &acc, &err),
                         RK_OK);
        assert_int_equal(acc, STEP + 1);
}

static void test_bad_code_format(void **state)
{
        (void)state;
        static const char *const bad[] = {
            "",       "12345",  "1234567", "12345a", " 12345",       "123456 ",
            "12 456", "-12345", "+12345",  "0x1234", "１２３４５６",
        };
        struct rk_error err = {0};
        int64_t acc = 0;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                rk_error_clear(&err);
                assert_int_equal(rk_totp_verify(RFC_B32, bad[i], NOW, -1, &acc, &err),
                                 RK_ERR_INVALID);
                assert_string_equal(err.msg, "the code must be exactly 6 digits");
        }
        assert_int_equal(rk_totp_verify(RFC_B32, NULL, NOW, -1, &acc, &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_totp_verify(RFC_B32, "123456", -1, -1, &acc, &err),
                         RK_ERR_INVALID);
}

static void test_bad_secret(void **state)
{
        (void)state;
        struct rk_error err = {0};
        char code[RK_TOTP_CODE_SIZE];
        int64_t acc = 0;

        assert_int_equal(rk_totp_verify("", "123456", NOW, -1, &acc, &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_totp_verify("!!!!####", "123456", NOW, -1, &acc, &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_totp_code("189", NOW, code, &err), RK_ERR_INVALID);
        assert_null(strstr(err.msg, "189"));
}

static void test_uri(void **state)
{
        (void)state;
        static const char want[] =
            "otpauth://totp/Acme%20Oy:m%C3%A4kel%C3%A4%40example.fi"
            "?secret=" RFC_B32 "&issuer=Acme%20Oy";
        char out[256];
        struct rk_error err = {0};

        assert_int_equal(
            rk_totp_uri("Acme Oy", "mäkelä@example.fi", RFC_B32, out, sizeof(out), &err),
            RK_OK);
        assert_string_equal(out, want);

        /* Exactly big enough works; one byte less is refused, not cut. */
        char exact[sizeof(want)];
        assert_int_equal(rk_totp_uri("Acme Oy", "mäkelä@example.fi", RFC_B32, exact,
                                     sizeof(exact), &err),
                         RK_OK);
        assert_string_equal(exact, want);
        assert_int_equal(rk_totp_uri("Acme Oy", "mäkelä@example.fi", RFC_B32, exact,
                                     sizeof(exact) - 1, &err),
                         RK_ERR_INVALID);
        assert_string_equal(exact, "");
        assert_int_equal(rk_totp_uri("Acme", "a", RFC_B32, out, 0, &err), RK_ERR_INVALID);
        assert_int_equal(rk_totp_uri("", "a", RFC_B32, out, sizeof(out), &err),
                         RK_ERR_INVALID);
        /* Unreserved characters pass; reserved ones are escaped. */
        assert_int_equal(
            rk_totp_uri("a-b.c_d~e", "x:y/z?&=", "AB", out, sizeof(out), &err), RK_OK);
        assert_string_equal(out, "otpauth://totp/a-b.c_d~e:x%3Ay%2Fz%3F%26%3D?secret=AB"
                                 "&issuer=a-b.c_d~e");
        /* Only secret and issuer: the defaults (SHA1, 6, 30) are implied. */
        assert_null(strstr(out, "algorithm"));
        assert_null(strstr(out, "digits"));
        assert_null(strstr(out, "period"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rfc6238_vectors),
            cmocka_unit_test(test_oathtool_agrees),
            cmocka_unit_test(test_secret_new),
            cmocka_unit_test(test_window),
            cmocka_unit_test(test_replay),
            cmocka_unit_test(test_bad_code_format),
            cmocka_unit_test(test_bad_secret),
            cmocka_unit_test(test_uri),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
