/*
 * qr.h - QR codes drawn with text, for showing the TOTP enrolment URI in a
 * terminal (no curses here: the caller draws the lines it gets back).
 *
 * The symbol is encoded by libqrencode (ECC level L, 8-bit mode, case
 * kept) and surrounded by a 2-module quiet zone. Both choices keep an
 * enrolment URI small enough to fit an 80x24 terminal beside its text
 * (version 5, 41 columns and 21 rows with the margin): level L is plenty
 * for a code shown on a clean screen, not printed on a dirty label, and
 * phone scanners and zbar read a 2-module margin (the standard asks for
 * 4, which would cost two more text rows). Two
 * module rows share one text row through the Unicode half blocks
 * U+2580 (upper), U+2584 (lower), U+2588 (full) and the space, so every
 * module is one column wide and half a text row high, which is about
 * square in common terminal fonts.
 *
 * Colour convention. A block character is painted in the terminal's
 * foreground colour ("ink"), a space shows the background. By default
 * (invert = false) the LIGHT modules, quiet zone included, are ink and the
 * dark modules are spaces: on the usual light-text-on-dark-background
 * terminal this shows dark modules on a light field, as a scanner expects.
 * With invert = true the dark modules are ink, for dark-on-light
 * terminals. When the module rows are odd in number the last text row's
 * lower half is treated as quiet zone (light).
 */
#ifndef REKISTERI_QR_H
#define REKISTERI_QR_H

#include <stdbool.h>

#include "rekisteri/error.h"

/* Modules of light margin around the symbol. */
#define RK_QR_QUIET_ZONE 2

/*
 * rk_qr_render - encode text (NUL-terminated) and draw it as described
 * above. On success *lines is a malloc'd array of *nlines malloc'd,
 * NUL-terminated UTF-8 strings, each exactly *ncols display columns wide
 * (one column per module, quiet zone included); free it with rk_qr_free().
 * The text may hold a secret (an otpauth URI does): the caller should wipe
 * and free the lines as soon as they have been shown.
 * Returns RK_OK; RK_ERR_INVALID if text is NULL, empty or too long for a
 * QR code; RK_ERR_NOMEM. On failure *lines is NULL and the counts are 0.
 */
int rk_qr_render(const char *text, bool invert, char ***lines, int *nlines, int *ncols,
                 struct rk_error *err);

/*
 * rk_qr_free - wipe (the text may be secret) and free what rk_qr_render()
 * returned. lines may be NULL.
 */
void rk_qr_free(char **lines, int nlines);

#endif
