/*
 * match.c - finding a customer that is already in the register (match.h).
 *
 * Exact keys. The probe's values are normalised as the forms normalise
 * them before they are stored (rk_field_check, validate.h): a Y-tunnus to
 * NNNNNNN-C, a VAT number to upper case without spaces, a henkilötunnus
 * to upper case, a phone number to E.164 (so "040 123 4567",
 * "+358 40 1234567" and "00358401234567" are one number: the same folding
 * the phone search does when it indexes "+358..." as "0..."). An e-mail is
 * compared with SQLite's lower() on both sides, which folds ASCII, and
 * addresses are ASCII (the validator refuses anything else). A value that
 * does not validate cannot equal a stored one and is skipped. Each key is
 * one lookup in a partial index over the rows where it is set; the stubs
 * are filtered on the few rows found.
 *
 * Similar names: the measure, and why.
 *  - Folding. A name becomes a key: libunistring's u8_casefold with NFKD
 *    (full case folding, compatibility decomposition), combining marks
 *    (general category M) dropped, so Ä, ä and a are one letter, "ß" is
 *    "ss" and a full-width letter is its plain letter; every code point
 *    that is not a letter or digit separates words; the legal-form words
 *    of Finnish and Swedish companies (oy, oyj, ab, abp, ky, ay, tmi, ry,
 *    ltd) are dropped; the words are joined by one space, once in the
 *    order written and once sorted; a third key keeps the legal forms as
 *    written. So "Virtanen, Aino", "AINO VIRTANEN" and "Aino  Virtánen"
 *    share the sorted key, and so do "Oy Puu Ab" and "Puu Oy".
 *  - Similarity. Two names are similar when the same key of both (the
 *    written, the sorted or the full one) is at most one edit apart: the
 *    optimal string alignment distance (Levenshtein with the swap of two
 *    neighbours counted as one edit) over code points, one wrong,
 *    missing, extra or swapped letter, which is what a typo is. The
 *    written order, because a typo in a first letter can move a word when
 *    the words are sorted ("Aino Virtanen" and "Xino Virtanen" sort
 *    differently); the sorted order, because a name in another order is
 *    the same words sorted; the full key, because a typo in a legal form
 *    ("Meri Betoni Oa") makes it a word that is no longer dropped. A key
 *    shorter than six code points ("Li", "Ek Bo") must be equal: one edit
 *    is too much of it. A bound of one, not a ratio, because a ratio lets
 *    long company names drift far apart and short ones not at all, and
 *    because one edit can be found without comparing every pair: both
 *    keys then share a key with one code point deleted (or the key
 *    itself), the blocking that duplicates.c uses over a million
 *    customers.
 *  - Guards. Only the same postal code is searched; a person never
 *    matches a company; a conflicting Y-tunnus or henkilötunnus rules the
 *    candidate out (match.h).
 * The measured precision and recall are in the README (tests/unit/
 * test_match.c injects typos into the demo register and prints them).
 */
#include "match.h"
#include "customer_db.h"
#include "rekisteri/i18n.h"
#include "rekisteri/record.h"
#include "rekisteri/search.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define WORDS_MAX  32
#define CODES_MAX  (RK_MATCH_KEY_MAX)
#define WHAT       "looking for a matching customer"
#define LIVE       " AND c.anonymised_at IS NULL ORDER BY c.id"
#define CANDIDATES "SELECT c.id, c.number, c.business_id, c.hetu FROM customers c WHERE "
#define TERMS_MAX  512

/* ---- name keys ------------------------------------------------------------ */

static bool legal_form(const char *w, size_t n)
{
        static const char *const forms[] = {"oy", "oyj", "ab", "abp", "ky",
                                            "ay", "tmi", "ry", "ltd"};
        for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
                if (strlen(forms[i]) == n && memcmp(forms[i], w, n) == 0)
                        return true;
        return false;
}

/* The folded text: letters and digits of s, marks dropped, other code
 * points as single spaces. Returns a malloc'd string or NULL. */
static char *fold_letters(const char *s)
{
        size_t n = strlen(s), flen = 0;
        if (u8_check((const uint8_t *)s, n) != NULL)
                return NULL;
        uint8_t *f = u8_casefold((const uint8_t *)s, n, "", UNINORM_NFKD, NULL, &flen);
        char *out = f ? malloc(flen + 1) : NULL;
        size_t o = 0;
        for (size_t i = 0; out != NULL && i < flen;) {
                ucs4_t uc;
                int len = u8_mbtouc(&uc, f + i, flen - i);
                if (uc_is_general_category(uc, UC_CATEGORY_M)) {
                        /* a combining mark: part of the letter before */
                } else if (uc_is_alnum(uc)) {
                        memcpy(out + o, f + i, (size_t)len);
                        o += (size_t)len;
                } else if (o > 0 && out[o - 1] != ' ') {
                        out[o++] = ' ';
                }
                i += (size_t)len;
        }
        if (out != NULL)
                out[o] = '\0';
        if (f != NULL)
                sodium_memzero(f, flen);
        free(f);
        return out;
}

