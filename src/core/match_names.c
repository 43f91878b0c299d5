/*
 * match_names.c - finding a similar name in one postal code without
 * comparing it with every name there (match.h): the blocking that the
 * matcher and the duplicate finder share.
 *
 * Two keys at most one edit apart (match.c) always share a string: the
 * key itself or the key with one code point deleted (a change: both with
 * that place deleted; an insertion: the longer one with it deleted; a
 * swap of neighbours: both with either of the two deleted). So every name
 * gets the keyed hashes (libsodium's SipHash, crypto_shorthash) of that
 * "deletion neighbourhood" of each of its distinct keys, and two names are
 * candidates when they share a hash; the candidates are then compared for
 * real (rk_match_name_score), so a hash collision costs a comparison and
 * never makes a match.
 *
 * A matcher's name blocks (struct rk_match_names): the first time a postal
 * code is asked about, its live customers are read once (one lookup of
 * the postal code in the search index, match.h), their names folded and their hashes
 * sorted in a block kept for the matcher's life; later probes in that postal code are a
 * few binary searches. A block holds 32-bit hashes (8 bytes an entry with the record
 * index): a collision inside one postal code is rare and only adds a candidate. Blocks
 * live in an open-addressing table keyed by the postal code. A block reflects the
 * register when it was read: a customer written later through the same connection is not
 * in it.
 */
#include "match.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHAT "looking for a customer by name"
#define READ_BLOCK                                                                       \
        "SELECT c.id, c.number, c.kind, c.name, c.business_id, c.hetu FROM customers c"  \
        " WHERE " RK_MATCH_WHERE_POSTAL " AND c.anonymised_at IS NULL ORDER BY c.id"

/* ---- hashes -------------------------------------------------------------- */

_Static_assert(RK_MATCH_HASH_KEY == crypto_shorthash_KEYBYTES,
               "match.h's hash key size is SipHash's");

uint64_t rk_match_hash(const unsigned char key[RK_MATCH_HASH_KEY], const void *p,
                       size_t n)
{
        unsigned char out[crypto_shorthash_BYTES];
        uint64_t h;
        crypto_shorthash(out, p, n, key);
        memcpy(&h, out, sizeof(h));
        return h ? h : 1; /* 0 means "none" to callers */
}

/* The hashes of key and of key with each code point deleted, at out. */
static size_t key_hashes(const char *key, const unsigned char hkey[RK_MATCH_HASH_KEY],
                         uint64_t *out)
{
        size_t n = strlen(key), k = 0;
        char cut[RK_MATCH_KEY_MAX];
        out[k++] = rk_match_hash(hkey, key, n);
        for (size_t at = 0, len; at < n; at += len) {
                len = 1;
                while (at + len < n && ((unsigned char)key[at + len] & 0xC0) == 0x80)
                        len++;
                memcpy(cut, key, at);
                memcpy(cut + at, key + at + len, n - at - len);
                out[k++] = rk_match_hash(hkey, cut, n - len);
        }
        sodium_memzero(cut, sizeof(cut));
        return k;
}

size_t rk_match_name_hashes(const char *const keys[RK_MATCH_KEYS],
                            const unsigned char hkey[RK_MATCH_HASH_KEY],
                            uint64_t out[RK_MATCH_HASHES_MAX])
{
        size_t n = 0;
        if (keys[RK_MATCH_WRITTEN][0] == '\0')
                return 0; /* no name: similar to nothing */
        for (int k = 0; k < RK_MATCH_KEYS; k++) {
                bool seen = keys[k][0] == '\0';
                for (int j = 0; j < k && !seen; j++)
                        seen = strcmp(keys[j], keys[k]) == 0;
                if (!seen)
                        n += key_hashes(keys[k], hkey, out + n);
        }
        return n;
}

/* ---- blocks -------------------------------------------------------------- */

/* A live customer of one postal code. */
struct nrec {
        int64_t id;
        uint32_t name; /* the keys, in the block's arena */
        char kind;
        char number[16];
        char business_id[RK_MATCH_ID_MAX];
        char hetu[RK_MATCH_ID_MAX];
};

struct nent {
        uint32_t h, i;
};

struct block {
        char *postal; /* NULL: a free slot of the table */
        struct rk_sql_array recs, ents;
        char *names;
        size_t names_len, names_cap;
};

struct rk_match_names {
        sqlite3 *db;
        sqlite3_stmt *read;
        unsigned char hkey[RK_MATCH_HASH_KEY];
        struct block *slots;
        size_t cap, used;
};

static int nent_cmp(const void *x, const void *y)
{
        const struct nent *a = x, *b = y;
        if (a->h != b->h)
                return a->h < b->h ? -1 : 1;
        return a->i < b->i ? -1 : a->i > b->i;
}

