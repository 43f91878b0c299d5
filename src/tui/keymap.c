/*
 * keymap.c - binding lookup, the default global keys and the key bar.
 *
 * How it works: tables are small const arrays searched linearly. Whether a
 * global binding applies to a screen is decided in one place,
 * rk_tui_keymap_global_live(), which the loop (dispatch), the bar and the
 * help screen all call. The bar collects the entries that have a bar text,
 * puts function keys first in F-number order (the htop habit: F1 Help on
 * the left, F10 Quit on the right), and draws them as "F1 Help  F2 ...". When a
 * translation makes them too long, F1 and F10 still show and an ellipsis
 * marks the keys left off (the help screen lists every key).
 */
#include "keymap.h"

#include "app.h"
#include "draw.h"

#define BAR_MAX 32

const struct rk_tui_binding rk_tui_default_keys[] = {
    {RK_TUI_FKEY(KEY_F(1)), "F1", N_("Help"), N_("Show the keys of this screen"),
     rk_tui_action_help},
    {'?', "?", NULL, N_("Show the keys of this screen"), rk_tui_action_help},
    {RK_TUI_FKEY(KEY_F(10)), "F10", N_("Quit"), N_("Leave the program"),
     rk_tui_action_quit},
    {'q', "q", NULL, N_("Leave the program"), rk_tui_action_quit},
};
const size_t rk_tui_default_keys_n =
    sizeof(rk_tui_default_keys) / sizeof(rk_tui_default_keys[0]);

int rk_tui_action_quit(struct rk_tui_app *app, void *state)
{
        (void)app;
        (void)state;
        return RK_TUI_QUIT;
}

int rk_tui_action_pop(struct rk_tui_app *app, void *state)
{
        (void)app;
        (void)state;
        return RK_TUI_POP;
}

const struct rk_tui_binding *rk_tui_keymap_find(const struct rk_tui_binding *table,
                                                size_t n, int key)
{
        for (size_t i = 0; table != NULL && i < n; i++)
                if (table[i].key == key)
                        return &table[i];
        return NULL;
}

int rk_tui_keymap_global_live(const struct rk_tui_screen_ops *ops,
                              const struct rk_tui_binding *g)
{
        if (ops->flags & RK_TUI_SCREEN_NO_GLOBALS)
                return 0;
        return rk_tui_keymap_find(ops->keys, ops->n_keys, g->key) == NULL;
}

/* Sort rank on the bar: F1..F63 by number, then other keys in table order. */
static int bar_rank(const struct rk_tui_binding *b, int order)
{
        int f = b->key - RK_TUI_FKEY(KEY_F(0));
        if (f >= 1 && f <= 63)
                return f;
        return 64 + order;
}

static size_t bar_collect(const struct rk_tui_screen_ops *ops,
                          const struct rk_tui_binding *global, size_t n_global,
                          const struct rk_tui_binding **items, int *rank)
{
        size_t n = 0;
        for (size_t i = 0; i < ops->n_keys && n < BAR_MAX; i++)
                if (ops->keys[i].bar != NULL)
                        items[n++] = &ops->keys[i];
        for (size_t i = 0; i < n_global && n < BAR_MAX; i++)
                if (global[i].bar != NULL && rk_tui_keymap_global_live(ops, &global[i]))
                        items[n++] = &global[i];
        for (size_t i = 0; i < n; i++)
                rank[i] = bar_rank(items[i], (int)i);
        for (size_t i = 1; i < n; i++) { /* insertion sort: stable, n is tiny */
                for (size_t j = i; j > 0 && rank[j - 1] > rank[j]; j--) {
                        const struct rk_tui_binding *t = items[j];
                        int r = rank[j];
                        items[j] = items[j - 1];
                        rank[j] = rank[j - 1];
                        items[j - 1] = t;
                        rank[j - 1] = r;
                }
        }
        return n;
}

/* F1 (help), F10 (quit) and Esc (back) show even on a crowded bar. */
static bool bar_always(const struct rk_tui_binding *b, int rank)
{
        return rank == 1 || rank == 10 || b->key == RK_TUI_KEY_ESC;
}

static int bar_item_cols(const struct rk_tui_binding *b)
{
        return rk_tui_text_cols(b->label) + 1 + rk_tui_text_cols(_(b->bar)) + 2;
}

static int bar_item_draw(WINDOW *win, int y, int x, int cols,
                         const struct rk_tui_binding *b)
{
        int used = rk_tui_print(win, y, x, cols - x, RK_ROLE_BAR_KEY, b->label);
        used += 1 + rk_tui_print(win, y, x + used + 1, cols - x - used - 1, RK_ROLE_BAR,
                                 _(b->bar));
        return used + 2;
}

void rk_tui_bar_draw(WINDOW *win, int y, int cols, const struct rk_tui_screen_ops *ops,
                     const struct rk_tui_binding *global, size_t n_global)
{
        const struct rk_tui_binding *items[BAR_MAX];
        int rank[BAR_MAX];
        size_t n = bar_collect(ops, global, n_global, items, rank);
        rk_tui_fill(win, y, 0, cols, RK_ROLE_BAR);
        int total = 0, keep = 0; /* keep: columns of the keys that always show */
        for (size_t i = 0; i < n; i++) {
                total += bar_item_cols(items[i]);
                if (bar_always(items[i], rank[i]))
                        keep += bar_item_cols(items[i]);
        }
        /* When not everything fits, F1, F10 and Esc stay, the others take
         * what is left in order, and an ellipsis says that F1 (the help)
         * lists the rest: a translation's longer names never push Help, Quit
         * or the way back off the bar. */
        bool all = total - 2 <= cols, show[BAR_MAX], cut = false;
        int room = cols - keep - 2;
        for (size_t i = 0; i < n; i++) {
                show[i] = all || bar_always(items[i], rank[i]);
                if (!show[i] && !cut && bar_item_cols(items[i]) <= room) {
                        show[i] = true;
                        room -= bar_item_cols(items[i]);
                } else if (!show[i]) {
                        cut = true; /* the rest in order are left off too */
                }
        }
        int x = 0;
        bool marked = false;
        for (size_t i = 0; i < n; i++) {
                if (!show[i])
                        continue;
                if (cut && !marked && rank[i] >= 10) { /* before F10 (or what follows) */
                        x += rk_tui_print(win, y, x, cols - x, RK_ROLE_BAR, "\u2026") + 2;
                        marked = true;
                }
                x += bar_item_draw(win, y, x, cols, items[i]);
        }
        if (cut && !marked && x < cols)
                rk_tui_print(win, y, x, cols - x, RK_ROLE_BAR, "\u2026");
}
