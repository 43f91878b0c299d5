/*
 * dsr.c - the request register (see dsr.h): names, creating a request,
 * its subjects, verification, extension, closing, lifting a restriction,
 * and reading requests back for the dashboard. Preview, execution, search
 * and export have their own files.
 *
 * Each step is one BEGIN IMMEDIATE transaction that checks the request's
 * state, changes it and appends its audit row, or changes nothing.
 * Deadlines are calendar dates computed with clock.h from rk_clock_now(),
 * which unit tests move; nothing else can.
 */
#include "customer_db.h"
#include "dsr_db.h"
#include "rekisteri/audit.h"
#include "rekisteri/audit_report.h"
#include "rekisteri/i18n.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/i18n.h"

/* ---- names ------------------------------------------------------------- */

static const char *const type_names[RK_DSR_TYPE_COUNT] = {
    "access",      "rectification",      "erasure", "restriction", "objection",
    "portability", "consent_withdrawal",
};

static const char *const type_labels[RK_DSR_TYPE_COUNT] = {
    N_("Access (Art. 15)"),
    N_("Rectification (Art. 16)"),
    N_("Erasure (Art. 17)"),
    N_("Restriction (Art. 18)"),
    N_("Objection (Art. 21)"),
    N_("Portability (Art. 20)"),
    N_("Consent withdrawal (Art. 7(3))"),
};

/* TRANSLATORS: the state of a data-subject request, shown in lists. */
static const char *const status_names[] = {N_("open"), N_("verified"), N_("executed"),
                                           N_("closed")};

const char *rk_dsr_type_name(enum rk_dsr_type t)
{
        return t >= 0 && t < RK_DSR_TYPE_COUNT ? type_names[t] : "?";
}

const char *rk_dsr_type_label(enum rk_dsr_type t)
{
        return t >= 0 && t < RK_DSR_TYPE_COUNT ? _(type_labels[t]) : "?";
}

int rk_dsr_type_parse(const char *name)
{
        for (int t = 0; name != NULL && t < RK_DSR_TYPE_COUNT; t++) {
                if (strcmp(type_names[t], name) == 0)
                        return t;
        }
        return -1;
}

const char *rk_dsr_status_name(enum rk_dsr_status s)
{
        return s >= RK_DSR_OPEN && s <= RK_DSR_CLOSED ? status_names[s] : "?";
}

const char *rk_dsr_status_label(enum rk_dsr_status s)
{
        return s >= RK_DSR_OPEN && s <= RK_DSR_CLOSED ? _(status_names[s]) : "?";
}

static int status_parse(const char *name)
{
        for (int i = 0; i <= RK_DSR_CLOSED; i++) {
                if (strcmp(status_names[i], name) == 0)
                        return i;
        }
        return RK_DSR_OPEN;
}

const char *rk_dsr_purposes(enum rk_dsr_type t)
{
        const struct rk_field *f = NULL;
        if (t == RK_DSR_OBJECTION)
                f = rk_fields_find(RK_REC_OBJECTION, "purpose");
        else if (t == RK_DSR_CONSENT_WITHDRAWAL)
                f = rk_fields_find(RK_REC_CONSENT, "purpose");
        return f != NULL ? f->choices : NULL;
}

enum rk_dsr_step rk_dsr_next_step(const struct rk_dsr_request *r)
{
        switch (r->status) {
        case RK_DSR_CLOSED:
                return RK_DSR_STEP_DONE;
        case RK_DSR_EXECUTED:
                return RK_DSR_STEP_CLOSE;
        default:
                break;
        }
        if (r->nsubjects == 0)
                return RK_DSR_STEP_SUBJECTS;
        return r->status == RK_DSR_VERIFIED ? RK_DSR_STEP_EXECUTE : RK_DSR_STEP_VERIFY;
}

/* ---- the step transaction ---------------------------------------------- */

sqlite3 *dsr_db(struct rk_session *s)
{
        return rk_register_db(rk_session_register(s));
}

