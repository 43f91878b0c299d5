/*
 * audit_util.c - small helpers the audit viewer's screens share (see
 * audit_ui.h): the session for the core's audit calls, the permission
 * check, and the date check of filter forms.
 *
 * How it works: dates are checked by the core (rk_audit_check_dates, the
 * field rule for dates), so the viewer, the command line and the customer
 * forms accept the same dates with the same messages.
 */
#include "audit_ui.h"

#include "rekisteri/audit_session.h"

struct rk_session *rk_ui_audit_session(struct rk_ui *ui)
{
        rk_session_set_place(ui->session, RK_UI_AUDIT_PLACE);
        return ui->session;
}

int rk_ui_audit_allowed(struct rk_tui_app *app, struct rk_ui *ui)
{
        if (rk_authorize_action(rk_session_grants(ui->session), RK_ACTION_AUDIT))
                return RK_OK;
        rk_tui_message(app, RK_TUI_ERROR, _("Your role may not read the audit trail"));
        return RK_ERR_DENIED;
}

int rk_ui_audit_check_dates(struct rk_tui_app *app, const char *from, const char *until)
{
        struct rk_error err;
        rk_error_clear(&err);
        int rc = rk_audit_check_dates(from, until, &err);
        if (rc != RK_OK)
                rk_tui_message(app, RK_TUI_WARNING, "%s", err.msg);
        return rc;
}
