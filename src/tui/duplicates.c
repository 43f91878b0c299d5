/*
 * duplicates.c - the supervisor's Duplicates screen: the customers that
 * are likely the same person or company (duplicates.h), as a list with
 * the keys of every other list; Enter opens the selected pair side by
 * side (duplicate_pair.c).
 *
 * How it works: opening the screen pushes it with "Comparing customers…"
 * and defers the search to just after that frame (rk_tui_defer), so the
 * supervisor sees why the program waits; the search reports its progress
 * on the message line (rk_tui_flash). Core decides who may look (the
 * duplicates action); the look is recorded as the other lists record
 * theirs, for what is shown: before a draw shows a pair not shown before,
 * rk_duplicates_show writes one audit row per customer of it (with the
 * rows the draw may reach around the selection), and when that fails
 * nothing of the list is drawn. The list shows the two customer
 * numbers, the score and the reason, highest score first, and nothing
 * else: the values themselves are seen in the pair, which core audits as
 * a view of each customer. F5 looks again (after a merge or an edit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busywork.h"
#include "rekisteri/duplicates.h"
#include "rekisteri/i18n.h"
#include "ui.h"

#define NCOLS 4

struct dups {
        struct rk_ui *ui;
        struct rk_duplicate_list l;
        bool done;               /* the search has run (and was not stopped) */
        struct rk_tui_busy busy; /* while looking: keys, signals, progress */
        char score[8];
        char summary[160];
        struct rk_tui_column cols[NCOLS];
        struct rk_tui_list list;
};

static const char *cell(void *ctx, size_t row, size_t col)
{
        struct dups *d = ctx;
        const struct rk_duplicate *p = &d->l.pairs[row];
        switch (col) {
        case 0:
        case 1:
                return p->number[col];
        case 2:
                snprintf(d->score, sizeof(d->score), "%d", p->score);
                return d->score;
        default:
                return rk_match_reason_label(p->reason);
        }
}

static void set_columns(struct dups *d)
{
        d->cols[0] = (struct rk_tui_column){_("Customer"), 9, RK_TUI_LEFT};
        d->cols[1] = (struct rk_tui_column){_("Customer"), 9, RK_TUI_LEFT};
        d->cols[2] = (struct rk_tui_column){_("Score"), 5, RK_TUI_RIGHT};
        d->cols[3] = (struct rk_tui_column){_("Reason"), 0, RK_TUI_LEFT};
        rk_tui_list_init(&d->list, d->cols, NCOLS, cell, d, d->l.n);
}

static void describe(struct dups *d)
{
        int n =
            snprintf(d->summary, sizeof(d->summary),
                     ngettext("%zu likely duplicate pair among %lld customers.",
                              "%zu likely duplicate pairs among %lld customers.", d->l.n),
                     d->l.n, (long long)d->l.customers);
        if (d->l.n > 0 && n > 0 && (size_t)n < sizeof(d->summary))
                snprintf(d->summary + n, sizeof(d->summary) - (size_t)n, " %s",
                         _("Enter opens the pair."));
}

/* The search's progress on the message line. Esc or a signal that ends
 * the program (a closed SSH connection) stops it; other keys are told to
 * wait (busywork.h). */
static int progress(void *ctx, int64_t done, int64_t total)
{
        struct dups *d = ctx;
        char line[128];
        snprintf(line, sizeof(line),
                 _("Comparing customers: %lld of %lld read… Esc stops"), (long long)done,
                 (long long)total);
        return rk_tui_busy_poll(&d->busy, line) ? 1 : 0;
}

