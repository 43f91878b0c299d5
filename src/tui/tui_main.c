/*
 * tui_main.c - the terminal program's entry point and its session rules.
 *
 * How it works: rk_tui_main() fills the program context (struct rk_ui)
 * and runs the kit's loop from the login screen. Two hooks enforce the
 * session rules on every screen alike:
 *   on_key  - before any key is handled, rk_session_check(): a disabled
 *             account or a session past its absolute limit ends there,
 *             and the key is swallowed;
 *   on_tick - the same check about once a second, and the idle lock
 *             after [session] idle_lock_seconds without a key.
 * Ending a session (rk_ui_logout) resets the stack to the login screen,
 * which finishes (and so wipes) every screen that held personal data.
 *
 * Many sessions share the register: when a core call waits for another
 * session's lock longer than RK_BUSY_NOTICE_MS, the busy notice (busy.h)
 * puts "Waiting for another session…" on the message line at once; a
 * password check that waits over half a second for the login gate
 * (login_notice.h) puts "Many people are logging in; waiting…" there. A
 * dropped SSH connection (SIGHUP) ends the loop after the current core
 * call has committed or rolled back; the session is then closed and the
 * terminal restored (app.c).
 */
#include "tui_main.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rekisteri/busy.h"
#include "rekisteri/login_notice.h"
#include "rekisteri/register.h"
#include "rekisteri/session.h"
#include "rekisteri/text.h"
#include "rekisteri/hygiene.h"
#include "ui.h"

#define TICK_MS 500

/* RK_TUI_UNHANDLED when the session may go on (or there is none). */
static int check_session(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (ui->session == NULL)
                return RK_TUI_UNHANDLED;
        int rc = rk_session_check(ui->session, rk_ui_now(), &err);
        if (rc == RK_OK)
                return RK_TUI_UNHANDLED;
        if (rc == RK_ERR_LOCKED)
                return rk_ui_logout(app, ui, RK_TUI_WARNING, err.msg);
        return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
}

static int on_key(struct rk_tui_app *app, void *ctx, int key)
{
        struct rk_ui *ui = ctx;
        (void)key;
        ui->app = app;
        return check_session(app, ui);
}

/* The busy notice (busy.h): a core call is waiting for another session. */
static void busy_notice(void *ctx, int waiting)
{
        struct rk_ui *ui = ctx;
        if (ui->app == NULL)
                return;
        if (waiting)
                rk_tui_flash(ui->app, RK_TUI_WARNING, _("Waiting for another session…"));
        else
                rk_tui_flash(ui->app, RK_TUI_INFO, "");
}

/* The login notice (login_notice.h): the password check waits for others. */
static void login_notice(void *ctx, int waiting)
{
        struct rk_ui *ui = ctx;
        if (ui->app == NULL)
                return;
        if (waiting)
                rk_tui_flash(ui->app, RK_TUI_WARNING,
                             _("Many people are logging in; waiting…"));
        else
                rk_tui_flash(ui->app, RK_TUI_INFO, "");
}

static bool idle_too_long(const struct rk_tui_app *app, const struct rk_ui *ui)
{
        long long limit = ui->cfg->idle_lock_seconds;
        return limit > 0 &&
               rk_tui_now_ms() - rk_tui_last_input_ms(app) >= (uint64_t)limit * 1000u;
}

/* An idle session gives its caches back once per pause in typing, after
 * RELEASE_AFTER_MS: a register's staff mostly sit idle on a screen, and a
 * hundred idle sessions should cost a hundred small processes (README,
 * Performance: memory). The next key reads its pages again. */
#define RELEASE_AFTER_MS 5000u

static void release_when_idle(struct rk_tui_app *app, struct rk_ui *ui)
{
        static uint64_t released_for = UINT64_MAX; /* the input it followed */
        uint64_t last = rk_tui_last_input_ms(app);
        if (ui->session == NULL || last == released_for ||
            rk_tui_now_ms() - last < RELEASE_AFTER_MS)
                return;
        rk_register_release_memory(rk_session_register(ui->session));
        released_for = last;
}

static int on_tick(struct rk_tui_app *app, void *ctx)
{
        struct rk_ui *ui = ctx;
        ui->app = app;
        if (ui->notice != NULL) {
                rk_tui_message(app, RK_TUI_WARNING, "%s", ui->notice);
                ui->notice = NULL;
                return RK_TUI_REDRAW;
        }
        int r = check_session(app, ui);
        if (r != RK_TUI_UNHANDLED || ui->session == NULL)
                return r & ~RK_TUI_UNHANDLED;
        if (!rk_ui_is_locked(app) && idle_too_long(app, ui))
                return rk_ui_lock_open(app, ui, _("Locked after inactivity"));
        release_when_idle(app, ui);
        return RK_TUI_NONE;
}

