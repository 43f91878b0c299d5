/*
 * test_orders.c - the product catalogue, taking an order from it, money and
 * VAT, the status flow and the warehouse's paths, on a real register
 * through sessions that log in for real with each default role.
 *
 * What a user or an auditor would notice: amounts read "1 083,91 €"; the
 * VAT of an order is right per rate; every bad input the issue lists
 * (quantity 0, negative or too large, prices with three decimals or
 * written 1.083,91 / 1,083.91, an inactive or unknown product, a
 * restricted or erased customer, two sessions saving at once, a move the
 * flow table does not have or a role that may not make it) is refused
 * with a message naming the line, product or field, and leaves the
 * register exactly as it was; a later price change does not rewrite an
 * order; the picking list holds no personal data and is never
 * overwritten.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/customer.h"
#include "rekisteri/money.h"
#include "rekisteri/orders.h"
#include "rekisteri/products.h"
#include "rekisteri/session.h"
#include "rekisteri/totp.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct rk_config cfg;

enum who { SALES, SALES2, WAREHOUSE, SUPERVISOR, TAKER, N_WHO };
static const char *const users[N_WHO] = {"sanna", "sakari", "wille", "sirpa", "tuomas"};
static const char *const roles[N_WHO] = {"sales", "sales", "warehouse", "supervisor",
                                         "taker"};
static struct rk_session *sess[N_WHO];
static int64_t person_id;

#define NBSP "\xc2\xa0"

static const char *db_path(void)
{
        return tu_path("o.db");
}

static sqlite3 *raw_db(void)
{
        return rk_register_db(rk_session_register(sess[SUPERVISOR]));
}

static int64_t count(const char *sql)
{
        return tu_sql_int(raw_db(), sql);
}

static void raw(const char *sql)
{
        assert_int_equal(sqlite3_exec(raw_db(), sql, NULL, NULL, NULL), SQLITE_OK);
}

static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        tu_tmpdir();
        tu_fast_config(&cfg);
        /* a role that takes orders but may not set prices */
        tu_must(
            rk_policy_define(&cfg.roles, "taker", "identity,orders", "orders", "", &err),
            &err);
        tu_team(&cfg, db_path(), users, roles, N_WHO, sess);
        tu_products(sess[SUPERVISOR]);
        const struct rk_edit e[] = {{"name", "Aino Virtanen"},
                                    {"email", "aino.virtanen@example.fi"}};
        tu_must(rk_customer_create(sess[SALES], e, 2, &person_id, NULL, &err), &err);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_team_close(sess, N_WHO);
        tu_rmdir();
        return 0;
}

/* ---- money and VAT ------------------------------------------------------ */

static void test_money_format(void **state)
{
        (void)state;
        char out[RK_MONEY_SIZE];
        assert_string_equal(rk_money_format(108391, out, sizeof(out)),
                            "1" NBSP "083,91" NBSP "€");
        assert_string_equal(rk_money_format(0, out, sizeof(out)), "0,00" NBSP "€");
        assert_string_equal(rk_money_format(5, out, sizeof(out)), "0,05" NBSP "€");
        assert_string_equal(rk_money_format(100000000, out, sizeof(out)),
                            "1" NBSP "000" NBSP "000,00" NBSP "€");
        assert_string_equal(rk_money_format(-1250, out, sizeof(out)), "-12,50" NBSP "€");
        assert_string_equal(rk_money_format_text("15523", out, sizeof(out)),
                            "155,23" NBSP "€");
        assert_string_equal(rk_money_format_text("12x", out, sizeof(out)), "");
}

static void test_vat_rates(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_vat_rates r;
        int bp = 0;
        tu_must(rk_vat_rates_parse(RK_VAT_DEFAULTS, &r, &err), &err);
        assert_int_equal(r.n, 4);
        assert_int_equal(r.bp[0], 2550);
        assert_int_equal(r.bp[1], 1400);
        tu_must(rk_vat_rate_parse("25,5", &bp, &err), &err);
        assert_int_equal(bp, 2550);
        assert_int_equal(rk_vat_rate_parse("101", &bp, &err), RK_ERR_INVALID);
        assert_int_equal(rk_vat_rate_parse("25.555", &bp, &err), RK_ERR_INVALID);
        assert_int_equal(rk_vat_rates_parse("24,24", &r, &err), RK_ERR_INVALID);
        /* VAT per rate, rounded half up once per rate, not per line */
        struct rk_vat_sum sum;
        memset(&sum, 0, sizeof(sum));
        tu_must(rk_vat_add(&sum, 2550, 1, &err), &err);
        tu_must(rk_vat_add(&sum, 2550, 1, &err), &err);
        assert_int_equal(sum.vat, 1); /* 2 * 0.255 = 0.51 -> 1, not 0 + 0 */
        int64_t net = 0;
        assert_int_equal(rk_vat_line_net(999999999, 999999999999, &net, &err),
                         RK_ERR_INVALID);
}

