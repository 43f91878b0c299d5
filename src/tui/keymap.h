/*
 * keymap.h - declarative key binding tables, the function-key bar and the
 * generated help screen.
 *
 * A screen (and the application, for global keys) describes its keys as a
 * const array of struct rk_tui_binding. The event loop dispatches from the
 * same tables that the bar at the bottom and the help screen are drawn
 * from, so what the user is told and what the keys do cannot drift apart.
 *
 * Keys are plain ints: a character is its Unicode code point (Enter is
 * '\n', Esc is 27, ^U is 0x15), a curses function key K is RK_TUI_FKEY(K),
 * e.g. RK_TUI_FKEY(KEY_F(1)) or RK_TUI_FKEY(KEY_DOWN). The two ranges
 * never overlap because code points stop at U+10FFFF.
 */
#ifndef RK_TUI_KEYMAP_H
#define RK_TUI_KEYMAP_H

#include <curses.h>
#include <stddef.h>

struct rk_tui_app;
struct rk_tui_screen_ops;

#define RK_TUI_FKEY(k)    (0x110000 + (k))
#define RK_TUI_IS_FKEY(k) ((k) >= 0x110000)
#define RK_TUI_KEY_ESC    27
#define RK_TUI_KEY_ENTER  '\n'

/*
 * One key binding. label is how the key is written ("F1", "?", "Enter");
 * bar is the short text for the bottom bar, or NULL to keep the binding
 * off the bar (it still shows in help); help is one line for the help
 * screen. action returns reaction flags (enum rk_tui_react) and must not
 * draw; it gets the screen's state, or for global bindings the ctx given
 * in struct rk_tui_config. Bindings that share one action and sit next to
 * each other in a table are shown as one help row ("F1 ?").
 */
struct rk_tui_binding {
        int key;
        const char *label;
        const char *bar;
        const char *help;
        int (*action)(struct rk_tui_app *app, void *state);
};

/* The default global table: F1/? Help and F10/q Quit. */
extern const struct rk_tui_binding rk_tui_default_keys[];
extern const size_t rk_tui_default_keys_n;

/* Ready-made actions: open help for the top screen, quit, pop the top
 * screen. Each returns the reaction flags to hand back to the loop. */
int rk_tui_action_help(struct rk_tui_app *app, void *state);
int rk_tui_action_quit(struct rk_tui_app *app, void *state);
int rk_tui_action_pop(struct rk_tui_app *app, void *state);

/*
 * rk_tui_keymap_find - the binding for key in table[0..n), or NULL.
 */
const struct rk_tui_binding *rk_tui_keymap_find(const struct rk_tui_binding *table,
                                                size_t n, int key);

/*
 * rk_tui_keymap_global_live - true when the global binding g is in effect
 * on a screen with ops: the screen accepts global keys and does not bind
 * the same key itself. Dispatch, bar and help all ask this one question.
 */
int rk_tui_keymap_global_live(const struct rk_tui_screen_ops *ops,
                              const struct rk_tui_binding *g);

/*
 * rk_tui_bar_draw - draw the function-key bar on row y of win, cols wide:
 * the screen's bar entries and the live global ones, function keys first
 * in F-number order, each as the label (role bar_key) then the text (role
 * bar). Entries that do not fit are left off whole.
 */
void rk_tui_bar_draw(WINDOW *win, int y, int cols, const struct rk_tui_screen_ops *ops,
                     const struct rk_tui_binding *global, size_t n_global);

#endif
