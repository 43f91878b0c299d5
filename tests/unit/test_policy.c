/*
 * test_policy.c - authorize() for every default role x field group x
 * action, written out as the need-to-know table a reviewer reads, plus
 * deny-by-default: unknown roles, no roles, out-of-range groups and
 * actions grant nothing, and several roles grant their union.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/policy.h"

#include <string.h>

/*
 * One row per role. Group columns, in enum order: identity, contact,
 * billing, idcode, orders, order_amounts, notes, consents; 'w' read and
 * write, 'r' read only, '-' nothing. Action columns, in enum order:
 * accounts, keys, audit, requests, retention, export, customers_create,
 * products, picking, import, documents, merge, duplicates.
 */
static const struct {
        const char *role;
        const char *groups;
        const char *actions;
} table[] = {
    {"sales", "ww--wwww", "------x------"},
    {"billing", "r-w--r--", "-------------"},
    {"warehouse", "----r---", "--------x----"},
    {"supervisor", "wwwwwwww", "--xxxxxx-xxxx"},
    {"admin", "--------", "xx-----------"},
    {"retention", "--------", "----x--------"},
};

#define N_ROLES (sizeof(table) / sizeof(table[0]))

static void grants_of(const char *role, struct rk_grants *g)
{
        struct rk_roleset set;
        rk_policy_defaults(&set);
        const char *roles[] = {role};
        rk_policy_grants(&set, roles, 1, g);
}

static void test_every_role_group_action(void **state)
{
        (void)state;
        assert_int_equal(strlen(table[0].groups), RK_GROUP_COUNT);
        assert_int_equal(strlen(table[0].actions), RK_ACTION_COUNT);
        for (size_t r = 0; r < N_ROLES; r++) {
                struct rk_grants g;
                grants_of(table[r].role, &g);
                for (int gr = 0; gr < RK_GROUP_COUNT; gr++) {
                        char want = table[r].groups[gr];
                        bool rd = rk_authorize_read(&g, (enum rk_group)gr);
                        bool wr = rk_authorize_write(&g, (enum rk_group)gr);
                        if (rd != (want != '-') || wr != (want == 'w'))
                                fail_msg("%s on %s: read %d write %d, want %c",
                                         table[r].role,
                                         rk_policy_group_name((enum rk_group)gr), rd, wr,
                                         want);
                }
                for (int a = 0; a < RK_ACTION_COUNT; a++) {
                        bool got = rk_authorize_action(&g, (enum rk_action)a);
                        if (got != (table[r].actions[a] == 'x'))
                                fail_msg("%s action %s: %d", table[r].role,
                                         rk_policy_action_name((enum rk_action)a), got);
                }
        }
}

static void test_every_default_role_is_in_the_table(void **state)
{
        (void)state;
        struct rk_roleset set;
        rk_policy_defaults(&set);
        assert_int_equal(set.n, N_ROLES);
        for (size_t r = 0; r < N_ROLES; r++)
                assert_non_null(rk_policy_find_role(&set, table[r].role));
}

static void test_deny_by_default(void **state)
{
        (void)state;
        struct rk_grants g;
        struct rk_roleset set;
        rk_policy_defaults(&set);
        const char *unknown[] = {"root", "Sales", ""};
        rk_policy_grants(&set, unknown, 3, &g);
        assert_int_equal(g.read | g.write | g.actions, 0);
        rk_policy_grants(&set, NULL, 0, &g);
        assert_int_equal(g.read | g.write | g.actions, 0);
        grants_of("supervisor", &g);
        assert_false(rk_authorize_read(&g, RK_GROUP_COUNT));
        assert_false(rk_authorize_write(&g, (enum rk_group)31));
        assert_false(rk_authorize_action(&g, RK_ACTION_COUNT));
}

static void test_roles_add_up(void **state)
{
        (void)state;
        struct rk_grants g;
        struct rk_roleset set;
        rk_policy_defaults(&set);
        const char *two[] = {"warehouse", "billing"};
        rk_policy_grants(&set, two, 2, &g);
        assert_true(rk_authorize_read(&g, RK_GROUP_ORDERS));
        assert_true(rk_authorize_write(&g, RK_GROUP_BILLING));
        assert_false(rk_authorize_read(&g, RK_GROUP_CONTACT));
        assert_false(rk_authorize_write(&g, RK_GROUP_ORDERS));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_role_group_action),
            cmocka_unit_test(test_every_default_role_is_in_the_table),
            cmocka_unit_test(test_deny_by_default),
            cmocka_unit_test(test_roles_add_up),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
