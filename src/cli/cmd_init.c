/*
 * cmd_init.c - `rekisteri init`: create a register and its first admin,
 * and show the recovery key and the audit key once.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit.h"
#include "rekisteri/password.h"
#include "rekisteri/secret.h"
#include "rekisteri/vault.h"

#include <sodium.h>
#include <stdio.h>

/* Ask twice on a terminal; read once from stdin in scripts. */
static int read_new_password(struct cli *c, char **pw, size_t *len, struct rk_error *err)
{
        int rc = cli_read_secret(c->password_stdin, _("New password for the admin: "), pw,
                                 len, err);
        if (rc != RK_OK || c->password_stdin)
                return rc;
        char *again = NULL;
        size_t again_len = 0;
        rc = cli_read_secret(false, _("The same password again: "), &again, &again_len,
                             err);
        if (rc == RK_OK && (again_len != *len || sodium_memcmp(again, *pw, *len) != 0))
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "the passwords differ; nothing was created");
        rk_secret_free(again);
        if (rc != RK_OK) {
                rk_secret_free(*pw);
                *pw = NULL;
        }
        return rc;
}

/* The admin's own password meets the policy every password change does
 * (length, blocklist, company name), before anything is created. */
static int check_policy(const struct cli *c, const char *pw, size_t len,
                        struct rk_error *err)
{
        struct rk_password_policy *policy = NULL;
        int rc = rk_password_policy_for(&c->cfg, &policy, err);
        if (rc == RK_OK)
                rc = rk_password_check(policy, pw, len, err);
        rk_password_policy_free(policy);
        return rc;
}

void cli_show_keys(const char *db_path, const char *admin, const char *recovery,
                   const char *audit_key)
{
        printf(
            _("Created the register %s with the admin account \"%s\".\n\n"
              "RECOVERY KEY - shown only this once. Keep it offline (printed, in a "
              "safe):\n\n"
              "    %s\n\n"
              "It unlocks the register when every password is lost, and it alone can\n"
              "reveal the raw database key (rekisteri key dump-raw).\n\n"
              "AUDIT KEY - shown only this once. Give it to the data protection officer\n"
              "to keep offline, apart from the recovery key:\n\n"
              "    %s\n\n"
              "With it, 'rekisteri audit verify --key-file FILE' (or --key-stdin) "
              "proves\n"
              "that no audit entry was forged, rewritten or cut off, even by someone "
              "who\n"
              "had the database key. Never type it on a command line.\n"),
            db_path, admin, recovery, audit_key);
}

int cmd_init(struct cli *c)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (c->admin == NULL)
                return cli_usage_error("init needs --admin NAME");
        char *pw = NULL;
        size_t len = 0;
        char *recovery = rk_secret_alloc(RK_RECOVERY_KEY_CHARS);
        char *audit_key = rk_secret_alloc(RK_AUDIT_KEY_TEXT);
        struct rk_register *reg = NULL;
        int rc = recovery && audit_key
                     ? RK_OK
                     : rk_error_set(&err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK)
                rc = read_new_password(c, &pw, &len, &err);
        if (rc == RK_OK)
                rc = check_policy(c, pw, len, &err);
        if (rc == RK_OK)
                rc = rk_register_create(&c->cfg, c->db_path, c->admin, pw, len, recovery,
                                        audit_key, &reg, &err);
        if (rc == RK_OK)
                cli_show_keys(c->db_path, c->admin, recovery, audit_key);
        rk_register_close(reg);
        rk_secret_free(pw);
        rk_secret_free(recovery);
        rk_secret_free(audit_key);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
