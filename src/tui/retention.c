/*
 * retention.c - the supervisor's retention screen: the last run and what
 * it did, what falls due in the next 30 days, and the rules in force.
 *
 * How it works: on opening (and on F5) the screen reads the last run
 * (rk_retention_last_run) and asks core for two dry-run plans, for today
 * and for today + 30 days (rk_retention_plan: each audited, nothing
 * changed); the difference per rule is what falls due within the month.
 * One table row per rule: done in the last run, held now, due now, falling
 * due within 30 days, the next due date; below, each rule as configured,
 * and why for the selected one. The screen only shows: the run itself is
 * `rekisteri retention run` (the systemd timer).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/retention.h"
#include "ui.h"

#define PLACE      "retention"
#define AHEAD_DAYS 30
#define NCOLS      6

/* One rule: its row in the table and its line under "Rules in force". */
struct rule_row {
        char cells[NCOLS][24];
        char in_force[96];
        char why[160];
};

struct retention {
        struct rk_ui *ui;
        char last[160]; /* the last run, one line */
        char ahead[RK_DATE_TEXT];
        struct rule_row rows[RK_RULE_COUNT];
        size_t n;
        struct rk_tui_list list;
};

static const struct rk_tui_column retention_columns[NCOLS] = {
    {"Rule", 12, RK_TUI_LEFT},      {"Last run", 8, RK_TUI_RIGHT},
    {"Held", 5, RK_TUI_RIGHT},      {"Due now", 8, RK_TUI_RIGHT},
    {"Next 30 d", 9, RK_TUI_RIGHT}, {"Next due", 0, RK_TUI_LEFT},
};

static const char *retention_cell(void *ctx, size_t row, size_t col)
{
        struct retention *r = ctx;
        return r->rows[row].cells[col];
}

static int64_t due_count(const struct rk_retention_rule_plan *rp)
{
        return rp->info.rule == RK_RULE_AUDIT ? rp->rows : (int64_t)rp->n;
}

static void describe_last(struct retention *r, const struct rk_retention_summary *s)
{
        char started[RK_DATE_TEXT];
        if (s->run_id == 0) {
                snprintf(r->last, sizeof(r->last),
                         "No run yet (rekisteri retention run, or the systemd timer)");
                return;
        }
        rk_date_of(s->started_at, started);
        snprintf(r->last, sizeof(r->last), "Last run %" PRId64 " on %s by %s: %s",
                 s->run_id, started, s->by,
                 s->finished_at ? "finished" : "INTERRUPTED (the next run finishes it)");
}

static void fill_row(struct rule_row *w, const struct rk_retention_summary *last,
                     const struct rk_retention_rule_plan *now,
                     const struct rk_retention_rule_plan *ahead)
{
        const struct rk_retention_rule_info *i = &now->info;
        int64_t soon = due_count(ahead) - due_count(now);
        snprintf(w->cells[0], sizeof(w->cells[0]), "%s", i->name);
        snprintf(w->cells[1], sizeof(w->cells[1]), "%" PRId64, last->done[i->rule]);
        snprintf(w->cells[2], sizeof(w->cells[2]), "%zu", now->nskipped);
        snprintf(w->cells[3], sizeof(w->cells[3]), "%" PRId64, due_count(now));
        snprintf(w->cells[4], sizeof(w->cells[4]), "%" PRId64, soon > 0 ? soon : 0);
        snprintf(w->cells[5], sizeof(w->cells[5]), "%s",
                 now->next_due[0] ? now->next_due : "-");
        snprintf(w->in_force, sizeof(w->in_force), "%s %s after %s",
                 i->action == RK_RETAIN_DELETE ? "delete" : "anonymise", i->period,
                 i->event);
        snprintf(w->why, sizeof(w->why), "%s: %s", i->label, i->reason);
}

static int load(struct rk_tui_app *app, struct retention *r)
{
        struct rk_retention_summary last;
        struct rk_retention_plan now, ahead;
        struct rk_error err;
        char today[RK_DATE_TEXT];
        rk_error_clear(&err);
        memset(&now, 0, sizeof(now));
        memset(&ahead, 0, sizeof(ahead));
        rk_ui_place(r->ui, PLACE);
        rk_date_of(rk_clock_now() + AHEAD_DAYS * 86400LL, r->ahead);
        rk_date_today(today);
        int rc = rk_retention_last_run(r->ui->session, &last, &err);
        if (rc == RK_OK)
                rc = rk_retention_plan(r->ui->session, today, &now, &err);
        if (rc == RK_OK)
                rc = rk_retention_plan(r->ui->session, r->ahead, &ahead, &err);
        r->n = 0;
        if (rc == RK_OK) {
                describe_last(r, &last);
                for (int k = 0; k < RK_RULE_COUNT; k++)
                        fill_row(&r->rows[k], &last, &now.rules[k], &ahead.rules[k]);
                r->n = RK_RULE_COUNT;
        }
        rk_retention_plan_clear(&now);
        rk_retention_plan_clear(&ahead);
        rk_tui_list_set_rows(&r->list, r->n);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_REDRAW;
}

static int act_reload(struct rk_tui_app *app, void *state)
{
        return load(app, state);
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
        char head[64];
        rk_tui_print(win, y++, 1, w, RK_ROLE_NORMAL, r->last);
        snprintf(head, sizeof(head), "Next 30 d: falling due by %s", r->ahead);
        rk_tui_print(win, y++, 1, w, RK_ROLE_DIM, head);
        if (r->n == 0)
                return;
        rk_tui_list_draw(&r->list, win, y, 1, (int)r->n + 1, w);
        y += (int)r->n + 2;
        rk_tui_print(win, y++, 1, w, RK_ROLE_HEADER, "Rules in force ([retention])");
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
    {RK_TUI_FKEY(KEY_F(5)), "F5", "Reload", "Read the last run and the plans again",
     act_reload},
    {RK_TUI_KEY_ESC, "Esc", "Back", "Back to the home screen", rk_tui_action_pop},
};

static const struct rk_tui_screen_ops retention_ops = {
    .name = "Retention",
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
                return rk_tui_message(app, RK_TUI_ERROR, "Out of memory");
        r->ui = ui;
        return rk_tui_push(app, &retention_ops, r);
}
