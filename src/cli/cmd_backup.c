/*
 * cmd_backup.c - `rekisteri backup` and `rekisteri restore` (backup.h).
 *
 * backup: an encrypted online backup of the open register, its slot file
 * and its erasure ledger, never over existing files. Needs "keys".
 *
 * restore: check and stage the backup beside --db, unlock the staged copy
 * with the backup key file (--keyfile) or the recovery key (stdin or
 * terminal), gather every record of forgetting and forget again
 * (restore.h: refused without a ledger complete as of the newest backup,
 * unless --force-without-ledger), take over today's keyslots from the
 * live --db.keys and rotate the keys (backup_keys.h), and only then move
 * the files into place; on any failure the staged files are removed and
 * --db stays empty.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/backup.h"
#include "rekisteri/backup_keys.h"
#include "rekisteri/restore.h"
#include "rekisteri/restore_note.h"

#include <limits.h>
#include <stdio.h>
#include <syslog.h>

int cmd_backup(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        if (c->out == NULL)
                return cli_usage_error("backup needs --out PATH");
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK)
                rc = cli_require(s, RK_ACTION_KEYS, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:backup");
                rc = rk_backup(s, c->out, &err);
        }
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        printf(_("Wrote the encrypted backup %s with %s.keys and %s.erased.\nIt opens "
                 "only with the recovery key or the key file labelled \"backup\"; no "
                 "staff password opens it. Keep the register's ledger (%s.erased) with "
                 "your backups too: a restore needs it.\n"),
               c->out, c->out, c->out, c->db_path);
        return EXIT_OK;
}

/* A failed restore has no register to audit in: the system log gets the
 * error class (no path, no value) at once, a note beside the target
 * carries it into the next opened register's trail (restore_note.h), and
 * the message goes to the user. */
static int restore_failed(struct cli *c, const char *target, const struct rk_error *err)
{
        (void)c;
        syslog(LOG_USER | LOG_WARNING, "rekisteri restore failed: %s",
               rk_rc_code(err->rc));
        if (rk_restore_note_failure(target, err->rc) != RK_OK)
                fprintf(stderr,
                        _("rekisteri: the failure could not be noted beside %s "
                          "for the audit trail; the system log has it\n"),
                        target);
        return cli_fail(err);
}

int cmd_restore(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_restore_outcome out;
        char staged[PATH_MAX];
        rk_error_clear(&err);
        if (c->verify_only != NULL)
                return cmd_restore_verify(c);
        if (c->from == NULL)
                return cli_usage_error("restore needs --from BACKUP and --db PATH");
        const char *target = c->db_path;
        struct rk_restore_options o = {.from = c->from,
                                       .target = target,
                                       .configured = c->cfg.db_path,
                                       .ledger = c->ledger,
                                       .override = c->force_without_ledger};
        int rc = rk_restore_stage(c->from, target, staged, sizeof(staged), &err);
        if (rc != RK_OK)
                return restore_failed(c, target, &err);
        char live_keys[PATH_MAX];
        int adopted = 0;
        rc = rk_register_vault_path(target, live_keys, sizeof(live_keys), &err);
        /* a backup opens only with the backup key file or the recovery key */
        c->db_path = staged;
        if (rc == RK_OK)
                rc = c->keyfile != NULL ? cli_unlock(c, &s, &err)
                                        : cli_unlock_recovery(c, &s, &err);
        c->db_path = target;
        if (rc == RK_OK)
                rc = cli_require(s, RK_ACTION_KEYS, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:restore");
                rc = rk_restore_forgettings(s, &o, &out, &err);
        }
        if (rc == RK_OK)
                rc = rk_restore_keys(s, live_keys, &adopted, &err);
        /* earlier failed restores into this path, into the restored trail
         * (when that fails, the notes wait for the next opening) */
        struct rk_error note_err;
        rk_error_clear(&note_err);
        if (rc == RK_OK && rk_restore_note_record(s, target, &note_err) != RK_OK)
                fprintf(stderr, "rekisteri: %s\n", note_err.msg);
        rk_session_close(s);
        if (rc == RK_OK)
                rc = rk_restore_commit(staged, target, &err);
        if (rc != RK_OK) {
                rk_restore_abort(staged);
                return restore_failed(c, target, &err);
        }
        printf(_("Restored %s from %s.\n"), target, c->from);
        printf(
            _("Forgettings known: %zu (from the backup; ledger files: %d; other copies "
              "of it beside the backup: %d).\n"),
            out.known, out.ledgers, out.backups);
        printf(ngettext("%zu record was forgotten again.\n",
                        "%zu records were forgotten again.\n",
                        (unsigned long)out.replayed),
               out.replayed);
        if (out.overridden)
                printf(
                    _("Restored WITHOUT proof that every forgetting since the backup is "
                      "known (--force-without-ledger); the audit trail records it.\n"));
        printf(
            ngettext("%d keyslot of today took over from %s; the keys were rotated, so "
                     "only today's passwords, key files and recovery key open it.\n",
                     "%d keyslots of today took over from %s; the keys were rotated, "
                     "so only today's passwords, key files and recovery key open it.\n",
                     (unsigned long)adopted),
            adopted, live_keys);
        return EXIT_OK;
}
