/*
 * audit_util.c - small helpers the audit viewer's screens share (see
 * audit_ui.h): the session for the core's audit calls, the permission
 * check, and the date check of filter forms.
 *
 * How it works: dates are checked by the core's field rule for dates
 * (rk_field_check with RK_V_DATE) through a field description that only
 * names the label, so the viewer and customer forms accept the same dates
 * with the same messages.
 */
#include "audit_ui.h"

#include "rekisteri/record.h"

#include <string.h>

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

static int check_date(struct rk_tui_app *app, const char *label, const char *text)
{
        const struct rk_field f = {
            .label = label, .validator = RK_V_DATE, .max_chars = 10};
        char out[16];
        struct rk_error err;
        rk_error_clear(&err);
        if (rk_field_check(&f, text, NULL, out, sizeof(out), &err) == RK_OK)
                return RK_OK;
        rk_tui_message(app, RK_TUI_WARNING, "%s", err.msg);
        return RK_ERR_INVALID;
}

int rk_ui_audit_check_dates(struct rk_tui_app *app, const char *from, const char *until)
{
        int rc = check_date(app, _("From"), from);
        if (rc == RK_OK)
                rc = check_date(app, _("Until"), until);
        if (rc == RK_OK && from[0] != '\0' && until[0] != '\0' &&
            strcmp(from, until) >= 0) {
                rk_tui_message(app, RK_TUI_WARNING, _("Until must come after From"));
                rc = RK_ERR_INVALID;
        }
        return rc;
}
