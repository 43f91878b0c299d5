/*
 * order_form.c - taking an order, or changing the lines of an open one:
 * products picked from the catalogue by code or name as you type, a
 * quantity, the price (from the catalogue; changeable only by a role that
 * writes order amounts), and the net total, VAT per rate and gross total
 * as the lines are added.
 *
 * How it works: the form has three input fields (product, quantity,
 * price) and the list of lines. Each key typed in the product field asks
 * rk_products_find() for up to MATCHES active products whose code starts
 * with, or whose name holds, the text; Up/Down choose one and Enter takes
 * it (the price field gets its catalogue price), then Enter on the
 * quantity or price adds the line. Quantity and price are checked with
 * rk_field_check (the same check core makes when saving) and the totals
 * with the core's VAT arithmetic (money.h), so the screen shows what will
 * be saved. On the list, Enter takes a line back into the fields to
 * change it and F8 removes it. F2 saves in one core call
 * (rk_order_create, or rk_order_set_lines at the version opened); a
 * refusal names the line and field on the message line and under the
 * form. A save refused with RK_ERR_CONFLICT asks, as the customer form
 * does, whether to reload (losing the edits) or keep the form as typed.
 *
 * A role that takes orders but may not read order amounts sees neither
 * prices nor totals here (the catalogue's price is used).
 *
 * The header shows where the order goes: the customer's delivery address
 * when one is set, else its street address (read with the contact group,
 * so the view is audited like any other).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/customer.h"
#include "rekisteri/money.h"
#include "rekisteri/orders.h"
#include "rekisteri/products.h"
#include "ui.h"

#define MATCHES  5
#define QTY_MAX  9
#define COST_MAX 16
#define G(x)     (1u << RK_GROUP_##x)

enum focus { F_PRODUCT, F_QTY, F_PRICE, F_LINES, F_COUNT };

struct oline {
        char code[RK_PRODUCT_CODE_MAX + 1];
        char name[RK_PRODUCT_NAME_MAX * 4 + 1];
        char unit[RK_PRODUCT_UNIT_MAX * 4 + 1];
        int64_t qty, price, line_id;
        int vat;
        bool typed; /* the price was typed, not taken from the catalogue */
};

struct oform {
        struct rk_ui *ui;
        int64_t customer_id, order_id, version;
        char title[160], deliver[320];
        struct oline *lines;
        size_t n;
        bool dirty;     /* a line added or removed since the form opened */
        bool may_price; /* writes order amounts: may type a price */
        bool may_see;   /* reads order amounts: prices and totals shown */
        enum focus focus;
        char qbuf[RK_PRODUCT_NAME_MAX * 4 + 1], qtybuf[QTY_MAX + 1],
            pricebuf[COST_MAX + 1];
        struct rk_tui_field q, qty, price;
        struct rk_product *matches;
        size_t nmatch, msel;
        struct oline pick; /* the product taken into the fields */
        bool picked;
        int64_t pick_catalogue; /* its catalogue (or kept) price */
        struct rk_tui_list list;
        char cell[64];
        char bad_msg[sizeof(((struct rk_error *)0)->msg)];
        int (*done)(struct rk_tui_app *, void *, int64_t);
        void *ctx;
};

/* ---- the lines ------------------------------------------------------------ */

static const struct rk_tui_column line_columns[] = {
    {N_("Code"), 9, RK_TUI_LEFT}, {N_("Product"), 0, RK_TUI_LEFT},
    {N_("Qty"), 5, RK_TUI_RIGHT}, {N_("Unit price"), 12, RK_TUI_RIGHT},
    {N_("VAT"), 6, RK_TUI_RIGHT}, {N_("Line total"), 13, RK_TUI_RIGHT},
};

