/*
 * customer.c - the customer detail: a header (number and, when readable,
 * name) over tabs Contact, Billing, Orders, Notes, Consents and Contacts.
 *
 * How it works: a tab is a row of the `tabs` table: the field groups it
 * is about, how its body is drawn and its keys. Only tabs whose groups the
 * session may read are shown (asked again whenever the tab changes). Each
 * time a tab is shown, the customer is loaded again with
 * rk_customer_load() asking for exactly that tab's groups plus identity
 * (for the header), so the audit row of the view names exactly what was
 * put on the screen, and the previous tab's data is freed first (core
 * wipes the values it frees, rk_record_view_clear). The body is a list of text cells
 * copied out of the view; a field the session may not read is not in the view, so it
 * cannot be drawn.
 *
 * Keys: Left/Right or 1..9 switch tabs; F4 edits the tab's fields (the
 * form built from fields.c, only with write access); F2 adds a note or
 * gives a consent, F3 withdraws the selected consent; on Orders F2 takes
 * a new order (order_form.c) and Enter opens the selected one. Keys that need write
 * access are left off the bar when the session may not write; core refuses them anyway.
 *
 * F7 (supervisors: the merge action) asks for the number of a customer
 * who is the same and opens the Merge screen (merge.c); afterwards the
 * detail shows the survivor.
 *
 * Contacts (companies only) lists the contact persons: F2 adds one, F4
 * edits the selected one and F8 removes it after y/n, through the same
 * form, checks, versions and audit as the customer's own fields.
 *
 * A customer whose processing is restricted (Art. 18) opens only for a
 * request handler, under a banner naming the request that restricted it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsr_ui.h"
#include "rekisteri/format.h"
#include "rekisteri/customer.h"
#include "ui.h"

#define G(x) (1u << RK_GROUP_##x)

enum tab_kind { TAB_FIELDS, TAB_CONTACTS, TAB_ORDERS, TAB_NOTES, TAB_CONSENTS };

struct tab {
        const char *label;
        rk_groupset groups; /* shown when any of these is readable */
        enum tab_kind kind;
};

static const struct tab tabs[] = {
    {N_("Contact"), G(CONTACT) | G(IDCODE), TAB_FIELDS},
    {N_("Billing"), G(BILLING), TAB_FIELDS},
    {N_("Orders"), G(ORDERS) | G(ORDER_AMOUNTS), TAB_ORDERS},
    {N_("Notes"), G(NOTES), TAB_NOTES},
    {N_("Consents"), G(CONSENTS), TAB_CONSENTS},
    {N_("Contacts"), G(CONTACT), TAB_CONTACTS}, /* names too: identity is always read */
};
#define N_TABS (sizeof(tabs) / sizeof(tabs[0]))

struct detail {
        struct rk_tui_screen_ops ops; /* keys follow the tab */
        struct rk_ui *ui;
        int64_t id;
        size_t tab; /* index into tabs */
        struct rk_customer_view v;
        int64_t restricting; /* the request that restricts it, when known */
        char **cells;        /* rows * ncols strings, owned */
        int64_t *row_ids;
        size_t rows, ncols;
        struct rk_tui_list list;
        char purpose[32];              /* the consent F3 acts on */
        struct rk_tui_binding keys[8]; /* the tab's keys, with F7 for supervisors */
        struct rk_tui_column field_columns[2]; /* label (sized at open), value */
};

/* ---- the body as cells ------------------------------------------------------ */

/* The fields tabs' label column: as wide as the widest label the session
 * may read in the user's language (Swedish's longest is 29 columns), at
 * least LABEL_MIN and at most LABEL_MAX columns, the same on every tab. */
