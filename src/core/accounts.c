/*
 * accounts.c - account administration (see accounts.h).
 *
 * An account lives in two files: its row in the encrypted database and its
 * keyslot in the slot file. Changes touch the row first and the slot
 * second, and undo the row when the slot cannot be written, so a failure
 * never leaves an account that opens without its row or vice versa.
 *
 * Separation of duties (README, "Roles"): no account changes its own roles
 * or resets its own password or authenticator through these calls (the
 * Profile screen is the way to one's own password), and no account gets
 * both a role that reads customer data and the accounts or keys action,
 * unless [accounts] combine_duties allows it. Every role change, and every
 * refused one, is audited with the roles before and after in the row's
 * fields column (role names only; never a password).
 */
#include "rekisteri/accounts.h"
#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/i18n.h"
#include "rekisteri/outcome.h"
#include "rekisteri/policy.h"
#include "rekisteri/throttle.h"
#include "sql.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 25 characters from an alphabet without look-alikes: about 120 bits. */
static void make_onetime(char *out)
{
        static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
        size_t k = 0;
        for (int g = 0; g < 5; g++) {
                for (int i = 0; i < 5; i++)
                        out[k++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
                out[k++] = g < 4 ? '-' : '\0';
        }
}

static int require_admin(struct rk_session *s, struct rk_error *err)
{
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_ACCOUNTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "managing accounts needs the admin role");
        return RK_OK;
}

/* Authorize, then load the named account into *u. */
static int begin(struct rk_session *s, const char *name, struct rk_user *u,
                 struct rk_error *err)
{
        memset(u, 0, sizeof(*u));
        int rc = require_admin(s, err);
        if (rc == RK_OK)
                rc = rk_users_get(rk_register_db(rk_session_register(s)), name, u, err);
        if (rc == RK_ERR_NOTFOUND)
                rk_error_set(err, rc, "no account named \"%s\"", name);
        return rc;
}

/* Write a keyslot for name under a fresh one-time password. */
static int set_onetime(struct rk_session *s, const char *name, char *onetime,
                       struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        const struct rk_config *cfg = rk_register_config(reg);
        struct rk_kdf_cost cost = {cfg->argon2_ops, cfg->argon2_mem_kib};
        make_onetime(onetime);
        int rc = rk_vault_set_user(rk_register_vault(reg), name, onetime, strlen(onetime),
                                   &cost, rk_register_master_key(reg), err);
        if (rc != RK_OK)
                sodium_memzero(onetime, RK_ONETIME_CHARS);
        return rc;
}

static int check_roles(struct rk_session *s, const char *const *roles, size_t n,
                       struct rk_error *err)
{
        const struct rk_roleset *set = &rk_register_config(rk_session_register(s))->roles;
        if (n == 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "an account needs at least one role");
        for (size_t i = 0; i < n; i++) {
                if (rk_policy_find_role(set, roles[i]) == NULL)
                        return rk_error_set(err, RK_ERR_INVALID, "unknown role \"%s\"",
                                            roles[i]);
        }
        return RK_OK;
}

/* Refuse an admin path aimed at the caller's own account; with action,
 * the refusal is audited ("denied", target the account). */
static int not_self(struct rk_session *s, const char *name, const char *what,
                    const char *action, struct rk_error *err)
{
        if (strcmp(name, rk_session_username(s)) != 0)
                return RK_OK;
        int rc = action != NULL
                     ? rk_session_audit(s, action, 0, "", "accounts", "denied", name, err)
                     : RK_OK;
        if (rc != RK_OK)
                return rc;
        /* what: the whole refusal, marked N_() by the caller */
        return rk_error_set(err, RK_ERR_DENIED, "%s", _(what));
}

/* An account row's roles as "a,b". */
static void user_roles(const struct rk_user *u, char *out, size_t size)
{
        const char *roles[RK_ROLES_MAX];
        for (size_t i = 0; i < u->nroles; i++)
                roles[i] = u->roles[i];
        rk_policy_join_roles(roles, u->nroles, out, size);
}

/* One audit row about roles: in its own transaction, or (in_tx) in the
 * caller's, so that it commits or rolls back with the change it records. */
static int roles_row(struct rk_session *s, const char *action, const char *screen,
                     const char *name, const char *before, const char *after,
                     const char *result, bool in_tx, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        char fields[256];
        snprintf(fields, sizeof(fields), "roles before=%s after=%s", before, after);
        struct rk_audit_event ev = {.action = action,
                                    .groups = "",
                                    .fields = fields,
                                    .screen = screen,
                                    .result = result,
                                    .target = name};
        return (in_tx ? rk_audit_append : rk_audit_record)(
            rk_register_db(reg), rk_session_actor(s), &ev, rk_clock_now(),
            rk_register_config(reg)->audit_epoch_rows, err);
}

