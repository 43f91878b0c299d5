/*
 * test_policy_split.c - unit tests for rk_policy_split_roles(), the one
 * parser of role lists typed by people (the CLI's --roles and the
 * Accounts screen's Roles field).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rekisteri/policy.h"

static void test_commas_and_spaces(void **state)
{
        (void)state;
        char buf[64];
        const char *roles[RK_ROLES_MAX];
        size_t n =
            rk_policy_split_roles(" sales,billing , admin,,", buf, sizeof(buf), roles);
        assert_int_equal(n, 3);
        assert_string_equal(roles[0], "sales");
        assert_string_equal(roles[1], "billing");
        assert_string_equal(roles[2], "admin");
}

static void test_empty_and_null(void **state)
{
        (void)state;
        char buf[16];
        const char *roles[RK_ROLES_MAX];
        assert_int_equal(rk_policy_split_roles(NULL, buf, sizeof(buf), roles), 0);
        assert_int_equal(rk_policy_split_roles(" , ,", buf, sizeof(buf), roles), 0);
        assert_int_equal(rk_policy_split_roles("sales", buf, 0, roles), 0);
}

static void test_limits(void **state)
{
        (void)state;
        char text[256] = "", buf[256];
        const char *roles[RK_ROLES_MAX];
        for (int i = 0; i < RK_ROLES_MAX + 4; i++)
                strcat(text, "r,");
        assert_int_equal(rk_policy_split_roles(text, buf, sizeof(buf), roles),
                         RK_ROLES_MAX);
        /* a buffer too small cuts the copy, never overflows */
        char small[6];
        size_t n = rk_policy_split_roles("sales,billing", small, sizeof(small), roles);
        assert_int_equal(n, 1);
        assert_string_equal(roles[0], "sales");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_commas_and_spaces),
            cmocka_unit_test(test_empty_and_null),
            cmocka_unit_test(test_limits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
