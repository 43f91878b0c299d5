/*
 * app.h - the event loop and the screen stack of the terminal front end.
 *
 * There is one loop (rk_tui_run) and a stack of screens. A screen is a
 * const struct rk_tui_screen_ops plus a void *state that the screen owns.
 * Only the top screen gets keys and is drawn (with the screens under it
 * when it is an overlay, e.g. a dialog). Handlers never draw and never
 * change the stack directly: they return reaction flags, and ask for a
 * stack change with rk_tui_push()/rk_tui_reset(), which only record the
 * request and return the flag to pass back. After each key or tick the
 * loop applies the flags in the order RESET, POP, PUSH, then, when
 * anything changed, erases and draws the top screen, the title line, the
 * message line and the key bar, and calls doupdate() once.
 *
 * Layout at R rows and C columns: row 0 is the title line, rows 1..R-3
 * are the screen's window (R-3 rows, C columns), row R-2 is the message
 * line and row R-1 the key bar. Below 80x24 the loop draws only a centred
 * "Terminal too small" notice and ignores keys until the terminal grows.
 *
 * Signals: SIGHUP, SIGTERM, SIGINT and SIGQUIT only set a flag; the loop
 * then finishes every screen, clears the screen and restores the
 * terminal. SIGTSTP (Ctrl-Z) calls config.on_suspend (the program locks
 * the session there); with job control the loop then clears the screen,
 * leaves the alternate screen and stops, and draws again on SIGCONT;
 * without job control it only locks. SIGSEGV, SIGBUS, SIGFPE, SIGILL and
 * SIGABRT write a prepared clear-screen and leave-alternate-screen
 * sequence, put the shell's terminal modes back and die as before. SIGWINCH is left to
 * ncurses, which turns it into KEY_RESIZE; the loop then relays out every
 * screen on the stack. endwin() also runs from an atexit() handler, so an
 * exit() on an error path leaves a usable terminal.
 *
 * Idle lock and session expiry: config.on_tick runs at least every
 * tick_ms milliseconds (and after each key) and may return flags like a
 * key handler; rk_tui_last_input_ms() tells how long the user has been
 * away. config.on_key, when set, sees every key before any screen does
 * (after the resize and too-small rules): a session check there can end
 * the session before the key acts. To lock, push a screen whose ops have
 * RK_TUI_SCREEN_NO_GLOBALS (the stack under it is kept but never drawn nor given keys);
 * to end the session, rk_tui_reset() finishes (and so wipes) every screen and leaves only
 * the new one.
 */
#ifndef RK_TUI_APP_H
#define RK_TUI_APP_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keymap.h"
#include "rekisteri/error.h"

struct rk_tui_app;

/* Reaction flags returned by key handlers, actions and on_tick. */
enum rk_tui_react {
        RK_TUI_NONE = 0,
        RK_TUI_REDRAW = 1 << 0,    /* draw again */
        RK_TUI_RELAYOUT = 1 << 1,  /* call layout of every screen, then draw */
        RK_TUI_PUSH = 1 << 2,      /* push the screen given to rk_tui_push() */
        RK_TUI_POP = 1 << 3,       /* finish and remove the top screen */
        RK_TUI_QUIT = 1 << 4,      /* leave the loop */
        RK_TUI_RESET = 1 << 5,     /* replace the stack (rk_tui_reset()) */
        RK_TUI_UNHANDLED = 1 << 6, /* key not used: try the next table */
};

/* Screen flags (struct rk_tui_screen_ops.flags). */
enum rk_tui_screen_flags {
        RK_TUI_SCREEN_OVERLAY = 1 << 0,    /* draw the screen below first */
        RK_TUI_SCREEN_NO_GLOBALS = 1 << 1, /* global keys do not apply */
};

/*
 * A screen. Only draw is required. Key dispatch order: the screen's keys
 * table, then key(), then (unless NO_GLOBALS) the global table; key()
 * returns RK_TUI_UNHANDLED for keys it does not use.
 *   init   - after the push; a result other than RK_OK refuses the push
 *            (fini still runs) and puts rk_rc_name(rc) on the message line
 *   layout - after init, on every resize and on RELAYOUT, with the size of
 *            the screen's window (at least 21x80)
 *   draw   - draw into win (already erased); may call rk_tui_cursor()
 *   key    - one key (see keymap.h for the encoding); returns flags
 *   fini   - on pop, reset or exit: free state, wipe secrets in it
 */
struct rk_tui_screen_ops {
        const char *name;
        unsigned flags;
        int (*init)(struct rk_tui_app *app, void *state);
        void (*layout)(struct rk_tui_app *app, void *state, int rows, int cols);
        void (*draw)(struct rk_tui_app *app, void *state, WINDOW *win);
        int (*key)(struct rk_tui_app *app, void *state, int key);
        void (*fini)(struct rk_tui_app *app, void *state);
        const struct rk_tui_binding *keys;
        size_t n_keys;
};

/* How rk_tui_run() sets up. Zeroed fields take the defaults noted. */
struct rk_tui_config {
        const char *title;                 /* title line; "rekisteri" */
        bool no_color;                     /* the --no-color flag */
        const struct rk_tui_binding *keys; /* global keys; rk_tui_default_keys */
        size_t n_keys;
        int (*on_tick)(struct rk_tui_app *app, void *ctx); /* optional */
        /* optional: before each key is dispatched; return RK_TUI_UNHANDLED
         * to let the key through, anything else swallows it and is applied
         * as reaction flags */
        int (*on_key)(struct rk_tui_app *app, void *ctx, int key);
        /* optional: on SIGTSTP, before the screen is cleared; returns
         * flags (push the lock screen here) */
        int (*on_suspend)(struct rk_tui_app *app, void *ctx);
        void *ctx;   /* for on_tick and global actions */
        int tick_ms; /* input timeout; 1000 */
};