static int word_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append word w to out (a key of *o bytes), cut at a code point boundary. */
static void put_word(const char *w, char *out, size_t outsz, size_t *o)
{
        size_t n = strlen(w), room = outsz - 1 - *o - (*o > 0);
        if (outsz - 1 <= *o + (*o > 0))
                return;
        if (n > room) {
                n = room;
                while (n > 0 && (w[n] & 0xC0) == 0x80)
                        n--;
        }
        if (n == 0)
                return;
        if (*o > 0)
                out[(*o)++] = ' ';
        memcpy(out + *o, w, n);
        *o += n;
        out[*o] = '\0';
}

size_t rk_match_name_fold(const char *name, struct rk_match_name *out)
{
        for (int k = 0; k < RK_MATCH_KEYS; k++)
                out->key[k][0] = '\0';
        char *f = name ? fold_letters(name) : NULL;
        if (f == NULL)
                return 0;
        char *words[WORDS_MAX];
        size_t nw = 0, o[RK_MATCH_KEYS] = {0};
        for (char *save = NULL, *w = strtok_r(f, " ", &save); w && nw < WORDS_MAX;
             w = strtok_r(NULL, " ", &save)) {
                put_word(w, out->key[RK_MATCH_FULL], RK_MATCH_KEY_MAX, &o[RK_MATCH_FULL]);
                if (!legal_form(w, strlen(w)))
                        words[nw++] = w;
        }
        for (size_t i = 0; i < nw; i++)
                put_word(words[i], out->key[RK_MATCH_WRITTEN], RK_MATCH_KEY_MAX,
                         &o[RK_MATCH_WRITTEN]);
        qsort(words, nw, sizeof(words[0]), word_cmp);
        for (size_t i = 0; i < nw; i++)
                put_word(words[i], out->key[RK_MATCH_SORTED], RK_MATCH_KEY_MAX,
                         &o[RK_MATCH_SORTED]);
        if (o[RK_MATCH_WRITTEN] == 0)
                out->key[RK_MATCH_FULL][0] = '\0';
        sodium_memzero(f, strlen(f));
        free(f);
        return o[RK_MATCH_WRITTEN];
}

/* ---- similarity ----------------------------------------------------------- */

/* The code points of key s into u (at most CODES_MAX); returns the count. */
static size_t codes(const char *s, ucs4_t *u)
{
        size_t n = 0, len = strlen(s);
        for (size_t i = 0; i < len && n < CODES_MAX;) {
                int k = u8_mbtouc(&u[n++], (const uint8_t *)s + i, len - i);
                i += (size_t)(k > 0 ? k : 1);
        }
        return n;
}

static int min3(int a, int b, int c)
{
        int m = a < b ? a : b;
        return m < c ? m : c;
}

/* OSA distance of a[0..n) and b[0..m), or bound + 1 beyond bound. Three
 * rolling rows; a row whose minimum passes the bound ends it early. */
static int osa(const ucs4_t *a, size_t n, const ucs4_t *b, size_t m, int bound)
{
        int rows[3][CODES_MAX + 1];
        int *pp = rows[0], *p = rows[1], *c = rows[2];
        if ((n > m ? n - m : m - n) > (size_t)bound)
                return bound + 1;
        for (size_t j = 0; j <= m; j++)
                p[j] = (int)j;
        for (size_t i = 1; i <= n; i++) {
                int best = c[0] = (int)i;
                for (size_t j = 1; j <= m; j++) {
                        int cost = a[i - 1] != b[j - 1];
                        c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                            a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c[j])
                                c[j] = pp[j - 2] + 1;
                        if (c[j] < best)
                                best = c[j];
                }
                if (best > bound)
                        return bound + 1;
                int *t = pp;
                pp = p, p = c, c = t;
        }
        return p[m] > bound ? bound + 1 : p[m];
}

int rk_match_key_distance(const char *a, const char *b, int bound)
{
        ucs4_t ua[CODES_MAX], ub[CODES_MAX];
        if (strcmp(a, b) == 0)
                return 0;
        return osa(ua, codes(a, ua), ub, codes(b, ub), bound);
}

