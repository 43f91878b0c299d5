/*
 * vault.c - the keyslot file (see vault.h for the design).
 *
 * Layout of the plain SQLite file:
 *   vault_meta(key, value)   'name_salt': 32 random bytes keying user labels
 *   dek(generation, state, nonce, wrapped)   DEK under the MK; state is
 *                            'current' or, during a rotation, 'pending'
 *   slots(kind, label, kdf_ops, kdf_mem_kib, salt, nonce, wrapped, ...)
 *                            the MK under each slot's key
 *   throttle(label, failures, last_failure_at, locked)   login failures per
 *                            user label, known or not (throttle.c)
 *   auth_failures(at, label, source, reason)   failures waiting to be
 *                            copied into the audit trail
 * PRAGMA user_version holds the file format (VAULT_FORMAT).
 */
#include "rekisteri/vault.h"
#include "sql.h"
#include "vault_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rekisteri/config.h"

#define VAULT_FORMAT  1
#define NONCE_BYTES   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define WRAPPED_BYTES (RK_KEY_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define SALT_BYTES    16
#define KEYFILE_MAGIC "rekisteri-keyfile-v1"

struct rk_vault {
        sqlite3 *db;
        char path[4096];
        unsigned char name_salt[RK_KEY_BYTES];
};

static const char vault_schema[] =
    "CREATE TABLE vault_meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE dek(generation INTEGER PRIMARY KEY,"
    " state TEXT NOT NULL UNIQUE CHECK(state IN ('current','pending')),"
    " nonce BLOB NOT NULL, wrapped BLOB NOT NULL);"
    "CREATE TABLE slots(id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK(kind IN ('user','recovery','keyfile')),"
    " label TEXT NOT NULL, kdf_ops INTEGER NOT NULL, kdf_mem_kib INTEGER NOT NULL,"
    " salt BLOB NOT NULL, nonce BLOB NOT NULL, wrapped BLOB NOT NULL,"
    " created_at INTEGER NOT NULL, UNIQUE(kind, label));"
    "CREATE TABLE throttle(label TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
    " last_failure_at INTEGER NOT NULL, locked INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE auth_failures(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    " label TEXT NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL);";

sqlite3 *rk_vault_db(struct rk_vault *v)
{
        return v->db;
}

const char *rk_vault_path(struct rk_vault *v)
{
        return v->path;
}

static const char *kind_name(enum rk_slot_kind kind)
{
        switch (kind) {
        case RK_SLOT_USER:
                return "user";
        case RK_SLOT_RECOVERY:
                return "recovery";
        default:
                return "keyfile";
        }
}

/* ---- wrapping ---------------------------------------------------------- */

/* The associated data binds a wrapped key to where it is stored. */
static void make_ad(char *ad, size_t size, const char *what, const char *name)
{
        snprintf(ad, size, "rekisteri/v1/%s/%s", what, name);
}

static int wrap_key(const unsigned char *kek, const char *ad, const unsigned char *plain,
                    unsigned char *nonce, unsigned char *wrapped)
{
        randombytes_buf(nonce, NONCE_BYTES);
        unsigned long long len = 0;
        return crypto_aead_xchacha20poly1305_ietf_encrypt(
            wrapped, &len, plain, RK_KEY_BYTES, (const unsigned char *)ad, strlen(ad),
            NULL, nonce, kek);
}

static int unwrap_key(const unsigned char *kek, const char *ad, const void *nonce,
                      int nonce_len, const void *wrapped, int wrapped_len,
                      unsigned char *plain)
{
        if (nonce_len != NONCE_BYTES || wrapped_len != WRAPPED_BYTES)
                return -1;
        unsigned long long len = 0;
        return crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain, &len, NULL, wrapped, WRAPPED_BYTES, (const unsigned char *)ad,
            strlen(ad), nonce, kek);
}

/* A slot key from a password: Argon2id with the slot's cost. */
static int kek_from_password(unsigned char *kek, const char *pw, size_t pwlen,
                             const unsigned char *salt, long long ops, long long mem_kib)
{
        if (ops < (long long)crypto_pwhash_OPSLIMIT_MIN ||
            mem_kib * 1024 < (long long)crypto_pwhash_MEMLIMIT_MIN)
                return -1;
        return crypto_pwhash(kek, RK_KEY_BYTES, pw, pwlen, salt, (unsigned long long)ops,
                             (size_t)mem_kib * 1024, crypto_pwhash_ALG_ARGON2ID13);
}

