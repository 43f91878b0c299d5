/*
 * retention_rules.c - the retention rules as one declarative table (name,
 * label, event, the reason for the period, where the period and action
 * come from in the config, the events query), and the date arithmetic
 * that turns "period after event" into a cutoff date for a day.
 *
 * Periods in months follow clock.h (rk_date_add_months: the same day of
 * the later month, or its last day). The bookkeeping rule is different:
 * an order is kept until the end of its financial year plus
 * bookkeeping_years (hold.c, rk_hold_until), the same rule erasure obeys,
 * and falls due the day after.
 */
#include "retention_db.h"
#include "rekisteri/forget.h"
#include "rekisteri/i18n.h"
#include "sql.h"

#include <stdio.h>
#include <string.h>

/* The event date of a customer with no orders: its last activity, or the
 * day it was created when it has none. */
#define CUSTOMER_EVENT                                                                   \
        "COALESCE(substr(c.last_activity,1,10),"                                         \
        " date(c.created_at,'unixepoch','localtime'))"

static const char prospects_sql[] =
    "SELECT c.id AS customer_id, c.id AS record_id, c.number AS number, " CUSTOMER_EVENT
    " AS ev, 1 AS rows FROM customers c WHERE c.anonymised_at IS NULL"
    " AND c.id BETWEEN ?2 AND ?3"
    " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)";

/* scalar max() of SQLite is NULL when an argument is: both are COALESCEd */
static const char inactive_sql[] =
    "SELECT c.id AS customer_id, c.id AS record_id, c.number AS number,"
    " max(COALESCE(substr(c.last_activity,1,10),''),"
    " COALESCE((SELECT max(o.ordered_on) FROM orders o WHERE o.customer_id = c.id),''))"
    " AS ev, 1 AS rows FROM customers c WHERE c.anonymised_at IS NULL"
    " AND c.id BETWEEN ?2 AND ?3"
    " AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)";

static const char bookkeeping_sql[] =
    "SELECT c.id AS customer_id, c.id AS record_id, c.number AS number,"
    " o.ordered_on AS ev, 1 AS rows FROM customers c JOIN orders o"
    " ON o.customer_id = c.id WHERE c.anonymised_at IS NOT NULL"
    " AND c.id BETWEEN ?2 AND ?3";

static const char notes_sql[] =
    "SELECT n.customer_id AS customer_id, n.customer_id AS record_id,"
    " c.number AS number, substr(n.created_at,1,10) AS ev, 1 AS rows"
    " FROM notes n JOIN customers c ON c.id = n.customer_id"
    " WHERE n.customer_id BETWEEN ?2 AND ?3";

static const char consents_sql[] =
    "SELECT k.customer_id AS customer_id, k.customer_id AS record_id,"
    " c.number AS number, k.withdrawn_on AS ev, 1 AS rows"
    " FROM consents k JOIN customers c ON c.id = k.customer_id"
    " WHERE k.withdrawn_on IS NOT NULL AND k.customer_id BETWEEN ?2 AND ?3";

/* A request names its subjects by number; the first one stands for it. */
static const char requests_sql[] =
    "SELECT COALESCE((SELECT s.customer_id FROM dsr_subjects s WHERE"
    " s.request_id = r.id ORDER BY s.customer_number LIMIT 1), 0) AS customer_id,"
    " r.id AS record_id, COALESCE((SELECT s.customer_number FROM dsr_subjects s"
    " WHERE s.request_id = r.id ORDER BY s.customer_number LIMIT 1), '') AS number,"
    " date(r.closed_at,'unixepoch','localtime') AS ev, 1 AS rows"
    " FROM dsr_requests r WHERE r.status = 'closed' AND r.closed_at IS NOT NULL"
    " AND r.id BETWEEN ?2 AND ?3";

enum unit { MONTHS, YEARS };

struct rule_def {
        const char *name, *label, *event, *reason;
        size_t period_offset; /* in struct rk_config */
        enum unit unit;
        long action_offset; /* -1: always delete */
        const char *sql;
};

#define C(field) offsetof(struct rk_config, field)

