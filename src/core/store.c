/*
 * store.c - opening the SQLCipher database with a raw key, the per-
 * connection settings, and the database side of a key rotation (see
 * store.h): the register copied under the new key into a new file with
 * sqlcipher_export, then renamed over the old one, never rekeyed in place.
 * An opening checks that the name still leads to the file it opened, so a
 * session never keeps writing to a file a rotation replaced.
 */
#include "rekisteri/collate.h"
#include "rekisteri/store.h"
#include "rekisteri/i18n.h"
#include "rekisteri/secret.h"
#include "rekisteri/sharedfile.h"
#include "audit_chain.h"
#include "migrate.h"
#include "openlock.h"
#include "search_index.h"
#include "sql.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
                rk_sql_cache_close(db); /* SQLite closes only without statements */
                sqlite3_close(db);
                rk_openlock_drop(db); /* after the close: the file is let go */
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

/*
 * A key rotation replaces the file by a rename (rk_store_rekey_swap) while
 * holding its lock: a connection opened just before, that waited for the
 * lock, would use the replaced file and its writes would be lost. The lock
 * is taken by apply_settings; if the name now leads elsewhere, say so
 * (RK_ERR_CONFLICT: open again).
 */
static int same_file(const char *path, const struct stat *before, struct rk_error *err)
{
        struct stat now;
        if (stat(path, &now) == 0 && now.st_dev == before->st_dev &&
            now.st_ino == before->st_ino)
                return RK_OK;
        return rk_error_set(err, RK_ERR_CONFLICT,
                            _("%s: the register was replaced while it was being opened "
                              "(a key rotation); open it again"),
                            path);
}

/*
 * The key is right when the schema can be read. The read holds its lock
 * while the name is compared with the file (same_file): a rotation renames
 * the file only while it holds the exclusive lock, so a file that is still
 * the register here stays it until this connection has switched to WAL
 * (after which no rotation can start while it is open), and a connection
 * to a replaced file is closed before it touches the log and index files
 * that belong to the new one by name.
 */
static int check_readable(sqlite3 *db, const char *path, const struct stat *before,
                          struct rk_error *err)
{
        int src = sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_master", NULL,
                               NULL, NULL);
        int rc = RK_OK;
        if (before != NULL && same_file(path, before, err) != RK_OK)
                rc = RK_ERR_CONFLICT;
        else if ((src & 0xff) == SQLITE_NOTADB || (src & 0xff) == SQLITE_CORRUPT)
                rc = rk_error_set(
                    err, RK_ERR_CORRUPT,
                    "%s: cannot be decrypted with the key from the slot file, "
                    "or the database is damaged or truncated",
                    path);
        else if (src != SQLITE_OK)
                rc = rk_sql_fail(db, src, path, err);
        if (!sqlite3_get_autocommit(db))
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
}

/* Open with the raw key dek, or (dek NULL: benchmarks only) without a key. */
/* Who hears of a one-time index rebuild at opening (rk_store_set_reindex_progress). */
static struct {
        void (*fn)(void *ctx, int64_t done, int64_t total);
        void *ctx;
} reindex_progress;

void rk_store_set_reindex_progress(void (*fn)(void *ctx, int64_t done, int64_t total),
                                   void *ctx)
{
        reindex_progress.fn = fn;
        reindex_progress.ctx = ctx;
}

