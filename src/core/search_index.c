/*
 * search_index.c - building rows of the customer_fts index (see search.h).
 *
 * One SELECT, generated from the field table in fields.c, gathers for each
 * customer the raw text of every search column: its own fields, and those
 * of its contact persons and orders through correlated group_concat()
 * subqueries (each an index lookup on customer_id). The keys column also
 * gets the customer number, and the numbers of the customers merged into
 * this one (merge.h), which have no row of their own. A phone number stored as "+358..."
 * is indexed in its national form "0..." too, as people type it that way. Each column is
 * folded in C (rk_search_fold), its words get the column's tag (rk_search_tag_words;
 * search.c says why) and it is inserted with bound values.
 *
 * rk_search_index runs that SELECT for one customer and replaces its row
 * (statements from the connection's cache); rk_search_reindex_all
 * runs it for all of them in id order, which lets FTS4 buffer terms and
 * write few, large segments. The rebuild runs inside a savepoint; the
 * row of one customer is one write statement (rk_search_index says why
 * that needs none).
 *
 * rk_search_upgrade rebuilds an index of an older form once, when the
 * store opens, and then merges it in a transaction of its own; meta's
 * search_merge row says a merge is owed from the rebuild's COMMIT until
 * the merge's, so a session killed in between leaves it to the next.
 */
#include "search_index.h"
#include "rekisteri/i18n.h"
#include "rekisteri/search.h"
#include "sql.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SELECT_SQL_MAX 8192
#define PROGRESS_EVERY 4096
#define OPTIMIZE       "INSERT INTO customer_fts(customer_fts) VALUES('optimize')"

/* How the rows of a record kind hang off the customer c. */
static const char *record_link(enum rk_record r)
{
        switch (r) {
        case RK_REC_LINE:
                return "x.order_id IN (SELECT id FROM orders WHERE customer_id = c.id)";
        case RK_REC_CUSTOMER:
                return NULL;
        default:
                return "x.customer_id = c.id";
        }
}

struct sqlbuf {
        char p[SELECT_SQL_MAX];
        size_t len;
        int overflow;
        bool merged; /* the register has merged customers (merge.h) */
};

static void add(struct sqlbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(struct sqlbuf *b, const char *fmt, ...)
{
        if (b->overflow)
                return;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, sizeof(b->p) - b->len, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(b->p) - b->len)
                b->overflow = 1;
        else
                b->len += (size_t)n;
}

/* The text of one field of the row alias, never NULL. */
static void add_term(struct sqlbuf *b, const struct rk_field *f, const char *alias)
{
        add(b, "ifnull(%s.%s,'')", alias, f->column);
        if (f->validator == RK_V_PHONE) {
                add(b, " || CASE WHEN substr(%s.%s,1,4) = '+358'", alias, f->column);
                add(b, " THEN ' 0' || substr(%s.%s,5) ELSE '' END", alias, f->column);
        }
}

/* Separate parts of one column's expression. */
static void add_sep(struct sqlbuf *b, int *first)
{
        if (!*first)
                add(b, " || ' ' || ");
        *first = 0;
}

/* One part of a search column's text: the fields of one group that feed
 * it, or (group RK_GROUP_COUNT) the customer number. */
struct part {
        enum rk_fts_column col;
        enum rk_group group;
};

/* Does any field of group feed col? */
static bool feeds(enum rk_fts_column col, enum rk_group group)
{
        size_t n;
        const struct rk_field *all = rk_fields_all(&n);
        for (size_t i = 0; i < n; i++)
                if (all[i].fts == col && all[i].group == group)
                        return true;
        return false;
}

/* The parts, in column order; returns the count (at most PARTS_MAX). */
#define PARTS_MAX (RK_FTS_COUNT * (RK_GROUP_COUNT + 1))
static size_t parts(struct part *out)
{
        size_t k = 0;
        for (int col = 0; col < RK_FTS_COUNT; col++) {
                if (col == RK_FTS_KEYS)
                        out[k++] = (struct part){RK_FTS_KEYS, RK_GROUP_COUNT};
                for (int g = 0; g < RK_GROUP_COUNT; g++)
                        if (feeds((enum rk_fts_column)col, (enum rk_group)g))
                                out[k++] = (struct part){(enum rk_fts_column)col,
                                                         (enum rk_group)g};
        }
        return k;
}

