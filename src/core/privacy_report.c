/*
 * privacy_report.c - the accountability report for one calendar year
 * (GDPR Art. 5(2); see privacy.h): counts and dates read from the
 * register, never a value of anyone's data.
 *
 * How it works: every figure is one prepared query over the year's dates
 * (?1 the first day, ?2 the first day of the next year, ?3 today), run in
 * the caller's transaction, so the whole report is one consistent
 * snapshot. Dates of Unix times are local dates, as the retention rules
 * count them. A request is answered on the day it was closed (the
 * outcome told to the person); it was on time when that day is on or
 * before its due date, extension included, and late when it was closed
 * after it or is still open past it. The audit trail is verified again
 * while the report is made (the chain and the retention anchors; the MACs
 * need K0, which only the supervisor holds offline).
 */
#include "audit_chain.h"
#include "privacy_build.h"
#include "privacy_words.h"
#include "sql.h"

#include "rekisteri/audit.h"
#include "rekisteri/dsr.h"
#include "rekisteri/i18n.h"
#include "rekisteri/privacy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCAL_DATE(col) "date(" col ",'unixepoch','localtime')"

struct period {
        char from[16], to[16], today[16];
};

#define READING N_("reading the register for the report")

/* sql prepared into *st with ?1 ?2 ?3 bound to the period's from, to and
 * today (the binds every query of the report shares). */
static int prepare_period(sqlite3 *db, const struct period *p, const char *sql,
                          sqlite3_stmt **st, struct rk_error *err)
{
        int rc = rk_sql_prepare(db, sql, st, READING, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(*st, 1, p->from, -1, SQLITE_STATIC);
        sqlite3_bind_text(*st, 2, p->to, -1, SQLITE_STATIC);
        sqlite3_bind_text(*st, 3, p->today, -1, SQLITE_STATIC);
        return RK_OK;
}

/* One number: sql's first column, with ?1 ?2 ?3 bound to the period. */
static int scalar(sqlite3 *db, const struct period *p, const char *sql, int64_t *out,
                  struct rk_error *err)
{
        sqlite3_stmt *st;
        bool row = false;
        *out = 0;
        int rc = prepare_period(db, p, sql, &st, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_sql_row(st, &row, READING, err);
        if (rc == RK_OK && row)
                *out = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return rc;
}

/* The rows of sql (same binds) as text cells, n columns each, passed to
 * fn; a NULL column is "". */
typedef void (*row_fn)(struct rk_doc *d, const char *const *cells, void *ctx);

static int each_row(sqlite3 *db, const struct period *p, const char *sql, int n,
                    row_fn fn, struct rk_doc *d, void *ctx, struct rk_error *err)
{
        sqlite3_stmt *st;
        bool row = false;
        int rc = prepare_period(db, p, sql, &st, err);
        if (rc != RK_OK)
                return rc;
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, READING, err)) == RK_OK && row) {
                const char *cells[8];
                for (int i = 0; i < n && i < 8; i++) {
                        const unsigned char *t = sqlite3_column_text(st, i);
                        cells[i] = t ? (const char *)t : "";
                }
                fn(d, cells, ctx);
        }
        sqlite3_finalize(st);
        return rc;
}

/* ---- requests ---------------------------------------------------------- */

#define REQ_YEAR  " FROM dsr_requests WHERE received_on >= ?1 AND received_on < ?2"
#define CLOSED_ON LOCAL_DATE("closed_at")

static const char *const type_labels[RK_DSR_TYPE_COUNT] = {
    [RK_DSR_ACCESS] = N_("Access (Art. 15)"),
    [RK_DSR_RECTIFICATION] = N_("Rectification (Art. 16)"),
    [RK_DSR_ERASURE] = N_("Erasure (Art. 17)"),
    [RK_DSR_RESTRICTION] = N_("Restriction (Art. 18)"),
    [RK_DSR_OBJECTION] = N_("Objection (Art. 21)"),
    [RK_DSR_PORTABILITY] = N_("Portability (Art. 20)"),
    [RK_DSR_CONSENT_WITHDRAWAL] = N_("Consent withdrawal (Art. 7(3))"),
};

