/*
 * totp.h - time-based one-time passwords (RFC 6238) for the second login
 * factor.
 *
 * rekisteri uses the parameters every authenticator app understands:
 * HMAC-SHA1, 6 digits, a 30-second step counted from the Unix epoch. A
 * secret is 20 random bytes, kept and shown as unpadded base32 (32 chars).
 * The arithmetic is liboath's; this module adds the policy around it:
 * which steps are accepted (the current one and the one before it, to
 * allow for clock drift and slow typing), and replay protection through
 * the last accepted step, which the caller stores with the user.
 *
 * Messages never contain a secret or a code. Not thread-safe (liboath is
 * initialised lazily on first use).
 */
#ifndef REKISTERI_TOTP_H
#define REKISTERI_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "rekisteri/error.h"

#define RK_TOTP_DIGITS       6
#define RK_TOTP_STEP_SECONDS 30
#define RK_TOTP_SECRET_BYTES 20
/* Buffer size for a base32 secret from rk_totp_secret_new(), NUL included. */
#define RK_TOTP_SECRET_B32_SIZE 33
/* Buffer size for a code, NUL included. */
#define RK_TOTP_CODE_SIZE (RK_TOTP_DIGITS + 1)

/*
 * rk_totp_secret_new - make a fresh secret: 20 bytes from libsodium's
 * CSPRNG, written to b32 as 32 upper-case base32 characters without '='
 * padding, NUL-terminated. The raw bytes are wiped before returning; the
 * caller owns b32 and should wipe it (sodium_memzero) when done.
 * Returns RK_OK; RK_ERR_INVALID if b32sz < RK_TOTP_SECRET_B32_SIZE;
 * RK_ERR_CRYPTO if libsodium or liboath cannot be initialised;
 * RK_ERR_NOMEM. On failure b32 holds an empty string (if b32sz > 0).
 */
int rk_totp_secret_new(char *b32, size_t b32sz, struct rk_error *err);

/*
 * rk_totp_uri - write the enrolment URI for authenticator apps:
 *   otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER
 * The Key Uri Format makes algorithm (SHA1), digits (6) and period (30)
 * optional with exactly our values as defaults, so they are left out: a
 * shorter URI gives a smaller QR code, which must fit an 80x24 terminal.
 * issuer and account are percent-encoded (RFC 3986 unreserved characters
 * A-Z a-z 0-9 - . _ ~ are kept, every other byte becomes %XX), so UTF-8
 * names survive. b32 is copied as given. The URI contains the secret:
 * wipe out after use.
 * Returns RK_OK; RK_ERR_INVALID if an argument is NULL or empty, or if
 * outsz cannot hold the URI and its NUL (out is then an empty string).
 */
int rk_totp_uri(const char *issuer, const char *account, const char *b32, char *out,
                size_t outsz, struct rk_error *err);

/*
 * rk_totp_verify - check a code typed by the user at time now_unix.
 * With T = now_unix / 30, a code is accepted for step T or T-1, and only
 * if that step is greater than last_step, the step the caller recorded at
 * the previous successful login (pass -1 when there is none). Thus a code
 * is accepted once, and after a login no code of that step or an older
 * one works. On success *accepted_step (may be NULL) gets the step that
 * matched (the newest, if both did); the caller must store it as the new
 * last_step. Both candidate codes are always computed and compared in
 * constant time.
 * Returns RK_OK; RK_ERR_INVALID if code is not exactly 6 ASCII digits, if
 * b32 is not valid base32 or empty, or if now_unix is negative;
 * RK_ERR_AUTH with the one message "the code is not valid" for a wrong,
 * expired or replayed code alike; RK_ERR_CRYPTO if liboath fails;
 * RK_ERR_NOMEM.
 */
int rk_totp_verify(const char *b32, const char *code, int64_t now_unix, int64_t last_step,
                   int64_t *accepted_step, struct rk_error *err);

/*
 * rk_totp_code - the code for step now_unix / 30, as 6 digits and a NUL in
 * out. For tests and the demo data; the login path uses rk_totp_verify().
 * Returns RK_OK; RK_ERR_INVALID for a bad secret or a negative time;
 * RK_ERR_CRYPTO; RK_ERR_NOMEM.
 */
int rk_totp_code(const char *b32, int64_t now_unix, char out[RK_TOTP_CODE_SIZE],
                 struct rk_error *err);

#endif