/* The keys of record i of b, in enum rk_match_key order. */
static void rec_keys(const struct block *b, size_t i, const char *keys[RK_MATCH_KEYS])
{
        const char *p = b->names + ((const struct nrec *)b->recs.v)[i].name;
        for (int k = 0; k < RK_MATCH_KEYS; k++) {
                keys[k] = p;
                p += strlen(p) + 1;
        }
}

static int add_keys(struct block *b, const struct rk_match_name *key, uint32_t *off,
                    struct rk_error *err)
{
        size_t len[RK_MATCH_KEYS], all = 0;
        for (int k = 0; k < RK_MATCH_KEYS; k++)
                all += (len[k] = strlen(key->key[k]) + 1);
        while (b->names_len + all > b->names_cap) {
                size_t cap = b->names_cap ? b->names_cap * 2 : 4096;
                char *p = cap > UINT32_MAX ? NULL : realloc(b->names, cap);
                if (p == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
                b->names = p;
                b->names_cap = cap;
        }
        *off = (uint32_t)b->names_len;
        for (int k = 0; k < RK_MATCH_KEYS; k++) {
                memcpy(b->names + b->names_len, key->key[k], len[k]);
                b->names_len += len[k];
        }
        return RK_OK;
}

/* The current row of the block read into b, with its hash entries. */
static int add_row(struct rk_match_names *mn, struct block *b, struct rk_error *err)
{
        sqlite3_stmt *st = mn->read;
        struct rk_match_name key;
        const char *keys[RK_MATCH_KEYS];
        uint64_t h[RK_MATCH_HASHES_MAX];
        struct nrec *r = rk_sql_array_push(&b->recs, sizeof(*r), err);
        if (r == NULL)
                return RK_ERR_NOMEM;
        uint32_t i = (uint32_t)(b->recs.n - 1);
        const char *kind = (const char *)sqlite3_column_text(st, 2);
        r->id = sqlite3_column_int64(st, 0);
        r->kind = kind && strcmp(kind, "company") == 0 ? 'c' : 'p';
        snprintf(r->number, sizeof(r->number), "%s", sqlite3_column_text(st, 1));
        rk_match_business_id((const char *)sqlite3_column_text(st, 4), r->business_id);
        snprintf(r->hetu, sizeof(r->hetu), "%s",
                 sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5)
                                            : "");
        rk_match_name_fold((const char *)sqlite3_column_text(st, 3), &key);
        int rc = add_keys(b, &key, &r->name, err);
        sodium_memzero(&key, sizeof(key));
        if (rc != RK_OK)
                return rc;
        rec_keys(b, i, keys);
        size_t n = rk_match_name_hashes(keys, mn->hkey, h);
        for (size_t k = 0; k < n && rc == RK_OK; k++) {
                struct nent *e = rk_sql_array_push(&b->ents, sizeof(*e), err);
                if (e == NULL)
                        rc = RK_ERR_NOMEM;
                else
                        *e = (struct nent){(uint32_t)h[k], i};
        }
        return rc;
}

static int load(struct rk_match_names *mn, struct block *b, struct rk_error *err)
{
        bool row = false;
        int rc = RK_OK;
        char terms[128];
        rk_match_fts_terms("postal_code", b->postal, terms, sizeof(terms));
        if (terms[0] == '\0')
                return RK_OK; /* no word to look up: an empty block */
        sqlite3_reset(mn->read);
        sqlite3_bind_text(mn->read, 1, b->postal, -1, SQLITE_STATIC);
        sqlite3_bind_text(mn->read, 2, terms, -1, SQLITE_TRANSIENT);
        while (rc == RK_OK && (rc = rk_sql_row(mn->read, &row, WHAT, err)) == RK_OK &&
               row)
                rc = add_row(mn, b, err);
        sqlite3_reset(mn->read);
        if (rc == RK_OK && b->ents.n > 1)
                qsort(b->ents.v, b->ents.n, sizeof(struct nent), nent_cmp);
        return rc;
}

static void block_free(struct block *b)
{
        if (b->names != NULL)
                sodium_memzero(b->names, b->names_cap);
        if (b->recs.v != NULL)
                sodium_memzero(b->recs.v, b->recs.cap * sizeof(struct nrec));
        free(b->names);
        free(b->recs.v);
        free(b->ents.v);
        free(b->postal);
        memset(b, 0, sizeof(*b));
}

static size_t slot_of(const struct rk_match_names *mn, const char *postal)
{
        size_t i =
            (size_t)rk_match_hash(mn->hkey, postal, strlen(postal)) & (mn->cap - 1);
        while (mn->slots[i].postal != NULL && strcmp(mn->slots[i].postal, postal) != 0)
                i = (i + 1) & (mn->cap - 1);
        return i;
}

