/*
 * csv.h - writing CSV that spreadsheets cannot turn into formulas.
 *
 * Every cell is quoted (RFC 4180: quotes doubled). A cell that starts with
 * = + - @, a tab or a carriage return would be read as a formula by Excel,
 * LibreOffice or Google Sheets (CSV injection); such a cell gets a leading
 * apostrophe inside the quotes, so it is shown as text.
 */
#ifndef REKISTERI_CSV_H
#define REKISTERI_CSV_H

#include "rekisteri/error.h"

#include <stdbool.h>
#include <stdio.h>

/* rk_csv_cell - write one cell (NULL is an empty cell), sanitised as on
 * screen (rk_text_sanitize: controls as placeholders, format characters
 * and invalid UTF-8 as U+FFFD), then a comma or, when last, CRLF. Returns
 * 0, or -1 on a write error or when out of memory. */
int rk_csv_cell(FILE *f, const char *text, bool last);

/* rk_csv_is_formula - true when text would be read as a formula. */
bool rk_csv_is_formula(const char *text);

/*
 * rk_csv_create - create path for an export: a new file of mode 0600
 * (O_EXCL, so an existing file or a symlink is never overwritten or
 * followed). *out is the caller's to fclose. RK_ERR_EXISTS when path
 * exists, RK_ERR_IO otherwise; the message names the path (an export path
 * is the user's choice, not personal data).
 */
int rk_csv_create(const char *path, FILE **out, struct rk_error *err);

#endif
