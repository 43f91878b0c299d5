/*
 * forget.h - the one way to forget a person. Data-subject erasure
 * (dsr.h) and retention both call this module and nothing else, so there
 * is a single definition of "forgotten" to review and to test.
 *
 * Forgetting customer C, inside the caller's write transaction:
 *   - its contact persons, notes, consents and objections are deleted;
 *   - orders still under the bookkeeping hold (the Accounting Act: until
 *     `bookkeeping_years` after the end of the financial year of the order
 *     date, config [requests]) are kept with their lines, amounts and
 *     quantities; in RK_FORGET_ERASE mode the other orders are deleted, in
 *     RK_FORGET_ANONYMISE mode every order is kept;
 *   - the customer row stays as a stub: every personal field (fields.c
 *     personal = 1) and every identity-group field is emptied, kind and
 *     country stay, anonymised_at is set, a restriction is cleared (there
 *     is nothing left to restrict). The stub keeps the customer
 *     number in use, so a number is never given to someone else, and the
 *     orders kept still have their customer;
 *   - the keyed hashes of its e-mail addresses, phone numbers and identity
 *     code go to the suppression list (suppress.h) and are returned for the
 *     erasure ledger;
 *   - its row leaves the search index and the FTS index is optimised
 *     (merged into one segment), so the old terms leave the index b-tree;
 *     the stub has nothing to be found by.
 * After COMMIT, rk_forget_flush() truncates the WAL and checks that
 * secure_delete is on, so no copy of the old pages stays on disk.
 */
#ifndef REKISTERI_FORGET_H
#define REKISTERI_FORGET_H

#include "rekisteri/clock.h"
#include "rekisteri/config.h"
#include "rekisteri/error.h"
#include "rekisteri/orders.h"
#include "rekisteri/suppress.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

enum rk_forget_mode {
        RK_FORGET_ERASE,     /* erasure request: orders past their hold go too */
        RK_FORGET_ANONYMISE, /* retention: every order stays, the person goes */
};

/* What forgetting one customer does (or did): counts per table. */
struct rk_forget_plan {
        int64_t customer_id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        int64_t created_at;     /* of the customer row: identifies it in the ledger */
        bool already;           /* anonymised before: nothing personal is left */
        int64_t contacts;       /* deleted */
        int64_t notes;          /* deleted */
        int64_t consents;       /* deleted */
        int64_t objections;     /* deleted */
        int64_t orders_deleted; /* with their lines */
        int64_t lines_deleted;
        int64_t orders_held; /* kept under the bookkeeping hold */
        int64_t lines_held;
        char held_until[RK_DATE_TEXT]; /* the latest hold end, "" when none */
        struct rk_ident_hash *hashes;  /* filled by rk_forget_customer only */
        size_t nhashes;
};

/*
 * rk_hold_until - the last day an order dated ordered_on must be kept: the
 * end of its financial year (cfg->financial_year_end) plus
 * cfg->bookkeeping_years years. RK_ERR_INVALID for a malformed date.
 */
int rk_hold_until(const struct rk_config *cfg, const char *ordered_on,
                  char out[RK_DATE_TEXT], struct rk_error *err);

/*
 * rk_forget_plan_customer - what rk_forget_customer would do to customer id
 * on day `today` (YYYY-MM-DD), without changing anything. RK_ERR_NOTFOUND.
 * Free with rk_forget_plan_clear.
 */
int rk_forget_plan_customer(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                            enum rk_forget_mode mode, const char *today,
                            struct rk_forget_plan *out, struct rk_error *err);

/*
 * rk_forget_customer - forget customer id as described above, inside the
 * caller's open write transaction; `now` is Unix time (anonymised_at, and
 * the hold is judged on its local date). *done (may be NULL) gets what was
 * done, including the identifier hashes for the ledger; clear it with
 * rk_forget_plan_clear. On failure the caller rolls back.
 */
int rk_forget_customer(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                       enum rk_forget_mode mode, int64_t now, struct rk_forget_plan *done,
                       struct rk_error *err);

