/*
 * cmd_backup.c - `rekisteri backup` and `rekisteri restore` (backup.h).
 *
 * backup: an encrypted online backup of the open register, its slot file
 * and its erasure ledger, never over existing files. Needs "keys".
 *
 * restore: stage the backup beside --db, unlock the staged copy with the
 * backup key file (--keyfile) or the recovery key (stdin or terminal),
 * replay the merged erasure ledger, take over today's keyslots from the
 * live --db.keys and rotate the keys (backup_keys.h), and only then move
 * the files into place; on any failure the staged files are removed and
 * --db stays empty.
 */
#include "cli.h"
#include "rekisteri/backup.h"
#include "rekisteri/backup_keys.h"

#include <limits.h>
#include <stdio.h>

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
        printf("Wrote the encrypted backup %s with %s.keys (and %s.erased when there "
               "were erasures).\nIt opens only with the recovery key or the key file "
               "labelled \"backup\"; no staff password opens it.\n",
               c->out, c->out, c->out);
        return EXIT_OK;
}

int cmd_restore(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        char staged[PATH_MAX];
        size_t replayed = 0;
        rk_error_clear(&err);
        if (c->verify_only != NULL)
                return cmd_restore_verify(c);
        if (c->from == NULL)
                return cli_usage_error("restore needs --from BACKUP and --db PATH");
        const char *target = c->db_path;
        int rc = rk_restore_stage(c->from, target, staged, sizeof(staged), &err);
        if (rc != RK_OK)
                return cli_fail(&err);
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
                rc = rk_restore_replay(s, &replayed, &err);
        }
        if (rc == RK_OK)
                rc = rk_restore_keys(s, live_keys, &adopted, &err);
        rk_session_close(s);
        if (rc == RK_OK)
                rc = rk_restore_commit(staged, target, &err);
        if (rc != RK_OK) {
                rk_restore_abort(staged);
                return cli_fail(&err);
        }
        printf("Restored %s from %s; %zu erased record(s) were erased again from the "
               "erasure ledger.\n",
               target, c->from, replayed);
        printf("%d keyslot(s) of today took over from %s; the keys were rotated, so "
               "only today's passwords, key files and recovery key open it.\n",
               adopted, live_keys);
        return EXIT_OK;
}
