/*
 * customer_search.c - the audited search behind the customer list (see
 * customer.h, rk_customer_search).
 *
 * How it works: rk_search_customers() (search.c) decides which columns a
 * session may search and fills only the readable parts of each hit. This
 * file adds what a front end must not do itself: it records the read in
 * the audit trail: one "customer.search" row per customer in the results,
 * with the field groups the hits carry (identity for names, contact for
 * cities) and never the query, so "who saw subject X" finds searches too.
 * The rows are committed before the hits are handed back, so nothing
 * reaches a screen unrecorded; when they cannot be written the hits are
 * dropped.
 */
#include "customer_db.h"
#include "rekisteri/clock.h"
#include "rekisteri/search.h"

#include "rekisteri/audit.h"
#include "sql.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Record one row per customer shown, in a transaction of its own. */
static int audit_hits(struct rk_session *s, const struct rk_search_hit *hits, size_t n,
                      const char *groups, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        int64_t *ids = malloc(n * sizeof(*ids));
        if (ids == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
                ids[i] = hits[i].id;
        struct rk_audit_event ev = {.action = "customer.search",
                                    .groups = groups,
                                    .screen = rk_session_place(s),
                                    .result = "ok"};
        int rc = rk_sql_begin(db, err);
        if (rc == RK_OK)
                rc = rk_audit_append_many(
                    db, rk_session_actor(s), &ev, ids, n, rk_clock_now(),
                    rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit(db, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        free(ids);
        return rc;
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
        rc = audit_hits(s, *hits, *n, groups, err);
        if (rc != RK_OK) {
                rk_search_free(*hits, *n);
                *hits = NULL;
                *n = 0;
        }
        return rc;
}
