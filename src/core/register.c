/*
 * register.c - create and unlock a register: the keyslot file gives the
 * master key, the master key gives the database key, the database key opens
 * the SQLCipher file (see register.h).
 */
#include "rekisteri/register.h"
#include "rekisteri/audit.h"

#include "rekisteri/i18n.h"
#include "rekisteri/secret.h"
#include "rekisteri/store.h"
#include "rekisteri/users.h"
#include "kdf_gate.h"
#include "openlock.h"
#include "register_internal.h"
#include "sql.h"
#include "totp_seal.h"
#include "vault_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rk_register {
        const struct rk_config *cfg;
        char db_path[PATH_MAX];
        struct rk_vault *vault;
        sqlite3 *db;
        unsigned char *mk;  /* guarded */
        unsigned char *dek; /* guarded */
        enum rk_unlock_kind how;
        char principal[RK_LABEL_MAX + 1];
        bool mk_stale; /* open_once found reg->mk replaced by a rotation */
};

int rk_register_vault_path(const char *db_path, char *out, size_t size,
                           struct rk_error *err)
{
        int n = snprintf(out, size, "%s%s", db_path, RK_VAULT_SUFFIX);
        if (n < 0 || (size_t)n >= size)
                return rk_error_set(err, RK_ERR_INVALID, "the register path is too long");
        return RK_OK;
}

static struct rk_register *register_new(const struct rk_config *cfg, const char *db_path,
                                        struct rk_error *err)
{
        struct rk_register *reg = calloc(1, sizeof(*reg));
        if (reg == NULL) {
                rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                return NULL;
        }
        reg->cfg = cfg;
        reg->mk = rk_secret_alloc(RK_KEY_BYTES);
        reg->dek = rk_secret_alloc(RK_KEY_BYTES);
        if (reg->mk == NULL || reg->dek == NULL ||
            snprintf(reg->db_path, sizeof(reg->db_path), "%s", db_path) >=
                (int)sizeof(reg->db_path)) {
                rk_error_set(err, RK_ERR_NOMEM, "out of memory or path too long");
                rk_register_close(reg);
                return NULL;
        }
        return reg;
}

void rk_register_close(struct rk_register *reg)
{
        if (reg == NULL)
                return;
        rk_store_close(reg->db);
        rk_vault_close(reg->vault);
        rk_secret_free(reg->mk);
        rk_secret_free(reg->dek);
        free(reg);
}

sqlite3 *rk_register_db(struct rk_register *reg)
{
        return reg->db;
}

void rk_register_release_memory(struct rk_register *reg)
{
        if (reg == NULL)
                return;
        if (reg->db != NULL) {
                rk_sql_cache_trim(reg->db); /* prepared again when next used */
                sqlite3_db_release_memory(reg->db);
        }
        if (reg->vault != NULL && rk_vault_db(reg->vault) != NULL)
                sqlite3_db_release_memory(rk_vault_db(reg->vault));
        malloc_trim(0);
}

struct rk_vault *rk_register_vault(struct rk_register *reg)
{
        return reg->vault;
}

const unsigned char *rk_register_master_key(struct rk_register *reg)
{
        return reg->mk;
}

const unsigned char *rk_register_dek(struct rk_register *reg)
{
        return reg->dek;
}

const char *rk_register_path(struct rk_register *reg)
{
        return reg->db_path;
}

const struct rk_config *rk_register_config(struct rk_register *reg)
{
        return reg->cfg;
}

enum rk_unlock_kind rk_register_unlocked_by(struct rk_register *reg,
                                            const char **principal)
{
        if (principal != NULL)
                *principal = reg->principal;
        return reg->how;
}

static void kdf_cost(const struct rk_config *cfg, struct rk_kdf_cost *cost)
{
        cost->ops = cfg->argon2_ops;
        cost->mem_kib = cfg->argon2_mem_kib;
}

/* ---- create ------------------------------------------------------------ */

static void remove_files(const char *db_path, const char *vault_path)
{
        char side[PATH_MAX + 16];
        if (rk_serverkey_path(vault_path, side, sizeof(side), NULL) == RK_OK)
                unlink(side);
        unlink(db_path);
        snprintf(side, sizeof(side), "%s-wal", db_path);
        unlink(side);
        snprintf(side, sizeof(side), "%s-shm", db_path);
        unlink(side);
        unlink(vault_path);
}

