/*
 * dialog.h - modal confirm and info boxes.
 *
 * A dialog is an overlay screen pushed on the stack: the screen under it
 * is still drawn, the box is drawn over it, and only the dialog gets keys.
 * Confirm answers with y (yes) or n/Esc (no) and reports the answer to a
 * callback with the caller's ctx; info closes on Enter or Esc. Title and
 * text are copied, so the caller's strings may be temporary; the copy of
 * the text is wiped when the dialog closes, so it may hold a one-time
 * password (the caller wipes its own buffer).
 */
#ifndef RK_TUI_DIALOG_H
#define RK_TUI_DIALOG_H

#include <stdbool.h>

struct rk_tui_app;

/*
 * rk_tui_dialog_confirm - from a handler: ask text (may hold '\n' for
 * more lines) with "[y/n]". When answered, the dialog is popped and
 * answer(app, ctx, yes) runs; its flags are applied too (it may push).
 * Returns the flags to pass back (RK_TUI_PUSH, or RK_TUI_REDRAW with an
 * error message when out of memory).
 */
int rk_tui_dialog_confirm(struct rk_tui_app *app, const char *title, const char *text,
                          int (*answer)(struct rk_tui_app *app, void *ctx, bool yes),
                          void *ctx);

/* rk_tui_dialog_info - like confirm, with an OK box and no callback. */
int rk_tui_dialog_info(struct rk_tui_app *app, const char *title, const char *text);

#endif
