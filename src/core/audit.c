/*
 * audit.c - the hash-chained, position-keyed audit trail (see audit.h).
 *
 * Threat: someone holds the database key (a stolen recovery key, a copy
 * of a key file) and write access to the files, and wants the trail to
 * say something other than what happened. The design, after the
 * forward-secure logs of Schneier-Kelsey and Bellare-Yee:
 *
 * Chain.  Row hash h(i) = BLAKE2b-256("rk-audit-v2" || every field
 *   length-prefixed, the id included || h(i-1)). Any edit, deletion,
 *   insertion or reordering made without recomputing the chain breaks it.
 *
 * Position binds the key.  Row i carries MAC(i) = BLAKE2b-256 keyed with
 *   k(i) over ("rk-audit-v2 mac" || i || h(i)), and k(i+1) = BLAKE2b-256
 *   keyed with k(i) over "rk-audit-v2 next". After a row is written only
 *   k(head+1) is stored; k(i) is overwritten in the same transaction. The
 *   first key is S = BLAKE2b-256 keyed with K0 over ("rk-audit-v2 seed" ||
 *   origin id || 0), K0 being the random key shown once at init and never
 *   stored. The verifier with K0 derives k(i) from the row's position
 *   alone: no epoch column, nothing in audit_state is trusted. So a holder
 *   of the database key, who has only k(head+1), cannot re-sign any row
 *   already written, in any epoch, the newest included.
 *
 * Truncation.  With K0 the verifier also checks that the stored key is
 *   exactly k(last row + 1): deleting the newest rows would need the
 *   erased earlier key.
 *
 * Retention.  Pruning deletes rows 1..c older than the configured period
 *   and appends an anchor row ("audit.retention", fields pruned_to=c;
 *   before=...;months=...;hash=h(c);origin=...;seed_epoch=...), chained and
 *   MACed like any row. The verifier requires every gap at the start of
 *   the trail to be covered by such an anchor, the anchor to lie after
 *   what it pruned, its cutoff to be older than its own time minus the
 *   configured months, and row c+1 to link to h(c).
 *
 * Heads.  The head (id, hash, time) leaves the machine (audit_heads.c)
 *   at every id that is a multiple of `epoch_rows`, with the first row
 *   written `head_interval` minutes after the last head, and when a
 *   connection that wrote rows closes; always once the transaction that
 *   wrote it commits. `audit verify --heads FILE` checks each against the
 *   trail: this catches a rewrite or truncation before the last head even
 *   by a K0 holder.
 *
 * Old trails.  Registers from before this design (format 1: one key per
 *   epoch, K(n+1) = BLAKE2b(K(n)), epoch taken from the row) are
 *   converted by audit_migrate.c: the old rows are verified under the old
 *   rules and the outcome is the first row of the new chain, seeded from
 *   the old current key with the conversion row's id and the old epoch.
 *
 * The verifier is audit_verify.c; hashing and keys are audit_chain.c.
 */
#include "rekisteri/audit.h"
#include "audit_chain.h"
#include "sql.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rk_audit_init(sqlite3 *db, char *key_text, struct rk_error *err)
{
        struct chain_state cs;
        unsigned char k0[HB];
        const struct chain_origin origin = {.id = 1, .epoch = 0};
        memset(&cs, 0, sizeof(cs));
        randombytes_buf(k0, HB);
        sodium_bin2hex(key_text, RK_AUDIT_KEY_TEXT, k0, HB);
        audit_v2_seed(k0, &origin, cs.key); /* K0 itself is never stored */
        sodium_memzero(k0, sizeof(k0));
        cs.format = AUDIT_V2;
        int rc = audit_state_save(db, &cs, 1, err);
        sodium_memzero(&cs, sizeof(cs));
        return rc;
}

void rk_audit_actor_init(struct rk_audit_actor *a, const char *user, const char *source)
{
        unsigned char id[8];
        randombytes_buf(id, sizeof(id));
        snprintf(a->user, sizeof(a->user), "%s", user);
        snprintf(a->source, sizeof(a->source), "%s", source);
        sodium_bin2hex(a->session, sizeof(a->session), id, sizeof(id));
}

/* ---- appending --------------------------------------------------------- */