int rk_accounts_audit_roles(struct rk_session *s, const char *action, const char *screen,
                            const char *name, const char *before, const char *after,
                            const char *result, struct rk_error *err)
{
        return roles_row(s, action, screen, name, before, after, result, false, err);
}

/*
 * Separation of duties for roles[0..n) about to be given to name: refused
 * (RK_ERR_DENIED, audited as denied) when they read customer data and
 * manage accounts or keys, unless [accounts] combine_duties is 1; then
 * *combined is set and the caller audits its use.
 */
static int check_duties(struct rk_session *s, const char *action, const char *name,
                        const char *before, const char *const *roles, size_t n,
                        int *combined, struct rk_error *err)
{
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        struct rk_grants g;
        char after[256];
        *combined = 0;
        rk_policy_grants(&cfg->roles, roles, n, &g);
        if (!rk_policy_mixes_duties(&g))
                return RK_OK;
        if (cfg->combine_duties) {
                *combined = 1;
                return RK_OK;
        }
        rk_policy_join_roles(roles, n, after, sizeof(after));
        int rc = rk_accounts_audit_roles(s, action, "accounts", name, before, after,
                                         "denied", err);
        if (rc != RK_OK)
                return rc;
        return rk_error_set(err, RK_ERR_DENIED,
                            "separation of duties: one account cannot both read customer "
                            "data and manage accounts or keys (roles %s); a one-person "
                            "company may allow it with [accounts] combine_duties = 1",
                            after);
}

/* Audit a role change that happened: its row and, when the combination
 * of duties was allowed, a second row saying so; in the caller's
 * transaction when in_tx. */
static int audit_role_change(struct rk_session *s, const char *action, const char *name,
                             const char *before, const char *const *roles, size_t n,
                             int combined, bool in_tx, struct rk_error *err)
{
        char after[256];
        rk_policy_join_roles(roles, n, after, sizeof(after));
        int rc = roles_row(s, action, "accounts", name, before, after, "ok", in_tx, err);
        if (rc == RK_OK && combined)
                rc = roles_row(s, "account.combined_duties", "accounts", name, before,
                               after, "ok", in_tx, err);
        return rc;
}

/* Record a successful change in the audit trail (the target is the account,
 * never a password); a failure is returned as it is. */
static int audited(struct rk_session *s, const char *action, const char *name, int rc,
                   struct rk_error *err)
{
        if (rc != RK_OK)
                return rc;
        return rk_session_audit(s, action, 0, "", "accounts", "ok", name, err);
}

/* The "ok" row of an account change, in the caller's transaction. */
static int audit_in_tx(struct rk_session *s, const char *action, const char *name,
                       struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        struct rk_audit_event ev = {.action = action,
                                    .groups = "",
                                    .screen = "accounts",
                                    .result = "ok",
                                    .target = name};
        return rk_audit_append(rk_register_db(reg), rk_session_actor(s), &ev,
                               rk_clock_now(), rk_register_config(reg)->audit_epoch_rows,
                               err);
}

/*
 * The end of an account change that spans the register and the slot file:
 * the register's transaction (the account's row and its audit rows) is
 * committed last, after the slot file was written, or rolled back. A
 * failure is recorded as failed. When the commit fails after the slot was
 * written: a new account's slot is removed again; a removed slot cannot be
 * put back (its password is not at hand), so the message says that the
 * account can no longer log in.
 */
static int finish_change(struct rk_session *s, const char *action, const char *name,
                         int rc, bool slot_written, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        sqlite3 *db = rk_register_db(reg);
        bool adding = strcmp(action, "account.add") == 0;
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, action, err);
        if (rc == RK_OK)
                return RK_OK;
        rk_sql_rollback(db);
        char cause[sizeof(err->msg)];
        snprintf(cause, sizeof(cause), "%s", err != NULL ? err->msg : "");
        if (slot_written && adding &&
            rk_vault_remove_user(rk_register_vault(reg), name, NULL) != RK_OK)
                rk_error_set(
                    err, rc,
                    _("the account \"%s\" was not created, but its keyslot "
                      "could not be removed from the slot file (it opens nothing "
                      "without the account; adding the account again replaces "
                      "it): %s"),
                    name, cause);
        else if (slot_written && !adding)
                rk_error_set(err, rc,
                             _("the keyslot of \"%s\" was removed, so the account can no "
                               "longer log in, but the register could not record it as "
                               "disabled (disable it again to record it): %s"),
                             name, cause);
        return rk_outcome_audit(s, action, 0, name, rc, err);
}

