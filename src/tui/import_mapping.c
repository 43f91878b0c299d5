/*
 * import_mapping.c - the Import screen's first step: the file's columns
 * and the field each is imported as, for the supervisor to confirm.
 *
 * How it works: a form asks for the file; rk_import_open reads its header
 * and guesses the mapping (Finnish, Swedish and English names). The list
 * shows column number, header and field; Enter asks the field for the
 * selected column (a field name, or "ignore"), F7 saves the mapping in
 * the register under a name and F8 applies a saved one, each through
 * rk_import_map and its checks. F10 goes on to the preview, which
 * refuses a mapping with one field taken twice or no name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "import_ui.h"
#include "rekisteri/i18n.h"

static const struct rk_tui_column map_cols[] = {
    {N_("#"), 3, RK_TUI_RIGHT},
    {N_("Column in the file"), 0, RK_TUI_LEFT},
    {N_("Imported as"), 34, RK_TUI_LEFT},
};

static const char *map_cell(void *ctx, size_t row, size_t col)
{
        struct rk_ui_import *imp = ctx;
        static char buf[96];
        int t = imp->im->map[row];
        if (col == 0)
                snprintf(buf, sizeof(buf), "%zu", row + 1);
        else if (col == 1)
                return imp->im->headers[row];
        else if (t == RK_IMPORT_IGNORE)
                snprintf(buf, sizeof(buf), "%s", _("(ignored)"));
        else
                snprintf(buf, sizeof(buf), "%s (%s)", rk_import_target_name((size_t)t),
                         rk_import_target_label((size_t)t));
        return buf;
}

static int field_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct rk_ui_import *imp = ctx;
        struct rk_error err;
        char spec[64];
        snprintf(spec, sizeof(spec), "%zu=%s", imp->list.sel + 1, v[0]);
        if (rk_import_map(imp->im, spec, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_POP | RK_TUI_REDRAW;
}

static int act_field(struct rk_tui_app *app, void *state)
{
        struct rk_ui_import *imp = state;
        static char now[32];
        int t = imp->im->map[imp->list.sel];
        snprintf(now, sizeof(now), "%s", rk_import_target_name((size_t)t));
        const struct rk_ui_ask ask = {
            .name = _("Import"),
            .heading = _("Import this column as"),
            .hint = _("A field: number, name, kind, business_id, email, phone, street, "
                      "postal_code, city, country, hetu... or ignore."),
            .done = field_done,
            .ctx = imp,
        };
        const struct rk_ui_ask_item item = {_("Field"), now, 30, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

static int saved_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct rk_ui_import *imp = ctx;
        struct rk_error err;
        rk_ui_place(imp->ui, RK_UI_PLACE_IMPORT);
        if (rk_import_map_save(imp->im, v[0], &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_POP |
               rk_tui_message(app, RK_TUI_INFO, _("Mapping saved as %s"), v[0]);
}

static int load_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct rk_ui_import *imp = ctx;
        struct rk_error err;
        if (rk_import_map_load(imp->im, v[0], &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_POP |
               rk_tui_message(app, RK_TUI_INFO, _("Mapping %s applied"), v[0]);
}

static int ask_map_name(struct rk_tui_app *app, struct rk_ui_import *imp, bool save)
{
        const struct rk_ui_ask ask = {
            .name = _("Import"),
            .heading = save ? _("Save this mapping under a name")
                            : _("Apply a mapping saved earlier"),
            .hint = _("Letters, digits, - and _; the next file from the same system can "
                      "use it."),
            .done = save ? saved_done : load_done,
            .ctx = imp,
        };
        const struct rk_ui_ask_item item = {_("Name"), "", 40, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

static int act_save_map(struct rk_tui_app *app, void *state)
{
        return ask_map_name(app, state, true);
}

static int act_load_map(struct rk_tui_app *app, void *state)
{
        return ask_map_name(app, state, false);
}

static int act_preview(struct rk_tui_app *app, void *state)
{
        return rk_ui_import_preview_open(app, state);
}

static void map_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct rk_ui_import *imp = state;
        const struct rk_import *im = imp->im;
        int w = getmaxx(win) - 2, h = getmaxy(win);
        char head[256];
        snprintf(head, sizeof(head), _("Import %s: %s, separator %s, %zu columns"),
                 im->name, rk_csv_encoding_name(im->encoding),
                 im->separator == '\t' ? _("tab") : (im->separator == ';' ? ";" : ","),
                 im->ncols);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, head);
        rk_ui_print_wrapped(win, 1, 1, w, 2, RK_ROLE_DIM,
                            _("Check how each column is imported: Enter changes the "
                              "field. F10 shows what each row would do; nothing is saved "
                              "before you confirm."));
        rk_tui_list_draw(&imp->list, win, 3, 1, h - 3, w);
}

static int map_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct rk_ui_import *)state)->list, key);
}

static void map_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct rk_ui_import *imp = state;
        rk_import_free(imp->im);
        explicit_bzero(imp, sizeof(*imp));
        free(imp);
}

static const struct rk_tui_binding map_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Field"),
     N_("Import the selected column as another field"), act_field},
    {RK_TUI_FKEY(KEY_F(7)), "F7", N_("Save map"), N_("Keep this mapping under a name"),
     act_save_map},
    {RK_TUI_FKEY(KEY_F(8)), "F8", N_("Use map"), N_("Apply a mapping saved earlier"),
     act_load_map},
    {RK_TUI_FKEY(KEY_F(10)), "F10", N_("Preview"), N_("What each row would do"),
     act_preview},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops map_ops = {
    .name = N_("Import: mapping"),
    .draw = map_draw,
    .key = map_key,
    .fini = map_fini,
    .keys = map_keys,
    .n_keys = sizeof(map_keys) / sizeof(map_keys[0]),
};

static int file_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct rk_ui *ui = ctx;
        struct rk_error err;
        if (v[0][0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING, _("Type a file name"));
        struct rk_ui_import *imp = calloc(1, sizeof(*imp));
        if (imp == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        imp->ui = ui;
        rk_ui_place(ui, RK_UI_PLACE_IMPORT);
        if (rk_import_open(ui->session, v[0], &imp->im, &err) != RK_OK) {
                free(imp);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        rk_tui_list_init(&imp->list, map_cols, 3, map_cell, imp, imp->im->ncols);
        return RK_TUI_POP | rk_tui_push(app, &map_ops, imp);
}

int rk_ui_import_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        const struct rk_ui_ask ask = {
            .name = _("Import"),
            .heading = _("Import customers from a spreadsheet's CSV file"),
            .hint = _("Separator and encoding are detected; nothing is saved before you "
                      "confirm."),
            .done = file_done,
            .ctx = ui,
        };
        const struct rk_ui_ask_item item = {_("File"), "", 200, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}
