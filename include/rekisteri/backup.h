/*
 * backup.h - encrypted online backups, and restoring one without bringing
 * an erased person back.
 *
 * A backup of the register PATH is three files:
 *   OUT         the database, copied page by page with SQLite's online
 *               backup API from the open encrypted connection into a new
 *               file keyed with the same database key: it is encrypted
 *               exactly as the register is, and consistent even while
 *               others work;
 *   OUT.keys    a copy of the slot file cut down to the recovery slot and
 *               the backup key file's slot (backup_keys.h): no staff
 *               password opens a backup;
 *   OUT.erased  a copy of the erasure ledger (ledger.h), when there is one.
 * Nothing is ever overwritten.
 *
 * Restoring BACKUP to PATH (PATH must not exist; move a damaged database
 * away first, but keep PATH.keys, today's keyslots, and PATH.erased, the
 * live ledger):
 *   1. rk_restore_stage copies BACKUP and BACKUP.keys to PATH.restoring
 *      and PATH.restoring.keys, and merges BACKUP.erased and the live
 *      PATH.erased into PATH.restoring.erased;
 *   2. the caller unlocks the staged register (the recovery key or the
 *      backup key file) and calls rk_restore_replay, which forgets again
 *      every ledger entry found in it, in one audited transaction, and
 *      truncates the WAL; then rk_restore_keys (backup_keys.h) takes over
 *      today's keyslots and revocations and rotates the keys;
 *   3. rk_restore_commit moves the staged files into place (the database
 *      never over an existing one; the staged slot file replaces
 *      PATH.keys), or rk_restore_abort removes them.
 * Until step 3 nothing is at PATH, so the restored register cannot be
 * used before the replay.
 */
#ifndef REKISTERI_BACKUP_H
#define REKISTERI_BACKUP_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <stddef.h>

#define RK_RESTORE_SUFFIX ".restoring"

/*
 * rk_backup - write the backup described above to out_path. Needs the
 * "keys" action; audited as "backup.create". RK_ERR_EXISTS when any of the
 * three files exists (nothing is written); on failure, files it created
 * are removed.
 */
int rk_backup(struct rk_session *s, const char *out_path, struct rk_error *err);

/*
 * rk_restore_stage - step 1: stage from_path for db_path; staged (size
 * bytes) gets the staged database path to unlock. RK_ERR_EXISTS when
 * db_path or a staged file exists; RK_ERR_NOTFOUND when
 * the backup or its .keys is missing.
 */
int rk_restore_stage(const char *from_path, const char *db_path, char *staged,
                     size_t size, struct rk_error *err);

/*
 * rk_restore_replay - step 2, on a session of the staged register: every
 * customer and contact person in the staged ledger that the register still
 * holds is forgotten again (forget.h), their identifier hashes go to the
 * suppression list, and each is audited as "dsr.replay". *replayed gets
 * how many records were forgotten again. Needs the "keys" action.
 */
int rk_restore_replay(struct rk_session *s, size_t *replayed, struct rk_error *err);

/* rk_restore_commit - step 3: move the staged files to db_path (the
 * database never over an existing one; the staged slot file, which holds
 * today's slots, and the merged ledger, a superset of the live one,
 * replace the live ones). */
int rk_restore_commit(const char *staged, const char *db_path, struct rk_error *err);

/* rk_restore_abort - remove the staged files. */
void rk_restore_abort(const char *staged);

#endif
