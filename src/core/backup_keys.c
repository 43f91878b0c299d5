/*
 * backup_keys.c - the slot-file side of backups and restores (see
 * backup_keys.h). Both work in SQL on the plain slot files: the backup copy
 * is cut down in place; the live slot file is ATTACHed to the staged one
 * and its slots copied across in one transaction, before the rotation
 * (register.c, vault.c) seals a new master key to every remaining slot.
 */
#include "rekisteri/backup_keys.h"
#include "rekisteri/i18n.h"
#include "rekisteri/policy.h"
#include "rekisteri/register.h"
#include "rekisteri/rotation.h"
#include "sql.h"
#include "vault_internal.h"

#include "rekisteri/serverkey.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int rk_backup_keys_strip(const char *path, struct rk_error *err)
{
        sqlite3 *db = NULL;
        int src = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
        int rc = src == SQLITE_OK ? RK_OK : rk_sql_fail(db, src, path, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db,
                                 "PRAGMA secure_delete=ON;"
                                 "BEGIN IMMEDIATE;"
                                 "DELETE FROM slots WHERE NOT (kind='recovery' OR"
                                 " (kind='keyfile' AND label='" RK_BACKUP_KEYFILE_LABEL
                                 "'));"
                                 "DELETE FROM throttle;"
                                 "DELETE FROM auth_failures;"
                                 "DELETE FROM revoked;"
                                 "DELETE FROM vault_meta WHERE key='rotation_due';"
                                 "COMMIT;"
                                 "VACUUM;",
                                 path, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        sqlite3_close(db);
        return rc;
}

/* Copy today's slots, revoked list and counters from the attached "live". */
static int adopt(sqlite3 *db, const char *what, int *adopted, struct rk_error *err)
{
        int rc = rk_sql_begin_as(db, what, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(
                    db,
                    "DELETE FROM main.slots WHERE EXISTS(SELECT 1 FROM live.slots l"
                    " WHERE l.kind=slots.kind AND l.label=slots.label);"
                    "INSERT INTO main.slots(kind,label,kdf_ops,kdf_mem_kib,salt,nonce,"
                    "wrapped,created_at,pk,sealed) SELECT kind,label,kdf_ops,kdf_mem_kib,"
                    "salt,nonce,wrapped,created_at,pk,sealed FROM live.slots"
                    " WHERE pk IS NOT NULL;",
                    what, err);
        if (rc == RK_OK)
                *adopted = sqlite3_changes(db);
        if (rc == RK_OK)
                rc = rk_sql_exec(
                    db,
                    /* the adopted labels are keyed as the live file keys them */
                    "DELETE FROM main.vault_meta WHERE key IN"
                    " ('server_key_check','name_salt');"
                    "INSERT INTO main.vault_meta SELECT * FROM live.vault_meta"
                    " WHERE key IN ('server_key_check','name_salt');"
                    "INSERT OR IGNORE INTO main.revoked SELECT * FROM live.revoked;"
                    "INSERT OR REPLACE INTO main.throttle SELECT * FROM live.throttle;"
                    "INSERT INTO main.auth_failures(at,label,source,reason,sealed)"
                    " SELECT at,label,source,reason,sealed FROM live.auth_failures;",
                    what, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, what, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

static int attach_live(sqlite3 *db, const char *live_keys, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "ATTACH DATABASE ? AS live", &st, live_keys, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, live_keys, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, live_keys, err);
}

/* The staged register's server key path (staged + RK_SERVERKEY_SUFFIX). */
static int staged_serverkey(const char *staged, char *out, size_t size)
{
        int n = snprintf(out, size, "%s%s", staged, RK_SERVERKEY_SUFFIX);
        return n < 0 || (size_t)n >= size ? -1 : 0;
}

int rk_restore_keys_stage(const char *staged, const char *db_path, struct rk_error *err)
{
        char live[PATH_MAX], to[PATH_MAX];
        int n = snprintf(live, sizeof(live), "%s%s", db_path, RK_SERVERKEY_SUFFIX);
        if (n < 0 || (size_t)n >= sizeof(live) ||
            staged_serverkey(staged, to, sizeof(to)))
                return rk_error_set(err, RK_ERR_INVALID, "%s: path too long", db_path);
        if (access(live, F_OK) != 0)
                return RK_OK;
        if (link(live, to) != 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", to, strerror(errno));
        return RK_OK;
}

void rk_restore_keys_cleanup(const char *staged)
{
        char p[PATH_MAX];
        if (staged_serverkey(staged, p, sizeof(p)) == 0)
                unlink(p);
}

int rk_restore_keys(struct rk_session *s, const char *live_keys, int *adopted,
                    struct rk_error *err)
{
        const char *what = N_("taking over today's keyslots");
        struct rk_vault *v = rk_register_vault(rk_session_register(s));
        sqlite3 *db = rk_vault_db(v);
        *adopted = 0;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    "a restore needs a role with the \"keys\" permission");
        int rc = RK_OK;
        if (access(live_keys, F_OK) == 0) {
                rc = attach_live(db, live_keys, err);
                if (rc == RK_OK) {
                        rc = adopt(db, what, adopted, err);
                        rk_sql_exec(db, "DETACH DATABASE live", what, NULL);
                }
        }
        /* whatever today's list revokes goes, from the backup's slots too,
         * and so do format-1 slots of an old backup that were not used to
         * open it (they could not receive the new master key) */
        if (rc == RK_OK)
                rc = rk_sql_exec(db,
                                 "DELETE FROM slots WHERE pk IN (SELECT pk FROM revoked)"
                                 " OR pk IS NULL",
                                 what, err);
        if (rc == RK_OK)
                rc = rk_rotation_run(s, "restore", err);
        return rc;
}
