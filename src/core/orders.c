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
#include "order_db.h"
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

/* Net, VAT per rate and gross of order_id, from the stored lines: a role
 * that reads amounts but not quantities (billing) still gets the totals. */
static int order_totals(sqlite3 *db, int64_t order_id, struct rk_vat_sum *sum,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT vat_rate_bp, quantity, unit_price_cents"
                                " FROM order_lines WHERE order_id=? ORDER BY id",
                                &st, "reading an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, order_id);
        bool row = false;
        while (rc == RK_OK &&
               (rc = rk_sql_row(st, &row, "reading an order", err)) == RK_OK && row) {
                int64_t net = 0;
                rc = rk_vat_line_net(sqlite3_column_int64(st, 1),
                                     sqlite3_column_int64(st, 2), &net, err);
                if (rc == RK_OK)
                        rc = rk_vat_add(sum, sqlite3_column_int(st, 0), net, err);
        }
        sqlite3_finalize(st);
        return rc;
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
                rc = order_totals(db, v->order.id, &v->totals, err);
        v->total_cents = v->totals.net;
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
        if (rc == RK_ERR_NOTFOUND) /* a restricted customer's order: as if gone */
                rc = rk_error_set(err, RK_ERR_NOTFOUND, RK_CUSTDB_NO_RECORD);
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

static int summaries_run(sqlite3_stmt *st, size_t limit, struct rk_order_summary **out,
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

static const char recent_sql[] =
    "SELECT o.id, o.version, o.number, c.number, o.ordered_on, o.status,"
    " (SELECT count(*) FROM order_lines l WHERE l.order_id=o.id)"
    " FROM orders o JOIN customers c ON c.id=o.customer_id"
    " WHERE (?1 IS NULL OR o.status=?1) AND (c.restricted=0 OR ?2)"
    " ORDER BY o.ordered_on DESC, o.id DESC LIMIT ?3 OFFSET ?4";

/* The warehouse's queue: the orders to pick or ship, oldest first, never
 * of a restricted customer (nobody picks for one). */
static const char queue_sql[] =
    "SELECT o.id, o.version, o.number, c.number, o.ordered_on, o.status,"
    " (SELECT count(*) FROM order_lines l WHERE l.order_id=o.id)"
    " FROM orders o JOIN customers c ON c.id=o.customer_id"
    " WHERE o.status IN ('confirmed','picked') AND c.restricted=0"
    " ORDER BY o.ordered_on, o.id LIMIT ?3 OFFSET ?4"; /* ?1, ?2 unused */

/* One page of summaries by sql (recent_sql or queue_sql), audited as
 * action: one row per page. */
static int list_orders(struct rk_session *s, const char *sql, const char *action,
                       const char *status, size_t offset, size_t limit,
                       struct rk_order_summary **out, size_t *n, struct rk_error *err)
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
                rc = rk_sql_prepare(db, sql, &st, "listing orders", err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 2,
                                 rk_authorize_action(g, RK_ACTION_REQUESTS) ? 1 : 0);
                sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
                sqlite3_bind_int64(st, 4, (sqlite3_int64)offset);
                rc = summaries_run(st, limit, out, n, err);
        }
        sqlite3_finalize(st);
        /* a page of order and customer numbers: one audit row per page */
        if (rc == RK_OK)
                rc = rk_session_audit(s, action, 0, "orders", rk_session_place(s), "ok",
                                      NULL, err);
        free(want);
        if (rc != RK_OK) {
                free(*out);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

int rk_orders_recent(struct rk_session *s, const char *status, size_t offset,
                     size_t limit, struct rk_order_summary **out, size_t *n,
                     struct rk_error *err)
{
        return list_orders(s, recent_sql, "order.list", status, offset, limit, out, n,
                           err);
}

int rk_orders_queue(struct rk_session *s, size_t limit, struct rk_order_summary **out,
                    size_t *n, struct rk_error *err)
{
        return list_orders(s, queue_sql, "order.queue", NULL, 0, limit, out, n, err);
}

/* ---- taking an order --------------------------------------------------- */

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
                    " VALUES(?,?,?,'open')",
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

int rk_order_customer_usable(sqlite3 *db, int64_t id, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT anonymised_at IS NOT NULL, restricted != 0"
                                " FROM customers WHERE id=?",
                                &st, "taking an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW && sqlite3_column_int(st, 0))
                rc = rk_error_set(err, RK_ERR_DENIED,
                                  "Customer: was erased on request; it takes no orders");
        else if (src == SQLITE_ROW && sqlite3_column_int(st, 1))
                rc = rk_error_set(err, RK_ERR_DENIED,
                                  "Customer: processing is restricted (GDPR Art. 18); "
                                  "it takes no orders or changes to them");
        else if (src != SQLITE_ROW)
                rc = rk_sql_fail(db, src, "taking an order", err);
        sqlite3_finalize(st);
        return rc;
}

int rk_order_create(struct rk_session *s, int64_t customer_id,
                    const struct rk_order_line_in *lines, size_t n, int64_t *order_id,
                    char *number, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        char num[RK_ORDER_NUMBER_SIZE];
        int64_t id = 0;
        int rc = rk_order_lines_precheck(g, lines, n, err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, customer_id, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_order_customer_usable(db, customer_id, err);
        if (rc == RK_OK)
                rc = insert_order(db, customer_id, num, &id, err);
        if (rc == RK_OK)
                rc = rk_order_lines_write(db, g, id, lines, n, err);
        static const struct rk_custdb_change what = {
            "order.create", RK_REC_LINE,
            "product_code,product,quantity,unit,unit_price_cents,vat_rate_bp"};
        rc = rk_custdb_end(s, customer_id, true, &what, rc, err);
        if (rc == RK_OK && order_id != NULL)
                *order_id = id;
        if (rc == RK_OK && number != NULL)
                memcpy(number, num, RK_ORDER_NUMBER_SIZE);
        return rc;
}

/* ---- editing an open order ------------------------------------------------ */

int rk_order_state(sqlite3 *db, int64_t order_id, char status[RK_ORDER_STATUS_SIZE],
                   int64_t *version, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "SELECT status, version FROM orders WHERE id=?", &st,
                                "opening an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, order_id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                snprintf(status, RK_ORDER_STATUS_SIZE, "%s",
                         (const char *)sqlite3_column_text(st, 0));
                *version = sqlite3_column_int64(st, 1);
        } else if (src == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such order");
        } else {
                rc = rk_sql_fail(db, src, "opening an order", err);
        }
        sqlite3_finalize(st);
        return rc;
}

int rk_order_bump(sqlite3 *db, int64_t order_id, int64_t expected, const char *status,
                  struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "UPDATE orders SET version=version+1,"
                                " status=coalesce(?, status) WHERE id=? AND version=?",
                                &st, "saving an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, order_id);
        sqlite3_bind_int64(st, 3, expected);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "saving an order", err);
        if (sqlite3_changes(db) != 1)
                return rk_error_set(err, RK_ERR_CONFLICT,
                                    "order: changed by someone else since you opened it");
        return RK_OK;
}

