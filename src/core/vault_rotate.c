/*
 * vault_rotate.c - the slot-file half of a key rotation (see vault.h): a
 * new master key sealed to every slot's public key, the DEKs rewrapped
 * under it, in one transaction; and the due mark that removals leave.
 */
#include "rekisteri/secret.h"
#include "rekisteri/i18n.h"
#include "rekisteri/serverkey.h"
#include "sql.h"
#include "vault_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int rk_vault_rotation_due(struct rk_vault *v, char *reason, size_t size)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(v->db,
                               "SELECT value FROM vault_meta WHERE key='rotation_due'",
                               -1, &st, NULL) != SQLITE_OK)
                return -1;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW && reason != NULL)
                snprintf(reason, size, "%.*s", sqlite3_column_bytes(st, 0),
                         (const char *)sqlite3_column_blob(st, 0));
        sqlite3_finalize(st);
        return src == SQLITE_ROW ? 1 : src == SQLITE_DONE ? 0 : -1;
}

static int count_where(struct rk_vault *v, const char *sql, long long *n,
                       struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(v->db, sql, &st, v->path, err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        *n = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        return src == SQLITE_ROW ? RK_OK : rk_sql_fail(v->db, src, v->path, err);
}

/* Seal new_mk to the public key of every slot. */
static int reseal_all(struct rk_vault *v, const unsigned char *new_mk,
                      struct rk_error *err)
{
        sqlite3_stmt *sel = NULL, *upd = NULL;
        int rc = rk_sql_prepare(v->db, "SELECT id,pk FROM slots", &sel, v->path, err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(v->db, "UPDATE slots SET sealed=? WHERE id=?", &upd,
                                    v->path, err);
        /* a read that stops early must stop the rotation: a slot left
         * unsealed for the new master key would lock its owner out */
        bool row = false;
        while (rc == RK_OK && (rc = rk_sql_row(sel, &row, v->path, err)) == RK_OK &&
               row) {
                unsigned char pk[PK_BYTES], sealed[SEALED_BYTES];
                if (vault_blob_into(sel, 1, pk, PK_BYTES) != 0 ||
                    crypto_box_seal(sealed, new_mk, RK_KEY_BYTES, pk) != 0) {
                        rc = rk_error_set(err, RK_ERR_CORRUPT, "%s: a keyslot is damaged",
                                          v->path);
                        break;
                }
                sqlite3_bind_blob(upd, 1, sealed, SEALED_BYTES, SQLITE_TRANSIENT);
                sqlite3_bind_int64(upd, 2, sqlite3_column_int64(sel, 0));
                int src = sqlite3_step(upd);
                sqlite3_reset(upd);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(v->db, src, v->path, err);
        }
        sqlite3_finalize(sel);
        sqlite3_finalize(upd);
        return rc;
}

/* Both DEKs, rewrapped under new_mk with fresh generations. */
static int rewrap_deks(struct rk_vault *v, const unsigned char *new_mk,
                       const unsigned char *dek, const unsigned char *new_dek,
                       struct rk_error *err)
{
        long long generation = 0;
        int rc = vault_next_generation(v, &generation, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(v->db, "DELETE FROM dek", v->path, err);
        if (rc == RK_OK)
                rc = vault_store_dek_as(v, generation, "current", new_mk, dek, err);
        if (rc == RK_OK)
                rc = vault_store_dek_as(v, generation + 1, "pending", new_mk, new_dek,
                                        err);
        return rc;
}

int rk_vault_rotate_stage(struct rk_vault *v, const unsigned char *mk,
                          const unsigned char *dek, const unsigned char *new_dek,
                          unsigned char *new_mk, struct rk_error *err)
{
        long long legacy = 0;
        int rc = rk_sql_begin_as(v->db, v->path, err);
        if (rc == RK_OK && vault_mk_is_current(v, mk) != 0)
                rc = rk_error_set(err, RK_ERR_BUSY,
                                  "the register's keys were rotated meanwhile; log in "
                                  "again");
        if (rc == RK_OK)
                rc = count_where(v, "SELECT count(*) FROM slots WHERE pk IS NULL",
                                 &legacy, err);
        if (rc == RK_OK && legacy > 0)
                rc = rk_error_set(
                    err, RK_ERR_INVALID,
                    ngettext(
                        "%lld keyslot is still in the old format and would lose "
                        "access; it gets its key pair when it is next used (a login, "
                        "its key file, the recovery key); remove it if it is no longer "
                        "needed",
                        "%lld keyslots are still in the old format and would lose "
                        "access; each gets its key pair when it is next used (a login, "
                        "its key file, the recovery key); remove those no longer needed",
                        (unsigned long)legacy),
                    legacy);
        if (rc == RK_OK) {
                randombytes_buf(new_mk, RK_KEY_BYTES);
                rc = reseal_all(v, new_mk, err);
        }
        if (rc == RK_OK)
                rc = rewrap_deks(v, new_mk, dek, new_dek, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(v->db, v->path, err);
        if (rc != RK_OK)
                rk_sql_rollback(v->db);
        return rc;
}