static const char *line_cell(void *ctx, size_t row, size_t col)
{
        struct oform *o = ctx;
        const struct oline *l = &o->lines[row];
        switch (col) {
        case 0:
                return l->code;
        case 1:
                return l->name;
        case 2:
                snprintf(o->cell, sizeof(o->cell), "%lld", (long long)l->qty);
                return o->cell;
        case 3:
                return rk_money_format(l->price, o->cell, sizeof(o->cell));
        case 4:
                return rk_vat_rate_format(l->vat, o->cell, sizeof(o->cell));
        default:
                return rk_money_format(l->qty * l->price, o->cell, sizeof(o->cell));
        }
}

static int totals(const struct oform *o, struct rk_vat_sum *sum, struct rk_error *err)
{
        memset(sum, 0, sizeof(*sum));
        for (size_t i = 0; i < o->n; i++) {
                int64_t net = 0;
                int rc = rk_vat_line_net(o->lines[i].qty, o->lines[i].price, &net, err);
                if (rc == RK_OK)
                        rc = rk_vat_add(sum, o->lines[i].vat, net, err);
                if (rc != RK_OK)
                        return rc;
        }
        return RK_OK;
}

/* ---- the product search ----------------------------------------------------- */

static void search(struct rk_tui_app *app, struct oform *o)
{
        struct rk_error err;
        rk_error_clear(&err);
        free(o->matches);
        o->matches = NULL;
        o->nmatch = o->msel = 0;
        if (o->qbuf[0] == '\0')
                return;
        if (rk_products_find(o->ui->session, o->qbuf, true, MATCHES, &o->matches,
                             &o->nmatch, &err) != RK_OK)
                rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
}

static void set_text(struct rk_tui_field *f, char *buf, size_t cap, size_t max,
                     const char *text)
{
        explicit_bzero(buf, cap);
        /* A value that does not fit is left out, never shown cropped. */
        if (snprintf(buf, cap, "%s", text) >= (int)cap)
                explicit_bzero(buf, cap);
        rk_tui_field_init(f, buf, cap, max, false);
}

/* Euros as typed in the price field ("12,50") from cents. */
static void price_text(int64_t cents, char *out, size_t size)
{
        snprintf(out, size, "%lld,%02lld", (long long)(cents / 100),
                 (long long)(cents % 100));
}

static void take_product(struct oform *o, const struct oline *l, int64_t price,
                         const char *qty)
{
        char text[32];
        o->pick = *l;
        o->picked = true;
        o->pick_catalogue = price;
        set_text(&o->q, o->qbuf, sizeof(o->qbuf), RK_PRODUCT_NAME_MAX, l->code);
        price_text(l->typed ? l->price : price, text, sizeof(text));
        set_text(&o->price, o->pricebuf, sizeof(o->pricebuf), COST_MAX, text);
        set_text(&o->qty, o->qtybuf, sizeof(o->qtybuf), QTY_MAX, qty);
        free(o->matches);
        o->matches = NULL;
        o->nmatch = 0;
        o->focus = F_QTY;
}

static int choose_match(struct rk_tui_app *app, struct oform *o)
{
        if (o->nmatch == 0)
                return rk_tui_message(
                    app, RK_TUI_WARNING,
                    _("No active product matches; type a code or a name"));
        const struct rk_product *p = &o->matches[o->msel];
        struct oline l;
        memset(&l, 0, sizeof(l));
        snprintf(l.code, sizeof(l.code), "%s", p->code);
        snprintf(l.name, sizeof(l.name), "%s", p->name);
        snprintf(l.unit, sizeof(l.unit), "%s", p->unit);
        l.price = p->price_cents;
        l.vat = p->vat_bp;
        take_product(o, &l, p->price_cents, "1");
        return RK_TUI_REDRAW;
}

/* ---- adding and editing a line ---------------------------------------------- */

static int refuse(struct rk_tui_app *app, struct oform *o, const struct rk_error *err)
{
        snprintf(o->bad_msg, sizeof(o->bad_msg), "%s", err->msg);
        return rk_tui_message(app, RK_TUI_ERROR, "%s", err->msg);
}

