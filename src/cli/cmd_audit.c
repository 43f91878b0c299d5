/*
 * cmd_audit.c - `rekisteri audit ...`: the supervisor's questions on the
 * command line: verify, list, export, "who accessed subject X" and "what
 * did user Y access". Each is one session call in the core
 * (audit_session.h), which checks the "audit" action and records the run in
 * the trail in the same transaction as the read.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit_session.h"
#include "rekisteri/csv.h"
#include "rekisteri/outcome.h"
#include "rekisteri/secret.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Open a session; the core decides whether it may read the trail. Its
 * audit rows name the command line as the place. */
static int open_audit(struct cli *c, struct rk_session **s, struct rk_error *err)
{
        int rc = cli_unlock(c, s, err);
        if (rc == RK_OK)
                rk_session_set_place(*s, "cli");
        return rc;
}

/* The customer of --subject (or of `audit subject NUMBER`), typed as
 * people know it (C000123, c123, 123): c->subject gets its id. Its form
 * was checked before unlocking (values.c). */
static int resolve_subject(struct cli *c, struct rk_session *s, struct rk_error *err)
{
        char number[RK_AUDIT_NUMBER_SIZE];
        int64_t id = 0;
        c->subject = 0;
        if (c->subject_text == NULL)
                return RK_OK;
        int rc = rk_audit_session_find(s, c->subject_text, &id, number, err);
        c->subject = id;
        return rc;
}

static void filter_from_options(const struct cli *c, struct rk_audit_filter *f)
{
        memset(f, 0, sizeof(*f));
        f->user = c->filter_user;
        f->action = c->action;
        f->subject = c->subject;
        f->from = c->from;
        f->to = c->to;
}

static void print_rows(const struct rk_audit_row *rows, size_t n)
{
        cli_print_cell(_("ID"), 6, false, " ");
        cli_print_cell(_("TIME (UTC)"), 20, false, " ");
        cli_print_cell(_("USER"), 12, false, " ");
        cli_print_cell(_("SOURCE"), 15, false, " ");
        cli_print_cell(_("ACTION"), 18, false, " ");
        cli_print_cell(_("SUBJECT"), 8, false, " ");
        cli_print_cell(_("GROUPS"), 28, false, " ");
        cli_print_cell(_("RESULT"), 0, false, "\n");
        for (size_t i = 0; i < n; i++) {
                const struct rk_audit_row *r = &rows[i];
                char subject[RK_AUDIT_NUMBER_SIZE];
                if (rk_audit_subject_text(r, subject, sizeof(subject))[0] == '\0')
                        snprintf(subject, sizeof(subject), "-");
                printf("%-6" PRId64 " %-20s %-12s %-15s %-18s %-8s %-28s %s%s%s%s%s\n",
                       r->id, r->at, cli_safe(r->user), cli_safe(r->source),
                       cli_safe(r->action), subject,
                       r->groups[0] ? cli_safe(r->groups) : "-", cli_safe(r->result),
                       r->target[0] ? " " : "", cli_safe(r->target),
                       r->fields[0] ? "  " : "", cli_safe(r->fields));
        }
}

/* K(0) from --key-stdin (after any password line) or --key-file, into
 * guarded memory; *key stays NULL when neither was given. */
int cli_read_audit_key(const struct cli *c, char **key, struct rk_error *err)
{
        size_t len = 0;
        *key = NULL;
        if (c->key_stdin)
                return cli_read_secret(true, "", key, &len, err);
        if (c->key_file == NULL)
                return RK_OK;
        FILE *f = fopen(c->key_file, "re");
        if (f == NULL)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", c->key_file,
                                    strerror(errno));
        int rc = rk_secret_read_line(f, RK_PASSWORD_MAX, key, &len);
        fclose(f);
        return rc == RK_OK ? RK_OK
                           : rk_error_set(err, rc, "%s: the audit key could not be read",
                                          c->key_file);
}

static void print_verdict(const struct rk_audit_verdict *v, const struct cli *c)
{
        if (v->macs_checked)
                printf(ngettext("OK: %" PRId64 " entry, head %s, every MAC verified with "
                                "the audit key",
                                "OK: %" PRId64
                                " entries, head %s, every MAC verified with "
                                "the audit key",
                                (unsigned long)v->rows),
                       v->rows, v->head);
        else
                printf(ngettext("OK: %" PRId64
                                " entry, head %s (chain only; give the audit "
                                "key with --key-stdin or --key-file to check MACs)",
                                "OK: %" PRId64 " entries, head %s (chain only; give the "
                                "audit key with --key-stdin or --key-file to check MACs)",
                                (unsigned long)v->rows),
                       v->rows, v->head);
        if (c->heads != NULL && v->heads_given > v->heads_checked)
                printf(ngettext("; %" PRId64 " logged head matches, the others are of "
                                "entries pruned before their cutoff",
                                "; %" PRId64 " logged heads match, the others are of "
                                "entries pruned before their cutoff",
                                (unsigned long)v->heads_checked),
                       v->heads_checked);
        else if (c->heads != NULL)
                printf(ngettext("; %" PRId64 " logged head matches",
                                "; %" PRId64 " logged heads match",
                                (unsigned long)v->heads_checked),
                       v->heads_checked);
        printf("\n");
}

