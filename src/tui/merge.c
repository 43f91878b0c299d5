/*
 * merge.c - the Merge screen: two customers side by side, field by field,
 * with the choice of which value stays (merge.h).
 *
 * How it works: the plan is read by core (rk_merge_plan*, which records
 * the view of both in the audit trail) before the screen is pushed. The
 * body is a list with one row per field that either customer has: the
 * label, the survivor's value and the other's, with a star on the value
 * that stays. Left and Right choose the survivor's or the other's value of
 * the selected field, Space switches it, F3 swaps which customer
 * survives (a new plan). F2 asks y/n, naming what the core says needs
 * confirming (a restricted customer, an open request) and that the values
 * not kept are erased; yes runs the merge. When someone else changed
 * either customer meanwhile, the screen reads both again and says so; the
 * choices start over, so nothing is merged from a stale view. After the
 * merge the screen pops and done (when given) runs with the survivor, so
 * the screen below can show it.
 *
 * Entered from the customer detail (F7, supervisors: the number of the
 * customer to merge into the one shown) and from a duplicates list
 * (rk_ui_merge_open with both ids). The values are wiped when it closes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/i18n.h"
#include "rekisteri/merge.h"
#include "ui.h"

#define PLACE_MERGE "merge"
/* The Field column: as wide as the widest label the session reads in the
 * user's language ("Toimituksen postitoimipaikka"), within these. */
#define LABEL_MIN 22
#define LABEL_MAX 30

struct merge_screen {
        struct rk_ui *ui;
        struct rk_merge_plan p;
        size_t *rows; /* field index of each list row */
        size_t nrows;
        char cell[3][320];
        char head[2][48];
        struct rk_tui_column cols[3];
        struct rk_tui_list list;
        int (*done)(struct rk_tui_app *app, void *ctx, int64_t survivor);
        void *ctx;
};

/* ---- the rows ----------------------------------------------------------- */

static const char *cell(void *ctx, size_t row, size_t col)
{
        struct merge_screen *m = ctx;
        const struct rk_merge_field *f = &m->p.fields[m->rows[row]];
        if (col == 0)
                return _(f->field->label);
        const char *v = col == 1 ? f->survivor : f->other;
        bool kept = (col == 2) == f->keep_other;
        snprintf(m->cell[col], sizeof(m->cell[col]), "%s%s", kept && v ? "* " : "  ",
                 v ? v : "-");
        return m->cell[col];
}

/* The rows: every field that either customer has. */
static int build(struct merge_screen *m)
{
        free(m->rows);
        m->nrows = 0;
        m->rows = calloc(m->p.nfields + 1, sizeof(*m->rows));
        if (m->rows == NULL)
                return RK_ERR_NOMEM;
        for (size_t i = 0; i < m->p.nfields; i++)
                if (m->p.fields[i].survivor != NULL || m->p.fields[i].other != NULL)
                        m->rows[m->nrows++] = i;
        snprintf(m->head[0], sizeof(m->head[0]), _("%s stays"), m->p.survivor.number);
        snprintf(m->head[1], sizeof(m->head[1]), _("%s goes"), m->p.other.number);
        m->cols[0] = (struct rk_tui_column){
            _("Field"),
            rk_ui_label_cols(RK_REC_CUSTOMER, rk_session_grants(m->ui->session)->read,
                             LABEL_MIN, LABEL_MAX),
            RK_TUI_LEFT};
        m->cols[1] = (struct rk_tui_column){m->head[0], 0, RK_TUI_LEFT};
        m->cols[2] = (struct rk_tui_column){m->head[1], 0, RK_TUI_LEFT};
        size_t sel = m->list.sel;
        rk_tui_list_init(&m->list, m->cols, 3, cell, m, m->nrows);
        m->list.sel = sel < m->nrows ? sel : 0;
        return RK_OK;
}

