/*
 * order_db.h - what the order modules (orders.c, order_lines.c,
 * order_flow.c, order_pick.c) share inside the core library.
 */
#ifndef REKISTERI_ORDER_DB_H
#define REKISTERI_ORDER_DB_H

#include "customer_db.h"

/*
 * rk_order_lines_write - check lines[0..n) (grants of g, quantities,
 * typed prices, products in the catalogue) and make them the lines of
 * order_id (replacing any stored ones), inside the caller's write
 * transaction. A line whose line_id is a stored line of the order for the
 * same product, with no price typed, keeps the price and VAT rate it was
 * sold at. Errors name the line and product; the caller rolls back.
 */
int rk_order_lines_write(sqlite3 *db, const struct rk_grants *g, int64_t order_id,
                         const struct rk_order_line_in *lines, size_t n,
                         struct rk_error *err);

/* rk_order_lines_precheck - the checks of rk_order_lines_write that need
 * no database (grants, count, quantities, price text), before a
 * transaction is begun. */
int rk_order_lines_precheck(const struct rk_grants *g,
                            const struct rk_order_line_in *lines, size_t n,
                            struct rk_error *err);

/* rk_order_customer_usable - RK_ERR_DENIED when customer id was erased
 * (anonymised) or its processing is restricted, whoever asks (a request
 * handler may open a restricted customer, but not sell to it): no new
 * order or change of lines for it. */
int rk_order_customer_usable(sqlite3 *db, int64_t id, struct rk_error *err);

/* rk_order_state - the stored status and version of order_id. */
int rk_order_state(sqlite3 *db, int64_t order_id, char status[RK_ORDER_STATUS_SIZE],
                   int64_t *version, struct rk_error *err);

/* rk_order_bump - version + 1 of order_id (and status when not NULL), if
 * it is still at expected: RK_ERR_CONFLICT otherwise. */
int rk_order_bump(sqlite3 *db, int64_t order_id, int64_t expected, const char *status,
                  struct rk_error *err);

#endif
