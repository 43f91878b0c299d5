/*
 * dsr_step_find.c - step 2 of the request wizard (dsr_ui.h): one search
 * across customers, contact persons and orders (rk_dsr_find), and the
 * choice of every record the person appears in.
 *
 * How it works: the search runs when Enter is pressed in the field (each
 * search is an audited look at the register, so not at every key). The
 * list keeps the records chosen so far and adds the new hits; a hit on an
 * identifier (customer or order number, e-mail, phone, identity code) is
 * preselected, and so is every hit whose name is the whole query or the
 * name of such a record, so the customer record and the same person as a
 * contact person at a company come selected together. Space toggles a
 * record. Enter on the list goes on: a new request is registered now
 * (rk_dsr_create with the type and day of step 1) and the records are
 * attached; a resumed request gets the records added and removed that
 * changed. Tab moves between the field and the list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsr_ui.h"

static const struct rk_tui_column pick_columns[] = {
    {N_("Sel"), 3, RK_TUI_LEFT},      {N_("Record"), 7, RK_TUI_LEFT},
    {N_("Kind"), 8, RK_TUI_LEFT},     {N_("Name"), 0, RK_TUI_LEFT},
    {N_("Matched"), 15, RK_TUI_LEFT}, {N_("Note"), 10, RK_TUI_LEFT},
};

static const char *pick_cell(void *ctx, size_t row, size_t col)
{
        const struct dsr_pick *p = &((struct dsr_wizard *)ctx)->find.picks[row];
        switch (col) {
        case 0:
                return p->selected ? "[x]" : "[ ]";
        case 1:
                return p->number;
        case 2:
                return p->kind == RK_DSR_SUBJECT_CONTACT ? _("contact") : _("customer");
        case 3:
                return p->name;
        case 4:
                return p->matched;
        default:
                return p->restricted   ? _("restricted")
                       : p->anonymised ? _("anonymised")
                                       : "";
        }
}

static enum rk_tui_role pick_role(void *ctx, size_t row)
{
        return ((struct dsr_wizard *)ctx)->find.picks[row].selected ? RK_ROLE_OK
                                                                    : RK_ROLE_NORMAL;
}

static size_t count_selected(const struct dsr_wizard *w)
{
        size_t n = 0;
        for (size_t i = 0; i < w->find.n; i++)
                n += w->find.picks[i].selected;
        return n;
}

static struct dsr_pick *pick_find(struct dsr_wizard *w, enum rk_dsr_subject_kind kind,
                                  int64_t record_id)
{
        for (size_t i = 0; i < w->find.n; i++)
                if (w->find.picks[i].kind == kind &&
                    w->find.picks[i].record_id == record_id)
                        return &w->find.picks[i];
        return NULL;
}

/* Append a record (name copied); NULL when the list is full or memory out. */
static struct dsr_pick *pick_add(struct dsr_wizard *w, enum rk_dsr_subject_kind kind,
                                 int64_t record_id, int64_t customer_id,
                                 const char *number, const char *name)
{
        if (w->find.n == DSR_PICKS)
                return NULL;
        struct dsr_pick *p = &w->find.picks[w->find.n];
        memset(p, 0, sizeof(*p));
        p->name = strdup(name);
        if (p->name == NULL)
                return NULL;
        p->kind = kind;
        p->record_id = record_id;
        p->customer_id = customer_id;
        snprintf(p->number, sizeof(p->number), "%s", number);
        w->find.n++;
        return p;
}

/* Keep only the selected records before a new search. */
static void drop_unselected(struct dsr_wizard *w)
{
        size_t k = 0;
        for (size_t i = 0; i < w->find.n; i++) {
                if (w->find.picks[i].selected)
                        w->find.picks[k++] = w->find.picks[i];
                else
                        free(w->find.picks[i].name);
        }
        w->find.n = k;
}

static int find_enter(struct rk_tui_app *app, struct dsr_wizard *w, struct rk_error *err)
{
        (void)app;
        (void)err;
        if (w->find.list.cols != NULL)
                return RK_OK; /* coming back from step 3 keeps the list */
        rk_tui_field_init(&w->find.f_query, w->find.query, sizeof(w->find.query), 100,
                          false);
        rk_tui_list_init(&w->find.list, pick_columns, 6, pick_cell, w, 0);
        w->find.list.row_role = pick_role;
        for (size_t i = 0; i < w->req.nsubjects; i++) {
                const struct rk_dsr_subject *s = &w->req.subjects[i];
                struct dsr_pick *p =
                    pick_add(w, s->kind, s->record_id, s->customer_id, s->number, "");
                if (p == NULL)
                        break;
                p->selected = true;
                snprintf(p->matched, sizeof(p->matched), _("on the request"));
        }
        rk_tui_list_set_rows(&w->find.list, w->find.n);
        w->find.on_list = w->find.n > 0;
        snprintf(w->find.status, sizeof(w->find.status), "%s",
                 _("Type a name, customer or order number, e-mail, phone or identity "
                   "code; Enter searches."));
        return RK_OK;
}