/* Reserve the database name atomically so nothing existing is overwritten. */
static int claim_path(const char *path, struct rk_error *err)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
                close(fd);
                return RK_OK;
        }
        if (errno == EEXIST)
                return rk_error_set(err, RK_ERR_EXISTS,
                                    "%s already exists; refusing to overwrite a register",
                                    path);
        return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
}

static int create_files(struct rk_register *reg, const char *vault_path,
                        const char *admin, const char *password, size_t pwlen,
                        char *recovery, char *audit_key, struct rk_error *err)
{
        struct rk_kdf_cost cost;
        kdf_cost(reg->cfg, &cost);
        int rc = rk_vault_create(vault_path, &reg->vault, err);
        if (rc == RK_OK)
                rc = rk_vault_use_server_key(reg->vault, NULL, 0, err);
        if (rc == RK_OK)
                rc = rk_vault_init_keys(reg->vault, reg->mk, reg->dek, err);
        if (rc == RK_OK)
                rc = rk_vault_set_user(reg->vault, admin, password, pwlen, &cost, reg->mk,
                                       err);
        if (rc == RK_OK)
                rc = rk_vault_set_recovery(reg->vault, reg->mk, recovery, err);
        if (rc == RK_OK)
                rc = rk_store_open(reg->db_path, reg->dek, 1, reg->cfg, &reg->db, err);
        if (rc == RK_OK)
                rc = rk_users_create(reg->db, admin, "admin", 0, NULL, err);
        if (rc == RK_OK)
                rc = rk_audit_init(reg->db, audit_key, err);
        return rc;
}

int rk_register_create(const struct rk_config *cfg, const char *db_path,
                       const char *admin, const char *password, size_t pwlen,
                       char *recovery, char *audit_key, struct rk_register **out,
                       struct rk_error *err)
{
        char vault_path[PATH_MAX];
        *out = NULL;
        int rc = rk_users_check_name(admin, err);
        if (rc == RK_OK)
                rc = rk_register_vault_path(db_path, vault_path, sizeof(vault_path), err);
        if (rc != RK_OK)
                return rc;
        if (faccessat(AT_FDCWD, vault_path, F_OK, AT_EACCESS) == 0)
                return rk_error_set(err, RK_ERR_EXISTS,
                                    "%s already exists; refusing to overwrite a register",
                                    vault_path);
        rc = claim_path(db_path, err);
        if (rc != RK_OK)
                return rc;
        struct rk_register *reg = register_new(cfg, db_path, err);
        if (reg == NULL) {
                unlink(db_path);
                return RK_ERR_NOMEM;
        }
        rc = create_files(reg, vault_path, admin, password, pwlen, recovery, audit_key,
                          err);
        if (rc != RK_OK) {
                rk_register_close(reg);
                remove_files(db_path, vault_path);
                sodium_memzero(recovery, RK_RECOVERY_KEY_CHARS);
                sodium_memzero(audit_key, RK_AUDIT_KEY_TEXT);
                return rc;
        }
        reg->how = RK_UNLOCK_USER;
        snprintf(reg->principal, sizeof(reg->principal), "%s", admin);
        *out = reg;
        return RK_OK;
}

/* ---- unlock ------------------------------------------------------------ */

/*
 * With the master key in reg->mk: unwrap the DEK and open the database.
 * Finishes a rotation that died half-way (see rk_register_rotate_key): if
 * the current key no longer opens the file but the staged one does, the
 * file was swapped and the staged key becomes current; if the current one
 * still works, the swap never happened and the staged key and the copy
 * built under it are dropped. A file replaced while it was being opened
 * (RK_ERR_CONFLICT: a rotation finished meanwhile) is opened again with the
 * keys the slot file holds now.
 */
/* Did the slot file's database keys change since reg->dek was read (a
 * rotation staged or finished meanwhile)? A stale master key is marked for
 * a second unlock. */
