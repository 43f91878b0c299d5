/*
 * dsr_dashboard.c - the request dashboard: the data-subject requests that
 * are open, sorted by due date, overdue ones highlighted. It is the start
 * screen of a session that handles requests (the supervisor); Esc there
 * goes to the home menu, whose "Requests" entry comes back.
 *
 * How it works: rk_dsr_list() (audited as dsr.list) gives the requests in
 * the dashboard's order with the overdue flag and the days left computed
 * by core from its clock. An overdue row is drawn in the error role and
 * says "OVERDUE n d" in its own text, so the mark survives NO_COLOR; a row
 * due within a week is a warning. The line under the list details the
 * selected request. Enter resumes the request in the wizard at the step
 * rk_dsr_next_step() names (a closed one shows its summary), F2 starts a
 * new one, F3 shows closed requests too, F4 extends the deadline once
 * (1 or 2 months, with the reason told to the person), F6 lifts a
 * carried-out restriction. The list is read again whenever the wizard or
 * a form returns. On a server, the line under the heading tells how many
 * request files wait in the export directory and when they go.
 *
 * Above the details the supervisor sees the account administration of the
 * last 30 days (rk_accounts_recent_changes: how many changes, and the
 * newest with its roles before and after), and a warning line while the
 * config lets one account combine data roles with account or key
 * management ([accounts] combine_duties), with how often that was used.
 *
 * rk_ui_dsr_restricting() is here too: the customer detail asks it which
 * request restricts a customer (core keeps one restriction per request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/format.h"
#include "dsr_ui.h"
#include "rekisteri/dsr_outbox.h"
#include "rekisteri/accounts.h"

#define SOON_DAYS     7
#define CHANGES_DAYS  30
#define CHANGES_LIMIT 200

struct dashboard {
        struct rk_tui_screen_ops ops; /* Esc differs: Menu or Back */
        struct rk_ui *ui;
        bool closed_too;
        struct rk_dsr_request *r;
        size_t n;
        struct rk_audit_row *changes; /* account.* rows, newest first */
        size_t nchanges;
        struct rk_tui_list list;
        char cell[256];
        char outbox[160]; /* request files waiting on the server, or "" */
};

static const struct rk_tui_column columns[] = {
    {"#", 4, RK_TUI_RIGHT},         {N_("Type"), 18, RK_TUI_LEFT},
    {N_("Status"), 8, RK_TUI_LEFT}, {N_("Due"), 10, RK_TUI_LEFT},
    {N_("Left"), 12, RK_TUI_LEFT},  {N_("Records"), 0, RK_TUI_LEFT},
};

static const char *left_text(struct dashboard *d, const struct rk_dsr_request *r)
{
        long long days = (long long)r->days_left;
        if (r->status == RK_DSR_CLOSED)
                return "-";
        if (r->overdue)
                snprintf(d->cell, sizeof(d->cell), _("OVERDUE %lld d"), -days);
        else
                snprintf(d->cell, sizeof(d->cell), _("%lld d left"), days);
        return d->cell;
}

static const char *cell(void *ctx, size_t row, size_t col)
{
        struct dashboard *d = ctx;
        const struct rk_dsr_request *r = &d->r[row];
        switch (col) {
        case 0:
                snprintf(d->cell, sizeof(d->cell), "%lld", (long long)r->id);
                return d->cell;
        case 1:
                return rk_ui_status_text(rk_dsr_type_name(r->type));
        case 2:
                return rk_ui_status_text(rk_dsr_status_name(r->status));
        case 3:
                return rk_format_date_text(r->due_on, d->cell, sizeof(d->cell));
        case 4:
                return left_text(d, r);
        default:
                dsr_subjects_text(r, d->cell, sizeof(d->cell));
                return d->cell;
        }
}

static enum rk_tui_role row_role(void *ctx, size_t row)
{
        const struct rk_dsr_request *r = &((struct dashboard *)ctx)->r[row];
        if (r->status == RK_DSR_CLOSED)
                return RK_ROLE_DIM;
        if (r->overdue)
                return RK_ROLE_ERROR;
        return r->days_left <= SOON_DAYS ? RK_ROLE_WARNING : RK_ROLE_NORMAL;
}

/* Read the list again, keeping the selection on the same request. */
/* The files of access requests still waiting in the export directory:
 * how many, the oldest, and when the retention run deletes them. */
