/*
 * audit_session.c - the audit trail's reads as session calls (see
 * audit_session.h).
 *
 * How it works: each call fills a `read` describing its question and hands
 * it to audited(), which checks the permission, begins a write transaction
 * (BEGIN IMMEDIATE), runs the read, appends the call's own audit row with
 * the session's actor and place, and commits; any failure rolls both back.
 * The reads themselves are audit.c's and audit_report.c's.
 *
 * A look at the trail is not a processing of a customer's data: its row
 * has no subject, so "who accessed X" lists only what touched X's data. A
 * look filtered on a customer names that customer's number in its target.
 */
#include "rekisteri/audit_session.h"
#include "rekisteri/i18n.h"
#include "rekisteri/clock.h"
#include "rekisteri/policy.h"
#include "rekisteri/record.h"
#include "rekisteri/register.h"
#include "sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One question: what to run, and the audit row that records it. */
struct read {
        int (*run)(sqlite3 *db, struct read *q, struct rk_error *err);
        bool record_after; /* the row's result depends on the answer */
        const char *action;
        int64_t subject;
        const char *target;
        int64_t looked_at;                        /* the customer a look is about */
        char looked_number[RK_AUDIT_NUMBER_SIZE]; /* its number, the row's target */
        const char *result;                       /* "ok" unless run sets another */
        /* the question's inputs and outputs */
        const struct rk_audit_filter *filter;
        size_t limit;
        const struct rk_audit_verify_opts *verify;
        const char *user, *from, *to;
        FILE *out;
        struct rk_audit_verdict *verdict;
        struct rk_audit_row *rows;
        struct rk_audit_access *access;
        size_t n;
};

static int require_audit(struct rk_session *s, struct rk_error *err)
{
        if (rk_authorize_action(rk_session_grants(s), RK_ACTION_AUDIT))
                return RK_OK;
        return rk_error_set(err, RK_ERR_DENIED,
                            "reading the audit trail needs a role with the \"%s\" "
                            "permission",
                            rk_policy_action_name(RK_ACTION_AUDIT));
}

