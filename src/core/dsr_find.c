/*
 * dsr_find.c - finding every record a data subject appears in (see
 * dsr.h, rk_dsr_find): customers, contact persons and orders, by number,
 * e-mail, phone, identity code or part of a name.
 *
 * The query is tried as each kind of identifier with the field's own
 * validator (so "040 123 4567" finds "+358401234567"), and always as part
 * of a name. Values are bound, never spliced into SQL. This is the
 * supervisor's search: restricted and anonymised records are found too,
 * and flagged, because a request may concern them. It does not use the
 * role-filtered FTS index on purpose: a request handler reads every group,
 * and an exact match on an identifier must not depend on tokenising.
 */
#include "dsr_db.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct found {
        struct rk_dsr_candidate *v;
        size_t n;
};

static bool seen(const struct found *f, enum rk_dsr_subject_kind kind, int64_t id)
{
        for (size_t i = 0; i < f->n; i++) {
                if (f->v[i].kind == kind && f->v[i].record_id == id)
                        return true;
        }
        return false;
}

void rk_dsr_candidates_free(struct rk_dsr_candidate *c, size_t n)
{
        for (size_t i = 0; c != NULL && i < n; i++) {
                free(c[i].name);
                free(c[i].matched);
        }
        free(c);
}

/* Columns of each query: kind, record id, customer id, number, name,
 * restricted, anonymised. */
static int add_rows(sqlite3 *db, const char *sql, const char *value, const char *matched,
                    struct found *f, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "searching for a data subject", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW && f->n < RK_DSR_SEARCH_MAX) {
                enum rk_dsr_subject_kind kind = sqlite3_column_int(st, 0)
                                                    ? RK_DSR_SUBJECT_CONTACT
                                                    : RK_DSR_SUBJECT_CUSTOMER;
                int64_t id = sqlite3_column_int64(st, 1);
                if (seen(f, kind, id))
                        continue;
                void *p = realloc(f->v, (f->n + 1) * sizeof(*f->v));
                if (p == NULL) {
                        rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                        break;
                }
                f->v = p;
                struct rk_dsr_candidate *c = &f->v[f->n++];
                memset(c, 0, sizeof(*c));
                c->kind = kind;
                c->record_id = id;
                c->customer_id = sqlite3_column_int64(st, 2);
                snprintf(c->number, sizeof(c->number), "%s",
                         (const char *)sqlite3_column_text(st, 3));
                c->name = strdup((const char *)sqlite3_column_text(st, 4));
                c->matched = strdup(matched);
                c->restricted = sqlite3_column_int(st, 5) != 0;
                c->anonymised = sqlite3_column_int(st, 6) != 0;
                if (c->name == NULL || c->matched == NULL) {
                        rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                        break;
                }
        }
        if (rc == RK_OK && src != SQLITE_ROW && src != SQLITE_DONE)
                rc = rk_sql_fail(db, src, "searching for a data subject", err);
        sqlite3_finalize(st);
        return rc;
}

#define CUSTOMER_COLS                                                                    \
        "SELECT 0, c.id, c.id, c.number, c.name, c.restricted,"                          \
        " c.anonymised_at IS NOT NULL FROM customers c "
#define CONTACT_COLS                                                                     \
        "SELECT 1, p.id, c.id, c.number, p.name, c.restricted,"                          \
        " c.anonymised_at IS NOT NULL FROM contact_persons p"                            \
        " JOIN customers c ON c.id = p.customer_id "

/* One way of reading the query: its SQL, the validator that normalises
 * it first (or none), and what a match is called. */
