/*
 * cmd_retention.c - `rekisteri retention ...`: the dry-run plan, the run
 * (for a systemd timer, unlocked with a key file whose role has the
 * "retention" action), and manual legal holds. The work and its audit
 * rows are in core (retention.h); this file parses, unlocks and prints.
 *
 * The run takes "today" from the system clock only. `plan --as-of DATE`
 * shows what would be due on another day; it changes nothing, so a date
 * there cannot make anything happen early.
 */
#include "cli.h"
#include "rekisteri/format.h"
#include "rekisteri/i18n.h"
#include "rekisteri/dsr_outbox.h"
#include "rekisteri/retention.h"
#include "rekisteri/text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NUMBERS_PER_LINE 8

static int open_retention(struct cli *c, const char *place, struct rk_session **s,
                          struct rk_error *err)
{
        int rc = cli_unlock(c, s, err);
        if (rc == RK_OK)
                rc = cli_require(*s, RK_ACTION_RETENTION, err);
        if (rc == RK_OK)
                rk_session_set_place(*s, place);
        if (rc != RK_OK) {
                rk_session_close(*s);
                *s = NULL;
        }
        return rc;
}

static const char *action_word(const struct rk_retention_rule_info *i)
{
        return i->action == RK_RETAIN_DELETE ? _("delete") : _("anonymise");
}

static void print_numbers(const struct rk_retention_rule_plan *rp)
{
        for (size_t i = 0; i < rp->n; i++) {
                const struct rk_retention_item *it = &rp->items[i];
                if (i % NUMBERS_PER_LINE == 0)
                        fputs("    ", stdout);
                if (rp->info.rule == RK_RULE_REQUESTS)
                        printf("R%" PRId64 "%s%s", it->record_id,
                               it->number[0] ? ":" : "", it->number);
                else
                        printf("%s", it->number);
                fputs(i % NUMBERS_PER_LINE == NUMBERS_PER_LINE - 1 || i + 1 == rp->n
                          ? "\n"
                          : " ",
                      stdout);
        }
}

static void print_skips(const struct rk_retention_rule_plan *rp)
{
        for (size_t i = 0; i < rp->nskipped; i++) {
                printf(_("    %-8s due %s, skipped: %s\n"),
                       rp->skipped[i].number[0] ? cli_safe(rp->skipped[i].number) : "-",
                       cli_date(rp->skipped[i].due_on), cli_safe(rp->skipped[i].reason));
        }
}

static void print_rule(const struct rk_retention_rule_plan *rp)
{
        const struct rk_retention_rule_info *i = &rp->info;
        /* TRANSLATORS: rule name, label, action (delete/anonymise), period, event:
         * "notes        Notes: delete 24 months after written" */
        printf(_("%-12s %s: %s %s after %s\n"), i->name, i->label, action_word(i),
               i->period, i->event);
        printf(_("             why: %s\n"), i->reason);
        unsigned long k = (unsigned long)rp->rows;
        if (i->rule == RK_RULE_AUDIT)
                printf(ngettext("  due now: %" PRId64 " row\n",
                                "  due now: %" PRId64 " rows\n", k),
                       rp->rows);
        else if (i->rule == RK_RULE_BOOKKEEPING && i->action == RK_RETAIN_ANONYMISE)
                printf(_("  due now: 0 (rows of anonymised customers are kept without "
                         "the person)\n"));
        else if (i->rule == RK_RULE_REQUESTS)
                printf(_("  due now: %zu requests (rows: %" PRId64 ")\n"), rp->n,
                       rp->rows);
        else
                printf(_("  due now: %zu customers (rows: %" PRId64 ")\n"), rp->n,
                       rp->rows);
        print_numbers(rp);
        if (rp->nskipped > 0) {
                printf(_("  skipped: %zu\n"), rp->nskipped);
                print_skips(rp);
        }
        if (rp->next_due[0] != '\0' && i->rule == RK_RULE_AUDIT)
                printf(_("  next due: %s\n"), cli_date(rp->next_due));
        else if (rp->next_due[0] != '\0')
                printf(_("  next due: %s (%" PRId64 ")\n"), cli_date(rp->next_due),
                       rp->next_count);
        else
                printf(_("  next due: -\n"));
}

