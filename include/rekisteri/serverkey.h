/*
 * serverkey.h - the server key file: a 256-bit secret beside the register
 * (PATH.serverkey) that never goes into a backup. Subkeys derived from it
 * (crypto_kdf) key what a stolen slot file or backup must not reveal:
 *   RK_SUBKEY_LABELS    the keyed hash that turns usernames into slot labels
 *   RK_SUBKEY_TOTP      the encryption of TOTP secrets in the database
 *   RK_SUBKEY_THROTTLE  the encryption of throttle counters and queued
 *                       login failures in the slot file
 * The file is "rekisteri-serverkey-v1 HEX\n", mode 0600, or 0640 with the
 * register's group on a multi-user server, where only the setgid binary
 * reads it. It may be group-readable but never writable by group or others
 * nor readable by others. What losing it means, and how to recover, is in
 * the README ("How the keys work").
 */
#ifndef REKISTERI_SERVERKEY_H
#define REKISTERI_SERVERKEY_H

#include "rekisteri/error.h"

#include <stddef.h>
#include <stdint.h>

#define RK_SERVERKEY_SUFFIX ".serverkey"

enum rk_subkey { RK_SUBKEY_LABELS = 1, RK_SUBKEY_TOTP = 2, RK_SUBKEY_THROTTLE = 3 };

/* rk_serverkey_path - the server key path for the slot file at vault_path
 * (PATH.keys gives PATH.serverkey). RK_ERR_INVALID when too long. */
int rk_serverkey_path(const char *vault_path, char *out, size_t size,
                      struct rk_error *err);

/* rk_serverkey_load - read the key (RK_KEY_BYTES into key, guarded memory
 * of the caller). RK_ERR_NOTFOUND when missing, RK_ERR_DENIED when others
 * may read it or anyone but the owner may write it, RK_ERR_CORRUPT when
 * malformed. */
int rk_serverkey_load(const char *path, unsigned char *key, struct rk_error *err);

/*
 * rk_serverkey_create - make a new key file at path (never over an existing
 * one: then the existing key is loaded instead, so a migration that died
 * half-way picks its key up again). like_path names the file whose group
 * it takes; it is made group-readable when that file is.
 */
int rk_serverkey_create(const char *path, const char *like_path, unsigned char *key,
                        struct rk_error *err);

/* rk_serverkey_subkey - derive subkey id (RK_KEY_BYTES) from key. */
void rk_serverkey_subkey(const unsigned char *key, enum rk_subkey id, unsigned char *out);

#endif
