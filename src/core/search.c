/*
 * search.c - folding text for the index, turning what a person typed into
 * a safe FTS4 MATCH expression, and running the search (see search.h).
 * Building the index rows is in search_index.c.
 *
 * Folding decodes UTF-8, drops invalid bytes, takes each accented letter
 * to its base letter (ä, å -> a, ö -> o: people type names without their
 * accents), lower-cases each code point with towlower() in the C.UTF-8
 * locale, and turns every code point that is not a letter or digit
 * (iswalnum) into one space. The index and the
 * query are folded by the same function, so both split text into the same
 * words, and FTS4's "simple" tokenizer (which folds ASCII only and treats
 * every non-ASCII byte as part of a word) only ever sees lower-case words
 * separated by single spaces.
 *
 * Every indexed word carries a one-letter tag for the field group of the
 * field it came from, as the field table in fields.c classifies it ("i"
 * identity, "c" contact, "b" billing, "h" identity code, "o" orders; "k"
 * for the customer number, which every customer role reads): Virtanen
 * in a customer's name is indexed as "ivirtanen", an order number as
 * "o..." although it sits in the keys column. A query asks only for the
 * tags of the groups the session reads, so a search reads exactly what
 * the role's screens show: billing, which reads no orders and no contact
 * details, cannot find a customer by an order number or by the name of
 * a contact person. FTS4 keeps one doclist
 * per term for all columns and applies a column filter ("identity:vir*")
 * by reading position lists, so a filter on a column where a word is rare
 * scans the term's whole doclist; "ik*" instead reads a doclist holding
 * only identity words, and the prefix indexes ("2,3,4": tag plus 1 to 3
 * bytes) make every prefix of up to three letters one incremental read;
 * a longer prefix reads the few whole terms that start with it. A fourth
 * prefix index ("2,3,4,5") made the 1M-customer demo's index build about a
 * fifth slower for no search that needed it; "2,4" made two-word queries
 * such as "helsinki ma" 30 ms (tests/bench/bench_search.c).
 *
 * A query becomes one group per word, "kword* OR iword* OR ...", over the
 * tags the session may read; the groups are joined by spaces. In
 * FTS4's standard syntax OR binds tighter than the implicit AND, so every
 * word must match (as a prefix) in some readable column. A word holds only
 * folded letters and digits and is always written as tag + word + "*", so
 * no quote, star, minus, colon, parenthesis or operator from the input can
 * reach the FTS parser (OR, AND, NOT and NEAR are operators only in upper
 * case; folding leaves none, and the tag makes every term start with a
 * lower-case letter anyway).
 *
 * The search asks FTS4 for matching docids in docid order and stops at the
 * limit: no ORDER BY over every match, so typing "v" in a register of a
 * million customers costs one page of hits, not a sort of all of them. The
 * customer row is read for those hits only, and only its readable columns.
 */
#include "rekisteri/search.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <locale.h>
#include <unictype.h>
#include <uninorm.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
        utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* C.UTF-8 for folding, or (locale_t)0: then only ASCII is folded. */
static locale_t fold_locale(void)
{
        pthread_once(&utf8_once, utf8_locale_init);
        return utf8_locale;
}

/* Append a separator unless the output is empty or ends in one. */
static size_t put_space(char *out, size_t o)
{
        if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
        return o;
}