struct req_counts {
        int64_t received, answered, on_time, late, extended, open;
        int64_t *days; /* answer times of the answered, in days */
        size_t ndays;
};

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

static void collect_day(struct rk_doc *d, const char *const *cells, void *ctx)
{
        struct req_counts *c = ctx;
        int64_t *more = realloc(c->days, (c->ndays + 1) * sizeof(*more));
        if (more == NULL) {
                rk_doc_fail(d);
                return;
        }
        c->days = more;
        c->days[c->ndays++] = strtoll(cells[0], NULL, 10);
}

/* The counts of requests of type (NULL: all), received in the period. */
static int request_counts(sqlite3 *db, const struct period *p, const char *type,
                          struct req_counts *c, struct rk_doc *d, struct rk_error *err)
{
        char sql[640], where[64] = "";
        if (type != NULL) /* a fixed name from dsr.c, never input */
                snprintf(where, sizeof(where), " AND type = '%s'", type);
        static const char *const exprs[] = {
            "count(*)",
            "sum(status = 'closed')",
            "sum(status = 'closed' AND " CLOSED_ON " <= due_on)",
            "sum((status = 'closed' AND " CLOSED_ON " > due_on) OR"
            " (status <> 'closed' AND due_on < ?3))",
            "sum(extended)",
            "sum(status <> 'closed')",
        };
        int64_t *slots[] = {&c->received, &c->answered, &c->on_time,
                            &c->late,     &c->extended, &c->open};
        int rc = RK_OK;
        for (size_t i = 0; i < 6 && rc == RK_OK; i++) {
                snprintf(sql, sizeof(sql), "SELECT ifnull(%s,0)" REQ_YEAR "%s", exprs[i],
                         where);
                rc = scalar(db, p, sql, slots[i], err);
        }
        snprintf(sql, sizeof(sql),
                 "SELECT CAST(julianday(" CLOSED_ON
                 ") - julianday(received_on) AS INTEGER)" REQ_YEAR
                 " AND status = 'closed'%s",
                 where);
        if (rc == RK_OK)
                rc = each_row(db, p, sql, 1, collect_day, d, c, err);
        if (c->ndays > 0)
                qsort(c->days, c->ndays, sizeof(*c->days), cmp_i64);
        return rc;
}

