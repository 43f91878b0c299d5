/*
 * busywork.c - long work inside a handler: keys, signals and the progress
 * line while it runs (see busywork.h for the contract).
 *
 * How it works: each poll drains the keys already typed
 * (rk_tui_poll_key, which also handles a resize), returning at the first
 * Esc; another key moves the note's deadline RK_TUI_BUSY_NOTE_MS ahead
 * (a key held down keeps the note up). Then a pending signal stops the
 * work as Esc does. The message line is drawn at once (rk_tui_flash): the
 * note as a warning until its deadline, else the caller's progress line.
 * The screens that use it only format their own progress line.
 */
#include "busywork.h"

#include "app.h"

void rk_tui_busy_start(struct rk_tui_busy *b, struct rk_tui_app *app, const char *note)
{
        b->app = app;
        b->note = note;
        b->note_until = 0;
}

bool rk_tui_busy_poll(struct rk_tui_busy *b, const char *progress)
{
        int key;
        while ((key = rk_tui_poll_key(b->app)) != -1) {
                if (key == RK_TUI_KEY_ESC)
                        return true;
                b->note_until = rk_tui_now_ms() + RK_TUI_BUSY_NOTE_MS;
        }
        if (rk_tui_signalled())
                return true;
        if (rk_tui_now_ms() < b->note_until)
                rk_tui_flash(b->app, RK_TUI_WARNING, b->note);
        else if (progress != NULL)
                rk_tui_flash(b->app, RK_TUI_INFO, progress);
        return false;
}
