/*
 * customer_db.h - what the customer modules (customer.c, contacts.c,
 * orders.c) share inside the core library: the write transaction around
 * one customer, the restriction rule, dates, and loading a customer's
 * orders into views.
 */
#ifndef REKISTERI_CUSTOMER_DB_H
#define REKISTERI_CUSTOMER_DB_H

#include "rekisteri/customer.h"
#include "record_db.h"
#include "rekisteri/i18n.h"

#include <stdbool.h>

#define RK_DATE_SIZE  11 /* "YYYY-MM-DD" */
#define RK_STAMP_SIZE 21 /* "YYYY-MM-DDTHH:MM:SSZ" */

/* rk_custdb_db - the session's database connection. */
sqlite3 *rk_custdb_db(struct rk_session *s);

/* rk_custdb_readable - the groups of want that g may read. */
rk_groupset rk_custdb_readable(const struct rk_grants *g, rk_groupset want);

/* rk_custdb_today - today's local date; rk_custdb_stamp - now, UTC. */
void rk_custdb_today(char out[RK_DATE_SIZE]);
void rk_custdb_stamp(char out[RK_STAMP_SIZE]);

/* The one answer for a customer that is not there, or that is restricted
 * and the session may not handle requests: the two are indistinguishable. */
#define RK_CUSTDB_NOT_FOUND N_("no customer has that number")
/* The same for a record under a customer (an order, a note, ...). */
#define RK_CUSTDB_NO_RECORD N_("no such record; someone may have deleted it")

/*
 * rk_custdb_open - look customer id up for a session that may read or
 * change it: RK_ERR_NOTFOUND (RK_CUSTDB_NOT_FOUND) when there is none, and
 * the same when its processing is restricted (GDPR Art. 18) and g may not
 * handle requests, so a restricted customer looks like a missing one.
 * number (may be NULL) gets the customer number, *version and *restricted
 * (may be NULL) the row's.
 */
int rk_custdb_open(sqlite3 *db, const struct rk_grants *g, int64_t id, char *number,
                   int64_t *version, bool *restricted, struct rk_error *err);

/* rk_custdb_begin - BEGIN IMMEDIATE, then rk_custdb_open(id). On failure
 * the transaction is rolled back. */
int rk_custdb_begin(struct rk_session *s, int64_t id, struct rk_error *err);

/*
 * rk_custdb_end - finish the write transaction begun for customer id:
 * when rc is RK_OK, stamp customers.updated_at (and last_activity with
 * today when activity is true), rebuild the customer's search row, record
 * `what` in the audit trail (field names, never values) and COMMIT;
 * otherwise, or when any of that fails, ROLLBACK. Returns the final
 * result code.
 */
struct rk_custdb_change {
        const char *action; /* "customer.update", "note.add", ... */
        enum rk_record record;
        const char *fields; /* comma-separated columns of record */
};

int rk_custdb_end(struct rk_session *s, int64_t id, bool activity,
                  const struct rk_custdb_change *what, int rc, struct rk_error *err);

/* rk_custdb_finish - rk_custdb_end's work without the COMMIT: stamp,
 * search row and audit row, inside the caller's transaction (which the
 * caller rolls back on failure). */
int rk_custdb_finish(struct rk_session *s, int64_t id, bool activity,
                     const struct rk_custdb_change *what, struct rk_error *err);

/*
 * rk_custdb_create_in, rk_custdb_update_in - rk_customer_create and
 * rk_customer_update inside the caller's open write transaction, for a
 * caller that saves many customers per transaction (the import): the
 * same checks of the session's grants and of every value, the same
 * search row, and an audit row named action. create_in takes the number
 * to give (the caller numbers a batch at once); update_in changes the
 * customer only at expected_version (RK_ERR_CONFLICT). On failure the
 * caller rolls the transaction back.
 */
int rk_custdb_create_in(struct rk_session *s, const char *number, const char *action,
                        const struct rk_edit *edits, size_t n, int64_t *id,
                        struct rk_error *err);
int rk_custdb_update_in(struct rk_session *s, int64_t id, int64_t expected_version,
                        const char *action, const struct rk_edit *edits, size_t n,
                        struct rk_error *err);

/*
 * rk_custdb_contact_add_in - rk_contact_add inside the caller's open
 * write transaction (the import): a company's new contact person from
 * edits, audited as action. rk_custdb_consent_give_in - a consent v =
 * {purpose, source, given_on} (already checked) given to customer_id,
 * audited as action; *existed (nothing written) when one for the purpose
 * is in force.
 */
int rk_custdb_contact_add_in(struct rk_session *s, int64_t customer_id,
                             const char *action, const struct rk_edit *edits, size_t n,
                             struct rk_error *err);
int rk_custdb_consent_give_in(struct rk_session *s, int64_t customer_id,
                              const char *const v[3], const char *action, bool *existed,
                              struct rk_error *err);

/* rk_custdb_fields - the column names of edits as "a,b,c" in buf. */
const char *rk_custdb_fields(const struct rk_edit *edits, size_t n, char *buf,
                             size_t size);

/*
 * rk_custdb_audit_read - record, inside the open transaction, that the
 * session was shown `groups` of customer id (action e.g. "customer.view").
 * On failure the caller rolls back and shows nothing.
 */
int rk_custdb_audit_read(struct rk_session *s, const char *action, int64_t id,
                         rk_groupset groups, struct rk_error *err);

/* RK_CUSTDB_ID_OF_NUMBER(x) - SQL for the customer id a number stands
 * for, the one rule every entry point that takes a customer number
 * follows: the customer's own id, or, for the number of a customer merged
 * into another (merge.h), the survivor's (merges keep one hop: a stub
 * never points at a stub). x is the SQL of the number, e.g. "?1"; NULL
 * when no customer has the number. */
#define RK_CUSTDB_ID_OF_NUMBER(x)                                                        \
        "(SELECT coalesce(merged_into, id) FROM customers WHERE number = " x ")"

/* rk_custdb_by_number - the id of the customer numbered number, with no
 * permission check (callers check theirs); for the number of a customer
 * merged into another (merge.h), the survivor's id. RK_ERR_NOTFOUND. */
int rk_custdb_by_number(sqlite3 *db, const char *number, int64_t *id,
                        struct rk_error *err);

/* rk_custdb_resolve - rk_custdb_by_number that also tells which customer
 * the number led to: out (RK_CUSTOMER_NUMBER_SIZE, may be NULL) gets its
 * number (the survivor's for a merged one) and *anonymised (may be NULL)
 * whether it is an erased or anonymised stub. RK_ERR_NOTFOUND. */
int rk_custdb_resolve(sqlite3 *db, const char *number, int64_t *id, char *out,
                      bool *anonymised, struct rk_error *err);

/* rk_custdb_parent - the customer id that row id of kind (contact, order,
 * line, note, consent) belongs to; RK_ERR_NOTFOUND when the row is gone. */
int rk_custdb_parent(sqlite3 *db, enum rk_record kind, int64_t id, int64_t *customer_id,
                     struct rk_error *err);

/* rk_orders_select - the orders of customer_id, newest first, as views
 * holding only the fields in groups, with lines and (when groups has
 * order amounts) totals. Free with rk_order_views_free. */
int rk_orders_select(sqlite3 *db, int64_t customer_id, const char *customer_number,
                     rk_groupset groups, struct rk_order_view **out, size_t *n,
                     struct rk_error *err);

#endif
