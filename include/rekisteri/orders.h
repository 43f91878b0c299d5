/*
 * orders.h - customers' orders and their lines: taking an order, moving it
 * through its statuses, and the warehouse's paths (recent orders, one
 * order with its lines).
 *
 * Order fields are in the orders group, except unit prices and totals,
 * which are in order_amounts. A session that reads orders but no customer
 * group (the warehouse) sees each order's customer only as its customer
 * number: the views below have no slot for a name or an address at all.
 * Orders are kept for bookkeeping; they are never deleted here.
 */
#ifndef REKISTERI_ORDERS_H
#define REKISTERI_ORDERS_H

#include "rekisteri/error.h"
#include "rekisteri/policy.h"
#include "rekisteri/record.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RK_CUSTOMER_NUMBER_SIZE 8  /* "C000123" */
#define RK_ORDER_NUMBER_SIZE    13 /* "O2026-000123" */
#define RK_ORDERS_PAGE_MAX      500

/* One order as a session may see it. */
struct rk_order_view {
        struct rk_record_view order; /* number, ordered_on, status when readable */
        struct rk_record_view
            *lines; /* product, quantity, unit_price_cents as readable */
        size_t nlines;
        bool has_total;      /* true only when order amounts are readable */
        int64_t total_cents; /* sum of quantity * unit price */
        int64_t customer_id;
        char customer_number[RK_CUSTOMER_NUMBER_SIZE];
};

/* One line of a new order, as typed: product text, a whole quantity of at
 * least 1, and a unit price in euros ("12,50"; NULL or "" for none, which
 * stores 0 and needs no order_amounts write). */
struct rk_order_line_in {
        const char *product;
        const char *quantity;
        const char *unit_price;
};

/* One row of the warehouse's order list. */
struct rk_order_summary {
        int64_t id;
        int64_t version;
        char number[RK_ORDER_NUMBER_SIZE];
        char customer_number[RK_CUSTOMER_NUMBER_SIZE];
        char ordered_on[11];
        char status[16];
        size_t nlines;
};

/*
 * rk_order_create - a new order for customer_id with n >= 1 lines, dated
 * today, status "new", numbered "O" + year + "-" + 6 digits (the year's
 * next number). Needs write on orders, and on order_amounts when any line
 * has a price. Stamps the customer's last activity. *order_id and number
 * (RK_ORDER_NUMBER_SIZE; each may be NULL) get the new order's.
 * RK_ERR_DENIED, RK_ERR_NOTFOUND (customer), RK_ERR_INVALID naming the
 * line and field.
 */
int rk_order_create(struct rk_session *s, int64_t customer_id,
                    const struct rk_order_line_in *lines, size_t n, int64_t *order_id,
                    char *number, struct rk_error *err);

/*
 * rk_order_set_status - move order_id to status (one of the choices in
 * fields.c) if it is still at expected_version: RK_ERR_CONFLICT when
 * someone else changed it first, and nothing is written. Needs write on
 * orders (the default warehouse role reads only).
 */
int rk_order_set_status(struct rk_session *s, int64_t order_id, int64_t expected_version,
                        const char *status, struct rk_error *err);

/*
 * rk_orders_recent - up to limit (1..RK_ORDERS_PAGE_MAX) orders, newest
 * first, skipping offset, only those with status when status is non-NULL.
 * Needs read on orders. Orders of restricted customers are left out
 * unless the session handles data-subject requests. *out is malloc'd (free
 * with free()); *n its length.
 */
int rk_orders_recent(struct rk_session *s, const char *status, size_t offset,
                     size_t limit, struct rk_order_summary **out, size_t *n,
                     struct rk_error *err);

/*
 * rk_order_load - one order with its lines, holding only the fields of
 * the groups in want that the session may read (orders and/or
 * order_amounts), and the customer's number. RK_ERR_DENIED when nothing
 * requested is readable or the customer is restricted, RK_ERR_NOTFOUND.
 * Clear out with rk_order_view_clear.
 */
int rk_order_load(struct rk_session *s, int64_t order_id, rk_groupset want,
                  struct rk_order_view *out, struct rk_error *err);

/* rk_order_view_clear - free what v holds and zero it; NULL is fine. */
void rk_order_view_clear(struct rk_order_view *v);

/* rk_order_views_free - clear n views and free the array. */
void rk_order_views_free(struct rk_order_view *v, size_t n);

#endif
