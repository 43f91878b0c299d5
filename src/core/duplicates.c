/*
 * duplicates.c - likely duplicate customers inside the register
 * (duplicates.h), with the matcher of match.h.
 *
 * How it works:
 *  1. Read. One SELECT over the live customers (in id order) keeps, per
 *     customer, its number, kind, Y-tunnus and henkilötunnus (for the
 *     guard), a keyed 64-bit hash (libsodium's SipHash, crypto_shorthash,
 *     under a key drawn for this scan) of each exact key and of the postal
 *     code, and the folded name keys (rk_match_name_fold: the words as
 *     written, sorted, and written with the legal forms) in one arena.
 *  2. Exact keys. For each of Y-tunnus, henkilötunnus, e-mail (lower())
 *     and phone, the customers that have it are sorted by its hash; every
 *     run of equal hashes is a block, and every two customers of a block
 *     that pass the guard are a pair.
 *  3. Names. The customers are sorted by postal code hash; inside each
 *     postal code, every name key (each distinct one of the three) gives
 *     one entry for itself and one for each single code point deleted. Two keys at most
 * one edit apart (a change, a deletion, an insertion or a swap of neighbours) share an
 * entry, so sorting the entries and taking equal runs finds every candidate; each
 * candidate is then checked as rk_match_find checks a probe (same kind, the guard,
 * rk_match_name_score).
 *  4. Merge. A pair found by several keys keeps its best score; the list
 *     is sorted by score, then by the numbers.
 * The blocks of steps 2 and 3 are runs of equal hashes after a radix sort
 * (sort_entries): at 1,000,000 customers step 3 sorts about 40 million
 * entries, and qsort's comparisons were most of the scan's time.
 * A hash collision could only add a candidate that the checks then
 * compare for real (names) or, for an exact key, a false pair with odds
 * of about 2^-24 over a million customers.
 */
#include "rekisteri/duplicates.h"
#include "match.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit.h"
#include "rekisteri/policy.h"
#include "rekisteri/register.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WHAT           "looking for duplicate customers"
#define PROGRESS_EVERY 16384

enum { K_BUSINESS_ID, K_HETU, K_EMAIL, K_PHONE, K_COUNT };

static const enum rk_match_reason key_reason[K_COUNT] = {
    RK_MATCH_BUSINESS_ID, RK_MATCH_HETU, RK_MATCH_EMAIL, RK_MATCH_PHONE};
static const int key_score[K_COUNT] = {RK_MATCH_SCORE_BUSINESS_ID, RK_MATCH_SCORE_HETU,
                                       RK_MATCH_SCORE_EMAIL, RK_MATCH_SCORE_PHONE};

/* One live customer as the scan keeps it. */
struct rec {
        int64_t id;
        uint64_t key[K_COUNT]; /* 0: none */
        uint64_t postal;       /* 0: none */
        uint32_t name;         /* offset of the name key in the arena */
        char kind;             /* 'p' or 'c' */
        char number[16];
        char business_id[RK_MATCH_ID_MAX];
        char hetu[RK_MATCH_ID_MAX];
};

/* A pair of record indexes, a < b. */
struct pair {
        uint32_t a, b;
        uint8_t reason, score;
};

/* A block entry: a hash and the record it came from. */
struct entry {
        uint64_t h;
        uint32_t i;
};

struct scan {
        struct rk_sql_array recs, pairs, idx, ents, cands;
        struct entry *tmp; /* sort_entries' other half */
        size_t tmp_cap;
        char *names;
        size_t names_len, names_cap;
        unsigned char *crowd; /* per record: in a block too large to pair */
        unsigned char hkey[RK_MATCH_HASH_KEY];
};

static const struct rec *rec_at(const struct scan *sc, uint32_t i)
{
        return (const struct rec *)sc->recs.v + i;
}

static uint64_t hash(const struct scan *sc, const void *p, size_t n)
{
        return rk_match_hash(sc->hkey, p, n);
}

