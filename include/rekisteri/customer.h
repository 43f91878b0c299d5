/*
 * customer.h - the customer store: persons and companies with a customer
 * number, their contact persons, notes and marketing consents, and the
 * customer view every screen draws.
 *
 * Reads: a screen asks for the field groups it shows (a tab, a form); core
 * loads the groups asked for that the session may read and nothing else,
 * and says in the view which groups it read (the audit trail records
 * them). A field outside those groups is absent from the view, and a child
 * list (contact persons, orders, notes, consents) is loaded only when one
 * of its groups was read. The customer number is shown to any session
 * that may read any customer group.
 *
 * Writes: every call is one transaction that checks the session's grants
 * (rk_authorize_*), validates each value with rk_field_check, stamps the
 * customer's updated_at (and last_activity for contact with the customer:
 * notes, consents, orders), rebuilds its search row and commits, or
 * changes nothing. Records that two people edit carry a version: a save
 * against an older version is refused with RK_ERR_CONFLICT ("changed by
 * someone else since you opened it"), never silently overwritten.
 *
 * A customer whose processing is restricted (GDPR Art. 18) opens only for
 * a session that handles data-subject requests; others get RK_ERR_DENIED.
 */
#ifndef REKISTERI_CUSTOMER_H
#define REKISTERI_CUSTOMER_H

#include "rekisteri/error.h"
#include "rekisteri/orders.h"
#include "rekisteri/policy.h"
#include "rekisteri/record.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rk_search_hit; /* search.h */

struct rk_customer_view {
        int64_t id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        int64_t version; /* of the customer row; pass to rk_customer_update */
        bool restricted;
        rk_groupset groups;         /* what was read: asked for and readable */
        struct rk_record_view main; /* readable customer fields */
        struct rk_record_view *contacts;
        size_t ncontacts;
        struct rk_order_view *orders; /* newest first */
        size_t norders;
        struct rk_record_view *notes;
        size_t nnotes;
        struct rk_record_view *consents;
        size_t nconsents;
};

/*
 * rk_customer_load - the customer id with the groups in want that the
 * session may read. RK_ERR_DENIED when it may read none of them;
 * RK_ERR_NOTFOUND when there is no such customer or (the same answer, word
 * for word) when it is restricted and the session may not handle requests. Clear out with
 * rk_customer_view_clear, also after a failure.
 */
int rk_customer_load(struct rk_session *s, int64_t id, rk_groupset want,
                     struct rk_customer_view *out, struct rk_error *err);

/*
 * rk_customer_find - the id of the customer numbered number ("C000001"),
 * for a session that may read any customer group (the number is shown to
 * every such role). Reads nothing else and records nothing: the view that
 * follows is what the trail records. RK_ERR_NOTFOUND, also for a
 * restricted customer when the session may not handle requests (the same
 * message as for a number nobody has); RK_ERR_DENIED.
 */
int rk_customer_find(struct rk_session *s, const char *number, int64_t *id,
                     struct rk_error *err);

/*
 * rk_customer_kind_label - a customer's stored type ("person", "company")
 * as people read it in the language in use (static, translated); NULL for
 * a code it does not know, which is then shown as stored.
 */
const char *rk_customer_kind_label(const char *code);

/* rk_customer_view_clear - free what v holds and zero it; NULL is fine. */
void rk_customer_view_clear(struct rk_customer_view *v);

/*
 * rk_customer_search - the customer list's search (search.h,
 * rk_search_customers) for the session: up to limit hits for query,
 * searched only in the columns the session may read, each hit holding only
 * the readable parts (number always, name with identity, city with
 * contact). When there are hits, one "customer.search" audit row per hit
 * (its subject, the groups shown, never the query) is committed before
 * they are returned; if they cannot be written the hits are dropped and
 * the error returned. *hits is released with rk_search_free. Errors as
 * rk_search_customers: RK_ERR_INVALID for a query with no word or too
 * long, RK_ERR_DENIED when the session may search nothing.
 */
