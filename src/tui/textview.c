/*
 * textview.c - a screen that shows one text whole: a note, or any value a
 * list can only show cut (with an ellipsis). Lists open it with Enter.
 *
 * How it works: the text is copied (and wiped at the end, as it may be
 * personal data), drawn wrapped at spaces with its own line breaks kept
 * (rk_ui_print_paragraphs), and scrolled by line with Up/Down/PgUp/PgDn.
 * The total line count comes from the same drawing call, so the scroll
 * limit always matches what is drawn at the current width.
 */
#include <stdlib.h>
#include <string.h>

#include "ui.h"

struct textview {
        char *heading, *text;
        int top, lines, page;
};

static void view_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct textview *v = state;
        int w = getmaxx(win) - 4;
        v->page = getmaxy(win) - 3;
        rk_tui_print(win, 0, 2, w, RK_ROLE_HEADER, v->heading);
        v->lines = rk_ui_print_paragraphs(win, 2, 2, w, v->top, v->page, RK_ROLE_NORMAL,
                                          v->text);
        if (v->top > 0 && v->top >= v->lines)
                v->top = v->lines > 0 ? v->lines - 1 : 0;
}

static int view_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        struct textview *v = state;
        int last = v->lines > v->page ? v->lines - v->page : 0;
        switch (key) {
        case RK_TUI_FKEY(KEY_UP):
                v->top = v->top > 0 ? v->top - 1 : 0;
                break;
        case RK_TUI_FKEY(KEY_DOWN):
                v->top = v->top < last ? v->top + 1 : last;
                break;
        case RK_TUI_FKEY(KEY_PPAGE):
                v->top = v->top > v->page ? v->top - v->page : 0;
                break;
        case RK_TUI_FKEY(KEY_NPAGE):
                v->top = v->top + v->page < last ? v->top + v->page : last;
                break;
        default:
                return RK_TUI_UNHANDLED;
        }
        return RK_TUI_REDRAW;
}

static void wipe(char *s)
{
        if (s != NULL)
                explicit_bzero(s, strlen(s));
        free(s);
}

static void view_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct textview *v = state;
        wipe(v->text);
        wipe(v->heading);
        free(v);
}

static const struct rk_tui_binding view_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the list"), rk_tui_action_pop},
    {RK_TUI_KEY_ENTER, "Enter", NULL, N_("Back to the list"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops view_ops = {
    .name = N_("Text"),
    .draw = view_draw,
    .key = view_key,
    .fini = view_fini,
    .keys = view_keys,
    .n_keys = sizeof(view_keys) / sizeof(view_keys[0]),
};

int rk_ui_text_open(struct rk_tui_app *app, const char *heading, const char *text)
{
        struct textview *v = calloc(1, sizeof(*v));
        if (v != NULL) {
                v->heading = strdup(heading);
                v->text = strdup(text != NULL ? text : "");
        }
        if (v == NULL || v->heading == NULL || v->text == NULL) {
                if (v != NULL)
                        view_fini(app, v);
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        }
        return rk_tui_push(app, &view_ops, v);
}
