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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * rk_store_set_reindex_progress - who hears of the one-time work an
 * opening may do on an existing register that takes long: rebuilding the
 * search index in a newer form (accents folded: about 30 s at a million
 * customers). fn(ctx, done, total) is then called with the customers
 * indexed so far, every few thousand and once at the end (done == total);
 * never when there is nothing to rebuild. One hook per process, set by the
 * front end before it opens a register; NULL removes it. fn must not use
 * the database.
 */
void rk_store_set_reindex_progress(void (*fn)(void *ctx, int64_t done, int64_t total),
                                   void *ctx);

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
 * Key rotation of the database file, crash- and fault-safe. SQLCipher 3
 * rekeys in place through the rollback journal, where a failing read can
 * leave pages under both keys; instead the whole register is copied into a
 * new file under the new key and the new file replaces the old one by a
 * rename. At every moment one complete file is at the register's path,
 * under the old key or under the new one, and the slot file holds both keys
 * until the swap is done (register.c decides which opens it).
 *
 * rk_store_rekey_prepare - leave WAL mode, which proves no other connection
 * is open (RK_ERR_BUSY otherwise), and hold the file's exclusive lock until
 * the connection is closed or rk_store_rekey_cancel gives it back (and
 * returns to WAL mode).
 */
int rk_store_rekey_prepare(sqlite3 *db, struct rk_error *err);
int rk_store_rekey_cancel(sqlite3 *db, struct rk_error *err);

#define RK_STORE_ROTATE_SUFFIX ".rotate"

/* rk_store_rekey_path - path + RK_STORE_ROTATE_SUFFIX into out: where the
 * copy under the new key is built. */
int rk_store_rekey_path(const char *path, char *out, size_t size, struct rk_error *err);

/*
 * rk_store_rekey_export - after rk_store_rekey_prepare: write a complete
 * copy of db (every table, index, trigger, the search index and the schema
 * version) under new_dek into the rotate path beside path, created with
 * the register's mode and group, synced. On failure the copy is removed
 * and nothing else changed.
 */
int rk_store_rekey_export(sqlite3 *db, const char *path, const unsigned char *new_dek,
                          struct rk_error *err);

/*
 * rk_store_rekey_swap - rename the copy over path (the register now is the
 * copy: *moved = true), sync the directory, open it with new_dek and cfg
 * and replace *db with the new connection (closing the old). When the
 * rename failed (*moved false) nothing changed. When it succeeded but the
 * new file could not be opened, *db is still the old connection (to the
 * replaced file: anything written through it is lost) and the error says
 * why.
 */
int rk_store_rekey_swap(sqlite3 **db, const char *path, const unsigned char *new_dek,
                        const struct rk_config *cfg, bool *moved, struct rk_error *err);

/* rk_store_rekey_discard - remove an unfinished copy beside path (a
 * rotation that failed or was killed before its swap). */
void rk_store_rekey_discard(const char *path);

/* rk_store_key_text - write SQLCipher's raw key literal x'HEX' for dek into
 * out (RK_RAW_KEY_TEXT bytes). Keep out in guarded memory. */
void rk_store_key_text(const unsigned char *dek, char *out);

#endif
