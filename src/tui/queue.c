/*
 * queue.c - the warehouse's picking queue: confirmed orders to pick and
 * picked orders to ship, oldest first, each with its lines and
 * quantities, the customer shown only as its number.
 *
 * How it works: rk_orders_queue() gives the page of order summaries (no
 * customer field but the number exists in them); the lines of the order
 * under the cursor are loaded with rk_order_load() asking for the orders
 * group only, so neither a price nor any customer detail can be drawn
 * here, whatever the role (each load is audited as an order view). F4
 * moves the selected order to its next step in the flow table the role
 * may make (picked, then shipped) after a y/n question, at the version
 * listed: if someone else moved it first, the queue says so and reloads.
 * F6 writes the picking list (rk_order_picking_list) to a file named on
 * a small form, pre-filled with picking-ORDER.txt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/format.h"
#include "rekisteri/orders.h"
#include "ui.h"

#define PAGE 200

struct queue {
        struct rk_ui *ui;
        struct rk_order_summary *rows;
        size_t n;
        struct rk_tui_list list, lines;
        struct rk_order_view v; /* the lines of the selected order */
        int64_t shown;          /* the order v holds, 0 for none */
        char next[RK_ORDER_STATUS_SIZE];
        char cell[RK_FORMAT_SIZE];
};

static const struct rk_tui_column line_columns[] = {
    {N_("Code"), 9, RK_TUI_LEFT},
    {N_("Product"), 0, RK_TUI_LEFT},
    {N_("Quantity"), 8, RK_TUI_RIGHT},
    {N_("Unit"), 5, RK_TUI_LEFT},
};

static const char *order_cell(void *ctx, size_t row, size_t col)
{
        struct queue *q = ctx;
        return rk_ui_summary_cell(&q->rows[row], col, q->cell, sizeof(q->cell));
}

static const char *line_cell(void *ctx, size_t row, size_t col)
{
        static const char *const cols[] = {"product_code", "product", "quantity", "unit"};
        struct queue *q = ctx;
        return rk_record_get(&q->v.lines[row], cols[col]);
}