static int grow(struct rk_match_names *mn, struct rk_error *err)
{
        size_t cap = mn->cap * 2;
        struct block *old = mn->slots, *slots = calloc(cap, sizeof(*slots));
        if (slots == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
        size_t old_cap = mn->cap;
        mn->slots = slots;
        mn->cap = cap;
        for (size_t i = 0; i < old_cap; i++)
                if (old[i].postal != NULL)
                        mn->slots[slot_of(mn, old[i].postal)] = old[i];
        free(old);
        return RK_OK;
}

/* The block of postal, read now if it is not yet. */
static int block_of(struct rk_match_names *mn, const char *postal, struct block **out,
                    struct rk_error *err)
{
        int rc = RK_OK;
        if (2 * (mn->used + 1) > mn->cap)
                rc = grow(mn, err);
        if (rc != RK_OK)
                return rc;
        struct block *b = &mn->slots[slot_of(mn, postal)];
        if (b->postal == NULL) {
                if ((b->postal = strdup(postal)) == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
                mn->used++;
                rc = load(mn, b, err);
        }
        *out = b;
        return rc;
}

int rk_match_names_new(sqlite3 *db, struct rk_match_names **out, struct rk_error *err)
{
        struct rk_match_names *mn = calloc(1, sizeof(*mn));
        *out = NULL;
        if (mn == NULL || sodium_init() < 0 ||
            (mn->slots = calloc(64, sizeof(*mn->slots))) == NULL) {
                free(mn);
                return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
        }
        mn->db = db;
        mn->cap = 64;
        crypto_shorthash_keygen(mn->hkey);
        int rc = rk_sql_prepare(db, READ_BLOCK, &mn->read, WHAT, err);
        if (rc != RK_OK)
                rk_match_names_free(mn);
        else
                *out = mn;
        return rc;
}

void rk_match_names_free(struct rk_match_names *mn)
{
        if (mn == NULL)
                return;
        for (size_t i = 0; i < mn->cap; i++)
                if (mn->slots[i].postal != NULL)
                        block_free(&mn->slots[i]);
        free(mn->slots);
        sqlite3_finalize(mn->read);
        sodium_memzero(mn, sizeof(*mn));
        free(mn);
}

/* ---- finding --------------------------------------------------------------- */

/* Score record i of b against the probe: 0 unless admissible and similar. */
static int score_rec(const struct block *b, uint32_t i,
                     const struct rk_match_names_probe *p,
                     const char *const pkeys[RK_MATCH_KEYS])
{
        const struct nrec *r = (const struct nrec *)b->recs.v + i;
        const char *keys[RK_MATCH_KEYS];
        if ((p->kind != 0 && r->kind != p->kind) ||
            rk_match_conflict(p->business_id, r->business_id) ||
            rk_match_conflict(p->hetu, r->hetu))
                return 0;
        rec_keys(b, i, keys);
        return rk_match_name_score(pkeys, keys);
}

/* The first entry of b with hash h, or b->ents.n. */
static size_t lower_bound(const struct block *b, uint32_t h)
{
        const struct nent *e = b->ents.v;
        size_t lo = 0, hi = b->ents.n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (e[mid].h < h)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

int rk_match_names_find(struct rk_match_names *mn, const struct rk_match_names_probe *p,
                        struct rk_match_hit *hit, struct rk_error *err)
{
        struct block *b = NULL;
        const char *pkeys[RK_MATCH_KEYS];
        uint64_t h[RK_MATCH_HASHES_MAX];
        int best = 0;
        int64_t best_id = 0;
        for (int k = 0; k < RK_MATCH_KEYS; k++)
                pkeys[k] = p->name->key[k];
        size_t nh = rk_match_name_hashes(pkeys, mn->hkey, h);
        int rc = nh > 0 && p->postal[0] ? block_of(mn, p->postal, &b, err) : RK_OK;
        for (size_t k = 0; rc == RK_OK && b != NULL && k < nh; k++) {
                const struct nent *e = b->ents.v;
                for (size_t j = lower_bound(b, (uint32_t)h[k]);
                     j < b->ents.n && e[j].h == (uint32_t)h[k]; j++) {
                        const struct nrec *r = (const struct nrec *)b->recs.v + e[j].i;
                        int score = score_rec(b, e[j].i, p, pkeys);
                        if (score > best ||
                            (score == best && score > 0 && r->id < best_id)) {
                                best = score;
                                best_id = r->id;
                                hit->customer_id = r->id;
                                snprintf(hit->number, sizeof(hit->number), "%s",
                                         r->number);
                                hit->reason = RK_MATCH_SIMILAR_NAME;
                                hit->score = score;
                        }
                }
        }
        return rc;
}