/* Why the register cannot be opened: not there at all (then init makes
 * one), or there but not for this process (a permission problem, most
 * often a binary that lost its setgid bit when it was copied or
 * reinstalled by hand). */
static int explain_access(const char *db_path)
{
        struct stat st;
        errno = 0;
        int missing = stat(db_path, &st) != 0 && errno == ENOENT;
        int saved = errno ? errno : EACCES;
        struct group *g = getgrgid(getegid());
        if (missing) {
                fprintf(stderr,
                        _("rekisteri: %s: no register here (create one with "
                          "'rekisteri init')\n"),
                        db_path);
                return 1;
        }
        fprintf(
            stderr,
            rk_hygiene_is_privileged()
                ? _("rekisteri: %s: the register is there but this program cannot open "
                    "it (%s). It runs with group %s (setgid). An administrator can run "
                    "'rekisteri doctor' as root: it names the file, group or setgid bit "
                    "at fault and the command that fixes it.\n")
                : _("rekisteri: %s: the register is there but this program cannot open "
                    "it (%s). It runs with group %s, not setgid. An administrator can "
                    "run 'rekisteri doctor' as root: it names the file, group or setgid "
                    "bit at fault and the command that fixes it.\n"),
            db_path, strerror(saved), g ? g->gr_name : "?");
        return 1;
}

/* Ctrl-Z: whatever happens next, the screen that comes back is locked. */
static int on_suspend(struct rk_tui_app *app, void *ctx)
{
        struct rk_ui *ui = ctx;
        ui->app = app;
        if (ui->session == NULL || rk_ui_is_locked(app))
                return RK_TUI_NONE;
        return rk_ui_lock_open(app, ui, _("Locked (Ctrl-Z)"));
}

/* The register and its keyslot file must exist: say so before curses. */
static int check_register(const char *db_path)
{
        char vault[PATH_MAX];
        struct rk_error err;
        rk_error_clear(&err);
        if (db_path == NULL || db_path[0] == '\0') {
                fprintf(stderr, _("rekisteri: no register given: use --db PATH or "
                                  "[register] path in the configuration\n"));
                return 1;
        }
        if (rk_register_vault_path(db_path, vault, sizeof(vault), &err) != RK_OK) {
                fprintf(stderr, _("rekisteri: %s\n"), err.msg);
                return 1;
        }
        if (faccessat(AT_FDCWD, db_path, R_OK | W_OK, AT_EACCESS) != 0 ||
            faccessat(AT_FDCWD, vault, R_OK | W_OK, AT_EACCESS) != 0)
                return explain_access(db_path);
        return 0;
}

int rk_tui_main(const struct rk_config *cfg, const char *db_path, bool no_color)
{
        struct rk_ui ui;
        struct rk_error err;
        memset(&ui, 0, sizeof(ui));
        rk_error_clear(&err);
        if (check_register(db_path) != 0)
                return 1;
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
                fprintf(stderr, _("rekisteri: the full-screen program needs a terminal "
                                  "(over SSH: ssh -t); commands are listed by "
                                  "'rekisteri --help'\n"));
                return 1;
        }
        ui.cfg = cfg;
        ui.db_path = db_path;
        rk_session_source(ui.source, sizeof(ui.source));
        ui.notice = rk_hygiene_notice();
        rk_busy_set_notice(busy_notice, &ui);
        rk_login_set_notice(login_notice, &ui);
        struct rk_tui_config tc = {
            .title = "rekisteri",
            .no_color = no_color,
            .on_tick = on_tick,
            .on_key = on_key,
            .on_suspend = on_suspend,
            .ctx = &ui,
            .tick_ms = TICK_MS,
        };
        void *login = rk_ui_login_new(&ui);
        int rc = login != NULL ? rk_tui_run(&tc, &rk_ui_login_ops, login, &err)
                               : rk_error_set(&err, RK_ERR_NOMEM, _("out of memory"));
        rk_busy_set_notice(NULL, NULL);
        rk_login_set_notice(NULL, NULL);
        /* After the loop, also on SIGHUP: every core call has finished
         * (committed or rolled back) before the loop saw the signal, and
         * closing the session wipes its keys. */
        rk_session_close(ui.session);
        ui.session = NULL;
        if (rc != RK_OK) {
                fprintf(stderr, _("rekisteri: %s\n"),
                        err.msg[0] ? err.msg : rk_rc_name(rc));
                return 1;
        }
        char *bye =
            ui.farewell[0] ? rk_text_sanitize(ui.farewell, strlen(ui.farewell)) : NULL;
        if (bye != NULL) /* the file name in it is the user's: sanitised */
                fprintf(stderr, _("rekisteri: %s\n"), bye);
        free(bye);
        int sig = rk_tui_last_signal();
        return sig != 0 ? 128 + sig : 0;
}
