/*
 * order_lines.c - an order's lines from the product catalogue (see
 * order_db.h and orders.h).
 *
 * How it works: quantities and typed prices are checked against the field
 * table (fields.c) before any transaction, so a typo costs no lock. Inside
 * the caller's transaction each line's product is looked up by code (it
 * must exist and be active); the line's price is the typed one, or the
 * one an edited line was sold at, or the catalogue's; the VAT rate comes
 * with it. Every line total and the order total are kept under
 * RK_MONEY_MAX (rk_vat_add), so no sum overflows. A failure names the
 * line and its product and leaves the transaction for the caller to roll
 * back, so nothing is half-saved.
 */
#include "order_db.h"
#include "product_db.h"
#include "rekisteri/i18n.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Line 2 (P0004): " and the message of why; err names line no and the
 * field why named. */
static int line_error(struct rk_error *err, int rc, size_t no, const char *code,
                      const struct rk_error *why)
{
        rk_error_set(err, rc, "Line %zu (%.*s): %s", no, RK_PRODUCT_CODE_MAX,
                     code && code[0] ? code : _("no code"), why->msg);
        rk_error_field(err, rc, why->field);
        return rk_error_line(err, rc, no);
}

int rk_order_quantity_check(const char *typed, int64_t *qty, struct rk_error *err)
{
        char q[32];
        struct rk_error why;
        *qty = 0;
        /* the field's own reading (blanks, full-width digits) and length */
        int rc = rk_field_check(rk_fields_find(RK_REC_LINE, "quantity"),
                                typed != NULL ? typed : "", NULL, q, sizeof(q), &why);
        if (rc == RK_OK && q[0] != '\0' && strcmp(q, "0") != 0) {
                *qty = strtoll(q, NULL, 10);
                return RK_OK;
        }
        if (rc != RK_OK && rc != RK_ERR_INVALID) {
                if (err != NULL)
                        *err = why;
                return rc;
        }
        /* one message for every refusal, saying what is accepted */
        return rk_error_field(err,
                              rk_error_set(err, RK_ERR_INVALID,
                                           "Quantity: write a whole number from 1 to %d, "
                                           "digits only",
                                           RK_ORDER_QUANTITY_MAX),
                              "quantity");
}

/* The checked quantity and typed price (-1 for none) of one line. */
static int check_numbers(const struct rk_order_line_in *in, int64_t *qty, int64_t *price,
                         struct rk_error *why)
{
        char p[32];
        int rc = rk_order_quantity_check(in->quantity, qty, why);
        if (rc == RK_OK)
                rc = rk_field_check(rk_fields_find(RK_REC_LINE, "unit_price_cents"),
                                    in->unit_price, NULL, p, sizeof(p), why);
        *price = rc == RK_OK && p[0] != '\0' ? strtoll(p, NULL, 10) : -1;
        return rc;
}

int rk_order_lines_precheck(const struct rk_grants *g,
                            const struct rk_order_line_in *lines, size_t n,
                            struct rk_error *err)
{
        struct rk_error why;
        if (!rk_authorize_write(g, RK_GROUP_ORDERS))
                return rk_error_set(err, RK_ERR_DENIED, "your role may not take orders");
        if (n == 0 || n > RK_ORDER_LINES_MAX)
                return rk_error_set(err, RK_ERR_INVALID, "an order has 1 to %d lines",
                                    RK_ORDER_LINES_MAX);
        for (size_t i = 0; i < n; i++) {
                int64_t qty, price;
                int rc = check_numbers(&lines[i], &qty, &price, &why);
                if (rc == RK_OK && price >= 0 &&
                    !rk_authorize_write(g, RK_GROUP_ORDER_AMOUNTS))
                        rc = rk_error_field(
                            &why,
                            rk_error_set(&why, RK_ERR_DENIED,
                                         "Unit price: your role may not set prices"),
                            "unit_price_cents");
                if (rc != RK_OK)
                        return line_error(err, rc, i + 1, lines[i].code, &why);
        }
        return RK_OK;
}

/* The price and VAT rate stored line_id of order_id was sold at, if it is
 * a line of that order for the same product; else *found = false. */
