/*
 * cmd_privacy.c - `rekisteri privacy record|notice|report|check`: the data
 * protection officer's documents (privacy.h). The documents are made and
 * audited in core; this file parses --lang, --year and --out, unlocks, and
 * sends the document to standard output (Markdown) or to a new file
 * (HTML when its name ends in .html or .htm, else Markdown; mode 0600,
 * never overwriting). `privacy check` needs no unlocking: it reads only
 * the config, lists its gaps and exits 1 while there are any.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rk_privacy_request request;

static int generate(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        if (c->out == NULL)
                return rk_privacy_generate(s, &request, stdout, err);
        request.format = rk_privacy_format_for(c->out);
        int rc = rk_privacy_write_file(s, &request, c->out, err);
        if (rc == RK_OK)
                fprintf(stderr, _("Wrote %s (mode 0600).\n"), cli_safe(c->out));
        return rc;
}

static int run(struct cli *c, enum rk_privacy_doc doc)
{
        char place[32];
        memset(&request, 0, sizeof(request));
        request.doc = doc;
        request.lang = c->lang;
        if (c->year != NULL) {
                char *end = NULL;
                long y = strtol(c->year, &end, 10);
                if (end == c->year || *end != '\0' || y < 2000 || y > 9998)
                        return cli_usage_error("--year is a year such as 2026");
                request.year = (int)y;
        }
        snprintf(place, sizeof(place), "cli:privacy %s", rk_privacy_doc_name(doc));
        return cli_with_session(c, place, generate);
}

int cmd_privacy_record(struct cli *c)
{
        return run(c, RK_PRIVACY_RECORD);
}

int cmd_privacy_notice(struct cli *c)
{
        return run(c, RK_PRIVACY_NOTICE);
}

int cmd_privacy_report(struct cli *c)
{
        return run(c, RK_PRIVACY_REPORT);
}

int cmd_privacy_check(struct cli *c)
{
        struct rk_error err;
        char lang[4], saved[4];
        char **gaps = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        if (rk_privacy_language(&c->cfg, c->lang, lang, &err) != RK_OK)
                return cli_fail(&err);
        snprintf(saved, sizeof(saved), "%s", rk_i18n_current());
        rk_i18n_use(lang);
        int rc = rk_privacy_gaps(&c->cfg, &gaps, &n, &err);
        for (size_t i = 0; rc == RK_OK && i < n; i++)
                printf("%s\n", cli_safe(gaps[i]));
        if (rc == RK_OK && n > 0)
                fprintf(stderr,
                        ngettext(
                            "%zu gap: the record and the notice are not complete.\n",
                            "%zu gaps: the record and the notice are not complete.\n", n),
                        n);
        else if (rc == RK_OK)
                printf("%s\n", _("Nothing to complete: the record and the notice have "
                                 "everything they need."));
        rk_privacy_gaps_free(gaps, n);
        rk_i18n_use(saved);
        if (rc != RK_OK)
                return cli_fail(&err);
        return n > 0 ? EXIT_ERROR : EXIT_OK;
}
