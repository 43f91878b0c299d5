/*
 * customer_form.c - the form that edits a customer's fields, or fills in a
 * new customer, built from the classification table (fields.c); the same
 * form edits or adds a company's contact person (the contact person
 * fields of the table, saved with rk_contact_update / rk_contact_add).
 *
 * How it works: the form has one input field per customer field whose
 * group is among the groups asked for and which the session may both
 * read and write (rk_authorize_*), in the table's order, labelled and
 * limited (max_chars) as the table says. Only the system's own stamp
 * (last_activity) is left out: nobody types it. Editing loads the
 * customer with rk_customer_load() asking for those groups, keeps the
 * version it was opened at, and saves only the fields that changed with
 * rk_customer_update(expected version); a new customer is saved with
 * rk_customer_create() from the fields that were filled in.
 *
 * Core checks every value (rk_field_check) and names the field in its
 * message ("E-mail: ...") and in err.field (its column: the message is
 * translated, so the form never reads it): the message goes on the
 * message line and stays under the form, the field is marked and the
 * cursor moves to it. A save refused with RK_ERR_CONFLICT (someone else
 * saved first) asks whether to reload: yes loads the saved values (the
 * edits are lost), no keeps the form as typed so the text can be copied;
 * nothing is overwritten either way. The line under the form tells what
 * the focused field accepts. The label column is as wide as the longest
 * label in the user's language needs (rk_ui_label_cols).
 *
 * Before a new customer is saved, rk_customer_check_suppressed() asks
 * whether an e-mail address, phone number or identity code on the form
 * belongs to a person erased on request earlier; if so a dialog says so
 * (never which value) and the customer is created only on "y" (the save
 * then runs deferred, after the dialog has closed, so it can pop the
 * form).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rekisteri/customer.h"
#include "ui.h"

#define FORM_MAX 24
/* The label column: the widest label of the form's record the role may
 * write, in the user's language, within LABEL_MIN..LABEL_MAX columns. */
#define LABEL_MIN 18
#define LABEL_MAX 30

struct cfield {
        const struct rk_field *f;
        char *buf;  /* the text being edited */
        char *orig; /* the value as loaded; "" for none */
        struct rk_tui_field field;
};

struct cform {
        struct rk_ui *ui;
        enum rk_record kind; /* RK_REC_CUSTOMER or RK_REC_CONTACT */
        int64_t customer;    /* a contact person's company */
        int64_t id;          /* 0 while the customer or contact is new */
        int64_t version;
        rk_groupset groups;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        struct cfield fields[FORM_MAX];
        size_t n;
        struct rk_tui_form_item items[FORM_MAX];
        struct rk_tui_form form;
        bool reloaded;      /* the caller's copy is older than the form's */
        bool create_anyway; /* the suppression warning was answered yes */
        size_t bad;         /* the field the last refusal named; FORM_MAX for none */
        char bad_msg[sizeof(((struct rk_error *)0)->msg)];
        int (*done)(struct rk_tui_app *, void *, int64_t);
        void *ctx;
};

/* ---- which fields -------------------------------------------------------- */

/* Stamped by the system, never typed. */
static bool system_field(const struct rk_field *f)
{
        return strcmp(f->column, "last_activity") == 0;
}

static bool on_form(const struct cform *c, const struct rk_field *f)
{
        const struct rk_grants *g = rk_session_grants(c->ui->session);
        return f->record == c->kind && (c->groups & (1u << f->group)) &&
               rk_authorize_read(g, f->group) && rk_authorize_write(g, f->group) &&
               !system_field(f);
}

/* A new customer is most likely Finnish: country fields start as FI, the
 * language (of letters and reports) as fi. */
static const char *default_value(const struct rk_field *f)
{
        if (f->record != RK_REC_CUSTOMER)
                return "";
        if (f->validator == RK_V_COUNTRY)
                return "FI";
        if (strcmp(f->column, "language") == 0)
                return "fi";
        if (strcmp(f->column, "kind") == 0)
                return "person";
        return "";
}

/* Give field i the value v (NULL for none) as loaded and as edited. */
static int set_value(struct cfield *cf, const char *v)
{
        size_t cap = cf->f->max_chars * 4 + 1;
        free(cf->orig);
        cf->orig = strdup(v ? v : "");
        if (cf->orig == NULL)
                return RK_ERR_NOMEM;
        explicit_bzero(cf->buf, cap);
        snprintf(cf->buf, cap, "%s", cf->orig);
        rk_tui_field_init(&cf->field, cf->buf, cap, cf->f->max_chars, false);
        return RK_OK;
}

