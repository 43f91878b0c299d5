/*
 * vault_priv.h - shared by the files of the keyslot file only (vault.c:
 * the file, slots and unlocking; vault_server.c: labels and the server key;
 * vault_rotate.c: rotation). Not for other core modules: they use
 * vault_internal.h.
 */
#ifndef REKISTERI_VAULT_PRIV_H
#define REKISTERI_VAULT_PRIV_H

#include "vault_internal.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stddef.h>

#define NONCE_BYTES   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define WRAPPED_BYTES (RK_KEY_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define SALT_BYTES    16
#define PK_BYTES      crypto_box_PUBLICKEYBYTES
#define SEALED_BYTES  (crypto_box_SEALBYTES + RK_KEY_BYTES)
_Static_assert(crypto_box_SECRETKEYBYTES == RK_KEY_BYTES,
               "a slot's secret key is wrapped "
               "like any 32-byte key");

#define SERVER_NONE    RK_SERVER_KEY_NONE
#define SERVER_OK      RK_SERVER_KEY_OK
#define SERVER_MISSING RK_SERVER_KEY_MISSING

struct rk_vault {
        sqlite3 *db;
        char path[4096];
        unsigned char name_salt[RK_KEY_BYTES]; /* format before the server key */
        int has_name_salt;
        enum rk_server_key_state server;
        unsigned char *server_key; /* guarded, when SERVER_OK */
};

/* vault_kind_name - "user", "recovery" or "keyfile". */
const char *vault_kind_name(enum rk_slot_kind kind);

/* vault_blob_into - copy column col into out when it is exactly size bytes
 * (0), else -1. */
int vault_blob_into(sqlite3_stmt *st, int col, void *out, int size);

/* vault_finish_write - step the bound st (when rc is RK_OK), finalize it,
 * then commit the transaction begun for it, or roll it back. */
int vault_finish_write(struct rk_vault *v, sqlite3_stmt *st, int rc,
                       struct rk_error *err);

/* vault_make_ad - "rekisteri/v1/WHAT/NAME", the associated data of a wrap. */
void vault_make_ad(char *ad, size_t size, const char *what, const char *name);

/* vault_unwrap_key - XChaCha20-Poly1305 open of a 32-byte key; 0 on success. */
int vault_unwrap_key(const unsigned char *kek, const char *ad, const void *nonce,
                     int nonce_len, const void *wrapped, int wrapped_len,
                     unsigned char *plain);

/* vault_get_meta - a vault_meta blob of exactly size bytes: 1 found, 0
 * absent, -1 wrong size, -(SQLite code) when it could not be read. */
int vault_get_meta(struct rk_vault *v, const char *key, unsigned char *out, int size);

/* vault_meta_fail - the error for vault_get_meta's negative result found:
 * an I/O error or a busy file as such (-SQLite code), else "damaged". */
int vault_meta_fail(struct rk_vault *v, int found, struct rk_error *err);

/* vault_set_meta_text - set a vault_meta value (text). */
int vault_set_meta_text(struct rk_vault *v, const char *key, const char *value,
                        struct rk_error *err);

/* vault_next_generation / vault_store_dek_as - DEK rows (see vault.c). */
int vault_next_generation(struct rk_vault *v, long long *generation,
                          struct rk_error *err);
int vault_store_dek_as(struct rk_vault *v, long long generation, const char *state,
                       const unsigned char *mk, const unsigned char *dek,
                       struct rk_error *err);

/* vault_mk_is_current - 0 when mk unwraps the current DEK. */
int vault_mk_is_current(struct rk_vault *v, const unsigned char *mk);

/* vault_load_server_key - at open: load the server key the file names. */
int vault_load_server_key(struct rk_vault *v, struct rk_error *err);

/* vault_label_with - hex(BLAKE2b-256(username, key)) into out (65 bytes). */
void vault_label_with(const unsigned char *key, const char *username, char *out);

/* vault_forget_name_salt - forget name_salt once no format-1 user slot
 * needs it. */
void vault_forget_name_salt(struct rk_vault *v);

#endif
