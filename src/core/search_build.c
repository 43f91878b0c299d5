/*
 * search_build.c - building the whole search index on the second core
 * while a bulk load is still writing rows (rk_search_build_*, see search.h).
 *
 * FTS4's index build is CPU work inside SQLite (tokenising, the pending-
 * terms hash, sorting and merging segments), and a database has one
 * writer, so it cannot overlap the row inserts in the register itself.
 * It is therefore built in a private in-memory database by a worker
 * thread with a connection of its own:
 *
 *   - the loader, after committing a range of customers, reads their index
 *     rows with the same SELECT and folding as rk_search_reindex_all
 *     (search_index.h) and queues them (at most QUEUE_MAX batches, so
 *     memory stays bounded when the worker falls behind);
 *   - the worker inserts them, in docid order and in one transaction, into
 *     an FTS4 table made from the register's own customer_fts schema text,
 *     then merges it into one segment per index ('optimize', in a
 *     transaction of its own: see rk_search_reindex_all);
 *   - rk_search_build_finish copies the finished table into the register,
 *     in one savepoint: customer_fts is dropped (secure_delete zeroes its
 *     pages) and created again, and its shadow tables (content, segments,
 *     segdir, docsize, stat: FTS4's documented storage, which is all FTS4
 *     reads) are filled row by row from the worker's. The result is the
 *     index that inserting every row into customer_fts makes; the unit
 *     test compares the two and runs FTS4's integrity-check.
 *
 * The index text never reaches a file unencrypted: the worker's database
 * is ':memory:' and is closed (freed) at the end.
 */
#include "rekisteri/search.h"
#include "rekisteri/i18n.h"
#include "search_index.h"
#include "sql.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_MAX 4
#define WHAT      N_("building the search index")

/* One customer's index row. */
struct row {
        int64_t docid;
        char *texts[RK_FTS_COUNT];
};

/* The rows of one committed range of customers. */
struct batch {
        struct batch *next;
        struct rk_sql_array a; /* struct row */
};

struct rk_search_build {
        sqlite3 *mem;      /* the worker's in-memory database */
        sqlite3_stmt *sel; /* on the loader's connection */
        pthread_t thread;
        int started;
        pthread_mutex_t mu;
        pthread_cond_t changed;
        struct batch *head, *tail; /* the queue, under mu */
        int queued, closing, abort;
        int rc; /* the worker's first failure, under mu */
        struct rk_error err;
        int64_t rows;
};

static void batch_free(struct batch *b)
{
        if (b == NULL)
                return;
        struct row *rows = b->a.v;
        for (size_t i = 0; i < b->a.n; i++)
                for (int col = 0; col < RK_FTS_COUNT; col++)
                        free(rows[i].texts[col]);
        free(b->a.v);
        free(b);
}

/* ---- the worker --------------------------------------------------------- */

/* The next queued batch, or NULL once closing and empty; *abort: give up. */
static struct batch *next_batch(struct rk_search_build *b, int *abort)
{
        pthread_mutex_lock(&b->mu);
        while (b->head == NULL && !b->closing)
                pthread_cond_wait(&b->changed, &b->mu);
        struct batch *q = b->head;
        if (q != NULL) {
                b->head = q->next;
                if (b->head == NULL)
                        b->tail = NULL;
                b->queued--;
                pthread_cond_broadcast(&b->changed);
        }
        *abort = b->abort;
        pthread_mutex_unlock(&b->mu);
        return q;
}

static void worker_fail(struct rk_search_build *b, const struct rk_error *err)
{
        pthread_mutex_lock(&b->mu);
        if (b->rc == RK_OK) {
                b->rc = err->rc != RK_OK ? err->rc : RK_ERR_INTERNAL;
                b->err = *err;
        }
        pthread_cond_broadcast(&b->changed);
        pthread_mutex_unlock(&b->mu);
}

static int insert_batch(struct rk_search_build *b, sqlite3_stmt *ins, struct batch *q,
                        struct rk_error *err)
{
        int rc = RK_OK;
        struct row *rows = q->a.v;
        for (size_t i = 0; rc == RK_OK && i < q->a.n; i++)
                rc = rk_search_insert_row(b->mem, ins, rows[i].docid, rows[i].texts, err);
        return rc;
}