/* A slot key from a 256-bit secret: keyed BLAKE2b, no stretching needed. */
static void kek_from_secret(unsigned char *kek, const unsigned char *secret,
                            const unsigned char *salt)
{
        crypto_generichash(kek, RK_KEY_BYTES, secret, RK_KEY_BYTES, salt, SALT_BYTES);
}

/* ---- file -------------------------------------------------------------- */

static struct rk_vault *vault_new(const char *path)
{
        struct rk_vault *v = calloc(1, sizeof(*v));
        if (v != NULL)
                snprintf(v->path, sizeof(v->path), "%s", path);
        return v;
}

void rk_vault_close(struct rk_vault *v)
{
        if (v == NULL)
                return;
        sqlite3_close(v->db);
        sodium_memzero(v->name_salt, sizeof(v->name_salt));
        free(v);
}

static int open_db(struct rk_vault *v, int flags, struct rk_error *err)
{
        int rc = sqlite3_open_v2(v->path, &v->db, flags, NULL);
        if (rc != SQLITE_OK)
                return rk_sql_fail(v->db, rc, v->path, err);
        rk_busy_install(v->db, 10000);
        rc = rk_sql_exec(v->db, "PRAGMA secure_delete=ON", v->path, err);
        return rc;
}

static int load_meta(struct rk_vault *v, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(v->db, "SELECT value FROM vault_meta WHERE key='name_salt'",
                           &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == RK_KEY_BYTES) {
                memcpy(v->name_salt, sqlite3_column_blob(st, 0), RK_KEY_BYTES);
                rc = RK_OK;
        } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_CORRUPT, "%s: the slot file is damaged",
                                  v->path);
        } else {
                rc = rk_sql_fail(v->db, rc, v->path, err);
        }
        sqlite3_finalize(st);
        return rc;
}

static int check_format(struct rk_vault *v, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(v->db, "PRAGMA user_version", &st, v->path, err);
        if (rc != RK_OK)
                return rc == RK_ERR_INTERNAL
                           ? rk_error_set(err, RK_ERR_CORRUPT,
                                          "%s: not a rekisteri slot file", v->path)
                           : rc;
        rc = sqlite3_step(st);
        int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        int src = rc;
        sqlite3_finalize(st);
        if (src != SQLITE_ROW)
                return rk_sql_fail(v->db, src, v->path, err);
        if (version > VAULT_FORMAT)
                return rk_error_set(
                    err, RK_ERR_VERSION,
                    "%s: slot file format %d is newer than this rekisteri "
                    "understands (%d); nothing was changed",
                    v->path, version, VAULT_FORMAT);
        if (version != VAULT_FORMAT)
                return rk_error_set(err, RK_ERR_CORRUPT, "%s: not a rekisteri slot file",
                                    v->path);
        return RK_OK;
}