/* The quantity and price in the fields, checked as core will. */
static int read_numbers(struct oform *o, struct oline *l, struct rk_error *err)
{
        char p[32];
        int64_t net = 0, qty = 0;
        int rc = rk_order_quantity_check(o->qtybuf, &qty, err);
        if (rc == RK_OK)
                rc = rk_field_check(rk_fields_find(RK_REC_LINE, "unit_price_cents"),
                                    o->pricebuf, NULL, p, sizeof(p), err);
        if (rc == RK_OK && p[0] == '\0')
                rc = rk_error_field(
                    err, rk_error_set(err, RK_ERR_INVALID, _("Unit price: is required")),
                    "unit_price_cents");
        if (rc != RK_OK)
                return rc;
        l->qty = qty;
        l->price = strtoll(p, NULL, 10);
        l->typed = l->typed || l->price != o->pick_catalogue;
        return rk_vat_line_net(l->qty, l->price, &net, err);
}

static int add_line(struct rk_tui_app *app, struct oform *o)
{
        struct rk_error err;
        struct rk_vat_sum sum;
        rk_error_clear(&err);
        if (!o->picked) {
                o->focus = F_PRODUCT;
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Product: choose one first (type, then Enter)"));
        }
        if (o->n == RK_ORDER_LINES_MAX)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("An order has at most %d lines"),
                                      RK_ORDER_LINES_MAX);
        struct oline l = o->pick;
        if (read_numbers(o, &l, &err) != RK_OK) {
                /* the cursor goes to the field refused (err.field) */
                if (err.field != NULL && strcmp(err.field, "quantity") == 0)
                        o->focus = F_QTY;
                else if (err.field != NULL && o->may_price)
                        o->focus = F_PRICE;
                return refuse(app, o, &err);
        }
        o->lines[o->n++] = l;
        if (totals(o, &sum, &err) != RK_OK) {
                o->n--;
                return refuse(app, o, &err);
        }
        rk_tui_list_set_rows(&o->list, o->n);
        o->list.sel = o->n - 1;
        o->dirty = true;
        o->picked = false;
        o->bad_msg[0] = '\0';
        set_text(&o->q, o->qbuf, sizeof(o->qbuf), RK_PRODUCT_NAME_MAX, "");
        set_text(&o->qty, o->qtybuf, sizeof(o->qtybuf), QTY_MAX, "");
        set_text(&o->price, o->pricebuf, sizeof(o->pricebuf), COST_MAX, "");
        o->focus = F_PRODUCT;
        return RK_TUI_REDRAW;
}

static void remove_line(struct oform *o, size_t i)
{
        memmove(&o->lines[i], &o->lines[i + 1], (o->n - i - 1) * sizeof(o->lines[0]));
        o->n--;
        o->dirty = true;
        rk_tui_list_set_rows(&o->list, o->n);
}

/* Enter on the list: the line goes back into the fields to be changed. */
static int edit_line(struct oform *o)
{
        if (o->n == 0)
                return RK_TUI_NONE;
        struct oline l = o->lines[o->list.sel];
        char qty[24];
        snprintf(qty, sizeof(qty), "%lld", (long long)l.qty);
        remove_line(o, o->list.sel);
        /* an untouched stored line keeps its price: the "catalogue" price
         * to compare with is the one it was sold at */
        take_product(o, &l, l.typed ? -1 : l.price, qty);
        return RK_TUI_REDRAW;
}

