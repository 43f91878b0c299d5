/*
 * draw.c - sanitised, width-aware text output for every screen.
 *
 * How it works: the string is sanitised into a fresh buffer, the prefix
 * that fits is measured with rk_text_crop() (display columns, whole code
 * points only) and written with waddnstr(), which ncursesw decodes as
 * UTF-8 in a UTF-8 locale. The window's right edge caps every width, so
 * nothing wraps onto the next line; text that does not fit ends in an
 * ellipsis (U+2026) in its last column, so a cut is never silent. Sanitised copies are
 * wiped before they are freed.
 */
#include "draw.h"

#include <stdlib.h>
#include <string.h>

#include "rekisteri/text.h"

#define ELLIPSIS "\u2026"

/* The text may be a one-time password or a TOTP secret on its way to
 * the screen: no copy of it is left in freed memory. */
static void wipe_free(char *s)
{
        explicit_bzero(s, strlen(s));
        free(s);
}

static int room(WINDOW *win, int x, int cols)
{
        int left = getmaxx(win) - x;
        return cols < left ? cols : left;
}

int rk_tui_print(WINDOW *win, int y, int x, int max_cols, enum rk_tui_role role,
                 const char *utf8)
{
        int cols = room(win, x, max_cols);
        if (utf8 == NULL || cols <= 0 || y < 0 || y >= getmaxy(win) || x < 0)
                return 0;
        char *safe = rk_text_sanitize(utf8, strlen(utf8));
        if (safe == NULL)
                return 0;
        int used = 0;
        size_t n = rk_text_crop(safe, cols, &used);
        bool cut = safe[n] != '\0';
        if (cut) /* one column for the ellipsis that says the text goes on */
                n = rk_text_crop(safe, cols - 1, &used);
        wattrset(win, (int)rk_tui_theme_attr(role));
        mvwaddnstr(win, y, x, safe, (int)n);
        if (cut) {
                waddstr(win, ELLIPSIS);
                used++;
        }
        wattrset(win, A_NORMAL);
        wipe_free(safe);
        return used;
}

void rk_tui_fill(WINDOW *win, int y, int x, int cols, enum rk_tui_role role)
{
        cols = room(win, x, cols);
        if (cols <= 0 || y < 0 || y >= getmaxy(win) || x < 0)
                return;
        mvwhline(win, y, x, ' ' | rk_tui_theme_attr(role), cols);
}

int rk_tui_text_cols(const char *utf8)
{
        if (utf8 == NULL)
                return 0;
        char *safe = rk_text_sanitize(utf8, strlen(utf8));
        if (safe == NULL)
                return 0;
        int w = rk_text_width(safe);
        wipe_free(safe);
        return w;
}

int rk_tui_print_cell(WINDOW *win, int y, int x, int width, enum rk_tui_role role,
                      enum rk_tui_align align, const char *utf8)
{
        width = room(win, x, width);
        if (width <= 0)
                return 0;
        rk_tui_fill(win, y, x, width, role);
        int w = rk_tui_text_cols(utf8);
        int off = 0;
        if (w < width && align == RK_TUI_RIGHT)
                off = width - w;
        else if (w < width && align == RK_TUI_CENTRE)
                off = (width - w) / 2;
        rk_tui_print(win, y, x + off, width - off, role, utf8);
        return width;
}