/* Insert every queued batch, then commit and merge, unless aborted. */
static void *worker(void *arg)
{
        struct rk_search_build *b = arg;
        struct rk_error err = {0};
        sqlite3_stmt *ins = NULL;
        int rc = rk_search_insert_prepare(b->mem, "customer_fts", &ins, &err);
        struct batch *q;
        int abort = 0;
        while ((q = next_batch(b, &abort)) != NULL) {
                if (rc == RK_OK && !abort)
                        rc = insert_batch(b, ins, q, &err);
                batch_free(q);
                if (rc != RK_OK)
                        worker_fail(b, &err); /* goes on draining the queue */
        }
        sqlite3_finalize(ins);
        if (rc == RK_OK && !abort)
                rc = rk_sql_exec(b->mem, "COMMIT", WHAT, &err);
        if (rc == RK_OK && !abort)
                rc = rk_sql_exec(
                    b->mem, "INSERT INTO customer_fts(customer_fts) VALUES('optimize')",
                    WHAT, &err);
        if (rc != RK_OK)
                worker_fail(b, &err);
        return NULL;
}

/* ---- the loader's side -------------------------------------------------- */

/* The worker's database: an empty customer_fts like the register's. */
static int open_memory(struct rk_search_build *b, sqlite3 *db, struct rk_error *err)
{
        char *ddl = NULL;
        int rc = rk_search_index_ddl(db, &ddl, err);
        if (rc == RK_OK) {
                int src =
                    sqlite3_open_v2(":memory:", &b->mem,
                                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
                if (src != SQLITE_OK)
                        rc = rk_sql_fail(b->mem, src, WHAT, err);
        }
        /* no rollback journal: on failure the whole database is dropped */
        if (rc == RK_OK)
                rc = rk_sql_exec(b->mem, "PRAGMA journal_mode=OFF", WHAT, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(b->mem, ddl, WHAT, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(b->mem, "BEGIN", WHAT, err);
        free(ddl);
        return rc;
}

static void build_free(struct rk_search_build *b)
{
        if (b->started) {
                pthread_mutex_lock(&b->mu);
                b->closing = 1;
                pthread_cond_broadcast(&b->changed);
                pthread_mutex_unlock(&b->mu);
                pthread_join(b->thread, NULL);
        }
        for (struct batch *q = b->head, *next; q != NULL; q = next) {
                next = q->next;
                batch_free(q);
        }
        sqlite3_finalize(b->sel);
        sqlite3_close(b->mem);
        pthread_mutex_destroy(&b->mu);
        pthread_cond_destroy(&b->changed);
        free(b);
}

int rk_search_build_start(sqlite3 *db, struct rk_search_build **out, struct rk_error *err)
{
        struct rk_search_build *b = calloc(1, sizeof(*b));
        *out = NULL;
        if (b == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
        pthread_mutex_init(&b->mu, NULL);
        pthread_cond_init(&b->changed, NULL);
        int rc = rk_search_rows_prepare(db, "c.id BETWEEN ?1 AND ?2", &b->sel, err);
        if (rc == RK_OK)
                rc = open_memory(b, db, err);
        if (rc == RK_OK && pthread_create(&b->thread, NULL, worker, b) != 0)
                rc =
                    rk_error_set(err, RK_ERR_NOMEM, "%s: cannot start a thread", _(WHAT));
        b->started = rc == RK_OK;
        if (rc != RK_OK) {
                build_free(b);
                return rc;
        }
        *out = b;
        return RK_OK;
}

/* One customer's docid and index texts. */
static int fill_row(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        struct row *r = item;
        (void)ctx;
        r->docid = sqlite3_column_int64(st, 0);
        return rk_search_row_texts(st, r->texts, err);
}

/* Read the index rows of customers from..to into a new batch. */
static int read_batch(struct rk_search_build *b, int64_t from, int64_t to,
                      struct batch **out, struct rk_error *err)
{
        struct batch *q = calloc(1, sizeof(*q));
        int rc = q ? RK_OK : rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
        sqlite3_bind_int64(b->sel, 1, from);
        sqlite3_bind_int64(b->sel, 2, to);
        if (rc == RK_OK)
                rc = rk_sql_collect(b->sel, sizeof(struct row), 0, fill_row, NULL, &q->a,
                                    "reading customers for the search index", err);
        sqlite3_reset(b->sel);
        if (rc != RK_OK) {
                batch_free(q);
                return rc;
        }
        *out = q;
        return RK_OK;
}

/* Queue q for the worker (waiting for room); RK_OK or the worker's failure. */
static int enqueue(struct rk_search_build *b, struct batch *q, struct rk_error *err)
{
        pthread_mutex_lock(&b->mu);
        while (b->rc == RK_OK && b->queued >= QUEUE_MAX)
                pthread_cond_wait(&b->changed, &b->mu);
        int rc = b->rc;
        if (rc == RK_OK) {
                if (b->tail != NULL)
                        b->tail->next = q;
                else
                        b->head = q;
                b->tail = q;
                b->queued++;
                b->rows += (int64_t)q->a.n;
                pthread_cond_broadcast(&b->changed);
        } else if (err != NULL) {
                *err = b->err;
        }
        pthread_mutex_unlock(&b->mu);
        if (rc != RK_OK)
                batch_free(q);
        return rc;
}

int rk_search_build_add(struct rk_search_build *b, int64_t from, int64_t to,
                        struct rk_error *err)
{
        struct batch *q = NULL;
        int rc = read_batch(b, from, to, &q, err);
        return rc == RK_OK ? enqueue(b, q, err) : rc;
}

/* Copy every row of the worker's table shadow into main.shadow. */
static int copy_table(struct rk_search_build *b, sqlite3 *db, const char *shadow,
                      struct rk_error *err)
{
        char sql[256];
        sqlite3_stmt *sel = NULL, *ins = NULL;
        snprintf(sql, sizeof(sql), "SELECT * FROM %s", shadow);
        int rc = rk_sql_prepare(b->mem, sql, &sel, WHAT, err);
        int n = sel ? sqlite3_column_count(sel) : 0;
        size_t len =
            (size_t)snprintf(sql, sizeof(sql), "INSERT INTO main.%s VALUES(?", shadow);
        for (int i = 1; i < n && len < sizeof(sql); i++)
                len += (size_t)snprintf(sql + len, sizeof(sql) - len, ",?");
        if (len < sizeof(sql))
                len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
        if (rc == RK_OK && len >= sizeof(sql))
                rc = rk_error_set(err, RK_ERR_INTERNAL, "%s: too many columns", _(WHAT));
        if (rc == RK_OK)
                rc = rk_sql_prepare(db, sql, &ins, WHAT, err);
        bool row = false;
        while (rc == RK_OK && (rc = rk_sql_row(sel, &row, WHAT, err)) == RK_OK && row) {
                for (int i = 0; i < n; i++)
                        sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i));
                int isrc = sqlite3_step(ins);
                sqlite3_reset(ins);
                if (isrc != SQLITE_DONE)
                        rc = rk_sql_fail(db, isrc, WHAT, err);
        }
        sqlite3_finalize(sel);
        sqlite3_finalize(ins);
        return rc;
}

/* Replace main.customer_fts by the worker's table, all or nothing. */
static int install(struct rk_search_build *b, sqlite3 *db, struct rk_error *err)
{
        static const char *const shadows[] = {
            "customer_fts_content", "customer_fts_segments", "customer_fts_segdir",
            "customer_fts_docsize", "customer_fts_stat"};
        int rc = rk_sql_exec(db, "SAVEPOINT rk_search_build", WHAT, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_search_recreate(db, err);
        for (size_t i = 0; rc == RK_OK && i < sizeof(shadows) / sizeof(shadows[0]); i++)
                rc = copy_table(b, db, shadows[i], err);
        if (rc != RK_OK) {
                sqlite3_exec(db, "ROLLBACK TO rk_search_build; RELEASE rk_search_build",
                             NULL, NULL, NULL);
                return rc;
        }
        return rk_sql_exec(db, "RELEASE rk_search_build", WHAT, err);
}

int rk_search_build_finish(struct rk_search_build *b, sqlite3 *db,
                           void (*progress)(void *ctx, int64_t done, int64_t total),
                           void *ctx, struct rk_error *err)
{
        int64_t total = 0;
        pthread_mutex_lock(&b->mu);
        b->closing = 1;
        pthread_cond_broadcast(&b->changed);
        pthread_mutex_unlock(&b->mu);
        pthread_join(b->thread, NULL);
        b->started = 0;
        int rc = b->rc;
        if (rc != RK_OK && err != NULL)
                *err = b->err;
        sqlite3_finalize(b->sel); /* before customer_fts is dropped */
        b->sel = NULL;
        if (rc == RK_OK)
                rc = rk_search_count_customers(db, &total, err);
        if (rc == RK_OK && total != b->rows)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "%s: %lld of %lld customers were added; the index "
                                  "was left as it was",
                                  _(WHAT), (long long)b->rows, (long long)total);
        if (rc == RK_OK)
                rc = install(b, db, err);
        if (rc == RK_OK && progress != NULL)
                progress(ctx, b->rows, total);
        build_free(b);
        return rc;
}

void rk_search_build_abort(struct rk_search_build *b)
{
        if (b == NULL)
                return;
        pthread_mutex_lock(&b->mu);
        b->abort = 1;
        pthread_mutex_unlock(&b->mu);
        build_free(b);
}