/* The fields of record r and group that feed column col, over its rows. */
static void add_record(struct sqlbuf *b, enum rk_record r, const struct part *p,
                       int *first)
{
        size_t n;
        const struct rk_field *all = rk_fields_all(&n);
        int inner_first = 1;
        for (size_t i = 0; i < n; i++) {
                if (all[i].record != r || all[i].fts != p->col ||
                    all[i].group != p->group)
                        continue;
                if (inner_first) {
                        add_sep(b, first);
                        if (r != RK_REC_CUSTOMER)
                                add(b, "ifnull((SELECT group_concat(");
                } else {
                        add(b, " || ' ' || ");
                }
                add_term(b, &all[i], r == RK_REC_CUSTOMER ? "c" : "x");
                inner_first = 0;
        }
        if (!inner_first && r != RK_REC_CUSTOMER)
                add(b, ", ' ') FROM %s x WHERE %s),'')", rk_fields_table(r),
                    record_link(r));
}

static void add_part(struct sqlbuf *b, const struct part *p)
{
        int first = 1;
        add(b, ", ");
        if (p->group == RK_GROUP_COUNT && !b->merged) {
                add(b, "c.number");
                return;
        }
        if (p->group == RK_GROUP_COUNT) {
                /* with the numbers of the customers merged into this one */
                add(b, "c.number || ifnull(' ' || (SELECT group_concat(m.number, ' ')"
                       " FROM customers m WHERE m.merged_into = c.id), '')");
                return;
        }
        for (int r = 0; r < RK_REC_COUNT; r++)
                add_record(b, (enum rk_record)r, p, &first);
        if (first)
                add(b, "''");
}

/* SELECT c.id, <one text per part> FROM customers c WHERE where. */
static int select_sql(struct sqlbuf *b, const char *where, struct rk_error *err)
{
        struct part p[PARTS_MAX];
        size_t np = parts(p);
        b->len = 0;
        b->overflow = 0;
        add(b, "SELECT c.id");
        for (size_t i = 0; i < np; i++)
                add_part(b, &p[i]);
        /* unary +: a scan in id order, not a walk of the merged_into index */
        add(b, " FROM customers c WHERE (%s) AND +c.merged_into IS NULL ORDER BY c.id",
            where);
        if (b->overflow)
                return rk_error_set(err, RK_ERR_INTERNAL,
                                    "search: the index query does not fit its buffer");
        return RK_OK;
}

/* INSERT INTO table(docid, <columns>) VALUES(?1, ?2, ...); with replace,
 * INSERT OR REPLACE: FTS4 first removes the terms of a row already
 * indexed under the docid. */
static int insert_sql(const char *table, bool replace, char *out, size_t size,
                      struct rk_error *err)
{
        size_t len = (size_t)snprintf(out, size, "INSERT%s INTO %s(docid",
                                      replace ? " OR REPLACE" : "", table);
        for (int col = 0; col < RK_FTS_COUNT && len < size; col++)
                len += (size_t)snprintf(out + len, size - len, ", %s",
                                        rk_fts_column_name((enum rk_fts_column)col));
        if (len < size)
                len += (size_t)snprintf(out + len, size - len, ") VALUES(?1");
        for (int col = 0; col < RK_FTS_COUNT && len < size; col++)
                len += (size_t)snprintf(out + len, size - len, ", ?%d", col + 2);
        if (len < size)
                len += (size_t)snprintf(out + len, size - len, ")");
        if (len >= size)
                return rk_error_set(err, RK_ERR_INTERNAL, "search: bad index insert");
        return RK_OK;
}

