/*
 * dsr_exec.c - carrying a request out (see dsr.h, rk_dsr_execute): one
 * transaction that acts on every subject, appends one audit row per
 * subject, marks the request executed and commits, or does nothing.
 *
 * Erasure goes through forget.h only. Its ledger entries (ledger.h) go
 * into the register in the same transaction, so they exist exactly when
 * the erasure committed; after the COMMIT the ledger file beside the
 * register is brought up to date from them, and the WAL is truncated
 * (rk_forget_flush). Either of those two can fail without undoing the
 * erasure: the file is repaired and the truncation is paid at the next
 * opening (the scrub debt, forget.h), and the result says so.
 */
#include "dsr_db.h"
#include "rekisteri/i18n.h"
#include "rekisteri/forget.h"
#include "rekisteri/i18n.h"
#include "rekisteri/ledger.h"
#include "rekisteri/outcome.h"
#include "sql.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct exec {
        struct rk_session *s;
        sqlite3 *db;
        const struct rk_config *cfg;
        const struct rk_dsr_request *r;
        int64_t now;
        char today[RK_DATE_TEXT];
        struct rk_dsr_result *res;
        struct rk_ledger_entry *ledger;
        size_t nledger;
};

static int exec_sql(struct exec *x, const char *sql, int64_t id, const char *text,
                    struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(x->db, sql, &st, "carrying out a request", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        if (text != NULL)
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, x->today, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, x->r->id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(x->db, src, "carrying out a request", err);
        x->res->rows += sqlite3_changes(x->db);
        return RK_OK;
}

/* ---- erasure ----------------------------------------------------------- */

static struct rk_ledger_entry *ledger_next(struct exec *x, struct rk_error *err)
{
        return rk_ledger_next(&x->ledger, &x->nledger, RK_FORGET_ERASE, x->now, err);
}

static int erase_customer(struct exec *x, const struct rk_dsr_subject *sub,
                          struct rk_error *err)
{
        struct rk_forget_plan done;
        int rc = rk_forget_customer(x->db, x->cfg, sub->customer_id, RK_FORGET_ERASE,
                                    x->now, &done, err);
        if (rc != RK_OK)
                return rc;
        struct rk_ledger_entry *e = ledger_next(x, err);
        if (e == NULL) {
                rk_forget_plan_clear(&done);
                return RK_ERR_NOMEM;
        }
        rk_ledger_take_plan(e, &done);
        x->res->rows += done.contacts + done.notes + done.consents + done.objections +
                        done.orders_deleted + done.lines_deleted + 1;
        rk_forget_plan_clear(&done);
        /* the customers merged into it held the same person's data */
        return rk_ledger_add_merged(x->db, sub->customer_id, &x->ledger, &x->nledger,
                                    RK_FORGET_ERASE, x->now, err);
}

static int erase_contact(struct exec *x, const struct rk_dsr_subject *sub,
                         struct rk_error *err)
{
        struct rk_ledger_entry *e = ledger_next(x, err);
        if (e == NULL)
                return RK_ERR_NOMEM;
        memcpy(e->number, sub->number, sizeof(e->number));
        e->contact_id = sub->record_id;
        int rc = dsr_count(x->db, "SELECT created_at FROM customers WHERE id=?1",
                           sub->customer_id, NULL, &e->created_at, err);
        if (rc == RK_OK)
                rc = rk_suppress_fingerprint(x->db, sub->record_id, e->fingerprint, err);
        if (rc == RK_OK)
                rc = rk_forget_contact(x->db, sub->record_id, x->now, &e->hashes,
                                       &e->nhashes, err);
        if (rc == RK_OK)
                x->res->rows++;
        return rc;
}

/* After the COMMIT: mirror the ledger and truncate the WAL; what could
 * not be done is named in res, and finishes by itself later. */
static void after_commit(struct exec *x)
{
        struct rk_error ferr;
        struct rk_register *reg = rk_session_register(x->s);
        x->res->flushed = rk_forget_flush(x->db, &ferr) == RK_OK;
        if (!x->res->flushed)
                snprintf(x->res->flush_note, sizeof(x->res->flush_note),
                         _("the erasure is committed; still pending: %.300s"), ferr.msg);
        if (rk_ledger_mirror(x->db, rk_register_path(reg), false, &ferr) != RK_OK &&
            x->res->flush_note[0] == '\0')
                snprintf(
                    x->res->flush_note, sizeof(x->res->flush_note),
                    _("the erasure is committed and recorded in the register; the "
                      "ledger file beside it is updated at the next opening (%.200s)"),
                    ferr.msg);
}

/* ---- the other types --------------------------------------------------- */

static int need_customer(const struct rk_dsr_subject *sub, struct rk_error *err)
{
        if (sub->kind == RK_DSR_SUBJECT_CUSTOMER)
                return RK_OK;
        return rk_error_set(err, RK_ERR_INVALID,
                            "a contact person cannot be restricted or hold consents; "
                            "remove contact subjects from this request (customer %s)",
                            sub->number);
}

static int act_on(struct exec *x, const struct rk_dsr_subject *sub, struct rk_error *err)
{
        const char *purpose = x->r->purpose;
        int rc = RK_OK;
        switch (x->r->type) {
        case RK_DSR_ERASURE:
                return sub->kind == RK_DSR_SUBJECT_CONTACT ? erase_contact(x, sub, err)
                                                           : erase_customer(x, sub, err);
        case RK_DSR_RESTRICTION:
                rc = need_customer(sub, err);
                if (rc == RK_OK)
                        rc = dsr_restrict(x->db, sub->customer_id, x->r->id, err);
                if (rc == RK_OK)
                        x->res->rows++;
                return rc;
        case RK_DSR_OBJECTION:
                rc = need_customer(sub, err);
                if (rc == RK_OK)
                        rc = exec_sql(x,
                                      "INSERT INTO objections(customer_id, purpose,"
                                      " objected_on, request_id) VALUES(?1,?2,?3,?4)",
                                      sub->customer_id, purpose, err);
                /* fall through: an objection also ends the consents it covers */
                __attribute__((fallthrough));
        case RK_DSR_CONSENT_WITHDRAWAL:
                if (rc == RK_OK)
                        rc = need_customer(sub, err);
                if (rc == RK_OK)
                        rc = exec_sql(x,
                                      "UPDATE consents SET withdrawn_on=?3 WHERE"
                                      " customer_id=?1 AND withdrawn_on IS NULL AND"
                                      " (?2 = 'direct_marketing' OR purpose = ?2)",
                                      sub->customer_id, purpose, err);
                return rc;
        default: /* access and portability: dsr_export; rectification: forms */
                return RK_OK;
        }
}

static const char *groups_of(enum rk_dsr_type t, char *buf, size_t size)
{
        switch (t) {
        case RK_DSR_OBJECTION:
        case RK_DSR_CONSENT_WITHDRAWAL:
                return "consents";
        case RK_DSR_RESTRICTION:
        case RK_DSR_RECTIFICATION:
                return "";
        default:
                return dsr_all_groups(buf, size);
        }
}

static int check_ready(const struct rk_dsr_request *r, const char *out_dir,
                       struct rk_error *err)
{
        struct stat st;
        if (r->status == RK_DSR_EXECUTED || r->status == RK_DSR_CLOSED)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the request has been carried out or closed already");
        if (r->status != RK_DSR_VERIFIED)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "record how the person's identity was verified first");
        if (r->nsubjects == 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "select the records of the person first");
        if (r->type != RK_DSR_ACCESS && r->type != RK_DSR_PORTABILITY)
                return RK_OK;
        if (out_dir == NULL || stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "an export needs an existing directory to write to");
        return RK_OK;
}