/* ---- the catalogue -------------------------------------------------------- */

static void test_catalogue(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_product p;
        const struct rk_product_in ok = {"kettle-1", "Vedenkeitin", "pcs", "39,90",
                                         "25.5"};
        assert_int_equal(rk_product_add(sess[SALES], &ok, &err), RK_ERR_DENIED);
        tu_must(rk_product_add(sess[SUPERVISOR], &ok, &err), &err);
        tu_must(rk_product_get(sess[WAREHOUSE], "KETTLE-1", &p, &err), &err);
        assert_string_equal(p.code, "KETTLE-1");
        assert_int_equal(p.price_cents, 3990);
        assert_int_equal(p.vat_bp, 2550);
        assert_int_equal(rk_product_add(sess[SUPERVISOR], &ok, &err), RK_ERR_EXISTS);
        const struct rk_product_in bad_vat = {"X1", "X", "pcs", "1", "24"};
        assert_int_equal(rk_product_add(sess[SUPERVISOR], &bad_vat, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "VAT rate: use one of the rates in force: 25,5"));
        const struct rk_product_in bad_price = {"X1", "X", "pcs", "1.083,91", "14"};
        assert_int_equal(rk_product_add(sess[SUPERVISOR], &bad_price, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "Unit price:"));
        const struct rk_product_in bad_code = {"a b", "X", "pcs", "1", "14"};
        assert_int_equal(rk_product_add(sess[SUPERVISOR], &bad_code, &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "Code:"));
        assert_int_equal(count("SELECT count(*) FROM products WHERE code='X1'"), 0);
        /* search as you type: code prefix first, then names */
        struct rk_product *found = NULL;
        size_t n = 0;
        tu_must(rk_products_find(sess[SALES], "keit", true, 10, &found, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_string_equal(found[0].code, "KETTLE-1");
        free(found);
        /* a change and a deactivation are audited with the code, no values */
        const struct rk_product_in price = {NULL, NULL, NULL, "41", NULL};
        tu_must(rk_product_set(sess[SUPERVISOR], "kettle-1", p.version, &price, &err),
                &err);
        assert_int_equal(
            rk_product_set(sess[SUPERVISOR], "kettle-1", p.version, &price, &err),
            RK_ERR_CONFLICT);
        tu_must(rk_product_deactivate(sess[SUPERVISOR], "KETTLE-1", &err), &err);
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action LIKE"
                               " 'product.%' AND target='KETTLE-1'"),
                         3);
        tu_must(rk_products_find(sess[SALES], "KETTLE", true, 10, &found, &n, &err),
                &err);
        assert_int_equal(n, 0);
        free(found);
}

/* ---- taking an order ------------------------------------------------------ */

static int64_t orders_now(void)
{
        return count("SELECT count(*) FROM orders") * 1000 +
               count("SELECT count(*) FROM order_lines");
}

/* Each bad order is refused naming what is wrong, and nothing is saved;
 * "Line N" of the message is err.line too (the screen reads that). */
static void refused(enum who w, int64_t customer, const struct rk_order_line_in *l,
                    size_t n, int rc, const char *says)
{
        struct rk_error err;
        unsigned long no = 0;
        int64_t before = orders_now();
        assert_int_equal(rk_order_create(sess[w], customer, l, n, NULL, NULL, &err), rc);
        if (strstr(err.msg, says) == NULL)
                fail_msg("\"%s\" not in: %s", says, err.msg);
        if (sscanf(says, "Line %lu", &no) == 1)
                assert_int_equal(err.line, no);
        if (strstr(says, "): Quantity") != NULL)
                assert_string_equal(err.field ? err.field : "", "quantity");
        if (strstr(says, "): Unit price") != NULL)
                assert_string_equal(err.field ? err.field : "", "unit_price_cents");
        assert_int_equal(orders_now(), before);
}

