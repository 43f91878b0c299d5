/*
 * test_match.c - the matcher the import and the duplicate finder share
 * (src/core/match.h), on a real register with customers inserted as the
 * forms store them: each key finds its customer, in the documented order;
 * values typed differently (case, spaces, phone formats, accents, word
 * order) still match; anonymised stubs never match; a conflicting
 * henkilötunnus or Y-tunnus rules a candidate out; a person never matches
 * a company by name; every key is a lookup in the search index (or the
 * number's unique index), and the register keeps no index of its own over
 * a personal value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "match.h"
#include "rekisteri/fields.h"
#include "rekisteri/register.h"
#include "rekisteri/search.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rk_config cfg;
static struct rk_register *reg;
static sqlite3 *db;

static const char seed_sql[] =
    "INSERT INTO customers(id, number, kind, name, email, phone, postal_code, hetu,"
    " created_at, updated_at) VALUES"
    " (1, 'C000001', 'person', 'Hämäläinen Aino', 'Aino.Hamalainen@example.fi',"
    "  '+358401234567', '33100', '010190-900P', 0, 0),"
    " (2, 'C000002', 'person', 'Virtanen Matti', 'matti@example.fi', '+358501112223',"
    "  '00100', '131052-308T', 0, 0),"
    " (4, 'C000004', 'person', 'Korhonen Liisa', 'liisa@example.fi', '+358409998887',"
    "  '00100', NULL, 0, 0);"
    "INSERT INTO customers(id, number, kind, name, email, phone, postal_code,"
    " business_id, created_at, updated_at) VALUES"
    " (3, 'C000003', 'company', 'Puutyö Virtanen Oy', 'info@puutyo.example',"
    "  '+35891234567', '00100', '1572860-0', 0, 0);"
    /* an anonymised stub that kept a company's Y-tunnus and postal code */
    "INSERT INTO customers(id, number, kind, name, postal_code, business_id,"
    " anonymised_at, created_at, updated_at) VALUES"
    " (5, 'C000005', 'company', '', '00100', '0737546-2', 1, 0, 0);";

/* The search index of every customer, as the write paths keep it. */
static void reindex(void)
{
        struct rk_error err;
        tu_must(rk_search_reindex_all(db, NULL, NULL, &err), &err);
}

static int setup(void **state)
{
        (void)state;
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, tu_path("r.db"), "admin", "kolme iloista kalaa", NULL,
                          NULL);
        db = rk_register_db(reg);
        assert_int_equal(sqlite3_exec(db, seed_sql, NULL, NULL, NULL), SQLITE_OK);
        reindex();
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_register_close(reg);
        tu_rmdir();
        return 0;
}

/* Match probe p; returns the hit (fails the test on an error). */
static struct rk_match_hit find(const struct rk_match_probe *p)
{
        struct rk_match_hit hit;
        struct rk_error err;
        tu_must(rk_match_find(db, p, &hit, &err), &err);
        return hit;
}

static void expect(const struct rk_match_probe *p, const char *number,
                   enum rk_match_reason reason)
{
        struct rk_match_hit hit = find(p);
        assert_string_equal(rk_match_reason_id(hit.reason), rk_match_reason_id(reason));
        assert_string_equal(hit.number, number);
        if (reason == RK_MATCH_NONE) {
                assert_int_equal(hit.customer_id, 0);
                assert_int_equal(hit.score, 0);
        } else {
                assert_true(hit.customer_id > 0);
                assert_true(hit.score > 0 && hit.score <= 100);
        }
}