#define LABEL_MIN 18
#define LABEL_MAX 30
static const struct rk_tui_column order_columns[] = {
    {N_("Order"), 13, RK_TUI_LEFT},  {N_("Date"), 10, RK_TUI_LEFT},
    {N_("Status"), 10, RK_TUI_LEFT}, {N_("Lines"), 5, RK_TUI_RIGHT},
    {N_("Total"), 16, RK_TUI_RIGHT},
};
static const struct rk_tui_column contact_columns[] = {
    {N_("Contact person"), 0, RK_TUI_LEFT},
    {N_("Title"), 14, RK_TUI_LEFT},
    {N_("E-mail"), 0, RK_TUI_LEFT},
    {N_("Phone"), 14, RK_TUI_LEFT},
};
static const struct rk_tui_column note_columns[] = {
    {N_("Written"), 20, RK_TUI_LEFT},
    {N_("Author"), 12, RK_TUI_LEFT},
    {N_("Note"), 0, RK_TUI_LEFT},
};
static const struct rk_tui_column consent_columns[] = {
    {N_("Purpose"), 11, RK_TUI_LEFT},
    {N_("Given"), 10, RK_TUI_LEFT},
    {N_("Source"), 0, RK_TUI_LEFT},
    {N_("Withdrawn"), 10, RK_TUI_LEFT},
};

static void free_cells(struct detail *d)
{
        for (size_t i = 0; d->cells != NULL && i < d->rows * d->ncols; i++) {
                if (d->cells[i] != NULL)
                        explicit_bzero(d->cells[i], strlen(d->cells[i]));
                free(d->cells[i]);
        }
        free(d->cells);
        free(d->row_ids);
        d->cells = NULL;
        d->row_ids = NULL;
        d->rows = 0;
}

static int alloc_cells(struct detail *d, size_t rows, size_t ncols)
{
        d->ncols = ncols;
        d->cells = calloc(rows * ncols + 1, sizeof(*d->cells));
        d->row_ids = calloc(rows + 1, sizeof(*d->row_ids));
        return d->cells && d->row_ids ? RK_OK : RK_ERR_NOMEM;
}

/* Append a row; values may be NULL (drawn empty). */
static int add_row(struct detail *d, int64_t id, const char *const *values)
{
        for (size_t c = 0; c < d->ncols; c++) {
                char *s = strdup(values[c] ? values[c] : "");
                if (s == NULL)
                        return RK_ERR_NOMEM;
                d->cells[d->rows * d->ncols + c] = s;
        }
        d->row_ids[d->rows++] = id;
        return RK_OK;
}

static const char *cell(void *ctx, size_t row, size_t col)
{
        struct detail *d = ctx;
        return d->cells[row * d->ncols + col];
}

static int fill_fields(struct detail *d)
{
        const struct rk_record_view *m = &d->v.main;
        rk_groupset shown = tabs[d->tab].groups | G(IDENTITY);
        int rc = alloc_cells(d, m->n + 1, 2);
        for (size_t i = 0; rc == RK_OK && i < m->n; i++) {
                const struct rk_value *val = &m->values[i];
                if (!(shown & (1u << val->field->group)) ||
                    strcmp(val->field->column, "name") == 0)
                        continue;
                char day[RK_FORMAT_SIZE];
                const char *kind = strcmp(val->field->column, "kind") == 0
                                       ? rk_customer_kind_label(val->value)
                                       : NULL;
                const char *value =
                    kind != NULL ? kind
                    : val->field->validator == RK_V_DATE
                        ? rk_format_date_text(val->value, day, sizeof(day))
                        : val->value;
                const char *row[2] = {_(val->field->label), value};
                rc = add_row(d, 0, row);
        }
        return rc;
}

static int fill_contacts(struct detail *d)
{
        int rc = alloc_cells(d, d->v.ncontacts, 4);
        for (size_t i = 0; rc == RK_OK && i < d->v.ncontacts; i++) {
                const struct rk_record_view *c = &d->v.contacts[i];
                const char *row[4] = {rk_record_get(c, "name"), rk_record_get(c, "title"),
                                      rk_record_get(c, "email"),
                                      rk_record_get(c, "phone")};
                rc = add_row(d, c->id, row);
        }
        return rc;
}

