/*
 * audit_report.c - breach-impact reports and CSV export of the audit trail
 * (see audit_report.h).
 */
#include "rekisteri/audit_report.h"
#include "rekisteri/csv.h"
#include "sql.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Add each group of the comma list `add` to `set` unless already there. */
static void union_groups(char *set, size_t size, const char *add)
{
        char buf[160];
        snprintf(buf, sizeof(buf), "%s", add);
        for (char *g = strtok(buf, ","); g != NULL; g = strtok(NULL, ",")) {
                char probe[64];
                snprintf(probe, sizeof(probe), ",%s,", g);
                char have[200];
                snprintf(have, sizeof(have), ",%s,", set);
                if (strstr(have, probe) != NULL)
                        continue;
                if (set[0] != '\0')
                        strncat(set, ",", size - strlen(set) - 1);
                strncat(set, g, size - strlen(set) - 1);
        }
}

int rk_audit_user_report(sqlite3 *db, const char *user, const char *from, const char *to,
                         struct rk_audit_access **out, size_t *n, struct rk_error *err)
{
        sqlite3_stmt *st;
        *out = NULL;
        *n = 0;
        int rc = rk_sql_prepare(db,
                                "SELECT subject, groups, at FROM audit_log WHERE user=?1"
                                " AND subject>0 AND (?2 IS NULL OR at>=?2)"
                                " AND (?3 IS NULL OR at<?3) ORDER BY subject, id",
                                &st, "the access report", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
        struct rk_sql_array arr = {0};
        struct rk_audit_access *a = NULL;
        bool row = false;
        while (rc == RK_OK &&
               (rc = rk_sql_row(st, &row, "reading the access report", err)) == RK_OK &&
               row) {
                int64_t subject = sqlite3_column_int64(st, 0);
                const char *at = (const char *)sqlite3_column_text(st, 2);
                if (a == NULL || a->subject != subject) {
                        a = rk_sql_array_push(&arr, sizeof(*a), err);
                        if (a == NULL) {
                                rc = RK_ERR_NOMEM;
                                break;
                        }
                        a->subject = subject;
                        snprintf(a->first, sizeof(a->first), "%s", at);
                }
                union_groups(a->groups, sizeof(a->groups),
                             (const char *)sqlite3_column_text(st, 1));
                a->count++;
                snprintf(a->last, sizeof(a->last), "%s", at);
        }
        sqlite3_finalize(st);
        if (rc != RK_OK) {
                free(arr.v);
                return rc;
        }
        *out = arr.v;
        *n = arr.n;
        return rc;
}

int rk_audit_user_report_csv(FILE *out, const char *user, const struct rk_audit_access *a,
                             size_t n, struct rk_error *err)
{
        static const char *const header[] = {"user",      "subject",  "events",
                                             "first_utc", "last_utc", "field_groups"};
        int bad = 0;
        for (size_t i = 0; i < 6; i++)
                bad |= rk_csv_cell(out, header[i], i == 5);
        for (size_t i = 0; i < n; i++) {
                char subject[24], count[24];
                snprintf(subject, sizeof(subject), "%" PRId64, a[i].subject);
                snprintf(count, sizeof(count), "%" PRId64, a[i].count);
                const char *cells[] = {user,       subject,   count,
                                       a[i].first, a[i].last, a[i].groups};
                for (size_t c = 0; c < 6; c++)
                        bad |= rk_csv_cell(out, cells[c], c == 5);
        }
        if (bad || fflush(out) != 0)
                return rk_error_set(err, RK_ERR_IO,
                                    "the report could not be written (disk full?)");
        return RK_OK;
}

static int write_row(FILE *f, const struct rk_audit_row *r)
{
        char id[24], subject[24];
        snprintf(id, sizeof(id), "%" PRId64, r->id);
        snprintf(subject, sizeof(subject), "%" PRId64, r->subject);
        const char *cells[] = {id,         r->at,     r->user,  r->source,
                               r->session, r->action, subject,  r->groups,
                               r->screen,  r->result, r->target};
        size_t n = sizeof(cells) / sizeof(cells[0]);
        for (size_t i = 0; i < n; i++) {
                if (rk_csv_cell(f, cells[i], i + 1 == n) != 0)
                        return -1;
        }
        return 0;
}

int rk_audit_export_csv(sqlite3 *db, const struct rk_audit_filter *f, FILE *out,
                        struct rk_error *err)
{
        static const char *const header[] = {"id",      "time_utc", "user",    "source",
                                             "session", "action",   "subject", "groups",
                                             "screen",  "result",   "target"};
        struct rk_audit_filter page = *f;
        int bad = 0;
        for (size_t i = 0; i < 11; i++)
                bad |= rk_csv_cell(out, header[i], i == 10);
        for (;;) {
                struct rk_audit_row *rows;
                size_t n;
                int rc = rk_audit_list(db, &page, 500, &rows, &n, err);
                if (rc != RK_OK)
                        return rc;
                for (size_t i = 0; i < n; i++)
                        bad |= write_row(out, &rows[i]);
                if (n > 0)
                        page.before_id = rows[n - 1].id;
                free(rows);
                if (n < 500)
                        break;
        }
        if (bad || fflush(out) != 0)
                return rk_error_set(err, RK_ERR_IO,
                                    "the export could not be written "
                                    "(disk full?)");
        return RK_OK;
}
