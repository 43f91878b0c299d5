/*
 * consents.c - marketing consents per purpose (see customer.h).
 *
 * A consent row records the purpose, the day it was given and where it was
 * collected; withdrawing it fills in the day it was withdrawn and keeps
 * the row as proof (retention forgets it later). At most one consent per
 * purpose is in force at a time; giving it again after a withdrawal adds
 * a new row, so the history stays readable.
 */
#include "customer_db.h"
#include "sql.h"

#include <stdlib.h>

static int in_force(sqlite3 *db, int64_t customer_id, const char *purpose, bool *yes,
                    struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(db,
                               "SELECT 1 FROM consents WHERE customer_id=? AND purpose=?"
                               " AND withdrawn_on IS NULL",
                               &st, "reading consents", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, customer_id);
        sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        *yes = src == SQLITE_ROW;
        return src == SQLITE_ROW || src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "reading consents", err);
}

static int insert_consent(sqlite3 *db, int64_t customer_id, char *const v[3],
                          struct rk_error *err)
{
        sqlite3_stmt *st;
        bool yes = false;
        int rc = in_force(db, customer_id, v[0], &yes, err);
        if (rc == RK_OK && yes)
                return rk_error_field(
                    err,
                    rk_error_set(
                        err, RK_ERR_EXISTS,
                        "Purpose: a consent for this purpose is already in force"),
                    "purpose");
        if (rc == RK_OK)
                rc = rk_sql_cached(
                    db,
                    "INSERT INTO consents(customer_id, purpose, source, given_on)"
                    " VALUES(?,?,?,?)",
                    &st, "recording a consent", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, customer_id);
        for (int i = 0; i < 3; i++)
                sqlite3_bind_text(st, i + 2, v[i], -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "recording a consent", err);
}

int rk_custdb_consent_give_in(struct rk_session *s, int64_t customer_id,
                              const char *const v[3], const char *action, bool *existed,
                              struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        bool yes = false;
        *existed = false;
        if (!rk_authorize_write(rk_session_grants(s), RK_GROUP_CONSENTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not record consents");
        int rc = in_force(db, customer_id, v[0], &yes, err);
        if (rc != RK_OK || (*existed = yes))
                return rc;
        rc = insert_consent(db, customer_id, (char *const *)v, err);
        struct rk_custdb_change what = {action, RK_REC_CONSENT,
                                        "purpose,source,given_on"};
        if (rc == RK_OK)
                rc = rk_custdb_finish(s, customer_id, true, &what, err);
        return rc;
}

int rk_consent_give(struct rk_session *s, int64_t customer_id, const char *purpose,
                    const char *source, const char *given_on, struct rk_error *err)
{
        char *v[3] = {NULL, NULL, NULL}; /* purpose, source, given_on */
        char today[RK_DATE_SIZE];
        rk_custdb_today(today);
        if (!rk_authorize_write(rk_session_grants(s), RK_GROUP_CONSENTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not record consents");
        int rc =
            rk_record_check_value(RK_REC_CONSENT, "purpose", purpose, true, &v[0], err);
        if (rc == RK_OK)
                rc = rk_record_check_value(RK_REC_CONSENT, "source", source, true, &v[1],
                                           err);
        if (rc == RK_OK)
                rc = rk_record_check_value(RK_REC_CONSENT, "given_on",
                                           given_on ? given_on : today, true, &v[2], err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, customer_id, err);
        if (rc == RK_OK) {
                rc = insert_consent(rk_custdb_db(s), customer_id, v, err);
                static const struct rk_custdb_change what = {
                    "consent.give", RK_REC_CONSENT, "purpose,source,given_on"};
                rc = rk_custdb_end(s, customer_id, true, &what, rc, err);
        }
        for (int i = 0; i < 3; i++)
                free(v[i]);
        return rc;
}

static int withdraw(sqlite3 *db, int64_t customer_id, const char *purpose,
                    struct rk_error *err)
{
        sqlite3_stmt *st;
        char today[RK_DATE_SIZE];
        rk_custdb_today(today);
        int rc = rk_sql_prepare(db,
                                "UPDATE consents SET withdrawn_on=? WHERE customer_id=?"
                                " AND purpose=? AND withdrawn_on IS NULL",
                                &st, "withdrawing a consent", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, customer_id);
        sqlite3_bind_text(st, 3, purpose, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "withdrawing a consent", err);
        if (sqlite3_changes(db) == 0)
                return rk_error_set(err, RK_ERR_NOTFOUND,
                                    "Purpose: no consent for this purpose is in force");
        return RK_OK;
}

static const struct rk_custdb_change withdrawn = {"consent.withdraw", RK_REC_CONSENT,
                                                  "withdrawn_on"};

int rk_consent_withdraw(struct rk_session *s, int64_t customer_id, const char *purpose,
                        struct rk_error *err)
{
        char *p = NULL;
        if (!rk_authorize_write(rk_session_grants(s), RK_GROUP_CONSENTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not record consents");
        int rc = rk_record_check_value(RK_REC_CONSENT, "purpose", purpose, true, &p, err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, customer_id, err);
        if (rc == RK_OK) {
                rc = withdraw(rk_custdb_db(s), customer_id, p, err);
                rc = rk_custdb_end(s, customer_id, true, &withdrawn, rc, err);
        }
        free(p);
        return rc;
}
