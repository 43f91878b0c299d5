/*
 * test_merge.c - merging two customers (merge.h) on a real register in a
 * temp dir, through sessions that log in for real.
 *
 * What a user or an auditor would notice: only a session with the merge
 * action and every field group may merge (a supervisor; not sales, not a
 * custom role with the action but not the groups); the plan shows both
 * sides with the default choice (the survivor's value, or the other's
 * where the survivor has none) and choices per column and per group; a
 * merge refused for a change made after the plan, or for want of
 * confirmation, changes nothing; after the merge the records are the
 * survivor's, the old number finds the survivor, the stub is empty, and
 * the bad inputs (the same customer twice, a stub, an unknown number, a
 * person and a company) are refused with messages that say which.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/customer.h"
#include "rekisteri/merge.h"
#include "rekisteri/search.h"
#include "rekisteri/session.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct rk_config cfg;
enum who { SUPERVISOR, SALES, HALFWAY, N_WHO };
static const char *const users[N_WHO] = {"sirpa", "sanna", "hilkka"};
static const char *const roles[N_WHO] = {"supervisor", "sales", "halfway"};
static struct rk_session *sess[N_WHO];
static int64_t a_id, b_id, c_id;
static char a_no[RK_CUSTOMER_NUMBER_SIZE], b_no[RK_CUSTOMER_NUMBER_SIZE],
    c_no[RK_CUSTOMER_NUMBER_SIZE];

static sqlite3 *raw_db(void)
{
        return rk_register_db(rk_session_register(sess[SUPERVISOR]));
}

static int64_t one(const char *sql)
{
        return tu_sql_int(raw_db(), sql);
}

static void create(const struct rk_edit *e, size_t n, int64_t *id, char *number)
{
        struct rk_error err;
        tu_must(rk_customer_create(sess[SUPERVISOR], e, n, id, number, &err), &err);
}

static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        tu_tmpdir();
        tu_fast_config(&cfg);
        /* the merge action without every field group: still refused */
        tu_must(rk_policy_define(&cfg.roles, "halfway", "identity,contact",
                                 "identity,contact", "merge", &err),
                &err);
        tu_team(&cfg, tu_path("m.db"), users, roles, N_WHO, sess);
        const struct rk_edit a[] = {{"name", "Aino Virtanen"},
                                    {"email", "aino.virtanen@example.fi"},
                                    {"city", "Helsinki"}};
        const struct rk_edit b[] = {{"name", "Aino Virtanen-Koskela"},
                                    {"email", "aino.koskela@example.fi"},
                                    {"phone", "+358501112223"},
                                    {"city", "Vantaa"},
                                    {"bank_reference", "RF18539007547034"}};
        const struct rk_edit c[] = {{"kind", "company"}, {"name", "Kivi Oy"}};
        create(a, 3, &a_id, a_no);
        create(b, 5, &b_id, b_no);
        create(c, 2, &c_id, c_no);
        tu_must(rk_note_add(sess[SUPERVISOR], b_id, "Soitti tarjouksesta", NULL, &err),
                &err);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_team_close(sess, N_WHO);
        tu_rmdir();
        return 0;
}

static const struct rk_merge_field *field(const struct rk_merge_plan *p, const char *col)
{
        for (size_t i = 0; i < p->nfields; i++)
                if (strcmp(p->fields[i].field->column, col) == 0)
                        return &p->fields[i];
        fail_msg("no field %s in the plan", col);
        return NULL;
}

static void test_who_may_merge(void **state)
{
        (void)state;
        struct rk_merge_plan p;
        struct rk_error err;
        assert_int_equal(rk_merge_plan(sess[SALES], a_no, b_no, &p, &err), RK_ERR_DENIED);
        assert_non_null(strstr(err.msg, "merge action"));
        assert_int_equal(rk_merge_plan(sess[HALFWAY], a_no, b_no, &p, &err),
                         RK_ERR_DENIED);
        assert_non_null(strstr(err.msg, "every field group"));
        assert_int_equal(p.nfields, 0);
}

static void test_bad_input(void **state)
{
        (void)state;
        struct rk_merge_plan p;
        struct rk_error err;
        assert_int_equal(rk_merge_plan(sess[SUPERVISOR], a_no, "c1", &p, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "the same customer twice"));
        assert_int_equal(rk_merge_plan(sess[SUPERVISOR], a_no, "C999999", &p, &err),
                         RK_ERR_NOTFOUND);
        assert_non_null(strstr(err.msg, "C999999"));
        assert_int_equal(rk_merge_plan(sess[SUPERVISOR], "Aino", b_no, &p, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "is not a customer number"));
        assert_int_equal(rk_merge_plan(sess[SUPERVISOR], a_no, c_no, &p, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "a person and a company"));
}

static void test_plan_and_choices(void **state)
{
        (void)state;
        struct rk_merge_plan p;
        struct rk_error err;
        tu_must(rk_merge_plan(sess[SUPERVISOR], a_no, b_no, &p, &err), &err);
        assert_string_equal(p.survivor.number, a_no);
        assert_string_equal(p.other.number, b_no);
        assert_int_equal(p.notes, 1);
        assert_int_equal(p.ask, 0);
        /* the survivor's where it has one, else the other's */
        assert_false(field(&p, "email")->keep_other);
        assert_true(field(&p, "phone")->keep_other);
        assert_string_equal(field(&p, "phone")->other, "+358501112223");
        assert_null(field(&p, "phone")->survivor);
        tu_must(rk_merge_choose(&p, "email", true, &err), &err);
        assert_true(field(&p, "email")->keep_other);
        tu_must(rk_merge_choose(&p, "contact", false, &err), &err);
        assert_false(field(&p, "email")->keep_other);
        assert_false(field(&p, "phone")->keep_other);
        assert_true(field(&p, "bank_reference")->keep_other); /* billing: untouched */
        assert_int_equal(rk_merge_choose(&p, "shoe", true, &err), RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "email"));
        rk_merge_plan_clear(&p);
        assert_int_equal(p.nfields, 0);
}