int dsr_begin(struct rk_session *s, struct rk_error *err)
{
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_REQUESTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not handle data-subject requests");
        return rk_sql_begin(dsr_db(s), err);
}

int dsr_end(struct rk_session *s, int rc, struct rk_error *err)
{
        if (rc == RK_OK)
                rc = rk_sql_commit(dsr_db(s), err);
        if (rc != RK_OK)
                rk_sql_rollback(dsr_db(s));
        return rc;
}

int dsr_audit(struct rk_session *s, const char *step, int64_t id, int64_t subject,
              const char *groups, struct rk_error *err)
{
        char action[48], target[48];
        snprintf(action, sizeof(action), "dsr.%s", step);
        snprintf(target, sizeof(target), "request:%lld", (long long)id);
        struct rk_audit_event ev = {.action = action,
                                    .subject = subject,
                                    .groups = groups,
                                    .fields = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = target};
        return rk_audit_append(
            dsr_db(s), rk_session_actor(s), &ev, rk_clock_now(),
            rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
}

const char *dsr_all_groups(char *buf, size_t size)
{
        buf[0] = '\0';
        for (int g = 0; g < RK_GROUP_COUNT; g++) {
                if (g > 0)
                        strncat(buf, ",", size - strlen(buf) - 1);
                strncat(buf, rk_policy_group_name((enum rk_group)g),
                        size - strlen(buf) - 1);
        }
        return buf;
}

/* ---- reading ----------------------------------------------------------- */

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
        const unsigned char *t = sqlite3_column_text(st, col);
        snprintf(dst, size, "%s", t != NULL ? (const char *)t : "");
}

#define REQUEST_COLUMNS                                                                  \
        "id, type, status, ifnull(purpose,''), received_on, due_on, extended,"           \
        " extension_reason, handler, verification, outcome, created_at,"                 \
        " ifnull(executed_at,0), ifnull(closed_at,0)"

static void read_row(sqlite3_stmt *st, const char *today, struct rk_dsr_request *r)
{
        memset(r, 0, sizeof(*r));
        r->id = sqlite3_column_int64(st, 0);
        r->type =
            (enum rk_dsr_type)rk_dsr_type_parse((const char *)sqlite3_column_text(st, 1));
        r->status =
            (enum rk_dsr_status)status_parse((const char *)sqlite3_column_text(st, 2));
        copy_text(r->purpose, sizeof(r->purpose), st, 3);
        copy_text(r->received_on, sizeof(r->received_on), st, 4);
        copy_text(r->due_on, sizeof(r->due_on), st, 5);
        r->extended = sqlite3_column_int(st, 6) != 0;
        copy_text(r->extension_reason, sizeof(r->extension_reason), st, 7);
        copy_text(r->handler, sizeof(r->handler), st, 8);
        copy_text(r->verification, sizeof(r->verification), st, 9);
        copy_text(r->outcome, sizeof(r->outcome), st, 10);
        r->created_at = sqlite3_column_int64(st, 11);
        r->executed_at = sqlite3_column_int64(st, 12);
        r->closed_at = sqlite3_column_int64(st, 13);
        r->days_left = rk_date_diff_days(today, r->due_on);
        /* A restriction carried out is the action asked for: it stays open
         * only until it is lifted, and is not late while it waits. */
        bool answered = r->status == RK_DSR_CLOSED ||
                        (r->type == RK_DSR_RESTRICTION && r->status == RK_DSR_EXECUTED);
        r->overdue = !answered && r->days_left < 0;
}

/* One row of SELECT kind, record_id, customer_id, customer_number. */
static int fill_subject(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        struct rk_dsr_subject *sub = item;
        (void)ctx;
        (void)err;
        sub->kind = strcmp((const char *)sqlite3_column_text(st, 0), "contact") == 0
                        ? RK_DSR_SUBJECT_CONTACT
                        : RK_DSR_SUBJECT_CUSTOMER;
        sub->record_id = sqlite3_column_int64(st, 1);
        sub->customer_id = sqlite3_column_int64(st, 2);
        copy_text(sub->number, sizeof(sub->number), st, 3);
        return RK_OK;
}

