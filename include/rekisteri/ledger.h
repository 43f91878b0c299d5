/*
 * ledger.h - who was forgotten: the register's own record, and the ledger
 * file that mirrors it outside the encrypted database so that restoring
 * an older backup cannot bring anyone back.
 *
 * The source of truth is the register: each forgetting (an erasure by
 * request, an anonymisation by retention) inserts its entry into the
 * register's erasures tables in the same transaction that forgets the
 * person. No entry exists for a forgetting that rolled back, and every
 * backup carries every forgetting up to its own time.
 *
 * The ledger file PATH.erased is a mirror, written only after the COMMIT
 * and repaired from the register whenever a session opens it (a kill
 * between the two leaves it behind by one transaction, never ahead). It
 * holds no personal value in the clear: per entry the customer number and
 * the creation time of the customer row (together they name one row;
 * numbers are never reused), for a contact person its row id and a keyed
 * fingerprint of the row, the time and the mode. The keyed identifier
 * hashes (suppress.h) stay inside the encrypted register: a hash of a
 * phone number can be reversed by whoever holds the key, so the file,
 * which is kept in the clear with the backups, does not carry them. It
 * also names the register (rk_suppress_register_id: the same for the
 * register, its backups and upgraded copies) and the time up to which it
 * is complete (as_of): a
 * restore (restore.h) trusts it to cover the time after a backup only
 * when as_of is at least that backup's time. A backup stamps it, so a
 * ledger copied off the machine with the backups always qualifies.
 *
 * Layout, the same in the register and in the file:
 *   erasures(id, customer_number, created_at, contact_id, fingerprint,
 *            mode, erased_at)         one row per forgotten customer or
 *                                     contact person; contact_id 0 = customer
 *   erasure_hashes(erasure_id, kind, hash)  keyed identifier hashes
 * and in the file only ledger_meta(key, value): register_id, as_of,
 * mirrored_count, mirrored_max.
 */
#ifndef REKISTERI_LEDGER_H
#define REKISTERI_LEDGER_H

#include "rekisteri/error.h"
#include "rekisteri/forget.h"
#include "rekisteri/suppress.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RK_LEDGER_SUFFIX ".erased"

/* The register's random id as text (32 hex digits and the NUL). */
#define RK_REGISTER_ID_SIZE 33

/* The two tables, in the register (a migration) and in the file. */
#define RK_LEDGER_TABLES_SQL                                                             \
        "CREATE TABLE IF NOT EXISTS erasures("                                           \
        " id INTEGER PRIMARY KEY,"                                                       \
        " customer_number TEXT NOT NULL,"                                                \
        " created_at INTEGER NOT NULL,"                                                  \
        " contact_id INTEGER NOT NULL,"                                                  \
        " fingerprint BLOB NOT NULL,"                                                    \
        " mode TEXT NOT NULL,"                                                           \
        " erased_at INTEGER NOT NULL,"                                                   \
        " UNIQUE(customer_number, created_at, contact_id, fingerprint));"                \
        "CREATE TABLE IF NOT EXISTS erasure_hashes("                                     \
        " erasure_id INTEGER NOT NULL REFERENCES erasures(id),"                          \
        " kind TEXT NOT NULL,"                                                           \
        " hash BLOB NOT NULL,"                                                           \
        " PRIMARY KEY(erasure_id, kind, hash));"

/* What a ledger file says about itself. */
struct rk_ledger_info {
        bool exists;
        char register_id[RK_REGISTER_ID_SIZE]; /* "" in a ledger of an older version */
        int64_t as_of;                         /* 0 when unknown */
};

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
 * rk_ledger_record - insert entries into the erasures tables of db (the
 * register, inside the caller's forgetting transaction, or an open ledger
 * file). An entry already there is not added twice.
 */
int rk_ledger_record(sqlite3 *db, const struct rk_ledger_entry *e, size_t n,
                     struct rk_error *err);

/* rk_ledger_load - every entry of the open db (register or file), oldest
 * first. Free with rk_ledger_free. */
int rk_ledger_load(sqlite3 *db, struct rk_ledger_entry **out, size_t *n,
                   struct rk_error *err);

/*
 * rk_ledger_read - every entry of the ledger file at path, oldest first,
 * and (info may be NULL) what it says about itself; a missing file is an
 * empty ledger with info->exists false. RK_ERR_CORRUPT when the file is
 * not a ledger. Free with rk_ledger_free.
 */
int rk_ledger_read(const char *path, struct rk_ledger_entry **out, size_t *n,
                   struct rk_ledger_info *info, struct rk_error *err);

/*
 * rk_ledger_mirror - bring the ledger file of the register at
 * register_path up to date from the register's open connection reg: add
 * what it lacks (created with the register's file mode, sidefile.h), and
 * set its as_of to now. When it is already complete nothing is written,
 * unless stamp (a backup, a restore) asks for as_of to move on; a stamp
 * also copies every entry again (INSERT OR IGNORE), not only the newer. RK_ERR_CORRUPT
 * when the file is another register's ledger; file errors as RK_ERR_IO.
 */
int rk_ledger_mirror(sqlite3 *reg, const char *register_path, bool stamp,
                     struct rk_error *err);

/* rk_ledger_register_id - the register's id (meta register_id) into out. */
int rk_ledger_register_id(sqlite3 *db, char out[RK_REGISTER_ID_SIZE],
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

/*
 * rk_ledger_add_merged - after forgetting customer id: one more entry in
 * *arr per customer merged into it (merge.h), with that stub's number and
 * creation time and no hashes. The stub is empty now, but a backup taken
 * before the merge holds it with the same person's data, and a restore
 * must forget it too.
 */
int rk_ledger_add_merged(sqlite3 *db, int64_t id, struct rk_ledger_entry **arr, size_t *n,
                         enum rk_forget_mode mode, int64_t erased_at,
                         struct rk_error *err);

/* rk_ledger_free - free n entries and the array; NULL is fine. */
void rk_ledger_free(struct rk_ledger_entry *e, size_t n);

#endif
