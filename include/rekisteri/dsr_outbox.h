/*
 * dsr_outbox.h - the export directory of a register on a server: where an
 * access or portability request's files wait until the person's copy is
 * fetched, and how long they may wait.
 *
 * Staff reach the server only through the register (sshd's forced
 * command): they cannot copy a file off it. So on a server the files of a
 * request go to the register's export directory, by default the directory
 * "<register's directory>-exports/files" (/var/lib/rekisteri-exports/files
 * for /var/lib/rekisteri/register.db), or [requests] export_dir. A
 * fetching account (group rekisteri-fetch; sshd: chrooted, read-only sftp
 * into that directory's parent) copies them to the supervisor's desk.
 * Files older than [requests] export_days are deleted by the nightly
 * retention run, each deletion an audit entry; the request dashboard lists
 * what is waiting and when it goes.
 */
#ifndef REKISTERI_DSR_OUTBOX_H
#define REKISTERI_DSR_OUTBOX_H

#include "rekisteri/config.h"
#include "rekisteri/session.h"

#include <stddef.h>
#include <stdint.h>

/* One file waiting in the export directory. */
struct rk_dsr_outbox_file {
        char name[64];     /* "dsr-12.json" */
        int64_t age_days;  /* whole days since it was written */
        int64_t delete_in; /* days until the retention run deletes it (0: next run) */
};

/*
 * rk_dsr_outbox_dir - the export directory of the register at db_path
 * into out: [requests] export_dir, else "<dirname(db_path)>-exports/files".
 * Returns 1 when it exists as a directory, else 0 (then exports go where
 * the user says, as on a desktop).
 */
int rk_dsr_outbox_dir(const struct rk_config *cfg, const char *db_path, char *out,
                      size_t size);

/*
 * rk_dsr_outbox_list - the request files waiting in the export directory
 * (dsr-N.json and dsr-N.txt), oldest first, as a malloc'd array (NULL and
 * 0 when none or no directory). RK_ERR_NOMEM or RK_ERR_IO on failure.
 */
int rk_dsr_outbox_list(const struct rk_config *cfg, const char *db_path,
                       struct rk_dsr_outbox_file **out, size_t *n, struct rk_error *err);

/*
 * rk_dsr_outbox_prune - delete the request files older than [requests]
 * export_days from the export directory, each recorded in the audit trail
 * ("dsr.export_delete", the file name as target) before it goes. Needs the
 * retention or the requests action. *deleted gets the count.
 */
int rk_dsr_outbox_prune(struct rk_session *s, size_t *deleted, struct rk_error *err);

#endif