static void test_bad_orders(void **state)
{
        (void)state;
        struct rk_error err;
        const struct rk_order_line_in qty0[] = {{"HAMMER", "1", NULL, 0},
                                                {"SAW", "0", NULL, 0}};
        refused(SALES, person_id, qty0, 2, RK_ERR_INVALID, "Line 2 (SAW): Quantity");
        const struct rk_order_line_in neg[] = {{"SAW", "-3", NULL, 0}};
        refused(SALES, person_id, neg, 1, RK_ERR_INVALID, "Line 1 (SAW): Quantity");
        const struct rk_order_line_in huge[] = {{"SAW", "99999999999999999999", NULL, 0}};
        refused(SALES, person_id, huge, 1, RK_ERR_INVALID, "Line 1 (SAW): Quantity");
        const struct rk_order_line_in total[] = {{"SAW", "999999999", "9999999999", 0}};
        refused(SALES, person_id, total, 1, RK_ERR_INVALID,
                "Line 1 (SAW): Line total: is too large");
        static const char *const prices[] = {"1,234", "1.083,91", "1,083.91", "12,5x"};
        for (size_t i = 0; i < 4; i++) {
                const struct rk_order_line_in p[] = {{"SAW", "1", prices[i], 0}};
                refused(SALES, person_id, p, 1, RK_ERR_INVALID,
                        "Line 1 (SAW): Unit price");
        }
        const struct rk_order_line_in unknown[] = {{"HAMMER", "1", NULL, 0},
                                                   {"NOPE", "1", NULL, 0}};
        refused(SALES, person_id, unknown, 2, RK_ERR_INVALID,
                "Line 2 (NOPE): no product with code NOPE");
        const struct rk_product_in old = {"OLD", "Old thing", "pcs", "1", "0"};
        tu_must(rk_product_add(sess[SUPERVISOR], &old, &err), &err);
        tu_must(rk_product_deactivate(sess[SUPERVISOR], "OLD", &err), &err);
        const struct rk_order_line_in inactive[] = {{"OLD", "1", NULL, 0}};
        refused(SALES, person_id, inactive, 1, RK_ERR_INVALID,
                "Line 1 (OLD): product OLD is no longer sold");
        /* a typed price needs write on order amounts */
        const struct rk_order_line_in priced[] = {{"SAW", "1", "20", 0}};
        refused(TAKER, person_id, priced, 1, RK_ERR_DENIED,
                "Unit price: your role may not set prices");
        refused(WAREHOUSE, person_id, inactive, 1, RK_ERR_DENIED, "may not take orders");
        /* restricted, then erased customers take no orders */
        int64_t id = 0;
        const struct rk_edit e[] = {{"name", "Rauha Rajoitettu"}};
        tu_must(rk_customer_create(sess[SALES], e, 1, &id, NULL, &err), &err);
        char sql[128];
        snprintf(sql, sizeof(sql), "UPDATE customers SET restricted=1 WHERE id=%lld",
                 (long long)id);
        raw(sql);
        const struct rk_order_line_in one[] = {{"SAW", "1", NULL, 0}};
        /* to a role that may not handle requests it looks like no customer */
        refused(SALES, id, one, 1, RK_ERR_NOTFOUND, "no customer has that number");
        /* a request handler may open a restricted customer, not sell to it */
        refused(SUPERVISOR, id, one, 1, RK_ERR_DENIED,
                "Customer: processing is restricted");
        snprintf(sql, sizeof(sql),
                 "UPDATE customers SET restricted=0, anonymised_at=1 WHERE id=%lld",
                 (long long)id);
        raw(sql);
        refused(SALES, id, one, 1, RK_ERR_DENIED, "Customer: was erased");
        refused(SALES, 999999, one, 1, RK_ERR_NOTFOUND, "no customer has that number");
}

