/*
 * test_search.c - customer search as each role meets it, on a real
 * register with a few customers inserted with plain SQL: the warehouse
 * finds by customer and order number but never by name or e-mail, sales by
 * name and e-mail but not by business id or identity code, billing by
 * business id; Ä/ä fold, and so do their accents (Ääkkönen by aak); restricted subjects
 * stay hidden from everyone who does not handle requests; the query parser lets no FTS
 * syntax through. The one-time rebuild at opening (rk_search_upgrade) leaves the index
 * merged into one segment per index, also when a session died before the merge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/register.h"
#include "rekisteri/search.h"
#include "search_index.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rk_config cfg;
static struct rk_register *reg;
static sqlite3 *db;

static const char seed_sql[] =
    "INSERT INTO customers(id, number, kind, name, email, phone, street, postal_code,"
    " city, hetu, created_at, updated_at) VALUES"
    " (1, 'C000001', 'person', 'Hämäläinen Aino', 'aino.hamalainen@example.fi',"
    "  '+358401234567', 'Hämeenkatu 1', '33100', 'Tampere', '010190-900P', 0, 0);"
    "INSERT INTO customers(id, number, kind, name, email, city, business_id,"
    " invoice_email, bank_reference, created_at, updated_at) VALUES"
    " (2, 'C000002', 'company', 'Virtanen Oy', 'info@virtanen.example', 'Espoo',"
    "  '1572860-0', 'laskut@virtanen.example', '12344', 0, 0);"
    "INSERT INTO customers(id, number, kind, name, email, city, restricted, created_at,"
    " updated_at) VALUES (3, 'C000003', 'person', 'Åström Erik',"
    "  'erik.astrom@example.se', 'Mariehamn', 1, 0, 0);"
    "INSERT INTO contact_persons(customer_id, name, email, phone) VALUES"
    " (2, 'Matti Korhonen', 'matti.korhonen@virtanen.example', '+358501112223');"
    "INSERT INTO orders(customer_id, number, ordered_on, status) VALUES"
    " (2, 'O00004711', '2024-05-01', 'delivered'),"
    " (1, 'O00004712', '2024-05-02', 'new');";

static void grants_of(const char *role, struct rk_grants *g)
{
        struct rk_roleset set;
        rk_policy_defaults(&set);
        rk_policy_grants(&set, &role, 1, g);
}

static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, tu_path("r.db"), "admin", "kolme iloista kalaa", NULL,
                          NULL);
        db = rk_register_db(reg);
        assert_int_equal(sqlite3_exec(db, seed_sql, NULL, NULL, NULL), SQLITE_OK);
        for (int64_t id = 1; id <= 3; id++)
                assert_int_equal(rk_search_index(db, id, &err), RK_OK);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_register_close(reg);
        tu_rmdir();
        return 0;
}

/* The ids found for query by role, as "1,2" ("" for none; "ERR" on error). */
static const char *found(const char *role, const char *query)
{
        static char out[64];
        struct rk_grants g;
        struct rk_search_hit *hits = NULL;
        size_t n = 0;
        grants_of(role, &g);
        out[0] = '\0';
        if (rk_search_customers(db, &g, query, 10, &hits, &n, NULL) != RK_OK)
                return "ERR";
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(out);
                snprintf(out + len, sizeof(out) - len, "%s%lld", i ? "," : "",
                         (long long)hits[i].id);
        }
        rk_search_free(hits, n);
        return out;
}

static void test_warehouse_finds_numbers_only(void **state)
{
        (void)state;
        assert_string_equal(found("warehouse", "C000002"), "2");
        assert_string_equal(found("warehouse", "c0000"), "1,2");
        assert_string_equal(found("warehouse", "O00004711"), "2");
        assert_string_equal(found("warehouse", "o000047"), "1,2");
        assert_string_equal(found("warehouse", "Virtanen"), "");
        assert_string_equal(found("warehouse", "Hämäläinen"), "");
        assert_string_equal(found("warehouse", "info"), "");
        assert_string_equal(found("warehouse", "aino.hamalainen@example.fi"), "");
        assert_string_equal(found("warehouse", "Espoo"), "");
        assert_string_equal(found("warehouse", "Korhonen"), "");
}

