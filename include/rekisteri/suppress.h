/*
 * suppress.h - the suppression list: keyed hashes of the e-mail
 * addresses, phone numbers and personal identity codes of erased people,
 * so that creating or importing the same person again is flagged to the
 * user without the values being kept in the clear.
 *
 * Hash = BLAKE2b-256 (libsodium crypto_generichash) keyed with a random
 * 32-byte key kept inside the encrypted database (meta "suppression_key",
 * created on first use), of the normalised value: the form fields.c's
 * validator stores, lower-cased for e-mail addresses and upper-cased for
 * identity codes. Without the key, which never leaves the encrypted
 * database, a hash cannot be tested against a list of phone numbers.
 */
#ifndef REKISTERI_SUPPRESS_H
#define REKISTERI_SUPPRESS_H

#include "rekisteri/error.h"
#include "rekisteri/fields.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define RK_SUPPRESS_HASH_BYTES 32

/* The identifiers that are hashed. */
enum rk_ident_kind { RK_IDENT_EMAIL, RK_IDENT_PHONE, RK_IDENT_HETU, RK_IDENT_COUNT };

/* One keyed hash of one identifier. */
struct rk_ident_hash {
        enum rk_ident_kind kind;
        unsigned char hash[RK_SUPPRESS_HASH_BYTES];
};

/* rk_ident_kind_name - "email", "phone", "hetu"; rk_ident_kind_parse - the
 * reverse, -1 when unknown. */
const char *rk_ident_kind_name(enum rk_ident_kind kind);
int rk_ident_kind_parse(const char *name);

/* rk_ident_kind_of - the identifier kind a field holds (by its validator),
 * or -1 when the field is not one that is hashed. */
int rk_ident_kind_of(const struct rk_field *f);

/*
 * rk_suppress_ensure_key - create the keyed-hash key if the database has
 * none yet (an autocommit write, or part of the caller's transaction).
 * Backups call this first, so a backup always carries the same key as the
 * live register and hashes in the erasure ledger stay comparable.
 */
int rk_suppress_ensure_key(sqlite3 *db, struct rk_error *err);

/*
 * rk_suppress_hash - the keyed hash of a value already normalised by its
 * field's validator (see above for the case folding). *have_key is set
 * false (and out untouched) when the database has no key yet, which means
 * nothing was ever suppressed.
 */
int rk_suppress_hash(sqlite3 *db, enum rk_ident_kind kind, const char *normalised,
                     unsigned char out[RK_SUPPRESS_HASH_BYTES], bool *have_key,
                     struct rk_error *err);

/* The register's id as text: 32 hex digits and the NUL. */
#define RK_SUPPRESS_ID_TEXT 33

/*
 * rk_suppress_register_id - the register's id: BLAKE2b-128 of a fixed
 * label keyed with the suppression key (which it creates when missing),
 * so the live register, every backup of it and every upgraded copy give
 * the same id, and the id reveals nothing of the key. Also recorded in
 * meta register_id when db is writable.
 */
int rk_suppress_register_id(sqlite3 *db, char out[RK_SUPPRESS_ID_TEXT],
                            struct rk_error *err);

/* rk_suppress_add - put a hash on the list (already there is fine). */
int rk_suppress_add(sqlite3 *db, const struct rk_ident_hash *h, int64_t now,
                    struct rk_error *err);

/* rk_suppress_contains - *yes when the hash is on the list. */
int rk_suppress_contains(sqlite3 *db, const struct rk_ident_hash *h, bool *yes,
                         struct rk_error *err);

/*
 * rk_suppress_collect - the keyed hashes of every stored identifier of
 * customer_id (its own e-mail, invoicing e-mail, phone, identity code and
 * its contact persons' e-mail and phone), or with contact_id > 0 of that
 * one contact person only, creating the key if needed. The hashes are
 * appended to *out (malloc'd or NULL; free()), *n its length; a hash
 * already there is not added twice.
 */
int rk_suppress_collect(sqlite3 *db, int64_t customer_id, int64_t contact_id,
                        struct rk_ident_hash **out, size_t *n, struct rk_error *err);

/*
 * rk_suppress_fingerprint - a keyed hash of contact person contact_id's
 * row (id, name, e-mail, phone), which the erasure ledger keeps to find
 * the same row in a restored backup without storing its values (contact
 * ids can be reused; a fingerprint cannot match another person's row).
 * RK_ERR_NOTFOUND when the row is gone.
 */
int rk_suppress_fingerprint(sqlite3 *db, int64_t contact_id,
                            unsigned char out[RK_SUPPRESS_HASH_BYTES],
                            struct rk_error *err);

#endif
