/*
 * totp_seal.c - TOTP secrets sealed under the server key (see totp_seal.h).
 */
#include "totp_seal.h"
#include "rekisteri/secret.h"
#include "rekisteri/totp.h"
#include "sql.h"
#include "vault_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define PREFIX    "s1:"
#define NONCE     crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define B64       sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define MAX_PLAIN (RK_TOTP_SECRET_B32_SIZE - 1)

static void make_ad(char *ad, size_t size, int64_t user_id)
{
        snprintf(ad, size, "rekisteri/totp/%lld", (long long)user_id);
}

/* The TOTP subkey into key (guarded), or RK_ERR_NOTFOUND. */
static int totp_key(struct rk_register *reg, unsigned char **key)
{
        *key = rk_secret_alloc(RK_KEY_BYTES);
        if (*key == NULL)
                return RK_ERR_NOMEM;
        int rc = rk_vault_server_subkey(rk_register_vault(reg), RK_SUBKEY_TOTP, *key);
        if (rc != RK_OK) {
                rk_secret_free(*key);
                *key = NULL;
        }
        return rc;
}

int rk_totp_seal(struct rk_register *reg, int64_t user_id, const char *b32, char *out,
                 struct rk_error *err)
{
        unsigned char *key = NULL;
        unsigned char buf[NONCE + MAX_PLAIN + crypto_aead_xchacha20poly1305_ietf_ABYTES];
        char ad[48];
        size_t len = strlen(b32);
        if (len > MAX_PLAIN)
                return rk_error_set(err, RK_ERR_INVALID, "the TOTP secret is too long");
        int rc = totp_key(reg, &key);
        if (rc != RK_OK)
                return rk_error_set(err, rc, "no server key to seal TOTP secrets with");
        make_ad(ad, sizeof(ad), user_id);
        randombytes_buf(buf, NONCE);
        unsigned long long clen = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            buf + NONCE, &clen, (const unsigned char *)b32, len,
            (const unsigned char *)ad, strlen(ad), NULL, buf, key);
        rk_secret_free(key);
        memcpy(out, PREFIX, sizeof(PREFIX));
        sodium_bin2base64(out + strlen(PREFIX), RK_TOTP_SEALED_SIZE - strlen(PREFIX), buf,
                          NONCE + (size_t)clen, B64);
        return RK_OK;
}

int rk_totp_unseal(struct rk_register *reg, int64_t user_id, const char *stored,
                   char *b32, struct rk_error *err)
{
        unsigned char buf[RK_TOTP_SEALED_SIZE];
        unsigned char *key = NULL;
        char ad[48];
        size_t blen = 0;
        unsigned long long plen = 0;
        if (strncmp(stored, PREFIX, strlen(PREFIX)) != 0) {
                snprintf(b32, RK_TOTP_SECRET_B32_SIZE, "%s", stored);
                return RK_OK;
        }
        const char *b64 = stored + strlen(PREFIX);
        int rc =
            sodium_base642bin(buf, sizeof(buf), b64, strlen(b64), NULL, &blen, NULL,
                              B64) == 0 &&
                    blen > NONCE + crypto_aead_xchacha20poly1305_ietf_ABYTES &&
                    blen - NONCE - crypto_aead_xchacha20poly1305_ietf_ABYTES <= MAX_PLAIN
                ? totp_key(reg, &key)
                : RK_ERR_CORRUPT;
        make_ad(ad, sizeof(ad), user_id);
        if (rc == RK_OK &&
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                (unsigned char *)b32, &plen, NULL, buf + NONCE, blen - NONCE,
                (const unsigned char *)ad, strlen(ad), buf, key) != 0)
                rc = RK_ERR_CORRUPT;
        rk_secret_free(key);
        if (rc != RK_OK) {
                b32[0] = '\0';
                return rk_error_set(err, RK_ERR_CORRUPT,
                                    "the second factor cannot be read: the server key "
                                    "file is not the one it was sealed under; the "
                                    "account must enrol again (user reset-mfa)");
        }
        b32[plen] = '\0';
        return RK_OK;
}

/* Seal column `col` of account id when it holds an unsealed secret. */
static int seal_one(struct rk_register *reg, int64_t id, const char *col,
                    const char *plain, struct rk_error *err)
{
        char sealed[RK_TOTP_SEALED_SIZE];
        char sql[80];
        sqlite3 *db = rk_register_db(reg);
        if (plain[0] == '\0' || strncmp(plain, PREFIX, strlen(PREFIX)) == 0)
                return RK_OK;
        int rc = rk_totp_seal(reg, id, plain, sealed, err);
        sqlite3_stmt *st;
        snprintf(sql, sizeof(sql), "UPDATE users SET %s=? WHERE id=?", col);
        if (rc == RK_OK)
                rc = rk_sql_prepare(db, sql, &st, "sealing TOTP secrets", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, sealed, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "sealing TOTP secrets", err);
}

/* Accounts holding a secret not sealed yet. */
#define UNSEALED                                                                         \
        "((totp_secret<>'' AND totp_secret NOT LIKE 's1:%') OR"                          \
        " (totp_pending<>'' AND totp_pending NOT LIKE 's1:%'))"

/* One account's unsealed values, as found. */
struct plain_row {
        int64_t id;
        char secret[RK_TOTP_SEALED_SIZE], pending[RK_TOTP_SEALED_SIZE];
};

int rk_totp_seal_all(struct rk_register *reg, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(reg);
        unsigned char probe[RK_KEY_BYTES];
        if (rk_vault_server_subkey(rk_register_vault(reg), RK_SUBKEY_TOTP, probe) !=
            RK_OK)
                return RK_OK;
        sodium_memzero(probe, sizeof(probe));
        struct plain_row r;
        /* the common case, nothing to seal, takes no write lock */
        sqlite3_stmt *q;
        int rc = rk_sql_prepare(db, "SELECT 1 FROM users WHERE " UNSEALED " LIMIT 1", &q,
                                "sealing TOTP secrets", err);
        if (rc != RK_OK)
                return rc;
        int any = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
        if (!any)
                return RK_OK;
        rc = rk_sql_begin_as(db, "sealing TOTP secrets", err);
        while (rc == RK_OK) {
                sqlite3_stmt *st;
                rc = rk_sql_prepare(db,
                                    "SELECT id,COALESCE(totp_secret,''),"
                                    "COALESCE(totp_pending,'') FROM users WHERE " UNSEALED
                                    " LIMIT 1",
                                    &st, "sealing TOTP secrets", err);
                if (rc != RK_OK)
                        break;
                int src = sqlite3_step(st);
                if (src == SQLITE_ROW) {
                        r.id = sqlite3_column_int64(st, 0);
                        snprintf(r.secret, sizeof(r.secret), "%s",
                                 sqlite3_column_text(st, 1));
                        snprintf(r.pending, sizeof(r.pending), "%s",
                                 sqlite3_column_text(st, 2));
                }
                sqlite3_finalize(st);
                if (src != SQLITE_ROW)
                        break;
                rc = seal_one(reg, r.id, "totp_secret", r.secret, err);
                if (rc == RK_OK)
                        rc = seal_one(reg, r.id, "totp_pending", r.pending, err);
        }
        sodium_memzero(&r, sizeof(r));
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "sealing TOTP secrets", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}