static void test_warehouse_hits_carry_no_name(void **state)
{
        (void)state;
        struct rk_grants g;
        struct rk_search_hit *hits = NULL;
        size_t n = 0;
        grants_of("warehouse", &g);
        assert_int_equal(rk_search_customers(db, &g, "C000001", 10, &hits, &n, NULL),
                         RK_OK);
        assert_int_equal(n, 1);
        assert_string_equal(hits[0].number, "C000001");
        assert_null(hits[0].name);
        assert_null(hits[0].city);
        rk_search_free(hits, n);
}

static void test_sales_finds_names_and_email(void **state)
{
        (void)state;
        assert_string_equal(found("sales", "virt"), "2");
        assert_string_equal(found("sales", "info@virtanen"), "2");
        assert_string_equal(found("sales", "aino.hama"), "1");
        assert_string_equal(found("sales", "korh"), "2"); /* contact person */
        assert_string_equal(found("sales", "Tampere"), "1");
        assert_string_equal(found("sales", "0401234"), "1"); /* national form */
        assert_string_equal(found("sales", "+35840123"), "1");
        assert_string_equal(found("sales", "vir esp"), "2"); /* name AND city */
        assert_string_equal(found("sales", "vir tampere"), "");
        assert_string_equal(found("sales", "O00004712"), "1");
        struct rk_grants g;
        struct rk_search_hit *hits = NULL;
        size_t n = 0;
        grants_of("sales", &g);
        assert_int_equal(rk_search_customers(db, &g, "virtanen", 10, &hits, &n, NULL),
                         RK_OK);
        assert_int_equal(n, 1);
        assert_string_equal(hits[0].name, "Virtanen Oy");
        assert_string_equal(hits[0].city, "Espoo");
        rk_search_free(hits, n);
}

static void test_sales_cannot_probe_ids(void **state)
{
        (void)state;
        assert_string_equal(found("sales", "laskut"), ""); /* invoicing e-mail */
        assert_string_equal(found("sales", "12344"), "");  /* bank reference */
        assert_string_equal(found("sales", "010190-900P"), "");
        assert_string_equal(found("sales", "010190"), "");
        assert_string_equal(found("sales", "900p"), "");
}

/* A phone number as people write it finds the stored +358 form: with
 * spaces, dashes, dots, parentheses, +358, 00358 and "+358 (0)"; a
 * contact person's number finds their company. A wrong digit finds
 * nothing, so the forms are not just prefixes of anything. */
static void test_phone_written_as_people_write(void **state)
{
        (void)state;
        const char *aino[] = {"0401234567",         "040 123 4567",       "040-123 4567",
                              "(040) 123-4567",     "+358 40 123 4567",   "+358401234567",
                              "+358 (0)40 1234567", "00358 40 123 45 67", "040.123.4567"};
        for (size_t i = 0; i < sizeof(aino) / sizeof(aino[0]); i++) {
                assert_string_equal(found("sales", aino[i]), "1");
                assert_string_equal(found("supervisor", aino[i]), "1");
        }
        assert_string_equal(found("sales", "050 111 2223"), "2");
        assert_string_equal(found("sales", "+358 50 111 22 23"), "2");
        assert_string_equal(found("sales", "040 123 4568"), "");
        assert_string_equal(found("sales", "(040) 123-4568"), "");
        assert_string_equal(found("warehouse", "040 123 4567"), ""); /* no contact */
}

/* A Y-tunnus finds its company with and without the dash. */
static void test_business_id_with_and_without_dash(void **state)
{
        (void)state;
        assert_string_equal(found("billing", "1572860-0"), "2");
        assert_string_equal(found("billing", "15728600"), "2");
        assert_string_equal(found("billing", "1572860 0"), "2");
        assert_string_equal(found("billing", "15728601"), "");
}

