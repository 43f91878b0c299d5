/*
 * retention_plan.c - the dry run (see retention.h, rk_retention_plan): per
 * rule, the subjects due on a day, those skipped under a hold and why, and
 * when the next ones fall due; and the hold check the run repeats inside
 * each batch.
 *
 * Each rule's events query (retention_rules.c) is wrapped three ways: the
 * rows due (ev <= cutoff), grouped by record, with the earliest event for
 * the due date; the earliest event after the cutoff (the next due date);
 * and how many records fall due on that next day. Who is held (legal
 * hold, open request, restriction) is read once per plan into a sorted
 * array (load_held), not asked per subject: at a million customers the
 * per-subject queries were most of the plan's time.
 *
 * ret_plan_db also serves the screen's outlook (retention_outlook.c): in
 * counting mode it keeps no subject, only per-rule counts split at a day,
 * and a poll (called at most every 100 ms, from SQLite's progress handler
 * too) can stop it midway.
 */
#include "retention_db.h"
#include "rekisteri/dsr.h"
#include "rekisteri/i18n.h"
#include "sql.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

sqlite3 *ret_session_db(struct rk_session *s)
{
        return rk_register_db(rk_session_register(s));
}

int ret_require(struct rk_session *s, struct rk_error *err)
{
        if (rk_authorize_action(rk_session_grants(s), RK_ACTION_RETENTION))
                return RK_OK;
        return rk_error_set(err, RK_ERR_DENIED,
                            "your role may not plan or run retention");
}

/* Copy text into out (size bytes), cut at a UTF-8 character boundary. */
static void copy_cut(char *out, size_t size, const char *text)
{
        size_t n = strlen(text);
        if (n >= size) {
                n = size - 1;
                while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
                        n--;
        }
        memcpy(out, text, n);
        out[n] = '\0';
}

/* Why a customer is held, as people read it: kind 1 a legal hold (text:
 * its reason), 2 an open request (text: its type, id: its number), 3 a
 * restriction. */
static void hold_text(int kind, const char *text, int64_t id, char *out, size_t size)
{
        int type = rk_dsr_type_parse(text);
        char buf[RK_RETENTION_TEXT];
        if (kind == 1)
                snprintf(buf, sizeof(buf), _("legal hold: %s"), text != NULL ? text : "");
        else if (kind == 2)
                snprintf(buf, sizeof(buf), _("open request %lld (%s)"), (long long)id,
                         type >= 0 ? rk_dsr_type_label((enum rk_dsr_type)type)
                                   : (text != NULL ? text : ""));
        else
                snprintf(buf, sizeof(buf), "%s", _("restricted (Art. 18)"));
        copy_cut(out, size, buf);
}

static const char hold_sql[] =
    "SELECT reason, 1, 0 FROM retention_holds WHERE customer_id = ?1"
    " UNION ALL SELECT r.type, 2, r.id"
    " FROM dsr_subjects s JOIN dsr_requests r ON r.id = s.request_id"
    " WHERE s.customer_id = ?1 AND r.status != 'closed'"
    " UNION ALL SELECT '', 3, 0 FROM customers"
    " WHERE id = ?1 AND restricted = 1"
    " ORDER BY 2, 3 LIMIT 1";

int ret_hold_reason(sqlite3 *db, int64_t customer_id, bool *held, char *reason,
                    struct rk_error *err)
{
        sqlite3_stmt *st;
        *held = false;
        reason[0] = '\0';
        if (customer_id == 0)
                return RK_OK;
        int rc = rk_sql_prepare(db, hold_sql, &st, "checking retention holds", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, customer_id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                *held = true;
                hold_text(sqlite3_column_int(st, 1),
                          (const char *)sqlite3_column_text(st, 0),
                          sqlite3_column_int64(st, 2), reason, RK_RETENTION_TEXT);
        } else if (src != SQLITE_DONE) {
                rc = rk_sql_fail(db, src, "checking retention holds", err);
        }
        sqlite3_finalize(st);
        return rc;
}