static const struct rule_def rules[RK_RULE_COUNT] = {
    [RK_RULE_PROSPECTS] = {"prospects", N_("Prospects with no orders"),
                           N_("last activity"),
                           N_("no purchase in two years: the legitimate interest in a "
                              "prospect has ended"),
                           C(prospects_months), MONTHS, (long)C(prospects_action),
                           prospects_sql},
    [RK_RULE_INACTIVE] = {"inactive", N_("Inactive customers"),
                          N_("last order or contact"),
                          N_("claims from a sale are time-barred after three years "
                             "(Limitation Act 728/2003)"),
                          C(inactive_months), MONTHS, (long)C(inactive_action),
                          inactive_sql},
    [RK_RULE_BOOKKEEPING] = {"bookkeeping", N_("Order and invoice rows"),
                             N_("end of the financial year"),
                             N_("Accounting Act 1336/1997 2:10; amounts and quantities "
                                "are kept, the person is not"),
                             C(bookkeeping_years), YEARS, (long)C(bookkeeping_action),
                             bookkeeping_sql},
    [RK_RULE_NOTES] = {"notes", N_("Notes"), N_("written"),
                       N_("working notes: a sales cycle; free text is the riskiest data"),
                       C(notes_months), MONTHS, -1, notes_sql},
    [RK_RULE_CONSENTS] = {"consents", N_("Withdrawn consents (proof)"), N_("withdrawal"),
                          N_("proof of consent (GDPR Art. 7(1)) until claims are "
                             "time-barred"),
                          C(withdrawn_consents_years), YEARS, -1, consents_sql},
    [RK_RULE_REQUESTS] = {"requests", N_("Closed subject requests"), N_("closing"),
                          N_("proof of how a request was handled (Art. 5(2)) until "
                             "claims are time-barred"),
                          C(closed_requests_years), YEARS, -1, requests_sql},
    [RK_RULE_AUDIT] = {"audit", N_("Audit rows"), N_("written"),
                       N_("the supervisory look-back; audit rows hold no values"),
                       C(audit_retention_months), MONTHS, -1, NULL},
};

static long long cfg_value(const struct rk_config *cfg, size_t offset)
{
        long long v;
        memcpy(&v, (const char *)cfg + offset, sizeof(v));
        return v;
}

const char *rk_retention_rule_name(enum rk_retention_rule r)
{
        return (unsigned)r < RK_RULE_COUNT ? rules[r].name : "?";
}

int rk_retention_rule_parse(const char *name)
{
        for (int r = 0; name != NULL && r < RK_RULE_COUNT; r++) {
                if (strcmp(rules[r].name, name) == 0)
                        return r;
        }
        return -1;
}

/* "6 years", "24 months": a static buffer, used at once. */
static const char *period_text(long long v, bool years)
{
        static char buf[32];
        unsigned long k = (unsigned long)v;
        if (years)
                snprintf(buf, sizeof(buf), ngettext("%lld year", "%lld years", k), v);
        else
                snprintf(buf, sizeof(buf), ngettext("%lld month", "%lld months", k), v);
        return buf;
}

void rk_retention_rules(const struct rk_config *cfg,
                        struct rk_retention_rule_info out[RK_RULE_COUNT])
{
        for (int r = 0; r < RK_RULE_COUNT; r++) {
                const struct rule_def *d = &rules[r];
                long long v = cfg_value(cfg, d->period_offset);
                struct rk_retention_rule_info *i = &out[r];
                memset(i, 0, sizeof(*i));
                i->rule = (enum rk_retention_rule)r;
                i->name = d->name;
                i->label = _(d->label);
                i->event = _(d->event);
                i->reason = _(d->reason);
                i->months = (int)(d->unit == YEARS ? v * 12 : v);
                i->action = d->action_offset < 0 ? RK_RETAIN_DELETE
                                                 : (enum rk_retention_action)cfg_value(
                                                       cfg, (size_t)d->action_offset);
                snprintf(i->period, sizeof(i->period), "%s",
                         d->unit == YEARS ? period_text(v, true) : period_text(v, false));
        }
}

const char *ret_events_sql(enum rk_retention_rule r, const struct rk_config *cfg)
{
        if (r == RK_RULE_BOOKKEEPING && cfg->bookkeeping_action == RK_RETAIN_ANONYMISE)
                return NULL; /* the rows of an anonymised customer are anonymous */
        return (unsigned)r < RK_RULE_COUNT ? rules[r].sql : NULL;
}

void ret_next_day(const char *date, char out[RK_DATE_TEXT])
{
        int y = 1900, m = 1, d = 1;
        rk_date_parse(date, &y, &m, &d);
        if (++d > rk_date_days_in_month(y, m)) {
                d = 1;
                if (++m > 12) {
                        m = 1;
                        y++;
                }
        }
        snprintf(out, RK_DATE_TEXT, "%04u-%02u-%02u", (unsigned)y % 10000u,
                 (unsigned)m % 100u, (unsigned)d % 100u);
}

