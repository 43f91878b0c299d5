/*
 * duplicates.h - customers in the register that are likely the same
 * person or company, found with the matcher the import uses (match.h in
 * the core): the same Y-tunnus, henkilötunnus, e-mail (without regard to
 * case) or phone number, or a name one typo away in the same postal code;
 * a conflicting Y-tunnus or henkilötunnus rules a pair out. Anonymised
 * and erased stubs take no part.
 *
 * How it scales: one pass reads every live customer, then pairs are made
 * only inside blocks that share a key: an exact key's value, or, inside
 * one postal code, a name key with at most one letter deleted (two keys
 * one edit apart always share one). A million customers are one read and
 * a few sorts, not a trillion comparisons (tests/bench/bench_duplicates.c).
 *
 * A key value shared by more than RK_DUP_CROWD customers (a switchboard
 * number, a shared info@ address, a name common in one postal code) says
 * little about any two of them: such a block is not paired, and its
 * customers are counted in `crowded`.
 */
#ifndef REKISTERI_DUPLICATES_H
#define REKISTERI_DUPLICATES_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why two records look like one customer, in the matching order. */
enum rk_match_reason {
        RK_MATCH_NONE,
        RK_MATCH_NUMBER,
        RK_MATCH_BUSINESS_ID,
        RK_MATCH_HETU,
        RK_MATCH_EMAIL,
        RK_MATCH_PHONE,
        RK_MATCH_SIMILAR_NAME
};

/* rk_match_reason_id - a stable name of reason for output meant for
 * programs: "number", "business-id", "hetu", "email", "phone",
 * "similar-name" ("none"). Not translated. */
const char *rk_match_reason_id(enum rk_match_reason reason);

/* rk_match_reason_label - the reason as a person reads it, translated. */
const char *rk_match_reason_label(enum rk_match_reason reason);

#define RK_DUP_CROWD 16

/* One likely duplicate: the two customers (the lower id first), the
 * strongest reason found (a tie goes to the earlier key) and its score
 * (0..100, as match.h scores them). */
struct rk_duplicate {
        int64_t id[2];
        char number[2][16];
        enum rk_match_reason reason;
        int score;
};

struct rk_duplicate_list {
        struct rk_duplicate *pairs; /* highest score first, then by numbers */
        size_t n;
        int64_t customers; /* live customers compared */
        size_t crowded;    /* customers in a block too large to pair (above) */
        /* per pair, for a session's list: its look is audited
         * (rk_duplicates_show); NULL from rk_duplicates_scan */
        unsigned char *shown;
};

/* What rk_duplicates_scan looks at. */
struct rk_duplicate_options {
        bool include_restricted; /* customers whose processing is restricted */
        /* progress (may be NULL): called now and then with customers read
         * so far and the total, and once after each pairing step with
         * done = total; it must not use the database. It returns nonzero
         * to stop the scan (a person pressed Esc): the scan then fails
         * with RK_ERR_STOPPED and lists nothing. */
        int (*progress)(void *ctx, int64_t done, int64_t total);
        void *ctx;
};

/*
 * rk_duplicates_scan - every likely duplicate pair of db's live customers
 * into *out (free with rk_duplicate_list_free, also after a failure). No
 * policy and no audit: the building block of rk_duplicates_find and of
 * the benchmark. Reads in one transaction, so the pairs are of one moment.
 * Errors: RK_ERR_NOMEM, database errors.
 */
int rk_duplicates_scan(sqlite3 *db, const struct rk_duplicate_options *opt,
                       struct rk_duplicate_list *out, struct rk_error *err);

/*
 * rk_duplicates_find - rk_duplicates_scan for a session that shows every
 * pair (the CLI prints them all): needs the "duplicates" action
 * (policy.c; the supervisor), else RK_ERR_DENIED and the refusal is
 * audited. Restricted customers take part only when the session handles
 * requests (as in search). The look is audited before the list is
 * returned: one "duplicates.list" row per customer in a listed pair
 * (rk_duplicates_show of them all; one row with no subject when there is
 * none). progress as in rk_duplicate_options (may be NULL).
 */
int rk_duplicates_find(struct rk_session *s,
                       int (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                       struct rk_duplicate_list *out, struct rk_error *err);

/*
 * rk_duplicates_look - rk_duplicates_find for a front end that shows the
 * list a page at a time (the screen): the same policy, refusal and scan,
 * but no pair's look is audited yet. Before it shows any pair it calls
 * rk_duplicates_show for them, as the other lists audit what they show,
 * so the trail names every customer whose pair was on the screen and
 * none that was not (a million customers make some 400,000 listed; a
 * screen shows a few dozen).
 */
int rk_duplicates_look(struct rk_session *s,
                       int (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                       struct rk_duplicate_list *out, struct rk_error *err);

/*
 * rk_duplicates_show - audit the look at pairs from..to-1 of l (a list
 * of rk_duplicates_look or _find; clamped to l->n): one "duplicates.list"
 * row per customer of the pairs not shown before, with the field groups
 * compared, in one transaction; they are then marked in l->shown. RK_OK
 * without writing when all were. On an error nothing is marked and none
 * of them may be shown.
 */
int rk_duplicates_show(struct rk_session *s, struct rk_duplicate_list *l, size_t from,
                       size_t to, struct rk_error *err);

/* rk_duplicate_list_free - free what l holds and zero it. */
void rk_duplicate_list_free(struct rk_duplicate_list *l);

#endif
