/*
 * custdb.c - the write transaction around one customer, shared by the
 * customer, contact and order paths (see customer_db.h).
 *
 * Every write runs as: BEGIN IMMEDIATE (so two sessions never interleave
 * inside one change), look the customer up and apply the restriction rule,
 * the caller's checks and statements, then stamp the customer, rebuild its
 * search row with rk_search_index, and COMMIT. Any failure rolls the whole
 * thing back, so a refused save leaves the register as it was.
 */
#include "customer_db.h"
#include "rekisteri/clock.h"
#include "rekisteri/audit.h"
#include "rekisteri/search.h"
#include "sql.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

sqlite3 *rk_custdb_db(struct rk_session *s)
{
        return rk_register_db(rk_session_register(s));
}

rk_groupset rk_custdb_readable(const struct rk_grants *g, rk_groupset want)
{
        rk_groupset groups = 0;
        for (int gr = 0; gr < RK_GROUP_COUNT; gr++) {
                if ((want & (1u << gr)) && rk_authorize_read(g, (enum rk_group)gr))
                        groups |= 1u << gr;
        }
        return groups;
}

void rk_custdb_today(char out[RK_DATE_SIZE])
{
        char today[RK_DATE_TEXT];
        rk_date_today(today); /* the one clock, rk_clock_now */
        snprintf(out, RK_DATE_SIZE, "%s", today);
}

