/*
 * cmd_dsr.c - `rekisteri dsr ...`: the data-subject request steps on the
 * command line, one subcommand per step of the wizard (dsr.h), plus
 * `dsr find` (which records the person appears in) and `dsr check` (is a
 * person about to be created on the suppression list). Every step needs
 * the "requests" action and is recorded in the audit trail by core.
 *
 * Values that identify a person (a search, the identifiers to check) are
 * read from standard input, never taken as arguments, so they do not end
 * up in shell history or the process list.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "rekisteri/dsr_outbox.h"
#include "fields_in.h"
#include "rekisteri/customer.h"
#include "rekisteri/dsr.h"
#include "rekisteri/secret.h"
#include "rekisteri/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Open a session that may handle requests, naming the command. */
static int open_dsr(struct cli *c, const char *place, struct rk_session **s,
                    struct rk_error *err)
{
        int rc = cli_unlock(c, s, err);
        if (rc == RK_OK)
                rc = cli_require(*s, RK_ACTION_REQUESTS, err);
        if (rc == RK_OK)
                rk_session_set_place(*s, place);
        if (rc != RK_OK) {
                rk_session_close(*s);
                *s = NULL;
        }
        return rc;
}

static int request_id(const struct cli *c, int64_t *id)
{
        char *end = NULL;
        long long v = strtoll(c->words[0], &end, 10);
        if (end == c->words[0] || *end != '\0' || v <= 0)
                return -1;
        *id = v;
        return 0;
}

/* Add each subject of "C000123,C000124,contact:17". */
static int add_subjects(struct rk_session *s, int64_t id, const char *list,
                        struct rk_error *err)
{
        char buf[1024];
        int rc = RK_OK;
        snprintf(buf, sizeof(buf), "%s", list);
        for (char *save, *w = strtok_r(buf, ", ", &save); w != NULL && rc == RK_OK;
             w = strtok_r(NULL, ", ", &save)) {
                if (strncmp(w, "contact:", 8) == 0)
                        rc = rk_dsr_add_subject(s, id, RK_DSR_SUBJECT_CONTACT,
                                                strtoll(w + 8, NULL, 10), err);
                else
                        rc = rk_dsr_add_number(s, id, w, err);
        }
        return rc;
}

