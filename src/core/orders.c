/*
 * orders.c - orders and their lines (see orders.h).
 *
 * An order view is filled from the field table like every other record:
 * the order's columns and each line's columns are those of the groups the
 * view holds, and the total is computed only when order amounts are among
 * them. The customer appears in an order view as its number and nothing
 * else, so the warehouse path never touches a name or an address.
 * Numbers are "O" + year + "-" + 6 digits, the year's next, allocated
 * inside the write transaction (BEGIN IMMEDIATE), so two sessions cannot
 * draw the same one.
 */
#include "customer_db.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORDER_NUMBER_LAST 999999
#define ORDER_GROUPS      ((1u << RK_GROUP_ORDERS) | (1u << RK_GROUP_ORDER_AMOUNTS))

/* ---- views ------------------------------------------------------------- */

void rk_order_view_clear(struct rk_order_view *v)
{
        if (v == NULL)
                return;
        rk_record_view_clear(&v->order);
        rk_record_views_free(v->lines, v->nlines);
        memset(v, 0, sizeof(*v));
}

void rk_order_views_free(struct rk_order_view *v, size_t n)
{
        for (size_t i = 0; v != NULL && i < n; i++)
                rk_order_view_clear(&v[i]);
        free(v);
}

static int order_total(sqlite3 *db, int64_t order_id, int64_t *total,
                       struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db,
            "SELECT coalesce(sum(quantity * unit_price_cents), 0) FROM order_lines"
            " WHERE order_id=?",
            &st, "reading an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, order_id);
        int src = sqlite3_step(st);
        *total = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        return src == SQLITE_ROW ? RK_OK : rk_sql_fail(db, src, "reading an order", err);
}

/* Take over order (a loaded record view) and add its lines and total. */
static int fill(sqlite3 *db, struct rk_record_view *order, int64_t customer_id,
                const char *number, rk_groupset groups, struct rk_order_view *v,
                struct rk_error *err)
{
        memset(v, 0, sizeof(*v));
        v->order = *order;
        memset(order, 0, sizeof(*order));
        v->customer_id = customer_id;
        snprintf(v->customer_number, sizeof(v->customer_number), "%s", number);
        int rc = rk_record_select(db, RK_REC_LINE, groups, "order_id", v->order.id, false,
                                  &v->lines, &v->nlines, err);
        v->has_total = (groups & (1u << RK_GROUP_ORDER_AMOUNTS)) != 0;
        if (rc == RK_OK && v->has_total)
                rc = order_total(db, v->order.id, &v->total_cents, err);
        return rc;
}

