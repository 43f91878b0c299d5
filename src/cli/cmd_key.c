/*
 * cmd_key.c - `rekisteri key ...`: keyslots and the database key.
 *
 * Managing keys needs an admin account. The raw key is given only against
 * the recovery key (the model is cryptsetup luksDump --dump-volume-key),
 * which also makes a key file without a data role (an admin's way back)
 * and a new server key.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/keyfiles.h"
#include "rekisteri/rotation.h"
#include "rekisteri/secret.h"
#include "rekisteri/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Open a session that may manage keys: an admin account, not a key file. */
static int unlock_admin(struct cli *c, struct rk_session **s, struct rk_error *err)
{
        int rc = cli_unlock(c, s, err);
        if (rc == RK_OK)
                rc = cli_require(*s, RK_ACTION_KEYS, err);
        if (rc != RK_OK) {
                rk_session_close(*s);
                *s = NULL;
        }
        return rc;
}

int cmd_key_rotate(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        int rc = unlock_admin(c, &s, &err);
        if (rc == RK_OK)
                rc = rk_rotation_run(s, "by hand", &err);

        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        fprintf(stderr,
                _("The master key and the database key were replaced; every remaining "
                  "keyslot still opens the register, removed ones open nothing.\n"));
        return EXIT_OK;
}

static int add_keyfile(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        char buf[512];
        const char *roles[RK_ROLES_MAX];
        size_t n = rk_policy_split_roles(c->roles, buf, sizeof(buf), roles);
        return rk_keyfiles_add(s, c->label, roles, n, c->out, err);
}

int cmd_key_add_file(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        if (c->label == NULL || c->out == NULL)
                return cli_usage_error("key add-file needs --label NAME and --out FILE");
        /* with neither --user nor --keyfile: the recovery key, the way back
         * to an admin key file when every password is lost (README, How the
         * keys work); the duties rule still refuses it a data role */
        int rc = c->keyfile == NULL && c->user == NULL ? cli_unlock_recovery(c, &s, &err)
                                                       : unlock_admin(c, &s, &err);
        if (rc == RK_OK)
                rc = add_keyfile(c, s, &err);
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        fprintf(stderr, _("Wrote the key file %s (mode 0600) for \"%s\"; roles: %s.\n"),
                c->out, c->label,
                c->roles ? c->roles : _("none (it can only run check)"));
        return EXIT_OK;
}

int cmd_key_remove_file(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        if (c->label == NULL)
                return cli_usage_error("key remove-file needs --label NAME");
        int rc = unlock_admin(c, &s, &err);
        if (rc == RK_OK)
                rc = rk_keyfiles_remove(s, c->label, &err);
        if (rc == RK_OK)
                cli_rotate_if_due(s);
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        fprintf(stderr,
                _("Removed the keyslot of \"%s\"; its key file no longer opens the "
                  "register.\n"),
                c->label);
        return EXIT_OK;
}

static const char *kind_text(enum rk_slot_kind kind)
{
        return kind == RK_SLOT_USER       ? _("user")
               : kind == RK_SLOT_RECOVERY ? _("recovery")
                                          : _("keyfile");
}

int cmd_key_list(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_slot_info *slots = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        int rc = unlock_admin(c, &s, &err);
        if (rc == RK_OK)
                rc = rk_vault_list(rk_register_vault(rk_session_register(s)), &slots, &n,
                                   &err);
        if (rc == RK_OK) {
                cli_print_cell(_("KIND"), 9, false, " ");
                cli_print_cell(_("CREATED (UTC)"), 20, false, " ");
                cli_print_cell(_("LABEL"), 0, false, "\n");
                for (size_t i = 0; i < n; i++) {
                        char when[32];
                        time_t t = (time_t)slots[i].created_at;
                        strftime(when, sizeof(when), "%Y-%m-%d %H:%M", gmtime(&t));
                        cli_print_cell(kind_text(slots[i].kind), 9, false, " ");
                        printf("%-20s %s\n", when,
                               slots[i].kind == RK_SLOT_KEYFILE ? cli_safe(slots[i].label)
                               : slots[i].kind == RK_SLOT_USER
                                   ? _("(account, name hashed)")
                                   : "-");
                }
        }
        free(slots);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_key_dump(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        char *raw = rk_secret_alloc(RK_RAW_KEY_TEXT);
        rk_error_clear(&err);
        int rc = raw ? RK_OK : rk_error_set(&err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK)
                rc = cli_unlock_recovery(c, &s, &err);
        /* recorded before the key is shown: no record, no key */
        if (rc == RK_OK)
                rc = rk_session_audit(s, "key.dump_raw", 0, "", "cli", "ok", NULL, &err);
        if (rc == RK_OK)
                rc = rk_register_raw_key(rk_session_register(s), raw, &err);
        if (rc == RK_OK) {
                fprintf(stderr,
                        _("WARNING: this is the raw database key. Anyone with it and the "
                          "file\n"
                          "can read every record. Open the register with:\n"
                          "  sqlcipher %s\n"
                          "  sqlite> PRAGMA key = \"<the key below>\";\n"
                          "  sqlite> PRAGMA cipher_page_size = 4096;\n"),
                        c->db_path);
                printf("%s\n", raw);
        }
        rk_session_close(s);
        rk_secret_free(raw);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_key_new_server_key(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        int rc = c->keyfile != NULL ? unlock_admin(c, &s, &err)
                                    : cli_unlock_recovery(c, &s, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:key new-server-key");
                rc = rk_rotation_new_server_key(s, &n, &err);
        }
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        printf(
            ngettext(
                "Made a new server key file for %s. The %zu account lost its keyslot "
                "and second factor:\ngive it a one-time password with `rekisteri user "
                "reset-password NAME` (an admin key file;\nwith only the recovery key, "
                "first `rekisteri key add-file --roles admin`), and it enrols again.\n",
                "Made a new server key file for %s. The %zu accounts lost their "
                "keyslots and second factors:\ngive each a one-time password with "
                "`rekisteri user reset-password NAME` (an admin key file;\nwith only "
                "the recovery key, first `rekisteri key add-file --roles admin`), and "
                "each enrols again.\n",
                (unsigned long)n),
            c->db_path, n);
        return EXIT_OK;
}
