/*
 * marketing.c - marketing lists that honour the person (see marketing.h).
 *
 * How it works: inside one write transaction (the list is audited), one
 * query walks every customer with a consent record for the purpose and
 * says, per customer, whether it was erased, whether a consent for the
 * purpose is in force, whether an objection covers the purpose and
 * whether it is restricted; each identifier it holds is then hashed with
 * the suppression key and looked up in the suppression list. The first
 * reason that applies is counted; a customer with none is on the list,
 * and so are its contact persons (when it is a company) that are not on
 * the suppression list themselves. Values are copied only for the
 * columns the session may read. One audit row per person on the list is
 * appended (rk_audit_append_many) before the commit; the CSV, when asked
 * for, is created before anything is read (so a bad path costs nothing)
 * and written after the commit, and removed if the writing fails.
 */
#include "rekisteri/marketing.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit.h"
#include "rekisteri/csv.h"
#include "rekisteri/register.h"
#include "rekisteri/suppress.h"
#include "record_db.h"
#include "sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rekisteri/i18n.h"
#include <unistd.h>

#define WHAT N_("making a marketing list")

struct build {
        sqlite3 *db;
        struct rk_marketing_list *l;
        int64_t *subjects; /* one per row, for the audit */
        size_t cap;
};

const char *rk_marketing_reason_name(enum rk_marketing_reason r)
{
        static const char *const names[RK_MKT_REASONS] = {
            [RK_MKT_ERASED] = N_("erased"),
            [RK_MKT_WITHDRAWN] = N_("consent withdrawn"),
            [RK_MKT_OBJECTED] = N_("objected"),
            [RK_MKT_RESTRICTED] = N_("restricted"),
            [RK_MKT_SUPPRESSED] = N_("suppressed"),
        };
        return r < RK_MKT_REASONS ? _(names[r]) : "?";
}

void rk_marketing_list_free(struct rk_marketing_list *l)
{
        for (size_t i = 0; l != NULL && l->rows != NULL && i < l->n; i++) {
                char *v[3] = {l->rows[i].name, l->rows[i].email, l->rows[i].phone};
                for (int k = 0; k < 3; k++) {
                        if (v[k] != NULL)
                                explicit_bzero(v[k], strlen(v[k]));
                        free(v[k]);
                }
        }
        if (l != NULL) {
                free(l->rows);
                memset(l, 0, sizeof(*l));
        }
}

/* ---- the suppression list ---------------------------------------------- */

/* *hit becomes true when value (of kind) is on the suppression list. */
static int suppressed(sqlite3 *db, enum rk_ident_kind kind, const unsigned char *value,
                      bool *hit, struct rk_error *err)
{
        struct rk_ident_hash h = {.kind = kind};
        bool have = false;
        if (value == NULL || value[0] == '\0' || *hit)
                return RK_OK;
        int rc = rk_suppress_hash(db, kind, (const char *)value, h.hash, &have, err);
        if (rc == RK_OK && have)
                rc = rk_suppress_contains(db, &h, hit, err);
        return rc;
}

/* ---- rows ---------------------------------------------------------------- */

static char *copy_if(bool readable, const unsigned char *v)
{
        return readable && v != NULL && v[0] != '\0' ? strdup((const char *)v) : NULL;
}

