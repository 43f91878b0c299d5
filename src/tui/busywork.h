/*
 * busywork.h - long work inside a handler, as the user sees it while it
 * runs: the keys typed meanwhile, a signal that ends the program, and the
 * progress on the message line.
 *
 * A handler that does long work in one call (the Duplicates comparison,
 * the Retention count, an Import's save) starts a struct rk_tui_busy with
 * the note a waiting user is told, and calls rk_tui_busy_poll from the
 * work's progress callback. The poll never waits. Esc, or a signal that
 * ends the program (a closed SSH connection, SIGTERM: rk_tui_signalled),
 * tells the work to stop at its next safe point. Any other key is told
 * that the screen is busy and how to stop: that note stays on the message
 * line for RK_TUI_BUSY_NOTE_MS, long enough to be read, before the
 * progress line takes its place again.
 */
#ifndef RK_TUI_BUSYWORK_H
#define RK_TUI_BUSYWORK_H

#include <stdbool.h>
#include <stdint.h>

struct rk_tui_app;

/* How long the busy note stays before the progress line comes back. */
#define RK_TUI_BUSY_NOTE_MS 2000

struct rk_tui_busy {
        struct rk_tui_app *app;
        const char *note;    /* told to a key other than Esc (translated) */
        uint64_t note_until; /* rk_tui_now_ms() until which the note stays */
};

/* rk_tui_busy_start - set b up for one piece of work in app; note (a
 * translated string that outlives the work) is what another key is told. */
void rk_tui_busy_start(struct rk_tui_busy *b, struct rk_tui_app *app, const char *note);

/*
 * rk_tui_busy_poll - between two steps of the work: read the keys typed
 * meanwhile without waiting. Returns true when the work should stop (Esc,
 * or a pending signal that ends the program); the keys typed after an Esc
 * stay in the input. Otherwise shows on the message line, at once, the
 * busy note while it lasts, else progress (a line without personal data;
 * NULL keeps the message line as it is), and returns false.
 */
bool rk_tui_busy_poll(struct rk_tui_busy *b, const char *progress);

#endif
