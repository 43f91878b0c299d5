/*
 * retention_hold.c - manual legal holds (see retention.h): a customer a
 * supervisor has put on hold, with the recorded reason, who and when, is
 * skipped by every retention rule but the audit one until released. Each
 * change is one transaction with its audit row ("retention.hold",
 * "retention.release"; the reason is not copied into the trail).
 */
#include "retention_db.h"
#include "customer_db.h"
#include "rekisteri/i18n.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHAT N_("changing a legal hold")

static int audit(struct rk_session *s, const char *action, int64_t id,
                 struct rk_error *err)
{
        struct rk_audit_event ev = {.action = action,
                                    .subject = id,
                                    .groups = "",
                                    .fields = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok"};
        return rk_audit_append(
            ret_session_db(s), rk_session_actor(s), &ev, rk_clock_now(),
            rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
}

/* Run one change of the hold of `number` (a merged customer's: the
 * survivor's, customer_db.h) in a transaction with its audit row: sql
 * binds ?1 = customer id, ?2 = reason, ?3 = who, ?4 = now; held (may be
 * NULL) gets the number of the customer changed. */
static int change(struct rk_session *s, const char *number, const char *sql,
                  const char *reason, const char *action, char *held,
                  struct rk_error *err)
{
        sqlite3 *db = ret_session_db(s);
        int64_t id = 0;
        bool anonymised = false;
        int rc = ret_require(s, err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, WHAT, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_custdb_resolve(db, number, &id, held, &anonymised, err);
        if (rc == RK_OK && anonymised && reason != NULL)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "the customer is anonymised: nothing is left to hold");
        sqlite3_stmt *st = NULL;
        if (rc == RK_OK)
                rc = rk_sql_prepare(db, sql, &st, WHAT, err);
        if (rc == RK_OK) {
                sqlite3_bind_int64(st, 1, id);
                if (reason != NULL) {
                        sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
                        sqlite3_bind_text(st, 3, rk_session_username(s), -1,
                                          SQLITE_STATIC);
                        sqlite3_bind_int64(st, 4, rk_clock_now());
                }
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, WHAT, err);
                else if (sqlite3_changes(db) == 0)
                        rc = rk_error_set(err, RK_ERR_NOTFOUND,
                                          "the customer is not under a legal hold");
        }
        sqlite3_finalize(st);
        if (rc == RK_OK)
                rc = audit(s, action, id, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

int rk_retention_hold(struct rk_session *s, const char *number, const char *reason,
                      char *held, struct rk_error *err)
{
        if (reason == NULL || reason[0] == '\0')
                return rk_error_set(err, RK_ERR_INVALID, "Reason: is required");
        int rc =
            rk_validate_field_text("Reason", reason, RK_RETENTION_REASON_MAX, 0, err);
        if (rc == RK_OK)
                rc = rk_text_refuse_hetu("Reason", reason, err);
        if (rc != RK_OK)
                return rc;
        return change(s, number,
                      "INSERT OR REPLACE INTO retention_holds(customer_id, reason,"
                      " held_by, held_at) VALUES(?1, ?2, ?3, ?4)",
                      reason, "retention.hold", held, err);
}

int rk_retention_release(struct rk_session *s, const char *number, char *held,
                         struct rk_error *err)
{
        return change(s, number, "DELETE FROM retention_holds WHERE customer_id = ?1",
                      NULL, "retention.release", held, err);
}

/* One row of the legal holds query. */
static int fill_hold(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        struct rk_retention_hold_row *h = item;
        (void)ctx;
        (void)err;
        h->customer_id = sqlite3_column_int64(st, 0);
        snprintf(h->number, sizeof(h->number), "%s",
                 (const char *)sqlite3_column_text(st, 1));
        snprintf(h->reason, sizeof(h->reason), "%s",
                 (const char *)sqlite3_column_text(st, 2));
        snprintf(h->held_by, sizeof(h->held_by), "%s",
                 (const char *)sqlite3_column_text(st, 3));
        h->held_at = sqlite3_column_int64(st, 4);
        return RK_OK;
}

int rk_retention_holds(struct rk_session *s, struct rk_retention_hold_row **out,
                       size_t *n, struct rk_error *err)
{
        *out = NULL;
        *n = 0;
        int rc = ret_require(s, err);
        if (rc != RK_OK)
                return rc;
        sqlite3 *db = ret_session_db(s);
        sqlite3_stmt *st;
        rc = rk_sql_prepare(
            db,
            "SELECT h.customer_id, c.number, h.reason, h.held_by, h.held_at"
            " FROM retention_holds h JOIN customers c ON c.id = h.customer_id"
            " ORDER BY c.number",
            &st, "reading legal holds", err);
        if (rc != RK_OK)
                return rc;
        struct rk_sql_array a = {0};
        rc = rk_sql_collect(st, sizeof(**out), 0, fill_hold, NULL, &a,
                            "reading legal holds", err);
        sqlite3_finalize(st);
        *out = a.v;
        *n = a.n;
        if (rc != RK_OK) {
                free(*out);
                *out = NULL;
                *n = 0;
        }
        return rc;
}