static int add_row(struct build *b, bool contact, int64_t customer, const char *number,
                   const unsigned char *name, const unsigned char *email,
                   const unsigned char *phone, struct rk_error *err)
{
        struct rk_marketing_list *l = b->l;
        if (l->n == b->cap) {
                size_t cap = b->cap ? 2 * b->cap : 64;
                void *r = realloc(l->rows, cap * sizeof(*l->rows));
                if (r != NULL)
                        l->rows = r;
                void *sj = r ? realloc(b->subjects, cap * sizeof(*b->subjects)) : NULL;
                if (sj == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                b->subjects = sj;
                b->cap = cap;
        }
        struct rk_marketing_row *row = &l->rows[l->n];
        memset(row, 0, sizeof(*row));
        row->contact = contact;
        row->customer_id = customer;
        snprintf(row->number, sizeof(row->number), "%s", number);
        row->name = copy_if(l->has_name, name);
        row->email = copy_if(l->has_contact, email);
        row->phone = copy_if(l->has_contact, phone);
        b->subjects[l->n++] = customer;
        return RK_OK;
}

/* The contact persons of company id not on the suppression list. */
static int add_contacts(struct build *b, int64_t id, const char *number,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(b->db,
                                "SELECT name, email, phone FROM contact_persons"
                                " WHERE customer_id=? ORDER BY id",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        bool row = false;
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, WHAT, err)) == RK_OK && row) {
                bool hit = false;
                rc = suppressed(b->db, RK_IDENT_EMAIL, sqlite3_column_text(st, 1), &hit,
                                err);
                if (rc == RK_OK)
                        rc = suppressed(b->db, RK_IDENT_PHONE, sqlite3_column_text(st, 2),
                                        &hit, err);
                if (rc == RK_OK && hit)
                        b->l->left_out[RK_MKT_SUPPRESSED]++;
                else if (rc == RK_OK)
                        rc = add_row(b, true, id, number, sqlite3_column_text(st, 0),
                                     sqlite3_column_text(st, 1),
                                     sqlite3_column_text(st, 2), err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* Columns: 0 id, 1 number, 2 kind, 3 name, 4 email, 5 phone, 6 invoice
 * e-mail, 7 identity code, 8 erased, 9 consent in force, 10 objected,
 * 11 restricted. */
static const char candidates_sql[] =
    "SELECT c.id, c.number, c.kind, c.name, c.email, c.phone, c.invoice_email, c.hetu,"
    " c.anonymised_at IS NOT NULL,"
    " EXISTS(SELECT 1 FROM consents k WHERE k.customer_id=c.id AND k.purpose=?1"
    "  AND k.withdrawn_on IS NULL),"
    " EXISTS(SELECT 1 FROM objections o WHERE o.customer_id=c.id"
    "  AND o.purpose IN (?1, 'direct_marketing')),"
    " c.restricted != 0"
    " FROM customers c"
    " WHERE EXISTS(SELECT 1 FROM consents k WHERE k.customer_id=c.id AND k.purpose=?1)"
    " ORDER BY c.number";

/* The first reason that leaves the row's customer out, or RK_MKT_REASONS. */
static int reason_of(sqlite3 *db, sqlite3_stmt *st, enum rk_marketing_reason *why,
                     struct rk_error *err)
{
        bool hit = false;
        *why = sqlite3_column_int(st, 8)    ? RK_MKT_ERASED
               : !sqlite3_column_int(st, 9) ? RK_MKT_WITHDRAWN
               : sqlite3_column_int(st, 10) ? RK_MKT_OBJECTED
               : sqlite3_column_int(st, 11) ? RK_MKT_RESTRICTED
                                            : RK_MKT_REASONS;
        if (*why != RK_MKT_REASONS)
                return RK_OK;
        static const struct {
                int col;
                enum rk_ident_kind kind;
        } ids[] = {{4, RK_IDENT_EMAIL},
                   {5, RK_IDENT_PHONE},
                   {6, RK_IDENT_EMAIL},
                   {7, RK_IDENT_HETU}};
        int rc = RK_OK;
        for (size_t i = 0; rc == RK_OK && i < sizeof(ids) / sizeof(ids[0]); i++)
                rc = suppressed(db, ids[i].kind, sqlite3_column_text(st, ids[i].col),
                                &hit, err);
        if (hit)
                *why = RK_MKT_SUPPRESSED;
        return rc;
}

static int collect(struct build *b, const char *purpose, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(b->db, candidates_sql, &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, purpose, -1, SQLITE_STATIC);
        bool row = false;
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, WHAT, err)) == RK_OK && row) {
                enum rk_marketing_reason why;
                char number[8];
                int64_t id = sqlite3_column_int64(st, 0);
                snprintf(number, sizeof(number), "%s",
                         (const char *)sqlite3_column_text(st, 1));
                rc = reason_of(b->db, st, &why, err);
                if (rc == RK_OK && why != RK_MKT_REASONS) {
                        b->l->left_out[why]++;
                        continue;
                }
                if (rc == RK_OK)
                        rc = add_row(b, false, id, number, sqlite3_column_text(st, 3),
                                     sqlite3_column_text(st, 4),
                                     sqlite3_column_text(st, 5), err);
                if (rc == RK_OK &&
                    strcmp((const char *)sqlite3_column_text(st, 2), "company") == 0)
                        rc = add_contacts(b, id, number, err);
        }
        sqlite3_finalize(st);
        return rc;
}