static void request_row(struct rk_doc *d, const char *label, const struct req_counts *c)
{
        char v[8][32];
        int64_t nums[] = {c->received, c->answered, c->on_time,
                          c->late,     c->extended, c->open};
        for (int i = 0; i < 6; i++)
                snprintf(v[i], sizeof(v[i]), "%" PRId64, nums[i]);
        if (c->ndays == 0) {
                snprintf(v[6], sizeof(v[6]), "-");
                snprintf(v[7], sizeof(v[7]), "-");
        } else {
                /* the median of an even count is the mean of the middle two */
                int64_t a = c->days[(c->ndays - 1) / 2], b = c->days[c->ndays / 2];
                snprintf(v[6], sizeof(v[6]), (a + b) % 2 ? "%" PRId64 ".5" : "%" PRId64,
                         (a + b) / 2);
                snprintf(v[7], sizeof(v[7]), "%" PRId64, c->days[c->ndays - 1]);
        }
        const char *row[] = {label, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
        rk_doc_row(d, false, 9, row);
}

static void extended_item(struct rk_doc *d, const char *const *c, void *ctx)
{
        (void)ctx;
        char received[16], due[16];
        rk_doc_date(d, c[2], received);
        rk_doc_date(d, c[3], due);
        int t = rk_dsr_type_parse(c[1]);
        rk_doc_item(d, _("Request %s (%s), received %s, due %s: %s"), c[0],
                    t >= 0 ? _(type_labels[t]) : c[1], received, due, c[4]);
}

static int requests(sqlite3 *db, const struct period *p, struct rk_doc *d,
                    struct rk_error *err)
{
        rk_doc_heading(d, 2, "%s", _("1. Data subject requests"));
        rk_doc_para(d, "%s",
                    _("Requests received in the period. Answered means closed with the "
                      "outcome told to the person; times are in days from receipt."));
        const char *head[] = {_("Type"),       _("Received"),    _("Answered"),
                              _("On time"),    _("Late"),        _("Extended"),
                              _("Still open"), _("Median days"), _("Longest days")};
        rk_doc_row(d, true, 9, head);
        int rc = RK_OK;
        for (int t = 0; t <= RK_DSR_TYPE_COUNT && rc == RK_OK; t++) {
                struct req_counts c = {0};
                const char *type =
                    t < RK_DSR_TYPE_COUNT ? rk_dsr_type_name((enum rk_dsr_type)t) : NULL;
                rc = request_counts(db, p, type, &c, d, err);
                if (rc == RK_OK && (type == NULL || c.received > 0))
                        request_row(d, type ? _(type_labels[t]) : _("All requests"), &c);
                free(c.days);
        }
        int64_t extended = 0;
        if (rc == RK_OK)
                rc = scalar(db, p, "SELECT count(*)" REQ_YEAR " AND extended = 1",
                            &extended, err);
        if (rc == RK_OK)
                rk_doc_heading(d, 3, "%s", _("Extended deadlines and their reasons"));
        if (rc == RK_OK && extended == 0)
                rk_doc_para(d, "%s", _("No deadline was extended."));
        if (rc == RK_OK)
                rc = each_row(db, p,
                              "SELECT id, type, received_on, due_on,"
                              " ifnull(extension_reason,'')" REQ_YEAR
                              " AND extended = 1 ORDER BY id",
                              5, extended_item, d, NULL, err);
        return rc;
}

/* ---- erasures and retention --------------------------------------------- */

static void rule_row(struct rk_doc *d, const char *const *c, void *ctx)
{
        (void)ctx;
        int r = rk_retention_rule_parse(c[0]);
        const char *row[] = {r >= 0 ? pw_rule_label((enum rk_retention_rule)r) : c[0],
                             c[1], c[2]};
        rk_doc_row(d, false, 3, row);
}

static int erasures(sqlite3 *db, const struct period *p, struct rk_doc *d,
                    struct rk_error *err)
{
        int64_t requests = 0, customers = 0, anonymised = 0;
        int rc = scalar(db, p,
                        "SELECT count(*) FROM dsr_requests WHERE type = 'erasure' AND"
                        " executed_at IS NOT NULL AND " LOCAL_DATE(
                            "executed_at") " >= ?1"
                                           " AND " LOCAL_DATE("executed_at") " < ?2",
                        &requests, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*) FROM dsr_subjects s JOIN dsr_requests r ON"
                            " r.id = s.request_id WHERE r.type = 'erasure' AND"
                            " s.kind = 'customer' AND r.executed_at IS NOT NULL "
                            "AND " LOCAL_DATE("r.executed_at") " >= ?1 AND " LOCAL_DATE(
                                "r.executed_at") " < ?2",
                            &customers, err);
        if (rc == RK_OK)
                rc = scalar(
                    db, p,
                    "SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL"
                    " AND " LOCAL_DATE("anonymised_at") " >= ?1 AND " LOCAL_DATE(
                        "anonymised_at") " < ?2",
                    &anonymised, err);
        if (rc != RK_OK)
                return rc;
        rk_doc_heading(d, 2, "%s", _("2. Erasures and anonymisations"));
        rk_doc_item(d,
                    _("Erasure requests carried out: %" PRId64 ", about %" PRId64
                      " customer records."),
                    requests, customers);
        rk_doc_item(d,
                    _("Customer records anonymised or erased in the period, for any "
                      "reason: %" PRId64 "."),
                    anonymised);
        rk_doc_heading(d, 3, "%s", _("By retention rule"));
        const char *head[] = {_("Rule"), _("Subjects"), _("Rows")};
        rk_doc_row(d, true, 3, head);
        return each_row(
            db, p,
            "SELECT c.rule, sum(c.done), sum(c.rows) FROM retention_run_counts c"
            " JOIN retention_runs r ON r.id = c.run_id WHERE r.today >= ?1 AND"
            " r.today < ?2 GROUP BY c.rule ORDER BY c.rule",
            3, rule_row, d, NULL, err);
}

