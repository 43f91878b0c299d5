/*
 * match.c - finding a customer that is already in the register (match.h).
 *
 * Exact keys. The probe's values are normalised as the forms normalise
 * them before they are stored (validate.h): a Y-tunnus to NNNNNNN-C, a
 * henkilötunnus to upper case, a phone number to E.164 (so "040 123 4567",
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
 *    ltd) are dropped; the words are sorted and joined by one space. So
 *    "Virtanen, Aino", "AINO VIRTANEN" and "Aino  Virtánen" share a key,
 *    and so do "Oy Puu Ab" and "Puu Oy".
 *  - Similarity. Two keys are similar when their optimal string
 *    alignment distance (Levenshtein with the swap of two neighbours
 *    counted as one edit) over code points is at most one: one wrong,
 *    missing, extra or swapped letter, which is what a typo is. A bound
 *    of one, not a ratio, because a ratio lets long company names drift
 *    far apart and short ones not at all, and because one edit can be
 *    found without comparing every pair: both keys then share a key with
 *    one code point deleted (or the key itself), the blocking that
 *    duplicates.c uses over a million customers.
 *  - Guards. Only the same postal code is searched; a person never
 *    matches a company; a conflicting Y-tunnus or henkilötunnus rules the
 *    candidate out (match.h).
 * The measured precision and recall are in the README (tests/unit/
 * test_match.c injects typos into the demo register and prints them).
 */
#include "match.h"
#include "rekisteri/i18n.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define WORDS_MAX 32
#define CODES_MAX (RK_MATCH_KEY_MAX)
#define WHAT      "looking for a matching customer"
#define LIVE      " AND anonymised_at IS NULL ORDER BY id"
#define CANDIDATES                                                                       \
        "SELECT id, number, kind, name, business_id, hetu FROM customers WHERE "

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

size_t rk_match_name_key(const char *name, char *out, size_t outsz)
{
        if (outsz == 0)
                return 0;
        out[0] = '\0';
        char *f = name ? fold_letters(name) : NULL;
        if (f == NULL)
                return 0;
        char *words[WORDS_MAX];
        size_t nw = 0, o = 0;
        for (char *save = NULL, *w = strtok_r(f, " ", &save); w && nw < WORDS_MAX;
             w = strtok_r(NULL, " ", &save))
                if (!legal_form(w, strlen(w)))
                        words[nw++] = w;
        qsort(words, nw, sizeof(words[0]), word_cmp);
        for (size_t i = 0; i < nw; i++)
                put_word(words[i], out, outsz, &o);
        free(f);
        return o;
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
        static __thread ucs4_t ua[CODES_MAX], ub[CODES_MAX];
        if (strcmp(a, b) == 0)
                return 0;
        return osa(ua, codes(a, ua), ub, codes(b, ub), bound);
}