static void outbox_text(struct dashboard *d)
{
        struct rk_dsr_outbox_file *f = NULL;
        size_t n = 0;
        struct rk_error err;
        d->outbox[0] = '\0';
        if (rk_dsr_outbox_list(d->ui->cfg, d->ui->db_path, &f, &n, &err) != RK_OK ||
            n == 0) {
                free(f);
                return;
        }
        snprintf(
            d->outbox, sizeof(d->outbox),
            _("Files waiting to be fetched: %zu; oldest %s, %lld d, deleted in %lld d"),
            n, f[0].name, (long long)f[0].age_days, (long long)f[0].delete_in);
        free(f);
}

static int load(struct dashboard *d, struct rk_error *err)
{
        struct rk_dsr_request *r = NULL;
        size_t n = 0;
        int64_t was = d->n > 0 ? d->r[d->list.sel].id : 0;
        rk_ui_place(d->ui, RK_UI_PLACE_REQUESTS);
        int rc = rk_dsr_list(d->ui->session, d->closed_too, &r, &n, err);
        if (rc != RK_OK)
                return rc;
        rk_dsr_requests_free(d->r, d->n);
        d->r = r;
        d->n = n;
        outbox_text(d);
        free(d->changes);
        d->changes = NULL;
        d->nchanges = 0;
        if (rk_authorize_action(rk_session_grants(d->ui->session), RK_ACTION_AUDIT)) {
                rc = rk_accounts_recent_changes(d->ui->session, CHANGES_DAYS,
                                                CHANGES_LIMIT, &d->changes, &d->nchanges,
                                                err);
                if (rc != RK_OK)
                        return rc;
        }
        rk_tui_list_set_rows(&d->list, n);
        for (size_t i = 0; i < n; i++)
                if (r[i].id == was)
                        d->list.sel = i;
        return RK_OK;
}

