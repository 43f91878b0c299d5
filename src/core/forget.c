/*
 * forget.c - forgetting a person (see forget.h): the plan, the deletes
 * and the anonymising UPDATE, the suppression hashes, the search index and
 * the flush to disk. Erasure requests and retention both come here.
 *
 * The plan and the execution share one walk over the customer's orders
 * (walk_orders), so the preview a supervisor approves is what runs. The
 * anonymising UPDATE is generated from fields.c: every field with
 * personal = 1 and every identity-group field except the record kind is
 * emptied; a NOT NULL text column (the name) becomes "". A person's
 * business ID (personal_for_person) is emptied too; a company's stays.
 */
#include "rekisteri/forget.h"
#include "rekisteri/i18n.h"
#include "rekisteri/search.h"
#include "record_db.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_WHAT   N_("truncating the write-ahead log after forgetting")
#define OPTIMIZE_FTS "INSERT INTO customer_fts(customer_fts) VALUES('optimize')"

/* Record scrub work this forgetting owes, in its own transaction: kept
 * from the first time it was owed until it is paid. */
static int owe(sqlite3 *db, const char *kind, int64_t now, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db, "INSERT OR IGNORE INTO scrub_debt(kind, since) VALUES(?,?)", &st,
            "recording the scrub after forgetting", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "recording the scrub after forgetting", err);
}

void rk_forget_plan_clear(struct rk_forget_plan *p)
{
        if (p == NULL)
                return;
        free(p->hashes);
        memset(p, 0, sizeof(*p));
}

/* Run one statement with a single bound id; *changes gets the row count. */
static int exec_id(sqlite3 *db, const char *sql, int64_t id, int64_t *changes,
                   struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "forgetting a customer", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW && changes != NULL)
                *changes = sqlite3_column_int64(st, 0);
        else if (src == SQLITE_DONE && changes != NULL)
                *changes = sqlite3_stmt_readonly(st) ? 0 : sqlite3_changes(db);
        sqlite3_finalize(st);
        return src == SQLITE_ROW || src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "forgetting a customer", err);
}

static int load_customer(sqlite3 *db, int64_t id, struct rk_forget_plan *p,
                         struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db, "SELECT number, created_at, anonymised_at FROM customers WHERE id=?", &st,
            "forgetting a customer", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                p->customer_id = id;
                snprintf(p->number, sizeof(p->number), "%s",
                         (const char *)sqlite3_column_text(st, 0));
                p->created_at = sqlite3_column_int64(st, 1);
                p->already = sqlite3_column_type(st, 2) != SQLITE_NULL;
        } else if (src == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such customer");
        } else {
                rc = rk_sql_fail(db, src, "forgetting a customer", err);
        }
        sqlite3_finalize(st);
        return rc;
}

/*
 * Walk the customer's orders: count held and deletable ones into p and,
 * when `delete` is set, delete the deletable ones with their lines.
 */
