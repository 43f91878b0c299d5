/*
 * retention.c - the supervisor's retention screen: the last run and what
 * it did, what falls due in the next 30 days, and the rules in force.
 *
 * How it works: on opening the screen reads the last run
 * (rk_retention_last_run) and the counts kept in the register
 * (rk_retention_outlook_read: a few rows, instant at any register size;
 * every `retention run` counts again). F5 counts now over every customer
 * (rk_retention_outlook_refresh, audited as a plan) with a progress line;
 * Esc stops it and other keys are told the screen is busy. One table row
 * per rule: done in the last run, held now, due now, falling due within
 * 30 days, the next due date; below, each rule as configured, and why for
 * the selected one. The screen only shows: the run itself is `rekisteri
 * retention run` (the systemd timer).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "busywork.h"
#include "rekisteri/retention.h"
#include "rekisteri/format.h"
#include "ui.h"

#define PLACE "retention"
#define NCOLS 6

/* One rule: its row in the table and its line under "Rules in force". */
struct rule_row {
        char cells[NCOLS][24];
        char in_force[96];
        char why[160];
};

struct retention {
        struct rk_ui *ui;
        char last[160];    /* the last run, one line */
        char counted[160]; /* when the counts were made */
        struct rule_row rows[RK_RULE_COUNT];
        size_t n;
        struct rk_tui_list list;
};

static const struct rk_tui_column retention_columns[NCOLS] = {
    {N_("Rule"), 12, RK_TUI_LEFT},      {N_("Last run"), 8, RK_TUI_RIGHT},
    {N_("Held"), 5, RK_TUI_RIGHT},      {N_("Due now"), 8, RK_TUI_RIGHT},
    {N_("Next 30 d"), 9, RK_TUI_RIGHT}, {N_("Next due"), 0, RK_TUI_LEFT},
};

static const char *retention_cell(void *ctx, size_t row, size_t col)
{
        struct retention *r = ctx;
        return r->rows[row].cells[col];
}

static void describe_last(struct retention *r, const struct rk_retention_summary *s)
{
        char started[RK_FORMAT_SIZE];
        if (s->run_id == 0) {
                snprintf(r->last, sizeof(r->last),
                         _("No run yet (rekisteri retention run, or the systemd timer)"));
                return;
        }
        rk_format_day(s->started_at, started, sizeof(started));
        snprintf(r->last, sizeof(r->last),
                 s->finished_at
                     ? _("Last run %" PRId64 " on %s by %s: finished")
                     : _("Last run %" PRId64 " on %s by %s: INTERRUPTED (the next "
                         "run finishes it)"),
                 s->run_id, started, s->by);
}

/* When the counts were made, or that they never were. */
static void describe_counts(struct retention *r, const struct rk_retention_outlook *o)
{
        if (!o->known) {
                snprintf(r->counted, sizeof(r->counted),
                         _("Not counted yet: F5 counts (half a minute at a million "
                           "customers)"));
                return;
        }
        char at[RK_FORMAT_SIZE], ahead[RK_FORMAT_SIZE];
        rk_format_time(o->computed_at, at, sizeof(at));
        snprintf(r->counted, sizeof(r->counted),
                 _("Counted %s (F5: count again); Next 30 d: due by %s"), at,
                 rk_format_date_text(o->ahead, ahead, sizeof(ahead)));
}

static void count_cell(char *cell, size_t size, bool known, int64_t v)
{
        if (known)
                snprintf(cell, size, "%" PRId64, v);
        else
                snprintf(cell, size, "-");
}

static void fill_row(struct rule_row *w, const struct rk_retention_summary *last,
                     const struct rk_retention_rule_info *i,
                     const struct rk_retention_outlook *o)
{
        const struct rk_retention_outlook_rule *x = &o->rules[i->rule];
        char due[RK_FORMAT_SIZE];
        snprintf(w->cells[0], sizeof(w->cells[0]), "%s", i->name);
        snprintf(w->cells[1], sizeof(w->cells[1]), "%" PRId64, last->done[i->rule]);
        count_cell(w->cells[2], sizeof(w->cells[2]), o->known, x->held);
        count_cell(w->cells[3], sizeof(w->cells[3]), o->known, x->due);
        count_cell(w->cells[4], sizeof(w->cells[4]), o->known, x->soon);
        snprintf(w->cells[5], sizeof(w->cells[5]), "%s",
                 x->next_due[0] ? rk_format_date_text(x->next_due, due, sizeof(due))
                                : "-");
        /* TRANSLATORS: a retention rule: period (e.g. 24m) and the event it counts from
         */
        snprintf(w->in_force, sizeof(w->in_force),
                 i->action == RK_RETAIN_DELETE ? _("delete %s after %s")
                                               : _("anonymise %s after %s"),
                 i->period, _(i->event));
        snprintf(w->why, sizeof(w->why), "%s: %s", _(i->label), _(i->reason));
}

