/*
 * audit_check.c - the integrity check of the audit trail from the screen:
 * the hash chain always, and every MAC when the supervisor types the
 * audit key K(0) shown at init (masked, kept in guarded memory, wiped
 * when the form closes).
 *
 * How it works: a form (ask.h) asks for the key; the check runs deferred
 * after "Checking..." is on screen, because a long trail takes a moment.
 * The check is recorded (audit.verify, with its result) and the verdict
 * is shown in a dialog: "OK: N entries, head ..." or "FAILED at entry N:
 * why", the words of `rekisteri audit verify`.
 */
#include "audit_ui.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/audit_session.h"

static int verdict(struct rk_tui_app *app, const struct rk_audit_verdict *v)
{
        char text[400];
        if (!v->ok) {
                snprintf(text, sizeof(text),
                         _("FAILED at entry %" PRId64 ":\n%s\n\n"
                           "The trail was changed after it was written."),
                         v->bad_id, v->why);
                return rk_tui_dialog_info(app, _("Audit trail check"), text);
        }
        snprintf(text, sizeof(text), _("OK: %" PRId64 " entries, head\n%s\n\n%s"),
                 v->rows, v->head,
                 v->macs_checked
                     ? _("Every MAC verified with the audit key.")
                     : _("Chain only; give the audit key to check the MACs."));
        return rk_tui_dialog_info(app, _("Audit trail check"), text);
}

static int check_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct rk_ui *ui = ctx;
        struct rk_audit_verdict verdict_;
        struct rk_error err;
        rk_error_clear(&err);
        struct rk_audit_verify_opts o = {.key_text = v[0][0] ? v[0] : NULL};
        int rc = rk_audit_session_verify(rk_ui_audit_session(ui), &o, &verdict_, &err);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        /* damage (a page that cannot be read) is not tampering */
        rk_tui_message(app, verdict_.ok ? RK_TUI_INFO : RK_TUI_ERROR, "%s",
                       verdict_.ok ? _("The audit trail is intact")
                       : verdict_.damaged
                           ? _("The audit trail could not be read: a page is damaged")
                           : _("The audit trail has been tampered with"));
        return RK_TUI_POP | verdict(app, &verdict_);
}

int rk_ui_audit_check_ask(struct rk_tui_app *app, struct rk_ui *ui)
{
        if (rk_ui_audit_allowed(app, ui) != RK_OK)
                return RK_TUI_REDRAW;
        const struct rk_ui_ask ask = {
            .name = _("Check the trail"),
            .heading = _("Check the audit trail's integrity"),
            .hint = _("The audit key (64 hex digits) shown once at init checks every\n"
                      "MAC too; leave it empty to check the hash chain only."),
            .slow = _("Checking the audit trail..."),
            .done = check_done,
            .ctx = ui,
        };
        const struct rk_ui_ask_item item = {_("Audit key"), NULL, 64, true};
        return rk_ui_ask_open(app, &ask, &item, 1);
}
