/*
 * draw.h - the only way text reaches the screen.
 *
 * Every string is passed through rk_text_sanitize() (controls, bidi and
 * zero-width characters become visible placeholders) and cropped by
 * display columns with rk_text_crop(), so a name from the database can
 * neither move the cursor, set the window title, reverse the line nor
 * spill past its column, and double-width characters are never split.
 */
#ifndef RK_TUI_DRAW_H
#define RK_TUI_DRAW_H

#include <curses.h>

#include "theme.h"
#include "rekisteri/i18n.h"

enum rk_tui_align { RK_TUI_LEFT, RK_TUI_RIGHT, RK_TUI_CENTRE };

/*
 * rk_tui_print - draw utf8 (any bytes; NULL draws nothing) at y, x of win
 * in role, in at most max_cols columns (also cropped at the window's right
 * edge; a cropped text ends in an ellipsis in its last column). Returns the
 * columns drawn; 0 when nothing fits or memory is out.
 */
int rk_tui_print(WINDOW *win, int y, int x, int max_cols, enum rk_tui_role role,
                 const char *utf8);

/*
 * rk_tui_print_cell - draw utf8 in a cell exactly width columns wide:
 * cropped when longer, padded with spaces in role when shorter, placed
 * left, right or centred. For table columns and bars. Returns width (or
 * less when the window's edge comes first).
 */
int rk_tui_print_cell(WINDOW *win, int y, int x, int width, enum rk_tui_role role,
                      enum rk_tui_align align, const char *utf8);

/* rk_tui_fill - paint cols spaces in role from y, x (clipped to win). */
void rk_tui_fill(WINDOW *win, int y, int x, int cols, enum rk_tui_role role);

/* rk_tui_text_cols - display columns utf8 takes once sanitised; 0 for
 * NULL or out of memory. */
int rk_tui_text_cols(const char *utf8);

#endif
