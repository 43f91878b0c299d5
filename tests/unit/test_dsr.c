/*
 * test_dsr.c - data-subject requests on a real register in a temp dir,
 * through sessions that log in for real (password + TOTP): deadlines and
 * their extension with a moved clock, the wizard's step order, the
 * preview of an erasure with its legal hold, the erasure itself (no value
 * of the subject left in any table, held orders intact), the suppression
 * flag on a re-create, restriction and its lifting, objection, the access
 * export, and the subject search.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/customer.h"
#include "rekisteri/dsr.h"
#include "rekisteri/forget.h"
#include "rekisteri/ledger.h"
#include "rekisteri/orders.h"
#include "rekisteri/search.h"
#include "rekisteri/session.h"
#include "rekisteri/totp.h"
#include "rekisteri/users.h"
#include "rekisteri/vault.h"
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct rk_config cfg;
static const char pw[] = "kolme iloista kalaa";
static char secret[RK_TOTP_SECRET_B32_SIZE];
static const int64_t T0 = 1800000000; /* 2027-01-15 */
static int64_t login_now;
static int64_t fake_now;

enum who { SALES, WAREHOUSE, SUPERVISOR, N_WHO };
static const char *const users[N_WHO] = {"sanna", "wille", "sirpa"};
static const char *const roles[N_WHO] = {"sales", "warehouse", "supervisor"};
static struct rk_session *sess[N_WHO];

static int64_t person_id, other_id, company_id, contact_id;
static char person_no[RK_CUSTOMER_NUMBER_SIZE];

/* Everything seeded about the subject, in the stored (normalised) form. */
static const char *const subject_values[] = {
    "Virtanen",           "aino.virtanen@example.fi", "+358401234567",
    "131052-308T",        "Mannerheimintie 1",        "Varastotie 5",
    "FI2112345600000785", "Soitti Virtaselle",
};

static int64_t clock_hook(void)
{
        return fake_now;
}

static const char *db_path(void)
{
        return tu_path("d.db");
}

static sqlite3 *raw_db(void)
{
        return rk_register_db(rk_session_register(sess[SUPERVISOR]));
}

static void must(int rc, const struct rk_error *err)
{
        if (rc != RK_OK)
                fail_msg("%s", err->msg);
}

/* ---- fixture ----------------------------------------------------------- */

static void enrol(struct rk_register *reg, const char *name, const char *role)
{
        tu_enrol(reg, &cfg, name, role, pw, secret, T0 / 30 - 10);
}

static struct rk_session *login(const char *name)
{
        return tu_login(&cfg, db_path(), name, pw, secret, &login_now);
}

