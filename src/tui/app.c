/*
 * app.c - the single event loop and the screen stack.
 *
 * How it works: rk_tui_run() sets up curses and signal flags, pushes the
 * first screen and loops: draw when something changed, wait for one key
 * with a timeout (config.tick_ms), hand the key to the top screen's
 * binding table, then its key(), then the global table, run on_tick, and
 * apply the returned reaction flags. A job deferred by a handler
 * (rk_tui_defer) runs after the next draw in place of reading a key.
 * Stack changes requested by handlers wait in app->pending until the
 * handler has returned, so a handler never
 * sees its own screen freed under it. Drawing is in one place (draw_all),
 * which erases stdscr and calls doupdate() once per frame. Pasted text
 * arrives marked (bracketed paste, where the terminal has it) and is taken
 * as text only (paste_key). See app.h for the contract, the layout of the
 * screen and the signal rules.
 */
#include "app.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "theme.h"

#define STACK_MAX 16

struct frame {
        const struct rk_tui_screen_ops *ops;
        void *state;
};

enum pending_kind { PENDING_NONE, PENDING_PUSH, PENDING_RESET };

struct rk_tui_app {
        struct rk_tui_config cfg;
        struct frame stack[STACK_MAX];
        size_t depth;
        struct frame pending;
        enum pending_kind pending_kind;
        char msg[256];
        enum rk_tui_level msg_level;
        uint64_t last_input;
        WINDOW *body;
        bool too_small;
        bool running;
        bool cursor_on;
        int cursor_y, cursor_x;
        char title[160];
        int (*deferred)(struct rk_tui_app *app, void *state);
        void *deferred_state;
        int (*idle)(struct rk_tui_app *app, void *state); /* rk_tui_when_idle */
        void *idle_state;
        int idle_ms;
        bool pasting;      /* between a bracketed paste's start and end */
        int paste_dropped; /* control characters left out of that paste */
        bool paste_space;  /* a pasted line break waits to become a space */
};

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t got_suspend;
static int last_signal;
static SCREEN *screen;
static bool curses_on;
/* Signals that end the loop cleanly (SIGQUIT like SIGTERM: Ctrl-\ must not
 * leave the screen behind), the suspend signal, and the fatal ones. */
static const int caught[] = {SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGTSTP};
static struct sigaction saved[sizeof(caught) / sizeof(caught[0])];
static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static struct sigaction saved_fatal[sizeof(fatal) / sizeof(fatal[0])];
#define N_CAUGHT (sizeof(caught) / sizeof(caught[0]))
#define N_FATAL  (sizeof(fatal) / sizeof(fatal[0]))

/* What a fatal-signal handler writes (async-signal-safe: prepared at start):
 * clear the screen, keypad off, leave the alternate screen; then the
 * shell's terminal modes are put back. */
static char leave_seq[256];
static size_t leave_len;
static struct termios shell_modes;
static bool shell_modes_saved;

static void on_signal(int signo)
{
        if (signo == SIGTSTP)
                got_suspend = 1;
        else
                got_signal = signo;
}

static void on_fatal(int signo)
{
        if (leave_len > 0 && write(STDOUT_FILENO, leave_seq, leave_len) < 0)
                leave_len = 0;
        if (shell_modes_saved)
                tcsetattr(STDIN_FILENO, TCSADRAIN, &shell_modes);
        signal(signo, SIG_DFL);
        raise(signo);
}

/* Installed before newterm(), so ncurses keeps our handlers (it only
 * takes over signals that are still SIG_DFL, SIGTSTP included). No
 * SA_RESTART: a signal interrupts the wait for a key. */
static void signals_install(void)
{
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < N_CAUGHT; i++)
                sigaction(caught[i], &sa, &saved[i]);
        sa.sa_handler = on_fatal;
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        for (size_t i = 0; i < N_FATAL; i++)
                sigaction(fatal[i], &sa, &saved_fatal[i]);
}

