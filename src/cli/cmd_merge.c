/*
 * cmd_merge.c - `rekisteri merge SURVIVOR OTHER`: merge two customers who
 * are the same (merge.h).
 *
 * How it works: the plan is read (and its view audited) and printed side
 * by side, field by field, with a star on the value that stays and the
 * records that move; then the merge runs. `--keep FIELD=other` (or
 * `=survivor`; FIELD a column such as email, or a field group such as
 * contact) changes a choice, and may be repeated. A merge the core asks
 * to confirm (a restricted customer, an open request) stops after the
 * plan with the reason, unless `--yes` is given.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/merge.h"

#include <stdio.h>
#include <string.h>

#define LABEL_W 22
#define VALUE_W 27

/* Apply each --keep FIELD=other|survivor to the plan (its form was
 * checked before unlocking, values.c); a FIELD the plan does not know is
 * a wrong command line too. */
static int apply_keeps(const struct cli *c, struct rk_merge_plan *p, struct rk_error *err)
{
        for (int i = 0; i < c->nkeeps; i++) {
                char name[64];
                const char *eq = strchr(c->keeps[i], '=');
                size_t len = (size_t)(eq - c->keeps[i]);
                memcpy(name, c->keeps[i], len);
                name[len] = '\0';
                int rc = rk_merge_choose(p, name, strcmp(eq + 1, "other") == 0, err);
                if (rc == RK_ERR_INVALID)
                        return cli_usage_mark(err, "--keep");
                if (rc != RK_OK)
                        return rc;
        }
        return RK_OK;
}

/* One value cell: a star before the value that stays. */
static void print_value(const char *value, bool kept, const char *after)
{
        fputs(kept && value != NULL ? "* " : "  ", stdout);
        cli_print_cell(value, VALUE_W - 2, false, after);
}

static void print_plan(const struct rk_merge_plan *p)
{
        char head[64];
        printf(_("Merge %s into %s (%s)"), p->other.number, p->survivor.number,
               rk_merge_kind_text(p));
        printf("\n\n");
        cli_print_cell(_("Field"), LABEL_W, false, " ");
        snprintf(head, sizeof(head), _("%s stays"), p->survivor.number);
        cli_print_cell(head, VALUE_W, false, " ");
        snprintf(head, sizeof(head), _("%s goes"), p->other.number);
        cli_print_cell(head, VALUE_W, false, "\n");
        for (size_t i = 0; i < p->nfields; i++) {
                const struct rk_merge_field *f = &p->fields[i];
                if (f->survivor == NULL && f->other == NULL)
                        continue;
                cli_print_cell(_(f->field->label), LABEL_W, false, " ");
                print_value(f->survivor, !f->keep_other, " ");
                print_value(f->other, f->keep_other, "\n");
        }
        printf(_("\n* the value kept; the other value is erased.\n"));
        printf(_("Moves to %s: orders %lld, notes %lld, consents %lld, objections %lld, "
                 "contacts %lld."),
               p->survivor.number, (long long)p->orders, (long long)p->notes,
               (long long)p->consents, (long long)p->objections, (long long)p->contacts);
        printf("\n");
        printf(_("%s stays as a pointer to %s: its number finds %s.\n"), p->other.number,
               p->survivor.number, p->survivor.number);
}

static int merge(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_merge_plan p;
        struct rk_merge_result res;
        int rc = rk_merge_plan(s, c->words[0], c->words[1], &p, err);
        if (rc == RK_OK)
                rc = apply_keeps(c, &p, err);
        if (rc == RK_OK)
                print_plan(&p);
        if (rc == RK_OK)
                rc = rk_merge_run(s, &p, c->yes, &res, err);
        if (rc == RK_ERR_CONFIRM) {
                char why[384];
                snprintf(why, sizeof(why), "%s", err->msg);
                rc = rk_error_set(err, rc,
                                  _("%s Nothing was merged; run again with --yes "
                                    "to merge anyway."),
                                  why);
        }
        if (rc == RK_OK) {
                printf(ngettext("Merged %s into %s: %lld record moved.",
                                "Merged %s into %s: %lld records moved.",
                                (unsigned long)res.moved),
                       p.other.number, p.survivor.number, (long long)res.moved);
                printf("\n");
                if (!res.flushed)
                        fprintf(stderr, "%s\n", res.flush_note);
        }
        rk_merge_plan_clear(&p);
        return rc;
}

int cmd_merge(struct cli *c)
{
        return cli_with_session(c, "cli:merge", merge);
}