/* The number of customer id, for the target of a look at their trail. */
static int customer_number(sqlite3 *db, int64_t id, char *out, struct rk_error *err)
{
        sqlite3_stmt *st;
        bool row = false;
        const char *what = N_("the customer's number");
        out[0] = '\0';
        int rc = rk_sql_prepare(db, "SELECT number FROM customers WHERE id=?1", &st, what,
                                err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        rc = rk_sql_row(st, &row, what, err);
        if (rc == RK_OK && row && sqlite3_column_text(st, 0) != NULL)
                snprintf(out, RK_AUDIT_NUMBER_SIZE, "%s",
                         (const char *)sqlite3_column_text(st, 0));
        else if (rc == RK_OK && snprintf(out, RK_AUDIT_NUMBER_SIZE, "#%" PRId64, id) >=
                                    RK_AUDIT_NUMBER_SIZE) /* an id no register reaches */
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no customer has that number");
        sqlite3_finalize(st);
        return rc;
}

/* Append q's audit row inside the open transaction. */
static int record(struct rk_session *s, sqlite3 *db, const struct read *q,
                  struct rk_error *err)
{
        if (q->action == NULL)
                return RK_OK;
        struct rk_audit_event ev = {.action = q->action,
                                    .subject = q->subject,
                                    .groups = "",
                                    .screen = rk_session_place(s),
                                    .result = q->result,
                                    .target = q->target};
        return rk_audit_append(
            db, rk_session_actor(s), &ev, rk_clock_now(),
            rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
}

/* Run q and its audit row (when q->action) in one transaction. The row
 * goes first, so a listing shows its own look, unless its result depends
 * on the answer (verify). */
/* One date of a look ("" or NULL: not given) by the field rule for dates. */
static int check_date(const char *label, const char *text, struct rk_error *err)
{
        const struct rk_field f = {
            .label = label, .validator = RK_V_DATE, .max_chars = 10};
        char out[16];
        if (text == NULL || text[0] == '\0')
                return RK_OK;
        return rk_field_check(&f, text, NULL, out, sizeof(out), err);
}

int rk_audit_check_dates(const char *from, const char *until, struct rk_error *err)
{
        int rc = check_date(_("From"), from, err);
        if (rc == RK_OK)
                rc = check_date(_("Until"), until, err);
        if (rc == RK_OK && from != NULL && until != NULL && from[0] != '\0' &&
            until[0] != '\0' && strcmp(from, until) >= 0)
                rc = rk_error_set(err, RK_ERR_INVALID, "%s",
                                  _("Until must come after From"));
        return rc;
}

static int audited(struct rk_session *s, struct read *q, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        const char *what = N_("reading the audit trail");
        int rc = require_audit(s, err);
        /* a date that is not one would compare as text and answer wrongly
         * (nothing, or everything) without a word */
        if (rc == RK_OK)
                rc = q->filter != NULL
                         ? rk_audit_check_dates(q->filter->from, q->filter->to, err)
                         : rk_audit_check_dates(q->from, q->to, err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, what, err);
        if (rc != RK_OK)
                return rc;
        q->result = "ok";
        if (rc == RK_OK && q->looked_at > 0) {
                rc = customer_number(db, q->looked_at, q->looked_number, err);
                q->target = q->looked_number;
        }
        if (rc == RK_OK && !q->record_after)
                rc = record(s, db, q, err);
        if (rc == RK_OK)
                rc = q->run(db, q, err);
        bool answered = rc == RK_OK;
        if (rc == RK_OK && q->record_after)
                rc = record(s, db, q, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, what, err);
        if (rc == RK_OK)
                return RK_OK;
        rk_sql_rollback(db);
        /* A verdict of damage is still the answer even when the damaged
         * file cannot take its row: give it, recording it if it can be. */
        if (answered && q->record_after && strcmp(q->result, "ok") != 0) {
                struct rk_error ignored;
                rk_error_clear(&ignored);
                rk_session_audit(s, q->action, q->subject, "", rk_session_place(s),
                                 q->result, q->target, &ignored);
                rk_error_clear(err);
                return RK_OK;
        }
        return rc;
}

static int run_verify(sqlite3 *db, struct read *q, struct rk_error *err)
{
        int rc = rk_audit_verify_with(db, q->verify, q->verdict, err);
        if (rc == RK_OK && !q->verdict->ok)
                q->result = "failed";
        return rc;
}

int rk_audit_session_verify(struct rk_session *s, const struct rk_audit_verify_opts *o,
                            struct rk_audit_verdict *v, struct rk_error *err)
{
        struct read q = {.run = run_verify,
                         .record_after = true,
                         .action = "audit.verify",
                         .verify = o,
                         .verdict = v};
        memset(v, 0, sizeof(*v));
        return audited(s, &q, err);
}

static int run_list(sqlite3 *db, struct read *q, struct rk_error *err)
{
        return rk_audit_list(db, q->filter, q->limit, &q->rows, &q->n, err);
}

int rk_audit_session_list(struct rk_session *s, const struct rk_audit_filter *f,
                          size_t limit, bool record, struct rk_audit_row **rows,
                          size_t *n, struct rk_error *err)
{
        struct read q = {.run = run_list,
                         .action = record ? "audit.list" : NULL,
                         .looked_at = f->subject,
                         .filter = f,
                         .limit = limit};
        int rc = audited(s, &q, err);
        if (rc != RK_OK) {
                free(q.rows);
                q.rows = NULL;
                q.n = 0;
        }
        *rows = q.rows;
        *n = q.n;
        return rc;
}

int rk_audit_session_subject(struct rk_session *s, int64_t id, size_t limit,
                             struct rk_audit_row **rows, size_t *n, struct rk_error *err)
{
        struct rk_audit_filter f;
        memset(&f, 0, sizeof(f));
        f.subject = id;
        return rk_audit_session_list(s, &f, limit, true, rows, n, err);
}

static int run_export(sqlite3 *db, struct read *q, struct rk_error *err)
{
        return rk_audit_export_csv(db, q->filter, q->out, err);
}

int rk_audit_session_find(struct rk_session *s, const char *text, int64_t *id,
                          char *number, struct rk_error *err)
{
        *id = 0;
        number[0] = '\0';
        int rc = require_audit(s, err);
        if (rc == RK_OK)
                rc = rk_audit_subject_parse(rk_register_db(rk_session_register(s)), text,
                                            id, number, err);
        return rc;
}

int rk_audit_session_export(struct rk_session *s, const struct rk_audit_filter *f,
                            FILE *out, struct rk_error *err)
{
        struct read q = {.run = run_export,
                         .action = "audit.export",
                         .looked_at = f->subject,
                         .filter = f,
                         .out = out};
        return audited(s, &q, err);
}

static int run_user_report(sqlite3 *db, struct read *q, struct rk_error *err)
{
        int rc =
            rk_audit_user_report(db, q->user, q->from, q->to, &q->access, &q->n, err);
        if (rc == RK_OK && q->out != NULL)
                rc = rk_audit_user_report_csv(q->out, q->user, q->access, q->n, err);
        return rc;
}

int rk_audit_session_user_report(struct rk_session *s, const char *user, const char *from,
                                 const char *to, struct rk_audit_access **out, size_t *n,
                                 struct rk_error *err)
{
        struct read q = {.run = run_user_report,
                         .action = "audit.user_report",
                         .target = user,
                         .user = user,
                         .from = from,
                         .to = to};
        int rc = audited(s, &q, err);
        if (rc != RK_OK) {
                free(q.access);
                q.access = NULL;
                q.n = 0;
        }
        *out = q.access;
        *n = q.n;
        return rc;
}

int rk_audit_session_breach_report(struct rk_session *s, const char *user,
                                   const char *from, const char *to, FILE *out,
                                   struct rk_error *err)
{
        struct read q = {.run = run_user_report,
                         .action = "audit.export",
                         .target = user,
                         .user = user,
                         .from = from,
                         .to = to,
                         .out = out};
        int rc = audited(s, &q, err);
        free(q.access);
        return rc;
}
