/*
 * customer.c - loading a customer view, creating customers and changing
 * their own fields (see customer.h). Contact persons, notes, consents and
 * orders have their own files; all of them go through record.c for the
 * SQL and custdb.c for the transaction.
 *
 * The groups a view holds are exactly "asked for" AND "readable"
 * (rk_authorize_read); every list and column is derived from that one set
 * and the field table, so there is no second place where a role's view is
 * decided.
 */
#include "customer_db.h"
#include "rekisteri/clock.h"
#include "rekisteri/i18n.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CUSTOMER_NUMBER_LAST 999999

/* ---- reading ----------------------------------------------------------- */

static int load_main(sqlite3 *db, struct rk_customer_view *out, struct rk_error *err)
{
        struct rk_record_view *rows = NULL;
        size_t n = 0;
        int rc = rk_record_select(db, RK_REC_CUSTOMER, out->groups, "id", out->id, false,
                                  &rows, &n, err);
        if (rc == RK_OK && n != 1)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, RK_CUSTDB_NOT_FOUND);
        if (rc == RK_OK) {
                out->main = rows[0];
                free(rows);
                return RK_OK;
        }
        rk_record_views_free(rows, n);
        return rc;
}

/* A child list is read when the view has any of its groups. */
static bool wanted(rk_groupset groups, enum rk_record kind)
{
        return (groups & rk_record_groups(kind)) != 0;
}

static int load_children(sqlite3 *db, struct rk_customer_view *out, struct rk_error *err)
{
        int rc = RK_OK;
        rk_groupset g = out->groups;
        if (wanted(g, RK_REC_CONTACT))
                rc = rk_record_select(db, RK_REC_CONTACT, g, "customer_id", out->id,
                                      false, &out->contacts, &out->ncontacts, err);
        if (rc == RK_OK && (wanted(g, RK_REC_ORDER) || wanted(g, RK_REC_LINE)))
                rc = rk_orders_select(db, out->id, out->number, g, &out->orders,
                                      &out->norders, err);
        if (rc == RK_OK && wanted(g, RK_REC_NOTE))
                rc = rk_record_select(db, RK_REC_NOTE, g, "customer_id", out->id, true,
                                      &out->notes, &out->nnotes, err);
        if (rc == RK_OK && wanted(g, RK_REC_CONSENT))
                rc = rk_record_select(db, RK_REC_CONSENT, g, "customer_id", out->id,
                                      false, &out->consents, &out->nconsents, err);
        return rc;
}

int rk_customer_load(struct rk_session *s, int64_t id, rk_groupset want,
                     struct rk_customer_view *out, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        memset(out, 0, sizeof(*out));
        out->id = id;
        out->groups = rk_custdb_readable(g, want);
        if (out->groups == 0)
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    "your role may not read any of the customer data asked for");
        /* A write transaction: the view is recorded in the same commit as the
         * read, before anything reaches the screen; no record, no data. */
        int rc = rk_sql_begin(db, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_custdb_open(db, g, id, out->number, &out->version, &out->restricted, err);
        if (rc == RK_OK)
                rc = load_main(db, out, err);
        if (rc == RK_OK)
                rc = load_children(db, out, err);
        if (rc == RK_OK)
                rc = rk_custdb_audit_read(s, "customer.view", id, out->groups, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "opening a customer", err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                rk_customer_view_clear(out);
        }
        return rc;
}

int rk_customer_find(struct rk_session *s, const char *number, int64_t *id,
                     struct rk_error *err)
{
        *id = 0;
        if (rk_custdb_readable(rk_session_grants(s), RK_GROUPS_ALL) == 0)
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not read customer data");
        int rc = rk_custdb_by_number(rk_custdb_db(s), number, id, err);
        if (rc == RK_OK) /* a restricted one answers as a missing one */
                rc = rk_custdb_open(rk_custdb_db(s), rk_session_grants(s), *id, NULL,
                                    NULL, NULL, err);
        if (rc != RK_OK)
                *id = 0;
        return rc;
}

