/*
 * dsr_step_close.c - step 6 of the request wizard (dsr_ui.h): the summary
 * of what was done and the outcome told to the person (rk_dsr_close).
 * A closed request opens here too, read-only.
 *
 * How it works: the summary comes from the request (rk_dsr_get) and, when
 * this wizard carried it out, from core's result: records and rows acted
 * on, the files written, and a note when the WAL could not be truncated
 * yet. The outcome field starts with a sentence for the type, to edit.
 * A carried-out restriction stays in force until it is lifted, and only
 * an open request can be lifted: F6 lifts it here (the dashboard has the
 * same key), and Esc leaves the request open for later.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>

#include "dsr_ui.h"
#include "rekisteri/format.h"

#define LINE (DSR_PATH + 64)

static bool liftable(const struct dsr_wizard *w)
{
        return w->req.type == RK_DSR_RESTRICTION && w->req.status == RK_DSR_EXECUTED &&
               !w->close.lifted;
}

static void default_outcome(const struct dsr_wizard *w, char *out, size_t size)
{
        const struct rk_dsr_request *r = &w->req;
        static const char *const text[RK_DSR_TYPE_COUNT] = {
            [RK_DSR_ACCESS] =
                N_("Sent the person a copy of their data (JSON and text report)."),
            [RK_DSR_RECTIFICATION] = N_("Corrected the data as the person asked."),
            [RK_DSR_ERASURE] =
                N_("Erased the data; orders under legal hold kept, anonymised."),
            [RK_DSR_RESTRICTION] = N_("Restricted the processing of the data."),
            [RK_DSR_OBJECTION] = NULL, /* for a purpose: below */
            [RK_DSR_PORTABILITY] = N_("Sent the person their data as a JSON file."),
            [RK_DSR_CONSENT_WITHDRAWAL] = NULL,
        };
        if (r->outcome[0] != '\0')
                snprintf(out, size, "%s", r->outcome);
        else if (r->status != RK_DSR_EXECUTED)
                out[0] = '\0';
        else if (r->type == RK_DSR_OBJECTION)
                snprintf(out, size,
                         _("Recorded the objection; stopped processing for %s."),
                         r->purpose);
        else if (r->type == RK_DSR_CONSENT_WITHDRAWAL)
                snprintf(out, size, _("Withdrew the consent for %s."), r->purpose);
        else
                snprintf(out, size, "%s", _(text[r->type]));
}

static int close_enter(struct rk_tui_app *app, struct dsr_wizard *w, struct rk_error *err)
{
        (void)app;
        (void)err;
        default_outcome(w, w->close.outcome, sizeof(w->close.outcome));
        rk_tui_field_init(&w->close.f_outcome, w->close.outcome, sizeof(w->close.outcome),
                          RK_DSR_TEXT_MAX, false);
        rk_tui_list_init(&w->close.list, dsr_subject_columns, DSR_SUBJECT_NCOLS,
                         dsr_subject_cell, w, w->req.nsubjects);
        return RK_OK;
}

/* What was done, one line each, into lines[0..max); returns the count. */
static int done_lines(const struct dsr_wizard *w, char lines[][LINE], int max)
{
        const struct rk_dsr_result *res = &w->close.result;
        char day[RK_FORMAT_SIZE];
        int n = 0;
        if (w->req.executed_at == 0) {
                snprintf(lines[n++], LINE, _("Not carried out."));
                return n;
        }
        rk_format_day(w->req.executed_at, day, sizeof(day));
        if (!w->close.executed_now) {
                snprintf(lines[n++], LINE, _("Carried out on %s."), day);
                return n;
        }
        snprintf(lines[n++], LINE, _("Carried out today: %lld record(s), %lld row(s)."),
                 (long long)res->subjects, (long long)res->rows);
        if (res->json_path[0] != '\0' && n < max)
                snprintf(lines[n++], LINE, _("Wrote %s (%04o)"), res->json_path,
                         res->file_mode);
        if (res->text_path[0] != '\0' && n < max)
                snprintf(lines[n++], LINE, _("Wrote %s (%04o)"), res->text_path,
                         res->file_mode);
        return n; /* a pending note is drawn wrapped, by close_draw */
}