static int open_store(const char *path, const unsigned char *dek, int create,
                      const struct rk_config *cfg, sqlite3 **out, struct rk_error *err)
{
        struct stat before;
        *out = NULL;
        /* before the file is looked at: never a descriptor to a file a
         * rotation is replacing (openlock.c) */
        int lock = -1;
        int rc = rk_openlock_share(path, cfg->busy_timeout_ms, &lock, err);
        if (rc != RK_OK)
                return rc;
        if (!create && (faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) != 0 ||
                        stat(path, &before) != 0)) {
                rk_openlock_release(lock);
                return rk_error_set(err, RK_ERR_NOTFOUND, "%s: no such register", path);
        }
        sqlite3 *db = NULL;
        int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
        int src = sqlite3_open_v2(path, &db, flags, NULL);
        rc = src == SQLITE_OK ? RK_OK : rk_sql_fail(db, src, path, err);
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
                rc = check_readable(db, path, create ? NULL : &before, err);
        if (rc == RK_OK)
                rc = check_version(db, path, err);
        if (rc == RK_OK)
                rc = apply_settings(db, cfg, path, err);
        /* also when a step failed: SQLite refuses to write a file that was
         * renamed away (a readonly error), which is this case too */
        if (!create && (rc == RK_OK || rc == RK_ERR_IO)) {
                struct rk_error moved;
                rk_error_clear(&moved);
                if (same_file(path, &before, &moved) != RK_OK) {
                        if (err != NULL)
                                *err = moved;
                        rc = RK_ERR_CONFLICT;
                }
        }
        if (rc == RK_OK)
                rc = rk_collate_register(db, err);
        if (rc == RK_OK)
                audit_heads_configure(db, cfg); /* before a migration writes */
        if (rc == RK_OK)
                rc = rk_migrate_apply(db, path, err);
        if (rc == RK_OK)
                rc = audit_upgrade_if_old(db, path, err);
        if (rc == RK_OK)
                rc =
                    rk_search_upgrade(db, reindex_progress.fn, reindex_progress.ctx, err);
        if (rc != RK_OK) {
                audit_heads_forget(db);
                sqlite3_close(db);
                rk_openlock_release(lock);
                return rc;
        }
        rk_openlock_attach(lock, db);
        rk_sql_cache_open(db); /* the per-customer paths parse their SQL once */
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
        const char *what = N_("rotating the database key");
        char mode[32];
        /* Leave WAL first: that needs exclusive use, which proves no one
         * else is in, and leaves no log beside the file that a new file
         * under the same name could mistake for its own. */
        audit_heads_flush(db); /* nothing may be written to this file later */
        /* no one else in, and no one let in until the rotation is over
         * (openlock.c: an opener waits, then opens the new file) */
        int rc = rk_openlock_exclusive(db, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", what, err);
        if (rc == RK_OK)
                rc = pragma_text(db, "PRAGMA journal_mode=DELETE", mode, sizeof(mode),
                                 err);
        if (rc == RK_OK && strcmp(mode, "delete") != 0)
                rc =
                    rk_error_set(err, RK_ERR_BUSY,
                                 "%s: other sessions are using the register; ask them to "
                                 "log out and try again",
                                 _(what));
        /* ... and hold the file's own lock until the swap too (the opening
         * lock already keeps new sessions from opening it) */
        if (rc == RK_OK)
                rc = rk_sql_exec(db,
                                 "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT",
                                 what, err);
        return rc;
}

int rk_store_rekey_cancel(sqlite3 *db, struct rk_error *err)
{
        char back[32];
        /* the next access after NORMAL gives the exclusive lock back */
        int rc = pragma_text(db, "PRAGMA locking_mode=NORMAL", back, sizeof(back), err);
        if (rc == RK_OK)
                rc = pragma_text(db, "PRAGMA journal_mode=WAL", back, sizeof(back), err);
        rk_openlock_shared_again(db); /* the waiting sessions may come in */
        return rc;
}

int rk_store_rekey_path(const char *path, char *out, size_t size, struct rk_error *err)
{
        int n = snprintf(out, size, "%s%s", path, RK_STORE_ROTATE_SUFFIX);
        if (n < 0 || (size_t)n >= size)
                return rk_error_set(err, RK_ERR_INVALID, "the register path is too long");
        return RK_OK;
}

void rk_store_rekey_discard(const char *path)
{
        char tmp[PATH_MAX], side[PATH_MAX + 16];
        if (rk_store_rekey_path(path, tmp, sizeof(tmp), NULL) != RK_OK)
                return;
        snprintf(side, sizeof(side), "%s-journal", tmp);
        unlink(side);
        unlink(tmp);
}

/* The schema version is a header field, which sqlcipher_export leaves. */
static int copy_version(sqlite3 *db, const char *what, struct rk_error *err)
{
        int version = 0;
        char sql[64];
        int rc = rk_migrate_version(db, &version, err);
        snprintf(sql, sizeof(sql), "PRAGMA rotate.user_version=%d", version);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, sql, what, err);
        return rc;
}

/* ATTACH the empty file tmp as "rotate" under new_dek; the key text stays
 * in guarded memory and is bound, never written into the statement. */
