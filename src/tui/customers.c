/*
 * customers.c - the customer list: a search field over a list of hits.
 *
 * How it works: search-as-you-type. When typing pauses (SEARCH_PAUSE_MS)
 * after a key that changed the query, rk_customer_search() runs again (core searches only
 * the columns the session may read and records the search in the audit trail) and the
 * list shows what each hit holds: the customer number always, the name and the city only
 * when the session may read them. The field takes characters, Left/Right, Home/End,
 * Backspace and ^U; Up/Down and PgUp/PgDn move in the list, Enter opens the selected
 * customer's detail, F2 opens the new-customer form (with the customers_create action
 * only; asked again when pressed). A query with no searchable word (empty, or only
 * punctuation) simply shows no hits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/customer.h"
#include "rekisteri/search.h"
#include "ui.h"

#define HITS_MAX        200
#define SEARCH_PAUSE_MS 150 /* typing pause before a search */

struct customers {
        struct rk_tui_screen_ops ops; /* keys depend on the role: F2 or not */
        struct rk_ui *ui;
        char query[RK_SEARCH_QUERY_MAX + 1];
        bool pending; /* the query changed; a search waits for a pause */
        struct rk_tui_field f_query;
        struct rk_search_hit *hits;
        size_t n;
        struct rk_tui_list list;
        char status[96];
};

static const struct rk_tui_column hit_columns[] = {
    {N_("Number"), 8, RK_TUI_LEFT},
    {N_("Name"), 0, RK_TUI_LEFT},
    {N_("City"), 22, RK_TUI_LEFT},
};

static const char *hit_cell(void *ctx, size_t row, size_t col)
{
        const struct rk_search_hit *h = &((struct customers *)ctx)->hits[row];
        switch (col) {
        case 0:
                return h->number;
        case 1:
                return h->name ? h->name : "";
        default:
                return h->city ? h->city : "";
        }
}

static void drop_hits(struct customers *c)
{
        rk_search_free(c->hits, c->n);
        c->hits = NULL;
        c->n = 0;
        rk_tui_list_set_rows(&c->list, 0);
}

/* What a query with no hits, or none yet, means for this session. */
static void set_idle_status(struct customers *c)
{
        const struct rk_grants *g = rk_session_grants(c->ui->session);
        snprintf(c->status, sizeof(c->status), _("Type %s to search."),
                 rk_authorize_read(g, RK_GROUP_CONTACT)
                     ? _("a name, number, e-mail, phone or address")
                 : rk_authorize_read(g, RK_GROUP_IDENTITY)
                     ? _("a name or a customer number")
                     : _("a customer number"));
}

/* Run the search for the current query; returns flags. */
static int search(struct rk_tui_app *app, struct customers *c)
{
        struct rk_error err;
        rk_error_clear(&err);
        c->pending = false;
        drop_hits(c);
        set_idle_status(c);
        if (strspn(c->query, " ") == strlen(c->query))
                return RK_TUI_REDRAW;
        rk_ui_place(c->ui, RK_UI_PLACE_CUSTOMERS);
        int rc =
            rk_customer_search(c->ui->session, c->query, HITS_MAX, &c->hits, &c->n, &err);
        if (rc == RK_ERR_INVALID)
                return RK_TUI_REDRAW; /* no searchable word yet */
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_list_set_rows(&c->list, c->n);
        c->list.sel = 0;
        c->list.top = 0;
        if (c->n == 0)
                snprintf(c->status, sizeof(c->status), _("No customer matches."));
        else if (c->n == HITS_MAX)
                snprintf(c->status, sizeof(c->status),
                         _("%zu or more customers. Enter opens."), c->n);
        else
                snprintf(c->status, sizeof(c->status),
                         ngettext("%zu customer. Enter opens.",
                                  "%zu customers. Enter opens.", c->n),
                         c->n);
        return RK_TUI_REDRAW;
}

/* The idle job: typing has paused, search what is typed now. */
static int search_job(struct rk_tui_app *app, void *state)
{
        return search(app, state);
}

