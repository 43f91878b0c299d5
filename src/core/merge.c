/*
 * merge.c - merging two customers into one (see merge.h).
 *
 * How it works: the plan is read in one write transaction, which also
 * records the view of both customers in the audit trail (the side-by-side
 * screen shows every field). The run takes the write lock, checks the
 * two versions the plan saw (the optimistic lock: a second session that
 * saved or merged either customer first makes the run refuse, and nothing
 * is lost), asks again for confirmation when a restriction or an open
 * request appeared, then moves the records with one UPDATE per table,
 * copies the chosen values with one UPDATE generated from the plan's
 * column names (fields.c, never input), points the stub (and any stub
 * that pointed to the other) at the survivor, rebuilds the survivor's
 * search row and lets forget.c empty the stub. The audit rows go into the
 * same transaction; the WAL is truncated after the COMMIT. A merge that
 * fails is recorded as failed afterwards, in a transaction of its own.
 */
#include "rekisteri/merge.h"
#include "customer_db.h"
#include "rekisteri/audit.h"
#include "rekisteri/audit_report.h"
#include "rekisteri/customer.h"
#include "rekisteri/clock.h"
#include "rekisteri/forget.h"
#include "rekisteri/i18n.h"
#include "rekisteri/outcome.h"
#include "rekisteri/search.h"
#include "sql.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHAT_PLAN "reading two customers to merge"
#define WHAT_RUN  "merging two customers"

/* The other's records that move, one table each. */
static const char *const move_sql[] = {
    "UPDATE orders SET customer_id=?1 WHERE customer_id=?2",
    "UPDATE notes SET customer_id=?1 WHERE customer_id=?2",
    "UPDATE consents SET customer_id=?1 WHERE customer_id=?2",
    "UPDATE objections SET customer_id=?1 WHERE customer_id=?2",
    "UPDATE contact_persons SET customer_id=?1 WHERE customer_id=?2",
};
static const char *const count_sql[] = {
    "SELECT count(*) FROM orders WHERE customer_id=?1",
    "SELECT count(*) FROM notes WHERE customer_id=?1",
    "SELECT count(*) FROM consents WHERE customer_id=?1",
    "SELECT count(*) FROM objections WHERE customer_id=?1",
    "SELECT count(*) FROM contact_persons WHERE customer_id=?1",
};
#define N_MOVES (sizeof(move_sql) / sizeof(move_sql[0]))

/* Requests not closed: one carried out stays open until it is closed (a
 * restriction is lifted through it), so it follows the person too. */
#define OPEN_REQUESTS "(SELECT id FROM dsr_requests WHERE status <> 'closed')"

/* The merge action, and read and write on every field group: a merge
 * shows every field and moves every kind of record. */
static int require_merge(struct rk_session *s, struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        bool all = rk_authorize_action(g, RK_ACTION_MERGE);
        for (int gr = 0; gr < RK_GROUP_COUNT && all; gr++)
                all = rk_authorize_read(g, (enum rk_group)gr) &&
                      rk_authorize_write(g, (enum rk_group)gr);
        if (all)
                return RK_OK;
        return rk_error_set(err, RK_ERR_DENIED,
                            _("Merging customers needs the merge action and read and "
                              "write access to every field group (supervisors)."));
}

/* Run sql with ?1 and ?2 bound; *out (may be NULL) gets the first column
 * of a row, or the changes of a write. */
static int exec2(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t *out,
                 struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, WHAT_RUN, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, a);
        if (sqlite3_bind_parameter_count(st) >= 2)
                sqlite3_bind_int64(st, 2, b);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW && out != NULL)
                *out = sqlite3_column_int64(st, 0);
        else if (src == SQLITE_DONE && out != NULL)
                *out = sqlite3_stmt_readonly(st) ? 0 : sqlite3_changes(db);
        sqlite3_finalize(st);
        return src == SQLITE_ROW || src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, WHAT_RUN, err);
}

/* ---- the plan ---------------------------------------------------------- */

