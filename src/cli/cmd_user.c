/*
 * cmd_user.c - `rekisteri user ...`: account administration from the
 * command line, over the same core calls as the Accounts screen.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show_onetime(const char *name, const char *onetime)
{
        printf(
            _("One-time password for %s (shown once; the user must change it at the next "
              "login):\n    %s\n"),
            name, onetime);
}

/* The shape every account command shares: unlock, act, report. */
typedef int (*account_op)(struct cli *c, struct rk_session *s, char *onetime,
                          struct rk_error *err);

static int run_account_op(struct cli *c, account_op op, const char *done)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        char onetime[RK_ONETIME_CHARS] = "";
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK)
                rc = op(c, s, onetime, &err);
        /* a removed or replaced keyslot makes a rotation due: now is safe */
        if (rc == RK_OK)
                cli_rotate_if_due(s);
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        if (onetime[0] != '\0')
                show_onetime(c->words[0], onetime);
        if (done != NULL)
                fprintf(stderr, "%s: %s\n", cli_safe(c->words[0]), _(done));
        sodium_memzero(onetime, sizeof(onetime));
        return EXIT_OK;
}

static int op_add(struct cli *c, struct rk_session *s, char *onetime,
                  struct rk_error *err)
{
        char buf[512];
        const char *roles[RK_ROLES_MAX];
        size_t n = rk_policy_split_roles(c->roles, buf, sizeof(buf), roles);
        return rk_accounts_add(s, c->words[0], roles, n, onetime, err);
}

static int op_set_roles(struct cli *c, struct rk_session *s, char *onetime,
                        struct rk_error *err)
{
        char buf[512];
        const char *roles[RK_ROLES_MAX];
        size_t n = rk_policy_split_roles(c->roles, buf, sizeof(buf), roles);
        return rk_accounts_set_roles(s, c->words[0], roles, n, err);
}

static int op_disable(struct cli *c, struct rk_session *s, char *onetime,
                      struct rk_error *err)
{
        return rk_accounts_disable(s, c->words[0], err);
}

static int op_enable(struct cli *c, struct rk_session *s, char *onetime,
                     struct rk_error *err)
{
        return rk_accounts_enable(s, c->words[0], onetime, err);
}

static int op_unlock(struct cli *c, struct rk_session *s, char *onetime,
                     struct rk_error *err)
{
        return rk_accounts_unlock(s, c->words[0], err);
}

static int op_reset_password(struct cli *c, struct rk_session *s, char *onetime,
                             struct rk_error *err)
{
        return rk_accounts_reset_password(s, c->words[0], onetime, err);
}

static int op_reset_mfa(struct cli *c, struct rk_session *s, char *onetime,
                        struct rk_error *err)
{
        return rk_accounts_reset_mfa(s, c->words[0], err);
}

int cmd_user_add(struct cli *c)
{
        if (c->roles == NULL)
                return cli_usage_error("user add needs --roles ROLE[,ROLE]");
        return run_account_op(c, op_add, NULL);
}

int cmd_user_set_roles(struct cli *c)
{
        if (c->roles == NULL)
                return cli_usage_error("user set-roles needs --roles ROLE[,ROLE]");
        return run_account_op(c, op_set_roles, N_("roles replaced"));
}

int cmd_user_disable(struct cli *c)
{
        return run_account_op(c, op_disable,
                              N_("disabled; its password no longer opens the register"));
}

int cmd_user_enable(struct cli *c)
{
        return run_account_op(c, op_enable, NULL);
}

int cmd_user_unlock(struct cli *c)
{
        return run_account_op(c, op_unlock, N_("unlocked"));
}

int cmd_user_reset_password(struct cli *c)
{
        return run_account_op(c, op_reset_password, NULL);
}

int cmd_user_reset_mfa(struct cli *c)
{
        return run_account_op(c, op_reset_mfa,
                              N_("will enrol a new second factor at the next login"));
}

int cmd_user_list(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_user *users = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK)
                rc = rk_accounts_list(s, &users, &n, &err);
        if (rc == RK_OK) {
                cli_print_cell(_("USER"), 20, false, " ");
                cli_print_cell(_("ROLES"), 28, false, " ");
                cli_print_cell(_("STATE"), 0, false, "\n");
                for (size_t i = 0; i < n; i++) {
                        char roles[256] = "";
                        for (size_t r = 0; r < users[i].nroles; r++) {
                                strncat(roles, r ? "," : "",
                                        sizeof(roles) - strlen(roles) - 1);
                                strncat(roles, users[i].roles[r],
                                        sizeof(roles) - strlen(roles) - 1);
                        }
                        int locked = rk_accounts_is_locked(s, users[i].name) == 1;
                        printf("%-20s %-28s %s%s%s%s\n", cli_safe(users[i].name),
                               cli_safe(roles),
                               users[i].disabled ? _("disabled") : _("enabled"),
                               locked ? _(", locked") : "",
                               users[i].must_change_password ? _(", must change password")
                                                             : "",
                               !users[i].totp_enrolled && !users[i].disabled
                                   ? _(", not enrolled")
                                   : "");
                }
        }
        free(users);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