static int add_field(struct cform *c, const struct rk_field *f)
{
        struct cfield *cf = &c->fields[c->n];
        cf->f = f;
        cf->buf = calloc(1, f->max_chars * 4 + 1);
        if (cf->buf == NULL)
                return RK_ERR_NOMEM;
        c->items[c->n] = (struct rk_tui_form_item){f->label, &cf->field};
        c->n++;
        return RK_OK;
}

static int build(struct cform *c)
{
        size_t nf = 0;
        const struct rk_field *all = rk_fields_all(&nf);
        for (size_t i = 0; i < nf && c->n < FORM_MAX; i++) {
                if (!on_form(c, &all[i]))
                        continue;
                int rc = add_field(c, &all[i]);
                if (rc != RK_OK)
                        return rc;
        }
        return RK_OK;
}

/* ---- loading --------------------------------------------------------------- */

/* The stored record the form edits in v: the customer, or the contact
 * person c->id among its company's; NULL when the contact is gone. */
static const struct rk_record_view *record_of(const struct cform *c,
                                              const struct rk_customer_view *v)
{
        if (c->kind == RK_REC_CUSTOMER)
                return &v->main;
        for (size_t i = 0; i < v->ncontacts; i++)
                if (v->contacts[i].id == c->id)
                        return &v->contacts[i];
        return NULL;
}

/* Fill the fields from the stored record (or the defaults when new). */
static int load(struct cform *c, struct rk_error *err)
{
        struct rk_customer_view v;
        const struct rk_record_view *r = NULL;
        memset(&v, 0, sizeof(v));
        int rc = RK_OK;
        if (c->id != 0 || c->kind == RK_REC_CONTACT) {
                rk_ui_place(c->ui, c->kind == RK_REC_CONTACT ? RK_UI_PLACE_CONTACT
                                                             : RK_UI_PLACE_EDIT);
                rc = rk_customer_load(c->ui->session, c->customer, c->groups, &v, err);
        }
        if (rc == RK_OK && c->id != 0 && (r = record_of(c, &v)) == NULL)
                rc = rk_error_set(
                    err, RK_ERR_NOTFOUND,
                    _("contact person: it no longer exists; someone deleted it"));
        for (size_t i = 0; rc == RK_OK && i < c->n; i++) {
                const struct rk_field *f = c->fields[i].f;
                rc = set_value(&c->fields[i],
                               r ? rk_record_get(r, f->column) : default_value(f));
        }
        if (rc == RK_OK && c->kind == RK_REC_CONTACT)
                memcpy(c->number, v.number, sizeof(c->number));
        if (rc == RK_OK && c->id != 0) {
                c->version = r->version;
                memcpy(c->number, v.number, sizeof(c->number));
        }
        rk_customer_view_clear(&v);
        c->bad = FORM_MAX;
        c->bad_msg[0] = '\0';
        return rc;
}

/* ---- saving ---------------------------------------------------------------- */

/* The field core's refusal is about (err->field, a column), or FORM_MAX. */
static size_t field_named(const struct cform *c, const struct rk_error *err)
{
        for (size_t i = 0; err->field != NULL && i < c->n; i++) {
                if (strcmp(err->field, c->fields[i].f->column) == 0)
                        return i;
        }
        return FORM_MAX;
}

static int refused(struct rk_tui_app *app, struct cform *c, const struct rk_error *err)
{
        c->bad = field_named(c, err);
        snprintf(c->bad_msg, sizeof(c->bad_msg), "%s", err->msg);
        if (c->bad < FORM_MAX)
                c->form.focus = c->bad;
        return rk_tui_message(app, RK_TUI_ERROR, "%s", err->msg);
}

