/*
 * test_fields.c - the classification table agrees with the schema, and
 * rk_field_check refuses bad values for every validator with a message
 * that starts with the field's label and does not repeat the value, in
 * Finnish and Swedish too.
 *
 * The schema check opens a real register (migrations applied) and asks
 * PRAGMA table_info for every table: each field in fields.c must be a
 * column of its record's table, each search column a column of
 * customer_fts, and every table a customer path writes must have the
 * optimistic `version` column that record.c expects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"
#include "rekisteri/record.h"
#include "rekisteri/register.h"
#include "record_db.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct rk_config cfg;
static struct rk_register *reg;

static int setup(void **state)
{
        (void)state;
        static const char pw[] = "kolme iloista kalaa";
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, tu_path("f.db"), "admin", pw, NULL, NULL);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_register_close(reg);
        tu_rmdir();
        return 0;
}

static int has_column(const char *table, const char *column)
{
        char sql[128];
        sqlite3_stmt *st;
        int found = 0;
        snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
        assert_int_equal(sqlite3_prepare_v2(rk_register_db(reg), sql, -1, &st, NULL),
                         SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW)
                found |= strcmp((const char *)sqlite3_column_text(st, 1), column) == 0;
        sqlite3_finalize(st);
        return found;
}

static void test_every_field_is_a_column(void **state)
{
        (void)state;
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        assert_true(n > 30);
        for (size_t i = 0; i < n; i++) {
                const char *table = rk_fields_table(f[i].record);
                assert_non_null(table);
                if (!has_column(table, f[i].column))
                        fail_msg("%s.%s is classified but not in the schema", table,
                                 f[i].column);
                assert_true(f[i].max_chars > 0);
                assert_true(f[i].group < RK_GROUP_COUNT);
                assert_true((f[i].validator == RK_V_CHOICE) == (f[i].choices != NULL));
                assert_ptr_equal(rk_fields_find(f[i].record, f[i].column), &f[i]);
        }
        assert_false(has_column("customers", "no_such_column"));
}

static void test_search_columns_and_versions(void **state)
{
        (void)state;
        for (int c = 0; c < RK_FTS_COUNT; c++)
                assert_true(has_column("customer_fts",
                                       rk_fts_column_name((enum rk_fts_column)c)));
        for (int k = 0; k < RK_REC_COUNT; k++) {
                const char *t = rk_fields_table((enum rk_record)k);
                assert_true(has_column(t, "id"));
                assert_int_equal(has_column(t, "version"),
                                 rk_record_has_version((enum rk_record)k));
        }
        assert_true(has_column("customers", "number"));
        assert_true(has_column("customers", "restricted"));
}

/* ---- rk_field_check ---------------------------------------------------- */

static const struct rk_field *field(enum rk_record r, const char *column)
{
        const struct rk_field *f = rk_fields_find(r, column);
        assert_non_null(f);
        return f;
}

static void ok(enum rk_record r, const char *column, const char *country, const char *in,
               const char *want)
{
        char out[1024];
        struct rk_error err;
        rk_error_clear(&err);
        int rc = rk_field_check(field(r, column), in, country, out, sizeof(out), &err);
        if (rc != RK_OK)
                fail_msg("%s \"%s\": %s", column, in ? in : "(none)", err.msg);
        assert_string_equal(out, want);
}

static void bad(enum rk_record r, const char *column, const char *country, const char *in,
                const char *phrase)
{
        char out[1024];
        struct rk_error err;
        const struct rk_field *f = field(r, column);
        rk_error_clear(&err);
        int rc = rk_field_check(f, in, country, out, sizeof(out), &err);
        if (rc != RK_ERR_INVALID)
                fail_msg("%s \"%s\" was accepted as \"%s\"", column, in, out);
        assert_string_equal(out, "");
        if (strncmp(err.msg, f->label, strlen(f->label)) != 0 ||
            err.msg[strlen(f->label)] != ':')
                fail_msg("message does not start with the label: %s", err.msg);
        /* the field travels beside the (translated) message */
        if (err.field == NULL || strcmp(err.field, f->column) != 0)
                fail_msg("err.field is %s, not %s", err.field ? err.field : "NULL",
                         f->column);
        if (strstr(err.msg, phrase) == NULL)
                fail_msg("\"%s\" not in: %s", phrase, err.msg);
        if (strlen(in) > 3 && strstr(err.msg, in) != NULL)
                fail_msg("the message repeats the value: %s", err.msg);
}

#define C RK_REC_CUSTOMER

static void test_text_and_multiline(void **state)
{
        (void)state;
        ok(C, "name", NULL, "  Åke Ängström  ", "Åke Ängström");
        ok(C, "name", NULL, "", "");
        ok(C, "city", NULL, NULL, "");
        bad(C, "name", NULL, "Evil\x1b]0;title\x07", "control character");
        bad(C, "city", NULL, "Two\nlines", "control character");
        bad(C, "city", NULL, "\xc3\x28", "UTF-8");
        char longname[260];
        memset(longname, 'a', 201);
        longname[201] = '\0';
        bad(C, "name", NULL, longname, "longer than 200");
        ok(RK_REC_NOTE, "body", NULL, "Line 1\nLine 2", "Line 1\nLine 2");
        bad(RK_REC_NOTE, "body", NULL, "tab\there", "control character");
}

