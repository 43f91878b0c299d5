/*
 * cmd_mfa.c - `rekisteri mfa enrol|confirm`: enrolling a TOTP
 * authenticator without the full-screen program, for admins setting up a
 * server over a plain shell. It serves first enrolment only (password,
 * then one valid code from the new authenticator before it counts);
 * enrolled accounts re-enrol from the Profile screen.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/qr.h"
#include "rekisteri/totp.h"

#include <sodium.h>
#include <stdio.h>
#include <time.h>

static void print_qr(const char *uri)
{
        char **lines = NULL;
        int n = 0, cols = 0;
        if (rk_qr_render(uri, false, &lines, &n, &cols, NULL) != RK_OK)
                return;
        for (int i = 0; i < n; i++)
                printf("%s\n", lines[i]);
        rk_qr_free(lines, n);
}

int cmd_mfa_enrol(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        char secret[RK_TOTP_SECRET_B32_SIZE];
        char uri[RK_TOTP_URI_MAX];
        rk_error_clear(&err);
        int rc = cli_unlock_first_login(c, &s, &err);
        if (rc == RK_OK && !(rk_session_pending_steps(s) & RK_LOGIN_ENROL))
                rc = rk_error_set(
                    &err, RK_ERR_INVALID,
                    "this account is enrolled already; re-enrol from the Profile "
                    "screen of the terminal program");
        if (rc == RK_OK)
                rc = rk_session_enrol_begin(s, secret, uri, sizeof(uri), &err);
        if (rc == RK_OK) {
                print_qr(uri);
                printf(
                    _("Secret: %s\nURI:    %s\n"
                      "Scan the code (or type the secret) into your authenticator app, "
                      "then run:\n  rekisteri mfa confirm --user %s --totp CODE\n"),
                    secret, uri, rk_session_username(s));
        }
        sodium_memzero(secret, sizeof(secret));
        sodium_memzero(uri, sizeof(uri));
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_mfa_confirm(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        if (c->totp == NULL)
                return cli_usage_error(
                    "mfa confirm needs --totp CODE from the new authenticator");
        /* The code belongs to the pending secret, not to the login. */
        const char *code = c->totp;
        c->totp = NULL;
        int rc = cli_unlock_first_login(c, &s, &err);
        if (rc == RK_OK)
                rc = rk_session_enrol_finish(s, code, (int64_t)time(NULL), &err);
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        fprintf(stderr,
                _("The authenticator is enrolled; log in with its codes from now on.\n"));
        return EXIT_OK;
}