static void test_each_key(void **state)
{
        (void)state;
        expect(&(struct rk_match_probe){.number = " C000002 "}, "C000002",
               RK_MATCH_NUMBER);
        expect(&(struct rk_match_probe){.business_id = "1572860-0"}, "C000003",
               RK_MATCH_BUSINESS_ID);
        expect(&(struct rk_match_probe){.hetu = "010190-900p"}, "C000001", RK_MATCH_HETU);
        expect(&(struct rk_match_probe){.email = " AINO.hamalainen@EXAMPLE.fi"},
               "C000001", RK_MATCH_EMAIL);
        expect(&(struct rk_match_probe){.phone = "050-111 2223"}, "C000002",
               RK_MATCH_PHONE);
        expect(&(struct rk_match_probe){.phone = "00358 50 111 2223"}, "C000002",
               RK_MATCH_PHONE);
        expect(&(struct rk_match_probe){.name = "Liisa KORHOSEN", .postal_code = "00100"},
               "C000004", RK_MATCH_SIMILAR_NAME);
        expect(
            &(struct rk_match_probe){.name = "Aino Hamalainen", .postal_code = "33100"},
            "C000001", RK_MATCH_SIMILAR_NAME);
        expect(&(struct rk_match_probe){.name = "Puutyo Virtanen Ab",
                                        .kind = "company",
                                        .postal_code = "00100"},
               "C000003", RK_MATCH_SIMILAR_NAME);
}

static void test_nothing(void **state)
{
        (void)state;
        expect(&(struct rk_match_probe){0}, "", RK_MATCH_NONE);
        expect(&(struct rk_match_probe){.number = "C999999",
                                        .email = "x@example.fi",
                                        .phone = "040 000 0000",
                                        .name = "Liisa Korhonen",
                                        .postal_code = "33100"},
               "", RK_MATCH_NONE);
        /* two edits away is not similar */
        expect(&(struct rk_match_probe){.name = "Liisa Korhoseb", .postal_code = "00100"},
               "", RK_MATCH_NONE);
        /* invalid values cannot equal stored ones */
        expect(&(struct rk_match_probe){.business_id = "1572860-1",
                                        .hetu = "010190-900X",
                                        .phone = "12"},
               "", RK_MATCH_NONE);
}

static void test_order(void **state)
{
        (void)state;
        /* every key points elsewhere: the number wins, then Y-tunnus, ... */
        struct rk_match_probe p = {.number = "C000004",
                                   .business_id = "1572860-0",
                                   .hetu = "010190-900P",
                                   .email = "matti@example.fi",
                                   .phone = "+358409998887",
                                   .name = "Matti Virtanen",
                                   .postal_code = "00100"};
        expect(&p, "C000004", RK_MATCH_NUMBER);
        p.number = NULL;
        expect(&p, "C000003", RK_MATCH_BUSINESS_ID);
        p.business_id = NULL;
        expect(&p, "C000001", RK_MATCH_HETU);
        p.hetu = NULL;
        expect(&p, "C000002", RK_MATCH_EMAIL);
        p.email = NULL;
        expect(&p, "C000004", RK_MATCH_PHONE);
        p.phone = NULL;
        expect(&p, "C000002", RK_MATCH_SIMILAR_NAME);
}

static void test_stubs_never_match(void **state)
{
        (void)state;
        /* the stub's Y-tunnus is in its row: it is found, then passed over */
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT count(*) FROM customers WHERE "
                                            "business_id = '0737546-2'",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 1);
        sqlite3_finalize(st);
        expect(&(struct rk_match_probe){.business_id = "0737546-2"}, "", RK_MATCH_NONE);
        expect(&(struct rk_match_probe){.number = "C000005"}, "", RK_MATCH_NONE);
        /* a live customer, once anonymised, stops matching by every key */
        expect(&(struct rk_match_probe){.email = "liisa@example.fi"}, "C000004",
               RK_MATCH_EMAIL);
        assert_int_equal(
            sqlite3_exec(db, "UPDATE customers SET anonymised_at = 1 WHERE id = 4", NULL,
                         NULL, NULL),
            SQLITE_OK);
        expect(&(struct rk_match_probe){.email = "liisa@example.fi",
                                        .phone = "+358409998887",
                                        .number = "C000004",
                                        .name = "Liisa Korhonen",
                                        .postal_code = "00100"},
               "", RK_MATCH_NONE);
}

