/*
 * login.c - the login screen: one form with Username, Password and Code.
 *
 * How it works: Enter checks that a username and a password were typed,
 * shows "Checking..." and defers the login (Argon2id takes about half a
 * second) so the message is on screen while it runs. rk_session_login()
 * decides everything, the first-login case included (an account without
 * a second factor logs in with an empty Code and is sent to enrolment),
 * and its message is shown as it is: it never says whether the name, the
 * password or the code was wrong. When the register's search index must
 * be rebuilt once for this version (rk_store_set_reindex_progress), the
 * message line counts the customers as they are indexed, and the next
 * screen says it was done. The password and the code are typed
 * into guarded memory and wiped after every try.
 *
 * After a forced end (an account disabled, a session past its limit, the
 * lock screen's password locked out) the screen opens closed: it says
 * that the session ended and takes only Enter, dropping every other key
 * and whatever was typed ahead, so the rest of a password typed at the
 * lock screen never lands in the visible Username field. Enter opens an
 * empty form. Keys typed while a login is being checked are dropped too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/register.h"
#include "rekisteri/store.h"
#include "rekisteri/totp.h"
#include "ui.h"

struct login {
        struct rk_ui *ui;
        bool closed;   /* after a forced end: only Enter opens the form */
        char why[256]; /* why the session ended */
        char user[RK_USERNAME_MAX + 1];
        struct rk_tui_field f_user;
        struct rk_ui_secret pass, code;
        struct rk_tui_form_item items[3];
        struct rk_tui_form form;
};

/* The one-time search index rebuild while the register opens: its
 * progress on the message line, at once (the login call blocks). */
struct reindex {
        struct rk_tui_app *app;
        int64_t total; /* customers indexed; 0 when nothing was rebuilt */
};

static void reindex_progress(void *ctx, int64_t done, int64_t total)
{
        struct reindex *r = ctx;
        char line[160];
        snprintf(line, sizeof(line),
                 _("Updating the search index, once: %lld of %lld customers…"),
                 (long long)done, (long long)total);
        rk_tui_flash(r->app, RK_TUI_INFO, line);
        r->total = done;
}

static int login_run(struct rk_tui_app *app, void *state)
{
        struct login *l = state;
        struct rk_ui *ui = l->ui;
        struct rk_session *s = NULL;
        struct rk_error err;
        struct reindex r = {app, 0};
        int steps = 0;
        long long wait = 0;
        rk_error_clear(&err);
        rk_store_set_reindex_progress(reindex_progress, &r);
        int rc =
            rk_session_login(ui->cfg, ui->db_path, l->user, rk_ui_secret_text(&l->pass),
                             rk_ui_secret_len(&l->pass), rk_ui_secret_text(&l->code),
                             ui->source, rk_ui_now(), &s, &steps, &wait, &err);
        rk_store_set_reindex_progress(NULL, NULL);
        rk_ui_secret_clear(&l->pass);
        rk_ui_secret_clear(&l->code);
        rk_tui_discard_input(app);
        if (rc != RK_OK) {
                l->form.focus = 1;
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        ui->session = s;
        int flags = rk_ui_next_step(app, ui);
        /* the next screen clears the line: say it once more there */
        if (r.total > 0)
                rk_tui_message(app, RK_TUI_INFO,
                               _("The search index was updated for this version of "
                                 "rekisteri (%lld customers)."),
                               (long long)r.total);
        return flags;
}

static int login_submit(struct rk_tui_app *app, void *ctx)
{
        struct login *l = ctx;
        if (l->user[0] == '\0') {
                l->form.focus = 0;
                return rk_tui_message(app, RK_TUI_WARNING, _("Type your username"));
        }
        if (rk_ui_secret_len(&l->pass) == 0) {
                l->form.focus = 1;
                return rk_tui_message(app, RK_TUI_WARNING, _("Type your password"));
        }
        rk_tui_message(app, RK_TUI_INFO, _("Checking\u2026"));
        return rk_tui_defer(app, login_run, l);
}

static int login_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct login *l = state;
        if (rk_ui_secret_init(&l->pass, 0) != RK_OK ||
            rk_ui_secret_init(&l->code, RK_TOTP_DIGITS) != RK_OK)
                return RK_ERR_NOMEM;
        l->code.field.masked = false; /* a code is read off a phone: show it */
        rk_tui_field_init(&l->f_user, l->user, sizeof(l->user), RK_USERNAME_MAX, false);
        l->items[0] = (struct rk_tui_form_item){_("Username"), &l->f_user};
        l->items[1] = (struct rk_tui_form_item){_("Password"), &l->pass.field};
        l->items[2] = (struct rk_tui_form_item){_("Code"), &l->code.field};
        rk_tui_form_init(&l->form, l->items, 3, login_submit, l);
        return RK_OK;
}

