/*
 * import_preview.c - the Import screen's second step: what each row of
 * the file would do, before anything is saved.
 *
 * How it works: rk_import_preview reads, repairs, checks and matches
 * every row (core writes nothing). The screen is a list with the same
 * keys as the other lists (Up/Down, PgUp/PgDn, Home/End): row, status and
 * what it does (the name of a new customer, the customer an update
 * changes and which fields, the customer or row a duplicate resembles,
 * the error with its column and rule); under it the counts per status and
 * the selected row's repairs. F3 confirms the selected row: a previously
 * erased person only with a reason (recorded), a possible duplicate as a
 * new customer. While the file is read, the message line says how far it
 * is, and Esc or a signal stops the reading (nothing is saved; the
 * mapping stays). F10 asks, then saves (rk_import_save) with its progress on
 * the message line; Esc or a signal stops it after the batch in flight,
 * and F10 (or the same file imported again) saves the rest. The mapping
 * screen stays below, and the same file previewed again shows what was
 * saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "busywork.h"
#include "dialog.h"
#include "import_ui.h"
#include "rekisteri/i18n.h"

struct preview {
        struct rk_ui_import *imp;
        struct rk_tui_busy busy; /* while saving: keys, signals, progress */
        struct rk_tui_list list;
        char counts[400];
};

static const struct rk_tui_column preview_cols[] = {
    {N_("Row"), 6, RK_TUI_RIGHT},
    {N_("Status"), 18, RK_TUI_LEFT},
    {N_("What it does"), 0, RK_TUI_LEFT},
};

static const char *preview_cell(void *ctx, size_t row, size_t col)
{
        struct preview *p = ctx;
        const struct rk_import_row *r = &p->imp->im->rows[row];
        static char buf[768];
        if (col == 0)
                snprintf(buf, sizeof(buf), "%zu", r->row);
        else if (col == 1)
                return rk_import_status_name(r->status);
        else
                rk_import_row_text(r, buf, sizeof(buf));
        return buf;
}

static void count(struct preview *p)
{
        const struct rk_import *im = p->imp->im;
        size_t used =
            (size_t)snprintf(p->counts, sizeof(p->counts), _("%zu rows:"), im->nrows);
        for (int s = 0; s < RK_IMPORT_STATUS_COUNT && used < sizeof(p->counts); s++) {
                if (s == RK_IMPORT_SAVED && im->counts[s] == 0)
                        continue;
                used += (size_t)snprintf(
                    p->counts + used, sizeof(p->counts) - used, "%s %s %zu", s ? "," : "",
                    rk_import_status_name((enum rk_import_status)s), im->counts[s]);
        }
}

static struct rk_import_row *selected(struct preview *p)
{
        return p->imp->im->nrows ? &p->imp->im->rows[p->list.sel] : NULL;
}

/* ---- confirming a row ---------------------------------------------------- */

