/*
 * vault.c - the keyslot file (see vault.h for the design).
 *
 * How the keys hang together (modelled on LUKS2 keyslots and on age /
 * libsodium sealed boxes; every primitive is libsodium's):
 *   slot key   Argon2id(password) or keyed BLAKE2b(key file / recovery key)
 *   slot       an X25519 key pair: sk wrapped under the slot key
 *              (XChaCha20-Poly1305, AD "rekisteri/v2/KIND/NAME", NAME the
 *              username for user slots, else the label), and the MK sealed
 *              to pk (crypto_box_seal)
 *   MK         wraps the DEK (AD "rekisteri/v1/dek/GENERATION")
 * A rotation draws a new MK and DEK, reseals the MK to every slot's pk
 * without any slot key, and rewraps the DEKs: anything a removed slot or an
 * old copy of this file yields is an MK that unwraps nothing here. Removing
 * or replacing a slot puts its pk on the revoked list (a restore drops
 * those slots from older files) and marks a rotation due.
 *
 * Layout of the plain SQLite file (format 2):
 *   vault_meta(key, value)   'server_key_check': a keyed hash that names the
 *                            server key file (serverkey.h) whose subkeys key
 *                            the user labels; 'name_salt': the in-file
 *                            label key of format 1, kept only while
 *                            format-1 user slots remain; 'rotation_due':
 *                            why a rotation is due
 *   dek(generation, state, nonce, wrapped)   DEK under the MK; state is
 *                            'current' or, during a rotation, 'pending'
 *   slots(kind, label, kdf_ops, kdf_mem_kib, salt, nonce, wrapped, pk,
 *         sealed, ...)       as above; pk NULL marks a format-1 slot whose
 *                            wrapped is the MK itself (upgraded when used)
 *   revoked(pk, kind, revoked_at)   public keys of removed slots
 *   throttle(label, ..., state)   login counters per user label, known or
 *                            not (throttle.c), sealed under the server key
 *   auth_failures(..., sealed)   failures waiting to be copied into the
 *                            audit trail, sealed under the server key
 * PRAGMA user_version holds the file format (VAULT_FORMAT); format 1 files
 * are upgraded in place when opened.
 */
#include "rekisteri/vault.h"
#include "rekisteri/i18n.h"
#include "kdf_gate.h"
#include "sql.h"
#include "vault_priv.h"

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
#include "rekisteri/serverkey.h"

#define VAULT_FORMAT  2
#define KEYFILE_MAGIC "rekisteri-keyfile-v1"

static const char vault_schema[] =
    "CREATE TABLE vault_meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE dek(generation INTEGER PRIMARY KEY,"
    " state TEXT NOT NULL UNIQUE CHECK(state IN ('current','pending')),"
    " nonce BLOB NOT NULL, wrapped BLOB NOT NULL);"
    "CREATE TABLE slots(id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK(kind IN ('user','recovery','keyfile')),"
    " label TEXT NOT NULL, kdf_ops INTEGER NOT NULL, kdf_mem_kib INTEGER NOT NULL,"
    " salt BLOB NOT NULL, nonce BLOB NOT NULL, wrapped BLOB NOT NULL,"
    " created_at INTEGER NOT NULL, pk BLOB, sealed BLOB, UNIQUE(kind, label));"
    "CREATE TABLE revoked(pk BLOB PRIMARY KEY, kind TEXT NOT NULL,"
    " revoked_at INTEGER NOT NULL);"
    "CREATE TABLE throttle(label TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
    " last_failure_at INTEGER NOT NULL, locked INTEGER NOT NULL DEFAULT 0,"
    " state BLOB);"
    "CREATE TABLE auth_failures(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    " label TEXT NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL, sealed BLOB);";

sqlite3 *rk_vault_db(struct rk_vault *v)
{
        return v->db;
}

const char *rk_vault_path(struct rk_vault *v)
{
        return v->path;
}

const char *vault_kind_name(enum rk_slot_kind kind)
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

int vault_blob_into(sqlite3_stmt *st, int col, void *out, int size)
{
        if (sqlite3_column_bytes(st, col) != size)
                return -1;
        memcpy(out, sqlite3_column_blob(st, col), (size_t)size);
        return 0;
}

/* Run the bound statement st (when rc is RK_OK), then end the transaction
 * begun for it: commit on success, roll back otherwise. */
