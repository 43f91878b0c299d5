/*
 * totp.c - TOTP secrets, enrolment URIs and code checks on top of liboath.
 *
 * liboath does the RFC 4226/6238 arithmetic and the base32 coding;
 * libsodium supplies the random bytes and the constant-time compare. This
 * file decides policy: a code is compared against the codes of steps T-1
 * and T (both always computed, so timing does not tell which matched) and
 * accepted only for a step newer than the last one accepted, which makes
 * every code single-use. Decoded secrets and generated codes are wiped as
 * soon as they are no longer needed.
 */
#include "rekisteri/totp.h"
#include "rekisteri/i18n.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const auth_msg = N_("the code is not valid");

/* Initialise libsodium and (once) liboath. */
static int totp_init(struct rk_error *err)
{
        static bool oath_ready;

        if (sodium_init() < 0)
                return rk_error_set(err, RK_ERR_CRYPTO, "cannot initialise libsodium");
        if (!oath_ready) {
                if (oath_init() != OATH_OK)
                        return rk_error_set(err, RK_ERR_CRYPTO,
                                            "cannot initialise liboath");
                oath_ready = true;
        }
        return RK_OK;
}

/* Wipe and free a buffer that liboath allocated. */
static void wipe_free(char *p, size_t len)
{
        if (p == NULL)
                return;
        sodium_memzero(p, len);
        free(p);
}

/* Decode b32 into a malloc'd key; the caller releases it with wipe_free(). */
static int secret_decode(const char *b32, char **key, size_t *keylen,
                         struct rk_error *err)
{
        *key = NULL;
        *keylen = 0;
        if (b32 == NULL || b32[0] == '\0')
                return rk_error_set(err, RK_ERR_INVALID, "the TOTP secret is empty");
        int orc = oath_base32_decode(b32, strlen(b32), key, keylen);
        if (orc == OATH_MALLOC_ERROR)
                return rk_error_set(err, RK_ERR_NOMEM,
                                    "out of memory decoding the TOTP secret");
        if (orc != OATH_OK || *keylen == 0) {
                wipe_free(*key, *keylen);
                *key = NULL;
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the TOTP secret is not valid base32");
        }
        return RK_OK;
}

/* The code of one time step (step >= 0) into out[RK_TOTP_CODE_SIZE]. */
static int code_at_step(const char *key, size_t keylen, int64_t step, char *out,
                        struct rk_error *err)
{
        time_t t = (time_t)(step * RK_TOTP_STEP_SECONDS);
        if (oath_totp_generate(key, keylen, t, RK_TOTP_STEP_SECONDS, 0, RK_TOTP_DIGITS,
                               out) != OATH_OK)
                return rk_error_set(err, RK_ERR_CRYPTO, "cannot compute a TOTP code");
        return RK_OK;
}

static bool code_well_formed(const char *code)
{
        if (code == NULL)
                return false;
        for (int i = 0; i < RK_TOTP_DIGITS; i++)
                if (code[i] < '0' || code[i] > '9')
                        return false;
        return code[RK_TOTP_DIGITS] == '\0';
}

int rk_totp_secret_new(char *b32, size_t b32sz, struct rk_error *err)
{
        unsigned char raw[RK_TOTP_SECRET_BYTES];
        char *enc = NULL;
        size_t enclen = 0;
        int rc;

        if (b32 != NULL && b32sz > 0)
                b32[0] = '\0';
        if (b32 == NULL || b32sz < RK_TOTP_SECRET_B32_SIZE)
                return rk_error_set(err, RK_ERR_INVALID, "TOTP secret buffer too small");
        rc = totp_init(err);
        if (rc != RK_OK)
                return rc;
        randombytes_buf(raw, sizeof(raw));
        int orc = oath_base32_encode((const char *)raw, sizeof(raw), &enc, &enclen);
        if (orc != OATH_OK) {
                rc = rk_error_set(err,
                                  orc == OATH_MALLOC_ERROR ? RK_ERR_NOMEM : RK_ERR_CRYPTO,
                                  "cannot encode the TOTP secret");
                goto out;
        }
        /* 20 bytes are exactly 32 base32 characters: no '=' padding. */
        size_t n = strcspn(enc, "=");
        if (n + 1 > b32sz) {
                rc = rk_error_set(err, RK_ERR_INTERNAL, "unexpected TOTP secret length");
                goto out;
        }
        memcpy(b32, enc, n);
        b32[n] = '\0';
        rc = RK_OK;
out:
        sodium_memzero(raw, sizeof(raw));
        wipe_free(enc, enclen);
        return rc;
}

