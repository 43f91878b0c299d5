/*
 * audit.c - the hash-chained, forward-MACed audit trail (see audit.h).
 *
 * Row hash  = BLAKE2b-256("rk-audit-v1" || each field as u32le length +
 *             bytes, integers as decimal text, ending with prev_hash).
 * Row MAC   = BLAKE2b-256 keyed with K(epoch), over the row hash.
 * K(n+1)    = BLAKE2b-256(K(n)); audit_state keeps only the current key.
 */
#include "rekisteri/audit.h"
#include "sql.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#define HB RK_AUDIT_HASH_BYTES

struct chain_state {
        int64_t epoch;
        unsigned char key[HB];
        int64_t rows_in_epoch;
        int64_t head_id;
        unsigned char head_hash[HB];
        int64_t anchor_id;
        unsigned char anchor_hash[HB];
};

/* ---- hashing ----------------------------------------------------------- */

static void absorb(crypto_generichash_state *st, const void *p, size_t n)
{
        unsigned char len[4] = {(unsigned char)n, (unsigned char)(n >> 8),
                                (unsigned char)(n >> 16), (unsigned char)(n >> 24)};
        crypto_generichash_update(st, len, sizeof(len));
        crypto_generichash_update(st, p, n);
}

static void absorb_str(crypto_generichash_state *st, const char *s)
{
        absorb(st, s, strlen(s));
}

static void absorb_int(crypto_generichash_state *st, int64_t v)
{
        char buf[24];
        snprintf(buf, sizeof(buf), "%" PRId64, v);
        absorb_str(st, buf);
}

static void row_hash(const struct rk_audit_row *r, const unsigned char *prev,
                     unsigned char *out)
{
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, HB);
        absorb_str(&st, "rk-audit-v1");
        absorb_int(&st, r->id);
        absorb_str(&st, r->at);
        absorb_str(&st, r->user);
        absorb_str(&st, r->session);
        absorb_str(&st, r->source);
        absorb_str(&st, r->action);
        absorb_int(&st, r->subject);
        absorb_str(&st, r->groups);
        absorb_str(&st, r->fields);
        absorb_str(&st, r->screen);
        absorb_str(&st, r->result);
        absorb_str(&st, r->target);
        absorb_int(&st, r->epoch);
        absorb(&st, prev, HB);
        crypto_generichash_final(&st, out, HB);
}

static void row_mac(const unsigned char *key, const unsigned char *hash,
                    unsigned char *out)
{
        crypto_generichash(out, HB, hash, HB, key, HB);
}

static void evolve(unsigned char *key)
{
        unsigned char next[HB];
        crypto_generichash(next, HB, key, HB, NULL, 0);
        memcpy(key, next, HB);
        sodium_memzero(next, sizeof(next));
}

/* ---- state ------------------------------------------------------------- */

static int copy_blob(sqlite3_stmt *st, int col, unsigned char *out)
{
        if (sqlite3_column_bytes(st, col) != HB)
                return -1;
        memcpy(out, sqlite3_column_blob(st, col), HB);
        return 0;
}

static int load_state(sqlite3 *db, struct chain_state *cs, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(db,
                           "SELECT epoch,key,rows_in_epoch,head_id,head_hash,anchor_id,"
                           "anchor_hash FROM audit_state WHERE id=1",
                           &st, "reading the audit state", err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                cs->epoch = sqlite3_column_int64(st, 0);
                cs->rows_in_epoch = sqlite3_column_int64(st, 2);
                cs->head_id = sqlite3_column_int64(st, 3);
                cs->anchor_id = sqlite3_column_int64(st, 5);
                if (copy_blob(st, 1, cs->key) || copy_blob(st, 4, cs->head_hash) ||
                    copy_blob(st, 6, cs->anchor_hash))
                        rc = rk_error_set(err, RK_ERR_CORRUPT,
                                          "the audit state is damaged");
        } else if (src == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_CORRUPT,
                                  "the audit trail was never started");
        } else {
                rc = rk_sql_fail(db, src, "reading the audit state", err);
        }
        sqlite3_finalize(st);
        return rc;
}

static int save_state(sqlite3 *db, const struct chain_state *cs, int insert,
                      struct rk_error *err)
{
        sqlite3_stmt *st;
        const char *sql =
            insert ? "INSERT INTO audit_state(epoch,key,rows_in_epoch,head_id,"
                     "head_hash,anchor_id,anchor_hash,id) VALUES(?,?,?,?,?,?,?,1)"
                   : "UPDATE audit_state SET epoch=?,key=?,rows_in_epoch=?,"
                     "head_id=?,head_hash=?,anchor_id=?,anchor_hash=? WHERE id=1";
        int rc = rk_sql_prepare(db, sql, &st, "writing the audit state", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, cs->epoch);
        sqlite3_bind_blob(st, 2, cs->key, HB, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, cs->rows_in_epoch);
        sqlite3_bind_int64(st, 4, cs->head_id);
        sqlite3_bind_blob(st, 5, cs->head_hash, HB, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, cs->anchor_id);
        sqlite3_bind_blob(st, 7, cs->anchor_hash, HB, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "writing the audit state", err);
}

