/*
 * retention.h - storage limitation (GDPR Art. 5(1)(e)): rules that
 * anonymise or delete data past its period, planned, explained, run in
 * bounded batches and audited.
 *
 * One rule per data category, each with a period counted from a defined
 * event (config [retention]; the bookkeeping period is [requests]):
 *
 *   rule         subjects                          event               action
 *   prospects    customers with no orders          last activity       anonymise|delete
 *   inactive     customers with orders             last order/contact  anonymise|delete
 *   bookkeeping  order rows of anonymised          end of the order's  anonymise (keep)|
 *                customers                         financial year      delete
 *   notes        notes                             written             delete
 *   consents     withdrawn consents (proof)        withdrawal          delete
 *   requests     closed data-subject requests      closing             delete
 *   audit        audit rows ([audit] retention_months)  written        delete
 *
 * A customer is forgotten only through forget.h (rk_forget_customer_
 * deferred): "anonymise" is RK_FORGET_ANONYMISE (every order stays with its
 * amounts and quantities, the person goes), "delete" is RK_FORGET_ERASE
 * (orders past the bookkeeping hold go too; held ones stay). Either way the
 * customer row stays as a stub without personal data, so its number is
 * never reused. Notes, withdrawn consents and closed requests are rows, not
 * people: their rule deletes the rows.
 *
 * Holds: a customer who is a subject of a request that is not closed, who
 * is restricted (Art. 18: kept for the person's legal claims), or who is
 * under a manual legal hold (rk_retention_hold, with a recorded reason) is
 * skipped by every rule but the audit one; the plan lists each skip with
 * its reason.
 *
 * A subject is due when its event plus the period (calendar months,
 * clock.h rk_date_add_months) is on or before "today". Today comes from
 * rk_clock_now() (clock.h), the one clock unit tests can move; the run has
 * no other way to be told the date. A plan may be computed for another
 * day (rk_retention_plan as_of): it changes nothing.
 *
 * A run plans again from the current state, then works through the due
 * subjects in batches of [retention] batch_size, each batch one
 * transaction with its audit rows ("retention.anonymise"/"retention.delete",
 * one per subject, target = the rule), its erasure-ledger entries (written
 * before the COMMIT, ledger.h) and its counts in retention_run_counts. A run
 * that is killed leaves whole batches done and the rest untouched; running
 * again finishes the work, with the same end state. Every run ends by
 * merging the search index (rk_forget_optimize_index), pruning the audit
 * trail (rk_audit_prune), truncating the WAL (rk_forget_flush), and writing
 * a "retention.run" audit row with the counts per rule and a syslog line.
 *
 * Every session call needs the "retention" action (RK_ACTION_RETENTION).
 */
#ifndef REKISTERI_RETENTION_H
#define REKISTERI_RETENTION_H

#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/config.h"
#include "rekisteri/error.h"
#include "rekisteri/orders.h"
#include "rekisteri/session.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rk_retention_rule {
        RK_RULE_PROSPECTS,
        RK_RULE_INACTIVE,
        RK_RULE_BOOKKEEPING,
        RK_RULE_NOTES,
        RK_RULE_CONSENTS,
        RK_RULE_REQUESTS,
        RK_RULE_AUDIT,
        RK_RULE_COUNT
};

/* The order of the config choices "anonymise|delete". */
enum rk_retention_action { RK_RETAIN_ANONYMISE, RK_RETAIN_DELETE };

#define RK_RETENTION_REASON_MAX 500 /* characters of a manual hold's reason */
#define RK_RETENTION_TEXT       160

/* A rule as configured: for the plan, the CLI and the screen. */
struct rk_retention_rule_info {
        enum rk_retention_rule rule;
        const char *name;   /* "prospects", ... (static) */
        const char *label;  /* "Prospects with no orders" (static, translated) */
        const char *event;  /* "last activity" (static, translated) */
        const char *reason; /* why this period (static, translated) */
        int months;         /* the period in calendar months */
        enum rk_retention_action action;
        char period[32]; /* "24 months", "6 years" */
};