const char *rk_customer_kind_label(const char *code)
{
        if (code != NULL && strcmp(code, "company") == 0)
                return _("company");
        if (code != NULL && strcmp(code, "person") == 0)
                return _("person");
        return NULL;
}

void rk_customer_view_clear(struct rk_customer_view *v)
{
        if (v == NULL)
                return;
        rk_record_view_clear(&v->main);
        rk_record_views_free(v->contacts, v->ncontacts);
        rk_order_views_free(v->orders, v->norders);
        rk_record_views_free(v->notes, v->nnotes);
        rk_record_views_free(v->consents, v->nconsents);
        memset(v, 0, sizeof(*v));
}

/* ---- rules across fields ----------------------------------------------- */

/* The value a save leaves in column: the change if any, else the stored. */
static const char *after(const struct rk_changes *c, const struct rk_record_view *stored,
                         const char *column, bool *changed)
{
        const char *v = rk_record_change_value(c, column, changed);
        return *changed ? v : rk_record_get(stored, column);
}

static int count_contacts(sqlite3 *db, int64_t id, int *n, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_cached(db, "SELECT count(*) FROM contact_persons WHERE customer_id=?",
                          &st, "saving", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        *n = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        rk_sql_release(st);
        return src == SQLITE_ROW ? RK_OK : rk_sql_fail(db, src, "saving", err);
}

/* A personal identity code only for a person; contact persons only for a
 * company. */
static int check_kind(sqlite3 *db, const struct rk_record_view *stored,
                      const struct rk_changes *c, struct rk_error *err)
{
        bool kind_changed, hetu_changed;
        const char *kind = after(c, stored, "kind", &kind_changed);
        const char *hetu = after(c, stored, "hetu", &hetu_changed);
        bool company = kind != NULL && strcmp(kind, "company") == 0;
        if (company && hetu != NULL)
                return rk_error_field(
                    err,
                    rk_error_set(err, RK_ERR_INVALID,
                                 "Personal identity code: only a person has one; a "
                                 "company has a business ID"),
                    "hetu");
        int contacts = 0;
        int rc = RK_OK;
        if (!company && kind_changed)
                rc = count_contacts(db, stored->id, &contacts, err);
        if (rc == RK_OK && contacts > 0)
                rc = rk_error_field(
                    err,
                    rk_error_set(err, RK_ERR_INVALID,
                                 "Type: a customer with contact persons must stay a "
                                 "company"),
                    "kind");
        return rc;
}

/* Check edits against the stored row and write them. */
static int apply(sqlite3 *db, const struct rk_grants *g, int64_t id, int64_t expected,
                 const struct rk_edit *edits, size_t n, bool creating, size_t *nchanged,
                 struct rk_error *err)
{
        struct rk_record_view stored;
        struct rk_changes c = {NULL, 0};
        bool has_name;
        int rc = rk_record_load(db, RK_REC_CUSTOMER, id, &stored, err);
        if (rc == RK_OK)
                rc = rk_record_changes(RK_REC_CUSTOMER, g, edits, n, &stored, &c, err);
        rk_record_change_value(&c, "name", &has_name);
        if (rc == RK_OK && creating && !has_name)
                rc = rk_error_field(
                    err, rk_error_set(err, RK_ERR_INVALID, "Name: is required"), "name");
        if (rc == RK_OK)
                rc = check_kind(db, &stored, &c, err);
        if (rc == RK_OK)
                rc = rk_record_update(db, RK_REC_CUSTOMER, id, expected, &c, err);
        if (nchanged != NULL)
                *nchanged = c.n;
        rk_record_changes_free(&c);
        rk_record_view_clear(&stored);
        return rc;
}

/* ---- creating ---------------------------------------------------------- */

static int next_number(sqlite3 *db, char *number, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(
            db,
            "SELECT coalesce(max(CAST(substr(number, 2) AS INTEGER)), 0) + 1"
            " FROM customers",
            &st, "numbering a customer", err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        sqlite3_int64 next = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        rk_sql_release(st);
        if (src != SQLITE_ROW)
                return rk_sql_fail(db, src, "numbering a customer", err);
        if (next < 1 || next > CUSTOMER_NUMBER_LAST)
                return rk_error_set(err, RK_ERR_FULL,
                                    "every customer number C000001..C%06d is used",
                                    CUSTOMER_NUMBER_LAST);
        snprintf(number, RK_CUSTOMER_NUMBER_SIZE, "C%06d", (int)next);
        return RK_OK;
}

static int insert_customer(sqlite3 *db, const char *number, int64_t *id,
                           struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(
            db,
            "INSERT INTO customers(number, kind, name, created_at, updated_at)"
            " VALUES(?, 'person', '', ?, ?)",
            &st, "creating a customer", err);
        if (rc != RK_OK)
                return rc;
        int64_t now = rk_clock_now();
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, now);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "creating a customer", err);
        *id = sqlite3_last_insert_rowid(db);
        return RK_OK;
}