static void fill(struct retention *r, const struct rk_retention_summary *last,
                 const struct rk_retention_outlook *o)
{
        struct rk_retention_rule_info info[RK_RULE_COUNT];
        rk_retention_rules(r->ui->cfg, info);
        describe_last(r, last);
        describe_counts(r, o);
        for (int k = 0; k < RK_RULE_COUNT; k++)
                fill_row(&r->rows[k], last, &info[k], o);
        r->n = RK_RULE_COUNT;
}

/* Opening: the last run and the kept counts, a few indexed rows. */
static int load(struct rk_tui_app *app, struct retention *r)
{
        struct rk_retention_summary last;
        struct rk_retention_outlook o;
        struct rk_error err;
        rk_error_clear(&err);
        rk_ui_place(r->ui, PLACE);
        int rc = rk_retention_last_run(r->ui->session, &last, &err);
        if (rc == RK_OK)
                rc = rk_retention_outlook_read(r->ui->session, &o, &err);
        r->n = 0;
        if (rc == RK_OK)
                fill(r, &last, &o);
        rk_tui_list_set_rows(&r->list, r->n);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_REDRAW;
}

/* While counting: the progress line; Esc or a signal that ends the
 * program stops, other keys are told to wait (busywork.h). */
static int count_poll(void *ctx, int step, int steps)
{
        char line[96];
        snprintf(line, sizeof(line),
                 _("Counting what falls due: rule %d of %d… Esc stops"), step + 1, steps);
        return rk_tui_busy_poll(ctx, line) ? 1 : 0;
}

/* F5: count again over the whole register, with progress; Esc stops. */
static int act_count(struct rk_tui_app *app, void *state)
{
        struct retention *r = state;
        struct rk_retention_summary last;
        struct rk_retention_outlook o;
        struct rk_error err;
        struct rk_tui_busy busy;
        bool cancelled = false;
        rk_error_clear(&err);
        rk_ui_place(r->ui, PLACE);
        rk_tui_flash(app, RK_TUI_INFO, _("Counting what falls due… Esc stops"));
        rk_tui_busy_start(&busy, app,
                          _("Busy counting what falls due; Esc stops the count"));
        int rc = rk_retention_outlook_refresh(r->ui->session, count_poll, &busy,
                                              &cancelled, &o, &err);
        if (rc == RK_OK)
                rc = rk_retention_last_run(r->ui->session, &last, &err);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        fill(r, &last, &o);
        rk_tui_list_set_rows(&r->list, r->n);
        if (cancelled)
                return rk_tui_message(
                    app, RK_TUI_WARNING,
                    _("Count stopped; the counts shown are the earlier ones"));
        return rk_tui_message(app, RK_TUI_INFO, _("Counted"));
}

static int retention_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        struct retention *r = state;
        return rk_tui_list_key(&r->list, key);
}

static void retention_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct retention *r = state;
        int w = getmaxx(win) - 2, y = 0;
        rk_tui_print(win, y++, 1, w, RK_ROLE_NORMAL, r->last);
        rk_tui_print(win, y++, 1, w, RK_ROLE_DIM, r->counted);
        if (r->n == 0)
                return;
        rk_tui_list_draw(&r->list, win, y, 1, (int)r->n + 1, w);
        y += (int)r->n + 2;
        rk_tui_print(win, y++, 1, w, RK_ROLE_HEADER, _("Rules in force ([retention])"));
        for (size_t k = 0; k < r->n && y < getmaxy(win) - 2; k++, y++) {
                rk_tui_print(win, y, 1, 13, RK_ROLE_NORMAL, r->rows[k].cells[0]);
                rk_tui_print(win, y, 14, w - 13, RK_ROLE_NORMAL, r->rows[k].in_force);
        }
        rk_ui_print_wrapped(win, y, 1, w, getmaxy(win) - y, RK_ROLE_DIM,
                            r->rows[r->list.sel].why);
}

static int retention_init(struct rk_tui_app *app, void *state)
{
        struct retention *r = state;
        rk_tui_list_init(&r->list, retention_columns, NCOLS, retention_cell, r, 0);
        load(app, r); /* a refusal shows on the message line */
        return RK_OK;
}

static void retention_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static const struct rk_tui_binding retention_keys[] = {
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("Count"),
     N_("Count again what is due and held (reads every customer; Esc stops)"), act_count},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops retention_ops = {
    .name = N_("Retention"),
    .init = retention_init,
    .draw = retention_draw,
    .key = retention_key,
    .fini = retention_fini,
    .keys = retention_keys,
    .n_keys = sizeof(retention_keys) / sizeof(retention_keys[0]),
};

int rk_ui_retention_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct retention *r = calloc(1, sizeof(*r));
        if (r == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        r->ui = ui;
        return rk_tui_push(app, &retention_ops, r);
}