/* Look one side up by the number as typed; kind gets its kind. */
static int load_side(sqlite3 *db, const char *typed, struct rk_merge_side *side,
                     char kind[8], struct rk_error *err)
{
        char number[RK_AUDIT_NUMBER_SIZE];
        int rc = rk_audit_subject_number(typed, number, err);
        if (rc != RK_OK)
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("%s is not a customer number; a customer number "
                                      "looks like C000123."),
                                    typed ? typed : "");
        sqlite3_stmt *st;
        rc =
            rk_sql_prepare(db,
                           "SELECT c.id, c.version, c.restricted, c.kind,"
                           " c.anonymised_at IS NOT NULL, m.number"
                           " FROM customers c LEFT JOIN customers m ON m.id=c.merged_into"
                           " WHERE c.number=?",
                           &st, WHAT_PLAN, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        const unsigned char *into = src == SQLITE_ROW ? sqlite3_column_text(st, 5) : NULL;
        if (src == SQLITE_ROW && into != NULL) {
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  _("%s was already merged into %s; merge with %s "
                                    "instead."),
                                  number, (const char *)into, (const char *)into);
        } else if (src == SQLITE_ROW && sqlite3_column_int(st, 4)) {
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  _("%s has been erased or anonymised; there is nothing "
                                    "left of it to merge."),
                                  number);
        } else if (src == SQLITE_ROW) {
                side->id = sqlite3_column_int64(st, 0);
                snprintf(side->number, sizeof(side->number), "%.7s", number);
                side->version = sqlite3_column_int64(st, 1);
                side->restricted = sqlite3_column_int(st, 2) != 0;
                snprintf(kind, 8, "%s", (const char *)sqlite3_column_text(st, 3));
        } else if (src == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_NOTFOUND,
                                  _("No customer has the number %s."), number);
        } else {
                rc = rk_sql_fail(db, src, WHAT_PLAN, err);
        }
        sqlite3_finalize(st);
        return rc;
}

static int count_open_requests(sqlite3 *db, struct rk_merge_side *side,
                               struct rk_error *err)
{
        return exec2(db,
                     "SELECT count(DISTINCT request_id) FROM dsr_subjects"
                     " WHERE customer_id=?1 AND request_id IN " OPEN_REQUESTS,
                     side->id, 0, &side->open_requests, err);
}

/* Fields a person chooses between: every customer field but the kind
 * (both are the same) and the last activity (the later one stays). */
static bool choosable(const struct rk_field *f)
{
        return f->record == RK_REC_CUSTOMER && strcmp(f->column, "kind") != 0 &&
               strcmp(f->column, "last_activity") != 0;
}

static char *dup_value(const struct rk_record_view *v, const char *column, bool *oom)
{
        const char *s = rk_record_get(v, column);
        char *d = s != NULL ? strdup(s) : NULL;
        if (s != NULL && d == NULL)
                *oom = true;
        return d;
}

/* Both rows side by side, with the default choice per field. */
static int load_fields(sqlite3 *db, struct rk_merge_plan *p, struct rk_error *err)
{
        struct rk_record_view a, b;
        size_t n;
        bool oom = false;
        const struct rk_field *all = rk_fields_all(&n);
        memset(&b, 0, sizeof(b));
        int rc = rk_record_load(db, RK_REC_CUSTOMER, p->survivor.id, &a, err);
        if (rc == RK_OK)
                rc = rk_record_load(db, RK_REC_CUSTOMER, p->other.id, &b, err);
        if (rc == RK_OK && (p->fields = calloc(n, sizeof(*p->fields))) == NULL)
                oom = true;
        for (size_t i = 0; rc == RK_OK && !oom && i < n; i++) {
                if (!choosable(&all[i]))
                        continue;
                struct rk_merge_field *f = &p->fields[p->nfields++];
                f->field = &all[i];
                f->survivor = dup_value(&a, all[i].column, &oom);
                f->other = dup_value(&b, all[i].column, &oom);
                f->keep_other = f->survivor == NULL && f->other != NULL;
        }
        if (rc == RK_OK && oom)
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        rk_record_view_clear(&a);
        rk_record_view_clear(&b);
        return rc;
}

