/*
 * cmd_import.c - `rekisteri import customers FILE`: the mapping, then
 * what each row would do and the counts per status (import.h), and with
 * --yes the saving, with a progress bar when stderr is a terminal.
 *
 * Without --yes nothing is saved: the preview is the default, so that a
 * person reads it first. --map changes the guessed mapping, --use-map and
 * --save-map reuse one kept in the register. A previously erased person
 * (or a possible duplicate) is imported only when its row is listed in
 * --confirm; an erased one also needs --reason, which is recorded.
 * Values are printed sanitised for the terminal, a formula-looking cell
 * as the text it is.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Rows printed at most; the counts always cover every row. */
#define MAX_LISTED 1000

static void print_mapping(const struct rk_import *im)
{
        printf(_("File %s: %s, separator %s, %zu columns.\n"), cli_safe(im->name),
               rk_csv_encoding_name(im->encoding),
               im->separator == '\t' ? _("tab") : (im->separator == ';' ? ";" : ","),
               im->ncols);
        printf(_("Mapping (change with --map COLUMN=FIELD,...):\n"));
        for (size_t c = 0; c < im->ncols; c++) {
                printf("  %3zu ", c + 1);
                cli_print_cell(im->headers[c], 24, false, " -> ");
                if (im->map[c] == RK_IMPORT_IGNORE)
                        printf("%s\n", _("(ignored)"));
                else
                        printf("%s (%s)\n", rk_import_target_name((size_t)im->map[c]),
                               rk_import_target_label((size_t)im->map[c]));
        }
}

static void print_detail(const struct rk_import_row *r)
{
        char text[768];
        rk_import_row_text(r, text, sizeof(text));
        cli_print_cell(text, 0, false, "");
        if (r->status == RK_IMPORT_ERASED && !r->confirmed)
                printf(_(" (--confirm %zu --reason TEXT)"), r->row);
        printf("\n");
}

/* Rows that need the supervisor's attention come first. */
static bool needs_attention(const struct rk_import_row *r)
{
        return r->status == RK_IMPORT_ERROR || r->status == RK_IMPORT_ERASED ||
               r->status == RK_IMPORT_DUPLICATE;
}

/* Every row of a small file; of a big one, the rows that need attention
 * first, then updates and repaired rows (never more than MAX_LISTED). */
static void print_rows(const struct rk_import *im)
{
        size_t listed = 0, left = 0;
        char repairs[512];
        bool big = im->nrows > 50;
        for (int pass = big ? 0 : 1; pass < 2; pass++) {
                for (size_t i = 0; i < im->nrows; i++) {
                        const struct rk_import_row *r = &im->rows[i];
                        rk_import_repairs_text(r, repairs, sizeof(repairs));
                        bool quiet = r->status == RK_IMPORT_SAVED ||
                                     (big && r->status == RK_IMPORT_UNCHANGED) ||
                                     (big && r->status == RK_IMPORT_NEW && !repairs[0]);
                        if (quiet || (big && needs_attention(r) != (pass == 0)))
                                continue;
                        if (listed++ >= MAX_LISTED) {
                                left++;
                                continue;
                        }
                        printf(_("row %zu: "), r->row);
                        printf("%-18s ", rk_import_status_name(r->status));
                        print_detail(r);
                        if (repairs[0] != '\0')
                                printf(_("        repaired: %s\n"), repairs);
                }
        }
        if (left > 0)
                printf(_("... and %zu more rows not listed.\n"), left);
}

static void print_counts(const struct rk_import *im)
{
        printf(_("Rows: %zu."), im->nrows);
        const char *sep = " ";
        for (int s = 0; s < RK_IMPORT_STATUS_COUNT; s++) {
                if (s == RK_IMPORT_SAVED && im->counts[s] == 0)
                        continue;
                printf("%s%s: %zu", sep, rk_import_status_name((enum rk_import_status)s),
                       im->counts[s]);
                sep = "; ";
        }
        printf(".\n");
        if (im->resume_after > 0)
                printf(_("An interrupted import of this file saved rows 2 to %zu; saving "
                         "goes on after them.\n"),
                       im->resume_after);
}

/* Confirm each row of list (row numbers, checked before unlocking:
 * values.c). */
static int confirm_rows(struct rk_import *im, const char *list, const char *reason,
                        struct rk_error *err)
{
        char *copy = strdup(list), *save = NULL;
        int rc = copy ? RK_OK : rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        for (char *w = copy ? strtok_r(copy, ", ", &save) : NULL; w && rc == RK_OK;
             w = strtok_r(NULL, ", ", &save))
                rc = rk_import_confirm(im, (size_t)strtol(w, NULL, 10), reason, err);
        free(copy);
        return rc;
}

static int prepare(struct cli *c, struct rk_import *im, struct rk_error *err)
{
        int rc = RK_OK;
        if (c->use_map != NULL)
                rc = rk_import_map_load(im, c->use_map, err);
        /* a --map the file cannot take is a wrong command line (its
         * messages name --map) */
        if (rc == RK_OK && c->map != NULL &&
            (rc = rk_import_map(im, c->map, err)) == RK_ERR_INVALID)
                cli_usage_mark(err, NULL);
        if (rc == RK_OK)
                print_mapping(im);
        if (rc == RK_OK)
                rc = rk_import_map_check(im, err);
        if (rc == RK_OK && c->save_map != NULL) {
                rc = rk_import_map_save(im, c->save_map, err);
                if (rc == RK_OK)
                        printf(_("Mapping saved as %s.\n"), c->save_map);
        }
        if (rc == RK_OK)
                rc = rk_import_preview(
                    im, isatty(STDERR_FILENO) ? cli_progress_bar : NULL, NULL, err);
        if (rc == RK_OK && c->confirm != NULL)
                rc = confirm_rows(im, c->confirm, c->reason, err);
        return rc;
}

static int run(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_import *im = NULL;
        struct rk_import_result res;
        int rc = rk_import_open(s, c->words[0], &im, err);
        if (rc == RK_OK)
                rc = prepare(c, im, err);
        if (rc == RK_OK) {
                print_rows(im);
                print_counts(im);
        }
        if (rc == RK_OK && (c->dry_run || !c->yes)) {
                printf(c->dry_run ? _("Nothing was saved (--dry-run).\n")
                                  : _("Nothing was saved: add --yes to save.\n"));
        } else if (rc == RK_OK) {
                rc = rk_import_save(im, isatty(STDERR_FILENO) ? cli_progress_bar : NULL,
                                    NULL, &res, err);
                if (rc == RK_OK)
                        printf(_("Saved: %zu created, %zu updated (import job %lld).\n"),
                               res.created, res.updated, (long long)res.job_id);
        }
        rk_import_free(im);
        return rc;
}

int cmd_import_customers(struct cli *c)
{
        if (c->confirm == NULL && c->reason != NULL)
                return cli_usage_error(_("--reason goes with --confirm ROWS"));
        return cli_with_session(c, "cli:import customers", run);
}