/* The latest day e with e + months <= today (calendar months). */
static int months_cutoff(const char *today, int months, char out[RK_DATE_TEXT],
                         struct rk_error *err)
{
        int y, m, d;
        if (!rk_date_parse(today, &y, &m, &d))
                return rk_error_set(err, RK_ERR_INVALID, "not a date (YYYY-MM-DD)");
        int index = y * 12 + (m - 1) - months;
        y = index / 12;
        m = index % 12 + 1;
        if (d > rk_date_days_in_month(y, m))
                d = rk_date_days_in_month(y, m);
        snprintf(out, RK_DATE_TEXT, "%04u-%02u-%02u", (unsigned)y % 10000u,
                 (unsigned)m % 100u, (unsigned)d % 100u);
        /* a day clamped to a short month: the next days may reach today too */
        for (int i = 0; i < 4; i++) {
                char next[RK_DATE_TEXT], due[RK_DATE_TEXT];
                ret_next_day(out, next);
                if (rk_date_add_months(next, months, due, err) != RK_OK)
                        return RK_ERR_INVALID;
                if (strcmp(due, today) > 0)
                        break;
                memcpy(out, next, RK_DATE_TEXT);
        }
        return RK_OK;
}

/* The last financial-year end whose bookkeeping hold has ended by today:
 * an order dated on or before it is past its hold. */
static int bookkeeping_cutoff(const struct rk_config *cfg, const char *today,
                              char out[RK_DATE_TEXT], struct rk_error *err)
{
        int ty;
        if (!rk_date_parse(today, &ty, NULL, NULL))
                return rk_error_set(err, RK_ERR_INVALID, "not a date (YYYY-MM-DD)");
        int n = (int)cfg->bookkeeping_years;
        for (int y = ty - n + 1; y >= ty - n - 2; y--) {
                char end[RK_DATE_TEXT], until[RK_DATE_TEXT];
                snprintf(end, sizeof(end), "%04u-%02u-%02u", (unsigned)y % 10000u,
                         (unsigned)(cfg->financial_year_end / 100) % 100u,
                         (unsigned)(cfg->financial_year_end % 100) % 100u);
                int rc = rk_hold_until(cfg, end, until, err);
                if (rc != RK_OK)
                        return rc;
                if (strcmp(until, today) < 0) {
                        memcpy(out, end, RK_DATE_TEXT);
                        return RK_OK;
                }
        }
        return rk_error_set(err, RK_ERR_INTERNAL, "no financial year end found");
}

int ret_cutoff(const struct rk_config *cfg, enum rk_retention_rule r, const char *today,
               char cutoff[RK_DATE_TEXT], struct rk_error *err)
{
        struct rk_retention_rule_info info[RK_RULE_COUNT];
        if (r == RK_RULE_BOOKKEEPING)
                return bookkeeping_cutoff(cfg, today, cutoff, err);
        rk_retention_rules(cfg, info);
        return months_cutoff(today, info[r].months, cutoff, err);
}

int ret_due_on(const struct rk_config *cfg, enum rk_retention_rule r, const char *ev,
               char out[RK_DATE_TEXT], struct rk_error *err)
{
        struct rk_retention_rule_info info[RK_RULE_COUNT];
        if (r == RK_RULE_BOOKKEEPING) {
                char until[RK_DATE_TEXT];
                int rc = rk_hold_until(cfg, ev, until, err);
                if (rc == RK_OK)
                        ret_next_day(until, out);
                return rc;
        }
        rk_retention_rules(cfg, info);
        return rk_date_add_months(ev, info[r].months, out, err);
}

int ret_audit_before(const struct rk_config *cfg, const char *today,
                     char before[RK_DATE_TEXT], struct rk_error *err)
{
        char cutoff[RK_DATE_TEXT];
        int rc = ret_cutoff(cfg, RK_RULE_AUDIT, today, cutoff, err);
        if (rc == RK_OK)
                ret_next_day(cutoff, before);
        return rc;
}

int ret_still_due(sqlite3 *db, const struct rk_config *cfg, enum rk_retention_rule r,
                  int64_t record_id, const char *cutoff, bool *due, struct rk_error *err)
{
        char sql[2048];
        const char *events = ret_events_sql(r, cfg);
        *due = false;
        if (events == NULL)
                return RK_OK;
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s) WHERE ev <= ?1", events);
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "checking a retention rule", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, record_id);
        sqlite3_bind_int64(st, 3, record_id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                *due = sqlite3_column_int64(st, 0) > 0;
        else
                rc = rk_sql_fail(db, src, "checking a retention rule", err);
        sqlite3_finalize(st);
        return rc;
}