/* The score of two keys of one ordering: short keys must be equal. */
static int key_score(const char *a, const char *b)
{
        ucs4_t u[CODES_MAX];
        if (a[0] == '\0' || b[0] == '\0')
                return 0;
        int d = rk_match_key_distance(a, b, RK_MATCH_NAME_EDITS);
        if (d > RK_MATCH_NAME_EDITS || (d > 0 && (codes(a, u) < RK_MATCH_NAME_SHORT ||
                                                  codes(b, u) < RK_MATCH_NAME_SHORT)))
                return 0;
        return RK_MATCH_SCORE_NAME - RK_MATCH_SCORE_NAME_EDIT * d;
}

int rk_match_name_score(const char *const a[RK_MATCH_KEYS],
                        const char *const b[RK_MATCH_KEYS])
{
        int best = 0;
        if (a[RK_MATCH_WRITTEN][0] == '\0' || b[RK_MATCH_WRITTEN][0] == '\0')
                return 0;
        for (int k = 0; k < RK_MATCH_KEYS; k++) {
                int score = key_score(a[k], b[k]);
                best = score > best ? score : best;
        }
        return best;
}

static bool digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

void rk_match_business_id(const char *stored, char out[RK_MATCH_ID_MAX])
{
        const char *s = stored ? stored : "";
        if (strlen(s) == 10 && s[0] == 'F' && s[1] == 'I' && digits(s + 2, 8))
                snprintf(out, RK_MATCH_ID_MAX, "%.7s-%c", s + 2, s[9]);
        else
                snprintf(out, RK_MATCH_ID_MAX, "%s", s);
}

void rk_match_vat_form(const char *id, char out[RK_MATCH_ID_MAX])
{
        if (strlen(id) == 9 && id[7] == '-' && digits(id, 7) && digits(id + 8, 1))
                snprintf(out, RK_MATCH_ID_MAX, "FI%.7s%c", id, id[8]);
        else
                snprintf(out, RK_MATCH_ID_MAX, "%s", id);
}

bool rk_match_conflict(const char *a, const char *b)
{
        return a != NULL && b != NULL && a[0] != '\0' && b[0] != '\0' &&
               strcmp(a, b) != 0;
}

/* ---- reasons -------------------------------------------------------------- */

const char *rk_match_reason_id(enum rk_match_reason reason)
{
        static const char *const ids[] = {
            [RK_MATCH_NONE] = "none",
            [RK_MATCH_NUMBER] = "number",
            [RK_MATCH_BUSINESS_ID] = "business-id",
            [RK_MATCH_HETU] = "hetu",
            [RK_MATCH_EMAIL] = "email",
            [RK_MATCH_PHONE] = "phone",
            [RK_MATCH_SIMILAR_NAME] = "similar-name",
        };
        return reason >= RK_MATCH_NONE && reason <= RK_MATCH_SIMILAR_NAME ? ids[reason]
                                                                          : "none";
}

const char *rk_match_reason_label(enum rk_match_reason reason)
{
        static const char *const labels[] = {
            [RK_MATCH_NONE] = N_("no match"),
            [RK_MATCH_NUMBER] = N_("same customer number"),
            [RK_MATCH_BUSINESS_ID] = N_("same Y-tunnus"),
            [RK_MATCH_HETU] = N_("same henkilötunnus"),
            [RK_MATCH_EMAIL] = N_("same e-mail"),
            [RK_MATCH_PHONE] = N_("same phone"),
            [RK_MATCH_SIMILAR_NAME] = N_("similar name, same postal code"),
        };
        if (reason < RK_MATCH_NONE || reason > RK_MATCH_SIMILAR_NAME)
                reason = RK_MATCH_NONE;
        return _(labels[reason]);
}

/* ---- the probe ------------------------------------------------------------ */

/* The probe's keys in the stored form; "" when unknown or invalid. */
struct keys {
        char number[64], business_id[RK_MATCH_ID_MAX], vat[RK_MATCH_ID_MAX];
        char hetu[RK_MATCH_ID_MAX];
        char email[RK_EMAIL_MAX], phone[RK_PHONE_MAX], postal[32];
        struct rk_match_name name;
        int kind; /* 0 unknown, 'p' person, 'c' company */
};

/* s without surrounding spaces and tabs into out ("" when too long). */
static void trimmed(const char *s, char *out, size_t outsz)
{
        out[0] = '\0';
        if (s == NULL)
                return;
        while (*s == ' ' || *s == '\t')
                s++;
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
        if (n < outsz) {
                memcpy(out, s, n);
                out[n] = '\0';
        }
}