/* ---- searching -------------------------------------------------------------- */

static bool identifier_match(const struct rk_dsr_candidate *c)
{
        return strcmp(c->matched, "name") != 0;
}

/* Preselect: matched on an identifier, named exactly as the query, or
 * named as a record that matched on an identifier. */
static bool same_person(const struct rk_dsr_candidate *c, size_t n,
                        const struct rk_dsr_candidate *all, const char *query)
{
        if (identifier_match(c) || strcasecmp(c->name, query) == 0)
                return true;
        for (size_t i = 0; i < n; i++)
                if (identifier_match(&all[i]) && strcasecmp(all[i].name, c->name) == 0)
                        return true;
        return false;
}

static void merge(struct dsr_wizard *w, const struct rk_dsr_candidate *c, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                struct dsr_pick *p = pick_find(w, c[i].kind, c[i].record_id);
                if (p == NULL) {
                        p = pick_add(w, c[i].kind, c[i].record_id, c[i].customer_id,
                                     c[i].number, c[i].name);
                        if (p == NULL)
                                break;
                        p->selected = same_person(&c[i], n, c, w->find.query);
                } else if (p->name[0] == '\0') {
                        char *name = strdup(c[i].name);
                        if (name != NULL) {
                                free(p->name);
                                p->name = name;
                        }
                }
                snprintf(p->matched, sizeof(p->matched), "%s", c[i].matched);
                p->restricted = c[i].restricted;
                p->anonymised = c[i].anonymised;
        }
}

static int search(struct rk_tui_app *app, struct dsr_wizard *w)
{
        struct rk_error err;
        struct rk_dsr_candidate *c = NULL;
        size_t n = 0;
        rk_error_clear(&err);
        if (strspn(w->find.query, " ") == strlen(w->find.query))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Type something to search for"));
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        if (rk_dsr_find(w->ui->session, w->find.query, &c, &n, &err) != RK_OK)
                return dsr_wizard_fail(app, &err);
        drop_unselected(w);
        merge(w, c, n);
        rk_dsr_candidates_free(c, n);
        rk_tui_list_set_rows(&w->find.list, w->find.n);
        w->find.list.sel = 0;
        w->find.list.top = 0;
        w->find.on_list = w->find.n > 0;
        if (n == 0)
                snprintf(w->find.status, sizeof(w->find.status),
                         _("No record matches. %zu selected."), count_selected(w));
        else
                snprintf(w->find.status, sizeof(w->find.status),
                         _("%zu found, %zu selected. Space toggles; check each one."), n,
                         count_selected(w));
        return RK_TUI_REDRAW;
}

/* ---- going on ------------------------------------------------------------------ */

static bool picked(const struct dsr_wizard *w, const struct rk_dsr_subject *s)
{
        for (size_t i = 0; i < w->find.n; i++) {
                const struct dsr_pick *p = &w->find.picks[i];
                if (p->selected && p->kind == s->kind && p->record_id == s->record_id)
                        return true;
        }
        return false;
}

static bool on_request(const struct dsr_wizard *w, const struct dsr_pick *p)
{
        for (size_t i = 0; i < w->req.nsubjects; i++)
                if (w->req.subjects[i].kind == p->kind &&
                    w->req.subjects[i].record_id == p->record_id)
                        return true;
        return false;
}

/* Make the request's subjects the selected records. */
static int attach(struct dsr_wizard *w, struct rk_error *err)
{
        struct rk_session *s = w->ui->session;
        int rc = RK_OK;
        for (size_t i = 0; i < w->req.nsubjects && rc == RK_OK; i++)
                if (!picked(w, &w->req.subjects[i]))
                        rc = rk_dsr_remove_subject(s, w->req.id, w->req.subjects[i].kind,
                                                   w->req.subjects[i].record_id, err);
        for (size_t i = 0; i < w->find.n && rc == RK_OK; i++) {
                const struct dsr_pick *p = &w->find.picks[i];
                if (p->selected && !on_request(w, p))
                        rc = rk_dsr_add_subject(s, w->req.id, p->kind, p->record_id, err);
        }
        return rc;
}