static int stored_price(sqlite3 *db, int64_t order_id, int64_t line_id, const char *code,
                        int64_t *price, int *vat, bool *found, struct rk_error *err)
{
        sqlite3_stmt *st;
        *found = false;
        if (line_id <= 0)
                return RK_OK;
        int rc = rk_sql_prepare(db,
                                "SELECT unit_price_cents, vat_rate_bp FROM order_lines"
                                " WHERE id=? AND order_id=? AND product_code=?",
                                &st, "saving an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, line_id);
        sqlite3_bind_int64(st, 2, order_id);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                *price = sqlite3_column_int64(st, 0);
                *vat = sqlite3_column_int(st, 1);
                *found = true;
        } else if (src != SQLITE_DONE) {
                rc = rk_sql_fail(db, src, "saving an order", err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* One priced line, ready to insert. */
struct priced {
        struct rk_product p;
        int64_t qty, price;
        int vat;
};

static int price_line(sqlite3 *db, int64_t order_id, const struct rk_order_line_in *in,
                      struct priced *l, struct rk_vat_sum *sum, struct rk_error *why)
{
        int64_t typed, net;
        bool kept = false;
        int rc = check_numbers(in, &l->qty, &typed, why);
        if (rc == RK_OK)
                rc = rk_product_lookup(db, in->code, &l->p, why);
        if (rc == RK_ERR_NOTFOUND)
                rc = RK_ERR_INVALID; /* a line refers to it: the input is wrong */
        if (rc == RK_OK)
                rc = stored_price(db, order_id, in->line_id, l->p.code, &l->price,
                                  &l->vat, &kept, why);
        if (rc == RK_OK && !kept && !l->p.active)
                rc = rk_error_set(why, RK_ERR_INVALID,
                                  "product %s is no longer sold (inactive)", l->p.code);
        if (rc != RK_OK)
                return rc;
        if (!kept || typed >= 0) {
                l->price = typed >= 0 ? typed : l->p.price_cents;
                l->vat = kept ? l->vat : l->p.vat_bp;
        }
        rc = rk_vat_line_net(l->qty, l->price, &net, why);
        return rc == RK_OK ? rk_vat_add(sum, l->vat, net, why) : rc;
}

static int insert_line(sqlite3 *db, sqlite3_stmt *st, int64_t order_id,
                       const struct priced *l, struct rk_error *err)
{
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, order_id);
        sqlite3_bind_text(st, 2, l->p.code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, l->p.name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, l->qty);
        sqlite3_bind_text(st, 5, l->p.unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, l->price);
        sqlite3_bind_int(st, 7, l->vat);
        int src = sqlite3_step(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, "saving an order", err);
}

static int delete_lines(sqlite3 *db, int64_t order_id, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "DELETE FROM order_lines WHERE order_id=?", &st,
                                "saving an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, order_id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, "saving an order", err);
}

int rk_order_lines_write(sqlite3 *db, const struct rk_grants *g, int64_t order_id,
                         const struct rk_order_line_in *lines, size_t n,
                         struct rk_error *err)
{
        struct rk_vat_sum sum;
        struct rk_error why;
        sqlite3_stmt *st = NULL;
        struct priced *l = calloc(n ? n : 1, sizeof(*l));
        memset(&sum, 0, sizeof(sum));
        int rc = l ? rk_order_lines_precheck(g, lines, n, err)
                   : rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                rc = price_line(db, order_id, &lines[i], &l[i], &sum, &why);
                if (rc != RK_OK)
                        rc = line_error(err, rc, i + 1, lines[i].code, &why);
        }
        if (rc == RK_OK)
                rc = delete_lines(db, order_id, err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(db,
                                    "INSERT INTO order_lines(order_id, product_code,"
                                    " product, quantity, unit, unit_price_cents,"
                                    " vat_rate_bp) VALUES(?,?,?,?,?,?,?)",
                                    &st, "saving an order", err);
        for (size_t i = 0; rc == RK_OK && i < n; i++)
                rc = insert_line(db, st, order_id, &l[i], err);
        sqlite3_finalize(st);
        free(l);
        return rc;
}