/* The export in lang: the messages and formats switched for it and back. */
static int export_in(struct exec *x, const char *out_dir, const char *lang, json_t **doc,
                     struct rk_error *err)
{
        char saved[8];
        snprintf(saved, sizeof(saved), "%s", rk_i18n_current());
        rk_i18n_use(lang);
        int rc = dsr_export_build(x->s, x->r, lang, doc, &x->res->rows, err);
        if (rc == RK_OK)
                rc = dsr_export_write(*doc, out_dir, x->r->id, x->res, err);
        rk_i18n_use(saved);
        return rc;
}

static int run(struct exec *x, const char *out_dir, const char *lang, json_t **doc,
               struct rk_error *err)
{
        char groups[160];
        int rc = RK_OK;
        for (size_t i = 0; i < x->r->nsubjects && rc == RK_OK; i++) {
                rc = act_on(x, &x->r->subjects[i], err);
                if (rc == RK_OK)
                        rc = dsr_audit(
                            x->s, "execute", x->r->id, x->r->subjects[i].customer_id,
                            groups_of(x->r->type, groups, sizeof(groups)), err);
                x->res->subjects++;
        }
        if (rc == RK_OK &&
            (x->r->type == RK_DSR_ACCESS || x->r->type == RK_DSR_PORTABILITY))
                rc = export_in(x, out_dir, lang, doc, err);
        if (rc == RK_OK)
                rc = dsr_set_status(x->db, x->r->id, RK_DSR_EXECUTED, x->now, err);
        if (rc == RK_OK && x->nledger > 0)
                rc = rk_ledger_record(x->db, x->ledger, x->nledger, err);
        return rc;
}

