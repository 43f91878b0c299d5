/*
 * audit_migrate.c - converting a trail of the first form (one MAC key per
 * epoch, the epoch read from each row) to the position-keyed form (see
 * audit.h, rk_audit_upgrade; the design is in audit.c).
 *
 * Run by the store when it opens a register whose audit_state still says
 * format 1 (schema migration 7 added that column with 1 for every existing
 * trail), in a transaction of its own. The old rows stay as they are. They are verified
 * under the old rules first (the chain and the recorded head; K0 is not at hand), and the
 * outcome becomes the first row of the new chain, "audit.migrate", linked to the old
 * head: old_rows, old_first, old_prev  where the old rows start (after an old retention
 * checkpoint) and what row old_first links to; old_epoch, old_head            the old
 * epoch and head; verified=chain; bad=N          the outcome (bad=0 when intact). Its key
 * is the seed S = H_K(old_epoch)("rk-audit-v2 seed" || its id || old_epoch), from the old
 * current key, which is then overwritten: a K0 holder can derive it, nobody else can.
 * From here on the verifier checks rows before it under the old rules and rows from it on
 * by position.
 */
#include "rekisteri/audit.h"
#include "audit_chain.h"
#include "rekisteri/clock.h"
#include "sql.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The conversion row at id m, describing the old trail. */
static void fill_row(struct rk_audit_row *r, int64_t m, const struct chain_state *cs,
                     const struct rk_audit_verdict *v, int64_t now)
{
        char prev[2 * HB + 1];
        memset(r, 0, sizeof(*r));
        sodium_bin2hex(prev, sizeof(prev), cs->anchor_hash, HB);
        r->id = m;
        audit_format_time(now, r->at);
        snprintf(r->user, sizeof(r->user), "rekisteri");
        snprintf(r->session, sizeof(r->session), "0000000000000000");
        snprintf(r->source, sizeof(r->source), "local");
        snprintf(r->action, sizeof(r->action), "audit.migrate");
        snprintf(r->fields, sizeof(r->fields),
                 "old_rows=%" PRId64 ";old_first=%" PRId64
                 ";old_prev=%s;old_epoch=%" PRId64 ";old_head=%" PRId64
                 ";verified=chain;bad=%" PRId64,
                 v->rows, cs->anchor_id + 1, prev, cs->epoch, cs->head_id, v->bad_id);
        snprintf(r->screen, sizeof(r->screen), "migration");
        snprintf(r->result, sizeof(r->result), "%s", v->ok ? "ok" : "failed");
}

int rk_audit_upgrade(sqlite3 *db, int64_t now, struct rk_error *err)
{
        struct chain_state cs;
        struct rk_audit_verdict v;
        struct rk_audit_row r;
        unsigned char hash[HB], mac[HB], seed[HB];
        int rc = audit_state_load(db, &cs, err);
        if (rc == RK_ERR_CORRUPT && strstr(err->msg, "never started") != NULL) {
                rk_error_clear(err); /* a new register: init starts the trail */
                return RK_OK;
        }
        if (rc != RK_OK || cs.format == AUDIT_V2)
                return rc;
        rc = rk_audit_verify(db, NULL, &v, err);
        int64_t m = cs.head_id;
        if (rc == RK_OK)
                rc = audit_max_id(db, &m, err); /* never collide with a row */
        if (rc != RK_OK)
                return rc;
        m++;
        struct chain_origin origin = {.id = m, .epoch = cs.epoch};
        fill_row(&r, m, &cs, &v, now);
        audit_row_hash(AUDIT_V2, &r, cs.head_hash, hash);
        audit_v2_seed_from(cs.key, &origin, seed);
        audit_v2_mac(seed, m, hash, mac);
        rc = audit_insert_row(db, &r, cs.head_hash, hash, mac, err);
        audit_v2_evolve(seed);
        memcpy(cs.key, seed, HB); /* the old key is gone with this save */
        cs.format = AUDIT_V2;
        cs.head_id = m;
        memcpy(cs.head_hash, hash, HB);
        cs.epoch = cs.rows_in_epoch = cs.anchor_id = 0;
        memset(cs.anchor_hash, 0, HB);
        cs.logged_id = m;
        cs.logged_at = now;
        if (rc == RK_OK)
                rc = audit_state_save(db, &cs, 0, err);
        if (rc == RK_OK)
                audit_heads_due(db, m, hash, r.at);
        sodium_memzero(seed, sizeof(seed));
        sodium_memzero(&cs, sizeof(cs));
        return rc;
}

int audit_upgrade_if_old(sqlite3 *db, const char *path, struct rk_error *err)
{
        sqlite3_stmt *st;
        int64_t format = AUDIT_V2;
        int rc = rk_sql_prepare(db, "SELECT format FROM audit_state WHERE id=1", &st,
                                path, err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        rc = rk_sql_row(st, &row, path, err);
        if (rc == RK_OK && row)
                format = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc != RK_OK)
                return rc;
        if (format == AUDIT_V2)
                return RK_OK; /* converted, or a new register */
        rc = rk_sql_begin_as(db, "converting the audit trail", err);
        if (rc == RK_OK)
                rc = rk_audit_upgrade(db, rk_clock_now(), err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "converting the audit trail", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}
