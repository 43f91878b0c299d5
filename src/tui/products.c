/*
 * products.c - the product catalogue screen: search as you type by code
 * or name, and for the products action (the supervisor by default) F2
 * adds a product, F4 changes the selected one and F8 takes it off sale.
 *
 * How it works: every key typed into the search field asks
 * rk_products_find() for the matching products, inactive ones included
 * (marked). Adding and changing go through a small form (ask.h) whose
 * answers core checks (products.h): a refusal names the field and keeps
 * the form open. A change is saved at the version listed, so a
 * colleague's change in between is refused, not overwritten. Products
 * are never deleted; orders already taken keep the prices they were sold
 * at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/money.h"
#include "rekisteri/products.h"
#include "ui.h"

struct products {
        struct rk_ui *ui;
        char qbuf[RK_PRODUCT_NAME_MAX * 4 + 1];
        struct rk_tui_field q;
        struct rk_product *rows;
        size_t n;
        struct rk_tui_list list;
        char cell[32];
        /* the texts the edit form starts with (ask.h keeps pointers) */
        char name[RK_PRODUCT_NAME_MAX * 4 + 1], unit[RK_PRODUCT_UNIT_MAX * 4 + 1],
            price[32], vat[16];
};

static const struct rk_tui_column columns[] = {
    {N_("Code"), 10, RK_TUI_LEFT}, {N_("Name"), 0, RK_TUI_LEFT},
    {N_("Unit"), 5, RK_TUI_LEFT},  {N_("Price"), 13, RK_TUI_RIGHT},
    {N_("VAT"), 7, RK_TUI_RIGHT},  {"", 8, RK_TUI_LEFT},
};

static const char *cell(void *ctx, size_t row, size_t col)
{
        struct products *p = ctx;
        const struct rk_product *r = &p->rows[row];
        switch (col) {
        case 0:
                return r->code;
        case 1:
                return r->name;
        case 2:
                return r->unit;
        case 3:
                return rk_money_format(r->price_cents, p->cell, sizeof(p->cell));
        case 4:
                return rk_vat_rate_format(r->vat_bp, p->cell, sizeof(p->cell));
        default:
                return r->active ? "" : _("inactive");
        }
}

