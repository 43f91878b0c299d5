/*
 * retention_db.h - what the retention files share inside the core library
 * (retention_rules.c: the rule table and its date arithmetic;
 * retention_plan.c: the plan and the holds; retention_run.c: the run;
 * retention_hold.c: manual legal holds).
 *
 * Every rule but audit is one "events" query (retention_rules.c) that
 * yields, per row the rule may act on, (customer_id, record_id, number,
 * ev, rows): ev is the event date ("YYYY-MM-DD") the period runs from and
 * ?2..?3 is the range of record ids (one record: id..id, so the lookup
 * uses the index; all: 0..INT64_MAX). A row is due when ev is on or
 * before the rule's cutoff for the day (ret_cutoff), so the plan, the
 * recheck inside a batch, and a test's independent SQL all compare the
 * same dates.
 */
#ifndef REKISTERI_RETENTION_DB_H
#define REKISTERI_RETENTION_DB_H

#include "rekisteri/retention.h"

/* The rule's events query (see above), or NULL for the audit rule and for
 * a rule with nothing to do under cfg (bookkeeping with "anonymise"). */
const char *ret_events_sql(enum rk_retention_rule r, const struct rk_config *cfg);

/*
 * ret_cutoff - the latest event date that is due on `today` under rule r:
 * every ev <= cutoff is due, every later one is not. RK_ERR_INVALID for a
 * malformed date.
 */
int ret_cutoff(const struct rk_config *cfg, enum rk_retention_rule r, const char *today,
               char cutoff[RK_DATE_TEXT], struct rk_error *err);

/* ret_due_on - the day an event dated ev falls due under rule r. */
int ret_due_on(const struct rk_config *cfg, enum rk_retention_rule r, const char *ev,
               char out[RK_DATE_TEXT], struct rk_error *err);

/* ret_next_day - the calendar day after date (a valid date). */
void ret_next_day(const char *date, char out[RK_DATE_TEXT]);

/*
 * ret_hold_reason - why customer_id must be left alone (a manual legal
 * hold with its reason, an open request, a restriction) into reason
 * (RK_RETENTION_TEXT bytes, cut at a character boundary); *held false and
 * reason "" when nothing holds it.
 */
int ret_hold_reason(sqlite3 *db, int64_t customer_id, bool *held, char *reason,
                    struct rk_error *err);

/*
 * ret_item_held - ret_hold_reason for a plan item: for the requests rule,
 * every customer the request names; else the item's customer.
 */
int ret_item_held(sqlite3 *db, enum rk_retention_rule r,
                  const struct rk_retention_item *it, bool *held, char *reason,
                  struct rk_error *err);

/* ret_still_due - is record_id still due under rule r for cutoff (a run
 * rechecks inside its batch transaction: data may have changed since the
 * plan)? */
int ret_still_due(sqlite3 *db, const struct rk_config *cfg, enum rk_retention_rule r,
                  int64_t record_id, const char *cutoff, bool *due, struct rk_error *err);

/* ret_audit_before - the UTC day before which audit rows are due on today
 * ("at < before"), for rk_audit_prune. */
int ret_audit_before(const struct rk_config *cfg, const char *today,
                     char before[RK_DATE_TEXT], struct rk_error *err);

/* How a plan runs (ret_plan_db). Counting mode (split non-NULL): no subject
 * is kept in the plan; per rule, outlook->rules[] gets the unheld subjects
 * due on or before split (due), the held ones (held), the unheld ones due
 * after split up to the plan's day (soon) and the first due date after
 * split (next_due). poll (may be NULL) is called at most every 100 ms with
 * the rule in progress; non-zero stops the plan and sets cancelled. It
 * must not use the database. */
struct ret_plan_opts {
        const char *split;
        struct rk_retention_outlook *outlook;
        rk_retention_poll poll;
        void *poll_ctx;
        bool cancelled;
};

/* ret_plan_db - rk_retention_plan_db with opts (may be NULL). A stop asked
 * for by poll returns RK_OK with opts->cancelled set and a partial plan. */
int ret_plan_db(sqlite3 *db, const struct rk_config *cfg, const char *today,
                struct rk_retention_plan *out, struct ret_plan_opts *opts,
                struct rk_error *err);

/* ret_session_db / ret_require - the session's database; RK_ERR_DENIED
 * unless it holds the retention action. */
sqlite3 *ret_session_db(struct rk_session *s);
int ret_require(struct rk_session *s, struct rk_error *err);

#endif