int rk_customer_search(struct rk_session *s, const char *query, size_t limit,
                       struct rk_search_hit **hits, size_t *n, struct rk_error *err);

/*
 * rk_customer_create - a new customer from edits (columns of customers in
 * fields.c). Needs the customers_create action and write on the group of
 * every field given; "name" is required, "kind" defaults to "person", a
 * personal identity code is for persons only. Numbers are "C" + 6 digits,
 * the next free one. *id and number (RK_CUSTOMER_NUMBER_SIZE; each may be
 * NULL) get the new customer's. RK_ERR_DENIED, RK_ERR_INVALID (message
 * names the field).
 */
int rk_customer_create(struct rk_session *s, const struct rk_edit *edits, size_t n,
                       int64_t *id, char *number, struct rk_error *err);

/*
 * rk_customer_check_suppressed - call before rk_customer_create (kind
 * RK_REC_CUSTOMER) or rk_contact_add (RK_REC_CONTACT), with the same edits:
 * *suppressed is set true when an e-mail address, phone number or personal
 * identity code among them belongs to a person who was erased
 * (suppress.h). The form then tells the user and asks whether to go on;
 * nothing is refused here, and no value is stored or logged: a match is
 * recorded in the audit trail as "customer.suppressed" without values.
 * Values that do not validate are RK_ERR_INVALID (as the save would be).
 * Needs the customers_create or requests action, or write on identity.
 */
int rk_customer_check_suppressed(struct rk_session *s, enum rk_record kind,
                                 const struct rk_edit *edits, size_t n, bool *suppressed,
                                 struct rk_error *err);

/*
 * rk_customer_update - change the customer's fields if it is still at
 * expected_version. RK_ERR_CONFLICT when someone else saved first (nothing
 * is written), RK_ERR_DENIED naming a field the session may not write,
 * RK_ERR_INVALID naming a field whose value is refused, RK_ERR_NOTFOUND.
 * *new_version (may be NULL) gets the version to use for the next save.
 */
int rk_customer_update(struct rk_session *s, int64_t id, int64_t expected_version,
                       const struct rk_edit *edits, size_t n, int64_t *new_version,
                       struct rk_error *err);

/*
 * Contact persons, of company customers only. Adding needs write on the
 * identity group (the name is required) and on every group given;
 * updating, the groups changed, at expected_version (RK_ERR_CONFLICT);
 * deleting, every group of a contact person.
 */
int rk_contact_add(struct rk_session *s, int64_t customer_id, const struct rk_edit *edits,
                   size_t n, int64_t *contact_id, struct rk_error *err);
int rk_contact_update(struct rk_session *s, int64_t contact_id, int64_t expected_version,
                      const struct rk_edit *edits, size_t n, struct rk_error *err);
int rk_contact_delete(struct rk_session *s, int64_t contact_id, int64_t expected_version,
                      struct rk_error *err);

/*
 * rk_note_add - a free-text note on the customer, written now by the
 * session's user. Needs write on notes. A note that contains a valid
 * personal identity code is refused (RK_ERR_INVALID): the code belongs in
 * its own field, which fewer roles may read. *note_id may be NULL.
 */
int rk_note_add(struct rk_session *s, int64_t customer_id, const char *body,
                int64_t *note_id, struct rk_error *err);

/*
 * rk_consent_give - record a marketing consent for purpose (a choice in
 * fields.c), given on given_on (YYYY-MM-DD; NULL for today) through
 * source (where it was collected, required). RK_ERR_EXISTS when a consent
 * for the purpose is already in force. Needs write on consents.
 */
int rk_consent_give(struct rk_session *s, int64_t customer_id, const char *purpose,
                    const char *source, const char *given_on, struct rk_error *err);

/* rk_consent_withdraw - mark the consent in force for purpose withdrawn
 * today; the record stays as proof. RK_ERR_NOTFOUND when none is in force. */
int rk_consent_withdraw(struct rk_session *s, int64_t customer_id, const char *purpose,
                        struct rk_error *err);

#endif
