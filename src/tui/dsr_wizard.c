/*
 * dsr_wizard.c - the frame of the data-subject request wizard (see
 * dsr_ui.h): the step table, moving between steps, the header every step
 * shares, and opening the wizard new or at the step a request waits at.
 *
 * How it works: the wizard is one screen; its ops (kept in the state)
 * take the current step's key table, so the key bar and the help screen
 * always describe the step on view. Moving to a step runs the step's
 * enter(), which loads what it shows from core and may refuse (the
 * refusal goes on the message line and the wizard stays where it was).
 * The header names the step ("Step 4 of 6: Preview") and, once the
 * request is registered, its number, type, status and due date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsr_ui.h"
#include "rekisteri/format.h"

static const struct dsr_step *const steps[DSR_NSTEPS] = {
    [DSR_TYPE] = &dsr_step_type,       [DSR_FIND] = &dsr_step_find,
    [DSR_VERIFY] = &dsr_step_verify,   [DSR_PREVIEW] = &dsr_step_preview,
    [DSR_EXECUTE] = &dsr_step_execute, [DSR_CLOSE] = &dsr_step_close,
};

int dsr_wizard_fail(struct rk_tui_app *app, const struct rk_error *err)
{
        return rk_tui_message(app, RK_TUI_ERROR, "%s",
                              err->msg[0] ? err->msg : rk_rc_name(err->rc));
}

int dsr_wizard_go(struct rk_tui_app *app, struct dsr_wizard *w, enum dsr_step_no to)
{
        struct rk_error err;
        rk_error_clear(&err);
        const struct dsr_step *s = steps[to];
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        if (s->enter != NULL && s->enter(app, w, &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        size_t skip = s->skip != NULL ? s->skip(w) : 0;
        w->step = to;
        w->ops.keys = s->keys + skip;
        w->ops.n_keys = s->n_keys - skip;
        if (s->keys_for != NULL)
                w->ops.keys = s->keys_for(w, &w->ops.n_keys);
        return RK_TUI_REDRAW;
}

int dsr_wizard_leave(struct rk_tui_app *app, struct dsr_wizard *w, const char *msg)
{
        int flags = RK_TUI_POP;
        if (w->done != NULL)
                flags |= w->done(app, w->ctx);
        if (msg != NULL)
                rk_tui_message(app, RK_TUI_INFO, "%s", msg);
        return flags;
}

int dsr_wizard_reload(struct dsr_wizard *w, struct rk_error *err)
{
        struct rk_dsr_request r;
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        int rc = rk_dsr_get(w->ui->session, w->req.id, &r, err);
        if (rc != RK_OK)
                return rc;
        rk_dsr_request_clear(&w->req);
        w->req = r;
        return RK_OK;
}

const char *dsr_subject_kind_text(enum rk_dsr_subject_kind kind)
{
        return kind == RK_DSR_SUBJECT_CONTACT ? _("contact person") : _("customer");
}

void dsr_subjects_text(const struct rk_dsr_request *r, char *out, size_t size)
{
        out[0] = '\0';
        for (size_t i = 0; i < r->nsubjects; i++) {
                size_t used = strlen(out);
                if (r->subjects[i].kind == RK_DSR_SUBJECT_CONTACT)
                        snprintf(out + used, size - used, _("%s%s (contact)"),
                                 i ? ", " : "", r->subjects[i].number);
                else
                        snprintf(out + used, size - used, "%s%s", i ? ", " : "",
                                 r->subjects[i].number);
        }
}

const struct rk_tui_column dsr_subject_columns[DSR_SUBJECT_NCOLS] = {
    {N_("Record"), 8, RK_TUI_LEFT},
    {N_("Kind"), 0, RK_TUI_LEFT},
};

const char *dsr_subject_cell(void *ctx, size_t row, size_t col)
{
        const struct dsr_wizard *w = ctx;
        const struct rk_dsr_subject *s = &w->req.subjects[row];
        return col == 0 ? s->number : dsr_subject_kind_text(s->kind);
}

/* ---- the screen ---------------------------------------------------------------- */

