/*
 * retention_plan.c - the dry run (see retention.h, rk_retention_plan): per
 * rule, the subjects due on a day, those skipped under a hold and why, and
 * when the next ones fall due; and the hold check the run repeats inside
 * each batch.
 *
 * Each rule's events query (retention_rules.c) is wrapped three ways: the
 * rows due (ev <= cutoff), grouped by record, with the earliest event for
 * the due date; the earliest event after the cutoff (the next due date);
 * and how many records fall due on that next day.
 */
#include "retention_db.h"
#include "sql.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const char hold_sql[] =
    "SELECT 'legal hold: ' || reason, 1 FROM retention_holds WHERE customer_id = ?1"
    " UNION ALL SELECT 'open request ' || r.id || ' (' || r.type || ')', 2"
    " FROM dsr_subjects s JOIN dsr_requests r ON r.id = s.request_id"
    " WHERE s.customer_id = ?1 AND r.status != 'closed'"
    " UNION ALL SELECT 'restricted (Art. 18)', 3 FROM customers"
    " WHERE id = ?1 AND restricted = 1"
    " ORDER BY 2 LIMIT 1";

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
                copy_cut(reason, RK_RETENTION_TEXT,
                         (const char *)sqlite3_column_text(st, 0));
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

/* One due record into items, or into skipped when it is held. */
static int add_row(sqlite3 *db, const struct rk_config *cfg,
                   struct rk_retention_rule_plan *rp, sqlite3_stmt *st,
                   struct rk_sql_array *items, struct rk_sql_array *skipped,
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
        int rc = ret_due_on(cfg, rp->info.rule, (const char *)sqlite3_column_text(st, 3),
                            it.due_on, err);
        if (rc == RK_OK)
                rc = ret_item_held(db, rp->info.rule, &it, &held, reason, err);
        if (rc != RK_OK)
                return rc;
        if (held) {
                struct rk_retention_skip *k = rk_sql_array_push(skipped, sizeof(*k), err);
                if (k == NULL)
                        return RK_ERR_NOMEM;
                k->customer_id = it.customer_id;
                memcpy(k->number, it.number, sizeof(k->number));
                memcpy(k->due_on, it.due_on, sizeof(k->due_on));
                memcpy(k->reason, reason, sizeof(k->reason));
                return RK_OK;
        }
        struct rk_retention_item *slot = rk_sql_array_push(items, sizeof(*slot), err);
        if (slot == NULL)
                return RK_ERR_NOMEM;
        *slot = it;
        rp->rows += it.rows;
        return RK_OK;
}

static int due_rows(sqlite3 *db, const struct rk_config *cfg, const char *events,
                    const char *cutoff, struct rk_retention_rule_plan *rp,
                    struct rk_error *err)
{
        char sql[2048];
        snprintf(sql, sizeof(sql),
                 "SELECT customer_id, record_id, number, min(ev), sum(rows) FROM (%s)"
                 " WHERE ev <= ?1 GROUP BY record_id ORDER BY record_id",
                 events);
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "planning retention", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, 0);
        sqlite3_bind_int64(st, 3, INT64_MAX);
        struct rk_sql_array items = {0}, skipped = {0};
        bool row = false;
        while (rc == RK_OK &&
               (rc = rk_sql_row(st, &row, "planning retention", err)) == RK_OK && row)
                rc = add_row(db, cfg, rp, st, &items, &skipped, err);
        sqlite3_finalize(st);
        rp->items = items.v;
        rp->n = items.n;
        rp->skipped = skipped.v;
        rp->nskipped = skipped.n;
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

/* When the next records fall due after the cutoff, and how many then. */
static int next_due(sqlite3 *db, const struct rk_config *cfg, const char *events,
                    const char *cutoff, struct rk_retention_rule_plan *rp,
                    struct rk_error *err)
{
        char sql[2048], ev[RK_DATE_TEXT + 8], later[RK_DATE_TEXT];
        snprintf(sql, sizeof(sql), "SELECT min(ev) FROM (%s) WHERE ev > ?1", events);
        int rc = query_one(db, sql, cutoff, NULL, ev, sizeof(ev), NULL, err);
        if (rc != RK_OK || !rk_date_parse(ev, NULL, NULL, NULL))
                return rc;
        rc = ret_due_on(cfg, rp->info.rule, ev, rp->next_due, err);
        if (rc == RK_OK)
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

static int plan_rule(sqlite3 *db, const struct rk_config *cfg, const char *today,
                     struct rk_retention_rule_plan *rp, struct rk_error *err)
{
        char cutoff[RK_DATE_TEXT];
        if (rp->info.rule == RK_RULE_AUDIT)
                return plan_audit(db, cfg, today, rp, err);
        const char *events = ret_events_sql(rp->info.rule, cfg);
        if (events == NULL)
                return RK_OK;
        int rc = ret_cutoff(cfg, rp->info.rule, today, cutoff, err);
        if (rc == RK_OK)
                rc = due_rows(db, cfg, events, cutoff, rp, err);
        if (rc == RK_OK)
                rc = next_due(db, cfg, events, cutoff, rp, err);
        return rc;
}

int rk_retention_plan_db(sqlite3 *db, const struct rk_config *cfg, const char *today,
                         struct rk_retention_plan *out, struct rk_error *err)
{
        struct rk_retention_rule_info info[RK_RULE_COUNT];
        memset(out, 0, sizeof(*out));
        if (!rk_date_parse(today, NULL, NULL, NULL))
                return rk_error_set(err, RK_ERR_INVALID, "not a date (YYYY-MM-DD)");
        memcpy(out->today, today, RK_DATE_TEXT);
        rk_retention_rules(cfg, info);
        int rc = rk_sql_exec(db, "SAVEPOINT retention_plan", "planning retention", err);
        for (int r = 0; r < RK_RULE_COUNT && rc == RK_OK; r++) {
                out->rules[r].info = info[r];
                rc = plan_rule(db, cfg, today, &out->rules[r], err);
        }
        /* one read snapshot for the whole plan; nothing was written */
        sqlite3_exec(db, "RELEASE retention_plan", NULL, NULL, NULL);
        if (rc != RK_OK)
                rk_retention_plan_clear(out);
        return rc;
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
