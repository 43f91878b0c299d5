/*
 * audit_verify.c - checking the audit trail (see audit.h; the design is
 * explained in audit.c).
 *
 * One walk over the rows in id order checks, for each row: that no id is
 * missing, the link to the previous row's hash, the row's own hash, with
 * K0 its MAC under the key of its position (rows before a conversion row
 * under the old epoch rules), the retention anchors and conversion row it
 * meets, and any logged head with that id. What the walk starts from (row
 * 1, an old-style anchor, or the last row a retention anchor pruned) comes
 * from the anchor rows themselves, which the walk then authenticates;
 * audit_state is only compared with the end of the walk.
 */
#include "rekisteri/audit.h"
#include "rekisteri/i18n.h"
#include "audit_chain.h"
#include "sql.h"

#include <inttypes.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct walk {
        struct rk_audit_verdict *v;
        int64_t v2_from;        /* rows from here on are position-keyed */
        struct chain_origin o;  /* where the position-keyed chain starts */
        int64_t next;           /* the id the next row must have */
        unsigned char prev[HB]; /* the hash it must link to */
        int have_key;
        unsigned char k0[HB];
        int64_t k1_epoch; /* old rules: key of this epoch in k1 */
        unsigned char k1[HB];
        int64_t k2_pos; /* new rules: k2 = k(k2_pos); 0 = not yet */
        unsigned char k2[HB];
        int64_t months; /* configured audit retention, 0 = unchecked */
        const struct audit_head *heads;
        size_t nheads, hi;
};