static int load_subjects(sqlite3 *db, struct rk_dsr_request *r, struct rk_error *err)
{
        struct rk_sql_array a = {0};
        int rc = rk_sql_collect_id(db,
                                   "SELECT kind, record_id, customer_id, customer_number"
                                   " FROM dsr_subjects WHERE request_id=?"
                                   " ORDER BY customer_number, kind, record_id",
                                   r->id, sizeof(*r->subjects), fill_subject, NULL, &a,
                                   "reading a request", err);
        r->subjects = a.v;
        r->nsubjects = a.n;
        return rc;
}

int dsr_load(sqlite3 *db, int64_t id, const char *today, struct rk_dsr_request *out,
             struct rk_error *err)
{
        sqlite3_stmt *st;
        memset(out, 0, sizeof(*out));
        int rc =
            rk_sql_prepare(db, "SELECT " REQUEST_COLUMNS " FROM dsr_requests WHERE id=?",
                           &st, "reading a request", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                read_row(st, today, out);
        else if (src == SQLITE_DONE)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such request");
        else
                rc = rk_sql_fail(db, src, "reading a request", err);
        sqlite3_finalize(st);
        if (rc == RK_OK)
                rc = load_subjects(db, out, err);
        if (rc != RK_OK)
                rk_dsr_request_clear(out);
        return rc;
}

void rk_dsr_request_clear(struct rk_dsr_request *r)
{
        if (r == NULL)
                return;
        free(r->subjects);
        memset(r, 0, sizeof(*r));
}

void rk_dsr_requests_free(struct rk_dsr_request *r, size_t n)
{
        for (size_t i = 0; r != NULL && i < n; i++)
                rk_dsr_request_clear(&r[i]);
        free(r);
}

int rk_dsr_get(struct rk_session *s, int64_t id, struct rk_dsr_request *out,
               struct rk_error *err)
{
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        memset(out, 0, sizeof(*out));
        int rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        rc = dsr_load(dsr_db(s), id, today, out, err);
        if (rc == RK_OK)
                rc = dsr_audit(s, "view", id, 0, "", err);
        rc = dsr_end(s, rc, err);
        if (rc != RK_OK)
                rk_dsr_request_clear(out);
        return rc;
}

/* One request row; ctx is today's date. */
static int fill_request(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        (void)err;
        read_row(st, ctx, item);
        return RK_OK;
}

static int list_rows(sqlite3 *db, bool include_closed, const char *today,
                     struct rk_dsr_request **out, size_t *n, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db,
            "SELECT " REQUEST_COLUMNS " FROM dsr_requests"
            " WHERE ? OR status <> 'closed'"
            " ORDER BY status = 'closed', CASE WHEN status = 'closed' THEN -id END,"
            " due_on, id",
            &st, "listing requests", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int(st, 1, include_closed ? 1 : 0);
        struct rk_sql_array a = {0};
        rc = rk_sql_collect(st, sizeof(**out), 0, fill_request, (void *)today, &a,
                            "listing requests", err);
        sqlite3_finalize(st);
        *out = a.v;
        *n = a.n;
        return rc;
}

int rk_dsr_list(struct rk_session *s, bool include_closed, struct rk_dsr_request **out,
                size_t *n, struct rk_error *err)
{
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        *out = NULL;
        *n = 0;
        int rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        rc = list_rows(dsr_db(s), include_closed, today, out, n, err);
        for (size_t i = 0; i < *n && rc == RK_OK; i++)
                rc = load_subjects(dsr_db(s), &(*out)[i], err);
        if (rc == RK_OK)
                rc = dsr_audit(s, "list", 0, 0, "", err);
        rc = dsr_end(s, rc, err);
        if (rc != RK_OK) {
                rk_dsr_requests_free(*out, *n);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

/* ---- creating ---------------------------------------------------------- */

int rk_dsr_check_purpose(enum rk_dsr_type type, const char *purpose, struct rk_error *err)
{
        const char *choices = rk_dsr_purposes(type);
        bool given = purpose != NULL && purpose[0] != '\0';
        if (choices == NULL)
                return given ? rk_error_set(err, RK_ERR_INVALID,
                                            "Purpose: only objections and consent "
                                            "withdrawals name a purpose")
                             : RK_OK;
        if (!given)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Purpose: is required (one of %s)", choices);
        size_t len = strlen(purpose);
        for (const char *c = choices; c != NULL; c = strchr(c, '|')) {
                if (*c == '|')
                        c++;
                if (strncmp(c, purpose, len) == 0 && (c[len] == '|' || c[len] == '\0'))
                        return RK_OK;
        }
        return rk_error_set(err, RK_ERR_INVALID, "Purpose: choose one of %s", choices);
}

static int insert_request(struct rk_session *s, enum rk_dsr_type type,
                          const char *purpose, const char *received, const char *due,
                          int64_t *id, struct rk_error *err)
{
        sqlite3 *db = dsr_db(s);
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "INSERT INTO dsr_requests(type, purpose, status,"
                                " received_on, due_on, handler, created_at)"
                                " VALUES(?,?,'open',?,?,?,?)",
                                &st, "registering a request", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, type_names[type], -1, SQLITE_STATIC);
        if (purpose != NULL && purpose[0] != '\0')
                sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, received, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, due, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, rk_session_username(s), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, rk_clock_now());
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "registering a request", err);
        *id = sqlite3_last_insert_rowid(db);
        return RK_OK;
}

