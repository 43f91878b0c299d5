/*
 * form.c - focus handling and layout for a vertical list of fields.
 *
 * How it works: the form is only an index (focus) over the caller's
 * items. Navigation keys are taken first, so Tab and arrows never reach a
 * field; everything else goes to the focused field (which refuses
 * controls), and what the field does not use is handed back to the
 * screen as RK_TUI_UNHANDLED.
 */
#include "form.h"

#include "app.h"
#include "draw.h"

void rk_tui_form_init(struct rk_tui_form *form, struct rk_tui_form_item *items, size_t n,
                      int (*submit)(struct rk_tui_app *, void *), void *ctx)
{
        form->items = items;
        form->n = n;
        form->focus = 0;
        form->submit = submit;
        form->ctx = ctx;
}

static int focus_move(struct rk_tui_form *form, int step)
{
        form->focus = (form->focus + (step > 0 ? 1 : form->n - 1)) % form->n;
        return RK_TUI_REDRAW;
}

int rk_tui_form_key(struct rk_tui_form *form, struct rk_tui_app *app, int key)
{
        if (form->n == 0)
                return RK_TUI_UNHANDLED;
        switch (key) {
        case '\t':
        case RK_TUI_FKEY(KEY_DOWN):
                return focus_move(form, 1);
        case RK_TUI_FKEY(KEY_BTAB):
        case RK_TUI_FKEY(KEY_UP):
                return focus_move(form, -1);
        case RK_TUI_KEY_ENTER:
                if (form->submit != NULL)
                        return form->submit(app, form->ctx);
                return focus_move(form, 1);
        default:
                return rk_tui_field_key(form->items[form->focus].field, app, key);
        }
}

void rk_tui_form_draw(struct rk_tui_form *form, struct rk_tui_app *app, WINDOW *win,
                      int y, int x, int label_cols, int field_cols)
{
        /* a translated label may be longer: the labels widen, up to a third
         * of the window, and the fields give up what they take */
        int widest = label_cols;
        for (size_t i = 0; i < form->n; i++) {
                int lw = rk_tui_text_cols(_(form->items[i].label));
                widest = lw > widest ? lw : widest;
        }
        if (widest > getmaxx(win) / 3)
                widest = getmaxx(win) / 3;
        if (widest > label_cols) {
                field_cols -= widest - label_cols;
                label_cols = widest;
        }
        int room = getmaxx(win) - x - label_cols - 2;
        field_cols = field_cols < room ? field_cols : room;
        for (size_t i = 0; i < form->n; i++) {
                int row = y + 2 * (int)i;
                rk_tui_print_cell(win, row, x, label_cols, RK_ROLE_LABEL, RK_TUI_RIGHT,
                                  _(form->items[i].label));
                rk_tui_print(win, row, x + label_cols, 2, RK_ROLE_LABEL, ": ");
                rk_tui_field_draw(form->items[i].field, app, win, row, x + label_cols + 2,
                                  field_cols, i == form->focus);
        }
}
