/*
 * audit_chain.c - the audit trail's hashes, MACs, key schedule and stored
 * state (see audit_chain.h; the design is explained in audit.c).
 */
#include "audit_chain.h"
#include "rekisteri/clock.h"
#include "sql.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

void audit_row_hash(int format, const struct rk_audit_row *r, const unsigned char *prev,
                    unsigned char *out)
{
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, HB);
        absorb_str(&st, format == AUDIT_V1 ? "rk-audit-v1" : "rk-audit-v2");
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

/* ---- keys -------------------------------------------------------------- */

void audit_v1_mac(const unsigned char *key, const unsigned char *hash, unsigned char *out)
{
        crypto_generichash(out, HB, hash, HB, key, HB);
}

void audit_v1_evolve(unsigned char *key)
{
        unsigned char next[HB];
        crypto_generichash(next, HB, key, HB, NULL, 0);
        memcpy(key, next, HB);
        sodium_memzero(next, sizeof(next));
}

static void put_u64(unsigned char *p, int64_t v)
{
        for (int i = 0; i < 8; i++)
                p[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

void audit_v2_seed_from(const unsigned char *k_epoch, const struct chain_origin *o,
                        unsigned char *out)
{
        static const char tag[] = "rk-audit-v2 seed";
        unsigned char msg[sizeof(tag) + 16];
        memcpy(msg, tag, sizeof(tag));
        put_u64(msg + sizeof(tag), o->id);
        put_u64(msg + sizeof(tag) + 8, o->epoch);
        crypto_generichash(out, HB, msg, sizeof(msg), k_epoch, HB);
}

void audit_v2_seed(const unsigned char *k0, const struct chain_origin *o,
                   unsigned char *out)
{
        unsigned char k[HB];
        memcpy(k, k0, HB);
        for (int64_t e = 0; e < o->epoch; e++)
                audit_v1_evolve(k);
        audit_v2_seed_from(k, o, out);
        sodium_memzero(k, sizeof(k));
}

void audit_v2_evolve(unsigned char *key)
{
        static const char tag[] = "rk-audit-v2 next";
        unsigned char next[HB];
        crypto_generichash(next, HB, (const unsigned char *)tag, sizeof(tag) - 1, key,
                           HB);
        memcpy(key, next, HB);
        sodium_memzero(next, sizeof(next));
}

void audit_v2_mac(const unsigned char *key, int64_t id, const unsigned char *hash,
                  unsigned char *out)
{
        static const char tag[] = "rk-audit-v2 mac";
        unsigned char msg[sizeof(tag) + 8 + HB];
        memcpy(msg, tag, sizeof(tag));
        put_u64(msg + sizeof(tag), id);
        memcpy(msg + sizeof(tag) + 8, hash, HB);
        crypto_generichash(out, HB, msg, sizeof(msg), key, HB);
}

/* ---- state ------------------------------------------------------------- */

int audit_copy_blob(sqlite3_stmt *st, int col, unsigned char *out)
{
        if (sqlite3_column_bytes(st, col) != HB)
                return -1;
        memcpy(out, sqlite3_column_blob(st, col), HB);
        return 0;
}

int audit_state_load(sqlite3 *db, struct chain_state *cs, struct rk_error *err)
{
        sqlite3_stmt *st;
        memset(cs, 0, sizeof(*cs));
        int rc =
            rk_sql_cached(db,
                          "SELECT epoch,key,rows_in_epoch,head_id,head_hash,anchor_id,"
                          "anchor_hash,format,logged_id,logged_at FROM audit_state "
                          "WHERE id=1",
                          &st, "reading the audit state", err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                cs->epoch = sqlite3_column_int64(st, 0);
                cs->rows_in_epoch = sqlite3_column_int64(st, 2);
                cs->head_id = sqlite3_column_int64(st, 3);
                cs->anchor_id = sqlite3_column_int64(st, 5);
                cs->format = sqlite3_column_int64(st, 7);
                cs->logged_id = sqlite3_column_int64(st, 8);
                cs->logged_at = sqlite3_column_int64(st, 9);
                if (audit_copy_blob(st, 1, cs->key) ||
                    audit_copy_blob(st, 4, cs->head_hash) ||
                    audit_copy_blob(st, 6, cs->anchor_hash))
                        rc = rk_error_set(err, RK_ERR_CORRUPT,
                                          "the audit state is damaged");
        } else if (src == SQLITE_DONE) {
                rc = rk_error_set(err, RK_ERR_CORRUPT,
                                  "the audit trail was never started");
        } else {
                rc = rk_sql_fail(db, src, "reading the audit state", err);
        }
        rk_sql_release(st);
        return rc;
}

int audit_state_save(sqlite3 *db, const struct chain_state *cs, int insert,
                     struct rk_error *err)
{
        sqlite3_stmt *st;
        const char *sql =
            insert ? "INSERT INTO audit_state(epoch,key,rows_in_epoch,head_id,"
                     "head_hash,anchor_id,anchor_hash,format,logged_id,logged_at,id) "
                     "VALUES(?,?,?,?,?,?,?,?,?,?,1)"
                   /* OR FAIL: the one row; nothing of its own to undo on a
                    * failure, so no statement journal (record.c says why) */
                   : "UPDATE OR FAIL audit_state SET epoch=?,key=?,rows_in_epoch=?,"
                     "head_id=?,head_hash=?,anchor_id=?,anchor_hash=?,format=?,"
                     "logged_id=?,logged_at=? WHERE id=1";
        int rc = rk_sql_cached(db, sql, &st, "writing the audit state", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, cs->epoch);
        sqlite3_bind_blob(st, 2, cs->key, HB, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, cs->rows_in_epoch);
        sqlite3_bind_int64(st, 4, cs->head_id);
        sqlite3_bind_blob(st, 5, cs->head_hash, HB, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, cs->anchor_id);
        sqlite3_bind_blob(st, 7, cs->anchor_hash, HB, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, cs->format);
        sqlite3_bind_int64(st, 9, cs->logged_id);
        sqlite3_bind_int64(st, 10, cs->logged_at);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "writing the audit state", err);
}

/* ---- rows -------------------------------------------------------------- */

static void text_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
        const unsigned char *t = sqlite3_column_text(st, col);
        snprintf(out, size, "%s", t ? (const char *)t : "");
}

