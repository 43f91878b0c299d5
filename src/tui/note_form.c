/*
 * note_form.c - the form that adds a free-text note to a customer.
 *
 * How it works: one input field as long as the field table allows (the
 * note's max_chars in fields.c). Before anything is sent to core, the text
 * is searched with rk_text_find_hetu_like(): a note holding something
 * shaped like a valid henkilötunnus is not saved, and a dialog explains
 * that identity codes belong in their own field, which fewer roles may
 * read (core refuses such a note too; the warning comes first so the
 * user knows why). Otherwise rk_note_add() saves it; on success the form
 * pops and done() reloads the caller's tab.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/customer.h"
#include "rekisteri/validate.h"
#include "ui.h"

struct note_form {
        struct rk_ui *ui;
        int64_t id;
        const struct rk_field *f;
        char *body;
        size_t cap;
        struct rk_tui_field field;
        int (*done)(struct rk_tui_app *, void *, int64_t);
        void *ctx;
};

static int note_cancel(struct rk_tui_app *app, void *state)
{
        struct note_form *n = state;
        return rk_ui_leave_form(app, n->body[0] != '\0', rk_tui_action_pop, state);
}

static int note_save(struct rk_tui_app *app, void *state)
{
        struct note_form *n = state;
        struct rk_error err;
        rk_error_clear(&err);
        if (n->body[0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING, _("Type the note first"));
        if (rk_text_find_hetu_like(n->body, NULL, NULL)) {
                rk_tui_message(
                    app, RK_TUI_WARNING,
                    _("Not saved: the note contains a personal identity code"));
                return rk_tui_dialog_info(
                    app, _("Identity code in a note"),
                    _("This note contains what looks like a personal identity\n"
                      "code (henkilötunnus). Identity codes belong in their own\n"
                      "field, which fewer roles may read, not in notes.\n\n"
                      "The note was not saved. Remove the code and save again."));
        }
        rk_ui_place(n->ui, RK_UI_PLACE_NOTE);
        if (rk_note_add(n->ui->session, n->id, n->body, NULL, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO, _("Note saved"));
        return RK_TUI_POP | n->done(app, n->ctx, n->id);
}

static void note_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct note_form *n = state;
        int w = getmaxx(win) - 4;
        char count[48];
        /* the field after the label as the language writes it (Finnish
         * "Muistiinpano:" is 13 columns), from column 8 at the least */
        int fx = 2 + rk_tui_text_cols(_("Note:")) + 1;
        fx = fx > 8 ? fx : 8;
        rk_tui_print(win, 0, 2, w, RK_ROLE_HEADER, _("New note"));
        rk_tui_print(win, 2, 2, fx - 2, RK_ROLE_LABEL, _("Note:"));
        rk_tui_field_draw(&n->field, app, win, 2, fx, w + 2 - fx, true);
        snprintf(count, sizeof(count), _("%zu / %zu characters"),
                 rk_tui_field_chars(&n->field), n->f->max_chars);
        rk_tui_print(win, 3, fx, w + 2 - fx, RK_ROLE_DIM, count);
        rk_ui_print_wrapped(win, 5, fx, w + 2 - fx, 4, RK_ROLE_DIM,
                            _("Notes are kept for 24 months and every role that reads "
                              "notes sees them. Write only what the work needs: no "
                              "identity codes, no health or other special data."));
}

static int note_key(struct rk_tui_app *app, void *state, int key)
{
        struct note_form *n = state;
        if (key == RK_TUI_KEY_ENTER)
                return note_save(app, n);
        return rk_tui_field_key(&n->field, app, key);
}

static void note_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct note_form *n = state;
        if (n->body != NULL)
                explicit_bzero(n->body, n->cap);
        free(n->body);
        free(n);
}

static const struct rk_tui_binding note_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Save"), N_("Save the note (Enter too)"), note_save},
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Close without saving"), note_cancel},
};

static const struct rk_tui_screen_ops note_ops = {
    .name = N_("New note"),
    .draw = note_draw,
    .key = note_key,
    .fini = note_fini,
    .keys = note_keys,
    .n_keys = sizeof(note_keys) / sizeof(note_keys[0]),
};

int rk_ui_note_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                         int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                         void *ctx)
{
        const struct rk_field *f = rk_fields_find(RK_REC_NOTE, "body");
        if (!rk_authorize_write(rk_session_grants(ui->session), RK_GROUP_NOTES))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not write notes"));
        struct note_form *n = calloc(1, sizeof(*n));
        if (n != NULL) {
                n->cap = f->max_chars * 4 + 1;
                n->body = calloc(1, n->cap);
        }
        if (n == NULL || n->body == NULL) {
                free(n);
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        }
        n->ui = ui;
        n->id = id;
        n->f = f;
        n->done = done;
        n->ctx = ctx;
        rk_tui_field_init(&n->field, n->body, n->cap, f->max_chars, false);
        return rk_tui_push(app, &note_ops, n);
}
