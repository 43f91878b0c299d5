/*
 * dialog.c - modal confirm/info boxes as overlay screens.
 *
 * How it works: the dialog's state holds copies of title and text (the
 * text split into lines in place) and the answer callback. Its ops carry
 * RK_TUI_SCREEN_OVERLAY, so the loop draws the screen below first, and
 * RK_TUI_SCREEN_NO_GLOBALS, so no global key (q Quit...) can bypass the
 * question. Every key the table does not bind is swallowed. Answering
 * returns the callback's flags plus RK_TUI_POP; the loop pops before it
 * pushes, so the callback may open a further screen.
 */
#include "dialog.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"

struct dialog {
        char *title;
        char *text; /* lines separated by NULs */
        size_t text_size;
        int n_lines;
        int (*answer)(struct rk_tui_app *app, void *ctx, bool yes);
        void *ctx;
        const char *prompt;
};

static int text_lines(char *text)
{
        int n = 1;
        for (char *p = text; *p != '\0'; p++)
                if (*p == '\n') {
                        *p = '\0';
                        n++;
                }
        return n;
}

static int box_width(const struct dialog *d, int cols)
{
        int w = rk_tui_text_cols(d->title) + 4;
        const char *line = d->text;
        for (int i = 0; i < d->n_lines; i++, line += strlen(line) + 1) {
                int lw = rk_tui_text_cols(line) + 4;
                w = lw > w ? lw : w;
        }
        w = w < 30 ? 30 : w;
        return w > cols - 2 ? cols - 2 : w;
}

static void draw_frame(WINDOW *win, int y, int x, int h, int w)
{
        attr_t a = rk_tui_theme_attr(RK_ROLE_NORMAL);
        for (int r = 0; r < h; r++)
                rk_tui_fill(win, y + r, x, w, RK_ROLE_NORMAL);
        mvwhline(win, y, x + 1, ACS_HLINE | a, w - 2);
        mvwhline(win, y + h - 1, x + 1, ACS_HLINE | a, w - 2);
        mvwvline(win, y + 1, x, ACS_VLINE | a, h - 2);
        mvwvline(win, y + 1, x + w - 1, ACS_VLINE | a, h - 2);
        mvwaddch(win, y, x, ACS_ULCORNER | a);
        mvwaddch(win, y, x + w - 1, ACS_URCORNER | a);
        mvwaddch(win, y + h - 1, x, ACS_LLCORNER | a);
        mvwaddch(win, y + h - 1, x + w - 1, ACS_LRCORNER | a);
}

static void dialog_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct dialog *d = state;
        int w = box_width(d, getmaxx(win)), h = d->n_lines + 5;
        int y = (getmaxy(win) - h) / 2, x = (getmaxx(win) - w) / 2;
        draw_frame(win, y, x, h, w);
        int tw = rk_tui_text_cols(d->title) + 2;
        tw = tw < w - 4 ? tw : w - 4;
        rk_tui_print_cell(win, y, x + (w - tw) / 2, tw, RK_ROLE_LABEL, RK_TUI_CENTRE,
                          d->title);
        const char *line = d->text;
        for (int i = 0; i < d->n_lines; i++, line += strlen(line) + 1)
                rk_tui_print(win, y + 2 + i, x + 2, w - 4, RK_ROLE_NORMAL, line);
        rk_tui_print_cell(win, y + h - 2, x + 2, w - 4, RK_ROLE_BAR_KEY, RK_TUI_CENTRE,
                          d->prompt);
}

static int dialog_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        (void)state;
        (void)key;
        return RK_TUI_NONE; /* modal: swallow everything unbound */
}

static void dialog_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dialog *d = state;
        /* the text may be a one-time password: wipe it */
        if (d->text != NULL)
                explicit_bzero(d->text, d->text_size);
        free(d->title);
        free(d->text);
        free(d);
}

static int reply(struct rk_tui_app *app, struct dialog *d, bool yes)
{
        int r = d->answer != NULL ? d->answer(app, d->ctx, yes) : RK_TUI_NONE;
        return (r & ~RK_TUI_UNHANDLED) | RK_TUI_POP;
}

static int act_yes(struct rk_tui_app *app, void *state)
{
        return reply(app, state, true);
}

static int act_no(struct rk_tui_app *app, void *state)
{
        return reply(app, state, false);
}

static const struct rk_tui_binding confirm_keys[] = {
    {'y', "y", N_("Yes"), N_("Answer yes"), act_yes},
    {'Y', "Y", NULL, N_("Answer yes"), act_yes},
    {'n', "n", N_("No"), N_("Answer no"), act_no},
    {'N', "N", NULL, N_("Answer no"), act_no},
    {RK_TUI_KEY_ESC, "Esc", NULL, N_("Answer no"), act_no},
    /* kyllä / ei and ja / nej, as the translated prompt asks */
    {'k', "k", NULL, N_("Answer yes"), act_yes},
    {'K', "K", NULL, N_("Answer yes"), act_yes},
    {'j', "j", NULL, N_("Answer yes"), act_yes},
    {'J', "J", NULL, N_("Answer yes"), act_yes},
    {'e', "e", NULL, N_("Answer no"), act_no},
    {'E', "E", NULL, N_("Answer no"), act_no},
};

static const struct rk_tui_binding info_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("OK"), N_("Close the message"), act_no},
    {RK_TUI_KEY_ESC, "Esc", NULL, N_("Close the message"), act_no},
};

static const struct rk_tui_screen_ops confirm_ops = {
    .name = N_("Question"),
    .flags = RK_TUI_SCREEN_OVERLAY | RK_TUI_SCREEN_NO_GLOBALS,
    .draw = dialog_draw,
    .key = dialog_key,
    .fini = dialog_fini,
    .keys = confirm_keys,
    .n_keys = sizeof(confirm_keys) / sizeof(confirm_keys[0]),
};

static const struct rk_tui_screen_ops info_ops = {
    .name = N_("Message"),
    .flags = RK_TUI_SCREEN_OVERLAY | RK_TUI_SCREEN_NO_GLOBALS,
    .draw = dialog_draw,
    .key = dialog_key,
    .fini = dialog_fini,
    .keys = info_keys,
    .n_keys = sizeof(info_keys) / sizeof(info_keys[0]),
};

static int dialog_open(struct rk_tui_app *app, const struct rk_tui_screen_ops *ops,
                       const char *title, const char *text,
                       int (*answer)(struct rk_tui_app *, void *, bool), void *ctx)
{
        struct dialog *d = calloc(1, sizeof(*d));
        if (d != NULL) {
                d->title = strdup(title);
                d->text = strdup(text);
                d->text_size = strlen(text) + 1;
        }
        if (d == NULL || d->title == NULL || d->text == NULL) {
                if (d != NULL)
                        dialog_fini(app, d);
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        }
        d->n_lines = text_lines(d->text);
        d->answer = answer;
        d->ctx = ctx;
        d->prompt = ops == &confirm_ops ? _("[y/n]") : _("[Enter] OK");
        return rk_tui_push(app, ops, d);
}

int rk_tui_dialog_confirm(struct rk_tui_app *app, const char *title, const char *text,
                          int (*answer)(struct rk_tui_app *app, void *ctx, bool yes),
                          void *ctx)
{
        return dialog_open(app, &confirm_ops, title, text, answer, ctx);
}

int rk_tui_dialog_info(struct rk_tui_app *app, const char *title, const char *text)
{
        return dialog_open(app, &info_ops, title, text, NULL, NULL);
}
