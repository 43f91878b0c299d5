/*
 * fuzz_search.c - libFuzzer target for the search query parser and the
 * folding it shares with the index.
 *
 * The first input byte is the set of field groups the session may read
 * (bit n = enum rk_group n); the rest, cut at its first NUL, is the query.
 * Invariants:
 *   - rk_search_fold gives valid UTF-8 with no ASCII capital, no control,
 *     single spaces between words and none at either end, and folding it
 *     again changes nothing;
 *   - rk_search_match returns RK_OK, RK_ERR_INVALID or RK_ERR_DENIED
 *     (DENIED exactly when no searchable column is readable); on failure
 *     the output is empty; a query over RK_SEARCH_QUERY_MAX bytes is
 *     refused;
 *   - an accepted expression is made only of "TAGword*" terms and the
 *     operator OR; each TAG is the tag of a column the grants may read;
 *     each word is a word of the folded query; no ':' or '"' anywhere; at
 *     most RK_SEARCH_WORDS_MAX words;
 *   - SQLite's FTS4 parser accepts the expression (no syntax error, so no
 *     operator got through), and it finds a document whose every column
 *     holds the folded query, tagged as the index tags it, which proves the
 *     index and the query tokenize alike.
 * See tests/fuzz/README.md for building and running.
 */
#include "rekisteri/search.h"
#include "fuzz.h"
#include "rekisteri/text.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *db;

static void open_db(void)
{
        if (db != NULL)
                return;
        CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db,
                           "CREATE VIRTUAL TABLE customer_fts USING fts4(keys, identity,"
                           " contact, billing, idcode, prefix=\"2,3,4\")",
                           NULL, NULL, NULL) == SQLITE_OK);
}

static void check_fold(const char *q, const char *f)
{
        size_t n = strlen(f);
        CHECK(rk_utf8_valid(f, n));
        CHECK(n == 0 || (f[0] != ' ' && f[n - 1] != ' '));
        CHECK(strstr(f, "  ") == NULL);
        for (const char *p = f; *p; p++)
                CHECK(!((*p >= 'A' && *p <= 'Z') || ((unsigned char)*p < 0x20) ||
                        *p == 0x7f));
        char *again = rk_search_fold(f);
        CHECK(again != NULL && strcmp(again, f) == 0);
        free(again);
        (void)q;
}

/* May g search the words tagged tag? */
static int tag_readable(const struct rk_grants *g, char tag)
{
        for (int grp = 0; grp <= RK_GROUP_COUNT; grp++) {
                if (rk_search_group_tag((enum rk_group)grp) != tag)
                        continue;
                return (rk_search_groups(g) >> grp) & 1u;
        }
        return 0;
}

/* Is word[0..len) one of the space-separated words of folded? */
static int is_word_of(const char *folded, const char *word, size_t len)
{
        for (const char *w = folded; *w;) {
                size_t n = strcspn(w, " ");
                if (n == len && memcmp(w, word, len) == 0)
                        return 1;
                w += n + (w[n] == ' ');
        }
        return 0;
}

/* Check the shape of every term of the expression; returns the group count. */
static size_t check_expression(const char *m, const char *folded,
                               const struct rk_grants *g)
{
        size_t groups = 0;
        int after_or = 1;
        for (const char *t = m; *t;) {
                size_t n = strcspn(t, " ");
                CHECK(n > 0);
                if (n == 2 && memcmp(t, "OR", 2) == 0) {
                        CHECK(!after_or);
                        after_or = 1;
                } else {
                        if (!after_or)
                                groups++; /* implicit AND starts a new word */
                        const char *word = t + 1;
                        size_t wlen = n - 1;
                        CHECK(tag_readable(g, t[0]));
                        CHECK(wlen >= 2 && word[wlen - 1] == '*');
                        CHECK(memchr(word, '*', wlen - 1) == NULL);
                        CHECK(memchr(t, ':', n) == NULL);
                        CHECK(memchr(t, '"', n) == NULL);
                        CHECK(is_word_of(folded, word, wlen - 1));
                        after_or = 0;
                }
                t += n + (t[n] == ' ');
        }
        CHECK(!after_or);
        return groups + 1;
}

/* FTS4 parses the expression and finds a document made of the query. */
static void check_with_fts(const char *m, const char *folded)
{
        sqlite3_stmt *st;
        CHECK(sqlite3_exec(db, "DELETE FROM customer_fts", NULL, NULL, NULL) ==
              SQLITE_OK);
        CHECK(
            sqlite3_prepare_v2(db,
                               "INSERT INTO customer_fts(docid, keys, identity, contact,"
                               " billing, idcode) VALUES(1, ?1, ?2, ?3, ?4, ?5)",
                               -1, &st, NULL) == SQLITE_OK);
        /* column c holds the query under the tags of groups c, c + 5, ... */
        for (int c = 0; c < RK_FTS_COUNT; c++) {
                char all[4 * RK_SEARCH_QUERY_MAX + 64] = "";
                for (int grp = c; grp <= RK_GROUP_COUNT; grp += RK_FTS_COUNT) {
                        char *tagged = rk_search_tag_words(
                            folded, rk_search_group_tag((enum rk_group)grp));
                        CHECK(tagged != NULL);
                        if (strlen(all) + strlen(tagged) + 2 < sizeof(all)) {
                                strcat(all, all[0] ? " " : "");
                                strcat(all, tagged);
                        }
                        free(tagged);
                }
                sqlite3_bind_text(st, c + 1, all, -1, SQLITE_TRANSIENT);
        }
        CHECK(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_finalize(st);
        CHECK(sqlite3_prepare_v2(
                  db, "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH ?", -1,
                  &st, NULL) == SQLITE_OK);
        sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src != SQLITE_ROW)
                fprintf(stderr, "FTS4 refused: %s\n", sqlite3_errmsg(db));
        CHECK(src == SQLITE_ROW);
        CHECK(sqlite3_column_int(st, 0) == 1);
        sqlite3_finalize(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size < 1)
                return 0;
        open_db();
        struct rk_grants g = {.read = data[0], .write = 0, .actions = 0};
        char *q = malloc(size);
        if (q == NULL)
                return 0;
        memcpy(q, data + 1, size - 1);
        q[size - 1] = '\0';
        char *folded = rk_search_fold(q);
        CHECK(folded != NULL);
        check_fold(q, folded);
        char out[RK_SEARCH_MATCH_MAX];
        struct rk_error err;
        int rc = rk_search_match(q, &g, out, sizeof(out), &err);
        CHECK(rc == RK_OK || rc == RK_ERR_INVALID || rc == RK_ERR_DENIED);
        CHECK((rc == RK_ERR_DENIED) == (g.read == 0));
        if (strlen(q) > RK_SEARCH_QUERY_MAX)
                CHECK(rc != RK_OK);
        if (rc != RK_OK) {
                CHECK(out[0] == '\0');
        } else {
                CHECK(check_expression(out, folded, &g) <= RK_SEARCH_WORDS_MAX);
                check_with_fts(out, folded);
        }
        free(folded);
        free(q);
        return 0;
}
