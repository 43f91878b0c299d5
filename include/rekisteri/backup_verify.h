/*
 * backup_verify.h - the restore drill: does a backup open, is every page
 * whole, does its audit trail verify, and how old is it, without
 * installing it (`rekisteri restore --verify-only BACKUP`).
 *
 * The backup (BACKUP and BACKUP.keys, as backup.h makes them) is never
 * opened in place: opening a register may write (its WAL, a login's audit
 * row), and a drill must leave the copy it checks exactly as it was. So:
 *   1. rk_backup_verify_stage copies BACKUP and BACKUP.keys into a new
 *      private directory beside BACKUP;
 *   2. the caller unlocks the staged copy with the backup's own keys (a
 *      key file, a password or the recovery key of the backup's time) and
 *      calls rk_backup_verify on that session;
 *   3. rk_backup_verify_clean removes the staged directory.
 */
#ifndef REKISTERI_BACKUP_VERIFY_H
#define REKISTERI_BACKUP_VERIFY_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the drill found. */
struct rk_backup_report {
        bool pages_ok;        /* PRAGMA integrity_check: every page read,
                                 decrypted and authenticated */
        char pages_note[160]; /* the first problem, "" when ok */
        bool chain_ok;        /* the audit chain (and MACs with K0) verify */
        bool macs_checked;
        int64_t audit_rows;
        char chain_note[200];
        char newest[32];   /* UTC time the backup was taken (its stamp),
                              "" unknown */
        int64_t age_days;  /* from newest to now (rk_clock), -1 unknown */
        int64_t customers; /* customer rows in the backup */
};

/*
 * rk_backup_verify_stage - step 1: copy backup and backup.keys into a new
 * directory (0700) beside backup; staged (size bytes) gets the copy's
 * database path. RK_ERR_NOTFOUND when either file is missing, RK_ERR_IO
 * when the copy cannot be made (nothing is left behind).
 */
int rk_backup_verify_stage(const char *backup, char *staged, size_t size,
                           struct rk_error *err);

/*
 * rk_backup_verify - step 2, on a session of the staged copy: fills *out.
 * key_text (may be NULL) is the audit key K0 for checking every MAC.
 * Returns RK_OK when the checks could run (out says whether they passed);
 * RK_ERR_DENIED unless the session holds the "keys" action.
 */
int rk_backup_verify(struct rk_session *s, const char *key_text,
                     struct rk_backup_report *out, struct rk_error *err);

/* rk_backup_verify_clean - step 3: remove the staged copy and its
 * directory. */
void rk_backup_verify_clean(const char *staged);

#endif