/* ---- audit and CSV ------------------------------------------------------- */

static int audit_rows(struct rk_session *s, struct build *b, const char *action,
                      const char *purpose, struct rk_error *err)
{
        char groups[64], target[48];
        snprintf(groups, sizeof(groups), "consents%s%s",
                 b->l->has_name ? ",identity" : "", b->l->has_contact ? ",contact" : "");
        snprintf(target, sizeof(target), "purpose:%s", purpose);
        struct rk_audit_event ev = {.action = action,
                                    .groups = groups,
                                    .fields = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = target};
        if (b->l->n == 0)
                return RK_OK;
        return rk_audit_append_many(
            b->db, rk_session_actor(s), &ev, b->subjects, b->l->n, (int64_t)time(NULL),
            rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
}

static int write_csv(FILE *f, const struct rk_marketing_list *l)
{
        const char *head[5] = {"record", "customer_number", "name", "email", "phone"};
        bool col[5] = {true, true, l->has_name, l->has_contact, l->has_contact};
        int last = l->has_contact ? 4 : l->has_name ? 2 : 1, bad = 0;
        for (int c = 0; c <= last; c++)
                if (col[c])
                        bad |= rk_csv_cell(f, head[c], c == last);
        for (size_t i = 0; i < l->n; i++) {
                const struct rk_marketing_row *r = &l->rows[i];
                const char *cell[5] = {r->contact ? "contact person" : "customer",
                                       r->number, r->name, r->email, r->phone};
                for (int c = 0; c <= last; c++)
                        if (col[c])
                                bad |= rk_csv_cell(f, cell[c], c == last);
        }
        return bad || fflush(f) != 0 ? -1 : 0;
}

static int make(struct rk_session *s, const char *purpose, const char *action,
                struct build *b, struct rk_error *err)
{
        int rc = rk_sql_begin_as(b->db, WHAT, err);
        if (rc != RK_OK)
                return rc;
        rc = collect(b, purpose, err);
        if (rc == RK_OK)
                rc = audit_rows(s, b, action, purpose, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(b->db, WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(b->db);
        return rc;
}

int rk_marketing_list(struct rk_session *s, const char *purpose, const char *csv_path,
                      struct rk_marketing_list *out, struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        struct build b = {rk_register_db(rk_session_register(s)), out, NULL, 0};
        FILE *f = NULL;
        char *p = NULL;
        memset(out, 0, sizeof(*out));
        if (!rk_authorize_read(g, RK_GROUP_CONSENTS))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not read consents, so it may not make "
                                    "marketing lists");
        out->has_name = rk_authorize_read(g, RK_GROUP_IDENTITY);
        out->has_contact = rk_authorize_read(g, RK_GROUP_CONTACT);
        int rc = rk_record_check_value(RK_REC_CONSENT, "purpose", purpose, true, &p, err);
        if (rc == RK_OK && csv_path != NULL)
                rc = rk_csv_create(csv_path, &f, err);
        if (rc == RK_OK)
                rc =
                    make(s, p, csv_path ? "marketing.export" : "marketing.list", &b, err);
        if (rc == RK_OK && f != NULL && write_csv(f, out) != 0)
                rc = rk_error_set(err, RK_ERR_IO, "%s: could not be written (disk full?)",
                                  csv_path);
        if (f != NULL && fclose(f) != 0 && rc == RK_OK)
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", csv_path, strerror(errno));
        if (rc != RK_OK && f != NULL)
                unlink(csv_path);
        if (rc != RK_OK)
                rk_marketing_list_free(out);
        free(b.subjects);
        free(p);
        return rc;
}
