/*
 * test_tui_widgets.c - cmocka tests of the TUI kit's editing and
 * navigation logic, which needs no terminal: the input field (UTF-8
 * editing, limits, refusal of controls, wiping), the form's focus moves,
 * the list's selection keys and the key-table rules shared by dispatch,
 * bar and help. Drawing is covered by tests/e2e/test_tuikit.sh.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "tui.h"

static int setup_locale(void **state)
{
        (void)state;
        return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void type(struct rk_tui_field *f, const int *keys, size_t n)
{
        for (size_t i = 0; i < n; i++)
                rk_tui_field_key(f, NULL, keys[i]);
}

static bool zero_after_nul(const struct rk_tui_field *f)
{
        for (size_t i = f->len; i < f->cap; i++)
                if (f->buf[i] != '\0')
                        return false;
        return true;
}

static void test_field_utf8_insert(void **state)
{
        (void)state;
        char buf[32] = "";
        struct rk_tui_field f;
        rk_tui_field_init(&f, buf, sizeof(buf), 0, false);
        const int keys[] = {'H', 0xE4, 0x5C71};
        type(&f, keys, 3);
        assert_string_equal(buf, "H\xC3\xA4\xE5\xB1\xB1");
        assert_int_equal(f.len, 6);
        assert_int_equal(f.cur, 6);
        assert_int_equal(rk_tui_field_chars(&f), 3);
}

static void test_field_backspace_delete_per_code_point(void **state)
{
        (void)state;
        char buf[32] = "";
        struct rk_tui_field f;
        rk_tui_field_init(&f, buf, sizeof(buf), 0, false);
        const int keys[] = {'a', 0xE4, 0x5C71, 'b'};
        type(&f, keys, 4);
        rk_tui_field_key(&f, NULL, RK_TUI_FKEY(KEY_LEFT));
        rk_tui_field_key(&f, NULL, RK_TUI_FKEY(KEY_LEFT));
        assert_int_equal(f.cur, 3); /* before the 3-byte CJK character */
        rk_tui_field_key(&f, NULL, RK_TUI_FKEY(KEY_BACKSPACE));
        assert_string_equal(buf, "a\xE5\xB1\xB1"
                                 "b");
        assert_int_equal(f.cur, 1);
        rk_tui_field_key(&f, NULL, RK_TUI_FKEY(KEY_DC));
        assert_string_equal(buf, "ab");
        assert_true(zero_after_nul(&f));
        rk_tui_field_key(&f, NULL, RK_TUI_FKEY(KEY_HOME));
        rk_tui_field_key(&f, NULL, 'X');
        rk_tui_field_key(&f, NULL, RK_TUI_FKEY(KEY_END));
        rk_tui_field_key(&f, NULL, 'Y');
        assert_string_equal(buf, "XabY");
}

static void test_field_byte_limit_refuses(void **state)
{
        (void)state;
        char buf[4] = ""; /* 3 bytes and the NUL */
        struct rk_tui_field f;
        rk_tui_field_init(&f, buf, sizeof(buf), 0, false);
        assert_int_equal(rk_tui_field_key(&f, NULL, 0xE4), RK_TUI_REDRAW);
        assert_int_equal(rk_tui_field_key(&f, NULL, 0xE4), RK_TUI_REDRAW);
        assert_string_equal(buf, "\xC3\xA4"); /* refused whole, not cut */
        rk_tui_field_key(&f, NULL, 'z');
        assert_string_equal(buf, "\xC3\xA4z");
        rk_tui_field_key(&f, NULL, 'z');
        assert_int_equal(f.len, 3);
}

static void test_field_char_limit_refuses(void **state)
{
        (void)state;
        char buf[32] = "";
        struct rk_tui_field f;
        rk_tui_field_init(&f, buf, sizeof(buf), 2, false);
        const int keys[] = {0x5C71, 0x5C71, 'c'};
        type(&f, keys, 3);
        assert_int_equal(rk_tui_field_chars(&f), 2);
        assert_string_equal(buf, "\xE5\xB1\xB1\xE5\xB1\xB1");
}

static void test_field_refuses_controls(void **state)
{
        (void)state;
        char buf[16] = "";
        struct rk_tui_field f;
        rk_tui_field_init(&f, buf, sizeof(buf), 0, false);
        const int keys[] = {0x02, 0x1F, 0x7F, 0x85, 0x9B};
        type(&f, keys, 5);
        assert_int_equal(f.len, 0);
        assert_int_equal(rk_tui_field_key(&f, NULL, RK_TUI_KEY_ESC), RK_TUI_UNHANDLED);
        assert_int_equal(rk_tui_field_key(&f, NULL, '\t'), RK_TUI_UNHANDLED);
        assert_int_equal(rk_tui_field_key(&f, NULL, RK_TUI_FKEY(KEY_F(1))),
                         RK_TUI_UNHANDLED);
        assert_int_equal(f.len, 0);
}

static void test_field_clear_wipes_buffer(void **state)
{
        (void)state;
        char buf[16];
        memset(buf, 'S', sizeof(buf));
        buf[5] = '\0'; /* "SSSSS" with stale bytes after it */
        struct rk_tui_field f;
        rk_tui_field_init(&f, buf, sizeof(buf), 0, true);
        assert_int_equal(f.len, 5);
        rk_tui_field_key(&f, NULL, 0x15); /* ^U */
        assert_int_equal(f.len, 0);
        for (size_t i = 0; i < sizeof(buf); i++)
                assert_int_equal(buf[i], 0);
}