/* Take a plan read by core: the rows follow it. */
static int adopt(struct merge_screen *m, struct rk_merge_plan *p, struct rk_error *err)
{
        rk_merge_plan_clear(&m->p);
        m->p = *p;
        memset(p, 0, sizeof(*p));
        int rc = build(m);
        if (rc != RK_OK)
                rk_error_set(err, rc, "%s", _("Out of memory"));
        return rc;
}

/* Read the plan (again); keeps the old one when that fails. */
static int plan(struct merge_screen *m, int64_t survivor, int64_t other,
                struct rk_error *err)
{
        struct rk_merge_plan p;
        rk_ui_place(m->ui, PLACE_MERGE);
        int rc = rk_merge_plan_ids(m->ui->session, survivor, other, &p, err);
        return rc == RK_OK ? adopt(m, &p, err) : rc;
}

/* ---- actions --------------------------------------------------------------- */

static int choose(struct rk_tui_app *app, struct merge_screen *m, int how)
{
        (void)app;
        if (m->nrows == 0)
                return RK_TUI_NONE;
        struct rk_merge_field *f = &m->p.fields[m->rows[m->list.sel]];
        f->keep_other = how < 0 ? false : how > 0 ? true : !f->keep_other;
        return RK_TUI_REDRAW;
}

static int act_left(struct rk_tui_app *app, void *state)
{
        return choose(app, state, -1);
}

static int act_right(struct rk_tui_app *app, void *state)
{
        return choose(app, state, 1);
}

static int act_toggle(struct rk_tui_app *app, void *state)
{
        return choose(app, state, 0);
}