int cmd_retention_plan(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_retention_plan p;
        rk_error_clear(&err);
        int rc = open_retention(c, "cli:retention plan", &s, &err);
        if (rc == RK_OK)
                rc = rk_retention_plan(s, c->as_of, &p, &err);
        if (rc == RK_OK) {
                printf(_("Retention plan for %s (a dry run: nothing is changed)\n\n"),
                       cli_date(p.today));
                for (int r = 0; r < RK_RULE_COUNT; r++) {
                        print_rule(&p.rules[r]);
                        putchar('\n');
                }
                rk_retention_plan_clear(&p);
        }
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

static void print_summary(const struct rk_retention_summary *sum)
{
        printf(_("Retention run %" PRId64 " for %s by %s\n"), sum->run_id,
               cli_date(sum->today), sum->by);
        fputs("  ", stdout);
        cli_print_cell(_("RULE"), 12, false, " ");
        cli_print_cell(_("DONE"), 8, true, " ");
        cli_print_cell(_("ROWS"), 8, true, " ");
        cli_print_cell(_("SKIPPED"), 8, true, "\n");
        for (int r = 0; r < RK_RULE_COUNT; r++)
                printf("  %-12s %8" PRId64 " %8" PRId64 " %8" PRId64 "\n",
                       rk_retention_rule_name((enum rk_retention_rule)r), sum->done[r],
                       sum->rows[r], sum->skipped[r]);
        if (!sum->flushed)
                printf(_("  Note: %s\n"), sum->note);
}

/* After a run: count again for the supervisor's screen (retention.h, the
 * outlook), so that opening it needs no plan. */
static int refresh_outlook(struct rk_session *s, struct rk_error *err)
{
        struct rk_retention_outlook o;
        bool cancelled;
        int rc = rk_retention_outlook_refresh(s, NULL, NULL, &cancelled, &o, err);
        if (rc == RK_OK)
                printf(
                    _("Counted for the retention screen: due within %d days as of %s\n"),
                    RK_RETENTION_OUTLOOK_DAYS, cli_date(o.today));
        else
                fprintf(stderr, "%s\n",
                        _("rekisteri: the run is complete, but the retention screen's "
                          "counts were not updated"));
        return rc;
}

int cmd_retention_run(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_retention_summary sum;
        size_t gone = 0;
        rk_error_clear(&err);
        int rc = open_retention(c, "cli:retention run", &s, &err);
        if (rc == RK_OK)
                rc = rk_retention_run(s, isatty(STDERR_FILENO) ? cli_progress_bar : NULL,
                                      NULL, &sum, &err);
        if (rc == RK_OK)
                print_summary(&sum);
        if (rc != RK_OK) {
                rk_session_close(s);
                return cli_fail(&err);
        }
        rc = rk_dsr_outbox_prune(s, &gone, &err);
        if (rc == RK_OK && gone > 0)
                printf(
                    _("request files: %zu older than %lld days deleted from the export "
                      "directory\n"),
                    gone, c->cfg.export_days);
        if (rc == RK_OK)
                rc = refresh_outlook(s, &err);
        /* the nightly job: a safe moment for a due rotation */
        cli_rotate_if_due(s);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_retention_hold(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        if (c->reason == NULL)
                return cli_usage_error("retention hold needs --reason TEXT");
        char held[RK_CUSTOMER_NUMBER_SIZE] = "";
        int rc = open_retention(c, "cli:retention hold", &s, &err);
        if (rc == RK_OK)
                rc = rk_retention_hold(s, c->words[0], c->reason, held, &err);
        if (rc == RK_OK) {
                cli_note_merged(c->words[0], held);
                printf(_("%s is under a legal hold; retention skips it until released\n"),
                       held);
        }
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_retention_release(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        rk_error_clear(&err);
        char held[RK_CUSTOMER_NUMBER_SIZE] = "";
        int rc = open_retention(c, "cli:retention release", &s, &err);
        if (rc == RK_OK)
                rc = rk_retention_release(s, c->words[0], held, &err);
        if (rc == RK_OK) {
                cli_note_merged(c->words[0], held);
                printf(_("%s is no longer under a legal hold\n"), held);
        }
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_retention_holds(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_retention_hold_row *h = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        int rc = open_retention(c, "cli:retention holds", &s, &err);
        if (rc == RK_OK)
                rc = rk_retention_holds(s, &h, &n, &err);
        if (rc == RK_OK) {
                cli_print_cell(_("CUSTOMER"), 8, false, " ");
                cli_print_cell(_("SINCE"), 10, false, " ");
                cli_print_cell(_("BY"), 16, false, " ");
                cli_print_cell(_("REASON"), 0, false, "\n");
                for (size_t i = 0; i < n; i++) {
                        char since[RK_FORMAT_SIZE];
                        rk_format_day(h[i].held_at, since, sizeof(since));
                        printf("%-8s %-10s %-16s %s\n", cli_safe(h[i].number), since,
                               cli_safe(h[i].held_by), cli_safe(h[i].reason));
                }
        }
        free(h);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
