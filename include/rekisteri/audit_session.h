/*
 * audit_session.h - the audit trail's reads as session calls: verify, list,
 * the subject's and the user's questions, and their exports.
 *
 * Every call takes the session, decides with the one authorize() whether
 * its roles may read the trail (the "audit" action), and reads inside one
 * write transaction together with its own audit row, as a customer view
 * does: either the answer and its record both happen, or neither (a read
 * that fails leaves no row saying "ok"). The row carries the session's
 * place (rk_session_set_place): the front end names its screen or command
 * before the call. Front ends never hold the register's sqlite3 handle for
 * the trail.
 */
#ifndef REKISTERI_AUDIT_SESSION_H
#define REKISTERI_AUDIT_SESSION_H

#include "rekisteri/audit_report.h"
#include "rekisteri/session.h"

#include <stdbool.h>
#include <stdio.h>

/*
 * rk_audit_session_verify - rk_audit_verify_with(o) (o->key_text NULL:
 * chain only) and an "audit.verify" row whose result is "ok" or "failed"
 * as the verdict says. RK_OK when the check ran (v says how it went); the
 * read's error otherwise; RK_ERR_DENIED without the audit action.
 */
int rk_audit_session_verify(struct rk_session *s, const struct rk_audit_verify_opts *o,
                            struct rk_audit_verdict *v, struct rk_error *err);

/*
 * rk_audit_check_dates - the dates of a look at the trail: each "" or NULL
 * (not given) or a calendar day YYYY-MM-DD, and until after from.
 * RK_ERR_INVALID naming From or Until and the rule. Every look below
 * checks its dates so; front ends may ask before they look.
 */
int rk_audit_check_dates(const char *from, const char *until, struct rk_error *err);

/*
 * rk_audit_session_list - up to limit rows matching f, newest first, into a
 * malloc'd *rows (the caller frees), with an "audit.list" row (no subject;
 * a filter on a customer names the customer's number as its target) when record; record
 * false is for the next page of a listing already recorded (the permission is still
 * checked).
 */
int rk_audit_session_list(struct rk_session *s, const struct rk_audit_filter *f,
                          size_t limit, bool record, struct rk_audit_row **rows,
                          size_t *n, struct rk_error *err);

/* rk_audit_session_subject - "who accessed customer id": the rows about
 * subject id, as rk_audit_session_list with that filter. */
int rk_audit_session_subject(struct rk_session *s, int64_t id, size_t limit,
                             struct rk_audit_row **rows, size_t *n, struct rk_error *err);

/*
 * rk_audit_session_find - the customer a supervisor typed for a look at the
 * trail (rk_audit_subject_parse: "C000123", "c123", "123"): *id and its
 * number written in full. Needs the audit action (RK_ERR_DENIED);
 * RK_ERR_INVALID for a malformed number, RK_ERR_NOTFOUND for none such.
 * Writes no audit row: the look that follows does.
 */
int rk_audit_session_find(struct rk_session *s, const char *text, int64_t *id,
                          char *number, struct rk_error *err);

/* rk_audit_session_export - every row matching f as CSV into out, with an
 * "audit.export" row (no subject; as for the list). On error out may hold part of
 * the export: the caller removes the file. */
int rk_audit_session_export(struct rk_session *s, const struct rk_audit_filter *f,
                            FILE *out, struct rk_error *err);

/*
 * rk_audit_session_user_report - "what did user access in [from, to)"
 * (rk_audit_user_report; from/to may be NULL) into a malloc'd *out, with an
 * "audit.user_report" row naming the user.
 */
int rk_audit_session_user_report(struct rk_session *s, const char *user, const char *from,
                                 const char *to, struct rk_audit_access **out, size_t *n,
                                 struct rk_error *err);

/* rk_audit_session_breach_report - the user report as breach-impact CSV
 * (rk_audit_user_report_csv) into out, with an "audit.export" row naming
 * the user. On error the caller removes the file. */
int rk_audit_session_breach_report(struct rk_session *s, const char *user,
                                   const char *from, const char *to, FILE *out,
                                   struct rk_error *err);

#endif