/* Begin on the customer of order_id, check it is at expected and open. */
static int begin_open_order(struct rk_session *s, int64_t order_id, int64_t expected,
                            int64_t *customer_id, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        char status[RK_ORDER_STATUS_SIZE];
        int64_t version = 0;
        int rc = rk_custdb_parent(db, RK_REC_ORDER, order_id, customer_id, err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, *customer_id, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_order_customer_usable(db, *customer_id, err);
        if (rc == RK_OK)
                rc = rk_order_state(db, order_id, status, &version, err);
        if (rc == RK_OK && version != expected)
                rc = rk_error_set(err, RK_ERR_CONFLICT,
                                  "order: changed by someone else since you opened it");
        if (rc == RK_OK && strcmp(status, "open") != 0)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "Status: the order is %s; only an open order's lines "
                                  "can be changed",
                                  status);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

int rk_order_set_lines(struct rk_session *s, int64_t order_id, int64_t expected_version,
                       const struct rk_order_line_in *lines, size_t n,
                       int64_t *new_version, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        int64_t customer_id = 0;
        if (expected_version < 1)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "saving: the version opened is missing");
        int rc = rk_order_lines_precheck(g, lines, n, err);
        if (rc == RK_OK)
                rc = begin_open_order(s, order_id, expected_version, &customer_id, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_order_lines_write(db, g, order_id, lines, n, err);
        if (rc == RK_OK)
                rc = rk_order_bump(db, order_id, expected_version, NULL, err);
        static const struct rk_custdb_change what = {
            "order.lines", RK_REC_LINE,
            "product_code,product,quantity,unit,unit_price_cents,vat_rate_bp"};
        rc = rk_custdb_end(s, customer_id, true, &what, rc, err);
        if (rc == RK_OK && new_version != NULL)
                *new_version = expected_version + 1;
        return rc;
}