int vault_finish_write(struct rk_vault *v, sqlite3_stmt *st, int rc, struct rk_error *err)
{
        if (rc == RK_OK) {
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(v->db, src, v->path, err);
        }
        sqlite3_finalize(st);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(v->db, v->path, err);
        if (rc != RK_OK)
                rk_sql_rollback(v->db);
        return rc;
}

/* ---- wrapping ---------------------------------------------------------- */

/* The associated data binds a wrapped key to where it is stored. */
void vault_make_ad(char *ad, size_t size, const char *what, const char *name)
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

int vault_unwrap_key(const unsigned char *kek, const char *ad, const void *nonce,
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
        int slot = rk_kdf_gate_enter(); /* at most K at once (kdf_gate.h) */
        int rc =
            crypto_pwhash(kek, RK_KEY_BYTES, pw, pwlen, salt, (unsigned long long)ops,
                          (size_t)mem_kib * 1024, crypto_pwhash_ALG_ARGON2ID13);
        rk_kdf_gate_leave(slot);
        return rc;
}

#ifdef RK_TEST_HOOKS
/* Test builds only (meson buildtype debug): append "start PID" and "end PID"
 * around each login's Argon2 run to $REKISTERI_TEST_ARGON2_LOG, so that a
 * test can count the runs in flight at once from the order of the lines
 * (O_APPEND writes of one line are atomic). */
static void test_argon2_mark(const char *what)
{
        const char *path = getenv("REKISTERI_TEST_ARGON2_LOG");
        if (path == NULL)
                return;
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
                return;
        char line[64];
        int n = snprintf(line, sizeof(line), "%s %ld\n", what, (long)getpid());
        if (write(fd, line, (size_t)n) != n)
                n = 0;
        close(fd);
}
#else
#define test_argon2_mark(what) ((void)0)
#endif

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
        rk_secret_free(v->server_key);
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

/* A blob from vault_meta into out (size bytes): 1 found, 0 absent, <0 error
 * or wrong size. */
int vault_get_meta(struct rk_vault *v, const char *key, unsigned char *out, int size)
{
        sqlite3_stmt *st;
        int src = sqlite3_prepare_v2(v->db, "SELECT value FROM vault_meta WHERE key=?",
                                     -1, &st, NULL);
        if (src != SQLITE_OK)
                return -src;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        src = sqlite3_step(st);
        int found = src == SQLITE_ROW ? (vault_blob_into(st, 0, out, size) == 0 ? 1 : -1)
                    : src == SQLITE_DONE ? 0
                                         : -src;
        sqlite3_finalize(st);
        return found;
}

int vault_meta_fail(struct rk_vault *v, int found, struct rk_error *err)
{
        /* SQLite's own errors say what failed (a read, a busy file); only a
         * value of the wrong form is damage */
        if (found < -1 && -found != SQLITE_CORRUPT && -found != SQLITE_NOTADB)
                return rk_sql_fail(v->db, -found, v->path, err);
        return rk_error_set(err, RK_ERR_CORRUPT, "%s: the slot file is damaged", v->path);
}

int vault_set_meta_text(struct rk_vault *v, const char *key, const char *value,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            v->db, "INSERT OR REPLACE INTO vault_meta(key,value) VALUES(?,?)", &st,
            v->path, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, value, (int)strlen(value), SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(v->db, src, v->path, err);
}

static int load_meta(struct rk_vault *v, struct rk_error *err)
{
        int found = vault_get_meta(v, "name_salt", v->name_salt, RK_KEY_BYTES);
        if (found < 0)
                return vault_meta_fail(v, found, err);
        v->has_name_salt = found;
        return vault_load_server_key(v, err);
}

/*
 * Format 1 had no per-slot key pairs: each slot wrapped the MK itself.
 * Its slots stay usable (pk IS NULL marks them) and get their key pair at
 * their next use, when their key is at hand (upgrade_slot); a rotation
 * waits until none is left, as it could not hand them the new MK.
 */