int rk_custdb_create_in(struct rk_session *s, const char *number, const char *action,
                        const struct rk_edit *edits, size_t n, int64_t *id,
                        struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        int rc = insert_customer(db, number, id, err);
        if (rc == RK_OK)
                rc = apply(db, rk_session_grants(s), *id, RK_VERSION_ANY, edits, n, true,
                           NULL, err);
        char fields[256];
        struct rk_custdb_change what = {
            action, RK_REC_CUSTOMER, rk_custdb_fields(edits, n, fields, sizeof(fields))};
        if (rc == RK_OK)
                rc = rk_custdb_finish(s, *id, false, &what, err);
        return rc;
}

int rk_customer_create(struct rk_session *s, const struct rk_edit *edits, size_t n,
                       int64_t *id, char *number, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        char num[RK_CUSTOMER_NUMBER_SIZE];
        int64_t new_id = 0;
        if (!rk_authorize_action(g, RK_ACTION_CUSTOMERS_CREATE))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not create customers");
        int rc = rk_sql_begin_as(db, "creating a customer", err);
        if (rc != RK_OK)
                return rc;
        rc = next_number(db, num, err);
        if (rc == RK_OK)
                rc = rk_custdb_create_in(s, num, "customer.create", edits, n, &new_id,
                                         err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "saving", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        if (rc == RK_OK && id != NULL)
                *id = new_id;
        if (rc == RK_OK && number != NULL)
                memcpy(number, num, RK_CUSTOMER_NUMBER_SIZE);
        return rc;
}

/* ---- updating ---------------------------------------------------------- */

int rk_custdb_update_in(struct rk_session *s, int64_t id, int64_t expected_version,
                        const char *action, const struct rk_edit *edits, size_t n,
                        struct rk_error *err)
{
        int rc = rk_custdb_open(rk_custdb_db(s), rk_session_grants(s), id, NULL, NULL,
                                NULL, err);
        if (rc == RK_OK)
                rc = apply(rk_custdb_db(s), rk_session_grants(s), id, expected_version,
                           edits, n, false, NULL, err);
        char fields[256];
        struct rk_custdb_change what = {
            action, RK_REC_CUSTOMER, rk_custdb_fields(edits, n, fields, sizeof(fields))};
        if (rc == RK_OK)
                rc = rk_custdb_finish(s, id, false, &what, err);
        return rc;
}

int rk_customer_update(struct rk_session *s, int64_t id, int64_t expected_version,
                       const struct rk_edit *edits, size_t n, int64_t *new_version,
                       struct rk_error *err)
{
        size_t changed = 0;
        if (expected_version < 1)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "saving: the version opened is missing");
        int rc = rk_custdb_begin(s, id, err);
        if (rc != RK_OK)
                return rc;
        rc = apply(rk_custdb_db(s), rk_session_grants(s), id, expected_version, edits, n,
                   false, &changed, err);
        char fields[256];
        struct rk_custdb_change what = {
            "customer.update", RK_REC_CUSTOMER,
            rk_custdb_fields(edits, n, fields, sizeof(fields))};
        rc = rk_custdb_end(s, id, false, &what, rc, err);
        if (rc == RK_OK && new_version != NULL)
                *new_version = expected_version + (changed > 0);
        return rc;
}