static int act_swap(struct rk_tui_app *app, void *state)
{
        struct merge_screen *m = state;
        struct rk_error err;
        rk_error_clear(&err);
        if (plan(m, m->p.other.id, m->p.survivor.id, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return rk_tui_message(app, RK_TUI_INFO, _("Now %s stays and %s goes."),
                              m->p.survivor.number, m->p.other.number);
}

/* Deferred from the dialog's answer, so that it runs with this screen on
 * top again and its POP pops this screen, not the dialog. */
static int run_merge(struct rk_tui_app *app, void *state)
{
        struct merge_screen *m = state;
        struct rk_merge_result res;
        struct rk_error err;
        rk_error_clear(&err);
        rk_ui_place(m->ui, PLACE_MERGE);
        int rc = rk_merge_run(m->ui->session, &m->p, true, &res, &err);
        if (rc == RK_ERR_CONFLICT) {
                char why[sizeof(err.msg)];
                snprintf(why, sizeof(why), "%s", err.msg);
                if (plan(m, m->p.survivor.id, m->p.other.id, &err) != RK_OK)
                        return rk_tui_message(app, RK_TUI_WARNING, "%s", err.msg) |
                               RK_TUI_POP;
                return rk_tui_message(app, RK_TUI_WARNING, "%s", why);
        }
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        int64_t survivor = m->p.survivor.id;
        if (res.flushed)
                rk_tui_message(app, RK_TUI_INFO,
                               ngettext("Merged %s into %s: %lld record moved.",
                                        "Merged %s into %s: %lld records moved.",
                                        (unsigned long)res.moved),
                               m->p.other.number, m->p.survivor.number,
                               (long long)res.moved);
        else /* done, but the WAL keeps old pages until it is truncated */
                rk_tui_message(app, RK_TUI_WARNING, "%s", res.flush_note);
        int flags = m->done != NULL ? m->done(app, m->ctx, survivor) : RK_TUI_NONE;
        return flags | RK_TUI_POP | RK_TUI_REDRAW;
}

static int do_merge(struct rk_tui_app *app, void *ctx, bool yes)
{
        if (!yes)
                return RK_TUI_NONE;
        rk_tui_message(app, RK_TUI_INFO, "%s", _("Merging..."));
        return rk_tui_defer(app, run_merge, ctx);
}

static int act_merge(struct rk_tui_app *app, void *state)
{
        struct merge_screen *m = state;
        char text[640], why[384];
        int n = snprintf(text, sizeof(text),
                         _("Merge %s into %s?\nThe values without a star are erased; "
                           "this cannot be undone."),
                         m->p.other.number, m->p.survivor.number);
        char wrapped[448];
        if (m->p.ask != 0 && n > 0 && (size_t)n < sizeof(text))
                snprintf(text + n, sizeof(text) - (size_t)n, "\n%s",
                         rk_ui_wrap(rk_merge_ask_text(&m->p, why, sizeof(why)), 70,
                                    wrapped, sizeof(wrapped)));
        return rk_tui_dialog_confirm(app, _("Merge customers"), text, do_merge, m);
}

/* ---- the screen ------------------------------------------------------------- */

/* The selected field's two values in full (the columns may crop them),
 * at the bottom of the screen: each on one row, or on two rows when
 * either is wider than its row (a long e-mail address); a value longer
 * than two rows ends in an ellipsis. Returns the rows used. */
static int draw_selected(const struct merge_screen *m, WINDOW *win, int h, int w)
{
        const struct rk_merge_field *f = &m->p.fields[m->rows[m->list.sel]];
        const struct rk_merge_side *side[2] = {&m->p.survivor, &m->p.other};
        const char *value[2] = {f->survivor != NULL ? f->survivor : "-",
                                f->other != NULL ? f->other : "-"};
        int x = 2 + m->cols[0].width, room[2], per = 1;
        for (int i = 0; i < 2; i++) {
                room[i] = w - x - rk_tui_text_cols(side[i]->number) - 1;
                per = rk_tui_text_cols(value[i]) > room[i] ? 2 : per;
        }
        int y = h - 2 * per;
        rk_tui_print(win, y, 1, m->cols[0].width, RK_ROLE_LABEL, _(f->field->label));
        for (int i = 0; i < 2; i++) {
                bool kept = (i == 1) == f->keep_other;
                int n = rk_tui_print(win, y + i * per, x, w - x, RK_ROLE_DIM,
                                     side[i]->number);
                rk_ui_print_wrapped(win, y + i * per, x + n + 1, room[i], per,
                                    kept ? RK_ROLE_OK : RK_ROLE_DIM, value[i]);
        }
        return 2 * per;
}

static void merge_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct merge_screen *m = state;
        char line[320], why[384];
        int w = getmaxx(win) - 2, h = getmaxy(win);
        snprintf(line, sizeof(line), _("Merge %s into %s (%s)"), m->p.other.number,
                 m->p.survivor.number, rk_merge_kind_text(&m->p));
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, line);
        int top = 2; /* the reason to ask, when there is one, over two rows */
        if (m->p.ask != 0) {
                rk_tui_fill(win, 1, 1, w, RK_ROLE_BANNER);
                rk_tui_fill(win, 2, 1, w, RK_ROLE_BANNER);
                rk_ui_print_wrapped(win, 1, 1, w, 2, RK_ROLE_BANNER,
                                    rk_merge_ask_text(&m->p, why, sizeof(why)));
                top = 3;
        }
        /* from the bottom: the selected values, what moves, then the list */
        int below = m->nrows > 0 ? draw_selected(m, win, h, w) : 2;
        snprintf(line, sizeof(line),
                 _("Moves to %s: orders %lld, notes %lld, consents %lld, objections "
                   "%lld, contacts %lld."),
                 m->p.survivor.number, (long long)m->p.orders, (long long)m->p.notes,
                 (long long)m->p.consents, (long long)m->p.objections,
                 (long long)m->p.contacts);
        rk_ui_print_wrapped(win, h - below - 2, 1, w, 2, RK_ROLE_NORMAL, line);
        rk_tui_list_draw(&m->list, win, top, 1, h - below - 3 - top, w);
}

static int merge_key(struct rk_tui_app *app, void *state, int key)
{
        struct merge_screen *m = state;
        (void)app;
        return rk_tui_list_key(&m->list, key);
}

static void merge_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct merge_screen *m = state;
        rk_merge_plan_clear(&m->p);
        free(m->rows);
        explicit_bzero(m, sizeof(*m));
        free(m);
}