static int fill_orders(struct detail *d)
{
        int rc = alloc_cells(d, d->v.norders, 5);
        for (size_t i = 0; rc == RK_OK && i < d->v.norders; i++) {
                const struct rk_order_view *o = &d->v.orders[i];
                char lines[24], total[32] = "", cents[24];
                snprintf(lines, sizeof(lines), "%zu", o->nlines);
                snprintf(cents, sizeof(cents), "%lld", (long long)o->total_cents);
                if (o->has_total)
                        rk_ui_money(cents, total, sizeof(total));
                char day[RK_FORMAT_SIZE];
                const char *row[5] = {
                    rk_record_get(&o->order, "number"),
                    rk_format_date_text(rk_record_get(&o->order, "ordered_on"), day,
                                        sizeof(day)),
                    rk_ui_status_text(rk_record_get(&o->order, "status")), lines, total};
                rc = add_row(d, o->order.id, row);
        }
        return rc;
}

static int fill_notes(struct detail *d)
{
        int rc = alloc_cells(d, d->v.nnotes, 3);
        for (size_t i = 0; rc == RK_OK && i < d->v.nnotes; i++) {
                const struct rk_record_view *n = &d->v.notes[i];
                char at[RK_FORMAT_SIZE];
                const char *row[3] = {
                    rk_format_date_text(rk_record_get(n, "created_at"), at, sizeof(at)),
                    rk_record_get(n, "author"), rk_record_get(n, "body")};
                rc = add_row(d, n->id, row);
        }
        return rc;
}

static int fill_consents(struct detail *d)
{
        int rc = alloc_cells(d, d->v.nconsents, 4);
        for (size_t i = 0; rc == RK_OK && i < d->v.nconsents; i++) {
                const struct rk_record_view *c = &d->v.consents[i];
                char given[RK_FORMAT_SIZE], gone[RK_FORMAT_SIZE];
                const char *row[4] = {
                    rk_record_get(c, "purpose"),
                    rk_format_date_text(rk_record_get(c, "given_on"), given,
                                        sizeof(given)),
                    rk_record_get(c, "source"),
                    rk_format_date_text(rk_record_get(c, "withdrawn_on"), gone,
                                        sizeof(gone))};
                rc = add_row(d, c->id, row);
        }
        return rc;
}

static const struct rk_tui_binding fields_keys[], contacts_keys[], orders_keys[],
    notes_keys[], consents_keys[], merge_key;

/* The tab's keys; a session that may merge customers also gets F7. */
static void set_keys(struct detail *d, const struct rk_tui_binding *keys, size_t n)
{
        size_t max = sizeof(d->keys) / sizeof(d->keys[0]);
        d->ops.keys = keys;
        d->ops.n_keys = n;
        if (!rk_authorize_action(rk_session_grants(d->ui->session), RK_ACTION_MERGE) ||
            n >= max)
                return;
        memcpy(d->keys, keys, n * sizeof(*keys));
        d->keys[n] = merge_key;
        d->ops.keys = d->keys;
        d->ops.n_keys = n + 1;
}

