/*
 * password.c - the password policy: length limits, a blocklist of common
 * passwords, and the configured words (company and product names).
 *
 * The blocklist is read once into one arena of case-folded, NUL-separated
 * entries with a sorted pointer array over it; a lookup is a binary search
 * of a (pointer, length) key, so a password's substrings can be looked up
 * without copying. A check folds the password's case into sodium_malloc
 * memory (wiped on free) and then asks, in order: is it on the list; does
 * it contain a configured word; is it a listed word, possibly repeated,
 * with only digits, punctuation or spaces around it. Case folding is
 * towlower() per code point under the C.UTF-8 locale, falling back to
 * ASCII when that locale is missing. UTF-8 validity and code-point counts
 * come from text.h, so every module agrees on what UTF-8 is.
 */
#include "rekisteri/password.h"
#include "rekisteri/config.h"

#include <fcntl.h>
#include <unistd.h>

#include <errno.h>
#include <locale.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>
#include <wctype.h>

#include "rekisteri/text.h"
#include "datafile.h"

/* A blocklist larger than this is surely not one. */
#define BLOCKLIST_MAX_BYTES (64L * 1024 * 1024)
/* Folding one code point never needs more than 4 UTF-8 bytes. */
#define FOLD_FACTOR 4

struct rk_password_policy {
        char *arena;  /* folded entries, each NUL-terminated */
        char **words; /* sorted, unique, pointing into arena */
        size_t nwords;
        char **extra; /* folded configured words, each malloc'd */
        size_t nextra;
        locale_t utf8; /* C.UTF-8 for case folding, or (locale_t)0 */
};

/* A lookup key that need not be NUL-terminated. */
struct key {
        const char *s;
        size_t n;
};

static int cmp_key(const void *k, const void *w)
{
        const struct key *key = k;
        const char *word = *(char *const *)w;
        int c = strncmp(key->s, word, key->n);
        if (c != 0)
                return c;
        return word[key->n] == '\0' ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool blocklisted(const struct rk_password_policy *p, const char *s, size_t n)
{
        struct key k = {s, n};
        return bsearch(&k, p->words, p->nwords, sizeof(*p->words), cmp_key) != NULL;
}

/*
 * Fold s[0..len) (valid UTF-8, no NUL) to lower case into out, which has
 * room for FOLD_FACTOR * len + 1 bytes; *outlen gets the folded length.
 * Returns false if s is not UTF-8 after all.
 */
static bool fold_case(locale_t loc, const char *s, size_t len, char *out, size_t *outlen)
{
        size_t i = 0, o = 0;
        bool ok = true;

        if (loc == (locale_t)0) {
                for (; i < len; i++)
                        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
                out[len] = '\0';
                *outlen = len;
                return true;
        }
        locale_t old = uselocale(loc);
        mbstate_t in = {0}, outst = {0};
        while (i < len) {
                wchar_t wc;
                size_t n = mbrtowc(&wc, s + i, len - i, &in);
                if (n == 0 || n > len - i) { /* NUL, (size_t)-1 or -2 */
                        ok = false;
                        break;
                }
                size_t m = wcrtomb(out + o, (wchar_t)towlower((wint_t)wc), &outst);
                if (m == (size_t)-1) {
                        ok = false;
                        break;
                }
                i += n;
                o += m;
        }
        uselocale(old);
        out[o] = '\0';
        *outlen = o;
        return ok;
}

/* Read the whole file into a malloc'd, NUL-terminated buffer. */
static int read_file(const char *path, char **buf, size_t *len, struct rk_error *err)
{
        struct stat st;
        int rc = RK_OK;
        FILE *f = fopen(path, "r");

        *buf = NULL;
        if (f == NULL)
                return rk_error_set(err, RK_ERR_IO,
                                    "cannot read the password blocklist %s: %s", path,
                                    strerror(errno));
        if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
            st.st_size > BLOCKLIST_MAX_BYTES) {
                rc = rk_error_set(err, RK_ERR_IO,
                                  "the password blocklist %s is not a regular file of at "
                                  "most 64 MiB",
                                  path);
                goto out;
        }
        *buf = malloc((size_t)st.st_size + 1);
        if (*buf == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory reading %s", path);
                goto out;
        }
        *len = fread(*buf, 1, (size_t)st.st_size, f);
        if (ferror(f)) {
                rc = rk_error_set(err, RK_ERR_IO, "cannot read the password blocklist %s",
                                  path);
                goto out;
        }
        (*buf)[*len] = '\0';
out:
        fclose(f);
        if (rc != RK_OK) {
                free(*buf);
                *buf = NULL;
        }
        return rc;
}

