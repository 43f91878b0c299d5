/*
 * test_marketing.c - marketing lists on a real register, through sessions
 * that log in for real.
 *
 * What a user or an auditor would notice: a person is listed only with a
 * consent in force and no objection to the purpose or to direct
 * marketing; a restricted customer, an erased one and one whose e-mail is
 * on the suppression list are left out and counted under that reason; a
 * listed company brings its contact persons, except one whose e-mail is
 * on the suppression list; the columns follow the role; a role without
 * the consents group gets nothing; an unknown purpose is refused naming
 * the field; one audit row per person listed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/customer.h"
#include "rekisteri/marketing.h"
#include "rekisteri/session.h"
#include "rekisteri/suppress.h"
#include "rekisteri/totp.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rk_config cfg;

enum who { SALES, WAREHOUSE, SUPERVISOR, NAMES, N_WHO };
static const char *const users[N_WHO] = {"sanna", "wille", "sirpa", "nelli"};
static const char *const roles[N_WHO] = {"sales", "warehouse", "supervisor", "names"};
static struct rk_session *sess[N_WHO];

static sqlite3 *raw_db(void)
{
        return rk_register_db(rk_session_register(sess[SUPERVISOR]));
}

static void raw(const char *sql)
{
        char *msg = NULL;
        if (sqlite3_exec(raw_db(), sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
}

/* A customer with a newsletter consent (withdrawn when asked). */
static int64_t customer(const char *kind, const char *name, const char *email,
                        bool withdrawn)
{
        struct rk_error err;
        int64_t id = 0;
        const struct rk_edit e[] = {{"kind", kind}, {"name", name}, {"email", email}};
        tu_must(rk_customer_create(sess[SUPERVISOR], e, 3, &id, NULL, &err), &err);
        tu_must(rk_consent_give(sess[SALES], id, "newsletter", "web form", NULL, &err),
                &err);
        if (withdrawn)
                tu_must(rk_consent_withdraw(sess[SALES], id, "newsletter", &err), &err);
        return id;
}

static void suppress_email(const char *email)
{
        struct rk_error err;
        struct rk_ident_hash h = {.kind = RK_IDENT_EMAIL};
        bool have = false;
        tu_must(rk_suppress_ensure_key(raw_db(), &err), &err);
        tu_must(rk_suppress_hash(raw_db(), RK_IDENT_EMAIL, email, h.hash, &have, &err),
                &err);
        assert_true(have);
        tu_must(rk_suppress_add(raw_db(), &h, 0, &err), &err);
}

static int64_t ok_id, company_id;

static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        char sql[512];
        tu_tmpdir();
        tu_fast_config(&cfg);
        tu_must(rk_policy_define(&cfg.roles, "names", "identity,consents", "", "", &err),
                &err);
        tu_team(&cfg, tu_path("m.db"), users, roles, N_WHO, sess);
        ok_id = customer("person", "Olli Ok", "olli@example.fi", false);
        customer("person", "Ville Peruttu", "ville@example.fi", true);
        int64_t o1 = customer("person", "Oona Vastustaja", "oona@example.fi", false);
        int64_t o2 =
            customer("person", "Dani Suoramarkkinointi", "dani@example.fi", false);
        int64_t p = customer("person", "Pekka Profiloinnista", "pekka@example.fi", false);
        int64_t r = customer("person", "Rauha Rajoitettu", "rauha@example.fi", false);
        int64_t e = customer("person", "Eero Poistettu", "eero@example.fi", false);
        customer("person", "Sanni Estolistalla", "sanni@example.fi", false);
        company_id = customer("company", "Yritys Oy", "info@yritys.example.fi", false);
        const struct rk_edit c1[] = {{"name", "Kalle Kontakti"},
                                     {"email", "kalle@yritys.example.fi"}};
        const struct rk_edit c2[] = {{"name", "Kirsi Kielletty"},
                                     {"email", "kirsi@yritys.example.fi"}};
        tu_must(rk_contact_add(sess[SALES], company_id, c1, 2, NULL, &err), &err);
        tu_must(rk_contact_add(sess[SALES], company_id, c2, 2, NULL, &err), &err);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO objections(customer_id, purpose, objected_on) VALUES"
                 " (%lld, 'newsletter', '2026-01-01'), (%lld, 'direct_marketing',"
                 " '2026-01-01'), (%lld, 'profiling', '2026-01-01');"
                 " UPDATE customers SET restricted=1 WHERE id=%lld;"
                 " UPDATE customers SET anonymised_at=1 WHERE id=%lld;",
                 (long long)o1, (long long)o2, (long long)p, (long long)r, (long long)e);
        raw(sql);
        suppress_email("sanni@example.fi");
        suppress_email("kirsi@yritys.example.fi");
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_team_close(sess, N_WHO);
        tu_rmdir();
        return 0;
}