static void test_guards(void **state)
{
        (void)state;
        /* the same e-mail with another person's henkilötunnus: a different
         * person sharing an address */
        expect(&(struct rk_match_probe){.email = "matti@example.fi"}, "C000002",
               RK_MATCH_EMAIL);
        expect(
            &(struct rk_match_probe){.email = "matti@example.fi", .hetu = "010190-900P"},
            "C000001", RK_MATCH_HETU);
        expect(
            &(struct rk_match_probe){.email = "matti@example.fi", .hetu = "311299-999E"},
            "", RK_MATCH_NONE);
        /* a person's name never matches a company */
        expect(&(struct rk_match_probe){.name = "Puutyo Virtanen",
                                        .kind = "person",
                                        .postal_code = "00100"},
               "", RK_MATCH_NONE);
        /* another company's Y-tunnus rules the similar name out */
        expect(&(struct rk_match_probe){.name = "Puutyö Virtanen Oy",
                                        .business_id = "0737546-2",
                                        .postal_code = "00100"},
               "", RK_MATCH_NONE);
}

/* The sorted key of name. */
static const char *sorted(const char *name)
{
        static struct rk_match_name k;
        rk_match_name_fold(name, &k);
        return k.key[RK_MATCH_SORTED];
}

static void test_name_key(void **state)
{
        (void)state;
        struct rk_match_name k;
        assert_int_equal(rk_match_name_fold("  Virtánen,  AINO ", &k), 13);
        assert_string_equal(k.key[RK_MATCH_WRITTEN], "virtanen aino");
        assert_string_equal(k.key[RK_MATCH_SORTED], "aino virtanen");
        assert_string_equal(k.key[RK_MATCH_FULL], "virtanen aino");
        rk_match_name_fold("Meri Betoni Oy", &k);
        assert_string_equal(k.key[RK_MATCH_WRITTEN], "meri betoni");
        assert_string_equal(k.key[RK_MATCH_FULL], "meri betoni oy");
        assert_string_equal(sorted("Åström Erik"), "astrom erik");
        assert_string_equal(sorted("Oy Puu Ab"), "puu");
        assert_string_equal(sorted("Puu Oy"), "puu");
        /* full-width letters and ß fold */
        assert_string_equal(sorted("\xef\xbc\xa1nna Stra\xc3\x9f"
                                   "e"),
                            "anna strasse");
        assert_int_equal(rk_match_name_fold("\xff\xfe", &k), 0);
        assert_string_equal(k.key[RK_MATCH_WRITTEN], "");
        assert_int_equal(rk_match_name_fold("-- , --", &k), 0);
        /* legal forms alone are no name */
        assert_int_equal(rk_match_name_fold("Oy Ab", &k), 0);
        assert_string_equal(k.key[RK_MATCH_FULL], "");
        /* a long name is cut at a code point boundary */
        char longname[2000] = "";
        for (int i = 0; i < 300; i++)
                strcat(longname, "ää ");
        size_t n = rk_match_name_fold(longname, &k);
        assert_true(n < RK_MATCH_KEY_MAX);
        assert_int_equal(strlen(k.key[RK_MATCH_SORTED]), n);
        assert_int_equal(k.key[RK_MATCH_SORTED][n - 1], 'a');
}

/* rk_match_name_score of two names. */
static int score(const char *a, const char *b)
{
        struct rk_match_name x, y;
        const char *kx[RK_MATCH_KEYS], *ky[RK_MATCH_KEYS];
        rk_match_name_fold(a, &x);
        rk_match_name_fold(b, &y);
        for (int k = 0; k < RK_MATCH_KEYS; k++) {
                kx[k] = x.key[k];
                ky[k] = y.key[k];
        }
        return rk_match_name_score(kx, ky);
}

