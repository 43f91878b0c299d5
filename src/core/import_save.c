/*
 * import_save.c - saving what the preview showed (see import.h,
 * rk_import_save), in batches that a kill cannot leave half done.
 *
 * How it works: the first save of a file writes its job (import_jobs:
 * name, SHA-256, counts, mapping, the user; never a value) and the one
 * "import" audit row in one transaction. Then the rows go in batches of
 * RK_IMPORT_BATCH, each one transaction that creates and updates its
 * customers through the customer store's own checks (customer_db.h), one
 * audit row each ("import.create", "import.update", and "import.readd"
 * for a previously erased person confirmed with a reason, the reason
 * kept in import_readds), and moves the job's done_row to its last row.
 * A kill loses at most the batch in flight, whole. The job is finished in
 * a last small transaction. Importing the same file again finds the
 * unfinished job by the file's hash (import_plan.c): the rows up to
 * done_row preview as saved, and saving goes on after them, logged as
 * "import.resume". Within one preview the same holds: each committed
 * batch moves im->resume_after, so saving again after a failed batch, or
 * after a stop asked for through im->stop (a signal, Esc), goes on after
 * the rows already saved.
 * A save that fails (a full disk, an I/O error) is recorded as "import"
 * failed, after the batches it did commit.
 *
 * New customers are numbered here, a batch at a time: the highest
 * number is read once per batch through the number's index, instead of
 * the whole-table scan rk_customer_create makes per customer.
 */
#include "rekisteri/audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"
#include "rekisteri/outcome.h"
#include "rekisteri/policy.h"
#include "customer_db.h"
#include "import_db.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHAT "saving the import"

static int audit(struct rk_import *im, const char *action, int64_t subject,
                 const char *fields, const char *target, struct rk_error *err)
{
        struct rk_session *s = im->session;
        struct rk_audit_event ev = {.action = action,
                                    .subject = subject,
                                    .groups = "",
                                    .fields = fields,
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = target};
        return rk_audit_append(
            rk_import_db(im), rk_session_actor(s), &ev, rk_clock_now(),
            rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
}

static void counts_text(const struct rk_import *im, char *out, size_t size)
{
        snprintf(out, size,
                 "new=%zu update=%zu unchanged=%zu duplicate=%zu error=%zu erased=%zu "
                 "saved=%zu",
                 im->counts[RK_IMPORT_NEW], im->counts[RK_IMPORT_UPDATE],
                 im->counts[RK_IMPORT_UNCHANGED], im->counts[RK_IMPORT_DUPLICATE],
                 im->counts[RK_IMPORT_ERROR], im->counts[RK_IMPORT_ERASED],
                 im->counts[RK_IMPORT_SAVED]);
}

/* The job row and the "import" audit row (or "import.resume"). */
static int start_job(struct rk_import *im, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        char counts[200], fields[300], target[64];
        char *map = rk_import_map_text(im);
        sqlite3_stmt *st = NULL;
        bool resume = im->job_id != 0;
        counts_text(im, counts, sizeof(counts));
        int rc = map ? rk_sql_begin_as(db, WHAT, err)
                     : rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        if (rc != RK_OK) {
                free(map);
                return rc;
        }
        if (!resume)
                rc = rk_sql_prepare(
                    db,
                    "INSERT INTO import_jobs(file_name, file_hash, mapping,"
                    " counts, user, started_at) VALUES(?,?,?,?,?,?)",
                    &st, WHAT, err);
        if (rc == RK_OK && !resume) {
                sqlite3_bind_text(st, 1, im->name, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, im->sha256, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, map, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 4, counts, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 5, rk_session_actor(im->session)->user, -1,
                                  SQLITE_STATIC);
                sqlite3_bind_int64(st, 6, rk_clock_now());
                int src = sqlite3_step(st);
                rc = src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, WHAT, err);
                im->job_id = sqlite3_last_insert_rowid(db);
        }
        sqlite3_finalize(st);
        snprintf(fields, sizeof(fields), "sha256=%s %s", im->sha256, counts);
        snprintf(target, sizeof(target), "job %lld: %.40s", (long long)im->job_id,
                 im->name);
        if (rc == RK_OK)
                rc = audit(im, resume ? "import.resume" : "import", 0, fields, target,
                           err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, WHAT, err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                if (!resume)
                        im->job_id = 0;
        }
        free(map);
        return rc;
}