/* The groups of the fields in the plan: what the screen shows. */
static rk_groupset shown_groups(const struct rk_merge_plan *p)
{
        rk_groupset g = 0;
        for (size_t i = 0; i < p->nfields; i++)
                g |= 1u << p->fields[i].field->group;
        return g;
}

/* Two identity codes that differ name two people (two companies): such a
 * pair is never merged, as the matcher never pairs it (match.h). */
static int check_codes(sqlite3 *db, const struct rk_merge_plan *p, struct rk_error *err)
{
        int64_t people = 0, companies = 0;
        int rc = exec2(db,
                       "SELECT count(*) FROM customers a, customers b"
                       " WHERE a.id = ?1 AND b.id = ?2 AND ifnull(a.hetu, '') <> ''"
                       " AND ifnull(b.hetu, '') <> '' AND upper(a.hetu) <> upper(b.hetu)",
                       p->survivor.id, p->other.id, &people, err);
        if (rc == RK_OK)
                rc = exec2(db,
                           "SELECT count(*) FROM customers a, customers b"
                           " WHERE a.id = ?1 AND b.id = ?2"
                           " AND ifnull(a.business_id, '') <> ''"
                           " AND ifnull(b.business_id, '') <> ''"
                           " AND upper(a.business_id) <> upper(b.business_id)",
                           p->survivor.id, p->other.id, &companies, err);
        if (rc == RK_OK && people > 0)
                rc =
                    rk_error_set(err, RK_ERR_INVALID,
                                 _("%s and %s have different henkilötunnus: they are two "
                                   "people. If one code is wrong, correct it first."),
                                 p->survivor.number, p->other.number);
        else if (rc == RK_OK && companies > 0)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  _("%s and %s have different Y-tunnus: they are two "
                                    "companies. If one is wrong, correct it first."),
                                  p->survivor.number, p->other.number);
        return rc;
}

static unsigned ask_of(const struct rk_merge_plan *p)
{
        unsigned ask = 0;
        if (p->survivor.restricted || p->other.restricted)
                ask |= RK_MERGE_ASK_RESTRICTED;
        if (p->survivor.open_requests > 0 || p->other.open_requests > 0)
                ask |= RK_MERGE_ASK_OPEN_REQUEST;
        return ask;
}

static int read_plan(struct rk_session *s, sqlite3 *db, const char *survivor,
                     const char *other, struct rk_merge_plan *p, struct rk_error *err)
{
        char okind[8] = "";
        const struct rk_grants *g = rk_session_grants(s);
        int rc = load_side(db, survivor, &p->survivor, p->kind, err);
        /* a restricted customer looks like a missing one to a session that
         * may not handle requests (customer_db.h) */
        if (rc == RK_OK)
                rc = rk_custdb_open(db, g, p->survivor.id, NULL, NULL, NULL, err);
        if (rc == RK_OK)
                rc = load_side(db, other, &p->other, okind, err);
        if (rc == RK_OK)
                rc = rk_custdb_open(db, g, p->other.id, NULL, NULL, NULL, err);
        if (rc == RK_OK && p->survivor.id == p->other.id)
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("%s is the same customer twice; name two different "
                                      "customers to merge."),
                                    p->survivor.number);
        if (rc == RK_OK && strcmp(p->kind, okind) != 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("%s and %s are a person and a company; change the "
                                      "type of one of them first if they are the same."),
                                    p->survivor.number, p->other.number);
        if (rc == RK_OK)
                rc = check_codes(db, p, err);
        if (rc == RK_OK)
                rc = count_open_requests(db, &p->survivor, err);
        if (rc == RK_OK)
                rc = count_open_requests(db, &p->other, err);
        int64_t *counts[N_MOVES] = {&p->orders, &p->notes, &p->consents, &p->objections,
                                    &p->contacts};
        for (size_t i = 0; i < N_MOVES && rc == RK_OK; i++)
                rc = exec2(db, count_sql[i], p->other.id, 0, counts[i], err);
        if (rc == RK_OK)
                rc = load_fields(db, p, err);
        p->ask = ask_of(p);
        /* the screen is about to show both: recorded before it does */
        if (rc == RK_OK)
                rc = rk_custdb_audit_read(s, "customer.view", p->survivor.id,
                                          shown_groups(p), err);
        if (rc == RK_OK)
                rc = rk_custdb_audit_read(s, "customer.view", p->other.id,
                                          shown_groups(p), err);
        return rc;
}