static int load(struct rk_tui_app *app, struct products *p)
{
        struct rk_product *rows = NULL;
        size_t n = 0;
        struct rk_error err;
        rk_error_clear(&err);
        rk_ui_place(p->ui, RK_UI_PLACE_PRODUCTS);
        if (rk_products_find(p->ui->session, p->qbuf, false, RK_PRODUCTS_MAX, &rows, &n,
                             &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        free(p->rows);
        p->rows = rows;
        p->n = n;
        rk_tui_list_set_rows(&p->list, n);
        return RK_TUI_REDRAW;
}

static bool may_edit(const struct products *p)
{
        return rk_authorize_action(rk_session_grants(p->ui->session), RK_ACTION_PRODUCTS);
}

/* ---- adding and changing ----------------------------------------------------- */

static int add_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct products *p = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        const struct rk_product_in in = {v[0], v[1], v[2], v[3], v[4]};
        rk_ui_place(p->ui, RK_UI_PLACE_PRODUCTS);
        if (rk_product_add(p->ui->session, &in, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO, _("Product added"));
        return RK_TUI_POP | load(app, p);
}

static int act_add(struct rk_tui_app *app, void *state)
{
        if (!may_edit(state))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not change the catalogue"));
        const struct rk_ui_ask ask = {
            .name = _("New product"),
            .heading = _("A new product for the catalogue"),
            .hint = _("Price in euros without VAT (12,50); VAT rate in percent (25.5)."),
            .done = add_done,
            .ctx = state,
        };
        const struct rk_ui_ask_item items[] = {
            {_("Code"), NULL, RK_PRODUCT_CODE_MAX, false},
            {_("Name"), NULL, RK_PRODUCT_NAME_MAX, false},
            {_("Unit"), "kpl", RK_PRODUCT_UNIT_MAX, false},
            {_("Unit price"), NULL, 16, false},
            {_("VAT rate"), "25.5", 8, false},
        };
        return rk_ui_ask_open(app, &ask, items, 5);
}

static const struct rk_product *selected(const struct products *p)
{
        return p->n ? &p->rows[p->list.sel] : NULL;
}

static int edit_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct products *p = ctx;
        const struct rk_product *r = selected(p);
        struct rk_error err;
        rk_error_clear(&err);
        if (r == NULL)
                return RK_TUI_POP;
        const struct rk_product_in in = {NULL, v[0], v[1], v[2], v[3]};
        rk_ui_place(p->ui, RK_UI_PLACE_PRODUCTS);
        if (rk_product_set(p->ui->session, r->code, r->version, &in, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO,
                       _("Product changed; orders taken keep their prices"));
        return RK_TUI_POP | load(app, p);
}

static int act_edit(struct rk_tui_app *app, void *state)
{
        struct products *p = state;
        const struct rk_product *r = selected(p);
        if (r == NULL)
                return rk_tui_message(app, RK_TUI_WARNING, _("No product selected"));
        if (!may_edit(p))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not change the catalogue"));
        snprintf(p->name, sizeof(p->name), "%s", r->name);
        snprintf(p->unit, sizeof(p->unit), "%s", r->unit);
        snprintf(p->price, sizeof(p->price), "%lld,%02lld",
                 (long long)(r->price_cents / 100), (long long)(r->price_cents % 100));
        snprintf(p->vat, sizeof(p->vat), "%d.%02d", r->vat_bp / 100, r->vat_bp % 100);
        const struct rk_ui_ask ask = {
            .name = _("Change product"),
            .heading = _("Change the selected product"),
            .hint = _("Orders already taken keep the prices they were sold at."),
            .done = edit_done,
            .ctx = p,
        };
        const struct rk_ui_ask_item items[] = {
            {_("Name"), p->name, RK_PRODUCT_NAME_MAX, false},
            {_("Unit"), p->unit, RK_PRODUCT_UNIT_MAX, false},
            {_("Unit price"), p->price, 16, false},
            {_("VAT rate"), p->vat, 8, false},
        };
        return rk_ui_ask_open(app, &ask, items, 4);
}

static int do_deactivate(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct products *p = ctx;
        const struct rk_product *r = selected(p);
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes || r == NULL)
                return RK_TUI_NONE;
        rk_ui_place(p->ui, RK_UI_PLACE_PRODUCTS);
        if (rk_product_deactivate(p->ui->session, r->code, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO, _("Taken off sale; past orders keep it"));
        return load(app, p);
}

static int act_deactivate(struct rk_tui_app *app, void *state)
{
        struct products *p = state;
        const struct rk_product *r = selected(p);
        char text[96];
        if (r == NULL)
                return rk_tui_message(app, RK_TUI_WARNING, _("No product selected"));
        snprintf(text, sizeof(text), _("Take %s off sale?\nPast orders keep it."),
                 r->code);
        return rk_tui_dialog_confirm(app, _("Deactivate product"), text, do_deactivate,
                                     p);
}

/* ---- the screen ---------------------------------------------------------------- */

static int products_key(struct rk_tui_app *app, void *state, int key)
{
        struct products *p = state;
        int r = rk_tui_list_key(&p->list, key);
        if (!(r & RK_TUI_UNHANDLED))
                return r;
        r = rk_tui_field_key(&p->q, app, key);
        return r & RK_TUI_UNHANDLED ? r : load(app, p);
}

static void products_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct products *p = state;
        int w = getmaxx(win) - 2;
        if (p->n == 0)
                rk_tui_print(win, 3, 2, w, RK_ROLE_DIM, _("No product matches."));
        else
                rk_tui_list_draw(&p->list, win, 2, 1, getmaxy(win) - 2, w);
        rk_tui_print(win, 0, 1, 8, RK_ROLE_LABEL, _("Search:"));
        rk_tui_field_draw(&p->q, app, win, 0, 9, 30, true);
}

static int products_init(struct rk_tui_app *app, void *state)
{
        struct products *p = state;
        rk_tui_field_init(&p->q, p->qbuf, sizeof(p->qbuf), RK_PRODUCT_NAME_MAX, false);
        rk_tui_list_init(&p->list, columns, 6, cell, p, 0);
        load(app, p);
        return RK_OK;
}

static void products_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct products *p = state;
        free(p->rows);
        free(p);
}

/* The first three entries need the products action. */
static const struct rk_tui_binding products_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Add"), N_("Add a product"), act_add},
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Change"), N_("Change the selected product"),
     act_edit},
    {RK_TUI_FKEY(KEY_F(8)), "F8", N_("Off sale"),
     N_("Take the selected product off sale"), act_deactivate},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops products_ops = {
    .name = N_("Products"),
    .init = products_init,
    .draw = products_draw,
    .key = products_key,
    .fini = products_fini,
    .keys = products_keys,
    .n_keys = sizeof(products_keys) / sizeof(products_keys[0]),
};

static const struct rk_tui_screen_ops products_read_ops = {
    .name = N_("Products"),
    .init = products_init,
    .draw = products_draw,
    .key = products_key,
    .fini = products_fini,
    .keys = products_keys + 3,
    .n_keys = 1,
};

int rk_ui_products_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct products *p = calloc(1, sizeof(*p));
        if (p == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        p->ui = ui;
        return rk_tui_push(app, may_edit(p) ? &products_ops : &products_read_ops, p);
}
