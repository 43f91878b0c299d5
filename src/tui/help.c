/*
 * help.c - the help screen, generated from the live key tables.
 *
 * How it works: rk_tui_action_help() reads the binding table of the top
 * screen and the global table at the moment help is asked for, keeps the
 * global bindings that rk_tui_keymap_global_live() says apply to that
 * screen, folds neighbouring bindings that share one action into one row
 * ("F1 ?"), and shows the rows in a list widget, so the help text is the
 * table the loop dispatches from and cannot drift from it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "list.h"

struct help_row {
        char keys[40];
        const char *name;
        const char *text;
        bool heading;
};

struct help {
        char title[160];
        struct help_row *rows;
        size_t n, cap;
        struct rk_tui_column columns[3]; /* Name as wide as the widest name */
        struct rk_tui_list list;
};

static const struct rk_tui_column help_columns[] = {
    {N_("Key"), 12, RK_TUI_LEFT},
    {N_("Name"), 10, RK_TUI_LEFT},
    {N_("What it does"), 0, RK_TUI_LEFT},
};

static struct help_row *help_add(struct help *h)
{
        if (h->n == h->cap)
                return NULL;
        struct help_row *r = &h->rows[h->n++];
        memset(r, 0, sizeof(*r));
        return r;
}

static void help_heading(struct help *h, const char *what, const char *name)
{
        struct help_row *r = help_add(h);
        if (r == NULL)
                return;
        snprintf(r->keys, sizeof(r->keys), "%s", what);
        r->text = name;
        r->heading = true;
}

/* Add table[0..n), folding runs of one action; skip dead globals. */
static void help_table(struct help *h, const struct rk_tui_binding *t, size_t n,
                       const struct rk_tui_screen_ops *screen)
{
        const struct rk_tui_binding *prev = NULL;
        struct help_row *r = NULL;
        for (size_t i = 0; i < n; i++) {
                if (screen != NULL && !rk_tui_keymap_global_live(screen, &t[i]))
                        continue;
                if (r != NULL && prev->action == t[i].action) {
                        size_t len = strlen(r->keys);
                        snprintf(r->keys + len, sizeof(r->keys) - len, " %s", t[i].label);
                } else if ((r = help_add(h)) != NULL) {
                        snprintf(r->keys, sizeof(r->keys), "%s", t[i].label);
                        r->name = t[i].bar != NULL ? _(t[i].bar) : NULL;
                        r->text = t[i].help != NULL ? _(t[i].help) : NULL;
                }
                if (r != NULL && r->name == NULL && t[i].bar != NULL)
                        r->name = _(t[i].bar);
                prev = &t[i];
        }
}

static const char *help_cell(void *ctx, size_t row, size_t col)
{
        const struct help_row *r = &((struct help *)ctx)->rows[row];
        if (col == 0)
                return r->keys;
        return col == 1 ? r->name : r->text;
}

static enum rk_tui_role help_role(void *ctx, size_t row)
{
        return ((struct help *)ctx)->rows[row].heading ? RK_ROLE_HEADER : RK_ROLE_NORMAL;
}

static void help_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct help *h = state;
        rk_tui_print(win, 0, 1, getmaxx(win) - 2, RK_ROLE_LABEL, h->title);
        rk_tui_list_draw(&h->list, win, 2, 1, getmaxy(win) - 2, getmaxx(win) - 2);
}

static int help_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct help *)state)->list, key);
}

static void help_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct help *h = state;
        free(h->rows);
        free(h);
}

static const struct rk_tui_binding help_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", N_("Close"), N_("Close the help"), rk_tui_action_pop},
    {RK_TUI_FKEY(KEY_F(1)), "F1", N_("Close"), N_("Close the help"), rk_tui_action_pop},
    {'q', "q", NULL, N_("Close the help"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops help_ops = {
    .name = N_("Help"),
    .draw = help_draw,
    .key = help_key,
    .fini = help_fini,
    .keys = help_keys,
    .n_keys = sizeof(help_keys) / sizeof(help_keys[0]),
};

int rk_tui_action_help(struct rk_tui_app *app, void *state)
{
        (void)state;
        const struct rk_tui_screen_ops *top = rk_tui_top(app);
        size_t n_global;
        const struct rk_tui_binding *global = rk_tui_global_keys(app, &n_global);
        struct help *h = calloc(1, sizeof(*h));
        if (h != NULL) {
                h->cap = top->n_keys + n_global + 2;
                h->rows = calloc(h->cap, sizeof(*h->rows));
        }
        if (h == NULL || h->rows == NULL) {
                free(h);
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        }
        snprintf(h->title, sizeof(h->title),
                 _("Keys on the screen \"%s\" (Up/Down/PgUp/PgDn scroll)"), _(top->name));
        help_heading(h, _("Screen"), _(top->name));
        help_table(h, top->keys, top->n_keys, NULL);
        if (!(top->flags & RK_TUI_SCREEN_NO_GLOBALS)) {
                help_heading(h, _("Global"), _("keys that work on every screen"));
                help_table(h, global, n_global, top);
        }
        memcpy(h->columns, help_columns, sizeof(h->columns));
        for (size_t i = 0; i < h->n; i++) {
                int w = h->rows[i].heading ? 0 : rk_tui_text_cols(h->rows[i].name);
                if (w > h->columns[1].width && w <= 20)
                        h->columns[1].width = w;
        }
        rk_tui_list_init(&h->list, h->columns, 3, help_cell, h, h->n);
        h->list.row_role = help_role;
        return rk_tui_push(app, &help_ops, h);
}