int rk_merge_plan(struct rk_session *s, const char *survivor, const char *other,
                  struct rk_merge_plan *out, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        memset(out, 0, sizeof(*out));
        int rc = require_merge(s, err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, WHAT_PLAN, err);
        if (rc != RK_OK)
                return rc;
        rc = read_plan(s, db, survivor, other, out, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, WHAT_PLAN, err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                rk_merge_plan_clear(out);
        }
        return rc;
}

int rk_merge_plan_ids(struct rk_session *s, int64_t survivor, int64_t other,
                      struct rk_merge_plan *out, struct rk_error *err)
{
        char numbers[2][RK_CUSTOMER_NUMBER_SIZE] = {"", ""};
        int64_t ids[2] = {survivor, other};
        memset(out, 0, sizeof(*out));
        for (int i = 0; i < 2; i++) {
                sqlite3_stmt *st;
                int rc = rk_sql_prepare(rk_custdb_db(s),
                                        "SELECT number FROM customers WHERE id=?", &st,
                                        WHAT_PLAN, err);
                if (rc != RK_OK)
                        return rc;
                sqlite3_bind_int64(st, 1, ids[i]);
                int src = sqlite3_step(st);
                if (src == SQLITE_ROW)
                        snprintf(numbers[i], sizeof(numbers[i]), "%s",
                                 (const char *)sqlite3_column_text(st, 0));
                else if (src != SQLITE_DONE)
                        rc = rk_sql_fail(rk_custdb_db(s), src, WHAT_PLAN, err);
                sqlite3_finalize(st);
                if (rc != RK_OK)
                        return rc;
                if (numbers[i][0] == '\0')
                        return rk_error_set(err, RK_ERR_NOTFOUND,
                                            _("That customer is no longer there."));
        }
        return rk_merge_plan(s, numbers[0], numbers[1], out, err);
}

int rk_merge_choose(struct rk_merge_plan *p, const char *name, bool keep_other,
                    struct rk_error *err)
{
        char names[512] = "";
        size_t hits = 0;
        for (size_t i = 0; i < p->nfields; i++) {
                const struct rk_field *f = p->fields[i].field;
                if (strcmp(f->column, name) == 0 ||
                    strcmp(rk_policy_group_name(f->group), name) == 0) {
                        p->fields[i].keep_other = keep_other;
                        hits++;
                }
                size_t used = strlen(names);
                snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "",
                         f->column);
        }
        if (hits > 0)
                return RK_OK;
        return rk_error_set(err, RK_ERR_INVALID,
                            _("%s is not a field that can be chosen; the fields are: %s "
                              "(or a group: identity, contact, billing, idcode)."),
                            name, names);
}

const char *rk_merge_ask_text(const struct rk_merge_plan *p, char *out, size_t size)
{
        const char *restricted =
            p->survivor.restricted ? p->survivor.number : p->other.number;
        const char *asked =
            p->survivor.open_requests > 0 ? p->survivor.number : p->other.number;
        if ((p->ask & RK_MERGE_ASK_RESTRICTED) && (p->ask & RK_MERGE_ASK_OPEN_REQUEST))
                snprintf(out, size,
                         _("The processing of %s is restricted (GDPR Art. 18) and %s is "
                           "named by an open data-subject request; the survivor stays "
                           "restricted and the request moves to it."),
                         restricted, asked);
        else if (p->ask & RK_MERGE_ASK_RESTRICTED)
                snprintf(out, size,
                         _("The processing of %s is restricted (GDPR Art. 18); the "
                           "survivor stays restricted."),
                         restricted);
        else if (p->ask & RK_MERGE_ASK_OPEN_REQUEST)
                snprintf(out, size,
                         _("%s is named by an open data-subject request; the request "
                           "moves to the survivor."),
                         asked);
        else if (size > 0)
                out[0] = '\0';
        return out;
}