/* value as the form stores the customer field column (fieldcheck.c: a
 * Y-tunnus or VAT number, an identity code, an e-mail, a phone number, a
 * postal code of an unknown country); "" when it would be refused. */
static void as_stored(const char *column, const char *value, char *out, size_t outsz)
{
        const struct rk_field *f = rk_fields_find(RK_REC_CUSTOMER, column);
        out[0] = '\0';
        if (f != NULL && value != NULL && value[0] != '\0' &&
            rk_field_check(f, value, NULL, out, outsz, NULL) != RK_OK)
                out[0] = '\0';
}

static void probe_keys(const struct rk_match_probe *p, struct keys *k)
{
        memset(k, 0, sizeof(*k));
        trimmed(p->number, k->number, sizeof(k->number));
        char bid[RK_MATCH_ID_MAX];
        as_stored("business_id", p->business_id, bid, sizeof(bid));
        rk_match_business_id(bid, k->business_id);
        rk_match_vat_form(k->business_id, k->vat);
        as_stored("hetu", p->hetu, k->hetu, sizeof(k->hetu));
        as_stored("email", p->email, k->email, sizeof(k->email));
        as_stored("phone", p->phone, k->phone, sizeof(k->phone));
        trimmed(p->postal_code, k->postal, sizeof(k->postal));
        rk_match_name_fold(p->name, &k->name);
        if (p->kind && strcmp(p->kind, "person") == 0)
                k->kind = 'p';
        else if (p->kind && strcmp(p->kind, "company") == 0)
                k->kind = 'c';
}

/* ---- the search index's words ------------------------------------------------ */

void rk_match_fts_terms(const char *column, const char *value, char *out, size_t outsz)
{
        const struct rk_field *f = rk_fields_find(RK_REC_CUSTOMER, column);
        char part[RK_EMAIL_MAX + 8];
        size_t o = 0;
        out[0] = '\0';
        if (f == NULL || value == NULL || outsz == 0)
                return;
        snprintf(part, sizeof(part), "%s", value);
        char *at = f->validator == RK_V_EMAIL ? strchr(part, '@') : NULL;
        if (at != NULL) /* the local part: a domain's words are in half the register */
                *at = '\0';
        char *folded = rk_search_fold(part);
        char tag = rk_search_group_tag(f->group);
        for (char *save = NULL, *w = folded ? strtok_r(folded, " ", &save) : NULL; w;
             w = strtok_r(NULL, " ", &save)) {
                size_t n = strlen(w);
                if (n < 2 || o + n + 3 > outsz)
                        continue;
                o += (size_t)snprintf(out + o, outsz - o, "%s%c%s", o ? " " : "", tag, w);
        }
        if (folded != NULL)
                sodium_memzero(folded, strlen(folded));
        free(folded);
        sodium_memzero(part, sizeof(part));
}

/* ---- lookups -------------------------------------------------------------- */

/* The exact keys, in the matching order (the name is match_names.c's). */
enum { Q_NUMBER, Q_BUSINESS_ID, Q_HETU, Q_EMAIL, Q_PHONE, Q_COUNT };

static const struct {
        enum rk_match_reason reason;
        const char *where;
        int score;
} exact[Q_COUNT] = {
    {RK_MATCH_NUMBER, "c.id = " RK_CUSTDB_ID_OF_NUMBER("?1"), RK_MATCH_SCORE_NUMBER},
    {RK_MATCH_BUSINESS_ID, RK_MATCH_WHERE_BUSINESS_ID, RK_MATCH_SCORE_BUSINESS_ID},
    {RK_MATCH_HETU, RK_MATCH_WHERE_HETU, RK_MATCH_SCORE_HETU},
    {RK_MATCH_EMAIL, RK_MATCH_WHERE_EMAIL, RK_MATCH_SCORE_EMAIL},
    {RK_MATCH_PHONE, RK_MATCH_WHERE_PHONE, RK_MATCH_SCORE_PHONE},
};

struct rk_matcher {
        sqlite3_stmt *st[Q_COUNT];
        struct rk_match_names *names;
};

static const char *col(sqlite3_stmt *st, int i)
{
        const char *s = (const char *)sqlite3_column_text(st, i);
        return s ? s : "";
}

/* The probe's value for exact key q. */
static const char *value_of(const struct keys *k, int q)
{
        const char *v[Q_COUNT] = {k->number, k->business_id, k->hetu, k->email, k->phone};
        return v[q];
}

/* The first admissible row of st, already bound (ids ascending): the
 * guard passes every row by number, others only without a conflicting
 * identity code. */