static void raw_exec(const char *sql)
{
        char *msg = NULL;
        if (sqlite3_exec(raw_db(), sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
}

static void seed(void)
{
        struct rk_error err;
        struct rk_session *s = sess[SUPERVISOR];
        tu_products(s);
        const struct rk_edit person[] = {
            {"name", "Aino Virtanen"},
            {"email", "aino.virtanen@example.fi"},
            {"phone", "040 123 4567"},
            {"street", "Mannerheimintie 1"},
            {"postal_code", "00100"},
            {"city", "Helsinki"},
            {"delivery_street", "Varastotie 5"},
            {"bank_reference", "FI2112345600000785"},
            {"hetu", "131052-308T"},
        };
        must(rk_customer_create(s, person, sizeof(person) / sizeof(person[0]), &person_id,
                                person_no, &err),
             &err);
        const struct rk_edit other[] = {{"name", "Bertta Muukalainen"},
                                        {"email", "bertta@example.fi"}};
        must(rk_customer_create(s, other, 2, &other_id, NULL, &err), &err);
        const struct rk_edit company[] = {{"kind", "company"}, {"name", "Esimerkki Oy"}};
        must(rk_customer_create(s, company, 2, &company_id, NULL, &err), &err);
        const struct rk_edit contact[] = {{"name", "Matti Meikäläinen"},
                                          {"email", "matti@esimerkki.fi"},
                                          {"phone", "050 765 4321"}};
        must(rk_contact_add(s, company_id, contact, 3, &contact_id, &err), &err);
        must(rk_note_add(sess[SALES], person_id, "Soitti Virtaselle tarjouksesta", NULL,
                         &err),
             &err);
        must(rk_consent_give(sess[SALES], person_id, "newsletter", "web form",
                             "2026-01-15", &err),
             &err);
        const struct rk_order_line_in lines[] = {{"HAMMER", "2", "12,50", 0},
                                                 {"NAILS100", "3", "4", 0}};
        must(rk_order_create(sess[SALES], person_id, lines, 2, NULL, NULL, &err), &err);
        must(rk_order_create(sess[SALES], person_id, lines, 1, NULL, NULL, &err), &err);
        must(rk_order_create(sess[SALES], other_id, lines, 1, NULL, NULL, &err), &err);
        /* the first order of the subject is old: past the bookkeeping hold */
        raw_exec("UPDATE orders SET ordered_on='2015-03-01' WHERE id ="
                 " (SELECT min(id) FROM orders)");
}

static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        tu_tmpdir();
        tu_fast_config(&cfg);
        login_now = T0;
        fake_now = T0;
        rk_clock_set(clock_hook);
        reg = tu_register(&cfg, db_path(), "admin", pw, NULL, NULL);
        assert_int_equal(rk_totp_secret_new(secret, sizeof(secret), &err), RK_OK);
        for (int i = 0; i < N_WHO; i++)
                enrol(reg, users[i], roles[i]);
        rk_register_close(reg);
        for (int i = 0; i < N_WHO; i++)
                sess[i] = login(users[i]);
        seed();
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        for (int i = 0; i < N_WHO; i++)
                rk_session_close(sess[i]);
        rk_clock_set(NULL);
        tu_rmdir();
        return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static int64_t count(const char *sql)
{
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(raw_db(), sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int64_t n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
}

/* A verified request of type for the customer numbered number. */
static int64_t ready_request(enum rk_dsr_type type, const char *purpose,
                             const char *number)
{
        struct rk_error err;
        int64_t id = 0;
        must(rk_dsr_create(sess[SUPERVISOR], type, purpose, NULL, &id, &err), &err);
        must(rk_dsr_add_number(sess[SUPERVISOR], id, number, &err), &err);
        must(rk_dsr_verify(sess[SUPERVISOR], id, "passport checked at the counter", &err),
             &err);
        return id;
}

/* Every text or blob cell of every table, searched for needle. */
static int found_anywhere(const char *needle)
{
        sqlite3_stmt *tables;
        int hits = 0;
        assert_int_equal(sqlite3_prepare_v2(raw_db(),
                                            "SELECT name FROM sqlite_master WHERE "
                                            "type='table'",
                                            -1, &tables, NULL),
                         SQLITE_OK);
        while (sqlite3_step(tables) == SQLITE_ROW) {
                char sql[256];
                sqlite3_stmt *st;
                snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"",
                         (const char *)sqlite3_column_text(tables, 0));
                if (sqlite3_prepare_v2(raw_db(), sql, -1, &st, NULL) != SQLITE_OK)
                        continue; /* the FTS virtual table itself: its shadows are read */
                while (sqlite3_step(st) == SQLITE_ROW) {
                        for (int c = 0; c < sqlite3_column_count(st); c++) {
                                const void *b = sqlite3_column_blob(st, c);
                                int len = sqlite3_column_bytes(st, c);
                                if (b != NULL && tu_contains(b, (size_t)len, needle))
                                        hits++;
                        }
                }
                sqlite3_finalize(st);
        }
        sqlite3_finalize(tables);
        return hits;
}

/* ---- dates ------------------------------------------------------------- */

static void test_month_arithmetic(void **state)
{
        (void)state;
        char out[RK_DATE_TEXT];
        struct rk_error err;
        static const char *const cases[][3] = {
            {"2026-01-31", "1", "2026-02-28"}, {"2024-01-31", "1", "2024-02-29"},
            {"2026-12-15", "1", "2027-01-15"}, {"2026-03-31", "1", "2026-04-30"},
            {"2026-02-28", "2", "2026-04-28"}, {"2026-11-30", "3", "2027-02-28"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                must(rk_date_add_months(cases[i][0], atoi(cases[i][1]), out, &err), &err);
                assert_string_equal(out, cases[i][2]);
        }
        assert_int_equal(rk_date_add_months("2026-02-30", 1, out, &err), RK_ERR_INVALID);
        assert_int_equal(rk_date_diff_days("2026-02-28", "2026-03-01"), 1);
        assert_int_equal(rk_date_diff_days("2024-02-28", "2024-03-01"), 2);
}

static void test_hold_until(void **state)
{
        (void)state;
        struct rk_config c;
        char out[RK_DATE_TEXT];
        rk_config_defaults(&c);
        assert_int_equal(rk_hold_until(&c, "2026-03-05", out, NULL), RK_OK);
        assert_string_equal(out, "2032-12-31");
        c.financial_year_end = 630;
        assert_int_equal(rk_hold_until(&c, "2026-06-30", out, NULL), RK_OK);
        assert_string_equal(out, "2032-06-30");
        assert_int_equal(rk_hold_until(&c, "2026-07-01", out, NULL), RK_OK);
        assert_string_equal(out, "2033-06-30");
}

/* ---- the request register ---------------------------------------------- */

static void test_lifecycle_and_deadlines(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_request r;
        int64_t id = 0, early = 0;
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        assert_string_equal(today, "2027-01-15");
        assert_int_equal(rk_dsr_create(sess[SALES], RK_DSR_ACCESS, NULL, NULL, &id, &err),
                         RK_ERR_DENIED);
        assert_int_equal(
            rk_dsr_create(sess[SUPERVISOR], RK_DSR_ACCESS, NULL, "2027-02-01", &id, &err),
            RK_ERR_INVALID); /* in the future */
        assert_int_equal(
            rk_dsr_create(sess[SUPERVISOR], RK_DSR_OBJECTION, NULL, NULL, &id, &err),
            RK_ERR_INVALID); /* needs a purpose */
        must(rk_dsr_create(sess[SUPERVISOR], RK_DSR_ACCESS, NULL, NULL, &id, &err), &err);
        must(rk_dsr_create(sess[SUPERVISOR], RK_DSR_ERASURE, NULL, "2026-12-31", &early,
                           &err),
             &err);
        must(rk_dsr_get(sess[SUPERVISOR], id, &r, &err), &err);
        assert_string_equal(r.received_on, "2027-01-15");
        assert_string_equal(r.due_on, "2027-02-15");
        assert_string_equal(r.handler, "sirpa");
        assert_int_equal(rk_dsr_next_step(&r), RK_DSR_STEP_SUBJECTS);
        assert_false(r.overdue);
        rk_dsr_request_clear(&r);

        /* the wizard's order: no execution before subjects and verification */
        struct rk_dsr_result res;
        assert_int_equal(rk_dsr_execute(sess[SUPERVISOR], id, tu_path(""), &res, &err),
                         RK_ERR_INVALID);
        must(rk_dsr_add_number(sess[SUPERVISOR], id, person_no, &err), &err);
        must(rk_dsr_get(sess[SUPERVISOR], id, &r, &err), &err);
        assert_int_equal(rk_dsr_next_step(&r), RK_DSR_STEP_VERIFY);
        rk_dsr_request_clear(&r);
        assert_int_equal(rk_dsr_execute(sess[SUPERVISOR], id, tu_path(""), &res, &err),
                         RK_ERR_INVALID);
        must(rk_dsr_verify(sess[SUPERVISOR], id, "called back on the number on file",
                           &err),
             &err);
        must(rk_dsr_get(sess[SUPERVISOR], id, &r, &err), &err);
        assert_int_equal(rk_dsr_next_step(&r), RK_DSR_STEP_EXECUTE);
        rk_dsr_request_clear(&r);

        /* extension: once, by up to two months, with a reason */
        assert_int_equal(rk_dsr_extend(sess[SUPERVISOR], id, 3, "many records", &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_dsr_extend(sess[SUPERVISOR], id, 2, "", &err),
                         RK_ERR_INVALID);
        must(rk_dsr_extend(sess[SUPERVISOR], id, 2, "records in three systems", &err),
             &err);
        assert_int_equal(rk_dsr_extend(sess[SUPERVISOR], id, 1, "again", &err),
                         RK_ERR_EXISTS);
        must(rk_dsr_get(sess[SUPERVISOR], id, &r, &err), &err);
        assert_string_equal(r.due_on, "2027-04-15");
        assert_true(r.extended);
        assert_string_equal(r.extension_reason, "records in three systems");
        rk_dsr_request_clear(&r);

        /* the dashboard: open requests by due date; overdue from the clock */
        struct rk_dsr_request *list = NULL;
        size_t n = 0;
        fake_now = T0 + 40 * 86400; /* 2027-02-24 */
        must(rk_dsr_list(sess[SUPERVISOR], false, &list, &n, &err), &err);
        assert_int_equal(n, 2);
        assert_int_equal(list[0].id, early); /* due 2027-01-31 */
        assert_true(list[0].overdue);
        assert_true(list[0].days_left < 0);
        assert_int_equal(list[1].id, id); /* due 2027-04-15 after the extension */
        assert_false(list[1].overdue);
        assert_int_equal(list[1].nsubjects, 1);
        assert_string_equal(list[1].subjects[0].number, person_no);
        rk_dsr_requests_free(list, n);

        /* closing needs an outcome; a closed request drops off the dashboard */
        assert_int_equal(rk_dsr_close(sess[SUPERVISOR], early, "", &err), RK_ERR_INVALID);
        must(
            rk_dsr_close(sess[SUPERVISOR], early, "identity not verified; refused", &err),
            &err);
        assert_int_equal(rk_dsr_verify(sess[SUPERVISOR], early, "late", &err),
                         RK_ERR_INVALID);
        must(rk_dsr_list(sess[SUPERVISOR], false, &list, &n, &err), &err);
        assert_int_equal(n, 1);
        rk_dsr_requests_free(list, n);
        must(rk_dsr_list(sess[SUPERVISOR], true, &list, &n, &err), &err);
        assert_int_equal(n, 2);
        assert_int_equal(list[1].status, RK_DSR_CLOSED);
        assert_false(list[1].overdue);
        rk_dsr_requests_free(list, n);

        /* every step is in the audit trail, naming the request, never values */
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action IN"
                               " ('dsr.create','dsr.subject','dsr.verify','dsr.extend',"
                               "'dsr.close')"),
                         6);
        char sql[160];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM audit_log WHERE action='dsr.subject' AND"
                 " target='request:%lld' AND subject=%lld",
                 (long long)id, (long long)person_id);
        assert_int_equal(count(sql), 1);
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE target LIKE "
                               "'%three systems%'"),
                         0);
}