int rk_vault_create(const char *path, struct rk_vault **out, struct rk_error *err)
{
        *out = NULL;
        /* Claim the name atomically: an existing file is never overwritten. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
                if (errno == EEXIST)
                        return rk_error_set(err, RK_ERR_EXISTS, "%s already exists",
                                            path);
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        }
        close(fd);
        struct rk_vault *v = vault_new(path);
        if (v == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc = open_db(v, SQLITE_OPEN_READWRITE, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(v->db, "BEGIN", path, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(v->db, vault_schema, path, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(v->db, "PRAGMA user_version=1", path, err);
        if (rc == RK_OK) {
                randombytes_buf(v->name_salt, sizeof(v->name_salt));
                sqlite3_stmt *st;
                rc = rk_sql_prepare(
                    v->db, "INSERT INTO vault_meta(key,value) VALUES('name_salt',?)", &st,
                    path, err);
                if (rc == RK_OK) {
                        sqlite3_bind_blob(st, 1, v->name_salt, RK_KEY_BYTES,
                                          SQLITE_STATIC);
                        int src = sqlite3_step(st);
                        sqlite3_finalize(st);
                        if (src != SQLITE_DONE)
                                rc = rk_sql_fail(v->db, src, path, err);
                }
        }
        if (rc == RK_OK)
                rc = rk_sql_exec(v->db, "COMMIT", path, err);
        if (rc != RK_OK) {
                rk_vault_close(v);
                unlink(path);
                return rc;
        }
        *out = v;
        return RK_OK;
}

int rk_vault_open(const char *path, struct rk_vault **out, struct rk_error *err)
{
        *out = NULL;
        if (faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) != 0)
                return rk_error_set(
                    err, RK_ERR_NOTFOUND,
                    "%s: slot file not found (the register is opened through "
                    "the slot file beside it)",
                    path);
        struct rk_vault *v = vault_new(path);
        if (v == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc = open_db(v, SQLITE_OPEN_READWRITE, err);
        if (rc == RK_OK)
                rc = check_format(v, err);
        if (rc == RK_OK)
                rc = load_meta(v, err);
        if (rc != RK_OK) {
                rk_vault_close(v);
                return rc;
        }
        *out = v;
        return RK_OK;
}

/* ---- the DEK ----------------------------------------------------------- */

/* The next DEK generation number; the generation is part of the wrap's AD. */
static int next_generation(struct rk_vault *v, long long *generation,
                           struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(v->db, "SELECT COALESCE(MAX(generation),0)+1 FROM dek",
                                &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                *generation = sqlite3_column_int64(st, 0);
        else
                rc = rk_sql_fail(v->db, src, v->path, err);
        sqlite3_finalize(st);
        return rc;
}

static int store_dek(struct rk_vault *v, const char *state, const unsigned char *mk,
                     const unsigned char *dek, struct rk_error *err)
{
        long long generation = 0;
        int rc = next_generation(v, &generation, err);
        if (rc != RK_OK)
                return rc;
        char ad[96], name[32];
        snprintf(name, sizeof(name), "%lld", generation);
        make_ad(ad, sizeof(ad), "dek", name);
        unsigned char nonce[NONCE_BYTES], wrapped[WRAPPED_BYTES];
        if (wrap_key(mk, ad, dek, nonce, wrapped) != 0)
                return rk_error_set(err, RK_ERR_CRYPTO, "cannot wrap the database key");
        sqlite3_stmt *st;
        rc = rk_sql_prepare(
            v->db, "INSERT INTO dek(generation,state,nonce,wrapped) VALUES(?,?,?,?)", &st,
            v->path, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, generation);
        sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, nonce, sizeof(nonce), SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, wrapped, sizeof(wrapped), SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(v->db, src, v->path, err);
        return RK_OK;
}

int rk_vault_init_keys(struct rk_vault *v, unsigned char *mk, unsigned char *dek,
                       struct rk_error *err)
{
        randombytes_buf(mk, RK_KEY_BYTES);
        randombytes_buf(dek, RK_KEY_BYTES);
        return store_dek(v, "current", mk, dek, err);
}

int rk_vault_get_dek(struct rk_vault *v, const unsigned char *mk, unsigned char *dek,
                     unsigned char *pending, int *has_pending, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(v->db, "SELECT generation,state,nonce,wrapped FROM dek",
                                &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        int have_current = 0;
        *has_pending = 0;
        bool row = false;
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, v->path, err)) == RK_OK && row) {
                char ad[96];
                make_ad(ad, sizeof(ad), "dek", (const char *)sqlite3_column_text(st, 0));
                int is_current =
                    strcmp((const char *)sqlite3_column_text(st, 1), "current") == 0;
                unsigned char *target = is_current ? dek : pending;
                if (unwrap_key(mk, ad, sqlite3_column_blob(st, 2),
                               sqlite3_column_bytes(st, 2), sqlite3_column_blob(st, 3),
                               sqlite3_column_bytes(st, 3), target) != 0)
                        rc = rk_error_set(err, RK_ERR_CORRUPT,
                                          "%s: the wrapped database key does not "
                                          "authenticate; the slot file is damaged",
                                          v->path);
                else if (is_current)
                        have_current = 1;
                else
                        *has_pending = 1;
        }
        sqlite3_finalize(st);
        if (rc == RK_OK && !have_current)
                rc = rk_error_set(err, RK_ERR_CORRUPT,
                                  "%s: the slot file holds no database key", v->path);
        return rc;
}

int rk_vault_stage_dek(struct rk_vault *v, const unsigned char *mk,
                       const unsigned char *new_dek, struct rk_error *err)
{
        int rc = rk_vault_discard_pending(v, err);
        if (rc == RK_OK)
                rc = store_dek(v, "pending", mk, new_dek, err);
        return rc;
}