static int user_version(struct rk_vault *v, int *version, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(v->db, "PRAGMA user_version", &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        *version = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        sqlite3_finalize(st);
        return src == SQLITE_ROW ? RK_OK : rk_sql_fail(v->db, src, v->path, err);
}

static int upgrade_v1(struct rk_vault *v, struct rk_error *err)
{
        int version = 0;
        int rc = rk_sql_begin_as(v->db, v->path, err);
        /* another process may have upgraded it while we waited */
        if (rc == RK_OK)
                rc = user_version(v, &version, err);
        if (rc == RK_OK && version == 1)
                rc = rk_sql_exec(v->db,
                                 "ALTER TABLE slots ADD COLUMN pk BLOB;"
                                 "ALTER TABLE slots ADD COLUMN sealed BLOB;"
                                 "CREATE TABLE revoked(pk BLOB PRIMARY KEY,"
                                 " kind TEXT NOT NULL, revoked_at INTEGER NOT NULL);"
                                 "ALTER TABLE throttle ADD COLUMN state BLOB;"
                                 "ALTER TABLE auth_failures ADD COLUMN sealed BLOB;"
                                 "PRAGMA user_version=2;",
                                 v->path, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(v->db, v->path, err);
        if (rc != RK_OK)
                rk_sql_rollback(v->db);
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
        if (version == 1)
                return upgrade_v1(v, err);
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
                rc = rk_sql_exec(v->db, "PRAGMA user_version=2", path, err);
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
int vault_next_generation(struct rk_vault *v, long long *generation, struct rk_error *err)
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

/* Store dek wrapped under mk as `generation` in `state`. */
int vault_store_dek_as(struct rk_vault *v, long long generation, const char *state,
                       const unsigned char *mk, const unsigned char *dek,
                       struct rk_error *err)
{
        int rc = RK_OK;
        char ad[96], name[32];
        snprintf(name, sizeof(name), "%lld", generation);
        vault_make_ad(ad, sizeof(ad), "dek", name);
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

static int store_dek(struct rk_vault *v, const char *state, const unsigned char *mk,
                     const unsigned char *dek, struct rk_error *err)
{
        long long generation = 0;
        int rc = vault_next_generation(v, &generation, err);
        return rc == RK_OK ? vault_store_dek_as(v, generation, state, mk, dek, err) : rc;
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
                vault_make_ad(ad, sizeof(ad), "dek",
                              (const char *)sqlite3_column_text(st, 0));
                int is_current =
                    strcmp((const char *)sqlite3_column_text(st, 1), "current") == 0;
                unsigned char *target = is_current ? dek : pending;
                if (vault_unwrap_key(mk, ad, sqlite3_column_blob(st, 2),
                                     sqlite3_column_bytes(st, 2),
                                     sqlite3_column_blob(st, 3),
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
                             "DELETE FROM dek WHERE state='current' AND EXISTS("
                             "SELECT 1 FROM dek WHERE state='pending');"
                             "UPDATE dek SET state='current' WHERE state='pending';"
                             "DELETE FROM vault_meta WHERE key='rotation_due';"
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

struct slot_row {
        long long ops, mem_kib;
        int legacy; /* format 1: wrapped is the MK itself, no key pair */
        unsigned char salt[SALT_BYTES];
        unsigned char nonce[NONCE_BYTES];
        unsigned char wrapped[WRAPPED_BYTES];
        unsigned char pk[PK_BYTES];
        unsigned char sealed[SEALED_BYTES];
};

/* Load one slot; RK_ERR_NOTFOUND when absent, RK_ERR_CORRUPT when malformed. */
static int load_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                     struct slot_row *row, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(v->db,
                                "SELECT kdf_ops,kdf_mem_kib,salt,nonce,wrapped,pk,sealed "
                                "FROM slots WHERE kind=? AND label=?",
                                &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, vault_kind_name(kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                row->ops = sqlite3_column_int64(st, 0);
                row->mem_kib = sqlite3_column_int64(st, 1);
                row->legacy = sqlite3_column_type(st, 5) == SQLITE_NULL;
                if (vault_blob_into(st, 2, row->salt, SALT_BYTES) != 0 ||
                    vault_blob_into(st, 3, row->nonce, NONCE_BYTES) != 0 ||
                    vault_blob_into(st, 4, row->wrapped, WRAPPED_BYTES) != 0 ||
                    (!row->legacy &&
                     (vault_blob_into(st, 5, row->pk, PK_BYTES) != 0 ||
                      vault_blob_into(st, 6, row->sealed, SEALED_BYTES) != 0)))
                        rc = rk_error_set(err, RK_ERR_CORRUPT, "%s: a keyslot is damaged",
                                          v->path);
        } else if (src == SQLITE_DONE) {
                rc = RK_ERR_NOTFOUND;
        } else {
                rc = rk_sql_fail(v->db, src, v->path, err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* The AD of a slot's wrap: format 1 wrapped the MK (AD names the label),
 * format 2 the secret key (AD names the username for user slots, so a
 * move to new labels keeps it valid, else the label). */
static void slot_ad(char *ad, size_t size, int legacy, enum rk_slot_kind kind,
                    const char *label)
{
        snprintf(ad, size, "rekisteri/%s/%s/%s", legacy ? "v1" : "v2",
                 vault_kind_name(kind), label);
}

/* 0 when mk unwraps the current DEK: a session that still holds the MK of
 * before a rotation must not write slots the new MK cannot reach. */
int vault_mk_is_current(struct rk_vault *v, const unsigned char *mk)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(v->db,
                               "SELECT generation,nonce,wrapped FROM dek "
                               "WHERE state='current'",
                               -1, &st, NULL) != SQLITE_OK)
                return -1;
        int ok = -1;
        unsigned char *dek = rk_secret_alloc(RK_KEY_BYTES);
        if (dek != NULL && sqlite3_step(st) == SQLITE_ROW) {
                char ad[96];
                vault_make_ad(ad, sizeof(ad), "dek",
                              (const char *)sqlite3_column_text(st, 0));
                ok = vault_unwrap_key(
                    mk, ad, sqlite3_column_blob(st, 1), sqlite3_column_bytes(st, 1),
                    sqlite3_column_blob(st, 2), sqlite3_column_bytes(st, 2), dek);
        }
        rk_secret_free(dek);
        sqlite3_finalize(st);
        return ok;
}

/*
 * The slot (kind,label) goes away or is replaced: its public key joins the
 * revoked list (a restore drops it from older slot files) and a rotation
 * becomes due, because a copy of the old slot still yields today's MK.
 * Nothing to do when there is no such slot.
 */
static int revoke_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                       int *found, struct rk_error *err)
{
        sqlite3_stmt *st;
        *found = 0;
        int rc = rk_sql_prepare(v->db,
                                "INSERT OR IGNORE INTO revoked(pk,kind,revoked_at) "
                                "SELECT pk,kind,? FROM slots "
                                "WHERE kind=? AND label=? AND pk IS NOT NULL",
                                &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
        sqlite3_bind_text(st, 2, vault_kind_name(kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(v->db, src, v->path, err);
        struct slot_row row;
        rc = load_slot(v, kind, label, &row, err);
        if (rc == RK_ERR_NOTFOUND)
                return RK_OK;
        *found = 1;
        if (rc == RK_OK)
                rc = vault_set_meta_text(
                    v, "rotation_due",
                    /* stored in English, translated where shown (rotation.c) */
                    kind == RK_SLOT_KEYFILE ? N_("a key file was removed")
                    : kind == RK_SLOT_USER
                        ? N_("an account's keyslot was removed or replaced")
                        : N_("the recovery key was replaced"),
                    err);
        return rc;
}

/*
 * Insert or replace the slot (kind,label): a fresh key pair, its secret key
 * wrapped under kek, mk sealed to its public key (crypto_box_seal). An
 * existing slot of that name is revoked first, unless `upgrading` (the same
 * key, a format-1 slot getting its key pair).
 */
static int save_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                     const char *ad_name, long long ops, long long mem_kib,
                     const unsigned char *salt, const unsigned char *kek,
                     const unsigned char *mk, int upgrading, struct rk_error *err)
{
        char ad[160];
        unsigned char nonce[NONCE_BYTES], wrapped[WRAPPED_BYTES], pk[PK_BYTES],
            sealed[SEALED_BYTES];
        unsigned char *sk = rk_secret_alloc(RK_KEY_BYTES);
        if (sk == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        slot_ad(ad, sizeof(ad), 0, kind, ad_name);
        crypto_box_keypair(pk, sk);
        int bad = wrap_key(kek, ad, sk, nonce, wrapped) != 0 ||
                  crypto_box_seal(sealed, mk, RK_KEY_BYTES, pk) != 0;
        rk_secret_free(sk);
        if (bad)
                return rk_error_set(err, RK_ERR_CRYPTO, "cannot wrap the key");
        int found = 0;
        int rc = rk_sql_begin_as(v->db, v->path, err);
        if (rc == RK_OK && vault_mk_is_current(v, mk) != 0)
                rc = rk_error_set(err, RK_ERR_BUSY,
                                  "the register's keys were rotated meanwhile; log in "
                                  "again and repeat this");
        if (rc == RK_OK && !upgrading)
                rc = revoke_slot(v, kind, label, &found, err);
        sqlite3_stmt *st = NULL;
        if (rc == RK_OK)
                rc = rk_sql_prepare(v->db,
                                    "INSERT OR REPLACE INTO slots(kind,label,kdf_ops,"
                                    "kdf_mem_kib,salt,nonce,wrapped,created_at,pk,sealed)"
                                    " VALUES(?,?,?,?,?,?,?,?,?,?)",
                                    &st, v->path, err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, vault_kind_name(kind), -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, ops);
                sqlite3_bind_int64(st, 4, mem_kib);
                sqlite3_bind_blob(st, 5, salt, SALT_BYTES, SQLITE_STATIC);
                sqlite3_bind_blob(st, 6, nonce, NONCE_BYTES, SQLITE_STATIC);
                sqlite3_bind_blob(st, 7, wrapped, WRAPPED_BYTES, SQLITE_STATIC);
                sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL));
                sqlite3_bind_blob(st, 9, pk, PK_BYTES, SQLITE_STATIC);
                sqlite3_bind_blob(st, 10, sealed, SEALED_BYTES, SQLITE_STATIC);
        }
        return vault_finish_write(v, st, rc, err);
}

static int delete_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                       struct rk_error *err)
{
        int found = 0;
        sqlite3_stmt *st = NULL;
        int rc = rk_sql_begin_as(v->db, v->path, err);
        if (rc == RK_OK)
                rc = revoke_slot(v, kind, label, &found, err);
        if (rc == RK_OK && !found)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such keyslot");
        if (rc == RK_OK)
                rc = rk_sql_prepare(v->db, "DELETE FROM slots WHERE kind=? AND label=?",
                                    &st, v->path, err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, vault_kind_name(kind), -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
        }
        return vault_finish_write(v, st, rc, err);
}

/*
 * The label under which username's slot lives: its label now, or, for a
 * format-1 slot not used since the move to the server key, the label keyed
 * with the name_salt kept until no such slot is left. *row gets the slot.
 */
static int find_user(struct rk_vault *v, const char *username, char *label,
                     struct slot_row *row, struct rk_error *err)
{
        int rc = rk_vault_user_label(v, username, label, err);
        if (rc == RK_OK)
                rc = load_slot(v, RK_SLOT_USER, label, row, err);
        if (rc == RK_ERR_NOTFOUND && v->server == SERVER_OK && v->has_name_salt) {
                char old[2 * RK_KEY_BYTES + 1];
                vault_label_with(v->name_salt, username, old);
                if (load_slot(v, RK_SLOT_USER, old, row, NULL) == RK_OK) {
                        memcpy(label, old, sizeof(old));
                        rc = RK_OK;
                }
        }
        return rc;
}

int rk_vault_set_user(struct rk_vault *v, const char *username, const char *password,
                      size_t pwlen, const struct rk_kdf_cost *cost,
                      const unsigned char *mk, struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1], old[2 * RK_KEY_BYTES + 1];
        unsigned char salt[SALT_BYTES];
        struct slot_row row;
        /* a format-1 slot under the old label is replaced too */
        if (find_user(v, username, old, &row, NULL) == RK_OK && row.legacy &&
            rk_vault_user_label(v, username, label, NULL) == RK_OK &&
            strcmp(old, label) != 0 && delete_slot(v, RK_SLOT_USER, old, err) != RK_OK)
                return err != NULL ? err->rc : RK_ERR_IO;
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
                rc = save_slot(v, RK_SLOT_USER, label, username, cost->ops, cost->mem_kib,
                               salt, kek, mk, 0, err);
        rk_secret_free(kek);
        if (rc == RK_OK)
                vault_forget_name_salt(v);
        return rc;
}

int rk_vault_has_user(struct rk_vault *v, const char *username)
{
        char label[2 * RK_KEY_BYTES + 1];
        struct slot_row row;
        int rc = find_user(v, username, label, &row, NULL);
        if (rc == RK_OK)
                return 1;
        return rc == RK_ERR_NOTFOUND ? 0 : -1;
}

int rk_vault_remove_user(struct rk_vault *v, const char *username, struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1];
        struct slot_row row;
        int rc = find_user(v, username, label, &row, err);
        if (rc == RK_OK)
                rc = delete_slot(v, RK_SLOT_USER, label, err);
        if (rc == RK_ERR_NOTFOUND)
                return rk_error_set(err, rc, "the account has no keyslot");
        if (rc == RK_OK)
                vault_forget_name_salt(v);
        return rc;
}

/* Try one slot with a key-encryption key; 0 when mk was unwrapped. */
static int open_slot(enum rk_slot_kind kind, const char *label, const char *ad_name,
                     const struct slot_row *row, const unsigned char *kek,
                     unsigned char *mk)
{
        char ad[160];
        slot_ad(ad, sizeof(ad), row->legacy, kind, row->legacy ? label : ad_name);
        if (row->legacy)
                return vault_unwrap_key(kek, ad, row->nonce, NONCE_BYTES, row->wrapped,
                                        WRAPPED_BYTES, mk);
        unsigned char *sk = rk_secret_alloc(RK_KEY_BYTES);
        if (sk == NULL)
                return -1;
        int rc = vault_unwrap_key(kek, ad, row->nonce, NONCE_BYTES, row->wrapped,
                                  WRAPPED_BYTES, sk);
        if (rc == 0)
                rc = crypto_box_seal_open(mk, row->sealed, SEALED_BYTES, row->pk, sk);
        rk_secret_free(sk);
        return rc;
}

/* A format-1 slot just opened with kek: give it its key pair now. Failure
 * is not fatal (the slot still works as it was). */
static void upgrade_slot(struct rk_vault *v, enum rk_slot_kind kind, const char *label,
                         const char *ad_name, const struct slot_row *row,
                         const unsigned char *kek, const unsigned char *mk)
{
        char now[2 * RK_KEY_BYTES + 1];
        if (!row->legacy)
                return;
        if (kind != RK_SLOT_USER) {
                save_slot(v, kind, label, ad_name, row->ops, row->mem_kib, row->salt, kek,
                          mk, 1, NULL);
                return;
        }
        /* a user slot also moves to its label under the server key */
        if (rk_vault_user_label(v, ad_name, now, NULL) != RK_OK ||
            save_slot(v, kind, now, ad_name, row->ops, row->mem_kib, row->salt, kek, mk,
                      1, NULL) != RK_OK)
                return;
        if (strcmp(now, label) != 0) {
                sqlite3_stmt *st;
                if (sqlite3_prepare_v2(v->db,
                                       "DELETE FROM slots WHERE kind='user' AND label=?",
                                       -1, &st, NULL) == SQLITE_OK) {
                        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
                        sqlite3_step(st);
                }
                sqlite3_finalize(st);
        }
        vault_forget_name_salt(v);
}

int rk_vault_unlock_user(struct rk_vault *v, const char *username, const char *password,
                         size_t pwlen, const struct rk_kdf_cost *cost, unsigned char *mk,
                         struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1];
        struct slot_row row;
        int rc = find_user(v, username, label, &row, err);
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
        test_argon2_mark("start");
        int ok =
            kek_from_password(kek, password, pwlen, row.salt, row.ops, row.mem_kib) == 0;
        test_argon2_mark("end");
        ok = ok && found && open_slot(RK_SLOT_USER, label, username, &row, kek, mk) == 0;
        if (ok)
                upgrade_slot(v, RK_SLOT_USER, label, username, &row, kek, mk);
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
        rc = save_slot(v, RK_SLOT_RECOVERY, "recovery", "recovery", 0, 0, salt, kek, mk,
                       0, err);
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
        rc = open_slot(kind, label, label, &row, kek, mk) == 0
                 ? RK_OK
                 : rk_error_set(err, RK_ERR_AUTH, "no keyslot accepts this key");
        if (rc == RK_OK)
                upgrade_slot(v, kind, label, label, &row, kek, mk);
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
                rc = save_slot(v, RK_SLOT_KEYFILE, label, label, 0, 0, salt, kek, mk, 0,
                               err);
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

bool rk_vault_mk_stale(struct rk_vault *v, const unsigned char *mk)
{
        /* a current key is there (a read that fails is not "stale") and
         * mk does not open it */
        sqlite3_stmt *st;
        bool have = false;
        if (sqlite3_prepare_v2(v->db, "SELECT 1 FROM dek WHERE state='current'", -1, &st,
                               NULL) == SQLITE_OK) {
                have = sqlite3_step(st) == SQLITE_ROW;
                sqlite3_finalize(st);
        }
        return have && vault_mk_is_current(v, mk) != 0;
}