const char *rk_merge_kind_text(const struct rk_merge_plan *p)
{
        const char *label = rk_customer_kind_label(p->kind);
        return label != NULL ? label : p->kind;
}

void rk_merge_plan_clear(struct rk_merge_plan *p)
{
        if (p == NULL)
                return;
        for (size_t i = 0; i < p->nfields; i++) {
                char *v[2] = {p->fields[i].survivor, p->fields[i].other};
                for (int k = 0; k < 2; k++) {
                        if (v[k] != NULL)
                                sodium_memzero(v[k], strlen(v[k]));
                        free(v[k]);
                }
        }
        free(p->fields);
        memset(p, 0, sizeof(*p));
}

/* ---- the run ----------------------------------------------------------- */

/* The rows are still as the plan saw them, and what needs asking now. */
static int check_unchanged(sqlite3 *db, const struct rk_merge_plan *p,
                           struct rk_merge_plan *now, struct rk_error *err)
{
        const struct rk_merge_side *sides[2] = {&p->survivor, &p->other};
        struct rk_merge_side *nows[2] = {&now->survivor, &now->other};
        int rc = RK_OK;
        for (int i = 0; i < 2 && rc == RK_OK; i++) {
                int64_t version = 0, restricted = 0;
                *nows[i] = *sides[i];
                rc = exec2(db,
                           "SELECT version FROM customers WHERE id=?1 AND merged_into IS"
                           " NULL AND anonymised_at IS NULL",
                           sides[i]->id, 0, &version, err);
                if (rc == RK_OK && version != sides[i]->version)
                        return rk_error_set(err, RK_ERR_CONFLICT,
                                            _("%s was changed or merged by someone else "
                                              "since the merge was shown; nothing was "
                                              "merged. Look at the two again."),
                                            sides[i]->number);
                if (rc == RK_OK)
                        rc = exec2(db, "SELECT restricted FROM customers WHERE id=?1",
                                   sides[i]->id, 0, &restricted, err);
                nows[i]->restricted = restricted != 0;
                if (rc == RK_OK)
                        rc = count_open_requests(db, nows[i], err);
        }
        now->ask = ask_of(now);
        return rc;
}