static int reason_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct preview *p = ctx;
        struct rk_error err;
        if (rk_import_confirm(p->imp->im, selected(p)->row, v[0], &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_POP | rk_tui_message(app, RK_TUI_INFO,
                                           _("Row %zu will be imported; the reason is "
                                             "recorded"),
                                           selected(p)->row);
}

static int duplicate_answer(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct preview *p = ctx;
        struct rk_error err;
        if (!yes)
                return RK_TUI_REDRAW;
        if (rk_import_confirm(p->imp->im, selected(p)->row, NULL, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return rk_tui_message(app, RK_TUI_INFO, _("Row %zu will be a new customer"),
                              selected(p)->row);
}

static int act_confirm(struct rk_tui_app *app, void *state)
{
        struct preview *p = state;
        struct rk_import_row *r = selected(p);
        char text[256];
        if (r == NULL ||
            (r->status != RK_IMPORT_ERASED && r->status != RK_IMPORT_DUPLICATE))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Only a previously erased row or a possible "
                                        "duplicate is confirmed"));
        if (r->status == RK_IMPORT_DUPLICATE) {
                snprintf(text, sizeof(text),
                         _("Import row %zu as a new customer although it resembles "
                           "another?"),
                         r->row);
                return rk_tui_dialog_confirm(app, _("Possible duplicate"), text,
                                             duplicate_answer, p);
        }
        const struct rk_ui_ask ask = {
            .name = _("Import"),
            .heading = _("This person was erased. Why import them again?"),
            .hint = _("The reason is recorded with the import and in the audit trail."),
            .done = reason_done,
            .ctx = p,
        };
        const struct rk_ui_ask_item item = {_("Reason"), "", 200, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

/* ---- saving --------------------------------------------------------------- */

/* While saving, after each batch: the progress on the message line. A
 * signal (a closed SSH connection, SIGTERM, Ctrl-C) or Esc stops after
 * the batch just saved; other keys are told to wait (busywork.h). */
static void saving(void *ctx, int64_t done, int64_t total)
{
        struct preview *p = ctx;
        char line[160];
        snprintf(line, sizeof(line), _("Saving: %lld of %lld rows… Esc stops"),
                 (long long)done, (long long)total);
        if (rk_tui_busy_poll(&p->busy, line))
                p->imp->im->stop = true;
}

/* The save itself, deferred so that the question is gone and "Saving…"
 * is on the screen first. */
static int save(struct rk_tui_app *app, void *state)
{
        struct preview *p = state;
        struct rk_import *im = p->imp->im;
        struct rk_import_result res;
        struct rk_error err;
        rk_ui_place(p->imp->ui, RK_UI_PLACE_IMPORT);
        rk_tui_busy_start(&p->busy, app,
                          _("Busy saving the import; Esc stops it after the batch in "
                            "flight"));
        if (rk_import_save(im, saving, p, &res, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        /* what a stop said at exit no longer holds once the rest is saved */
        p->imp->ui->farewell[0] = '\0';
        if (!res.stopped)
                return rk_tui_message(app, RK_TUI_INFO,
                                      _("Saved: %zu created, %zu updated (import job "
                                        "%lld)"),
                                      res.created, res.updated, (long long)res.job_id);
        /* the program may be ending (a signal): say it after the screen */
        snprintf(p->imp->ui->farewell, sizeof(p->imp->ui->farewell),
                 _("the import of %s stopped after row %zu: the rows before it are "
                   "saved (%zu created, %zu updated); importing the same file again "
                   "saves the rest"),
                 im->name, im->resume_after, res.created, res.updated);
        return rk_tui_message(app, RK_TUI_WARNING,
                              _("Stopped after row %zu: %zu created, %zu updated. F10 "
                                "saves the rest."),
                              im->resume_after, res.created, res.updated);
}

static int save_answer(struct rk_tui_app *app, void *ctx, bool yes)
{
        if (!yes)
                return rk_tui_message(app, RK_TUI_INFO, _("Nothing was saved"));
        rk_tui_message(app, RK_TUI_INFO, _("Saving…"));
        return rk_tui_defer(app, save, ctx);
}

static int act_save(struct rk_tui_app *app, void *state)
{
        struct preview *p = state;
        const struct rk_import *im = p->imp->im;
        size_t confirmed = 0, news = 0, updates = 0;
        char text[256];
        /* rows saved before a stop or a failed batch are not saved again */
        for (size_t i = 0; i < im->nrows; i++) {
                const struct rk_import_row *r = &im->rows[i];
                if (r->row <= im->resume_after)
                        continue;
                confirmed += r->confirmed;
                news += r->status == RK_IMPORT_NEW;
                updates += r->status == RK_IMPORT_UPDATE;
        }
        snprintf(text, sizeof(text),
                 _("Save %zu new customers, %zu updates and %zu confirmed rows?\nErrors, "
                   "unchanged rows and rows not confirmed are skipped."),
                 news, updates, confirmed);
        return rk_tui_dialog_confirm(app, _("Import"), text, save_answer, p);
}

/* ---- the screen -------------------------------------------------------------- */

static void preview_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct preview *p = state;
        int w = getmaxx(win) - 2, h = getmaxy(win);
        char head[200], repairs[512];
        snprintf(head, sizeof(head), _("Preview of %s: nothing is saved before F10"),
                 p->imp->im->name);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, head);
        rk_ui_print_wrapped(win, 1, 1, w, 2, RK_ROLE_DIM, p->counts);
        struct rk_import_row *r = selected(p);
        repairs[0] = '\0';
        if (r != NULL)
                rk_import_repairs_text(r, repairs, sizeof(repairs));
        if (p->imp->im->nrows == 0) {
                rk_tui_print(win, 4, 2, w, RK_ROLE_DIM, _("The file has no rows."));
                return;
        }
        rk_tui_list_draw(&p->list, win, 3, 1, h - 7, w);
        /* the selected row in full: a long error does not fit its cell */
        char line[800];
        rk_import_row_text(r, line, sizeof(line));
        rk_ui_print_wrapped(win, h - 3, 1, w, 2, RK_ROLE_NORMAL, line);
        snprintf(line, sizeof(line), _("Repaired: %s"),
                 repairs[0] ? repairs : _("nothing"));
        rk_ui_print_wrapped(win, h - 1, 1, w, 1, RK_ROLE_DIM, line);
}

static int preview_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct preview *)state)->list, key);
}