static bool listed(const struct rk_marketing_list *l, const char *name)
{
        for (size_t i = 0; i < l->n; i++)
                if (l->rows[i].name != NULL && strcmp(l->rows[i].name, name) == 0)
                        return true;
        return false;
}

static void test_who_is_listed(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_marketing_list l;
        tu_must(rk_marketing_list(sess[SALES], "Newsletter", NULL, &l, &err), &err);
        /* Olli, Pekka (a profiling objection does not count), the company
         * and its contact Kalle */
        assert_int_equal(l.n, 4);
        assert_true(listed(&l, "Olli Ok"));
        assert_true(listed(&l, "Pekka Profiloinnista"));
        assert_true(listed(&l, "Yritys Oy"));
        assert_true(listed(&l, "Kalle Kontakti"));
        assert_false(listed(&l, "Kirsi Kielletty"));
        assert_int_equal(l.left_out[RK_MKT_WITHDRAWN], 1);
        assert_int_equal(l.left_out[RK_MKT_OBJECTED], 2);
        assert_int_equal(l.left_out[RK_MKT_RESTRICTED], 1);
        assert_int_equal(l.left_out[RK_MKT_ERASED], 1);
        assert_int_equal(l.left_out[RK_MKT_SUPPRESSED], 2); /* Sanni and Kirsi */
        assert_true(l.has_name && l.has_contact);
        assert_non_null(l.rows[0].email);
        rk_marketing_list_free(&l);
        /* one audit row per person, the purpose as the target */
        sqlite3_stmt *st;
        assert_int_equal(
            sqlite3_prepare_v2(raw_db(),
                               "SELECT count(*), sum(subject=?) FROM audit_log"
                               " WHERE action='marketing.list'"
                               " AND target='purpose:newsletter'",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_int64(st, 1, company_id);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 4);
        assert_int_equal(sqlite3_column_int(st, 1), 2); /* the company and Kalle */
        sqlite3_finalize(st);
}

static void test_columns_and_refusals(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_marketing_list l;
        tu_must(rk_marketing_list(sess[NAMES], "newsletter", NULL, &l, &err), &err);
        assert_true(l.has_name);
        assert_false(l.has_contact);
        for (size_t i = 0; i < l.n; i++)
                assert_null(l.rows[i].email);
        rk_marketing_list_free(&l);
        assert_int_equal(rk_marketing_list(sess[WAREHOUSE], "newsletter", NULL, &l, &err),
                         RK_ERR_DENIED);
        assert_int_equal(rk_marketing_list(sess[SALES], "spam", NULL, &l, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "Purpose: choose one of"));
        /* an export never replaces a file */
        const char *path = tu_path("list.csv");
        assert_int_equal(tu_write_file(path, "x", 1), 0);
        assert_int_equal(rk_marketing_list(sess[SALES], "newsletter", path, &l, &err),
                         RK_ERR_EXISTS);
        assert_true(tu_same_file(path, (const unsigned char *)"x", 1));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_who_is_listed),
            cmocka_unit_test(test_columns_and_refusals),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