static int answer_reload(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct cform *c = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes)
                return rk_tui_message(
                    app, RK_TUI_WARNING,
                    _("Not saved. Your edits are still here; Esc leaves "
                      "without saving."));
        if (load(c, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        c->reloaded = true;
        return rk_tui_message(app, RK_TUI_INFO,
                              _("Reloaded: the form shows the values saved now."));
}

/* The edits: changed fields (editing) or filled-in ones (new). */
static size_t collect(const struct cform *c, struct rk_edit *edits)
{
        size_t n = 0;
        for (size_t i = 0; i < c->n; i++) {
                const struct cfield *cf = &c->fields[i];
                bool take = c->id ? strcmp(cf->buf, cf->orig) != 0 : cf->buf[0] != '\0';
                if (take)
                        edits[n++] = (struct rk_edit){cf->f->column, cf->buf};
        }
        return n;
}

static int form_save(struct rk_tui_app *app, void *ctx);

static int save_deferred(struct rk_tui_app *app, void *state)
{
        return form_save(app, state);
}

static int answer_suppressed(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct cform *c = ctx;
        if (!yes)
                return rk_tui_message(app, RK_TUI_INFO, _("Not created"));
        c->create_anyway = true;
        return rk_tui_defer(app, save_deferred, c);
}

/* New customers: RK_OK to go on, else the flags of a refusal or of the
 * suppression question in *flags. */
static int check_suppressed(struct rk_tui_app *app, struct cform *c,
                            const struct rk_edit *edits, size_t n, int *flags)
{
        struct rk_error err;
        bool hit = false;
        rk_error_clear(&err);
        if (c->id != 0 || c->create_anyway)
                return RK_OK;
        rk_ui_place(c->ui, c->kind == RK_REC_CONTACT ? RK_UI_PLACE_CONTACT
                                                     : RK_UI_PLACE_CUSTOMER_NEW);
        int rc =
            rk_customer_check_suppressed(c->ui->session, c->kind, edits, n, &hit, &err);
        if (rc != RK_OK) {
                *flags = refused(app, c, &err);
                return rc;
        }
        if (!hit)
                return RK_OK;
        *flags = rk_tui_dialog_confirm(app, _("Erased earlier"),
                                       _("This person was erased on request earlier\n"
                                         "(matching e-mail, phone or identity code).\n"
                                         "Create anyway?"),
                                       answer_suppressed, c);
        return RK_ERR_EXISTS;
}

/* One core call saves the form: update or add, customer or contact. */
static int store(struct cform *c, const struct rk_edit *edits, size_t n, int64_t *id,
                 struct rk_error *err)
{
        struct rk_session *s = c->ui->session;
        if (c->kind == RK_REC_CONTACT) {
                rk_ui_place(c->ui, RK_UI_PLACE_CONTACT);
                return c->id ? rk_contact_update(s, c->id, c->version, edits, n, err)
                             : rk_contact_add(s, c->customer, edits, n, id, err);
        }
        if (c->id != 0) {
                rk_ui_place(c->ui, RK_UI_PLACE_EDIT);
                return rk_customer_update(s, c->id, c->version, edits, n, NULL, err);
        }
        rk_ui_place(c->ui, RK_UI_PLACE_CUSTOMER_NEW);
        return rk_customer_create(s, edits, n, id, NULL, err);
}

static int form_save(struct rk_tui_app *app, void *ctx)
{
        struct cform *c = ctx;
        struct rk_edit edits[FORM_MAX];
        struct rk_error err;
        int64_t id = c->id;
        rk_error_clear(&err);
        size_t n = collect(c, edits);
        if (n == 0)
                return rk_tui_message(app, RK_TUI_INFO, _("Nothing changed"));
        int flags = RK_TUI_NONE;
        if (check_suppressed(app, c, edits, n, &flags) != RK_OK)
                return flags;
        c->create_anyway = false;
        int rc = store(c, edits, n, &id, &err);
        if (rc == RK_ERR_CONFLICT)
                return rk_tui_dialog_confirm(
                    app, _("Changed by someone else"),
                    _("Changed by someone else since you opened it.\n"
                      "Reload and lose your edits? (n keeps them on the form)"),
                    answer_reload, c);
        if (rc != RK_OK)
                return refused(app, c, &err);
        rk_tui_message(app, RK_TUI_INFO, "%s",
                       c->id                       ? _("Saved")
                       : c->kind == RK_REC_CONTACT ? _("Contact person added")
                                                   : _("Customer added"));
        return RK_TUI_POP | c->done(app, c->ctx, id);
}

static int act_save(struct rk_tui_app *app, void *state)
{
        return form_save(app, state);
}

/* Leave without saving; after a reload the caller shows the new values
 * too. */
static int leave(struct rk_tui_app *app, void *state)
{
        struct cform *c = state;
        if (c->id != 0 && c->reloaded)
                return RK_TUI_POP | c->done(app, c->ctx, c->id);
        return RK_TUI_POP;
}

/* Any field not as loaded (or, new, not as it started). */
static bool changed(const struct cform *c)
{
        for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->fields[i].buf, c->fields[i].orig) != 0)
                        return true;
        return false;
}

static int act_cancel(struct rk_tui_app *app, void *state)
{
        return rk_ui_leave_form(app, changed(state), leave, state);
}

/* ---- the screen ------------------------------------------------------------- */

static int form_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct cform *c = state;
        rk_tui_form_init(&c->form, c->items, c->n, form_save, c);
        return RK_OK;
}

