/*
 * account_form.c - the form to add an account (Name + Roles) or to change
 * an account's roles (Roles only), on the Accounts screen.
 *
 * How it works: roles are typed as a comma list ("sales, billing"), split
 * by rk_policy_split_roles() and checked by the core, which names an
 * unknown role in its message; the line under the form lists the roles
 * in force (the configuration's role set). Saving calls rk_accounts_add() or
 * rk_accounts_set_roles(); on success the form pops and the caller's
 * done() shows the outcome (for a new account, its one-time password,
 * whose buffer here is wiped right after).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/accounts.h"
#include "rekisteri/register.h"
#include "ui.h"

#define ROLES_TEXT 256

struct account_form {
        struct rk_ui *ui;
        bool adding;
        char name[RK_USERNAME_MAX + 1];
        char roles[ROLES_TEXT];
        char known[ROLES_TEXT]; /* "Roles: sales, billing, ..." */
        struct rk_tui_field f_name, f_roles;
        struct rk_tui_form_item items[2];
        struct rk_tui_form form;
        int (*done)(struct rk_tui_app *, void *, const char *, const char *);
        void *ctx;
};

static int form_save(struct rk_tui_app *app, void *ctx)
{
        struct account_form *f = ctx;
        char buf[ROLES_TEXT], onetime[RK_ONETIME_CHARS] = "";
        const char *roles[RK_ROLES_MAX];
        struct rk_error err;
        rk_error_clear(&err);
        size_t n = rk_policy_split_roles(f->roles, buf, sizeof(buf), roles);
        if (f->adding && f->name[0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING, _("Type the account's name"));
        if (n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("Give at least one role"));
        int rc = f->adding
                     ? rk_accounts_add(f->ui->session, f->name, roles, n, onetime, &err)
                     : rk_accounts_set_roles(f->ui->session, f->name, roles, n, &err);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        int r = RK_TUI_POP | f->done(app, f->ctx, f->name, f->adding ? onetime : NULL);
        sodium_memzero(onetime, sizeof(onetime));
        return r;
}

static void list_known_roles(struct account_form *f)
{
        const struct rk_roleset *set = &f->ui->cfg->roles;
        size_t used = (size_t)snprintf(f->known, sizeof(f->known), _("Roles:"));
        for (size_t i = 0; i < set->n && used < sizeof(f->known); i++)
                used += (size_t)snprintf(f->known + used, sizeof(f->known) - used,
                                         "%s %s", i ? "," : "", set->roles[i].name);
}

static int form_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct account_form *f = state;
        size_t n = 0;
        rk_tui_field_init(&f->f_name, f->name, sizeof(f->name), RK_USERNAME_MAX, false);
        rk_tui_field_init(&f->f_roles, f->roles, sizeof(f->roles), 0, false);
        if (f->adding)
                f->items[n++] = (struct rk_tui_form_item){_("Name"), &f->f_name};
        f->items[n++] = (struct rk_tui_form_item){_("Roles"), &f->f_roles};
        rk_tui_form_init(&f->form, f->items, n, form_save, f);
        list_known_roles(f);
        return RK_OK;
}

static void form_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct account_form *f = state;
        int x = 4, y = 3 + 2 * (int)f->form.n, w = getmaxx(win) - 8;
        char head[96];
        if (f->adding)
                snprintf(head, sizeof(head), _("New account"));
        else
                snprintf(head, sizeof(head), _("Roles of %s"), f->name);
        rk_tui_print(win, 1, x, w, RK_ROLE_HEADER, head);
        rk_tui_form_draw(&f->form, app, win, 3, x, 8, 50);
        rk_tui_print(win, y, x + 10, w - 10, RK_ROLE_DIM, f->known);
        rk_tui_print(win, y + 1, x + 10, w - 10, RK_ROLE_DIM,
                     _("Separate roles with commas. Enter saves, Esc cancels."));
        if (f->adding)
                rk_tui_print(win, y + 3, x + 10, w - 10, RK_ROLE_DIM,
                             _("Name: a-z, 0-9, '.', '_', '-'; starts with a letter."));
}

static int form_key(struct rk_tui_app *app, void *state, int key)
{
        return rk_tui_form_key(&((struct account_form *)state)->form, app, key);
}

static void form_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static const struct rk_tui_binding form_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Close the form without saving"),
     rk_tui_action_pop},
};

static const struct rk_tui_screen_ops add_ops = {
    .name = N_("Add account"),
    .init = form_init,
    .draw = form_draw,
    .key = form_key,
    .fini = form_fini,
    .keys = form_keys,
    .n_keys = 1,
};

static const struct rk_tui_screen_ops roles_ops = {
    .name = N_("Roles"),
    .init = form_init,
    .draw = form_draw,
    .key = form_key,
    .fini = form_fini,
    .keys = form_keys,
    .n_keys = 1,
};

int rk_ui_account_form_open(struct rk_tui_app *app, struct rk_ui *ui, const char *name,
                            const char *roles_now,
                            int (*done)(struct rk_tui_app *app, void *ctx,
                                        const char *name, const char *onetime),
                            void *ctx)
{
        struct account_form *f = calloc(1, sizeof(*f));
        if (f == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        f->ui = ui;
        f->adding = name == NULL;
        f->done = done;
        f->ctx = ctx;
        snprintf(f->name, sizeof(f->name), "%s", name ? name : "");
        snprintf(f->roles, sizeof(f->roles), "%s", roles_now ? roles_now : "");
        return rk_tui_push(app, f->adding ? &add_ops : &roles_ops, f);
}
