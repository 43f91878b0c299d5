/*
 * contacts.c - contact persons of company customers (see customer.h).
 *
 * A contact person's name and title are in the identity group, its e-mail
 * and phone in the contact group (fields.c). Adding inserts an empty row
 * and stores the checked edits into it inside one transaction; updating
 * and deleting carry the row's version, so a stale form gets
 * RK_ERR_CONFLICT instead of overwriting a colleague's change.
 */
#include "customer_db.h"
#include "sql.h"

#include <string.h>

static int require_company(sqlite3 *db, int64_t customer_id, struct rk_error *err)
{
        struct rk_record_view c;
        int rc = rk_record_load(db, RK_REC_CUSTOMER, customer_id, &c, err);
        const char *kind = rc == RK_OK ? rk_record_get(&c, "kind") : NULL;
        if (rc == RK_OK && (kind == NULL || strcmp(kind, "company") != 0))
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "Contact person: only a company has contact persons");
        rk_record_view_clear(&c);
        return rc;
}

static int insert_contact(sqlite3 *db, int64_t customer_id, int64_t *id,
                          struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(
            db, "INSERT INTO contact_persons(customer_id, name) VALUES(?, '')", &st,
            "adding a contact person", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, customer_id);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "adding a contact person", err);
        *id = sqlite3_last_insert_rowid(db);
        return RK_OK;
}

/* Check edits against row id and store them. */
static int apply(sqlite3 *db, const struct rk_grants *g, int64_t id, int64_t expected,
                 const struct rk_edit *edits, size_t n, bool adding, struct rk_error *err)
{
        struct rk_record_view stored;
        struct rk_changes c = {NULL, 0};
        bool has_name;
        int rc = rk_record_load(db, RK_REC_CONTACT, id, &stored, err);
        if (rc == RK_OK)
                rc = rk_record_changes(RK_REC_CONTACT, g, edits, n, &stored, &c, err);
        rk_record_change_value(&c, "name", &has_name);
        if (rc == RK_OK && adding && !has_name)
                rc = rk_error_set(err, RK_ERR_INVALID, "Contact person: is required");
        if (rc == RK_OK)
                rc = rk_record_update(db, RK_REC_CONTACT, id, expected, &c, err);
        rk_record_changes_free(&c);
        rk_record_view_clear(&stored);
        return rc;
}

/* A company's new contact person from edits, inside the open transaction. */
static int add(struct rk_session *s, int64_t customer_id, const struct rk_edit *edits,
               size_t n, int64_t *id, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        int rc = require_company(db, customer_id, err);
        if (rc == RK_OK)
                rc = insert_contact(db, customer_id, id, err);
        if (rc == RK_OK)
                rc = apply(db, rk_session_grants(s), *id, RK_VERSION_ANY, edits, n, true,
                           err);
        return rc;
}

int rk_custdb_contact_add_in(struct rk_session *s, int64_t customer_id,
                             const char *action, const struct rk_edit *edits, size_t n,
                             struct rk_error *err)
{
        int64_t id = 0;
        if (!rk_authorize_write(rk_session_grants(s), RK_GROUP_CONTACT))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not add contact persons");
        int rc = add(s, customer_id, edits, n, &id, err);
        char fields[256];
        struct rk_custdb_change what = {
            action, RK_REC_CONTACT, rk_custdb_fields(edits, n, fields, sizeof(fields))};
        if (rc == RK_OK)
                rc = rk_custdb_finish(s, customer_id, false, &what, err);
        return rc;
}

int rk_contact_add(struct rk_session *s, int64_t customer_id, const struct rk_edit *edits,
                   size_t n, int64_t *contact_id, struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        int64_t id = 0;
        if (!rk_authorize_write(g, RK_GROUP_CONTACT))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not add contact persons");
        int rc = rk_custdb_begin(s, customer_id, err);
        if (rc != RK_OK)
                return rc;
        rc = add(s, customer_id, edits, n, &id, err);
        char fields[256];
        struct rk_custdb_change what = {
            "contact.add", RK_REC_CONTACT,
            rk_custdb_fields(edits, n, fields, sizeof(fields))};
        rc = rk_custdb_end(s, customer_id, false, &what, rc, err);
        if (rc == RK_OK && contact_id != NULL)
                *contact_id = id;
        return rc;
}

/* Begin the transaction on the customer that contact_id belongs to. */
static int begin_contact(struct rk_session *s, int64_t contact_id, int64_t *customer_id,
                         struct rk_error *err)
{
        int rc = rk_custdb_parent(rk_custdb_db(s), RK_REC_CONTACT, contact_id,
                                  customer_id, err);
        if (rc == RK_ERR_NOTFOUND)
                rc = rk_error_set(
                    err, rc, "contact person: it no longer exists; someone deleted it");
        return rc == RK_OK ? rk_custdb_begin(s, *customer_id, err) : rc;
}

int rk_contact_update(struct rk_session *s, int64_t contact_id, int64_t expected_version,
                      const struct rk_edit *edits, size_t n, struct rk_error *err)
{
        int64_t customer_id = 0;
        if (expected_version < 1)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "saving: the version opened is missing");
        int rc = begin_contact(s, contact_id, &customer_id, err);
        if (rc != RK_OK)
                return rc;
        rc = apply(rk_custdb_db(s), rk_session_grants(s), contact_id, expected_version,
                   edits, n, false, err);
        char fields[256];
        struct rk_custdb_change what = {
            "contact.update", RK_REC_CONTACT,
            rk_custdb_fields(edits, n, fields, sizeof(fields))};
        return rk_custdb_end(s, customer_id, false, &what, rc, err);
}

int rk_contact_delete(struct rk_session *s, int64_t contact_id, int64_t expected_version,
                      struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        rk_groupset all = rk_record_groups(RK_REC_CONTACT);
        int64_t customer_id = 0;
        for (int gr = 0; gr < RK_GROUP_COUNT; gr++) {
                if ((all & (1u << gr)) && !rk_authorize_write(g, (enum rk_group)gr))
                        return rk_error_set(err, RK_ERR_DENIED,
                                            "your role may not delete contact persons");
        }
        if (expected_version < 1)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "deleting: the version opened is missing");
        int rc = begin_contact(s, contact_id, &customer_id, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_record_delete(rk_custdb_db(s), RK_REC_CONTACT, contact_id,
                              expected_version, err);
        static const struct rk_custdb_change what = {"contact.delete", RK_REC_CONTACT,
                                                     "name,title,email,phone"};
        return rk_custdb_end(s, customer_id, false, &what, rc, err);
}
