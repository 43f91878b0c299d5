/*
 * documents.c - the supervisor's Documents screen: the record of processing
 * activities, the privacy notice and the accountability report (privacy.h),
 * previewed and written to files.
 *
 * How it works: the first screen lists the three documents with the
 * language (F3 cycles fi, sv, en; it starts at the register's) and the
 * report's year (F4: this year or the one before). Enter generates the
 * selected document through rk_privacy_text (the core checks the
 * "documents" action and records the generation in the audit trail) and
 * pushes a preview: the Markdown text wrapped to the window's width, one
 * line per list row, scrolled with the arrows and PgUp/PgDn. F6, on either
 * screen, asks for a file name and writes the document there with
 * rk_privacy_write_file: mode 0600, never replacing a file, HTML when the
 * name ends in .html. Nothing is kept between visits: every preview and
 * file is generated again from the config and the register.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "list.h"
#include "rekisteri/clock.h"
#include "rekisteri/i18n.h"
#include "rekisteri/privacy.h"
#include "rekisteri/text.h"
#include "ui.h"

#define PLACE "documents"

static const char *const languages[] = {"fi", "sv", "en"};
#define N_LANGS 3

static const struct {
        enum rk_privacy_doc doc;
        const char *name, *what, *file;
} docs[] = {
    {RK_PRIVACY_RECORD, N_("Record of processing"),
     N_("Art. 30: purposes, data, recipients, periods"), "record"},
    {RK_PRIVACY_NOTICE, N_("Privacy notice"),
     N_("Art. 13 and 14: what people in the register are told"), "notice"},
    {RK_PRIVACY_REPORT, N_("Accountability report"),
     N_("Requests, erasures, retention, audit trail, accounts"), "report"},
};
#define N_DOCS (sizeof(docs) / sizeof(docs[0]))

struct documents {
        struct rk_ui *ui;
        int lang; /* index into languages */
        int year;
        struct rk_tui_list list;
        char file[96]; /* the name the write form starts with */
};

struct preview {
        struct documents *d;
        struct rk_privacy_request req;
        char title[96];
        char *text;    /* the Markdown, as generated */
        char **lines;  /* into wrapped: the text cut to `width` columns */
        char *wrapped; /* a copy of text with NULs at the cuts */
        size_t n;
        int width; /* the width lines were cut for */
        struct rk_tui_list list;
};

static const struct rk_tui_column doc_columns[] = {
    {N_("Document"), 24, RK_TUI_LEFT},
    {N_("What it holds"), 0, RK_TUI_LEFT},
};

static const struct rk_tui_column line_columns[] = {{NULL, 0, RK_TUI_LEFT}};

static const char *doc_cell(void *ctx, size_t row, size_t col)
{
        (void)ctx;
        return col == 0 ? _(docs[row].name) : _(docs[row].what);
}

static struct rk_privacy_request request_of(const struct documents *d, size_t row)
{
        struct rk_privacy_request r = {.doc = docs[row].doc,
                                       .lang = languages[d->lang],
                                       .year = d->year,
                                       .format = RK_PRIVACY_MARKDOWN};
        return r;
}

/* ---- writing to a file ---------------------------------------------------- */

struct write_ctx {
        struct rk_ui *ui;
        struct rk_privacy_request req;
};

static struct write_ctx pending; /* the one write form open at a time */

static int write_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct write_ctx *w = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (v[0][0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING, "%s", _("Type a file name"));
        w->req.format = rk_privacy_format_for(v[0]);
        rk_ui_place(w->ui, PLACE);
        if (rk_privacy_write_file(w->ui->session, &w->req, v[0], &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_POP |
               rk_tui_message(app, RK_TUI_INFO, _("Wrote %s (mode 0600)"), v[0]);
}

static int ask_file(struct rk_tui_app *app, struct documents *d, size_t row)
{
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        pending.ui = d->ui;
        pending.req = request_of(d, row);
        if (docs[row].doc == RK_PRIVACY_REPORT)
                snprintf(d->file, sizeof(d->file), "%s-%d-%s.html", docs[row].file,
                         d->year, languages[d->lang]);
        else
                snprintf(d->file, sizeof(d->file), "%s-%s-%s.html", docs[row].file, today,
                         languages[d->lang]);
        const struct rk_ui_ask ask = {
            .name = N_("Write a document"),
            .heading = _("Write the document to a file (.html: a page that prints on A4; "
                         "other names: Markdown)"),
            .hint = _("A new file (mode 0600); an existing file is never replaced."),
            .done = write_done,
            .ctx = &pending,
        };
        const struct rk_ui_ask_item item = {_("File"), d->file, 200, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

/* ---- the preview ------------------------------------------------------------ */

static const char *line_cell(void *ctx, size_t row, size_t col)
{
        (void)col;
        return ((struct preview *)ctx)->lines[row];
}

/* Cut p->text into lines of at most width columns, at spaces when a line
 * has one. Returns false when out of memory (the old lines stay). */
static bool wrap(struct preview *p, int width)
{
        size_t len = strlen(p->text), cap = len + 1, n = 0;
        char *copy = malloc(2 * len + 2); /* room for a NUL after each cut */
        char **lines = calloc(cap, sizeof(*lines));
        if (copy == NULL || lines == NULL) {
                free(copy);
                free(lines);
                return false;
        }
        char *out = copy;
        for (const char *s = p->text; *s != '\0' && n < cap;) {
                size_t eol = strcspn(s, "\n");
                int used = 0;
                size_t fit = rk_text_crop(s, width < 10 ? 10 : width, &used);
                size_t take = fit < eol ? fit : eol;
                if (take < eol) { /* break at the last space that fits */
                        size_t sp = take;
                        while (sp > 0 && s[sp] != ' ')
                                sp--;
                        if (sp > 0)
                                take = sp;
                }
                if (take == 0 && eol > 0) /* a single too-wide character */
                        take = eol;
                lines[n++] = out;
                memcpy(out, s, take);
                out += take;
                *out++ = '\0';
                s += take;
                if (*s == '\n' || *s == ' ')
                        s++;
        }
        free(p->wrapped);
        free(p->lines);
        p->wrapped = copy;
        p->lines = lines;
        p->n = n;
        p->width = width;
        rk_tui_list_set_rows(&p->list, n);
        return true;
}

static void preview_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct preview *p = state;
        int w = getmaxx(win) - 2;
        if (w != p->width)
                wrap(p, w);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, p->title);
        rk_tui_list_draw(&p->list, win, 1, 1, getmaxy(win) - 1, w);
}

static int preview_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct preview *)state)->list, key);
}