/* The Y-tunnus names a company: the roles that create customers find it. */
static void test_sales_finds_business_id(void **state)
{
        (void)state;
        assert_string_equal(found("sales", "1572860-0"), "2");
        assert_string_equal(found("sales", "15728600"), "2");
        assert_string_equal(found("warehouse", "1572860-0"), "");
}

static void test_billing_finds_business_id(void **state)
{
        (void)state;
        assert_string_equal(found("billing", "1572860-0"), "2");
        assert_string_equal(found("billing", "157"), "2");
        assert_string_equal(found("billing", "laskut"), "2");
        assert_string_equal(found("billing", "virtanen"), "2"); /* identity + billing */
        assert_string_equal(found("billing", "espoo"), "");     /* no contact group */
        assert_string_equal(found("billing", "010190"), "");
        struct rk_grants g;
        struct rk_search_hit *hits = NULL;
        size_t n = 0;
        grants_of("billing", &g);
        assert_int_equal(rk_search_customers(db, &g, "157", 10, &hits, &n, NULL), RK_OK);
        assert_int_equal(n, 1);
        assert_string_equal(hits[0].name, "Virtanen Oy");
        assert_null(hits[0].city);
        rk_search_free(hits, n);
}

static void test_supervisor_finds_identity_code(void **state)
{
        (void)state;
        assert_string_equal(found("supervisor", "010190-900P"), "1");
        assert_string_equal(found("supervisor", "010190-900p"), "1");
        assert_string_equal(found("admin", "010190"), "ERR"); /* reads no group */
}

static void test_scandinavian_letters_fold(void **state)
{
        (void)state;
        assert_string_equal(found("sales", "häm"), "1");
        assert_string_equal(found("sales", "HÄM"), "1");
        assert_string_equal(found("sales", "Hämäläinen"), "1");
        assert_string_equal(found("sales", "HÄMÄLÄINEN AINO"), "1");
        /* accents fold away: people type names without them */
        assert_string_equal(found("sales", "hameen"), "1");
        assert_string_equal(found("sales", "hämeenk"), "1");
        assert_string_equal(found("sales", "hamalainen aino"), "1");
        assert_string_equal(found("supervisor", "astrom"), "3");
        assert_string_equal(found("supervisor", "ÅSTRÖM"), "3");
        assert_string_equal(found("supervisor", "åst"), "3");
}

/* Ääkkönen is found however the å, ä and ö are typed: or not typed. The
 * customer is added for this test and removed again. */
static void test_aakkonen(void **state)
{
        (void)state;
        struct rk_error err;
        assert_string_equal(found("sales", "aak"), "");
        assert_int_equal(
            sqlite3_exec(db,
                         "INSERT INTO customers(id, number, kind, name, city,"
                         " created_at, updated_at) VALUES (4, 'C000004',"
                         " 'person', 'Ääkkönen Åke', 'Öja', 0, 0)",
                         NULL, NULL, NULL),
            SQLITE_OK);
        assert_int_equal(rk_search_index(db, 4, &err), RK_OK);
        static const char *const typed[] = {"aak",    "ääk",   "Ääk",      "ÄÄK",
                                            "AAK",    "ääkkö", "aakkonen", "Ääkkönen",
                                            "ake aa", "Åke",   "oja",      "Öja"};
        for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
                if (strcmp(found("sales", typed[i]), "4") != 0)
                        fail_msg("\"%s\" does not find Ääkkönen: \"%s\"", typed[i],
                                 found("sales", typed[i]));
        }
        assert_string_equal(found("sales", "aakkonem"), "");
        assert_string_equal(found("warehouse", "ääk"), "");
        assert_int_equal(
            sqlite3_exec(db, "DELETE FROM customers WHERE id = 4", NULL, NULL, NULL),
            SQLITE_OK);
        assert_int_equal(rk_search_index(db, 4, &err), RK_OK);
        assert_string_equal(found("sales", "aak"), "");
}