int ret_item_held(sqlite3 *db, enum rk_retention_rule r,
                  const struct rk_retention_item *it, bool *held, char *reason,
                  struct rk_error *err)
{
        if (r != RK_RULE_REQUESTS)
                return ret_hold_reason(db, it->customer_id, held, reason, err);
        sqlite3_stmt *st;
        *held = false;
        reason[0] = '\0';
        int rc = rk_sql_prepare(db,
                                "SELECT DISTINCT customer_id FROM dsr_subjects"
                                " WHERE request_id = ? ORDER BY customer_id",
                                &st, "checking retention holds", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, it->record_id);
        bool row = false;
        while (rc == RK_OK && !*held &&
               (rc = rk_sql_row(st, &row, "checking retention holds", err)) == RK_OK &&
               row)
                rc = ret_hold_reason(db, sqlite3_column_int64(st, 0), held, reason, err);
        sqlite3_finalize(st);
        return rc;
}

/* Room for element n of an array of size-byte elements that holds n:
 * grown geometrically (16, then doubled each time n reaches a power of
 * two), so a plan of a million rows reallocates about 16 times. NULL when
 * out of memory. */
static void *grow(void **arr, size_t n, size_t size)
{
        if (n == 0 || (n >= 16 && (n & (n - 1)) == 0)) {
                size_t cap = n == 0 ? 16 : 2 * n;
                void *p = cap <= SIZE_MAX / size ? realloc(*arr, cap * size) : NULL;
                if (p == NULL)
                        return NULL;
                *arr = p;
        }
        return (char *)*arr + n * size;
}

/* A held customer and the first reason (in hold_sql's order). */
struct held {
        int64_t id;
        char reason[RK_RETENTION_TEXT];
};

/* One plan in the making: the held customers, read once, and the options. */
struct planner {
        sqlite3 *db;
        const struct rk_config *cfg;
        struct held *held; /* ordered by id, one per customer */
        size_t nheld;
        struct ret_plan_opts *opts; /* NULL: a plain plan */
        int rule;                   /* the rule being planned, for progress */
        int64_t last_poll;
};

/* Every held customer with the reason hold_sql would give first: one
 * query for the whole plan instead of one per subject. */
static const char held_sql[] =
    "SELECT customer_id, reason, 1, 0 FROM retention_holds"
    " UNION ALL SELECT s.customer_id, r.type,"
    " 2, r.id FROM dsr_subjects s JOIN dsr_requests r ON r.id = s.request_id"
    " WHERE r.status != 'closed' AND s.customer_id IS NOT NULL"
    " UNION ALL SELECT id, '', 3, 0 FROM customers"
    " WHERE restricted = 1"
    " ORDER BY 1, 3, 4";

