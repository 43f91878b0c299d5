/*
 * ledger.h - the erasure ledger: which people were forgotten, kept OUTSIDE
 * the encrypted database so that restoring an older backup cannot bring
 * them back.
 *
 * The ledger is a small plain SQLite file beside the register, PATH.erased
 * (mode 0600), that travels with the live register as the slot file does.
 * It holds no personal value in the clear: per erasure the customer number
 * and the creation time of the customer row (which together name exactly
 * one row, since numbers are never reused), for a contact person its row
 * id and a keyed fingerprint of the row, the time, the mode, and the keyed
 * identifier hashes (suppress.h) that go to the suppression list. The key
 * of those hashes lives only in the encrypted database.
 *
 * An erasure appends its entry before its database transaction commits; a
 * restore (backup.h) merges the ledgers and replays them before the
 * restored register is put in place.
 *
 * File layout:
 *   erasures(id, customer_number, created_at, contact_id, fingerprint,
 *            mode, erased_at)         one row per forgotten customer or
 *                                     contact person; contact_id 0 = customer
 *   erasure_hashes(erasure_id, kind, hash)  keyed identifier hashes
 */
#ifndef REKISTERI_LEDGER_H
#define REKISTERI_LEDGER_H

#include "rekisteri/error.h"
#include "rekisteri/forget.h"
#include "rekisteri/suppress.h"

#include <stddef.h>
#include <stdint.h>

#define RK_LEDGER_SUFFIX ".erased"

struct rk_ledger_entry {
        char number[RK_CUSTOMER_NUMBER_SIZE];
        int64_t created_at; /* of the customer row */
        int64_t contact_id; /* 0: the customer; else a contact person's row */
        unsigned char fingerprint[RK_SUPPRESS_HASH_BYTES]; /* contacts only */
        enum rk_forget_mode mode;
        int64_t erased_at;
        struct rk_ident_hash *hashes; /* owned by the entry */
        size_t nhashes;
};

/* rk_ledger_path - db_path + RK_LEDGER_SUFFIX into out. */
int rk_ledger_path(const char *db_path, char *out, size_t size, struct rk_error *err);

/*
 * rk_ledger_append - add entries to the ledger at path (created 0600 when
 * missing), in one transaction, durably (synchronous=FULL). An entry
 * already there is not added twice.
 */
int rk_ledger_append(const char *path, const struct rk_ledger_entry *e, size_t n,
                     struct rk_error *err);

/* rk_ledger_read - every entry, oldest first; a missing file is an empty
 * ledger. Free with rk_ledger_free. */
int rk_ledger_read(const char *path, struct rk_ledger_entry **out, size_t *n,
                   struct rk_error *err);

/*
 * rk_ledger_next - grow the array *arr of *n entries by one zeroed entry
 * with mode and erased_at set, and return it; NULL when out of memory
 * (then err says so and the array is unchanged). Entries being collected
 * during an erasure, before rk_ledger_append writes them.
 */
struct rk_ledger_entry *rk_ledger_next(struct rk_ledger_entry **arr, size_t *n,
                                       enum rk_forget_mode mode, int64_t erased_at,
                                       struct rk_error *err);

/* rk_ledger_take_plan - fill e from the plan of a customer just forgotten:
 * its number and creation time, and its identifier hashes, moved into e
 * (done->hashes is NULL afterwards). */
void rk_ledger_take_plan(struct rk_ledger_entry *e, struct rk_forget_plan *done);

/* rk_ledger_free - free n entries and the array; NULL is fine. */
void rk_ledger_free(struct rk_ledger_entry *e, size_t n);

/* rk_ledger_merge - add every entry of src (missing: nothing) to dst. */
int rk_ledger_merge(const char *dst, const char *src, struct rk_error *err);

#endif