static void fill_row(struct rk_audit_row *r, int64_t id, const struct rk_audit_actor *a,
                     const struct rk_audit_event *ev, int64_t now, int64_t epoch)
{
        memset(r, 0, sizeof(*r));
        r->id = id;
        audit_format_time(now, r->at);
        snprintf(r->user, sizeof(r->user), "%s", a->user);
        snprintf(r->session, sizeof(r->session), "%s", a->session);
        snprintf(r->source, sizeof(r->source), "%s", a->source);
        snprintf(r->action, sizeof(r->action), "%s", ev->action);
        r->subject = ev->subject;
        snprintf(r->groups, sizeof(r->groups), "%s", ev->groups ? ev->groups : "");
        snprintf(r->fields, sizeof(r->fields), "%s", ev->fields ? ev->fields : "");
        snprintf(r->screen, sizeof(r->screen), "%s", ev->screen ? ev->screen : "");
        snprintf(r->result, sizeof(r->result), "%s", ev->result ? ev->result : "ok");
        snprintf(r->target, sizeof(r->target), "%s", ev->target ? ev->target : "");
        r->epoch = epoch;
}

/* A head is due at every id that is a multiple of epoch_rows, and when
 * the interval has passed since the last one (or the recorded time lies
 * in the future): both follow the position and the clock, so editing the
 * state cannot hold heads back. It leaves when the transaction commits. */
static void note_head(sqlite3 *db, struct chain_state *cs, const struct rk_audit_row *r,
                      int64_t now, int64_t epoch_rows)
{
        cs->epoch = r->id / epoch_rows;
        cs->rows_in_epoch = r->id % epoch_rows;
        if (cs->rows_in_epoch == 0 || now - cs->logged_at >= audit_heads_interval(db) ||
            cs->logged_at > now) {
                cs->logged_id = r->id;
                cs->logged_at = now;
                audit_heads_due(db, r->id, cs->head_hash, r->at);
        }
}

/* Chain one row at position id onto cs (loaded, saved by the caller). */
static int chain_row(sqlite3 *db, struct chain_state *cs, int64_t id,
                     const struct rk_audit_actor *actor, const struct rk_audit_event *ev,
                     int64_t now, int64_t epoch_rows, struct rk_error *err)
{
        struct rk_audit_row r;
        unsigned char hash[HB], mac[HB];
        /* rows planted beyond the head take positions: keep key = k(id) */
        for (int64_t skip = cs->head_id + 1; skip < id; skip++)
                audit_v2_evolve(cs->key);
        fill_row(&r, id, actor, ev, now, (id - 1) / epoch_rows);
        audit_row_hash(AUDIT_V2, &r, cs->head_hash, hash);
        audit_v2_mac(cs->key, id, hash, mac);
        int rc = audit_insert_row(db, &r, cs->head_hash, hash, mac, err);
        audit_v2_evolve(cs->key); /* k(id) is gone once this state is saved */
        if (rc == RK_OK) {
                cs->head_id = id;
                memcpy(cs->head_hash, hash, HB);
                note_head(db, cs, &r, now, epoch_rows);
        }
        return rc;
}

int rk_audit_append_many(sqlite3 *db, const struct rk_audit_actor *actor,
                         const struct rk_audit_event *ev, const int64_t *subjects,
                         size_t n, int64_t now, int64_t epoch_rows, struct rk_error *err)
{
        struct chain_state cs;
        int rc = audit_state_load(db, &cs, err);
        if (rc == RK_OK && cs.format != AUDIT_V2)
                rc = rk_error_set(err, RK_ERR_CORRUPT,
                                  "the audit trail is in an unknown form");
        /* Past both the recorded head and any row beyond it: rows planted
         * after the head must not block the trail, verify will name them. */
        int64_t id = cs.head_id;
        if (rc == RK_OK)
                rc = audit_max_id(db, &id, err);
        struct rk_audit_event one = *ev;
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                if (subjects != NULL)
                        one.subject = subjects[i];
                rc = chain_row(db, &cs, ++id, actor, &one, now, epoch_rows, err);
        }
        if (rc == RK_OK)
                rc = audit_state_save(db, &cs, 0, err);
        sodium_memzero(&cs, sizeof(cs));
        return rc;
}

int rk_audit_append(sqlite3 *db, const struct rk_audit_actor *actor,
                    const struct rk_audit_event *ev, int64_t now, int64_t epoch_rows,
                    struct rk_error *err)
{
        return rk_audit_append_many(db, actor, ev, NULL, 1, now, epoch_rows, err);
}

