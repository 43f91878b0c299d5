/*
 * record.c - record views and the field-driven SQL that fills and changes
 * them (see record.h and record_db.h).
 *
 * A SELECT is "SELECT id, version, <columns> FROM <table> WHERE <key>=?",
 * where <columns> are the fields of the record kind whose group the caller
 * passed, taken from the static table in fields.c. An UPDATE is "UPDATE OR
 * FAIL <table> SET <col>=?, ..., version=version+1 WHERE id=? AND
 * version=?"; when it changes no row, the row either is gone
 * (RK_ERR_NOTFOUND) or was saved by someone else since it was read
 * (RK_ERR_CONFLICT). SQL text is built with open_memstream, values are
 * always bound; the statements come from the connection's cache (sql.h).
 *
 * Why OR FAIL: it changes one row, by its id, and SQLite checks a row's
 * constraints before it writes any of it, so a failing UPDATE has nothing
 * of its own to undo; with the default (ABORT) SQLite would still copy
 * every page the statement touches into a statement journal first, which
 * on an encrypted register means encrypting it once more, for every save
 * (an import of 100,000 customers: 100,000 pages). SQLite keeps that
 * journal where it is needed (a foreign key checked at the statement's
 * end), and every caller rolls its transaction back on a failure.
 */
#include "record_db.h"
#include "rekisteri/collate.h"
#include "rekisteri/i18n.h"
#include "sql.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFLICT_MSG                                                                     \
        N_("%s: changed by someone else since you opened it; reopen it to see their "    \
           "changes")

static const char *what_of(enum rk_record kind)
{
        static const char *const what[RK_REC_COUNT] = {
            [RK_REC_CUSTOMER] = N_("customer"),   [RK_REC_CONTACT] = N_("contact person"),
            [RK_REC_ORDER] = N_("order"),         [RK_REC_LINE] = N_("order line"),
            [RK_REC_NOTE] = N_("note"),           [RK_REC_CONSENT] = N_("consent"),
            [RK_REC_OBJECTION] = N_("objection"),
        };
        /* a noun that begins a message as its subject ("order: ...") */
        return kind < RK_REC_COUNT ? _(what[kind]) : _("record");
}

/* ---- views ------------------------------------------------------------- */

const struct rk_value *rk_record_find(const struct rk_record_view *v, const char *column)
{
        for (size_t i = 0; v != NULL && i < v->n; i++) {
                if (strcmp(v->values[i].field->column, column) == 0)
                        return &v->values[i];
        }
        return NULL;
}

const char *rk_record_get(const struct rk_record_view *v, const char *column)
{
        const struct rk_value *val = rk_record_find(v, column);
        return val != NULL ? val->value : NULL;
}

void rk_record_view_clear(struct rk_record_view *v)
{
        if (v == NULL)
                return;
        /* the values are personal data: wiped, not just freed */
        for (size_t i = 0; i < v->n; i++) {
                char *value = v->values[i].value;
                if (value != NULL)
                        sodium_memzero(value, strlen(value));
                free(value);
        }
        free(v->values);
        memset(v, 0, sizeof(*v));
}

void rk_record_views_free(struct rk_record_view *v, size_t n)
{
        for (size_t i = 0; v != NULL && i < n; i++)
                rk_record_view_clear(&v[i]);
        free(v);
}

/* ---- classification ---------------------------------------------------- */

rk_groupset rk_record_groups(enum rk_record kind)
{
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        rk_groupset groups = 0;
        for (size_t i = 0; i < n; i++) {
                if (f[i].record == kind)
                        groups |= 1u << f[i].group;
        }
        return groups;
}

bool rk_record_has_version(enum rk_record kind)
{
        return kind == RK_REC_CUSTOMER || kind == RK_REC_CONTACT || kind == RK_REC_ORDER;
}

/* ---- SELECT ------------------------------------------------------------ */

/* The fields of kind in groups, in table order; *cols is malloc'd. */
static int pick_fields(enum rk_record kind, rk_groupset groups,
                       const struct rk_field ***cols, size_t *n, struct rk_error *err)
{
        size_t total;
        const struct rk_field *f = rk_fields_all(&total);
        *n = 0;
        *cols = calloc(total, sizeof(**cols));
        if (*cols == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < total; i++) {
                if (f[i].record == kind && (groups & (1u << f[i].group)) != 0)
                        (*cols)[(*n)++] = &f[i];
        }
        return RK_OK;
}

