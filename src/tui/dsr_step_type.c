/*
 * dsr_step_type.c - step 1 of the request wizard (dsr_ui.h): which right
 * the person exercises, the purpose for an objection or a consent
 * withdrawal, and the day the request was received (the deadline runs
 * from it; today unless it came by post).
 *
 * How it works: a list of the request types (labels from core), a purpose
 * chooser (Left/Right through rk_dsr_purposes()) shown only for the types
 * that take one, and a date field. Tab moves between them. Nothing is
 * registered here: step 2 registers the request once the person's records
 * are chosen, so Esc from step 2 can still come back and change the type.
 */
#include <stdio.h>
#include <string.h>

#include "dsr_ui.h"

static const char *const type_help[RK_DSR_TYPE_COUNT] = {
    [RK_DSR_ACCESS] = N_("A copy of their data (JSON and text)"),
    [RK_DSR_RECTIFICATION] = N_("Correct their data in the customer form"),
    [RK_DSR_ERASURE] = N_("Erase them; held orders stay anonymised"),
    [RK_DSR_RESTRICTION] = N_("Hide them from all views until lifted"),
    [RK_DSR_OBJECTION] = N_("Stop processing for one purpose"),
    [RK_DSR_PORTABILITY] = N_("Their data as a machine-readable file"),
    [RK_DSR_CONSENT_WITHDRAWAL] = N_("Withdraw the consent for one purpose"),
};

static const struct rk_tui_column type_columns[] = {
    {NULL, 31, RK_TUI_LEFT},
    {NULL, 0, RK_TUI_LEFT},
};

static const char *type_cell(void *ctx, size_t row, size_t col)
{
        (void)ctx;
        return _(col == 0 ? rk_dsr_type_label((enum rk_dsr_type)row) : type_help[row]);
}

/* The purposes of the selected type (none for most types). */
static void load_purposes(struct dsr_wizard *w)
{
        const char *all = rk_dsr_purposes((enum rk_dsr_type)w->type.list.sel);
        w->type.npurposes = 0;
        w->type.purpose = 0;
        while (all != NULL && *all != '\0' && w->type.npurposes < DSR_CHOICE) {
                size_t len = strcspn(all, "|");
                snprintf(w->type.purposes[w->type.npurposes++], RK_DSR_PURPOSE_MAX + 1,
                         "%.*s", (int)len, all);
                all += len + (all[len] == '|');
        }
}

static int type_enter(struct rk_tui_app *app, struct dsr_wizard *w, struct rk_error *err)
{
        (void)app;
        if (w->req.id != 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("The type of a registered request cannot change"));
        if (w->type.list.cols == NULL) { /* first visit; coming back keeps it */
                rk_tui_list_init(&w->type.list, type_columns, 2, type_cell, w,
                                 RK_DSR_TYPE_COUNT);
                rk_date_today(w->type.received);
                rk_tui_field_init(&w->type.f_received, w->type.received,
                                  sizeof(w->type.received), 10, false);
        }
        return RK_OK;
}