/* The next free customer number, read through the number's index. */
static int highest_number(sqlite3 *db, long *last, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT number FROM customers WHERE number GLOB"
                                " 'C[0-9][0-9][0-9][0-9][0-9][0-9]'"
                                " ORDER BY number DESC LIMIT 1",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        *last = 0;
        rc = rk_sql_row(st, &row, WHAT, err);
        if (rc == RK_OK && row)
                *last = strtol((const char *)sqlite3_column_text(st, 0) + 1, NULL, 10);
        sqlite3_finalize(st);
        return rc;
}

/* The row's values as edits: every one for a new customer, the changed
 * ones for an update. The customer number is a key, never an edit. */
static size_t edits_of(const struct rk_import_row *r, bool only_changed,
                       struct rk_edit *e)
{
        size_t n = 0;
        for (size_t t = 1; t < rk_import_target_count(); t++) {
                const struct rk_field *f = rk_import_target_field(t);
                if (r->values[t] == NULL ||
                    (only_changed && !(r->changed & (RK_IMPORT_BIT(t)))) || f == NULL ||
                    f->record != RK_REC_CUSTOMER)
                        continue;
                e[n].column = f->column;
                e[n++].value = r->values[t];
        }
        return n;
}

/* The order numbered number: found, or made as a delivered order of
 * customer id on the date given. */
