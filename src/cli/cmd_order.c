/*
 * cmd_order.c - `rekisteri order ...`: taking an order from the catalogue,
 * showing one, moving it along its flow, the warehouse's queue and the
 * picking list, over the same core calls as the order screens
 * (orders.h). Amounts are printed as people read them; the warehouse's
 * role sees no amount and no customer detail but the number.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/customer.h"
#include "rekisteri/fields.h"
#include "rekisteri/money.h"
#include "rekisteri/orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- order add ---------------------------------------------------------- */

/* "CODE:QTY[:PRICE]" split in place into l (buf is the caller's copy). */
static int split_line(char *buf, struct rk_order_line_in *l)
{
        char *q = strchr(buf, ':');
        if (q == NULL)
                return -1;
        *q++ = '\0';
        char *p = strchr(q, ':');
        if (p != NULL)
                *p++ = '\0';
        *l = (struct rk_order_line_in){buf, q, p, 0};
        return 0;
}

int cli_order_lines_check(struct cli *c, struct rk_error *err)
{
        char buf[256], option[32], cents[32];
        /* read only after split_line filled it; {0} keeps the release
         * build free of -Wmaybe-uninitialized */
        struct rk_order_line_in l = {0};
        int64_t qty = 0;
        int rc = RK_OK;
        for (int i = 0; rc == RK_OK && i < c->nlines; i++) {
                snprintf(option, sizeof(option), "--line %d", i + 1);
                snprintf(buf, sizeof(buf), "%s", c->lines[i]);
                if (strlen(c->lines[i]) >= sizeof(buf) || split_line(buf, &l) != 0 ||
                    l.code[0] == '\0')
                        rc = rk_error_set(err, RK_ERR_INVALID,
                                          "write CODE:QUANTITY or CODE:QUANTITY:PRICE");
                if (rc == RK_OK)
                        rc = rk_order_quantity_check(l.quantity, &qty, err);
                if (rc == RK_OK && l.unit_price != NULL)
                        rc = rk_field_check(
                            rk_fields_find(RK_REC_LINE, "unit_price_cents"), l.unit_price,
                            NULL, cents, sizeof(cents), err);
                if (rc != RK_OK)
                        cli_usage_mark(err, option);
        }
        return rc;
}

static void print_totals(const struct rk_vat_sum *t)
{
        char a[RK_MONEY_SIZE], r[24], label[48];
        cli_print_cell(_("Net"), 22, false, " ");
        cli_print_cell(rk_money_format(t->net, a, sizeof(a)), 16, true, "\n");
        for (size_t i = 0; i < t->n; i++) {
                snprintf(label, sizeof(label), _("VAT %s"),
                         rk_vat_rate_format(t->rate[i].bp, r, sizeof(r)));
                cli_print_cell(label, 22, false, " ");
                cli_print_cell(rk_money_format(t->rate[i].vat, a, sizeof(a)), 16, true,
                               "\n");
        }
        cli_print_cell(_("Total with VAT"), 22, false, " ");
        cli_print_cell(rk_money_format(t->gross, a, sizeof(a)), 16, true, "\n");
}

static int add(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_order_line_in lines[sizeof(c->lines) / sizeof(c->lines[0])];
        char *bufs[sizeof(c->lines) / sizeof(c->lines[0])] = {NULL};
        char number[RK_ORDER_NUMBER_SIZE];
        int64_t customer = 0, oid = 0;
        int rc = RK_OK;
        /* each line's form was checked before unlocking (values.c) */
        for (int i = 0; rc == RK_OK && i < c->nlines; i++) {
                bufs[i] = strdup(c->lines[i]);
                if (bufs[i] == NULL)
                        rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                else
                        split_line(bufs[i], &lines[i]);
        }
        if (rc == RK_OK)
                rc = rk_customer_find(s, c->customer, &customer, err);
        if (rc == RK_OK)
                rc = rk_order_create(s, customer, lines, (size_t)c->nlines, &oid, number,
                                     err);
        struct rk_order_view v;
        memset(&v, 0, sizeof(v));
        if (rc == RK_OK) {
                printf(_("Order %s taken.\n"), number);
                if (rk_order_load(s, oid, RK_GROUPS_ALL, &v, err) == RK_OK && v.has_total)
                        print_totals(&v.totals);
        }
        rk_order_view_clear(&v);
        for (int i = 0; i < c->nlines; i++)
                free(bufs[i]);
        return rc;
}

