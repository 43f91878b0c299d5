/*
 * audit_report.c - breach-impact reports and CSV export of the audit trail
 * (see audit_report.h).
 */
#include "rekisteri/audit_report.h"
#include "rekisteri/i18n.h"
#include "customer_db.h"
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

/* The customer number in column col, or "#id" for a row whose customer is
 * gone (numbers are never reused, so this is only a damaged register). */
static void subject_number(sqlite3_stmt *st, int col, int64_t subject, char *out,
                           size_t size)
{
        const unsigned char *t = sqlite3_column_text(st, col);
        if (t != NULL)
                snprintf(out, size, "%s", (const char *)t);
        else
                snprintf(out, size, "#%" PRId64, subject);
}

int rk_audit_subject_number(const char *text, char *number, struct rk_error *err)
{
        const char *d = text;
        number[0] = '\0';
        if (d != NULL && (*d == 'C' || *d == 'c'))
                d++;
        size_t nd = d ? strspn(d, "0123456789") : 0;
        long long v = nd > 0 && nd <= 12 && d[nd] == '\0' ? strtoll(d, NULL, 10) : 0;
        if (v <= 0 || v > 999999)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Customer: a customer number such as C000123");
        snprintf(number, RK_AUDIT_NUMBER_SIZE, "C%06lld", v);
        return RK_OK;
}

int rk_audit_subject_parse(sqlite3 *db, const char *text, int64_t *id, char *number,
                           struct rk_error *err)
{
        *id = 0;
        int rc = rk_audit_subject_number(text, number, err);
        if (rc == RK_OK)
                rc = rk_custdb_by_number(db, number, id, err);
        if (rc == RK_ERR_NOTFOUND)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no customer is numbered %s",
                                  number);
        return rc;
}

const char *rk_audit_subject_text(const struct rk_audit_row *r, char *out, size_t size)
{
        if (r->subject <= 0)
                snprintf(out, size, "%s", "");
        else if (r->number[0] != '\0')
                snprintf(out, size, "%s", r->number);
        else
                snprintf(out, size, "#%" PRId64, r->subject);
        return out;
}

int rk_audit_user_report(sqlite3 *db, const char *user, const char *from, const char *to,
                         struct rk_audit_access **out, size_t *n, struct rk_error *err)
{
        sqlite3_stmt *st;
        *out = NULL;
        *n = 0;
        int rc =
            rk_sql_prepare(db,
                           "SELECT subject, groups, at, (SELECT number FROM customers"
                           " c WHERE c.id=subject) FROM audit_log WHERE user=?1"
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
                        subject_number(st, 3, subject, a->number, sizeof(a->number));
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
        /* TRANSLATORS: the column headers of the breach report's CSV file,
         * which people read; times are UTC */
        static const char *const header[] = {N_("user"),     N_("subject"),
                                             N_("events"),   N_("first_utc"),
                                             N_("last_utc"), N_("field_groups")};
        int bad = 0;
        for (size_t i = 0; i < 6; i++)
                bad |= rk_csv_cell(out, _(header[i]), i == 5);
        for (size_t i = 0; i < n; i++) {
                char count[24];
                snprintf(count, sizeof(count), "%" PRId64, a[i].count);
                const char *cells[] = {user,       a[i].number, count,
                                       a[i].first, a[i].last,   a[i].groups};
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
        rk_audit_subject_text(r, subject, sizeof(subject));
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
