/*
 * accounts.c - the Accounts screen (admin role): every staff account with
 * its roles and state, and the keys that administer them.
 *
 * How it works: the list is loaded from rk_accounts_list() (secrets left
 * empty by the core) plus rk_accounts_is_locked() per row, and reloaded
 * after every change. Each action works on the account selected when its
 * key was pressed (copied into target, so a reload cannot move it).
 * Destructive actions ask first in a confirm dialog; a one-time password
 * is shown once, in an info dialog whose copy is wiped when it closes,
 * and the screen's own buffer is wiped at once. The core checks the
 * session's right to each call (RK_ERR_DENIED); its messages are shown as
 * they are.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/accounts.h"
#include "ui.h"

struct accounts {
        struct rk_ui *ui;
        struct rk_user *users;
        bool *locked;
        size_t n;
        struct rk_tui_list list;
        char target[sizeof(((struct rk_user *)0)->name)];
        char cell[RK_ROLES_MAX * (RK_ROLE_NAME_MAX + 2)];
};

static const struct rk_tui_column account_columns[] = {
    {N_("Name"), 16, RK_TUI_LEFT},     {N_("Roles"), 0, RK_TUI_LEFT},
    {N_("State"), 8, RK_TUI_LEFT},     {N_("Lockout"), 7, RK_TUI_LEFT},
    {N_("Password"), 11, RK_TUI_LEFT}, {N_("MFA"), 8, RK_TUI_LEFT},
};

static void roles_text(const struct rk_user *u, char *out, size_t size)
{
        size_t used = 0;
        out[0] = '\0';
        for (size_t i = 0; i < u->nroles; i++) {
                int n =
                    snprintf(out + used, size - used, "%s%s", i ? ", " : "", u->roles[i]);
                if (n < 0 || used + (size_t)n >= size)
                        break;
                used += (size_t)n;
        }
}

static const char *account_cell(void *ctx, size_t row, size_t col)
{
        struct accounts *a = ctx;
        const struct rk_user *u = &a->users[row];
        switch (col) {
        case 0:
                return u->name;
        case 1:
                roles_text(u, a->cell, sizeof(a->cell));
                return a->cell;
        case 2:
                return u->disabled ? _("disabled") : _("enabled");
        case 3:
                return a->locked[row] ? _("locked") : "";
        case 4:
                return u->must_change_password ? _("must change") : "";
        default:
                return u->totp_enrolled ? _("enrolled") : _("none");
        }
}

static void free_users(struct accounts *a)
{
        for (size_t i = 0; i < a->n; i++)
                rk_users_wipe(&a->users[i]);
        free(a->users);
        free(a->locked);
        a->users = NULL;
        a->locked = NULL;
        a->n = 0;
}

/* Load the list again; RK_OK or an rk code with err set. */
static int accounts_load(struct accounts *a, struct rk_error *err)
{
        struct rk_user *users = NULL;
        size_t n = 0;
        int rc = rk_accounts_list(a->ui->session, &users, &n, err);
        if (rc != RK_OK)
                return rc;
        bool *locked = calloc(n > 0 ? n : 1, sizeof(*locked));
        if (locked == NULL) {
                free(users);
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        for (size_t i = 0; i < n; i++)
                locked[i] = rk_accounts_is_locked(a->ui->session, users[i].name) == 1;
        free_users(a);
        a->users = users;
        a->locked = locked;
        a->n = n;
        rk_tui_list_set_rows(&a->list, n);
        return RK_OK;
}

/* After a change: reload and report; returns flags. */
static int after_change(struct rk_tui_app *app, struct accounts *a, int rc,
                        const struct rk_error *err, const char *done)
{
        struct rk_error lerr;
        rk_error_clear(&lerr);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err->msg);
        if (accounts_load(a, &lerr) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", lerr.msg);
        return rk_tui_message(app, RK_TUI_INFO, "%s: %s", a->target, done);
}

static int show_onetime(struct rk_tui_app *app, const char *name, const char *onetime)
{
        char text[256];
        snprintf(text, sizeof(text),
                 _("One-time password for %s:\n\n    %s\n\nIt is shown only now. Give it "
                   "to the user, who must\nchoose a new password at the next login."),
                 name, onetime);
        int r = rk_tui_dialog_info(app, _("One-time password"), text);
        sodium_memzero(text, sizeof(text));
        return r;
}

/* Copy the selected account's name into a->target; false when none. */
static bool select_target(struct accounts *a)
{
        if (a->n == 0)
                return false;
        snprintf(a->target, sizeof(a->target), "%s", a->users[a->list.sel].name);
        return true;
}

/* ---- actions ------------------------------------------------------------ */

static int do_disable(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct accounts *a = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes)
                return RK_TUI_NONE;
        int rc = rk_accounts_disable(a->ui->session, a->target, &err);
        return after_change(app, a, rc, &err,
                            _("disabled; its sessions end at their next key"));
}

