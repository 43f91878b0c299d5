/*
 * kit_demo.c - test fixture for the TUI kit (not product code).
 *
 * A small program that uses every part of src/tui so that
 * tests/e2e/test_tuikit.sh can drive it in tmux: a 200-row customer list
 * holding Finnish/Swedish/CJK names and hostile strings (an OSC title
 * escape and U+202E), a sign-in form with a masked password field and a
 * long field that scrolls horizontally,
 * confirm and info dialogs, the generated help screen, and with
 * --idle-lock N an on_tick hook that replaces the whole stack with a lock
 * screen after N idle seconds. --no-color selects the monochrome theme.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define ROWS 200

static const char *const names[] = {
    "Hämäläinen, Aino",       "Åström, Björn",
    "山田太郎 (Yamada Tarō)", "Evil\x1b]0;pwned\aName",
    "abc\u202Edef reversed?", "Virtanen, Matti",
    "Østergård, Søren",       "李小龍 Lee",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

static const char *const cities[] = {"Helsinki", "Tukholma", "東京", "Oulu"};

/* ---- the list screen ---- */

struct customers {
        struct rk_tui_list list;
        char num[16];
};

static const struct rk_tui_column customer_columns[] = {
    {"#", 5, RK_TUI_RIGHT},
    {"Name", 0, RK_TUI_LEFT},
    {"City", 14, RK_TUI_LEFT},
};

static const char *customer_cell(void *ctx, size_t row, size_t col)
{
        struct customers *c = ctx;
        if (col == 0) {
                snprintf(c->num, sizeof(c->num), "%zu", row + 1);
                return c->num;
        }
        return col == 1 ? names[row % N_NAMES] : cities[row % 4];
}

static int customers_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct customers *c = state;
        rk_tui_list_init(&c->list, customer_columns, 3, customer_cell, c, ROWS);
        return RK_OK;
}

static void customers_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct customers *c = state;
        rk_tui_list_draw(&c->list, win, 0, 0, getmaxy(win), getmaxx(win));
}

static int customers_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct customers *)state)->list, key);
}

static void free_state(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static int open_signin(struct rk_tui_app *app, void *state);

static int answered(struct rk_tui_app *app, void *ctx, bool yes)
{
        (void)ctx;
        return rk_tui_message(app, yes ? RK_TUI_INFO : RK_TUI_WARNING, "Answer: %s",
                              yes ? "yes" : "no");
}

static int ask(struct rk_tui_app *app, void *state)
{
        return rk_tui_dialog_confirm(app, "Conflict", "Changed by someone else.\nReload?",
                                     answered, state);
}

static int info(struct rk_tui_app *app, void *state)
{
        (void)state;
        return rk_tui_dialog_info(app, "About", "TUI kit demo\nHämäläinen 山田");
}

static const struct rk_tui_binding customer_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", "Open", "Open the sign-in form", open_signin},
    {RK_TUI_FKEY(KEY_F(2)), "F2", "Ask", "Ask a yes/no question", ask},
    {RK_TUI_FKEY(KEY_F(3)), "F3", "About", "Show an information box", info},
};

static const struct rk_tui_screen_ops customers_ops = {
    .name = "Customers",
    .init = customers_init,
    .draw = customers_draw,
    .key = customers_key,
    .fini = free_state,
    .keys = customer_keys,
    .n_keys = sizeof(customer_keys) / sizeof(customer_keys[0]),
};

/* ---- the sign-in form screen ---- */

struct signin {
        char user[81];
        char pass[64]; /* the product passes sodium_malloc'd memory */
        char notes[401];
        struct rk_tui_field f_user, f_pass, f_notes;
        struct rk_tui_form_item items[3];
        struct rk_tui_form form;
};

static int signin_submit(struct rk_tui_app *app, void *ctx)
{
        struct signin *s = ctx;
        return rk_tui_message(
            app, RK_TUI_INFO, "Submitted: user %zu chars, password %zu chars",
            rk_tui_field_chars(&s->f_user), rk_tui_field_chars(&s->f_pass));
}

