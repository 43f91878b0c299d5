/*
 * fuzz_text.c - libFuzzer target for the display-hygiene functions.
 *
 * Checks rk_utf8_valid() and rk_utf8_chars() against glibc's decoder.
 * Feeds arbitrary bytes to rk_text_sanitize() and checks what drawing code
 * relies on: the output is valid UTF-8, safe, free of C0/C1/DEL bytes,
 * idempotent, one output code point per input unit, and no more than three
 * bytes per input byte. It then measures and crops the input and the
 * output at several widths and checks that a crop never exceeds its
 * columns, never splits a code point, and is the longest prefix that fits.
 * See tests/fuzz/README.md for building and running.
 */
#include "rekisteri/text.h"
#include "fuzz.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
        return 0;
}

/*
 * An independent opinion on well-formedness: glibc's UTF-8 mbrtowc()
 * rejects overlongs, surrogates and truncation but still decodes up to
 * 0x7FFFFFFF, so values above U+10FFFF are refused here. Returns the
 * number of code points, or (size_t)-1 when s[0..n) is malformed.
 */
static size_t oracle_chars(const char *s, size_t n)
{
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        size_t chars = 0;
        for (size_t i = 0; i < n; chars++) {
                wchar_t wc;
                size_t r = mbrtowc(&wc, s + i, n - i, &st);
                if (r == (size_t)-1 || r == (size_t)-2 || (uint32_t)wc > 0x10FFFF)
                        return (size_t)-1;
                i += r == 0 ? 1 : r; /* r == 0: an embedded NUL */
        }
        return chars;
}

/* No byte of s is a C0 control, DEL, or the start of a C1 control. */
static void check_no_control_bytes(const char *s, size_t n)
{
        const unsigned char *p = (const unsigned char *)s;
        for (size_t i = 0; i < n; i++) {
                CHECK(p[i] >= 0x20 && p[i] != 0x7F);
                CHECK(
                    !(p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F));
        }
}

/* Byte length of the UTF-8 sequence led by b in a valid string. */
static size_t seq_len(unsigned char b)
{
        return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* Crop the sanitized s at cols and check the result. */
static void check_crop(const char *s, int cols)
{
        size_t len = strlen(s);
        int used = -1;
        size_t n = rk_text_crop(s, cols, &used);
        CHECK(n <= len);
        CHECK(used >= 0 && used <= (cols < 0 ? 0 : cols));
        CHECK(rk_utf8_valid(s, n)); /* never splits a code point */
        char *prefix = strndup(s, n);
        CHECK(prefix != NULL);
        CHECK(rk_text_width(prefix) == used);
        free(prefix);
        if (n < len) { /* the next code point would not fit */
                char *more = strndup(s, n + seq_len((unsigned char)s[n]));
                CHECK(more != NULL);
                CHECK(rk_text_width(more) > (cols < 0 ? 0 : cols));
                free(more);
        }
        CHECK(rk_text_crop(s, cols, NULL) == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *src = (const char *)data;
        size_t oracle = oracle_chars(src, size);
        CHECK(rk_utf8_valid(src, size) == (oracle != (size_t)-1));
        if (oracle != (size_t)-1)
                CHECK(rk_utf8_chars(src, size) == oracle);
        char *out = rk_text_sanitize(src, size);
        CHECK(out != NULL);
        size_t olen = strlen(out); /* NUL became U+2400: no early terminator */
        CHECK(olen >= size && olen <= 3 * size);
        CHECK(rk_utf8_valid(out, olen));
        CHECK(rk_text_is_safe(out));
        check_no_control_bytes(out, olen);
        CHECK(rk_utf8_chars(out, olen) == rk_utf8_chars(src, size));

        char *again = rk_text_sanitize(out, olen);
        CHECK(again != NULL && strcmp(again, out) == 0);
        free(again);

        /* The input as a C string: its width is the width of its sanitized
         * form, and it is safe exactly when sanitizing leaves it alone. */
        char *cstr = strndup(src, size);
        CHECK(cstr != NULL);
        char *clean = rk_text_sanitize(cstr, strlen(cstr));
        CHECK(clean != NULL);
        CHECK(rk_text_width(cstr) == rk_text_width(clean));
        CHECK(rk_text_is_safe(cstr) == (strcmp(cstr, clean) == 0));
        if (rk_text_is_safe(cstr))
                CHECK(rk_utf8_valid(cstr, strlen(cstr)));

        int width = rk_text_width(out);
        CHECK(width >= 0);
        int cols[] = {-1, 0, 1, 2, 3, size > 0 ? data[0] % 100 : 7, width - 1, width};
        for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
                check_crop(out, cols[i]);
        CHECK(rk_text_crop(out, width, NULL) == olen);

        free(clean);
        free(cstr);
        free(out);
        return 0;
}