/* A one-time password from op, shown in a dialog. */
static int onetime_op(struct rk_tui_app *app, struct accounts *a,
                      int (*op)(struct rk_session *, const char *, char *,
                                struct rk_error *),
                      const char *done)
{
        char onetime[RK_ONETIME_CHARS] = "";
        struct rk_error err;
        rk_error_clear(&err);
        int rc = op(a->ui->session, a->target, onetime, &err);
        int r = after_change(app, a, rc, &err, done);
        if (rc == RK_OK)
                r |= show_onetime(app, a->target, onetime);
        sodium_memzero(onetime, sizeof(onetime));
        return r;
}

static int do_enable(struct rk_tui_app *app, void *ctx, bool yes)
{
        return yes ? onetime_op(app, ctx, rk_accounts_enable, _("enabled")) : RK_TUI_NONE;
}

static int do_reset_password(struct rk_tui_app *app, void *ctx, bool yes)
{
        return yes ? onetime_op(app, ctx, rk_accounts_reset_password, _("password reset"))
                   : RK_TUI_NONE;
}

static int do_reset_mfa(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct accounts *a = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes)
                return RK_TUI_NONE;
        int rc = rk_accounts_reset_mfa(a->ui->session, a->target, &err);
        return after_change(app, a, rc, &err,
                            _("authenticator reset; enrols at next login"));
}

/* Ask "<verb> NAME?<more>" about the selected account; answer runs on "y". */
enum question { Q_DISABLE, Q_ENABLE, Q_PASSWORD, Q_MFA };

/* The question about account name, a whole sentence per kind. */
static void question(enum question q, const char *name, char *out, size_t size)
{
        switch (q) {
        case Q_DISABLE:
                snprintf(out, size, _("Disable %s?"), name);
                break;
        case Q_ENABLE:
                snprintf(out, size, _("Enable %s?"), name);
                break;
        case Q_PASSWORD:
                snprintf(out, size, _("Reset the password of %s?"), name);
                break;
        case Q_MFA:
                snprintf(out, size, _("Forget the authenticator of %s?"), name);
                break;
        }
}

static int ask(struct rk_tui_app *app, struct accounts *a, const char *title,
               enum question q, const char *more,
               int (*answer)(struct rk_tui_app *, void *, bool))
{
        char text[320], asked[160];
        if (!select_target(a))
                return rk_tui_message(app, RK_TUI_WARNING, _("No account selected"));
        question(q, a->target, asked, sizeof(asked));
        snprintf(text, sizeof(text), "%s\n%s", asked, more);
        return rk_tui_dialog_confirm(app, title, text, answer, a);
}

static int act_disable(struct rk_tui_app *app, void *state)
{
        return ask(app, state, _("Disable account"), Q_DISABLE,
                   _("The password stops working and the account's\n"
                     "running sessions end at their next key."),
                   do_disable);
}