int rk_orders_select(sqlite3 *db, int64_t customer_id, const char *customer_number,
                     rk_groupset groups, struct rk_order_view **out, size_t *n,
                     struct rk_error *err)
{
        struct rk_record_view *rows = NULL;
        size_t nrows = 0;
        *out = NULL;
        *n = 0;
        int rc = rk_record_select(db, RK_REC_ORDER, groups, "customer_id", customer_id,
                                  true, &rows, &nrows, err);
        if (rc == RK_OK && nrows > 0) {
                *out = calloc(nrows, sizeof(**out));
                if (*out == NULL)
                        rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; rc == RK_OK && i < nrows; i++) {
                rc = fill(db, &rows[i], customer_id, customer_number, groups, &(*out)[i],
                          err);
                *n = i + 1;
        }
        rk_record_views_free(rows, nrows);
        if (rc != RK_OK) {
                rk_order_views_free(*out, *n);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

int rk_order_load(struct rk_session *s, int64_t order_id, rk_groupset want,
                  struct rk_order_view *out, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        rk_groupset groups =
            rk_custdb_readable(rk_session_grants(s), want) & ORDER_GROUPS;
        struct rk_record_view *rows = NULL;
        size_t nrows = 0;
        char number[RK_CUSTOMER_NUMBER_SIZE] = "";
        int64_t customer_id = 0;
        memset(out, 0, sizeof(*out));
        if (groups == 0)
                return rk_error_set(err, RK_ERR_DENIED, "your role may not read orders");
        int rc = rk_sql_begin(db, err); /* a write: the view is audited */
        if (rc != RK_OK)
                return rc;
        rc = rk_custdb_parent(db, RK_REC_ORDER, order_id, &customer_id, err);
        if (rc == RK_OK)
                rc = rk_custdb_open(db, rk_session_grants(s), customer_id, number, NULL,
                                    NULL, err);
        if (rc == RK_OK)
                rc = rk_record_select(db, RK_REC_ORDER, groups, "id", order_id, false,
                                      &rows, &nrows, err);
        if (rc == RK_OK && nrows != 1)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such order");
        if (rc == RK_OK)
                rc = fill(db, &rows[0], customer_id, number, groups, out, err);
        rk_record_views_free(rows, nrows);
        if (rc == RK_OK)
                rc = rk_custdb_audit_read(s, "order.view", customer_id, groups, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "opening an order", err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                rk_order_view_clear(out);
        }
        return rc;
}

/* ---- the warehouse list ------------------------------------------------ */

static void read_summary(sqlite3_stmt *st, struct rk_order_summary *o)
{
        memset(o, 0, sizeof(*o));
        o->id = sqlite3_column_int64(st, 0);
        o->version = sqlite3_column_int64(st, 1);
        snprintf(o->number, sizeof(o->number), "%s",
                 (const char *)sqlite3_column_text(st, 2));
        snprintf(o->customer_number, sizeof(o->customer_number), "%s",
                 (const char *)sqlite3_column_text(st, 3));
        snprintf(o->ordered_on, sizeof(o->ordered_on), "%s",
                 (const char *)sqlite3_column_text(st, 4));
        snprintf(o->status, sizeof(o->status), "%s",
                 (const char *)sqlite3_column_text(st, 5));
        o->nlines = (size_t)sqlite3_column_int64(st, 6);
}

static int fill_summary(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        (void)ctx;
        (void)err;
        read_summary(st, item);
        return RK_OK;
}

static int run_recent(sqlite3_stmt *st, size_t limit, struct rk_order_summary **out,
                      size_t *n, struct rk_error *err)
{
        struct rk_sql_array a = {0};
        int rc = RK_OK;
        if (limit > 0)
                rc = rk_sql_collect(st, sizeof(**out), limit, fill_summary, NULL, &a,
                                    "listing orders", err);
        *out = a.v;
        *n = a.n;
        return rc;
}

int rk_orders_recent(struct rk_session *s, const char *status, size_t offset,
                     size_t limit, struct rk_order_summary **out, size_t *n,
                     struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        sqlite3_stmt *st = NULL;
        char *want = NULL;
        *out = NULL;
        *n = 0;
        if (!rk_authorize_read(g, RK_GROUP_ORDERS))
                return rk_error_set(err, RK_ERR_DENIED, "your role may not read orders");
        if (limit < 1 || limit > RK_ORDERS_PAGE_MAX)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "list orders %d at a time at most",
                                    RK_ORDERS_PAGE_MAX);
        int rc = RK_OK;
        if (status != NULL)
                rc = rk_record_check_value(RK_REC_ORDER, "status", status, true, &want,
                                           err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(
                    db,
                    "SELECT o.id, o.version, o.number, c.number, o.ordered_on, o.status,"
                    " (SELECT count(*) FROM order_lines l WHERE l.order_id=o.id)"
                    " FROM orders o JOIN customers c ON c.id=o.customer_id"
                    " WHERE (?1 IS NULL OR o.status=?1) AND (c.restricted=0 OR ?2)"
                    " ORDER BY o.ordered_on DESC, o.id DESC LIMIT ?3 OFFSET ?4",
                    &st, "listing orders", err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 2,
                                 rk_authorize_action(g, RK_ACTION_REQUESTS) ? 1 : 0);
                sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
                sqlite3_bind_int64(st, 4, (sqlite3_int64)offset);
                rc = run_recent(st, limit, out, n, err);
        }
        sqlite3_finalize(st);
        /* a page of order and customer numbers: one audit row per page */
        if (rc == RK_OK)
                rc = rk_session_audit(s, "order.list", 0, "orders", rk_session_place(s),
                                      "ok", NULL, err);
        free(want);
        if (rc != RK_OK) {
                free(*out);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

/* ---- taking an order --------------------------------------------------- */

struct line {
        char *product, *quantity, *price; /* normalised; price NULL for none */
};

static void lines_free(struct line *l, size_t n)
{
        for (size_t i = 0; l != NULL && i < n; i++) {
                free(l[i].product);
                free(l[i].quantity);
                free(l[i].price);
        }
        free(l);
}

static int check_line(const struct rk_order_line_in *in, struct line *l, size_t no,
                      struct rk_error *err)
{
        struct rk_error tmp;
        int rc = rk_record_check_value(RK_REC_LINE, "product", in->product, true,
                                       &l->product, &tmp);
        if (rc == RK_OK)
                rc = rk_record_check_value(RK_REC_LINE, "quantity", in->quantity, true,
                                           &l->quantity, &tmp);
        if (rc == RK_OK && strcmp(l->quantity, "0") == 0)
                rc = rk_error_set(&tmp, RK_ERR_INVALID, "Quantity: order at least 1");
        if (rc == RK_OK)
                rc = rk_record_check_value(RK_REC_LINE, "unit_price_cents",
                                           in->unit_price, false, &l->price, &tmp);
        if (rc != RK_OK)
                return rk_error_set(err, rc, "Line %zu: %s", no, tmp.msg);
        return RK_OK;
}

/* Check every line and the grants it needs; *out is the caller's. */
static int check_lines(const struct rk_grants *g, const struct rk_order_line_in *in,
                       size_t n, struct line **out, struct rk_error *err)
{
        if (!rk_authorize_write(g, RK_GROUP_ORDERS))
                return rk_error_set(err, RK_ERR_DENIED, "your role may not take orders");
        if (n == 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "an order needs at least one line");
        *out = calloc(n, sizeof(**out));
        if (*out == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                int rc = check_line(&in[i], &(*out)[i], i + 1, err);
                if (rc != RK_OK)
                        return rc;
                if ((*out)[i].price != NULL &&
                    !rk_authorize_write(g, RK_GROUP_ORDER_AMOUNTS))
                        return rk_error_set(
                            err, RK_ERR_DENIED,
                            "Line %zu: Unit price: your role may not set prices", i + 1);
        }
        return RK_OK;
}

static int next_order_number(sqlite3 *db, const char *today, char *number,
                             struct rk_error *err)
{
        sqlite3_stmt *st;
        char prefix[8];
        snprintf(prefix, sizeof(prefix), "O%.4s-", today);
        int rc = rk_sql_prepare(
            db,
            "SELECT coalesce(max(CAST(substr(number, 7) AS INTEGER)), 0) + 1"
            " FROM orders WHERE substr(number, 1, 6)=?",
            &st, "numbering an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_int64 next = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        if (src != SQLITE_ROW)
                return rk_sql_fail(db, src, "numbering an order", err);
        if (next < 1 || next > ORDER_NUMBER_LAST)
                return rk_error_set(err, RK_ERR_FULL,
                                    "every order number of the year is used");
        snprintf(number, RK_ORDER_NUMBER_SIZE, "O%.4s-%06d", today, (int)next);
        return RK_OK;
}

static int insert_order(sqlite3 *db, int64_t customer_id, char *number, int64_t *id,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        char today[RK_DATE_SIZE];
        rk_custdb_today(today);
        int rc = next_order_number(db, today, number, err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(
                    db,
                    "INSERT INTO orders(customer_id, number, ordered_on, status)"
                    " VALUES(?,?,?,'new')",
                    &st, "taking an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, customer_id);
        sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, today, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "taking an order", err);
        *id = sqlite3_last_insert_rowid(db);
        return RK_OK;
}

static int insert_lines(sqlite3 *db, int64_t order_id, const struct line *l, size_t n,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "INSERT INTO order_lines(order_id, product, quantity,"
                                " unit_price_cents) VALUES(?,?,?,?)",
                                &st, "taking an order", err);
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                sqlite3_reset(st);
                sqlite3_bind_int64(st, 1, order_id);
                sqlite3_bind_text(st, 2, l[i].product, -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, strtoll(l[i].quantity, NULL, 10));
                sqlite3_bind_int64(st, 4, l[i].price ? strtoll(l[i].price, NULL, 10) : 0);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, "taking an order", err);
        }
        sqlite3_finalize(st);
        return rc;
}

int rk_order_create(struct rk_session *s, int64_t customer_id,
                    const struct rk_order_line_in *lines, size_t n, int64_t *order_id,
                    char *number, struct rk_error *err)
{
        struct line *checked = NULL;
        char num[RK_ORDER_NUMBER_SIZE];
        int64_t id = 0;
        int rc = check_lines(rk_session_grants(s), lines, n, &checked, err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, customer_id, err);
        if (rc == RK_OK) {
                rc = insert_order(rk_custdb_db(s), customer_id, num, &id, err);
                if (rc == RK_OK)
                        rc = insert_lines(rk_custdb_db(s), id, checked, n, err);
                static const struct rk_custdb_change what = {
                    "order.create", RK_REC_LINE, "product,quantity,unit_price_cents"};
                rc = rk_custdb_end(s, customer_id, true, &what, rc, err);
        }
        lines_free(checked, n);
        if (rc == RK_OK && order_id != NULL)
                *order_id = id;
        if (rc == RK_OK && number != NULL)
                memcpy(number, num, RK_ORDER_NUMBER_SIZE);
        return rc;
}

/* ---- status ------------------------------------------------------------ */

int rk_order_set_status(struct rk_session *s, int64_t order_id, int64_t expected_version,
                        const char *status, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        const struct rk_edit edit = {"status", status};
        struct rk_changes c = {NULL, 0};
        int64_t customer_id = 0;
        if (!rk_authorize_write(g, RK_GROUP_ORDERS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not change orders");
        if (expected_version < 1)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "saving: the version opened is missing");
        int rc = rk_record_changes(RK_REC_ORDER, g, &edit, 1, NULL, &c, err);
        if (rc == RK_OK)
                rc = rk_custdb_parent(db, RK_REC_ORDER, order_id, &customer_id, err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, customer_id, err);
        if (rc == RK_OK) {
                rc = rk_record_update(db, RK_REC_ORDER, order_id, expected_version, &c,
                                      err);
                static const struct rk_custdb_change what = {"order.status", RK_REC_ORDER,
                                                             "status"};
                rc = rk_custdb_end(s, customer_id, false, &what, rc, err);
        }
        rk_record_changes_free(&c);
        return rc;
}