/* Load the lines of the selected order, if not shown yet. */
static int show_lines(struct rk_tui_app *app, struct queue *q)
{
        struct rk_error err;
        rk_error_clear(&err);
        int64_t id = q->n ? q->rows[q->list.sel].id : 0;
        if (id == q->shown)
                return RK_TUI_REDRAW;
        rk_order_view_clear(&q->v);
        q->shown = 0;
        rk_tui_list_init(&q->lines, line_columns, 4, line_cell, q, 0);
        if (id == 0)
                return RK_TUI_REDRAW;
        rk_ui_place(q->ui, RK_UI_PLACE_QUEUE);
        if (rk_order_load(q->ui->session, id, 1u << RK_GROUP_ORDERS, &q->v, &err) !=
            RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        q->shown = id;
        rk_tui_list_set_rows(&q->lines, q->v.nlines);
        return RK_TUI_REDRAW;
}

static int load(struct rk_tui_app *app, struct queue *q)
{
        struct rk_order_summary *rows = NULL;
        size_t n = 0;
        struct rk_error err;
        rk_error_clear(&err);
        rk_ui_place(q->ui, RK_UI_PLACE_QUEUE);
        if (rk_orders_queue(q->ui->session, PAGE, &rows, &n, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        free(q->rows);
        q->rows = rows;
        q->n = n;
        rk_tui_list_set_rows(&q->list, n);
        q->shown = -1; /* load the lines again */
        return show_lines(app, q);
}

/* ---- the next step ---------------------------------------------------------- */

static int answer_step(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct queue *q = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes || q->n == 0)
                return RK_TUI_NONE;
        const struct rk_order_summary *s = &q->rows[q->list.sel];
        rk_ui_place(q->ui, RK_UI_PLACE_QUEUE);
        int rc = rk_order_set_status(q->ui->session, s->id, s->version, q->next, &err);
        char number[RK_ORDER_NUMBER_SIZE];
        snprintf(number, sizeof(number), "%s", s->number);
        int flags = load(app, q);
        if (rc == RK_ERR_CONFLICT)
                return flags |
                       rk_tui_message(app, RK_TUI_WARNING,
                                      _("%s was changed by someone else; the queue "
                                        "is reloaded"),
                                      number);
        if (rc != RK_OK)
                return flags | rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return flags | rk_tui_message(app, RK_TUI_INFO, _("%s is now %s"), number,
                                      rk_ui_status_text(q->next));
}

static int act_step(struct rk_tui_app *app, void *state)
{
        struct queue *q = state;
        char next[2][RK_ORDER_STATUS_SIZE], text[128];
        if (q->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No order selected"));
        const struct rk_order_summary *s = &q->rows[q->list.sel];
        size_t k =
            rk_order_next_statuses(rk_session_grants(q->ui->session), s->status, next, 2);
        /* the warehouse's own step is the one after picking or before it */
        for (size_t i = 0; i < k; i++)
                if (strcmp(next[i], "picked") == 0 || strcmp(next[i], "shipped") == 0)
                        memcpy(q->next, next[i], sizeof(q->next));
        if (k == 0 || (strcmp(q->next, "picked") != 0 && strcmp(q->next, "shipped") != 0))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not move %s further"), s->number);
        snprintf(text, sizeof(text), _("Mark %s as %s?"), s->number,
                 rk_ui_status_text(q->next));
        return rk_tui_dialog_confirm(app, _("Next step"), text, answer_step, q);
}

/* ---- the picking list --------------------------------------------------------- */

static int print_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct queue *q = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (q->n == 0)
                return RK_TUI_POP;
        if (v[0][0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING, _("Type a file name"));
        rk_ui_place(q->ui, RK_UI_PLACE_QUEUE);
        if (rk_order_picking_list(q->ui->session, q->rows[q->list.sel].id, v[0], &err) !=
            RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_POP |
               rk_tui_message(app, RK_TUI_INFO, _("Picking list written to %s"), v[0]);
}

static int act_print(struct rk_tui_app *app, void *state)
{
        struct queue *q = state;
        static char name[64];
        if (q->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No order selected"));
        snprintf(name, sizeof(name), "picking-%s.txt", q->rows[q->list.sel].number);
        const struct rk_ui_ask ask = {
            .name = _("Picking list"),
            .heading = _("Write the picking list of the selected order to a file"),
            .hint = _("A new file (mode 0600); an existing file is never replaced."),
            .done = print_done,
            .ctx = q,
        };
        const struct rk_ui_ask_item item = {_("File"), name, 200, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

/* ---- the screen ------------------------------------------------------------------ */

static int act_open(struct rk_tui_app *app, void *state)
{
        struct queue *q = state;
        if (q->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No order selected"));
        return rk_ui_order_open(app, q->ui, q->rows[q->list.sel].id);
}

static int act_reload(struct rk_tui_app *app, void *state)
{
        return load(app, state);
}

static int queue_key(struct rk_tui_app *app, void *state, int key)
{
        struct queue *q = state;
        int r = rk_tui_list_key(&q->list, key);
        return r & RK_TUI_UNHANDLED ? r : show_lines(app, q);
}

static void queue_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct queue *q = state;
        int w = getmaxx(win) - 2, h = getmaxy(win), top = (h - 2) / 2;
        char head[96];
        snprintf(head, sizeof(head),
                 ngettext("To pick and ship: %zu order, oldest first",
                          "To pick and ship: %zu orders, oldest first", q->n),
                 q->n);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, head);
        if (q->n == 0) {
                rk_tui_print(win, 2, 2, w, RK_ROLE_DIM, _("Nothing to pick or ship."));
                return;
        }
        rk_tui_list_draw(&q->list, win, 1, 1, top, w);
        if (q->shown > 0) {
                snprintf(head, sizeof(head), _("Lines of %s"),
                         rk_record_get(&q->v.order, "number")
                             ? rk_record_get(&q->v.order, "number")
                             : "");
                rk_tui_print(win, top + 2, 1, w, RK_ROLE_HEADER, head);
                rk_tui_list_draw(&q->lines, win, top + 3, 1, h - top - 3, w);
        }
}

static int queue_init(struct rk_tui_app *app, void *state)
{
        struct queue *q = state;
        rk_tui_list_init(&q->list, rk_ui_summary_columns, RK_UI_SUMMARY_COLS, order_cell,
                         q, 0);
        rk_tui_list_init(&q->lines, line_columns, 4, line_cell, q, 0);
        load(app, q); /* a refusal shows on the message line */
        return RK_OK;
}

static void queue_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct queue *q = state;
        free(q->rows);
        rk_order_view_clear(&q->v);
        free(q);
}

static const struct rk_tui_binding queue_keys[] = {
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Next step"),
     N_("Mark the selected order picked, or a picked one shipped"), act_step},
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Picking list"),
     N_("Write the selected order's picking list to a file"), act_print},
    {RK_TUI_KEY_ENTER, "Enter", N_("Open"), N_("Open the selected order"), act_open},
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("Reload"), N_("Load the queue again"), act_reload},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops queue_ops = {
    .name = N_("Picking queue"),
    .init = queue_init,
    .draw = queue_draw,
    .key = queue_key,
    .fini = queue_fini,
    .keys = queue_keys,
    .n_keys = sizeof(queue_keys) / sizeof(queue_keys[0]),
};

int rk_ui_queue_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct queue *q = calloc(1, sizeof(*q));
        if (q == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        q->ui = ui;
        return rk_tui_push(app, &queue_ops, q);
}
