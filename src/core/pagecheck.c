/*
 * pagecheck.c - SQLite's page checks (integrity_check, quick_check) read
 * so that they tell the truth (see sql.h, rk_sql_check_pages).
 *
 * How it works: the check reports a page it could not get as a finding,
 * in the same list as a page that does not decrypt or does not add up:
 * "Page 7: unable to get the page. error code=266", "failed to get page
 * 138" (no code), and after a failed read, pages that say error code 1.
 * So a finding is damage only when no read of the database file failed
 * meanwhile: SQLite keeps the errno of the file's last failed read or
 * write (SQLITE_FCNTL_LAST_ERRNO), compared before and after; a finding
 * that names an I/O, full-disk or memory code, and a step that fails
 * with one, are that error too. A page whose bytes are wrong (SQLCipher's
 * HMAC, a broken b-tree) is read without error, so it stays damage.
 */
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The errno of the last failed read or write of db's main file, 0 none. */
static int last_errno(sqlite3 *db)
{
        int e = 0;
        return sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &e) == SQLITE_OK
                   ? e
                   : 0;
}

/* A code that says the check did not see a page, not that it is bad. */
static bool not_seen(int sqlite_rc)
{
        switch (sqlite_rc & 0xff) {
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_FULL:
        case SQLITE_NOMEM:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return true;
        default:
                return false;
        }
}

/* The code a finding names ("error code=266", "returns error code 10"),
 * 0 for none. */
static int named_code(const char *finding)
{
        const char *p = strstr(finding, "error code");
        if (p == NULL)
                return 0;
        p += strlen("error code");
        p += *p == '=' || *p == ' ';
        return atoi(p);
}

int rk_sql_check_pages(sqlite3 *db, const char *pragma, bool *ok, char *note, size_t size,
                       const char *what, struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        int before = last_errno(db);
        *ok = false;
        if (size > 0)
                note[0] = '\0';
        int src = sqlite3_prepare_v2(db, pragma, -1, &st, NULL);
        if (src == SQLITE_OK)
                src = sqlite3_step(st);
        const char *t =
            src == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        int code = t != NULL ? named_code(t) : src;
        if (t != NULL && strcmp(t, "ok") != 0 && last_errno(db) != before)
                code = SQLITE_IOERR;
        int rc = RK_OK;
        if ((t == NULL || code != 0) && not_seen(code))
                rc = rk_sql_fail(db, code, what, err);
        else if (t != NULL)
                *ok = strcmp(t, "ok") == 0;
        if (rc == RK_OK && !*ok && size > 0)
                snprintf(note, size, "%s", t != NULL ? t : sqlite3_errstr(src));
        sqlite3_finalize(st);
        return rc;
}