static int act_enable(struct rk_tui_app *app, void *state)
{
        return ask(app, state, _("Enable account"), Q_ENABLE,
                   _("The account gets a new one-time password."), do_enable);
}

static int act_reset_password(struct rk_tui_app *app, void *state)
{
        return ask(app, state, _("Reset password"), Q_PASSWORD,
                   _("The old password stops working; a one-time\n"
                     "password is shown once."),
                   do_reset_password);
}

static int act_reset_mfa(struct rk_tui_app *app, void *state)
{
        return ask(app, state, _("Reset authenticator"), Q_MFA,
                   _("The user enrols a new one at the next login."), do_reset_mfa);
}

static int act_unlock(struct rk_tui_app *app, void *state)
{
        struct accounts *a = state;
        struct rk_error err;
        rk_error_clear(&err);
        if (!select_target(a))
                return rk_tui_message(app, RK_TUI_WARNING, _("No account selected"));
        int rc = rk_accounts_unlock(a->ui->session, a->target, &err);
        return after_change(app, a, rc, &err, _("unlocked"));
}

static int form_done(struct rk_tui_app *app, void *ctx, const char *name,
                     const char *onetime)
{
        struct accounts *a = ctx;
        snprintf(a->target, sizeof(a->target), "%s", name);
        int r =
            after_change(app, a, RK_OK, NULL, onetime ? _("added") : _("roles changed"));
        if (onetime != NULL)
                r |= show_onetime(app, a->target, onetime);
        return r;
}

static int act_add(struct rk_tui_app *app, void *state)
{
        struct accounts *a = state;
        a->target[0] = '\0';
        return rk_ui_account_form_open(app, a->ui, NULL, NULL, form_done, a);
}

static int act_roles(struct rk_tui_app *app, void *state)
{
        struct accounts *a = state;
        char roles[sizeof(a->cell)];
        if (!select_target(a))
                return rk_tui_message(app, RK_TUI_WARNING, _("No account selected"));
        roles_text(&a->users[a->list.sel], roles, sizeof(roles));
        return rk_ui_account_form_open(app, a->ui, a->target, roles, form_done, a);
}

/* ---- the screen ----------------------------------------------------------- */

static int accounts_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct accounts *a = state;
        struct rk_error err;
        rk_error_clear(&err);
        rk_tui_list_init(&a->list, account_columns, 6, account_cell, a, 0);
        return accounts_load(a, &err);
}

static void accounts_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct accounts *a = state;
        rk_tui_list_draw(&a->list, win, 0, 1, getmaxy(win), getmaxx(win) - 2);
}

static int accounts_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct accounts *)state)->list, key);
}

static void accounts_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct accounts *a = state;
        free_users(a);
        free(a);
}

static const struct rk_tui_binding account_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Add"), N_("Add an account (one-time password)"),
     act_add},
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Off"), N_("Disable the account (asks first)"),
     act_disable},
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("On"), N_("Enable the account again (asks first)"),
     act_enable},
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("Unlock"), N_("Lift a lockout after failed logins"),
     act_unlock},
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Passwd"), N_("Reset the password (asks first)"),
     act_reset_password},
    {RK_TUI_FKEY(KEY_F(7)), "F7", N_("MFA"), N_("Reset the authenticator (asks first)"),
     act_reset_mfa},
    {RK_TUI_FKEY(KEY_F(8)), "F8", N_("Roles"), N_("Change the account's roles"),
     act_roles},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops accounts_ops = {
    .name = N_("Accounts"),
    .init = accounts_init,
    .draw = accounts_draw,
    .key = accounts_key,
    .fini = accounts_fini,
    .keys = account_keys,
    .n_keys = sizeof(account_keys) / sizeof(account_keys[0]),
};

int rk_ui_accounts_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct accounts *a = calloc(1, sizeof(*a));
        if (a == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        a->ui = ui;
        return rk_tui_push(app, &accounts_ops, a);
}
