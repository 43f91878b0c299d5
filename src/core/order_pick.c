/*
 * order_pick.c - the warehouse's paths: finding an order by its number and
 * the picking list file (see orders.h; the queue itself is a page of
 * order summaries, in orders.c).
 *
 * How it works: the picking list loads the order with the orders group alone (never order
 * amounts or a customer group, whoever prints it), records the print in
 * the audit trail, then writes a new file through rk_csv_create (mode
 * 0600, O_EXCL, no symlink followed); a failed write removes the file.
 * Product names are sanitised, as they would be on a screen, because the
 * file is later read with `cat`.
 */
#include "order_db.h"
#include "rekisteri/i18n.h"
#include "rekisteri/csv.h"
#include "rekisteri/text.h"
#include "sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rk_order_find(struct rk_session *s, const char *number, int64_t *order_id,
                  struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        const struct rk_grants *g = rk_session_grants(s);
        sqlite3_stmt *st;
        /* billing reads only the amounts, and finds the order by the number
         * on its invoice; what it then sees is rk_order_load's to decide */
        if (!rk_authorize_read(g, RK_GROUP_ORDERS) &&
            !rk_authorize_read(g, RK_GROUP_ORDER_AMOUNTS))
                return rk_error_set(err, RK_ERR_DENIED, "your role may not read orders");
        int rc = rk_sql_prepare(db, "SELECT id FROM orders WHERE number=?", &st,
                                "finding an order", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, number ? number : "", -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                *order_id = sqlite3_column_int64(st, 0);
        else if (src == SQLITE_DONE)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no order has that number");
        else
                rc = rk_sql_fail(db, src, "finding an order", err);
        sqlite3_finalize(st);
        return rc;
}

/* One value of a view, sanitised for a file read with cat ("-" for
 * none), left-aligned in width columns (0: as is), then `after`. */
static void put_value(FILE *f, const struct rk_record_view *v, const char *column,
                      int width, const char *after)
{
        const char *text = rk_record_get(v, column);
        char *safe = text ? rk_text_sanitize(text, strlen(text)) : NULL;
        int pad = width - (safe ? rk_text_width(safe) : 1); /* columns, not bytes */
        fprintf(f, "%s%*s%s", safe ? safe : "-", pad > 0 ? pad : 0, "", after);
        free(safe);
}

/* A label padded to width display columns (a translation may hold "ä"). */
static void put_label(FILE *f, const char *label, int width)
{
        int pad = width - rk_text_width(label);
        fprintf(f, "%s%*s", label, pad > 0 ? pad : 0, "");
}

static int write_list(FILE *f, const struct rk_order_view *v, const char *who)
{
        fputs(_("PICKING LIST"), f);
        fputs("  ", f);
        put_value(f, &v->order, "number", 0, "\n\n");
        put_label(f, _("Order date"), 13);
        put_value(f, &v->order, "ordered_on", 0, "\n");
        put_label(f, _("Status"), 13);
        fprintf(f, "%s\n", rk_order_status_label(rk_record_get(&v->order, "status")));
        put_label(f, _("Customer"), 13);
        fprintf(f, "%s\n", v->customer_number);
        put_label(f, _("Printed by"), 13);
        fprintf(f, "%s\n\n", who);
        put_label(f, _("Code"), 13);
        put_label(f, _("Product"), 41);
        int pad = 9 - rk_text_width(_("Quantity"));
        fprintf(f, "%*s%s  %s\n", pad > 0 ? pad : 0, "", _("Quantity"), _("Unit"));
        for (size_t i = 0; i < v->nlines; i++) {
                const struct rk_record_view *l = &v->lines[i];
                const char *q = rk_record_get(l, "quantity");
                put_value(f, l, "product_code", 12, " ");
                put_value(f, l, "product", 40, " ");
                fprintf(f, "%9s  ", q ? q : "-");
                put_value(f, l, "unit", 0, "\n");
        }
        fputc('\n', f);
        fprintf(f,
                ngettext("%zu line. Picked by: ____________\n",
                         "%zu lines. Picked by: ____________\n",
                         (unsigned long)v->nlines),
                v->nlines);
        return ferror(f) ? -1 : 0;
}

int rk_order_picking_list(struct rk_session *s, int64_t order_id, const char *path,
                          struct rk_error *err)
{
        struct rk_order_view v;
        FILE *f = NULL;
        int rc = rk_order_load(s, order_id, 1u << RK_GROUP_ORDERS, &v, err);
        if (rc == RK_OK)
                rc = rk_csv_create(path, &f, err);
        if (rc == RK_OK)
                rc = rk_session_audit(s, "order.picking_list", v.customer_id, "orders",
                                      rk_session_place(s), "ok", NULL, err);
        if (rc == RK_OK && write_list(f, &v, rk_session_username(s)) != 0)
                rc = rk_error_set(err, RK_ERR_IO, "%s: could not be written", path);
        if (f != NULL && fclose(f) != 0 && rc == RK_OK)
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        if (rc != RK_OK && f != NULL)
                unlink(path);
        rk_order_view_clear(&v);
        return rc;
}