/* The body's list and the key table for the current tab. */
static int fill(struct detail *d)
{
        static const struct {
                int (*fill)(struct detail *);
                const struct rk_tui_column *cols;
                size_t ncols;
                const struct rk_tui_binding *keys;
                size_t nkeys, writes; /* leading keys that need the grant */
                enum rk_group write;
        } kinds[] = {
            [TAB_FIELDS] = {fill_fields, NULL, 2, fields_keys, 4, 1, RK_GROUP_COUNT},
            [TAB_CONTACTS] = {fill_contacts, contact_columns, 4, contacts_keys, 7, 3,
                              RK_GROUP_IDENTITY},
            [TAB_ORDERS] = {fill_orders, order_columns, 5, orders_keys, 5, 2,
                            RK_GROUP_ORDERS},
            [TAB_NOTES] = {fill_notes, note_columns, 3, notes_keys, 5, 1, RK_GROUP_NOTES},
            [TAB_CONSENTS] = {fill_consents, consent_columns, 4, consents_keys, 5, 2,
                              RK_GROUP_CONSENTS},
        };
        const struct tab *t = &tabs[d->tab];
        const struct rk_grants *g = rk_session_grants(d->ui->session);
        int rc = kinds[t->kind].fill(d);
        rk_tui_list_init(&d->list,
                         t->kind == TAB_FIELDS ? d->field_columns : kinds[t->kind].cols,
                         kinds[t->kind].ncols, cell, d, d->rows);
        bool may = kinds[t->kind].write == RK_GROUP_COUNT
                       ? (g->write & t->groups & g->read) != 0
                       : rk_authorize_write(g, kinds[t->kind].write);
        size_t skip = may ? 0 : kinds[t->kind].writes;
        if (t->kind == TAB_ORDERS && !may) /* Enter opens an order: read is enough */
                skip = rk_authorize_read(g, RK_GROUP_ORDERS) ? 1 : 2;
        set_keys(d, kinds[t->kind].keys + skip, kinds[t->kind].nkeys - skip);
        return rc;
}

/* ---- loading ------------------------------------------------------------------ */

/* A tab is shown when its groups are readable; contact persons only for
 * a company. */
static bool tab_visible(const struct detail *d, size_t i)
{
        const char *kind = rk_record_get(&d->v.main, "kind");
        if (tabs[i].kind == TAB_CONTACTS &&
            (kind == NULL || strcmp(kind, "company") != 0))
                return false;
        return (rk_session_grants(d->ui->session)->read & tabs[i].groups) != 0;
}

/* Show tab i: load the customer with that tab's groups (+ identity). */
static int show_tab(struct detail *d, size_t i, struct rk_error *err)
{
        struct rk_customer_view v;
        rk_ui_place(d->ui, RK_UI_PLACE_CUSTOMER);
        int rc = rk_customer_load(d->ui->session, d->id, tabs[i].groups | G(IDENTITY), &v,
                                  err);
        if (rc != RK_OK)
                return rc;
        free_cells(d);
        rk_customer_view_clear(&d->v);
        d->v = v;
        d->tab = i;
        rc = fill(d);
        if (rc != RK_OK)
                rk_error_set(err, rc, _("out of memory"));
        return rc;
}

/* The first tab the session may see, or N_TABS. */
static size_t first_tab(const struct detail *d)
{
        size_t i = 0;
        while (i < N_TABS && !tab_visible(d, i))
                i++;
        return i;
}

