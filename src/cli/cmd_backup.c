/*
 * cmd_backup.c - `rekisteri backup` and `rekisteri restore` (backup.h).
 *
 * backup: an encrypted online backup of the open register, its slot file
 * and its erasure ledger, never over existing files. Needs "keys".
 *
 * restore: stage the backup beside --db, unlock the staged copy with the
 * UNLOCK options (a password, key file or recovery of the backup's time),
 * replay the merged erasure ledger, and only then move the files into
 * place; on any failure the staged files are removed and --db stays
 * empty.
 */
#include "cli.h"
#include "rekisteri/backup.h"

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
               "were erasures).\nIt opens with the passwords, key files and recovery key "
               "of today.\n",
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
        c->db_path = staged;
        rc = cli_unlock(c, &s, &err);
        c->db_path = target;
        if (rc == RK_OK)
                rc = cli_require(s, RK_ACTION_KEYS, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:restore");
                rc = rk_restore_replay(s, &replayed, &err);
        }
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
        return EXIT_OK;
}