static int act_open(struct rk_tui_app *app, void *state)
{
        struct customers *c = state;
        /* Enter right after typing: search first, then open the first hit */
        if (c->pending)
                search(app, c);
        if (c->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No customer selected"));
        return rk_ui_customer_open(app, c->ui, c->hits[c->list.sel].id);
}

static int created(struct rk_tui_app *app, void *ctx, int64_t id)
{
        struct customers *c = ctx;
        return rk_ui_customer_open(app, c->ui, id);
}

static int act_new(struct rk_tui_app *app, void *state)
{
        struct customers *c = state;
        const struct rk_grants *g = rk_session_grants(c->ui->session);
        if (!rk_authorize_action(g, RK_ACTION_CUSTOMERS_CREATE))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not create customers"));
        rk_groupset groups = (1u << RK_GROUP_IDENTITY) | (1u << RK_GROUP_CONTACT) |
                             (1u << RK_GROUP_IDCODE);
        return rk_ui_customer_form_open(app, c->ui, 0, groups, created, c);
}

static int customers_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct customers *c = state;
        rk_tui_field_init(&c->f_query, c->query, sizeof(c->query), RK_SEARCH_QUERY_MAX,
                          false);
        /* a role that cannot read the contact group (billing) never gets a
         * city: no empty column for it */
        bool city =
            rk_authorize_read(rk_session_grants(c->ui->session), RK_GROUP_CONTACT);
        rk_tui_list_init(&c->list, hit_columns, city ? 3 : 2, hit_cell, c, 0);
        rk_ui_place(c->ui, RK_UI_PLACE_CUSTOMERS);
        set_idle_status(c);
        return RK_OK;
}

static void customers_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct customers *c = state;
        int w = getmaxx(win) - 2;
        rk_tui_print(win, 1, 1, 8, RK_ROLE_LABEL, _("Search:"));
        rk_tui_field_draw(&c->f_query, app, win, 1, 9, w - 8, true);
        rk_tui_print(win, 2, 9, w - 8, RK_ROLE_DIM, c->status);
        rk_tui_list_draw(&c->list, win, 4, 1, getmaxy(win) - 4, w);
}

static int customers_key(struct rk_tui_app *app, void *state, int key)
{
        struct customers *c = state;
        int r = rk_tui_list_key(&c->list, key);
        if (r != RK_TUI_UNHANDLED && key != RK_TUI_FKEY(KEY_HOME) &&
            key != RK_TUI_FKEY(KEY_END))
                return r;
        char before[sizeof(c->query)];
        memcpy(before, c->query, sizeof(before));
        r = rk_tui_field_key(&c->f_query, app, key);
        if (r == RK_TUI_UNHANDLED || strcmp(before, c->query) == 0)
                return r;
        /* search when typing pauses: one search (and one set of audit rows)
         * per pause, not one per key; hits of an older query never stay in
         * view meanwhile */
        drop_hits(c);
        c->pending = true;
        snprintf(c->status, sizeof(c->status), _("Searching\u2026"));
        return r | rk_tui_when_idle(app, SEARCH_PAUSE_MS, search_job, c);
}

static void customers_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct customers *c = state;
        drop_hits(c);
        explicit_bzero(c, sizeof(*c));
        free(c);
}

/* The first entry is left off for a role that may not create customers. */
static const struct rk_tui_binding customer_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("New"), N_("Add a new customer"), act_new},
    {RK_TUI_KEY_ENTER, "Enter", N_("Open"), N_("Open the selected customer"), act_open},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops customers_ops = {
    .name = N_("Customers"),
    .init = customers_init,
    .draw = customers_draw,
    .key = customers_key,
    .fini = customers_fini,
    .keys = customer_keys,
    .n_keys = sizeof(customer_keys) / sizeof(customer_keys[0]),
};

int rk_ui_customers_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct customers *c = calloc(1, sizeof(*c));
        if (c == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        c->ui = ui;
        c->ops = customers_ops;
        if (!rk_authorize_action(rk_session_grants(ui->session),
                                 RK_ACTION_CUSTOMERS_CREATE)) {
                c->ops.keys++;
                c->ops.n_keys--;
        }
        return rk_tui_push(app, &c->ops, c);
}