static void signals_restore(void)
{
        for (size_t i = 0; i < N_CAUGHT; i++)
                sigaction(caught[i], &saved[i], NULL);
        for (size_t i = 0; i < N_FATAL; i++)
                sigaction(fatal[i], &saved_fatal[i], NULL);
}

/* Append terminfo capability cap (if the terminal has it) to leave_seq. */
static void leave_add(const char *cap)
{
        char *v = tigetstr(cap);
        if (v == NULL || v == (char *)-1)
                return;
        size_t n = strlen(v);
        if (leave_len + n < sizeof(leave_seq)) {
                memcpy(leave_seq + leave_len, v, n);
                leave_len += n;
        }
}

/*
 * Bracketed paste (terminfo BE/BD/PS/PE, xterm's mode 2004): the terminal
 * marks pasted text, so that a paste holding an escape sequence, a line
 * break or a Tab is taken as text (handle_key) and never as Esc, Enter or
 * a key that answers a question: a form is not thrown away, nor submitted
 * half filled, by something pasted into one of its fields.
 */
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END   (KEY_MAX + 2)
static const char *paste_on_seq, *paste_off_seq;

static const char *cap(const char *name)
{
        const char *v = tigetstr(name);
        return v == NULL || v == (char *)-1 ? NULL : v;
}

/* Write a terminfo string straight to the terminal (outside a frame). */
static void emit(const char *seq)
{
        if (seq != NULL && write(STDOUT_FILENO, seq, strlen(seq)) < 0)
                return;
}

static void paste_setup(void)
{
        const char *ps = cap("PS"), *pe = cap("PE");
        paste_on_seq = paste_off_seq = NULL;
        if (cap("BE") == NULL || cap("BD") == NULL || ps == NULL || pe == NULL)
                return;
        define_key(ps, KEY_PASTE_BEGIN);
        define_key(pe, KEY_PASTE_END);
        paste_on_seq = cap("BE");
        paste_off_seq = cap("BD");
        leave_add("BD");
        emit(paste_on_seq);
}

/* Clear the terminal now, whatever ncurses believes is on it. */
static void screen_wipe(void)
{
        wclear(stdscr);
        wrefresh(stdscr);
}

/* atexit() handler: also covers exit() on error paths inside screens.
 * Every way out clears the screen first, so nothing stays on a terminal
 * without an alternate screen either. */
static void terminal_restore(void)
{
        if (!curses_on)
                return;
        curses_on = false;
        screen_wipe();
        emit(paste_off_seq);
        endwin();
}

/* True when a job-control shell started us in a process group of our own
 * that owns the terminal; false under a forced command (sh -c, no job
 * control), where a stopped process could never be resumed. */
static bool job_control(void)
{
        pid_t pg = getpgrp();
        return pg != getsid(0) && tcgetpgrp(STDIN_FILENO) == pg;
}

/*
 * Home and End arrive as different sequences depending on the terminal and
 * on what sits between (tmux, screen, PuTTY send ESC[1~ / ESC[4~ or
 * ESC[7~ / ESC[8~ where xterm's terminfo says ESC[H / ESC[F). Unknown,
 * they would reach screens as a bare Esc, which closes a screen. Teach
 * ncurses the common variants; define_key ignores ones it already knows.
 */
static void define_home_end(void)
{
        static const struct {
                const char *seq;
                int key;
        } keys[] = {
            {"\033[1~", KEY_HOME}, {"\033[7~", KEY_HOME}, {"\033[H", KEY_HOME},
            {"\033OH", KEY_HOME},  {"\033[4~", KEY_END},  {"\033[8~", KEY_END},
            {"\033[F", KEY_END},   {"\033OF", KEY_END},
        };
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                if (key_defined(keys[i].seq) == 0)
                        define_key(keys[i].seq, keys[i].key);
        }
}

