/*
 * cmd_restore_verify.c - `rekisteri restore --verify-only BACKUP
 * [--keyfile BACKUP-KEY | --password-stdin] [--key-stdin | --key-file F]`:
 * the restore drill (backup_verify.h). The backup is copied beside
 * itself, the copy unlocked as restore unlocks a backup (the backup key
 * file, or the recovery key on stdin or the terminal), K0 read as `audit
 * verify` reads it (never from argv), every
 * page and the audit trail checked, the age reported, and the copy
 * removed. Nothing is installed and the backup is not changed. Exits 0
 * only when everything checked out.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/backup_verify.h"
#include "rekisteri/secret.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

static void print_report(const char *backup, const struct rk_backup_report *r)
{
        unsigned long k = (unsigned long)r->audit_rows;
        printf(_("Backup %s\n"), backup);
        if (r->pages_ok)
                printf(_("  pages:       ok, every page read and authenticated\n"));
        else
                printf(_("  pages:       DAMAGED: %s\n"), r->pages_note);
        if (r->chain_ok && r->macs_checked)
                printf(ngettext("  audit trail: ok%s (%" PRId64
                                " entry, every MAC checked "
                                "with K0)\n",
                                "  audit trail: ok%s (%" PRId64 " entries, every MAC "
                                "checked with K0)\n",
                                k),
                       r->chain_note, r->audit_rows);
        else if (r->chain_ok)
                printf(ngettext("  audit trail: ok%s (%" PRId64
                                " entry, chain only; --key "
                                "K0 checks the MACs too)\n",
                                "  audit trail: ok%s (%" PRId64 " entries, chain only; "
                                "--key K0 checks the MACs too)\n",
                                k),
                       r->chain_note, r->audit_rows);
        else
                printf(ngettext("  audit trail: BROKEN at %s (%" PRId64 " entry)\n",
                                "  audit trail: BROKEN at %s (%" PRId64 " entries)\n", k),
                       r->chain_note, r->audit_rows);
        if (r->age_days >= 0)
                printf(ngettext("  taken:       %s, %" PRId64 " day ago\n",
                                "  taken:       %s, %" PRId64 " days ago\n",
                                (unsigned long)r->age_days),
                       cli_date(r->newest), r->age_days);
        else
                printf(_("  taken:       unknown (no backup entry in its trail)\n"));
        printf(_("  customers:   %" PRId64 "\n"), r->customers);
}

int cmd_restore_verify(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_backup_report r;
        char staged[PATH_MAX];
        rk_error_clear(&err);
        int rc = rk_backup_verify_stage(c->verify_only, staged, sizeof(staged), &err);
        if (rc != RK_OK)
                return cli_fail(&err);
        const char *db = c->db_path;
        char *key = NULL;
        /* as restore does: the backup key file, or the recovery key */
        c->db_path = staged;
        rc = c->keyfile != NULL ? cli_unlock(c, &s, &err)
                                : cli_unlock_recovery(c, &s, &err);
        c->db_path = db;
        if (rc == RK_OK)
                rc = cli_read_audit_key(c, &key, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:restore --verify-only");
                rc = rk_backup_verify(s, key, &r, &err);
        }
        rk_secret_free(key);
        rk_session_close(s);
        rk_backup_verify_clean(staged);
        if (rc != RK_OK) {
                cli_fail(&err);
                /* a disk that failed a read says nothing about the backup */
                if (rc == RK_ERR_IO || rc == RK_ERR_FULL || rc == RK_ERR_NOMEM ||
                    rc == RK_ERR_BUSY)
                        fprintf(stderr,
                                _("rekisteri: the drill of %s did not finish (above), "
                                  "so it found the backup neither good nor bad; run "
                                  "it again\n"),
                                c->verify_only);
                else
                        fprintf(stderr,
                                _("rekisteri: the backup %s FAILED the drill: it did "
                                  "not open with this key\n"),
                                c->verify_only);
                return EXIT_ERROR;
        }
        print_report(c->verify_only, &r);
        bool ok = r.pages_ok && r.chain_ok && r.age_days >= 0;
        printf("%s\n", ok ? _("The backup is good: it can be restored with "
                              "'rekisteri restore --from BACKUP --db PATH'.")
                          : _("The backup FAILED the drill: do not rely on it."));
        return ok ? EXIT_OK : EXIT_ERROR;
}