static void test_restricted_hidden_without_requests(void **state)
{
        (void)state;
        assert_string_equal(found("sales", "Åström"), "");
        assert_string_equal(found("sales", "erik.astrom"), "");
        assert_string_equal(found("warehouse", "C000003"), "");
        assert_string_equal(found("supervisor", "Åström"), "3");
        assert_string_equal(found("supervisor", "C000003"), "3");
}

static void test_index_follows_changes(void **state)
{
        (void)state;
        struct rk_error err;
        assert_int_equal(sqlite3_exec(db,
                                      "UPDATE customers SET name = 'Mäkinen Aino',"
                                      " email = 'aino.makinen@example.fi' WHERE id = 1",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        assert_string_equal(found("sales", "hämäl"), "1"); /* not yet reindexed */
        assert_int_equal(rk_search_index(db, 1, &err), RK_OK);
        assert_string_equal(found("sales", "hämäl"), "");
        assert_string_equal(found("sales", "mäk"), "1");
        assert_int_equal(sqlite3_exec(db,
                                      "DELETE FROM orders WHERE customer_id = 1;"
                                      "DELETE FROM customers WHERE id = 1",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(rk_search_index(db, 1, &err), RK_OK);
        assert_string_equal(found("supervisor", "mäk"), "");
        assert_string_equal(found("supervisor", "C000001"), "");
}

static void count_progress(void *ctx, int64_t done, int64_t total)
{
        int64_t *last = ctx;
        assert_true(done <= total);
        last[0] = done;
        last[1] = total;
}

static void test_reindex_all(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t last[2] = {-1, -1};
        assert_int_equal(sqlite3_exec(db, "DELETE FROM customer_fts", NULL, NULL, NULL),
                         SQLITE_OK);
        assert_string_equal(found("supervisor", "virtanen"), "");
        assert_int_equal(rk_search_reindex_all(db, count_progress, last, &err), RK_OK);
        assert_int_equal(last[0], 3);
        assert_int_equal(last[1], 3);
        assert_string_equal(found("supervisor", "virtanen"), "2");
        assert_string_equal(found("supervisor", "häm"), "1");
        assert_string_equal(found("warehouse", "O00004711"), "2");
        /* Inside a caller's transaction (no merge): prefixes still work. */
        assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(rk_search_reindex_all(db, NULL, NULL, &err), RK_OK);
        assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        assert_string_equal(found("supervisor", "vi"), "2");
        assert_string_equal(found("supervisor", "c00000"), "1,2,3");
}

/* The most segments any one index has: FTS4 keeps the full-text index and
 * one per prefix length, each a list of segments (customer_fts_segdir,
 * level = index * 1024 + level in it), and a search reads every segment. */
static int64_t most_segments(void)
{
        return tu_sql_int(db, "SELECT max(n) FROM (SELECT count(*) AS n"
                              " FROM customer_fts_segdir GROUP BY level / 1024)");
}

/* Enough customers with words of their own that a rebuild fills FTS4's
 * buffer of pending terms (1 MiB) several times, each time a segment. */
static void many_customers(void)
{
        assert_int_equal(
            sqlite3_exec(db,
                         "WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n"
                         " WHERE i < 8000) INSERT INTO customers(id, number, kind, name,"
                         " email, street, city, created_at, updated_at)"
                         " SELECT i, printf('C%06d', i), 'person',"
                         " printf('Asiakas%d Suku%dnen', i, i * 7),"
                         " printf('osoite%d@posti%d.example', i, i % 97),"
                         " printf('Katu%d %d', i, i % 50), printf('Kaupunki%d', i % 300),"
                         " 0, 0 FROM n",
                         NULL, NULL, NULL),
            SQLITE_OK);
}

/* After an upgrade: one segment per index, no merge owed, and the index
 * whole: words, prefixes (the prefix indexes) and the last customer. */
static void assert_merged(void)
{
        assert_int_equal(most_segments(), 1);
        assert_int_equal(
            tu_sql_int(db, "SELECT count(*) FROM meta WHERE key = 'search_merge'"), 0);
        assert_string_equal(found("supervisor", "virtanen"), "2");
        assert_string_equal(found("supervisor", "vi"), "2");
        assert_string_equal(found("supervisor", "asiakas7999"), "7999");
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT INTO customer_fts(customer_fts)"
                                      " VALUES('integrity-check')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
}

static void test_upgrade_merges_after_commit(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t last[2] = {-1, -1};
        many_customers();
        /* the rebuild alone (in a caller's transaction: no merge) leaves
         * several segments per index: the data is big enough to show it */
        assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(rk_search_reindex_all(db, NULL, NULL, &err), RK_OK);
        assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        assert_true(most_segments() > 1);
        /* an index in the older form, as the last version left it */
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT OR REPLACE INTO meta(key, value)"
                                      " VALUES('search_tags', 'by_group')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(rk_search_upgrade(db, count_progress, last, &err), RK_OK);
        assert_int_equal(last[0], last[1]);
        assert_true(last[0] > 7000);
        assert_int_equal(tu_sql_int(db,
                                    "SELECT count(*) FROM meta WHERE key ="
                                    " 'search_tags' AND value = 'by_group,base_letters'"),
                         1);
        assert_merged();
        /* a session killed between the rebuild's COMMIT and the merge: the
         * merge is still owed, and the next opening does it */
        assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(rk_search_reindex_all(db, NULL, NULL, &err), RK_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT INTO meta(key, value)"
                                      " VALUES('search_merge', 'owed'); COMMIT",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        assert_true(most_segments() > 1);
        last[0] = -1;
        assert_int_equal(rk_search_upgrade(db, count_progress, last, &err), RK_OK);
        assert_int_equal(last[0], -1); /* nothing rebuilt again */
        assert_merged();
}

/* The whole stored index (content and segments) as one string; malloc'd. */
static char *index_dump(void)
{
        sqlite3_stmt *st;
        char *out = NULL;
        assert_int_equal(
            sqlite3_prepare_v2(
                db,
                "SELECT (SELECT group_concat(docid || ':' || ifnull(c0keys,'') || '/' ||"
                " ifnull(c1identity,'') || '/' || ifnull(c2contact,'') || '/' ||"
                " ifnull(c3billing,'') || '/' || ifnull(c4idcode,''), '|')"
                " FROM customer_fts_content) || '#' ||"
                " (SELECT group_concat(level || ',' || idx || ',' || start_block || ',' "
                "||"
                " leaves_end_block || ',' || end_block || ',' || hex(root), '|')"
                " FROM customer_fts_segdir) || '#' ||"
                " ifnull((SELECT group_concat(blockid || ',' || hex(block), '|')"
                " FROM customer_fts_segments), '') || '#' ||"
                " (SELECT group_concat(docid || ',' || hex(size), '|')"
                " FROM customer_fts_docsize) || '#' ||"
                " (SELECT group_concat(id || ',' || hex(value), '|') FROM "
                "customer_fts_stat)",
                -1, &st, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_non_null(sqlite3_column_text(st, 0));
        out = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return out;
}

static void test_build_matches_reindex(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_search_build *b = NULL;
        int64_t last[2] = {-1, -1};
        assert_int_equal(rk_search_reindex_all(db, NULL, NULL, &err), RK_OK);
        char *want = index_dump();
        assert_int_equal(sqlite3_exec(db, "DELETE FROM customer_fts", NULL, NULL, NULL),
                         SQLITE_OK);
        assert_string_equal(found("supervisor", "virtanen"), "");
        assert_int_equal(rk_search_build_start(db, &b, &err), RK_OK);
        assert_int_equal(rk_search_build_add(b, 1, 2, &err), RK_OK);
        assert_int_equal(rk_search_build_add(b, 3, 3, &err), RK_OK);
        assert_int_equal(rk_search_build_finish(b, db, count_progress, last, &err),
                         RK_OK);
        assert_int_equal(last[0], 3);
        assert_int_equal(last[1], 3);
        char *got = index_dump();
        assert_string_equal(got, want); /* the same rows, segments and statistics */
        free(got);
        free(want);
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT INTO customer_fts(customer_fts)"
                                      " VALUES('integrity-check')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        /* every prefix length, and a later change, still work */
        assert_string_equal(found("supervisor", "vi"), "2");
        assert_string_equal(found("supervisor", "häm"), "1");
        assert_string_equal(found("supervisor", "virta"), "2");
        assert_string_equal(found("warehouse", "O00004711"), "2");
        assert_int_equal(
            sqlite3_exec(db, "UPDATE customers SET name = 'Lindqvist Ab' WHERE id = 2",
                         NULL, NULL, NULL),
            SQLITE_OK);
        assert_int_equal(rk_search_index(db, 2, &err), RK_OK);
        assert_string_equal(found("supervisor", "lindq"), "2");
        assert_string_equal(found("sales", "virtanen oy"), "");
}

static void test_build_refuses_missing_customers(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_search_build *b = NULL;
        assert_int_equal(rk_search_build_start(db, &b, &err), RK_OK);
        assert_int_equal(rk_search_build_add(b, 1, 2, &err), RK_OK);
        assert_int_equal(rk_search_build_finish(b, db, NULL, NULL, &err), RK_ERR_INVALID);
        assert_string_equal(found("supervisor", "erik"), "3"); /* left as it was */
        assert_int_equal(rk_search_build_start(db, &b, &err), RK_OK);
        assert_int_equal(rk_search_build_add(b, 1, 3, &err), RK_OK);
        rk_search_build_abort(b);
        assert_string_equal(found("supervisor", "erik"), "3");
        assert_string_equal(found("supervisor", "virtanen"), "2");
}

static void test_limit(void **state)
{
        (void)state;
        struct rk_grants g;
        struct rk_search_hit *hits = NULL;
        size_t n = 9;
        grants_of("supervisor", &g);
        assert_int_equal(rk_search_customers(db, &g, "c0000", 2, &hits, &n, NULL), RK_OK);
        assert_int_equal(n, 2);
        assert_int_equal(hits[0].id, 1);
        assert_int_equal(hits[1].id, 2);
        rk_search_free(hits, n);
        assert_int_equal(rk_search_customers(db, &g, "c0000", 0, &hits, &n, NULL), RK_OK);
        assert_int_equal(n, 0);
        rk_search_free(hits, n);
}

static void match(const char *role, const char *query, int want_rc, const char *want)
{
        struct rk_grants g;
        struct rk_error err;
        char out[RK_SEARCH_MATCH_MAX];
        grants_of(role, &g);
        assert_int_equal(rk_search_match(query, &g, out, sizeof(out), &err), want_rc);
        if (want != NULL)
                assert_string_equal(out, want);
}

/* Put token into field f of a new company customer id (its own record,
 * contact person or order), by plain SQL, and index the customer. */
static void plant(const struct rk_field *f, int64_t id, const char *token)
{
        char sql[512];
        struct rk_error err;
        snprintf(sql, sizeof(sql),
                 "INSERT INTO customers(id, number, kind, name, created_at, updated_at)"
                 " VALUES(%lld, 'C%06lld', 'company', 'Yritys', 0, 0)",
                 (long long)id, (long long)id);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        if (f->record == RK_REC_CUSTOMER)
                snprintf(sql, sizeof(sql), "UPDATE customers SET %s='%s' WHERE id=%lld",
                         f->column, token, (long long)id);
        else if (f->record == RK_REC_CONTACT && strcmp(f->column, "name") == 0)
                snprintf(
                    sql, sizeof(sql),
                    "INSERT INTO contact_persons(customer_id, name) VALUES(%lld, '%s')",
                    (long long)id, token);
        else if (f->record == RK_REC_CONTACT)
                snprintf(sql, sizeof(sql),
                         "INSERT INTO contact_persons(customer_id, name, %s)"
                         " VALUES(%lld, 'Yhteys', '%s')",
                         f->column, (long long)id, token);
        else if (f->record == RK_REC_ORDER && strcmp(f->column, "number") == 0)
                snprintf(sql, sizeof(sql),
                         "INSERT INTO orders(customer_id, number, ordered_on, status)"
                         " VALUES(%lld, '%s', '2024-01-01', 'new')",
                         (long long)id, token);
        else
                fail_msg("no way to plant %s.%s: teach the test",
                         rk_fields_table(f->record), f->column);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(rk_search_index(db, id, &err), RK_OK);
}

/*
 * Every indexed field of the field table, for every default role: a word
 * that only that field holds is found exactly when the role reads the
 * field's group (fields.c decides, not this test), and the customer number
 * by every role that reads anything. Billing thus finds no customer by an
 * order number or a contact person's name; the warehouse by nothing but
 * numbers.
 */
static void test_role_by_group_every_indexed_column(void **state)
{
        (void)state;
        static const char *const roles[] = {"sales", "billing", "warehouse", "supervisor",
                                            "admin"};
        size_t n, planted = 0;
        const struct rk_field *all = rk_fields_all(&n);
        for (size_t i = 0; i < n; i++) {
                if (all[i].fts == RK_FTS_NONE)
                        continue;
                int64_t id = 100 + (int64_t)i;
                char token[32], number[32], want[32];
                snprintf(token, sizeof(token), "zq%zutok", i);
                snprintf(number, sizeof(number), "C%06lld", (long long)id);
                plant(&all[i], id, token);
                planted++;
                for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
                        struct rk_grants g;
                        grants_of(roles[r], &g);
                        snprintf(want, sizeof(want), "%lld", (long long)id);
                        const char *expect = g.read == 0                           ? "ERR"
                                             : rk_authorize_read(&g, all[i].group) ? want
                                                                                   : "";
                        const char *got = found(roles[r], token);
                        if (strcmp(got, expect) != 0)
                                fail_msg(
                                    "%s searching %s.%s (group %s): got '%s', want '%s'",
                                    roles[r], rk_fields_table(all[i].record),
                                    all[i].column, rk_policy_group_name(all[i].group),
                                    got, expect);
                        assert_string_equal(found(roles[r], number),
                                            g.read == 0 ? "ERR" : want);
                }
        }
        assert_true(planted >= 10); /* names, e-mails, phones, ids, order numbers... */
}

static void test_match_expression(void **state)
{
        (void)state;
        match("warehouse", "C0001", RK_OK, "kc0001* OR oc0001*");
        match("supervisor", "Virt Esp", RK_OK,
              "kvirt* OR ivirt* OR cvirt* OR bvirt* OR hvirt* OR ovirt* "
              "kesp* OR iesp* OR cesp* OR besp* OR hesp* OR oesp*");
        match("billing", "häm", RK_OK, "kham* OR iham* OR bham*");
        match("sales", "a b", RK_OK, "ka* OR ia* OR ca* OR oa* kb* OR ib* OR cb* OR ob*");
}

static void test_match_refuses_injection(void **state)
{
        (void)state;
        match("warehouse", "\"virtanen\" OR NEAR/3 -espoo", RK_OK,
              "kvirtanen* OR ovirtanen* kor* OR oor* knear* OR onear* k3* OR o3* kespoo* "
              "OR oespoo*");
        match("warehouse", "idcode:0101*", RK_OK,
              "kidcode* OR oidcode* k0101* OR o0101*");
        match("warehouse", "identity:virtanen", RK_OK,
              "kidentity* OR oidentity* kvirtanen* OR ovirtanen*");
        match("warehouse", "(a) AND ^b NOT c", RK_OK,
              "ka* OR oa* kand* OR oand* kb* OR ob* knot* OR onot* kc* OR oc*");
        match("warehouse",
              "a\xff\xfe"
              "b",
              RK_OK, "kab* OR oab*"); /* invalid bytes dropped */
        match("supervisor", "\"*:-()^", RK_ERR_INVALID, "");
        match("supervisor", "", RK_ERR_INVALID, "");
        match("supervisor", "a b c d e f g h", RK_OK, NULL);
        match("supervisor", "a b c d e f g h i", RK_ERR_INVALID, "");
        match("admin", "virtanen", RK_ERR_DENIED, "");
        char longq[RK_SEARCH_QUERY_MAX + 2];
        memset(longq, 'a', sizeof(longq) - 1);
        longq[sizeof(longq) - 1] = '\0';
        match("supervisor", longq, RK_ERR_INVALID, "");
        longq[RK_SEARCH_QUERY_MAX] = '\0';
        match("supervisor", longq, RK_OK, NULL);
        /* The longest expression: 8 words of folded 2-byte letters, 5 columns. */
        char wide[RK_SEARCH_QUERY_MAX + 1] = "";
        for (int w = 0; w < 8; w++)
                strcat(wide, w ? " \xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3"
                                 "\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84"
                               : "\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84\xc3"
                                 "\x84\xc3\x84\xc3\x84\xc3\x84\xc3\x84");
        match("supervisor", wide, RK_OK, NULL);
        struct rk_grants g;
        char small[8];
        grants_of("sales", &g);
        assert_int_equal(rk_search_match("virtanen", &g, small, sizeof(small), NULL),
                         RK_ERR_INVALID);
        assert_string_equal(small, "");
}

static void test_tag_words(void **state)
{
        (void)state;
        char *t = rk_search_tag_words("aino hämäläinen 33100",
                                      rk_search_group_tag(RK_GROUP_IDENTITY));
        assert_string_equal(t, "iaino ihämäläinen i33100");
        free(t);
        t = rk_search_tag_words("", rk_search_group_tag(RK_GROUP_COUNT));
        assert_string_equal(t, "");
        free(t);
        assert_null(rk_search_tag_words("x", '\0'));
        assert_int_equal(rk_search_group_tag(RK_GROUP_IDCODE), 'h');
        assert_int_equal(rk_search_group_tag(RK_GROUP_ORDERS), 'o');
        assert_int_equal(rk_search_group_tag(RK_GROUP_COUNT), 'k');
}

static void test_fold(void **state)
{
        (void)state;
        const char *cases[][2] = {
            {"Hämäläinen-Åström, O'Brien", "hamalainen astrom o brien"},
            {"  ÄÖÅ  äöå ", "aoa aoa"},
            {"Ǖber Ææ ß Øst é", "uber ææ ß øst e"},
            {"a\xff"
             "b\xc3",
             "ab"},
            {"matti.virtanen@example.fi", "matti virtanen example fi"},
            {"\xe2\x80\xae"
             "evil\x1b]0;x\x07",
             "evil 0 x"},
            {"", ""},
            /* pasted from a web page: full-width digits and letters */
            {"０４０ Ａｉｎｏ", "040 aino"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *f = rk_search_fold(cases[i][0]);
                assert_non_null(f);
                assert_string_equal(f, cases[i][1]);
                free(f);
        }
        assert_null(rk_search_fold(NULL));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fold),
            cmocka_unit_test(test_match_expression),
            cmocka_unit_test(test_match_refuses_injection),
            cmocka_unit_test(test_tag_words),
            cmocka_unit_test_setup_teardown(test_warehouse_finds_numbers_only, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_warehouse_hits_carry_no_name, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_sales_finds_names_and_email, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_sales_cannot_probe_ids, setup, teardown),
            cmocka_unit_test_setup_teardown(test_phone_written_as_people_write, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_business_id_with_and_without_dash, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_sales_finds_business_id, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_billing_finds_business_id, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_supervisor_finds_identity_code, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_scandinavian_letters_fold, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_aakkonen, setup, teardown),
            cmocka_unit_test_setup_teardown(test_restricted_hidden_without_requests,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_index_follows_changes, setup, teardown),
            cmocka_unit_test_setup_teardown(test_reindex_all, setup, teardown),
            cmocka_unit_test_setup_teardown(test_upgrade_merges_after_commit, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_build_matches_reindex, setup, teardown),
            cmocka_unit_test_setup_teardown(test_build_refuses_missing_customers, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
            cmocka_unit_test_setup_teardown(test_role_by_group_every_indexed_column,
                                            setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
