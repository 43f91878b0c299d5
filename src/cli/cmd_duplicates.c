/*
 * cmd_duplicates.c - `rekisteri duplicates UNLOCK [--limit N]`: the
 * customers that are likely the same person or company (duplicates.h),
 * one pair a line: the two customer numbers, the score and the reason as
 * a stable word (number, business-id, hetu, email, phone, similar-name),
 * highest score first; then a count. No other value is printed: the
 * supervisor opens the two customers to see them. At most N pairs are
 * printed (DEFAULT_LIMIT unless told), with a line saying how many more
 * there are and how to see them. The look is audited in core for what is
 * printed, as the Duplicates screen audits what it shows: one row per
 * customer of the pairs printed and none for the rest (a million
 * customers have some 400,000 pairs); a role without the "duplicates"
 * action is refused (and that is audited too). A progress bar shows on a
 * terminal.
 */
#include "cli.h"
#include "rekisteri/duplicates.h"
#include "rekisteri/i18n.h"

#include <stdio.h>
#include <unistd.h>

#define DEFAULT_LIMIT 1000 /* pairs printed unless --limit says */

/* The bar on a terminal; the command line never stops a look (Ctrl-C ends
 * the process, and nothing was written before the list). */
static int bar(void *ctx, int64_t done, int64_t total)
{
        cli_progress_bar(ctx, done, total);
        return 0;
}

static int list(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        struct rk_duplicate_list l;
        /* --limit was read before unlocking (values.c) */
        size_t limit = c->limit_n > 0 ? c->limit_n : DEFAULT_LIMIT;
        int rc = rk_duplicates_look(s, isatty(STDERR_FILENO) ? bar : NULL, NULL, &l, err);
        size_t shown = rc == RK_OK && l.n < limit ? l.n : limit;
        /* audited before anything is printed, and only what is */
        if (rc == RK_OK)
                rc = rk_duplicates_show(s, &l, 0, shown, err);
        if (rc != RK_OK) {
                rk_duplicate_list_free(&l);
                return rc;
        }
        if (shown > 0)
                printf("%-9s %-9s %7s  %s\n", _("Customer"), _("Customer"), _("Score"),
                       _("Reason"));
        for (size_t i = 0; i < shown; i++)
                printf("%-9s %-9s %7d  %s\n", cli_safe(l.pairs[i].number[0]),
                       cli_safe(l.pairs[i].number[1]), l.pairs[i].score,
                       rk_match_reason_id(l.pairs[i].reason));
        printf(ngettext("%zu likely duplicate pair among %lld customers.\n",
                        "%zu likely duplicate pairs among %lld customers.\n", l.n),
               l.n, (long long)l.customers);
        if (l.crowded > 0)
                printf(ngettext("%zu customer shares a value with more than %d others (a "
                                "switchboard number, a shared address, a name common in "
                                "one postal code) and was not paired by it.\n",
                                "%zu customers share a value with more than %d others (a "
                                "switchboard number, a shared address, a name common in "
                                "one postal code) and were not paired by it.\n",
                                l.crowded),
                       l.crowded, RK_DUP_CROWD - 1);
        if (shown < l.n)
                printf(ngettext("%zu more pair is not shown (nor audited); --limit %zu "
                                "shows every pair.\n",
                                "%zu more pairs are not shown (nor audited); --limit %zu "
                                "shows every pair.\n",
                                l.n - shown),
                       l.n - shown, l.n);
        rk_duplicate_list_free(&l);
        return RK_OK;
}

int cmd_duplicates(struct cli *c)
{
        return cli_with_session(c, "cli:duplicates", list);
}