int rk_audit_record(sqlite3 *db, const struct rk_audit_actor *actor,
                    const struct rk_audit_event *ev, int64_t now, int64_t epoch_rows,
                    struct rk_error *err)
{
        int rc = rk_sql_begin_as(db, "writing the audit trail", err);
        if (rc == RK_OK)
                rc = rk_audit_append(db, actor, ev, now, epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "writing the audit trail", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

/* ---- listing ----------------------------------------------------------- */

/*
 * The listing query is built from fixed fragments, one per filter that is
 * set, so that SQLite can use the index that fits (subject, user, action or
 * time); a catch-all "(? IS NULL OR col = ?)" query scans the whole trail.
 * Only the fragments are text; every value is a bound parameter.
 */
struct list_query {
        char sql[768];
        const char *text[8];
        int64_t num[8];
        int is_text[8];
        int n;
};

static void add_text(struct list_query *q, const char *fragment, const char *value)
{
        strncat(q->sql, fragment, sizeof(q->sql) - strlen(q->sql) - 1);
        q->is_text[q->n] = 1;
        q->text[q->n++] = value;
}

static void add_num(struct list_query *q, const char *fragment, int64_t value)
{
        strncat(q->sql, fragment, sizeof(q->sql) - strlen(q->sql) - 1);
        q->is_text[q->n] = 0;
        q->num[q->n++] = value;
}

/* "customer." -> "customer/": the first string after every "customer.*" */
static void prefix_end(const char *prefix, char *out, size_t size)
{
        snprintf(out, size, "%s", prefix);
        size_t n = strlen(out);
        if (n > 0)
                out[n - 1]++;
}

/* Were customers merged into subject (merge.h)? Then "who accessed" lists
 * their rows too. */
static int has_merged(sqlite3 *db, int64_t subject, bool *out, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "SELECT 1 FROM customers WHERE merged_into=? LIMIT 1",
                                &st, "reading the audit trail", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, subject);
        int src = sqlite3_step(st);
        *out = src == SQLITE_ROW;
        sqlite3_finalize(st);
        return src == SQLITE_ROW || src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "reading the audit trail", err);
}

static void build_list_query(const struct rk_audit_filter *f, bool merged,
                             char *action_end, size_t aesz, struct list_query *q)
{
        size_t alen = f->action ? strlen(f->action) : 0;
        int only_time = !f->user && !f->subject && !alen && (f->from || f->to);
        memset(q, 0, sizeof(*q));
        snprintf(q->sql, sizeof(q->sql),
                 "SELECT " AUDIT_ROW_COLUMNS ",(SELECT number FROM customers c"
                 " WHERE c.id=audit_log.subject) FROM audit_log%s WHERE 1",
                 only_time ? " INDEXED BY audit_at" : "");
        if (f->user)
                add_text(q, " AND user=?", f->user);
        if (alen > 0 && f->action[alen - 1] == '.') {
                prefix_end(f->action, action_end, aesz);
                /* unary + keeps SQLite on the id order: a prefix such as
                 * "customer." matches half the trail, and sorting that by id
                 * costs far more than walking back to the first page */
                add_text(q, " AND +action>=?", f->action);
                add_text(q, " AND +action<?", action_end);
        } else if (alen > 0) {
                add_text(q, " AND action=?", f->action);
                /* a rare action through the index; views and search hits,
                 * the bulk of the trail, by walking back from its end */
                if (audit_action_indexed(f->action))
                        strncat(q->sql, " AND " AUDIT_ACTION_INDEXED,
                                sizeof(q->sql) - strlen(q->sql) - 1);
        }
        if (f->subject && merged) { /* with the customers merged into it (merge.h) */
                add_num(q, " AND subject IN (SELECT ?", f->subject);
                add_num(q, " UNION ALL SELECT id FROM customers WHERE merged_into=?)",
                        f->subject);
        } else if (f->subject) { /* the index's own order serves ORDER BY id */
                add_num(q, " AND subject=?", f->subject);
        }
        if (f->from)
                add_text(q, " AND at>=?", f->from);
        if (f->to)
                add_text(q, " AND at<?", f->to);
        if (f->before_id)
                add_num(q, " AND id<?", f->before_id);
        strncat(q->sql, " ORDER BY id DESC LIMIT ?", sizeof(q->sql) - strlen(q->sql) - 1);
}

static int collect_row(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        (void)ctx;
        (void)err;
        struct rk_audit_row *r = item;
        audit_read_row(st, r);
        const unsigned char *number = sqlite3_column_text(st, 13); /* the customer's */
        snprintf(r->number, sizeof(r->number), "%s", number ? (const char *)number : "");
        return RK_OK;
}

