/*
 * audit_report.h - the questions a supervisor asks of the audit trail:
 * "what did user Y access between T1 and T2" (the breach-impact report for
 * an Art. 33 notification: affected subjects, field groups, counts) and a
 * CSV export of any filtered listing.
 */
#ifndef REKISTERI_AUDIT_REPORT_H
#define REKISTERI_AUDIT_REPORT_H

#include "rekisteri/audit.h"

#include <stdio.h>

/* One affected subject in a breach-impact report. */
struct rk_audit_access {
        int64_t subject;
        char groups[160]; /* union of the field groups seen, comma-separated */
        int64_t count;    /* how many events */
        char first[21], last[21];
};

/*
 * rk_audit_user_report - every subject whose data user touched in [from,
 * to), with the union of field groups and counts, as a malloc'd array
 * ordered by subject. from/to may be NULL (open ends).
 */
int rk_audit_user_report(sqlite3 *db, const char *user, const char *from, const char *to,
                         struct rk_audit_access **out, size_t *n, struct rk_error *err);

/*
 * rk_audit_user_report_csv - write a breach-impact report (the n rows from
 * rk_audit_user_report for user) as formula-safe CSV with a header line:
 * user, subject, events, first_utc, last_utc, field_groups. RK_ERR_IO
 * when the file cannot be written.
 */
int rk_audit_user_report_csv(FILE *out, const char *user, const struct rk_audit_access *a,
                             size_t n, struct rk_error *err);

/* rk_audit_export_csv - write the rows matching f (all of them, newest
 * first) as formula-safe CSV with a header line. */
int rk_audit_export_csv(sqlite3 *db, const struct rk_audit_filter *f, FILE *out,
                        struct rk_error *err);

#endif