/* "Request 12: access (verified), due 2026-03-01, 12 d left" */
static void request_line(const struct dsr_wizard *w, char *out, size_t size)
{
        const struct rk_dsr_request *r = &w->req;
        long long d = (long long)(r->days_left < 0 ? -r->days_left : r->days_left);
        char received[RK_FORMAT_SIZE], due[RK_FORMAT_SIZE];
        rk_format_date_text(r->received_on, received, sizeof(received));
        rk_format_date_text(r->due_on, due, sizeof(due));
        const char *type = rk_ui_status_text(rk_dsr_type_name(r->type));
        if (r->id == 0 && w->step == DSR_TYPE) {
                snprintf(out, size, _("New request, not registered yet"));
                return;
        }
        if (r->id == 0) {
                snprintf(out, size,
                         _("New request (%s%s%s) received %s, not registered yet"), type,
                         r->purpose[0] ? " " : "", r->purpose, received);
                return;
        }
        if (r->status == RK_DSR_CLOSED)
                snprintf(out, size, _("Request %lld: %s%s%s (closed), was due %s"),
                         (long long)r->id, type, r->purpose[0] ? " " : "", r->purpose,
                         due);
        else
                snprintf(out, size,
                         r->overdue
                             ? _("Request %lld: %s%s%s (%s), due %s, OVERDUE %lld d")
                             : _("Request %lld: %s%s%s (%s), due %s, %lld d left"),
                         (long long)r->id, type, r->purpose[0] ? " " : "", r->purpose,
                         rk_ui_status_text(rk_dsr_status_name(r->status)), due, d);
}

static void wizard_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct dsr_wizard *w = state;
        char head[128], line[200];
        int width = getmaxx(win) - 4;
        snprintf(head, sizeof(head), _("Step %d of %d: %s"), (int)w->step + 1, DSR_NSTEPS,
                 _(steps[w->step]->title));
        rk_tui_print(win, 0, 2, width, RK_ROLE_HEADER, head);
        request_line(w, line, sizeof(line));
        rk_tui_print(win, 1, 2, width, w->req.overdue ? RK_ROLE_ERROR : RK_ROLE_DIM,
                     line);
        steps[w->step]->draw(app, w, win, 3);
}

static int wizard_key(struct rk_tui_app *app, void *state, int key)
{
        struct dsr_wizard *w = state;
        if (steps[w->step]->key == NULL)
                return RK_TUI_UNHANDLED;
        return steps[w->step]->key(app, w, key);
}

static void wizard_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dsr_wizard *w = state;
        for (size_t i = 0; i < w->find.n; i++)
                free(w->find.picks[i].name);
        rk_dsr_preview_free(&w->preview.p);
        rk_dsr_request_clear(&w->req);
        explicit_bzero(w, sizeof(*w));
        free(w);
}

static const struct rk_tui_screen_ops wizard_ops = {
    .name = N_("Request wizard"),
    .draw = wizard_draw,
    .key = wizard_key,
    .fini = wizard_fini,
};

/* The step a registered request resumes at. */
static enum dsr_step_no resume_step(const struct rk_dsr_request *r)
{
        switch (rk_dsr_next_step(r)) {
        case RK_DSR_STEP_SUBJECTS:
                return DSR_FIND;
        case RK_DSR_STEP_VERIFY:
                return DSR_VERIFY;
        case RK_DSR_STEP_EXECUTE:
                return DSR_PREVIEW;
        default:
                return DSR_CLOSE;
        }
}

int rk_ui_dsr_wizard_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                          int (*done)(struct rk_tui_app *app, void *ctx), void *ctx)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct dsr_wizard *w = calloc(1, sizeof(*w));
        if (w == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        w->ui = ui;
        w->ops = wizard_ops;
        w->done = done;
        w->ctx = ctx;
        w->req.id = id;
        enum dsr_step_no at = DSR_TYPE;
        if (id != 0) {
                if (dsr_wizard_reload(w, &err) != RK_OK) {
                        wizard_fini(app, w);
                        return dsr_wizard_fail(app, &err);
                }
                at = resume_step(&w->req);
        }
        int flags = dsr_wizard_go(app, w, at);
        if (w->ops.keys == NULL) { /* the first step refused: nothing to show */
                wizard_fini(app, w);
                return flags;
        }
        return flags | rk_tui_push(app, &w->ops, w);
}
