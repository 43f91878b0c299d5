/*
 * accounts.h - account administration, for sessions granted the
 * "accounts" action (the admin role). The TUI's Accounts screen and the
 * `rekisteri user ...` subcommands both call these.
 *
 * Admins never choose a password: adding, enabling and resetting an
 * account each generate a one-time password, shown once, that the user
 * must replace at the next login. Disabling an account removes its keyslot,
 * so the password stops opening the register at all; the account's running
 * sessions end at their next action (rk_session_check).
 */
#ifndef REKISTERI_ACCOUNTS_H
#define REKISTERI_ACCOUNTS_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"
#include "rekisteri/users.h"

#define RK_ONETIME_CHARS 30 /* "xxxxx-xxxxx-xxxxx-xxxxx-xxxxx" + NUL */

/* Every call returns RK_ERR_DENIED unless the session may manage accounts,
 * RK_ERR_NOTFOUND for an unknown account, RK_ERR_INVALID for bad input. */

/* rk_accounts_add - create name with roles; onetime gets its first password. */
int rk_accounts_add(struct rk_session *s, const char *name, const char *const *roles,
                    size_t nroles, char *onetime, struct rk_error *err);

/* rk_accounts_list - every account (secrets empty); the caller frees *out. */
int rk_accounts_list(struct rk_session *s, struct rk_user **out, size_t *n,
                     struct rk_error *err);

/* rk_accounts_disable - disable name and remove its keyslot. Refuses to
 * disable the caller's own account or the last enabled admin. */
int rk_accounts_disable(struct rk_session *s, const char *name, struct rk_error *err);

/* rk_accounts_enable - enable name again with a new one-time password. */
int rk_accounts_enable(struct rk_session *s, const char *name, char *onetime,
                       struct rk_error *err);

/* rk_accounts_unlock - lift a lockout after too many failed logins. */
int rk_accounts_unlock(struct rk_session *s, const char *name, struct rk_error *err);

/* rk_accounts_reset_password - a new one-time password for name. */
int rk_accounts_reset_password(struct rk_session *s, const char *name, char *onetime,
                               struct rk_error *err);

/* rk_accounts_reset_mfa - forget name's second factor; the user enrols
 * again at the next login. */
int rk_accounts_reset_mfa(struct rk_session *s, const char *name, struct rk_error *err);

/* rk_accounts_set_roles - replace name's roles (at least one). */
int rk_accounts_set_roles(struct rk_session *s, const char *name,
                          const char *const *roles, size_t nroles, struct rk_error *err);

/*
 * rk_accounts_recent_changes - for the supervisor's dashboard: the audit
 * rows of account administration ("account." actions: additions, role
 * changes with the roles before and after, refusals, resets, uses of
 * [accounts] combine_duties) of the last `days` days, newest first, at
 * most limit, into a malloc'd *rows the caller frees. Needs the "audit"
 * action (RK_ERR_DENIED); the accounts action is not enough, so an admin
 * cannot read who watched the admins.
 */
int rk_accounts_recent_changes(struct rk_session *s, int days, size_t limit,
                               struct rk_audit_row **rows, size_t *n,
                               struct rk_error *err);

/* rk_accounts_is_locked - 1 when name is locked out, 0 not, <0 error. */
int rk_accounts_is_locked(struct rk_session *s, const char *name);

#endif
