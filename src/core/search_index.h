/*
 * search_index.h - the pieces of search_index.c that the bulk index build
 * (search_build.c) shares, so that both make exactly the same index rows
 * from the same SELECT. Internal to the core library.
 */
#ifndef REKISTERI_SEARCH_INDEX_H
#define REKISTERI_SEARCH_INDEX_H

#include "rekisteri/error.h"
#include "rekisteri/fields.h"

#include <sqlite3.h>
#include <stdint.h>

/*
 * rk_search_rows_prepare - prepare the SELECT that yields, for each
 * customer matching the SQL condition where (on alias c, fixed text; values
 * go in as parameters the caller binds), in id order, the id and the raw
 * text of every search column. The caller finalizes *sel. Errors:
 * RK_ERR_NOMEM, RK_ERR_INTERNAL, database errors.
 */
int rk_search_rows_prepare(sqlite3 *db, const char *where, sqlite3_stmt **sel,
                           struct rk_error *err);

/*
 * rk_search_row_texts - the folded, tagged text of every search column of
 * the current row of sel, as stored in the index. texts[] gets malloc'd
 * strings the caller owns (or hands to rk_search_insert_row). On failure
 * (RK_ERR_NOMEM) every texts[] is NULL.
 */
int rk_search_row_texts(sqlite3_stmt *sel, char *texts[RK_FTS_COUNT],
                        struct rk_error *err);

/*
 * rk_search_insert_prepare - prepare "INSERT INTO table(docid, columns...)"
 * for rk_search_insert_row; table is fixed text ("customer_fts"). The
 * caller finalizes *ins.
 */
int rk_search_insert_prepare(sqlite3 *db, const char *table, sqlite3_stmt **ins,
                             struct rk_error *err);

/*
 * rk_search_insert_row - insert one index row: docid and texts[], whose
 * ownership passes to this call (they are freed, and set to NULL, whatever
 * the result). Returns RK_OK or a database error.
 */
int rk_search_insert_row(sqlite3 *db, sqlite3_stmt *ins, int64_t docid,
                         char *texts[RK_FTS_COUNT], struct rk_error *err);

/*
 * rk_search_index_ddl - the CREATE VIRTUAL TABLE text of main.customer_fts,
 * malloc'd into *ddl for the caller to free. RK_ERR_CORRUPT when the table
 * is missing.
 */
int rk_search_index_ddl(sqlite3 *db, char **ddl, struct rk_error *err);

/*
 * rk_search_recreate - drop main.customer_fts (secure_delete zeroes its
 * pages) and create it again, empty, from its own schema text. Run it in
 * the caller's transaction or savepoint.
 */
int rk_search_recreate(sqlite3 *db, struct rk_error *err);

/* rk_search_count_customers - the number of rows in customers. */
int rk_search_count_customers(sqlite3 *db, int64_t *total, struct rk_error *err);

/*
 * rk_search_upgrade - a register whose index was built before words were
 * tagged by field group (order numbers under the customer-number tag) is
 * re-indexed once, in one transaction, and marked in meta; afterwards, and
 * for a new register, this is one lookup. Called when the store opens.
 * The rebuilt index is then merged into one segment per index (FTS4
 * 'optimize') in a transaction of its own, as it cannot be merged in the
 * rebuild's: meta records the merge as owed until it is done, so a kill
 * or a failure between the two leaves it to the next opening.
 * progress (may be NULL) hears of the re-indexing as rk_search_reindex_all
 * reports it, only when there is one to do and customers to index.
 * Returns RK_OK or a database error of the rebuild or the merge.
 */
int rk_search_upgrade(sqlite3 *db,
                      void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                      struct rk_error *err);

#endif
