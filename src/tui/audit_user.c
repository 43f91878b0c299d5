/*
 * audit_user.c - "What did user Y access between T1 and T2": the
 * breach-impact report for an Art. 33 notification. Every customer whose
 * data the user read or changed in the period, with the number of
 * events, the first and last, and the union of field groups; F5 exports
 * it as CSV, Enter shows who else accessed the selected customer.
 *
 * How it works: a form (ask.h) asks user, From and Until; the question is
 * recorded (audit.user_report, the user asked about as target) before the
 * core's rk_audit_user_report answers it, and the answer is kept in the
 * report screen's state until it closes.
 */
#include "audit_ui.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/audit_session.h"

struct audit_user {
        struct rk_ui *ui;
        char user[65], from[11], until[11];
        struct rk_audit_access *rows;
        size_t n;
        struct rk_tui_list list;
        char cell[32];
};

static const struct rk_tui_column user_columns[] = {
    {N_("Customer"), 8, RK_TUI_RIGHT},    {N_("Events"), 6, RK_TUI_RIGHT},
    {N_("First (UTC)"), 19, RK_TUI_LEFT}, {N_("Last (UTC)"), 19, RK_TUI_LEFT},
    {N_("Field groups"), 0, RK_TUI_LEFT},
};

static const char *stamp(char *out, size_t size, const char *at)
{
        snprintf(out, size, "%.10s %.8s", at, strlen(at) > 11 ? at + 11 : "");
        return out;
}

static const char *user_cell(void *ctx, size_t row, size_t col)
{
        struct audit_user *u = ctx;
        const struct rk_audit_access *r = &u->rows[row];
        switch (col) {
        case 0:
                return r->number;
        case 1:
                snprintf(u->cell, sizeof(u->cell), "%" PRId64, r->count);
                return u->cell;
        case 2:
                return stamp(u->cell, sizeof(u->cell), r->first);
        case 3:
                return stamp(u->cell, sizeof(u->cell), r->last);
        default:
                return r->groups;
        }
}

static void user_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct audit_user *u = state;
        char head[200];
        if (u->from[0] != '\0' && u->until[0] != '\0')
                snprintf(head, sizeof(head),
                         ngettext("What %s accessed from %s until %s: %zu customer",
                                  "What %s accessed from %s until %s: %zu customers",
                                  u->n),
                         u->user, u->from, u->until, u->n);
        else if (u->from[0] != '\0')
                snprintf(head, sizeof(head),
                         ngettext("What %s accessed from %s: %zu customer",
                                  "What %s accessed from %s: %zu customers", u->n),
                         u->user, u->from, u->n);
        else if (u->until[0] != '\0')
                snprintf(head, sizeof(head),
                         ngettext("What %s accessed until %s: %zu customer",
                                  "What %s accessed until %s: %zu customers", u->n),
                         u->user, u->until, u->n);
        else
                snprintf(head, sizeof(head),
                         ngettext("What %s accessed: %zu customer",
                                  "What %s accessed: %zu customers", u->n),
                         u->user, u->n);
        int w = getmaxx(win) - 2;
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, head);
        if (u->n == 0)
                rk_tui_print(win, 3, 2, w, RK_ROLE_DIM,
                             _("No customer data was read or changed in the period."));
        rk_tui_list_draw(&u->list, win, 1, 1, getmaxy(win) - 1, w);
}

static int user_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct audit_user *)state)->list, key);
}

static void user_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct audit_user *u = state;
        free(u->rows);
        free(u);
}

static int act_who(struct rk_tui_app *app, void *state)
{
        struct audit_user *u = state;
        if (u->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No customer selected"));
        return rk_ui_audit_subject_open(app, u->ui, u->rows[u->list.sel].subject,
                                        u->rows[u->list.sel].number);
}

static int write_report(FILE *out, void *ctx, struct rk_error *err)
{
        struct audit_user *u = ctx;
        return rk_audit_session_breach_report(rk_ui_audit_session(u->ui), u->user,
                                              u->from[0] ? u->from : NULL,
                                              u->until[0] ? u->until : NULL, out, err);
}

static int export_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct audit_user *u = ctx;
        return rk_ui_audit_export(app, u->ui, v[0], write_report, u);
}

static int act_export(struct rk_tui_app *app, void *state)
{
        const struct rk_ui_ask ask = {
            .name = _("Export"),
            .heading = _("Export this report as CSV (for an Art. 33 notification)"),
            .hint = _("A new file (mode 0600); an existing file is never replaced."),
            .done = export_done,
            .ctx = state,
        };
        const struct rk_ui_ask_item item = {_("File"), NULL, 200, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

static int user_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct audit_user *u = state;
        rk_session_set_place(u->ui->session, "audit: user report");
        rk_tui_list_init(&u->list, user_columns, 5, user_cell, u, u->n);
        return RK_OK;
}

static const struct rk_tui_binding user_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Who"), N_("Who accessed the selected customer"),
     act_who},
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("CSV"), N_("Export the report as CSV"), act_export},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the audit trail"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops user_ops = {
    .name = N_("User report"),
    .init = user_init,
    .draw = user_draw,
    .key = user_key,
    .fini = user_fini,
    .keys = user_keys,
    .n_keys = sizeof(user_keys) / sizeof(user_keys[0]),
};

/* Record the question, then ask the core; returns flags. */
static int report(struct rk_tui_app *app, struct rk_ui *ui, const char *const *v)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct audit_user *u = calloc(1, sizeof(*u));
        if (u == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        u->ui = ui;
        snprintf(u->user, sizeof(u->user), "%s", v[0]);
        snprintf(u->from, sizeof(u->from), "%s", v[1]);
        snprintf(u->until, sizeof(u->until), "%s", v[2]);
        int rc = rk_audit_session_user_report(
            rk_ui_audit_session(ui), u->user, u->from[0] ? u->from : NULL,
            u->until[0] ? u->until : NULL, &u->rows, &u->n, &err);
        if (rc != RK_OK) {
                user_fini(app, u);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        return RK_TUI_POP | rk_tui_push(app, &user_ops, u);
}

static int ask_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        if (v[0][0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Type the user's account name"));
        if (rk_ui_audit_check_dates(app, v[1], v[2]) != RK_OK)
                return RK_TUI_REDRAW;
        return report(app, ctx, v);
}

int rk_ui_audit_user_ask(struct rk_tui_app *app, struct rk_ui *ui)
{
        if (rk_ui_audit_allowed(app, ui) != RK_OK)
                return RK_TUI_REDRAW;
        const struct rk_ui_ask ask = {
            .name = _("User report"),
            .heading = _("What did a user access? (breach impact, GDPR Art. 33)"),
            .hint = _("Dates UTC, YYYY-MM-DD; From inclusive, Until exclusive."),
            .done = ask_done,
            .ctx = ui,
        };
        const struct rk_ui_ask_item items[] = {
            {_("User"), NULL, 64, false},
            {_("From"), NULL, 10, false},
            {_("Until"), NULL, 10, false},
        };
        return rk_ui_ask_open(app, &ask, items, 3);
}