static void test_field_init_rejects_bad_value(void **state)
{
        (void)state;
        char bad[8] = "a\xFF"
                      "b";
        struct rk_tui_field f;
        rk_tui_field_init(&f, bad, sizeof(bad), 0, false);
        assert_int_equal(f.len, 0);
        assert_int_equal(bad[1], 0);
        char noterm[3] = {'a', 'b', 'c'};
        rk_tui_field_init(&f, noterm, sizeof(noterm), 0, false);
        assert_int_equal(f.len, 0);
}

static int submitted;

static int on_submit(struct rk_tui_app *app, void *ctx)
{
        (void)app;
        (void)ctx;
        submitted++;
        return RK_TUI_REDRAW;
}

static void test_form_focus_and_submit(void **state)
{
        (void)state;
        char b1[8] = "", b2[8] = "";
        struct rk_tui_field f1, f2;
        rk_tui_field_init(&f1, b1, sizeof(b1), 0, false);
        rk_tui_field_init(&f2, b2, sizeof(b2), 0, true);
        struct rk_tui_form_item items[] = {{"A", &f1}, {"B", &f2}};
        struct rk_tui_form form;
        rk_tui_form_init(&form, items, 2, on_submit, NULL);
        rk_tui_form_key(&form, NULL, 'x');
        rk_tui_form_key(&form, NULL, '\t');
        rk_tui_form_key(&form, NULL, 'y');
        assert_string_equal(b1, "x");
        assert_string_equal(b2, "y");
        rk_tui_form_key(&form, NULL, '\t');
        assert_int_equal(form.focus, 0); /* wraps */
        rk_tui_form_key(&form, NULL, RK_TUI_FKEY(KEY_BTAB));
        assert_int_equal(form.focus, 1);
        submitted = 0;
        assert_int_equal(rk_tui_form_key(&form, NULL, RK_TUI_KEY_ENTER), RK_TUI_REDRAW);
        assert_int_equal(submitted, 1);
        assert_int_equal(rk_tui_form_key(&form, NULL, RK_TUI_FKEY(KEY_F(2))),
                         RK_TUI_UNHANDLED);
}

static const char *no_cell(void *ctx, size_t row, size_t col)
{
        (void)ctx;
        (void)row;
        (void)col;
        return "";
}

static void test_list_keys(void **state)
{
        (void)state;
        static const struct rk_tui_column cols[] = {{NULL, 0, RK_TUI_LEFT}};
        struct rk_tui_list l;
        rk_tui_list_init(&l, cols, 1, no_cell, NULL, 200);
        l.page = 10;
        rk_tui_list_key(&l, RK_TUI_FKEY(KEY_UP));
        assert_int_equal(l.sel, 0);
        rk_tui_list_key(&l, RK_TUI_FKEY(KEY_NPAGE));
        assert_int_equal(l.sel, 10);
        rk_tui_list_key(&l, RK_TUI_FKEY(KEY_END));
        assert_int_equal(l.sel, 199);
        rk_tui_list_key(&l, RK_TUI_FKEY(KEY_DOWN));
        assert_int_equal(l.sel, 199);
        rk_tui_list_key(&l, RK_TUI_FKEY(KEY_NPAGE));
        assert_int_equal(l.sel, 199);
        rk_tui_list_key(&l, RK_TUI_FKEY(KEY_PPAGE));
        assert_int_equal(l.sel, 189);
        assert_int_equal(rk_tui_list_key(&l, 'x'), RK_TUI_UNHANDLED);
        rk_tui_list_set_rows(&l, 50);
        assert_int_equal(l.sel, 49);
        rk_tui_list_set_rows(&l, 0);
        assert_int_equal(rk_tui_list_key(&l, RK_TUI_FKEY(KEY_END)), RK_TUI_REDRAW);
        assert_int_equal(l.sel, 0);
}

static int noop(struct rk_tui_app *app, void *st)
{
        (void)app;
        (void)st;
        return RK_TUI_NONE;
}

static void test_keymap_global_rules(void **state)
{
        (void)state;
        static const struct rk_tui_binding screen_keys[] = {
            {'q', "q", "Quiet", "Screen's own q", noop},
        };
        struct rk_tui_screen_ops ops = {.name = "t", .keys = screen_keys, .n_keys = 1};
        const struct rk_tui_binding *q =
            rk_tui_keymap_find(rk_tui_default_keys, rk_tui_default_keys_n, 'q');
        const struct rk_tui_binding *f1 = rk_tui_keymap_find(
            rk_tui_default_keys, rk_tui_default_keys_n, RK_TUI_FKEY(KEY_F(1)));
        assert_non_null(q);
        assert_non_null(f1);
        assert_null(rk_tui_keymap_find(rk_tui_default_keys, rk_tui_default_keys_n, 'z'));
        assert_false(rk_tui_keymap_global_live(&ops, q)); /* shadowed */
        assert_true(rk_tui_keymap_global_live(&ops, f1));
        ops.flags = RK_TUI_SCREEN_NO_GLOBALS;
        assert_false(rk_tui_keymap_global_live(&ops, f1));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_field_utf8_insert),
            cmocka_unit_test(test_field_backspace_delete_per_code_point),
            cmocka_unit_test(test_field_byte_limit_refuses),
            cmocka_unit_test(test_field_char_limit_refuses),
            cmocka_unit_test(test_field_refuses_controls),
            cmocka_unit_test(test_field_clear_wipes_buffer),
            cmocka_unit_test(test_field_init_rejects_bad_value),
            cmocka_unit_test(test_form_focus_and_submit),
            cmocka_unit_test(test_list_keys),
            cmocka_unit_test(test_keymap_global_rules),
        };
        return cmocka_run_group_tests(tests, setup_locale, NULL);
}