static void test_stale_plan_and_confirmation(void **state)
{
        (void)state;
        struct rk_merge_plan p;
        struct rk_error err;
        int64_t v = 0;
        tu_must(rk_merge_plan(sess[SUPERVISOR], a_no, b_no, &p, &err), &err);
        /* someone saves the survivor after the plan was shown */
        const struct rk_edit e[] = {{"city", "Espoo"}};
        struct rk_customer_view view;
        tu_must(rk_customer_load(sess[SALES], a_id, RK_GROUPS_ALL, &view, &err), &err);
        tu_must(rk_customer_update(sess[SALES], a_id, view.version, e, 1, &v, &err),
                &err);
        rk_customer_view_clear(&view);
        assert_int_equal(rk_merge_run(sess[SUPERVISOR], &p, false, NULL, &err),
                         RK_ERR_CONFLICT);
        assert_non_null(strstr(err.msg, "changed or merged by someone else"));
        assert_int_equal(
            one("SELECT count(*) FROM audit_log WHERE action='customer.merge'"
                " AND result='failed' AND target LIKE 'C000002: %'"),
            1);
        assert_int_equal(
            one("SELECT count(*) FROM customers WHERE merged_into IS NOT NULL"), 0);
        rk_merge_plan_clear(&p);
        /* a restricted customer: the plan says why it asks, and a run
         * without the confirmation changes nothing */
        assert_int_equal(sqlite3_exec(raw_db(),
                                      "UPDATE customers SET restricted=1, "
                                      "version=version+1 WHERE id=2",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        tu_must(rk_merge_plan(sess[SUPERVISOR], a_no, b_no, &p, &err), &err);
        assert_int_equal(p.ask, RK_MERGE_ASK_RESTRICTED);
        assert_int_equal(rk_merge_run(sess[SUPERVISOR], &p, false, NULL, &err),
                         RK_ERR_CONFIRM);
        assert_non_null(strstr(err.msg, "is restricted"));
        assert_non_null(strstr(err.msg, b_no));
        assert_int_equal(one("SELECT count(*) FROM notes WHERE customer_id=2"), 1);
        rk_merge_plan_clear(&p);
}

static void test_merge(void **state)
{
        (void)state;
        struct rk_merge_plan p;
        struct rk_merge_result res;
        struct rk_error err;
        int64_t found = 0;
        tu_must(rk_merge_plan(sess[SUPERVISOR], a_no, b_no, &p, &err), &err);
        assert_int_equal(p.ask, RK_MERGE_ASK_RESTRICTED);
        tu_must(rk_merge_choose(&p, "email", true, &err), &err);
        tu_must(rk_merge_run(sess[SUPERVISOR], &p, true, &res, &err), &err);
        assert_int_equal(res.moved, 1);
        assert_int_equal(one("SELECT count(*) FROM notes WHERE customer_id=1"), 1);
        assert_int_equal(one("SELECT restricted FROM customers WHERE id=1"), 1);
        assert_int_equal(one("SELECT merged_into FROM customers WHERE id=2"), 1);
        assert_int_equal(one("SELECT count(*) FROM customers WHERE id=1 AND "
                             "email='aino.koskela@example.fi' AND phone='+358501112223'"),
                         1);
        assert_int_equal(one("SELECT count(*) FROM customers WHERE id=2 AND name='' AND "
                             "email IS NULL AND phone IS NULL AND city IS NULL AND "
                             "bank_reference IS NULL AND anonymised_at IS NOT NULL"),
                         1);
        /* the old number finds the survivor; the stub cannot be merged again */
        tu_must(rk_customer_find(sess[SUPERVISOR], b_no, &found, &err), &err);
        assert_int_equal(found, a_id);
        struct rk_search_hit *hits = NULL;
        size_t n = 0;
        tu_must(rk_customer_search(sess[SUPERVISOR], b_no, 10, &hits, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_string_equal(hits[0].number, a_no);
        rk_search_free(hits, n);
        assert_int_equal(rk_merge_run(sess[SUPERVISOR], &p, true, NULL, &err),
                         RK_ERR_CONFLICT);
        rk_merge_plan_clear(&p);
        assert_int_equal(rk_merge_plan(sess[SUPERVISOR], c_no, b_no, &p, &err),
                         RK_ERR_INVALID);
        char want[96];
        snprintf(want, sizeof(want), "%s was already merged into %s", b_no, a_no);
        assert_non_null(strstr(err.msg, want));
        assert_int_equal(
            one("SELECT count(*) FROM audit_log WHERE action='customer.merge' "
                "AND subject=1 AND fields='email,phone,bank_reference' AND "
                "target='C000002'"),
            1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_who_may_merge),
            cmocka_unit_test(test_bad_input),
            cmocka_unit_test(test_plan_and_choices),
            cmocka_unit_test(test_stale_plan_and_confirmation),
            cmocka_unit_test(test_merge),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
