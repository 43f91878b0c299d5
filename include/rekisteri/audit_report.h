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
        char number[RK_AUDIT_NUMBER_SIZE]; /* its customer number, "C000123" */
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

/*
 * rk_audit_subject_number - check and write out in full a customer number
 * as typed ("C000123", "c123", "123" all give "C000123" in number, of
 * RK_AUDIT_NUMBER_SIZE bytes). RK_ERR_INVALID (err says what a number
 * looks like) when text is not one. Needs no register.
 */
int rk_audit_subject_number(const char *text, char *number, struct rk_error *err);

/*
 * rk_audit_subject_parse - the customer a supervisor typed for "who
 * accessed": a customer number as shown everywhere ("C000123", any case,
 * the leading zeros optional, or just its digits "123"). *id gets the
 * customer's id (erased customers keep their number and are found), and
 * number (RK_AUDIT_NUMBER_SIZE bytes) the number written in full.
 * RK_ERR_INVALID when text is not a customer number (err says what is),
 * RK_ERR_NOTFOUND when no customer has that number.
 */
int rk_audit_subject_parse(sqlite3 *db, const char *text, int64_t *id, char *number,
                           struct rk_error *err);

/*
 * rk_audit_subject_text - the subject of row r as people know it: its
 * customer number, "" for a row with no subject, "#id" when the customer
 * row is missing (a damaged register). Writes into out and returns it.
 */
const char *rk_audit_subject_text(const struct rk_audit_row *r, char *out, size_t size);

/* rk_audit_export_csv - write the rows matching f (all of them, newest
 * first) as formula-safe CSV with a header line. */
int rk_audit_export_csv(sqlite3 *db, const struct rk_audit_filter *f, FILE *out,
                        struct rk_error *err);

#endif
