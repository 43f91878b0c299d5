/*
 * dsr_preview.c - what executing a request will do (see dsr.h,
 * rk_dsr_preview): one item per subject and table, and per field of the
 * customer record, each with its effect and, for what is kept, the reason.
 *
 * Erasure items come from forget.c's own plan (rk_forget_plan_customer),
 * which walks the orders with the same hold rule that the execution uses,
 * so what the supervisor approves is what runs.
 */
#include "dsr_db.h"
#include "rekisteri/forget.h"
#include "rekisteri/i18n.h"
#include "sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TRANSLATORS: what executing a request does to a record, in the preview. */
static const char *const effect_names[] = {N_("export"), N_("erase"),  N_("anonymise"),
                                           N_("keep"),   N_("change"), N_("add")};

const char *rk_dsr_effect_name(enum rk_dsr_effect e)
{
        return e >= RK_EFFECT_EXPORT && e <= RK_EFFECT_ADD ? effect_names[e] : "?";
}

const char *rk_dsr_effect_label(enum rk_dsr_effect e)
{
        return e >= RK_EFFECT_EXPORT && e <= RK_EFFECT_ADD ? _(effect_names[e]) : "?";
}

void rk_dsr_preview_free(struct rk_dsr_preview *p)
{
        if (p == NULL)
                return;
        free(p->items);
        memset(p, 0, sizeof(*p));
}

int dsr_count(sqlite3 *db, const char *sql, int64_t id, const char *text, int64_t *out,
              struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, "counting records", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        if (text != NULL)
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        *out = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        return src == SQLITE_ROW ? RK_OK : rk_sql_fail(db, src, "counting records", err);
}

struct builder {
        struct rk_dsr_preview *p;
        struct rk_sql_array items; /* becomes p->items, p->n */
        const struct rk_dsr_subject *sub;
        int rc;
        struct rk_error *err;
        int64_t own_rows; /* audit rows the execution adds about sub's customer */
};