static int walk_orders(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                       enum rk_forget_mode mode, const char *today, bool delete,
                       struct rk_forget_plan *p, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT o.id, o.ordered_on, (SELECT count(*) FROM "
                                "order_lines l WHERE l.order_id = o.id)"
                                " FROM orders o WHERE o.customer_id=? ORDER BY o.id",
                                &st, "forgetting a customer", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        bool row = false;
        while (rc == RK_OK &&
               (rc = rk_sql_row(st, &row, "forgetting a customer", err)) == RK_OK &&
               row) {
                int64_t order = sqlite3_column_int64(st, 0);
                int64_t lines = sqlite3_column_int64(st, 2);
                char until[RK_DATE_TEXT];
                rc = rk_hold_until(cfg, (const char *)sqlite3_column_text(st, 1), until,
                                   err);
                if (rc != RK_OK)
                        break;
                bool held = mode == RK_FORGET_ANONYMISE || strcmp(today, until) <= 0;
                if (held) {
                        p->orders_held++;
                        p->lines_held += lines;
                        if (strcmp(until, p->held_until) > 0)
                                memcpy(p->held_until, until, RK_DATE_TEXT);
                        continue;
                }
                p->orders_deleted++;
                p->lines_deleted += lines;
                if (delete)
                        rc = exec_id(db, "DELETE FROM order_lines WHERE order_id=?",
                                     order, NULL, err);
                if (delete &&rc == RK_OK)
                        rc = exec_id(db, "DELETE FROM orders WHERE id=?", order, NULL,
                                     err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* The child tables deleted whole, with where each count goes. */
static int64_t *child_count(struct rk_forget_plan *p, int i)
{
        int64_t *slots[] = {&p->contacts, &p->notes, &p->consents, &p->objections};
        return slots[i];
}

static const char *const count_sql[] = {
    "SELECT count(*) FROM contact_persons WHERE customer_id=?",
    "SELECT count(*) FROM notes WHERE customer_id=?",
    "SELECT count(*) FROM consents WHERE customer_id=?",
    "SELECT count(*) FROM objections WHERE customer_id=?",
};

static const char *const delete_sql[] = {
    "DELETE FROM contact_persons WHERE customer_id=?",
    "DELETE FROM notes WHERE customer_id=?",
    "DELETE FROM consents WHERE customer_id=?",
    "DELETE FROM objections WHERE customer_id=?",
};

#define N_CHILDREN (sizeof(count_sql) / sizeof(count_sql[0]))

int rk_forget_plan_customer(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                            enum rk_forget_mode mode, const char *today,
                            struct rk_forget_plan *out, struct rk_error *err)
{
        memset(out, 0, sizeof(*out));
        int rc = load_customer(db, id, out, err);
        for (size_t i = 0; i < N_CHILDREN && rc == RK_OK; i++)
                rc = exec_id(db, count_sql[i], id, child_count(out, (int)i), err);
        if (rc == RK_OK)
                rc = walk_orders(db, cfg, id, mode, today, false, out, err);
        return rc;
}

/*
 * Fields fields.c classifies as not personal because they describe a
 * company, but which identify the person when the customer is a person:
 * a sole trader's business ID (Y-tunnus) is the person's own. They are
 * emptied for a person-type customer and kept for a company.
 */
static const char *const personal_for_person[] = {"business_id"};

static bool person_only(const char *column)
{
        for (size_t i = 0; i < sizeof(personal_for_person) / sizeof(*personal_for_person);
             i++) {
                if (strcmp(personal_for_person[i], column) == 0)
                        return true;
        }
        return false;
}

/* Columns a merged stub keeps: the kind, and the country (NOT NULL, and
 * no one's personal data). */
static bool stub_keeps(const char *column)
{
        return strcmp(column, "kind") == 0 || strcmp(column, "country") == 0;
}

/* The UPDATE that turns the customer row into a stub, from fields.c;
 * every_field (a merged stub) empties all but stub_keeps, a company's
 * business ID too. */
static int anonymise_row(sqlite3 *db, int64_t id, int64_t now, bool every_field,
                         struct rk_error *err)
{
        char sql[2048];
        size_t n, used;
        const struct rk_field *f = rk_fields_all(&n);
        used = (size_t)snprintf(sql, sizeof(sql), "UPDATE customers SET");
        for (size_t i = 0; i < n && used < sizeof(sql); i++) {
                if (f[i].record != RK_REC_CUSTOMER || strcmp(f[i].column, "kind") == 0)
                        continue;
                if (every_field && !stub_keeps(f[i].column)) {
                        used += (size_t)snprintf(
                            sql + used, sizeof(sql) - used, " %s=%s,", f[i].column,
                            strcmp(f[i].column, "name") == 0 ? "''" : "NULL");
                        continue;
                }
                if (every_field)
                        continue;
                if (person_only(f[i].column)) {
                        used += (size_t)snprintf(sql + used, sizeof(sql) - used,
                                                 " %s=CASE WHEN kind='person' THEN NULL "
                                                 "ELSE %s END,",
                                                 f[i].column, f[i].column);
                        continue;
                }
                if (!f[i].personal && f[i].group != RK_GROUP_IDENTITY)
                        continue;
                used += (size_t)snprintf(
                    sql + used, sizeof(sql) - used, " %s=%s,", f[i].column,
                    strcmp(f[i].column, "name") == 0 ? "''" : "NULL");
        }
        if (used < sizeof(sql))
                used += (size_t)snprintf(sql + used, sizeof(sql) - used,
                                         " restricted=0, anonymised_at=?, updated_at=?,"
                                         " version=version+1 WHERE id=?");
        if (used >= sizeof(sql))
                return rk_error_set(err, RK_ERR_INTERNAL,
                                    "anonymising: statement too long");
        sqlite3_stmt *st;
        /* a stub is restricted by nothing: its restrictions go with the flag */
        int rc =
            exec_id(db, "DELETE FROM restrictions WHERE customer_id=?", id, NULL, err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(db, sql, &st, "anonymising a customer", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "anonymising a customer", err);
}

static int suppress_all(sqlite3 *db, const struct rk_ident_hash *h, size_t n, int64_t now,
                        struct rk_error *err)
{
        int rc = RK_OK;
        for (size_t i = 0; i < n && rc == RK_OK; i++)
                rc = rk_suppress_add(db, &h[i], now, err);
        return rc;
}

/*
 * Take the customer's row out of the search index and merge the index's
 * segments, so the terms of the old row leave the b-tree (and
 * secure_delete zeroes the pages they were on); then index what is left
 * (a company's remaining contacts, or only the numbers of a stub whose
 * held orders the warehouse must still find). The optimize comes before
 * the new row: SQLite 3.15 loses FTS4 prefix indexes when one transaction
 * refills an emptied table and optimizes it.
 */
static int purge_index(sqlite3 *db, int64_t customer_id, bool optimize,
                       struct rk_error *err)
{
        int rc =
            exec_id(db, "DELETE FROM customer_fts WHERE docid=?", customer_id, NULL, err);
        if (rc == RK_OK && optimize)
                rc = rk_sql_exec(db, OPTIMIZE_FTS, "optimising the search index", err);
        if (rc == RK_OK)
                rc = rk_search_index(db, customer_id, err);
        return rc;
}

/* rk_forget_customer and its deferred twin: optimize says whether the
 * search index is merged here or left to the caller. */
static int forget_customer(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                           enum rk_forget_mode mode, int64_t now, bool optimize,
                           struct rk_forget_plan *done, struct rk_error *err)
{
        struct rk_forget_plan p;
        char today[RK_DATE_TEXT];
        rk_date_of(now, today);
        int rc = rk_forget_plan_customer(db, cfg, id, mode, today, &p, err);
        if (rc == RK_OK)
                rc = rk_suppress_collect(db, id, 0, &p.hashes, &p.nhashes, err);
        if (rc == RK_OK)
                rc = suppress_all(db, p.hashes, p.nhashes, now, err);
        for (size_t i = 0; i < N_CHILDREN && rc == RK_OK; i++)
                rc = exec_id(db, delete_sql[i], id, NULL, err);
        if (rc == RK_OK) {
                /* count again while deleting: the walk is the plan */
                struct rk_forget_plan again;
                memset(&again, 0, sizeof(again));
                rc = walk_orders(db, cfg, id, mode, today, true, &again, err);
        }
        if (rc == RK_OK)
                rc = anonymise_row(db, id, now, false, err);
        if (rc == RK_OK)
                rc = purge_index(db, id, optimize, err);
        if (rc == RK_OK && !optimize)
                rc = owe(db, "index", now, err);
        if (rc == RK_OK)
                rc = owe(db, "wal", now, err);
        if (rc == RK_OK && done != NULL) {
                *done = p;
                return RK_OK;
        }
        rk_forget_plan_clear(&p);
        return rc;
}

int rk_forget_customer(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                       enum rk_forget_mode mode, int64_t now, struct rk_forget_plan *done,
                       struct rk_error *err)
{
        return forget_customer(db, cfg, id, mode, now, true, done, err);
}

int rk_forget_customer_deferred(sqlite3 *db, const struct rk_config *cfg, int64_t id,
                                enum rk_forget_mode mode, int64_t now,
                                struct rk_forget_plan *done, struct rk_error *err)
{
        return forget_customer(db, cfg, id, mode, now, false, done, err);
}

int rk_forget_merged(sqlite3 *db, int64_t id, int64_t now, struct rk_error *err)
{
        int rc = anonymise_row(db, id, now, true, err);
        if (rc == RK_OK && sqlite3_changes(db) != 1)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such customer");
        if (rc == RK_OK)
                rc = purge_index(db, id, true, err);
        if (rc == RK_OK)
                rc = owe(db, "wal", now, err);
        return rc;
}

int rk_forget_optimize_index(sqlite3 *db, struct rk_error *err)
{
        const char *what = N_("merging the search index after forgetting");
        int rc = rk_sql_begin_as(db, what, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, OPTIMIZE_FTS, what, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, "DELETE FROM scrub_debt WHERE kind='index'", what,
                                 err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, what, err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                /* the forgetting it follows is committed; only the merge waits */
                rc = rk_error_set(err, rc,
                                  "the search index could not be merged yet (%s); old "
                                  "index segments keep terms of the forgotten until "
                                  "this is done by itself at the next opening",
                                  rk_rc_name(rc));
        }
        return rc;
}

int rk_forget_contact(sqlite3 *db, int64_t contact_id, int64_t now,
                      struct rk_ident_hash **hashes, size_t *nhashes,
                      struct rk_error *err)
{
        int64_t customer_id = 0, deleted = 0;
        struct rk_ident_hash *h = NULL;
        size_t n = 0;
        int rc = exec_id(db, "SELECT customer_id FROM contact_persons WHERE id=?",
                         contact_id, &customer_id, err);
        if (rc == RK_OK && customer_id == 0)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such contact person");
        if (rc == RK_OK)
                rc = rk_suppress_collect(db, customer_id, contact_id, &h, &n, err);
        if (rc == RK_OK)
                rc = suppress_all(db, h, n, now, err);
        if (rc == RK_OK)
                rc = exec_id(db, "DELETE FROM contact_persons WHERE id=?", contact_id,
                             &deleted, err);
        if (rc == RK_OK)
                rc = purge_index(db, customer_id, true, err);
        if (rc == RK_OK)
                rc = owe(db, "wal", now, err);
        if (rc == RK_OK && hashes != NULL && nhashes != NULL) {
                void *p = realloc(*hashes, (*nhashes + n + 1) * sizeof(*h));
                if (p == NULL) {
                        rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                } else {
                        *hashes = p;
                        if (n > 0)
                                memcpy(*hashes + *nhashes, h, n * sizeof(*h));
                        *nhashes += n;
                }
        }
        free(h);
        return rc;
}

/* wal_checkpoint(TRUNCATE); *busy when a reader kept the WAL. */
static int checkpoint(sqlite3 *db, bool *busy, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(db, "PRAGMA wal_checkpoint(TRUNCATE)", &st, FLUSH_WHAT, err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        *busy =
            src == SQLITE_BUSY || (src == SQLITE_ROW && sqlite3_column_int(st, 0) != 0);
        if (src != SQLITE_ROW && src != SQLITE_DONE && src != SQLITE_BUSY)
                rc = rk_sql_fail(db, src, FLUSH_WHAT, err);
        sqlite3_finalize(st);
        return rc;
}

int rk_forget_flush(sqlite3 *db, struct rk_error *err)
{
        sqlite3_stmt *st;
        bool busy = false;
        int rc = checkpoint(db, &busy, err);
        if (rc == RK_OK && busy)
                rc = rk_error_set(err, RK_ERR_BUSY,
                                  "another session is reading, so the write-ahead log "
                                  "keeps old pages until it is truncated by itself, "
                                  "when that session ends or at the next command");
        /* paid: the debt row goes, and the log that recorded that goes too */
        if (rc == RK_OK)
                rc = rk_sql_exec(db, "DELETE FROM scrub_debt WHERE kind='wal'",
                                 FLUSH_WHAT, err);
        if (rc == RK_OK)
                rc = checkpoint(db, &busy, err);
        /* called after a COMMIT: never "nothing was changed" */
        if (rc != RK_OK && rc != RK_ERR_BUSY)
                rc = rk_error_set(err, rc,
                                  "the write-ahead log could not be truncated yet (%s); "
                                  "this is done by itself at the next opening",
                                  rk_rc_name(rc));
        if (rc != RK_OK)
                return rc;
        rc = rk_sql_prepare(db, "PRAGMA secure_delete", &st, FLUSH_WHAT, err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
                rc = rk_error_set(err, RK_ERR_INTERNAL,
                                  "secure_delete is off: freed pages may still hold "
                                  "erased data");
        sqlite3_finalize(st);
        return rc;
}

int rk_forget_debt(sqlite3 *db, struct rk_scrub_debt *out, struct rk_error *err)
{
        sqlite3_stmt *st;
        memset(out, 0, sizeof(*out));
        int rc = rk_sql_prepare(db, "SELECT kind, since FROM scrub_debt", &st,
                                "reading the scrub work owed", err);
        if (rc != RK_OK)
                return rc;
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
                bool index =
                    strcmp((const char *)sqlite3_column_text(st, 0), "index") == 0;
                *(index ? &out->index_since : &out->wal_since) =
                    sqlite3_column_int64(st, 1);
        }
        if (src != SQLITE_DONE)
                rc = rk_sql_fail(db, src, "reading the scrub work owed", err);
        sqlite3_finalize(st);
        return rc;
}

int rk_forget_settle(sqlite3 *db, long long busy_ms, struct rk_scrub_debt *left,
                     struct rk_error *err)
{
        struct rk_scrub_debt local;
        left = left != NULL ? left : &local;
        int rc = rk_forget_debt(db, left, err);
        if (rc == RK_OK && left->index_since != 0)
                rc = rk_forget_optimize_index(db, err);
        if (rc == RK_OK && (left->index_since != 0 || left->wal_since != 0)) {
                /* a reader may hold the log for hours: do not wait for it */
                rk_busy_install(db, 0);
                struct rk_error ferr;
                int frc = rk_forget_flush(db, &ferr);
                rk_busy_install(db, busy_ms);
                if (frc != RK_OK && frc != RK_ERR_BUSY)
                        rc = frc, *err = ferr;
        }
        if (rc == RK_OK)
                rc = rk_forget_debt(db, left, err);
        return rc;
}
