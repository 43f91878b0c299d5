/*
 * dsr_step_execute.c - step 5 of the request wizard (dsr_ui.h): carry the
 * request out, in one transaction (rk_dsr_execute), after a y/n question.
 *
 * How it works, by type:
 *   access, portability  a field names the directory the export goes to
 *                        (default: the user's home directory); core
 *                        creates dsr-ID.json and dsr-ID.txt there with
 *                        mode 0600 (0660 in a shared directory) and never
 *                        overwrites, and the next step
 *                        shows the paths written; F5 chooses the report's
 *                        language, the customer's own by default;
 *   rectification        the subjects are listed and F4 hands the selected
 *                        record's customer over to the customer edit form
 *                        (every change audited there); executing records
 *                        that the corrections are done;
 *   the others           a sentence says what will happen.
 * Execution can take a moment (an erasure rewrites the search index and
 * truncates the WAL): it runs deferred, after "Carrying out..." is drawn.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsr_ui.h"
#include "rekisteri/i18n.h"
#include "rekisteri/dsr_outbox.h"

static bool writes_files(enum rk_dsr_type t)
{
        return t == RK_DSR_ACCESS || t == RK_DSR_PORTABILITY;
}

/* The register's export directory on a server (staff cannot copy files
 * off it; a fetching account can), else the user's home directory, else
 * the working directory. */
static void default_dir(const struct rk_ui *ui, char *out, size_t size)
{
        if (rk_dsr_outbox_dir(ui->cfg, ui->db_path, out, size))
                return;
        const char *home = getenv("HOME");
        const struct passwd *pw = NULL;
        if (home == NULL || home[0] != '/') {
                pw = getpwuid(getuid());
                home = pw != NULL ? pw->pw_dir : NULL;
        }
        if (home != NULL && home[0] == '/')
                snprintf(out, size, "%s", home);
        else if (getcwd(out, size) == NULL)
                snprintf(out, size, "/tmp");
}

static int exec_enter(struct rk_tui_app *app, struct dsr_wizard *w, struct rk_error *err)
{
        (void)app;
        (void)err;
        if (w->exec.f_dir.buf == NULL) {
                default_dir(w->ui, w->exec.dir, sizeof(w->exec.dir));
                rk_tui_field_init(&w->exec.f_dir, w->exec.dir, sizeof(w->exec.dir), 1000,
                                  false);
        }
        rk_tui_list_init(&w->exec.list, dsr_subject_columns, DSR_SUBJECT_NCOLS,
                         dsr_subject_cell, w, w->req.nsubjects);
        if (w->exec.lang[0] == '\0' && writes_files(w->req.type))
                return rk_dsr_report_language(w->ui->session, w->req.id, w->exec.lang,
                                              err);
        return RK_OK;
}

/* A language named in itself, as the person reads it. */
static const char *language_name(const char *lang)
{
        return strcmp(lang, "sv") == 0   ? "Svenska"
               : strcmp(lang, "en") == 0 ? "English"
                                         : "Suomi";
}

static const char *what_happens(const struct dsr_wizard *w)
{
        switch (w->req.type) {
        case RK_DSR_ACCESS:
        case RK_DSR_PORTABILITY:
                return _(
                    "The person's data is written as a JSON file (the export schema) "
                    "and a readable text report, both yours only (0600; 0660 for "
                    "the group in a shared directory), into:");
        case RK_DSR_RECTIFICATION:
                return _("Correct the data in the customer form: select a record and "
                         "press F4 (every change is audited). When the corrections are "
                         "done, Enter records the request as carried out.");
        case RK_DSR_ERASURE:
                return _("The records are erased as previewed; this cannot be undone. "
                         "Orders under the bookkeeping hold stay with their amounts, "
                         "with no personal field. Identifiers go to the suppression list "
                         "as keyed hashes.");
        case RK_DSR_RESTRICTION:
                return _(
                    "Processing is restricted: the records disappear from sales, "
                    "billing and warehouse views, from search and from exports, "
                    "until the restriction is lifted (a later step of this request).");
        case RK_DSR_OBJECTION:
                return _("The objection is recorded for the purpose, and marketing "
                         "consents in force for it are withdrawn.");
        default:
                return _("The consent in force for the purpose is withdrawn; the record "
                         "stays as proof.");
        }
}

static void exec_draw(struct rk_tui_app *app, struct dsr_wizard *w, WINDOW *win, int y)
{
        int width = getmaxx(win) - 4;
        y +=
            rk_ui_print_wrapped(win, y, 2, width, 4, RK_ROLE_NORMAL, what_happens(w)) + 1;
        if (writes_files(w->req.type)) {
                rk_tui_print(win, y, 2, 11, RK_ROLE_LABEL, _("Directory:"));
                rk_tui_field_draw(&w->exec.f_dir, app, win, y, 13, width - 11, true);
                rk_tui_print(win, y + 1, 13, width - 11, RK_ROLE_DIM,
                             _("an existing directory; files are never overwritten"));
                char lang[120];
                snprintf(lang, sizeof(lang), _("Report language: %s (F5 changes it)"),
                         language_name(w->exec.lang));
                rk_tui_print(win, y + 2, 2, width, RK_ROLE_NORMAL, lang);
                y += 4;
        } else if (w->req.type == RK_DSR_RECTIFICATION) {
                rk_tui_list_draw(&w->exec.list, win, y, 2, getmaxy(win) - y - 2, 40);
                y = getmaxy(win) - 2;
        }
        rk_tui_print(win, y, 2, width, RK_ROLE_WARNING,
                     _("Enter asks for confirmation (y/n); it runs in one transaction."));
}

