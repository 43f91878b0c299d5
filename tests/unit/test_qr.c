/*
 * test_qr.c - unit tests for the terminal QR renderer. The rendering is
 * turned back into pixels by the half-block rules in qr.h, saved as a PGM
 * image, and decoded by an independent reader (zbarimg): the test passes
 * only if a real scanner reads back exactly the text we encoded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rekisteri/qr.h"

#define URI                                                                              \
        "otpauth://totp/Acme%20Oy:m%C3%A4kel%C3%A4%40example.fi?secret="                 \
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Oy"
#define SCALE 4

/* Decode one glyph at *s into upper/lower ink and advance; fail on others. */
static void glyph_ink(const char **s, bool *up, bool *down)
{
        static const struct {
                const char *g;
                bool up, down;
        } map[] = {
            {" ", false, false},
            {"\xe2\x96\x80", true, false},
            {"\xe2\x96\x84", false, true},
            {"\xe2\x96\x88", true, true},
        };
        for (size_t i = 0; i < 4; i++) {
                size_t n = strlen(map[i].g);
                if (strncmp(*s, map[i].g, n) == 0) {
                        *up = map[i].up;
                        *down = map[i].down;
                        *s += n;
                        return;
                }
        }
        fail_msg("unexpected glyph byte 0x%02x", (unsigned char)**s);
}

/* Turn a rendering back into a malloc'd grid of dark (1) / light (0). */
static unsigned char *to_modules(char **lines, int nlines, int ncols, bool invert)
{
        unsigned char *grid = calloc((size_t)ncols * (size_t)nlines * 2, 1);
        assert_non_null(grid);
        for (int r = 0; r < nlines; r++) {
                const char *s = lines[r];
                for (int x = 0; x < ncols; x++) {
                        bool up = false, down = false;
                        glyph_ink(&s, &up, &down);
                        grid[(2 * r) * ncols + x] = up == invert;
                        grid[(2 * r + 1) * ncols + x] = down == invert;
                }
                assert_int_equal(*s, '\0'); /* exactly ncols glyphs */
        }
        return grid;
}

/* Write the grid as a binary PGM, SCALE pixels per module. */
static void write_pgm(const char *path, const unsigned char *grid, int w, int h)
{
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fprintf(f, "P5\n%d %d\n255\n", w * SCALE, h * SCALE);
        for (int y = 0; y < h * SCALE; y++)
                for (int x = 0; x < w * SCALE; x++)
                        fputc(grid[(y / SCALE) * w + x / SCALE] ? 0 : 255, f);
        assert_int_equal(fclose(f), 0);
}

/* Run zbarimg on path; the decoded text in out. */
static void zbar_decode(const char *path, char *out, size_t outsz)
{
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", path);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        size_t n = fread(out, 1, outsz - 1, p);
        out[n] = '\0';
        assert_int_equal(pclose(p), 0);
        out[strcspn(out, "\n")] = '\0';
}

static void scan_roundtrip(bool invert)
{
        char **lines = NULL;
        int nlines = 0, ncols = 0;
        struct rk_error err = {0};
        char path[] = "/tmp/rk-test-qr-XXXXXX.pgm";
        char decoded[1024];

        if (system("command -v zbarimg >/dev/null 2>&1") != 0)
                skip();
        assert_int_equal(rk_qr_render(URI, invert, &lines, &nlines, &ncols, &err), RK_OK);
        unsigned char *grid = to_modules(lines, nlines, ncols, invert);
        int fd = mkstemps(path, 4);
        assert_true(fd >= 0);
        close(fd);
        write_pgm(path, grid, ncols, nlines * 2);
        zbar_decode(path, decoded, sizeof(decoded));
        unlink(path);
        assert_string_equal(decoded, URI);
        free(grid);
        rk_qr_free(lines, nlines);
}

static void test_scan_normal(void **state)
{
        (void)state;
        scan_roundtrip(false);
}

static void test_scan_inverted(void **state)
{
        (void)state;
        scan_roundtrip(true);
}

