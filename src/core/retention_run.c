/*
 * retention_run.c - applying the plan (see retention.h, rk_retention_run):
 * batches of bounded size, each its own transaction with its audit rows,
 * its erasure-ledger entries and its counts, then the index merge, the
 * audit prune, the summary and the WAL flush.
 *
 * Why a killed run can simply be run again: every batch rechecks each
 * subject inside its transaction (still due, not held) and every action is
 * one that a second application finds nothing left to do for (an
 * anonymised customer is no longer a candidate, deleted rows are gone), so
 * the end state depends only on the data and the day, not on where a
 * previous run stopped. A subject is forgotten whole or not at all: its
 * forget (forget.h) is inside one batch transaction.
 */
#include "retention_db.h"
#include "rekisteri/forget.h"
#include "rekisteri/i18n.h"
#include "rekisteri/ledger.h"
#include "sql.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define WHAT N_("running retention")

struct run {
        sqlite3 *db;
        const struct rk_config *cfg;
        const struct rk_audit_actor *actor;
        int64_t now;
        const char *register_path; /* for the ledger file; NULL: none */
        struct rk_retention_plan plan;
        char cutoff[RK_RULE_COUNT][RK_DATE_TEXT];
        struct rk_retention_summary *sum;
        struct rk_ledger_entry *ledger; /* of the open batch */
        size_t nledger;
        int64_t done, total;
};

/* Delete the rows of a row rule for one record (?1) due by cutoff (?2). */
static int delete_rows(sqlite3 *db, const char *sql, int64_t record_id,
                       const char *cutoff, int64_t *changes, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, record_id);
        sqlite3_bind_text(st, 2, cutoff, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, WHAT, err);
        *changes = sqlite3_changes(db);
        return RK_OK;
}

/* ---- one subject ------------------------------------------------------- */

static const char *const delete_rows_sql[RK_RULE_COUNT] = {
    [RK_RULE_NOTES] = "DELETE FROM notes WHERE customer_id = ?1"
                      " AND substr(created_at,1,10) <= ?2",
    [RK_RULE_CONSENTS] = "DELETE FROM consents WHERE customer_id = ?1"
                         " AND withdrawn_on IS NOT NULL AND withdrawn_on <= ?2",
    [RK_RULE_REQUESTS] = "DELETE FROM dsr_requests WHERE id = ?1 AND status = 'closed'"
                         " AND date(closed_at,'unixepoch','localtime') <= ?2",
};

static bool forgets_customer(enum rk_retention_rule r)
{
        return r == RK_RULE_PROSPECTS || r == RK_RULE_INACTIVE ||
               r == RK_RULE_BOOKKEEPING;
}

static const char *audit_groups(enum rk_retention_rule r, char *buf, size_t size)
{
        if (r == RK_RULE_NOTES)
                return "notes";
        if (r == RK_RULE_CONSENTS)
                return "consents";
        if (r == RK_RULE_REQUESTS)
                return "";
        if (r == RK_RULE_BOOKKEEPING)
                return "orders,order_amounts";
        buf[0] = '\0';
        for (int g = 0; g < RK_GROUP_COUNT; g++) {
                strncat(buf, g ? "," : "", size - strlen(buf) - 1);
                strncat(buf, rk_policy_group_name((enum rk_group)g),
                        size - strlen(buf) - 1);
        }
        return buf;
}

/* Forget the item's customer through forget.h, keeping its ledger entry. */
static int forget_one(struct run *x, enum rk_retention_rule r,
                      const struct rk_retention_item *it, int64_t *rows,
                      struct rk_error *err)
{
        enum rk_forget_mode mode = x->plan.rules[r].info.action == RK_RETAIN_DELETE
                                       ? RK_FORGET_ERASE
                                       : RK_FORGET_ANONYMISE;
        struct rk_forget_plan done;
        int rc = rk_forget_customer_deferred(x->db, x->cfg, it->customer_id, mode, x->now,
                                             &done, err);
        if (rc != RK_OK)
                return rc;
        struct rk_ledger_entry *e =
            rk_ledger_next(&x->ledger, &x->nledger, mode, x->now, err);
        if (e == NULL) {
                rk_forget_plan_clear(&done);
                return RK_ERR_NOMEM;
        }
        rk_ledger_take_plan(e, &done);
        *rows = r == RK_RULE_BOOKKEEPING
                    ? done.orders_deleted + done.lines_deleted
                    : 1 + done.contacts + done.notes + done.consents + done.objections +
                          done.orders_deleted + done.lines_deleted;
        rk_forget_plan_clear(&done);
        /* the customers merged into it held the same person's data */
        return rk_ledger_add_merged(x->db, it->customer_id, &x->ledger, &x->nledger, mode,
                                    x->now, err);
}