static void run_item(struct rk_doc *d, const char *const *c, void *ctx)
{
        (void)ctx;
        char day[16];
        rk_doc_date(d, c[0], day);
        rk_doc_item(d,
                    _("A run on %s did not finish; the next run went on from where it "
                      "stopped."),
                    day);
}

static void first_last_item(struct rk_doc *d, const char *const *c, void *ctx)
{
        (void)ctx;
        char a[16], b[16];
        if (c[0][0] == '\0') /* no run in the period */
                return;
        rk_doc_date(d, c[0], a);
        rk_doc_date(d, c[1], b);
        rk_doc_item(d, _("First run %s, last run %s."), a, b);
}

static int runs(sqlite3 *db, const struct period *p, struct rk_doc *d,
                struct rk_error *err)
{
        int64_t total = 0, done = 0;
        const char *base = " FROM retention_runs WHERE today >= ?1 AND today < ?2";
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT count(*)%s", base);
        int rc = scalar(db, p, sql, &total, err);
        snprintf(sql, sizeof(sql), "SELECT count(*)%s AND status = 'done'", base);
        if (rc == RK_OK)
                rc = scalar(db, p, sql, &done, err);
        if (rc != RK_OK)
                return rc;
        rk_doc_heading(d, 2, "%s", _("3. Retention runs"));
        rk_doc_item(d, _("Runs: %" PRId64 ", of which finished: %" PRId64 "."), total,
                    done);
        snprintf(sql, sizeof(sql), "SELECT min(today), max(today)%s", base);
        rc = each_row(db, p, sql, 2, first_last_item, d, NULL, err);
        if (rc != RK_OK)
                return rc;
        return each_row(
            db, p,
            "SELECT today FROM retention_runs WHERE today >= ?1 AND today < ?2"
            " AND status <> 'done' ORDER BY id",
            1, run_item, d, NULL, err);
}

static int holds(sqlite3 *db, const struct period *p, struct rk_doc *d,
                 struct rk_error *err)
{
        int64_t manual = 0, restricted = 0, requested = 0, restrictions = 0;
        int rc = scalar(db, p, "SELECT count(*) FROM retention_holds", &manual, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*) FROM customers WHERE restricted <> 0 AND"
                            " anonymised_at IS NULL",
                            &restricted, err);
        if (rc == RK_OK)
                rc =
                    scalar(db, p,
                           "SELECT count(DISTINCT s.customer_id) FROM dsr_subjects s JOIN"
                           " dsr_requests r ON r.id = s.request_id WHERE r.status <> "
                           "'closed'",
                           &requested, err);
        if (rc == RK_OK)
                rc = scalar(
                    db, p,
                    "SELECT count(*) FROM dsr_requests WHERE type = 'restriction'"
                    " AND executed_at IS NOT NULL AND " LOCAL_DATE(
                        "executed_at") " >= ?1 AND " LOCAL_DATE("executed_at") " < ?2",
                    &restrictions, err);
        if (rc != RK_OK)
                return rc;
        rk_doc_heading(d, 2, "%s", _("4. Legal holds in force"));
        rk_doc_item(d, _("Manual legal holds: %" PRId64 "."), manual);
        rk_doc_item(d, _("Customers with an open request: %" PRId64 "."), requested);
        rk_doc_heading(d, 2, "%s", _("5. Restricted customers"));
        rk_doc_item(
            d, _("Customers whose processing is restricted (Art. 18) now: %" PRId64 "."),
            restricted);
        rk_doc_item(d, _("Restrictions carried out in the period: %" PRId64 "."),
                    restrictions);
        return RK_OK;
}

/* ---- the audit trail and the accounts ------------------------------------ */

/* by action, through the action index (audit_chain.h) */
#define AUDIT_YEAR " FROM audit_log WHERE at >= ?1 AND at < ?2 AND " AUDIT_ACTION_INDEXED