static void test_distance(void **state)
{
        (void)state;
        assert_int_equal(rk_match_key_distance("virtanen", "virtanen", 1), 0);
        assert_int_equal(rk_match_key_distance("virtanen", "virtamen", 1), 1);
        assert_int_equal(rk_match_key_distance("virtanen", "vritanen", 1), 1);
        assert_int_equal(rk_match_key_distance("virtanen", "virtnen", 1), 1);
        assert_int_equal(rk_match_key_distance("virtanen", "virttanen", 1), 1);
        assert_int_equal(rk_match_key_distance("virtanen", "vritamen", 1), 2);
        assert_int_equal(rk_match_key_distance("virtanen", "vritamen", 3), 2);
        assert_int_equal(rk_match_key_distance("abc", "abcdef", 1), 2);
        assert_int_equal(rk_match_key_distance("ääkkönen", "aakkonen", 2),
                         3); /* three letters differ: over the bound */
        assert_int_equal(score("Aino Virtanen", "Virtanen Aino"), 80);
        assert_int_equal(score("Aino Virtanen", "Aino Virtane"), 75);
        assert_int_equal(score("Aino Virtanen", "Aina Virtane"), 0);
        /* a typo that moves a word when sorted: the written order finds it */
        assert_int_equal(score("Aino Virtanen", "Xino Virtanen"), 75);
        /* word order and a typo together: the sorted keys, one edit */
        assert_int_equal(score("Aino Virtanen", "Virtamen Aino"), 75);
        /* a typo in the legal form: the full key */
        assert_int_equal(score("Meri Betoni Oy", "Meri Betoni Oa"), 75);
        assert_int_equal(score("Meri Betoni Oy", "Meri Betoni y"), 75);
        assert_int_equal(score("Oy", "Oy"), 0);
        /* short keys must be equal */
        assert_int_equal(score("Ek Bo", "Ek Bo"), 80);
        assert_int_equal(score("Ek Bo", "Ek Bu"), 0);
        assert_int_equal(score("", ""), 0);
        assert_true(rk_match_conflict("1572860-0", "0737546-2"));
        assert_false(rk_match_conflict("1572860-0", "1572860-0"));
        assert_false(rk_match_conflict("", "0737546-2"));
        assert_false(rk_match_conflict(NULL, "0737546-2"));
}

/* The plan of a lookup: the search index, or the number's unique index,
 * and never a scan of the customers. */
static void plan_uses(const char *where, const char *index)
{
        char sql[512], plan[2048] = "";
        sqlite3_stmt *st;
        snprintf(sql, sizeof(sql),
                 "EXPLAIN QUERY PLAN SELECT c.id FROM customers c WHERE %s"
                 " AND c.anonymised_at IS NULL",
                 where);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
                const char *d = (const char *)sqlite3_column_text(st, 3);
                strncat(plan, d ? d : "", sizeof(plan) - strlen(plan) - 2);
                strcat(plan, ";");
        }
        sqlite3_finalize(st);
        if (strstr(plan, index) == NULL || strstr(plan, "SCAN TABLE customers") != NULL)
                fail_msg("%s: plan is \"%s\", not %s", where, plan, index);
}

static void test_indexes(void **state)
{
        (void)state;
        char terms[128];
        plan_uses(RK_MATCH_WHERE_BUSINESS_ID, "VIRTUAL TABLE INDEX");
        plan_uses(RK_MATCH_WHERE_HETU, "VIRTUAL TABLE INDEX");
        plan_uses(RK_MATCH_WHERE_EMAIL, "VIRTUAL TABLE INDEX");
        plan_uses(RK_MATCH_WHERE_PHONE, "VIRTUAL TABLE INDEX");
        plan_uses(RK_MATCH_WHERE_POSTAL, "VIRTUAL TABLE INDEX");
        plan_uses("c.number = ?1", "sqlite_autoindex_customers");
        /* the words asked for, as the index holds them */
        rk_match_fts_terms("email", "Aino.Hamalainen@Example.fi", terms, sizeof(terms));
        assert_string_equal(terms, "caino chamalainen");
        rk_match_fts_terms("phone", "+358401234567", terms, sizeof(terms));
        assert_string_equal(terms, "c358401234567");
        rk_match_fts_terms("hetu", "010190-900P", terms, sizeof(terms));
        assert_string_equal(terms, "h010190 h900p");
        rk_match_fts_terms("business_id", "1572860-0", terms, sizeof(terms));
        assert_string_equal(terms, "i1572860");
        rk_match_fts_terms("postal_code", "00100", terms, sizeof(terms));
        assert_string_equal(terms, "c00100");
        rk_match_fts_terms("postal_code", "-", terms, sizeof(terms));
        assert_string_equal(terms, "");
        /* no index of the register's own holds a personal value */
        sqlite3_stmt *st;
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT sql FROM sqlite_master WHERE"
                                            " type = 'index' AND tbl_name = 'customers'"
                                            " AND sql IS NOT NULL",
                                            -1, &st, NULL),
                         SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
                const char *sql = (const char *)sqlite3_column_text(st, 0);
                for (size_t i = 0; i < n; i++)
                        if (f[i].record == RK_REC_CUSTOMER && f[i].personal &&
                            strstr(sql, f[i].column) != NULL)
                                fail_msg("an index holds %s: %s", f[i].column, sql);
        }
        sqlite3_finalize(st);
}

