/*
 * orders.c - the order list: recent orders, newest first, a page at a
 * time, for the warehouse and for sales and supervisors.
 *
 * How it works: rk_orders_recent() returns one page (PAGE rows) of order
 * summaries, which hold order and customer numbers, dates, statuses and
 * line counts and nothing about the person (core records one audit row
 * per page). PgDn on the last row loads the next page, PgUp on the first
 * row the previous one; F3 cycles the status filter through "all" and
 * the statuses of the field table (fields.c), starting again at the
 * first page. Enter opens the selected order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/orders.h"
#include "rekisteri/format.h"
#include "ui.h"

#define PAGE 100

struct orders {
        struct rk_ui *ui;
        struct rk_order_summary *rows;
        size_t n, offset;
        char statuses[8][16]; /* from fields.c; [0] is "" = all */
        size_t nstatus, filter;
        struct rk_tui_list list;
        char cell[RK_FORMAT_SIZE];
};

const struct rk_tui_column rk_ui_summary_columns[RK_UI_SUMMARY_COLS] = {
    {N_("Order"), 13, RK_TUI_LEFT},  {N_("Date"), 10, RK_TUI_LEFT},
    {N_("Status"), 10, RK_TUI_LEFT}, {N_("Customer"), 8, RK_TUI_LEFT},
    {N_("Lines"), 5, RK_TUI_RIGHT},
};

const char *rk_ui_summary_cell(const struct rk_order_summary *s, size_t col, char *buf,
                               size_t size)
{
        switch (col) {
        case 0:
                return s->number;
        case 1:
                return rk_format_date_text(s->ordered_on, buf, size);
        case 2:
                return rk_ui_status_text(s->status);
        case 3:
                return s->customer_number;
        default:
                snprintf(buf, size, "%zu", s->nlines);
                return buf;
        }
}

static const char *order_cell(void *ctx, size_t row, size_t col)
{
        struct orders *o = ctx;
        return rk_ui_summary_cell(&o->rows[row], col, o->cell, sizeof(o->cell));
}

/* Load the page at offset; returns flags. */
static int load(struct rk_tui_app *app, struct orders *o, size_t offset, bool at_end)
{
        struct rk_order_summary *rows = NULL;
        size_t n = 0;
        struct rk_error err;
        rk_error_clear(&err);
        const char *status = o->filter ? o->statuses[o->filter] : NULL;
        rk_ui_place(o->ui, RK_UI_PLACE_ORDERS);
        int rc = rk_orders_recent(o->ui->session, status, offset, PAGE, &rows, &n, &err);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        if (n == 0 && offset > 0) {
                free(rows);
                return rk_tui_message(app, RK_TUI_INFO, _("No more orders"));
        }
        free(o->rows);
        o->rows = rows;
        o->n = n;
        o->offset = offset;
        rk_tui_list_set_rows(&o->list, n);
        o->list.sel = at_end && n > 0 ? n - 1 : 0;
        o->list.top = 0;
        return RK_TUI_REDRAW;
}

static int act_open(struct rk_tui_app *app, void *state)
{
        struct orders *o = state;
        if (o->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No order selected"));
        return rk_ui_order_open(app, o->ui, o->rows[o->list.sel].id);
}

static int act_filter(struct rk_tui_app *app, void *state)
{
        struct orders *o = state;
        o->filter = (o->filter + 1) % o->nstatus;
        return load(app, o, 0, false);
}

static int act_reload(struct rk_tui_app *app, void *state)
{
        struct orders *o = state;
        return load(app, o, o->offset, false);
}

/* The statuses of the field table, after "" for all. */
static void read_statuses(struct orders *o)
{
        const struct rk_field *f = rk_fields_find(RK_REC_ORDER, "status");
        char buf[128];
        snprintf(buf, sizeof(buf), "%s", f && f->choices ? f->choices : "");
        o->nstatus = 1;
        for (char *s = strtok(buf, "|"); s != NULL && o->nstatus < 8;
             s = strtok(NULL, "|"))
                snprintf(o->statuses[o->nstatus++], sizeof(o->statuses[0]), "%s", s);
}

static int orders_key(struct rk_tui_app *app, void *state, int key)
{
        struct orders *o = state;
        bool last = o->n == 0 || o->list.sel + 1 >= o->n;
        if (key == RK_TUI_FKEY(KEY_NPAGE) && last && o->n == PAGE)
                return load(app, o, o->offset + PAGE, false);
        if (key == RK_TUI_FKEY(KEY_PPAGE) && o->list.sel == 0 && o->offset > 0)
                return load(app, o, o->offset >= PAGE ? o->offset - PAGE : 0, true);
        return rk_tui_list_key(&o->list, key);
}

static void orders_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct orders *o = state;
        char head[128];
        int w = getmaxx(win) - 2;
        snprintf(head, sizeof(head), _("Status: %s    Orders %zu-%zu, newest first"),
                 o->filter ? rk_ui_status_text(o->statuses[o->filter]) : _("all"),
                 o->n ? o->offset + 1 : 0, o->offset + o->n);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, head);
        if (o->n == 0)
                rk_tui_print(win, 2, 2, w, RK_ROLE_DIM, _("No orders."));
        else
                rk_tui_list_draw(&o->list, win, 2, 1, getmaxy(win) - 2, w);
}

static int orders_init(struct rk_tui_app *app, void *state)
{
        struct orders *o = state;
        rk_tui_list_init(&o->list, rk_ui_summary_columns, RK_UI_SUMMARY_COLS, order_cell,
                         o, 0);
        read_statuses(o);
        load(app, o, 0, false); /* a refusal shows on the message line */
        return RK_OK;
}

static void orders_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct orders *o = state;
        free(o->rows);
        free(o);
}

static const struct rk_tui_binding order_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Open"), N_("Open the selected order"), act_open},
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Status"),
     N_("Show only one status (cycles; all first)"), act_filter},
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("Reload"), N_("Load the page again"), act_reload},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops orders_ops = {
    .name = N_("Orders"),
    .init = orders_init,
    .draw = orders_draw,
    .key = orders_key,
    .fini = orders_fini,
    .keys = order_keys,
    .n_keys = sizeof(order_keys) / sizeof(order_keys[0]),
};

int rk_ui_orders_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct orders *o = calloc(1, sizeof(*o));
        if (o == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        o->ui = ui;
        return rk_tui_push(app, &orders_ops, o);
}