int cmd_audit_verify(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_audit_verdict v;
        char *key = NULL;
        rk_error_clear(&err);
        if (c->key_stdin && c->key_file != NULL)
                return cli_usage_error(
                    "give the audit key once: --key-stdin or --key-file");
        int rc = open_audit(c, &s, &err);
        if (rc == RK_OK)
                rc = cli_read_audit_key(c, &key, &err);
        struct rk_audit_verify_opts o = {.key_text = key,
                                         .heads_path = c->heads,
                                         .retention_months =
                                             c->cfg.audit_retention_months};
        if (rc == RK_OK)
                rc = rk_audit_session_verify(s, &o, &v, &err);
        rk_secret_free(key);
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        if (!v.ok) {
                printf(_("FAILED at entry %" PRId64 ": %s\n"), v.bad_id, cli_safe(v.why));
                return EXIT_ERROR;
        }
        print_verdict(&v, c);
        return EXIT_OK;
}

int cmd_audit_list(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_audit_filter f;
        struct rk_audit_row *rows = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        int rc = open_audit(c, &s, &err);
        if (rc == RK_OK)
                rc = resolve_subject(c, s, &err);
        filter_from_options(c, &f);
        if (rc == RK_OK)
                rc = rk_audit_session_list(s, &f, 1000, true, &rows, &n, &err);
        if (rc == RK_OK)
                print_rows(rows, n);
        free(rows);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_audit_subject(struct cli *c)
{
        c->subject_text = c->words[0];
        return cmd_audit_list(c);
}

int cmd_audit_export(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_audit_filter f;
        rk_error_clear(&err);
        if (c->out == NULL)
                return cli_usage_error("audit export needs --out FILE.csv");
        int rc = open_audit(c, &s, &err);
        if (rc == RK_OK)
                rc = resolve_subject(c, s, &err);
        filter_from_options(c, &f);
        FILE *out = NULL;
        if (rc == RK_OK)
                rc = rk_csv_create(c->out, &out, &err);
        if (rc == RK_OK)
                rc = rk_audit_session_export(s, &f, out, &err);
        if (out != NULL && fclose(out) != 0 && rc == RK_OK)
                rc = rk_error_set(&err, RK_ERR_IO, "%s: %s", c->out, strerror(errno));
        if (rc != RK_OK && out != NULL)
                unlink(c->out);
        /* the export and its row are one transaction; a failure is recorded
         * as failed, with its error class (outcome.h) */
        if (rc != RK_OK && s != NULL)
                rc = rk_outcome_audit(s, "audit.export", 0, NULL, rc, &err);
        rk_session_close(s);
        if (rc != RK_OK)
                return cli_fail(&err);
        fprintf(stderr, _("Wrote %s (mode 0600).\n"), c->out);
        return EXIT_OK;
}

/* "What NAME accessed [from D] [to D]: N subjects", as one sentence. */
static void print_user_heading(const struct cli *c, size_t n)
{
        const char *who = cli_safe(c->words[0]);
        const char *from = cli_safe(c->from), *to = cli_safe(c->to);
        unsigned long k = (unsigned long)n;
        if (c->from != NULL && c->to != NULL)
                printf(ngettext("What %s accessed from %s to %s: %zu subject\n",
                                "What %s accessed from %s to %s: %zu subjects\n", k),
                       who, from, to, n);
        else if (c->from != NULL)
                printf(ngettext("What %s accessed from %s: %zu subject\n",
                                "What %s accessed from %s: %zu subjects\n", k),
                       who, from, n);
        else if (c->to != NULL)
                printf(ngettext("What %s accessed to %s: %zu subject\n",
                                "What %s accessed to %s: %zu subjects\n", k),
                       who, to, n);
        else
                printf(ngettext("What %s accessed: %zu subject\n",
                                "What %s accessed: %zu subjects\n", k),
                       who, n);
}

int cmd_audit_user(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_audit_access *a = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        int rc = open_audit(c, &s, &err);
        if (rc == RK_OK)
                rc = rk_audit_session_user_report(s, c->words[0], c->from, c->to, &a, &n,
                                                  &err);
        if (rc == RK_OK) {
                print_user_heading(c, n);
                cli_print_cell(_("SUBJECT"), 8, false, " ");
                cli_print_cell(_("COUNT"), 6, false, " ");
                cli_print_cell(_("FIRST"), 20, false, " ");
                cli_print_cell(_("LAST"), 20, false, " ");
                cli_print_cell(_("FIELD GROUPS"), 0, false, "\n");
                for (size_t i = 0; i < n; i++)
                        printf("%-8s %-6" PRId64 " %-20s %-20s %s\n", a[i].number,
                               a[i].count, a[i].first, a[i].last, cli_safe(a[i].groups));
        }
        free(a);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