/* One subject a rule acts on. */
struct rk_retention_item {
        int64_t customer_id; /* the customer, 0 for a request about nobody */
        int64_t record_id;   /* requests rule: the request id; else customer_id */
        char number[RK_CUSTOMER_NUMBER_SIZE]; /* customer number, "" when none */
        char due_on[RK_DATE_TEXT];            /* the day it fell due */
        int64_t rows;                         /* rows deleted or anonymised */
};

/* A subject a rule would act on but does not, and why. */
struct rk_retention_skip {
        int64_t customer_id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        char due_on[RK_DATE_TEXT];
        char reason[RK_RETENTION_TEXT]; /* "legal hold: ...", "open request 12", ... */
};

struct rk_retention_rule_plan {
        struct rk_retention_rule_info info;
        struct rk_retention_item *items; /* due today, ordered by customer */
        size_t n;
        int64_t rows; /* sum of the items' rows (audit: rows to prune) */
        struct rk_retention_skip *skipped;
        size_t nskipped;
        char next_due[RK_DATE_TEXT]; /* the next day something falls due, "" */
        int64_t next_count;          /* subjects due on next_due */
};

struct rk_retention_plan {
        char today[RK_DATE_TEXT];
        struct rk_retention_rule_plan rules[RK_RULE_COUNT];
};

/* rk_retention_rule_name - "prospects", ...; parse gives -1 when unknown. */
const char *rk_retention_rule_name(enum rk_retention_rule r);
int rk_retention_rule_parse(const char *name);

/* rk_retention_rules - the rules in force under cfg, in rule order, into
 * out[RK_RULE_COUNT]. */
void rk_retention_rules(const struct rk_config *cfg,
                        struct rk_retention_rule_info out[RK_RULE_COUNT]);

/*
 * rk_retention_plan_db - what a run on day `today` (YYYY-MM-DD) would do,
 * read from db without changing it. Free with rk_retention_plan_clear.
 * RK_ERR_INVALID for a malformed date; database errors.
 */
int rk_retention_plan_db(sqlite3 *db, const struct rk_config *cfg, const char *today,
                         struct rk_retention_plan *out, struct rk_error *err);

/*
 * rk_retention_plan - rk_retention_plan_db for the session's register, for
 * day as_of (YYYY-MM-DD, or NULL for today). A plan changes nothing, so any
 * day is allowed; it is audited as "retention.plan". RK_ERR_DENIED without
 * the retention action.
 */
int rk_retention_plan(struct rk_session *s, const char *as_of,
                      struct rk_retention_plan *out, struct rk_error *err);

void rk_retention_plan_clear(struct rk_retention_plan *p);

/* What a run did, per rule. */
struct rk_retention_summary {
        int64_t run_id;
        char today[RK_DATE_TEXT];
        int64_t started_at, finished_at; /* Unix time; finished 0 = interrupted */
        char by[64];                     /* who ran it */
        int64_t done[RK_RULE_COUNT];     /* subjects acted on (audit: rows) */
        int64_t rows[RK_RULE_COUNT];     /* rows deleted or anonymised */
        int64_t skipped[RK_RULE_COUNT];  /* held subjects left alone */
        bool flushed;                    /* WAL truncated, secure_delete on */
        char note[200];                  /* why not flushed, else "" */
};

/* Progress: done of total subjects so far, after each batch (and once at
 * 0). Must not use the database. */
typedef void (*rk_retention_progress)(void *ctx, int64_t done, int64_t total);

/*
 * rk_retention_run_db - run retention on db for the day of `now` (Unix
 * time), as actor. Who was forgotten is recorded in the register with each
 * batch (ledger.h); after each batch the ledger file of the register at
 * register_path is mirrored (NULL: no file, for benchmarks only). Each
 * batch also records the index merge as owed, which the end of the run
 * pays (or, after a kill, the next session). batch_size 0 means cfg's. *out (may be NULL)
 * gets the summary. Call outside a transaction. Returns RK_OK when every batch committed
 * (a WAL that other readers keep busy is not an error: out-> flushed is false and
 * out->note says why); on an error the batches before it stay committed and running again
 * goes on from there.
 */
int rk_retention_run_db(sqlite3 *db, const struct rk_config *cfg,
                        const struct rk_audit_actor *actor, int64_t now,
                        const char *register_path, int64_t batch_size,
                        rk_retention_progress progress, void *ctx,
                        struct rk_retention_summary *out, struct rk_error *err);