int rk_dsr_check_received(const char *received_on, struct rk_error *err)
{
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        if (received_on == NULL)
                return RK_OK;
        if (!rk_date_parse(received_on, NULL, NULL, NULL))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Received: not a date (YYYY-MM-DD)");
        if (strcmp(received_on, today) > 0)
                return rk_error_set(err, RK_ERR_INVALID, "Received: is in the future");
        return RK_OK;
}

/* Register a request inside the caller's transaction. */
static int create_in(struct rk_session *s, enum rk_dsr_type type, const char *purpose,
                     const char *received_on, int64_t *id, struct rk_error *err)
{
        char today[RK_DATE_TEXT], due[RK_DATE_TEXT];
        rk_date_today(today);
        const char *received = received_on != NULL ? received_on : today;
        if (type < 0 || type >= RK_DSR_TYPE_COUNT)
                return rk_error_set(err, RK_ERR_INVALID, "Type: unknown request type");
        int rc = rk_dsr_check_received(received, err);
        if (rc == RK_OK)
                rc = rk_dsr_check_purpose(type, purpose, err);
        if (rc == RK_OK)
                rc = rk_date_add_months(received, 1, due, err);
        if (rc == RK_OK)
                rc = insert_request(s, type, purpose, received, due, id, err);
        if (rc == RK_OK)
                rc = dsr_audit(s, "create", *id, 0, "", err);
        return rc;
}

int rk_dsr_create(struct rk_session *s, enum rk_dsr_type type, const char *purpose,
                  const char *received_on, int64_t *id, struct rk_error *err)
{
        int64_t new_id = 0;
        int rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        rc = dsr_end(s, create_in(s, type, purpose, received_on, &new_id, err), err);
        if (rc == RK_OK && id != NULL)
                *id = new_id;
        return rc;
}

/* ---- steps ------------------------------------------------------------- */

/* Begin a step on request id, loading it and refusing a closed one (and,
 * with before_execute, an executed one). */