static int audit_trail(sqlite3 *db, const struct rk_config *cfg, const struct period *p,
                       struct rk_doc *d, bool *broken, struct rk_error *err)
{
        struct rk_audit_verify_opts o = {.retention_months = cfg->audit_retention_months};
        struct rk_audit_verdict v;
        int64_t checks = 0, failed = 0;
        int rc = rk_audit_verify_with(db, &o, &v, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*)" AUDIT_YEAR " AND action = 'audit.verify'",
                            &checks, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*)" AUDIT_YEAR
                            " AND action = 'audit.verify' AND result <> 'ok'",
                            &failed, err);
        if (rc != RK_OK)
                return rc;
        *broken = !v.ok;
        rk_doc_heading(d, 2, "%s", _("6. Audit trail"));
        if (v.ok)
                rk_doc_item(d,
                            _("Verified while this report was made: intact, %" PRId64
                              " entries checked."),
                            v.rows);
        else
                rk_doc_item(d,
                            _("Verified while this report was made: NOT intact; the "
                              "first entry that is not as written is %" PRId64 "."),
                            v.bad_id);
        rk_doc_item(d, _("Chain head: %s"), v.head);
        rk_doc_item(d,
                    _("Verifications run in the period: %" PRId64
                      ", of which failed: %" PRId64 "."),
                    checks, failed);
        return RK_OK;
}

static int accounts(sqlite3 *db, const struct period *p, struct rk_doc *d,
                    int64_t *without_mfa, struct rk_error *err)
{
        int64_t created = 0, disabled = 0, active = 0, mfa = 0, lockouts = 0,
                failures = 0;
        int rc = scalar(db, p,
                        "SELECT count(*) FROM users WHERE " LOCAL_DATE(
                            "created_at") " >= ?1 AND " LOCAL_DATE("created_at") " < ?2",
                        &created, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*)" AUDIT_YEAR " AND action = 'account.disable'"
                            " AND result = 'ok'",
                            &disabled, err);
        if (rc == RK_OK)
                rc = scalar(db, p, "SELECT count(*) FROM users WHERE disabled = 0",
                            &active, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*) FROM users WHERE disabled = 0 AND"
                            " totp_secret IS NOT NULL",
                            &mfa, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*)" AUDIT_YEAR " AND action = 'login.lockout'",
                            &lockouts, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*)" AUDIT_YEAR " AND action = 'login.failure'",
                            &failures, err);
        if (rc != RK_OK)
                return rc;
        *without_mfa = active - mfa;
        rk_doc_heading(d, 2, "%s", _("7. Staff accounts"));
        rk_doc_item(
            d, _("Accounts created in the period: %" PRId64 "; disabled: %" PRId64 "."),
            created, disabled);
        rk_doc_item(d,
                    _("Active accounts now: %" PRId64 ", of which with a second factor "
                      "enrolled: %" PRId64 " (%d %%)."),
                    active, mfa, active > 0 ? (int)(mfa * 100 / active) : 100);
        rk_doc_item(d,
                    _("Lockouts after repeated failed logins in the period: %" PRId64
                      "; failed logins: %" PRId64 "."),
                    lockouts, failures);
        return RK_OK;
}

/* ---- open items ----------------------------------------------------------- */

static void overdue_item(struct rk_doc *d, const char *const *c, void *ctx)
{
        (void)ctx;
        char due[16];
        rk_doc_date(d, c[2], due);
        int t = rk_dsr_type_parse(c[1]);
        rk_doc_item(d, _("Request %s (%s) was due %s and is not answered."), c[0],
                    t >= 0 ? _(type_labels[t]) : c[1], due);
}

struct open_state {
        bool broken;
        int64_t without_mfa;
        size_t gaps;
};