static uint64_t hash_col(const struct scan *sc, sqlite3_stmt *st, int col)
{
        const unsigned char *s = sqlite3_column_text(st, col);
        int n = sqlite3_column_bytes(st, col);
        return s != NULL && n > 0 ? hash(sc, s, (size_t)n) : 0;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
        const char *s = (const char *)sqlite3_column_text(st, col);
        snprintf(out, size, "%s", s ? s : "");
}

/* ---- 1. read --------------------------------------------------------------- */

/* The name's keys (RK_MATCH_KEYS of them, in enum order), each
 * NUL-terminated, into the arena; *off gets the first one's offset. */
static int add_name(struct scan *sc, const char *name, uint32_t *off,
                    struct rk_error *err)
{
        struct rk_match_name key;
        size_t len[RK_MATCH_KEYS], all = 0;
        rk_match_name_fold(name, &key);
        for (int k = 0; k < RK_MATCH_KEYS; k++)
                all += (len[k] = strlen(key.key[k]) + 1);
        while (sc->names_len + all > sc->names_cap) {
                size_t cap = sc->names_cap ? sc->names_cap * 2 : 1 << 16;
                char *p = cap > UINT32_MAX ? NULL : realloc(sc->names, cap);
                if (p == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
                sc->names = p;
                sc->names_cap = cap;
        }
        *off = (uint32_t)sc->names_len;
        for (int k = 0; k < RK_MATCH_KEYS; k++) {
                memcpy(sc->names + sc->names_len, key.key[k], len[k]);
                sc->names_len += len[k];
        }
        sodium_memzero(&key, sizeof(key));
        return RK_OK;
}

/* The keys of record i, in enum rk_match_key order. */
static void name_keys(const struct scan *sc, uint32_t i, const char *keys[RK_MATCH_KEYS])
{
        const char *p = sc->names + rec_at(sc, i)->name;
        for (int k = 0; k < RK_MATCH_KEYS; k++) {
                keys[k] = p;
                p += strlen(p) + 1;
        }
}

static int read_row(struct scan *sc, sqlite3_stmt *st, struct rk_error *err)
{
        struct rec *r = rk_sql_array_push(&sc->recs, sizeof(*r), err);
        if (r == NULL)
                return RK_ERR_NOMEM;
        r->id = sqlite3_column_int64(st, 0);
        copy_col(st, 1, r->number, sizeof(r->number));
        const char *kind = (const char *)sqlite3_column_text(st, 2);
        r->kind = kind && strcmp(kind, "company") == 0 ? 'c' : 'p';
        rk_match_business_id((const char *)sqlite3_column_text(st, 4), r->business_id);
        copy_col(st, 5, r->hetu, sizeof(r->hetu));
        for (int k = 0; k < K_COUNT; k++)
                r->key[k] = hash_col(sc, st, 4 + k);
        if (r->business_id[0]) /* compared as a Y-tunnus, whichever form */
                r->key[K_BUSINESS_ID] = hash(sc, r->business_id, strlen(r->business_id));
        r->postal = hash_col(sc, st, 8);
        const char *name = (const char *)sqlite3_column_text(st, 3);
        return add_name(sc, name ? name : "", &r->name, err);
}

static int count_live(sqlite3 *db, int64_t *total, struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        bool row = false;
        *total = 0;
        int rc = rk_sql_prepare(
            db, "SELECT count(*) FROM customers WHERE anonymised_at IS NULL", &st, WHAT,
            err);
        if (rc == RK_OK)
                rc = rk_sql_row(st, &row, WHAT, err);
        if (rc == RK_OK && row)
                *total = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return rc;
}

/* Progress, and the person's chance to stop: RK_ERR_STOPPED when asked. */
static int tick(const struct rk_duplicate_options *opt, int64_t done, int64_t total,
                struct rk_error *err)
{
        if (opt->progress == NULL || opt->progress(opt->ctx, done, total) == 0)
                return RK_OK;
        return rk_error_set(err, RK_ERR_STOPPED,
                            _("The comparison was stopped; nothing was listed."));
}

static int read_all(sqlite3 *db, const struct rk_duplicate_options *opt, struct scan *sc,
                    struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        bool row = false;
        int64_t total = 0, done = 0;
        int rc = opt->progress ? count_live(db, &total, err) : RK_OK;
        if (rc == RK_OK)
                rc = rk_sql_prepare(db,
                                    "SELECT id, number, kind, name, business_id, hetu,"
                                    " lower(email), phone, postal_code FROM customers"
                                    " WHERE anonymised_at IS NULL"
                                    " AND (?1 OR restricted = 0) ORDER BY id",
                                    &st, WHAT, err);
        if (rc == RK_OK)
                sqlite3_bind_int(st, 1, opt->include_restricted);
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, WHAT, err)) == RK_OK && row) {
                if (sc->recs.n >= UINT32_MAX - 1)
                        rc = rk_error_set(err, RK_ERR_NOMEM, "%s: too many customers",
                                          WHAT);
                else
                        rc = read_row(sc, st, err);
                if (rc == RK_OK && ++done % PROGRESS_EVERY == 0)
                        rc = tick(opt, done, total, err);
        }
        if (rc == RK_OK)
                rc = tick(opt, done, total > done ? total : done, err);
        sqlite3_finalize(st);
        return rc;
}

