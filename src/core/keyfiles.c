/*
 * keyfiles.c - key files with roles (see keyfiles.h).
 */
#include "rekisteri/keyfiles.h"
#include "rekisteri/policy.h"
#include "sql.h"

#include <stdio.h>
#include <unistd.h>

static int require_keys(struct rk_session *s, struct rk_error *err)
{
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "managing keys needs the admin role");
        return RK_OK;
}

static int run_label_sql(sqlite3 *db, const char *sql, const char *label,
                         const char *role, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "key-file roles", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
        if (role != NULL)
                sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, "key-file roles", err);
}

int rk_keyfiles_add(struct rk_session *s, const char *label, const char *const *roles,
                    size_t nroles, const char *path, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        sqlite3 *db = rk_register_db(reg);
        int rc = require_keys(s, err);
        for (size_t i = 0; rc == RK_OK && i < nroles; i++) {
                if (rk_policy_find_role(&rk_register_config(reg)->roles, roles[i]) ==
                    NULL)
                        rc = rk_error_set(err, RK_ERR_INVALID, "unknown role \"%s\"",
                                          roles[i]);
        }
        if (rc != RK_OK)
                return rc;
        rc = rk_vault_add_keyfile(rk_register_vault(reg), label,
                                  rk_register_master_key(reg), path, err);
        if (rc != RK_OK)
                return rc;
        rc = run_label_sql(db, "DELETE FROM keyfile_roles WHERE label=?", label, NULL,
                           err);
        for (size_t i = 0; rc == RK_OK && i < nroles; i++)
                rc = run_label_sql(db,
                                   "INSERT INTO keyfile_roles(label, role) VALUES(?,?)",
                                   label, roles[i], err);
        if (rc != RK_OK) {
                rk_vault_remove_keyfile(rk_register_vault(reg), label, NULL);
                unlink(path);
        }
        if (rc == RK_OK)
                rc = rk_session_audit(s, "keyfile.add", 0, "", "keys", "ok", label, err);
        return rc;
}

int rk_keyfiles_remove(struct rk_session *s, const char *label, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        int rc = require_keys(s, err);
        if (rc == RK_OK)
                rc = rk_vault_remove_keyfile(rk_register_vault(reg), label, err);
        if (rc == RK_OK)
                rc = run_label_sql(rk_register_db(reg),
                                   "DELETE FROM keyfile_roles WHERE label=?", label, NULL,
                                   err);
        if (rc == RK_OK)
                rc = rk_session_audit(s, "keyfile.remove", 0, "", "keys", "ok", label,
                                      err);
        return rc;
}

int rk_keyfiles_roles(sqlite3 *db, const char *label, char roles[][RK_ROLE_NAME_MAX + 1],
                      size_t *n, struct rk_error *err)
{
        sqlite3_stmt *st;
        *n = 0;
        int rc = rk_sql_prepare(
            db, "SELECT role FROM keyfile_roles WHERE label=? ORDER BY role", &st,
            "key-file roles", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
        bool row = false;
        while (*n < RK_ROLES_MAX &&
               (rc = rk_sql_row(st, &row, "key-file roles", err)) == RK_OK && row)
                snprintf(roles[(*n)++], RK_ROLE_NAME_MAX + 1, "%s",
                         sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return rc;
}