/*
 * rk_retention_run - rk_retention_run_db for the session's register, today
 * (rk_clock_now), with the ledger beside the register; the summary also
 * goes to syslog (LOG_USER, INFO). RK_ERR_DENIED without the retention
 * action.
 */
int rk_retention_run(struct rk_session *s, rk_retention_progress progress, void *ctx,
                     struct rk_retention_summary *out, struct rk_error *err);

/*
 * rk_retention_last_run - the newest run into *out (zeroed, run_id 0 when
 * there has been none). Not audited: it holds no personal data.
 */
int rk_retention_last_run(struct rk_session *s, struct rk_retention_summary *out,
                          struct rk_error *err);

/*
 * The outlook: what the supervisor's screen shows without planning on
 * opening. Per rule, as of `today`: subjects due now and not held, held
 * ones, those falling due by `ahead` (today + 30 days), and the next due
 * date. Computed by a counting plan (retention_outlook.c) after every
 * `retention run` and on request, and kept in the register, so opening
 * the screen reads 7 numbers instead of planning over every customer.
 */
struct rk_retention_outlook_rule {
        int64_t due, held, soon; /* audit: rows */
        char next_due[RK_DATE_TEXT];
};

struct rk_retention_outlook {
        bool known;          /* false: never computed */
        int64_t computed_at; /* Unix time */
        char today[RK_DATE_TEXT], ahead[RK_DATE_TEXT];
        struct rk_retention_outlook_rule rules[RK_RULE_COUNT];
};

/* A poll while long work goes on: step of steps done; return non-zero to
 * stop. Called at most every 100 ms; must not use the database. */
typedef int (*rk_retention_poll)(void *ctx, int step, int steps);

/* rk_retention_outlook_days - how far ahead the outlook looks (30). */
#define RK_RETENTION_OUTLOOK_DAYS 30

/*
 * rk_retention_outlook_read - the stored outlook into *out (known false
 * when none was computed). Cheap (one row); not audited: it holds counts
 * only. RK_ERR_DENIED without the retention action.
 */
int rk_retention_outlook_read(struct rk_session *s, struct rk_retention_outlook *out,
                              struct rk_error *err);

/*
 * rk_retention_outlook_refresh - compute the outlook for today (rk_clock)
 * with one counting plan to today + RK_RETENTION_OUTLOOK_DAYS, store it
 * and return it in *out. Audited as a plan ("retention.plan"). poll (may
 * be NULL) can stop it: then *cancelled is true, nothing is stored and
 * *out is the previous outlook. RK_ERR_DENIED without the retention action.
 */
int rk_retention_outlook_refresh(struct rk_session *s, rk_retention_poll poll, void *ctx,
                                 bool *cancelled, struct rk_retention_outlook *out,
                                 struct rk_error *err);

/* A manual legal hold. */
struct rk_retention_hold_row {
        int64_t customer_id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        char reason[4 * RK_RETENTION_REASON_MAX + 1];
        char held_by[64];
        int64_t held_at;
};

/*
 * rk_retention_hold - put the customer numbered `number` under a manual
 * legal hold with reason (1..RK_RETENTION_REASON_MAX characters of one
 * line; describe the matter, e.g. "dispute, case 2026/14", not personal
 * details). Holding again replaces the reason. The number of a customer
 * merged into another holds the survivor, as every customer number does
 * (merge.h); held (RK_CUSTOMER_NUMBER_SIZE, may be NULL) gets the number of
 * the customer held. Audited "retention.hold".
 * RK_ERR_NOTFOUND, RK_ERR_INVALID (reason; an anonymised customer).
 */
int rk_retention_hold(struct rk_session *s, const char *number, const char *reason,
                      char *held, struct rk_error *err);

/* rk_retention_release - lift the hold (a merged number's: the survivor's;
 * held as for rk_retention_hold); RK_ERR_NOTFOUND when the customer is
 * unknown or not held. Audited "retention.release". */
int rk_retention_release(struct rk_session *s, const char *number, char *held,
                         struct rk_error *err);

/* rk_retention_holds - every manual hold, by customer number, into a
 * malloc'd array (free()). */
int rk_retention_holds(struct rk_session *s, struct rk_retention_hold_row **out,
                       size_t *n, struct rk_error *err);

#endif
