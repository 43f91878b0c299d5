/*
 * restore_note.c - failed restores noted beside the target and copied
 * into the next opened register's audit trail (see restore_note.h).
 *
 * The note is a line "EPOCH CLASS\n" appended with one write(2) on an
 * O_APPEND descriptor, so two failing restores never mix their lines. The
 * copy is one transaction of audit rows; the file is removed only after it
 * committed (a crash between copies the notes twice, which overstates the
 * failures rather than losing one).
 */
#include "rekisteri/restore_note.h"
#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/sharedfile.h"
#include "sql.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int note_path(const char *target, char *out, size_t size)
{
        int n = snprintf(out, size, "%s%s", target, RK_RESTORE_NOTE_SUFFIX);
        return n > 0 && (size_t)n < size ? RK_OK : RK_ERR_INVALID;
}

int rk_restore_note_failure(const char *target, int rc)
{
        char path[PATH_MAX], line[96];
        int fd = -1;
        if (note_path(target, path, sizeof(path)) != RK_OK ||
            rk_sharedfile_open(target, path, false, &fd, NULL) != RK_OK)
                return RK_ERR_IO;
        close(fd);
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
        int n = snprintf(line, sizeof(line), "%" PRId64 " %s\n", rk_clock_now(),
                         rk_rc_name(rc));
        int ok = fd >= 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0;
        if (fd >= 0)
                close(fd);
        return ok ? RK_OK : RK_ERR_IO;
}

/* One note line as an audit row: "CLASS (at YYYY-MM-DD HH:MM UTC)". */
static int record_line(struct rk_session *s, const char *line, struct rk_error *err)
{
        char cls[64] = "", target[128];
        long long at = 0;
        if (sscanf(line, "%lld %63[^\n]", &at, cls) != 2)
                return RK_OK; /* a torn last line: nothing to say */
        time_t t = (time_t)at;
        struct tm tm;
        char when[32] = "?";
        if (gmtime_r(&t, &tm) != NULL)
                strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
        snprintf(target, sizeof(target), "%s (at %s)", cls, when);
        struct rk_register *reg = rk_session_register(s);
        struct rk_audit_event ev = {.action = "backup.restore",
                                    .groups = "",
                                    .screen = rk_session_place(s),
                                    .result = "failed",
                                    .target = target};
        return rk_audit_append(rk_register_db(reg), rk_session_actor(s), &ev,
                               rk_clock_now(), rk_register_config(reg)->audit_epoch_rows,
                               err);
}

int rk_restore_note_record(struct rk_session *s, const char *target, struct rk_error *err)
{
        char path[PATH_MAX], line[128];
        if (note_path(target, path, sizeof(path)) != RK_OK)
                return RK_OK;
        FILE *f = fopen(path, "re");
        if (f == NULL)
                return errno == ENOENT ? RK_OK
                                       : rk_error_set(err, RK_ERR_IO, "%s: %s", path,
                                                      strerror(errno));
        sqlite3 *db = rk_register_db(rk_session_register(s));
        int rc = rk_sql_begin_as(db, "recording failed restores", err);
        while (rc == RK_OK && fgets(line, sizeof(line), f) != NULL)
                rc = record_line(s, line, err);
        if (rc == RK_OK && ferror(f))
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        fclose(f);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "recording failed restores", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        if (rc == RK_OK)
                unlink(path);
        return rc;
}
