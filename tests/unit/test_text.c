/*
 * test_text.c - display hygiene: what a hostile customer field turns into
 * before it reaches the terminal, and how names are measured and cropped.
 *
 * Each case sanitises a byte string and compares the exact output bytes,
 * so a control that slipped through, or a placeholder that changed, fails.
 * The width cases need the C.UTF-8 locale, set once in the group setup.
 */
#include "rekisteri/text.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define PIC_ESC "\xe2\x90\x9b" /* U+241B SYMBOL FOR ESCAPE */
#define PIC_BEL "\xe2\x90\x87" /* U+2407 SYMBOL FOR BELL */
#define PIC_CR  "\xe2\x90\x8d" /* U+240D SYMBOL FOR CARRIAGE RETURN */
#define PIC_LF  "\xe2\x90\x8a" /* U+240A SYMBOL FOR LINE FEED */
#define PIC_TAB "\xe2\x90\x89" /* U+2409 SYMBOL FOR HORIZONTAL TABULATION */
#define PIC_NUL "\xe2\x90\x80" /* U+2400 SYMBOL FOR NULL */
#define PIC_DEL "\xe2\x90\xa1" /* U+2421 SYMBOL FOR DELETE */
#define FFFD    "\xef\xbf\xbd" /* U+FFFD REPLACEMENT CHARACTER */

/* Sanitise src[0..len) and require exactly want, valid and safe. */
static void check_sanitize_len(const char *src, size_t len, const char *want)
{
        char *out = rk_text_sanitize(src, len);
        assert_non_null(out);
        assert_string_equal(out, want);
        assert_true(rk_utf8_valid(out, strlen(out)));
        assert_true(rk_text_is_safe(out));
        free(out);
}

static void check_sanitize(const char *src, const char *want)
{
        check_sanitize_len(src, strlen(src), want);
}

static void test_osc_title_escape(void **state)
{
        (void)state;
        const char *evil = "\x1b]0;pwned\a";
        assert_false(rk_text_is_safe(evil));
        check_sanitize(evil, PIC_ESC "]0;pwned" PIC_BEL);
}

static void test_csi_clear_screen(void **state)
{
        (void)state;
        assert_false(rk_text_is_safe("Virtanen\x1b[2J"));
        check_sanitize("Virtanen\x1b[2J", "Virtanen" PIC_ESC "[2J");
}

static void test_carriage_return_tab_newline(void **state)
{
        (void)state;
        check_sanitize("fake\rreal", "fake" PIC_CR "real");
        check_sanitize("a\tb\nc", "a" PIC_TAB "b" PIC_LF "c");
}

static void test_embedded_nul(void **state)
{
        (void)state;
        check_sanitize_len("a\0b", 3, "a" PIC_NUL "b");
}

static void test_bidi_override(void **state)
{
        (void)state;
        /* "invoice" + RLO + "fdp.exe" would draw as "invoiceexe.pdf". */
        const char *rlo = "invoice\xe2\x80\xae"
                          "fdp.exe";
        assert_false(rk_text_is_safe(rlo));
        check_sanitize(rlo, "invoice" FFFD "fdp.exe");
        check_sanitize("\xe2\x81\xa6x\xe2\x81\xa9", FFFD "x" FFFD); /* LRI, PDI */
        check_sanitize("\xd8\x9c", FFFD);                           /* U+061C */
}

static void test_zero_width(void **state)
{
        (void)state;
        check_sanitize("Nie\xe2\x80\x8bmi", "Nie" FFFD "mi");    /* U+200B */
        check_sanitize("\xef\xbb\xbfKorhonen", FFFD "Korhonen"); /* U+FEFF BOM */
        check_sanitize("a\xe2\x81\xa0"
                       "b",
                       "a" FFFD "b"); /* U+2060 */
}

/* Format characters (category Cf) and the line/paragraph separators: the
 * soft hyphen, tag characters (which can smuggle invisible ASCII), U+2028,
 * U+2029, U+2061 FUNCTION APPLICATION, U+206A, U+FFF9 interlinear
 * annotation anchor. */
static void test_format_characters(void **state)
{
        (void)state;
        check_sanitize("Ma\xc2\xadtti", "Ma" FFFD "tti");
        /* TAG LATIN SMALL LETTER A, TAG CANCEL */
        check_sanitize("A\xf3\xa0\x81\xa1\xf3\xa0\x81\xbf"
                       "B",
                       "A" FFFD FFFD "B");
        check_sanitize("a\xe2\x80\xa8"
                       "b\xe2\x80\xa9"
                       "c",
                       "a" FFFD "b" FFFD "c");
        check_sanitize("x\xe2\x81\xa1y\xe2\x81\xaaz\xef\xbf\xb9w",
                       "x" FFFD "y" FFFD "z" FFFD "w");
        assert_false(rk_text_is_safe("Ma\xc2\xadtti"));
}