static int curses_start(const struct rk_tui_config *cfg, struct rk_error *err)
{
        static bool registered;
        shell_modes_saved = tcgetattr(STDIN_FILENO, &shell_modes) == 0;
        screen = newterm(NULL, stdout, stdin);
        if (screen == NULL)
                return rk_error_set(err, RK_ERR_IO,
                                    _("cannot set up the terminal (TERM?)"));
        curses_on = true;
        leave_len = 0;
        leave_add("clear");
        leave_add("rmkx");
        leave_add("cnorm");
        leave_add("rmcup");
        if (!registered && atexit(terminal_restore) == 0)
                registered = true;
        cbreak();
        noecho();
        nonl();
        intrflush(stdscr, FALSE);
        keypad(stdscr, TRUE);
        define_home_end();
        paste_setup();
        set_escdelay(25);
        wtimeout(stdscr, cfg->tick_ms);
        curs_set(0);
        rk_tui_theme_init(cfg->no_color);
        return RK_OK;
}

static void curses_stop(struct rk_tui_app *app)
{
        if (app->body != NULL)
                delwin(app->body);
        app->body = NULL;
        terminal_restore();
        if (screen != NULL)
                delscreen(screen);
        screen = NULL;
}

uint64_t rk_tui_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int rk_tui_message(struct rk_tui_app *app, enum rk_tui_level level, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(app->msg, sizeof(app->msg), fmt, ap);
        va_end(ap);
        app->msg_level = level;
        return RK_TUI_REDRAW;
}

void rk_tui_flash(struct rk_tui_app *app, enum rk_tui_level level, const char *text)
{
        static const enum rk_tui_role level_role[] = {RK_ROLE_NORMAL, RK_ROLE_WARNING,
                                                      RK_ROLE_ERROR};
        snprintf(app->msg, sizeof(app->msg), "%s", text);
        app->msg_level = level;
        if (!curses_on || app->too_small)
                return;
        wmove(stdscr, LINES - 2, 0);
        wclrtoeol(stdscr);
        rk_tui_print(stdscr, LINES - 2, 0, COLS, level_role[level], app->msg);
        wnoutrefresh(stdscr);
        doupdate();
}

static void frame_fini(struct rk_tui_app *app, struct frame f)
{
        if (app->idle != NULL && app->idle_state == f.state)
                app->idle = NULL; /* its state is about to go */
        if (f.ops != NULL && f.ops->fini != NULL)
                f.ops->fini(app, f.state);
}

static int request(struct rk_tui_app *app, enum pending_kind kind,
                   const struct rk_tui_screen_ops *ops, void *state)
{
        if (app->pending_kind != PENDING_NONE)
                frame_fini(app, app->pending);
        app->pending = (struct frame){ops, state};
        app->pending_kind = kind;
        return kind == PENDING_PUSH ? RK_TUI_PUSH : RK_TUI_RESET;
}

int rk_tui_push(struct rk_tui_app *app, const struct rk_tui_screen_ops *ops, void *state)
{
        if (app->pending_kind != PENDING_NONE) {
                frame_fini(app, (struct frame){ops, state});
                rk_tui_message(app, RK_TUI_ERROR,
                               _("Internal error: two screen changes at once"));
                return RK_TUI_NONE;
        }
        return request(app, PENDING_PUSH, ops, state);
}

int rk_tui_reset(struct rk_tui_app *app, const struct rk_tui_screen_ops *ops, void *state)
{
        app->msg[0] = '\0'; /* nothing of the old stack stays in view */
        return request(app, PENDING_RESET, ops, state);
}

int rk_tui_defer(struct rk_tui_app *app, int (*fn)(struct rk_tui_app *app, void *state),
                 void *state)
{
        app->deferred = fn;
        app->deferred_state = state;
        return RK_TUI_REDRAW;
}