static void test_order_totals_and_price_copy(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t oid = 0;
        /* catalogue prices: 2 x 12,50 at 25,5 %, 3 x 4,00 at 14 %, 5 x 3,20 at
         * 10 %; the taker role gets the catalogue price without typing one */
        const struct rk_order_line_in lines[] = {
            {"hammer", "2", NULL, 0}, {"NAILS100", "3", "", 0}, {"TAPE", "5", NULL, 0}};
        tu_must(rk_order_create(sess[TAKER], person_id, lines, 3, &oid, NULL, &err),
                &err);
        struct rk_order_view v;
        tu_must(rk_order_load(sess[SALES], oid, RK_GROUPS_ALL, &v, &err), &err);
        assert_true(v.has_total);
        assert_int_equal(v.totals.net, 2500 + 1200 + 1600);
        assert_int_equal(v.totals.n, 3);
        assert_int_equal(v.totals.rate[0].vat, 638); /* 637,5 rounds up */
        assert_int_equal(v.totals.rate[1].vat, 168);
        assert_int_equal(v.totals.rate[2].vat, 160);
        assert_int_equal(v.totals.gross, 5300 + 966);
        assert_string_equal(rk_record_get(&v.lines[0], "product"), "Hammer");
        assert_string_equal(rk_record_get(&v.lines[0], "product_code"), "HAMMER");
        assert_string_equal(rk_record_get(&v.order, "status"), "open");
        int64_t version = v.order.version;
        int64_t hammer_line = v.lines[0].id;
        rk_order_view_clear(&v);
        /* a later price change does not rewrite the order, nor its edit */
        const struct rk_product_in dearer = {NULL, NULL, NULL, "20", NULL};
        tu_must(rk_product_set(sess[SUPERVISOR], "HAMMER", 0, &dearer, &err), &err);
        const struct rk_order_line_in edited[] = {{"HAMMER", "4", NULL, hammer_line},
                                                  {"HAMMER", "1", NULL, 0}};
        int64_t nv = 0;
        tu_must(rk_order_set_lines(sess[SALES], oid, version, edited, 2, &nv, &err),
                &err);
        tu_must(rk_order_load(sess[SALES], oid, RK_GROUPS_ALL, &v, &err), &err);
        assert_int_equal(v.nlines, 2);
        assert_string_equal(rk_record_get(&v.lines[0], "unit_price_cents"), "1250");
        assert_string_equal(rk_record_get(&v.lines[1], "unit_price_cents"), "2000");
        assert_int_equal(v.order.version, nv);
        rk_order_view_clear(&v);
        /* two sessions editing the same version: the second is refused and
         * the first one's lines stay */
        const struct rk_order_line_in mine[] = {{"SAW", "1", NULL, 0}};
        const struct rk_order_line_in theirs[] = {{"DRILL", "1", NULL, 0}};
        tu_must(rk_order_set_lines(sess[SALES], oid, nv, mine, 1, NULL, &err), &err);
        assert_int_equal(rk_order_set_lines(sess[SALES2], oid, nv, theirs, 1, NULL, &err),
                         RK_ERR_CONFLICT);
        assert_non_null(strstr(err.msg, "changed by someone else"));
        assert_int_equal(count("SELECT count(*) FROM order_lines WHERE"
                               " product_code='SAW' AND order_id=(SELECT max(id) FROM"
                               " orders)"),
                         1);
        assert_int_equal(count("SELECT count(*) FROM order_lines WHERE"
                               " product_code='DRILL'"),
                         0);
        /* a bad edit leaves the lines as they were */
        const struct rk_order_line_in bad[] = {{"SAW", "0", NULL, 0}};
        assert_int_equal(rk_order_set_lines(sess[SALES], oid, nv + 1, bad, 1, NULL, &err),
                         RK_ERR_INVALID);
        assert_int_equal(count("SELECT count(*) FROM order_lines WHERE order_id="
                               "(SELECT max(id) FROM orders)"),
                         1);
}

/* ---- the status flow and the warehouse ------------------------------------ */

static int64_t new_order(void)
{
        struct rk_error err;
        int64_t oid = 0;
        const struct rk_order_line_in l[] = {{"LADDER", "1", NULL, 0},
                                             {"ROPE", "10", NULL, 0}};
        tu_must(rk_order_create(sess[SALES], person_id, l, 2, &oid, NULL, &err), &err);
        return oid;
}

