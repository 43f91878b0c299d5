/*
 * product_db.h - what orders.c needs of the catalogue inside its own
 * write transaction: one product by code, with no permission check (the
 * caller has checked its own).
 */
#ifndef REKISTERI_PRODUCT_DB_H
#define REKISTERI_PRODUCT_DB_H

#include "rekisteri/products.h"

#include <sqlite3.h>

/* rk_product_lookup - product code (matched in capitals) into *out.
 * RK_ERR_NOTFOUND names the code as typed, cropped to the code limit. */
int rk_product_lookup(sqlite3 *db, const char *code, struct rk_product *out,
                      struct rk_error *err);

#endif