static int verify_fail(struct walk *w, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int verify_fail(struct walk *w, int64_t id, const char *fmt, ...)
{
        va_list ap;
        w->v->ok = 0;
        w->v->bad_id = id;
        va_start(ap, fmt);
        vsnprintf(w->v->why, sizeof(w->v->why), gettext(fmt), ap);
        va_end(ap);
        return 1;
}

/* More key steps than any real trail needs (2^32 entries, over an hour of
 * hashing): a planted id that far off is refused, not walked to. */
#define MAX_KEY_STEPS ((int64_t)1 << 32)

/* k(id) of the position-keyed chain into w->k2; -1 when id cannot be a
 * position of it. */
static int key_at(struct walk *w, int64_t id)
{
        if (w->k2_pos == 0 || w->k2_pos > id) {
                if (id < w->o.id || id - w->o.id > MAX_KEY_STEPS)
                        return -1;
                audit_v2_seed(w->k0, &w->o, w->k2);
                w->k2_pos = w->o.id;
        }
        if (id - w->k2_pos > MAX_KEY_STEPS)
                return -1;
        for (; w->k2_pos < id; w->k2_pos++)
                audit_v2_evolve(w->k2);
        return 0;
}

static int check_mac(struct walk *w, const struct rk_audit_row *r,
                     const unsigned char *hash, const unsigned char *mac)
{
        unsigned char want[HB];
        if (r->id < w->v2_from) {
                if (r->epoch < w->k1_epoch)
                        return verify_fail(w, r->id, "its epoch goes backwards");
                for (; w->k1_epoch < r->epoch; w->k1_epoch++)
                        audit_v1_evolve(w->k1);
                audit_v1_mac(w->k1, hash, want);
        } else {
                if (key_at(w, r->id) != 0)
                        return verify_fail(
                            w, r->id,
                            "its position cannot be reached from the start of its "
                            "chain");
                audit_v2_mac(w->k2, r->id, hash, want);
        }
        if (sodium_memcmp(want, mac, HB) != 0)
                return verify_fail(
                    w, r->id,
                    "its MAC does not verify under the audit key: it was "
                    "written or rewritten without the key of its position");
        return 0;
}

/* A retention anchor: after what it pruned, in this chain, old enough. */
static int check_anchor(struct walk *w, const struct rk_audit_row *r)
{
        int64_t to = audit_field_int(r->fields, "pruned_to");
        int64_t months = audit_field_int(r->fields, "months");
        char before[32];
        if (to < 0)
                return 0; /* a run that pruned nothing */
        audit_field_text(r->fields, "before", before, sizeof(before));
        if (to >= r->id)
                return verify_fail(w, r->id,
                                   "this retention anchor claims entries after itself");
        if (audit_field_int(r->fields, "origin") != w->o.id ||
            audit_field_int(r->fields, "seed_epoch") != w->o.epoch)
                return verify_fail(w, r->id, "this retention anchor names another chain");
        if (months < 1 || (w->months > 0 && months < w->months))
                return verify_fail(w, r->id,
                                   "this retention anchor used %" PRId64 " months; the "
                                   "configuration keeps entries %" PRId64 " months",
                                   months, w->months);
        if (!audit_cutoff_allowed(before, r->at, months))
                return verify_fail(w, r->id,
                                   "this retention anchor pruned entries younger than "
                                   "%" PRId64 " months",
                                   months);
        return 0;
}

static int check_special(struct walk *w, const struct rk_audit_row *r)
{
        if (strcmp(r->action, "audit.migrate") == 0 && r->id != w->v2_from)
                return verify_fail(w, r->id, "a second conversion entry");
        if (strcmp(r->action, "audit.retention") == 0)
                return check_anchor(w, r);
        return 0;
}

/* Heads logged for this row must carry its hash. */
static int check_heads(struct walk *w, const struct rk_audit_row *r,
                       const unsigned char *hash)
{
        for (; w->hi < w->nheads && w->heads[w->hi].id <= r->id; w->hi++) {
                const struct audit_head *h = &w->heads[w->hi];
                if (h->id == r->id && sodium_memcmp(h->hash, hash, HB) != 0 && h->at[0])
                        return verify_fail(
                            w, r->id,
                            "it differs from the head logged for it at %s (line "
                            "%" PRId64 "): the trail was rewritten at or before "
                            "this entry",
                            h->at, h->line);
                if (h->id == r->id && sodium_memcmp(h->hash, hash, HB) != 0)
                        return verify_fail(w, r->id,
                                           "it differs from the head logged for it (line "
                                           "%" PRId64
                                           "): the trail was rewritten at or before "
                                           "this entry",
                                           h->line);
                if (h->id == r->id)
                        w->v->heads_checked++;
        }
        return 0;
}

/* Check one row; 1 when it fails (w->v says why), 0 when it holds. */
static int check_row(struct walk *w, sqlite3_stmt *st)
{
        struct rk_audit_row r;
        unsigned char prev[HB], stored[HB], mac[HB], hash[HB];
        audit_read_row(st, &r);
        if (r.id > w->next)
                return verify_fail(w, w->next, "this entry is missing: it was deleted");
        if (r.id < w->next)
                return verify_fail(w, r.id, "this entry should have been pruned");
        if (audit_copy_blob(st, 13, prev) || audit_copy_blob(st, 14, stored) ||
            audit_copy_blob(st, 15, mac))
                return verify_fail(w, r.id, "the entry is malformed");
        if (sodium_memcmp(prev, w->prev, HB) != 0)
                return verify_fail(
                    w, r.id,
                    "its link to the entry before it is broken: entries were "
                    "reordered, inserted or removed here");
        audit_row_hash(r.id < w->v2_from ? AUDIT_V1 : AUDIT_V2, &r, prev, hash);
        if (sodium_memcmp(hash, stored, HB) != 0)
                return verify_fail(w, r.id,
                                   "its contents were altered after it was written");
        if (w->have_key && check_mac(w, &r, hash, mac))
                return 1;
        if (check_special(w, &r) || check_heads(w, &r, hash))
                return 1;
        memcpy(w->prev, hash, HB);
        w->next = r.id + 1;
        w->v->rows++;
        return 0;
}

static int walk_rows(sqlite3 *db, struct walk *w, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT " AUDIT_ROW_COLUMNS ",prev_hash,hash,mac FROM "
                                "audit_log ORDER BY id",
                                &st, "verifying the audit trail", err);
        if (rc != RK_OK)
                return rc;
        w->v->ok = 1;
        bool row = false;
        while ((rc = rk_sql_row(st, &row, "verifying the audit trail", err)) == RK_OK &&
               row && !check_row(w, st))
                ;
        sqlite3_finalize(st);
        /* A page that does not decrypt is damage, not tampering: name the
         * entry that could not be read instead of calling the rest deleted. */
        if (rc == RK_ERR_CORRUPT) {
                rk_error_clear(err);
                rc = RK_OK;
                w->v->damaged = 1;
                verify_fail(
                    w, w->next,
                    "this entry could not be read: the page holding it is damaged (a "
                    "corrupt page); later entries were not checked");
        }
        return rc;
}

