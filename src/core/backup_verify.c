/*
 * backup_verify.c - the restore drill (see backup_verify.h).
 *
 * How it works: the backup and its slot file are copied byte for byte into
 * a fresh 0700 directory beside the backup (same file system, so a large
 * backup does not fill /tmp); the caller unlocks the copy as it would the
 * register; then PRAGMA integrity_check reads every page of every table
 * and index, and SQLCipher decrypts and authenticates each page it reads
 * (a changed byte anywhere in a page makes that read fail), the audit
 * trail is verified as `audit verify` does (rk_audit_verify), and the
 * time the backup stamped into its copy (meta last_backup_at) gives its
 * age.
 */
#include "rekisteri/backup_verify.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/register.h"
#include "audit_chain.h"
#include "sql.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEYS_SUFFIX ".keys"
#define WHAT_PAGES  N_("reading every page of the backup's copy")
#define WHAT_READ   N_("reading the backup's copy")

/* Copy from to a new file to (0600). */
static int copy_file(const char *from, const char *to, struct rk_error *err)
{
        char buf[1 << 16];
        int in = open(from, O_RDONLY | O_CLOEXEC);
        if (in < 0)
                return rk_error_set(err, errno == ENOENT ? RK_ERR_NOTFOUND : RK_ERR_IO,
                                    "%s: %s", from, strerror(errno));
        int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        ssize_t n = 0;
        while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0) {
                if (write(out, buf, (size_t)n) != n) {
                        n = -1;
                        break;
                }
        }
        int bad = out < 0 || n < 0 || fsync(out) != 0;
        int e = errno;
        close(in);
        if (out >= 0 && close(out) != 0)
                bad = 1;
        if (bad)
                return rk_error_set(err, RK_ERR_IO, "copying %s: %s", from, strerror(e));
        return RK_OK;
}

int rk_backup_verify_stage(const char *backup, char *staged, size_t size,
                           struct rk_error *err)
{
        char dir[PATH_MAX], from_keys[PATH_MAX], to_keys[PATH_MAX];
        const char *slash = strrchr(backup, '/');
        int len = slash == NULL ? 1 : (int)(slash - backup);
        const char *parent = slash == NULL ? "." : backup;
        if (slash == backup)
                len = 0; /* a backup in / */
        if (snprintf(dir, sizeof(dir), "%.*s/.rekisteri-verify-XXXXXX", len, parent) >=
                (int)sizeof(dir) ||
            snprintf(from_keys, sizeof(from_keys), "%s" KEYS_SUFFIX, backup) >=
                (int)sizeof(from_keys))
                return rk_error_set(err, RK_ERR_INVALID, "%s: path too long", backup);
        if (access(backup, R_OK) != 0 || access(from_keys, R_OK) != 0)
                return rk_error_set(err, RK_ERR_NOTFOUND,
                                    "%s: no such backup (it and %s.keys are needed)",
                                    backup, backup);
        if (mkdtemp(dir) == NULL)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", dir, strerror(errno));
        if (snprintf(staged, size, "%s/backup.db", dir) >= (int)size ||
            snprintf(to_keys, sizeof(to_keys), "%s/backup.db" KEYS_SUFFIX, dir) >=
                (int)sizeof(to_keys)) {
                rmdir(dir);
                return rk_error_set(err, RK_ERR_INVALID, "%s: path too long", dir);
        }
        int rc = copy_file(backup, staged, err);
        if (rc == RK_OK)
                rc = copy_file(from_keys, to_keys, err);
        if (rc != RK_OK)
                rk_backup_verify_clean(staged);
        return rc;
}

void rk_backup_verify_clean(const char *staged)
{
        char dir[PATH_MAX], p[PATH_MAX + 256];
        const char *slash = strrchr(staged, '/');
        if (slash == NULL || snprintf(dir, sizeof(dir), "%.*s", (int)(slash - staged),
                                      staged) >= (int)sizeof(dir))
                return;
        /* our private directory: the copy and whatever opening it made
         * (-wal, -shm, the slot file's journal, the writers' queue) */
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < (int)sizeof(p))
                        unlink(p);
        }
        if (d != NULL)
                closedir(d);
        rmdir(dir);
}