static int order_of(sqlite3 *db, int64_t id, const char *number, const char *on,
                    int64_t *order_id, struct rk_error *err)
{
        sqlite3_stmt *st;
        bool row = false;
        int rc = rk_sql_cached(db, "SELECT id, customer_id FROM orders WHERE number=?",
                               &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        rc = rk_sql_row(st, &row, WHAT, err);
        *order_id = row ? sqlite3_column_int64(st, 0) : 0;
        bool theirs = row && sqlite3_column_int64(st, 1) == id;
        rk_sql_release(st);
        if (rc == RK_OK && row && !theirs)
                return rk_error_set(
                    err, RK_ERR_CONFLICT,
                    _("the order number belongs to another customer's order"));
        if (rc != RK_OK || row)
                return rc;
        rc = rk_sql_cached(db,
                           "INSERT INTO orders(customer_id, number, ordered_on, status)"
                           " VALUES(?,?,?,'delivered')",
                           &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, on, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        *order_id = sqlite3_last_insert_rowid(db);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, WHAT, err);
}

/* The row's order line, into its order (made when it is the first line). */
static int save_order_line(struct rk_import *im, const struct rk_import_row *r,
                           int64_t id, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        const char *const *v = (const char *const *)r->values;
        sqlite3_stmt *st;
        int64_t order_id = 0;
        int rc = order_of(db, id, v[rk_import_target_of("order_number")],
                          v[rk_import_target_of("order_date")], &order_id, err);
        if (rc == RK_OK)
                rc = rk_sql_cached(
                    db,
                    "INSERT INTO order_lines(order_id, product_code, product,"
                    " quantity, unit_price_cents, vat_rate_bp)"
                    " VALUES(?,?,?,?,coalesce(?,0),0)",
                    &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, order_id);
        sqlite3_bind_text(st, 2, v[rk_import_target_of("product_code")], -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 3, v[rk_import_target_of("product")], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, v[rk_import_target_of("quantity")], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, v[rk_import_target_of("unit_price")], -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, WHAT, err);
        static const struct rk_custdb_change what = {"import.order", RK_REC_ORDER,
                                                     "number,ordered_on"};
        return rk_custdb_finish(im->session, id, false, &what, err);
}

/* The row's contact person and consent, for customer id, when new. */
static int save_children(struct rk_import *im, const struct rk_import_row *r, int64_t id,
                         struct rk_error *err)
{
        struct rk_edit e[4];
        size_t n = 0;
        int rc = RK_OK;
        for (size_t t = 1; r->add_contact && t < rk_import_target_count(); t++) {
                const struct rk_field *f = rk_import_target_field(t);
                if (f != NULL && f->record == RK_REC_CONTACT && r->values[t] != NULL) {
                        e[n].column = f->column;
                        e[n++].value = r->values[t];
                }
        }
        if (r->add_contact)
                rc = rk_custdb_contact_add_in(im->session, id, "import.contact", e, n,
                                              err);
        if (rc == RK_OK && r->add_consent) {
                const char *v[3] = {r->values[rk_import_target_of("consent_purpose")],
                                    r->values[rk_import_target_of("consent_source")],
                                    r->values[rk_import_target_of("consent_date")]};
                bool existed;
                rc = rk_custdb_consent_give_in(im->session, id, v, "import.consent",
                                               &existed, err);
        }
        if (rc == RK_OK && r->add_order)
                rc = save_order_line(im, r, id, err);
        return rc;
}

static int record_readd(struct rk_import *im, const struct rk_import_row *r, int64_t id,
                        struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        sqlite3_stmt *st;
        int rc = rk_sql_cached(db,
                               "INSERT OR REPLACE INTO import_readds(job_id, row,"
                               " customer_id, reason) VALUES(?,?,?,?)",
                               &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, im->job_id);
        sqlite3_bind_int64(st, 2, (int64_t)r->row);
        sqlite3_bind_int64(st, 3, id);
        sqlite3_bind_text(st, 4, r->reason, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, WHAT, err);
        char target[64];
        snprintf(target, sizeof(target), "job %lld row %zu", (long long)im->job_id,
                 r->row);
        return audit(im, "import.readd", id, "reason", target, err);
}

/* The customer row number `row` was saved as in this run (0: none). */
static int64_t saved_as(const struct rk_import *im, size_t row)
{
        const struct rk_import_row *r = rk_import_find_row(im, row);
        return r != NULL ? r->saved_id : 0;
}

static bool creates(const struct rk_import_row *r)
{
        return r->status == RK_IMPORT_NEW ||
               (r->confirmed &&
                (r->status == RK_IMPORT_ERASED || r->status == RK_IMPORT_DUPLICATE));
}

static int save_row(struct rk_import *im, struct rk_import_row *r, long *number,
                    struct rk_import_result *res, struct rk_error *err)
{
        struct rk_edit e[32];
        char num[24]; /* "C%06ld": room for any long, as the compiler asks */
        int64_t id = 0;
        int rc = RK_OK;
        if (creates(r)) {
                if (*number >= 999999)
                        return rk_error_set(err, RK_ERR_FULL,
                                            _("every customer number is in use"));
                snprintf(num, sizeof(num), "C%06ld", ++*number);
                rc = rk_custdb_create_in(im->session, num, "import.create", e,
                                         edits_of(r, false, e), &id, err);
                if (rc == RK_OK)
                        rc = save_children(im, r, id, err);
                if (rc == RK_OK && r->status == RK_IMPORT_ERASED)
                        rc = record_readd(im, r, id, err);
                r->saved_id = id;
                res->created += rc == RK_OK;
        } else if (r->status == RK_IMPORT_UPDATE && r->match_id == 0) {
                /* adds to the customer an earlier row was saved as */
                id = saved_as(im, r->same_as_row);
                rc = id > 0 ? save_children(im, r, id, err) : RK_OK;
                r->saved_id = id;
                res->updated += rc == RK_OK && id > 0;
                res->skipped += id == 0;
        } else if (r->status == RK_IMPORT_UPDATE) {
                size_t n = edits_of(r, true, e);
                if (n > 0)
                        rc = rk_custdb_update_in(im->session, r->match_id,
                                                 r->match_version, "import.update", e, n,
                                                 err);
                if (rc == RK_OK)
                        rc = save_children(im, r, r->match_id, err);
                r->saved_id = r->match_id;
                res->updated += rc == RK_OK;
        } else {
                res->skipped++;
        }
        if (rc != RK_OK && err != NULL) {
                char msg[sizeof(err->msg)];
                snprintf(msg, sizeof(msg), "%s", err->msg);
                rk_error_set(err, rc, _("row %zu: %s"), r->row, msg);
        }
        return rc;
}

/* Rows [from, to) of im->rows in one transaction. */
static int save_batch(struct rk_import *im, size_t from, size_t to,
                      struct rk_import_result *res, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        struct rk_import_result before = *res;
        sqlite3_stmt *st = NULL;
        long number = 0;
        int rc = rk_sql_begin_as(db, WHAT, err);
        if (rc != RK_OK)
                return rc;
        rc = highest_number(db, &number, err);
        for (size_t i = from; i < to && rc == RK_OK; i++)
                rc = save_row(im, &im->rows[i], &number, res, err);
        if (rc == RK_OK)
                rc =
                    rk_sql_prepare(db,
                                   "UPDATE import_jobs SET done_row=?, created=created+?,"
                                   " updated=updated+? WHERE id=?",
                                   &st, WHAT, err);
        if (rc == RK_OK) {
                sqlite3_bind_int64(st, 1, (int64_t)im->rows[to - 1].row);
                sqlite3_bind_int64(st, 2, (int64_t)(res->created - before.created));
                sqlite3_bind_int64(st, 3, (int64_t)(res->updated - before.updated));
                sqlite3_bind_int64(st, 4, im->job_id);
                int src = sqlite3_step(st);
                rc = src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, WHAT, err);
        }
        sqlite3_finalize(st);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, WHAT, err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                *res = before;
        }
        return rc;
}