/* Percent-encode s (RFC 3986 unreserved kept) at out[*pos], never past cap. */
static void uri_append_encoded(char *out, size_t cap, size_t *pos, const char *s)
{
        static const char hex[] = "0123456789ABCDEF";
        for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
                bool keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                            (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
                            *p == '_' || *p == '~';
                char enc[3] = {(char)*p, 0, 0};
                size_t n = 1;
                if (!keep) {
                        enc[0] = '%';
                        enc[1] = hex[*p >> 4];
                        enc[2] = hex[*p & 0x0f];
                        n = 3;
                }
                for (size_t i = 0; i < n; i++, (*pos)++)
                        if (*pos < cap)
                                out[*pos] = enc[i];
        }
}

/* Append a literal string at out[*pos], never past cap. */
static void uri_append(char *out, size_t cap, size_t *pos, const char *s)
{
        for (; *s != '\0'; s++, (*pos)++)
                if (*pos < cap)
                        out[*pos] = *s;
}

int rk_totp_uri(const char *issuer, const char *account, const char *b32, char *out,
                size_t outsz, struct rk_error *err)
{
        if (out != NULL && outsz > 0)
                out[0] = '\0';
        if (out == NULL || outsz == 0)
                return rk_error_set(err, RK_ERR_INVALID, "no buffer for the TOTP URI");
        if (issuer == NULL || account == NULL || b32 == NULL || issuer[0] == '\0' ||
            account[0] == '\0' || b32[0] == '\0')
                return rk_error_set(err, RK_ERR_INVALID,
                                    "issuer, account and secret must not be empty");
        size_t cap = outsz - 1, pos = 0;
        uri_append(out, cap, &pos, "otpauth://totp/");
        uri_append_encoded(out, cap, &pos, issuer);
        uri_append(out, cap, &pos, ":");
        uri_append_encoded(out, cap, &pos, account);
        uri_append(out, cap, &pos, "?secret=");
        uri_append(out, cap, &pos, b32);
        uri_append(out, cap, &pos, "&issuer=");
        uri_append_encoded(out, cap, &pos, issuer);
        if (pos > cap) {
                sodium_memzero(out, outsz);
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the TOTP URI needs %zu bytes, the buffer has %zu",
                                    pos + 1, outsz);
        }
        out[pos] = '\0';
        return RK_OK;
}

int rk_totp_verify(const char *b32, const char *code, int64_t now_unix, int64_t last_step,
                   int64_t *accepted_step, struct rk_error *err)
{
        char *key = NULL;
        size_t keylen = 0;
        char expect[2][RK_TOTP_CODE_SIZE];
        int64_t accepted = -1;
        int rc;

        if (!code_well_formed(code))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the code must be exactly 6 digits");
        if (now_unix < 0)
                return rk_error_set(err, RK_ERR_INVALID, "the clock is before 1970");
        rc = totp_init(err);
        if (rc != RK_OK)
                return rc;
        rc = secret_decode(b32, &key, &keylen, err);
        if (rc != RK_OK)
                return rc;
        int64_t now_step = now_unix / RK_TOTP_STEP_SECONDS;
        for (int i = 0; i < 2; i++) {
                int64_t step = now_step - 1 + i;
                memset(expect[i], 0, sizeof(expect[i]));
                if (step < 0)
                        continue;
                rc = code_at_step(key, keylen, step, expect[i], err);
                if (rc != RK_OK)
                        goto out;
        }
        /* Compare both, always; the newer matching step wins. */
        for (int i = 0; i < 2; i++) {
                int64_t step = now_step - 1 + i;
                bool match = sodium_memcmp(expect[i], code, RK_TOTP_DIGITS) == 0;
                if (match && step >= 0 && step > last_step)
                        accepted = step;
        }
        if (accepted < 0) {
                rc = rk_error_set(err, RK_ERR_AUTH, "%s", _(auth_msg));
                goto out;
        }
        if (accepted_step != NULL)
                *accepted_step = accepted;
        rc = RK_OK;
out:
        sodium_memzero(expect, sizeof(expect));
        wipe_free(key, keylen);
        return rc;
}

int rk_totp_code(const char *b32, int64_t now_unix, char out[RK_TOTP_CODE_SIZE],
                 struct rk_error *err)
{
        char *key = NULL;
        size_t keylen = 0;
        int rc;

        out[0] = '\0';
        if (now_unix < 0)
                return rk_error_set(err, RK_ERR_INVALID, "the clock is before 1970");
        rc = totp_init(err);
        if (rc != RK_OK)
                return rc;
        rc = secret_decode(b32, &key, &keylen, err);
        if (rc != RK_OK)
                return rc;
        rc = code_at_step(key, keylen, now_unix / RK_TOTP_STEP_SECONDS, out, err);
        wipe_free(key, keylen);
        return rc;
}
