/*
 * field.c - the single-line input field.
 *
 * How it works: the buffer holds valid UTF-8 at all times (input arrives
 * as code points from wget_wch and is encoded with wcrtomb), so moving by
 * one code point is skipping continuation bytes (10xxxxxx). Insertion and
 * deletion are memmove()s inside the caller's buffer; bytes left behind
 * past the NUL are wiped at once. Display widths go through the text
 * module (sanitised width) for plain fields and are a code point count
 * for masked ones, whose text is never decoded for display.
 */
#include "field.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app.h"
#include "draw.h"
#include "rekisteri/text.h"

#define MASK_GLYPH "\u2022"

static bool is_cont(char c)
{
        return ((unsigned char)c & 0xC0) == 0x80;
}

static size_t next_cp(const struct rk_tui_field *f, size_t i)
{
        if (i < f->len)
                i++;
        while (i < f->len && is_cont(f->buf[i]))
                i++;
        return i;
}

static size_t prev_cp(const struct rk_tui_field *f, size_t i)
{
        if (i > 0)
                i--;
        while (i > 0 && is_cont(f->buf[i]))
                i--;
        return i;
}

void rk_tui_field_clear(struct rk_tui_field *f)
{
        explicit_bzero(f->buf, f->cap);
        f->len = f->cur = f->scroll = 0;
}

void rk_tui_field_init(struct rk_tui_field *f, char *buf, size_t cap, size_t max_chars,
                       bool masked)
{
        memset(f, 0, sizeof(*f));
        f->buf = buf;
        f->cap = cap;
        f->max_chars = max_chars;
        f->masked = masked;
        size_t len = strnlen(buf, cap);
        if (len == cap || !rk_utf8_valid(buf, len) ||
            (max_chars > 0 && rk_utf8_chars(buf, len) > max_chars)) {
                rk_tui_field_clear(f);
                return;
        }
        f->len = f->cur = len;
}

size_t rk_tui_field_chars(const struct rk_tui_field *f)
{
        return rk_utf8_chars(f->buf, f->len);
}

static int refuse(struct rk_tui_app *app, const char *why)
{
        if (app != NULL)
                rk_tui_message(app, RK_TUI_WARNING, "%s", why);
        return RK_TUI_REDRAW;
}

static int insert(struct rk_tui_field *f, struct rk_tui_app *app, int cp)
{
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
                return refuse(app, _("Control characters are not allowed here"));
        char mb[MB_LEN_MAX];
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        size_t n = wcrtomb(mb, (wchar_t)cp, &st);
        if (n == (size_t)-1)
                return refuse(app, _("This character cannot be entered"));
        if (f->max_chars > 0 && rk_tui_field_chars(f) >= f->max_chars) {
                explicit_bzero(mb, sizeof(mb));
                return refuse(app, _("The field is full: no more characters fit"));
        }
        if (f->len + n >= f->cap) {
                explicit_bzero(mb, sizeof(mb));
                return refuse(app, _("The field is full: no more bytes fit"));
        }
        memmove(f->buf + f->cur + n, f->buf + f->cur, f->len - f->cur + 1);
        memcpy(f->buf + f->cur, mb, n);
        explicit_bzero(mb, sizeof(mb));
        f->len += n;
        f->cur += n;
        return RK_TUI_REDRAW;
}

/* Remove buf[from..to) and wipe the bytes freed at the end. */
static void erase_range(struct rk_tui_field *f, size_t from, size_t to)
{
        if (to <= from)
                return;
        memmove(f->buf + from, f->buf + to, f->len - to + 1);
        explicit_bzero(f->buf + f->len - (to - from) + 1, to - from);
        f->len -= to - from;
        f->cur = from;
}

static int edit(struct rk_tui_field *f, int key)
{
        switch (key) {
        case RK_TUI_FKEY(KEY_LEFT):
                f->cur = prev_cp(f, f->cur);
                break;
        case RK_TUI_FKEY(KEY_RIGHT):
                f->cur = next_cp(f, f->cur);
                break;
        case RK_TUI_FKEY(KEY_HOME):
        case 0x01: /* ^A */
                f->cur = 0;
                break;
        case RK_TUI_FKEY(KEY_END):
        case 0x05: /* ^E */
                f->cur = f->len;
                break;
        case RK_TUI_FKEY(KEY_BACKSPACE):
                erase_range(f, prev_cp(f, f->cur), f->cur);
                break;
        case RK_TUI_FKEY(KEY_DC):
                erase_range(f, f->cur, next_cp(f, f->cur));
                break;
        case 0x15: /* ^U */
                rk_tui_field_clear(f);
                break;
        default:
                return RK_TUI_UNHANDLED;
        }
        return RK_TUI_REDRAW;
}

int rk_tui_field_key(struct rk_tui_field *f, struct rk_tui_app *app, int key)
{
        int r = edit(f, key);
        if (r != RK_TUI_UNHANDLED)
                return r;
        if (RK_TUI_IS_FKEY(key) || key == RK_TUI_KEY_ESC || key == RK_TUI_KEY_ENTER ||
            key == '\t')
                return RK_TUI_UNHANDLED;
        return insert(f, app, key);
}

/* Display columns of buf[a..b). */
static int seg_cols(const struct rk_tui_field *f, size_t a, size_t b)
{
        if (f->masked)
                return (int)rk_utf8_chars(f->buf + a, b - a);
        char *s = rk_text_sanitize(f->buf + a, b - a);
        int w = 0;
        if (s != NULL) {
                w = rk_text_width(s);
                explicit_bzero(s, strlen(s));
        }
        free(s);
        return w;
}

/* Keep the cursor inside the field, one column spare for it at the end,
 * and show as much text as fits. */
static void scroll_to_cursor(struct rk_tui_field *f, int width)
{
        if (f->cur < f->scroll)
                f->scroll = f->cur;
        while (f->scroll < f->cur && seg_cols(f, f->scroll, f->cur) > width - 1)
                f->scroll = next_cp(f, f->scroll);
        while (f->scroll > 0 && seg_cols(f, prev_cp(f, f->scroll), f->len) <= width - 1)
                f->scroll = prev_cp(f, f->scroll);
}

static void draw_masked(const struct rk_tui_field *f, WINDOW *win, int y, int x,
                        int width, enum rk_tui_role role)
{
        int n = seg_cols(f, f->scroll, f->len);
        for (int i = 0; i < n && i < width; i++)
                rk_tui_print(win, y, x + i, 1, role, MASK_GLYPH);
}

void rk_tui_field_draw(struct rk_tui_field *f, struct rk_tui_app *app, WINDOW *win, int y,
                       int x, int width, bool focus)
{
        enum rk_tui_role role = focus ? RK_ROLE_FIELD_FOCUS : RK_ROLE_FIELD;
        if (width < 2)
                return;
        scroll_to_cursor(f, width);
        rk_tui_fill(win, y, x, width, role);
        if (f->masked)
                draw_masked(f, win, y, x, width, role);
        else
                rk_tui_print(win, y, x, width, role, f->buf + f->scroll);
        if (focus && app != NULL)
                rk_tui_cursor(app, win, y, x + seg_cols(f, f->scroll, f->cur));
}
