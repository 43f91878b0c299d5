/*
 * test_format.c - dates and times for people in fi, sv and en, and the
 * choice of language (format.h, i18n.h).
 *
 * The time zone is fixed to Finland's rules (a POSIX TZ string, so no
 * tzdata is needed), and each case switches the language with
 * rk_i18n_use() as a report in the data subject's language does, then
 * compares the exact text.
 */
#include "rekisteri/format.h"
#include "rekisteri/i18n.h"
#include "rekisteri/money.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define NBSP "\xc2\xa0"

/* 2026-12-04T22:58:25Z, which is 5.12.2026 00.58 in Helsinki (UTC+2). */
#define LATE_EVENING 1796425105LL

static int setup(void **state)
{
        (void)state;
        setenv("TZ", "EET-2EEST,M3.5.0/3,M10.5.0/4", 1);
        tzset();
        return 0;
}

static void test_day_in_each_language(void **state)
{
        (void)state;
        char out[RK_FORMAT_SIZE];
        assert_int_equal(rk_i18n_use("fi"), 0);
        assert_string_equal(rk_format_day(LATE_EVENING, out, sizeof(out)), "5.12.2026");
        assert_string_equal(rk_format_day_text("2026-12-04", out, sizeof(out)),
                            "4.12.2026");
        assert_string_equal(rk_format_day_text("2026-01-09", out, sizeof(out)),
                            "9.1.2026");
        assert_int_equal(rk_i18n_use("sv"), 0);
        assert_string_equal(rk_format_day_text("2026-12-04", out, sizeof(out)),
                            "4.12.2026");
        assert_int_equal(rk_i18n_use("en"), 0);
        assert_string_equal(rk_format_day_text("2026-12-04", out, sizeof(out)),
                            "2026-12-04");
        assert_string_equal(rk_format_day(LATE_EVENING, out, sizeof(out)), "2026-12-05");
}

static void test_time_is_local(void **state)
{
        (void)state;
        char out[RK_FORMAT_SIZE];
        assert_int_equal(rk_i18n_use("fi"), 0);
        assert_string_equal(rk_format_time(LATE_EVENING, out, sizeof(out)),
                            "5.12.2026 00.58");
        /* the audit trail's UTC stamp is shown in local time */
        assert_string_equal(rk_format_date_text("2026-12-04T22:58:25Z", out, sizeof(out)),
                            "5.12.2026 00.58");
        assert_string_equal(rk_format_day_text("2026-12-04T22:58:25Z", out, sizeof(out)),
                            "5.12.2026");
        /* a summer stamp: UTC+3 */
        assert_string_equal(rk_format_date_text("2026-07-01T09:05:00Z", out, sizeof(out)),
                            "1.7.2026 12.05");
        /* a local stamp stays as written */
        assert_string_equal(rk_format_date_text("2024-01-19 13:44", out, sizeof(out)),
                            "19.1.2024 13.44");
        assert_int_equal(rk_i18n_use("sv"), 0);
        assert_string_equal(rk_format_date_text("2024-01-19 13:44:59", out, sizeof(out)),
                            "19.1.2024 13.44");
        assert_int_equal(rk_i18n_use("en"), 0);
        assert_string_equal(rk_format_date_text("2026-12-04T22:58:25Z", out, sizeof(out)),
                            "2026-12-05 00:58");
        assert_string_equal(rk_format_time(LATE_EVENING, out, sizeof(out)),
                            "2026-12-05 00:58");
}

/* What is not a date is shown as it is, never hidden or half-converted. */
static void test_other_text_unchanged(void **state)
{
        (void)state;
        static const char *const odd[] = {
            "",
            "soon",
            "2026-13-01",
            "2026-02-30",
            "2026-12-04x",
            "2026-12-04T22:58",
            "2026-12-04 25:00",
            "2026-12-04T22:58:25",
            "04.12.2026",
        };
        char out[RK_FORMAT_SIZE];
        assert_int_equal(rk_i18n_use("fi"), 0);
        for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
                assert_string_equal(rk_format_date_text(odd[i], out, sizeof(out)),
                                    odd[i]);
        assert_string_equal(rk_format_date_text(NULL, out, sizeof(out)), "");
        /* a short buffer is cut, never overrun */
        char small[5];
        assert_string_equal(rk_format_day_text("2026-12-04", small, sizeof(small)),
                            "4.12");
}

/* Amounts read the same in every language (format.h says why). */
static void test_amounts(void **state)
{
        (void)state;
        char out[RK_MONEY_SIZE];
        static const char *const langs[] = {"fi", "sv", "en"};
        for (size_t i = 0; i < 3; i++) {
                assert_int_equal(rk_i18n_use(langs[i]), 0);
                assert_string_equal(rk_money_format(108391, out, sizeof(out)),
                                    "1" NBSP "083,91" NBSP "€");
                assert_string_equal(rk_money_format(-5, out, sizeof(out)),
                                    "-0,05" NBSP "€");
        }
}

static void test_choose_language(void **state)
{
        (void)state;
        /* --lang, then the account's choice, then the register's default */
        assert_string_equal(rk_i18n_choose("sv", "fi", "en"), "sv");
        assert_string_equal(rk_i18n_choose(NULL, "fi", "sv"), "fi");
        assert_string_equal(rk_i18n_choose("", "", "sv"), "sv");
        /* an unknown value is skipped, never used as a path or a catalog */
        assert_string_equal(rk_i18n_choose("../../tmp", "de", "fi"), "fi");
        /* nothing set: the environment */
        unsetenv("LANGUAGE");
        unsetenv("LC_ALL");
        unsetenv("LC_MESSAGES");
        setenv("LANG", "sv_FI.UTF-8", 1);
        assert_string_equal(rk_i18n_choose(NULL, NULL, NULL), "sv");
        setenv("LC_MESSAGES", "fi_FI.UTF-8", 1);
        assert_string_equal(rk_i18n_choose(NULL, NULL, NULL), "fi");
        setenv("LANGUAGE", "en", 1);
        assert_string_equal(rk_i18n_choose(NULL, NULL, NULL), "en");
        assert_int_equal(rk_i18n_use("de"), -1);
        assert_int_equal(rk_i18n_use("fi"), 0);
        assert_string_equal(rk_i18n_current(), "fi");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_day_in_each_language),
            cmocka_unit_test(test_time_is_local),
            cmocka_unit_test(test_other_text_unchanged),
            cmocka_unit_test(test_amounts),
            cmocka_unit_test(test_choose_language),
        };
        return cmocka_run_group_tests(tests, setup, NULL);
}