static void test_shape_and_quiet_zone(void **state)
{
        (void)state;
        char **a = NULL, **b = NULL;
        int na, nb, ca, cb;
        struct rk_error err = {0};

        assert_int_equal(rk_qr_render("hello", false, &a, &na, &ca, &err), RK_OK);
        assert_int_equal(rk_qr_render("hello", true, &b, &nb, &cb, &err), RK_OK);
        /* "hello" fits version 1 (21 modules) + 2 x 2 quiet zone. */
        assert_int_equal(ca, 25);
        assert_int_equal(na, 13);
        assert_int_equal(cb, ca);
        assert_int_equal(nb, na);

        unsigned char *ga = to_modules(a, na, ca, false);
        unsigned char *gb = to_modules(b, nb, cb, true);
        /* Both conventions describe the same modules... */
        assert_memory_equal(ga, gb, (size_t)ca * (size_t)(2 * na - 1));
        /* ...with a light quiet zone: the first text rows are full blocks
         * by default and blank when inverted. */
        for (int r = 0; r < RK_QR_QUIET_ZONE / 2; r++) {
                char full[25 * 3 + 1] = {0}, blank[26] = {0};
                for (int x = 0; x < 25; x++) {
                        memcpy(full + 3 * x, "\xe2\x96\x88", 3);
                        blank[x] = ' ';
                }
                assert_string_equal(a[r], full);
                assert_string_equal(b[r], blank);
        }
        /* Top-left finder pattern: dark ring at the corner of the symbol. */
        const int q = RK_QR_QUIET_ZONE;
        for (int i = 0; i < 7; i++) {
                assert_int_equal(ga[q * ca + q + i], 1);
                assert_int_equal(ga[(q + i) * ca + q], 1);
        }
        assert_int_equal(ga[(q + 1) * ca + q + 1], 0);
        /* ...and nothing dark in the margin left of it. */
        for (int y = 0; y < 2 * na - 1; y++)
                for (int x = 0; x < q; x++)
                        assert_int_equal(ga[y * ca + x], 0);
        free(ga);
        free(gb);
        rk_qr_free(a, na);
        rk_qr_free(b, nb);
}

/* An enrolment URI for a typical account fits the 80x24 enrolment screen:
 * at most 21 text rows (the screen's body) and 41 columns beside the text. */
static void test_enrolment_uri_fits(void **state)
{
        (void)state;
        char **lines = NULL;
        int n = 0, c = 0;
        struct rk_error err = {0};
        const char *uri = "otpauth://totp/rekisteri:hannele.virtanen?secret="
                          "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=rekisteri";
        assert_int_equal(rk_qr_render(uri, false, &lines, &n, &c, &err), RK_OK);
        assert_true(n <= 21);
        assert_true(c <= 41);
        rk_qr_free(lines, n);
}

static void test_refused(void **state)
{
        (void)state;
        char **lines = (char **)1;
        int n = 7, c = 7;
        struct rk_error err = {0};

        assert_int_equal(rk_qr_render("", false, &lines, &n, &c, &err), RK_ERR_INVALID);
        assert_null(lines);
        assert_int_equal(n, 0);
        assert_int_equal(rk_qr_render(NULL, false, &lines, &n, &c, &err), RK_ERR_INVALID);

        /* More than a version-40 symbol holds in 8-bit mode at level L. */
        size_t big = 4000;
        char *text = malloc(big + 1);
        assert_non_null(text);
        memset(text, 'x', big);
        text[big] = '\0';
        assert_int_equal(rk_qr_render(text, false, &lines, &n, &c, &err), RK_ERR_INVALID);
        assert_string_equal(err.msg, "the text is too long for a QR code");
        assert_null(lines);
        free(text);
        rk_qr_free(NULL, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_scan_normal),
            cmocka_unit_test(test_scan_inverted),
            cmocka_unit_test(test_shape_and_quiet_zone),
            cmocka_unit_test(test_enrolment_uri_fits),
            cmocka_unit_test(test_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