int rk_tui_when_idle(struct rk_tui_app *app, int ms,
                     int (*fn)(struct rk_tui_app *app, void *state), void *state)
{
        app->idle = fn;
        app->idle_state = state;
        app->idle_ms = ms;
        return RK_TUI_REDRAW;
}

void rk_tui_set_title(struct rk_tui_app *app, const char *title)
{
        snprintf(app->title, sizeof(app->title), "%s",
                 title != NULL ? title : app->cfg.title);
}

void rk_tui_cursor(struct rk_tui_app *app, WINDOW *win, int y, int x)
{
        app->cursor_on = true;
        app->cursor_y = getbegy(win) + y;
        app->cursor_x = getbegx(win) + x;
}

void rk_tui_discard_input(struct rk_tui_app *app)
{
        (void)app;
        if (curses_on)
                flushinp();
}

uint64_t rk_tui_last_input_ms(const struct rk_tui_app *app)
{
        return app->last_input;
}

const struct rk_tui_screen_ops *rk_tui_top(const struct rk_tui_app *app)
{
        return app->depth > 0 ? app->stack[app->depth - 1].ops : NULL;
}

const struct rk_tui_binding *rk_tui_global_keys(const struct rk_tui_app *app, size_t *n)
{
        *n = app->cfg.n_keys;
        return app->cfg.keys;
}

int rk_tui_last_signal(void)
{
        return last_signal;
}

bool rk_tui_signalled(void)
{
        return got_signal != 0;
}

static void layout_frame(struct rk_tui_app *app, struct frame f)
{
        if (!app->too_small && f.ops->layout != NULL)
                f.ops->layout(app, f.state, getmaxy(app->body), getmaxx(app->body));
}

/* Recreate the screen window for the current size and lay out every
 * screen on the stack; below the minimum there is no screen window. */
static void relayout(struct rk_tui_app *app)
{
        if (app->body != NULL)
                delwin(app->body);
        app->body = NULL;
        app->too_small = LINES < RK_TUI_MIN_ROWS || COLS < RK_TUI_MIN_COLS;
        if (!app->too_small)
                app->body = derwin(stdscr, LINES - 3, COLS, 1, 0);
        if (app->body == NULL)
                app->too_small = true;
        for (size_t i = 0; i < app->depth; i++)
                layout_frame(app, app->stack[i]);
}

/* Push f now; returns the init result (the frame is finished on error). */
static int push_frame(struct rk_tui_app *app, struct frame f)
{
        int rc = RK_ERR_INTERNAL;
        if (app->depth == STACK_MAX)
                goto out;
        rc = f.ops->init != NULL ? f.ops->init(app, f.state) : RK_OK;
        if (rc != RK_OK)
                goto out;
        app->stack[app->depth++] = f;
        layout_frame(app, f);
        return RK_OK;
out:
        frame_fini(app, f);
        rk_tui_message(app, RK_TUI_ERROR, _("Cannot open the screen: %s"),
                       rk_rc_name(rc));
        return rc;
}

static void pop_frame(struct rk_tui_app *app)
{
        if (app->depth > 0)
                frame_fini(app, app->stack[--app->depth]);
}

/* Act on reaction flags; returns true when the screen must be drawn. */
static bool apply(struct rk_tui_app *app, int flags)
{
        enum pending_kind kind = app->pending_kind;
        app->pending_kind = PENDING_NONE;
        if (kind == PENDING_RESET) {
                while (app->depth > 0)
                        pop_frame(app);
                push_frame(app, app->pending);
        } else {
                if (flags & RK_TUI_POP)
                        pop_frame(app);
                if (kind == PENDING_PUSH)
                        push_frame(app, app->pending);
        }
        if (flags & RK_TUI_RELAYOUT)
                relayout(app);
        if ((flags & RK_TUI_QUIT) || app->depth == 0)
                app->running = false;
        return (flags & ~RK_TUI_UNHANDLED) != 0 || kind != PENDING_NONE;
}

