/*
 * search.h - customer search: an FTS4 index with prefix indexes, searched
 * only in the columns the session may read.
 *
 * The index (customer_fts, docid = customer id) has one column per search
 * class (fields.h, enum rk_fts_column): keys (customer and order numbers),
 * identity, contact, billing, idcode. Text is case-folded in C before it is
 * indexed and before it is searched, because SQLCipher 3.4's FTS4 has only
 * the "simple" tokenizer, which folds ASCII alone (Ä and ä must match).
 * A query is split into words; every word must match (as a prefix) in at
 * least one column the session may read: a warehouse user, who reads only
 * orders, therefore searches customer and order numbers and nothing else.
 */
#ifndef REKISTERI_SEARCH_H
#define REKISTERI_SEARCH_H

#include "rekisteri/error.h"
#include "rekisteri/fields.h"
#include "rekisteri/policy.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define RK_SEARCH_QUERY_MAX 200 /* bytes of user input */
#define RK_SEARCH_WORDS_MAX 8

/*
 * rk_search_index - rebuild the index row of one customer from the
 * database (its fields, contact persons and order numbers). Call inside the
 * transaction that changed the customer. A customer that no longer exists
 * loses its row.
 */
int rk_search_index(sqlite3 *db, int64_t customer_id, struct rk_error *err);

/*
 * rk_search_reindex_all - rebuild the whole index (after a bulk load).
 * progress (may be NULL) is called now and then with done/total.
 */
int rk_search_reindex_all(sqlite3 *db, void (*progress)(void *ctx, int64_t done, int64_t total),
                          void *ctx, struct rk_error *err);

/*
 * rk_search_match - build the FTS4 MATCH expression for query, searching
 * only columns whose group g may read (the keys column needs any customer
 * group). Words are folded and stripped of everything but letters and
 * digits, so no FTS operator can be injected. Writes into out; returns
 * RK_OK, RK_ERR_INVALID when the query has no searchable word or is longer
 * than RK_SEARCH_QUERY_MAX, RK_ERR_DENIED when g may search no column.
 */
int rk_search_match(const char *query, const struct rk_grants *g, char *out, size_t outsz,
                    struct rk_error *err);

/* One search hit: only what the session may read is filled (NULL otherwise). */
struct rk_search_hit {
        int64_t id;
        char number[24];
        char *name; /* identity */
        char *city; /* contact */
};

/*
 * rk_search_customers - up to limit hits for query, as a malloc'd array
 * (*hits, *n) that rk_search_free releases. Restricted subjects are left
 * out unless g may handle requests.
 */
int rk_search_customers(sqlite3 *db, const struct rk_grants *g, const char *query, size_t limit,
                        struct rk_search_hit **hits, size_t *n, struct rk_error *err);

void rk_search_free(struct rk_search_hit *hits, size_t n);

/* rk_search_fold - case-fold UTF-8 text for the index (towlower per code
 * point; invalid bytes dropped). Returns a malloc'd string or NULL. */
char *rk_search_fold(const char *text);

#endif
