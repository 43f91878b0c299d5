/*
 * marketing.h - marketing lists that honour the person: who may be
 * contacted for one marketing purpose, and how many were left out and why.
 *
 * A customer is on the list for purpose P only when all of these hold:
 * a consent for P is in force (given, not withdrawn); no objection covers
 * P (an objection to P itself or to direct_marketing, GDPR Art. 21(3));
 * its processing is not restricted (Art. 18); it was not erased; and none
 * of its identifiers (e-mail, invoicing e-mail, phone, identity code) is
 * on the suppression list of erased people. A company on the list brings
 * its contact persons, each checked against the suppression list too.
 * Everyone else who has a consent record for P is left out and counted
 * under the first reason that applies, in that order; the list states the
 * counts only, never who.
 *
 * The list holds only the columns the session may read: the customer
 * number always, the name with the identity group, e-mail and phone with
 * the contact group. Making the list needs read on consents. It is
 * recorded in the audit trail before anything is returned: one row per
 * person on the list (its customer as the subject, the purpose as the
 * target), so "who saw subject X" finds it.
 */
#ifndef REKISTERI_MARKETING_H
#define REKISTERI_MARKETING_H

#include "rekisteri/error.h"
#include "rekisteri/policy.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rk_marketing_reason {
        RK_MKT_ERASED,
        RK_MKT_WITHDRAWN,
        RK_MKT_OBJECTED,
        RK_MKT_RESTRICTED,
        RK_MKT_SUPPRESSED,
        RK_MKT_REASONS
};

struct rk_marketing_row {
        bool contact; /* a company's contact person */
        int64_t customer_id;
        char number[8]; /* the customer's number */
        char *name;     /* NULL when not readable or none; malloc'd */
        char *email, *phone;
};

struct rk_marketing_list {
        struct rk_marketing_row *rows;
        size_t n;
        size_t left_out[RK_MKT_REASONS]; /* customers left out, per reason */
        bool has_name, has_contact;      /* which columns the rows hold */
};

/* rk_marketing_reason_name - "erased", "consent withdrawn", "objected",
 * "restricted", "suppressed", translated for people (i18n.h). */
const char *rk_marketing_reason_name(enum rk_marketing_reason r);

/*
 * rk_marketing_list - the list for purpose (a consent purpose of
 * fields.c) into *out (free with rk_marketing_list_free, also after a
 * failure). With csv_path, the list is also written there as CSV for
 * people (formula-safe, mode 0600, a new file: RK_ERR_EXISTS rather than
 * overwriting) and audited as "marketing.export"; without, as
 * "marketing.list". The file is removed again if anything fails.
 * RK_ERR_DENIED without read on consents, RK_ERR_INVALID naming
 * "Purpose" for an unknown one.
 */
int rk_marketing_list(struct rk_session *s, const char *purpose, const char *csv_path,
                      struct rk_marketing_list *out, struct rk_error *err);

/* rk_marketing_list_free - free and wipe what l holds, zero it. */
void rk_marketing_list_free(struct rk_marketing_list *l);

#endif