static void preview_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct preview *p = state;
        free(p->text);
        free(p->wrapped);
        free(p->lines);
        free(p);
}

static int act_preview_write(struct rk_tui_app *app, void *state)
{
        struct preview *p = state;
        return ask_file(app, p->d, p->d->list.sel);
}

static const struct rk_tui_binding preview_keys[] = {
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Write"), N_("Write this document to a file"),
     act_preview_write},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the list of documents"),
     rk_tui_action_pop},
};

static const struct rk_tui_screen_ops preview_ops = {
    .name = N_("Document"),
    .draw = preview_draw,
    .key = preview_key,
    .fini = preview_fini,
    .keys = preview_keys,
    .n_keys = sizeof(preview_keys) / sizeof(preview_keys[0]),
};

static int act_preview(struct rk_tui_app *app, void *state)
{
        struct documents *d = state;
        struct rk_error err;
        rk_error_clear(&err);
        struct preview *p = calloc(1, sizeof(*p));
        if (p == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", _("Out of memory"));
        p->d = d;
        p->req = request_of(d, d->list.sel);
        rk_ui_place(d->ui, PLACE);
        if (rk_privacy_text(d->ui->session, &p->req, &p->text, &err) != RK_OK) {
                free(p);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        snprintf(p->title, sizeof(p->title), _("%s (%s): Up/Down/PgUp/PgDn scroll"),
                 _(docs[d->list.sel].name), languages[d->lang]);
        rk_tui_list_init(&p->list, line_columns, 1, line_cell, p, 0);
        if (!wrap(p, 78)) {
                preview_fini(app, p);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", _("Out of memory"));
        }
        return rk_tui_push(app, &preview_ops, p);
}

/* ---- the list of documents ---------------------------------------------------- */

static int act_write(struct rk_tui_app *app, void *state)
{
        struct documents *d = state;
        return ask_file(app, d, d->list.sel);
}

static int act_language(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct documents *d = state;
        d->lang = (d->lang + 1) % N_LANGS;
        return RK_TUI_REDRAW;
}

static int act_year(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct documents *d = state;
        char today[RK_DATE_TEXT];
        rk_date_today(today);
        d->year = d->year == atoi(today) ? d->year - 1 : atoi(today);
        return RK_TUI_REDRAW;
}

static void documents_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct documents *d = state;
        int w = getmaxx(win) - 2;
        char line[160];
        snprintf(line, sizeof(line), _("Language: %s (F3)   Report year: %d (F4)"),
                 languages[d->lang], d->year);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, line);
        rk_tui_list_draw(&d->list, win, 2, 1, (int)N_DOCS + 1, w);
        rk_tui_print(
            win, (int)N_DOCS + 4, 1, w, RK_ROLE_DIM,
            _("Each document is generated anew from the config and the register,"));
        rk_tui_print(win, (int)N_DOCS + 5, 1, w, RK_ROLE_DIM,
                     _("and every generation is recorded in the audit trail."));
        rk_tui_print(win, (int)N_DOCS + 6, 1, w, RK_ROLE_DIM,
                     _("Enter: preview. F6: write to a file (mode 0600, never replacing "
                       "one)."));
}

static int documents_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct documents *)state)->list, key);
}

static int documents_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct documents *d = state;
        char lang[4], today[RK_DATE_TEXT];
        struct rk_error err;
        rk_date_today(today);
        d->year = atoi(today);
        if (rk_privacy_language(d->ui->cfg, NULL, lang, &err) == RK_OK)
                for (int i = 0; i < N_LANGS; i++)
                        if (strcmp(languages[i], lang) == 0)
                                d->lang = i;
        rk_tui_list_init(&d->list, doc_columns, 2, doc_cell, d, N_DOCS);
        return RK_OK;
}

static void documents_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static const struct rk_tui_binding documents_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Preview"), N_("Generate and show the document"),
     act_preview},
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Write"), N_("Write the document to a file"),
     act_write},
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Language"), N_("Next language: fi, sv, en"),
     act_language},
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Year"),
     N_("The report's year: this one or the last"), act_year},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops documents_ops = {
    .name = N_("Documents"),
    .init = documents_init,
    .draw = documents_draw,
    .key = documents_key,
    .fini = documents_fini,
    .keys = documents_keys,
    .n_keys = sizeof(documents_keys) / sizeof(documents_keys[0]),
};

int rk_ui_documents_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        struct documents *d = calloc(1, sizeof(*d));
        if (d == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", _("Out of memory"));
        d->ui = ui;
        return rk_tui_push(app, &documents_ops, d);
}
