/*
 * customer_search.c - the audited search behind the customer list (see
 * customer.h, rk_customer_search).
 *
 * How it works: rk_search_customers() (search.c) decides which columns a
 * session may search and fills only the readable parts of each hit. This
 * file adds what a front end must not do itself: it records the read in
 * the audit trail, one "customer.search" row per search that returned
 * hits, with the field groups the hits carry (identity for names,
 * contact for cities) and never the query. The row is committed before
 * the hits are handed back, so nothing reaches a screen unrecorded; when
 * the row cannot be written the hits are dropped. This is the same rule
 * as the warehouse's order list: one row per page of results.
 */
#include "customer_db.h"
#include "rekisteri/search.h"

#include <string.h>

/* The groups a hit can carry that g may read, as "identity,contact". */
static void shown_groups(const struct rk_grants *g, char *out, size_t size)
{
        out[0] = '\0';
        if (rk_authorize_read(g, RK_GROUP_IDENTITY))
                strncat(out, "identity", size - 1);
        if (rk_authorize_read(g, RK_GROUP_CONTACT)) {
                if (out[0] != '\0')
                        strncat(out, ",", size - strlen(out) - 1);
                strncat(out, "contact", size - strlen(out) - 1);
        }
}

int rk_customer_search(struct rk_session *s, const char *query, size_t limit,
                       struct rk_search_hit **hits, size_t *n, struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        char groups[32];
        *hits = NULL;
        *n = 0;
        int rc = rk_search_customers(rk_custdb_db(s), g, query, limit, hits, n, err);
        if (rc != RK_OK || *n == 0)
                return rc;
        shown_groups(g, groups, sizeof(groups));
        rc = rk_session_audit(s, "customer.search", 0, groups, rk_session_place(s), "ok",
                              NULL, err);
        if (rc != RK_OK) {
                rk_search_free(*hits, *n);
                *hits = NULL;
                *n = 0;
        }
        return rc;
}
