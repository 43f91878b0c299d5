/*
 * store.h - the encrypted register database (SQLCipher).
 *
 * The database key (DEK) is 32 random bytes used as SQLCipher's raw key
 * (`x'…'`), so SQLCipher's own PBKDF2 is skipped: the password work is done
 * once, by Argon2id, when a keyslot is unwrapped. Every connection gets the
 * same settings: cipher_page_size 4096, WAL, a busy timeout, a large page
 * cache (decrypted pages stay cached), foreign keys, secure_delete (checked,
 * not assumed) and temp_store in memory. The schema is brought up to date
 * by numbered migrations tracked in PRAGMA user_version; a database from a
 * newer rekisteri is refused before anything in it is changed.
 */
#ifndef REKISTERI_STORE_H
#define REKISTERI_STORE_H

#include "rekisteri/config.h"
#include "rekisteri/error.h"

#include <sqlite3.h>

#define RK_RAW_KEY_TEXT 68 /* x' + 64 hex + ' + NUL */

/*
 * rk_store_open - open (create when `create` is set and the file is new or
 * empty) the database at path with the raw key dek, apply the settings and
 * migrations. Errors: RK_ERR_NOTFOUND when missing, RK_ERR_CORRUPT when the
 * key does not open it or it is damaged or truncated, RK_ERR_VERSION when
 * it is from a newer rekisteri, RK_ERR_INTERNAL when secure_delete cannot
 * be turned on or dek is NULL. On success *out is the caller's, to close with
 * rk_store_close.
 */
int rk_store_open(const char *path, const unsigned char *dek, int create,
                  const struct rk_config *cfg, sqlite3 **out, struct rk_error *err);

#ifdef RK_BENCH
/*
 * rk_store_open_unencrypted_bench - BENCHMARKS ONLY. Open or create a plain,
 * unencrypted SQLite database at path (SQLCipher with no key) with the same
 * settings and schema as a register, so tests/bench can measure the same
 * work with and without encryption. It exists only where RK_BENCH is
 * defined: the benchmark programs compile store.c again with it, and the
 * product binary has no such symbol (test_hardening checks).
 */
int rk_store_open_unencrypted_bench(const char *path, const struct rk_config *cfg,
                                    sqlite3 **out, struct rk_error *err);
#endif

/* rk_store_close - checkpoint-free close; NULL is fine. */
void rk_store_close(sqlite3 *db);

/*
 * rk_store_rekey - re-encrypt every page under new_dek and truncate the WAL
 * so no page under the old key remains. Needs every other connection to be
 * closed: RK_ERR_BUSY otherwise, with nothing changed.
 */
int rk_store_rekey(sqlite3 *db, const unsigned char *new_dek, struct rk_error *err);

/* rk_store_rekey_prepare - the first half of rk_store_rekey alone: leave
 * WAL mode, which proves no other connection is open (RK_ERR_BUSY), so a
 * caller can check before it changes anything else. Follow it with
 * rk_store_rekey, or rk_store_rekey_cancel to go back to WAL. */
int rk_store_rekey_prepare(sqlite3 *db, struct rk_error *err);
int rk_store_rekey_cancel(sqlite3 *db, struct rk_error *err);

/* rk_store_key_text - write SQLCipher's raw key literal x'HEX' for dek into
 * out (RK_RAW_KEY_TEXT bytes). Keep out in guarded memory. */
void rk_store_key_text(const unsigned char *dek, char *out);

#endif