int rk_search_insert_prepare(sqlite3 *db, const char *table, sqlite3_stmt **ins,
                             struct rk_error *err)
{
        char sql[256];
        *ins = NULL;
        int rc = insert_sql(table, false, sql, sizeof(sql), err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(db, sql, ins, "updating the search index", err);
        return rc;
}

/* Append the tagged text of part p (result column i of sel) to *text. */
static int add_tagged(sqlite3_stmt *sel, int i, const struct part *p, char **text)
{
        const char *raw = (const char *)sqlite3_column_text(sel, i);
        char *folded = rk_search_fold(raw ? raw : "");
        char *tagged =
            folded ? rk_search_tag_words(folded, rk_search_group_tag(p->group)) : NULL;
        free(folded);
        if (tagged == NULL)
                return RK_ERR_NOMEM;
        if (*text == NULL || tagged[0] == '\0') {
                if (*text == NULL)
                        *text = tagged;
                else
                        free(tagged);
                return RK_OK;
        }
        size_t a = strlen(*text), n = strlen(tagged);
        char *joined = realloc(*text, a + n + 2);
        if (joined == NULL) {
                free(tagged);
                return RK_ERR_NOMEM;
        }
        if (a > 0)
                joined[a++] = ' ';
        memcpy(joined + a, tagged, n + 1);
        free(tagged);
        *text = joined;
        return RK_OK;
}

int rk_search_row_texts(sqlite3_stmt *sel, char *texts[RK_FTS_COUNT],
                        struct rk_error *err)
{
        struct part p[PARTS_MAX];
        size_t np = parts(p);
        int rc = RK_OK;
        for (int col = 0; col < RK_FTS_COUNT; col++)
                texts[col] = NULL;
        for (size_t i = 0; i < np && rc == RK_OK; i++)
                if (add_tagged(sel, (int)i + 1, &p[i], &texts[p[i].col]) != RK_OK)
                        rc = rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
        for (int col = 0; col < RK_FTS_COUNT && rc == RK_OK; col++)
                if (texts[col] == NULL && (texts[col] = calloc(1, 1)) == NULL)
                        rc = rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
        if (rc != RK_OK)
                for (int col = 0; col < RK_FTS_COUNT; col++) {
                        free(texts[col]);
                        texts[col] = NULL;
                }
        return rc;
}

int rk_search_insert_row(sqlite3 *db, sqlite3_stmt *ins, int64_t docid,
                         char *texts[RK_FTS_COUNT], struct rk_error *err)
{
        sqlite3_bind_int64(ins, 1, docid);
        for (int col = 0; col < RK_FTS_COUNT; col++) {
                sqlite3_bind_text(ins, col + 2, texts[col], -1, free);
                texts[col] = NULL;
        }
        int src = sqlite3_step(ins);
        sqlite3_reset(ins);
        sqlite3_clear_bindings(ins); /* frees the texts now */
        return src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "updating the search index", err);
}

/* Fold the row of sel into ins and insert it. */
static int index_row(sqlite3 *db, sqlite3_stmt *sel, sqlite3_stmt *ins,
                     struct rk_error *err)
{
        char *texts[RK_FTS_COUNT];
        int rc = rk_search_row_texts(sel, texts, err);
        if (rc == RK_OK)
                rc = rk_search_insert_row(db, ins, sqlite3_column_int64(sel, 0), texts,
                                          err);
        return rc;
}

struct progress {
        void (*fn)(void *ctx, int64_t done, int64_t total);
        void *ctx;
        int64_t total;
};

/* Index every row sel yields, through ins. */
static int index_rows(sqlite3 *db, sqlite3_stmt *sel, sqlite3_stmt *ins,
                      const struct progress *p, struct rk_error *err)
{
        int64_t done = 0;
        bool row = false;
        int rc = RK_OK;
        while (rc == RK_OK &&
               (rc = rk_sql_row(sel, &row, "reading customers for the search index",
                                err)) == RK_OK &&
               row) {
                rc = index_row(db, sel, ins, err);
                if (++done % PROGRESS_EVERY == 0 && p != NULL && p->fn != NULL)
                        p->fn(p->ctx, done, p->total);
        }
        if (rc == RK_OK && p != NULL && p->fn != NULL)
                p->fn(p->ctx, done, p->total);
        return rc;
}

static int savepoint_end(sqlite3 *db, int rc, struct rk_error *err)
{
        if (rc != RK_OK) {
                sqlite3_exec(db, "ROLLBACK TO rk_search; RELEASE rk_search", NULL, NULL,
                             NULL);
                return rc;
        }
        return rk_sql_exec(db, "RELEASE rk_search", "updating the search index", err);
}

/* Are there merged customers at all? One index probe (max() reads the
 * last entry of customers_merged; "merged_into IS NOT NULL LIMIT 1" would
 * walk every NULL before it, one per customer, in every save); the keys
 * column looks for merged numbers only then, so a register without
 * merges pays nothing per row. */