/* Message line levels. */
enum rk_tui_level { RK_TUI_INFO, RK_TUI_WARNING, RK_TUI_ERROR };

#define RK_TUI_MIN_ROWS 24
#define RK_TUI_MIN_COLS 80

/*
 * rk_tui_run - start curses, push first (ownership of state passes to the
 * loop), run until QUIT, an empty stack or a signal, finish every screen
 * and restore the terminal. Returns RK_OK, RK_ERR_IO when the terminal
 * cannot be set up, or the init error of the first screen (err says
 * which). Not reentrant: one loop per process.
 */
int rk_tui_run(const struct rk_tui_config *cfg, const struct rk_tui_screen_ops *first,
               void *state, struct rk_error *err);

/* rk_tui_last_signal - the signal that ended the last rk_tui_run(), or 0. */
int rk_tui_last_signal(void);

/* rk_tui_signalled - true once a signal that ends the loop (SIGHUP,
 * SIGTERM, SIGINT, SIGQUIT) has come: long work inside a handler stops
 * at its next safe point, after which the loop ends. */
bool rk_tui_signalled(void);

/*
 * rk_tui_push - request that ops/state be pushed after the current
 * handler returns; returns RK_TUI_PUSH to pass back. Ownership of state
 * passes to the loop in every case: if a push is already pending the new
 * one is refused, its fini runs, an error message is set and 0 returned.
 */
int rk_tui_push(struct rk_tui_app *app, const struct rk_tui_screen_ops *ops, void *state);

/*
 * rk_tui_reset - request that the whole stack be finished (top first) and
 * replaced by ops/state alone; returns RK_TUI_RESET. Ownership as for
 * rk_tui_push(). A pending push is dropped (and finished). The message
 * line is cleared now, so nothing of the old stack stays in view; a
 * message set after this call shows on the new screen (e.g. why a
 * session ended).
 */
int rk_tui_reset(struct rk_tui_app *app, const struct rk_tui_screen_ops *ops,
                 void *state);

/*
 * rk_tui_message - set the message line (printf format; never put
 * personal data, passwords or codes in it). It stays until the next key.
 * Returns RK_TUI_REDRAW so a handler can `return rk_tui_message(...)`.
 */
int rk_tui_message(struct rk_tui_app *app, enum rk_tui_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * rk_tui_flash - set the message line and show it on the terminal at once,
 * without waiting for the next frame: for code that is about to block
 * inside a handler (a core call waiting for another session's lock). The
 * text stays until the next key, like rk_tui_message(); same rules.
 */
void rk_tui_flash(struct rk_tui_app *app, enum rk_tui_level level, const char *text);

/*
 * rk_tui_defer - from a handler: run fn(app, state) once, right after the
 * next frame has been drawn and before the next key is read, and apply
 * its flags. For slow work (an Argon2id password check takes about half
 * a second): set a message such as "Checking..." and defer the work, so
 * the user sees the message while waiting. state must stay alive until
 * fn runs (do not pop the deferring screen in the same reaction). A
 * second request before the first has run replaces it. Returns
 * RK_TUI_REDRAW.
 */
int rk_tui_defer(struct rk_tui_app *app, int (*fn)(struct rk_tui_app *app, void *state),
                 void *state);

/*
 * rk_tui_when_idle - from a handler: run fn(app, state) once no key has come
 * for ms milliseconds, so that work done on every key (search as you type)
 * waits for a pause in typing. A later call replaces an earlier one; the job
 * is dropped with the screen whose state it names. Returns RK_TUI_REDRAW.
 */
int rk_tui_when_idle(struct rk_tui_app *app, int ms,
                     int (*fn)(struct rk_tui_app *app, void *state), void *state);

/*
 * rk_tui_set_title - replace the text before the screen name on the
 * title line (config.title at start); copied, sanitised when drawn.
 * NULL goes back to config.title. Never put secrets in it.
 */
void rk_tui_set_title(struct rk_tui_app *app, const char *title);

/* rk_tui_cursor - from draw: show the terminal cursor at y, x of win
 * after this frame. Without a call the cursor is hidden. */
void rk_tui_cursor(struct rk_tui_app *app, WINDOW *win, int y, int x);

/* rk_tui_discard_input - drop every key typed ahead and not yet read
 * (flushinp): after a step that may change the screen under the user's
 * fingers (a login, an unlock, a forced end), so that a password typed on
 * never lands in the next screen's visible field. */
void rk_tui_discard_input(struct rk_tui_app *app);

/*
 * rk_tui_poll_key - for long work inside a handler: a key already typed,
 * without waiting (Enter, DEL and ^H as from the main loop), or -1 when
 * none. The key is consumed; the work decides what it means (Esc: stop).
 * A resize is handled here and never returned: the screens are laid out
 * and drawn again at the new size (or the too-small notice shown).
 */
int rk_tui_poll_key(struct rk_tui_app *app);

/* rk_tui_now_ms - CLOCK_MONOTONIC in milliseconds. */
uint64_t rk_tui_now_ms(void);

/* rk_tui_last_input_ms - rk_tui_now_ms() at the last key press (or at
 * start). */
uint64_t rk_tui_last_input_ms(const struct rk_tui_app *app);

/* rk_tui_top - the ops of the top screen, or NULL on an empty stack. */
const struct rk_tui_screen_ops *rk_tui_top(const struct rk_tui_app *app);

/* rk_tui_global_keys - the global table in effect; *n gets its length. */
const struct rk_tui_binding *rk_tui_global_keys(const struct rk_tui_app *app, size_t *n);

#endif