static void draw_too_small(void)
{
        char note[96];
        snprintf(note, sizeof(note), _("Terminal too small: %dx%d, need %dx%d"), COLS,
                 LINES, RK_TUI_MIN_COLS, RK_TUI_MIN_ROWS);
        rk_tui_print_cell(stdscr, LINES / 2, 0, COLS, RK_ROLE_WARNING, RK_TUI_CENTRE,
                          note);
}

static void draw_chrome(struct rk_tui_app *app, const struct rk_tui_screen_ops *top)
{
        static const enum rk_tui_role level_role[] = {RK_ROLE_NORMAL, RK_ROLE_WARNING,
                                                      RK_ROLE_ERROR};
        char title[224];
        snprintf(title, sizeof(title), " %s: %s", app->title, _(top->name));
        rk_tui_print_cell(stdscr, 0, 0, COLS, RK_ROLE_TITLE, RK_TUI_LEFT, title);
        rk_tui_print(stdscr, LINES - 2, 0, COLS, level_role[app->msg_level], app->msg);
        rk_tui_bar_draw(stdscr, LINES - 1, COLS, top, app->cfg.keys, app->cfg.n_keys);
}

/* Overlays (dialogs) are drawn over the screens they cover. */
static void draw_screens(struct rk_tui_app *app)
{
        size_t base = app->depth - 1;
        while (base > 0 && (app->stack[base].ops->flags & RK_TUI_SCREEN_OVERLAY))
                base--;
        for (size_t i = base; i < app->depth; i++)
                app->stack[i].ops->draw(app, app->stack[i].state, app->body);
}

static void draw_all(struct rk_tui_app *app)
{
        werase(stdscr);
        app->cursor_on = false;
        if (app->too_small) {
                draw_too_small();
        } else if (app->depth > 0) {
                draw_screens(app);
                draw_chrome(app, app->stack[app->depth - 1].ops);
        }
        if (app->cursor_on)
                wmove(stdscr, app->cursor_y, app->cursor_x);
        curs_set(app->cursor_on ? 1 : 0);
        wnoutrefresh(stdscr);
        doupdate();
}

static int dispatch(struct rk_tui_app *app, int key)
{
        struct frame top = app->stack[app->depth - 1];
        const struct rk_tui_binding *b =
            rk_tui_keymap_find(top.ops->keys, top.ops->n_keys, key);
        if (b != NULL)
                return b->action(app, top.state);
        if (top.ops->key != NULL) {
                int r = top.ops->key(app, top.state, key);
                if (!(r & RK_TUI_UNHANDLED))
                        return r;
        }
        b = rk_tui_keymap_find(app->cfg.keys, app->cfg.n_keys, key);
        if (b != NULL && rk_tui_keymap_global_live(top.ops, b))
                return b->action(app, app->cfg.ctx);
        return RK_TUI_NONE;
}

/* One key as in keymap.h: Enter is '\n' whatever the terminal sends,
 * and DEL and ^H are KEY_BACKSPACE. Returns false on timeout. */
static bool read_key(int *key)
{
        wint_t wc;
        int rc = wget_wch(stdscr, &wc);
        if (rc == ERR)
                return false;
        *key = rc == KEY_CODE_YES ? RK_TUI_FKEY((int)wc) : (int)wc;
        if (*key == '\r' || *key == RK_TUI_FKEY(KEY_ENTER))
                *key = RK_TUI_KEY_ENTER;
        else if (*key == 0x7f || *key == '\b')
                *key = RK_TUI_FKEY(KEY_BACKSPACE);
        return true;
}

int rk_tui_poll_key(struct rk_tui_app *app)
{
        int key = -1;
        if (!curses_on)
                return -1;
        wtimeout(stdscr, 0);
        /* a resize during long work: the screens at the new size now, not
         * when the work is done (and the resize not lost to the caller) */
        while (read_key(&key) && key == RK_TUI_FKEY(KEY_RESIZE)) {
                relayout(app);
                draw_all(app);
                key = -1;
        }
        wtimeout(stdscr, app->cfg.tick_ms);
        if (key != -1)
                app->last_input = rk_tui_now_ms();
        return key;
}