/* ZWJ stays inside an emoji sequence (family, with a skin tone, after VS16)
 * and is replaced anywhere else. */
static void test_zwj_in_emoji_only(void **state)
{
        (void)state;
        const char *family = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9"
                             "\xe2\x80\x8d\xf0\x9f\x91\xa7"; /* man ZWJ woman ZWJ girl */
        check_sanitize(family, family);
        const char *tone = "\xf0\x9f\x91\xa9\xf0\x9f\x8f\xbd\xe2\x80\x8d\xf0\x9f\x92\xbb";
        check_sanitize(tone, tone);
        const char *vs16 = "\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x94\xa5";
        check_sanitize(vs16, vs16);
        check_sanitize("a\xe2\x80\x8d"
                       "b",
                       "a" FFFD "b");
        check_sanitize("\xf0\x9f\x91\xa8\xe2\x80\x8d", "\xf0\x9f\x91\xa8" FFFD);
        check_sanitize("\xe2\x80\x8d\xf0\x9f\x91\xa8", FFFD "\xf0\x9f\x91\xa8");
        check_sanitize("\xf0\x9f\x91\xa8\xe2\x80\x8dx", "\xf0\x9f\x91\xa8" FFFD "x");
}

/* The export repair: only malformed bytes change; controls stay. */
static void test_utf8_repair(void **state)
{
        (void)state;
        bool bad = false;
        char *out = rk_utf8_repair("Pek\xe4 \x1b[2J", 9, &bad);
        assert_non_null(out);
        assert_string_equal(out, "Pek" FFFD " \x1b[2J");
        assert_true(bad);
        assert_true(rk_utf8_valid(out, strlen(out)));
        free(out);
        out = rk_utf8_repair("H\xc3\xa4m\xc3\xa4l\xc3\xa4inen", 13, &bad);
        assert_string_equal(out, "H\xc3\xa4m\xc3\xa4l\xc3\xa4inen");
        assert_false(bad);
        free(out);
}

static void test_c1_csi(void **state)
{
        (void)state;
        /* U+009B properly encoded is one C1 control: one replacement. */
        assert_false(rk_text_is_safe("x\xc2\x9b"
                                     "2J"));
        check_sanitize("x\xc2\x9b"
                       "2J",
                       "x" FFFD "2J");
        /* A raw 0x9B byte (a C1 CSI for 8-bit terminals) is malformed UTF-8. */
        assert_false(rk_text_is_safe("x\x9b"
                                     "2J"));
        check_sanitize("x\x9b"
                       "2J",
                       "x" FFFD "2J");
}

static void test_del(void **state)
{
        (void)state;
        check_sanitize("ab\x7f", "ab" PIC_DEL);
}

