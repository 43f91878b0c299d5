/*
 * text.c - display hygiene: strict UTF-8 decoding, replacement of code
 * points that could rewrite a terminal, and width-aware measuring and
 * cropping.
 *
 * How it works: utf8_decode() reads one code point by the well-formedness
 * table of Unicode 15 (Table 3-7), so overlongs, surrogates, values above
 * U+10FFFF and truncated sequences are malformed; a malformed sequence
 * consumes exactly one byte, so each bad byte becomes one U+FFFD.
 * next_drawn() maps every decoded unit to the code point that is drawn
 * for it (itself, a Control Picture or U+FFFD). Sanitising, the safety test
 * and the width functions all go through that one mapping, so the width of
 * a string is the width of its sanitised form.
 *
 * Format characters are taken from libunistring's Unicode tables, not from
 * a list of our own: every code point of general category Cf (bidi
 * controls, zero-width characters, the soft hyphen, tag characters
 * U+E0000..U+E007F, ...) and the line and paragraph separators U+2028 and
 * U+2029 become U+FFFD. The one exception is U+200D ZERO WIDTH JOINER
 * between two emoji (an emoji ZWJ sequence such as a family), which needs
 * the code points around it: next_drawn() looks at the previous decoded
 * code point and decodes the next one.
 *
 * Values typed or pasted in: rk_text_trim cuts the blanks around a value
 * by the same tables (Zs and Cf), and rk_text_fold_code reads a code
 * through libunistring's NFKC normalisation, which maps full-width forms
 * and no-break spaces to ASCII.
 */
#include "rekisteri/text.h"

#include <limits.h>
#include <stdint.h>
#include <unictype.h>
#include <uninorm.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* utf8_decode() result for a malformed byte; never a Unicode scalar value. */
#define RK_UTF8_BAD    UINT32_C(0xFFFFFFFF)
#define RK_REPLACEMENT UINT32_C(0xFFFD)

/*
 * The accepted range of the second byte of a multi-byte sequence, and the
 * sequence length, by lead byte. Continuation bytes after the second are
 * always 0x80..0xBF.
 */
static int utf8_lead(unsigned char b, unsigned char *lo, unsigned char *hi)
{
        *lo = 0x80;
        *hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF)
                return 2;
        if (b == 0xE0)
                *lo = 0xA0; /* below is overlong */
        else if (b == 0xED)
                *hi = 0x9F; /* above is a surrogate */
        if (b >= 0xE0 && b <= 0xEF)
                return 3;
        if (b == 0xF0)
                *lo = 0x90; /* below is overlong */
        else if (b == 0xF4)
                *hi = 0x8F; /* above is beyond U+10FFFF */
        if (b >= 0xF0 && b <= 0xF4)
                return 4;
        return 0; /* 0x80..0xC1 and 0xF5..0xFF never start a sequence */
}

/*
 * Decode one unit of s[0..len), len >= 1. Returns the bytes consumed and
 * sets *cp to the code point, or to RK_UTF8_BAD with 1 byte consumed.
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
        unsigned char lo, hi;
        if (s[0] < 0x80) {
                *cp = s[0];
                return 1;
        }
        int n = utf8_lead(s[0], &lo, &hi);
        *cp = RK_UTF8_BAD;
        if (n == 0 || len < (size_t)n || s[1] < lo || s[1] > hi)
                return 1;
        uint32_t v = s[0] & (0x7F >> n);
        for (int i = 1; i < n; i++) {
                if (i > 1 && (s[i] & 0xC0) != 0x80)
                        return 1;
                v = (v << 6) | (s[i] & 0x3F);
        }
        *cp = v;
        return (size_t)n;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
        if (cp < 0x80) {
                out[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char)(0xC0 | (cp >> 6));
                out[1] = (char)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (char)(0xE0 | (cp >> 12));
                out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                out[2] = (char)(0x80 | (cp & 0x3F));
                return 3;
        }
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
}

#define ZWJ UINT32_C(0x200D)

/* An emoji that may end the left side of a ZWJ sequence: a pictograph, or
 * what may follow one inside an emoji (a skin tone, VS16). */