/* Reload the tab shown (after a save); returns flags. */
static int reload_tab(struct rk_tui_app *app, struct detail *d)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (show_tab(d, d->tab, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_REDRAW;
}

static int switch_tab(struct rk_tui_app *app, struct detail *d, size_t i)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (i >= N_TABS || !tab_visible(d, i) || i == d->tab)
                return RK_TUI_NONE;
        if (show_tab(d, i, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_REDRAW;
}

/* The visible tab `step` places from the current one, wrapping. */
static int act_step(struct rk_tui_app *app, struct detail *d, int step)
{
        size_t i = d->tab;
        for (size_t k = 0; k < N_TABS; k++) {
                i = (i + (step > 0 ? 1 : N_TABS - 1)) % N_TABS;
                if (tab_visible(d, i))
                        return switch_tab(app, d, i);
        }
        return RK_TUI_NONE;
}

static int act_next(struct rk_tui_app *app, void *state)
{
        return act_step(app, state, 1);
}

static int act_prev(struct rk_tui_app *app, void *state)
{
        return act_step(app, state, -1);
}

/* ---- actions ------------------------------------------------------------------ */

static int after_save(struct rk_tui_app *app, void *ctx, int64_t id)
{
        (void)id;
        return reload_tab(app, ctx);
}

static int act_edit(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        return rk_ui_customer_form_open(app, d->ui, d->id,
                                        tabs[d->tab].groups | G(IDENTITY), after_save, d);
}

static int act_new_order(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        return rk_ui_order_form_open(app, d->ui, d->id, 0, after_save, d);
}

static int act_open_order(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        if (d->rows == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No order selected"));
        if (!rk_authorize_read(rk_session_grants(d->ui->session), RK_GROUP_ORDERS))
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Your role may not open orders"));
        return rk_ui_order_open(app, d->ui, d->row_ids[d->list.sel]);
}

static int act_contact_add(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        return rk_ui_contact_form_open(app, d->ui, d->id, 0, after_save, d);
}

static int act_contact_edit(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        if (d->rows == 0)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("No contact person selected"));
        return rk_ui_contact_form_open(app, d->ui, d->id, d->row_ids[d->list.sel],
                                       after_save, d);
}

/* The version of contact id as loaded in the view (0 when gone). */
static int64_t contact_version(const struct detail *d, int64_t id)
{
        for (size_t i = 0; i < d->v.ncontacts; i++)
                if (d->v.contacts[i].id == id)
                        return d->v.contacts[i].version;
        return 0;
}

static int do_remove(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct detail *d = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes || d->rows == 0)
                return RK_TUI_NONE;
        int64_t id = d->row_ids[d->list.sel];
        rk_ui_place(d->ui, RK_UI_PLACE_CONTACT);
        int rc = rk_contact_delete(d->ui->session, id, contact_version(d, id), &err);
        if (rc == RK_ERR_CONFLICT)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Changed by someone else since you opened it; "
                                        "not removed. The tab is reloaded.")) |
                       reload_tab(app, d);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO, _("Contact person removed"));
        return reload_tab(app, d);
}

static int act_contact_remove(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        char text[160];
        if (d->rows == 0)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("No contact person selected"));
        snprintf(text, sizeof(text), _("Remove the contact person %.100s?"),
                 cell(d, d->list.sel, 0));
        return rk_tui_dialog_confirm(app, _("Remove contact person"), text, do_remove, d);
}

static int act_note(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        return rk_ui_note_form_open(app, d->ui, d->id, after_save, d);
}

/* Enter on a contact person: every column whole (a long e-mail address or
 * phone number is cut on the list). */
static int act_contact_show(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        if (d->rows == 0)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("No contact person selected"));
        char *const *row = &d->cells[d->list.sel * 4];
        char text[1200];
        snprintf(text, sizeof(text), _("Title: %s\nE-mail: %s\nPhone: %s"), row[1],
                 row[2], row[3]);
        int r = rk_ui_text_open(app, row[0], text);
        explicit_bzero(text, sizeof(text));
        return r;
}