static int act_remove(struct rk_tui_app *app, void *state)
{
        struct oform *o = state;
        if (o->focus != F_LINES || o->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Tab to the lines, choose one, then F8"));
        remove_line(o, o->list.sel);
        if (o->n == 0)
                o->focus = F_PRODUCT;
        return rk_tui_message(app, RK_TUI_INFO, _("Line removed (not saved yet)"));
}

/* ---- loading and saving ----------------------------------------------------- */

static void where_to(struct oform *o, const struct rk_customer_view *v)
{
        static const char *const delivery[] = {"delivery_street", "delivery_postal_code",
                                               "delivery_city", NULL};
        static const char *const home[] = {"street", "postal_code", "city", NULL};
        const char *const *cols =
            rk_record_get(&v->main, "delivery_street") ? delivery : home;
        size_t used = (size_t)snprintf(
            o->deliver, sizeof(o->deliver), "%s",
            cols == delivery ? _("Deliver to (delivery address): ") : _("Deliver to: "));
        bool any = false;
        for (size_t i = 0; cols[i] != NULL && used < sizeof(o->deliver); i++) {
                const char *t = rk_record_get(&v->main, cols[i]);
                if (t == NULL)
                        continue;
                used +=
                    (size_t)snprintf(o->deliver + used, sizeof(o->deliver) - used, "%s%s",
                                     any && i == 1 ? ", "
                                     : any         ? " "
                                                   : "",
                                     t);
                any = true;
        }
        if (!any)
                o->deliver[0] = '\0';
}

static int load_customer(struct oform *o, struct rk_error *err)
{
        struct rk_customer_view v;
        rk_ui_place(o->ui, RK_UI_PLACE_ORDER_FORM);
        int rc = rk_customer_load(o->ui->session, o->customer_id,
                                  G(IDENTITY) | G(CONTACT), &v, err);
        if (rc == RK_OK) {
                const char *name = rk_record_get(&v.main, "name");
                size_t used = strlen(o->title);
                char who[160];
                snprintf(who, sizeof(who), "%s%s%s", v.number, name ? "  " : "",
                         name ? name : "");
                char was[sizeof(o->title)];
                snprintf(was, sizeof(was), "%s", o->title);
                /* TRANSLATORS: "New order" or "Order O000123", then the customer */
                snprintf(o->title, sizeof(o->title), _("%s for %s"), was, who);
                (void)used;
                where_to(o, &v);
        }
        rk_customer_view_clear(&v);
        return rc;
}

static int load_order(struct oform *o, struct rk_error *err)
{
        struct rk_order_view v;
        rk_ui_place(o->ui, RK_UI_PLACE_ORDER_FORM);
        int rc = rk_order_load(o->ui->session, o->order_id, G(ORDERS) | G(ORDER_AMOUNTS),
                               &v, err);
        if (rc != RK_OK)
                return rc;
        o->customer_id = v.customer_id;
        o->version = v.order.version;
        o->n = 0;
        snprintf(o->title, sizeof(o->title), _("Order %s"),
                 rk_record_get(&v.order, "number") ? rk_record_get(&v.order, "number")
                                                   : "");
        for (size_t i = 0; i < v.nlines && o->n < RK_ORDER_LINES_MAX; i++) {
                const struct rk_record_view *r = &v.lines[i];
                struct oline *l = &o->lines[o->n++];
                const char *code = rk_record_get(r, "product_code"),
                           *p = rk_record_get(r, "unit_price_cents"),
                           *t = rk_record_get(r, "vat_rate_bp");
                memset(l, 0, sizeof(*l));
                snprintf(l->code, sizeof(l->code), "%s", code ? code : "");
                snprintf(l->name, sizeof(l->name), "%s",
                         rk_record_get(r, "product") ? rk_record_get(r, "product") : "");
                snprintf(l->unit, sizeof(l->unit), "%s",
                         rk_record_get(r, "unit") ? rk_record_get(r, "unit") : "");
                l->qty = atoll(rk_record_get(r, "quantity") ? rk_record_get(r, "quantity")
                                                            : "0");
                l->price = p ? atoll(p) : 0;
                l->vat = t ? atoi(t) : 0;
                l->line_id = r->id;
        }
        rk_tui_list_set_rows(&o->list, o->n);
        rk_order_view_clear(&v);
        return RK_OK;
}

static int answer_reload(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct oform *o = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes)
                return rk_tui_message(
                    app, RK_TUI_WARNING,
                    _("Not saved. Your lines are still here; Esc leaves "
                      "without saving."));
        if (load_order(o, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        o->dirty = false;
        return rk_tui_message(app, RK_TUI_INFO,
                              _("Reloaded: the form shows the lines saved now."));
}

/* The line core's refusal is about (err->line, 1-based), chosen on the list. */
static void select_named(struct oform *o, const struct rk_error *err)
{
        if (err->line >= 1 && err->line <= o->n) {
                o->list.sel = err->line - 1;
                o->focus = F_LINES;
        }
}

static int act_save(struct rk_tui_app *app, void *state)
{
        struct oform *o = state;
        struct rk_order_line_in in[RK_ORDER_LINES_MAX];
        char prices[RK_ORDER_LINES_MAX][24], qtys[RK_ORDER_LINES_MAX][24];
        struct rk_error err;
        int64_t id = o->order_id;
        rk_error_clear(&err);
        if (o->n == 0)
                return rk_tui_message(
                    app, RK_TUI_WARNING,
                    _("Add at least one line (Enter adds the line typed)"));
        for (size_t i = 0; i < o->n; i++) {
                price_text(o->lines[i].price, prices[i], sizeof(prices[i]));
                snprintf(qtys[i], sizeof(qtys[i]), "%lld", (long long)o->lines[i].qty);
                in[i] = (struct rk_order_line_in){o->lines[i].code, qtys[i],
                                                  o->lines[i].typed ? prices[i] : NULL,
                                                  o->lines[i].line_id};
        }
        rk_ui_place(o->ui, RK_UI_PLACE_ORDER_FORM);
        int rc = o->order_id ? rk_order_set_lines(o->ui->session, o->order_id, o->version,
                                                  in, o->n, NULL, &err)
                             : rk_order_create(o->ui->session, o->customer_id, in, o->n,
                                               &id, NULL, &err);
        if (rc == RK_ERR_CONFLICT)
                return rk_tui_dialog_confirm(
                    app, _("Changed by someone else"),
                    _("Changed by someone else since you opened it.\n"
                      "Reload and lose your edits? (n keeps them on the form)"),
                    answer_reload, o);
        if (rc != RK_OK) {
                select_named(o, &err);
                return refuse(app, o, &err);
        }
        rk_tui_message(app, RK_TUI_INFO, "%s",
                       o->order_id ? _("Order saved") : _("Order taken"));
        return RK_TUI_POP | o->done(app, o->ctx, id);
}

/* ---- the screen --------------------------------------------------------------- */

static enum focus next_focus(const struct oform *o, int step)
{
        enum focus f = o->focus;
        for (int k = 0; k < F_COUNT; k++) {
                f = (enum focus)((f + (step > 0 ? 1 : F_COUNT - 1)) % F_COUNT);
                if ((f == F_PRICE && !o->may_price) || (f == F_LINES && o->n == 0))
                        continue;
                return f;
        }
        return o->focus;
}

static struct rk_tui_field *field_of(struct oform *o)
{
        return o->focus == F_PRODUCT ? &o->q : o->focus == F_QTY ? &o->qty : &o->price;
}

static int form_key(struct rk_tui_app *app, void *state, int key)
{
        struct oform *o = state;
        if (key == '\t' || key == RK_TUI_FKEY(KEY_BTAB)) {
                o->focus = next_focus(o, key == '\t' ? 1 : -1);
                return RK_TUI_REDRAW;
        }
        if (o->focus == F_LINES)
                return key == RK_TUI_KEY_ENTER ? edit_line(o)
                                               : rk_tui_list_key(&o->list, key);
        if (key == RK_TUI_KEY_ENTER)
                return o->focus == F_PRODUCT ? choose_match(app, o) : add_line(app, o);
        if (o->focus == F_PRODUCT &&
            (key == RK_TUI_FKEY(KEY_UP) || key == RK_TUI_FKEY(KEY_DOWN))) {
                if (key == RK_TUI_FKEY(KEY_UP) && o->msel > 0)
                        o->msel--;
                else if (key == RK_TUI_FKEY(KEY_DOWN) && o->msel + 1 < o->nmatch)
                        o->msel++;
                return RK_TUI_REDRAW;
        }
        int r = rk_tui_field_key(field_of(o), app, key);
        if (o->focus == F_PRODUCT && !(r & RK_TUI_UNHANDLED)) {
                o->picked = false;
                search(app, o);
        }
        return r;
}

static const struct rk_tui_column match_columns[] = {
    {NULL, 9, RK_TUI_LEFT},   {NULL, 0, RK_TUI_LEFT},  {NULL, 5, RK_TUI_LEFT},
    {NULL, 12, RK_TUI_RIGHT}, {NULL, 6, RK_TUI_RIGHT},
};

static const char *match_cell(void *ctx, size_t row, size_t col)
{
        struct oform *o = ctx;
        const struct rk_product *p = &o->matches[row];
        switch (col) {
        case 0:
                return p->code;
        case 1:
                return p->name;
        case 2:
                return p->unit;
        case 3:
                return rk_money_format(p->price_cents, o->cell, sizeof(o->cell));
        default:
                return rk_vat_rate_format(p->vat_bp, o->cell, sizeof(o->cell));
        }
}

/* Where the three input fields go on their row (x of each label and field,
 * the fields' widths): each label as wide as the user's language writes it
 * (Finnish "Määrä:" and Swedish "Antal:" are wider than "Qty:"), its
 * field after it, two columns between the pairs; when the labels need
 * more than the row has, the product field gives up the difference. */
struct field_row {
        int label[3], field[3], cols[3];
};
static const char *const field_labels[3] = {N_("Product:"), N_("Qty:"),
                                            N_("Unit price:")};

static void field_row(int width, struct field_row *r)
{
        static const int cols[3] = {24, 7, 11};
        int x = 1;
        for (int i = 0; i < 3; i++) {
                r->label[i] = x;
                r->field[i] = x + rk_tui_text_cols(_(field_labels[i])) + 1;
                r->cols[i] = cols[i];
                x = r->field[i] + cols[i] + 2;
        }
        int over = r->field[2] + r->cols[2] - (width + 1);
        if (over > 0) {
                r->cols[0] = r->cols[0] - over > 8 ? r->cols[0] - over : 8;
                for (int i = 1; i < 3; i++) {
                        r->label[i] -= cols[0] - r->cols[0];
                        r->field[i] -= cols[0] - r->cols[0];
                }
        }
}

static void draw_fields(struct oform *o, struct rk_tui_app *app, WINDOW *win, int y,
                        const struct field_row *r)
{
        for (int i = 0; i < 3; i++)
                rk_tui_print(win, y, r->label[i], r->field[i] - r->label[i],
                             RK_ROLE_LABEL, _(field_labels[i]));
        rk_tui_field_draw(&o->q, app, win, y, r->field[0], r->cols[0],
                          o->focus == F_PRODUCT);
        rk_tui_field_draw(&o->qty, app, win, y, r->field[1], r->cols[1],
                          o->focus == F_QTY);
        if (o->may_price)
                rk_tui_field_draw(&o->price, app, win, y, r->field[2], r->cols[2],
                                  o->focus == F_PRICE);
        else
                rk_tui_print(win, y, r->field[2], r->cols[2], RK_ROLE_DIM,
                             o->may_see ? o->pricebuf : _("catalogue"));
        if (o->picked)
                rk_tui_print(win, y + 1, r->field[0], getmaxx(win) - r->field[0] - 2,
                             RK_ROLE_DIM, o->pick.name);
}

static void form_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct oform *o = state;
        int w = getmaxx(win) - 2, h = getmaxy(win);
        struct rk_vat_sum sum;
        struct rk_error err;
        int nt = o->may_see && totals(o, &sum, &err) == RK_OK ? (int)sum.n + 2 : 0;
        struct field_row r;
        field_row(w, &r);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, o->title);
        rk_tui_print(win, 1, 1, w, RK_ROLE_DIM, o->deliver);
        if (o->focus == F_PRODUCT && o->nmatch > 0) {
                struct rk_tui_list m;
                rk_tui_list_init(&m, match_columns, 5, match_cell, o, o->nmatch);
                m.sel = o->msel;
                rk_tui_list_draw(&m, win, 4, r.field[0], MATCHES, w - r.field[0]);
        } else if (o->n == 0) {
                rk_tui_print(win, 5, 2, w, RK_ROLE_DIM,
                             _("Type a product code or name; Enter takes it, Enter again "
                               "adds the line."));
        } else {
                rk_tui_list_draw(&o->list, win, 4, 1, h - 7 - nt, w);
        }
        if (nt > 0)
                rk_ui_draw_totals(win, h - 3 - nt, w, &sum);
        rk_ui_print_wrapped(win, h - 2, 1, w, 2, RK_ROLE_ERROR, o->bad_msg);
        /* the cursor belongs to the focused field: draw it last */
        draw_fields(o, app, win, 2, &r);
}