int rk_vault_promote_dek(struct rk_vault *v, struct rk_error *err)
{
        int rc = rk_sql_exec(v->db,
                             "BEGIN IMMEDIATE;"
                             "DELETE FROM dek WHERE state='current';"
                             "UPDATE dek SET state='current' WHERE state='pending';"
                             "COMMIT;",
                             v->path, err);
        if (rc != RK_OK)
                rk_sql_rollback(v->db);
        return rc;
}

int rk_vault_discard_pending(struct rk_vault *v, struct rk_error *err)
{
        return rk_sql_exec(v->db, "DELETE FROM dek WHERE state='pending'", v->path, err);
}

/* ---- slots ------------------------------------------------------------- */

int rk_vault_user_label(struct rk_vault *v, const char *username, char *out,
                        struct rk_error *err)
{
        unsigned char h[RK_KEY_BYTES];
        crypto_generichash(h, sizeof(h), (const unsigned char *)username,
                           strlen(username), v->name_salt, sizeof(v->name_salt));
        sodium_bin2hex(out, 2 * RK_KEY_BYTES + 1, h, sizeof(h));
        return RK_OK;
}

struct slot_row {
        long long ops, mem_kib;
        unsigned char salt[SALT_BYTES];
        unsigned char nonce[NONCE_BYTES];
        unsigned char wrapped[WRAPPED_BYTES];
};

