/*
 * form.h - a vertical list of labelled input fields.
 *
 * The form owns neither its items nor their fields: it moves the focus
 * (Tab/Down to the next field, Shift-Tab/Up to the previous, wrapping),
 * passes other keys to the focused field and calls submit on Enter. The
 * caller validates in submit and reports through the message line.
 */
#ifndef RK_TUI_FORM_H
#define RK_TUI_FORM_H

#include <curses.h>
#include <stddef.h>

#include "field.h"

struct rk_tui_app;

struct rk_tui_form_item {
        const char *label;
        struct rk_tui_field *field;
};

struct rk_tui_form {
        struct rk_tui_form_item *items;
        size_t n;
        size_t focus;
        int (*submit)(struct rk_tui_app *app, void *ctx); /* returns flags */
        void *ctx;
};

/* rk_tui_form_init - focus on the first of items[0..n) (n >= 1). */
void rk_tui_form_init(struct rk_tui_form *form, struct rk_tui_form_item *items, size_t n,
                      int (*submit)(struct rk_tui_app *, void *), void *ctx);

/*
 * rk_tui_form_key - focus moves, Enter (calls submit and returns its
 * flags; without submit Enter moves on) or editing of the focused field.
 * Returns reaction flags; RK_TUI_UNHANDLED for keys neither uses.
 */
int rk_tui_form_key(struct rk_tui_form *form, struct rk_tui_app *app, int key);

/*
 * rk_tui_form_draw - one item every second row from y: the label right
 * aligned in label_cols columns, then the field field_cols wide.
 */
void rk_tui_form_draw(struct rk_tui_form *form, struct rk_tui_app *app, WINDOW *win,
                      int y, int x, int label_cols, int field_cols);

#endif
