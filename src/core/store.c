/*
 * store.c - opening the SQLCipher database with a raw key, the per-
 * connection settings, and key rotation (see store.h).
 */
#include "rekisteri/collate.h"
#include "rekisteri/store.h"
#include "rekisteri/secret.h"
#include "audit_chain.h"
#include "migrate.h"
#include "search_index.h"
#include "sql.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Before SQLite is first used in the process: no global memory statistics.
 * With them (SQLite's default), every allocation of every connection takes
 * one process-wide mutex, and the search index build on a second thread
 * (search_build.c) would spend its time waiting for the loader's thread.
 * Nothing here reads sqlite3_memory_used() or sets a soft heap limit.
 */
__attribute__((constructor)) static void store_global_config(void)
{
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void rk_store_key_text(const unsigned char *dek, char *out)
{
        out[0] = 'x';
        out[1] = '\'';
        sodium_bin2hex(out + 2, 2 * RK_KEY_BYTES + 1, dek, RK_KEY_BYTES);
        out[2 + 2 * RK_KEY_BYTES] = '\'';
        out[3 + 2 * RK_KEY_BYTES] = '\0';
}

void rk_store_close(sqlite3 *db)
{
        if (db != NULL) {
                audit_heads_flush(db);
                audit_heads_forget(db);
                sqlite3_close(db);
        }
}

/* Give the connection its key; the key text never leaves guarded memory. */
static int apply_key(sqlite3 *db, const unsigned char *dek, int rekey)
{
#ifdef RK_BENCH_UNENCRYPTED
        /* BENCHMARKS ONLY: a second build of the core (rekisteri-core-plain in
         * tests/load/meson.build), linked into no product binary, keeps the
         * same keyslots and sessions but leaves the database unencrypted, so
         * the load benchmark can report the cost of encryption as a ratio. */
        (void)db;
        (void)dek;
        (void)rekey;
        return SQLITE_OK;
#endif
        char *text = rk_secret_alloc(RK_RAW_KEY_TEXT);
        if (text == NULL)
                return SQLITE_NOMEM;
        rk_store_key_text(dek, text);
        int rc = rekey ? sqlite3_rekey(db, text, (int)strlen(text))
                       : sqlite3_key(db, text, (int)strlen(text));
        rk_secret_free(text);
        return rc;
}

/* Read one integer or text pragma result into buf. */
static int pragma_text(sqlite3 *db, const char *sql, char *buf, size_t size,
                       struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, sql, err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
        else
                rc = rk_sql_fail(db, src, sql, err);
        sqlite3_finalize(st);
        return rc;
}

/* The key is right when the schema can be read. */
static int check_readable(sqlite3 *db, const char *path, struct rk_error *err)
{
        int src =
            sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
        if (src == SQLITE_OK)
                return RK_OK;
        if ((src & 0xff) == SQLITE_NOTADB || (src & 0xff) == SQLITE_CORRUPT)
                return rk_error_set(
                    err, RK_ERR_CORRUPT,
                    "%s: cannot be decrypted with the key from the slot file, "
                    "or the database is damaged or truncated",
                    path);
        return rk_sql_fail(db, src, path, err);
}

static int check_version(sqlite3 *db, const char *path, struct rk_error *err)
{
        int version = 0;
        int rc = rk_migrate_version(db, &version, err);
        if (rc == RK_OK && version > rk_migrate_latest())
                rc = rk_error_set(err, RK_ERR_VERSION,
                                  "%s: written by a newer rekisteri (schema %d; this one "
                                  "knows up to %d); nothing was changed",
                                  path, version, rk_migrate_latest());
        return rc;
}

static int apply_settings(sqlite3 *db, const struct rk_config *cfg, const char *path,
                          struct rk_error *err)
{
        char sql[128], value[32];
        int rc = rk_sql_exec(db, "PRAGMA temp_store=MEMORY", path, err);
        if (rc == RK_OK)
                rc =
                    pragma_text(db, "PRAGMA journal_mode=WAL", value, sizeof(value), err);
        if (rc == RK_OK && strcmp(value, "wal") != 0)
                rc = rk_error_set(err, RK_ERR_IO, "%s: cannot switch to WAL mode", path);
        snprintf(sql, sizeof(sql), "PRAGMA cache_size=%lld", -cfg->cache_mib * 1024);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, sql, path, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON",
                                 path, err);
        /* Assert, don't assume: some builds turn secure_delete off silently. */
        if (rc == RK_OK)
                rc = pragma_text(db, "PRAGMA secure_delete", value, sizeof(value), err);
        if (rc == RK_OK && strcmp(value, "1") != 0)
                rc = rk_error_set(err, RK_ERR_INTERNAL,
                                  "%s: secure_delete could not be turned on; refusing to "
                                  "store personal data",
                                  path);
        return rc;
}

/* Open with the raw key dek, or (dek NULL: benchmarks only) without a key. */
static int open_store(const char *path, const unsigned char *dek, int create,
                      const struct rk_config *cfg, sqlite3 **out, struct rk_error *err)
{
        *out = NULL;
        if (!create && faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) != 0)
                return rk_error_set(err, RK_ERR_NOTFOUND, "%s: no such register", path);
        sqlite3 *db = NULL;
        int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
        int src = sqlite3_open_v2(path, &db, flags, NULL);
        int rc = src == SQLITE_OK ? RK_OK : rk_sql_fail(db, src, path, err);
        /* First of all: fifty sessions opening at once must wait, not fail. */
        if (rc == RK_OK)
                rk_busy_install(db, cfg->busy_timeout_ms);
        if (rc == RK_OK)
                rk_turn_use(db); /* its writers take turns (turn.c) */
        if (rc == RK_OK && dek != NULL && apply_key(db, dek, 0) != SQLITE_OK)
                rc = rk_error_set(err, RK_ERR_CRYPTO, "%s: cannot set the database key",
                                  path);
        if (rc == RK_OK)
                rc = rk_sql_exec(db,
                                 dek != NULL ? "PRAGMA cipher_page_size=4096"
                                             : "PRAGMA page_size=4096",
                                 path, err);
        if (rc == RK_OK)
                rc = check_readable(db, path, err);
        if (rc == RK_OK)
                rc = check_version(db, path, err);
        if (rc == RK_OK)
                rc = apply_settings(db, cfg, path, err);
        if (rc == RK_OK)
                rc = rk_collate_register(db, err);
        if (rc == RK_OK)
                audit_heads_configure(db, cfg); /* before a migration writes */
        if (rc == RK_OK)
                rc = rk_migrate_apply(db, path, err);
        if (rc == RK_OK)
                rc = audit_upgrade_if_old(db, path, err);
        if (rc == RK_OK)
                rc = rk_search_upgrade(db, err);
        if (rc != RK_OK) {
                audit_heads_forget(db);
                sqlite3_close(db);
                return rc;
        }
        *out = db;
        return RK_OK;
}