static int first_row(sqlite3_stmt *st, int q, const struct keys *k,
                     struct rk_match_hit *hit, struct rk_error *err)
{
        bool row = false;
        int rc = RK_OK;
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, WHAT, err)) == RK_OK && row) {
                char bid[RK_MATCH_ID_MAX];
                rk_match_business_id(col(st, 2), bid);
                if (q != Q_NUMBER && (rk_match_conflict(k->business_id, bid) ||
                                      rk_match_conflict(k->hetu, col(st, 3))))
                        continue;
                hit->customer_id = sqlite3_column_int64(st, 0);
                snprintf(hit->number, sizeof(hit->number), "%s", col(st, 1));
                hit->reason = exact[q].reason;
                hit->score = exact[q].score;
                break;
        }
        sqlite3_reset(st);
        return rc;
}

/* The customer field each exact key is. */
static const char *const key_column[Q_COUNT] = {"number", "business_id", "hetu", "email",
                                                "phone"};

/* Run exact lookup q: for a Y-tunnus, once by its words and once by its
 * VAT number's (the index has whichever form was stored). */
static int lookup(struct rk_matcher *m, int q, const struct keys *k,
                  struct rk_match_hit *hit, struct rk_error *err)
{
        sqlite3_stmt *st = m->st[q];
        const char *forms[2] = {value_of(k, q), q == Q_BUSINESS_ID ? k->vat : NULL};
        char terms[TERMS_MAX];
        int rc = RK_OK;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, value_of(k, q), -1, SQLITE_STATIC);
        if (q == Q_NUMBER)
                return first_row(st, q, k, hit, err);
        if (q == Q_BUSINESS_ID)
                sqlite3_bind_text(st, 3, k->vat, -1, SQLITE_STATIC);
        for (int f = 0; f < 2 && forms[f] && rc == RK_OK && hit->reason == RK_MATCH_NONE;
             f++) {
                rk_match_fts_terms(key_column[q], forms[f], terms, sizeof(terms));
                if (terms[0] == '\0')
                        continue;
                sqlite3_bind_text(st, 2, terms, -1, SQLITE_TRANSIENT);
                rc = first_row(st, q, k, hit, err);
        }
        sqlite3_clear_bindings(st);
        sodium_memzero(terms, sizeof(terms));
        return rc;
}

int rk_matcher_open(sqlite3 *db, struct rk_matcher **out, struct rk_error *err)
{
        struct rk_matcher *m = calloc(1, sizeof(*m));
        char sql[512];
        *out = NULL;
        if (m == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "%s: out of memory", WHAT);
        int rc = rk_match_names_new(db, &m->names, err);
        for (int q = 0; q < Q_COUNT && rc == RK_OK; q++) {
                snprintf(sql, sizeof(sql), "%s%s%s", CANDIDATES, exact[q].where, LIVE);
                rc = rk_sql_prepare(db, sql, &m->st[q], WHAT, err);
        }
        if (rc != RK_OK)
                rk_matcher_close(m);
        else
                *out = m;
        return rc;
}

void rk_matcher_close(struct rk_matcher *m)
{
        if (m == NULL)
                return;
        for (int q = 0; q < Q_COUNT; q++)
                sqlite3_finalize(m->st[q]);
        rk_match_names_free(m->names);
        free(m);
}

int rk_matcher_find(struct rk_matcher *m, const struct rk_match_probe *probe,
                    struct rk_match_hit *hit, struct rk_error *err)
{
        struct keys k;
        int rc = RK_OK;
        probe_keys(probe, &k);
        memset(hit, 0, sizeof(*hit));
        hit->reason = RK_MATCH_NONE;
        for (int q = 0; q < Q_COUNT && rc == RK_OK && hit->reason == RK_MATCH_NONE; q++)
                if (value_of(&k, q)[0] != '\0')
                        rc = lookup(m, q, &k, hit, err);
        if (rc == RK_OK && hit->reason == RK_MATCH_NONE) {
                const struct rk_match_names_probe np = {k.postal, &k.name, k.kind,
                                                        k.business_id, k.hetu};
                rc = rk_match_names_find(m->names, &np, hit, err);
        }
        if (rc != RK_OK)
                memset(hit, 0, sizeof(*hit));
        sodium_memzero(&k, sizeof(k));
        return rc;
}

int rk_match_find(sqlite3 *db, const struct rk_match_probe *probe,
                  struct rk_match_hit *hit, struct rk_error *err)
{
        struct rk_matcher *m = NULL;
        memset(hit, 0, sizeof(*hit));
        int rc = rk_matcher_open(db, &m, err);
        if (rc == RK_OK)
                rc = rk_matcher_find(m, probe, hit, err);
        rk_matcher_close(m);
        return rc;
}