/* ---- where the walk starts --------------------------------------------- */

/* From the conversion row and the anchors: the origin, the first id and
 * the hash it links to. Checked again row by row during the walk. */
static int find_start(sqlite3 *db, struct walk *w, struct rk_error *err)
{
        sqlite3_stmt *st;
        int64_t pruned = 0;
        int converted = 0;
        char hex[2 * HB + 1];
        int rc =
            rk_sql_prepare(db,
                           "SELECT id,action,fields FROM audit_log WHERE action IN "
                           "('audit.migrate','audit.retention') AND " AUDIT_ACTION_INDEXED
                           " ORDER BY id",
                           &st, "verifying the audit trail", err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        while ((rc = rk_sql_row(st, &row, "verifying the audit trail", err)) == RK_OK &&
               row) {
                int64_t id = sqlite3_column_int64(st, 0);
                const char *action = (const char *)sqlite3_column_text(st, 1);
                const char *f = (const char *)sqlite3_column_text(st, 2);
                if (action == NULL || f == NULL)
                        continue;
                if (strcmp(action, "audit.migrate") == 0 && !converted) {
                        converted = 1; /* a second one fails in the walk */
                        w->v2_from = w->o.id = id;
                        w->o.epoch = audit_field_int(f, "old_epoch");
                        w->next = audit_field_int(f, "old_first");
                        audit_field_text(f, "old_prev", hex, sizeof(hex));
                        sodium_hex2bin(w->prev, HB, hex, strlen(hex), NULL, NULL, NULL);
                } else if (audit_field_int(f, "pruned_to") > pruned) {
                        pruned = audit_field_int(f, "pruned_to");
                        if (!converted)
                                w->o = (struct chain_origin){
                                    audit_field_int(f, "origin"),
                                    audit_field_int(f, "seed_epoch")};
                        audit_field_text(f, "hash", hex, sizeof(hex));
                        sodium_hex2bin(w->prev, HB, hex, strlen(hex), NULL, NULL, NULL);
                        w->next = pruned + 1;
                }
        }
        sqlite3_finalize(st);
        if (w->next < 1)
                w->next = 1;
        return rc;
}

/* Heads for rows that retention pruned: they must predate its cutoff. */
static int check_pruned_heads(sqlite3 *db, struct walk *w, struct rk_error *err)
{
        char before[32] = "";
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "SELECT fields FROM audit_log WHERE action="
                                "'audit.retention' AND " AUDIT_ACTION_INDEXED
                                " ORDER BY id DESC",
                                &st, "verifying the audit trail", err);
        if (rc != RK_OK)
                return rc;
        bool row = false;
        while (before[0] == '\0' &&
               (rc = rk_sql_row(st, &row, "verifying the audit trail", err)) == RK_OK &&
               row)
                audit_field_text((const char *)sqlite3_column_text(st, 0), "before",
                                 before, sizeof(before));
        sqlite3_finalize(st);
        if (rc != RK_OK)
                return rc;
        for (; w->hi < w->nheads && w->heads[w->hi].id < w->next; w->hi++) {
                const struct audit_head *h = &w->heads[w->hi];
                if (h->at[0] != '\0' && strncmp(h->at, before, strlen(before)) >= 0) {
                        verify_fail(
                            w, h->id,
                            "a head was logged for this entry at %s, but it is gone; "
                            "retention may prune only entries before %s",
                            h->at, before[0] ? before : "(no anchor)");
                        break;
                }
        }
        return RK_OK;
}

/* ---- the end of the trail ---------------------------------------------- */

