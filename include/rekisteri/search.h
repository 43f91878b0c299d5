/*
 * search.h - customer search: an FTS4 index with prefix indexes, searched
 * only in the columns the session may read.
 *
 * The index (customer_fts, docid = customer id) has one column per search
 * class (fields.h, enum rk_fts_column): keys (customer and order numbers),
 * identity, contact, billing, idcode. Which field feeds which column is
 * the `fts` entry of the field in fields.c; nothing else decides it.
 *
 * Text is folded in C (rk_search_fold) before it is indexed and before it
 * is searched, because SQLCipher 3.4's FTS4 has only the "simple"
 * tokenizer, which folds ASCII alone (Ä and ä must match). Each indexed
 * word starts with the tag letter of its field's group
 * (rk_search_group_tag), so that a search reads doclists of the groups it
 * may read only. A query is split into words; every word must match, as a
 * prefix of a word, in at least one group the session may read. A
 * warehouse user, who reads only orders, therefore searches customer and
 * order numbers and nothing else; billing finds no customer by an order
 * number; a search can never probe a field its user may not read.
 *
 * The index holds personal data (folded). It lives in the encrypted
 * database like everything else; erasure must also run FTS4's 'optimize'
 * so that deleted terms leave the index segments (forget.c does, and
 * tests/e2e/test_erasure.sh checks the decrypted pages).
 */
#ifndef REKISTERI_SEARCH_H
#define REKISTERI_SEARCH_H

#include "rekisteri/error.h"
#include "rekisteri/fields.h"
#include "rekisteri/policy.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define RK_SEARCH_QUERY_MAX 200  /* bytes of user input */
#define RK_SEARCH_WORDS_MAX 8    /* words in one query */
#define RK_SEARCH_MATCH_MAX 4096 /* always holds rk_search_match's output */
#define RK_SEARCH_LIMIT_MAX 1000 /* hits one rk_search_customers call returns */

/*
 * rk_search_index - rebuild the index row of one customer from the
 * database: its own fields, its contact persons and its order numbers.
 * Call it inside the transaction that changed the customer (or one of its
 * contact persons or orders), so the index never disagrees with the data;
 * on failure the caller rolls that transaction back (the row is written
 * by one statement: called alone, it is all or nothing). A customer that
 * no longer exists, or was merged into another, loses its row. Returns
 * RK_OK or a database error (RK_ERR_BUSY, RK_ERR_FULL, RK_ERR_NOMEM, ...).
 */
int rk_search_index(sqlite3 *db, int64_t customer_id, struct rk_error *err);

/*
 * rk_search_reindex_all - rebuild the whole index, after a bulk load or to
 * repair it: the old index is dropped (its pages are zeroed, as
 * secure_delete is on) and every customer is indexed in id order, in a
 * savepoint: all or nothing. Called outside a transaction, it then merges
 * the index into one segment ('optimize', in a transaction of its own:
 * SQLite 3.15.2 loses prefix indexes when 'optimize' runs in the
 * transaction that filled an emptied FTS4 table), so searches read one
 * b-tree. progress (may be NULL) is called every few thousand customers
 * and at the end with done/total; it must not use db.
 */
int rk_search_reindex_all(sqlite3 *db,
                          void (*progress)(void *ctx, int64_t done, int64_t total),
                          void *ctx, struct rk_error *err);

/*
 * Building the whole index during a bulk load, on a second core: the
 * index is made in a private in-memory database by a worker thread while
 * the loader goes on writing rows, and replaces customer_fts at the end.
 * The result is the index rk_search_reindex_all makes (merged into one
 * segment). Use: rk_search_build_start; after each committed range of
 * new customers, rk_search_build_add; then rk_search_build_finish, or
 * rk_search_build_abort to give up. Only the loader's thread calls these,
 * and db is the loader's connection throughout.
 */
struct rk_search_build;

/*
 * rk_search_build_start - start a build for the register db (whose
 * customer_fts schema it copies). *out is the caller's until finish or
 * abort. Errors: RK_ERR_NOMEM (also when no thread can be started),
 * RK_ERR_CORRUPT (no index table), database errors.
 */
int rk_search_build_start(sqlite3 *db, struct rk_search_build **out,
                          struct rk_error *err);

/*
 * rk_search_build_add - queue the index rows of customers with ids from..to
 * (read now, through the connection given to rk_search_build_start; call
 * it after they are written). Ranges must come in ascending id order and not overlap.
 * Waits while the worker is several ranges behind. Returns RK_OK, RK_ERR_NOMEM, a
 * database error, or the worker's earlier failure; after a failure only
 * rk_search_build_abort is left.
 */