static int step_load(struct rk_session *s, int64_t id, bool before_execute,
                     struct rk_dsr_request *r, struct rk_error *err)
{
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        int rc = dsr_load(dsr_db(s), id, today, r, err);
        if (rc == RK_OK && r->status == RK_DSR_CLOSED)
                rc = rk_error_set(err, RK_ERR_INVALID, "the request is closed");
        else if (rc == RK_OK && before_execute && r->status == RK_DSR_EXECUTED)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "the request has been carried out already");
        return rc;
}

static int step_begin(struct rk_session *s, int64_t id, bool before_execute,
                      struct rk_dsr_request *r, struct rk_error *err)
{
        int rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        rc = step_load(s, id, before_execute, r, err);
        if (rc != RK_OK)
                rk_sql_rollback(dsr_db(s));
        return rc;
}

/* Finish a step: audit, commit, and free the loaded request. */
static int step_end(struct rk_session *s, const char *step, int64_t id, int64_t subject,
                    struct rk_dsr_request *r, int rc, struct rk_error *err)
{
        if (rc == RK_OK)
                rc = dsr_audit(s, step, id, subject, "", err);
        rc = dsr_end(s, rc, err);
        rk_dsr_request_clear(r);
        return rc;
}

int rk_dsr_check_text(const char *label, const char *text, struct rk_error *err)
{
        if (text == NULL || text[0] == '\0')
                return rk_error_set(err, RK_ERR_INVALID, "%s: is required", label);
        int rc = rk_validate_field_text(label, text, RK_DSR_TEXT_MAX, 0, err);
        return rc == RK_OK ? rk_text_refuse_hetu(label, text, err) : rc;
}

/* Run fixed SQL with bound (text, id) against the request. */
static int update_text(sqlite3 *db, const char *sql, const char *text, int64_t id,
                       struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "updating a request", err);
        if (rc != RK_OK)
                return rc;
        if (text != NULL)
                sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "updating a request", err);
}

int dsr_set_status(sqlite3 *db, int64_t id, enum rk_dsr_status status, int64_t now,
                   struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db,
            "UPDATE dsr_requests SET status=?1,"
            " executed_at=CASE WHEN ?1='executed' THEN ?2 ELSE executed_at END,"
            " closed_at=CASE WHEN ?1='closed' THEN ?2 ELSE closed_at END WHERE id=?3",
            &st, "updating a request", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, status_names[status], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "updating a request", err);
}

#define VERIFY_SQL                                                                       \
        "UPDATE dsr_requests SET verification=?1, status='verified' WHERE id=?2"

int rk_dsr_verify(struct rk_session *s, int64_t id, const char *how, struct rk_error *err)
{
        struct rk_dsr_request r;
        int rc = rk_dsr_check_text("Identity verification", how, err);
        if (rc == RK_OK)
                rc = step_begin(s, id, true, &r, err);
        if (rc != RK_OK)
                return rc;
        rc = update_text(dsr_db(s), VERIFY_SQL, how, id, err);
        return step_end(s, "verify", id, 0, &r, rc, err);
}

int rk_dsr_extend(struct rk_session *s, int64_t id, int months, const char *reason,
                  struct rk_error *err)
{
        struct rk_dsr_request r;
        char due[RK_DATE_TEXT];
        if (months < 1 || months > 2)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Extension: one or two months (Art. 12(3))");
        int rc = rk_dsr_check_text("Reason for the extension", reason, err);
        if (rc == RK_OK)
                rc = step_begin(s, id, false, &r, err);
        if (rc != RK_OK)
                return rc;
        if (r.extended)
                rc = rk_error_set(err, RK_ERR_EXISTS,
                                  "the deadline was extended already; it can be "
                                  "extended only once");
        if (rc == RK_OK)
                rc = rk_date_add_months(r.due_on, months, due, err);
        sqlite3_stmt *st = NULL;
        if (rc == RK_OK)
                rc = rk_sql_prepare(dsr_db(s),
                                    "UPDATE dsr_requests SET extended=1,"
                                    " extension_reason=?, due_on=? WHERE id=?",
                                    &st, "extending a request", err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, due, -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, id);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(dsr_db(s), src, "extending a request", err);
        }
        sqlite3_finalize(st);
        return step_end(s, "extend", id, 0, &r, rc, err);
}