/* ---- pairs ------------------------------------------------------------------ */

/* The guard of match.h: a conflicting identity code rules the pair out. */
static bool guarded(const struct scan *sc, uint32_t a, uint32_t b)
{
        const struct rec *x = rec_at(sc, a), *y = rec_at(sc, b);
        return rk_match_conflict(x->business_id, y->business_id) ||
               rk_match_conflict(x->hetu, y->hetu);
}

static int add_pair(struct scan *sc, uint32_t a, uint32_t b, enum rk_match_reason r,
                    int score, struct rk_error *err)
{
        struct pair *p = rk_sql_array_push(&sc->pairs, sizeof(*p), err);
        if (p == NULL)
                return RK_ERR_NOMEM;
        p->a = a < b ? a : b;
        p->b = a < b ? b : a;
        p->reason = (uint8_t)r;
        p->score = (uint8_t)score;
        return RK_OK;
}

static int entry_cmp(const void *x, const void *y)
{
        const struct entry *a = x, *b = y;
        if (a->h != b->h)
                return a->h < b->h ? -1 : 1;
        return a->i < b->i ? -1 : a->i > b->i;
}

/* Sort e[0..n) by hash: a least-significant-digit radix sort, a byte at
 * a time, skipping the bytes every entry shares. Equal hashes keep their
 * order (the record order they were made in, entry_cmp's tie order). A
 * large register makes tens of millions of name entries (one per letter
 * of each name key): this is several times fewer steps than qsort's
 * comparisons. */
