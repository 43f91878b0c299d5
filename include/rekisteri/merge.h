/*
 * merge.h - merging two customers who are the same person or company
 * into one (supervisors: the "merge" action).
 *
 * A merge has a plan and a run. The plan (rk_merge_plan) reads both
 * customers' fields side by side, with the records of the other that will
 * move, and records that view in the audit trail. Per field the plan says
 * which value stays: the survivor's, unless the survivor's is empty and
 * the other's is not; rk_merge_choose changes that per field or per field
 * group. The run (rk_merge_run) is one transaction:
 *   - the other's orders, notes, consents, objections and contact persons
 *     move to the survivor, and so do the other's place in every
 *     data-subject request not yet closed (a carried-out restriction is
 *     lifted through its request) and its manual legal hold (retention);
 *   - the values chosen from the other are copied onto the survivor; a
 *     restriction of either stays on the survivor, one per request
 *     (dsr_db.h): lifting one leaves the survivor restricted while another
 *     remains;
 *   - the other becomes a stub that points to the survivor (merged_into):
 *     it keeps its number, which is therefore never reused, and every
 *     entry point that takes a customer number takes it for the survivor
 *     (customer_db.h, RK_CUSTDB_ID_OF_NUMBER; merge itself refuses it and
 *     names the survivor);
 *   - the values not kept are erased as an erasure erases (forget.h,
 *     rk_forget_merged): the stub's fields are emptied, the search index
 *     is merged, and after the COMMIT the WAL is truncated (or the scrub
 *     debt is left for the next session to pay);
 *   - two audit rows name both numbers and the field groups, never a
 *     value: "customer.merge" on the survivor (the other's number as its
 *     target, the fields taken from the other) and "customer.merged" on
 *     the other (the survivor's number as target, the fields erased).
 * A customer whose processing is restricted, or one named by an open
 * request, is merged only when the caller confirms: without it the run
 * returns RK_ERR_CONFIRM with a message naming the reason.
 *
 * Not replayed by a restore: a backup taken before a merge brings the two
 * customers back as they were (the erasure ledger is for forgotten
 * people; a merged person is not forgotten). Merge again after such a
 * restore.
 */
#ifndef REKISTERI_MERGE_H
#define REKISTERI_MERGE_H

#include "rekisteri/error.h"
#include "rekisteri/fields.h"
#include "rekisteri/orders.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One field of the two customers, side by side. */
struct rk_merge_field {
        const struct rk_field *field; /* static, fields.c */
        char *survivor;               /* the value, or NULL when empty; owned */
        char *other;
        bool keep_other; /* the other's value stays (the survivor's is erased) */
};

/* One side of a merge. */
struct rk_merge_side {
        int64_t id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        int64_t version; /* the optimistic lock: a run refuses a changed row */
        bool restricted;
        int64_t open_requests; /* data-subject requests naming it, not closed */
};

/* Why a merge asks first (bits of rk_merge_plan.ask). */
enum rk_merge_ask {
        RK_MERGE_ASK_RESTRICTED = 1 << 0,
        RK_MERGE_ASK_OPEN_REQUEST = 1 << 1,
};

struct rk_merge_plan {
        struct rk_merge_side survivor, other;
        char kind[8]; /* "person" or "company", the same for both */
        struct rk_merge_field *fields;
        size_t nfields;
        /* the other's records that move to the survivor */
        int64_t orders, notes, consents, objections, contacts;
        unsigned ask; /* enum rk_merge_ask bits; 0: no confirmation needed */
};

/* What a run did. */
struct rk_merge_result {
        int64_t moved; /* records moved to the survivor (requests included) */
        int64_t requests;
        bool flushed;         /* the WAL was truncated after the COMMIT */
        char flush_note[400]; /* what still waits, when !flushed */
};

/*
 * rk_merge_plan - the plan for merging the customer numbered other into
 * the one numbered survivor (numbers as people type them: "C000123",
 * "c123", "123"). Needs the merge action and read and write on every
 * field group (RK_ERR_DENIED). A restricted customer is, to a session that
 * may not handle requests, a number nobody has. RK_ERR_INVALID
 * with a message for the same number twice, a number that is not one, a
 * customer already merged into another (naming it), an erased customer,
 * or a person and a company; RK_ERR_NOTFOUND for a number nobody has.
 * Records a "customer.view" of both (every group shown) before returning.
 * Clear out with rk_merge_plan_clear, also after a failure.
 */
int rk_merge_plan(struct rk_session *s, const char *survivor, const char *other,
                  struct rk_merge_plan *out, struct rk_error *err);

/* rk_merge_plan_ids - rk_merge_plan for the customers with these ids
 * (a duplicates list, a detail screen); RK_ERR_NOTFOUND when one is gone. */
int rk_merge_plan_ids(struct rk_session *s, int64_t survivor, int64_t other,
                      struct rk_merge_plan *out, struct rk_error *err);

/*
 * rk_merge_choose - keep the other's value (keep_other) or the survivor's
 * for the field named name: a column of fields.c ("email") or a field
 * group ("contact": every field of it). RK_ERR_INVALID naming the fields
 * that can be chosen for an unknown name.
 */
int rk_merge_choose(struct rk_merge_plan *p, const char *name, bool keep_other,
                    struct rk_error *err);

/*
 * rk_merge_ask_text - the reasons of p->ask as one sentence for a person
 * (into out, size bytes); "" when nothing needs confirming.
 */
const char *rk_merge_ask_text(const struct rk_merge_plan *p, char *out, size_t size);

/*
 * rk_merge_run - carry the plan out as described above, in one
 * transaction. RK_ERR_CONFIRM (err names why) when p needs confirmation,
 * or does now, and confirmed is false: nothing is changed.
 * RK_ERR_CONFLICT when either customer changed since the plan (another
 * session saved or merged them first): nothing is changed; plan again.
 * RK_ERR_DENIED without the merge action. After the COMMIT the WAL is
 * truncated; when that must wait (another session reading) the merge
 * still stands and res->flush_note says what waits. *res may be NULL.
 */
int rk_merge_run(struct rk_session *s, const struct rk_merge_plan *p, bool confirmed,
                 struct rk_merge_result *res, struct rk_error *err);

/* rk_merge_kind_text - "person" or "company" in the language in use. */
const char *rk_merge_kind_text(const struct rk_merge_plan *p);

/* rk_merge_plan_clear - wipe and free the values and zero p; NULL is fine. */
void rk_merge_plan_clear(struct rk_merge_plan *p);

#endif