static int act(struct run *x, enum rk_retention_rule r,
               const struct rk_retention_item *it, bool *acted, int64_t *rows,
               struct rk_error *err)
{
        char reason[RK_RETENTION_TEXT], groups[160];
        bool due = false, held = false;
        *acted = false;
        int rc = ret_still_due(x->db, x->cfg, r, it->record_id, x->cutoff[r], &due, err);
        if (rc == RK_OK && due)
                rc = ret_item_held(x->db, r, it, &held, reason, err);
        if (rc != RK_OK || !due)
                return rc;
        if (held) {
                x->sum->skipped[r]++;
                return RK_OK;
        }
        if (forgets_customer(r))
                rc = forget_one(x, r, it, rows, err);
        else
                rc = delete_rows(x->db, delete_rows_sql[r], it->record_id, x->cutoff[r],
                                 rows, err);
        bool anonymise =
            forgets_customer(r) && x->plan.rules[r].info.action == RK_RETAIN_ANONYMISE;
        struct rk_audit_event ev = {.action = anonymise ? "retention.anonymise"
                                                        : "retention.delete",
                                    .subject = it->customer_id,
                                    .groups = audit_groups(r, groups, sizeof(groups)),
                                    .fields = "",
                                    .screen = "retention",
                                    .result = "ok",
                                    .target = rk_retention_rule_name(r)};
        if (rc == RK_OK)
                rc = rk_audit_append(x->db, x->actor, &ev, x->now,
                                     x->cfg->audit_epoch_rows, err);
        *acted = rc == RK_OK;
        return rc;
}

/* ---- batches ------------------------------------------------------------ */

