/*
 * totp_seal.h - TOTP secrets at rest: sealed under a subkey of the server
 * key (serverkey.h), which never goes into a backup, so the database key
 * of a backup (or of today) does not give away anyone's second factor.
 *
 * Stored form: "s1:" + base64url(nonce[24] || XChaCha20-Poly1305(secret)),
 * with "rekisteri/totp/USER_ID" as associated data, so a sealed secret
 * cannot be moved to another account. The same form serves the pending and
 * the confirmed secret (enrolment moves one column to the other). Values
 * without the prefix are secrets of before; rk_totp_seal_all seals them.
 * Internal to the core library.
 */
#ifndef REKISTERI_TOTP_SEAL_H
#define REKISTERI_TOTP_SEAL_H

#include "rekisteri/error.h"
#include "rekisteri/register.h"

#include <stddef.h>
#include <stdint.h>

#include "rekisteri/users.h"

/* Room for a sealed secret, NUL included (users.h stores this much). */
#define RK_TOTP_SEALED_SIZE RK_TOTP_STORED_SIZE

/* rk_totp_seal - seal the base32 secret of account user_id into out
 * (RK_TOTP_SEALED_SIZE). RK_ERR_NOTFOUND when the register has no server
 * key (then nothing can be sealed). */
int rk_totp_seal(struct rk_register *reg, int64_t user_id, const char *b32, char *out,
                 struct rk_error *err);

/* rk_totp_unseal - the base32 secret (RK_TOTP_SECRET_B32_SIZE) from a
 * stored value ("" stays ""; an unsealed value of before comes back as it
 * is). RK_ERR_CORRUPT when it does not authenticate: the server key file
 * is not the one it was sealed under. */
int rk_totp_unseal(struct rk_register *reg, int64_t user_id, const char *stored,
                   char *b32, struct rk_error *err);

/* rk_totp_seal_all - seal every stored secret that is not sealed yet, in
 * one transaction; RK_OK at once when there is none or no server key. */
int rk_totp_seal_all(struct rk_register *reg, struct rk_error *err);

#endif