/* "  Label:      value": the label padded by display width. */
static void show_line(const char *label, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void show_line(const char *label, const char *fmt, ...)
{
        va_list ap;
        fputs("  ", stdout);
        cli_print_cell(label, 14, false, " ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
}

static void print_request(const struct rk_dsr_request *r)
{
        if (r->purpose[0])
                printf(_("Request %lld: %s, purpose %s\n"), (long long)r->id,
                       rk_dsr_type_label(r->type), cli_safe(r->purpose));
        else
                printf(_("Request %lld: %s\n"), (long long)r->id,
                       rk_dsr_type_label(r->type));
        show_line(_("Status:"), r->overdue ? _("%s  ** OVERDUE **") : "%s",
                  rk_dsr_status_label(r->status));
        show_line(_("Received:"), "%s", cli_date(r->received_on));
        long long days = (long long)(r->days_left < 0 ? -r->days_left : r->days_left);
        unsigned long k = (unsigned long)days;
        if (r->days_left < 0)
                show_line(_("Due:"),
                          r->extended
                              ? ngettext("%s (%lld day late), extended",
                                         "%s (%lld days late), extended", k)
                              : ngettext("%s (%lld day late)", "%s (%lld days late)", k),
                          cli_date(r->due_on), days);
        else
                show_line(_("Due:"),
                          r->extended
                              ? ngettext("%s (%lld day left), extended",
                                         "%s (%lld days left), extended", k)
                              : ngettext("%s (%lld day left)", "%s (%lld days left)", k),
                          cli_date(r->due_on), days);
        if (r->extended)
                show_line(_("Extension:"), "%s", cli_safe(r->extension_reason));
        show_line(_("Handler:"), "%s", cli_safe(r->handler));
        show_line(_("Verified:"), "%s",
                  r->verification[0] ? cli_safe(r->verification) : "-");
        show_line(_("Outcome:"), "%s", r->outcome[0] ? cli_safe(r->outcome) : "-");
        for (size_t i = 0; i < r->nsubjects; i++) {
                const struct rk_dsr_subject *sub = &r->subjects[i];
                if (sub->kind == RK_DSR_SUBJECT_CONTACT)
                        show_line(_("Subject:"), "%s contact:%lld", cli_safe(sub->number),
                                  (long long)sub->record_id);
                else
                        show_line(_("Subject:"), "%s", cli_safe(sub->number));
        }
}

int cmd_dsr_new(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_dsr_request r;
        int64_t id = 0;
        rk_error_clear(&err);
        /* the type and the other values were checked before (values.c) */
        int type = rk_dsr_type_parse(c->type);
        /* one transaction: the request, its subjects and the verification
         * are all recorded, or none of them is */
        int rc = open_dsr(c, "cli:dsr new", &s, &err);
        if (rc == RK_OK)
                rc = rk_dsr_new(s, (enum rk_dsr_type)type, c->purpose, c->received,
                                c->subject_text, c->verified, &id, &err);
        if (rc == RK_OK)
                rc = rk_dsr_get(s, id, &r, &err);
        if (rc == RK_OK) {
                print_request(&r);
                rk_dsr_request_clear(&r);
        }
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_dsr_list(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_dsr_request *r = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        int rc = open_dsr(c, "cli:dsr list", &s, &err);
        if (rc == RK_OK)
                rc = rk_dsr_list(s, c->all, &r, &n, &err);
        if (rc == RK_OK) {
                cli_print_cell(_("ID"), 5, false, " ");
                cli_print_cell(_("TYPE"), 19, false, " ");
                cli_print_cell(_("STATUS"), 9, false, " ");
                cli_print_cell(_("RECEIVED"), 10, false, " ");
                cli_print_cell(_("DUE"), 10, false, " ");
                cli_print_cell(_("LEFT"), 5, false, " ");
                cli_print_cell(_("SUBJECTS"), 0, false, "\n");
                for (size_t i = 0; i < n; i++) {
                        printf("%-5lld %-19s ", (long long)r[i].id,
                               rk_dsr_type_name(r[i].type));
                        cli_print_cell(rk_dsr_status_label(r[i].status), 9, false, " ");
                        printf("%-10s %-10s %-5lld", cli_date(r[i].received_on),
                               cli_date(r[i].due_on), (long long)r[i].days_left);
                        for (size_t k = 0; k < r[i].nsubjects; k++)
                                printf("%s%s", k ? "," : " ",
                                       cli_safe(r[i].subjects[k].number));
                        printf("%s\n", r[i].overdue ? _("  OVERDUE") : "");
                }
        }
        rk_dsr_requests_free(r, n);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

/* The one-request commands share parsing and the session. */
static int with_request(struct cli *c, const char *place,
                        int (*step)(struct cli *, struct rk_session *, int64_t,
                                    struct rk_error *))
{
        struct rk_error err;
        struct rk_session *s = NULL;
        int64_t id = 0;
        rk_error_clear(&err);
        if (request_id(c, &id) != 0)
                return cli_usage_error("'%s' takes a request number", place + 4);
        int rc = open_dsr(c, place, &s, &err);
        if (rc == RK_OK)
                rc = step(c, s, id, &err);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

static int show(struct cli *c, struct rk_session *s, int64_t id, struct rk_error *err)
{
        struct rk_dsr_request r;
        (void)c;
        int rc = rk_dsr_get(s, id, &r, err);
        if (rc == RK_OK)
                print_request(&r);
        rk_dsr_request_clear(&r);
        return rc;
}

int cmd_dsr_show(struct cli *c)
{
        return with_request(c, "cli:dsr show", show);
}

static int add(struct cli *c, struct rk_session *s, int64_t id, struct rk_error *err)
{
        return add_subjects(s, id, c->subject_text, err);
}

int cmd_dsr_add(struct cli *c)
{
        return with_request(c, "cli:dsr add", add);
}

static int verify(struct cli *c, struct rk_session *s, int64_t id, struct rk_error *err)
{
        return rk_dsr_verify(s, id, c->verified, err);
}

int cmd_dsr_verify(struct cli *c)
{
        return with_request(c, "cli:dsr verify", verify);
}

static int preview(struct cli *c, struct rk_session *s, int64_t id, struct rk_error *err)
{
        struct rk_dsr_preview p;
        (void)c;
        int rc = rk_dsr_preview(s, id, &p, err);
        if (rc != RK_OK)
                return rc;
        cli_print_cell(_("SUBJECT"), 8, false, " ");
        cli_print_cell(_("TABLE"), 16, false, " ");
        cli_print_cell(_("FIELD"), 22, false, " ");
        cli_print_cell(_("EFFECT"), 9, false, " ");
        cli_print_cell(_("ROWS"), 5, true, "  ");
        cli_print_cell(_("WHY"), 0, false, "\n");
        for (size_t i = 0; i < p.n; i++) {
                const struct rk_dsr_preview_item *it = &p.items[i];
                printf("%-8s %-16s ", cli_safe(it->number), cli_safe(it->table));
                cli_print_cell(it->column ? it->column : _("(rows)"), 22, false, " ");
                cli_print_cell(rk_dsr_effect_label(it->effect), 9, false, " ");
                printf("%5lld  %s\n", (long long)it->rows, cli_safe(it->reason));
        }
        rk_dsr_preview_free(&p);
        return RK_OK;
}

int cmd_dsr_preview(struct cli *c)
{
        return with_request(c, "cli:dsr preview", preview);
}

static int execute(struct cli *c, struct rk_session *s, int64_t id, struct rk_error *err)
{
        struct rk_dsr_result res;
        char outbox[PATH_MAX];
        const char *out = c->out;
        /* on a server the files go to the export directory unless told */
        if (out == NULL && rk_dsr_outbox_dir(&c->cfg, c->db_path, outbox, sizeof(outbox)))
                out = outbox;
        /* the report in the person's language unless told (--report-lang) */
        int rc = rk_dsr_execute_in(s, id, out, c->report_lang, &res, err);
        if (rc != RK_OK)
                return rc;
        printf(_("Request %lld carried out: records: %lld, rows: %lld.\n"), (long long)id,
               (long long)res.subjects, (long long)res.rows);
        if (res.json_path[0])
                printf(_("Wrote %s and %s (mode %04o).\n"), cli_safe(res.json_path),
                       cli_safe(res.text_path), res.file_mode);
        if (res.flush_note[0])
                printf(_("Note: %s\n"), cli_safe(res.flush_note));
        return RK_OK;
}

int cmd_dsr_execute(struct cli *c)
{
        if (c->report_lang != NULL && !rk_i18n_known(c->report_lang))
                return cli_usage_error(_("--report-lang is en, fi or sv"));
        return with_request(c, "cli:dsr execute", execute);
}

static int extend(struct cli *c, struct rk_session *s, int64_t id, struct rk_error *err)
{
        int months = c->months > 0 ? (int)c->months : 2;
        int rc = rk_dsr_extend(s, id, months, c->reason, err);
        if (rc == RK_OK)
                rc = show(c, s, id, err);
        return rc;
}

int cmd_dsr_extend(struct cli *c)
{
        return with_request(c, "cli:dsr extend", extend);
}

/* Whether subject i is the first of r's subjects on its customer (a
 * company and its contact persons are one customer). */
static bool first_of_customer(const struct rk_dsr_request *r, size_t i)
{
        for (size_t k = 0; k < i; k++)
                if (r->subjects[k].customer_id == r->subjects[i].customer_id)
                        return false;
        return true;
}

/* Lift, then say for each customer of the request whether it is free now
 * or still restricted, and by which request (one restriction per request
 * since migration 13: another may still hold the customer). */
static int lift(struct cli *c, struct rk_session *s, int64_t id, struct rk_error *err)
{
        struct rk_dsr_request r;
        (void)c;
        int rc = rk_dsr_lift_restriction(s, id, err);
        if (rc == RK_OK)
                rc = rk_dsr_get(s, id, &r, err);
        if (rc != RK_OK)
                return rc;
        printf(_("Request %lld: the restriction is lifted.\n"), (long long)id);
        for (size_t i = 0; rc == RK_OK && i < r.nsubjects; i++) {
                int64_t by = 0;
                if (!first_of_customer(&r, i))
                        continue;
                rc = rk_dsr_restricting(s, r.subjects[i].customer_id, &by, err);
                if (rc == RK_OK && by > 0)
                        printf(_("%s is still restricted, under request %lld.\n"),
                               cli_safe(r.subjects[i].number), (long long)by);
                else if (rc == RK_OK)
                        printf(_("%s is no longer restricted.\n"),
                               cli_safe(r.subjects[i].number));
        }
        rk_dsr_request_clear(&r);
        return rc;
}

int cmd_dsr_lift(struct cli *c)
{
        return with_request(c, "cli:dsr lift", lift);
}

static int close_request(struct cli *c, struct rk_session *s, int64_t id,
                         struct rk_error *err)
{
        return rk_dsr_close(s, id, c->outcome, err);
}

int cmd_dsr_close(struct cli *c)
{
        return with_request(c, "cli:dsr close", close_request);
}

/* One line of standard input into guarded memory. */
static int read_line(char **line, size_t *len, struct rk_error *err)
{
        int rc = rk_secret_read_line(stdin, 1024, line, len);
        if (rc != RK_OK)
                return rk_error_set(err, rc, "expected a line on standard input");
        return RK_OK;
}

int cmd_dsr_find(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct rk_dsr_candidate *cand = NULL;
        size_t n = 0, len = 0;
        char *query = NULL;
        rk_error_clear(&err);
        int rc = open_dsr(c, "cli:dsr find", &s, &err);
        if (rc == RK_OK)
                rc = read_line(&query, &len, &err);
        if (rc == RK_OK)
                rc = rk_dsr_find(s, query, &cand, &n, &err);
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                const char *name = cli_safe(cand[i].name);
                if (cand[i].kind == RK_DSR_SUBJECT_CONTACT)
                        printf(_("%s contact:%lld  %s (contact person; %s)%s%s\n"),
                               cli_safe(cand[i].number), (long long)cand[i].record_id,
                               name, cli_safe(cand[i].matched),
                               cand[i].restricted ? _(" RESTRICTED") : "",
                               cand[i].anonymised ? _(" ANONYMISED") : "");
                else
                        printf("%s  %s (%s)%s%s\n", cli_safe(cand[i].number), name,
                               cli_safe(cand[i].matched),
                               cand[i].restricted ? _(" RESTRICTED") : "",
                               cand[i].anonymised ? _(" ANONYMISED") : "");
        }
        rk_dsr_candidates_free(cand, n);
        rk_secret_free(query);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}

int cmd_dsr_check(struct cli *c)
{
        struct rk_error err;
        struct rk_session *s = NULL;
        struct cli_fields f = {0};
        bool hit = false;
        rk_error_clear(&err);
        int rc = cli_unlock(c, &s, &err);
        if (rc == RK_OK)
                rc = cli_fields_read(&f, NULL, &err);
        if (rc == RK_OK) {
                rk_session_set_place(s, "cli:dsr check");
                rc = rk_customer_check_suppressed(s, RK_REC_CUSTOMER, f.edits, f.n, &hit,
                                                  &err);
        }
        if (rc == RK_OK)
                printf("%s\n",
                       hit ? _("FLAGGED: this person was erased earlier (suppression "
                               "list); check before creating the record")
                           : _("not on the suppression list"));
        cli_fields_free(&f);
        rk_session_close(s);
        return rc == RK_OK ? EXIT_OK : cli_fail(&err);
}