static int exec_key(struct rk_tui_app *app, struct dsr_wizard *w, int key)
{
        if (writes_files(w->req.type))
                return rk_tui_field_key(&w->exec.f_dir, app, key);
        if (w->req.type == RK_DSR_RECTIFICATION)
                return rk_tui_list_key(&w->exec.list, key);
        return RK_TUI_UNHANDLED;
}

/* ---- carrying out ------------------------------------------------------------- */

static int run(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        struct rk_error err;
        struct rk_dsr_result res;
        rk_error_clear(&err);
        memset(&res, 0, sizeof(res));
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        bool files = writes_files(w->req.type);
        int rc = rk_dsr_execute_in(w->ui->session, w->req.id, files ? w->exec.dir : NULL,
                                   files ? w->exec.lang : NULL, &res, &err);
        if (rc == RK_ERR_EXISTS)
                return rk_tui_message(
                    app, RK_TUI_ERROR,
                    _("A file of request %lld is there already; nothing "
                      "overwritten. Choose another."),
                    (long long)w->req.id);
        if (rc != RK_OK)
                return dsr_wizard_fail(app, &err);
        w->close.result = res;
        w->close.executed_now = true;
        if (dsr_wizard_reload(w, &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        rk_tui_message(
            app, res.flushed || res.flush_note[0] == '\0' ? RK_TUI_INFO : RK_TUI_WARNING,
            res.flush_note[0] ? _("Request %lld carried out: %s")
                              : _("Request %lld carried out"),
            (long long)w->req.id, res.flush_note);
        return dsr_wizard_go(app, w, DSR_CLOSE);
}

static int answer(struct rk_tui_app *app, void *ctx, bool yes)
{
        if (!yes)
                return rk_tui_message(app, RK_TUI_INFO, _("Not carried out"));
        rk_tui_message(app, RK_TUI_INFO, _("Carrying out the request..."));
        return rk_tui_defer(app, run, ctx);
}

static int act_execute(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        char text[200];
        if (writes_files(w->req.type) && w->exec.dir[0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Type the directory to write to"));
        snprintf(text, sizeof(text), _("Carry out request %lld (%s) now?%s"),
                 (long long)w->req.id, rk_dsr_type_name(w->req.type),
                 w->req.type == RK_DSR_ERASURE ? _("\nThe erasure cannot be undone.")
                                               : "");
        return rk_tui_dialog_confirm(app, _("Carry out the request"), text, answer, w);
}

static int edited(struct rk_tui_app *app, void *ctx, int64_t id)
{
        (void)ctx;
        (void)id;
        return rk_tui_message(
            app, RK_TUI_INFO,
            _("Saved (audited). F4 again for another record; Enter when "
              "done."));
}

static int act_edit(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        if (w->req.nsubjects == 0)
                return RK_TUI_NONE;
        const struct rk_dsr_subject *s = &w->req.subjects[w->exec.list.sel];
        if (s->kind == RK_DSR_SUBJECT_CONTACT)
                rk_tui_message(
                    app, RK_TUI_INFO,
                    _("A contact person is corrected on the company's record"));
        return rk_ui_customer_form_open(app, w->ui, s->customer_id,
                                        (rk_groupset)((1u << RK_GROUP_COUNT) - 1), edited,
                                        w);
}

static int act_back(struct rk_tui_app *app, void *state)
{
        return dsr_wizard_go(app, state, DSR_PREVIEW);
}

/* F5: the report's next language, fi -> sv -> en -> fi. */
static int act_language(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dsr_wizard *w = state;
        const char *next = strcmp(w->exec.lang, "fi") == 0   ? "sv"
                           : strcmp(w->exec.lang, "sv") == 0 ? "en"
                                                             : "fi";
        snprintf(w->exec.lang, sizeof(w->exec.lang), "%s", next);
        return RK_TUI_REDRAW;
}

#define EXEC_KEY_ENTER                                                                   \
        {                                                                                \
                RK_TUI_KEY_ENTER, "Enter", N_("Execute"),                                \
                    N_("Carry the request out (asks y/n first)"), act_execute            \
        }
#define EXEC_KEY_ESC                                                                     \
        {                                                                                \
                RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the preview"), act_back   \
        }

/* The first key is for rectification only (exec_skip). */
static const struct rk_tui_binding exec_keys[] = {
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Edit"),
     N_("Edit the selected record in the customer form"), act_edit},
    EXEC_KEY_ENTER,
    EXEC_KEY_ESC,
};

/* An export's keys: its language first. */
static const struct rk_tui_binding export_keys[] = {
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("Language"),
     N_("The report's language: Finnish, Swedish or English"), act_language},
    EXEC_KEY_ENTER,
    EXEC_KEY_ESC,
};

static size_t exec_skip(const struct dsr_wizard *w)
{
        return w->req.type == RK_DSR_RECTIFICATION ? 0 : 1;
}

static const struct rk_tui_binding *exec_keys_for(const struct dsr_wizard *w, size_t *n)
{
        if (writes_files(w->req.type)) {
                *n = sizeof(export_keys) / sizeof(export_keys[0]);
                return export_keys;
        }
        *n = sizeof(exec_keys) / sizeof(exec_keys[0]) - exec_skip(w);
        return exec_keys + exec_skip(w);
}

const struct dsr_step dsr_step_execute = {
    .title = N_("Carry out"),
    .enter = exec_enter,
    .draw = exec_draw,
    .key = exec_key,
    .keys = exec_keys,
    .n_keys = sizeof(exec_keys) / sizeof(exec_keys[0]),
    .skip = exec_skip,
    .keys_for = exec_keys_for,
};