static void test_structured(void **state)
{
        (void)state;
        ok(C, "email", NULL, " Aino@Example.FI ", "Aino@example.fi");
        bad(C, "email", NULL, "aino@localhost", "");
        bad(C, "invoice_email", NULL, "no-at-sign.example.fi", "");
        ok(C, "phone", NULL, "040 123 4567", "+358401234567");
        ok(RK_REC_CONTACT, "phone", NULL, "+46 8 123 456 78", "+46812345678");
        bad(C, "phone", NULL, "123 4567", "");
        bad(RK_REC_CONTACT, "phone", NULL, "+358 40 abc", "");
        ok(C, "postal_code", "FI", "00100", "00100");
        ok(C, "postal_code", "se", "11122", "111 22");
        ok(C, "postal_code", NULL, "sw1a 1aa", "SW1A 1AA");
        bad(C, "postal_code", "FI", "1234", "");
        bad(C, "delivery_postal_code", "FI", "001000", "");
        ok(C, "business_id", NULL, "1572860-0", "1572860-0");
        ok(C, "business_id", NULL, "fi 1572 8600", "FI15728600");
        ok(C, "business_id", NULL, "SE556677889901", "SE556677889901");
        bad(C, "business_id", NULL, "1572860-1", "");
        bad(C, "business_id", NULL, "FI15728601", "");
        bad(C, "business_id", NULL, "FI1572860", "FI and 8 digits");
        bad(C, "business_id", NULL, "DE12#45", "letters and digits");
        ok(C, "hetu", NULL, "131052-308t", "131052-308T");
        bad(C, "hetu", NULL, "131052-308X", "");
        bad(C, "hetu", NULL, "311352-308T", "");
}

/* In Finnish and Swedish too, a refused structured value's message is the
 * field's own label and the validator's reason, each in the language:
 * "Laskutussähköposti: ..." for the invoicing e-mail, never the
 * validator's name for it ("sähköposti") or an English part. */
static void test_label_in_language(void **state)
{
        (void)state;
        static const char *const langs[] = {"fi", "sv"};
        static const struct {
                const char *column, *country, *in, *reason;
        } cases[] = {
            {"invoice_email", NULL, "laskut.example.fi",
             "needs an @ between the name and the domain, as in name@example.fi"},
            {"business_id", NULL, "FI12345678",
             "the check digit after the hyphen does not match; check for a typo"},
            {"billing_postal_code", "FI", "123",
             "a Finnish postal code is exactly 5 digits, such as 00100"},
            {"phone", NULL, "123 4567",
             "start it with + and the country code, or with 0 for a Finnish number"},
        };
        rk_i18n_init();
        for (size_t l = 0; l < sizeof(langs) / sizeof(*langs); l++) {
                assert_int_equal(rk_i18n_use(langs[l]), 0);
                for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                        const struct rk_field *f = field(C, cases[i].column);
                        char out[64], want[512];
                        struct rk_error err;
                        /* the catalog is there: label and reason are translated */
                        assert_string_not_equal(gettext(f->label), f->label);
                        assert_string_not_equal(gettext(cases[i].reason),
                                                cases[i].reason);
                        snprintf(want, sizeof(want), "%s: %s", gettext(f->label),
                                 gettext(cases[i].reason));
                        assert_int_equal(rk_field_check(f, cases[i].in, cases[i].country,
                                                        out, sizeof(out), &err),
                                         RK_ERR_INVALID);
                        assert_string_equal(err.msg, want);
                        assert_string_equal(err.field, f->column);
                        assert_string_equal(out, "");
                }
        }
        assert_int_equal(rk_i18n_use("en"), 0);
}

/* A value pasted from a web page or a PDF: blanks around it cut (no-break,
 * narrow no-break and zero-width spaces too); a code read as meant,
 * full-width digits and letters, no-break spaces and en dashes in it
 * included; a name keeps its letters and inner spaces as typed. */
static void test_pasted(void **state)
{
        (void)state;
        ok(C, "name", NULL, "\u00a0Åke Ängström\u202f\u200b", "Åke Ängström");
        ok(C, "name", NULL, "Åke\u00a0Ängström", "Åke\u00a0Ängström");
        ok(C, "email", NULL, "\u00a0aino@example.fi\u200b", "aino@example.fi");
        ok(C, "email", NULL, "ai\u200bno@example.fi", "aino@example.fi");
        ok(C, "email", NULL, "ａｉｎｏ＠example.fi", "aino@example.fi");
        ok(C, "phone", NULL, "040\u00a0123\u00a04567", "+358401234567");
        ok(C, "phone", NULL, "０４０ １２３ ４５６７", "+358401234567");
        ok(C, "postal_code", "FI", "\u00a0００１００\u00a0", "00100");
        ok(C, "business_id", NULL, "1572860\u20130", "1572860-0");
        ok(C, "hetu", NULL, "131052\u2212308t", "131052-308T");
        ok(C, "city", NULL, "\u3000Helsinki", "Helsinki");
        ok(C, "city", NULL, "\u00a0\u200b", "");
        bad(C, "phone", NULL, "040 123 4567\u00a0x", "");
}