void rk_custdb_stamp(char out[RK_STAMP_SIZE])
{
        time_t now = (time_t)rk_clock_now();
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(out, RK_STAMP_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int rk_custdb_open(sqlite3 *db, const struct rk_grants *g, int64_t id, char *number,
                   int64_t *version, bool *restricted, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(
            db, "SELECT number, version, restricted FROM customers WHERE id=?", &st,
            "opening a customer", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                bool r = sqlite3_column_int(st, 2) != 0;
                if (number != NULL)
                        snprintf(number, RK_CUSTOMER_NUMBER_SIZE, "%s",
                                 (const char *)sqlite3_column_text(st, 0));
                if (version != NULL)
                        *version = sqlite3_column_int64(st, 1);
                if (restricted != NULL)
                        *restricted = r;
                /* the same answer as for a number nobody has: a role that
                 * may not see restricted customers must not learn who is */
                if (r && !rk_authorize_action(g, RK_ACTION_REQUESTS))
                        rc = rk_error_set(err, RK_ERR_NOTFOUND, RK_CUSTDB_NOT_FOUND);
        } else if (src == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_NOTFOUND, RK_CUSTDB_NOT_FOUND);
        } else {
                rc = rk_sql_fail(db, src, "opening a customer", err);
        }
        rk_sql_release(st);
        return rc;
}

int rk_custdb_begin(struct rk_session *s, int64_t id, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        int rc = rk_sql_begin_as(db, "saving", err);
        if (rc == RK_OK)
                rc = rk_custdb_open(db, rk_session_grants(s), id, NULL, NULL, NULL, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

static int stamp(sqlite3 *db, int64_t id, bool activity, struct rk_error *err)
{
        sqlite3_stmt *st;
        char today[RK_DATE_SIZE];
        rk_custdb_today(today);
        /* OR FAIL: one row, nothing to undo on a failure (record.c says why) */
        int rc = rk_sql_cached(db,
                               "UPDATE OR FAIL customers SET updated_at=?,"
                               " last_activity=CASE WHEN ? THEN ? ELSE last_activity END"
                               " WHERE id=?",
                               &st, "saving", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, rk_clock_now());
        sqlite3_bind_int(st, 2, activity ? 1 : 0);
        sqlite3_bind_text(st, 3, today, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, id);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, "saving", err);
}

/* Append the names of the groups in set to buf as "a,b". */
static void group_names(rk_groupset set, char *buf, size_t size)
{
        buf[0] = '\0';
        for (int g = 0; g < RK_GROUP_COUNT; g++) {
                if (!(set & (1u << g)))
                        continue;
                if (buf[0] != '\0')
                        strncat(buf, ",", size - strlen(buf) - 1);
                strncat(buf, rk_policy_group_name((enum rk_group)g),
                        size - strlen(buf) - 1);
        }
}

static int append_event(struct rk_session *s, const char *action, int64_t id,
                        rk_groupset groups, const char *fields, struct rk_error *err)
{
        char names[160];
        group_names(groups, names, sizeof(names));
        struct rk_audit_event ev = {.action = action,
                                    .subject = id,
                                    .groups = names,
                                    .fields = fields,
                                    .screen = rk_session_place(s),
                                    .result = "ok"};
        return rk_audit_append(
            rk_custdb_db(s), rk_session_actor(s), &ev, rk_clock_now(),
            rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
}

int rk_custdb_audit_read(struct rk_session *s, const char *action, int64_t id,
                         rk_groupset groups, struct rk_error *err)
{
        return append_event(s, action, id, groups, "", err);
}

const char *rk_custdb_fields(const struct rk_edit *edits, size_t n, char *buf,
                             size_t size)
{
        buf[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                if (buf[0] != '\0')
                        strncat(buf, ",", size - strlen(buf) - 1);
                strncat(buf, edits[i].column, size - strlen(buf) - 1);
        }
        return buf;
}

/* The groups the named columns of record belong to. */
static rk_groupset groups_of(enum rk_record record, const char *fields)
{
        char buf[256];
        rk_groupset set = 0;
        snprintf(buf, sizeof(buf), "%s", fields);
        for (char *c = strtok(buf, ","); c != NULL; c = strtok(NULL, ",")) {
                const struct rk_field *f = rk_fields_find(record, c);
                if (f != NULL)
                        set |= 1u << f->group;
        }
        return set;
}

int rk_custdb_finish(struct rk_session *s, int64_t id, bool activity,
                     const struct rk_custdb_change *what, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        int rc = stamp(db, id, activity, err);
        if (rc == RK_OK)
                rc = rk_search_index(db, id, err);
        if (rc == RK_OK)
                rc = append_event(s, what->action, id,
                                  groups_of(what->record, what->fields), what->fields,
                                  err);
        return rc;
}

int rk_custdb_end(struct rk_session *s, int64_t id, bool activity,
                  const struct rk_custdb_change *what, int rc, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        if (rc == RK_OK)
                rc = rk_custdb_finish(s, id, activity, what, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "saving", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

int rk_custdb_parent(sqlite3 *db, enum rk_record kind, int64_t id, int64_t *customer_id,
                     struct rk_error *err)
{
        const char *sql;
        switch (kind) {
        case RK_REC_LINE:
                sql = "SELECT o.customer_id FROM order_lines l JOIN orders o ON "
                      "o.id=l.order_id"
                      " WHERE l.id=?";
                break;
        case RK_REC_CONTACT:
                sql = "SELECT customer_id FROM contact_persons WHERE id=?";
                break;
        case RK_REC_ORDER:
                sql = "SELECT customer_id FROM orders WHERE id=?";
                break;
        case RK_REC_NOTE:
                sql = "SELECT customer_id FROM notes WHERE id=?";
                break;
        case RK_REC_CONSENT:
                sql = "SELECT customer_id FROM consents WHERE id=?";
                break;
        case RK_REC_OBJECTION:
                sql = "SELECT customer_id FROM objections WHERE id=?";
                break;
        default:
                *customer_id = id;
                return RK_OK;
        }
        sqlite3_stmt *st;
        int rc = rk_sql_cached(db, sql, &st, "opening a record", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                *customer_id = sqlite3_column_int64(st, 0);
        else if (src == SQLITE_DONE)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, RK_CUSTDB_NO_RECORD);
        else
                rc = rk_sql_fail(db, src, "opening a record", err);
        rk_sql_release(st);
        return rc;
}

int rk_custdb_resolve(sqlite3 *db, const char *number, int64_t *id, char *out,
                      bool *anonymised, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_cached(db,
                          "SELECT id, number, anonymised_at IS NOT NULL FROM customers"
                          " WHERE id = " RK_CUSTDB_ID_OF_NUMBER("?1"),
                          &st, "finding a customer", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                *id = sqlite3_column_int64(st, 0);
                if (out != NULL)
                        snprintf(out, RK_CUSTOMER_NUMBER_SIZE, "%s",
                                 (const char *)sqlite3_column_text(st, 1));
                if (anonymised != NULL)
                        *anonymised = sqlite3_column_int(st, 2) != 0;
        } else if (src == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_NOTFOUND, RK_CUSTDB_NOT_FOUND);
        } else {
                rc = rk_sql_fail(db, src, "finding a customer", err);
        }
        rk_sql_release(st);
        return rc;
}

int rk_custdb_by_number(sqlite3 *db, const char *number, int64_t *id,
                        struct rk_error *err)
{
        return rk_custdb_resolve(db, number, id, NULL, NULL, err);
}
