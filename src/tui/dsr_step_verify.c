/*
 * dsr_step_verify.c - step 3 of the request wizard (dsr_ui.h): record how
 * the person's identity was verified (rk_dsr_verify), which execution
 * needs. F6 closes the request here instead, e.g. when the identity could
 * not be verified.
 *
 * How it works: one free-text field, pre-filled with what was recorded
 * before (coming back, or a resumed request), so Enter keeps or corrects
 * it. The text describes the method; the hint asks not to copy document
 * numbers into it.
 */
#include <stdio.h>
#include <string.h>

#include "dsr_ui.h"

static int verify_enter(struct rk_tui_app *app, struct dsr_wizard *w,
                        struct rk_error *err)
{
        (void)app;
        (void)err;
        snprintf(w->verify.how, sizeof(w->verify.how), "%s", w->req.verification);
        rk_tui_field_init(&w->verify.f_how, w->verify.how, sizeof(w->verify.how),
                          RK_DSR_TEXT_MAX, false);
        return RK_OK;
}

static void verify_draw(struct rk_tui_app *app, struct dsr_wizard *w, WINDOW *win, int y)
{
        int width = getmaxx(win) - 4;
        char subjects[256];
        dsr_subjects_text(&w->req, subjects, sizeof(subjects));
        rk_tui_print(win, y, 2, 12, RK_ROLE_LABEL, _("Records:"));
        rk_ui_print_wrapped(win, y, 14, width - 12, 2, RK_ROLE_NORMAL, subjects);
        rk_tui_print(win, y + 3, 2, width, RK_ROLE_LABEL,
                     _("How was the person's identity verified?"));
        rk_tui_field_draw(&w->verify.f_how, app, win, y + 5, 4, width - 4, true);
        rk_ui_print_wrapped(win, y + 7, 4, width - 4, 4, RK_ROLE_DIM,
                            _("Describe the method, e.g. \"strong electronic "
                              "identification\" or \"passport shown at the office, "
                              "checked by the handler\". Do not copy document numbers. "
                              "Enter records it and goes on; F6 closes the request "
                              "instead (e.g. the identity could not be verified)."));
}

static int verify_key(struct rk_tui_app *app, struct dsr_wizard *w, int key)
{
        return rk_tui_field_key(&w->verify.f_how, app, key);
}

static int act_next(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        struct rk_error err;
        rk_error_clear(&err);
        if (strspn(w->verify.how, " ") == strlen(w->verify.how))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Say how the identity was verified"));
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        if (strcmp(w->verify.how, w->req.verification) != 0 ||
            w->req.status == RK_DSR_OPEN) {
                if (rk_dsr_verify(w->ui->session, w->req.id, w->verify.how, &err) !=
                        RK_OK ||
                    dsr_wizard_reload(w, &err) != RK_OK)
                        return dsr_wizard_fail(app, &err);
        }
        return dsr_wizard_go(app, w, DSR_PREVIEW);
}

static int act_back(struct rk_tui_app *app, void *state)
{
        return dsr_wizard_go(app, state, DSR_FIND);
}

static int act_close(struct rk_tui_app *app, void *state)
{
        return dsr_wizard_go(app, state, DSR_CLOSE);
}

static const struct rk_tui_binding verify_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Next"), N_("Record the verification and go on"),
     act_next},
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Close"),
     N_("Close the request without carrying it out"), act_close},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the person's records"), act_back},
};

const struct dsr_step dsr_step_verify = {
    .title = N_("Verify the identity"),
    .enter = verify_enter,
    .draw = verify_draw,
    .key = verify_key,
    .keys = verify_keys,
    .n_keys = sizeof(verify_keys) / sizeof(verify_keys[0]),
};
