/*
 * vault.h - the keyslot file: how the database key is kept, wrapped.
 *
 * Two levels, as in LUKS. A random 256-bit master key (MK) wraps the
 * database key (DEK), SQLCipher's raw key. Each keyslot has its own X25519
 * key pair (libsodium crypto_box): the secret key is wrapped under the
 * slot's key (from the password, key file or recovery key), and the MK is
 * sealed to the public key (crypto_box_seal, as age and libsodium's sealed
 * boxes do). So a rotation can draw a new MK and a new DEK and hand the MK
 * to every remaining slot without anyone's password, and a slot removed
 * before the rotation (a key file, a disabled account, a replaced password)
 * yields, from any old copy of the file, only an MK that opens nothing any
 * more. Removing or replacing a slot puts its public key on a revoked list
 * and marks a rotation due.
 *
 * Slot kinds:
 *   user      the MK under a key derived from the user's password with
 *             Argon2id (crypto_pwhash, cost from config). The label is a
 *             keyed hash of the username, so the file names nobody.
 *   recovery  the MK under a key derived from the 256-bit recovery key that
 *             init prints once.
 *   keyfile   the MK under a key derived from a 256-bit secret kept in a
 *             0600 file, for unattended jobs; the label is the job's name.
 * Each wrap is XChaCha20-Poly1305 with the slot's kind and label as
 * associated data, so a slot cannot be moved to another name. Slots of
 * format 1 (the MK wrapped directly) still open, and get their key pair at
 * their first use after the upgrade.
 *
 * The file is plain SQLite: the encrypted database cannot be opened before
 * a slot is unwrapped, so failure counters live here too. Unwrapping a user
 * slot is the password check.
 */
#ifndef REKISTERI_VAULT_H
#define REKISTERI_VAULT_H

#include "rekisteri/error.h"
#include "rekisteri/secret.h"

#include <stddef.h>
#include <stdint.h>

#define RK_RECOVERY_KEY_CHARS 72 /* 8 groups of 8 hex digits, 7 dashes, NUL */
#define RK_LABEL_MAX          64

struct rk_vault;

struct rk_kdf_cost {
        long long ops;     /* Argon2id passes */
        long long mem_kib; /* Argon2id memory */
};

enum rk_slot_kind { RK_SLOT_USER, RK_SLOT_RECOVERY, RK_SLOT_KEYFILE };

struct rk_slot_info {
        enum rk_slot_kind kind;
        char label[2 * RK_KEY_BYTES + 1]; /* keyfile name, or the user hash */
        int64_t created_at;
};

/* rk_vault_create - create a new, empty slot file at path (never over an
 * existing one: RK_ERR_EXISTS). The caller owns *out. */
int rk_vault_create(const char *path, struct rk_vault **out, struct rk_error *err);

/* rk_vault_open - open an existing slot file. RK_ERR_NOTFOUND when missing,
 * RK_ERR_CORRUPT when it is not a slot file, RK_ERR_VERSION when newer. */
int rk_vault_open(const char *path, struct rk_vault **out, struct rk_error *err);

/* rk_vault_close - close and free; NULL is fine. */
void rk_vault_close(struct rk_vault *v);

/* rk_vault_init_keys - for a new vault: draw the MK and the first DEK, and
 * store the DEK wrapped under the MK. mk and dek are RK_KEY_BYTES buffers
 * the caller provides (guarded memory). */
int rk_vault_init_keys(struct rk_vault *v, unsigned char *mk, unsigned char *dek,
                       struct rk_error *err);

/*
 * rk_vault_get_dek - unwrap the current DEK into dek and, when a rotation
 * was interrupted, the staged one into pending (then *has_pending is 1).
 * RK_ERR_CORRUPT when a wrapped key does not authenticate under mk.
 */
int rk_vault_get_dek(struct rk_vault *v, const unsigned char *mk, unsigned char *dek,
                     unsigned char *pending, int *has_pending, struct rk_error *err);

/* rk_vault_stage_dek - store new_dek, wrapped, as the pending DEK; the
 * current one stays until rk_vault_promote_dek. */
int rk_vault_stage_dek(struct rk_vault *v, const unsigned char *mk,
                       const unsigned char *new_dek, struct rk_error *err);

/* rk_vault_promote_dek - make the pending DEK current, erasing the old one. */
int rk_vault_promote_dek(struct rk_vault *v, struct rk_error *err);

/* rk_vault_discard_pending - drop a staged DEK that never reached the
 * database (a rotation that died before the rekey). */
int rk_vault_discard_pending(struct rk_vault *v, struct rk_error *err);

/*
 * rk_vault_set_user - add or replace the slot of username, wrapping mk
 * under the password. The password is never stored. RK_ERR_CRYPTO when
 * Argon2id cannot get the memory asked for.
 */
int rk_vault_set_user(struct rk_vault *v, const char *username, const char *password,
                      size_t pwlen, const struct rk_kdf_cost *cost,
                      const unsigned char *mk, struct rk_error *err);