int rk_dsr_report_language(struct rk_session *s, int64_t id, char out[4],
                           struct rk_error *err)
{
        sqlite3_stmt *st;
        snprintf(out, 4, "fi");
        int rc = rk_sql_prepare(dsr_db(s),
                                "SELECT c.language FROM dsr_subjects d"
                                " JOIN customers c ON c.id = d.customer_id"
                                " WHERE d.request_id=? ORDER BY d.rowid LIMIT 1",
                                &st, "reading the report's language", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        bool row = false;
        rc = rk_sql_row(st, &row, "reading the report's language", err);
        const char *lang = row ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (rc == RK_OK && rk_i18n_known(lang))
                snprintf(out, 4, "%s", lang);
        sqlite3_finalize(st);
        return rc;
}

int rk_dsr_execute(struct rk_session *s, int64_t id, const char *out_dir,
                   struct rk_dsr_result *res, struct rk_error *err)
{
        return rk_dsr_execute_in(s, id, out_dir, NULL, res, err);
}

int rk_dsr_execute_in(struct rk_session *s, int64_t id, const char *out_dir,
                      const char *lang, struct rk_dsr_result *res, struct rk_error *err)
{
        char chosen[4];
        struct rk_dsr_request r;
        json_t *doc = NULL;
        struct exec x = {.s = s,
                         .db = dsr_db(s),
                         .cfg = rk_register_config(rk_session_register(s)),
                         .r = &r,
                         .now = rk_clock_now(),
                         .res = res};
        memset(res, 0, sizeof(*res));
        rk_date_of(x.now, x.today);
        if (lang != NULL && lang[0] != '\0' && !rk_i18n_known(lang))
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("report language: expected en, fi or sv"));
        int rc = dsr_begin(s, err);
        if (rc != RK_OK)
                return rc;
        rc = dsr_load(x.db, id, x.today, &r, err);
        if (rc == RK_OK)
                rc = check_ready(&r, out_dir, err);
        if (rc == RK_OK && (lang == NULL || lang[0] == '\0'))
                rc = rk_dsr_report_language(s, id, chosen, err);
        else if (rc == RK_OK)
                snprintf(chosen, sizeof(chosen), "%s", lang);
        if (rc == RK_OK)
                rc = run(&x, out_dir, chosen, &doc, err);
        rc = dsr_end(s, rc, err);
        json_decref(doc);
        rk_ledger_free(x.ledger, x.nledger);
        if (rc != RK_OK && res->json_path[0] != '\0') {
                unlink(res->json_path);
                unlink(res->text_path);
                res->json_path[0] = res->text_path[0] = '\0';
        }
        if (rc == RK_OK && r.type == RK_DSR_ERASURE)
                after_commit(&x);
        if (rc != RK_OK) {
                /* the transaction and its audit rows are gone: say it failed */
                char what[32];
                snprintf(what, sizeof(what), "request:%lld", (long long)id);
                rc = rk_outcome_audit(s, "dsr.execute", 0, what, rc, err);
        }
        rk_dsr_request_clear(&r);
        return rc;
}