/* Fold every entry line of raw into p->arena; offsets[] gets their starts. */
static int fold_lines(struct rk_password_policy *p, const char *path, const char *raw,
                      size_t len, size_t *offsets, struct rk_error *err)
{
        size_t used = 0, lineno = 0;
        const char *line = raw, *end = raw + len;

        while (line < end) {
                const char *nl = memchr(line, '\n', (size_t)(end - line));
                size_t n = (nl != NULL ? nl : end) - line, flen;
                lineno++;
                if (n > 0 && line[n - 1] == '\r')
                        n--;
                if (n > 0 && line[0] != '#') {
                        if (!rk_utf8_valid(line, n) || memchr(line, '\0', n) != NULL ||
                            !fold_case(p->utf8, line, n, p->arena + used, &flen))
                                return rk_error_set(err, RK_ERR_CONFIG,
                                                    "line %zu of %s is not valid UTF-8",
                                                    lineno, path);
                        offsets[p->nwords++] = used;
                        used += flen + 1;
                }
                line = nl != NULL ? nl + 1 : end;
        }
        return RK_OK;
}

/* Build the sorted, unique word array over the folded arena. */
static int load_blocklist(struct rk_password_policy *p, const char *path,
                          struct rk_error *err)
{
        char *raw = NULL;
        size_t len = 0, lines = 1, *offsets = NULL;
        int rc = read_file(path, &raw, &len, err);
        if (rc != RK_OK)
                return rc;
        for (size_t i = 0; i < len; i++)
                lines += raw[i] == '\n';
        p->arena = malloc(FOLD_FACTOR * len + 1);
        offsets = calloc(lines, sizeof(*offsets));
        p->words = calloc(lines, sizeof(*p->words));
        if (p->arena == NULL || offsets == NULL || p->words == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory loading %s", path);
                goto out;
        }
        rc = fold_lines(p, path, raw, len, offsets, err);
        if (rc != RK_OK)
                goto out;
        for (size_t i = 0; i < p->nwords; i++)
                p->words[i] = p->arena + offsets[i];
        qsort(p->words, p->nwords, sizeof(*p->words), cmp_str);
        size_t u = 0;
        for (size_t i = 0; i < p->nwords; i++)
                if (u == 0 || strcmp(p->words[u - 1], p->words[i]) != 0)
                        p->words[u++] = p->words[i];
        p->nwords = u;
out:
        free(offsets);
        free(raw);
        return rc;
}

static int load_extra(struct rk_password_policy *p, const char *const *words, size_t n,
                      struct rk_error *err)
{
        if (n == 0)
                return RK_OK;
        p->extra = calloc(n, sizeof(*p->extra));
        if (p->extra == NULL)
                return rk_error_set(err, RK_ERR_NOMEM,
                                    "out of memory for configured words");
        for (size_t i = 0; i < n; i++) {
                const char *w = words[i];
                size_t len = w != NULL ? strlen(w) : 0, flen;
                if (len == 0 || !rk_utf8_valid(w, len) ||
                    rk_utf8_chars(w, len) < RK_PASSWORD_MIN_WORD_CHARS)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "configured password word %zu must be UTF-8 "
                                            "of at least %d characters",
                                            i + 1, RK_PASSWORD_MIN_WORD_CHARS);
                p->extra[i] = malloc(FOLD_FACTOR * len + 1);
                if (p->extra[i] == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                p->nextra = i + 1;
                if (!fold_case(p->utf8, w, len, p->extra[i], &flen))
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "configured password word %zu is not UTF-8",
                                            i + 1);
        }
        return RK_OK;
}

int rk_password_policy_load(const char *blocklist_path, const char *const *extra_words,
                            size_t nextra, struct rk_password_policy **out,
                            struct rk_error *err)
{
        int rc;

