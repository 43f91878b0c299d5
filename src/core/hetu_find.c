/*
 * hetu_find.c - finding a personal identity code (henkilötunnus) in free
 * text, however it was pasted: the detector that guards notes, the
 * verification text of a request, legal-hold reasons and the other
 * free-text fields (see validate.h).
 *
 * How it works: the text is first reduced to a skeleton of ASCII classes,
 * one entry per character that survives, each remembering the bytes of
 * the original it came from:
 *   - every code point is put through Unicode NFKC (libunistring's
 *     u8_normalize), so full-width digits and letters, the small and
 *     full-width hyphen-minus, NBSP and other compatibility forms become
 *     their plain forms;
 *   - format characters (general category Cf: zero-width space, soft
 *     hyphen, bidi controls, tags, ...) are dropped as if not there;
 *   - any decimal digit of any script (Arabic-Indic, Devanagari, ...)
 *     becomes its ASCII digit (uc_decimal_value);
 *   - any dash (category Pd) and U+2212 MINUS SIGN become '-', any space
 *     separator (Zs) or tab becomes ' ', ASCII letters are upper-cased,
 *     '+' stays, and everything else becomes a stop mark.
 * Then every run of six digits that does not follow a letter or digit is
 * tried as DDMMYY, followed by a century sign (+, -, A-F, U-Y, a dash of
 * any kind), a space, or nothing, with spaces allowed around the sign;
 * then three digits and a check character that no letter or digit
 * follows. Without a written sign the 1900s and 2000s are both tried. The
 * candidate must pass rk_validate_hetu(): a real date and the right check
 * character, so ordinary numbers (order numbers, phone numbers, dates)
 * pass with probability about 1/31 only when they also have the exact
 * shape, and most never have it.
 */
#include "rekisteri/validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define STOP '#'

struct skel {
        char *c;      /* the classes */
        size_t *from; /* byte offset in the text where each came from */
        size_t *to;   /* and where that character ends */
        size_t n, cap;
};

static bool skel_push(struct skel *k, char c, size_t from, size_t to)
{
        if (k->n == k->cap) {
                size_t cap = k->cap ? k->cap * 2 : 64;
                char *c2 = realloc(k->c, cap);
                if (c2 != NULL)
                        k->c = c2;
                size_t *f2 = c2 ? realloc(k->from, cap * sizeof(size_t)) : NULL;
                if (f2 != NULL)
                        k->from = f2;
                size_t *t2 = f2 ? realloc(k->to, cap * sizeof(size_t)) : NULL;
                if (t2 == NULL)
                        return false;
                k->to = t2;
                k->cap = cap;
        }
        k->c[k->n] = c;
        k->from[k->n] = from;
        k->to[k->n] = to;
        k->n++;
        return true;
}

static void skel_free(struct skel *k)
{
        free(k->c);
        free(k->from);
        free(k->to);
}

/* The class of one code point of the NFKC form. */
static char class_of(ucs4_t u)
{
        int d = uc_decimal_value(u);
        if (d >= 0)
                return (char)('0' + d);
        if (u < 0x80 && ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z')))
                return (char)(u & ~0x20u);
        if (u == '+')
                return '+';
        if (u == '-' || u == 0x2212 || uc_is_general_category(u, UC_CATEGORY_Pd))
                return '-';
        if (u == '\t' || uc_is_general_category(u, UC_CATEGORY_Zs))
                return ' ';
        return STOP;
}

/* Build the skeleton of text[0..n); false when out of memory. */
static bool skeleton(const char *text, size_t n, struct skel *k)
{
        const uint8_t *s = (const uint8_t *)text;
        for (size_t i = 0; i < n;) {
                ucs4_t u;
                int len = u8_mbtouc(&u, s + i, n - i);
                if (len <= 0)
                        len = 1;
                size_t from = i, to = i + (size_t)len;
                i = to;
                if (uc_is_general_category(u, UC_CATEGORY_Cf))
                        continue; /* invisible: as if it were not there */
                uint8_t buf[64];
                size_t blen = sizeof(buf);
                uint8_t *norm =
                    u8_normalize(UNINORM_NFKC, s + from, (size_t)len, buf, &blen);
                if (norm == NULL)
                        return false;
                for (size_t j = 0; j < blen;) {
                        ucs4_t v;
                        int l = u8_mbtouc(&v, norm + j, blen - j);
                        j += l > 0 ? (size_t)l : 1;
                        if (!uc_is_general_category(v, UC_CATEGORY_Cf) &&
                            !skel_push(k, class_of(v), from, to)) {
                                if (norm != buf)
                                        free(norm);
                                return false;
                        }
                }
                if (norm != buf)
                        free(norm);
        }
        return true;
}

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
        return is_digit(c) || (c >= 'A' && c <= 'Z');
}

static bool is_sign(char c)
{
        return c == '+' || c == '-' || (c >= 'A' && c <= 'F') || (c >= 'U' && c <= 'Y');
}

static size_t skip_spaces(const struct skel *k, size_t p)
{
        while (p < k->n && k->c[p] == ' ')
                p++;
        return p;
}

/* Is there a code at skeleton position i? *end gets the position after
 * its check character. */
static bool code_at(const struct skel *k, size_t i, size_t *end)
{
        if (i + 10 > k->n || (i > 0 && is_alnum(k->c[i - 1])))
                return false;
        for (size_t j = 0; j < 6; j++)
                if (!is_digit(k->c[i + j]))
                        return false;
        size_t p = skip_spaces(k, i + 6);
        char sign = 0;
        if (p < k->n && is_sign(k->c[p])) {
                sign = k->c[p];
                p = skip_spaces(k, p + 1);
        }
        if (p + 4 > k->n || (p + 4 < k->n && is_alnum(k->c[p + 4])))
                return false;
        for (size_t j = 0; j < 3; j++)
                if (!is_digit(k->c[p + j]))
                        return false;
        if (!is_alnum(k->c[p + 3]))
                return false;
        static const char unwritten[] = "-A";
        for (size_t t = 0; t < (sign ? 1u : 2u); t++) {
                char cand[12];
                memcpy(cand, k->c + i, 6);
                cand[6] = sign ? sign : unwritten[t];
                memcpy(cand + 7, k->c + p, 4);
                cand[11] = '\0';
                if (rk_validate_hetu(cand, NULL, 0, NULL, NULL) == RK_OK) {
                        *end = p + 4;
                        return true;
                }
        }
        return false;
}

bool rk_text_find_hetu_like(const char *text, size_t *offset, size_t *len)
{
        struct skel k = {0};
        bool found = false;
        if (text == NULL || !skeleton(text, strlen(text), &k)) {
                skel_free(&k);
                return text != NULL; /* out of memory: refuse rather than miss */
        }
        for (size_t i = 0; i < k.n && !found; i++) {
                size_t end;
                if (!is_digit(k.c[i]) || !code_at(&k, i, &end))
                        continue;
                found = true;
                if (offset != NULL)
                        *offset = k.from[i];
                if (len != NULL)
                        *len = k.to[end - 1] - k.from[i];
        }
        skel_free(&k);
        return found;
}

int rk_text_refuse_hetu(const char *label, const char *text, struct rk_error *err)
{
        if (!rk_text_find_hetu_like(text, NULL, NULL))
                return RK_OK;
        return rk_error_set(err, RK_ERR_INVALID,
                            "%s: contains a personal identity code; store it only in the "
                            "customer's own field",
                            label != NULL ? label : "text");
}