static int reload(struct rk_tui_app *app, void *ctx)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (load(ctx, &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        return RK_TUI_REDRAW;
}

static const struct rk_dsr_request *selected(struct rk_tui_app *app, struct dashboard *d)
{
        if (d->n > 0)
                return &d->r[d->list.sel];
        rk_tui_message(app, RK_TUI_WARNING, _("No request selected"));
        return NULL;
}

/* ---- drawing ---------------------------------------------------------------- */

static void heading(const struct dashboard *d, char *out, size_t size)
{
        size_t open = 0, overdue = 0;
        for (size_t i = 0; i < d->n; i++) {
                open += d->r[i].status != RK_DSR_CLOSED;
                overdue += d->r[i].overdue;
        }
        snprintf(out, size,
                 d->closed_too ? _("Data-subject requests: %zu open, %zu overdue (closed "
                                   "ones shown too)")
                               : _("Data-subject requests: %zu open, %zu overdue"),
                 open, overdue);
}

/* The selected request's details, under the list. */
static void details(const struct rk_dsr_request *r, char *out, size_t size)
{
        char what[160], when[200];
        if (r->purpose[0] != '\0')
                snprintf(what, sizeof(what), _("%s, purpose %s."),
                         _(rk_dsr_type_label(r->type)), r->purpose);
        else
                snprintf(what, sizeof(what), "%s.", _(rk_dsr_type_label(r->type)));
        char received[RK_FORMAT_SIZE];
        rk_format_date_text(r->received_on, received, sizeof(received));
        snprintf(when, sizeof(when), _("Received %s, handler %s."), received, r->handler);
        if (r->extended)
                snprintf(out, size, _("%s %s Extended: %s"), what, when,
                         r->extension_reason);
        else
                snprintf(out, size, "%s %s", what, when);
}

/* The account-change lines from row y: the combine_duties warning when it
 * is on, then the count and the newest change. */
static void draw_changes(const struct dashboard *d, WINDOW *win, int y, int width)
{
        char text[1024];
        size_t combined = 0;
        for (size_t i = 0; i < d->nchanges; i++)
                combined += strcmp(d->changes[i].action, "account.combined_duties") == 0;
        if (d->ui->cfg->combine_duties) {
                snprintf(text, sizeof(text),
                         _("Separation of duties OFF ([accounts] combine_duties = 1): "
                           "used %zu time(s), %d days"),
                         combined, CHANGES_DAYS);
                rk_tui_print(win, y++, 1, width, RK_ROLE_WARNING, text);
        }
        if (d->nchanges == 0) {
                snprintf(text, sizeof(text), _("Account changes, last %d days: none"),
                         CHANGES_DAYS);
                rk_tui_print(win, y, 1, width, RK_ROLE_DIM, text);
                return;
        }
        const struct rk_audit_row *c = &d->changes[0];
        const char *fields =
            strncmp(c->fields, "roles ", 6) == 0 ? c->fields + 6 : c->fields;
        char count[32], latest[512];
        snprintf(count, sizeof(count), "%zu%s", d->nchanges,
                 d->nchanges == CHANGES_LIMIT ? "+" : "");
        /* the change as the trail names it: "user.roles sales" */
        snprintf(latest, sizeof(latest), "%.5s %s %s %s%s%s", c->at + 5, c->user,
                 c->action + strlen("account."), c->target, fields[0] ? " " : "", fields);
        snprintf(text, sizeof(text),
                 strcmp(c->result, "ok") == 0
                     ? _("Account changes, %d days: %s. Latest %s")
                     : _("Account changes, %d days: %s. Latest %s REFUSED"),
                 CHANGES_DAYS, count, latest);
        rk_tui_print(win, y, 1, width,
                     strcmp(c->result, "ok") == 0 ? RK_ROLE_NORMAL : RK_ROLE_WARNING,
                     text);
}

static void dash_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct dashboard *d = state;
        int width = getmaxx(win) - 2;
        int extra = 0;
        char text[DSR_TEXT + 400];
        heading(d, text, sizeof(text));
        rk_tui_print(win, 0, 1, width, RK_ROLE_HEADER, text);
        if (d->outbox[0] != '\0')
                rk_tui_print(win, 1, 1, width, RK_ROLE_WARNING, d->outbox);
        if (rk_authorize_action(rk_session_grants(d->ui->session), RK_ACTION_AUDIT))
                extra = 1 + (d->ui->cfg->combine_duties ? 1 : 0);
        if (extra > 0)
                draw_changes(d, win, getmaxy(win) - 3 - extra, width);
        if (d->n == 0) {
                rk_tui_print(win, 2, 2, width, RK_ROLE_DIM,
                             _("No open requests. F2 registers a new one."));
                return;
        }
        rk_tui_list_draw(&d->list, win, 2, 1, getmaxy(win) - 5 - extra, width);
        details(&d->r[d->list.sel], text, sizeof(text));
        rk_ui_print_wrapped(win, getmaxy(win) - 2, 1, width, 2, RK_ROLE_DIM, text);
}

static int dash_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct dashboard *)state)->list, key);
}

static void dash_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dashboard *d = state;
        rk_dsr_requests_free(d->r, d->n);
        free(d->changes);
        explicit_bzero(d, sizeof(*d));
        free(d);
}

/* ---- actions ------------------------------------------------------------------ */

static int act_open(struct rk_tui_app *app, void *state)
{
        struct dashboard *d = state;
        const struct rk_dsr_request *r = selected(app, d);
        return r ? rk_ui_dsr_wizard_open(app, d->ui, r->id, reload, d) : RK_TUI_REDRAW;
}

static int act_new(struct rk_tui_app *app, void *state)
{
        struct dashboard *d = state;
        return rk_ui_dsr_wizard_open(app, d->ui, 0, reload, d);
}

static int act_closed(struct rk_tui_app *app, void *state)
{
        struct dashboard *d = state;
        d->closed_too = !d->closed_too;
        return reload(app, d);
}

static int extend_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct dashboard *d = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (strcmp(v[0], "1") != 0 && strcmp(v[0], "2") != 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("Months: 1 or 2"));
        rk_ui_place(d->ui, RK_UI_PLACE_REQUESTS);
        if (rk_dsr_extend(d->ui->session, d->r[d->list.sel].id, v[0][0] - '0', v[1],
                          &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        rk_tui_message(app, RK_TUI_INFO, _("Deadline extended"));
        return RK_TUI_POP | reload(app, d);
}

static int act_extend(struct rk_tui_app *app, void *state)
{
        struct dashboard *d = state;
        const struct rk_dsr_request *r = selected(app, d);
        if (r == NULL)
                return RK_TUI_REDRAW;
        if (r->extended)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("The deadline was extended already (once only)"));
        static const struct rk_ui_ask_item items[] = {
            {N_("Months"), "2", 1, false},
            {N_("Reason"), NULL, 255, false},
        };
        const struct rk_ui_ask ask = {
            .name = _("Extend deadline"),
            .heading = _("Extend the deadline once, by 1 or 2 months (Art. 12(3))"),
            .hint = _("The reason is told to the person within the first month:\n"
                      "e.g. the request is complex, or there are many requests."),
            .done = extend_done,
            .ctx = d,
        };
        return rk_ui_ask_open(app, &ask, items, 2);
}