/* Move the other's records and its place in open requests. */
static int move_records(sqlite3 *db, const struct rk_merge_plan *p,
                        struct rk_merge_result *res, struct rk_error *err)
{
        int rc = RK_OK;
        for (size_t i = 0; i < N_MOVES && rc == RK_OK; i++) {
                int64_t n = 0;
                rc = exec2(db, move_sql[i], p->survivor.id, p->other.id, &n, err);
                res->moved += n;
        }
        sqlite3_stmt *st;
        if (rc == RK_OK)
                rc = rk_sql_prepare(
                    db,
                    "UPDATE OR IGNORE dsr_subjects SET customer_id=?1, "
                    "customer_number=?3,"
                    " record_id=CASE kind WHEN 'customer' THEN ?1 ELSE record_id END"
                    " WHERE customer_id=?2 AND request_id IN " OPEN_REQUESTS,
                    &st, WHAT_RUN, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, p->survivor.id);
        sqlite3_bind_int64(st, 2, p->other.id);
        sqlite3_bind_text(st, 3, p->survivor.number, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, WHAT_RUN, err);
        res->requests = sqlite3_changes(db);
        res->moved += res->requests;
        /* a request that named both already names the survivor */
        rc = exec2(db,
                   "DELETE FROM dsr_subjects WHERE customer_id=?1 AND request_id "
                   "IN " OPEN_REQUESTS,
                   p->other.id, 0, NULL, err);
        /* each request's restriction of the other restricts the survivor
         * (dsr_db.h): lifting one leaves the others; copy_values sets the
         * flag */
        if (rc == RK_OK)
                rc =
                    exec2(db,
                          "INSERT OR IGNORE INTO restrictions(customer_id, request_id)"
                          " SELECT ?1, request_id FROM restrictions WHERE customer_id=?2",
                          p->survivor.id, p->other.id, NULL, err);
        if (rc == RK_OK)
                rc = exec2(db, "DELETE FROM restrictions WHERE customer_id=?1",
                           p->other.id, 0, NULL, err);
        /* a manual legal hold goes with the records it protects (the
         * survivor's own hold, when it has one, stays as it is) */
        int64_t held = 0;
        if (rc == RK_OK)
                rc = exec2(db,
                           "UPDATE OR IGNORE retention_holds SET customer_id=?1 WHERE "
                           "customer_id=?2",
                           p->survivor.id, p->other.id, &held, err);
        res->moved += held;
        if (rc == RK_OK)
                rc = exec2(db, "DELETE FROM retention_holds WHERE customer_id=?1",
                           p->other.id, 0, NULL, err);
        return rc;
}

/* Copy the values kept from the other onto the survivor. */
static int copy_values(sqlite3 *db, const struct rk_merge_plan *p, int64_t now,
                       struct rk_error *err)
{
        char sql[2048];
        size_t used = (size_t)snprintf(sql, sizeof(sql), "UPDATE customers SET");
        for (size_t i = 0; i < p->nfields && used < sizeof(sql); i++) {
                if (!p->fields[i].keep_other)
                        continue;
                const char *c = p->fields[i].field->column;
                used +=
                    (size_t)snprintf(sql + used, sizeof(sql) - used,
                                     " %s=(SELECT %s FROM customers WHERE id=?2),", c, c);
        }
        if (used < sizeof(sql))
                used += (size_t)snprintf(
                    sql + used, sizeof(sql) - used,
                    " restricted=max(restricted,"
                    " (SELECT restricted FROM customers WHERE id=?2)),"
                    " last_activity=nullif(max(ifnull(last_activity,''), ifnull((SELECT"
                    " last_activity FROM customers WHERE id=?2),'')),''),"
                    " updated_at=?3, version=version+1 WHERE id=?1");
        if (used >= sizeof(sql))
                return rk_error_set(err, RK_ERR_INTERNAL, "merging: statement too long");
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, WHAT_RUN, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, p->survivor.id);
        sqlite3_bind_int64(st, 2, p->other.id);
        sqlite3_bind_int64(st, 3, now);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, WHAT_RUN, err);
}

/* Comma lists of the columns taken from the other (side 1) or erased from
 * it (side 0), and their groups; the records moved add theirs. */
static rk_groupset audit_fields(const struct rk_merge_plan *p, bool taken, char *out,
                                size_t size)
{
        rk_groupset g = 0;
        out[0] = '\0';
        for (size_t i = 0; i < p->nfields; i++) {
                const struct rk_merge_field *f = &p->fields[i];
                bool same = f->other != NULL && f->survivor != NULL &&
                            strcmp(f->other, f->survivor) == 0;
                if (taken ? !f->keep_other : (f->keep_other || f->other == NULL || same))
                        continue;
                size_t used = strlen(out);
                snprintf(out + used, size - used, "%s%s", used ? "," : "",
                         f->field->column);
                g |= 1u << f->field->group;
        }
        if (p->orders > 0)
                g |= (1u << RK_GROUP_ORDERS) | (1u << RK_GROUP_ORDER_AMOUNTS);
        if (p->notes > 0)
                g |= 1u << RK_GROUP_NOTES;
        if (p->consents > 0 || p->objections > 0)
                g |= 1u << RK_GROUP_CONSENTS;
        if (p->contacts > 0)
                g |= 1u << RK_GROUP_CONTACT;
        return g | (1u << RK_GROUP_IDENTITY);
}