static int load_held(struct planner *p, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(p->db, held_sql, &st, "checking retention holds", err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        while (rc == RK_OK &&
               (rc = rk_sql_row(st, &row, "checking retention holds", err)) == RK_OK &&
               row) {
                int64_t id = sqlite3_column_int64(st, 0);
                if (p->nheld > 0 && p->held[p->nheld - 1].id == id)
                        continue; /* a later reason for the same customer */
                struct held *h = grow((void **)&p->held, p->nheld, sizeof(*h));
                if (h == NULL) {
                        rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                        break;
                }
                h->id = id;
                hold_text(sqlite3_column_int(st, 2),
                          (const char *)sqlite3_column_text(st, 1),
                          sqlite3_column_int64(st, 3), h->reason, sizeof(h->reason));
                p->nheld++;
        }
        sqlite3_finalize(st);
        return rc;
}

/* ret_item_held, from the held customers read at the start. */
static int item_held(struct planner *p, enum rk_retention_rule r,
                     const struct rk_retention_item *it, bool *held, char *reason,
                     struct rk_error *err)
{
        if (r == RK_RULE_REQUESTS) /* few rows, and more than one subject each */
                return ret_item_held(p->db, r, it, held, reason, err);
        size_t lo = 0, hi = p->nheld;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (p->held[mid].id < it->customer_id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *held = lo < p->nheld && p->held[lo].id == it->customer_id;
        memcpy(reason, *held ? p->held[lo].reason : "", *held ? RK_RETENTION_TEXT : 1);
        return RK_OK;
}

/* Counting mode (opts->split): tally the record instead of keeping it. */
static void count_row(struct planner *p, const struct rk_retention_item *it, bool held)
{
        struct rk_retention_outlook_rule *o = &p->opts->outlook->rules[p->rule];
        if (strcmp(it->due_on, p->opts->split) <= 0) {
                if (held)
                        o->held++;
                else
                        o->due++;
                return;
        }
        if (!held)
                o->soon++;
}

static int keep_skip(struct rk_retention_rule_plan *rp,
                     const struct rk_retention_item *it, const char *reason,
                     struct rk_error *err)
{
        struct rk_retention_skip *k =
            grow((void **)&rp->skipped, rp->nskipped, sizeof(*k));
        if (k == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        memset(k, 0, sizeof(*k));
        k->customer_id = it->customer_id;
        memcpy(k->number, it->number, sizeof(k->number));
        memcpy(k->due_on, it->due_on, sizeof(k->due_on));
        memcpy(k->reason, reason, sizeof(k->reason));
        rp->nskipped++;
        return RK_OK;
}

static int add_row(struct planner *p, struct rk_retention_rule_plan *rp, sqlite3_stmt *st,
                   struct rk_error *err)
{
        struct rk_retention_item it;
        char reason[RK_RETENTION_TEXT];
        bool held = false;
        memset(&it, 0, sizeof(it));
        it.customer_id = sqlite3_column_int64(st, 0);
        it.record_id = sqlite3_column_int64(st, 1);
        copy_cut(it.number, sizeof(it.number), (const char *)sqlite3_column_text(st, 2));
        it.rows = sqlite3_column_int64(st, 4);
        int rc = ret_due_on(p->cfg, rp->info.rule,
                            (const char *)sqlite3_column_text(st, 3), it.due_on, err);
        if (rc == RK_OK)
                rc = item_held(p, rp->info.rule, &it, &held, reason, err);
        if (rc != RK_OK)
                return rc;
        if (p->opts != NULL && p->opts->split != NULL) {
                count_row(p, &it, held);
                return RK_OK;
        }
        if (held)
                return keep_skip(rp, &it, reason, err);
        struct rk_retention_item *slot = grow((void **)&rp->items, rp->n, sizeof(*slot));
        if (slot == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        *slot = it;
        rp->n++;
        rp->rows += it.rows;
        return RK_OK;
}

static int due_rows(struct planner *p, const char *events, const char *cutoff,
                    struct rk_retention_rule_plan *rp, struct rk_error *err)
{
        char sql[2048];
        snprintf(sql, sizeof(sql),
                 "SELECT customer_id, record_id, number, min(ev), sum(rows) FROM (%s)"
                 " WHERE ev <= ?1 GROUP BY record_id ORDER BY record_id",
                 events);
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(p->db, sql, &st, "planning retention", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, 0);
        sqlite3_bind_int64(st, 3, INT64_MAX);
        bool row = false;
        while (rc == RK_OK &&
               (rc = rk_sql_row(st, &row, "planning retention", err)) == RK_OK && row)
                rc = add_row(p, rp, st, err);
        sqlite3_finalize(st);
        return rc;
}

/* One text or integer out of a query with ?1 = a, ?2..?3 = every record,
 * ?4 = b. */
static int query_one(sqlite3 *db, const char *sql, const char *a, const char *b,
                     char *text, size_t size, int64_t *num, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "planning retention", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(st) >= 3) {
                sqlite3_bind_int64(st, 2, 0);
                sqlite3_bind_int64(st, 3, INT64_MAX);
        }
        if (b != NULL)
                sqlite3_bind_text(st, 4, b, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW && text != NULL) {
                const unsigned char *t = sqlite3_column_text(st, 0);
                copy_cut(text, size, t != NULL ? (const char *)t : "");
        } else if (src == SQLITE_ROW && num != NULL) {
                *num = sqlite3_column_int64(st, 0);
        } else if (src != SQLITE_ROW) {
                rc = rk_sql_fail(db, src, "planning retention", err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* The day the first event after cutoff falls due into out ("" when none). */
static int first_due_after(sqlite3 *db, const struct rk_config *cfg,
                           enum rk_retention_rule rule, const char *events,
                           const char *cutoff, char out[RK_DATE_TEXT],
                           struct rk_error *err)
{
        char sql[2048], ev[RK_DATE_TEXT + 8];
        out[0] = '\0';
        snprintf(sql, sizeof(sql), "SELECT min(ev) FROM (%s) WHERE ev > ?1", events);
        int rc = query_one(db, sql, cutoff, NULL, ev, sizeof(ev), NULL, err);
        if (rc != RK_OK || !rk_date_parse(ev, NULL, NULL, NULL))
                return rc;
        return ret_due_on(cfg, rule, ev, out, err);
}

/* When the next records fall due after the cutoff, and how many then. */
static int next_due(sqlite3 *db, const struct rk_config *cfg, const char *events,
                    const char *cutoff, struct rk_retention_rule_plan *rp,
                    struct rk_error *err)
{
        char sql[2048], later[RK_DATE_TEXT];
        int rc =
            first_due_after(db, cfg, rp->info.rule, events, cutoff, rp->next_due, err);
        if (rc != RK_OK || rp->next_due[0] == '\0')
                return rc;
        rc = ret_cutoff(cfg, rp->info.rule, rp->next_due, later, err);
        snprintf(sql, sizeof(sql),
                 "SELECT count(DISTINCT record_id) FROM (%s) WHERE ev > ?1 AND ev <= ?4",
                 events);
        if (rc == RK_OK)
                rc = query_one(db, sql, cutoff, later, NULL, 0, &rp->next_count, err);
        return rc;
}

/* The audit rule: rows written before the cutoff, pruned as a whole. */
static int plan_audit(sqlite3 *db, const struct rk_config *cfg, const char *today,
                      struct rk_retention_rule_plan *rp, struct rk_error *err)
{
        char before[RK_DATE_TEXT], first[32] = "";
        int rc = ret_audit_before(cfg, today, before, err);
        if (rc == RK_OK)
                rc = query_one(db, "SELECT count(*) FROM audit_log WHERE at < ?1", before,
                               NULL, NULL, 0, &rp->rows, err);
        if (rc == RK_OK)
                rc = query_one(
                    db, "SELECT substr(min(at),1,10) FROM audit_log WHERE at >= ?1",
                    before, NULL, first, sizeof(first), NULL, err);
        if (rc == RK_OK && rk_date_parse(first, NULL, NULL, NULL))
                rc = ret_due_on(cfg, RK_RULE_AUDIT, first, rp->next_due, err);
        return rc;
}

/* Counting mode, audit rule: rows due by split, more by today (the later
 * day), and the next due date after split. */
static int count_audit(struct planner *p, const char *today,
                       struct rk_retention_rule_plan *rp, struct rk_error *err)
{
        struct rk_retention_rule_plan now;
        struct rk_retention_outlook_rule *o = &p->opts->outlook->rules[RK_RULE_AUDIT];
        memset(&now, 0, sizeof(now));
        int rc = plan_audit(p->db, p->cfg, p->opts->split, &now, err);
        if (rc == RK_OK)
                rc = plan_audit(p->db, p->cfg, today, rp, err);
        o->due = now.rows;
        o->soon = rp->rows > now.rows ? rp->rows - now.rows : 0;
        memcpy(o->next_due, now.next_due, RK_DATE_TEXT);
        return rc;
}

static int plan_rule(struct planner *p, const char *today,
                     struct rk_retention_rule_plan *rp, struct rk_error *err)
{
        char cutoff[RK_DATE_TEXT];
        bool counting = p->opts != NULL && p->opts->split != NULL;
        if (rp->info.rule == RK_RULE_AUDIT)
                return counting ? count_audit(p, today, rp, err)
                                : plan_audit(p->db, p->cfg, today, rp, err);
        const char *events = ret_events_sql(rp->info.rule, p->cfg);
        if (events == NULL)
                return RK_OK;
        int rc = ret_cutoff(p->cfg, rp->info.rule, today, cutoff, err);
        if (rc == RK_OK)
                rc = due_rows(p, events, cutoff, rp, err);
        if (rc != RK_OK || !counting)
                return rc == RK_OK ? next_due(p->db, p->cfg, events, cutoff, rp, err)
                                   : rc;
        /* counting: the next due date after the split day, as its plan gives it */
        rc = ret_cutoff(p->cfg, rp->info.rule, p->opts->split, cutoff, err);
        if (rc == RK_OK)
                rc = first_due_after(p->db, p->cfg, rp->info.rule, events, cutoff,
                                     p->opts->outlook->rules[p->rule].next_due, err);
        return rc;
}

static int64_t monotonic_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Ask the caller's poll whether to go on, at most every 100 ms. */
static bool poll_stop(struct planner *p, bool now)
{
        struct ret_plan_opts *o = p->opts;
        if (o == NULL || o->poll == NULL || o->cancelled)
                return o != NULL && o->cancelled;
        int64_t t = monotonic_ms();
        if (!now && t - p->last_poll < 100)
                return false;
        p->last_poll = t;
        o->cancelled = o->poll(o->poll_ctx, p->rule, RK_RULE_COUNT) != 0;
        return o->cancelled;
}

/* SQLite's progress handler: non-zero interrupts the statement. */
static int on_progress(void *ctx)
{
        return poll_stop(ctx, false) ? 1 : 0;
}

static int plan_rules(struct planner *p, const char *today, struct rk_retention_plan *out,
                      struct rk_error *err)
{
        struct rk_retention_rule_info info[RK_RULE_COUNT];
        rk_retention_rules(p->cfg, info);
        int rc = load_held(p, err);
        for (int r = 0; r < RK_RULE_COUNT && rc == RK_OK; r++) {
                p->rule = r;
                out->rules[r].info = info[r];
                if (poll_stop(p, true))
                        break;
                rc = plan_rule(p, today, &out->rules[r], err);
        }
        return rc;
}

int ret_plan_db(sqlite3 *db, const struct rk_config *cfg, const char *today,
                struct rk_retention_plan *out, struct ret_plan_opts *opts,
                struct rk_error *err)
{
        struct planner p = {.db = db, .cfg = cfg, .opts = opts};
        memset(out, 0, sizeof(*out));
        if (!rk_date_parse(today, NULL, NULL, NULL))
                return rk_error_set(err, RK_ERR_INVALID, "not a date (YYYY-MM-DD)");
        memcpy(out->today, today, RK_DATE_TEXT);
        int rc = rk_sql_exec(db, "SAVEPOINT retention_plan", "planning retention", err);
        if (rc == RK_OK && opts != NULL && opts->poll != NULL)
                sqlite3_progress_handler(db, 4096, on_progress, &p);
        if (rc == RK_OK)
                rc = plan_rules(&p, today, out, err);
        sqlite3_progress_handler(db, 0, NULL, NULL);
        /* one read snapshot for the whole plan; nothing was written */
        sqlite3_exec(db, "RELEASE retention_plan", NULL, NULL, NULL);
        free(p.held);
        if (opts != NULL && opts->cancelled) {
                rk_error_clear(err); /* stopping on request is not a failure */
                rc = RK_OK;
        }
        if (rc != RK_OK)
                rk_retention_plan_clear(out);
        return rc;
}

int rk_retention_plan_db(sqlite3 *db, const struct rk_config *cfg, const char *today,
                         struct rk_retention_plan *out, struct rk_error *err)
{
        return ret_plan_db(db, cfg, today, out, NULL, err);
}

void rk_retention_plan_clear(struct rk_retention_plan *p)
{
        if (p == NULL)
                return;
        for (int r = 0; r < RK_RULE_COUNT; r++) {
                free(p->rules[r].items);
                free(p->rules[r].skipped);
        }
        memset(p, 0, sizeof(*p));
}

int rk_retention_plan(struct rk_session *s, const char *as_of,
                      struct rk_retention_plan *out, struct rk_error *err)
{
        char today[RK_DATE_TEXT];
        memset(out, 0, sizeof(*out));
        int rc = ret_require(s, err);
        if (rc != RK_OK)
                return rc;
        if (as_of == NULL)
                rk_date_today(today);
        else if (rk_date_parse(as_of, NULL, NULL, NULL))
                memcpy(today, as_of, RK_DATE_TEXT);
        else
                return rk_error_set(err, RK_ERR_INVALID,
                                    "--as-of: not a date (YYYY-MM-DD)");
        /* the plan and its audit row in one transaction: a plan that could
         * not be read is not recorded as made */
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        sqlite3 *db = ret_session_db(s);
        struct rk_audit_event ev = {.action = "retention.plan",
                                    .groups = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok"};
        rc = rk_sql_begin_as(db, "planning retention", err);
        if (rc == RK_OK)
                rc = rk_retention_plan_db(db, cfg, today, out, err);
        if (rc == RK_OK)
                rc = rk_audit_append(db, rk_session_actor(s), &ev, rk_clock_now(),
                                     cfg->audit_epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "planning retention", err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                rk_retention_plan_clear(out);
        }
        return rc;
}