void audit_read_row(sqlite3_stmt *st, struct rk_audit_row *r)
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

int audit_insert_row(sqlite3 *db, const struct rk_audit_row *r, const unsigned char *prev,
                     const unsigned char *hash, const unsigned char *mac,
                     struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(
            db,
            "INSERT INTO audit_log(id,at,user,session,source,action,subject,"
            "groups,fields,screen,result,target,epoch,prev_hash,hash,mac) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            &st, "writing the audit trail", err);
        if (rc != RK_OK)
                return rc;
        const char *text[] = {r->at, r->user, r->session, r->source, r->action};
        const char *more[] = {r->groups, r->fields, r->screen, r->result, r->target};
        sqlite3_bind_int64(st, 1, r->id);
        for (int i = 0; i < 5; i++)
                sqlite3_bind_text(st, 2 + i, text[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, r->subject);
        for (int i = 0; i < 5; i++)
                sqlite3_bind_text(st, 8 + i, more[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 13, r->epoch);
        sqlite3_bind_blob(st, 14, prev, HB, SQLITE_STATIC);
        sqlite3_bind_blob(st, 15, hash, HB, SQLITE_STATIC);
        sqlite3_bind_blob(st, 16, mac, HB, SQLITE_STATIC);
        int src = sqlite3_step(st);
        rk_sql_release(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "writing the audit trail", err);
}

/* ---- time and fields --------------------------------------------------- */

void audit_format_time(int64_t now, char *out)
{
        time_t t = (time_t)now;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The date `days` days after the date at the start of text, or -1. */
static int shift_date(const char *text, int days, char out[RK_DATE_TEXT])
{
        int y, m, d;
        if (sscanf(text, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
            d > 31)
                return -1;
        struct tm tm = {
            .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + days, .tm_hour = 12};
        time_t t = timegm(&tm);
        gmtime_r(&t, &tm);
        strftime(out, RK_DATE_TEXT, "%Y-%m-%d", &tm);
        return 0;
}

int audit_cutoff_allowed(const char *before, const char *at, int64_t months)
{
        char last[RK_DATE_TEXT], due[RK_DATE_TEXT], today[RK_DATE_TEXT];
        return months >= 1 && months <= 1200 && shift_date(before, -1, last) == 0 &&
               shift_date(at, 1, today) == 0 &&
               rk_date_add_months(last, (int)months, due, NULL) == RK_OK &&
               strcmp(due, today) <= 0;
}

void audit_field_text(const char *fields, const char *key, char *out, size_t size)
{
        size_t klen = strlen(key);
        out[0] = '\0';
        for (const char *p = fields; p != NULL && *p != '\0';) {
                const char *end = strchr(p, ';');
                size_t n = end ? (size_t)(end - p) : strlen(p);
                if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
                        snprintf(out, size, "%.*s", (int)(n - klen - 1), p + klen + 1);
                        return;
                }
                p = end ? end + 1 : NULL;
        }
}

int64_t audit_field_int(const char *fields, const char *key)
{
        char text[32], *end = NULL;
        audit_field_text(fields, key, text, sizeof(text));
        long long v = strtoll(text, &end, 10);
        return text[0] != '\0' && *end == '\0' && v >= 0 ? v : -1;
}

bool audit_action_indexed(const char *action)
{
        return strcmp(action, "customer.view") != 0 &&
               strcmp(action, "customer.search") != 0;
}

int audit_origin_find(sqlite3 *db, struct chain_origin *o, struct rk_error *err)
{
        sqlite3_stmt *st;
        o->id = 1;
        o->epoch = 0;
        int rc =
            rk_sql_prepare(db,
                           "SELECT id,action,fields FROM audit_log WHERE action IN "
                           "('audit.migrate','audit.retention') AND " AUDIT_ACTION_INDEXED
                           " ORDER BY id DESC",
                           &st, "reading the audit trail", err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        while ((rc = rk_sql_row(st, &row, "reading the audit trail", err)) == RK_OK &&
               row) {
                const char *action = (const char *)sqlite3_column_text(st, 1);
                const char *fields = (const char *)sqlite3_column_text(st, 2);
                if (action == NULL || fields == NULL)
                        continue;
                if (strcmp(action, "audit.migrate") == 0) {
                        o->id = sqlite3_column_int64(st, 0);
                        o->epoch = audit_field_int(fields, "old_epoch");
                        break;
                }
                if (audit_field_int(fields, "origin") > 0) {
                        o->id = audit_field_int(fields, "origin");
                        o->epoch = audit_field_int(fields, "seed_epoch");
                        break;
                }
        }
        sqlite3_finalize(st);
        if (o->epoch < 0)
                o->epoch = 0;
        return rc;
}

int audit_max_id(sqlite3 *db, int64_t *id, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(db, "SELECT MAX(id) FROM audit_log", &st,
                               "writing the audit trail", err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        rc = rk_sql_row(st, &row, "writing the audit trail", err);
        if (rc == RK_OK && row && sqlite3_column_int64(st, 0) > *id)
                *id = sqlite3_column_int64(st, 0);
        rk_sql_release(st);
        return rc;
}