int rk_dsr_close(struct rk_session *s, int64_t id, const char *outcome,
                 struct rk_error *err)
{
        struct rk_dsr_request r;
        int rc = rk_dsr_check_text("Outcome", outcome, err);
        if (rc == RK_OK)
                rc = step_begin(s, id, false, &r, err);
        if (rc != RK_OK)
                return rc;
        rc = update_text(dsr_db(s), "UPDATE dsr_requests SET outcome=?1 WHERE id=?2",
                         outcome, id, err);
        if (rc == RK_OK)
                rc = dsr_set_status(dsr_db(s), id, RK_DSR_CLOSED, rk_clock_now(), err);
        return step_end(s, "close", id, 0, &r, rc, err);
}

/* ---- subjects ---------------------------------------------------------- */

/* The customer a record belongs to, and its number. */
static int subject_owner(sqlite3 *db, enum rk_dsr_subject_kind kind, int64_t record_id,
                         int64_t *customer_id, char *number, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db,
            kind == RK_DSR_SUBJECT_CONTACT
                ? "SELECT c.id, c.number FROM contact_persons p JOIN customers c"
                  " ON c.id = p.customer_id WHERE p.id=?"
                : "SELECT id, number FROM customers WHERE id=?",
            &st, "adding a subject", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, record_id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                *customer_id = sqlite3_column_int64(st, 0);
                copy_text(number, RK_CUSTOMER_NUMBER_SIZE, st, 1);
        } else if (src == SQLITE_DONE) {
                rc = kind == RK_DSR_SUBJECT_CONTACT
                         ? rk_error_set(err, RK_ERR_NOTFOUND, "no such contact person")
                         : rk_error_set(err, RK_ERR_NOTFOUND, "no such customer");
        } else {
                rc = rk_sql_fail(db, src, "adding a subject", err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* Attach or detach a record inside the caller's transaction (request
 * loaded in r); *customer_id gets the record's customer. */
static int subject_in(struct rk_session *s, int64_t id, enum rk_dsr_subject_kind kind,
                      int64_t record_id, bool add, int64_t *customer_id,
                      struct rk_error *err)
{
        char number[RK_CUSTOMER_NUMBER_SIZE] = "";
        int rc = subject_owner(dsr_db(s), kind, record_id, customer_id, number, err);
        sqlite3_stmt *st = NULL;
        if (rc == RK_OK)
                rc = rk_sql_prepare(
                    dsr_db(s),
                    add ? "INSERT OR IGNORE INTO dsr_subjects(request_id, kind, "
                          "record_id,"
                          " customer_id, customer_number) VALUES(?1,?2,?3,?4,?5)"
                        : "DELETE FROM dsr_subjects WHERE request_id=?1 AND kind=?2"
                          " AND record_id=?3",
                    &st, "changing a request's subjects", err);
        if (rc == RK_OK) {
                sqlite3_bind_int64(st, 1, id);
                sqlite3_bind_text(st, 2,
                                  kind == RK_DSR_SUBJECT_CONTACT ? "contact" : "customer",
                                  -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, record_id);
                if (add) {
                        sqlite3_bind_int64(st, 4, *customer_id);
                        sqlite3_bind_text(st, 5, number, -1, SQLITE_STATIC);
                }
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(dsr_db(s), src, "changing a request's subjects",
                                         err);
        }
        sqlite3_finalize(st);
        return rc;
}

static int change_subject(struct rk_session *s, int64_t id, enum rk_dsr_subject_kind kind,
                          int64_t record_id, bool add, struct rk_error *err)
{
        struct rk_dsr_request r;
        int64_t customer_id = 0;
        int rc = step_begin(s, id, true, &r, err);
        if (rc != RK_OK)
                return rc;
        rc = subject_in(s, id, kind, record_id, add, &customer_id, err);
        return step_end(s, add ? "subject" : "unsubject", id, customer_id, &r, rc, err);
}

/* The id of a "contact:17" word into *id; RK_ERR_INVALID when the rest
 * is not a number. */
static int contact_word(const char *word, int64_t *id, struct rk_error *err)
{
        char *end = NULL;
        *id = strtoll(word + 8, &end, 10);
        if (end == word + 8 || *end != '\0' || *id <= 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Subject: write contact:ID with a number");
        return RK_OK;
}

int rk_dsr_check_subjects(const char *subjects, struct rk_error *err)
{
        char buf[1024], number[RK_AUDIT_NUMBER_SIZE];
        int64_t contact = 0;
        size_t n = 0;
        if (subjects == NULL || strlen(subjects) >= sizeof(buf))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Subject: give one to %zu characters of numbers",
                                    sizeof(buf) - 1);
        snprintf(buf, sizeof(buf), "%s", subjects);
        int rc = RK_OK;
        for (char *save, *w = strtok_r(buf, ", ", &save); w != NULL && rc == RK_OK;
             w = strtok_r(NULL, ", ", &save), n++)
                rc = strncmp(w, "contact:", 8) == 0
                         ? contact_word(w, &contact, err)
                         : rk_audit_subject_number(w, number, err);
        if (rc == RK_OK && n == 0)
                rc = rk_error_set(err, RK_ERR_INVALID, "Subject: give at least one");
        return rc;
}

/* One subject of "C000123" or "contact:17", added inside the caller's
 * transaction and audited. */
static int add_word_in(struct rk_session *s, int64_t id, const char *word,
                       struct rk_error *err)
{
        enum rk_dsr_subject_kind kind = RK_DSR_SUBJECT_CUSTOMER;
        int64_t record_id = 0, customer_id = 0;
        int rc = RK_OK;
        if (strncmp(word, "contact:", 8) == 0) {
                kind = RK_DSR_SUBJECT_CONTACT;
                rc = contact_word(word, &record_id, err);
        } else {
                rc = rk_custdb_by_number(dsr_db(s), word, &record_id, err);
        }
        if (rc == RK_OK)
                rc = subject_in(s, id, kind, record_id, true, &customer_id, err);
        if (rc == RK_OK)
                rc = dsr_audit(s, "subject", id, customer_id, "", err);
        return rc;
}

int rk_dsr_new(struct rk_session *s, enum rk_dsr_type type, const char *purpose,
               const char *received_on, const char *subjects, const char *verified,
               int64_t *id, struct rk_error *err)
{
        struct rk_dsr_request r = {0};
        char buf[1024];
        int64_t new_id = 0;
        size_t added = 0;
        int rc = rk_dsr_check_subjects(subjects, err);
        if (rc == RK_OK && verified != NULL)
                rc = rk_dsr_check_text("Identity verification", verified, err);
        if (rc == RK_OK)
                rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        rc = create_in(s, type, purpose, received_on, &new_id, err);
        snprintf(buf, sizeof(buf), "%s", subjects);
        for (char *save, *w = strtok_r(buf, ", ", &save); w != NULL && rc == RK_OK;
             w = strtok_r(NULL, ", ", &save), added++)
                rc = add_word_in(s, new_id, w, err);
        if (rc == RK_OK && added == 0)
                rc = rk_error_set(err, RK_ERR_INVALID, "Subject: give at least one");
        if (rc == RK_OK && verified != NULL)
                rc = step_load(s, new_id, true, &r, err);
        if (rc == RK_OK && verified != NULL)
                rc = update_text(dsr_db(s), VERIFY_SQL, verified, new_id, err);
        if (rc == RK_OK && verified != NULL)
                rc = dsr_audit(s, "verify", new_id, 0, "", err);
        rk_dsr_request_clear(&r);
        rc = dsr_end(s, rc, err);
        if (id != NULL)
                *id = rc == RK_OK ? new_id : 0;
        return rc;
}

int rk_dsr_add_subject(struct rk_session *s, int64_t id, enum rk_dsr_subject_kind kind,
                       int64_t record_id, struct rk_error *err)
{
        return change_subject(s, id, kind, record_id, true, err);
}

int rk_dsr_remove_subject(struct rk_session *s, int64_t id, enum rk_dsr_subject_kind kind,
                          int64_t record_id, struct rk_error *err)
{
        return change_subject(s, id, kind, record_id, false, err);
}

int rk_dsr_add_number(struct rk_session *s, int64_t id, const char *number,
                      struct rk_error *err)
{
        int64_t customer_id = 0;
        int rc = rk_custdb_by_number(dsr_db(s), number, &customer_id, err);
        if (rc != RK_OK)
                return rc;
        return rk_dsr_add_subject(s, id, RK_DSR_SUBJECT_CUSTOMER, customer_id, err);
}

/* ---- lifting a restriction --------------------------------------------- */

/* Run sql with ?1 = customer and, when it has one, ?2 = request. */
static int restriction_sql(sqlite3 *db, const char *sql, int64_t customer_id,
                           int64_t request_id, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "restricting processing", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, customer_id);
        if (sqlite3_bind_parameter_count(st) > 1)
                sqlite3_bind_int64(st, 2, request_id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "restricting processing", err);
}

