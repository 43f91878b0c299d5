/*
 * order.c - one order: number, date, status, the customer as its number
 * only, and the lines; and the status change.
 *
 * How it works: rk_order_load() asks for the orders and order_amounts
 * groups and gets what the session may read of them: the warehouse sees
 * products and quantities, roles that read order amounts also see unit
 * prices, line totals and the order total (the price columns are there
 * only when the view has amounts). The order view has no slot for a
 * customer's name or address, so none can be drawn here. With amounts
 * the foot shows the net total, the VAT per rate and the gross total.
 * F4 opens a list of the statuses the order may move to that the role may
 * make (the flow table in core: the warehouse picks and ships); the
 * choice is saved with rk_order_set_status() at the version loaded: if
 * someone else changed the order first, a dialog offers to reload. F5
 * opens the lines of an open order in the order form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/money.h"
#include "rekisteri/format.h"
#include "rekisteri/orders.h"
#include "ui.h"

#define ORDER_GROUPS ((1u << RK_GROUP_ORDERS) | (1u << RK_GROUP_ORDER_AMOUNTS))
#define STATUS_MAX   8

struct order {
        struct rk_tui_screen_ops ops;
        struct rk_ui *ui;
        int64_t id;
        struct rk_order_view v;
        struct rk_tui_list list;
        char cell[32];
};

static const struct rk_tui_column line_columns[] = {
    {N_("Code"), 9, RK_TUI_LEFT},
    {N_("Product"), 0, RK_TUI_LEFT},
    {N_("Quantity"), 8, RK_TUI_RIGHT},
    {N_("Unit"), 5, RK_TUI_LEFT},
};
static const struct rk_tui_column priced_columns[] = {
    {N_("Code"), 9, RK_TUI_LEFT},         {N_("Product"), 0, RK_TUI_LEFT},
    {N_("Quantity"), 8, RK_TUI_RIGHT},    {N_("Unit"), 5, RK_TUI_LEFT},
    {N_("Unit price"), 12, RK_TUI_RIGHT}, {N_("Line total"), 13, RK_TUI_RIGHT},
};

static const char *line_cell(void *ctx, size_t row, size_t col)
{
        struct order *o = ctx;
        const struct rk_record_view *l = &o->v.lines[row];
        const char *q = rk_record_get(l, "quantity"),
                   *p = rk_record_get(l, "unit_price_cents");
        char cents[32];
        switch (col) {
        case 0:
                return rk_record_get(l, "product_code");
        case 1:
                return rk_record_get(l, "product");
        case 2:
                return q;
        case 3:
                return rk_record_get(l, "unit");
        case 4:
                rk_ui_money(p, o->cell, sizeof(o->cell));
                return o->cell;
        default:
                snprintf(cents, sizeof(cents), "%lld",
                         (q ? atoll(q) : 0) * (p ? atoll(p) : 0));
                rk_ui_money(cents, o->cell, sizeof(o->cell));
                return o->cell;
        }
}

/* Load the order again; RK_OK or an rk code with err set. */
static int load(struct order *o, struct rk_error *err)
{
        struct rk_order_view v;
        rk_ui_place(o->ui, RK_UI_PLACE_ORDER);
        int rc = rk_order_load(o->ui->session, o->id, ORDER_GROUPS, &v, err);
        if (rc != RK_OK)
                return rc;
        rk_order_view_clear(&o->v);
        o->v = v;
        if (v.has_total)
                rk_tui_list_init(&o->list, priced_columns, 6, line_cell, o, v.nlines);
        else
                rk_tui_list_init(&o->list, line_columns, 4, line_cell, o, v.nlines);
        return RK_OK;
}

static int reload(struct rk_tui_app *app, struct order *o)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (load(o, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_REDRAW;
}

/* ---- the status chooser ------------------------------------------------------ */

struct chooser {
        struct order *o;
        char status[STATUS_MAX][RK_ORDER_STATUS_SIZE];
        size_t n;
        struct rk_tui_list list;
};

static const struct rk_tui_column status_columns[] = {{NULL, 0, RK_TUI_LEFT}};

static const char *status_cell(void *ctx, size_t row, size_t col)
{
        (void)col;
        return rk_ui_status_text(((struct chooser *)ctx)->status[row]);
}

static int answer_reload(struct rk_tui_app *app, void *ctx, bool yes)
{
        return yes ? reload(app, ctx) : RK_TUI_NONE;
}

static int choose(struct rk_tui_app *app, void *state)
{
        struct chooser *c = state;
        struct order *o = c->o;
        struct rk_error err;
        rk_error_clear(&err);
        rk_ui_place(o->ui, RK_UI_PLACE_ORDER);
        int rc = rk_order_set_status(o->ui->session, o->id, o->v.order.version,
                                     c->status[c->list.sel], &err);
        if (rc == RK_ERR_CONFLICT)
                return RK_TUI_POP |
                       rk_tui_dialog_confirm(app, _("Changed by someone else"),
                                             _("Changed by someone else since you opened "
                                               "it.\nReload the order?"),
                                             answer_reload, o);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO, _("Status changed"));
        return RK_TUI_POP | reload(app, o);
}