static void group_list(rk_groupset set, char *out, size_t size)
{
        out[0] = '\0';
        for (int g = 0; g < RK_GROUP_COUNT; g++) {
                if (!(set & (1u << g)))
                        continue;
                size_t used = strlen(out);
                snprintf(out + used, size - used, "%s%s", used ? "," : "",
                         rk_policy_group_name((enum rk_group)g));
        }
}

static int audit_side(struct rk_session *s, const char *action, int64_t subject,
                      const char *target, const struct rk_merge_plan *p, bool taken,
                      int64_t now, struct rk_error *err)
{
        char fields[256], groups[160];
        group_list(audit_fields(p, taken, fields, sizeof(fields)), groups,
                   sizeof(groups));
        struct rk_audit_event ev = {.action = action,
                                    .subject = subject,
                                    .groups = groups,
                                    .fields = fields,
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = target};
        return rk_audit_append(
            rk_custdb_db(s), rk_session_actor(s), &ev, now,
            rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
}

static int run(struct rk_session *s, const struct rk_merge_plan *p, bool confirmed,
               int64_t now, struct rk_merge_result *res, struct rk_error *err)
{
        sqlite3 *db = rk_custdb_db(s);
        struct rk_merge_plan fresh;
        memset(&fresh, 0, sizeof(fresh));
        int rc = check_unchanged(db, p, &fresh, err);
        if (rc == RK_OK && fresh.ask != 0 && !confirmed) {
                char why[384];
                return rk_error_set(err, RK_ERR_CONFIRM, "%s",
                                    rk_merge_ask_text(&fresh, why, sizeof(why)));
        }
        if (rc == RK_OK)
                rc = move_records(db, p, res, err);
        if (rc == RK_OK)
                rc = copy_values(db, p, now, err);
        if (rc == RK_OK)
                rc = exec2(db,
                           "UPDATE customers SET merged_into=?1 WHERE id=?2 OR"
                           " merged_into=?2",
                           p->survivor.id, p->other.id, NULL, err);
        if (rc == RK_OK)
                rc = rk_search_index(db, p->survivor.id, err);
        if (rc == RK_OK)
                rc = rk_forget_merged(db, p->other.id, now, err);
        if (rc == RK_OK)
                rc = audit_side(s, "customer.merge", p->survivor.id, p->other.number, p,
                                true, now, err);
        if (rc == RK_OK)
                rc = audit_side(s, "customer.merged", p->other.id, p->survivor.number, p,
                                false, now, err);
        return rc;
}

int rk_merge_run(struct rk_session *s, const struct rk_merge_plan *p, bool confirmed,
                 struct rk_merge_result *res, struct rk_error *err)
{
        struct rk_merge_result local;
        sqlite3 *db = rk_custdb_db(s);
        res = res != NULL ? res : &local;
        memset(res, 0, sizeof(*res));
        int rc = require_merge(s, err);
        if (rc == RK_OK && (p->survivor.id == 0 || p->other.id == 0))
                rc = rk_error_set(err, RK_ERR_INVALID, "merging: no plan");
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, WHAT_RUN, err);
        if (rc != RK_OK)
                return rc;
        rc = run(s, p, confirmed, rk_clock_now(), res, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, WHAT_RUN, err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                memset(res, 0, sizeof(*res));
                /* the transaction and its audit rows are gone: say it failed
                 * (a question is not a failure) */
                return rc == RK_ERR_CONFIRM
                           ? rc
                           : rk_outcome_audit(s, "customer.merge", p->survivor.id,
                                              p->other.number, rc, err);
        }
        struct rk_error ferr;
        res->flushed = rk_forget_flush(db, &ferr) == RK_OK;
        if (!res->flushed)
                snprintf(res->flush_note, sizeof(res->flush_note),
                         _("The merge is done; still pending: %.300s"), ferr.msg);
        return RK_OK;
}