static int open_items(sqlite3 *db, const struct period *p, const struct open_state *o,
                      struct rk_doc *d, struct rk_error *err)
{
        int64_t overdue = 0, soon = 0, last_run = 0, unfinished = 0;
        int rc = scalar(db, p,
                        "SELECT count(*) FROM dsr_requests WHERE status <> 'closed' AND"
                        " due_on < ?3",
                        &overdue, err);
        if (rc == RK_OK)
                rc = scalar(
                    db, p,
                    "SELECT count(*) FROM dsr_requests WHERE status <> 'closed' AND"
                    " due_on >= ?3 AND julianday(due_on) - julianday(?3) <= 14",
                    &soon, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT ifnull(CAST(julianday(?3) - julianday(max(today)) AS"
                            " INTEGER), -1) FROM retention_runs",
                            &last_run, err);
        if (rc == RK_OK)
                rc = scalar(db, p,
                            "SELECT count(*) FROM retention_runs WHERE status <> 'done'",
                            &unfinished, err);
        if (rc != RK_OK)
                return rc;
        rk_doc_heading(d, 2, "%s", _("8. Open items that need action"));
        size_t before = 0;
        rc = each_row(db, p,
                      "SELECT id, type, due_on FROM dsr_requests WHERE status <> 'closed'"
                      " AND due_on < ?3 ORDER BY due_on, id",
                      3, overdue_item, d, NULL, err);
        before += (size_t)overdue;
        if (soon > 0)
                rk_doc_item(d, _("Requests due within 14 days: %" PRId64 "."), soon);
        if (last_run < 0)
                rk_doc_item(d, "%s", _("Retention has never been run."));
        else if (last_run > 1)
                rk_doc_item(d,
                            _("Retention last ran %" PRId64 " days ago; it should run "
                              "daily."),
                            last_run);
        if (unfinished > 0)
                rk_doc_item(d, _("Retention runs that did not finish: %" PRId64 "."),
                            unfinished);
        if (o->broken)
                rk_doc_item(d, "%s",
                            _("The audit trail is not intact: find out why with "
                              "\"rekisteri audit verify\"."));
        if (o->without_mfa > 0)
                rk_doc_item(d, _("Active accounts without a second factor: %" PRId64 "."),
                            o->without_mfa);
        if (o->gaps > 0)
                rk_doc_item(d,
                            _("Gaps in the configuration for the record and the notice: "
                              "%zu (rekisteri privacy check)."),
                            o->gaps);
        bool none = before == 0 && soon == 0 && last_run >= 0 && last_run <= 1 &&
                    unfinished == 0 && !o->broken && o->without_mfa == 0 && o->gaps == 0;
        if (rc == RK_OK && none)
                rk_doc_para(d, "%s", _("Nothing needs action."));
        return rc;
}

int pv_report(sqlite3 *db, const struct rk_config *cfg, const char *today, int year,
              struct rk_doc *d, struct rk_error *err)
{
        struct period p;
        char a[16], b[16], now[16], first[16], last[16];
        snprintf(p.from, sizeof(p.from), "%04d-01-01", year % 10000);
        snprintf(p.to, sizeof(p.to), "%04d-01-01", (year + 1) % 10000);
        snprintf(p.today, sizeof(p.today), "%.10s", today);
        snprintf(first, sizeof(first), "%04d-01-01", year % 10000);
        snprintf(last, sizeof(last), "%04d-12-31", year % 10000);
        rk_doc_date(d, first, a);
        rk_doc_date(d, last, b);
        rk_doc_date(d, today, now);
        rk_doc_heading(d, 1, _("Accountability report %d"), year);
        rk_doc_para(
            d,
            _("%s: customer register, %s to %s. Generated from the register on %s. "
              "Counts and dates only: the report holds no one's personal data."),
            pw_controller_name(cfg)[0] ? pw_controller_name(cfg) : _("(not set)"), a, b,
            now);
        char **gaps = NULL;
        struct open_state o = {0};
        int rc = rk_privacy_gaps(cfg, &gaps, &o.gaps, err);
        rk_privacy_gaps_free(gaps, o.gaps);
        if (rc == RK_OK)
                rc = requests(db, &p, d, err);
        if (rc == RK_OK)
                rc = erasures(db, &p, d, err);
        if (rc == RK_OK)
                rc = runs(db, &p, d, err);
        if (rc == RK_OK)
                rc = holds(db, &p, d, err);
        if (rc == RK_OK)
                rc = audit_trail(db, cfg, &p, d, &o.broken, err);
        if (rc == RK_OK)
                rc = accounts(db, &p, d, &o.without_mfa, err);
        if (rc == RK_OK)
                rc = open_items(db, &p, &o, d, err);
        return rc;
}