static int count_batch(struct run *x, enum rk_retention_rule r, int64_t done,
                       int64_t rows, int64_t skipped, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(x->db,
                                "UPDATE retention_run_counts SET done = done + ?1,"
                                " rows = rows + ?2, skipped = skipped + ?3"
                                " WHERE run_id = ?4 AND rule = ?5",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, done);
        sqlite3_bind_int64(st, 2, rows);
        sqlite3_bind_int64(st, 3, skipped);
        sqlite3_bind_int64(st, 4, x->sum->run_id);
        sqlite3_bind_text(st, 5, rk_retention_rule_name(r), -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(x->db, src, WHAT, err);
}

/* A batch rolled back: say so, and what earlier batches did (done). */
static void batch_failed(struct run *x, int rc, struct rk_error *err)
{
        int64_t before = 0;
        for (int r = 0; r < RK_RULE_COUNT; r++)
                before += x->sum->done[r];
        rk_error_set(
            err, rc,
            ngettext("running retention: a batch could not be written (%s) and "
                     "was rolled back; the %lld subject of earlier batches stays "
                     "done, and the next run goes on from there",
                     "running retention: a batch could not be written (%s) and "
                     "was rolled back; the %lld subjects of earlier batches stay "
                     "done, and the next run goes on from there",
                     (unsigned long)before),
            rk_rc_name(rc), (long long)before);
}

static int batch(struct run *x, enum rk_retention_rule r,
                 const struct rk_retention_item *items, size_t n, struct rk_error *err)
{
        int64_t done = 0, rows = 0, skipped = x->sum->skipped[r];
        int rc = rk_sql_begin_as(x->db, WHAT, err);
        if (rc != RK_OK)
                return rc;
        for (size_t i = 0; i < n && rc == RK_OK; i++) {
                bool acted = false;
                int64_t changed = 0;
                rc = act(x, r, &items[i], &acted, &changed, err);
                done += acted;
                rows += changed;
        }
        if (rc == RK_OK)
                rc = count_batch(x, r, done, rows, x->sum->skipped[r] - skipped, err);
        /* who was forgotten is committed with the forgetting (ledger.h) */
        if (rc == RK_OK && x->nledger > 0)
                rc = rk_ledger_record(x->db, x->ledger, x->nledger, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(x->db, WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(x->db);
        /* the file mirrors the committed batch; if it cannot, the next
         * opening repairs it from the register */
        struct rk_error lerr;
        if (rc == RK_OK && x->nledger > 0 && x->register_path != NULL)
                (void)rk_ledger_mirror(x->db, x->register_path, false, &lerr);
        rk_ledger_free(x->ledger, x->nledger);
        x->ledger = NULL;
        x->nledger = 0;
        if (rc == RK_OK) {
                x->sum->done[r] += done;
                x->sum->rows[r] += rows;
        } else {
                x->sum->skipped[r] = skipped;
                batch_failed(x, rc, err);
        }
        return rc;
}

static int run_rule(struct run *x, enum rk_retention_rule r,
                    rk_retention_progress progress, void *ctx, int64_t size,
                    struct rk_error *err)
{
        const struct rk_retention_rule_plan *rp = &x->plan.rules[r];
        int rc = ret_cutoff(x->cfg, r, x->plan.today, x->cutoff[r], err);
        for (size_t i = 0; i < rp->n && rc == RK_OK; i += (size_t)size) {
                size_t n = rp->n - i < (size_t)size ? rp->n - i : (size_t)size;
                rc = batch(x, r, rp->items + i, n, err);
                x->done += (int64_t)n;
                if (rc == RK_OK && progress != NULL)
                        progress(ctx, x->done, x->total);
        }
        return rc;
}

/* ---- the run's own rows ---------------------------------------------------- */

/* Step a prepared statement to its end and finalize it. */
static int step_done(sqlite3 *db, sqlite3_stmt *st, struct rk_error *err)
{
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, WHAT, err);
}

/* The run's row, and one count row per rule with the plan's skips. */
static int insert_run(struct run *x, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(x->db,
                                "INSERT INTO retention_runs(started_at, today, by_user,"
                                " status) VALUES(?1, ?2, ?3, 'running')",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, x->now);
        sqlite3_bind_text(st, 2, x->plan.today, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, x->actor->user, -1, SQLITE_STATIC);
        rc = step_done(x->db, st, err);
        x->sum->run_id = sqlite3_last_insert_rowid(x->db);
        for (int r = 0; r < RK_RULE_COUNT && rc == RK_OK; r++) {
                rc = rk_sql_prepare(
                    x->db,
                    "INSERT INTO retention_run_counts(run_id, rule, skipped)"
                    " VALUES(?1, ?2, ?3)",
                    &st, WHAT, err);
                if (rc != RK_OK)
                        break;
                sqlite3_bind_int64(st, 1, x->sum->run_id);
                sqlite3_bind_text(st, 2,
                                  rk_retention_rule_name((enum rk_retention_rule)r), -1,
                                  SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, (int64_t)x->plan.rules[r].nskipped);
                rc = step_done(x->db, st, err);
        }
        return rc;
}

static int start(struct run *x, struct rk_error *err)
{
        int rc = rk_sql_begin_as(x->db, WHAT, err);
        if (rc == RK_OK)
                rc = insert_run(x, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(x->db, WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(x->db);
        return rc;
}

static int mark_done(struct run *x, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(x->db,
                           "UPDATE retention_runs SET status = 'done', finished_at = ?1"
                           " WHERE id = ?2",
                           &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, x->now);
        sqlite3_bind_int64(st, 2, x->sum->run_id);
        return step_done(x->db, st, err);
}

/* "prospects=12,inactive=40,..." for the summary audit row and syslog. */
static void counts_text(const struct rk_retention_summary *s, char *buf, size_t size)
{
        size_t used = 0;
        buf[0] = '\0';
        for (int r = 0; r < RK_RULE_COUNT && used < size; r++) {
                int n = snprintf(buf + used, size - used, "%s%s=%" PRId64, r ? "," : "",
                                 rk_retention_rule_name((enum rk_retention_rule)r),
                                 s->done[r]);
                if (n < 0)
                        break;
                used += (size_t)n;
        }
}

static int finish(struct run *x, struct rk_error *err)
{
        char counts[256];
        counts_text(x->sum, counts, sizeof(counts));
        struct rk_audit_event ev = {.action = "retention.run",
                                    .groups = "",
                                    .fields = counts,
                                    .screen = "retention",
                                    .result = "ok",
                                    .target = NULL};
        int rc = rk_sql_begin_as(x->db, WHAT, err);
        if (rc == RK_OK)
                rc = count_batch(x, RK_RULE_AUDIT, x->sum->done[RK_RULE_AUDIT],
                                 x->sum->rows[RK_RULE_AUDIT], 0, err);
        if (rc == RK_OK)
                rc = mark_done(x, err);
        if (rc == RK_OK)
                rc = rk_audit_append(x->db, x->actor, &ev, x->now,
                                     x->cfg->audit_epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(x->db, WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(x->db);
        if (rc == RK_OK)
                x->sum->finished_at = x->now;
        return rc;
}

static int prune_audit(struct run *x, struct rk_error *err)
{
        char before[RK_DATE_TEXT];
        int64_t deleted = 0;
        int rc = ret_audit_before(x->cfg, x->plan.today, before, err);
        if (rc == RK_OK)
                rc = rk_audit_prune(x->db, x->actor, before, x->now,
                                    x->cfg->audit_epoch_rows,
                                    x->cfg->audit_retention_months, &deleted, err);
        x->sum->done[RK_RULE_AUDIT] = x->sum->rows[RK_RULE_AUDIT] = deleted;
        return rc;
}

int rk_retention_run_db(sqlite3 *db, const struct rk_config *cfg,
                        const struct rk_audit_actor *actor, int64_t now,
                        const char *register_path, int64_t batch_size,
                        rk_retention_progress progress, void *ctx,
                        struct rk_retention_summary *out, struct rk_error *err)
{
        struct rk_retention_summary local;
        struct run x = {.db = db,
                        .cfg = cfg,
                        .actor = actor,
                        .now = now,
                        .register_path = register_path,
                        .sum = out ? out : &local};
        char today[RK_DATE_TEXT];
        int64_t size = batch_size > 0 ? batch_size : cfg->retention_batch_size;
        memset(x.sum, 0, sizeof(*x.sum));
        rk_date_of(now, today);
        memcpy(x.sum->today, today, RK_DATE_TEXT);
        x.sum->started_at = now;
        snprintf(x.sum->by, sizeof(x.sum->by), "%s", actor->user);
        int rc = rk_retention_plan_db(db, cfg, today, &x.plan, err);
        for (int r = 0; r < RK_RULE_COUNT && rc == RK_OK; r++) {
                x.total += (int64_t)x.plan.rules[r].n;
                x.sum->skipped[r] = (int64_t)x.plan.rules[r].nskipped;
        }
        if (rc == RK_OK)
                rc = start(&x, err);
        if (rc == RK_OK && progress != NULL)
                progress(ctx, 0, x.total);
        for (int r = 0; r < RK_RULE_AUDIT && rc == RK_OK; r++)
                rc = run_rule(&x, (enum rk_retention_rule)r, progress, ctx, size, err);
        /* every run merges the index: also what an interrupted run left
         * (its batches recorded the merge as owed, forget.h) */
        if (rc == RK_OK)
                rc = rk_forget_optimize_index(db, err);
        if (rc == RK_OK)
                rc = prune_audit(&x, err);
        if (rc == RK_OK)
                rc = finish(&x, err);
        if (rc == RK_OK) {
                struct rk_error ferr;
                x.sum->flushed = rk_forget_flush(db, &ferr) == RK_OK;
                if (!x.sum->flushed)
                        snprintf(x.sum->note, sizeof(x.sum->note), "%.199s", ferr.msg);
        }
        rk_retention_plan_clear(&x.plan);
        return rc;
}

static void log_summary(const struct rk_retention_summary *s)
{
        char counts[256];
        int64_t skipped = 0;
        counts_text(s, counts, sizeof(counts));
        for (int r = 0; r < RK_RULE_COUNT; r++)
                skipped += s->skipped[r];
        syslog(LOG_USER | LOG_INFO,
               "retention run %" PRId64 " for %s by %s: %s skipped=%" PRId64 "%s",
               s->run_id, s->today, s->by, counts, skipped,
               s->flushed ? "" : " (log not yet truncated)");
}

int rk_retention_run(struct rk_session *s, rk_retention_progress progress, void *ctx,
                     struct rk_retention_summary *out, struct rk_error *err)
{
        struct rk_register *reg = rk_session_register(s);
        int rc = ret_require(s, err);
        if (rc == RK_OK)
                rc = rk_retention_run_db(
                    ret_session_db(s), rk_register_config(reg), rk_session_actor(s),
                    rk_clock_now(), rk_register_path(reg), 0, progress, ctx, out, err);
        if (rc == RK_OK)
                log_summary(out);
        return rc;
}

int rk_retention_last_run(struct rk_session *s, struct rk_retention_summary *out,
                          struct rk_error *err)
{
        memset(out, 0, sizeof(*out));
        int rc = ret_require(s, err);
        if (rc != RK_OK)
                return rc;
        sqlite3 *db = ret_session_db(s);
        sqlite3_stmt *st;
        rc = rk_sql_prepare(
            db,
            "SELECT r.id, r.today, r.started_at, COALESCE(r.finished_at,0),"
            " r.by_user, c.rule, c.done, c.rows, c.skipped"
            " FROM retention_runs r LEFT JOIN retention_run_counts c"
            " ON c.run_id = r.id"
            " WHERE r.id = (SELECT max(id) FROM retention_runs)",
            &st, "reading the last retention run", err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        while ((rc = rk_sql_row(st, &row, "reading the last retention run", err)) ==
                   RK_OK &&
               row) {
                out->run_id = sqlite3_column_int64(st, 0);
                snprintf(out->today, sizeof(out->today), "%s",
                         (const char *)sqlite3_column_text(st, 1));
                out->started_at = sqlite3_column_int64(st, 2);
                out->finished_at = sqlite3_column_int64(st, 3);
                snprintf(out->by, sizeof(out->by), "%s",
                         (const char *)sqlite3_column_text(st, 4));
                int r = rk_retention_rule_parse((const char *)sqlite3_column_text(st, 5));
                if (r < 0)
                        continue;
                out->done[r] = sqlite3_column_int64(st, 6);
                out->rows[r] = sqlite3_column_int64(st, 7);
                out->skipped[r] = sqlite3_column_int64(st, 8);
        }
        sqlite3_finalize(st);
        return rc;
}