static void preview_item(struct builder *b, const char *table, const char *column,
                         const char *label, enum rk_dsr_effect effect, int64_t rows,
                         const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void preview_item(struct builder *b, const char *table, const char *column,
                         const char *label, enum rk_dsr_effect effect, int64_t rows,
                         const char *fmt, ...)
{
        if (b->rc != RK_OK)
                return;
        struct rk_dsr_preview_item *it =
            rk_sql_array_push(&b->items, sizeof(*it), b->err);
        if (it == NULL) {
                b->rc = RK_ERR_NOMEM;
                return;
        }
        b->p->items = b->items.v;
        b->p->n = b->items.n;
        it->customer_id = b->sub->customer_id;
        memcpy(it->number, b->sub->number, sizeof(it->number));
        it->table = table;
        it->column = column;
        it->label = gettext(label);
        it->effect = effect;
        it->rows = rows;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(it->reason, sizeof(it->reason), gettext(fmt), ap);
        va_end(ap);
}

static int64_t count(struct builder *b, sqlite3 *db, const char *sql, int64_t id,
                     const char *text)
{
        int64_t n = 0;
        if (b->rc == RK_OK)
                b->rc = dsr_count(db, sql, id, text, &n, b->err);
        return n;
}

/* ---- access and portability -------------------------------------------- */

static const struct {
        const char *table, *label, *sql;
} exported[] = {
    {"contact_persons", N_("Contact persons"),
     "SELECT count(*) FROM contact_persons WHERE customer_id=?1"},
    {"orders", N_("Orders"), "SELECT count(*) FROM orders WHERE customer_id=?1"},
    {"order_lines", N_("Order lines"),
     "SELECT count(*) FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE "
     "customer_id=?1)"},
    {"notes", N_("Notes"), "SELECT count(*) FROM notes WHERE customer_id=?1"},
    {"consents", N_("Consents"), "SELECT count(*) FROM consents WHERE customer_id=?1"},
    {"objections", N_("Objections"),
     "SELECT count(*) FROM objections WHERE customer_id=?1"},
    {"dsr_requests", N_("Requests"),
     "SELECT count(DISTINCT request_id) FROM dsr_subjects WHERE customer_id=?1"},
    {"audit_log", N_("Who accessed the data (Art. 15(1)(c))"),
     "SELECT count(*) FROM audit_log WHERE subject=?1"},
};

static void preview_export(struct builder *b, sqlite3 *db)
{
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        if (b->sub->kind == RK_DSR_SUBJECT_CONTACT) {
                preview_item(b, "contact_persons", NULL, N_("Contact person"),
                             RK_EFFECT_EXPORT, 1,
                             "every field of the contact person's record");
                preview_item(b, "audit_log", NULL,
                             N_("Who accessed the data (Art. 15(1)(c))"),
                             RK_EFFECT_EXPORT,
                             count(b, db, exported[7].sql, b->sub->customer_id, NULL) +
                                 b->own_rows,
                             "accesses to the company's records, with users and roles, "
                             "this request's own included");
                return;
        }
        for (size_t i = 0; i < n; i++) {
                if (f[i].record == RK_REC_CUSTOMER)
                        preview_item(b, "customers", f[i].column, f[i].label,
                                     RK_EFFECT_EXPORT, 1, "%s; legal basis: %s",
                                     rk_fields_term_label(f[i].category),
                                     rk_fields_term_label(f[i].basis));
        }
        /* the access log is written after the execution's own audit rows:
         * counted here, so the preview's rows are the export's */
        for (size_t i = 0; i < sizeof(exported) / sizeof(exported[0]); i++)
                preview_item(
                    b, exported[i].table, NULL, exported[i].label, RK_EFFECT_EXPORT,
                    count(b, db, exported[i].sql, b->sub->customer_id, NULL) +
                        (strcmp(exported[i].table, "audit_log") == 0 ? b->own_rows : 0),
                    "every field of every row");
}

/* ---- erasure ----------------------------------------------------------- */

static void preview_customer_fields(struct builder *b, const struct rk_forget_plan *plan)
{
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        for (size_t i = 0; i < n; i++) {
                if (f[i].record != RK_REC_CUSTOMER)
                        continue;
                if (strcmp(f[i].column, "kind") == 0 ||
                    (!f[i].personal && f[i].group != RK_GROUP_IDENTITY))
                        preview_item(b, "customers", f[i].column, f[i].label,
                                     RK_EFFECT_KEEP, 1,
                                     "not personal data; kept on the empty stub");
                else
                        preview_item(
                            b, "customers", f[i].column, f[i].label, RK_EFFECT_ANONYMISE,
                            1,
                            plan->orders_held
                                ? "emptied; the row stays as a stub under number %s for "
                                  "the orders kept"
                                : "emptied; the row stays as a stub under number %s",
                            plan->number);
        }
}

static void preview_erase_customer(struct builder *b, sqlite3 *db,
                                   const struct rk_config *cfg, const char *today)
{
        struct rk_forget_plan plan;
        if (b->rc != RK_OK)
                return;
        b->rc = rk_forget_plan_customer(db, cfg, b->sub->customer_id, RK_FORGET_ERASE,
                                        today, &plan, b->err);
        if (b->rc != RK_OK)
                return;
        preview_customer_fields(b, &plan);
        preview_item(b, "contact_persons", NULL, N_("Contact persons"), RK_EFFECT_ERASE,
                     plan.contacts, "%s", "");
        preview_item(b, "notes", NULL, N_("Notes"), RK_EFFECT_ERASE, plan.notes, "%s",
                     "");
        preview_item(b, "consents", NULL, N_("Consents"), RK_EFFECT_ERASE, plan.consents,
                     "%s", "");
        preview_item(b, "objections", NULL, N_("Objections"), RK_EFFECT_ERASE,
                     plan.objections, "%s", "");
        preview_item(b, "orders", NULL, N_("Orders past the bookkeeping period"),
                     RK_EFFECT_ERASE, plan.orders_deleted,
                     ngettext("with their %lld line", "with their %lld lines",
                              (unsigned long)plan.lines_deleted),
                     (long long)plan.lines_deleted);
        if (plan.orders_held > 0)
                preview_item(
                    b, "orders", NULL, N_("Orders under legal hold"), RK_EFFECT_KEEP,
                    plan.orders_held,
                    "legal hold: bookkeeping records (Accounting Act) are kept %lld "
                    "years after their financial year, until %s; amounts and "
                    "quantities stay, no personal field does",
                    (long long)cfg->bookkeeping_years, plan.held_until);
        if (plan.lines_held > 0)
                preview_item(b, "order_lines", NULL, N_("Order lines under legal hold"),
                             RK_EFFECT_KEEP, plan.lines_held,
                             "kept with their orders until %s", plan.held_until);
        preview_item(b, "customer_fts", NULL, N_("Search index"), RK_EFFECT_CHANGE, 1,
                     "the subject's terms are removed and the index is optimised");
        rk_forget_plan_clear(&plan);
}

static void preview_erasure(struct builder *b, sqlite3 *db, const struct rk_config *cfg,
                            const char *today)
{
        if (b->sub->kind == RK_DSR_SUBJECT_CONTACT)
                preview_item(b, "contact_persons", NULL, N_("Contact person"),
                             RK_EFFECT_ERASE, 1, "the company customer %s stays",
                             b->sub->number);
        else
                preview_erase_customer(b, db, cfg, today);
        preview_item(
            b, "suppressions", NULL, N_("Suppression list"), RK_EFFECT_ADD, 1,
            "keyed hashes of the e-mail, phone and identity code, never the values; "
            "a later re-create is flagged");
        preview_item(
            b, "audit_log", NULL, N_("Audit trail"), RK_EFFECT_KEEP, 1,
            "accountability (Art. 5(2)): the trail records who saw what, never values");
        preview_item(b, "dsr_requests", NULL, N_("Requests"), RK_EFFECT_KEEP, 1,
                     "proof the request was handled; names only the customer number");
}

/* ---- the other types --------------------------------------------------- */

static void preview_other(struct builder *b, sqlite3 *db, const struct rk_dsr_request *r)
{
        bool contact = b->sub->kind == RK_DSR_SUBJECT_CONTACT;
        switch (r->type) {
        case RK_DSR_RESTRICTION:
                if (contact)
                        preview_item(b, "contact_persons", NULL, N_("Contact person"),
                                     RK_EFFECT_KEEP, 1,
                                     "a restriction applies to customer records only");
                else
                        preview_item(
                            b, "customers", "restricted", N_("Restriction"),
                            RK_EFFECT_CHANGE, 1,
                            "hidden from sales, billing and the warehouse, from search "
                            "and exports, until the restriction is lifted");
                break;
        case RK_DSR_OBJECTION:
        case RK_DSR_CONSENT_WITHDRAWAL:
                if (contact) {
                        preview_item(
                            b, "contact_persons", NULL, N_("Contact person"),
                            RK_EFFECT_KEEP, 1,
                            "consents and objections belong to customer records");
                        break;
                }
                if (r->type == RK_DSR_OBJECTION)
                        preview_item(b, "objections", NULL, N_("Objection"),
                                     RK_EFFECT_ADD, 1, "objection to %s is recorded",
                                     r->purpose);
                preview_item(b, "consents", "withdrawn_on", N_("Consents in force"),
                             RK_EFFECT_CHANGE,
                             count(b, db, "SELECT count(*) FROM" DSR_CONSENTS_HIT,
                                   b->sub->customer_id, r->purpose),
                             "withdrawn today (purpose %s); the records stay as proof",
                             r->purpose);
                break;
        default: /* rectification */
                preview_item(b, contact ? "contact_persons" : "customers", NULL,
                             N_("Record"), RK_EFFECT_KEEP, 1,
                             "corrections are made in the customer form; every change is "
                             "audited");
                break;
        }
}

int rk_dsr_preview(struct rk_session *s, int64_t id, struct rk_dsr_preview *out,
                   struct rk_error *err)
{
        struct rk_dsr_request r;
        char today[RK_DATE_TEXT];
        const struct rk_config *cfg = rk_register_config(rk_session_register(s));
        sqlite3 *db = dsr_db(s);
        rk_date_today(today);
        memset(out, 0, sizeof(*out));
        int rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        rc = dsr_load(db, id, today, &r, err);
        struct builder b = {out, {0}, NULL, rc, err, 0};
        for (size_t i = 0; i < r.nsubjects && b.rc == RK_OK; i++) {
                b.sub = &r.subjects[i];
                b.own_rows = 0; /* one dsr.execute row per subject of the customer */
                for (size_t k = 0; k < r.nsubjects; k++)
                        b.own_rows += r.subjects[k].customer_id == b.sub->customer_id;
                if (r.type == RK_DSR_ACCESS || r.type == RK_DSR_PORTABILITY)
                        preview_export(&b, db);
                else if (r.type == RK_DSR_ERASURE)
                        preview_erasure(&b, db, cfg, today);
                else
                        preview_other(&b, db, &r);
        }
        rc = b.rc;
        if (rc == RK_OK)
                rc = dsr_audit(s, "preview", id, 0, "", err);
        rc = dsr_end(s, rc, err);
        rk_dsr_request_clear(&r);
        if (rc != RK_OK)
                rk_dsr_preview_free(out);
        return rc;
}