int rk_audit_list(sqlite3 *db, const struct rk_audit_filter *f, size_t limit,
                  struct rk_audit_row **rows, size_t *n, struct rk_error *err)
{
        struct list_query q;
        char action_end[64];
        *rows = NULL;
        *n = 0;
        bool merged = false;
        int rc = f->subject ? has_merged(db, f->subject, &merged, err) : RK_OK;
        if (rc != RK_OK)
                return rc;
        build_list_query(f, merged, action_end, sizeof(action_end), &q);
        sqlite3_stmt *st;
        rc = rk_sql_prepare(db, q.sql, &st, "reading the audit trail", err);
        if (rc != RK_OK)
                return rc;
        for (int i = 0; i < q.n; i++) {
                if (q.is_text[i])
                        sqlite3_bind_text(st, i + 1, q.text[i], -1, SQLITE_STATIC);
                else
                        sqlite3_bind_int64(st, i + 1, q.num[i]);
        }
        sqlite3_bind_int64(st, q.n + 1, (sqlite3_int64)limit);
        struct rk_sql_array a = {0};
        if (limit > 0)
                rc = rk_sql_collect(st, sizeof(**rows), limit, collect_row, NULL, &a,
                                    "reading the audit trail", err);
        sqlite3_finalize(st);
        if (rc != RK_OK) {
                free(a.v);
                return rc;
        }
        *rows = a.v;
        *n = a.n;
        return rc;
}

/* ---- retention --------------------------------------------------------- */

/* The id and hash of the newest row older than `before`; id 0 when none. */
static int last_before(sqlite3 *db, const char *before, int64_t *id, unsigned char *hash,
                       struct rk_error *err)
{
        sqlite3_stmt *st;
        *id = 0;
        int rc =
            rk_sql_prepare(db,
                           "SELECT id,hash FROM audit_log WHERE at<? ORDER BY id DESC "
                           "LIMIT 1",
                           &st, "audit retention", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
        bool row = false;
        rc = rk_sql_row(st, &row, "audit retention", err);
        if (rc == RK_OK && row) {
                *id = sqlite3_column_int64(st, 0);
                if (audit_copy_blob(st, 1, hash))
                        rc = rk_error_set(err, RK_ERR_CORRUPT,
                                          "an audit entry is malformed");
        }
        sqlite3_finalize(st);
        return rc;
}

/* Only rows older than the configured period may go. */
static int check_cutoff(const char *before, int64_t now, int64_t months,
                        struct rk_error *err)
{
        char at[21];
        audit_format_time(now, at);
        if (!audit_cutoff_allowed(before, at, months))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "audit entries up to %.10s are not all %" PRId64
                                    " months old yet; nothing was pruned",
                                    before, months);
        return RK_OK;
}

static int delete_upto(sqlite3 *db, int64_t cut, int64_t *deleted, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "DELETE FROM audit_log WHERE id<=?", &st,
                                "audit retention", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, cut);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        *deleted = sqlite3_changes(db);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, "audit retention", err);
}

int rk_audit_prune(sqlite3 *db, const struct rk_audit_actor *actor, const char *before,
                   int64_t now, int64_t epoch_rows, int64_t months, int64_t *deleted,
                   struct rk_error *err)
{
        unsigned char hash[HB];
        char hex[2 * HB + 1], fields[256] = "";
        struct chain_origin origin;
        int64_t cut = 0;
        *deleted = 0;
        int rc = check_cutoff(before, now, months, err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, "audit retention", err);
        else
                return rc;
        if (rc == RK_OK)
                rc = last_before(db, before, &cut, hash, err);
        if (rc == RK_OK && cut > 0)
                rc = audit_origin_find(db, &origin, err);
        if (rc == RK_OK && cut > 0) {
                sodium_bin2hex(hex, sizeof(hex), hash, HB);
                snprintf(fields, sizeof(fields),
                         "pruned_to=%" PRId64 ";before=%.20s;months=%" PRId64
                         ";hash=%s;origin=%" PRId64 ";seed_epoch=%" PRId64,
                         cut, before, months, hex, origin.id, origin.epoch);
                rc = delete_upto(db, cut, deleted, err);
        }
        /* the anchor: a row of the chain that says what went, and why */
        struct rk_audit_event ev = {.action = "audit.retention",
                                    .fields = fields,
                                    .screen = "retention",
                                    .result = "ok"};
        if (rc == RK_OK)
                rc = rk_audit_append(db, actor, &ev, now, epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "audit retention", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}
