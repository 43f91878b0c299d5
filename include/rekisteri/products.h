/*
 * products.h - the product catalogue: what sales can put on an order.
 *
 * A product has a code (its key, letters, digits, '-', '_' and '.', kept
 * in capitals), a name, a unit, a net unit price in cents and a VAT rate
 * (basis points; one of the configured [vat] rates), and is active or not.
 * Products are not personal data; reading the catalogue needs read on
 * orders (every role that handles orders) or the products action, and
 * changing it needs the products action (the supervisor by default).
 * Every change is one transaction with its audit row. A product is never
 * deleted, only deactivated: an order line keeps its own copy of what it
 * was sold as, and an inactive product cannot be put on a new order.
 */
#ifndef REKISTERI_PRODUCTS_H
#define REKISTERI_PRODUCTS_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RK_PRODUCT_CODE_MAX 32
#define RK_PRODUCT_NAME_MAX 120
#define RK_PRODUCT_UNIT_MAX 16
#define RK_PRODUCTS_MAX     200 /* one page of a list or a search */

struct rk_product {
        int64_t id, version;
        char code[RK_PRODUCT_CODE_MAX + 1];
        char name[RK_PRODUCT_NAME_MAX * 4 + 1];
        char unit[RK_PRODUCT_UNIT_MAX * 4 + 1];
        int64_t price_cents;
        int vat_bp;
        bool active;
};

/* A product as typed; for rk_product_set, NULL leaves a field as it is.
 * price is euros ("12,50"), vat a percentage ("25.5"). */
struct rk_product_in {
        const char *code, *name, *unit, *price, *vat;
};

struct rk_config;

/*
 * rk_product_check - the fields given in in (NULL: not given) checked as
 * rk_product_add and rk_product_set check them, with no register: the
 * code's letters, the texts, the price in euros and the VAT rate among
 * cfg's rates. For a front end that checks typed values first (the
 * command line, before unlocking). RK_ERR_INVALID naming the field.
 */
int rk_product_check(const struct rk_config *cfg, const struct rk_product_in *in,
                     struct rk_error *err);

/*
 * rk_product_add - a new, active product; every field is required.
 * RK_ERR_DENIED without the products action, RK_ERR_INVALID naming the
 * field ("Code: ...", "Unit price: ...", "VAT rate: ..."), RK_ERR_EXISTS
 * when the code is taken.
 */
int rk_product_add(struct rk_session *s, const struct rk_product_in *in,
                   struct rk_error *err);

/*
 * rk_product_set - change the fields given of product code (in->code is
 * ignored); expected_version 0 takes whatever is stored, else
 * RK_ERR_CONFLICT when someone changed it first. Orders already taken
 * keep their prices. RK_ERR_NOTFOUND, RK_ERR_DENIED, RK_ERR_INVALID.
 */
int rk_product_set(struct rk_session *s, const char *code, int64_t expected_version,
                   const struct rk_product_in *in, struct rk_error *err);

/* rk_product_deactivate - take product code off sale (it stays in the
 * catalogue and on past orders). RK_ERR_NOTFOUND, RK_ERR_DENIED. */
int rk_product_deactivate(struct rk_session *s, const char *code, struct rk_error *err);

/*
 * rk_products_find - up to limit (1..RK_PRODUCTS_MAX) products, by code:
 * those whose code starts with query or whose name contains it (case
 * folded for ASCII; NULL or "" lists all), codes in order; only active ones
 * when active_only. *out is malloc'd (free()), *n its length.
 */
int rk_products_find(struct rk_session *s, const char *query, bool active_only,
                     size_t limit, struct rk_product **out, size_t *n,
                     struct rk_error *err);

/* rk_product_get - product code (any case) into *out. RK_ERR_NOTFOUND
 * ("no product with code X"), RK_ERR_DENIED. */
int rk_product_get(struct rk_session *s, const char *code, struct rk_product *out,
                   struct rk_error *err);

#endif
