/*
 * unlock.c - opening a session for a subcommand, from the options:
 * --keyfile FILE, or --user NAME with a password from stdin or the
 * terminal and --totp CODE.
 */
#include "cli.h"
#include "rekisteri/restore_note.h"
#include "rekisteri/i18n.h"
#include "rekisteri/rotation.h"
#include "rekisteri/secret.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int unlock_keyfile(struct cli *c, struct rk_session **s, struct rk_error *err)
{
        struct rk_register *reg = NULL;
        char source[RK_SOURCE_MAX];
        rk_session_source(source, sizeof(source));
        int rc = rk_register_unlock_keyfile(&c->cfg, c->db_path, c->keyfile, &reg, err);
        if (rc == RK_OK)
                rc = rk_session_from_register(reg, source, s, err);
        if (rc != RK_OK)
                rk_register_close(reg);
        return rc;
}

static int unlock_user(struct cli *c, int allowed_steps, struct rk_session **s,
                       struct rk_error *err)
{
        char source[RK_SOURCE_MAX];
        char *pw = NULL;
        size_t len = 0;
        int steps = 0;
        long long wait = 0;
        rk_session_source(source, sizeof(source));
        int rc = cli_read_secret(c->password_stdin, _("Password: "), &pw, &len, err);
        if (rc == RK_OK)
                rc = rk_session_login(&c->cfg, c->db_path, c->user, pw, len,
                                      c->totp ? c->totp : "", source, (int64_t)time(NULL),
                                      s, &steps, &wait, err);
        rk_secret_free(pw);
        if (rc == RK_OK && (steps & ~allowed_steps) != 0) {
                rk_session_close(*s);
                *s = NULL;
                rc =
                    (steps & RK_LOGIN_ENROL)
                        ? rk_error_set(err, RK_ERR_DENIED,
                                       "this account must first enrol its second factor "
                                       "in the terminal program (run rekisteri without a "
                                       "command)")
                        : rk_error_set(err, RK_ERR_DENIED,
                                       "this account must first change its password in "
                                       "the terminal program (run rekisteri without a "
                                       "command)");
        }
        return rc;
}

static int unlock(struct cli *c, int allowed_steps, struct rk_session **s,
                  struct rk_error *err)
{
        *s = NULL;
        /* which way to unlock is the command line's to say (exit 2) */
        if (c->keyfile != NULL && c->user != NULL) {
                rk_error_set(err, RK_ERR_INVALID, "give either --keyfile or --user");
                return cli_usage_mark(err, NULL);
        }
        if (c->keyfile != NULL)
                return unlock_keyfile(c, s, err);
        if (c->user == NULL) {
                rk_error_set(err, RK_ERR_INVALID,
                             "this command needs --user NAME (with --password-stdin "
                             "and --totp CODE) or --keyfile FILE");
                return cli_usage_mark(err, NULL);
        }
        return unlock_user(c, allowed_steps, s, err);
}

int cli_unlock_recovery(struct cli *c, struct rk_session **s, struct rk_error *err)
{
        struct rk_register *reg = NULL;
        char source[RK_SOURCE_MAX];
        char *recovery = NULL;
        size_t len = 0;
        *s = NULL;
        rk_session_source(source, sizeof(source));
        int rc =
            cli_read_secret(c->password_stdin, _("Recovery key: "), &recovery, &len, err);
        if (rc == RK_OK)
                rc =
                    rk_register_unlock_recovery(&c->cfg, c->db_path, recovery, &reg, err);
        if (rc == RK_OK)
                rc = rk_session_from_register(reg, source, s, err);
        if (rc != RK_OK)
                rk_register_close(reg);
        rk_secret_free(recovery);
        return rc;
}

void cli_rotate_if_due(struct rk_session *s)
{
        struct rk_error err;
        char why[128] = "";
        int rotated = 0;
        rk_error_clear(&err);
        rk_rotation_due(s, why, sizeof(why));
        if (rk_rotation_if_due(s, &rotated, &err) != RK_OK)
                fprintf(stderr,
                        _("rekisteri: a key rotation is due (%s) but failed: %s\n"), why,
                        err.msg);
        else if (rotated)
                fprintf(stderr,
                        _("A key rotation was due (%s): the master key and the database "
                          "key were replaced.\n"),
                        why);
        else if (rk_rotation_due(s, NULL, 0) == 1)
                fprintf(stderr,
                        _("A key rotation is due (%s); it runs when no one else is "
                          "logged in (the next admin command or the nightly job).\n"),
                        why);
}

int cli_unlock(struct cli *c, struct rk_session **s, struct rk_error *err)
{
        int rc = unlock(c, RK_LOGIN_READY, s, err);
        struct rk_error note_err;
        rk_error_clear(&note_err);
        /* failed restores into this path go into its trail (restore_note.h);
         * a failure to copy them leaves them for the next opening */
        if (rc == RK_OK && rk_restore_note_record(*s, c->db_path, &note_err) != RK_OK)
                fprintf(stderr, "rekisteri: %s\n", note_err.msg);
        /* an admin command is a safe moment for a due rotation */
        if (rc == RK_OK && rk_authorize_action(rk_session_grants(*s), RK_ACTION_KEYS) &&
            rk_rotation_due(*s, NULL, 0) == 1)
                cli_rotate_if_due(*s);
        return rc;
}

int cli_unlock_first_login(struct cli *c, struct rk_session **s, struct rk_error *err)
{
        return unlock(c, RK_LOGIN_ENROL, s, err);
}

int cli_require(struct rk_session *s, enum rk_action action, struct rk_error *err)
{
        if (rk_authorize_action(rk_session_grants(s), action))
                return RK_OK;
        return rk_error_set(err, RK_ERR_DENIED,
                            "this needs a role with the \"%s\" permission",
                            rk_policy_action_name(action));
}

int cli_with_session(struct cli *c, const char *place,
                     int (*fn)(struct cli *c, struct rk_session *s, struct rk_error *err))
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, place);
                rc = fn(c, s, &err);
        }
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
