/*
 * verify.c - asking for the password of the logged-in account again: the
 * idle lock, and the check before re-enrolling an authenticator.
 *
 * How it works: both screens are one password field checked with
 * rk_session_verify_password() (deferred behind "Checking...", counted and
 * throttled like a login). The lock screen has RK_TUI_SCREEN_NO_GLOBALS
 * and is not an overlay, so the loop draws nothing of the screens under it
 * and gives them no keys: no personal data stays in view. The right
 * password pops it and the screen under it comes back as it was; F10 logs
 * out; an account that gets locked out meanwhile is logged out. The
 * re-verify screen pops itself and calls its continuation instead.
 */
#include <stdlib.h>
#include <string.h>

#include "ui.h"

struct verify {
        struct rk_ui *ui;
        const char *why;    /* NULL for the lock */
        const char *banner; /* the lock's heading */
        int (*then)(struct rk_tui_app *app, struct rk_ui *ui);
        struct rk_ui_secret pass;
};

static int verify_run(struct rk_tui_app *app, void *state)
{
        struct verify *v = state;
        struct rk_error err;
        long long wait = 0;
        rk_error_clear(&err);
        int rc = rk_session_verify_password(v->ui->session, rk_ui_secret_text(&v->pass),
                                            rk_ui_secret_len(&v->pass), rk_ui_now(),
                                            &wait, &err);
        rk_ui_secret_clear(&v->pass);
        rk_tui_discard_input(app); /* keys typed meanwhile go nowhere */
        if (rc == RK_ERR_LOCKED)
                return rk_ui_logout(app, v->ui, RK_TUI_ERROR, err.msg);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        /* no record of the unlock, no data back on the screen */
        if (v->why == NULL && rk_session_audit(v->ui->session, "session.unlock", 0, "",
                                               "lock", "ok", NULL, &err) != RK_OK)
                return rk_ui_logout(app, v->ui, RK_TUI_ERROR, err.msg);
        /* the "Checking..." of the submit is over: say so, never leave it */
        rk_tui_message(app, RK_TUI_INFO, "%s", v->why == NULL ? _("Unlocked") : "");
        if (v->then == NULL)
                return RK_TUI_POP;
        return RK_TUI_POP | v->then(app, v->ui);
}

static int verify_submit(struct rk_tui_app *app, void *state)
{
        struct verify *v = state;
        if (rk_ui_secret_len(&v->pass) == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("Type your password"));
        rk_tui_message(app, RK_TUI_INFO, _("Checking\u2026"));
        return rk_tui_defer(app, verify_run, v);
}

static int verify_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct verify *v = state;
        return rk_ui_secret_init(&v->pass, 0);
}

static void verify_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct verify *v = state;
        int x = (getmaxx(win) - 60) / 2, y = getmaxy(win) / 2 - 3;
        if (v->why == NULL) {
                rk_tui_print_cell(win, y, x, 60, RK_ROLE_BANNER, RK_TUI_CENTRE,
                                  v->banner);
                rk_tui_print(win, y + 2, x, 60, RK_ROLE_NORMAL,
                             _("Type the password of the account logged in:"));
                rk_tui_print(win, y + 3, x, 60, RK_ROLE_LABEL,
                             rk_session_username(v->ui->session));
        } else {
                rk_tui_print(win, y, x, 60, RK_ROLE_HEADER, v->why);
                rk_tui_print(win, y + 2, x, 60, RK_ROLE_NORMAL,
                             _("Type your password to go on:"));
        }
        rk_tui_print(win, y + 5, x, 10, RK_ROLE_LABEL, _("Password: "));
        rk_tui_field_draw(&v->pass.field, app, win, y + 5, x + 10, 40, true);
}

static int verify_key(struct rk_tui_app *app, void *state, int key)
{
        return rk_tui_field_key(&((struct verify *)state)->pass.field, app, key);
}

static int verify_logout(struct rk_tui_app *app, void *state)
{
        struct verify *v = state;
        return rk_ui_logout(app, v->ui, RK_TUI_INFO, _("Logged out"));
}

static void verify_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct verify *v = state;
        rk_ui_secret_fini(&v->pass);
        free(v);
}

static const struct rk_tui_binding lock_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Unlock"), N_("Check the password and unlock"),
     verify_submit},
    {RK_TUI_FKEY(KEY_F(10)), "F10", N_("Log out"), N_("End the session"), verify_logout},
};

static const struct rk_tui_binding reverify_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Go on"), N_("Check the password"), verify_submit},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Go back"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops lock_ops = {
    .name = N_("Locked"),
    .flags = RK_TUI_SCREEN_NO_GLOBALS,
    .init = verify_init,
    .draw = verify_draw,
    .key = verify_key,
    .fini = verify_fini,
    .keys = lock_keys,
    .n_keys = sizeof(lock_keys) / sizeof(lock_keys[0]),
};

static const struct rk_tui_screen_ops reverify_ops = {
    .name = N_("Password"),
    .init = verify_init,
    .draw = verify_draw,
    .key = verify_key,
    .fini = verify_fini,
    .keys = reverify_keys,
    .n_keys = sizeof(reverify_keys) / sizeof(reverify_keys[0]),
};

static int verify_open(struct rk_tui_app *app, struct rk_ui *ui,
                       const struct rk_tui_screen_ops *ops, const char *why,
                       int (*then)(struct rk_tui_app *, struct rk_ui *))
{
        /* the lock passes its banner as why: it has no question to ask */
        bool lock = ops == &lock_ops;
        struct verify *v = calloc(1, sizeof(*v));
        if (v == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        v->ui = ui;
        v->why = lock ? NULL : why;
        v->banner = lock ? why : NULL;
        v->then = then;
        return rk_tui_push(app, ops, v);
}

int rk_ui_lock_open(struct rk_tui_app *app, struct rk_ui *ui, const char *banner)
{
        struct rk_error err;
        /* the lock itself is an event of the session: recorded, best effort
         * (the screen locks even when the trail cannot be written) */
        rk_session_audit(ui->session, "session.lock", 0, "", "lock", "ok", NULL, &err);
        return verify_open(app, ui, &lock_ops, banner, NULL);
}

bool rk_ui_is_locked(const struct rk_tui_app *app)
{
        return rk_tui_top(app) == &lock_ops;
}

int rk_ui_reverify_open(struct rk_tui_app *app, struct rk_ui *ui, const char *why,
                        int (*then)(struct rk_tui_app *app, struct rk_ui *ui))
{
        return verify_open(app, ui, &reverify_ops, why, then);
}