/* ---- preview and erasure ----------------------------------------------- */

static const struct rk_dsr_preview_item *find_item(const struct rk_dsr_preview *p,
                                                   const char *table, const char *column,
                                                   enum rk_dsr_effect effect)
{
        for (size_t i = 0; i < p->n; i++) {
                const struct rk_dsr_preview_item *it = &p->items[i];
                if (strcmp(it->table, table) == 0 && it->effect == effect &&
                    (column == NULL
                         ? it->column == NULL
                         : it->column != NULL && strcmp(it->column, column) == 0))
                        return it;
        }
        return NULL;
}

static void test_preview_erasure(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_preview p;
        int64_t id = ready_request(RK_DSR_ERASURE, NULL, person_no);
        must(rk_dsr_preview(sess[SUPERVISOR], id, &p, &err), &err);
        const struct rk_dsr_preview_item *it;
        it = find_item(&p, "orders", NULL, RK_EFFECT_ERASE);
        assert_non_null(it);
        assert_int_equal(it->rows, 1); /* the 2015 order */
        it = find_item(&p, "orders", NULL, RK_EFFECT_KEEP);
        assert_non_null(it);
        assert_int_equal(it->rows, 1);
        assert_non_null(strstr(it->reason, "legal hold"));
        /* the held order's financial year ends 31 Dec; + 6 years */
        char until[RK_DATE_TEXT];
        snprintf(
            until, sizeof(until), "%lld-12-31",
            (long long)count("SELECT substr(max(ordered_on), 1, 4) + 6 FROM orders"));
        assert_non_null(strstr(it->reason, until));
        assert_non_null(find_item(&p, "customers", "name", RK_EFFECT_ANONYMISE));
        assert_non_null(find_item(&p, "customers", "hetu", RK_EFFECT_ANONYMISE));
        assert_non_null(find_item(&p, "customers", "country", RK_EFFECT_KEEP));
        it = find_item(&p, "notes", NULL, RK_EFFECT_ERASE);
        assert_non_null(it);
        assert_int_equal(it->rows, 1);
        assert_non_null(find_item(&p, "suppressions", NULL, RK_EFFECT_ADD));
        rk_dsr_preview_free(&p);
        /* the preview changed nothing */
        assert_int_equal(count("SELECT count(*) FROM notes"), 1);
        assert_int_equal(
            count("SELECT count(*) FROM audit_log WHERE action='dsr.preview'"), 1);
}