static char *select_sql(enum rk_record kind, const struct rk_field **cols, size_t n,
                        const char *key_col, bool newest_first)
{
        char *sql = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&sql, &len);
        if (f == NULL)
                return NULL;
        fprintf(f, "SELECT id, %s", rk_record_has_version(kind) ? "version" : "0");
        for (size_t i = 0; i < n; i++)
                fprintf(f, ", %s", cols[i]->column);
        /* a company's contact persons are a list of people: by name, in the
         * order of the language in use (collate.h) */
        fprintf(f, " FROM %s WHERE %s=? ORDER BY %sid%s", rk_fields_table(kind), key_col,
                kind == RK_REC_CONTACT ? "name COLLATE " RK_COLLATE_NAME ", " : "",
                newest_first ? " DESC" : "");
        if (fclose(f) != 0) {
                free(sql);
                return NULL;
        }
        return sql;
}

/* Copy the current row of st into v. */
static int read_row(sqlite3_stmt *st, enum rk_record kind, const struct rk_field **cols,
                    size_t n, struct rk_record_view *v, struct rk_error *err)
{
        memset(v, 0, sizeof(*v));
        v->kind = kind;
        v->id = sqlite3_column_int64(st, 0);
        v->version = sqlite3_column_int64(st, 1);
        v->values = calloc(n ? n : 1, sizeof(*v->values));
        if (v->values == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                const unsigned char *t = sqlite3_column_text(st, (int)i + 2);
                v->values[i].field = cols[i];
                v->n = i + 1;
                if (t == NULL)
                        continue;
                v->values[i].value = strdup((const char *)t);
                if (v->values[i].value == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        }
        return RK_OK;
}

/* The columns a view is read with, for fill_view. */
struct view_cols {
        enum rk_record kind;
        const struct rk_field **cols;
        size_t ncols;
};

/* One row into a view; on failure frees what it had read. */
static int fill_view(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        const struct view_cols *vc = ctx;
        int rc = read_row(st, vc->kind, vc->cols, vc->ncols, item, err);
        if (rc != RK_OK)
                rk_record_view_clear(item);
        return rc;
}

int rk_record_select(sqlite3 *db, enum rk_record kind, rk_groupset groups,
                     const char *key_col, int64_t key, bool newest_first,
                     struct rk_record_view **out, size_t *n, struct rk_error *err)
{
        const struct rk_field **cols = NULL;
        sqlite3_stmt *st = NULL;
        char *sql = NULL;
        size_t ncols = 0;
        struct rk_sql_array a = {0};
        *out = NULL;
        *n = 0;
        int rc = pick_fields(kind, groups, &cols, &ncols, err);
        if (rc != RK_OK)
                goto out;
        sql = select_sql(kind, cols, ncols, key_col, newest_first);
        if (sql == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                goto out;
        }
        rc = rk_sql_cached(db, sql, &st, "reading customer data", err);
        if (rc != RK_OK)
                goto out;
        sqlite3_bind_int64(st, 1, key);
        struct view_cols vc = {kind, cols, ncols};
        rc = rk_sql_collect(st, sizeof(**out), 0, fill_view, &vc, &a,
                            "reading customer data", err);
        *out = a.v;
        *n = a.n;
out:
        rk_sql_release(st);
        free(sql);
        free(cols);
        if (rc != RK_OK) {
                rk_record_views_free(*out, *n);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

int rk_record_load(sqlite3 *db, enum rk_record kind, int64_t id,
                   struct rk_record_view *out, struct rk_error *err)
{
        struct rk_record_view *rows = NULL;
        size_t n = 0;
        memset(out, 0, sizeof(*out));
        int rc =
            rk_record_select(db, kind, RK_GROUPS_ALL, "id", id, false, &rows, &n, err);
        if (rc == RK_OK && n == 0)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "%s: not found", what_of(kind));
        if (rc == RK_OK) {
                *out = rows[0];
                free(rows);
                return RK_OK;
        }
        rk_record_views_free(rows, n);
        return rc;
}

/* ---- checking edits ---------------------------------------------------- */

/* The country that decides how `postal` is checked: the one edited in the
 * same save, or else the stored one. "postal_code" -> "country", etc. */
static const char *country_for(const struct rk_field *postal, const struct rk_edit *edits,
                               size_t n, const struct rk_record_view *stored)
{
        char col[64];
        size_t len = strlen(postal->column), suffix = strlen("postal_code");
        if (len < suffix || len - suffix + sizeof("country") > sizeof(col))
                return NULL;
        snprintf(col, sizeof(col), "%.*scountry", (int)(len - suffix), postal->column);
        for (size_t i = 0; i < n; i++) {
                if (edits[i].column != NULL && strcmp(edits[i].column, col) == 0)
                        return edits[i].value;
        }
        return rk_record_get(stored, col);
}

static int check_one(enum rk_record kind, const struct rk_grants *g,
                     const struct rk_edit *edits, size_t n, size_t i,
                     const struct rk_record_view *stored, struct rk_change *c,
                     struct rk_error *err)
{
        const struct rk_field *f =
            rk_fields_find(kind, edits[i].column ? edits[i].column : "");
        if (f == NULL)
                return rk_error_set(err, RK_ERR_INVALID, "%s: no field \"%s\"",
                                    what_of(kind),
                                    edits[i].column ? edits[i].column : "");
        for (size_t k = 0; k < i; k++) {
                if (strcmp(edits[k].column, f->column) == 0)
                        return rk_error_field(err,
                                              rk_error_set(err, RK_ERR_INVALID,
                                                           "%s: given twice",
                                                           _(f->label)),
                                              f->column);
        }
        if (!rk_authorize_write(g, f->group))
                return rk_error_field(err,
                                      rk_error_set(err, RK_ERR_DENIED,
                                                   "%s: your role may not change it",
                                                   _(f->label)),
                                      f->column);
        size_t sz = f->max_chars * 4 + 32;
        char *norm = malloc(sz);
        if (norm == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        c->field = f;
        const char *country =
            f->validator == RK_V_POSTAL ? country_for(f, edits, n, stored) : NULL;
        int rc = rk_field_check(f, edits[i].value, country, norm, sz, err);
        if (rc == RK_OK && norm[0] == '\0' && f->required)
                rc = rk_error_field(
                    err,
                    rk_error_set(err, RK_ERR_INVALID, "%s: is required", _(f->label)),
                    f->column);
        if (rc != RK_OK || norm[0] == '\0')
                free(norm);
        else
                c->value = norm;
        return rc;
}

int rk_record_check_value(enum rk_record kind, const char *column, const char *value,
                          bool required, char **out, struct rk_error *err)
{
        const struct rk_field *f = rk_fields_find(kind, column);
        *out = NULL;
        if (f == NULL)
                return rk_error_set(err, RK_ERR_INTERNAL, "no field %s in %s", column,
                                    rk_fields_table(kind));
        size_t sz = f->max_chars * 4 + 32;
        char *norm = malloc(sz);
        if (norm == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc = rk_field_check(f, value, NULL, norm, sz, err);
        if (rc == RK_OK && norm[0] == '\0' && required)
                rc = rk_error_field(
                    err,
                    rk_error_set(err, RK_ERR_INVALID, "%s: is required", _(f->label)),
                    f->column);
        if (rc != RK_OK || norm[0] == '\0')
                free(norm);
        else
                *out = norm;
        return rc;
}

int rk_record_changes(enum rk_record kind, const struct rk_grants *g,
                      const struct rk_edit *edits, size_t n,
                      const struct rk_record_view *stored, struct rk_changes *out,
                      struct rk_error *err)
{
        out->n = 0;
        out->c = calloc(n ? n : 1, sizeof(*out->c));
        if (out->c == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc = RK_OK;
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                rc = check_one(kind, g, edits, n, i, stored, &out->c[i], err);
                out->n = i + 1;
        }
        return rc;
}

void rk_record_changes_free(struct rk_changes *c)
{
        for (size_t i = 0; c->c != NULL && i < c->n; i++)
                free(c->c[i].value);
        free(c->c);
        c->c = NULL;
        c->n = 0;
}

const char *rk_record_change_value(const struct rk_changes *c, const char *column,
                                   bool *present)
{
        *present = false;
        for (size_t i = 0; i < c->n; i++) {
                if (c->c[i].field != NULL && strcmp(c->c[i].field->column, column) == 0) {
                        *present = true;
                        return c->c[i].value;
                }
        }
        return NULL;
}

/* ---- UPDATE and DELETE ------------------------------------------------- */

/* After a write that touched no row: gone, or saved by someone else? */
static int why_unchanged(sqlite3 *db, enum rk_record kind, int64_t id,
                         struct rk_error *err)
{
        sqlite3_stmt *st;
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id=?", rk_fields_table(kind));
        int rc = rk_sql_cached(db, sql, &st, "saving", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        if (src == SQLITE_ROW)
                return rk_error_set(err, RK_ERR_CONFLICT, CONFLICT_MSG, what_of(kind));
        if (src == SQLITE_DONE)
                return rk_error_set(err, RK_ERR_NOTFOUND,
                                    "%s: it no longer exists; someone deleted it",
                                    what_of(kind));
        return rk_sql_fail(db, src, "saving", err);
}

static char *update_sql(enum rk_record kind, const struct rk_changes *c, bool check)
{
        char *sql = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&sql, &len);
        if (f == NULL)
                return NULL;
        fprintf(f, "UPDATE OR FAIL %s SET ", rk_fields_table(kind));
        for (size_t i = 0; i < c->n; i++)
                fprintf(f, "%s%s=?", i ? ", " : "", c->c[i].field->column);
        if (check) /* no changes: only confirm that nobody saved first */
                fprintf(f, "%sversion=version%s", c->n ? ", " : "", c->n ? "+1" : "");
        fprintf(f, " WHERE id=?%s", check ? " AND version=?" : "");
        if (fclose(f) != 0) {
                free(sql);
                return NULL;
        }
        return sql;
}

/* Run a prepared write whose last parameters are id and, if check, the
 * expected version; map "no row" to conflict or not found. */
static int run_write(sqlite3 *db, sqlite3_stmt *st, int first, enum rk_record kind,
                     int64_t id, int64_t expected, bool check, struct rk_error *err)
{
        sqlite3_bind_int64(st, first, id);
        if (check)
                sqlite3_bind_int64(st, first + 1, expected);
        int src = sqlite3_step(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "saving", err);
        return sqlite3_changes(db) == 1 ? RK_OK : why_unchanged(db, kind, id, err);
}

int rk_record_update(sqlite3 *db, enum rk_record kind, int64_t id,
                     int64_t expected_version, const struct rk_changes *c,
                     struct rk_error *err)
{
        bool check = expected_version != RK_VERSION_ANY && rk_record_has_version(kind);
        if (c->n == 0 && !check)
                return RK_OK;
        sqlite3_stmt *st = NULL;
        char *sql = update_sql(kind, c, check);
        if (sql == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        int rc = rk_sql_cached(db, sql, &st, "saving", err);
        for (size_t i = 0; rc == RK_OK && i < c->n; i++) {
                if (c->c[i].value == NULL)
                        sqlite3_bind_null(st, (int)i + 1);
                else
                        sqlite3_bind_text(st, (int)i + 1, c->c[i].value, -1,
                                          SQLITE_STATIC);
        }
        if (rc == RK_OK)
                rc = run_write(db, st, (int)c->n + 1, kind, id, expected_version, check,
                               err);
        rk_sql_release(st);
        free(sql);
        return rc;
}

int rk_record_delete(sqlite3 *db, enum rk_record kind, int64_t id,
                     int64_t expected_version, struct rk_error *err)
{
        bool check = expected_version != RK_VERSION_ANY && rk_record_has_version(kind);
        char sql[128];
        sqlite3_stmt *st;
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id=?%s", rk_fields_table(kind),
                 check ? " AND version=?" : "");
        int rc = rk_sql_cached(db, sql, &st, "deleting", err);
        if (rc == RK_OK)
                rc = run_write(db, st, 1, kind, id, expected_version, check, err);
        rk_sql_release(st);
        return rc;
}