static int any_merged(sqlite3 *db, bool *out, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(db, "SELECT max(merged_into) FROM customers", &st,
                               "reading customers for the search index", err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        *out = src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
        rk_sql_release(st);
        return src == SQLITE_ROW
                   ? RK_OK
                   : rk_sql_fail(db, src, "reading customers for the search index", err);
}

/* The rows SELECT for where, prepared by prepare (rk_sql_prepare, or
 * rk_sql_cached for the one customer of a save). */
static int rows_prepare(sqlite3 *db, const char *where, sqlite3_stmt **sel,
                        int (*prepare)(sqlite3 *, const char *, sqlite3_stmt **,
                                       const char *, struct rk_error *),
                        struct rk_error *err)
{
        struct sqlbuf *b = malloc(sizeof(*b));
        *sel = NULL;
        if (b == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
        int rc = any_merged(db, &b->merged, err);
        if (rc == RK_OK)
                rc = select_sql(b, where, err);
        if (rc == RK_OK)
                rc =
                    prepare(db, b->p, sel, "reading customers for the search index", err);
        free(b);
        return rc;
}

int rk_search_rows_prepare(sqlite3 *db, const char *where, sqlite3_stmt **sel,
                           struct rk_error *err)
{
        return rows_prepare(db, where, sel, rk_sql_prepare, err);
}

/* Remove customer_id's row from the index (a merged customer has none). */
static int unindex(sqlite3 *db, int64_t customer_id, struct rk_error *err)
{
        sqlite3_stmt *del;
        int rc = rk_sql_cached(db, "DELETE FROM customer_fts WHERE docid = ?1", &del,
                               "updating the search index", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(del, 1, customer_id);
        int src = sqlite3_step(del);
        rk_sql_release(del);
        return src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "updating the search index", err);
}

/*
 * The statements a save runs for its customer come from the connection's
 * cache (sql.h, rk_sql_cached): a save, and an import of many customers,
 * parses none of them again. A customer that has a row replaces the old
 * one with INSERT OR REPLACE, which FTS4 does by the docid alone; a DELETE
 * ... WHERE docid=? would open a cursor on the index, and SQLite 3.15
 * prepares a statement for every such cursor.
 *
 * One statement writes (the INSERT OR REPLACE, or the DELETE of a merged
 * customer's row), so no savepoint: alone, that statement is atomic;
 * inside the caller's transaction, SQLite itself rolls the transaction
 * back on a full disk, an I/O error or no memory, and the caller rolls it
 * back on any failure. A savepoint here would copy the index pages each
 * save touches into a journal, encrypted: three pages per customer saved.
 */
int rk_search_index(sqlite3 *db, int64_t customer_id, struct rk_error *err)
{
        static const char *const what = N_("updating the search index");
        sqlite3_stmt *sel = NULL, *ins = NULL;
        char sql[256];
        bool row = false;
        int rc = rows_prepare(db, "c.id = ?1", &sel, rk_sql_cached, err);
        if (rc == RK_OK) {
                sqlite3_bind_int64(sel, 1, customer_id);
                rc = rk_sql_row(sel, &row, "reading customers for the search index", err);
        }
        if (rc == RK_OK && row)
                rc = insert_sql("customer_fts", true, sql, sizeof(sql), err);
        if (rc == RK_OK && row)
                rc = rk_sql_cached(db, sql, &ins, what, err);
        if (rc == RK_OK && row)
                rc = index_row(db, sel, ins, err);
        if (rc == RK_OK && !row)
                rc = unindex(db, customer_id, err);
        rk_sql_release(sel);
        rk_sql_release(ins);
        return rc;
}

int rk_search_index_ddl(sqlite3 *db, char **ddl, struct rk_error *err)
{
        static const char *const what = N_("reading the search index schema");
        sqlite3_stmt *st = NULL;
        *ddl = NULL;
        int rc = rk_sql_prepare(db,
                                "SELECT sql FROM main.sqlite_master"
                                " WHERE type = 'table' AND name = 'customer_fts'",
                                &st, what, err);
        bool row = false;
        if (rc == RK_OK)
                rc = rk_sql_row(st, &row, what, err);
        if (rc == RK_OK && row && sqlite3_column_text(st, 0))
                *ddl = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (rc == RK_OK && *ddl == NULL)
                rc = rk_error_set(err, RK_ERR_CORRUPT, "%s: the index table is missing",
                                  _(what));
        return rc;
}

int rk_search_recreate(sqlite3 *db, struct rk_error *err)
{
        static const char *const what = N_("rebuilding the search index");
        char *ddl = NULL;
        int rc = rk_search_index_ddl(db, &ddl, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, "DROP TABLE main.customer_fts", what, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, ddl, what, err);
        free(ddl);
        return rc;
}

int rk_search_count_customers(sqlite3 *db, int64_t *total, struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        int rc = rk_sql_prepare(db, "SELECT count(*) FROM customers", &st,
                                "counting customers", err);
        if (rc == RK_OK && sqlite3_step(st) == SQLITE_ROW)
                *total = sqlite3_column_int64(st, 0);
        else if (rc == RK_OK)
                rc = rk_sql_fail(db, sqlite3_errcode(db), "counting customers", err);
        sqlite3_finalize(st);
        return rc;
}

int rk_search_reindex_all(sqlite3 *db,
                          void (*progress)(void *ctx, int64_t done, int64_t total),
                          void *ctx, struct rk_error *err)
{
        static const char *const what = N_("rebuilding the search index");
        struct progress p = {progress, ctx, 0};
        sqlite3_stmt *sel = NULL, *ins = NULL;
        int own_tx = sqlite3_get_autocommit(db);
        int rc = rk_sql_exec(db, "SAVEPOINT rk_search", what, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_search_recreate(db, err);
        if (rc == RK_OK)
                rc = rk_search_count_customers(db, &p.total, err);
        if (rc == RK_OK)
                rc = rk_search_rows_prepare(db, "1", &sel, err);
        if (rc == RK_OK)
                rc = rk_search_insert_prepare(db, "customer_fts", &ins, err);
        if (rc == RK_OK)
                rc = index_rows(db, sel, ins, &p, err);
        sqlite3_finalize(sel);
        sqlite3_finalize(ins);
        rc = savepoint_end(db, rc, err);
        /* SQLite 3.15.2 loses the prefix indexes when 'optimize' runs in
         * the transaction that filled an emptied table: merge only in a
         * transaction of its own. */
        if (rc == RK_OK && own_tx)
                rc = rk_sql_exec(db, OPTIMIZE, what, err);
        return rc;
}

/* The index is tagged by field group (search.c) once meta says so. */
#define TAGS_KEY "search_tags"
/* the index's form: tags by field group; since "by_group,base_letters",
 * accented letters folded to their base letters (search.c) */
#define TAGS_VALUE "by_group,base_letters"
/* present while the merge after the one-time rebuild is owed */
#define MERGE_KEY "search_merge"

/* The index's state in meta: *current when it has the current form,
 * *owed when the merge after its rebuild has not run yet. When meta
 * cannot be read, the index is taken as old: the rebuild then says what
 * is wrong. */
static void index_state(sqlite3 *db, bool *current, bool *owed)
{
        sqlite3_stmt *st;
        *current = false;
        *owed = false;
        if (sqlite3_prepare_v2(db,
                               "SELECT ifnull((SELECT value = '" TAGS_VALUE
                               "' FROM meta WHERE key = '" TAGS_KEY "'), 0),"
                               " EXISTS(SELECT 1 FROM meta WHERE key = '" MERGE_KEY "')",
                               -1, &st, NULL) != SQLITE_OK)
                return;
        if (sqlite3_step(st) == SQLITE_ROW) {
                *current = sqlite3_column_int(st, 0) != 0;
                *owed = sqlite3_column_int(st, 1) != 0;
        }
        sqlite3_finalize(st);
}

/* Rebuild an index in an older form, in one transaction that also marks
 * it current and records the merge it owes. */
static int rebuild(sqlite3 *db, void (*progress)(void *ctx, int64_t done, int64_t total),
                   void *ctx, struct rk_error *err)
{
        static const char *const what =
            N_("rebuilding the search index in its current form");
        bool current, owed;
        int rc = rk_sql_begin_as(db, what, err);
        if (rc != RK_OK)
                return rc;
        index_state(db, &current, &owed);
        if (!current) { /* another session may have done it meanwhile */
                rc = rk_search_reindex_all(db, progress, ctx, err);
                if (rc == RK_OK)
                        rc = rk_sql_exec(db,
                                         "INSERT OR REPLACE INTO meta(key, value) VALUES"
                                         " ('" TAGS_KEY "', '" TAGS_VALUE "'),"
                                         " ('" MERGE_KEY "', 'owed')",
                                         what, err);
        }
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, what, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

/* Merge the rebuilt index into one segment per index and clear the debt,
 * in a transaction of its own after the rebuild's (SQLite 3.15.2 loses the
 * prefix indexes when 'optimize' runs in the transaction that filled an
 * emptied table; see rk_search_reindex_all). */
static int merge_rebuilt(sqlite3 *db, struct rk_error *err)
{
        static const char *const what = N_("merging the rebuilt search index");
        bool current, owed;
        int rc = rk_sql_begin_as(db, what, err);
        if (rc != RK_OK)
                return rc;
        index_state(db, &current, &owed);
        if (owed) /* another session may have merged it meanwhile */
                rc = rk_sql_exec(db, OPTIMIZE, what, err);
        if (rc == RK_OK && owed)
                rc = rk_sql_exec(db, "DELETE FROM meta WHERE key = '" MERGE_KEY "'", what,
                                 err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, what, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

int rk_search_upgrade(sqlite3 *db,
                      void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                      struct rk_error *err)
{
        bool current, owed;
        index_state(db, &current, &owed);
        if (current && !owed)
                return RK_OK;
        int rc = current ? RK_OK : rebuild(db, progress, ctx, err);
        if (rc == RK_OK)
                rc = merge_rebuilt(db, err);
        return rc;
}