/* PRAGMA integrity_check: "ok", or the first problem into note. A page
 * the check could not read is the read's error, not damage: the drill did
 * not see that page, so it cannot say the backup is whole or damaged. */
static int check_pages(sqlite3 *db, struct rk_backup_report *out, struct rk_error *err)
{
        return rk_sql_check_pages(db, "PRAGMA integrity_check", &out->pages_ok,
                                  out->pages_note, sizeof(out->pages_note), WHAT_PAGES,
                                  err);
}

/* One integer or text from sql (no parameters); a read that fails is
 * rk_sql_fail(WHAT_READ), never a zero or an empty text. */
static int query(sqlite3 *db, const char *sql, int64_t *num, char *text, size_t size,
                 struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        bool row = false;
        int rc = rk_sql_prepare(db, sql, &st, WHAT_READ, err);
        if (rc == RK_OK)
                rc = rk_sql_row(st, &row, WHAT_READ, err);
        if (rc == RK_OK && row) {
                if (num != NULL)
                        *num = sqlite3_column_int64(st, 0);
                const unsigned char *t = sqlite3_column_text(st, 0);
                if (text != NULL && t != NULL)
                        snprintf(text, size, "%s", (const char *)t);
        }
        sqlite3_finalize(st);
        return rc;
}

/* Days from the UTC time text "YYYY-MM-DDTHH:MM:SSZ" (or with a space) to
 * now; -1 unknown. */
static int64_t age_days(const char *utc)
{
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        if (sscanf(utc, "%d-%d-%d%*[ T]%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3)
                return -1;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        time_t t = timegm(&tm);
        return t == (time_t)-1 ? -1 : (rk_clock_now() - (int64_t)t) / 86400;
}

/*
 * When the backup was taken: the time each backup stamps into its copy
 * (meta last_backup_at, restore.h), else the "backup.create" entry of a
 * backup that recorded itself before copying. Never the newest audit row:
 * opening the staged copy for the drill has just written one.
 */
static int taken(sqlite3 *db, struct rk_backup_report *out, struct rk_error *err)
{
        int64_t at = 0;
        struct tm tm;
        int rc = query(db, "SELECT value FROM meta WHERE key = 'last_backup_at'", &at,
                       NULL, 0, err);
        time_t t = (time_t)at;
        if (rc != RK_OK)
                return rc;
        if (at > 0 && gmtime_r(&t, &tm) != NULL)
                strftime(out->newest, sizeof(out->newest), "%Y-%m-%dT%H:%M:%SZ", &tm);
        else
                rc = query(db,
                           "SELECT at FROM audit_log WHERE action = 'backup.create'"
                           " AND " AUDIT_ACTION_INDEXED " ORDER BY id DESC LIMIT 1",
                           NULL, out->newest, sizeof(out->newest), err);
        out->age_days = out->newest[0] != '\0' ? age_days(out->newest) : -1;
        return rc;
}

int rk_backup_verify(struct rk_session *s, const char *key_text,
                     struct rk_backup_report *out, struct rk_error *err)
{
        struct rk_audit_verdict v;
        memset(out, 0, sizeof(*out));
        out->age_days = -1;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_KEYS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "checking a backup needs a role with the \"keys\" "
                                    "permission");
        sqlite3 *db = rk_register_db(rk_session_register(s));
        int rc = check_pages(db, out, err);
        if (rc == RK_OK)
                rc = rk_audit_verify(db, key_text, &v, err);
        if (rc != RK_OK)
                return rc;
        out->chain_ok = v.ok != 0;
        out->macs_checked = v.macs_checked != 0;
        out->audit_rows = v.rows;
        if (!v.ok)
                snprintf(out->chain_note, sizeof(out->chain_note), _("entry %lld: %s"),
                         (long long)v.bad_id, v.why);
        rc = taken(db, out, err);
        if (rc == RK_OK)
                rc = query(db, "SELECT count(*) FROM customers", &out->customers, NULL, 0,
                           err);
        return rc;
}