int rk_search_build_add(struct rk_search_build *b, int64_t from, int64_t to,
                        struct rk_error *err);

/*
 * rk_search_build_finish - wait for the worker, then, in one savepoint of
 * db, drop customer_fts and fill it with the built index. Refuses
 * (RK_ERR_INVALID, the index left as it was) when the customers added are
 * not all the customers db has. progress (may be NULL) is called once at
 * the end with done/total. b is freed whatever the result. Errors: the
 * worker's, or database errors.
 */
int rk_search_build_finish(struct rk_search_build *b, sqlite3 *db,
                           void (*progress)(void *ctx, int64_t done, int64_t total),
                           void *ctx, struct rk_error *err);

/* rk_search_build_abort - stop the worker and free b; customer_fts is left
 * as it was. NULL is fine. */
void rk_search_build_abort(struct rk_search_build *b);

/*
 * rk_search_match - build the FTS4 MATCH expression for query, searching
 * only columns whose group g may read (the keys column needs read access
 * to any group). The query is untrusted input: it is folded
 * (rk_search_fold), so every character that is not a letter or digit
 * separates words, and each word becomes one prefix term per readable
 * column, "TAGword*", OR-ed; no FTS operator, quote or column filter can
 * be injected. out (outsz bytes;
 * RK_SEARCH_MATCH_MAX always suffices) gets a NUL-terminated expression.
 * Returns RK_OK; RK_ERR_INVALID when the query is longer than
 * RK_SEARCH_QUERY_MAX bytes, has no word or more than RK_SEARCH_WORDS_MAX
 * words, or out is too small; RK_ERR_DENIED when g may search no column;
 * RK_ERR_NOMEM. On failure out is "" (when outsz > 0). Messages never
 * repeat the query.
 */
int rk_search_match(const char *query, const struct rk_grants *g, char *out, size_t outsz,
                    struct rk_error *err);

/* One search hit: only what the session may read is filled (NULL otherwise). */
struct rk_search_hit {
        int64_t id;
        char number[24]; /* customer number: every customer role reads it */
        char *name;      /* identity; NULL unless g reads identity */
        char *city;      /* contact; NULL unless g reads contact */
};

/*
 * rk_search_customers - up to limit (at most RK_SEARCH_LIMIT_MAX) hits for
 * query, in customer id order (the order FTS4 produces; there is no
 * ranking, so the first hits come without sorting every match). The
 * array (*hits, *n) is malloc'd, even when empty, and released with
 * rk_search_free. Restricted subjects (GDPR Art. 18) are left out unless
 * g grants RK_ACTION_REQUESTS. Only the readable columns of a hit are read
 * from the database at all. Errors as rk_search_match, plus database
 * errors; *hits is NULL and *n 0 on failure. The caller records the read
 * in the audit trail.
 */
int rk_search_customers(sqlite3 *db, const struct rk_grants *g, const char *query,
                        size_t limit, struct rk_search_hit **hits, size_t *n,
                        struct rk_error *err);

/* rk_search_free - release hits from rk_search_customers; NULL is fine. */
void rk_search_free(struct rk_search_hit *hits, size_t n);

/* rk_search_group_tag - the letter that starts every indexed word from a
 * field of group ('i', 'c', 'b', 'h', 'o', ...), or 'k' for RK_GROUP_COUNT
 * (the customer number); '\0' for anything else. */
char rk_search_group_tag(enum rk_group group);

/*
 * rk_search_groups - what a session with grants g may search, as a bit set
 * of groups (1u << group): every group it reads that has an indexed field
 * in the field table, and bit RK_GROUP_COUNT (customer numbers) when it
 * reads any group at all. 0: nothing to search.
 */
unsigned rk_search_groups(const struct rk_grants *g);

/*
 * rk_search_tag_words - the folded text (rk_search_fold's output) with tag
 * before each word, as stored in the index: "aino virtanen" from a name
 * (tag 'i') is "iaino ivirtanen". Returns a malloc'd string, or NULL (no
 * memory, tag '\0').
 */
char *rk_search_tag_words(const char *folded, char tag);

/*
 * rk_search_fold - fold UTF-8 text for the index and for queries: invalid
 * bytes are dropped, each code point is lower-cased with towlower() in the
 * C.UTF-8 locale, and each run of code points that are not letters or
 * digits (iswalnum) becomes one space; no leading or trailing space.
 * "Hämäläinen-Åström, O'Brien" -> "hämäläinen åström o brien". Returns a
 * malloc'd string for the caller to free, or NULL (text NULL, no memory).
 */
char *rk_search_fold(const char *text);

#endif