static size_t fold_ascii(unsigned char c, char *out, size_t o)
{
        if (c >= 'A' && c <= 'Z')
                out[o++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                out[o++] = (char)c;
        else
                o = put_space(out, o);
        return o;
}

/*
 * A letter with accents as its base letter (Unicode's canonical
 * decomposition, libunistring): ä, Ä, å and ö fold to a, A, a and o, so
 * "aak", "ääk" and "Ääk" all find Ääkkönen. A letter that does not
 * decompose into a base and combining marks stays as it is (æ, ß, ø). A
 * full-width or half-width form is its plain character (Ｈ, ０).
 */
static wchar_t base_letter(wchar_t wc)
{
        ucs4_t parts[UC_DECOMPOSITION_MAX_LENGTH];
        int tag;
        /* a full-width (or half-width) form is its plain letter or digit:
         * "０４０" pasted from a web page finds 040 */
        if (uc_decomposition((ucs4_t)wc, &tag, parts) == 1 &&
            (tag == UC_DECOMP_WIDE || tag == UC_DECOMP_NARROW))
                return base_letter((wchar_t)parts[0]);
        int n = uc_canonical_decomposition((ucs4_t)wc, parts);
        if (n < 2 || !uc_is_alnum(parts[0]))
                return wc;
        for (int i = 1; i < n; i++)
                if (!uc_is_general_category(parts[i], UC_CATEGORY_M))
                        return wc;
        /* a decomposition may itself decompose (ǖ: ü + macron, ü: u + diaeresis) */
        return base_letter((wchar_t)parts[0]);
}

/*
 * Fold one non-ASCII code point at s[0..len) into out at o. *used gets
 * the bytes consumed (1 for an invalid byte, which is dropped).
 */
static size_t fold_wide(locale_t loc, const char *s, size_t len, char *out, size_t o,
                        size_t *used)
{
        mbstate_t st;
        wchar_t wc;
        memset(&st, 0, sizeof(st));
        size_t n = mbrtowc(&wc, s, len, &st);
        if (n == 0 || n > len) { /* invalid or truncated: drop one byte */
                *used = 1;
                return o;
        }
        *used = n;
        if (!iswalnum_l((wint_t)wc, loc))
                return put_space(out, o);
        wc = base_letter(wc);
        memset(&st, 0, sizeof(st));
        size_t m = wcrtomb(out + o, (wchar_t)towlower_l((wint_t)wc, loc), &st);
        return m == (size_t)-1 ? o : o + m;
}

char *rk_search_fold(const char *text)
{
        if (text == NULL)
                return NULL;
        size_t len = strlen(text), o = 0;
        /* A code point of n >= 1 bytes folds to at most 4 bytes (or 1 space). */
        char *out = malloc(4 * len + 1);
        if (out == NULL)
                return NULL;
        locale_t loc = fold_locale();
        locale_t old = loc != (locale_t)0 ? uselocale(loc) : (locale_t)0;
        for (size_t i = 0; i < len;) {
                unsigned char c = (unsigned char)text[i];
                if (c < 0x80 || loc == (locale_t)0) {
                        if (c < 0x80)
                                o = fold_ascii(c, out, o);
                        else
                                out[o++] = (char)c; /* no locale: kept as is */
                        i++;
                        continue;
                }
                size_t used = 1;
                o = fold_wide(loc, text + i, len - i, out, o, &used);
                i += used;
        }
        if (old != (locale_t)0)
                uselocale(old);
        if (o > 0 && out[o - 1] == ' ')
                o--;
        out[o] = '\0';
        return out;
}

char rk_search_group_tag(enum rk_group group)
{
        static const char tags[RK_GROUP_COUNT + 1] = {
            [RK_GROUP_IDENTITY] = 'i', [RK_GROUP_CONTACT] = 'c',
            [RK_GROUP_BILLING] = 'b',  [RK_GROUP_IDCODE] = 'h',
            [RK_GROUP_ORDERS] = 'o',   [RK_GROUP_ORDER_AMOUNTS] = 'a',
            [RK_GROUP_NOTES] = 'n',    [RK_GROUP_CONSENTS] = 's',
            [RK_GROUP_COUNT] = 'k',
        };
        return group >= 0 && group <= RK_GROUP_COUNT ? tags[group] : '\0';
}

char *rk_search_tag_words(const char *folded, char tag)
{
        size_t len = strlen(folded), o = 0;
        char *out = malloc(2 * len + 1); /* at worst one tag per byte */
        if (out == NULL || tag == '\0') {
                free(out);
                return NULL;
        }
        for (size_t i = 0; i < len; i++) {
                if (i == 0 || folded[i - 1] == ' ')
                        out[o++] = tag;
                out[o++] = folded[i];
        }
        out[o] = '\0';
        return out;
}

unsigned rk_search_groups(const struct rk_grants *g)
{
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        unsigned set = g->read != 0 ? 1u << RK_GROUP_COUNT : 0; /* customer numbers */
        for (size_t i = 0; i < n; i++) {
                if (f[i].fts != RK_FTS_NONE && rk_authorize_read(g, f[i].group))
                        set |= 1u << f[i].group;
        }
        return set;
}

/* A bounded appender: once it overflows it stays failed. */
struct buf {
        char *p;
        size_t size, len;
        int overflow;
};

static void put(struct buf *b, const char *s, size_t n)
{
        if (b->overflow || n >= b->size - b->len) {
                b->overflow = 1;
                return;
        }
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
}

static void put_str(struct buf *b, const char *s)
{
        put(b, s, strlen(s));
}

/* Write the OR-group of one word: a tagged prefix term per group in set,
 * the customer numbers ('k') first. */
static void put_word(struct buf *b, const char *word, size_t n, unsigned set)
{
        int first = 1;
        for (int k = 0; k <= RK_GROUP_COUNT; k++) {
                int group = k == 0 ? RK_GROUP_COUNT : k - 1;
                if (!(set & (1u << group)))
                        continue;
                char tag[2] = {rk_search_group_tag((enum rk_group)group), '\0'};
                if (!first)
                        put_str(b, " OR ");
                put_str(b, tag);
                put(b, word, n);
                put_str(b, "*");
                first = 0;
        }
}

/* Write every word of the folded query; returns the word count. */
static size_t put_words(struct buf *b, const char *folded, unsigned set)
{
        size_t words = 0;
        for (const char *w = folded; *w != '\0';) {
                size_t n = strcspn(w, " ");
                if (words > 0)
                        put_str(b, " ");
                put_word(b, w, n, set);
                words++;
                w += n;
                w += *w == ' ';
        }
        return words;
}

int rk_search_match(const char *query, const struct rk_grants *g, char *out, size_t outsz,
                    struct rk_error *err)
{
        int rc = RK_OK;
        char *folded = NULL;
        if (out == NULL || outsz == 0 || query == NULL || g == NULL)
                return rk_error_set(err, RK_ERR_INVALID, "search: missing argument");
        out[0] = '\0';
        unsigned set = rk_search_groups(g);
        if (set == 0)
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    "search: your roles may not read any searchable field");
        if (strnlen(query, RK_SEARCH_QUERY_MAX + 1) > RK_SEARCH_QUERY_MAX)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "search: at most %d characters can be searched",
                                    RK_SEARCH_QUERY_MAX);
        folded = rk_search_fold(query);
        if (folded == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
        struct buf b = {out, outsz, 0, 0};
        size_t words = put_words(&b, folded, set);
        if (words == 0)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "search: type a name, number or other word to search");
        else if (words > RK_SEARCH_WORDS_MAX)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "search: at most %d words at a time",
                                  RK_SEARCH_WORDS_MAX);
        else if (b.overflow)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  "search: the expression does not fit its buffer");
        if (rc != RK_OK)
                out[0] = '\0';
        free(folded);
        return rc;
}