/* rk_vault_has_user - 1 when username has a slot, 0 when not, <0 on error. */
int rk_vault_has_user(struct rk_vault *v, const char *username);

/* rk_vault_remove_user - erase the slot of username (RK_ERR_NOTFOUND). */
int rk_vault_remove_user(struct rk_vault *v, const char *username, struct rk_error *err);

/*
 * rk_vault_unlock_user - unwrap mk with username's password. A missing user
 * and a wrong password give the same RK_ERR_AUTH and take the same time
 * (an Argon2id run with `cost` is spent either way).
 */
int rk_vault_unlock_user(struct rk_vault *v, const char *username, const char *password,
                         size_t pwlen, const struct rk_kdf_cost *cost, unsigned char *mk,
                         struct rk_error *err);

/* rk_vault_set_recovery - replace the recovery slot with a fresh key and
 * write its text form (RK_RECOVERY_KEY_CHARS) into out, for showing once. */
int rk_vault_set_recovery(struct rk_vault *v, const unsigned char *mk, char *out,
                          struct rk_error *err);

/* rk_vault_unlock_recovery - unwrap mk with the recovery key text (dashes
 * and spaces ignored). RK_ERR_AUTH when it does not fit. */
int rk_vault_unlock_recovery(struct rk_vault *v, const char *text, unsigned char *mk,
                             struct rk_error *err);

/*
 * rk_vault_add_keyfile - create a key-file slot named label ([a-z0-9._-],
 * 1..64) and write its secret to a new 0600 file at path (never over an
 * existing file). RK_ERR_EXISTS when the label or the file exists.
 */
int rk_vault_add_keyfile(struct rk_vault *v, const char *label, const unsigned char *mk,
                         const char *path, struct rk_error *err);

/* rk_vault_remove_keyfile - erase the key-file slot named label. */
int rk_vault_remove_keyfile(struct rk_vault *v, const char *label, struct rk_error *err);

/*
 * rk_vault_unlock_keyfile - read the key file at path (refused when others
 * can read or write it), find its slot, unwrap mk. label_out (RK_LABEL_MAX+1)
 * gets the slot's name. RK_ERR_AUTH when no slot accepts the file.
 */
int rk_vault_unlock_keyfile(struct rk_vault *v, const char *path, unsigned char *mk,
                            char *label_out, struct rk_error *err);

/*
 * rk_vault_rotate_stage - the slot-file half of a rotation, in one
 * transaction: draw a new MK into new_mk (guarded, RK_KEY_BYTES), seal it
 * to every slot's public key, and store dek (still current) and new_dek
 * (pending) wrapped under it. Afterwards the old MK opens nothing in this
 * file. mk must be the current MK (RK_ERR_BUSY when a rotation happened
 * meanwhile); RK_ERR_INVALID while format-1 slots remain (they could not
 * receive the new MK). rk_vault_promote_dek, once the database is under
 * new_dek, ends the rotation and clears a due mark.
 */
int rk_vault_rotate_stage(struct rk_vault *v, const unsigned char *mk,
                          const unsigned char *dek, const unsigned char *new_dek,
                          unsigned char *new_mk, struct rk_error *err);

/* rk_vault_rotation_due - 1 when a rotation is due (a slot was removed or
 * replaced since the last one), with the reason in reason (size bytes, may
 * be NULL); 0 when not; <0 on error. */
int rk_vault_rotation_due(struct rk_vault *v, char *reason, size_t size);

/* rk_vault_list - every slot, oldest first; the caller frees *out. */
int rk_vault_list(struct rk_vault *v, struct rk_slot_info **out, size_t *n,
                  struct rk_error *err);

/*
 * rk_vault_use_server_key - switch an older slot file to the server key
 * (serverkey.h): create PATH.serverkey (or take the one a crashed earlier
 * attempt left), relabel the slots, counters and queued failures of the
 * accounts names[0..n) from the old in-file key to the server key, drop
 * counters of unknown names, and forget the in-file key, in one
 * transaction. RK_OK at once when already switched; RK_ERR_CORRUPT when
 * the server key file is missing.
 */
int rk_vault_use_server_key(struct rk_vault *v, const char *const *names, size_t n,
                            struct rk_error *err);

/*
 * rk_vault_replace_server_key - after the server key file was lost: make a
 * new one and, since no staff slot can be found without the old one, revoke
 * and remove every user slot, drop counters and sealed failure records, and
 * mark a rotation due. Key-file and recovery slots stay. RK_ERR_INVALID
 * when the server key file is in place.
 */
int rk_vault_replace_server_key(struct rk_vault *v, struct rk_error *err);

/* rk_vault_user_label - the label a username's slot carries (hex, 65 bytes):
 * BLAKE2b keyed with a subkey of the server key, which is not in the slot
 * file (older files: with a key kept in the file). RK_ERR_CORRUPT, with a
 * random label, when the server key file is missing. */
int rk_vault_user_label(struct rk_vault *v, const char *username, char *out,
                        struct rk_error *err);

#endif