static bool keys_moved(struct rk_register *reg)
{
        if (rk_vault_mk_stale(reg->vault, reg->mk)) {
                reg->mk_stale = true;
                return true;
        }
        unsigned char *now = rk_secret_alloc(RK_KEY_BYTES);
        unsigned char *pending = rk_secret_alloc(RK_KEY_BYTES);
        int has_pending = 0;
        bool moved = now != NULL && pending != NULL &&
                     rk_vault_get_dek(reg->vault, reg->mk, now, pending, &has_pending,
                                      NULL) == RK_OK &&
                     (has_pending || sodium_memcmp(now, reg->dek, RK_KEY_BYTES) != 0);
        rk_secret_free(now);
        rk_secret_free(pending);
        return moved;
}

static int open_once(struct rk_register *reg, struct rk_error *err)
{
        unsigned char *pending = rk_secret_alloc(RK_KEY_BYTES);
        if (pending == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int has_pending = 0;
        int rc =
            rk_vault_get_dek(reg->vault, reg->mk, reg->dek, pending, &has_pending, err);
        /* a rotation sealed a new master key after this one was unlocked */
        if (rc == RK_ERR_CORRUPT && rk_vault_mk_stale(reg->vault, reg->mk)) {
                reg->mk_stale = true;
                rc = rk_error_set(err, RK_ERR_BUSY,
                                  _("the register's keys were rotated while it was being "
                                    "opened; log in again"));
        }
        if (rc == RK_OK)
                rc = rk_store_open(reg->db_path, reg->dek, 0, reg->cfg, &reg->db, err);
        /* the keys read before a rotation's swap, the file after it */
        if (rc == RK_ERR_CORRUPT && !has_pending && keys_moved(reg))
                rc = rk_error_set(err, RK_ERR_CONFLICT,
                                  _("the register's keys were rotated while it was being "
                                    "opened; log in again"));
        if (rc == RK_ERR_CORRUPT && has_pending) {
                struct rk_error retry;
                rk_error_clear(&retry);
                int rc2 =
                    rk_store_open(reg->db_path, pending, 0, reg->cfg, &reg->db, &retry);
                if (rc2 == RK_OK) {
                        memcpy(reg->dek, pending, RK_KEY_BYTES);
                        rc = rk_vault_promote_dek(reg->vault, err);
                } else if (rc2 != RK_ERR_CORRUPT && err != NULL) {
                        *err = retry; /* a read error is not damage */
                        rc = rc2;
                }
        } else if (rc == RK_OK && has_pending) {
                rc = rk_vault_discard_pending(reg->vault, err);
        }
        /* a copy left by a rotation killed before its swap: while this
         * connection is open no rotation can be under way */
        if (rc == RK_OK)
                rk_store_rekey_discard(reg->db_path);
        rk_secret_free(pending);
        return rc;
}

static int open_database(struct rk_register *reg, struct rk_error *err)
{
        int rc = RK_ERR_CONFLICT;
        for (int i = 0; i < 3 && rc == RK_ERR_CONFLICT; i++) {
                rk_error_clear(err);
                rc = open_once(reg, err);
        }
        return rc;
}

/* An older slot file moves to the server key once the account names are at
 * hand (rk_vault_use_server_key); a no-op afterwards. */
static int migrate_labels(struct rk_register *reg, struct rk_error *err)
{
        struct rk_user *users = NULL;
        size_t n = 0;
        /* a missing key file is for `key new-server-key`, not for here */
        if (rk_vault_server_state(reg->vault) != RK_SERVER_KEY_NONE)
                return RK_OK;
        int rc = rk_users_list(reg->db, &users, &n, err);
        const char **names = rc == RK_OK ? calloc(n + 1, sizeof(*names)) : NULL;
        if (rc == RK_OK && names == NULL)
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; rc == RK_OK && i < n; i++)
                names[i] = users[i].name;
        if (rc == RK_OK)
                rc = rk_vault_use_server_key(reg->vault, names, n, err);
        free(names);
        free(users);
        return rc;
}

/* What unlocks a slot: a password, a key file or the recovery key. */
struct credentials {
        enum rk_unlock_kind how;
        const char *username, *password, *keyfile, *recovery;
        size_t pwlen;
};