static int register_request(struct dsr_wizard *w, struct rk_error *err)
{
        int64_t id = 0;
        int rc = rk_dsr_create(w->ui->session, w->req.type,
                               w->req.purpose[0] ? w->req.purpose : NULL,
                               w->req.received_on, &id, err);
        if (rc == RK_OK)
                w->req.id = id;
        return rc;
}

static int go_on(struct rk_tui_app *app, struct dsr_wizard *w)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (count_selected(w) == 0)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Select the person's records first (Space)"));
        rk_ui_place(w->ui, RK_UI_PLACE_WIZARD);
        int rc = w->req.id == 0 ? register_request(w, &err) : RK_OK;
        if (rc == RK_OK)
                rc = attach(w, &err);
        struct rk_error reload_err;
        rk_error_clear(&reload_err);
        if (w->req.id != 0 && dsr_wizard_reload(w, &reload_err) != RK_OK && rc == RK_OK)
                return dsr_wizard_fail(app, &reload_err);
        if (rc != RK_OK)
                return dsr_wizard_fail(app, &err);
        return dsr_wizard_go(app, w, DSR_VERIFY);
}

/* ---- keys ------------------------------------------------------------------------ */

static int act_enter(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        return w->find.on_list ? go_on(app, w) : search(app, w);
}

static int act_tab(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct dsr_wizard *w = state;
        w->find.on_list = !w->find.on_list && w->find.n > 0;
        return RK_TUI_REDRAW;
}

static int act_back(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        if (w->req.id == 0)
                return dsr_wizard_go(app, w, DSR_TYPE);
        return dsr_wizard_leave(app, w, _("The request waits on the dashboard"));
}

/* Space selects on the list and is a space in the field. */
static int act_space(struct rk_tui_app *app, void *state)
{
        struct dsr_wizard *w = state;
        if (!w->find.on_list)
                return rk_tui_field_key(&w->find.f_query, app, ' ');
        if (w->find.n > 0) {
                struct dsr_pick *p = &w->find.picks[w->find.list.sel];
                p->selected = !p->selected;
        }
        return RK_TUI_REDRAW;
}

static int find_key(struct rk_tui_app *app, struct dsr_wizard *w, int key)
{
        if (w->find.on_list) {
                /* editing keys go to the search field from the list too, as
                 * typed letters do: focus moves there, visibly (cursor, label) */
                bool edit = key == RK_TUI_FKEY(KEY_BACKSPACE) ||
                            key == RK_TUI_FKEY(KEY_DC) || key == 0x15 /* ^U */ ||
                            key == 0x7f || key == 0x08;
                int r = edit ? RK_TUI_UNHANDLED : rk_tui_list_key(&w->find.list, key);
                if (!edit && (r != RK_TUI_UNHANDLED || RK_TUI_IS_FKEY(key) || key < ' '))
                        return r;
                w->find.on_list = false;
        }
        return rk_tui_field_key(&w->find.f_query, app, key);
}

static void find_draw(struct rk_tui_app *app, struct dsr_wizard *w, WINDOW *win, int y)
{
        int width = getmaxx(win) - 4;
        char count[48];
        /* the label of the part that has the focus is highlighted */
        rk_tui_print(win, y, 2, 8, w->find.on_list ? RK_ROLE_LABEL : RK_ROLE_SELECTED,
                     _("Search:"));
        rk_tui_field_draw(&w->find.f_query, app, win, y, 10, width - 8, !w->find.on_list);
        rk_tui_print(win, y + 1, 10, width - 8, RK_ROLE_DIM, w->find.status);
        rk_tui_list_draw(&w->find.list, win, y + 3, 2, getmaxy(win) - y - 5, width);
        snprintf(count, sizeof(count), _("%zu record(s) selected"), count_selected(w));
        rk_tui_print(win, getmaxy(win) - 1, 2, width, RK_ROLE_LABEL, count);
}

static const struct rk_tui_binding find_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Search/Next"),
     N_("In the field: search. On the list: go on with the records selected"), act_enter},
    {'\t', "Tab", N_("Field/List"), N_("Move between the search field and the list"),
     act_tab},
    {' ', "Space", N_("Select"), N_("On the list: select or unselect the record"),
     act_space},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the type (a new request), or leave"),
     act_back},
};

const struct dsr_step dsr_step_find = {
    .title = N_("Find the person"),
    .enter = find_enter,
    .draw = find_draw,
    .key = find_key,
    .keys = find_keys,
    .n_keys = sizeof(find_keys) / sizeof(find_keys[0]),
};
