/*
 * audit_ui.h - the supervisor's audit viewer, shared between its screens
 * (internal to src/tui): the trail list (audit_list.c), "who accessed
 * subject X" (the same list, filtered), the row detail (audit_detail.c),
 * "what did user Y access" (audit_user.c), the integrity check
 * (audit_check.c) and CSV export (audit_export.c).
 *
 * Every look at the trail is recorded in the trail itself before it is
 * shown, as the CLI does: audit.list, audit.user_report, audit.export,
 * audit.verify. Each screen asks rk_authorize_action(RK_ACTION_AUDIT)
 * through its opener, and the core's answer is what counts.
 */
#ifndef RK_TUI_AUDIT_UI_H
#define RK_TUI_AUDIT_UI_H

#include <stdint.h>
#include <stdio.h>

#include "rekisteri/audit_report.h"
#include "ui.h"

/* The place names audit rows of these screens carry. */
#define RK_UI_AUDIT_PLACE "audit trail"

/* rk_ui_audit_db - the register's database of the session. */
sqlite3 *rk_ui_audit_db(struct rk_ui *ui);

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
 * never overwriting), record audit.export (target: what was exported, a
 * user or a customer number, or NULL), then write(out, ctx, err). On success returns
 * RK_TUI_POP (closing the file-name form) with a message naming the file; on failure
 * removes a half-written file and returns an error message only, so the
 * form stays for another name.
 */
int rk_ui_audit_export(struct rk_tui_app *app, struct rk_ui *ui, const char *path,
                       const char *target,
                       int (*write)(FILE *out, void *ctx, struct rk_error *err),
                       void *ctx);

/*
 * rk_ui_audit_check_dates - check optional From/Until answers (YYYY-MM-DD,
 * a real day; "" is no limit) with the core's date rule. RK_OK, or an
 * error message set and RK_ERR_INVALID.
 */
int rk_ui_audit_check_dates(struct rk_tui_app *app, const char *from, const char *until);

/* The hint under forms with dates. */
#define RK_UI_AUDIT_DATES_HINT "Dates UTC, YYYY-MM-DD; From inclusive, Until exclusive."

#endif