static int sort_entries(struct scan *sc, struct entry *e, size_t n, struct rk_error *err)
{
        if (n < 64) {
                if (n > 1)
                        qsort(e, n, sizeof(*e), entry_cmp);
                return RK_OK;
        }
        if (n > sc->tmp_cap) {
                struct entry *t = realloc(sc->tmp, n * sizeof(*t));
                if (t == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
                sc->tmp = t;
                sc->tmp_cap = n;
        }
        size_t count[8][256];
        memset(count, 0, sizeof(count));
        for (size_t i = 0; i < n; i++)
                for (int d = 0; d < 8; d++)
                        count[d][(e[i].h >> (8 * d)) & 0xff]++;
        struct entry *from = e, *to = sc->tmp;
        for (int d = 0; d < 8; d++) {
                size_t *c = count[d], sum = 0;
                if (c[(from[0].h >> (8 * d)) & 0xff] == n)
                        continue; /* every entry has this byte */
                for (int b = 0; b < 256; b++) {
                        size_t k = c[b];
                        c[b] = sum;
                        sum += k;
                }
                for (size_t i = 0; i < n; i++)
                        to[c[(from[i].h >> (8 * d)) & 0xff]++] = from[i];
                struct entry *t = from;
                from = to;
                to = t;
        }
        if (from != e)
                memcpy(e, from, n * sizeof(*e));
        return RK_OK;
}

/* The end of the run of equal hashes that starts at e[from]. */
static size_t run_end(const struct entry *e, size_t n, size_t from)
{
        size_t to = from + 1;
        while (to < n && e[to].h == e[from].h)
                to++;
        return to;
}

/* ---- 2. exact keys ---------------------------------------------------------- */

/* Is block e[from..to) too large to pair? Then its customers are marked
 * (duplicates.h: counted, not paired). */
static bool crowded(struct scan *sc, const struct entry *e, size_t from, size_t to)
{
        if (to - from <= RK_DUP_CROWD)
                return false;
        for (size_t i = from; i < to; i++)
                sc->crowd[e[i].i] = 1;
        return true;
}

/* Every two customers of block e[from..to) that pass the guard. */
static int pair_block(struct scan *sc, const struct entry *e, size_t from, size_t to,
                      int k, struct rk_error *err)
{
        int rc = RK_OK;
        if (crowded(sc, e, from, to))
                return RK_OK;
        for (size_t i = from; i < to && rc == RK_OK; i++)
                for (size_t j = i + 1; j < to && rc == RK_OK; j++)
                        if (!guarded(sc, e[i].i, e[j].i))
                                rc = add_pair(sc, e[i].i, e[j].i, key_reason[k],
                                              key_score[k], err);
        return rc;
}

static int exact_key(struct scan *sc, int k, struct rk_error *err)
{
        int rc = RK_OK;
        sc->ents.n = 0;
        for (uint32_t i = 0; i < sc->recs.n && rc == RK_OK; i++) {
                uint64_t h = rec_at(sc, i)->key[k];
                struct entry *e =
                    h ? rk_sql_array_push(&sc->ents, sizeof(*e), err) : NULL;
                if (h && e == NULL)
                        rc = RK_ERR_NOMEM;
                else if (e != NULL)
                        *e = (struct entry){h, i};
        }
        struct entry *e = sc->ents.v;
        if (rc == RK_OK)
                rc = sort_entries(sc, e, sc->ents.n, err);
        for (size_t from = 0, to; rc == RK_OK && from < sc->ents.n; from = to) {
                to = run_end(e, sc->ents.n, from);
                if (to - from > 1)
                        rc = pair_block(sc, e, from, to, k, err);
        }
        return rc;
}

/* ---- 3. names --------------------------------------------------------------- */

static int push_entry(struct scan *sc, uint64_t h, uint32_t i, struct rk_error *err)
{
        struct entry *e = rk_sql_array_push(&sc->ents, sizeof(*e), err);
        if (e == NULL)
                return RK_ERR_NOMEM;
        *e = (struct entry){h, i};
        return RK_OK;
}

/* The entries of record i: the hashes of its names' deletion
 * neighbourhood (match_names.c). */
static int name_entries(struct scan *sc, uint32_t i, struct rk_error *err)
{
        const char *keys[RK_MATCH_KEYS];
        uint64_t h[RK_MATCH_HASHES_MAX];
        int rc = RK_OK;
        name_keys(sc, i, keys);
        size_t n = rk_match_name_hashes(keys, sc->hkey, h);
        for (size_t k = 0; k < n && rc == RK_OK; k++)
                rc = push_entry(sc, h[k], i, err);
        return rc;
}

static int cand_cmp(const void *x, const void *y)
{
        const struct pair *a = x, *b = y;
        if (a->a != b->a)
                return a->a < b->a ? -1 : 1;
        return a->b < b->b ? -1 : a->b > b->b;
}

/* Check a candidate as rk_match_find checks a probe's name. */
static int check_name(struct scan *sc, uint32_t a, uint32_t b, struct rk_error *err)
{
        const struct rec *x = rec_at(sc, a), *y = rec_at(sc, b);
        if (x->kind != y->kind || guarded(sc, a, b))
                return RK_OK;
        const char *kx[RK_MATCH_KEYS], *ky[RK_MATCH_KEYS];
        name_keys(sc, a, kx);
        name_keys(sc, b, ky);
        int score = rk_match_name_score(kx, ky);
        return score > 0 ? add_pair(sc, a, b, RK_MATCH_SIMILAR_NAME, score, err) : RK_OK;
}

/* Candidates from the runs of equal entries, each once, then checked. */
static int name_block_pairs(struct scan *sc, struct rk_error *err)
{
        struct entry *e = sc->ents.v;
        sc->cands.n = 0;
        int rc = sort_entries(sc, e, sc->ents.n, err);
        for (size_t from = 0, to; rc == RK_OK && from < sc->ents.n; from = to) {
                to = run_end(e, sc->ents.n, from);
                if (crowded(sc, e, from, to))
                        continue;
                for (size_t i = from; i < to && rc == RK_OK; i++)
                        for (size_t j = i + 1; j < to && rc == RK_OK; j++) {
                                if (e[i].i == e[j].i)
                                        continue;
                                struct pair *p =
                                    rk_sql_array_push(&sc->cands, sizeof(*p), err);
                                if (p == NULL)
                                        rc = RK_ERR_NOMEM;
                                else
                                        *p = (struct pair){e[i].i, e[j].i, 0, 0};
                        }
        }
        struct pair *c = sc->cands.v;
        if (rc == RK_OK && sc->cands.n > 0)
                qsort(c, sc->cands.n, sizeof(*c), cand_cmp);
        for (size_t i = 0; rc == RK_OK && i < sc->cands.n; i++)
                if (i == 0 || cand_cmp(&c[i], &c[i - 1]) != 0)
                        rc = check_name(sc, c[i].a, c[i].b, err);
        return rc;
}

static int names(struct scan *sc, struct rk_error *err)
{
        int rc = RK_OK;
        sc->idx.n = 0;
        for (uint32_t i = 0; i < sc->recs.n && rc == RK_OK; i++) {
                const struct rec *r = rec_at(sc, i);
                if (r->postal != 0 && sc->names[r->name] != '\0') {
                        struct entry *e = rk_sql_array_push(&sc->idx, sizeof(*e), err);
                        if (e == NULL)
                                rc = RK_ERR_NOMEM;
                        else
                                *e = (struct entry){r->postal, i};
                }
        }
        struct entry *by_postal = sc->idx.v;
        if (rc == RK_OK)
                rc = sort_entries(sc, by_postal, sc->idx.n, err);
        for (size_t from = 0, to; rc == RK_OK && from < sc->idx.n; from = to) {
                to = run_end(by_postal, sc->idx.n, from);
                if (to - from < 2)
                        continue;
                sc->ents.n = 0;
                for (size_t i = from; i < to && rc == RK_OK; i++)
                        rc = name_entries(sc, by_postal[i].i, err);
                if (rc == RK_OK)
                        rc = name_block_pairs(sc, err);
        }
        return rc;
}

/* ---- 4. merge --------------------------------------------------------------- */

/* By pair, best score first, then the earlier reason. */
static int pair_cmp(const void *x, const void *y)
{
        const struct pair *a = x, *b = y;
        int c = cand_cmp(a, b);
        if (c != 0)
                return c;
        if (a->score != b->score)
                return a->score > b->score ? -1 : 1;
        return a->reason < b->reason ? -1 : a->reason > b->reason;
}

static int dup_cmp(const void *x, const void *y)
{
        const struct rk_duplicate *a = x, *b = y;
        if (a->score != b->score)
                return a->score > b->score ? -1 : 1;
        int c = strcmp(a->number[0], b->number[0]);
        return c != 0 ? c : strcmp(a->number[1], b->number[1]);
}

static int merge(struct scan *sc, struct rk_duplicate_list *out, struct rk_error *err)
{
        struct pair *p = sc->pairs.v;
        size_t n = 0;
        if (sc->pairs.n > 0)
                qsort(p, sc->pairs.n, sizeof(*p), pair_cmp);
        out->pairs = calloc(sc->pairs.n ? sc->pairs.n : 1, sizeof(*out->pairs));
        if (out->pairs == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
        for (size_t i = 0; i < sc->pairs.n; i++) {
                if (i > 0 && cand_cmp(&p[i], &p[i - 1]) == 0)
                        continue;
                struct rk_duplicate *d = &out->pairs[n++];
                const struct rec *a = rec_at(sc, p[i].a), *b = rec_at(sc, p[i].b);
                d->id[0] = a->id;
                d->id[1] = b->id;
                memcpy(d->number[0], a->number, sizeof(d->number[0]));
                memcpy(d->number[1], b->number, sizeof(d->number[1]));
                d->reason = (enum rk_match_reason)p[i].reason;
                d->score = p[i].score;
        }
        out->n = n;
        qsort(out->pairs, n, sizeof(*out->pairs), dup_cmp);
        return RK_OK;
}

static void scan_free(struct scan *sc)
{
        if (sc->names != NULL)
                sodium_memzero(sc->names, sc->names_cap);
        if (sc->recs.v != NULL)
                sodium_memzero(sc->recs.v, sc->recs.cap * sizeof(struct rec));
        free(sc->names);
        free(sc->recs.v);
        free(sc->pairs.v);
        free(sc->idx.v);
        free(sc->ents.v);
        free(sc->cands.v);
        free(sc->tmp);
        free(sc->crowd);
        sodium_memzero(sc, sizeof(*sc));
}

int rk_duplicates_scan(sqlite3 *db, const struct rk_duplicate_options *opt,
                       struct rk_duplicate_list *out, struct rk_error *err)
{
        static const struct rk_duplicate_options none = {0};
        const struct rk_duplicate_options *o = opt ? opt : &none;
        struct scan sc;
        memset(&sc, 0, sizeof(sc));
        memset(out, 0, sizeof(*out));
        if (sodium_init() < 0)
                return rk_error_set(err, RK_ERR_CRYPTO, "%s: libsodium failed", WHAT);
        crypto_shorthash_keygen(sc.hkey);
        int64_t n;
        int rc = read_all(db, o, &sc, err);
        n = (int64_t)sc.recs.n;
        if (rc == RK_OK && (sc.crowd = calloc(sc.recs.n + 1, 1)) == NULL)
                rc = rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
        for (int k = 0; k < K_COUNT && rc == RK_OK; k++) {
                rc = exact_key(&sc, k, err);
                if (rc == RK_OK)
                        rc = tick(o, n, n, err);
        }
        if (rc == RK_OK)
                rc = names(&sc, err);
        if (rc == RK_OK)
                rc = tick(o, n, n, err);
        if (rc == RK_OK)
                rc = merge(&sc, out, err);
        out->customers = (int64_t)sc.recs.n;
        for (size_t i = 0; sc.crowd != NULL && i < sc.recs.n; i++)
                out->crowded += sc.crowd[i];
        scan_free(&sc);
        if (rc != RK_OK)
                rk_duplicate_list_free(out);
        return rc;
}

void rk_duplicate_list_free(struct rk_duplicate_list *l)
{
        if (l == NULL)
                return;
        free(l->pairs);
        free(l->shown);
        memset(l, 0, sizeof(*l));
}

/* ---- for a session ---------------------------------------------------------- */

#define ACTION "duplicates.list"

/* The field groups the scan compares (fields.c): name and Y-tunnus,
 * e-mail, phone and postal code, henkilötunnus. */
static void compared_groups(char *out, size_t size)
{
        snprintf(out, size, "%s,%s,%s", rk_policy_group_name(RK_GROUP_IDENTITY),
                 rk_policy_group_name(RK_GROUP_CONTACT),
                 rk_policy_group_name(RK_GROUP_IDCODE));
}

static int id_cmp(const void *x, const void *y)
{
        int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
        return a < b ? -1 : a > b;
}

/* One audit row per customer of the pairs l->pairs[from..to) not shown
 * yet (one row with no subject for a list with no pair at all), in one
 * transaction; then they are marked shown. */
static int audit_look(struct rk_session *s, struct rk_duplicate_list *l, size_t from,
                      size_t to, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        char groups[64];
        size_t n = 0;
        compared_groups(groups, sizeof(groups));
        int64_t *ids = malloc((2 * (to - from) + 1) * sizeof(*ids));
        if (ids == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
        for (size_t i = from; i < to; i++)
                if (!l->shown[i]) {
                        ids[n++] = l->pairs[i].id[0];
                        ids[n++] = l->pairs[i].id[1];
                }
        qsort(ids, n, sizeof(*ids), id_cmp);
        size_t u = 0;
        for (size_t i = 0; i < n; i++)
                if (u == 0 || ids[u - 1] != ids[i])
                        ids[u++] = ids[i];
        if (u == 0 && l->n == 0)
                ids[u++] = 0;
        struct rk_audit_event ev = {.action = ACTION,
                                    .groups = groups,
                                    .fields = "",
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = ""};
        int rc = u == 0 ? RK_OK : rk_sql_begin_as(db, WHAT, err);
        if (rc == RK_OK && u > 0)
                rc = rk_audit_append_many(
                    db, rk_session_actor(s), &ev, ids, u, (int64_t)time(NULL),
                    rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
        if (rc == RK_OK && u > 0)
                rc = rk_sql_commit_as(db, WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        for (size_t i = from; rc == RK_OK && i < to; i++)
                l->shown[i] = 1;
        free(ids);
        return rc;
}

int rk_duplicates_show(struct rk_session *s, struct rk_duplicate_list *l, size_t from,
                       size_t to, struct rk_error *err)
{
        to = to < l->n ? to : l->n;
        if (l->shown == NULL)
                return rk_error_set(err, RK_ERR_INVALID, "%s: not a session's list",
                                    WHAT);
        if (l->n == 0) { /* shown[0]: the empty list's look is audited */
                int rc = l->shown[0] ? RK_OK : audit_look(s, l, 0, 0, err);
                l->shown[0] = rc == RK_OK;
                return rc;
        }
        return from < to ? audit_look(s, l, from, to, err) : RK_OK;
}

int rk_duplicates_look(struct rk_session *s,
                       int (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                       struct rk_duplicate_list *out, struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        char groups[64];
        memset(out, 0, sizeof(*out));
        if (!rk_authorize_action(g, RK_ACTION_DUPLICATES)) {
                compared_groups(groups, sizeof(groups));
                int rc = rk_session_audit(s, ACTION, 0, groups, rk_session_place(s),
                                          "denied", "", err);
                return rc != RK_OK
                           ? rc
                           : rk_error_set(err, RK_ERR_DENIED,
                                          _("Your role may not look for duplicate "
                                            "customers; the supervisor role may."));
        }
        struct rk_duplicate_options opt = {.include_restricted =
                                               rk_authorize_action(g, RK_ACTION_REQUESTS),
                                           .progress = progress,
                                           .ctx = ctx};
        int rc =
            rk_duplicates_scan(rk_register_db(rk_session_register(s)), &opt, out, err);
        if (rc == RK_OK && (out->shown = calloc(out->n + 1, 1)) == NULL)
                rc = rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
        if (rc != RK_OK)
                rk_duplicate_list_free(out);
        return rc;
}

int rk_duplicates_find(struct rk_session *s,
                       int (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                       struct rk_duplicate_list *out, struct rk_error *err)
{
        int rc = rk_duplicates_look(s, progress, ctx, out, err);
        if (rc == RK_OK)
                rc = rk_duplicates_show(s, out, 0, out->n, err);
        if (rc != RK_OK)
                rk_duplicate_list_free(out);
        return rc;
}