static const struct probe {
        const char *sql;
        enum rk_validator validator;
        bool validate;
        const char *matched;
} probes[] = {
    {CUSTOMER_COLS "WHERE c.number = upper(?1)", RK_V_TEXT, false, "customer number"},
    {CUSTOMER_COLS "WHERE c.id IN (SELECT customer_id FROM orders WHERE number ="
                   " upper(?1))",
     RK_V_TEXT, false, "order number"},
    {CUSTOMER_COLS "WHERE lower(c.email) = lower(?1) OR lower(c.invoice_email) ="
                   " lower(?1)",
     RK_V_EMAIL, true, "e-mail"},
    {CONTACT_COLS "WHERE lower(p.email) = lower(?1)", RK_V_EMAIL, true, "e-mail"},
    {CUSTOMER_COLS "WHERE c.phone = ?1", RK_V_PHONE, true, "phone"},
    {CONTACT_COLS "WHERE p.phone = ?1", RK_V_PHONE, true, "phone"},
    {CUSTOMER_COLS "WHERE c.hetu = upper(?1)", RK_V_HETU, true, "identity code"},
    {CUSTOMER_COLS "WHERE c.name LIKE '%' || ?1 || '%' ESCAPE '\\'", RK_V_TEXT, false,
     "name"},
    {CONTACT_COLS "WHERE p.name LIKE '%' || ?1 || '%' ESCAPE '\\'", RK_V_TEXT, false,
     "name"},
};

/* The query as a LIKE pattern's literal part: % _ and \ escaped. */
static void like_literal(const char *in, char *out, size_t size)
{
        size_t j = 0;
        for (size_t i = 0; in[i] != '\0' && j + 2 < size; i++) {
                if (in[i] == '%' || in[i] == '_' || in[i] == '\\')
                        out[j++] = '\\';
                out[j++] = in[i];
        }
        out[j] = '\0';
}

static int run_probe(sqlite3 *db, const struct probe *p, const char *query,
                     struct found *f, struct rk_error *err)
{
        char value[512];
        if (p->validate) {
                struct rk_field field = {
                    .validator = p->validator, .label = "query", .max_chars = 254};
                if (rk_field_check(&field, query, "FI", value, sizeof(value), NULL) !=
                        RK_OK ||
                    value[0] == '\0')
                        return RK_OK; /* not this kind of identifier */
        } else if (strstr(p->sql, "LIKE") != NULL) {
                like_literal(query, value, sizeof(value));
        } else {
                snprintf(value, sizeof(value), "%s", query);
        }
        return add_rows(db, p->sql, value, p->matched, f, err);
}

/* One dsr.search row per customer the search showed (a contact person
 * under their company), so "who accessed X" finds request searches too;
 * one row without a subject when nothing was found. */
static int audit_found(struct rk_session *s, const struct found *f, struct rk_error *err)
{
        static const char groups[] = "identity,contact,idcode";
        int rc = RK_OK;
        size_t rows = 0;
        for (size_t i = 0; i < f->n && rc == RK_OK; i++) {
                bool earlier = false;
                for (size_t j = 0; j < i && !earlier; j++)
                        earlier = f->v[j].customer_id == f->v[i].customer_id;
                if (earlier || f->v[i].customer_id <= 0)
                        continue;
                rc = dsr_audit(s, "search", 0, f->v[i].customer_id, groups, err);
                rows++;
        }
        if (rc == RK_OK && rows == 0)
                rc = dsr_audit(s, "search", 0, 0, groups, err);
        return rc;
}

int rk_dsr_find(struct rk_session *s, const char *query, struct rk_dsr_candidate **out,
                size_t *n, struct rk_error *err)
{
        struct found f = {NULL, 0};
        *out = NULL;
        *n = 0;
        if (query == NULL || query[0] == '\0' || strlen(query) > 200)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Search: type a name, number, e-mail, phone or "
                                    "identity code (at most 200 characters)");
        int rc = rk_validate_field_text("Search", query, 200, 0, err);
        if (rc == RK_OK)
                rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]) && rc == RK_OK; i++)
                rc = run_probe(dsr_db(s), &probes[i], query, &f, err);
        if (rc == RK_OK)
                rc = audit_found(s, &f, err);
        rc = dsr_end(s, rc, err);
        if (rc != RK_OK) {
                rk_dsr_candidates_free(f.v, f.n);
                return rc;
        }
        *out = f.v;
        *n = f.n;
        return RK_OK;
}
