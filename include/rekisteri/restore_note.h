/*
 * restore_note.h - a failed restore is recorded as failed in an audit
 * trail, although it has none of its own.
 *
 * A restore that fails has, by design, moved nothing into place: the
 * staged copy is thrown away, and the register at the target (if any) was
 * never opened. So the failure is noted beside the target, in the plain
 * file TARGET.restore-failed, one line per failure with its time and its
 * error class (never a path, a key or a value). The next session that
 * opens a register at that path (a successful restore, or the register
 * already there) copies each note into its audit trail as a
 * "backup.restore" row with result "failed" and removes the file. The
 * system log gets the same line at once.
 */
#ifndef REKISTERI_RESTORE_NOTE_H
#define REKISTERI_RESTORE_NOTE_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#define RK_RESTORE_NOTE_SUFFIX ".restore-failed"

/* rk_restore_note_failure - append "TIME CLASS" for the error rc to the
 * note beside target (created with the register's mode and group).
 * Returns RK_OK or RK_ERR_IO; the caller's own error stays the one
 * reported. */
int rk_restore_note_failure(const char *target, int rc);

/* rk_restore_note_record - copy the notes beside target into s's audit
 * trail ("backup.restore" failed, the error class and the time of the
 * failure as its target) in one transaction, then remove the file. RK_OK
 * when there is none. */
int rk_restore_note_record(struct rk_session *s, const char *target,
                           struct rk_error *err);

#endif