static bool emoji_left(uint32_t cp)
{
        return cp != RK_UTF8_BAD && (uc_is_property_extended_pictographic(cp) ||
                                     uc_is_property_emoji_modifier(cp) || cp == 0xFE0F);
}

/* Format characters (Cf, from libunistring) and the line and paragraph
 * separators: invisible, or able to reorder or break what is shown. */
static bool is_invisible(uint32_t cp)
{
        return cp == 0x2028 || cp == 0x2029 || uc_is_general_category(cp, UC_CATEGORY_Cf);
}

/* The code point drawn for a decoded unit outside any context. */
static uint32_t display_cp(uint32_t cp)
{
        if (cp < 0x20)
                return 0x2400 + cp;
        if (cp == 0x7F)
                return 0x2421;
        if (cp == RK_UTF8_BAD || (cp >= 0x80 && cp <= 0x9F) || is_invisible(cp))
                return RK_REPLACEMENT;
        return cp;
}

/*
 * Decode the unit at s[i..len) and map it to what is drawn, keeping a ZWJ
 * whose neighbours are emoji. *prev is the previous decoded code point
 * (RK_UTF8_BAD at the start) and is updated; *cp (may be NULL) gets the
 * decoded one. Returns the bytes consumed.
 */
static size_t next_drawn(const unsigned char *s, size_t len, size_t i, uint32_t *prev,
                         uint32_t *cp, uint32_t *drawn)
{
        uint32_t c, next = RK_UTF8_BAD;
        size_t n = utf8_decode(s + i, len - i, &c);
        *drawn = display_cp(c);
        if (c == ZWJ && i + n < len) {
                utf8_decode(s + i + n, len - i - n, &next);
                if (emoji_left(*prev) && next != RK_UTF8_BAD &&
                    uc_is_property_extended_pictographic(next))
                        *drawn = ZWJ;
        }
        *prev = c;
        if (cp != NULL)
                *cp = c;
        return n;
}

/* Columns of a drawn code point; what wcwidth cannot place counts as 1. */
static int cp_width(uint32_t drawn)
{
        int w = wcwidth((wchar_t)drawn);
        return w < 0 ? 1 : w;
}

/*
 * Copy src[0..len) into a new buffer, replacing each unit by what is drawn
 * for it (repair_only false) or only each malformed byte by U+FFFD
 * (repair_only true). *changed (may be NULL) says whether anything was
 * replaced. Every input byte yields at most 3 output bytes: a 1-byte
 * control or bad byte becomes a 3-byte picture or U+FFFD, 2- and 3-byte
 * sequences at most 3 bytes, and 4-byte sequences stay as they are.
 */
static char *transform(const char *src, size_t len, bool repair_only, bool *changed)
{
        if (len > (SIZE_MAX - 1) / 3)
                return NULL;
        char *out = malloc(len * 3 + 1);
        if (out == NULL)
                return NULL;
        const unsigned char *s = (const unsigned char *)src;
        size_t i = 0, o = 0;
        uint32_t prev = RK_UTF8_BAD;
        bool any = false;
        while (i < len) {
                uint32_t cp, drawn;
                i += next_drawn(s, len, i, &prev, &cp, &drawn);
                if (repair_only)
                        drawn = cp == RK_UTF8_BAD ? RK_REPLACEMENT : cp;
                any |= drawn != cp;
                o += utf8_encode(drawn, out + o);
        }
        out[o] = '\0';
        if (changed != NULL)
                *changed = any;
        return out;
}

char *rk_text_sanitize(const char *src, size_t len)
{
        return transform(src, len, false, NULL);
}

