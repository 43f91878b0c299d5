/*
 * ask.c - the question form of ask.h.
 *
 * How it works: up to RK_UI_ASK_MAX kit fields (field.h) in a kit form
 * (form.h); plain answers live in the state, masked ones in guarded
 * memory through rk_ui_secret. The screen's ops live in the state because
 * the name differs per question, as in menu.c. With ask.slow set, Enter
 * only puts the notice on the message line and defers done() to after the
 * next frame (rk_tui_defer), so the user sees why the program waits; the
 * form stays on the stack until then, so its answers stay alive.
 */
#include "ask.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASK_TEXT 256

struct ask {
        struct rk_tui_screen_ops ops;
        struct rk_ui_ask ask;
        struct rk_ui_ask_item items[RK_UI_ASK_MAX];
        size_t n;
        char text[RK_UI_ASK_MAX][ASK_TEXT];
        struct rk_ui_secret secret[RK_UI_ASK_MAX];
        struct rk_tui_field plain[RK_UI_ASK_MAX];
        struct rk_tui_form_item form_items[RK_UI_ASK_MAX];
        struct rk_tui_form form;
};

static int ask_finish(struct rk_tui_app *app, void *state)
{
        struct ask *a = state;
        const char *values[RK_UI_ASK_MAX];
        for (size_t i = 0; i < a->n; i++)
                values[i] =
                    a->items[i].masked ? rk_ui_secret_text(&a->secret[i]) : a->text[i];
        return a->ask.done(app, a->ask.ctx, values);
}

static int ask_submit(struct rk_tui_app *app, void *ctx)
{
        struct ask *a = ctx;
        if (a->ask.slow == NULL)
                return ask_finish(app, a);
        rk_tui_message(app, RK_TUI_INFO, "%s", a->ask.slow);
        return rk_tui_defer(app, ask_finish, a);
}

static int ask_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct ask *a = state;
        for (size_t i = 0; i < a->n; i++) {
                struct rk_tui_field *f = &a->plain[i];
                size_t max = a->items[i].max_chars;
                if (a->items[i].masked) {
                        if (rk_ui_secret_init(&a->secret[i], max) != RK_OK)
                                return RK_ERR_NOMEM;
                        f = &a->secret[i].field;
                } else {
                        snprintf(a->text[i], ASK_TEXT, "%s",
                                 a->items[i].initial ? a->items[i].initial : "");
                        rk_tui_field_init(f, a->text[i], ASK_TEXT,
                                          max < ASK_TEXT ? max : ASK_TEXT - 1, false);
                }
                a->form_items[i] = (struct rk_tui_form_item){a->items[i].label, f};
        }
        rk_tui_form_init(&a->form, a->form_items, a->n, ask_submit, a);
        return RK_OK;
}

static void ask_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct ask *a = state;
        int w = getmaxx(win) - 8;
        rk_tui_print(win, 1, 4, w, RK_ROLE_HEADER, a->ask.heading);
        rk_tui_form_draw(&a->form, app, win, 3, 4, 14, w - 16 < 60 ? w - 16 : 60);
        int y = 3 + 2 * (int)a->n;
        char line[320];
        for (const char *h = a->ask.hint; h != NULL && *h != '\0'; y++) {
                size_t len = strcspn(h, "\n");
                snprintf(line, sizeof(line), "%.*s", (int)len, h);
                int used = rk_ui_print_wrapped(win, y, 6, w - 2, 2, RK_ROLE_DIM, line);
                y += used > 1 ? used - 1 : 0;
                h += len + (h[len] == '\n');
        }
        rk_tui_print(win, y, 6, w - 2, RK_ROLE_DIM,
                     _("Tab moves between fields. Enter goes on, Esc cancels."));
}

static int ask_key(struct rk_tui_app *app, void *state, int key)
{
        return rk_tui_form_key(&((struct ask *)state)->form, app, key);
}

static void ask_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct ask *a = state;
        for (size_t i = 0; i < RK_UI_ASK_MAX; i++)
                rk_ui_secret_fini(&a->secret[i]);
        sodium_memzero(a->text, sizeof(a->text));
        free(a);
}

static const struct rk_tui_binding ask_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Close the form without going on"),
     rk_tui_action_pop},
};

int rk_ui_ask_open(struct rk_tui_app *app, const struct rk_ui_ask *ask,
                   const struct rk_ui_ask_item *items, size_t n)
{
        struct ask *a = calloc(1, sizeof(*a));
        if (a == NULL || n == 0 || n > RK_UI_ASK_MAX) {
                free(a);
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        }
        a->ask = *ask;
        a->n = n;
        memcpy(a->items, items, n * sizeof(*items));
        a->ops = (struct rk_tui_screen_ops){
            .name = ask->name,
            .init = ask_init,
            .draw = ask_draw,
            .key = ask_key,
            .fini = ask_fini,
            .keys = ask_keys,
            .n_keys = sizeof(ask_keys) / sizeof(ask_keys[0]),
        };
        return rk_tui_push(app, &a->ops, a);
}