static void login_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct login *l = state;
        int cols = getmaxx(win), x = (cols - 60) / 2;
        if (l->closed) {
                rk_tui_print(win, 1, x, 60, RK_ROLE_HEADER, _("Your session has ended"));
                rk_ui_print_wrapped(win, 3, x, 60, 3, RK_ROLE_WARNING, l->why);
                rk_tui_print(win, 7, x, 60, RK_ROLE_NORMAL,
                             _("Press Enter to log in again."));
                return;
        }
        rk_tui_print(win, 1, x, 60, RK_ROLE_HEADER, _("Log in to the customer register"));
        rk_tui_form_draw(&l->form, app, win, 3, x, 10, 34);
        /* the hints start under the fields, or further left when a
         * translation needs the room */
        const char *hints[] = {_("Code: the 6 digits your authenticator app shows."),
                               _("Leave Code empty at your first login."),
                               _("Tab moves between fields, Enter logs in.")};
        int widest = 0;
        for (size_t i = 0; i < 3; i++) {
                int w = rk_tui_text_cols(hints[i]);
                widest = w > widest ? w : widest;
        }
        int hx = widest <= 48 ? x + 12 : (cols - widest > 2 ? (cols - widest) / 2 : 1);
        rk_tui_print(win, 9, hx, cols - hx - 1, RK_ROLE_DIM, hints[0]);
        rk_tui_print(win, 10, hx, cols - hx - 1, RK_ROLE_DIM, hints[1]);
        rk_tui_print(win, 12, hx, cols - hx - 1, RK_ROLE_DIM, hints[2]);
}

static int login_key(struct rk_tui_app *app, void *state, int key)
{
        struct login *l = state;
        if (l->closed) {
                rk_tui_discard_input(app);
                if (key >= RK_TUI_FKEY(0) && key != RK_TUI_FKEY(KEY_ENTER))
                        return RK_TUI_UNHANDLED; /* F10 still quits */
                l->closed = key != RK_TUI_KEY_ENTER;
                return RK_TUI_REDRAW;
        }
        return rk_tui_form_key(&l->form, app, key);
}

static void login_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct login *l = state;
        rk_ui_secret_fini(&l->pass);
        rk_ui_secret_fini(&l->code);
        explicit_bzero(l, sizeof(*l));
        free(l);
}

const struct rk_tui_screen_ops rk_ui_login_ops = {
    .name = N_("Log in"),
    .init = login_init,
    .draw = login_draw,
    .key = login_key,
    .fini = login_fini,
};

void *rk_ui_login_new(struct rk_ui *ui)
{
        struct login *l = calloc(1, sizeof(*l));
        if (l != NULL)
                l->ui = ui;
        return l;
}

int rk_ui_login_open(struct rk_tui_app *app, struct rk_ui *ui, const char *ended)
{
        struct login *l = rk_ui_login_new(ui);
        if (l == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        l->closed = ended != NULL;
        if (ended != NULL) {
                snprintf(l->why, sizeof(l->why), "%s", ended);
                rk_tui_discard_input(app);
        }
        return rk_tui_reset(app, &rk_ui_login_ops, l);
}
