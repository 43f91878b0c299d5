/*
 * list.h - a scrollable list/table widget with one selected row.
 *
 * The list does not own its rows: it asks cell(ctx, row, col) for the text
 * of each visible cell at draw time (the string must live until the call
 * returns to the list; it is sanitised and cropped by draw.c). Columns are
 * laid out by display width: fixed columns take their width, columns of
 * width 0 share what is left, one space apart. Drawing keeps the selected
 * row visible; keys move the selection by row, page or to either end.
 */
#ifndef RK_TUI_LIST_H
#define RK_TUI_LIST_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "draw.h"

struct rk_tui_app;

struct rk_tui_column {
        const char *title;       /* heading; NULL for a list without headings */
        int width;               /* columns; 0 = share the rest */
        enum rk_tui_align align; /* RK_TUI_RIGHT for numbers */
};

struct rk_tui_list {
        const struct rk_tui_column *cols;
        size_t n_cols;
        const char *(*cell)(void *ctx, size_t row, size_t col);
        /* optional: the role of a whole unselected row (e.g. headings) */
        enum rk_tui_role (*row_role)(void *ctx, size_t row);
        void *ctx;
        size_t n_rows;
        size_t sel; /* selected row; meaningless when n_rows is 0 */
        size_t top; /* first row shown */
        int page;   /* rows shown at the last draw (for PgUp/PgDn) */
};

/*
 * rk_tui_list_init - set up l over n_rows rows with the given columns and
 * cell callback; selection and scroll at the first row. The column array
 * must outlive the list.
 */
void rk_tui_list_init(struct rk_tui_list *l, const struct rk_tui_column *cols,
                      size_t n_cols, const char *(*cell)(void *, size_t, size_t),
                      void *ctx, size_t n_rows);

/* rk_tui_list_set_rows - the row count changed; keeps sel in range. */
void rk_tui_list_set_rows(struct rk_tui_list *l, size_t n_rows);

/*
 * rk_tui_list_key - Up/Down, PgUp/PgDn, Home/End move the selection.
 * Returns RK_TUI_REDRAW when used, RK_TUI_UNHANDLED for other keys.
 */
int rk_tui_list_key(struct rk_tui_list *l, int key);

/*
 * rk_tui_list_draw - draw the headings (if the first column has a title)
 * and as many rows as fit in height rows and width columns at y, x of win.
 * Adjusts l->top so that the selection is visible and records l->page.
 */
void rk_tui_list_draw(struct rk_tui_list *l, WINDOW *win, int y, int x, int height,
                      int width);

#endif