void rk_search_free(struct rk_search_hit *hits, size_t n)
{
        if (hits == NULL)
                return;
        for (size_t i = 0; i < n; i++) { /* names are personal data: wiped */
                if (hits[i].name != NULL)
                        sodium_memzero(hits[i].name, strlen(hits[i].name));
                if (hits[i].city != NULL)
                        sodium_memzero(hits[i].city, strlen(hits[i].city));
                free(hits[i].name);
                free(hits[i].city);
        }
        free(hits);
}

/* The search statement: only readable columns are selected at all. */
static void search_sql(const struct rk_grants *g, char *sql, size_t size)
{
        snprintf(sql, size,
                 "SELECT c.id, c.number, %s, %s"
                 " FROM customer_fts CROSS JOIN customers c ON c.id = customer_fts.docid"
                 " WHERE customer_fts MATCH ?1%s LIMIT ?2",
                 rk_authorize_read(g, RK_GROUP_IDENTITY) ? "c.name" : "NULL",
                 rk_authorize_read(g, RK_GROUP_CONTACT) ? "c.city" : "NULL",
                 rk_authorize_action(g, RK_ACTION_REQUESTS) ? ""
                                                            : " AND c.restricted = 0");
}

static char *dup_column(sqlite3_stmt *st, int col, int *nomem)
{
        const unsigned char *t = sqlite3_column_text(st, col);
        if (t == NULL)
                return NULL;
        char *s = strdup((const char *)t);
        if (s == NULL)
                *nomem = 1;
        return s;
}

/* Copy one result row into hit (zeroed); RK_ERR_NOMEM when a copy fails. */
static int fill_hit(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        struct rk_search_hit *hit = item;
        int nomem = 0;
        (void)ctx;
        hit->id = sqlite3_column_int64(st, 0);
        const unsigned char *num = sqlite3_column_text(st, 1);
        snprintf(hit->number, sizeof(hit->number), "%s", num ? (const char *)num : "");
        hit->name = dup_column(st, 2, &nomem);
        hit->city = dup_column(st, 3, &nomem);
        if (!nomem)
                return RK_OK;
        free(hit->name);
        free(hit->city);
        return rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
}