static void test_malformed(void **state)
{
        (void)state;
        check_sanitize("\xff", FFFD);
        check_sanitize("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD); /* > U+10FFFF lead */
        check_sanitize("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* U+110000 */
        check_sanitize("\xed\xa0\x80", FFFD FFFD FFFD);          /* surrogate D800 */
        check_sanitize("\x80x", FFFD "x");                       /* lone continuation */
        check_sanitize("\xc3", FFFD);                            /* truncated at end */
        check_sanitize("\xe2\x82"
                       "A",
                       FFFD FFFD "A"); /* truncated inside */
        check_sanitize("\xf0\x9f\x98"
                       "!",
                       FFFD FFFD FFFD "!");
}

static void test_overlong(void **state)
{
        (void)state;
        check_sanitize("\xc0\xaf", FFFD FFFD);          /* '/' in 2 bytes */
        check_sanitize("\xc1\x9b", FFFD FFFD);          /* ESC-ish, 2 bytes */
        check_sanitize("\xe0\x80\xaf", FFFD FFFD FFFD); /* '/' in 3 bytes */
        check_sanitize("\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD);
        assert_false(rk_utf8_valid("\xc0\x80", 2));
}

static void test_valid_text_is_kept(void **state)
{
        (void)state;
        const char *ok[] = {"Hämäläinen",       "Åström",       "中文字",   "😀 ok",
                            "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "A\xcc\x8a"};
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                assert_true(rk_text_is_safe(ok[i]));
                assert_true(rk_utf8_valid(ok[i], strlen(ok[i])));
                check_sanitize(ok[i], ok[i]);
        }
}

static void test_utf8_valid_and_chars(void **state)
{
        (void)state;
        assert_true(rk_utf8_valid("", 0));
        assert_false(rk_utf8_valid("a\xe2\x82", 3));
        assert_false(rk_utf8_valid("\xed\xbf\xbf", 3));
        assert_int_equal(rk_utf8_chars("Hämäläinen", strlen("Hämäläinen")), 10);
        assert_int_equal(rk_utf8_chars("😀", 4), 1);
        assert_int_equal(rk_utf8_chars("\xe2\x82"
                                       "A",
                                       3),
                         3); /* 2 bad bytes + A */
        assert_int_equal(rk_utf8_chars("", 0), 0);
}

static void test_width_finnish_swedish(void **state)
{
        (void)state;
        assert_int_equal(strlen("Hämäläinen"), 13);
        assert_int_equal(rk_text_width("Hämäläinen"), 10);
        assert_int_equal(rk_text_width("Åström"), 6);
        assert_int_equal(rk_text_width("A\xcc\x8astro\xcc\x88m"), 6); /* decomposed */
}

static void test_width_of_unsanitized_matches_sanitized(void **state)
{
        (void)state;
        const char *evil = "\x1b[2J\xe2\x80\xae\xc2\x9b\xff";
        char *clean = rk_text_sanitize(evil, strlen(evil));
        assert_non_null(clean);
        assert_int_equal(rk_text_width(evil), 7);
        assert_int_equal(rk_text_width(clean), 7);
        free(clean);
}

static void test_crop_by_columns(void **state)
{
        (void)state;
        int used = -1;
        /* "Hämä" is 4 columns but 6 bytes. */
        assert_int_equal(rk_text_crop("Hämäläinen", 4, &used), 6);
        assert_int_equal(used, 4);
        assert_int_equal(rk_text_crop("Hämäläinen", 80, &used), 13);
        assert_int_equal(used, 10);
        /* Decomposed Å keeps its ring: the mark is zero columns wide. */
        assert_int_equal(rk_text_crop("A\xcc\x8astro", 1, &used), 3);
        assert_int_equal(used, 1);
}

static void test_crop_cjk_never_splits(void **state)
{
        (void)state;
        int used = -1;
        assert_int_equal(rk_text_width("中文字"), 6);
        assert_int_equal(rk_text_crop("中文字", 5, &used), 6); /* two chars */
        assert_int_equal(used, 4);
        assert_int_equal(rk_text_crop("中文字", 1, &used), 0);
        assert_int_equal(used, 0);
        assert_int_equal(rk_text_crop("a中", 2, &used), 1);
        assert_int_equal(used, 1);
        assert_int_equal(rk_text_crop("a中", 3, &used), 4);
        assert_int_equal(used, 3);
}

static void test_crop_zero_and_empty(void **state)
{
        (void)state;
        int used = -1;
        assert_int_equal(rk_text_crop("Åström", 0, &used), 0);
        assert_int_equal(used, 0);
        assert_int_equal(rk_text_crop("Åström", -3, NULL), 0);
        assert_int_equal(rk_text_crop("", 10, &used), 0);
        assert_int_equal(used, 0);
        assert_int_equal(rk_text_width(""), 0);
        assert_true(rk_text_is_safe(""));
        check_sanitize_len("", 0, "");
}

static int setup_locale(void **state)
{
        (void)state;
        return setlocale(LC_CTYPE, "C.UTF-8") == NULL ? -1 : 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_osc_title_escape),
            cmocka_unit_test(test_csi_clear_screen),
            cmocka_unit_test(test_carriage_return_tab_newline),
            cmocka_unit_test(test_embedded_nul),
            cmocka_unit_test(test_bidi_override),
            cmocka_unit_test(test_zero_width),
            cmocka_unit_test(test_format_characters),
            cmocka_unit_test(test_zwj_in_emoji_only),
            cmocka_unit_test(test_utf8_repair),
            cmocka_unit_test(test_c1_csi),
            cmocka_unit_test(test_del),
            cmocka_unit_test(test_malformed),
            cmocka_unit_test(test_overlong),
            cmocka_unit_test(test_valid_text_is_kept),
            cmocka_unit_test(test_utf8_valid_and_chars),
            cmocka_unit_test(test_width_finnish_swedish),
            cmocka_unit_test(test_width_of_unsanitized_matches_sanitized),
            cmocka_unit_test(test_crop_by_columns),
            cmocka_unit_test(test_crop_cjk_never_splits),
            cmocka_unit_test(test_crop_zero_and_empty),
        };
        return cmocka_run_group_tests(tests, setup_locale, NULL);
}
