/*
 * ask.h - a small form screen that asks a few questions and hands the
 * answers to a callback: the audit viewer's filter, "who accessed",
 * "what did user access", export file name and audit key prompts.
 *
 * The form owns its input buffers; a masked item (a key) is kept in
 * guarded memory (struct rk_ui_secret) and wiped when the form closes.
 * Enter calls done(app, ctx, values) with the texts typed, in item order
 * (valid until done returns). done validates and reports through the
 * message line; it returns reaction flags, and the form closes only when
 * they hold RK_TUI_POP (done may push a result screen in the same
 * reaction: the loop pops before it pushes). Esc cancels.
 */
#ifndef RK_TUI_ASK_H
#define RK_TUI_ASK_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

#define RK_UI_ASK_MAX 5

struct rk_ui_ask_item {
        const char *label;
        const char *initial; /* pre-filled text, or NULL */
        size_t max_chars;    /* code point limit (at most 255 unmasked) */
        bool masked;
};

struct rk_ui_ask {
        const char *name;    /* screen name on the title line */
        const char *heading; /* first line of the form */
        const char *hint;    /* one line under the fields, or NULL */
        const char *slow;    /* when not NULL: shown on the message line and
                                done runs after it is drawn (slow work) */
        int (*done)(struct rk_tui_app *app, void *ctx, const char *const *values);
        void *ctx; /* must outlive the form: usually the screen below */
};

/*
 * rk_ui_ask_open - push the form for items[0..n) (1 <= n <= RK_UI_ASK_MAX;
 * ask and items are copied, their strings must be static or outlive the
 * form). Returns flags (an error message when out of memory).
 */
int rk_ui_ask_open(struct rk_tui_app *app, const struct rk_ui_ask *ask,
                   const struct rk_ui_ask_item *items, size_t n);

#endif
