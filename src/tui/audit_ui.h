/*
 * audit_ui.h - the supervisor's audit viewer, shared between its screens
 * (internal to src/tui): the trail list (audit_list.c), "who accessed
 * subject X" (the same list, filtered), the row detail (audit_detail.c),
 * "what did user Y access" (audit_user.c), the integrity check
 * (audit_check.c) and CSV export (audit_export.c).
 *
 * Every look at the trail is a session call in the core (audit_session.h),
 * as in the CLI: it checks the permission and records the look (audit.list,
 * audit.user_report, audit.export, audit.verify) in the same transaction as
 * the read, so nothing is shown that was not recorded. The openers ask
 * rk_authorize_action(RK_ACTION_AUDIT) first only to offer no screen that
 * would be refused.
 */
#ifndef RK_TUI_AUDIT_UI_H
#define RK_TUI_AUDIT_UI_H

#include <stdint.h>
#include <stdio.h>

#include "rekisteri/audit_report.h"
#include "ui.h"

/* The place names audit rows of these screens carry. */
#define RK_UI_AUDIT_PLACE "audit trail"

/* rk_ui_audit_session - the session, with RK_UI_AUDIT_PLACE as its place,
 * for the core's audit calls (audit_session.h): they check the permission
 * and record each look in the same transaction as the read. */
struct rk_session *rk_ui_audit_session(struct rk_ui *ui);

/* rk_ui_audit_allowed - RK_OK when the session may read the trail, else
 * RK_ERR_DENIED with a message on the message line. */
int rk_ui_audit_allowed(struct rk_tui_app *app, struct rk_ui *ui);

/* rk_ui_audit_subject_open - "who accessed customer subject" (numbered
 * number): every entry that names the customer as its subject, newest
 * first. Returns flags. */
int rk_ui_audit_subject_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t subject,
                             const char *number);

/* rk_ui_audit_detail_open - every column of row (copied). Returns flags. */
int rk_ui_audit_detail_open(struct rk_tui_app *app, const struct rk_audit_row *row);

/* rk_ui_audit_user_ask - ask user, from and until, then show the
 * breach-impact report. Returns flags. */
int rk_ui_audit_user_ask(struct rk_tui_app *app, struct rk_ui *ui);

/* rk_ui_audit_check_ask - ask for the audit key (optional, masked), then
 * verify the trail and show the verdict. Returns flags. */
int rk_ui_audit_check_ask(struct rk_tui_app *app, struct rk_ui *ui);

/*
 * rk_ui_audit_export - write a CSV export to path: create it (mode 0600,
 * never overwriting), then write(out, ctx, err), a core session call that
 * records audit.export with its read. On success returns RK_TUI_POP
 * (closing the file-name form) with a message naming the file; on failure
 * removes a half-written file and returns an error message only, so the
 * form stays for another name.
 */
int rk_ui_audit_export(struct rk_tui_app *app, struct rk_ui *ui, const char *path,
                       int (*write)(FILE *out, void *ctx, struct rk_error *err),
                       void *ctx);

/*
 * rk_ui_audit_check_dates - check optional From/Until answers (YYYY-MM-DD,
 * a real day; "" is no limit) with the core's date rule. RK_OK, or an
 * error message set and RK_ERR_INVALID.
 */
int rk_ui_audit_check_dates(struct rk_tui_app *app, const char *from, const char *until);

#endif