/*
 * rk_forget_customer_deferred - rk_forget_customer for bulk forgetting
 * (retention), with the merge of the search index left to the caller: the
 * customer's index row is replaced by the stub's, but the old terms stay in
 * older index segments until rk_forget_optimize_index runs. One merge of a
 * large index rewrites all of it (seconds for a million customers), so a
 * run of thousands of forgets merges once at the end. The caller MUST call
 * rk_forget_optimize_index (then rk_forget_flush) after its last COMMIT,
 * and again after an interrupted run (retention.c does so on every run).
 */
int rk_forget_customer_deferred(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                                enum rk_forget_mode mode, int64_t now,
                                struct rk_forget_plan *done, struct rk_error *err);

/*
 * rk_forget_merged - turn customer id, merged into another customer
 * (merge.h), into a stub, inside the caller's transaction: the caller has
 * moved its records to the survivor and copied the values kept; here
 * every field of the row but the kind and the country is emptied (a
 * company's business ID too), anonymised_at is set, the row leaves the
 * search index and the index is merged (the terms of the values not kept
 * leave the b-tree), and a WAL truncation is owed: call rk_forget_flush
 * after the COMMIT. Nothing goes to the suppression list or the ledger:
 * the person is not forgotten, they live on as the survivor.
 * RK_ERR_NOTFOUND; on failure the caller rolls back.
 */
int rk_forget_merged(sqlite3 *db, int64_t id, int64_t now, struct rk_error *err);

/*
 * rk_forget_optimize_index - merge the search index into one segment
 * (FTS4 'optimize') in a transaction of its own, so the terms of every row
 * deleted before leave the index b-tree and, with secure_delete, the
 * file. Call outside a transaction. RK_OK or a database error.
 */
int rk_forget_optimize_index(sqlite3 *db, struct rk_error *err);

/*
 * rk_forget_contact - forget one contact person (a data subject who is a
 * company's contact, not a customer): its identifier hashes go to the
 * suppression list (appended to the malloc'd array *hashes of *nhashes; both may be
 * NULL), the row is deleted and the company's search row rebuilt. Inside the caller's
 * transaction. RK_ERR_NOTFOUND.
 */
int rk_forget_contact(sqlite3 *db, int64_t contact_id, int64_t now,
                      struct rk_ident_hash **hashes, size_t *nhashes,
                      struct rk_error *err);

/*
 * rk_forget_flush - after the COMMIT of a forgetting transaction: truncate the WAL
 * (wal_checkpoint(TRUNCATE)) so no old page image stays in it, and check that
 * secure_delete is on (freed pages were zeroed). RK_ERR_BUSY when another session's
 * reader kept the WAL from being truncated (try again when it has logged out);
 * RK_ERR_INTERNAL when secure_delete is off. On success the WAL debt
 * (see below) is cleared.
 */
int rk_forget_flush(sqlite3 *db, struct rk_error *err);

/*
 * Scrub debt. A forgetting records in its own transaction the scrub work
 * it owes (scrub_debt): the WAL truncation always, the index merge when it
 * was deferred. rk_forget_optimize_index and rk_forget_flush remove the
 * row when the work is done; a kill, a reader or a full disk leave it,
 * and the next session pays it (rk_forget_settle, called when a session
 * opens and when it ends, and by retention).
 */
struct rk_scrub_debt {
        int64_t index_since; /* an index merge owed since then; 0: none */
        int64_t wal_since;   /* a WAL truncation owed since then; 0: none */
};

/* rk_forget_debt - what is owed now. */
int rk_forget_debt(sqlite3 *db, struct rk_scrub_debt *out, struct rk_error *err);

/*
 * rk_forget_settle - pay what is owed: merge the index, then truncate the
 * WAL without waiting for readers (the connection's busy handler is put
 * back with busy_ms afterwards). Call outside a transaction. *left (may be
 * NULL) gets what is still owed: a WAL held by a reader is not an error.
 * Errors: the database's (a full disk, RK_ERR_IO), with the debt kept.
 */
int rk_forget_settle(sqlite3 *db, long long busy_ms, struct rk_scrub_debt *left,
                     struct rk_error *err);

/* rk_forget_plan_clear - free the hashes and zero p; NULL is fine. */
void rk_forget_plan_clear(struct rk_forget_plan *p);

#endif