static int chooser_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct chooser *c = state;
        const char *now = rk_record_get(&c->o->v.order, "status");
        rk_tui_list_init(&c->list, status_columns, 1, status_cell, c, 0);
        c->n = rk_order_next_statuses(rk_session_grants(c->o->ui->session),
                                      now ? now : "", c->status, STATUS_MAX);
        rk_tui_list_set_rows(&c->list, c->n);
        return RK_OK;
}

static void chooser_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct chooser *c = state;
        const char *number = rk_record_get(&c->o->v.order, "number");
        char head[64];
        snprintf(head, sizeof(head), _("New status for %s"), number ? number : "-");
        rk_tui_print(win, 1, 4, getmaxx(win) - 8, RK_ROLE_HEADER, head);
        rk_tui_list_draw(&c->list, win, 3, 4, (int)c->n, 20);
}

static int chooser_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct chooser *)state)->list, key);
}

static void chooser_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static const struct rk_tui_binding chooser_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Set"), N_("Give the order the selected status"),
     choose},
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Keep the status"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops chooser_ops = {
    .name = N_("Order status"),
    .init = chooser_init,
    .draw = chooser_draw,
    .key = chooser_key,
    .fini = chooser_fini,
    .keys = chooser_keys,
    .n_keys = sizeof(chooser_keys) / sizeof(chooser_keys[0]),
};

static int act_status(struct rk_tui_app *app, void *state)
{
        struct order *o = state;
        char next[STATUS_MAX][RK_ORDER_STATUS_SIZE];
        const char *now = rk_record_get(&o->v.order, "status");
        if (rk_order_next_statuses(rk_session_grants(o->ui->session), now ? now : "",
                                   next, STATUS_MAX) == 0)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not move this order further"));
        struct chooser *c = calloc(1, sizeof(*c));
        if (c == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        c->o = o;
        return rk_tui_push(app, &chooser_ops, c);
}

/* ---- the order screen --------------------------------------------------------- */

static int after_lines(struct rk_tui_app *app, void *ctx, int64_t id)
{
        (void)id;
        return reload(app, ctx);
}

static int act_lines(struct rk_tui_app *app, void *state)
{
        struct order *o = state;
        const char *now = rk_record_get(&o->v.order, "status");
        if (now == NULL || strcmp(now, "open") != 0)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Only an open order's lines can be changed"));
        return rk_ui_order_form_open(app, o->ui, 0, o->id, after_lines, o);
}

static void order_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct order *o = state;
        const struct rk_record_view *r = &o->v.order;
        int w = getmaxx(win) - 2, h = getmaxy(win);
        const char *number = rk_record_get(r, "number");
        char line[160], day[RK_FORMAT_SIZE];
        int foot = o->v.has_total ? (int)o->v.totals.n + 2 : 0;
        snprintf(line, sizeof(line), _("Order %s"), number ? number : "");
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, line);
        snprintf(
            line, sizeof(line), _("Date %s   Status %s   Customer %s"),
            rk_record_get(r, "ordered_on")
                ? rk_format_date_text(rk_record_get(r, "ordered_on"), day, sizeof(day))
                : "-",
            rk_record_get(r, "status") ? rk_ui_status_text(rk_record_get(r, "status"))
                                       : "-",
            o->v.customer_number);
        rk_tui_print(win, 1, 1, w, RK_ROLE_NORMAL, line);
        rk_tui_list_draw(&o->list, win, 3, 1, h - 4 - foot, w);
        if (o->v.has_total)
                rk_ui_draw_totals(win, h - foot, w, &o->v.totals);
}

static int order_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct order *)state)->list, key);
}

static void order_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct order *o = state;
        rk_order_view_clear(&o->v);
        free(o);
}

/* The first entry needs write access to orders, the second a move. */
static const struct rk_tui_binding order_keys[] = {
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("Lines"), N_("Change the lines of an open order"),
     act_lines},
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Status"), N_("Move the order to its next status"),
     act_status},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the list"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops order_ops = {
    .name = N_("Order"),
    .draw = order_draw,
    .key = order_key,
    .fini = order_fini,
    .keys = order_keys,
    .n_keys = sizeof(order_keys) / sizeof(order_keys[0]),
};

int rk_ui_order_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t order_id)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct order *o = calloc(1, sizeof(*o));
        if (o == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        o->ui = ui;
        o->id = order_id;
        o->ops = order_ops;
        const struct rk_grants *g = rk_session_grants(ui->session);
        if (!rk_authorize_write(g, RK_GROUP_ORDERS)) {
                o->ops.keys++;
                o->ops.n_keys--;
                if (!rk_authorize_action(g, RK_ACTION_PICKING)) {
                        o->ops.keys++;
                        o->ops.n_keys--;
                }
        }
        if (load(o, &err) != RK_OK) {
                order_fini(app, o);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        return rk_tui_push(app, &o->ops, o);
}
