/*
 * cmd_product.c - `rekisteri product ...`: the product catalogue from the
 * command line, over the same core calls as the catalogue screen
 * (products.h). Changes need the products action; core checks it and
 * records each change in the audit trail. Prices are shown as people read
 * them ("1 083,91 €").
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/money.h"
#include "rekisteri/products.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rk_product_in typed(const struct cli *c, const char *code)
{
        return (struct rk_product_in){code, c->name, c->unit, c->price, c->vat};
}

static int add(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_product_in in = typed(c, c->code);
        int rc = rk_product_add(s, &in, err);
        if (rc == RK_OK)
                printf("%s\n", _("Product added."));
        return rc;
}

int cmd_product_add(struct cli *c)
{
        if (!c->code || !c->name || !c->unit || !c->price || !c->vat)
                return cli_usage_error(
                    "product add needs --code, --name, --unit, --price and --vat");
        return cli_with_session(c, "cli:product add", add);
}

static void print_product(const struct rk_product *p)
{
        char price[RK_MONEY_SIZE], vat[24];
        cli_print_cell(p->code, 12, false, " ");
        cli_print_cell(p->name, 32, false, " ");
        cli_print_cell(p->unit, 6, false, " ");
        cli_print_cell(rk_money_format(p->price_cents, price, sizeof(price)), 14, true,
                       " ");
        cli_print_cell(rk_vat_rate_format(p->vat_bp, vat, sizeof(vat)), 7, true,
                       p->active ? "\n" : _("  inactive\n"));
}

static int list(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_product *p = NULL;
        size_t n = 0;
        int rc = rk_products_find(s, NULL, !c->all, RK_PRODUCTS_MAX, &p, &n, err);
        for (size_t i = 0; rc == RK_OK && i < n; i++)
                print_product(&p[i]);
        if (rc == RK_OK && n == RK_PRODUCTS_MAX)
                printf(_("(the first %d products)\n"), RK_PRODUCTS_MAX);
        free(p);
        return rc;
}

int cmd_product_list(struct cli *c)
{
        return cli_with_session(c, "cli:product list", list);
}

static int set(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_product_in in = typed(c, NULL);
        int rc = rk_product_set(s, c->words[0], 0, &in, err);
        if (rc == RK_OK)
                printf("%s\n", _("Product changed."));
        return rc;
}

int cmd_product_set(struct cli *c)
{
        return cli_with_session(c, "cli:product set", set);
}

static int deactivate(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        int rc = rk_product_deactivate(s, c->words[0], err);
        if (rc == RK_OK)
                printf("%s\n", _("Product deactivated; past orders keep it."));
        return rc;
}

int cmd_product_deactivate(struct cli *c)
{
        return cli_with_session(c, "cli:product deactivate", deactivate);
}
