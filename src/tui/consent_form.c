/*
 * consent_form.c - the form that records a marketing consent given.
 *
 * How it works: three fields from the field table (fields.c): Purpose
 * (one of the table's choices, listed under the form), Source (where the
 * consent was collected, required by core) and Given (a date, today
 * unless changed). rk_consent_give() checks them and refuses a second
 * consent in force for the same purpose; its message is shown as it is,
 * and the field it names (err.field, never the translated text) gets the
 * focus.
 * On success the form pops and done() reloads the caller's tab.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rekisteri/customer.h"
#include "ui.h"

struct consent_form {
        struct rk_ui *ui;
        int64_t id;
        char purpose[84], source[244], given[44];
        char choices[128];
        struct rk_tui_field f_purpose, f_source, f_given;
        struct rk_tui_form_item items[3];
        struct rk_tui_form form;
        int (*done)(struct rk_tui_app *, void *, int64_t);
        void *ctx;
};

/* The form's fields, in order: their columns in the field table. */
static const char *const columns[3] = {"purpose", "source", "given_on"};

static int consent_save(struct rk_tui_app *app, void *ctx)
{
        struct consent_form *c = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        rk_ui_place(c->ui, RK_UI_PLACE_CONSENT);
        int rc = rk_consent_give(c->ui->session, c->id, c->purpose, c->source,
                                 c->given[0] ? c->given : NULL, &err);
        if (rc != RK_OK) {
                for (size_t i = 0; i < 3; i++)
                        if (err.field != NULL && strcmp(err.field, columns[i]) == 0)
                                c->form.focus = i;
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        rk_tui_message(app, RK_TUI_INFO, _("Consent recorded"));
        return RK_TUI_POP | c->done(app, c->ctx, c->id);
}

/* Esc: the purpose and source start empty (the date starts as today). */
static int act_cancel(struct rk_tui_app *app, void *state)
{
        struct consent_form *c = state;
        return rk_ui_leave_form(app, c->purpose[0] != '\0' || c->source[0] != '\0',
                                rk_tui_action_pop, state);
}

static int act_save(struct rk_tui_app *app, void *state)
{
        return consent_save(app, state);
}

/* Attach field f to buf as the table's field `column` limits it. */
static void attach(struct rk_tui_field *f, char *buf, size_t cap, const char *column)
{
        const struct rk_field *def = rk_fields_find(RK_REC_CONSENT, column);
        rk_tui_field_init(f, buf, cap, def ? def->max_chars : 0, false);
}

static const char *label_of(const char *column)
{
        const struct rk_field *def = rk_fields_find(RK_REC_CONSENT, column);
        return def ? def->label : column;
}

static int consent_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct consent_form *c = state;
        const struct rk_field *p = rk_fields_find(RK_REC_CONSENT, "purpose");
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(c->given, sizeof(c->given), "%Y-%m-%d", &tm);
        snprintf(c->choices, sizeof(c->choices), _("Purpose: one of %s"),
                 p && p->choices ? p->choices : "");
        for (char *s = c->choices; *s; s++)
                if (*s == '|')
                        *s = '/';
        attach(&c->f_purpose, c->purpose, sizeof(c->purpose), columns[0]);
        attach(&c->f_source, c->source, sizeof(c->source), columns[1]);
        attach(&c->f_given, c->given, sizeof(c->given), columns[2]);
        c->items[0] = (struct rk_tui_form_item){label_of(columns[0]), &c->f_purpose};
        c->items[1] = (struct rk_tui_form_item){label_of(columns[1]), &c->f_source};
        c->items[2] = (struct rk_tui_form_item){label_of(columns[2]), &c->f_given};
        rk_tui_form_init(&c->form, c->items, 3, consent_save, c);
        return RK_OK;
}

static void consent_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct consent_form *c = state;
        int w = getmaxx(win) - 4;
        rk_tui_print(win, 0, 2, w, RK_ROLE_HEADER, _("Record a consent"));
        rk_tui_form_draw(&c->form, app, win, 2, 2, 10, 40);
        rk_tui_print(win, 9, 14, w - 12, RK_ROLE_DIM, c->choices);
        rk_tui_print(win, 10, 14, w - 12, RK_ROLE_DIM,
                     _("Source: where it was given (web form, phone, fair...)"));
}

static int consent_key(struct rk_tui_app *app, void *state, int key)
{
        return rk_tui_form_key(&((struct consent_form *)state)->form, app, key);
}

static void consent_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        explicit_bzero(state, sizeof(struct consent_form));
        free(state);
}

static const struct rk_tui_binding consent_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Save"), N_("Record the consent (Enter too)"),
     act_save},
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Close without saving"), act_cancel},
};

static const struct rk_tui_screen_ops consent_ops = {
    .name = N_("Consent"),
    .init = consent_init,
    .draw = consent_draw,
    .key = consent_key,
    .fini = consent_fini,
    .keys = consent_keys,
    .n_keys = sizeof(consent_keys) / sizeof(consent_keys[0]),
};

int rk_ui_consent_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                            int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                            void *ctx)
{
        if (!rk_authorize_write(rk_session_grants(ui->session), RK_GROUP_CONSENTS))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not record consents"));
        struct consent_form *c = calloc(1, sizeof(*c));
        if (c == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        c->ui = ui;
        c->id = id;
        c->done = done;
        c->ctx = ctx;
        return rk_tui_push(app, &consent_ops, c);
}