static void test_erasure_leaves_no_value(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_result res;
        char sql[200];
        for (size_t i = 0; i < sizeof(subject_values) / sizeof(subject_values[0]); i++)
                assert_true(found_anywhere(subject_values[i]) > 0); /* the test can see */
        char total_sql[200];
        snprintf(total_sql, sizeof(total_sql),
                 "SELECT sum(quantity * unit_price_cents) FROM order_lines WHERE"
                 " order_id = (SELECT max(id) FROM orders WHERE customer_id = %lld)",
                 (long long)person_id);
        int64_t total_before = count(total_sql);
        assert_int_equal(total_before, 2 * 1250);
        int64_t id = ready_request(RK_DSR_ERASURE, NULL, person_no);
        must(rk_dsr_execute(sess[SUPERVISOR], id, NULL, &res, &err), &err);
        assert_true(res.flushed);
        for (size_t i = 0; i < sizeof(subject_values) / sizeof(subject_values[0]); i++)
                if (found_anywhere(subject_values[i]) != 0)
                        fail_msg("a value of the subject is still stored (#%zu)", i);
        /* the stub, the held order with its totals, nothing else */
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM customers WHERE id=%lld AND name='' AND email IS"
                 " NULL AND hetu IS NULL AND anonymised_at IS NOT NULL AND country='FI'",
                 (long long)person_id);
        assert_int_equal(count(sql), 1);
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM orders WHERE customer_id=%lld",
                 (long long)person_id);
        assert_int_equal(count(sql), 1);
        assert_int_equal(count(total_sql), total_before);
        assert_int_equal(count("SELECT count(*) FROM notes"), 0);
        assert_int_equal(count("SELECT count(*) FROM consents"), 0);
        /* the other customers are untouched */
        assert_true(found_anywhere("Muukalainen") > 0);
        assert_true(found_anywhere("matti@esimerkki.fi") > 0);
        /* suppression list and ledger: hashes, no values */
        assert_int_equal(count("SELECT count(*) FROM suppressions"), 3);
        char ledger[512];
        struct rk_ledger_entry *e = NULL;
        size_t n = 0;
        must(rk_ledger_path(db_path(), ledger, sizeof(ledger), &err), &err);
        must(rk_ledger_read(ledger, &e, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_string_equal(e[0].number, person_no);
        assert_int_equal(e[0].nhashes, 3);
        rk_ledger_free(e, n);
        size_t flen = 0;
        unsigned char *file = tu_read_file(ledger, &flen);
        assert_non_null(file);
        assert_false(tu_contains(file, flen, "example.fi"));
        free(file);
        /* executing twice is refused */
        assert_int_equal(rk_dsr_execute(sess[SUPERVISOR], id, NULL, &res, &err),
                         RK_ERR_INVALID);
}

static void test_suppression_flags_recreate(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_result res;
        bool hit = true;
        const struct rk_edit again[] = {{"name", "A. Virtanen"},
                                        {"email", "Aino.Virtanen@EXAMPLE.fi"}};
        const struct rk_edit phone[] = {{"name", "Someone"},
                                        {"phone", "+358 40 1234567"}};
        const struct rk_edit fresh[] = {{"name", "Uusi Asiakas"},
                                        {"email", "uusi@example.fi"}};
        /* nothing erased yet: nothing flagged */
        must(rk_customer_check_suppressed(sess[SALES], RK_REC_CUSTOMER, again, 2, &hit,
                                          &err),
             &err);
        assert_false(hit);
        int64_t id = ready_request(RK_DSR_ERASURE, NULL, person_no);
        must(rk_dsr_execute(sess[SUPERVISOR], id, NULL, &res, &err), &err);
        must(rk_customer_check_suppressed(sess[SALES], RK_REC_CUSTOMER, again, 2, &hit,
                                          &err),
             &err);
        assert_true(hit);
        must(rk_customer_check_suppressed(sess[SALES], RK_REC_CONTACT, phone, 2, &hit,
                                          &err),
             &err);
        assert_true(hit);
        must(rk_customer_check_suppressed(sess[SALES], RK_REC_CUSTOMER, fresh, 2, &hit,
                                          &err),
             &err);
        assert_false(hit);
        assert_int_equal(rk_customer_check_suppressed(sess[WAREHOUSE], RK_REC_CUSTOMER,
                                                      fresh, 2, &hit, &err),
                         RK_ERR_DENIED);
        assert_int_equal(
            count("SELECT count(*) FROM audit_log WHERE action='customer.suppressed'"),
            2);
}

static void test_erase_contact_person(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_result res;
        struct rk_dsr_candidate *c = NULL;
        size_t n = 0;
        int64_t id = 0;
        must(rk_dsr_find(sess[SUPERVISOR], "matti@ESIMERKKI.fi", &c, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_int_equal(c[0].kind, RK_DSR_SUBJECT_CONTACT);
        assert_int_equal(c[0].record_id, contact_id);
        assert_int_equal(c[0].customer_id, company_id);
        must(rk_dsr_create(sess[SUPERVISOR], RK_DSR_ERASURE, NULL, NULL, &id, &err),
             &err);
        must(rk_dsr_add_subject(sess[SUPERVISOR], id, c[0].kind, c[0].record_id, &err),
             &err);
        rk_dsr_candidates_free(c, n);
        must(rk_dsr_verify(sess[SUPERVISOR], id, "e-mail from the address on file", &err),
             &err);
        must(rk_dsr_execute(sess[SUPERVISOR], id, NULL, &res, &err), &err);
        assert_int_equal(found_anywhere("Meik"), 0);
        assert_int_equal(found_anywhere("matti@esimerkki.fi"), 0);
        assert_int_equal(found_anywhere("+358507654321"), 0);
        assert_true(found_anywhere("Esimerkki Oy") > 0); /* the company stays */
}

static void test_find_across_records(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_candidate *c = NULL;
        size_t n = 0;
        must(rk_dsr_find(sess[SUPERVISOR], "040 123 4567", &c, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_int_equal(c[0].customer_id, person_id);
        assert_string_equal(c[0].matched, "phone");
        rk_dsr_candidates_free(c, n);
        must(rk_dsr_find(sess[SUPERVISOR], "131052-308t", &c, &n, &err), &err);
        assert_int_equal(n, 1);
        rk_dsr_candidates_free(c, n);
        must(rk_dsr_find(sess[SUPERVISOR], "virtanen", &c, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_string_equal(c[0].name, "Aino Virtanen");
        rk_dsr_candidates_free(c, n);
        must(rk_dsr_find(sess[SUPERVISOR], "%", &c, &n, &err), &err);
        assert_int_equal(n, 0); /* a LIKE wildcard is a literal */
        rk_dsr_candidates_free(c, n);
        assert_int_equal(rk_dsr_find(sess[SALES], "virtanen", &c, &n, &err),
                         RK_ERR_DENIED);
}

/* ---- restriction, objection, access ------------------------------------ */

static void test_restriction_hides_and_lifts(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_result res;
        struct rk_customer_view v;
        struct rk_order_summary *o = NULL;
        size_t n = 0;
        int64_t id = ready_request(RK_DSR_RESTRICTION, NULL, person_no);
        must(rk_dsr_execute(sess[SUPERVISOR], id, NULL, &res, &err), &err);
        assert_int_equal(
            rk_customer_load(sess[SALES], person_id, RK_GROUPS_ALL, &v, &err),
            RK_ERR_NOTFOUND);
        /* the same answer as for a number nobody has, word for word */
        struct rk_error missing;
        int64_t found = -1;
        rk_error_clear(&missing);
        assert_int_equal(rk_customer_find(sess[SALES], person_no, &found, &err),
                         RK_ERR_NOTFOUND);
        assert_int_equal(found, 0);
        assert_int_equal(rk_customer_find(sess[SALES], "C999998", &found, &missing),
                         RK_ERR_NOTFOUND);
        assert_string_equal(err.msg, missing.msg);
        must(rk_orders_recent(sess[WAREHOUSE], NULL, 0, 100, &o, &n, &err), &err);
        for (size_t i = 0; i < n; i++)
                assert_string_not_equal(o[i].customer_number, person_no);
        assert_int_equal(n, 1); /* only the other customer's order */
        free(o);
        must(rk_customer_load(sess[SUPERVISOR], person_id, RK_GROUPS_ALL, &v, &err),
             &err);
        assert_true(v.restricted);
        rk_customer_view_clear(&v);
        /* carried out, it waits for its lifting without becoming overdue */
        struct rk_dsr_request r;
        int64_t saved = fake_now;
        fake_now += 90 * 86400;
        must(rk_dsr_get(sess[SUPERVISOR], id, &r, &err), &err);
        assert_true(r.days_left < 0);
        assert_false(r.overdue);
        rk_dsr_request_clear(&r);
        fake_now = saved;
        assert_int_equal(rk_dsr_lift_restriction(sess[SALES], id, &err), RK_ERR_DENIED);
        must(rk_dsr_lift_restriction(sess[SUPERVISOR], id, &err), &err);
        must(rk_customer_load(sess[SALES], person_id, RK_GROUPS_ALL, &v, &err), &err);
        assert_false(v.restricted);
        rk_customer_view_clear(&v);
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action='dsr.lift'"),
                         1);
}

static void test_objection_withdraws_marketing(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_result res;
        int64_t id = ready_request(RK_DSR_OBJECTION, "direct_marketing", person_no);
        must(rk_dsr_execute(sess[SUPERVISOR], id, NULL, &res, &err), &err);
        assert_int_equal(count("SELECT count(*) FROM objections WHERE"
                               " purpose='direct_marketing'"),
                         1);
        assert_int_equal(
            count("SELECT count(*) FROM consents WHERE withdrawn_on IS NULL"), 0);
        assert_int_equal(count("SELECT count(*) FROM consents"), 1); /* kept as proof */
}

static void test_access_export(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_dsr_result res;
        struct stat st;
        int64_t id = ready_request(RK_DSR_ACCESS, NULL, person_no);
        assert_int_equal(rk_dsr_execute(sess[SUPERVISOR], id, NULL, &res, &err),
                         RK_ERR_INVALID); /* needs a directory */
        must(rk_dsr_execute(sess[SUPERVISOR], id, tu_path("."), &res, &err), &err);
        assert_int_equal(stat(res.json_path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(stat(res.text_path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        json_error_t jerr;
        json_t *doc = json_load_file(res.json_path, 0, &jerr);
        assert_non_null(doc);
        json_t *sub = json_array_get(json_object_get(doc, "subjects"), 0);
        json_t *cust = json_object_get(sub, "customer");
        assert_string_equal(json_string_value(json_object_get(cust, "hetu")),
                            "131052-308T");
        assert_int_equal(json_array_size(json_object_get(sub, "orders")), 2);
        assert_int_equal(json_array_size(json_object_get(sub, "notes")), 1);
        assert_int_equal(json_array_size(json_object_get(sub, "consents")), 1);
        json_t *log = json_object_get(sub, "access_log");
        assert_true(json_array_size(log) > 0);
        json_t *first = json_array_get(log, 0);
        assert_string_equal(json_string_value(json_object_get(first, "user")), "sirpa");
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(first, "roles"), 0)),
            "supervisor");
        json_decref(doc);
        size_t len = 0;
        unsigned char *bytes = tu_read_file(res.json_path, &len);
        assert_false(tu_contains(bytes, len, "Muukalainen"));
        free(bytes);
        bytes = tu_read_file(res.text_path, &len);
        assert_true(tu_contains(bytes, len, "Mannerheimintie 1"));
        assert_true(tu_contains(bytes, len, "Personal identity code: 131052-308T"));
        free(bytes);
        /* never over an existing file */
        int64_t again = ready_request(RK_DSR_PORTABILITY, NULL, person_no);
        char path[600];
        snprintf(path, sizeof(path), "%s/dsr-%lld.json", tu_path("."), (long long)again);
        assert_int_equal(tu_write_file(path, "x", 1), 0);
        assert_int_equal(
            rk_dsr_execute(sess[SUPERVISOR], again, tu_path("."), &res, &err),
            RK_ERR_EXISTS);
        struct rk_dsr_request r;
        must(rk_dsr_get(sess[SUPERVISOR], again, &r, &err), &err);
        assert_int_equal(r.status, RK_DSR_VERIFIED); /* nothing happened */
        rk_dsr_request_clear(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_month_arithmetic),
            cmocka_unit_test(test_hold_until),
            T(test_lifecycle_and_deadlines),
            T(test_preview_erasure),
            T(test_erasure_leaves_no_value),
            T(test_suppression_flags_recreate),
            T(test_erase_contact_person),
            T(test_find_across_records),
            T(test_restriction_hides_and_lifts),
            T(test_objection_withdraws_marketing),
            T(test_access_export),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