bool rk_text_is_safe(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t len = strlen(s);
        uint32_t prev = RK_UTF8_BAD;
        for (size_t i = 0; i < len;) {
                uint32_t cp, drawn;
                i += next_drawn(p, len, i, &prev, &cp, &drawn);
                if (drawn != cp)
                        return false;
        }
        return true;
}

bool rk_utf8_valid(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s;
        for (size_t i = 0; i < len;) {
                uint32_t cp;
                i += utf8_decode(p + i, len - i, &cp);
                if (cp == RK_UTF8_BAD)
                        return false;
        }
        return true;
}

size_t rk_utf8_chars(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t n = 0;
        for (size_t i = 0; i < len; n++) {
                uint32_t cp;
                i += utf8_decode(p + i, len - i, &cp);
        }
        return n;
}

int rk_text_width(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t len = strlen(s);
        int width = 0;
        uint32_t prev = RK_UTF8_BAD;
        for (size_t i = 0; i < len;) {
                uint32_t drawn;
                i += next_drawn(p, len, i, &prev, NULL, &drawn);
                int w = cp_width(drawn);
                if (width > INT_MAX - w)
                        return INT_MAX;
                width += w;
        }
        return width;
}

size_t rk_text_crop(const char *s, int cols, int *used)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t len = strlen(s);
        size_t i = 0;
        int width = 0;
        if (cols < 0)
                cols = 0;
        uint32_t prev = RK_UTF8_BAD;
        while (i < len) {
                uint32_t drawn;
                size_t n = next_drawn(p, len, i, &prev, NULL, &drawn);
                int w = cp_width(drawn);
                if (w > cols - width)
                        break;
                width += w;
                i += n;
        }
        if (used != NULL)
                *used = width;
        return i;
}

size_t rk_text_wrap_len(const char *s, int cols)
{
        size_t n = rk_text_crop(s, cols, NULL);
        if (s[n] == '\0')
                return n;
        size_t cut = n;
        while (cut > 0 && s[cut] != ' ')
                cut--;
        return cut > 0 ? cut : n;
}

char *rk_utf8_repair(const char *src, size_t len, bool *repaired)
{
        return transform(src, len, true, repaired);
}

/* A blank around a value: ASCII white space, a space separator (Zs) or an
 * invisible format character (Cf). */
static bool is_blank(uint32_t cp)
{
        return cp == ' ' || (cp >= '\t' && cp <= '\r') ||
               (cp != RK_UTF8_BAD && (uc_is_general_category(cp, UC_CATEGORY_Zs) ||
                                      uc_is_general_category(cp, UC_CATEGORY_Cf)));
}

size_t rk_text_trim(const char *s, size_t len, size_t *start)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0, end = 0;
        bool lead = true;
        *start = 0;
        while (i < len) {
                uint32_t cp;
                size_t n = utf8_decode(p + i, len - i, &cp);
                if (!is_blank(cp)) {
                        if (lead)
                                *start = i;
                        lead = false;
                        end = i + n;
                }
                i += n;
        }
        return lead ? 0 : end - *start;
}

static bool is_dash(uint32_t cp)
{
        return (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 ||
               cp == 0xFE63;
}

char *rk_text_fold_code(const char *s)
{
        size_t len = strlen(s), n = 0;
        if (!rk_utf8_valid(s, len))
                return NULL;
        uint8_t *nf = u8_normalize(UNINORM_NFKC, (const uint8_t *)s, len, NULL, &n);
        if (nf == NULL)
                return NULL;
        char *out = malloc(n + 1);
        size_t o = 0;
        for (size_t i = 0; out != NULL && i < n;) {
                uint32_t cp;
                size_t k = utf8_decode(nf + i, n - i, &cp);
                if (is_dash(cp))
                        out[o++] = '-';
                else if (!uc_is_general_category(cp, UC_CATEGORY_Cf)) {
                        memcpy(out + o, nf + i, k);
                        o += k;
                }
                i += k;
        }
        if (out != NULL)
                out[o] = '\0';
        free(nf);
        return out;
}
