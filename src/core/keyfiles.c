/*
 * keyfiles.c - key files with roles (see keyfiles.h).
 *
 * Separation of duties (README, "Roles") holds for key files as for
 * accounts: a key file never carries a role that reads or writes customer
 * data together with the accounts or keys action, and a session gives a
 * key file no field-group grant it does not hold itself. Only holders of
 * the keys action make key files, and they read no data, so a key file
 * with a data role exists only under [accounts] combine_duties = 1; that
 * use is audited as account.combined_duties (target keyfile:LABEL), as the
 * accounts' use is. Every addition, and every refused one, is audited with
 * the roles asked for; a refusal writes no slot and no file.
 */
#include "rekisteri/keyfiles.h"
#include "rekisteri/i18n.h"
#include "rekisteri/accounts.h"
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

/* Why roles[0..n) may not go on a key file made by s, or NULL when they
 * may: they mix data and access management, or hand out a field group the
 * session does not hold. */
static const char *duties_breach(struct rk_session *s, const char *const *roles, size_t n)
{
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        const struct rk_grants *own = rk_session_grants(s);
        struct rk_grants g;
        rk_policy_grants(&cfg->roles, roles, n, &g);
        if (rk_policy_mixes_duties(&g))
                return N_("one key file cannot both read customer data and manage "
                          "accounts or keys");
        if ((g.read & ~own->read) != 0 || (g.write & ~own->write) != 0)
                return N_("a key file gets no customer data its maker cannot read or "
                          "write itself");
        return NULL;
}

/*
 * Separation of duties for a key file label with roles[0..n) (joined in
 * asked): refused (RK_ERR_DENIED, audited as a denied keyfile.add with the
 * roles) unless [accounts] combine_duties is 1; then *combined is set and
 * the caller audits its use.
 */
static int check_duties(struct rk_session *s, const char *label, const char *const *roles,
                        size_t n, const char *asked, int *combined, struct rk_error *err)
{
        const char *why = duties_breach(s, roles, n);
        *combined = 0;
        if (why == NULL)
                return RK_OK;
        if (rk_register_config(rk_session_register(s))->combine_duties) {
                *combined = 1;
                return RK_OK;
        }
        int rc = rk_accounts_audit_roles(s, "keyfile.add", "keys", label, "", asked,
                                         "denied", err);
        if (rc != RK_OK)
                return rc;
        return rk_error_set(err, RK_ERR_DENIED,
                            "separation of duties: %s (roles %s); a one-person company "
                            "may allow it with [accounts] combine_duties = 1",
                            _(why), asked);
}

/* Audit a key file that was made: its keyfile.add row with the roles and,
 * when the combination switch was used, an account.combined_duties row. */
static int audit_added(struct rk_session *s, const char *label, const char *asked,
                       int combined, struct rk_error *err)
{
        char target[RK_LABEL_MAX + 16];
        int rc = rk_accounts_audit_roles(s, "keyfile.add", "keys", label, "", asked, "ok",
                                         err);
        snprintf(target, sizeof(target), "keyfile:%s", label);
        if (rc == RK_OK && combined)
                rc = rk_accounts_audit_roles(s, "account.combined_duties", "keys", target,
                                             "", asked, "ok", err);
        return rc;
}

int rk_keyfiles_add(struct rk_session *s, const char *label, const char *const *roles,
                    size_t nroles, const char *path, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        sqlite3 *db = rk_register_db(reg);
        char asked[256];
        int combined = 0;
        int rc = require_keys(s, err);
        for (size_t i = 0; rc == RK_OK && i < nroles; i++) {
                if (rk_policy_find_role(&rk_register_config(reg)->roles, roles[i]) ==
                    NULL)
                        rc = rk_error_set(err, RK_ERR_INVALID, "unknown role \"%s\"",
                                          roles[i]);
        }
        rk_policy_join_roles(roles, nroles, asked, sizeof(asked));
        if (rc == RK_OK)
                rc = check_duties(s, label, roles, nroles, asked, &combined, err);
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
                rc = audit_added(s, label, asked, combined, err);
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