static void preview_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static const struct rk_tui_binding preview_keys[] = {
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Confirm"),
     N_("Import the selected erased or duplicate row anyway"), act_confirm},
    {RK_TUI_FKEY(KEY_F(10)), "F10", N_("Save"), N_("Save the import"), act_save},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the mapping"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops preview_ops = {
    .name = N_("Import: preview"),
    .draw = preview_draw,
    .key = preview_key,
    .fini = preview_fini,
    .keys = preview_keys,
    .n_keys = sizeof(preview_keys) / sizeof(preview_keys[0]),
};

/* The preview's reading, for its progress: the import being read, and the
 * keys, signals and progress line while it is read. */
struct reading {
        struct rk_ui_import *imp;
        struct rk_tui_busy busy; /* keys, signals, progress */
};

/* While the preview reads the file, every thousand rows: how far it is on
 * the message line. Esc or a signal ends the reading there (busywork.h):
 * nothing is saved, and the mapping stays on the screen. */
static void reading(void *ctx, int64_t done, int64_t total)
{
        struct reading *r = ctx;
        char line[200];
        snprintf(line, sizeof(line), _("Reading %s: %d %%… Esc stops"), r->imp->im->name,
                 total > 0 ? (int)(done * 100 / total) : 0);
        if (rk_tui_busy_poll(&r->busy, line))
                r->imp->im->stop = true;
}

int rk_ui_import_preview_open(struct rk_tui_app *app, struct rk_ui_import *imp)
{
        struct rk_error err;
        struct reading r = {.imp = imp};
        rk_ui_place(imp->ui, RK_UI_PLACE_IMPORT);
        rk_tui_busy_start(&r.busy, app,
                          _("Busy reading the file; Esc stops the reading"));
        reading(&r, 0, 0);
        int rc = rk_import_preview(imp->im, reading, &r, &err);
        /* the program may be ending (a signal): say it after the screen */
        if (rc == RK_ERR_STOPPED && rk_tui_signalled())
                snprintf(imp->ui->farewell, sizeof(imp->ui->farewell), "%.*s",
                         (int)sizeof(imp->ui->farewell) - 1, err.msg);
        if (rc == RK_ERR_STOPPED)
                return rk_tui_message(app, RK_TUI_WARNING, "%s", err.msg);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        struct preview *p = calloc(1, sizeof(*p));
        if (p == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        p->imp = imp;
        rk_tui_list_init(&p->list, preview_cols, 3, preview_cell, p, imp->im->nrows);
        count(p);
        rk_tui_message(app, RK_TUI_INFO, "%s", ""); /* the reading is done */
        return rk_tui_push(app, &preview_ops, p);
}
