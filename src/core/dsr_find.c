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
#include "customer_db.h"
#include "dsr_db.h"
#include "rekisteri/i18n.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The candidates found so far, and what the probe now running matches. */
struct found {
        struct rk_sql_array a; /* struct rk_dsr_candidate */
        const char *matched;
};

/* Is the record among the first n candidates already? */
static bool seen(const struct found *f, size_t n, enum rk_dsr_subject_kind kind,
                 int64_t id)
{
        const struct rk_dsr_candidate *v = f->a.v;
        for (size_t i = 0; i < n; i++) {
                if (v[i].kind == kind && v[i].record_id == id)
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

/* One row into c, the candidate rk_sql_collect just added: columns kind,
 * record id, customer id, number, name, restricted, anonymised. */
static int fill_candidate(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        struct found *f = ctx;
        struct rk_dsr_candidate *c = item;
        c->kind =
            sqlite3_column_int(st, 0) ? RK_DSR_SUBJECT_CONTACT : RK_DSR_SUBJECT_CUSTOMER;
        c->record_id = sqlite3_column_int64(st, 1);
        if (seen(f, f->a.n - 1, c->kind, c->record_id))
                return RK_SQL_SKIP;
        c->customer_id = sqlite3_column_int64(st, 2);
        snprintf(c->number, sizeof(c->number), "%s",
                 (const char *)sqlite3_column_text(st, 3));
        c->name = strdup((const char *)sqlite3_column_text(st, 4));
        c->matched = strdup(gettext(f->matched)); /* for people */
        c->restricted = sqlite3_column_int(st, 5) != 0;
        c->anonymised = sqlite3_column_int(st, 6) != 0;
        if (c->name == NULL || c->matched == NULL) {
                free(c->name);
                free(c->matched);
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        }
        return RK_OK;
}

static int add_rows(sqlite3 *db, const char *sql, const char *value, const char *matched,
                    struct found *f, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "searching for a data subject", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
        f->matched = matched;
        rc =
            rk_sql_collect(st, sizeof(struct rk_dsr_candidate), RK_DSR_SEARCH_MAX,
                           fill_candidate, f, &f->a, "searching for a data subject", err);
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
    {CUSTOMER_COLS "WHERE c.id = " RK_CUSTDB_ID_OF_NUMBER("upper(?1)"), RK_V_TEXT, false,
     N_("customer number")},
    {CUSTOMER_COLS "WHERE c.id IN (SELECT customer_id FROM orders WHERE number ="
                   " upper(?1))",
     RK_V_TEXT, false, N_("order number")},
    {CUSTOMER_COLS "WHERE lower(c.email) = lower(?1) OR lower(c.invoice_email) ="
                   " lower(?1)",
     RK_V_EMAIL, true, N_("e-mail")},
    {CONTACT_COLS "WHERE lower(p.email) = lower(?1)", RK_V_EMAIL, true, N_("e-mail")},
    {CUSTOMER_COLS "WHERE c.phone = ?1", RK_V_PHONE, true, N_("phone")},
    {CONTACT_COLS "WHERE p.phone = ?1", RK_V_PHONE, true, N_("phone")},
    {CUSTOMER_COLS "WHERE c.hetu = upper(?1)", RK_V_HETU, true, N_("identity code")},
    {CUSTOMER_COLS "WHERE c.name LIKE '%' || ?1 || '%' ESCAPE '\\'", RK_V_TEXT, false,
     N_("name")},
    {CONTACT_COLS "WHERE p.name LIKE '%' || ?1 || '%' ESCAPE '\\'", RK_V_TEXT, false,
     N_("name")},
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

/*
 * One "dsr.search" row per customer the search displays (a contact
 * person's row names its company), so "who saw subject X" finds request
 * searches too; one row with no subject when nothing was found.
 */
static int audit_search(struct rk_session *s, const struct found *f, struct rk_error *err)
{
        const struct rk_dsr_candidate *v = f->a.v;
        int64_t *ids = calloc(f->a.n + 1, sizeof(*ids));
        size_t n = 0;
        if (ids == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < f->a.n; i++) {
                bool shown = false;
                for (size_t j = 0; j < n && !shown; j++)
                        shown = ids[j] == v[i].customer_id;
                if (!shown)
                        ids[n++] = v[i].customer_id;
        }
        struct rk_audit_event ev = {.action = "dsr.search",
                                    .groups = "identity,contact,idcode",
                                    .fields = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = "request:0"};
        int rc = rk_audit_append_many(
            dsr_db(s), rk_session_actor(s), &ev, n > 0 ? ids : NULL, n > 0 ? n : 1,
            rk_clock_now(), rk_register_config(rk_session_register(s))->audit_epoch_rows,
            err);
        free(ids);
        return rc;
}

int rk_dsr_find(struct rk_session *s, const char *query, struct rk_dsr_candidate **out,
                size_t *n, struct rk_error *err)
{
        struct found f = {{0}, NULL};
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
                rc = audit_search(s, &f, err);
        rc = dsr_end(s, rc, err);
        if (rc != RK_OK) {
                rk_dsr_candidates_free(f.a.v, f.a.n);
                return rc;
        }
        *out = f.a.v;
        *n = f.a.n;
        return RK_OK;
}