/* Load one slot; RK_ERR_NOTFOUND when absent, RK_ERR_CORRUPT when malformed. */
static int load_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                     struct slot_row *row, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(v->db,
                           "SELECT kdf_ops,kdf_mem_kib,salt,nonce,wrapped FROM slots "
                           "WHERE kind=? AND label=?",
                           &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, kind_name(kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                row->ops = sqlite3_column_int64(st, 0);
                row->mem_kib = sqlite3_column_int64(st, 1);
                if (sqlite3_column_bytes(st, 2) != SALT_BYTES ||
                    sqlite3_column_bytes(st, 3) != NONCE_BYTES ||
                    sqlite3_column_bytes(st, 4) != WRAPPED_BYTES) {
                        rc = rk_error_set(err, RK_ERR_CORRUPT, "%s: a keyslot is damaged",
                                          v->path);
                } else {
                        memcpy(row->salt, sqlite3_column_blob(st, 2), SALT_BYTES);
                        memcpy(row->nonce, sqlite3_column_blob(st, 3), NONCE_BYTES);
                        memcpy(row->wrapped, sqlite3_column_blob(st, 4), WRAPPED_BYTES);
                }
        } else if (src == SQLITE_DONE) {
                rc = RK_ERR_NOTFOUND;
        } else {
                rc = rk_sql_fail(v->db, src, v->path, err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* Insert or replace the slot (kind,label) holding mk wrapped under kek. */
static int save_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                     long long ops, long long mem_kib, const unsigned char *salt,
                     const unsigned char *kek, const unsigned char *mk,
                     struct rk_error *err)
{
        char ad[160];
        make_ad(ad, sizeof(ad), kind_name(kind), label);
        unsigned char nonce[NONCE_BYTES], wrapped[WRAPPED_BYTES];
        if (wrap_key(kek, ad, mk, nonce, wrapped) != 0)
                return rk_error_set(err, RK_ERR_CRYPTO, "cannot wrap the key");
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(v->db,
                           "INSERT OR REPLACE INTO slots(kind,label,kdf_ops,kdf_mem_kib,"
                           "salt,nonce,wrapped,created_at) VALUES(?,?,?,?,?,?,?,?)",
                           &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, kind_name(kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, ops);
        sqlite3_bind_int64(st, 4, mem_kib);
        sqlite3_bind_blob(st, 5, salt, SALT_BYTES, SQLITE_STATIC);
        sqlite3_bind_blob(st, 6, nonce, NONCE_BYTES, SQLITE_STATIC);
        sqlite3_bind_blob(st, 7, wrapped, WRAPPED_BYTES, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL));
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(v->db, src, v->path, err);
        return RK_OK;
}

static int delete_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                       struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(v->db, "DELETE FROM slots WHERE kind=? AND label=?", &st,
                                v->path, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, kind_name(kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(v->db, src, v->path, err);
        if (sqlite3_changes(v->db) == 0)
                return rk_error_set(err, RK_ERR_NOTFOUND, "no such keyslot");
        return RK_OK;
}

int rk_vault_set_user(struct rk_vault *v, const char *username, const char *password,
                      size_t pwlen, const struct rk_kdf_cost *cost,
                      const unsigned char *mk, struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1];
        unsigned char salt[SALT_BYTES];
        unsigned char *kek = rk_secret_alloc(RK_KEY_BYTES);
        if (kek == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        rk_vault_user_label(v, username, label, err);
        randombytes_buf(salt, sizeof(salt));
        int rc;
        if (kek_from_password(kek, password, pwlen, salt, cost->ops, cost->mem_kib) != 0)
                rc = rk_error_set(err, RK_ERR_CRYPTO,
                                  "Argon2id could not run with %lld passes and %lld KiB; "
                                  "lower [crypto] argon2_mem_kib",
                                  cost->ops, cost->mem_kib);
        else
                rc = save_slot(v, RK_SLOT_USER, label, cost->ops, cost->mem_kib, salt,
                               kek, mk, err);
        rk_secret_free(kek);
        return rc;
}

int rk_vault_has_user(struct rk_vault *v, const char *username)
{
        char label[2 * RK_KEY_BYTES + 1];
        struct slot_row row;
        rk_vault_user_label(v, username, label, NULL);
        int rc = load_slot(v, RK_SLOT_USER, label, &row, NULL);
        if (rc == RK_OK)
                return 1;
        return rc == RK_ERR_NOTFOUND ? 0 : -1;
}

int rk_vault_remove_user(struct rk_vault *v, const char *username, struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1];
        rk_vault_user_label(v, username, label, err);
        int rc = delete_slot(v, RK_SLOT_USER, label, err);
        if (rc == RK_ERR_NOTFOUND)
                return rk_error_set(err, rc, "the account has no keyslot");
        return rc;
}

/* Try one slot with a key-encryption key; 0 when mk was unwrapped. */
static int open_slot(enum rk_slot_kind kind, const char *label,
                     const struct slot_row *row, const unsigned char *kek,
                     unsigned char *mk)
{
        char ad[160];
        make_ad(ad, sizeof(ad), kind_name(kind), label);
        return unwrap_key(kek, ad, row->nonce, NONCE_BYTES, row->wrapped, WRAPPED_BYTES,
                          mk);
}

int rk_vault_unlock_user(struct rk_vault *v, const char *username, const char *password,
                         size_t pwlen, const struct rk_kdf_cost *cost, unsigned char *mk,
                         struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1];
        struct slot_row row;
        rk_vault_user_label(v, username, label, err);
        int rc = load_slot(v, RK_SLOT_USER, label, &row, err);
        if (rc != RK_OK && rc != RK_ERR_NOTFOUND)
                return rc;
        int found = rc == RK_OK;
        if (!found) { /* spend the same time as a real attempt */
                row.ops = cost->ops;
                row.mem_kib = cost->mem_kib;
                randombytes_buf(row.salt, sizeof(row.salt));
        }
        unsigned char *kek = rk_secret_alloc(RK_KEY_BYTES);
        if (kek == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int ok = kek_from_password(kek, password, pwlen, row.salt, row.ops,
                                   row.mem_kib) == 0 &&
                 found && open_slot(RK_SLOT_USER, label, &row, kek, mk) == 0;
        rk_secret_free(kek);
        if (!ok)
                return rk_error_set(err, RK_ERR_AUTH, "unknown user or wrong password");
        return RK_OK;
}

int rk_vault_set_recovery(struct rk_vault *v, const unsigned char *mk, char *out,
                          struct rk_error *err)
{
        unsigned char *secret = rk_secret_alloc(RK_KEY_BYTES);
        unsigned char *kek = rk_secret_alloc(RK_KEY_BYTES);
        unsigned char salt[SALT_BYTES];
        int rc = RK_OK;
        if (secret == NULL || kek == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                goto out;
        }
        randombytes_buf(secret, RK_KEY_BYTES);
        randombytes_buf(salt, sizeof(salt));
        kek_from_secret(kek, secret, salt);
        rc = save_slot(v, RK_SLOT_RECOVERY, "recovery", 0, 0, salt, kek, mk, err);
        if (rc != RK_OK)
                goto out;
        /* 8 groups of 4 bytes, as hex: easy to read aloud and to type */
        char *p = out;
        for (int g = 0; g < 8; g++) {
                sodium_bin2hex(p, 9, secret + 4 * g, 4);
                p += 8;
                *p++ = g < 7 ? '-' : '\0';
        }
out:
        rk_secret_free(secret);
        rk_secret_free(kek);
        return rc;
}

/* Parse 64 hex digits (with any dashes or spaces) into a 32-byte secret. */
static int parse_secret_hex(const char *text, unsigned char *secret)
{
        size_t len = 0;
        const char *end = NULL;
        if (sodium_hex2bin(secret, RK_KEY_BYTES, text, strlen(text), " -\t\n", &len,
                           &end) != 0 ||
            len != RK_KEY_BYTES)
                return -1;
        while (*end == ' ' || *end == '-' || *end == '\n' || *end == '\t')
                end++;
        return *end == '\0' ? 0 : -1;
}

static int unlock_with_secret(struct rk_vault *v, enum rk_slot_kind kind,
                              const char *label, const unsigned char *secret,
                              unsigned char *mk, struct rk_error *err)
{
        struct slot_row row;
        int rc = load_slot(v, kind, label, &row, err);
        if (rc == RK_ERR_NOTFOUND)
                return rk_error_set(err, RK_ERR_AUTH, "no keyslot accepts this key");
        if (rc != RK_OK)
                return rc;
        unsigned char *kek = rk_secret_alloc(RK_KEY_BYTES);
        if (kek == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        kek_from_secret(kek, secret, row.salt);
        rc = open_slot(kind, label, &row, kek, mk) == 0
                 ? RK_OK
                 : rk_error_set(err, RK_ERR_AUTH, "no keyslot accepts this key");
        rk_secret_free(kek);
        return rc;
}

int rk_vault_unlock_recovery(struct rk_vault *v, const char *text, unsigned char *mk,
                             struct rk_error *err)
{
        unsigned char *secret = rk_secret_alloc(RK_KEY_BYTES);
        if (secret == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc =
            parse_secret_hex(text, secret) == 0
                ? unlock_with_secret(v, RK_SLOT_RECOVERY, "recovery", secret, mk, err)
                : rk_error_set(err, RK_ERR_AUTH,
                               "the recovery key is 64 hexadecimal digits "
                               "(dashes optional)");
        rk_secret_free(secret);
        return rc;
}

static int label_valid(const char *label)
{
        size_t n = strlen(label);
        if (n == 0 || n > RK_LABEL_MAX)
                return 0;
        for (size_t i = 0; i < n; i++) {
                char c = label[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-'))
                        return 0;
        }
        return 1;
}

/* Write "MAGIC LABEL HEX\n" to a new 0600 file. */
static int write_keyfile(const char *path, const char *label, const unsigned char *secret,
                         struct rk_error *err)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
                return rk_error_set(err, errno == EEXIST ? RK_ERR_EXISTS : RK_ERR_IO,
                                    "%s: %s", path,
                                    errno == EEXIST ? "already exists" : strerror(errno));
        char *line = rk_secret_alloc(256);
        char *hex = rk_secret_alloc(2 * RK_KEY_BYTES + 1);
        int rc = RK_OK;
        if (line == NULL || hex == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        } else {
                sodium_bin2hex(hex, 2 * RK_KEY_BYTES + 1, secret, RK_KEY_BYTES);
                int n = snprintf(line, 256, "%s %s %s\n", KEYFILE_MAGIC, label, hex);
                if (write(fd, line, (size_t)n) != n || fsync(fd) != 0)
                        rc = rk_error_set(err, errno == ENOSPC ? RK_ERR_FULL : RK_ERR_IO,
                                          "%s: %s", path, strerror(errno));
        }
        rk_secret_free(line);
        rk_secret_free(hex);
        close(fd);
        if (rc != RK_OK)
                unlink(path);
        return rc;
}

int rk_vault_add_keyfile(struct rk_vault *v, const char *label, const unsigned char *mk,
                         const char *path, struct rk_error *err)
{
        if (!label_valid(label))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "key-file label: use 1 to %d of a-z 0-9 . _ -",
                                    RK_LABEL_MAX);
        struct slot_row existing;
        if (load_slot(v, RK_SLOT_KEYFILE, label, &existing, NULL) == RK_OK)
                return rk_error_set(err, RK_ERR_EXISTS,
                                    "a key file named %s already exists", label);
        unsigned char *secret = rk_secret_alloc(RK_KEY_BYTES);
        unsigned char *kek = rk_secret_alloc(RK_KEY_BYTES);
        unsigned char salt[SALT_BYTES];
        int rc;
        if (secret == NULL || kek == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                goto out;
        }
        randombytes_buf(secret, RK_KEY_BYTES);
        randombytes_buf(salt, sizeof(salt));
        kek_from_secret(kek, secret, salt);
        rc = write_keyfile(path, label, secret, err);
        if (rc == RK_OK)
                rc = save_slot(v, RK_SLOT_KEYFILE, label, 0, 0, salt, kek, mk, err);
        if (rc != RK_OK && rc != RK_ERR_EXISTS)
                unlink(path);
out:
        rk_secret_free(secret);
        rk_secret_free(kek);
        return rc;
}

int rk_vault_remove_keyfile(struct rk_vault *v, const char *label, struct rk_error *err)
{
        int rc = delete_slot(v, RK_SLOT_KEYFILE, label, err);
        if (rc == RK_ERR_NOTFOUND)
                return rk_error_set(err, rc, "no key file named %s", label);
        return rc;
}

/* Read and parse a key file into label and secret. */
static int read_keyfile(const char *path, char *label, unsigned char *secret,
                        struct rk_error *err)
{
        int rc = rk_config_check_file(path, 1, err);
        if (rc != RK_OK)
                return rc;
        FILE *f = fopen(path, "re");
        if (f == NULL)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        char *line = NULL;
        size_t len = 0;
        rc = rk_secret_read_line(f, 255, &line, &len);
        fclose(f);
        if (rc != RK_OK)
                return rk_error_set(err, RK_ERR_INVALID, "%s: not a rekisteri key file",
                                    path);
        char magic[32], hex[80];
        _Static_assert(RK_LABEL_MAX == 64, "the sscanf width below is RK_LABEL_MAX");
        int ok = sscanf(line, "%31s %64s %79s", magic, label, hex) == 3 &&
                 strcmp(magic, KEYFILE_MAGIC) == 0 && parse_secret_hex(hex, secret) == 0;
        sodium_memzero(hex, sizeof(hex));
        rk_secret_free(line);
        if (!ok)
                return rk_error_set(err, RK_ERR_INVALID, "%s: not a rekisteri key file",
                                    path);
        return RK_OK;
}

int rk_vault_unlock_keyfile(struct rk_vault *v, const char *path, unsigned char *mk,
                            char *label_out, struct rk_error *err)
{
        unsigned char *secret = rk_secret_alloc(RK_KEY_BYTES);
        if (secret == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc = read_keyfile(path, label_out, secret, err);
        if (rc == RK_OK)
                rc = unlock_with_secret(v, RK_SLOT_KEYFILE, label_out, secret, mk, err);
        rk_secret_free(secret);
        return rc;
}

/* One row of SELECT kind,label,created_at FROM slots. */
static int fill_slot_info(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        struct rk_slot_info *s = item;
        (void)ctx;
        (void)err;
        const char *kind = (const char *)sqlite3_column_text(st, 0);
        s->kind = strcmp(kind, "user") == 0       ? RK_SLOT_USER
                  : strcmp(kind, "recovery") == 0 ? RK_SLOT_RECOVERY
                                                  : RK_SLOT_KEYFILE;
        snprintf(s->label, sizeof(s->label), "%s", sqlite3_column_text(st, 1));
        s->created_at = sqlite3_column_int64(st, 2);
        return RK_OK;
}

int rk_vault_list(struct rk_vault *v, struct rk_slot_info **out, size_t *n,
                  struct rk_error *err)
{
        *out = NULL;
        *n = 0;
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(v->db, "SELECT kind,label,created_at FROM slots ORDER BY id",
                           &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        struct rk_sql_array a = {0};
        rc = rk_sql_collect(st, sizeof(**out), 0, fill_slot_info, NULL, &a, v->path, err);
        sqlite3_finalize(st);
        if (rc != RK_OK) {
                free(a.v);
                return rc;
        }
        *out = a.v;
        *n = a.n;
        return rc;
}
