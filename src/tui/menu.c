/*
 * menu.c - the menu screen behind Home and Profile.
 *
 * How it works: a menu is a const table of entries (ui.h), each with a
 * permission predicate over the session's grants and an opener. The
 * screen keeps only the entries whose predicate holds and filters again
 * on every draw and before Enter acts, so a role change made by an admin
 * (picked up by rk_session_check before each key) changes the menu at
 * once. The screen's ops live in its state because the name differs per
 * menu; the loop reads them only while the state is alive.
 */
#include <stdlib.h>

#include "ui.h"

#define MENU_MAX 16

struct menu {
        struct rk_tui_screen_ops ops;
        struct rk_ui *ui;
        const char *heading;
        const struct rk_ui_menu_entry *entries;
        size_t n;
        const struct rk_ui_menu_entry *shown[MENU_MAX];
        struct rk_tui_list list;
};

bool rk_ui_allow_all(const struct rk_grants *g)
{
        (void)g;
        return true;
}

static const struct rk_tui_column menu_columns[] = {
    {NULL, 18, RK_TUI_LEFT},
    {NULL, 0, RK_TUI_LEFT},
};

static const char *menu_cell(void *ctx, size_t row, size_t col)
{
        const struct menu *m = ctx;
        return _(col == 0 ? m->shown[row]->label : m->shown[row]->help);
}

/* Rebuild the visible entries from the session's current grants. */
static void menu_filter(struct menu *m)
{
        const struct rk_grants *g = rk_session_grants(m->ui->session);
        size_t n = 0;
        for (size_t i = 0; i < m->n && n < MENU_MAX; i++)
                if (m->entries[i].allowed(g))
                        m->shown[n++] = &m->entries[i];
        rk_tui_list_set_rows(&m->list, n);
}

static int menu_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct menu *m = state;
        rk_tui_list_init(&m->list, menu_columns, 2, menu_cell, m, 0);
        menu_filter(m);
        return RK_OK;
}

static void menu_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct menu *m = state;
        menu_filter(m);
        int w = getmaxx(win) - 4, h = getmaxy(win);
        rk_tui_print(win, 1, 2, w, RK_ROLE_HEADER, m->heading);
        rk_tui_list_draw(&m->list, win, 3, 2, h - 6, w);
        /* a description longer than its column (a translation's, often)
         * is shown whole under the menu for the selected entry */
        if (m->list.n_rows > 0) {
                const char *help = _(m->shown[m->list.sel]->help);
                if (rk_tui_text_cols(help) > w - menu_columns[0].width - 1)
                        rk_ui_print_wrapped(win, h - 2, 2, w, 2, RK_ROLE_DIM, help);
        }
}

static int menu_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct menu *)state)->list, key);
}

static int menu_enter(struct rk_tui_app *app, void *state)
{
        struct menu *m = state;
        menu_filter(m);
        if (m->list.n_rows == 0)
                return RK_TUI_NONE;
        return m->shown[m->list.sel]->open(app, m->ui);
}

static void menu_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static const struct rk_tui_binding home_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Open"), N_("Open the selected entry"), menu_enter},
};

static const struct rk_tui_binding sub_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Open"), N_("Open the selected entry"), menu_enter},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Go back"), rk_tui_action_pop},
};

int rk_ui_menu_open(struct rk_tui_app *app, struct rk_ui *ui, const char *name,
                    const char *heading, const struct rk_ui_menu_entry *entries, size_t n,
                    bool reset)
{
        struct menu *m = calloc(1, sizeof(*m));
        if (m == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        m->ops = (struct rk_tui_screen_ops){
            .name = name,
            .init = menu_init,
            .draw = menu_draw,
            .key = menu_key,
            .fini = menu_fini,
            .keys = reset ? home_keys : sub_keys,
            .n_keys = reset ? 1 : 2,
        };
        m->ui = ui;
        m->heading = heading;
        m->entries = entries;
        m->n = n;
        return reset ? rk_tui_reset(app, &m->ops, m) : rk_tui_push(app, &m->ops, m);
}
