/*
 * cmd_marketing.c - `rekisteri marketing list --purpose P [--out F.csv]`:
 * who may be contacted for a marketing purpose (marketing.h). Without
 * --out the list is printed (values sanitised for the terminal); with it,
 * written as formula-safe CSV (mode 0600, never over an existing file).
 * Either way the counts of people left out, per reason, follow, and core
 * has recorded one audit row per person on the list.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/marketing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_rows(const struct rk_marketing_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                const struct rk_marketing_row *r = &l->rows[i];
                printf("%-7s ", r->number);
                cli_print_cell(r->contact ? _("contact person") : " ", 14, false, " ");
                if (l->has_name)
                        cli_print_cell(r->name, 32, false, " ");
                if (l->has_contact) {
                        cli_print_cell(r->email, 32, false, " ");
                        cli_print_cell(r->phone, 0, false, "");
                }
                fputc('\n', stdout);
        }
}

static int list(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_marketing_list l;
        int rc = rk_marketing_list(s, c->purpose, c->out, &l, err);
        if (rc != RK_OK)
                return rc;
        if (c->out == NULL)
                print_rows(&l);
        else
                printf(_("%zu written to %s.\n"), l.n, c->out);
        printf(_("On the list: %zu. Left out:"), l.n);
        for (int r = 0; r < RK_MKT_REASONS; r++)
                /* TRANSLATORS: a separator, one count and its reason ("erased") */
                printf(_("%s %zu %s"), r ? "," : "", l.left_out[r],
                       rk_marketing_reason_name((enum rk_marketing_reason)r));
        printf(".\n");
        rk_marketing_list_free(&l);
        return RK_OK;
}

int cmd_marketing_list(struct cli *c)
{
        if (c->purpose == NULL)
                return cli_usage_error("marketing list needs --purpose PURPOSE");
        return cli_with_session(c, "cli:marketing list", list);
}