int dsr_restrict(sqlite3 *db, int64_t customer_id, int64_t request_id,
                 struct rk_error *err)
{
        int rc = restriction_sql(db,
                                 "INSERT OR IGNORE INTO restrictions(customer_id,"
                                 " request_id) VALUES(?1, ?2)",
                                 customer_id, request_id, err);
        if (rc == RK_OK)
                rc =
                    restriction_sql(db,
                                    "UPDATE customers SET restricted=1, version=version+1"
                                    " WHERE id=?1",
                                    customer_id, request_id, err);
        return rc;
}

int dsr_unrestrict(sqlite3 *db, int64_t customer_id, int64_t request_id,
                   struct rk_error *err)
{
        int rc = restriction_sql(db,
                                 "DELETE FROM restrictions WHERE customer_id=?1 AND"
                                 " request_id=?2",
                                 customer_id, request_id, err);
        if (rc == RK_OK)
                rc =
                    restriction_sql(db,
                                    "UPDATE customers SET restricted=EXISTS(SELECT 1 FROM"
                                    " restrictions WHERE customer_id=?1),"
                                    " version=version+1 WHERE id=?1",
                                    customer_id, request_id, err);
        return rc;
}

int rk_dsr_lift_restriction(struct rk_session *s, int64_t id, struct rk_error *err)
{
        struct rk_dsr_request r;
        int rc = step_begin(s, id, false, &r, err);
        if (rc != RK_OK)
                return rc;
        if (r.type != RK_DSR_RESTRICTION || r.status != RK_DSR_EXECUTED)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "only a carried-out restriction request can be lifted");
        for (size_t i = 0; i < r.nsubjects && rc == RK_OK; i++) {
                rc = dsr_unrestrict(dsr_db(s), r.subjects[i].customer_id, id, err);
                if (rc == RK_OK)
                        rc = dsr_audit(s, "lift", id, r.subjects[i].customer_id, "", err);
        }
        rc = dsr_end(s, rc, err);
        rk_dsr_request_clear(&r);
        return rc;
}

int rk_dsr_restricting(struct rk_session *s, int64_t customer_id, int64_t *request_id,
                       struct rk_error *err)
{
        *request_id = 0;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_REQUESTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not handle data-subject requests");
        return dsr_count(dsr_db(s),
                         "SELECT ifnull(max(request_id), 0) FROM restrictions"
                         " WHERE customer_id=?1",
                         customer_id, NULL, request_id, err);
}