int rk_audit_init(sqlite3 *db, char *key_text, struct rk_error *err)
{
        struct chain_state cs;
        memset(&cs, 0, sizeof(cs));
        randombytes_buf(cs.key, HB);
        sodium_bin2hex(key_text, RK_AUDIT_KEY_TEXT, cs.key, HB);
        int rc = save_state(db, &cs, 1, err);
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

static void format_time(int64_t now, char *out)
{
        time_t t = (time_t)now;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void fill_row(struct rk_audit_row *r, int64_t id, const struct rk_audit_actor *a,
                     const struct rk_audit_event *ev, int64_t now, int64_t epoch)
{
        memset(r, 0, sizeof(*r));
        r->id = id;
        format_time(now, r->at);
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

static int insert_row(sqlite3 *db, const struct rk_audit_row *r,
                      const unsigned char *prev, const unsigned char *hash,
                      const unsigned char *mac, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db,
            "INSERT INTO audit_log(id,at,user,session,source,action,subject,"
            "groups,fields,screen,result,target,epoch,prev_hash,hash,mac) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            &st, "writing the audit trail", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, r->id);
        sqlite3_bind_text(st, 2, r->at, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->user, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->session, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->action, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, r->subject);
        sqlite3_bind_text(st, 8, r->groups, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, r->fields, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, r->screen, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, r->result, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, r->target, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 13, r->epoch);
        sqlite3_bind_blob(st, 14, prev, HB, SQLITE_STATIC);
        sqlite3_bind_blob(st, 15, hash, HB, SQLITE_STATIC);
        sqlite3_bind_blob(st, 16, mac, HB, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "writing the audit trail", err);
}

static void log_head(const struct chain_state *cs)
{
        char hex[2 * HB + 1];
        sodium_bin2hex(hex, sizeof(hex), cs->head_hash, HB);
        openlog("rekisteri", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
        syslog(LOG_NOTICE, "audit chain head: epoch=%" PRId64 " id=%" PRId64 " hash=%s",
               cs->epoch, cs->head_id, hex);
        closelog();
}

/* Raise *id to the largest row id present. */
static int max_id(sqlite3 *db, int64_t *id, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "SELECT MAX(id) FROM audit_log", &st,
                                "writing the audit trail", err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        rc = rk_sql_row(st, &row, "writing the audit trail", err);
        if (rc == RK_OK && row && sqlite3_column_int64(st, 0) > *id)
                *id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return rc;
}

/* Chain one row onto the state in cs (loaded, saved by the caller). */
static int chain_row(sqlite3 *db, struct chain_state *cs, int64_t *next_id,
                     const struct rk_audit_actor *actor, const struct rk_audit_event *ev,
                     int64_t now, int64_t epoch_rows, struct rk_error *err)
{
        struct rk_audit_row r;
        unsigned char hash[HB], mac[HB];
        if (cs->rows_in_epoch >= epoch_rows) { /* the key moves on; the old one is gone */
                log_head(cs);
                evolve(cs->key);
                cs->epoch++;
                cs->rows_in_epoch = 0;
        }
        fill_row(&r, (*next_id)++, actor, ev, now, cs->epoch);
        row_hash(&r, cs->head_hash, hash);
        row_mac(cs->key, hash, mac);
        int rc = insert_row(db, &r, cs->head_hash, hash, mac, err);
        if (rc == RK_OK) {
                cs->head_id = r.id;
                memcpy(cs->head_hash, hash, HB);
                cs->rows_in_epoch++;
        }
        return rc;
}

int rk_audit_append_many(sqlite3 *db, const struct rk_audit_actor *actor,
                         const struct rk_audit_event *ev, const int64_t *subjects,
                         size_t n, int64_t now, int64_t epoch_rows, struct rk_error *err)
{
        struct chain_state cs;
        int rc = load_state(db, &cs, err);
        if (rc != RK_OK)
                return rc;
        /* Past both the recorded head and any row beyond it: rows planted
         * after the head must not block the trail, verify will name them. */
        int64_t id = cs.head_id;
        rc = max_id(db, &id, err);
        id++;
        struct rk_audit_event one = *ev;
        for (size_t i = 0; rc == RK_OK && i < n; i++) {
                if (subjects != NULL)
                        one.subject = subjects[i];
                rc = chain_row(db, &cs, &id, actor, &one, now, epoch_rows, err);
        }
        if (rc == RK_OK)
                rc = save_state(db, &cs, 0, err);
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

/* ---- reading ----------------------------------------------------------- */

#define ROW_COLUMNS                                                                      \
        "id,at,user,session,source,action,subject,groups,fields,screen,result,target,"   \
        "epoch"

static void text_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
        const unsigned char *t = sqlite3_column_text(st, col);
        snprintf(out, size, "%s", t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, struct rk_audit_row *r)
{
        memset(r, 0, sizeof(*r));
        r->id = sqlite3_column_int64(st, 0);
        text_col(st, 1, r->at, sizeof(r->at));
        text_col(st, 2, r->user, sizeof(r->user));
        text_col(st, 3, r->session, sizeof(r->session));
        text_col(st, 4, r->source, sizeof(r->source));
        text_col(st, 5, r->action, sizeof(r->action));
        r->subject = sqlite3_column_int64(st, 6);
        text_col(st, 7, r->groups, sizeof(r->groups));
        text_col(st, 8, r->fields, sizeof(r->fields));
        text_col(st, 9, r->screen, sizeof(r->screen));
        text_col(st, 10, r->result, sizeof(r->result));
        text_col(st, 11, r->target, sizeof(r->target));
        r->epoch = sqlite3_column_int64(st, 12);
}

/* ---- verification ------------------------------------------------------ */

struct verifier {
        int64_t next_id;
        unsigned char prev[HB];
        int have_key;
        int64_t key_epoch;
        unsigned char key[HB];
};

static int verdict_fail(struct rk_audit_verdict *v, int64_t id, const char *why)
{
        v->ok = 0;
        v->bad_id = id;
        snprintf(v->why, sizeof(v->why), "%s", why);
        return 1;
}

/* Check one row; 1 when it fails (v says why), 0 when it holds. */
static int check_row(struct verifier *w, sqlite3_stmt *st, struct rk_audit_verdict *v)
{
        struct rk_audit_row r;
        unsigned char prev[HB], stored[HB], mac[HB], hash[HB], want[HB];
        read_row(st, &r);
        if (r.id > w->next_id)
                return verdict_fail(v, w->next_id,
                                    "this entry is missing: it was deleted");
        if (copy_blob(st, 13, prev) || copy_blob(st, 14, stored) ||
            copy_blob(st, 15, mac))

                return verdict_fail(v, r.id, "the entry is malformed");
        if (sodium_memcmp(prev, w->prev, HB) != 0)
                return verdict_fail(
                    v, r.id,
                    "its link to the entry before it is broken: entries were "
                    "reordered, inserted or removed here");
        row_hash(&r, prev, hash);
        if (sodium_memcmp(hash, stored, HB) != 0)
                return verdict_fail(v, r.id,
                                    "its contents were altered after it was written");
        if (w->have_key) {
                if (r.epoch < w->key_epoch)
                        return verdict_fail(v, r.id, "its epoch goes backwards");
                while (w->key_epoch < r.epoch) {
                        evolve(w->key);
                        w->key_epoch++;
                }
                row_mac(w->key, hash, want);
                if (sodium_memcmp(want, mac, HB) != 0)
                        return verdict_fail(
                            v, r.id,
                            "its MAC does not verify under the audit key: it "
                            "was written or rewritten without that key");
        }
        memcpy(w->prev, hash, HB);
        w->next_id = r.id + 1;
        v->rows++;
        return 0;
}

static int parse_key(const char *text, unsigned char *key)
{
        size_t len = 0;
        return sodium_hex2bin(key, HB, text, strlen(text), " -", &len, NULL) == 0 &&
                       len == HB
                   ? 0
                   : -1;
}

int rk_audit_verify(sqlite3 *db, const char *key_text, struct rk_audit_verdict *v,
                    struct rk_error *err)
{
        struct chain_state cs;
        struct verifier w;
        memset(v, 0, sizeof(*v));
        memset(&w, 0, sizeof(w));
        if (key_text != NULL && parse_key(key_text, w.key) != 0)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "the audit key is 64 hexadecimal digits (shown at init)");
        w.have_key = key_text != NULL;
        v->macs_checked = w.have_key;
        int rc = load_state(db, &cs, err);
        if (rc != RK_OK)
                return rc;
        w.next_id = cs.anchor_id + 1;
        memcpy(w.prev, cs.anchor_hash, HB);
        sqlite3_stmt *st;
        rc = rk_sql_prepare(db,
                            "SELECT " ROW_COLUMNS ",prev_hash,hash,mac FROM audit_log "
                            "WHERE id>? ORDER BY id",
                            &st, "verifying the audit trail", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, cs.anchor_id);
        v->ok = 1;
        bool row = false;
        while ((rc = rk_sql_row(st, &row, "verifying the audit trail", err)) == RK_OK &&
               row && !check_row(&w, st, v))
                ;
        sqlite3_finalize(st);
        /* A page that does not decrypt is damage, not tampering: name the
         * entry that could not be read instead of calling the rest deleted. */
        if (rc == RK_ERR_CORRUPT) {
                rk_error_clear(err);
                rc = RK_OK;
                verdict_fail(v, w.next_id,
                             "this entry could not be read: the page holding it is "
                             "damaged (a corrupt page); later entries were not checked");
        }
        if (rc != RK_OK) {
                sodium_memzero(&w, sizeof(w));
                sodium_memzero(&cs, sizeof(cs));
                return rc;
        }
        /* rows cut off the end leave the recorded head behind */
        if (v->ok && w.next_id - 1 != cs.head_id)
                verdict_fail(v, w.next_id,
                             "this entry is missing: the newest entries were "
                             "deleted");
        else if (v->ok && sodium_memcmp(w.prev, cs.head_hash, HB) != 0)
                verdict_fail(v, cs.head_id,
                             "the chain does not end at the recorded head");
        sodium_bin2hex(v->head, sizeof(v->head), w.prev, HB);
        sodium_memzero(&w, sizeof(w));
        sodium_memzero(&cs, sizeof(cs));
        return RK_OK;
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

static void build_list_query(const struct rk_audit_filter *f, char *action_end,
                             size_t aesz, struct list_query *q)
{
        size_t alen = f->action ? strlen(f->action) : 0;
        int only_time = !f->user && !f->subject && !alen && (f->from || f->to);
        memset(q, 0, sizeof(*q));
        snprintf(q->sql, sizeof(q->sql),
                 "SELECT " ROW_COLUMNS " FROM audit_log%s WHERE 1",
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
        }
        if (f->subject)
                add_num(q, " AND subject=?", f->subject);
        if (f->from)
                add_text(q, " AND at>=?", f->from);
        if (f->to)
                add_text(q, " AND at<?", f->to);
        if (f->before_id)
                add_num(q, " AND id<?", f->before_id);
        if (f->data_only)
                strncat(q->sql,
                        " AND ((action>='customer.' AND action<'customer/')"
                        " OR (action>='order.' AND action<'order/'))",
                        sizeof(q->sql) - strlen(q->sql) - 1);
        strncat(q->sql, " ORDER BY id DESC LIMIT ?", sizeof(q->sql) - strlen(q->sql) - 1);
}

static int collect_row(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        (void)ctx;
        (void)err;
        read_row(st, item);
        return RK_OK;
}

int rk_audit_list(sqlite3 *db, const struct rk_audit_filter *f, size_t limit,
                  struct rk_audit_row **rows, size_t *n, struct rk_error *err)
{
        struct list_query q;
        char action_end[64];
        *rows = NULL;
        *n = 0;
        build_list_query(f, action_end, sizeof(action_end), &q);
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, q.sql, &st, "reading the audit trail", err);
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
                if (copy_blob(st, 1, hash))
                        rc = rk_error_set(err, RK_ERR_CORRUPT,
                                          "an audit entry is malformed");
        }
        sqlite3_finalize(st);
        return rc;
}

int rk_audit_prune(sqlite3 *db, const struct rk_audit_actor *actor, const char *before,
                   int64_t now, int64_t epoch_rows, int64_t *deleted,
                   struct rk_error *err)
{
        struct chain_state cs;
        unsigned char hash[HB];
        int64_t cut = 0;
        *deleted = 0;
        int rc = rk_sql_begin_as(db, "audit retention", err);
        if (rc == RK_OK)
                rc = last_before(db, before, &cut, hash, err);
        if (rc == RK_OK && cut > 0)
                rc = load_state(db, &cs, err);
        if (rc == RK_OK && cut > 0) {
                sqlite3_stmt *st;
                rc = rk_sql_prepare(db, "DELETE FROM audit_log WHERE id<=?", &st,
                                    "audit retention", err);
                if (rc == RK_OK) {
                        sqlite3_bind_int64(st, 1, cut);
                        int src = sqlite3_step(st);
                        sqlite3_finalize(st);
                        rc = src == SQLITE_DONE
                                 ? RK_OK
                                 : rk_sql_fail(db, src, "audit retention", err);
                        *deleted = sqlite3_changes(db);
                }
                /* the deleted rows' last hash becomes the anchor */
                cs.anchor_id = cut;
                memcpy(cs.anchor_hash, hash, HB);
                if (rc == RK_OK)
                        rc = save_state(db, &cs, 0, err);
                sodium_memzero(&cs, sizeof(cs));
        }
        struct rk_audit_event ev = {
            .action = "audit.retention", .screen = "retention", .result = "ok"};
        if (rc == RK_OK)
                rc = rk_audit_append(db, actor, &ev, now, epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "audit retention", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}