int rk_store_open(const char *path, const unsigned char *dek, int create,
                  const struct rk_config *cfg, sqlite3 **out, struct rk_error *err)
{
        *out = NULL;
        if (dek == NULL)
                return rk_error_set(err, RK_ERR_INTERNAL,
                                    "%s: refusing to open a register without its key",
                                    path);
        return open_store(path, dek, create, cfg, out, err);
}

#ifdef RK_BENCH
/* Compiled only into the benchmark programs (tests/bench, tests/meson.build
 * compile this file again with -DRK_BENCH): never in the product. */
int rk_store_open_unencrypted_bench(const char *path, const struct rk_config *cfg,
                                    sqlite3 **out, struct rk_error *err)
{
        return open_store(path, NULL, 1, cfg, out, err);
}
#endif

int rk_store_rekey_prepare(sqlite3 *db, struct rk_error *err)
{
        const char *what = "rotating the database key";
        char mode[32];
        /* SQLCipher 3 rekeys through the rollback journal: leave WAL first.
         * That needs exclusive use, which also proves no one else is in. */
        int rc = rk_sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", what, err);
        if (rc == RK_OK)
                rc = pragma_text(db, "PRAGMA journal_mode=DELETE", mode, sizeof(mode),
                                 err);
        if (rc == RK_OK && strcmp(mode, "delete") != 0)
                rc =
                    rk_error_set(err, RK_ERR_BUSY,
                                 "%s: other sessions are using the register; ask them to "
                                 "log out and try again",
                                 what);
        return rc;
}

int rk_store_rekey_cancel(sqlite3 *db, struct rk_error *err)
{
        char back[32];
        return pragma_text(db, "PRAGMA journal_mode=WAL", back, sizeof(back), err);
}

int rk_store_rekey(sqlite3 *db, const unsigned char *new_dek, struct rk_error *err)
{
        const char *what = "rotating the database key";
        int rc = rk_store_rekey_prepare(db, err);
        if (rc != RK_OK)
                return rc;
        int src = apply_key(db, new_dek, 1);
        if (src != SQLITE_OK)
                rc = rk_sql_fail(db, src, what, err);
        char back[32];
        int rc2 = pragma_text(db, "PRAGMA journal_mode=WAL", back, sizeof(back), err);
        if (rc == RK_OK && rc2 == RK_OK)
                rc = rk_sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", what, err);
        return rc != RK_OK ? rc : rc2;
}
