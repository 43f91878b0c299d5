/*
 * orders.h - customers' orders and their lines: taking an order from the
 * product catalogue, editing its lines while it is open, moving it
 * through its statuses, and the warehouse's paths (recent orders, the
 * picking queue, one order with its lines, the picking list).
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
#include "rekisteri/money.h"
#include "rekisteri/policy.h"
#include "rekisteri/record.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RK_CUSTOMER_NUMBER_SIZE 8  /* "C000123" */
#define RK_ORDER_NUMBER_SIZE    13 /* "O2026-000123" */
#define RK_ORDERS_PAGE_MAX      500
#define RK_ORDER_LINES_MAX      100
#define RK_ORDER_STATUS_SIZE    16
#define RK_ORDER_QUANTITY_MAX   999999999 /* nine digits, the field's length */

/* One order as a session may see it. */
struct rk_order_view {
        struct rk_record_view order; /* number, ordered_on, status when readable */
        struct rk_record_view
            *lines; /* product, quantity, unit_price_cents as readable */
        size_t nlines;
        bool has_total;           /* true only when order amounts are readable */
        int64_t total_cents;      /* net: sum of quantity * unit price */
        struct rk_vat_sum totals; /* net, VAT per rate, gross (with has_total) */
        int64_t customer_id;
        char customer_number[RK_CUSTOMER_NUMBER_SIZE];
};

/*
 * One line of an order, as typed: a product code from the catalogue (an
 * active product), a whole quantity of at least 1, and a unit price in
 * euros ("12,50"; NULL or "" takes the catalogue's price, and only a role
 * that writes order amounts may give one). The line copies the product's
 * name, unit, price and VAT rate, so later catalogue changes leave it as
 * sold. line_id (0 for a new line) names a stored line being edited: with
 * no price typed, it keeps the price and VAT rate it was sold at.
 */
struct rk_order_line_in {
        const char *code;
        const char *quantity;
        const char *unit_price;
        int64_t line_id;
};

/*
 * rk_order_quantity_check - a line's quantity as typed, read as the field
 * reads it (blanks around it cut, full-width digits as digits): a whole
 * number from 1 to RK_ORDER_QUANTITY_MAX into *qty. Anything else is
 * RK_ERR_INVALID naming the field "quantity", with a message that says
 * what is accepted. Needs no register: forms and the command line check
 * with it before they save, and every saved line is checked with it.
 */
int rk_order_quantity_check(const char *typed, int64_t *qty, struct rk_error *err);

/* One row of the warehouse's order list. */
struct rk_order_summary {
        int64_t id;
        int64_t version;
        char number[RK_ORDER_NUMBER_SIZE];
        char customer_number[RK_CUSTOMER_NUMBER_SIZE];
        char ordered_on[11];
        char status[RK_ORDER_STATUS_SIZE];
        size_t nlines;
};

/*
 * rk_order_create - a new order for customer_id with 1..RK_ORDER_LINES_MAX
 * lines, dated today, status "open", numbered "O" + year + "-" + 6 digits
 * (the year's next number), in one transaction with its audit row. Needs
 * write on orders, and on order_amounts when any line has a typed price.
 * Stamps the customer's last activity. *order_id and number
 * (RK_ORDER_NUMBER_SIZE; each may be NULL) get the new order's.
 * RK_ERR_DENIED (role, restricted or erased customer), RK_ERR_NOTFOUND
 * (customer), RK_ERR_INVALID naming the line, its product and the field
 * ("Line 2 (P0004): Quantity: ..."), an unknown or inactive product, or a
 * total too large. Nothing is written on any error.
 */
int rk_order_create(struct rk_session *s, int64_t customer_id,
                    const struct rk_order_line_in *lines, size_t n, int64_t *order_id,
                    char *number, struct rk_error *err);

/*
 * rk_order_set_lines - replace the lines of order_id, which must still be
 * open, if it is still at expected_version (RK_ERR_CONFLICT otherwise).
 * Lines are checked as for rk_order_create; *new_version (may be NULL)
 * gets the order's version after the save.
 */
int rk_order_set_lines(struct rk_session *s, int64_t order_id, int64_t expected_version,
                       const struct rk_order_line_in *lines, size_t n,
                       int64_t *new_version, struct rk_error *err);

/*
 * rk_order_set_status - move order_id to status if it is still at
 * expected_version (RK_ERR_CONFLICT when someone else changed it first,
 * and nothing is written). The allowed moves and who may make each are
 * one table (order_flow.c): open -> confirmed -> picked -> shipped ->
 * delivered, and open or confirmed -> cancelled. Sales steps need write
 * on orders; picked and shipped need the picking action (the
 * warehouse). RK_ERR_INVALID for a move the table does not have (the
 * message names the moves that are), RK_ERR_DENIED for a role that may
 * not make it. Audited with who and when, in the same transaction.
 */
int rk_order_set_status(struct rk_session *s, int64_t order_id, int64_t expected_version,
                        const char *status, struct rk_error *err);

/*
 * rk_order_next_statuses - the statuses an order at `from` may move to
 * that the session's role may make, into out[0..max) (each
 * RK_ORDER_STATUS_SIZE); returns how many.
 */
/* rk_order_status_label - an order's status ("shipped") as people read it,
 * in the language of the messages (i18n.h); an unknown one as it is. */
const char *rk_order_status_label(const char *status);

size_t rk_order_next_statuses(const struct rk_grants *g, const char *from,
                              char (*out)[RK_ORDER_STATUS_SIZE], size_t max);

/*
 * rk_orders_queue - the warehouse's queue: up to limit
 * (1..RK_ORDERS_PAGE_MAX) orders that are confirmed (to pick) or picked
 * (to ship), oldest first. Needs read on orders; the summaries hold the
 * customer as its number only. Orders of restricted customers are left
 * out. One audit row per call. *out as rk_orders_recent.
 */
int rk_orders_queue(struct rk_session *s, size_t limit, struct rk_order_summary **out,
                    size_t *n, struct rk_error *err);

/*
 * rk_order_picking_list - write the picking list of order_id to path, a
 * new file (mode 0600; an existing file is never overwritten:
 * RK_ERR_EXISTS): order number, date, status, the customer's number and
 * the lines (code, product, quantity, unit). It holds no personal data:
 * no name, address or contact detail, whoever prints it. Needs read on
 * orders; recorded in the audit trail before the file is written.
 */
int rk_order_picking_list(struct rk_session *s, int64_t order_id, const char *path,
                          struct rk_error *err);

/*
 * rk_order_find - the id of the order numbered number, for a session that
 * reads orders or only their amounts (billing, with the number from an
 * invoice); it reads nothing else and records nothing (rk_order_load
 * does). RK_ERR_NOTFOUND, RK_ERR_DENIED.
 */
int rk_order_find(struct rk_session *s, const char *number, int64_t *order_id,
                  struct rk_error *err);

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
