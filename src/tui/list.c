/*
 * list.c - the scrollable list/table widget.
 *
 * How it works: the widget holds only positions (selected row, first row
 * shown, page height); row text comes from the cell callback at draw time,
 * so a list of a million rows costs nothing until drawn. Column widths are
 * computed per draw from the width available, and every cell goes through
 * rk_tui_print_cell(), which crops and pads by display columns.
 */
#include "list.h"

#include <string.h>

#include "app.h"

#define MAX_COLS 16

void rk_tui_list_init(struct rk_tui_list *l, const struct rk_tui_column *cols,
                      size_t n_cols, const char *(*cell)(void *, size_t, size_t),
                      void *ctx, size_t n_rows)
{
        memset(l, 0, sizeof(*l));
        l->cols = cols;
        l->n_cols = n_cols < MAX_COLS ? n_cols : MAX_COLS;
        l->cell = cell;
        l->ctx = ctx;
        l->n_rows = n_rows;
        l->page = 1;
}

void rk_tui_list_set_rows(struct rk_tui_list *l, size_t n_rows)
{
        l->n_rows = n_rows;
        if (n_rows == 0)
                l->sel = 0;
        else if (l->sel >= n_rows)
                l->sel = n_rows - 1;
        if (l->top > l->sel)
                l->top = l->sel;
}

int rk_tui_list_key(struct rk_tui_list *l, int key)
{
        size_t page = l->page > 0 ? (size_t)l->page : 1;
        size_t last = l->n_rows > 0 ? l->n_rows - 1 : 0;
        switch (key) {
        case RK_TUI_FKEY(KEY_UP):
                l->sel = l->sel > 0 ? l->sel - 1 : 0;
                break;
        case RK_TUI_FKEY(KEY_DOWN):
                l->sel = l->sel < last ? l->sel + 1 : last;
                break;
        case RK_TUI_FKEY(KEY_PPAGE):
                l->sel = l->sel > page ? l->sel - page : 0;
                break;
        case RK_TUI_FKEY(KEY_NPAGE):
                l->sel = last - l->sel > page ? l->sel + page : last;
                break;
        case RK_TUI_FKEY(KEY_HOME):
                l->sel = 0;
                break;
        case RK_TUI_FKEY(KEY_END):
                l->sel = last;
                break;
        default:
                return RK_TUI_UNHANDLED;
        }
        return RK_TUI_REDRAW;
}

/* Fixed columns keep their width; width-0 columns share the rest. */
static void column_widths(const struct rk_tui_list *l, int width, int *w)
{
        int fixed = 0, flex = 0;
        for (size_t c = 0; c < l->n_cols; c++) {
                fixed += l->cols[c].width + (c > 0 ? 1 : 0);
                flex += l->cols[c].width == 0;
        }
        int rest = width > fixed ? width - fixed : 0;
        int share = flex > 0 ? rest / flex : 0, extra = flex > 0 ? rest % flex : 0;
        int seen = 0;
        for (size_t c = 0; c < l->n_cols; c++) {
                w[c] = l->cols[c].width;
                if (w[c] == 0)
                        w[c] = share + (++seen == flex ? extra : 0);
        }
}

static void draw_row(const struct rk_tui_list *l, WINDOW *win, int y, int x, int width,
                     const int *w, size_t row, enum rk_tui_role role)
{
        rk_tui_fill(win, y, x, width, role);
        int cx = x;
        for (size_t c = 0; c < l->n_cols && cx < x + width; c++) {
                const char *text =
                    row == SIZE_MAX
                        ? (l->cols[c].title && l->cols[c].title[0] ? _(l->cols[c].title)
                                                                   : l->cols[c].title)
                        : l->cell(l->ctx, row, c);
                int cw = w[c] < x + width - cx ? w[c] : x + width - cx;
                rk_tui_print_cell(win, y, cx, cw, role, l->cols[c].align, text);
                cx += w[c] + 1;
        }
}

static void keep_visible(struct rk_tui_list *l, size_t rows)
{
        if (l->sel < l->top)
                l->top = l->sel;
        if (l->sel >= l->top + rows)
                l->top = l->sel - rows + 1;
        if (l->n_rows >= rows && l->top > l->n_rows - rows)
                l->top = l->n_rows - rows;
}

void rk_tui_list_draw(struct rk_tui_list *l, WINDOW *win, int y, int x, int height,
                      int width)
{
        int w[MAX_COLS];
        column_widths(l, width, w);
        bool heads = l->n_cols > 0 && l->cols[0].title != NULL;
        if (heads && height > 0) {
                draw_row(l, win, y, x, width, w, SIZE_MAX, RK_ROLE_HEADER);
                y++;
                height--;
        }
        l->page = height > 0 ? height : 1;
        keep_visible(l, (size_t)l->page);
        for (int i = 0; i < height && l->top + (size_t)i < l->n_rows; i++) {
                size_t row = l->top + (size_t)i;
                enum rk_tui_role role = RK_ROLE_NORMAL;
                if (row == l->sel)
                        role = RK_ROLE_SELECTED;
                else if (l->row_role != NULL)
                        role = l->row_role(l->ctx, row);
                draw_row(l, win, y + i, x, width, w, row, role);
        }
}