int rk_match_name_score(const char *a, const char *b)
{
        if (a[0] == '\0' || b[0] == '\0')
                return 0;
        int d = rk_match_key_distance(a, b, RK_MATCH_NAME_EDITS);
        return d > RK_MATCH_NAME_EDITS
                   ? 0
                   : RK_MATCH_SCORE_NAME - RK_MATCH_SCORE_NAME_EDIT * d;
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
        char number[64], business_id[RK_YTUNNUS_MAX], hetu[RK_HETU_MAX];
        char email[RK_EMAIL_MAX], phone[RK_PHONE_MAX], postal[32];
        char name[RK_MATCH_KEY_MAX];
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

static void probe_keys(const struct rk_match_probe *p, struct keys *k)
{
        memset(k, 0, sizeof(*k));
        trimmed(p->number, k->number, sizeof(k->number));
        if (p->business_id && p->business_id[0])
                rk_validate_ytunnus(p->business_id, k->business_id,
                                    sizeof(k->business_id), NULL);
        if (p->hetu && p->hetu[0])
                rk_validate_hetu(p->hetu, k->hetu, sizeof(k->hetu), NULL, NULL);
        trimmed(p->email, k->email, sizeof(k->email));
        if (p->phone && p->phone[0])
                rk_validate_phone(p->phone, k->phone, sizeof(k->phone), NULL);
        trimmed(p->postal_code, k->postal, sizeof(k->postal));
        rk_match_name_key(p->name, k->name, sizeof(k->name));
        if (p->kind && strcmp(p->kind, "person") == 0)
                k->kind = 'p';
        else if (p->kind && strcmp(p->kind, "company") == 0)
                k->kind = 'c';
}

/* ---- lookups -------------------------------------------------------------- */

static const char *col(sqlite3_stmt *st, int i)
{
        const char *s = (const char *)sqlite3_column_text(st, i);
        return s ? s : "";
}

/* Does the candidate row (CANDIDATES columns) pass the guards? */
static bool admissible(sqlite3_stmt *st, const struct keys *k, enum rk_match_reason r)
{
        if (r == RK_MATCH_NUMBER)
                return true;
        return !rk_match_conflict(k->business_id, col(st, 4)) &&
               !rk_match_conflict(k->hetu, col(st, 5));
}

static void take(sqlite3_stmt *st, enum rk_match_reason r, int score,
                 struct rk_match_hit *hit)
{
        hit->customer_id = sqlite3_column_int64(st, 0);
        snprintf(hit->number, sizeof(hit->number), "%s", col(st, 1));
        hit->reason = r;
        hit->score = score;
}

/* Score of a candidate row by reason r: the key's score, or for a name
 * the name score (0: not similar). */
static int row_score(sqlite3_stmt *st, const struct keys *k, enum rk_match_reason r)
{
        static const int exact[] = {
            [RK_MATCH_NUMBER] = RK_MATCH_SCORE_NUMBER,
            [RK_MATCH_BUSINESS_ID] = RK_MATCH_SCORE_BUSINESS_ID,
            [RK_MATCH_HETU] = RK_MATCH_SCORE_HETU,
            [RK_MATCH_EMAIL] = RK_MATCH_SCORE_EMAIL,
            [RK_MATCH_PHONE] = RK_MATCH_SCORE_PHONE,
        };
        if (!admissible(st, k, r))
                return 0;
        if (r != RK_MATCH_SIMILAR_NAME)
                return exact[r];
        const char *kind = col(st, 2);
        if (k->kind != 0 && kind[0] != k->kind)
                return 0;
        char key[RK_MATCH_KEY_MAX];
        rk_match_name_key(col(st, 3), key, sizeof(key));
        return rk_match_name_score(k->name, key);
}

/* Run one key's lookup (value bound as ?1) and keep the best candidate;
 * the first row wins a tie, so the lowest id. */
static int lookup(sqlite3 *db, const char *where, const char *value,
                  enum rk_match_reason r, const struct keys *k, struct rk_match_hit *hit,
                  struct rk_error *err)
{
        char sql[512];
        sqlite3_stmt *st = NULL;
        bool row = false;
        int best = 0;
        snprintf(sql, sizeof(sql), "%s%s%s", CANDIDATES, where, LIVE);
        int rc = rk_sql_prepare(db, sql, &st, WHAT, err);
        if (rc == RK_OK)
                sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, WHAT, err)) == RK_OK && row) {
                int score = row_score(st, k, r);
                if (score > best) {
                        best = score;
                        take(st, r, score, hit);
                }
                if (best > 0 && r != RK_MATCH_SIMILAR_NAME)
                        break;
        }
        sqlite3_finalize(st);
        return rc;
}

int rk_match_find(sqlite3 *db, const struct rk_match_probe *probe,
                  struct rk_match_hit *hit, struct rk_error *err)
{
        struct keys k;
        probe_keys(probe, &k);
        memset(hit, 0, sizeof(*hit));
        hit->reason = RK_MATCH_NONE;
        const struct {
                enum rk_match_reason reason;
                const char *where, *value;
        } order[] = {
            {RK_MATCH_NUMBER, "number = ?1", k.number},
            {RK_MATCH_BUSINESS_ID, RK_MATCH_WHERE_BUSINESS_ID, k.business_id},
            {RK_MATCH_HETU, RK_MATCH_WHERE_HETU, k.hetu},
            {RK_MATCH_EMAIL, RK_MATCH_WHERE_EMAIL, k.email},
            {RK_MATCH_PHONE, RK_MATCH_WHERE_PHONE, k.phone},
            {RK_MATCH_SIMILAR_NAME, RK_MATCH_WHERE_POSTAL, k.name[0] ? k.postal : ""},
        };
        int rc = RK_OK;
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
                if (order[i].value[0] == '\0')
                        continue;
                rc = lookup(db, order[i].where, order[i].value, order[i].reason, &k, hit,
                            err);
                if (rc != RK_OK || hit->reason != RK_MATCH_NONE)
                        break;
        }
        if (rc != RK_OK)
                memset(hit, 0, sizeof(*hit));
        return rc;
}