/* Enter on a note: all of it, with its line breaks, and who wrote it when. */
static int act_read(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        if (d->rows == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No note selected"));
        const struct rk_record_view *n = &d->v.notes[d->list.sel];
        char head[160];
        snprintf(head, sizeof(head), _("Note by %s, %s"), d->cells[d->list.sel * 3 + 1],
                 d->cells[d->list.sel * 3]);
        return rk_ui_text_open(app, head, rk_record_get(n, "body"));
}

static int act_give(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        return rk_ui_consent_form_open(app, d->ui, d->id, after_save, d);
}

static int do_withdraw(struct rk_tui_app *app, void *ctx, bool yes)
{
        struct detail *d = ctx;
        struct rk_error err;
        rk_error_clear(&err);
        if (!yes)
                return RK_TUI_NONE;
        rk_ui_place(d->ui, RK_UI_PLACE_CONSENT);
        if (rk_consent_withdraw(d->ui->session, d->id, d->purpose, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO, _("Consent withdrawn"));
        return reload_tab(app, d);
}

static int act_withdraw(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        char text[128];
        if (d->rows == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No consent selected"));
        const char *purpose = cell(d, d->list.sel, 0),
                   *withdrawn = cell(d, d->list.sel, 3);
        if (withdrawn[0] != '\0')
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("This consent is already withdrawn"));
        snprintf(d->purpose, sizeof(d->purpose), "%s", purpose);
        snprintf(text, sizeof(text),
                 _("Withdraw the consent for %s?\nThe record stays as proof."),
                 d->purpose);
        return rk_tui_dialog_confirm(app, _("Withdraw consent"), text, do_withdraw, d);
}

/* After a merge the detail shows the survivor (this customer, or the one
 * it was merged into). */
static int after_merge(struct rk_tui_app *app, void *ctx, int64_t survivor)
{
        struct detail *d = ctx;
        d->id = survivor;
        return reload_tab(app, d);
}

static int act_merge(struct rk_tui_app *app, void *state)
{
        struct detail *d = state;
        return rk_ui_merge_ask(app, d->ui, d->v.number, after_merge, d);
}

static const struct rk_tui_binding merge_key = {
    RK_TUI_FKEY(KEY_F(7)), "F7", "Merge",
    "Merge a customer who is the same into this one", act_merge};

/* ---- the screen ----------------------------------------------------------------- */

/* The columns of the visible tabs' labels, each cut to at most cap;
 * *shown gets how many tabs are visible. */
static int tabs_cols(const struct detail *d, int cap, int *shown)
{
        int sum = 0;
        *shown = 0;
        for (size_t i = 0; i < N_TABS; i++) {
                if (!tab_visible(d, i))
                        continue;
                int cols = rk_tui_text_cols(_(tabs[i].label));
                sum += cols < cap ? cols : cap;
                ++*shown;
        }
        return sum;
}

/* The tab bar: " 1 Contact " and a gap per tab. When a language's labels
 * do not fit the width so (Swedish for a company: 81 columns), the gaps
 * go, then the padding ("1 Contact", one space between); when they still
 * do not fit (Finnish, six tabs), the longest labels are cut to the same
 * width, with an ellipsis. */
static void draw_tabs(const struct detail *d, WINDOW *win, int y)
{
        int width = getmaxx(win) - 1, shown, cap = INT_MAX;
        int need = tabs_cols(d, cap, &shown);
        bool pad = need + 4 * shown <= width;
        int gap = need + 5 * shown - 1 <= width ? 1 : 0;
        for (cap = need;
             !pad && cap > 1 && tabs_cols(d, cap, &shown) + 3 * shown - 1 > width;)
                cap--;
        int x = 1, no = 0;
        for (size_t i = 0; i < N_TABS && x < getmaxx(win); i++) {
                char label[64];
                if (!tab_visible(d, i))
                        continue;
                snprintf(label, sizeof(label), pad ? " %d %s " : "%d %s", ++no,
                         _(tabs[i].label));
                int room = getmaxx(win) - x;
                if (!pad && cap + 2 < room)
                        room = cap + 2;
                x += rk_tui_print(win, y, x, room,
                                  i == d->tab ? RK_ROLE_SELECTED : RK_ROLE_DIM, label) +
                     (pad ? gap : 1);
        }
}

static void detail_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct detail *d = state;
        int w = getmaxx(win) - 2;
        const char *name = rk_record_get(&d->v.main, "name");
        int x = 1 + rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, d->v.number);
        if (name != NULL)
                x += rk_tui_print(win, 0, x + 2, w - x - 2, RK_ROLE_HEADER, name) + 2;
        draw_tabs(d, win, 1);
        if (d->v.restricted) {
                char banner[160];
                if (d->restricting > 0)
                        snprintf(banner, sizeof(banner),
                                 _(" Processing restricted (Art. 18) — request #%lld "),
                                 (long long)d->restricting);
                else
                        snprintf(banner, sizeof(banner), "%s",
                                 _(" Processing restricted (Art. 18)"));
                rk_tui_fill(win, 2, 1, w, RK_ROLE_BANNER);
                rk_tui_print(win, 2, 1, w, RK_ROLE_BANNER, banner);
        }
        char empty[128];
        snprintf(empty, sizeof(empty), _("Nothing recorded under %s."),
                 _(tabs[d->tab].label));
        if (d->rows == 0)
                rk_tui_print(win, 3, 2, w, RK_ROLE_DIM, empty);
        else
                rk_tui_list_draw(&d->list, win, 3, 1, getmaxy(win) - 3, w);
}