static int signin_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct signin *s = state;
        rk_tui_field_init(&s->f_user, s->user, sizeof(s->user), 20, false);
        rk_tui_field_init(&s->f_pass, s->pass, sizeof(s->pass), 32, true);
        rk_tui_field_init(&s->f_notes, s->notes, sizeof(s->notes), 100, false);
        s->items[0] = (struct rk_tui_form_item){"Username", &s->f_user};
        s->items[1] = (struct rk_tui_form_item){"Password", &s->f_pass};
        s->items[2] = (struct rk_tui_form_item){"Notes", &s->f_notes};
        rk_tui_form_init(&s->form, s->items, 3, signin_submit, s);
        return RK_OK;
}

static void signin_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct signin *s = state;
        rk_tui_print(win, 1, 4, 60, RK_ROLE_HEADER, "Sign in (Tab moves, Enter submits)");
        rk_tui_form_draw(&s->form, app, win, 3, 2, 12, 30);
}

static int signin_key(struct rk_tui_app *app, void *state, int key)
{
        return rk_tui_form_key(&((struct signin *)state)->form, app, key);
}

static void signin_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        explicit_bzero(state, sizeof(struct signin));
        free(state);
}

static const struct rk_tui_binding signin_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", "Back", "Back to the list", rk_tui_action_pop},
};

static const struct rk_tui_screen_ops signin_ops = {
    .name = "Sign in",
    .init = signin_init,
    .draw = signin_draw,
    .key = signin_key,
    .fini = signin_fini,
    .keys = signin_keys,
    .n_keys = 1,
};

static int open_signin(struct rk_tui_app *app, void *state)
{
        (void)state;
        struct signin *s = calloc(1, sizeof(*s));
        if (s == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, "Out of memory");
        return rk_tui_push(app, &signin_ops, s);
}

/* ---- the lock screen and the idle hook ---- */

static void lock_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        (void)state;
        rk_tui_print_cell(win, getmaxy(win) / 2, 0, getmaxx(win), RK_ROLE_BANNER,
                          RK_TUI_CENTRE, "Locked after inactivity. Press Enter.");
}

static int unlock(struct rk_tui_app *app, void *state)
{
        (void)state;
        struct customers *c = calloc(1, sizeof(*c));
        if (c == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, "Out of memory");
        return rk_tui_reset(app, &customers_ops, c);
}

static const struct rk_tui_binding lock_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", "Unlock", "Start again from the list", unlock},
    {RK_TUI_FKEY(KEY_F(10)), "F10", "Quit", "Leave the program", rk_tui_action_quit},
};

static const struct rk_tui_screen_ops lock_ops = {
    .name = "Locked",
    .flags = RK_TUI_SCREEN_NO_GLOBALS,
    .draw = lock_draw,
    .keys = lock_keys,
    .n_keys = 2,
};

static int idle_tick(struct rk_tui_app *app, void *ctx)
{
        long idle_s = *(long *)ctx;
        if (idle_s <= 0 || rk_tui_top(app) == &lock_ops)
                return RK_TUI_NONE;
        if (rk_tui_now_ms() - rk_tui_last_input_ms(app) < (uint64_t)idle_s * 1000u)
                return RK_TUI_NONE;
        return rk_tui_reset(app, &lock_ops, NULL);
}

int main(int argc, char **argv)
{
        setlocale(LC_ALL, "");
        long idle_s = 0;
        struct rk_tui_config cfg = {
            .title = "kit demo", .on_tick = idle_tick, .ctx = &idle_s};
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--no-color") == 0)
                        cfg.no_color = true;
                else if (strcmp(argv[i], "--idle-lock") == 0 && i + 1 < argc)
                        idle_s = strtol(argv[++i], NULL, 10);
        }
        struct customers *c = calloc(1, sizeof(*c));
        if (c == NULL)
                return 1;
        struct rk_error err;
        rk_error_clear(&err);
        int rc = rk_tui_run(&cfg, &customers_ops, c, &err);
        if (rc != RK_OK) {
                fprintf(stderr, "kit_demo: %s\n", err.msg);
                return 1;
        }
        return rk_tui_last_signal() != 0 ? 128 + rk_tui_last_signal() : 0;
}