        *out = NULL;
        if (blocklist_path == NULL || (extra_words == NULL && nextra > 0))
                return rk_error_set(err, RK_ERR_INVALID, "no password blocklist given");
        struct rk_password_policy *p = calloc(1, sizeof(*p));
        if (p == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        p->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        rc = load_blocklist(p, blocklist_path, err);
        if (rc == RK_OK)
                rc = load_extra(p, extra_words, nextra, err);
        if (rc != RK_OK) {
                rk_password_policy_free(p);
                return rc;
        }
        *out = p;
        return RK_OK;
}

void rk_password_policy_free(struct rk_password_policy *p)
{
        if (p == NULL)
                return;
        for (size_t i = 0; i < p->nextra; i++)
                free(p->extra[i]);
        free(p->extra);
        free(p->words);
        free(p->arena);
        if (p->utf8 != (locale_t)0)
                freelocale(p->utf8);
        free(p);
}

static bool is_padding(char c)
{
        return c != '\0' && strchr("0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c);
}

/* Whether s[0..n) is a listed word repeated one or more times. */
static bool repeats_listed(const struct rk_password_policy *p, const char *s, size_t n)
{
        for (size_t d = 1; d <= n; d++) {
                if (n % d != 0)
                        continue;
                bool periodic = true;
                for (size_t i = d; i < n && periodic; i++)
                        periodic = s[i] == s[i - d];
                if (periodic && blocklisted(p, s, d))
                        return true;
        }
        return false;
}

/* The rules that look at the content, on the folded password f[0..n). */
static int check_folded(const struct rk_password_policy *p, const char *f, size_t n,
                        struct rk_error *err)
{
        if (blocklisted(p, f, n))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the password is a commonly used password");
        for (size_t i = 0; i < p->nextra; i++)
                if (strstr(f, p->extra[i]) != NULL)
                        return rk_error_set(err, RK_ERR_INVALID,
                                            "the password contains the company or "
                                            "product name");
        size_t b = 0, e = n;
        while (b < e && is_padding(f[b]))
                b++;
        while (e > b && is_padding(f[e - 1]))
                e--;
        if (b < e && repeats_listed(p, f + b, e - b))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the password is a commonly used password with only "
                                    "digits or punctuation added");
        return RK_OK;
}

int rk_password_check(const struct rk_password_policy *p, const char *pw, size_t len,
                      struct rk_error *err)
{
        if (p == NULL || pw == NULL)
                return rk_error_set(err, RK_ERR_INVALID, "no password or policy given");
        if (len > RK_PASSWORD_MAX_BYTES)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the password is longer than %d bytes",
                                    RK_PASSWORD_MAX_BYTES);
        if (!rk_utf8_valid(pw, len))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the password is not valid UTF-8");
        if (len > 0 && memchr(pw, '\0', len) != NULL)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the password contains a NUL character");
        if (rk_utf8_chars(pw, len) < RK_PASSWORD_MIN_CHARS)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the password must be at least %d characters long",
                                    RK_PASSWORD_MIN_CHARS);
        if (sodium_init() < 0)
                return rk_error_set(err, RK_ERR_CRYPTO, "cannot initialise libsodium");
        char *folded = sodium_malloc(FOLD_FACTOR * len + 1);
        if (folded == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        size_t flen;
        int rc;
        if (!fold_case(p->utf8, pw, len, folded, &flen))
                rc = rk_error_set(err, RK_ERR_INVALID, "the password is not valid UTF-8");
        else
                rc = check_folded(p, folded, flen, err);
        sodium_free(folded);
        return rc;
}

/* Split a comma-separated list in place into trimmed, non-empty words. */
static size_t split_words(char *list, const char **words, size_t max)
{
        size_t n = 0;
        for (char *w = strtok(list, ","); w != NULL && n < max; w = strtok(NULL, ",")) {
                while (*w == ' ' || *w == '\t')
                        w++;
                char *end = w + strlen(w);
                while (end > w && (end[-1] == ' ' || end[-1] == '\t'))
                        *--end = '\0';
                if (*w != '\0')
                        words[n++] = w;
        }
        return n;
}

int rk_password_policy_for(const struct rk_config *cfg, struct rk_password_policy **out,
                           struct rk_error *err)
{
        char path[PATH_MAX];
        char list[RK_CONFIG_STR_MAX * 2 + 2];
        const char *words[32];
        snprintf(list, sizeof(list), "%s,%s", cfg->company_name, cfg->extra_words);
        size_t n = split_words(list, words, 32);
        const char *blocklist =
            cfg->blocklist[0]
                ? cfg->blocklist
                : rk_datafile_path("password-blocklist.txt", path, sizeof(path));
        return rk_password_policy_load(blocklist, words, n, out, err);
}