int rk_accounts_add(struct rk_session *s, const char *name, const char *const *roles,
                    size_t nroles, char *onetime, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        int64_t id = 0;
        int combined = 0;
        bool began = false, slot = false;
        int rc = require_admin(s, err);
        if (rc == RK_OK)
                rc = check_roles(s, roles, nroles, err);
        if (rc == RK_OK)
                rc = check_duties(s, "account.add", name, "", roles, nroles, &combined,
                                  err);
        if (rc == RK_OK)
                rc = rk_users_check_name(name, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_sql_begin_as(db, "adding the account", err);
        began = rc == RK_OK;
        if (rc == RK_OK)
                rc = rk_users_create_in(db, name, roles[0], 1, &id, err);
        if (rc == RK_OK)
                rc = rk_users_set_roles_in(db, id, roles, nroles, err);
        if (rc == RK_OK)
                rc = audit_role_change(s, "account.add", name, "", roles, nroles,
                                       combined, true, err);
        if (rc == RK_OK) {
                rc = set_onetime(s, name, onetime, err);
                slot = rc == RK_OK;
        }
        if (!began)
                return rk_outcome_audit(s, "account.add", 0, name, rc, err);
        rc = finish_change(s, "account.add", name, rc, slot, err);
        if (rc != RK_OK)
                sodium_memzero(onetime, RK_ONETIME_CHARS);
        return rc;
}

int rk_accounts_list(struct rk_session *s, struct rk_user **out, size_t *n,
                     struct rk_error *err)
{
        int rc = require_admin(s, err);
        if (rc != RK_OK)
                return rc;
        return rk_users_list(rk_register_db(rk_session_register(s)), out, n, err);
}

/* RK_ERR_INVALID when name is the last enabled admin; a failed read is
 * its own error, never taken for "no other admin". */
static int keeps_an_admin(sqlite3 *db, const char *name, struct rk_error *err)
{
        sqlite3_stmt *st;
        const char *what = N_("counting the admins");
        bool row = false;
        int rc =
            rk_sql_prepare(db,
                           "SELECT count(*) FROM users u JOIN user_roles r ON "
                           "r.user_id=u.id WHERE r.role='admin' AND u.disabled=0 AND "
                           "u.username<>?",
                           &st, what, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = rk_sql_row(st, &row, what, err);
        if (rc == RK_OK && (!row || sqlite3_column_int(st, 0) == 0))
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "\"%s\" is the last enabled admin; add another first",
                                  name);
        sqlite3_finalize(st);
        return rc;
}

int rk_accounts_disable(struct rk_session *s, const char *name, struct rk_error *err)
{
        struct rk_user u;
        struct rk_register *reg = rk_session_register(s);
        int rc = begin(s, name, &u, err);
        if (rc != RK_OK)
                return rc;
        if (strcmp(name, rk_session_username(s)) == 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "you cannot disable your own account");
        rc = keeps_an_admin(rk_register_db(reg), name, err);
        if (rc != RK_OK)
                return rc;
        /* the row and its audit row in one transaction, committed after
         * the slot is gone: a failure before leaves everything as it was */
        rc = rk_sql_begin_as(rk_register_db(reg), "disabling the account", err);
        if (rc != RK_OK)
                return rk_outcome_audit(s, "account.disable", 0, name, rc, err);
        rc = rk_users_set_flag(rk_register_db(reg), u.id, "disabled", 1, err);
        if (rc == RK_OK)
                rc = audit_in_tx(s, "account.disable", name, err);
        bool removed = false;
        if (rc == RK_OK) {
                rc = rk_vault_remove_user(rk_register_vault(reg), name, err);
                removed = rc == RK_OK;
                if (rc == RK_ERR_NOTFOUND)
                        rc = RK_OK; /* no slot: already unable to log in */
        }
        return finish_change(s, "account.disable", name, rc, removed, err);
}

int rk_accounts_enable(struct rk_session *s, const char *name, char *onetime,
                       struct rk_error *err)
{
        struct rk_user u;
        sqlite3 *db = rk_register_db(rk_session_register(s));
        int rc = begin(s, name, &u, err);
        if (rc == RK_OK && !u.disabled)
                rc = rk_error_set(err, RK_ERR_INVALID, "\"%s\" is not disabled", name);
        if (rc == RK_OK)
                rc = rk_users_set_flag(db, u.id, "must_change_password", 1, err);
        if (rc == RK_OK)
                rc = set_onetime(s, name, onetime, err);
        if (rc == RK_OK)
                rc = rk_users_set_flag(db, u.id, "disabled", 0, err);
        rk_users_wipe(&u);
        return audited(s, "account.enable", name, rc, err);
}

int rk_accounts_unlock(struct rk_session *s, const char *name, struct rk_error *err)
{
        struct rk_user u;
        int rc = begin(s, name, &u, err);
        rk_users_wipe(&u);
        if (rc == RK_OK)
                rc = rk_throttle_unlock(rk_register_vault(rk_session_register(s)), name,
                                        err);
        return audited(s, "account.unlock", name, rc, err);
}

int rk_accounts_is_locked(struct rk_session *s, const char *name)
{
        return rk_throttle_is_locked(rk_register_vault(rk_session_register(s)), name);
}

int rk_accounts_reset_password(struct rk_session *s, const char *name, char *onetime,
                               struct rk_error *err)
{
        struct rk_user u;
        int rc = begin(s, name, &u, err);
        if (rc == RK_OK)
                rc = not_self(s, name,
                              N_("you cannot reset the password of your own account: "
                                 "separation of duties; another admin must do it"),
                              "account.reset_password", err);
        if (rc == RK_OK && u.disabled)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "\"%s\" is disabled; enable it instead", name);
        if (rc == RK_OK)
                rc = rk_users_set_flag(rk_register_db(rk_session_register(s)), u.id,
                                       "must_change_password", 1, err);
        if (rc == RK_OK)
                rc = set_onetime(s, name, onetime, err);
        rk_users_wipe(&u);
        return audited(s, "account.reset_password", name, rc, err);
}