static void test_shapes(void **state)
{
        (void)state;
        ok(C, "country", NULL, "fi", "FI");
        bad(C, "country", NULL, "FIN", "two-letter");
        bad(C, "billing_country", NULL, "F1", "two-letter");
        ok(C, "last_activity", NULL, "2024-02-29", "2024-02-29");
        bad(C, "last_activity", NULL, "2023-02-29", "no such day");
        bad(C, "last_activity", NULL, "29.2.2024", "YYYY-MM-DD");
        ok(C, "payment_terms_days", NULL, "014", "14");
        bad(C, "payment_terms_days", NULL, "-14", "whole number");
        bad(C, "payment_terms_days", NULL, "1000", "longer than 3 digits");
        ok(RK_REC_LINE, "unit_price_cents", NULL, "12,5", "1250");
        ok(RK_REC_LINE, "unit_price_cents", NULL, "12.05", "1205");
        ok(RK_REC_LINE, "unit_price_cents", NULL, "0", "0");
        ok(RK_REC_LINE, "unit_price_cents", NULL, "7", "700");
        bad(RK_REC_LINE, "unit_price_cents", NULL, "12,345", "at most two decimals");
        bad(RK_REC_LINE, "unit_price_cents", NULL, "-1", "euros");
        bad(RK_REC_LINE, "unit_price_cents", NULL, "12.", "euros");
        bad(RK_REC_LINE, "unit_price_cents", NULL, "12 EUR", "euros");
        ok(C, "kind", NULL, "Company", "company");
        bad(C, "kind", NULL, "robot", "choose one of person, company");
        ok(RK_REC_CONSENT, "purpose", NULL, "newsletter", "newsletter");
        bad(RK_REC_CONSENT, "purpose", NULL, "spam", "choose one of newsletter, offers");
        bad(RK_REC_ORDER, "status", NULL, "lost", "choose one of open, confirmed");
}

static void test_small_buffer_is_refused(void **state)
{
        (void)state;
        char out[4];
        struct rk_error err;
        assert_int_equal(rk_field_check(field(C, "name"), "Aino Virtanen", NULL, out,
                                        sizeof(out), &err),
                         RK_ERR_INVALID);
        assert_string_equal(out, "");
}

/* fields.c is the one table: what is required, the customer card's groups
 * and the form hints all come from it. */
static void test_one_classification(void **state)
{
        (void)state;
        static const struct {
                enum rk_record r;
                const char *column;
        } required[] = {
            {RK_REC_CUSTOMER, "kind"},  {RK_REC_CUSTOMER, "name"},
            {RK_REC_CONTACT, "name"},   {RK_REC_ORDER, "status"},
            {RK_REC_LINE, "product"},   {RK_REC_LINE, "quantity"},
            {RK_REC_NOTE, "body"},      {RK_REC_CONSENT, "purpose"},
            {RK_REC_CONSENT, "source"}, {RK_REC_OBJECTION, "purpose"},
        };
        size_t n, nreq = 0;
        const struct rk_field *f = rk_fields_all(&n);
        for (size_t i = 0; i < n; i++)
                nreq += f[i].required;
        assert_int_equal(nreq, sizeof(required) / sizeof(required[0]));
        for (size_t i = 0; i < nreq; i++)
                assert_true(rk_fields_find(required[i].r, required[i].column)->required);
        char out[64];
        assert_false(rk_fields_find(RK_REC_CUSTOMER, "email")->required);
        /* the customer card: every group of its records, not orders */
        rk_groupset want = (1u << RK_GROUP_IDENTITY) | (1u << RK_GROUP_CONTACT) |
                           (1u << RK_GROUP_BILLING) | (1u << RK_GROUP_IDCODE) |
                           (1u << RK_GROUP_NOTES) | (1u << RK_GROUP_CONSENTS);
        assert_int_equal(rk_fields_customer_groups(), want);
        rk_field_hint(rk_fields_find(RK_REC_CUSTOMER, "email"), out, sizeof(out));
        assert_string_equal(out, "An e-mail address: name@example.fi");
        rk_field_hint(rk_fields_find(RK_REC_CUSTOMER, "kind"), out, sizeof(out));
        assert_string_equal(out, "One of: person/company");
        rk_field_hint(rk_fields_find(RK_REC_CUSTOMER, "city"), out, sizeof(out));
        assert_string_equal(out, "Text, at most 100 characters");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_field_is_a_column),
            cmocka_unit_test(test_search_columns_and_versions),
            cmocka_unit_test(test_text_and_multiline),
            cmocka_unit_test(test_structured),
            cmocka_unit_test(test_label_in_language),
            cmocka_unit_test(test_pasted),
            cmocka_unit_test(test_shapes),
            cmocka_unit_test(test_small_buffer_is_refused),
            cmocka_unit_test(test_one_classification),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
