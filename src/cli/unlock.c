/*
 * unlock.c - opening the register for a subcommand, from the options:
 * --keyfile FILE, or --user NAME with a password from stdin or the
 * terminal.
 */
#include "cli.h"
#include "rekisteri/secret.h"

int cli_unlock(struct cli *c, struct rk_register **reg, struct rk_error *err)
{
        if (c->keyfile != NULL && c->user != NULL)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "give either --keyfile or --user");
        if (c->keyfile != NULL)
                return rk_register_unlock_keyfile(&c->cfg, c->db_path, c->keyfile, reg,
                                                  err);
        if (c->user == NULL)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "this command needs --user NAME (with --password-stdin) "
                    "or --keyfile FILE");
        char *pw = NULL;
        size_t len = 0;
        int rc = cli_read_secret(c->password_stdin, "Password: ", &pw, &len, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_register_unlock_user(&c->cfg, c->db_path, c->user, pw, len, reg, err);
        rk_secret_free(pw);
        return rc;
}
