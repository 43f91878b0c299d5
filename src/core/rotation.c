/*
 * rotation.c - running key rotations for a session (see rotation.h). The
 * cryptography is in vault.c and register.c; this file decides when and
 * leaves the audit row.
 */
#include "rekisteri/rotation.h"
#include "rekisteri/i18n.h"
#include "rekisteri/policy.h"
#include "rekisteri/register.h"
#include "rekisteri/users.h"
#include "sql.h"

#include <stdlib.h>

int rk_rotation_run(struct rk_session *s, const char *why, struct rk_error *err)
{
        int rc = rk_register_rotate_key(rk_session_register(s), err);
        if (rc == RK_OK)
                rc = rk_session_audit(s, "key.rotate", 0, "", rk_session_place(s), "ok",
                                      why, err);
        return rc;
}

int rk_rotation_due(struct rk_session *s, char *reason, size_t size)
{
        int due = rk_vault_rotation_due(rk_register_vault(rk_session_register(s)), reason,
                                        size);
        /* the slot file keeps the reason in English: shown translated */
        if (due == 1 && reason != NULL && size > 0 && reason[0] != '\0') {
                char stored[160];
                snprintf(stored, sizeof(stored), "%s", reason);
                snprintf(reason, size, "%s", gettext(stored));
        }
        return due;
}

int rk_rotation_if_due(struct rk_session *s, int *rotated, struct rk_error *err)
{
        *rotated = 0;
        int due = rk_rotation_due(s, NULL, 0);
        if (due < 0)
                return rk_error_set(err, RK_ERR_IO, "cannot read the slot file");
        if (due == 0)
                return RK_OK;
        struct rk_error busy;
        rk_error_clear(&busy);
        int rc = rk_rotation_run(s, "due", &busy);
        if (rc == RK_ERR_BUSY)
                return RK_OK;
        if (rc != RK_OK) {
                if (err != NULL)
                        *err = busy;
                return rc;
        }
        *rotated = 1;
        return RK_OK;
}

/* Every account enrols again and must change its password. */
static int reset_accounts(sqlite3 *db, size_t *n, struct rk_error *err)
{
        struct rk_user *users = NULL;
        int rc = rk_users_list(db, &users, n, err);
        if (rc == RK_OK)
                rc = rk_sql_begin(db, err);
        for (size_t i = 0; rc == RK_OK && i < *n; i++) {
                rc = rk_users_clear_totp(db, users[i].id, err);
                if (rc == RK_OK)
                        rc = rk_users_set_flag(db, users[i].id, "must_change_password", 1,
                                               err);
        }
        if (rc == RK_OK)
                rc = rk_sql_commit(db, err);
        else
                rk_sql_rollback(db);
        free(users);
        return rc;
}

int rk_rotation_new_server_key(struct rk_session *s, size_t *accounts,
                               struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        int rotated = 0;
        *accounts = 0;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "replacing the server key needs the \"keys\" "
                                    "permission");
        int rc = rk_vault_replace_server_key(rk_register_vault(reg), err);
        if (rc == RK_OK)
                rc = reset_accounts(rk_register_db(reg), accounts, err);
        if (rc == RK_OK)
                rc = rk_session_audit(s, "key.new_server_key", 0, "", rk_session_place(s),
                                      "ok", NULL, err);
        if (rc == RK_OK)
                rc = rk_rotation_if_due(s, &rotated, err);
        return rc;
}