static int detail_key(struct rk_tui_app *app, void *state, int key)
{
        struct detail *d = state;
        if (key >= '1' && key <= '9') {
                int want = key - '0', no = 0;
                for (size_t i = 0; i < N_TABS; i++)
                        if (tab_visible(d, i) && ++no == want)
                                return switch_tab(app, d, i);
                return RK_TUI_NONE;
        }
        return rk_tui_list_key(&d->list, key);
}

static void detail_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct detail *d = state;
        free_cells(d);
        rk_customer_view_clear(&d->v);
        explicit_bzero(d, sizeof(*d));
        free(d);
}

#define TAB_KEYS                                                                         \
        {RK_TUI_FKEY(KEY_LEFT), "Left", NULL, N_("The tab to the left"), act_prev},      \
            {RK_TUI_FKEY(KEY_RIGHT), "Right", NULL,                                      \
             N_("The tab to the right (1-6 pick one)"), act_next},                       \
        {                                                                                \
                RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the list"),               \
                    rk_tui_action_pop                                                    \
        }

/* Leading entries need write access (Orders: read access; see fill()). */
static const struct rk_tui_binding fields_keys[] = {
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Edit"), N_("Edit the fields of this tab"),
     act_edit},
    TAB_KEYS,
};
static const struct rk_tui_binding contacts_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Add"), N_("Add a contact person"), act_contact_add},
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Edit"), N_("Edit the selected contact person"),
     act_contact_edit},
    {RK_TUI_FKEY(KEY_F(8)), "F8", N_("Remove"), N_("Remove the selected contact person"),
     act_contact_remove},
    {RK_TUI_KEY_ENTER, "Enter", N_("Show"), N_("Show the selected contact person whole"),
     act_contact_show},
    TAB_KEYS,
};
static const struct rk_tui_binding orders_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("New order"),
     N_("Take a new order from the catalogue"), act_new_order},
    {RK_TUI_KEY_ENTER, "Enter", N_("Open"), N_("Open the selected order"),
     act_open_order},
    TAB_KEYS,
};
static const struct rk_tui_binding notes_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Note"), N_("Add a note"), act_note},
    {RK_TUI_KEY_ENTER, "Enter", N_("Read"), N_("Show the selected note whole"), act_read},
    TAB_KEYS,
};
static const struct rk_tui_binding consents_keys[] = {
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Give"), N_("Record a consent given"), act_give},
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Withdraw"), N_("Withdraw the selected consent"),
     act_withdraw},
    TAB_KEYS,
};

static const struct rk_tui_screen_ops detail_ops = {
    .name = N_("Customer"),
    .draw = detail_draw,
    .key = detail_key,
    .fini = detail_fini,
};

int rk_ui_customer_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct detail *d = calloc(1, sizeof(*d));
        if (d == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        d->ui = ui;
        d->id = id;
        d->ops = detail_ops;
        d->field_columns[0] = (struct rk_tui_column){
            NULL,
            rk_ui_label_cols(RK_REC_CUSTOMER, rk_session_grants(ui->session)->read,
                             LABEL_MIN, LABEL_MAX),
            RK_TUI_LEFT};
        d->field_columns[1] = (struct rk_tui_column){NULL, 0, RK_TUI_LEFT};
        size_t t = first_tab(d);
        /* a role that reads only identity still gets the header */
        int rc = show_tab(d, t < N_TABS ? t : 0, &err);
        if (rc != RK_OK) {
                detail_fini(app, d);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        if (d->v.restricted) /* only a request handler gets this far */
                d->restricting = rk_ui_dsr_restricting(ui, id);
        return rk_tui_push(app, &d->ops, d);
}