static void test_status_flow(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t oid = new_order();
        assert_int_equal(rk_order_set_status(sess[SALES], oid, 1, "picked", &err),
                         RK_ERR_INVALID);
        assert_non_null(
            strstr(err.msg, "an order that is open cannot become picked; it can become"));
        assert_int_equal(rk_order_set_status(sess[WAREHOUSE], oid, 1, "confirmed", &err),
                         RK_ERR_DENIED);
        tu_must(rk_order_set_status(sess[SALES], oid, 1, "confirmed", &err), &err);
        assert_int_equal(rk_order_set_status(sess[SALES], oid, 2, "picked", &err),
                         RK_ERR_DENIED);
        assert_non_null(
            strstr(err.msg, "may not move an order from confirmed to picked"));
        /* lines of a confirmed order are no longer changed */
        const struct rk_order_line_in l[] = {{"SAW", "1", NULL, 0}};
        assert_int_equal(rk_order_set_lines(sess[SALES], oid, 2, l, 1, NULL, &err),
                         RK_ERR_INVALID);
        char next[4][RK_ORDER_STATUS_SIZE];
        assert_int_equal(rk_order_next_statuses(rk_session_grants(sess[WAREHOUSE]),
                                                "confirmed", next, 4),
                         1);
        assert_string_equal(next[0], "picked");
        tu_must(rk_order_set_status(sess[WAREHOUSE], oid, 2, "picked", &err), &err);
        /* the same move again from a stale version */
        assert_int_equal(rk_order_set_status(sess[WAREHOUSE], oid, 2, "shipped", &err),
                         RK_ERR_CONFLICT);
        tu_must(rk_order_set_status(sess[WAREHOUSE], oid, 3, "shipped", &err), &err);
        assert_int_equal(rk_order_set_status(sess[WAREHOUSE], oid, 4, "delivered", &err),
                         RK_ERR_DENIED);
        tu_must(rk_order_set_status(sess[SALES], oid, 4, "delivered", &err), &err);
        assert_int_equal(rk_order_set_status(sess[SUPERVISOR], oid, 5, "open", &err),
                         RK_ERR_INVALID);
        assert_non_null(strstr(err.msg, "it is final"));
        /* every move is in the trail, with who */
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action="
                               "'order.status' AND user='wille'"),
                         2);
}

static void test_queue_and_picking_list(void **state)
{
        (void)state;
        struct rk_error err;
        int64_t a = new_order(), b = new_order();
        raw("UPDATE orders SET ordered_on='2020-01-01' WHERE id=(SELECT max(id) FROM "
            "orders)");
        tu_must(rk_order_set_status(sess[SALES], a, 1, "confirmed", &err), &err);
        tu_must(rk_order_set_status(sess[SALES], b, 1, "confirmed", &err), &err);
        struct rk_order_summary *q = NULL;
        size_t n = 0;
        tu_must(rk_orders_queue(sess[WAREHOUSE], 50, &q, &n, &err), &err);
        assert_true(n >= 2);
        assert_int_equal(q[0].id, b); /* the oldest first */
        for (size_t i = 0; i < n; i++)
                assert_true(strcmp(q[i].status, "confirmed") == 0 ||
                            strcmp(q[i].status, "picked") == 0);
        free(q);
        const char *path = tu_path("pick.txt");
        tu_must(rk_order_picking_list(sess[WAREHOUSE], a, path, &err), &err);
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
        size_t len = 0;
        unsigned char *text = tu_read_file(path, &len);
        assert_true(tu_contains(text, len, "LADDER"));
        assert_true(tu_contains(text, len, "Rope"));
        assert_true(tu_contains(text, len, "C000001"));
        assert_false(tu_contains(text, len, "Aino"));
        assert_false(tu_contains(text, len, "Virtanen"));
        assert_false(tu_contains(text, len, "example.fi"));
        assert_false(tu_contains(text, len, "€"));
        free(text);
        assert_int_equal(rk_order_picking_list(sess[WAREHOUSE], a, path, &err),
                         RK_ERR_EXISTS);
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action="
                               "'order.picking_list'"),
                         1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_money_format),
            cmocka_unit_test(test_vat_rates),
            cmocka_unit_test(test_catalogue),
            cmocka_unit_test(test_bad_orders),
            cmocka_unit_test(test_order_totals_and_price_copy),
            cmocka_unit_test(test_status_flow),
            cmocka_unit_test(test_queue_and_picking_list),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
