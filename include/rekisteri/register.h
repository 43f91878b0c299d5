/*
 * register.h - one customer register: the encrypted database and the
 * keyslot file beside it (PATH and PATH.keys), opened together.
 *
 * A register is unlocked in one of three ways, each yielding the master key
 * from a keyslot and from it the database key:
 *   - a user's password (the password check of every login);
 *   - a key file, for unattended jobs;
 *   - the recovery key, for disaster recovery only.
 * The second factor (TOTP) and the session rules sit on top, in auth.h.
 * The struct is opaque to front ends; core modules reach the database
 * through rk_register_db().
 */
#ifndef REKISTERI_REGISTER_H
#define REKISTERI_REGISTER_H

#include "rekisteri/config.h"
#include "rekisteri/error.h"
#include "rekisteri/vault.h"

#include <sqlite3.h>
#include <stdint.h>

#define RK_VAULT_SUFFIX ".keys"
#define RK_USERNAME_MAX 32

struct rk_register;

enum rk_unlock_kind { RK_UNLOCK_USER, RK_UNLOCK_KEYFILE, RK_UNLOCK_RECOVERY };

/*
 * rk_register_create - create a new register at db_path (and db_path.keys)
 * with its first admin account, and write the recovery key's text into
 * recovery (RK_RECOVERY_KEY_CHARS) and the audit trail's first key K(0)
 * into audit_key (RK_AUDIT_KEY_TEXT), both for showing once. Refuses with
 * RK_ERR_EXISTS when either file exists; on any failure every file it
 * created is removed again. The caller owns *out.
 */
int rk_register_create(const struct rk_config *cfg, const char *db_path,
                       const char *admin, const char *password, size_t pwlen,
                       char *recovery, char *audit_key, struct rk_register **out,
                       struct rk_error *err);

/* rk_register_unlock_user - open with a user's password. RK_ERR_AUTH when
 * the user is unknown or the password wrong (one message for both). */
int rk_register_unlock_user(const struct rk_config *cfg, const char *db_path,
                            const char *username, const char *password, size_t pwlen,
                            struct rk_register **out, struct rk_error *err);

/* rk_register_unlock_keyfile - open with a key file (see vault.h). */
int rk_register_unlock_keyfile(const struct rk_config *cfg, const char *db_path,
                               const char *keyfile, struct rk_register **out,
                               struct rk_error *err);

/* rk_register_unlock_recovery - open with the recovery key text. */
int rk_register_unlock_recovery(const struct rk_config *cfg, const char *db_path,
                                const char *recovery, struct rk_register **out,
                                struct rk_error *err);

/* rk_register_close - close both files and wipe the keys; NULL is fine. */
void rk_register_close(struct rk_register *reg);

/* rk_register_db - the open database connection (owned by reg). */
sqlite3 *rk_register_db(struct rk_register *reg);

/*
 * rk_register_release_memory - give back what an idle session need not
 * hold: the page caches of both connections (pages are read and decrypted
 * again when next needed) and the allocator's free memory, to the system.
 * For a session waiting for a person; never inside a transaction (SQLite
 * keeps the pages a transaction uses).
 */
void rk_register_release_memory(struct rk_register *reg);

/* rk_register_vault - the open keyslot file (owned by reg). */
struct rk_vault *rk_register_vault(struct rk_register *reg);

/* rk_register_master_key - the unwrapped master key (owned by reg), for
 * writing new keyslots. */
const unsigned char *rk_register_master_key(struct rk_register *reg);

/* rk_register_path - the database path reg was opened at (owned by reg). */
const char *rk_register_path(struct rk_register *reg);

/* rk_register_config - the configuration reg was opened with. */
const struct rk_config *rk_register_config(struct rk_register *reg);

/* rk_register_unlocked_by - how reg was unlocked, and the username or
 * key-file label (NUL-terminated, owned by reg) in *principal. */
enum rk_unlock_kind rk_register_unlocked_by(struct rk_register *reg,
                                            const char **principal);

/*
 * rk_register_rotate_key - replace the master key and the database key:
 * copy the register under a new database key into a new file (store.h),
 * seal a new master key to every remaining slot and stage the new database
 * key under it (vault.h), rename the copy over the register, then make the
 * new key current and clear a due rotation. A crash or an I/O error at any
 * point leaves a register that opens with the slot file (the next opening
 * finishes or undoes the rotation). No password is needed. RK_ERR_BUSY
 * when other sessions have the register open, with nothing changed (the
 * rotation stays due). After a failure past the rename the message says
 * the register is already under the new key.
 */
int rk_register_rotate_key(struct rk_register *reg, struct rk_error *err);

/*
 * rk_register_raw_key - the database key as SQLCipher's literal x'HEX', for
 * opening the file with the sqlcipher CLI in a disaster. Allowed only when
 * reg was unlocked with the recovery key (RK_ERR_DENIED otherwise). out is
 * RK_RAW_KEY_TEXT bytes.
 */
int rk_register_raw_key(struct rk_register *reg, char *out, struct rk_error *err);

/* rk_register_check - run SQLite's integrity check over every page.
 * RK_OK when it reports "ok", RK_ERR_CORRUPT with a message when a page
 * is damaged; a page it could not read is the read's error (RK_ERR_IO,
 * RK_ERR_FULL...), never damage. */
int rk_register_check(struct rk_register *reg, struct rk_error *err);

/* rk_register_vault_path - write db_path + RK_VAULT_SUFFIX into out. */
int rk_register_vault_path(const char *db_path, char *out, size_t size,
                           struct rk_error *err);

#endif