static void type_draw(struct rk_tui_app *app, struct dsr_wizard *w, WINDOW *win, int y)
{
        int width = getmaxx(win) - 4, x = 4;
        /* the fields after the wider label as the language writes it
         * (Finnish "Käyttötarkoitus:" is 16 columns), from column 16 at
         * the least; the hints move with them */
        int fx = rk_tui_text_cols(_("Purpose:")),
            rx = rk_tui_text_cols(_("Received on:"));
        fx = 2 + (fx > rx ? fx : rx) + 1;
        fx = fx > 16 ? fx : 16;
        rk_tui_print(win, y, 2, width, RK_ROLE_LABEL,
                     _("Which right does the person use?"));
        rk_tui_list_draw(&w->type.list, win, y + 1, x, RK_DSR_TYPE_COUNT, width - 2);
        if (w->type.focus != 0) /* show the choice when the list is not focused */
                rk_tui_print(win, y + 1 + (int)w->type.list.sel, 2, 1, RK_ROLE_OK, ">");
        y += 2 + RK_DSR_TYPE_COUNT;
        if (w->type.npurposes > 0) {
                char text[64];
                snprintf(text, sizeof(text), "< %s >", w->type.purposes[w->type.purpose]);
                rk_tui_print(win, y, 2, fx - 2, RK_ROLE_LABEL, _("Purpose:"));
                rk_tui_print(win, y, fx, width - fx,
                             w->type.focus == 1 ? RK_ROLE_FIELD_FOCUS : RK_ROLE_FIELD,
                             text);
                rk_tui_print(win, y, fx + 30, width - fx - 30, RK_ROLE_DIM,
                             _("Left/Right changes"));
                y++;
        }
        rk_tui_print(win, y, 2, fx - 2, RK_ROLE_LABEL, _("Received on:"));
        rk_tui_field_draw(&w->type.f_received, app, win, y, fx, 12, w->type.focus == 2);
        rk_tui_print(win, y, fx + 14, width - fx - 14, RK_ROLE_DIM,
                     _("YYYY-MM-DD; due one month later"));
        rk_tui_print(win, y + 2, 2, width, RK_ROLE_DIM,
                     _("Tab moves between type, purpose and date. Enter goes on."));
        /* the selected type whole, when its row had to cut it */
        const char *label = type_cell(w, w->type.list.sel, 0),
                   *help = type_cell(w, w->type.list.sel, 1);
        if (rk_tui_text_cols(label) > type_columns[0].width ||
            rk_tui_text_cols(help) > width - 2 - type_columns[0].width - 1) {
                char whole[256];
                snprintf(whole, sizeof(whole), "%s: %s", label, help);
                rk_ui_print_wrapped(win, y + 4, 2, width, 2, RK_ROLE_NORMAL, whole);
        }
}

static int act_tab(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dsr_wizard *w = state;
        do
                w->type.focus = (w->type.focus + 1) % 3;
        while (w->type.focus == 1 && w->type.npurposes == 0);
        return RK_TUI_REDRAW;
}

static int type_key(struct rk_tui_app *app, struct dsr_wizard *w, int key)
{
        if (w->type.focus == 0) {
                size_t was = w->type.list.sel;
                int r = rk_tui_list_key(&w->type.list, key);
                if (w->type.list.sel != was)
                        load_purposes(w);
                return r;
        }
        if (w->type.focus == 2)
                return rk_tui_field_key(&w->type.f_received, app, key);
        size_t n = w->type.npurposes;
        if (key == RK_TUI_FKEY(KEY_RIGHT) || key == ' ')
                w->type.purpose = (w->type.purpose + 1) % n;
        else if (key == RK_TUI_FKEY(KEY_LEFT))
                w->type.purpose = (w->type.purpose + n - 1) % n;
        else
                return RK_TUI_UNHANDLED;
        return RK_TUI_REDRAW;
}

static int act_next(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        if (!rk_date_parse(w->type.received, NULL, NULL, NULL)) {
                w->type.focus = 2;
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Received on: a date YYYY-MM-DD, e.g. %s"),
                                      today);
        }
        if (strcmp(w->type.received, today) > 0) {
                w->type.focus = 2;
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Received on: is in the future"));
        }
        w->req.type = (enum rk_dsr_type)w->type.list.sel;
        snprintf(w->req.purpose, sizeof(w->req.purpose), "%s",
                 w->type.npurposes ? w->type.purposes[w->type.purpose] : "");
        snprintf(w->req.received_on, sizeof(w->req.received_on), "%s", w->type.received);
        return dsr_wizard_go(app, w, DSR_FIND);
}

static int act_cancel(struct rk_tui_app *app, void *state)
{
        return dsr_wizard_leave(app, state, _("No request registered"));
}

static const struct rk_tui_binding type_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Next"), N_("Go on to finding the person"), act_next},
    {'\t', "Tab", N_("Field"), N_("Move between type, purpose and date"), act_tab},
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Leave without registering a request"),
     act_cancel},
};

const struct dsr_step dsr_step_type = {
    .title = N_("Request type"),
    .enter = type_enter,
    .draw = type_draw,
    .key = type_key,
    .keys = type_keys,
    .n_keys = sizeof(type_keys) / sizeof(type_keys[0]),
};