static int attach_new(sqlite3 *db, const char *tmp, const unsigned char *new_dek,
                      const char *what, struct rk_error *err)
{
        sqlite3_stmt *st;
        char *text = rk_secret_alloc(RK_RAW_KEY_TEXT);
        if (text == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        rk_store_key_text(new_dek, text);
        int rc = rk_sql_prepare(db, "ATTACH ? AS rotate KEY ?", &st, what, err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, what, err);
                sqlite3_finalize(st);
        }
        rk_secret_free(text);
        return rc;
}

int rk_store_rekey_export(sqlite3 *db, const char *path, const unsigned char *new_dek,
                          struct rk_error *err)
{
        const char *what = N_("rotating the database key");
        char tmp[PATH_MAX];
        int fd = -1;
        int rc = rk_store_rekey_path(path, tmp, sizeof(tmp), err);
        if (rc != RK_OK)
                return rc;
        rk_store_rekey_discard(path);
        /* created empty with the register's mode and group: the new file
         * replaces the register, so every staff member must open it */
        rc = rk_sharedfile_open(path, tmp, true, &fd, err);
        if (fd >= 0)
                close(fd);
        if (rc == RK_OK)
                rc = attach_new(db, tmp, new_dek, what, err);
        if (rc != RK_OK) {
                rk_store_rekey_discard(path);
                return rc;
        }
        /* every table, index, trigger and the search index, written under
         * the new key; each commit of the copy is synced (synchronous=FULL
         * in rollback mode) before the copy is used */
        rc = rk_sql_exec(db,
                         "PRAGMA rotate.cipher_page_size=4096; PRAGMA "
                         "rotate.secure_delete=ON; SELECT sqlcipher_export('rotate')",
                         what, err);
        if (rc == RK_OK)
                rc = copy_version(db, what, err);
        int rc2 = rk_sql_exec(db, "DETACH rotate", what, rc == RK_OK ? err : NULL);
        if (rc == RK_OK)
                rc = rc2;
        if (rc != RK_OK)
                rk_store_rekey_discard(path);
        return rc;
}

/* fsync the directory of path, so a rename in it survives a power cut. */
static int sync_dir(const char *path, struct rk_error *err)
{
        char dir[PATH_MAX];
        const char *slash = strrchr(path, '/');
        int n = slash == NULL ? snprintf(dir, sizeof(dir), ".")
                : slash == path
                    ? snprintf(dir, sizeof(dir), "/")
                    : snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
        if (n < 0 || (size_t)n >= sizeof(dir))
                return rk_error_set(err, RK_ERR_INVALID, "the register path is too long");
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int ok = fd >= 0 && fsync(fd) == 0;
        int e = errno;
        if (fd >= 0)
                close(fd);
        return ok ? RK_OK : rk_error_set(err, RK_ERR_IO, "%s: %s", dir, strerror(e));
}

int rk_store_rekey_swap(sqlite3 **db, const char *path, const unsigned char *new_dek,
                        const struct rk_config *cfg, bool *moved, struct rk_error *err)
{
        char tmp[PATH_MAX], wal[PATH_MAX + 8];
        struct stat st;
        *moved = false;
        int rc = rk_store_rekey_path(path, tmp, sizeof(tmp), err);
        /* a log beside the file would be read as the new file's own */
        snprintf(wal, sizeof(wal), "%s-wal", path);
        if (rc == RK_OK && stat(wal, &st) == 0 && st.st_size > 0)
                rc = rk_error_set(err, RK_ERR_BUSY,
                                  "rotating the database key: %s is not empty; nothing "
                                  "was changed",
                                  wal);
        if (rc == RK_OK && rename(tmp, path) != 0)
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        if (rc != RK_OK)
                return rc;
        *moved = true;
        rc = sync_dir(path, err);
        sqlite3 *fresh = NULL;
        if (rc == RK_OK)
                rc = rk_store_open(path, new_dek, 0, cfg, &fresh, err);
        /* the old connection (on the replaced file) stays the caller's
         * until the new one is open, so it is never left without one */
        if (rc == RK_OK) {
                rk_store_close(*db);
                *db = fresh;
        }
        return rc;
}