static int finish_job(struct rk_import *im, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "UPDATE import_jobs SET finished_at=? WHERE id=?",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, rk_clock_now());
        sqlite3_bind_int64(st, 2, im->job_id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, WHAT, err);
}

/* A save that stopped (the job's "import" or "import.resume" row may be
 * in the trail already, and the batches before this one): "import"
 * failed, with the job and the error class, in a transaction of its own. */
static int failed(struct rk_import *im, int rc, struct rk_error *err)
{
        char what[32];
        snprintf(what, sizeof(what), "job %lld", (long long)im->job_id);
        return rk_outcome_audit(im->session, "import", 0, im->job_id ? what : NULL, rc,
                                err);
}

int rk_import_save(struct rk_import *im, rk_import_progress progress, void *ctx,
                   struct rk_import_result *res, struct rk_error *err)
{
        char now[65];
        memset(res, 0, sizeof(*res));
        if (!rk_authorize_action(rk_session_grants(im->session), RK_ACTION_IMPORT))
                return rk_error_set(err, RK_ERR_DENIED, _("your role may not import"));
        if (im->sha256[0] == '\0')
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    _("the import has no preview yet; nothing was saved"));
        int rc = rk_import_file_hash(im->path, now, err);
        if (rc == RK_OK && strcmp(now, im->sha256) != 0)
                rc = rk_error_set(err, RK_ERR_CONFLICT,
                                  _("%s changed since the preview; preview it again. "
                                    "Nothing was saved"),
                                  im->name);
        bool started = rc == RK_OK;
        if (started)
                rc = start_job(im, err);
        res->job_id = im->job_id;
        size_t first = 0;
        while (first < im->nrows && im->rows[first].row <= im->resume_after)
                first++;
        im->stop = false;
        for (size_t i = first; i < im->nrows && rc == RK_OK && !res->stopped;
             i += RK_IMPORT_BATCH) {
                size_t to =
                    i + RK_IMPORT_BATCH < im->nrows ? i + RK_IMPORT_BATCH : im->nrows;
                rc = save_batch(im, i, to, res, err);
                /* committed: a save after a failure or a stop goes on after it
                 * (it saved these rows once more as new customers before) */
                if (rc == RK_OK)
                        im->resume_after = im->rows[to - 1].row;
                if (rc == RK_OK && progress != NULL)
                        progress(ctx, (int64_t)(to - first),
                                 (int64_t)(im->nrows - first));
                res->stopped = rc == RK_OK && to < im->nrows && im->stop;
        }
        if (rc == RK_OK && !res->stopped)
                rc = finish_job(im, err);
        if (rc == RK_OK && !res->stopped)
                im->sha256[0] = '\0'; /* saved: a second save needs a new preview */
        if (rc != RK_OK && started)
                rc = failed(im, rc, err);
        return rc;
}