static int do_lift(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct dashboard *d = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes || d->n == 0)
                return RK_TUI_NONE;
        rk_ui_place(d->ui, RK_UI_PLACE_REQUESTS);
        if (rk_dsr_lift_restriction(d->ui->session, d->r[d->list.sel].id, &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        rk_tui_message(app, RK_TUI_INFO,
                       _("Restriction lifted; Enter closes the request"));
        return reload(app, d);
}

static int act_lift(struct rk_tui_app *app, void *state)
{
        struct dashboard *d = state;
        const struct rk_dsr_request *r = selected(app, d);
        if (r == NULL)
                return RK_TUI_REDRAW;
        if (r->type != RK_DSR_RESTRICTION || r->status != RK_DSR_EXECUTED)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Only a carried-out restriction can be lifted"));
        return rk_tui_dialog_confirm(app, _("Lift the restriction"),
                                     _("Lift the restriction of this request's records?\n"
                                       "They show again in every view."),
                                     do_lift, d);
}

static int act_menu(struct rk_tui_app *app, void *state)
{
        return rk_ui_home_menu_open(app, ((struct dashboard *)state)->ui);
}

#define DASH_KEYS                                                                        \
        {RK_TUI_KEY_ENTER, "Enter", N_("Open"),                                          \
         N_("Resume the request at its next step"), act_open},                           \
            {RK_TUI_FKEY(KEY_F(2)), "F2", N_("New"),                                     \
             N_("Register a new request (the wizard)"), act_new},                        \
            {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Closed"),                                  \
             N_("Show or hide closed requests"), act_closed},                            \
            {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Extend"), N_("Extend the deadline once"),  \
             act_extend},                                                                \
        {                                                                                \
                RK_TUI_FKEY(KEY_F(6)), "F6", N_("Lift"),                                 \
                    N_("Lift a carried-out restriction"), act_lift                       \
        }

static const struct rk_tui_binding root_keys[] = {
    DASH_KEYS,
    {RK_TUI_KEY_ESC, "Esc", N_("Menu"), N_("The home menu (customers, orders, audit...)"),
     act_menu},
};
static const struct rk_tui_binding pushed_keys[] = {
    DASH_KEYS,
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home menu"), rk_tui_action_pop},
};

int rk_ui_requests_open(struct rk_tui_app *app, struct rk_ui *ui, bool start)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct dashboard *d = calloc(1, sizeof(*d));
        if (d == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        d->ui = ui;
        d->ops = (struct rk_tui_screen_ops){
            .name = _("Requests"),
            .draw = dash_draw,
            .key = dash_key,
            .fini = dash_fini,
            .keys = start ? root_keys : pushed_keys,
            .n_keys = start ? sizeof(root_keys) / sizeof(root_keys[0])
                            : sizeof(pushed_keys) / sizeof(pushed_keys[0]),
        };
        rk_tui_list_init(&d->list, columns, 6, cell, d, 0);
        d->list.row_role = row_role;
        if (load(d, &err) != RK_OK) {
                dash_fini(app, d);
                int flags = start ? rk_ui_home_menu_open(app, ui) : RK_TUI_NONE;
                return flags | dsr_wizard_fail(app, &err);
        }
        return start ? rk_tui_reset(app, &d->ops, d) : rk_tui_push(app, &d->ops, d);
}

int64_t rk_ui_dsr_restricting(struct rk_ui *ui, int64_t customer_id)
{
        struct rk_error err;
        int64_t id = 0;
        rk_error_clear(&err);
        return rk_dsr_restricting(ui->session, customer_id, &id, &err) == RK_OK ? id : 0;
}