/* Many probes through one matcher find what rk_match_find finds, and a
 * postal code's names are read once: a customer added to it later is
 * found by an exact key, not by its name. */
static void test_matcher(void **state)
{
        (void)state;
        struct rk_matcher *m = NULL;
        struct rk_match_hit hit, one;
        struct rk_error err;
        const struct rk_match_probe probes[] = {
            {.number = "C000002"},
            {.business_id = "1572860-0"},
            {.email = "LIISA@example.fi"},
            {.phone = "050 111 2223"},
            {.name = "Liisa Korhosen", .postal_code = "00100"},
            {.name = "Hamalainen Aino", .postal_code = "33100"},
            {.name = "Nobody Here", .postal_code = "00100"},
            {.name = "Liisa Korhonen", .postal_code = "99999"},
        };
        tu_must(rk_matcher_open(db, &m, &err), &err);
        for (int round = 0; round < 2; round++)
                for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
                        tu_must(rk_matcher_find(m, &probes[i], &hit, &err), &err);
                        tu_must(rk_match_find(db, &probes[i], &one, &err), &err);
                        assert_int_equal(hit.customer_id, one.customer_id);
                        assert_int_equal(hit.reason, one.reason);
                        assert_int_equal(hit.score, one.score);
                        assert_string_equal(hit.number, one.number);
                }
        assert_int_equal(
            sqlite3_exec(db,
                         "INSERT INTO customers(id, number, kind, name, email,"
                         " postal_code, created_at, updated_at) VALUES (9,"
                         " 'C000009', 'person', 'Uusi Asiakas', 'uusi@example.fi',"
                         " '00100', 0, 0)",
                         NULL, NULL, NULL),
            SQLITE_OK);
        tu_must(rk_search_index(db, 9, &err), &err);
        tu_must(rk_matcher_find(m, &(struct rk_match_probe){.email = "uusi@example.fi"},
                                &hit, &err),
                &err);
        assert_string_equal(hit.number, "C000009");
        tu_must(rk_matcher_find(m,
                                &(struct rk_match_probe){.name = "Uusi Asiakas",
                                                         .postal_code = "00100"},
                                &hit, &err),
                &err);
        assert_int_equal(hit.reason, RK_MATCH_NONE);
        rk_matcher_close(m);
        expect(&(struct rk_match_probe){.name = "Uusi Asiakas", .postal_code = "00100"},
               "C000009", RK_MATCH_SIMILAR_NAME);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_each_key, setup, teardown),
            cmocka_unit_test_setup_teardown(test_nothing, setup, teardown),
            cmocka_unit_test_setup_teardown(test_order, setup, teardown),
            cmocka_unit_test_setup_teardown(test_stubs_never_match, setup, teardown),
            cmocka_unit_test_setup_teardown(test_guards, setup, teardown),
            cmocka_unit_test(test_name_key),
            cmocka_unit_test(test_distance),
            cmocka_unit_test_setup_teardown(test_indexes, setup, teardown),
            cmocka_unit_test_setup_teardown(test_matcher, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