static int unlock_slot(struct rk_register *reg, const struct credentials *c, char *label,
                       struct rk_error *err)
{
        struct rk_kdf_cost cost;
        kdf_cost(reg->cfg, &cost);
        switch (c->how) {
        case RK_UNLOCK_USER:
                snprintf(label, RK_LABEL_MAX + 1, "%s", c->username);
                return rk_vault_unlock_user(reg->vault, c->username, c->password,
                                            c->pwlen, &cost, reg->mk, err);
        case RK_UNLOCK_KEYFILE:
                return rk_vault_unlock_keyfile(reg->vault, c->keyfile, reg->mk, label,
                                               err);
        default:
                snprintf(label, RK_LABEL_MAX + 1, "recovery");
                return rk_vault_unlock_recovery(reg->vault, c->recovery, reg->mk, err);
        }
}

/* Start an unlock: allocate reg and open the slot file. */
static int begin_unlock(const struct rk_config *cfg, const char *db_path,
                        struct rk_register **reg, struct rk_error *err)
{
        char vault_path[PATH_MAX];
        int rc = rk_register_vault_path(db_path, vault_path, sizeof(vault_path), err);
        if (rc != RK_OK)
                return rc;
        if (faccessat(AT_FDCWD, db_path, F_OK, AT_EACCESS) != 0)
                return rk_error_set(
                    err, RK_ERR_NOTFOUND,
                    "%s: no such register (create one with rekisteri init)", db_path);
        *reg = register_new(cfg, db_path, err);
        if (*reg == NULL)
                return RK_ERR_NOMEM;
        rc = rk_vault_open(vault_path, &(*reg)->vault, err);
        if (rc != RK_OK) {
                rk_register_close(*reg);
                *reg = NULL;
        }
        return rc;
}

/* The three unlock paths: the slot gives the master key, which opens the
 * database; when a rotation replaced the master key in between, the slot
 * is unlocked once more with the same credentials. */
static int unlock_with(const struct rk_config *cfg, const char *db_path,
                       const struct credentials *c, struct rk_register **out,
                       struct rk_error *err)
{
        struct rk_register *reg;
        char label[RK_LABEL_MAX + 1] = "";
        *out = NULL;
        int rc = begin_unlock(cfg, db_path, &reg, err);
        if (rc != RK_OK)
                return rc;
        for (int attempt = 0; attempt < 2; attempt++) {
                reg->mk_stale = false;
                rc = unlock_slot(reg, c, label, err);
                if (rc == RK_OK)
                        rc = open_database(reg, err);
                if (!reg->mk_stale)
                        break;
        }
        if (rc == RK_OK)
                rc = migrate_labels(reg, err);
        if (rc == RK_OK) /* TOTP secrets of before get sealed */
                rc = rk_totp_seal_all(reg, err);
        if (rc != RK_OK) {
                rk_register_close(reg);
                return rc;
        }
        reg->how = c->how;
        snprintf(reg->principal, sizeof(reg->principal), "%s", label);
        *out = reg;
        return RK_OK;
}

int rk_register_unlock_user(const struct rk_config *cfg, const char *db_path,
                            const char *username, const char *password, size_t pwlen,
                            struct rk_register **out, struct rk_error *err)
{
        struct credentials c = {.how = RK_UNLOCK_USER,
                                .username = username,
                                .password = password,
                                .pwlen = pwlen};
        rk_kdf_gate_setup(db_path, cfg->argon2_at_once);
        return unlock_with(cfg, db_path, &c, out, err);
}

int rk_register_unlock_keyfile(const struct rk_config *cfg, const char *db_path,
                               const char *keyfile, struct rk_register **out,
                               struct rk_error *err)
{
        struct credentials c = {.how = RK_UNLOCK_KEYFILE, .keyfile = keyfile};
        return unlock_with(cfg, db_path, &c, out, err);
}

int rk_register_unlock_recovery(const struct rk_config *cfg, const char *db_path,
                                const char *recovery, struct rk_register **out,
                                struct rk_error *err)
{
        struct credentials c = {.how = RK_UNLOCK_RECOVERY, .recovery = recovery};
        return unlock_with(cfg, db_path, &c, out, err);
}

/* ---- keys -------------------------------------------------------------- */

/*
 * The order makes every moment recoverable (open_once finishes or undoes):
 *   0. exclusive use of the database (no other session, lock held);
 *   1. a complete copy under the new DEK beside it, synced;
 *   2. the slot file, in one transaction: a new MK sealed to every slot,
 *      the old DEK as current and the new one staged, both under it;
 *   3. the copy renamed over the register (atomic), directory synced;
 *   4. the staged DEK made current, the old one and the due mark gone.
 * Killed before 3: the old file opens with the current key, the staged key
 * and the copy are dropped. Killed after 3: the current key fails, the
 * staged one opens the file and is made current.
 */
