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
 * plan with the reason, unless `--yes` is given. The table fits 80
 * columns: a long value wraps inside its column.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/merge.h"
#include "rekisteri/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The side-by-side table fits 80 columns: the label column as wide as the
 * widest label the session reads in the language (at least LABEL_MIN), the
 * two value columns share the rest; a value wider than its column wraps
 * inside it (at a space where there is one), never into the next. */
#define LINE_W    80
#define LABEL_MIN 22
#define VALUE_MIN 16

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

/* The next piece of the sanitised *p that fits in cols columns, printed
 * (padded to cols unless it ends the line), then a space or the line's
 * end; *p moves past it and the spaces after it. An empty *p prints
 * blanks. */
static void print_piece(const char **p, int cols, bool last)
{
        size_t n = rk_text_wrap_len(*p, cols);
        if (n == 0) /* nothing fits: all of it, rather than never ending */
                n = strlen(*p);
        int used = 0;
        char *piece = strndup(*p, n);
        if (piece != NULL)
                used = rk_text_width(piece);
        printf("%s%*s%s", piece != NULL ? piece : "",
               !last && used < cols ? cols - used : 0, "", last ? "\n" : " ");
        free(piece);
        *p += n;
        while (**p == ' ')
                (*p)++;
}

/* One field: the label, then each value in its column with a star before
 * the value that stays, wrapped onto more lines while either goes on. */
static void print_row(const struct rk_merge_field *f, int label_w, int value_w)
{
        const char *value[2] = {f->survivor, f->other};
        char *safe[2];
        const char *p[2];
        for (int i = 0; i < 2; i++) {
                const char *v = value[i] != NULL && value[i][0] ? value[i] : "-";
                safe[i] = rk_text_sanitize(v, strlen(v));
                p[i] = safe[i] != NULL ? safe[i] : "?";
        }
        cli_print_cell(_(f->field->label), label_w, false, " ");
        for (bool first = true; first || *p[0] != '\0' || *p[1] != '\0'; first = false) {
                if (!first)
                        printf("%*s", label_w + 1, "");
                for (int i = 0; i < 2; i++) {
                        bool kept =
                            first && value[i] != NULL && (i == 1) == f->keep_other;
                        fputs(kept ? "* " : "  ", stdout);
                        print_piece(&p[i], value_w - 2, i == 1);
                }
        }
        free(safe[0]);
        free(safe[1]);
}

static void print_plan(const struct rk_merge_plan *p, rk_groupset groups)
{
        char head[64];
        int label_w = rk_fields_label_cols(RK_REC_CUSTOMER, groups);
        label_w = label_w > LABEL_MIN ? label_w : LABEL_MIN;
        int value_w = (LINE_W - label_w - 2) / 2;
        value_w = value_w > VALUE_MIN ? value_w : VALUE_MIN;
        printf(_("Merge %s into %s (%s)"), p->other.number, p->survivor.number,
               rk_merge_kind_text(p));
        printf("\n\n");
        cli_print_cell(_("Field"), label_w, false, " ");
        snprintf(head, sizeof(head), _("%s stays"), p->survivor.number);
        cli_print_cell(head, value_w, false, " ");
        snprintf(head, sizeof(head), _("%s goes"), p->other.number);
        cli_print_cell(head, 0, false, "\n");
        for (size_t i = 0; i < p->nfields; i++) {
                if (p->fields[i].survivor != NULL || p->fields[i].other != NULL)
                        print_row(&p->fields[i], label_w, value_w);
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
                print_plan(&p, rk_session_grants(s)->read);
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