static const struct rk_tui_binding merge_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Merge"), N_("Merge the two as shown, after y/n"),
     act_merge},
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Swap"), N_("Swap which customer stays"), act_swap},
    {RK_TUI_FKEY(KEY_LEFT), "Left", N_("Keep left"),
     N_("Keep the value on the left (the customer who stays)"), act_left},
    {RK_TUI_FKEY(KEY_RIGHT), "Right", N_("Keep right"),
     N_("Keep the value on the right (the customer who goes)"), act_right},
    {' ', "Space", NULL, N_("Switch which value of the field is kept"), act_toggle},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back without merging"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops merge_ops = {
    .name = N_("Merge"),
    .draw = merge_draw,
    .key = merge_key,
    .fini = merge_fini,
    .keys = merge_keys,
    .n_keys = sizeof(merge_keys) / sizeof(merge_keys[0]),
};

/* Push the screen for a plan read by read(); flags. */
static int open_with(struct rk_tui_app *app, struct merge_screen *m, int rc,
                     const struct rk_error *err)
{
        if (rc == RK_OK)
                return rk_tui_push(app, &merge_ops, m);
        merge_fini(app, m);
        return rk_tui_message(app, RK_TUI_ERROR, "%s", err->msg);
}

static struct merge_screen *new_screen(struct rk_ui *ui)
{
        struct merge_screen *m = calloc(1, sizeof(*m));
        if (m != NULL)
                m->ui = ui;
        return m;
}

int rk_ui_merge_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t survivor,
                     int64_t other)
{
        return rk_ui_merge_open_then(app, ui, survivor, other, NULL, NULL);
}

int rk_ui_merge_open_then(struct rk_tui_app *app, struct rk_ui *ui, int64_t survivor,
                          int64_t other,
                          int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                          void *ctx)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct merge_screen *m = new_screen(ui);
        if (m == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", _("Out of memory"));
        m->done = done;
        m->ctx = ctx;
        return open_with(app, m, plan(m, survivor, other, &err), &err);
}

/* ---- from the customer detail: ask for the other's number ---------------- */

struct merge_ask {
        struct rk_ui *ui;
        char survivor[RK_CUSTOMER_NUMBER_SIZE];
        int (*done)(struct rk_tui_app *app, void *ctx, int64_t id);
        void *ctx;
};

/* The ask form is modal and needs its ctx until it closes: one at a time. */
static struct merge_ask asking;

static int asked(struct rk_tui_app *app, void *ctx, const char *const *values)
{
        struct merge_ask *a = ctx;
        struct rk_merge_plan p;
        struct rk_error err;
        rk_error_clear(&err);
        rk_ui_place(a->ui, PLACE_MERGE);
        /* by number: a merged stub's number is refused, naming its survivor */
        int rc = rk_merge_plan(a->ui->session, a->survivor, values[0], &p, &err);
        if (rc != RK_OK) /* the form stays, to correct the number */
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        struct merge_screen *m = new_screen(a->ui);
        if (m == NULL) {
                rk_merge_plan_clear(&p);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", _("Out of memory"));
        }
        m->done = a->done;
        m->ctx = a->ctx;
        return RK_TUI_POP | open_with(app, m, adopt(m, &p, &err), &err);
}

int rk_ui_merge_ask(struct rk_tui_app *app, struct rk_ui *ui, const char *survivor,
                    int (*done)(struct rk_tui_app *app, void *ctx, int64_t id), void *ctx)
{
        asking.ui = ui;
        snprintf(asking.survivor, sizeof(asking.survivor), "%s", survivor);
        asking.done = done;
        asking.ctx = ctx;
        const struct rk_ui_ask ask = {
            .name = N_("Merge"),
            .heading = _("Merge another customer into this one"),
            .hint = _("The number of the customer who is the same, e.g. C000123"),
            .done = asked,
            .ctx = &asking,
        };
        const struct rk_ui_ask_item item = {_("Customer number"), NULL, 12, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}