#ifdef RK_TEST_HOOKS
/* Test builds only: $REKISTERI_TEST_ROTATE_KILL=N kills the process with
 * SIGKILL right after step N of the rotation (1..4), as a crash would. */
static void rotate_kill_point(int step)
{
        const char *at = getenv("REKISTERI_TEST_ROTATE_KILL");
        if (at != NULL && atoi(at) == step)
                raise(SIGKILL);
}
#else
#define rotate_kill_point(step) ((void)0)
#endif

static int rotate_undo(struct rk_register *reg)
{
        rk_store_rekey_discard(reg->db_path);
        return rk_store_rekey_cancel(reg->db, NULL);
}

int rk_register_rotate_key(struct rk_register *reg, struct rk_error *err)
{
        unsigned char *new_dek = rk_secret_alloc(RK_KEY_BYTES);
        unsigned char *new_mk = rk_secret_alloc(RK_KEY_BYTES);
        bool moved = false;
        int rc =
            new_dek && new_mk ? RK_OK : rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK)
                randombytes_buf(new_dek, RK_KEY_BYTES);
        if (rc == RK_OK)
                rc = rk_store_rekey_prepare(reg->db, err);
        if (rc == RK_OK)
                rc = rk_store_rekey_export(reg->db, reg->db_path, new_dek, err);
        if (rc == RK_OK) {
                rotate_kill_point(1);
                rc = rk_vault_rotate_stage(reg->vault, reg->mk, reg->dek, new_dek, new_mk,
                                           err);
        }
        if (rc == RK_OK) {
                rotate_kill_point(2);
                memcpy(reg->mk, new_mk, RK_KEY_BYTES); /* the slot file has it now */
                rc = rk_store_rekey_swap(&reg->db, reg->db_path, new_dek, reg->cfg,
                                         &moved, err);
        }
        if (moved)
                rotate_kill_point(3);
        if (rc != RK_OK && !moved) {
                /* the old file under the old key is the register: the staged
                 * key goes (or the next opening drops it) */
                rk_vault_discard_pending(reg->vault, NULL);
                rotate_undo(reg);
        } else if (moved) {
                /* the file is under the new key whatever happened since */
                memcpy(reg->dek, new_dek, RK_KEY_BYTES);
                struct rk_error promote;
                rk_error_clear(&promote);
                int rc2 = rk_vault_promote_dek(reg->vault, &promote);
                if (rc2 == RK_OK)
                        rotate_kill_point(4);
                if (rc == RK_OK && rc2 != RK_OK) {
                        rc = rc2;
                        if (err != NULL)
                                *err = promote;
                }
        }
        if (rc != RK_OK && moved && err != NULL) {
                char cause[sizeof(err->msg)];
                snprintf(cause, sizeof(cause), "%s", err->msg);
                rk_error_set(err, rc,
                             _("the register was re-encrypted under the new key and "
                               "opens with it, but: %s"),
                             cause);
        }
        /* done or undone, with the new key promoted: let the sessions that
         * waited for the opening lock in (openlock.c) */
        rk_openlock_shared_again(reg->db);
        rk_secret_free(new_dek);
        rk_secret_free(new_mk);
        return rc;
}

int rk_register_raw_key(struct rk_register *reg, char *out, struct rk_error *err)
{
        if (reg->how != RK_UNLOCK_RECOVERY)
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    "the raw database key is given out only to the holder of "
                    "the recovery key");
        rk_store_key_text(reg->dek, out);
        return RK_OK;
}

int rk_register_check(struct rk_register *reg, struct rk_error *err)
{
        bool ok = false;
        char note[160];
        /* a page the check could not read is named as the read error */
        int rc = rk_sql_check_pages(reg->db, "PRAGMA integrity_check", &ok, note,
                                    sizeof(note), "integrity check", err);
        if (rc == RK_OK && !ok)
                rc =
                    rk_error_set(err, RK_ERR_CORRUPT,
                                 "%s: the integrity check found damage; restore a backup",
                                 reg->db_path);
        return rc;
}