int rk_accounts_reset_mfa(struct rk_session *s, const char *name, struct rk_error *err)
{
        struct rk_user u;
        int rc = begin(s, name, &u, err);
        if (rc == RK_OK)
                rc =
                    not_self(s, name,
                             N_("you cannot reset the authenticator of your own account: "
                                "separation of duties; another admin must do it"),
                             "account.reset_mfa", err);
        if (rc == RK_OK)
                rc = rk_users_clear_totp(rk_register_db(rk_session_register(s)), u.id,
                                         err);
        rk_users_wipe(&u);
        return audited(s, "account.reset_mfa", name, rc, err);
}

int rk_accounts_set_roles(struct rk_session *s, const char *name,
                          const char *const *roles, size_t nroles, struct rk_error *err)
{
        struct rk_user u;
        sqlite3 *db = rk_register_db(rk_session_register(s));
        char before[256] = "", after[256];
        int combined = 0;
        int rc = begin(s, name, &u, err);
        rk_users_wipe(&u);
        if (rc == RK_OK)
                rc = check_roles(s, roles, nroles, err);
        if (rc != RK_OK)
                return rc;
        user_roles(&u, before, sizeof(before));
        rk_policy_join_roles(roles, nroles, after, sizeof(after));
        if (strcmp(name, rk_session_username(s)) == 0) {
                struct rk_error aerr;
                rc = rk_accounts_audit_roles(s, "account.set_roles", "accounts", name,
                                             before, after, "denied", &aerr);
                if (rc != RK_OK)
                        return rk_error_set(err, rc, "%s", aerr.msg);
                return not_self(s, name,
                                N_("you cannot change the roles of your own account: "
                                   "separation of duties; another admin must do it"),
                                NULL, err);
        }
        rc = check_duties(s, "account.set_roles", name, before, roles, nroles, &combined,
                          err);
        int keeps_admin = 0;
        for (size_t i = 0; i < nroles; i++)
                keeps_admin |= strcmp(roles[i], "admin") == 0;
        if (rc == RK_OK && !keeps_admin)
                rc = keeps_an_admin(db, name, err);
        if (rc != RK_OK)
                return rc;
        /* the roles and their audit rows commit together or not at all */
        rc = rk_sql_begin_as(db, "changing the account's roles", err);
        if (rc != RK_OK)
                return rk_outcome_audit(s, "account.set_roles", 0, name, rc, err);
        rc = rk_users_set_roles_in(db, u.id, roles, nroles, err);
        if (rc == RK_OK)
                rc = audit_role_change(s, "account.set_roles", name, before, roles,
                                       nroles, combined, true, err);
        return finish_change(s, "account.set_roles", name, rc, false, err);
}

int rk_accounts_recent_changes(struct rk_session *s, int days, size_t limit,
                               struct rk_audit_row **rows, size_t *n,
                               struct rk_error *err)
{
        *rows = NULL;
        *n = 0;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_AUDIT))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "account changes are for the audit role");
        char from[RK_DATE_TEXT];
        rk_date_of(rk_clock_now() - (int64_t)days * 86400, from);
        struct rk_audit_filter f = {.action = "account.", .from = from};
        return rk_audit_list(rk_register_db(rk_session_register(s)), &f, limit, rows, n,
                             err);
}