static void form_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct oform *o = state;
        free(o->matches);
        free(o->lines);
        explicit_bzero(o, sizeof(*o));
        free(o);
}

/* Esc: lines added or removed, or a product being typed, are asked about. */
static int act_cancel(struct rk_tui_app *app, void *state)
{
        struct oform *o = state;
        return rk_ui_leave_form(app, o->dirty || o->qbuf[0] != '\0', rk_tui_action_pop,
                                o);
}

static const struct rk_tui_binding form_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Save"), N_("Save the order"), act_save},
    {RK_TUI_FKEY(KEY_F(8)), "F8", N_("Remove"), N_("Remove the line chosen on the list"),
     act_remove},
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Close without saving"), act_cancel},
};

static const struct rk_tui_screen_ops form_ops = {
    .name = N_("Order"),
    .draw = form_draw,
    .key = form_key,
    .fini = form_fini,
    .keys = form_keys,
    .n_keys = sizeof(form_keys) / sizeof(form_keys[0]),
};

int rk_ui_order_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t customer_id,
                          int64_t order_id,
                          int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                          void *ctx)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct oform *o = calloc(1, sizeof(*o));
        if (o == NULL ||
            (o->lines = calloc(RK_ORDER_LINES_MAX, sizeof(*o->lines))) == NULL) {
                free(o);
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        }
        const struct rk_grants *g = rk_session_grants(ui->session);
        o->ui = ui;
        o->customer_id = customer_id;
        o->order_id = order_id;
        o->done = done;
        o->ctx = ctx;
        o->may_see = rk_authorize_read(g, RK_GROUP_ORDER_AMOUNTS);
        o->may_price = o->may_see && rk_authorize_write(g, RK_GROUP_ORDER_AMOUNTS);
        snprintf(o->title, sizeof(o->title), _("New order"));
        /* a role that may not read order amounts sees no price column */
        rk_tui_list_init(&o->list, line_columns, o->may_see ? 6 : 3, line_cell, o, 0);
        set_text(&o->q, o->qbuf, sizeof(o->qbuf), RK_PRODUCT_NAME_MAX, "");
        set_text(&o->qty, o->qtybuf, sizeof(o->qtybuf), QTY_MAX, "");
        set_text(&o->price, o->pricebuf, sizeof(o->pricebuf), COST_MAX, "");
        int rc =
            rk_authorize_write(g, RK_GROUP_ORDERS)
                ? RK_OK
                : rk_error_set(&err, RK_ERR_DENIED, _("your role may not take orders"));
        if (rc == RK_OK && order_id != 0)
                rc = load_order(o, &err);
        if (rc == RK_OK)
                rc = load_customer(o, &err);
        if (rc != RK_OK) {
                form_fini(app, o);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        return rk_tui_push(app, &form_ops, o);
}
