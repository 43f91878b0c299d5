/*
 * field.h - a single-line UTF-8 input field.
 *
 * The field edits a buffer that the caller owns and passes in, so a
 * password can live in sodium_malloc'd memory: the field never copies the
 * text anywhere else, wipes bytes it removes, and in masked mode draws one
 * '•' per code point without reading the text for display. The buffer
 * always holds valid, NUL-terminated UTF-8. Limits are in bytes (the
 * buffer) and in code points; a key that would pass a limit is refused
 * with a message, never silently cut. C0 and C1 controls and DEL are
 * refused as input. When the text is wider than the field it scrolls
 * horizontally to keep the cursor visible.
 *
 * Keys: printable characters insert at the cursor; Left/Right, Home/End
 * (also ^A/^E) move; Backspace and Delete remove one code point; ^U clears
 * and wipes.
 */
#ifndef RK_TUI_FIELD_H
#define RK_TUI_FIELD_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

struct rk_tui_app;

struct rk_tui_field {
        char *buf;        /* the caller's buffer */
        size_t cap;       /* its size in bytes, the NUL included */
        size_t max_chars; /* code point limit; 0 = only the byte limit */
        size_t len;       /* bytes in use */
        size_t cur;       /* cursor: byte offset at a code point start */
        size_t scroll;    /* first byte shown */
        bool masked;
};

/*
 * rk_tui_field_init - attach f to buf[0..cap) (cap >= 1). A NUL-terminated
 * valid UTF-8 value already in buf within the limits is kept for editing
 * (cursor at its end); anything else is wiped. The caller keeps ownership
 * of buf and must keep it alive while f is used.
 */
void rk_tui_field_init(struct rk_tui_field *f, char *buf, size_t cap, size_t max_chars,
                       bool masked);

/* rk_tui_field_clear - wipe the whole buffer and empty the field. */
void rk_tui_field_clear(struct rk_tui_field *f);

/* rk_tui_field_chars - the number of code points in the field. */
size_t rk_tui_field_chars(const struct rk_tui_field *f);

/*
 * rk_tui_field_key - edit by one key (encoding as in keymap.h). Returns
 * RK_TUI_REDRAW when the key was used or refused (a refusal sets a warning
 * on app's message line; app may be NULL), RK_TUI_UNHANDLED otherwise.
 */
int rk_tui_field_key(struct rk_tui_field *f, struct rk_tui_app *app, int key);

/*
 * rk_tui_field_draw - draw f at y, x of win in width columns, styled as
 * focused or not; when focused and app is not NULL, places the terminal
 * cursor. Updates f->scroll only.
 */
void rk_tui_field_draw(struct rk_tui_field *f, struct rk_tui_app *app, WINDOW *win, int y,
                       int x, int width, bool focus);

#endif