int cmd_order_add(struct cli *c)
{
        if (c->customer == NULL || c->nlines == 0)
                return cli_usage_error(
                    "order add needs --customer NUMBER and at least one --line");
        return cli_with_session(c, "cli:order add", add);
}

/* ---- order show ----------------------------------------------------------- */

/* One column of a line, if the view holds it (amounts in euros). */
static void print_cell(const struct rk_record_view *l, const char *column, int width,
                       bool money)
{
        const char *v = rk_record_get(l, column);
        char buf[RK_MONEY_SIZE];
        if (rk_record_find(l, column) == NULL)
                return;
        if (v != NULL && money)
                v = rk_money_format_text(v, buf, sizeof(buf));
        cli_print_cell(v, width < 0 ? -width : width, width > 0, " ");
}

static int show(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_order_view v;
        int64_t oid = 0;
        int rc = rk_order_find(s, c->words[0], &oid, err);
        if (rc == RK_OK)
                rc = rk_order_load(s, oid, RK_GROUPS_ALL, &v, err);
        if (rc != RK_OK)
                return rc;
        /* billing reads the amounts alone: no date, status or product */
        if (rk_record_find(&v.order, "status") != NULL)
                printf(_("Order %s  customer %s  %s  %s\n"), c->words[0],
                       v.customer_number, cli_date(rk_record_get(&v.order, "ordered_on")),
                       rk_order_status_label(rk_record_get(&v.order, "status")));
        else
                printf(_("Order %s  customer %s\n"), c->words[0], v.customer_number);
        for (size_t i = 0; i < v.nlines; i++) {
                if (rk_record_find(&v.lines[i], "product_code") == NULL)
                        printf(_("Line %-5zu"), i + 1);
                print_cell(&v.lines[i], "product_code", -10, false);
                print_cell(&v.lines[i], "product", -30, false);
                print_cell(&v.lines[i], "quantity", 8, false);
                print_cell(&v.lines[i], "unit", -5, false);
                print_cell(&v.lines[i], "unit_price_cents", 14, true);
                fputc('\n', stdout);
        }
        if (v.has_total)
                print_totals(&v.totals);
        rk_order_view_clear(&v);
        return RK_OK;
}

int cmd_order_show(struct cli *c)
{
        return cli_with_session(c, "cli:order show", show);
}

/* ---- status, queue, picking list ---------------------------------------- */

static int status(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_order_view v;
        int64_t oid = 0;
        int rc = rk_order_find(s, c->words[0], &oid, err);
        if (rc == RK_OK)
                rc = rk_order_load(s, oid, 1u << RK_GROUP_ORDERS, &v, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_order_set_status(s, oid, v.order.version, c->status, err);
        rk_order_view_clear(&v);
        if (rc == RK_OK)
                printf(_("Order %s is now %s.\n"), c->words[0],
                       rk_order_status_label(c->status));
        return rc;
}

int cmd_order_status(struct cli *c)
{
        if (c->status == NULL)
                return cli_usage_error("order status needs --status STATUS");
        return cli_with_session(c, "cli:order status", status);
}

static int queue(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        (void)c;
        struct rk_order_summary *q = NULL;
        size_t n = 0;
        int rc = rk_orders_queue(s, RK_ORDERS_PAGE_MAX, &q, &n, err);
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                printf("%-13s %-10s ", q[i].number, cli_date(q[i].ordered_on));
                cli_print_cell(rk_order_status_label(q[i].status), 10, false, " ");
                printf("%-8s ", q[i].customer_number);
                printf(ngettext("%zu line\n", "%zu lines\n", (unsigned long)q[i].nlines),
                       q[i].nlines);
        }
        free(q);
        return rc;
}

int cmd_order_queue(struct cli *c)
{
        return cli_with_session(c, "cli:order queue", queue);
}

static int picking(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        int64_t oid = 0;
        int rc = rk_order_find(s, c->words[0], &oid, err);
        if (rc == RK_OK)
                rc = rk_order_picking_list(s, oid, c->out, err);
        if (rc == RK_OK)
                printf(_("Picking list written to %s.\n"), c->out);
        return rc;
}

int cmd_order_picking_list(struct cli *c)
{
        if (c->out == NULL)
                return cli_usage_error("order picking-list needs --out FILE");
        return cli_with_session(c, "cli:order picking-list", picking);
}
