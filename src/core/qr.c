/*
 * qr.c - render a QR code as lines of Unicode half blocks.
 *
 * libqrencode gives a width x width grid whose byte's bit 0 says "dark".
 * We add the quiet zone by treating every coordinate outside the grid as
 * light, then walk the padded grid two module rows at a time: the upper
 * and lower module of each column pick one of four glyphs (space, upper
 * half, lower half, full block). Which modules count as ink depends on
 * the invert flag; see qr.h for the convention and why.
 */
#include "rekisteri/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* glyphs[upper_ink * 2 + lower_ink] */
static const char *const glyphs[4] = {" ", "\xe2\x96\x84", "\xe2\x96\x80",
                                      "\xe2\x96\x88"};

/* Whether the module at padded coordinates (x, y) is dark. */
static bool module_dark(const QRcode *qr, int x, int y)
{
        int sx = x - RK_QR_QUIET_ZONE, sy = y - RK_QR_QUIET_ZONE;
        if (sx < 0 || sy < 0 || sx >= qr->width || sy >= qr->width)
                return false;
        return (qr->data[sy * qr->width + sx] & 1) != 0;
}

/* Draw text row r (module rows 2r and 2r+1) into a new string. */
static char *render_row(const QRcode *qr, int r, int cols, bool invert)
{
        char *line = malloc((size_t)cols * 3 + 1);
        if (line == NULL)
                return NULL;
        size_t pos = 0;
        for (int x = 0; x < cols; x++) {
                bool up = module_dark(qr, x, 2 * r) == invert;
                bool down = module_dark(qr, x, 2 * r + 1) == invert;
                const char *g = glyphs[up * 2 + down];
                size_t n = strlen(g);
                memcpy(line + pos, g, n);
                pos += n;
        }
        line[pos] = '\0';
        return line;
}

void rk_qr_free(char **lines, int nlines)
{
        if (lines == NULL)
                return;
        for (int i = 0; i < nlines; i++) {
                if (lines[i] != NULL)
                        sodium_memzero(lines[i], strlen(lines[i]));
                free(lines[i]);
        }
        free(lines);
}

int rk_qr_render(const char *text, bool invert, char ***lines, int *nlines, int *ncols,
                 struct rk_error *err)
{
        QRcode *qr = NULL;
        char **out = NULL;
        int rows = 0, cols = 0, rc;

        *lines = NULL;
        *nlines = 0;
        *ncols = 0;
        if (text == NULL || text[0] == '\0')
                return rk_error_set(err, RK_ERR_INVALID,
                                    "nothing to encode in a QR code");
        errno = 0;
        qr = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
        if (qr == NULL) {
                if (errno == ENOMEM)
                        return rk_error_set(err, RK_ERR_NOMEM,
                                            "out of memory for a QR code");
                return rk_error_set(err, RK_ERR_INVALID,
                                    "the text is too long for a QR code");
        }
        cols = qr->width + 2 * RK_QR_QUIET_ZONE;
        rows = (cols + 1) / 2;
        out = calloc((size_t)rows, sizeof(*out));
        if (out == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory for a QR code");
                goto out;
        }
        for (int r = 0; r < rows; r++) {
                out[r] = render_row(qr, r, cols, invert);
                if (out[r] == NULL) {
                        rc = rk_error_set(err, RK_ERR_NOMEM,
                                          "out of memory for a QR code");
                        goto out;
                }
        }
        *lines = out;
        *nlines = rows;
        *ncols = cols;
        out = NULL;
        rc = RK_OK;
out:
        rk_qr_free(out, rows);
        if (qr != NULL) {
                sodium_memzero(qr->data, (size_t)qr->width * (size_t)qr->width);
                QRcode_free(qr);
        }
        return rc;
}
