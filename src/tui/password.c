/*
 * password.c - changing one's own password: forced after an admin's
 * reset (New / Again, part of the login), or from the Profile screen
 * (Current / New / Again).
 *
 * How it works: Enter compares New and Again (in constant time), shows
 * "Checking..." and defers the slow part: on the Profile path the
 * current password is verified first (rk_session_verify_password, which
 * counts failures like a login), then rk_session_set_password() applies
 * the password policy and rewrites the keyslot. Policy refusals are the
 * core's messages, shown as they are. Every field is guarded memory and
 * is wiped after each try.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

struct passwd {
        struct rk_ui *ui;
        bool forced;
        struct rk_ui_secret cur, new1, new2;
        struct rk_tui_form_item items[3];
        struct rk_tui_form form;
};

static void clear_all(struct passwd *p)
{
        rk_ui_secret_clear(&p->cur);
        rk_ui_secret_clear(&p->new1);
        rk_ui_secret_clear(&p->new2);
}

/* Index of the form item holding the first new password. */
static size_t new_index(const struct passwd *p)
{
        return p->forced ? 0 : 1;
}

static int verify_current(struct rk_tui_app *app, struct passwd *p)
{
        struct rk_error err;
        long long wait = 0;
        rk_error_clear(&err);
        int rc = rk_session_verify_password(p->ui->session, rk_ui_secret_text(&p->cur),
                                            rk_ui_secret_len(&p->cur), rk_ui_now(), &wait,
                                            &err);
        if (rc == RK_OK)
                return RK_TUI_UNHANDLED;
        clear_all(p);
        p->form.focus = 0;
        if (rc == RK_ERR_LOCKED)
                return rk_ui_logout(app, p->ui, RK_TUI_ERROR, err.msg);
        return rk_tui_message(app, RK_TUI_ERROR, _("Current password: %s"), err.msg);
}

static int passwd_run(struct rk_tui_app *app, void *state)
{
        struct passwd *p = state;
        struct rk_error err;
        rk_error_clear(&err);
        if (!p->forced) {
                int r = verify_current(app, p);
                if (r != RK_TUI_UNHANDLED)
                        return r;
        }
        int rc = rk_session_set_password(p->ui->session, rk_ui_secret_text(&p->new1),
                                         rk_ui_secret_len(&p->new1), &err);
        clear_all(p);
        rk_tui_discard_input(app); /* keys typed meanwhile go nowhere */
        if (rc != RK_OK) {
                p->form.focus = new_index(p);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        if (p->forced)
                return rk_ui_next_step(app, p->ui);
        rk_tui_message(app, RK_TUI_INFO,
                       _("Password changed; the old one no longer works"));
        return RK_TUI_POP;
}

static int passwd_submit(struct rk_tui_app *app, void *ctx)
{
        struct passwd *p = ctx;
        size_t n1 = rk_ui_secret_len(&p->new1), n2 = rk_ui_secret_len(&p->new2);
        if (!p->forced && rk_ui_secret_len(&p->cur) == 0) {
                p->form.focus = 0;
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Type your current password"));
        }
        if (n1 == 0) {
                p->form.focus = new_index(p);
                return rk_tui_message(app, RK_TUI_WARNING, _("Type a new password"));
        }
        if (n1 != n2 || sodium_memcmp(rk_ui_secret_text(&p->new1),
                                      rk_ui_secret_text(&p->new2), n1) != 0) {
                rk_ui_secret_clear(&p->new1);
                rk_ui_secret_clear(&p->new2);
                p->form.focus = new_index(p);
                return rk_tui_message(app, RK_TUI_ERROR,
                                      _("The new passwords differ; type them again"));
        }
        rk_tui_message(app, RK_TUI_INFO, _("Checking\u2026"));
        return rk_tui_defer(app, passwd_run, p);
}

static int passwd_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct passwd *p = state;
        size_t n = 0;
        if (rk_ui_secret_init(&p->cur, 0) != RK_OK ||
            rk_ui_secret_init(&p->new1, 0) != RK_OK ||
            rk_ui_secret_init(&p->new2, 0) != RK_OK)
                return RK_ERR_NOMEM;
        if (!p->forced)
                p->items[n++] = (struct rk_tui_form_item){_("Current"), &p->cur.field};
        p->items[n++] = (struct rk_tui_form_item){_("New"), &p->new1.field};
        p->items[n++] = (struct rk_tui_form_item){_("Again"), &p->new2.field};
        rk_tui_form_init(&p->form, p->items, n, passwd_submit, p);
        return RK_OK;
}

static void passwd_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct passwd *p = state;
        int x = (getmaxx(win) - 60) / 2, y = 3 + 2 * (int)p->form.n;
        /* a new account still has to enrol; a reset one has its app already */
        bool fresh =
            p->forced && (rk_session_pending_steps(p->ui->session) & RK_LOGIN_ENROL) != 0;
        rk_tui_print(win, 1, x, 60, RK_ROLE_HEADER,
                     fresh ? _("Welcome: choose your own password; the one given "
                               "works once")
                     : p->forced
                         ? _("An administrator reset your password: choose a new one")
                         : _("Change your password"));
        rk_tui_form_draw(&p->form, app, win, 3, x, 10, 40);
        rk_tui_print(win, y, x + 12, 48, RK_ROLE_DIM,
                     _("At least 12 characters; a passphrase of"));
        rk_tui_print(win, y + 1, x + 12, 48, RK_ROLE_DIM,
                     _("several words is easy to remember."));
        rk_tui_print(win, y + 3, x + 12, 48, RK_ROLE_DIM,
                     p->forced ? _("Enter saves, Esc logs out.")
                               : _("Enter saves, Esc goes back."));
}

static int passwd_key(struct rk_tui_app *app, void *state, int key)
{
        return rk_tui_form_key(&((struct passwd *)state)->form, app, key);
}

static int passwd_logout(struct rk_tui_app *app, void *state)
{
        struct passwd *p = state;
        return rk_ui_logout(app, p->ui, RK_TUI_INFO, _("Logged out"));
}

static void passwd_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct passwd *p = state;
        rk_ui_secret_fini(&p->cur);
        rk_ui_secret_fini(&p->new1);
        rk_ui_secret_fini(&p->new2);
        free(p);
}

static const struct rk_tui_binding forced_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", N_("Log out"), N_("Log out without changing the password"),
     passwd_logout},
};

static const struct rk_tui_binding profile_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Keep the old password"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops forced_ops = {
    .name = N_("New password"),
    .init = passwd_init,
    .draw = passwd_draw,
    .key = passwd_key,
    .fini = passwd_fini,
    .keys = forced_keys,
    .n_keys = 1,
};

static const struct rk_tui_screen_ops profile_ops = {
    .name = N_("Change password"),
    .init = passwd_init,
    .draw = passwd_draw,
    .key = passwd_key,
    .fini = passwd_fini,
    .keys = profile_keys,
    .n_keys = 1,
};

int rk_ui_password_open(struct rk_tui_app *app, struct rk_ui *ui, bool forced)
{
        struct passwd *p = calloc(1, sizeof(*p));
        if (p == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        p->ui = ui;
        p->forced = forced;
        if (forced)
                return rk_tui_reset(app, &forced_ops, p);
        return rk_tui_push(app, &profile_ops, p);
}
