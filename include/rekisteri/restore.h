/*
 * restore.h - the forgetting side of a restore: a restored register
 * never brings back, silently, a person who was forgotten after its
 * backup was taken (backup.h does the copying and moving).
 *
 * Between staging and moving into place, rk_restore_forgettings gathers
 * every record of forgetting it can find, all for the same register (the
 * register id in meta, ledger.h):
 *   - the backup's own erasures tables and its BACKUP.erased copy;
 *   - the ledger beside the target path (the old machine's, if it
 *     survived), and beside the configured register;
 *   - a ledger named with an explicit option (one kept off the machine);
 *   - every other copy of the same register in the backup's directory
 *     (other backups, opened read-only and immutable with the same
 *     database key; the newest of them sets the time T below).
 * It then forgets again, in one audited transaction, everyone those name
 * that the staged register still holds, and records them all in it.
 *
 * The proof it asks for: the newest backup it can see was taken at time
 * T (meta last_backup_at, set by each backup); some ledger file (not a
 * backup's own copy) must be complete as of T or later (its as_of, moved
 * on by every forgetting and every backup). Otherwise nobody can tell who
 * was forgotten after T, and the restore is refused with a message that
 * names what is missing, unless the caller overrides; the override is
 * recorded in the restored register's audit trail ("backup.restore",
 * result "override").
 */
#ifndef REKISTERI_RESTORE_H
#define REKISTERI_RESTORE_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rk_restore_options {
        const char *from;       /* the backup */
        const char *target;     /* where it is restored to */
        const char *configured; /* the configured register's path, or NULL */
        const char *ledger;     /* an explicit ledger file, or NULL */
        bool override;          /* restore even without the proof above */
};

struct rk_restore_outcome {
        size_t known;    /* forgettings gathered (distinct or not) */
        size_t replayed; /* records forgotten again */
        int ledgers;     /* ledger files read that qualify */
        int backups;     /* other copies of the same register read */
        bool overridden; /* restored without the proof */
};

/* rk_restore_mark_backup - record in db (meta last_backup_at) that a
 * backup is being taken now; the copy carries it as its own time. *prev
 * gets the time it replaces (0: none), for rk_restore_unmark_backup. */
int rk_restore_mark_backup(sqlite3 *db, int64_t now, int64_t *prev, struct rk_error *err);

/* rk_restore_unmark_backup - a backup that failed: put last_backup_at back
 * to prev (0: remove it), so the register claims no backup that is not
 * there. */
int rk_restore_unmark_backup(sqlite3 *db, int64_t prev, struct rk_error *err);

/*
 * rk_restore_check_set - before anything is copied: the backup at from
 * exists, is not truncated (a whole number of 4096-byte pages), is an
 * encrypted database rather than a plain SQLite file, and has its .keys
 * file beside it. RK_ERR_NOTFOUND or RK_ERR_CORRUPT with a message that
 * says what is wrong and that nothing was restored.
 */
int rk_restore_check_set(const char *from, struct rk_error *err);

/*
 * rk_restore_forgettings - on a session of the staged register: check it
 * page by page (RK_ERR_CORRUPT), gather and check the forgettings as
 * described above (RK_ERR_INVALID when a ledger or the target's ledger
 * belongs to another register, or when the proof is missing and
 * !o->override), forget again and record, truncate the WAL, and bring the
 * ledger beside o->target up to date. Needs the "keys" action.
 */
int rk_restore_forgettings(struct rk_session *s, const struct rk_restore_options *o,
                           struct rk_restore_outcome *out, struct rk_error *err);

#endif