/* Look (again): the deferred work of opening and of F5. */
static int look(struct rk_tui_app *app, void *state)
{
        struct dups *d = state;
        struct rk_error err;
        rk_error_clear(&err);
        rk_duplicate_list_free(&d->l);
        rk_tui_list_set_rows(&d->list, 0);
        rk_ui_place(d->ui, RK_UI_PLACE_DUPLICATES);
        rk_tui_busy_start(&d->busy, app,
                          _("Busy comparing customers; Esc stops the comparison"));
        int rc = rk_duplicates_look(d->ui->session, progress, d, &d->l, &err);
        d->done = rc != RK_ERR_STOPPED; /* stopped: no list, not "no duplicates" */
        set_columns(d);
        describe(d);
        if (rc == RK_ERR_STOPPED)
                snprintf(d->summary, sizeof(d->summary), "%s",
                         _("The comparison was stopped. F5 compares again."));
        if (rc == RK_ERR_STOPPED)
                return rk_tui_message(
                    app, RK_TUI_WARNING, "%s",
                    _("Stopped: nothing was listed. F5 compares again."));
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return rk_tui_message(app, RK_TUI_INFO, "%s", _("Done."));
}

static int act_again(struct rk_tui_app *app, void *state)
{
        struct dups *d = state;
        d->done = false;
        rk_tui_message(app, RK_TUI_INFO, "%s", _("Comparing customers…"));
        return rk_tui_defer(app, look, d);
}

static int act_open(struct rk_tui_app *app, void *state)
{
        struct dups *d = state;
        if (d->l.n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, "%s", _("No pair selected"));
        return rk_ui_duplicate_pair_open(app, d->ui, &d->l.pairs[d->list.sel]);
}

static int dups_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dups *d = state;
        set_columns(d);
        snprintf(d->summary, sizeof(d->summary), "%s", _("Comparing customers…"));
        return RK_OK;
}

/* Audit the pairs this draw may show before it shows them: with `rows`
 * list rows and the selection kept in sight, every shown row lies within
 * rows - 1 of the selected one. False (and the reason in err) when the
 * look could not be recorded: then nothing of the list is drawn. */
static bool audit_window(struct dups *d, int rows, struct rk_error *err)
{
        size_t span = rows > 1 ? (size_t)rows : 1, sel = d->list.sel;
        size_t from = sel >= span - 1 ? sel - (span - 1) : 0;
        return rk_duplicates_show(d->ui->session, &d->l, from, sel + span, err) == RK_OK;
}

static void dups_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct dups *d = state;
        struct rk_error err;
        int w = getmaxx(win) - 2, h = getmaxy(win);
        rk_error_clear(&err);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER,
                     _("Customers that are likely the same person or company"));
        rk_tui_print(win, 1, 1, w, RK_ROLE_DIM, d->summary);
        /* a look that failed left no list (its message is on the message line) */
        if (d->done && d->l.shown != NULL && !audit_window(d, h - 4, &err))
                rk_tui_print(win, 3, 2, w, RK_ROLE_ERROR, err.msg);
        else if (d->done && d->l.n == 0)
                rk_tui_print(win, 3, 2, w, RK_ROLE_DIM, _("No likely duplicates."));
        else if (d->done && d->l.shown != NULL)
                rk_tui_list_draw(&d->list, win, 3, 1, h - 3, w);
}

static int dups_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct dups *)state)->list, key);
}

static void dups_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dups *d = state;
        rk_duplicate_list_free(&d->l);
        explicit_bzero(d, sizeof(*d));
        free(d);
}

static const struct rk_tui_binding dups_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Open pair"),
     N_("Open the selected pair side by side"), act_open},
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("Again"), N_("Look for duplicates again"),
     act_again},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops dups_ops = {
    .name = N_("Duplicates"),
    .init = dups_init,
    .draw = dups_draw,
    .key = dups_key,
    .fini = dups_fini,
    .keys = dups_keys,
    .n_keys = sizeof(dups_keys) / sizeof(dups_keys[0]),
};

int rk_ui_duplicates_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct dups *d = calloc(1, sizeof(*d));
        if (d == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", _("Out of memory"));
        d->ui = ui;
        int flags = rk_tui_push(app, &dups_ops, d);
        if ((flags & RK_TUI_PUSH) == 0)
                return flags; /* not pushed: d is gone */
        return flags | rk_tui_defer(app, look, d);
}