/*
 * Numbers are written many ways. When the folded query holds only digits
 * (a phone number or business ID typed with spaces, dashes, dots,
 * parentheses or a "+"), its digits are also searched as one word, with
 * the international prefix "00" dropped and the trunk "0" of "+358 (0)40"
 * dropped: "040 123 4567", "(040) 123-4567", "+358 40 123 4567" and
 * "00358 401234567" all find the "+358401234567" that the index also
 * holds as "0401234567". Eight digits whose last is the check digit of
 * the first seven are also searched as a Y-tunnus, "1917845 9", so
 * "19178459" finds "1917845-9". forms[0] is the query
 * itself; returns how many forms were written (1 to 3).
 */
static size_t query_forms(const char *query, char forms[3][RK_SEARCH_QUERY_MAX + 1])
{
        size_t nf = 1, nd = 0;
        char digits[RK_SEARCH_QUERY_MAX + 1];
        snprintf(forms[0], sizeof(forms[0]), "%s", query);
        char *folded = rk_search_fold(query);
        if (folded == NULL || folded[strspn(folded, "0123456789 ")] != '\0') {
                free(folded);
                return nf;
        }
        for (const char *p = folded; *p != '\0' && nd + 1 < sizeof(digits); p++) {
                if (*p != ' ')
                        digits[nd++] = *p;
        }
        digits[nd] = '\0';
        const char *d = digits;
        if (strncmp(d, "00", 2) == 0)
                d += 2;
        if (strncmp(d, "3580", 4) == 0)
                snprintf(forms[nf], sizeof(forms[nf]), "358%s", d + 4);
        else
                snprintf(forms[nf], sizeof(forms[nf]), "%s", d);
        if (strcmp(forms[nf], folded) != 0 && forms[nf][0] != '\0')
                nf++;
        char ytunnus[RK_YTUNNUS_MAX + 1];
        snprintf(ytunnus, sizeof(ytunnus), "%.7s-%c", digits, nd == 8 ? digits[7] : 'x');
        if (nd == 8 && rk_validate_ytunnus(ytunnus, NULL, 0, NULL) == RK_OK)
                snprintf(forms[nf++], sizeof(forms[0]), "%.7s %c", digits, digits[7]);
        free(folded);
        return nf;
}

/* Run one form's search into hits[*n..limit), skipping ids already there. */
static int search_form(sqlite3 *db, const struct rk_grants *g, const char *form,
                       size_t limit, struct rk_search_hit *hits, size_t *n,
                       struct rk_error *err)
{
        char match[RK_SEARCH_MATCH_MAX], sql[512];
        sqlite3_stmt *st = NULL;
        int rc = rk_search_match(form, g, match, sizeof(match), err);
        if (rc != RK_OK)
                return rc;
        search_sql(g, sql, sizeof(sql));
        rc = rk_sql_prepare(db, sql, &st, "searching customers", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
        /* rk_sql_row keeps SQLite's message, which may quote the expression, out */
        bool row = false;
        while (rc == RK_OK && *n < limit &&
               (rc = rk_sql_row(st, &row, "searching customers", err)) == RK_OK && row) {
                int64_t id = sqlite3_column_int64(st, 0);
                bool seen = false;
                for (size_t i = 0; i < *n && !seen; i++)
                        seen = hits[i].id == id;
                /* a hit that could not be filled freed its own parts: not counted */
                if (!seen && (rc = fill_hit(st, &hits[*n], NULL, err)) == RK_OK)
                        (*n)++;
        }
        sqlite3_finalize(st);
        return rc;
}

int rk_search_customers(sqlite3 *db, const struct rk_grants *g, const char *query,
                        size_t limit, struct rk_search_hit **hits, size_t *n,
                        struct rk_error *err)
{
        char forms[3][RK_SEARCH_QUERY_MAX + 1];
        *hits = NULL;
        *n = 0;
        if (limit > RK_SEARCH_LIMIT_MAX)
                limit = RK_SEARCH_LIMIT_MAX;
        char match[RK_SEARCH_MATCH_MAX];
        int rc = rk_search_match(query, g, match, sizeof(match), err);
        if (rc != RK_OK)
                return rc;
        size_t nf = query_forms(query, forms), k = 0;
        struct rk_search_hit *arr = calloc(limit ? limit : 1, sizeof(*arr));
        if (arr == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "search: out of memory");
        for (size_t i = 0; i < nf && rc == RK_OK && k < limit; i++)
                rc = search_form(db, g, forms[i], limit, arr, &k, err);
        if (rc != RK_OK) {
                rk_search_free(arr, k);
                return rc;
        }
        *hits = arr;
        *n = k;
        return RK_OK;
}