/* Hand one key to the session hook, then the top screen. */
static int deliver(struct rk_tui_app *app, int key)
{
        app->last_input = rk_tui_now_ms();
        app->msg[0] = '\0';
        if (app->cfg.on_key != NULL) {
                int r = app->cfg.on_key(app, app->cfg.ctx, key);
                if (!(r & RK_TUI_UNHANDLED))
                        return r | RK_TUI_REDRAW;
        }
        return dispatch(app, key) | RK_TUI_REDRAW;
}

/* A key inside a bracketed paste: text stays text (line breaks and Tabs
 * between words become one space, at the end none), a control character
 * or a key sequence is left out and counted; at the end of the paste the
 * count is told. Returns true when the key was taken here (*flags set). */
static bool paste_key(struct rk_tui_app *app, int *key, int *flags)
{
        *flags = RK_TUI_NONE;
        if (*key == RK_TUI_FKEY(KEY_PASTE_BEGIN)) {
                app->pasting = true;
                app->paste_dropped = 0;
                app->paste_space = false;
                return true;
        }
        if (*key == RK_TUI_FKEY(KEY_PASTE_END)) {
                app->pasting = false;
                app->paste_space = false;
                if (app->paste_dropped > 0)
                        *flags = rk_tui_message(
                            app, RK_TUI_WARNING,
                            ngettext("The pasted text held %d control character (such "
                                     "as Escape); it was left out",
                                     "The pasted text held %d control characters (such "
                                     "as Escape); they were left out",
                                     (unsigned long)app->paste_dropped),
                            app->paste_dropped);
                return true;
        }
        if (!app->pasting)
                return false;
        if (*key == '\t' || *key == RK_TUI_KEY_ENTER) {
                /* a space only between words: the line break a copied
                 * password or e-mail address ends with is no part of it */
                app->paste_space = true;
                return true;
        }
        if (*key < 0x20 || *key == 0x7f || RK_TUI_IS_FKEY(*key)) {
                app->paste_dropped++;
                return true;
        }
        return false;
}

static int handle_key(struct rk_tui_app *app, int key)
{
        int flags;
        if (key == RK_TUI_FKEY(KEY_RESIZE))
                return RK_TUI_RELAYOUT;
        if (app->too_small)
                return RK_TUI_NONE;
        if (paste_key(app, &key, &flags))
                return flags;
        flags = RK_TUI_NONE;
        if (app->paste_space) {
                app->paste_space = false;
                flags = deliver(app, ' ');
        }
        return flags | deliver(app, key);
}

/* Run the deferred job, if any; true when there was one (flags in *flags). */
static bool run_deferred(struct rk_tui_app *app, int *flags)
{
        int (*fn)(struct rk_tui_app *, void *) = app->deferred;
        if (fn == NULL)
                return false;
        app->deferred = NULL;
        *flags = fn(app, app->deferred_state) | RK_TUI_REDRAW;
        return true;
}

/* Milliseconds until the idle job is due (0: due now); -1 when none. */
static int idle_due_in(const struct rk_tui_app *app)
{
        if (app->idle == NULL)
                return -1;
        uint64_t quiet = rk_tui_now_ms() - app->last_input;
        return quiet >= (uint64_t)app->idle_ms ? 0
                                               : (int)((uint64_t)app->idle_ms - quiet);
}

/* Run the idle job when typing has paused; true when it ran. */
static bool run_idle(struct rk_tui_app *app, int *flags)
{
        if (idle_due_in(app) != 0)
                return false;
        int (*fn)(struct rk_tui_app *, void *) = app->idle;
        app->idle = NULL;
        *flags = fn(app, app->idle_state) | RK_TUI_REDRAW;
        return true;
}