static void check_end(struct walk *w, const struct chain_state *cs)
{
        int64_t last = w->next - 1;
        if (w->hi < w->nheads) {
                const struct audit_head *h = &w->heads[w->nheads - 1];
                if (h->at[0])
                        verify_fail(w, last + 1,
                                    "this entry is missing: the trail ends at %" PRId64
                                    " but a head for entry %" PRId64 " was logged at %s",
                                    last, h->id, h->at);
                else
                        verify_fail(w, last + 1,
                                    "this entry is missing: the trail ends at %" PRId64
                                    " but a head for entry %" PRId64 " was logged",
                                    last, h->id);
        } else if (last != cs->head_id) {
                verify_fail(w, last < cs->head_id ? last + 1 : cs->head_id + 1,
                            "this entry is missing: the newest entries were deleted");
        } else if (sodium_memcmp(w->prev, cs->head_hash, HB) != 0) {
                verify_fail(w, cs->head_id,
                            "the chain does not end at the recorded head");
        } else if (w->have_key && last + 1 >= w->v2_from) {
                /* the stored key must be exactly k(last + 1) */
                if (key_at(w, last + 1) != 0 || sodium_memcmp(w->k2, cs->key, HB) != 0)
                        verify_fail(
                            w, last + 1,
                            "this entry is missing: the stored key belongs to "
                            "another position, so the newest entries were deleted or "
                            "the state was replaced");
        }
}

static int parse_key(const char *text, unsigned char *key)
{
        size_t len = 0;
        return sodium_hex2bin(key, HB, text, strlen(text), " -\n", &len, NULL) == 0 &&
                       len == HB
                   ? 0
                   : -1;
}

static int run(sqlite3 *db, const struct rk_audit_verify_opts *o, struct walk *w,
               struct chain_state *cs, struct rk_error *err)
{
        if (o->key_text != NULL && parse_key(o->key_text, w->k0) != 0)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "the audit key is 64 hexadecimal digits (shown at init)");
        w->have_key = o->key_text != NULL;
        memcpy(w->k1, w->k0, HB);
        w->months = o->retention_months;
        w->v->macs_checked = w->have_key;
        int rc = audit_state_load(db, cs, err);
        if (rc != RK_OK)
                return rc;
        w->o = (struct chain_origin){1, 0};
        w->v2_from = 1;
        w->next = 1;
        if (cs->format == AUDIT_V1) { /* not converted yet: old rules only */
                w->v2_from = INT64_MAX;
                w->next = cs->anchor_id + 1;
                memcpy(w->prev, cs->anchor_hash, HB);
        } else {
                rc = find_start(db, w, err);
        }
        if (rc == RK_OK && o->heads_path != NULL) {
                struct audit_head *heads = NULL;
                rc = audit_heads_read(o->heads_path, &heads, &w->nheads, err);
                w->heads = heads;
                w->v->heads_given = (int64_t)w->nheads;
                if (rc == RK_OK && w->nheads == 0)
                        rc = rk_error_set(err, RK_ERR_INVALID,
                                          "%s holds no audit chain heads (lines with "
                                          "\"audit head: id=N hash=...\")",
                                          o->heads_path);
        }
        if (rc == RK_OK)
                rc = check_pruned_heads(db, w, err);
        if (rc == RK_OK && w->v->bad_id == 0)
                rc = walk_rows(db, w, err);
        if (rc == RK_OK && w->v->ok)
                check_end(w, cs);
        return rc;
}

int rk_audit_verify_with(sqlite3 *db, const struct rk_audit_verify_opts *o,
                         struct rk_audit_verdict *v, struct rk_error *err)
{
        struct chain_state cs;
        struct walk w;
        memset(v, 0, sizeof(*v));
        memset(&w, 0, sizeof(w));
        w.v = v;
        int rc = run(db, o, &w, &cs, err);
        if (v->bad_id != 0)
                v->ok = 0;
        sodium_bin2hex(v->head, sizeof(v->head), w.prev, HB);
        free((void *)w.heads);
        sodium_memzero(&w, sizeof(w));
        sodium_memzero(&cs, sizeof(cs));
        return rc;
}

int rk_audit_verify(sqlite3 *db, const char *key_text, struct rk_audit_verdict *v,
                    struct rk_error *err)
{
        struct rk_audit_verify_opts o = {.key_text = key_text};
        return rk_audit_verify_with(db, &o, v, err);
}
