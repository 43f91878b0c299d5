/*
 * marketing_list.c - the sales screen for a marketing list: who may be
 * contacted for one purpose, and how many were left out and why.
 *
 * How it works: a small form asks for the purpose (newsletter, offers,
 * events or surveys); rk_marketing_list() makes the list in core, which
 * leaves out anyone without a consent in force, with an objection to the
 * purpose or to direct marketing, restricted, erased or suppressed, holds
 * only the columns the role may read and records one audit row per person
 * shown. The screen draws the rows and a line of counts per reason. F6
 * writes the same list as formula-safe CSV (a new file of mode 0600) to a
 * file named on a form; core makes the list again for the export and
 * records it as an export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/marketing.h"
#include "ui.h"

struct mlist {
        struct rk_ui *ui;
        char purpose[24];
        struct rk_marketing_list l;
        struct rk_tui_list list;
        struct rk_tui_column cols[4];
        size_t ncols;
        char counts[200];
};

static const char *cell(void *ctx, size_t row, size_t col)
{
        struct mlist *m = ctx;
        const struct rk_marketing_row *r = &m->l.rows[row];
        const char *v[4] = {r->number, r->name, r->email, r->phone};
        if (col == 0 && r->contact)
                return _("  contact person");
        if (!m->l.has_name && col >= 1)
                col += 1;
        return v[col];
}

static void describe(struct mlist *m)
{
        size_t used = (size_t)snprintf(m->counts, sizeof(m->counts), _("Left out:"));
        for (int r = 0; r < RK_MKT_REASONS && used < sizeof(m->counts); r++)
                used += (size_t)snprintf(
                    m->counts + used, sizeof(m->counts) - used, "%s %zu %s", r ? "," : "",
                    m->l.left_out[r],
                    _(rk_marketing_reason_name((enum rk_marketing_reason)r)));
}

static void set_columns(struct mlist *m)
{
        m->ncols = 0;
        m->cols[m->ncols++] = (struct rk_tui_column){_("Customer"), 9, RK_TUI_LEFT};
        if (m->l.has_name)
                m->cols[m->ncols++] = (struct rk_tui_column){_("Name"), 0, RK_TUI_LEFT};
        if (m->l.has_contact) {
                m->cols[m->ncols++] = (struct rk_tui_column){_("E-mail"), 0, RK_TUI_LEFT};
                m->cols[m->ncols++] = (struct rk_tui_column){_("Phone"), 14, RK_TUI_LEFT};
        }
        rk_tui_list_init(&m->list, m->cols, m->ncols, cell, m, m->l.n);
}

/* ---- the export ---------------------------------------------------------- */

static int export_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct mlist *m = ctx;
        struct rk_marketing_list again;
        struct rk_error err;
        rk_error_clear(&err);
        if (v[0][0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING, _("Type a file name"));
        rk_ui_place(m->ui, RK_UI_PLACE_MARKETING);
        if (rk_marketing_list(m->ui->session, m->purpose, v[0], &again, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        size_t n = again.n;
        rk_marketing_list_free(&again);
        return RK_TUI_POP |
               rk_tui_message(app, RK_TUI_INFO, _("%zu written to %s"), n, v[0]);
}

static int act_export(struct rk_tui_app *app, void *state)
{
        struct mlist *m = state;
        static char name[64];
        snprintf(name, sizeof(name), "marketing-%s.csv", m->purpose);
        const struct rk_ui_ask ask = {
            .name = _("Export"),
            .heading = _("Write the marketing list to a CSV file"),
            .hint = _("A new file (mode 0600); an existing file is never replaced."),
            .done = export_done,
            .ctx = m,
        };
        const struct rk_ui_ask_item item = {_("File"), name, 200, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

/* ---- the screen ------------------------------------------------------------ */

static void mlist_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct mlist *m = state;
        int w = getmaxx(win) - 2, h = getmaxy(win);
        char head[96];
        snprintf(head, sizeof(head), _("Marketing list: %s    %zu may be contacted"),
                 m->purpose, m->l.n);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, head);
        rk_ui_print_wrapped(win, 1, 1, w, 2, RK_ROLE_DIM, m->counts);
        if (m->l.n == 0)
                rk_tui_print(win, 4, 2, w, RK_ROLE_DIM,
                             _("Nobody may be contacted for this."));
        else
                rk_tui_list_draw(&m->list, win, 3, 1, h - 3, w);
}

static int mlist_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct mlist *)state)->list, key);
}

static void mlist_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct mlist *m = state;
        rk_marketing_list_free(&m->l);
        explicit_bzero(m, sizeof(*m));
        free(m);
}

static const struct rk_tui_binding mlist_keys[] = {
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Export"), N_("Write the list to a CSV file"),
     act_export},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops mlist_ops = {
    .name = N_("Marketing list"),
    .draw = mlist_draw,
    .key = mlist_key,
    .fini = mlist_fini,
    .keys = mlist_keys,
    .n_keys = sizeof(mlist_keys) / sizeof(mlist_keys[0]),
};

static int purpose_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct rk_ui *ui = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        struct mlist *m = calloc(1, sizeof(*m));
        if (m == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        m->ui = ui;
        rk_ui_place(ui, RK_UI_PLACE_MARKETING);
        if (rk_marketing_list(ui->session, v[0], NULL, &m->l, &err) != RK_OK) {
                mlist_fini(app, m);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        snprintf(m->purpose, sizeof(m->purpose), "%s", v[0]);
        for (char *p = m->purpose; *p; p++)
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        set_columns(m);
        describe(m);
        return RK_TUI_POP | rk_tui_push(app, &mlist_ops, m);
}

int rk_ui_marketing_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        const struct rk_ui_ask ask = {
            .name = _("Marketing list"),
            .heading = _("Who may be contacted for a marketing purpose"),
            .hint =
                _("newsletter, offers, events or surveys. Objections, restrictions and "
                  "erasures are honoured."),
            .done = purpose_done,
            .ctx = ui,
        };
        const struct rk_ui_ask_item item = {_("Purpose"), "newsletter", 20, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}