/* Read a key, waiting no longer than until a pending idle job is due. */
static bool read_key_until_idle(struct rk_tui_app *app, int *key)
{
        int due = idle_due_in(app);
        if (due > 0 && due < app->cfg.tick_ms)
                wtimeout(stdscr, due);
        bool got = read_key(key);
        if (due > 0)
                wtimeout(stdscr, app->cfg.tick_ms);
        return got;
}

/*
 * Ctrl-Z (SIGTSTP): lock first through config.on_suspend, so that what
 * comes back is the lock screen. Under job control, then clear the screen,
 * leave the alternate screen with the shell's modes restored, and stop;
 * on SIGCONT draw again from scratch. Without job control nothing could
 * resume a stopped process, so the program only locks and says why.
 */
static bool suspend(struct rk_tui_app *app)
{
        got_suspend = 0;
        if (app->cfg.on_suspend != NULL)
                apply(app, app->cfg.on_suspend(app, app->cfg.ctx));
        if (!job_control()) {
                rk_tui_message(app, RK_TUI_INFO,
                               _("Ctrl-Z does not suspend here: no job control"));
                return true;
        }
        screen_wipe();
        emit(paste_off_seq);
        endwin();
        struct sigaction dfl, ours;
        memset(&dfl, 0, sizeof(dfl));
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGTSTP, &dfl, &ours);
        raise(SIGTSTP); /* stops here until SIGCONT */
        sigaction(SIGTSTP, &ours, NULL);
        emit(paste_on_seq);
        clearok(curscr, TRUE);
        return true;
}

static void loop(struct rk_tui_app *app)
{
        bool redraw = true;
        while (app->running && got_signal == 0) {
                if (got_suspend != 0)
                        redraw = suspend(app);
                if (redraw)
                        draw_all(app);
                int key, flags = RK_TUI_NONE;
                /* A deferred job takes the place of a key this round. */
                if (!run_deferred(app, &flags) && !run_idle(app, &flags) &&
                    read_key_until_idle(app, &key))
                        flags = handle_key(app, key);
                if (got_signal != 0)
                        break;
                if (got_suspend != 0)
                        continue;
                if (app->cfg.on_tick != NULL)
                        flags |= app->cfg.on_tick(app, app->cfg.ctx);
                redraw = apply(app, flags);
        }
}

static void config_defaults(struct rk_tui_config *c)
{
        if (c->title == NULL)
                c->title = "rekisteri";
        if (c->keys == NULL) {
                c->keys = rk_tui_default_keys;
                c->n_keys = rk_tui_default_keys_n;
        }
        if (c->tick_ms <= 0)
                c->tick_ms = 1000;
}

int rk_tui_run(const struct rk_tui_config *cfg, const struct rk_tui_screen_ops *first,
               void *state, struct rk_error *err)
{
        struct rk_tui_app app;
        memset(&app, 0, sizeof(app));
        app.cfg = *cfg;
        config_defaults(&app.cfg);
        rk_tui_set_title(&app, NULL);
        got_signal = 0;
        got_suspend = 0;
        last_signal = 0;
        signals_install();
        int rc = curses_start(&app.cfg, err);
        if (rc != RK_OK) {
                frame_fini(&app, (struct frame){first, state});
                goto out;
        }
        app.last_input = rk_tui_now_ms();
        relayout(&app);
        rc = push_frame(&app, (struct frame){first, state});
        if (rc != RK_OK) {
                rk_error_set(err, rc, "%s", app.msg);
                goto out;
        }
        app.running = true;
        loop(&app);
        while (app.depth > 0)
                pop_frame(&app);
        if (app.pending_kind != PENDING_NONE)
                frame_fini(&app, app.pending);
out:
        curses_stop(&app);
        signals_restore();
        last_signal = got_signal;
        return rc;
}