static void close_draw(struct rk_tui_app *app, struct dsr_wizard *w, WINDOW *win, int y)
{
        int width = getmaxx(win) - 4;
        char lines[5][LINE], text[300];
        rk_tui_print(win, y, 2, 12, RK_ROLE_LABEL, _("Type:"));
        rk_tui_print(win, y, 14, width - 12, RK_ROLE_NORMAL,
                     _(rk_dsr_type_label(w->req.type)));
        /* the verification and the records wrap (up to 2 and 3 rows)
         * rather than being cut at the edge */
        y++;
        rk_tui_print(win, y, 2, 12, RK_ROLE_LABEL, _("Verified:"));
        y += rk_ui_print_wrapped(win, y, 14, width - 12, 2, RK_ROLE_NORMAL,
                                 w->req.verification[0] ? w->req.verification : "-");
        dsr_subjects_text(&w->req, text, sizeof(text));
        rk_tui_print(win, y, 2, 12, RK_ROLE_LABEL, _("Records:"));
        y += rk_ui_print_wrapped(win, y, 14, width - 12, 3, RK_ROLE_NORMAL, text);
        int n = done_lines(w, lines, 5);
        if (w->close.lifted && n < 5)
                snprintf(lines[n++], LINE, _("The restriction was lifted."));
        for (int i = 0; i < n; i++)
                rk_tui_print(win, y++, 2, width, i == 0 ? RK_ROLE_OK : RK_ROLE_NORMAL,
                             lines[i]);
        if (w->close.executed_now && w->close.result.flush_note[0] != '\0') {
                char note[sizeof(w->close.result.flush_note) + 8];
                snprintf(note, sizeof(note), _("Note: %s"), w->close.result.flush_note);
                y += rk_ui_print_wrapped(win, y, 2, width, 3, RK_ROLE_WARNING, note);
        }
        y++;
        if (liftable(w))
                y += rk_ui_print_wrapped(
                         win, y, 2, width, 2, RK_ROLE_WARNING,
                         _("This request restricted the records. F6 lifts the "
                           "restriction (tell the person first); only an open request "
                           "can lift it, so Esc keeps the request open.")) +
                     1;
        if (w->req.status == RK_DSR_CLOSED) {
                rk_format_day(w->req.closed_at, text, sizeof(text));
                rk_tui_print(win, y, 2, width, RK_ROLE_LABEL, _("Closed on"));
                rk_tui_print(win, y, 12, width - 10, RK_ROLE_NORMAL, text);
                rk_ui_print_wrapped(win, y + 1, 2, width, 3, RK_ROLE_NORMAL,
                                    w->req.outcome);
                return;
        }
        rk_tui_print(win, y, 2, width, RK_ROLE_LABEL, _("Outcome told to the person:"));
        rk_tui_field_draw(&w->close.f_outcome, app, win, y + 1, 4, width - 4, true);
        rk_tui_print(win, y + 2, 4, width - 4, RK_ROLE_DIM,
                     _("Enter closes the request with this outcome."));
}

static int close_key(struct rk_tui_app *app, struct dsr_wizard *w, int key)
{
        if (w->req.status == RK_DSR_CLOSED)
                return RK_TUI_UNHANDLED;
        return rk_tui_field_key(&w->close.f_outcome, app, key);
}

static int act_close(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        struct rk_error err;
        char msg[64];
        rk_error_clear(&err);
        if (strspn(w->close.outcome, " ") == strlen(w->close.outcome))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Write the outcome told to the person"));
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        if (rk_dsr_close(w->ui->session, w->req.id, w->close.outcome, &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        snprintf(msg, sizeof(msg), _("Request %lld closed"), (long long)w->req.id);
        return dsr_wizard_leave(app, w, msg);
}

static int do_lift(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct dsr_wizard *w = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes)
                return RK_TUI_NONE;
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        if (rk_dsr_lift_restriction(w->ui->session, w->req.id, &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        w->close.lifted = true;
        rk_tui_message(app, RK_TUI_INFO, _("Restriction lifted"));
        return RK_TUI_REDRAW | dsr_wizard_go(app, w, DSR_CLOSE);
}

static int act_lift(struct rk_tui_app *app, void *state)
{
        return rk_tui_dialog_confirm(app, _("Lift the restriction"),
                                     _("Lift the restriction of these records?\n"
                                       "They show again in every view."),
                                     do_lift, state);
}

static int act_leave(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        return dsr_wizard_leave(app, w,
                                w->req.status == RK_DSR_CLOSED
                                    ? NULL
                                    : _("The request stays open on the dashboard"));
}

/* F6 only for a liftable restriction, Enter only while open (close_skip). */
static const struct rk_tui_binding close_keys[] = {
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Lift"),
     N_("Lift the restriction (a step of this request)"), act_lift},
    {RK_TUI_KEY_ENTER, "Enter", N_("Close"), N_("Close the request with the outcome"),
     act_close},
    {RK_TUI_KEY_ESC, "Esc", N_("Leave"),
     N_("Leave the wizard; an open request stays open"), act_leave},
};

static size_t close_skip(const struct dsr_wizard *w)
{
        if (w->req.status == RK_DSR_CLOSED)
                return 2;
        return liftable(w) ? 0 : 1;
}

const struct dsr_step dsr_step_close = {
    .title = N_("Close"),
    .enter = close_enter,
    .draw = close_draw,
    .key = close_key,
    .keys = close_keys,
    .n_keys = sizeof(close_keys) / sizeof(close_keys[0]),
    .skip = close_skip,
};