static void form_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct cform *c = state;
        const struct rk_grants *g = rk_session_grants(c->ui->session);
        int label = rk_ui_label_cols(c->kind, c->groups & g->read & g->write, LABEL_MIN,
                                     LABEL_MAX);
        int rows = getmaxy(win) - 7, w = getmaxx(win), fx = 2 + label + 2;
        char head[96], help[160];
        if (c->kind == RK_REC_CONTACT)
                snprintf(head, sizeof(head),
                         c->id ? _("Edit contact person of %s")
                               : _("New contact person of %s"),
                         c->number);
        else if (c->id)
                snprintf(head, sizeof(head), _("Edit customer %s"), c->number);
        else
                snprintf(head, sizeof(head), _("New customer"));
        rk_tui_print(win, 0, 2, w - 4, RK_ROLE_HEADER, head);
        size_t top = c->form.focus >= (size_t)rows ? c->form.focus - (size_t)rows + 1 : 0;
        for (size_t i = top; i < c->n && i < top + (size_t)rows; i++) {
                int y = 2 + (int)(i - top);
                bool bad = i == c->bad;
                rk_tui_print_cell(win, y, 2, label, bad ? RK_ROLE_ERROR : RK_ROLE_LABEL,
                                  RK_TUI_RIGHT, _(c->fields[i].f->label));
                rk_tui_print(win, y, 2 + label, 2, RK_ROLE_LABEL, ": ");
                rk_tui_field_draw(&c->fields[i].field, app, win, y, fx, w - fx - 3,
                                  i == c->form.focus);
                if (bad)
                        rk_tui_print(win, y, w - 2, 1, RK_ROLE_ERROR, "!");
        }
        if (c->n > 0) {
                rk_field_hint(c->fields[c->form.focus].f, help, sizeof(help));
                rk_tui_print(win, rows + 3, fx, w - fx - 1, RK_ROLE_DIM, help);
        }
        rk_ui_print_wrapped(win, rows + 4, 2, w - 4, 2, RK_ROLE_ERROR, c->bad_msg);
}

static int form_key(struct rk_tui_app *app, void *state, int key)
{
        return rk_tui_form_key(&((struct cform *)state)->form, app, key);
}

static void form_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct cform *c = state;
        for (size_t i = 0; i < c->n; i++) {
                struct cfield *cf = &c->fields[i];
                explicit_bzero(cf->buf, cf->f->max_chars * 4 + 1);
                free(cf->buf);
                if (cf->orig != NULL)
                        explicit_bzero(cf->orig, strlen(cf->orig));
                free(cf->orig);
        }
        explicit_bzero(c, sizeof(*c));
        free(c);
}

static const struct rk_tui_binding form_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Save"), N_("Save the form (Enter too)"), act_save},
    {RK_TUI_KEY_ESC, "Esc", N_("Cancel"), N_("Close the form without saving"),
     act_cancel},
};

static const struct rk_tui_screen_ops edit_ops = {
    .name = N_("Edit customer"),
    .init = form_init,
    .draw = form_draw,
    .key = form_key,
    .fini = form_fini,
    .keys = form_keys,
    .n_keys = sizeof(form_keys) / sizeof(form_keys[0]),
};

static const struct rk_tui_screen_ops contact_ops = {
    .name = N_("Contact person"),
    .init = form_init,
    .draw = form_draw,
    .key = form_key,
    .fini = form_fini,
    .keys = form_keys,
    .n_keys = sizeof(form_keys) / sizeof(form_keys[0]),
};

static const struct rk_tui_screen_ops new_ops = {
    .name = N_("New customer"),
    .init = form_init,
    .draw = form_draw,
    .key = form_key,
    .fini = form_fini,
    .keys = form_keys,
    .n_keys = sizeof(form_keys) / sizeof(form_keys[0]),
};

static int open_form(struct rk_tui_app *app, struct rk_ui *ui, enum rk_record kind,
                     int64_t customer, int64_t id, rk_groupset groups,
                     int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                     void *ctx)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct cform *c = calloc(1, sizeof(*c));
        if (c == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        c->ui = ui;
        c->kind = kind;
        c->customer = customer;
        c->id = id;
        c->groups = groups;
        c->done = done;
        c->ctx = ctx;
        int rc = build(c);
        if (rc == RK_OK && c->n == 0)
                rc = rk_error_set(&err, RK_ERR_DENIED,
                                  _("your role may not change any field here"));
        if (rc == RK_OK)
                rc = load(c, &err);
        if (rc != RK_OK) {
                form_fini(app, c);
                return rk_tui_message(app, RK_TUI_ERROR, "%s",
                                      err.msg[0] ? err.msg : rk_rc_name(rc));
        }
        return rk_tui_push(app,
                           kind == RK_REC_CONTACT ? &contact_ops
                           : id                   ? &edit_ops
                                                  : &new_ops,
                           c);
}

int rk_ui_customer_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                             rk_groupset groups,
                             int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                             void *ctx)
{
        return open_form(app, ui, RK_REC_CUSTOMER, id, id, groups, done, ctx);
}

int rk_ui_contact_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t customer,
                            int64_t contact,
                            int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                            void *ctx)
{
        return open_form(app, ui, RK_REC_CONTACT, customer, contact,
                         (1u << RK_GROUP_IDENTITY) | (1u << RK_GROUP_CONTACT), done, ctx);
}
