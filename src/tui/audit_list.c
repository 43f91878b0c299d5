/*
 * audit_list.c - the Audit trail screen (supervisor): the trail newest
 * first, a page at a time, with filters; and the same list as "who
 * accessed customer X" (reads and changes of one customer).
 *
 * How it works: the screen holds one page (PAGE rows) from rk_audit_list.
 * Moving past the last row (Down or PgDn there) loads the next older page
 * with before_id = the last row's id and remembers where the page began;
 * moving before the first row (Up or PgUp there) goes back. The filter
 * (F2) is kept as text typed and points the core's struct rk_audit_filter
 * at it. Opening the screen and every new filter is one look at the
 * trail and is recorded (audit.list, with the customer number as its
 * target when filtered by one) before the rows are read; turning pages is the same look.
 * F5 exports every row that matches the filter (not only the page).
 */
#include "audit_ui.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "rekisteri/audit_session.h"

#define PAGE 100

struct audit_list {
        struct rk_tui_screen_ops ops;
        struct rk_ui *ui;
        bool by_subject; /* the "who accessed" view */
        char user[65], action[49], subject[RK_AUDIT_NUMBER_SIZE], from[11], until[11];
        int64_t subject_id; /* the customer numbered subject, 0 for none */
        struct rk_audit_filter filter;
        struct rk_audit_row *rows;
        size_t n;
        int64_t before; /* before_id of this page; 0 = newest */
        int64_t *back;  /* before_id of each earlier page */
        size_t nback, capback;
        struct rk_tui_list list;
        char cell[32];
};

static const struct rk_tui_column trail_columns[] = {
    {N_("Time (UTC)"), 19, RK_TUI_LEFT}, {N_("User"), 10, RK_TUI_LEFT},
    {N_("Source"), 7, RK_TUI_LEFT},      {N_("Action"), 15, RK_TUI_LEFT},
    {N_("Cust."), 7, RK_TUI_LEFT},       {N_("Groups"), 0, RK_TUI_LEFT},
    {N_("Result"), 6, RK_TUI_LEFT},
};

static const struct rk_tui_column subject_columns[] = {
    {N_("Time (UTC)"), 19, RK_TUI_LEFT}, {N_("User"), 12, RK_TUI_LEFT},
    {N_("Action"), 15, RK_TUI_LEFT},     {N_("Field groups"), 0, RK_TUI_LEFT},
    {N_("Result"), 6, RK_TUI_LEFT},
};

/* "2027-01-15T08:00:00Z" as "2027-01-15 08:00:00". */
static const char *time_text(char *out, size_t size, const char *at)
{
        snprintf(out, size, "%.10s %.8s", at, strlen(at) > 11 ? at + 11 : "");
        return out;
}

static const char *trail_cell(struct audit_list *a, const struct rk_audit_row *r,
                              size_t col)
{
        static const size_t subject_map[] = {0, 1, 3, 5, 6};
        if (a->by_subject)
                col = subject_map[col];
        switch (col) {
        case 0:
                return time_text(a->cell, sizeof(a->cell), r->at);
        case 1:
                return r->user;
        case 2:
                return r->source;
        case 3:
                return r->action;
        case 4:
                return rk_audit_subject_text(r, a->cell, sizeof(a->cell));
        case 5:
                return r->groups;
        default:
                return r->result;
        }
}

static const char *list_cell(void *ctx, size_t row, size_t col)
{
        struct audit_list *a = ctx;
        return trail_cell(a, &a->rows[row], col);
}

static enum rk_tui_role list_row_role(void *ctx, size_t row)
{
        const struct audit_list *a = ctx;
        return strcmp(a->rows[row].result, "ok") == 0 ? RK_ROLE_NORMAL : RK_ROLE_WARNING;
}

/* Point the core filter at the typed text; "" filters nothing. */
static void filter_apply(struct audit_list *a)
{
        struct rk_audit_filter *f = &a->filter;
        memset(f, 0, sizeof(*f));
        f->user = a->user[0] ? a->user : NULL;
        f->action = a->action[0] ? a->action : NULL;
        f->subject = a->subject[0] ? a->subject_id : 0;
        f->from = a->from[0] ? a->from : NULL;
        f->to = a->until[0] ? a->until : NULL;
}

/* Load the page that starts before `before`; keep the old page when the
 * new one is empty and keep_if_empty. *got gets the row count. */
static int load_page(struct audit_list *a, int64_t before, bool keep_if_empty,
                     bool record, size_t *got, struct rk_error *err)
{
        struct rk_audit_filter f = a->filter;
        struct rk_audit_row *rows = NULL;
        size_t n = 0;
        f.before_id = before;
        int rc = rk_audit_session_list(rk_ui_audit_session(a->ui), &f, PAGE, record,
                                       &rows, &n, err);
        *got = n;
        if (rc != RK_OK || (n == 0 && keep_if_empty)) {
                free(rows);
                return rc;
        }
        free(a->rows);
        a->rows = rows;
        a->n = n;
        a->before = before;
        rk_tui_list_set_rows(&a->list, n);
        return RK_OK;
}

/* A new look: read the newest page, recorded with the read. */
static int look(struct audit_list *a, struct rk_error *err)
{
        size_t got;
        filter_apply(a);
        int rc = load_page(a, 0, false, true, &got, err);
        if (rc == RK_OK) {
                a->nback = 0;
                a->list.sel = 0;
                a->list.top = 0;
        }
        return rc;
}

static int page_older(struct rk_tui_app *app, struct audit_list *a)
{
        struct rk_error err;
        size_t got;
        rk_error_clear(&err);
        if (a->n < PAGE)
                return rk_tui_message(app, RK_TUI_INFO, _("No older entries"));
        if (a->nback == a->capback) {
                size_t cap = a->capback ? 2 * a->capback : 16;
                int64_t *b = realloc(a->back, cap * sizeof(*b));
                if (b == NULL)
                        return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
                a->back = b;
                a->capback = cap;
        }
        int64_t was = a->before;
        if (load_page(a, a->rows[a->n - 1].id, true, false, &got, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        if (got == 0)
                return rk_tui_message(app, RK_TUI_INFO, _("No older entries"));
        a->back[a->nback++] = was;
        a->list.sel = 0;
        a->list.top = 0;
        return RK_TUI_REDRAW;
}

static int page_newer(struct rk_tui_app *app, struct audit_list *a)
{
        struct rk_error err;
        size_t got;
        rk_error_clear(&err);
        if (a->nback == 0)
                return rk_tui_message(app, RK_TUI_INFO, _("This is the newest entry"));
        if (load_page(a, a->back[a->nback - 1], false, false, &got, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        a->nback--;
        a->list.sel = a->n > 0 ? a->n - 1 : 0;
        return RK_TUI_REDRAW;
}

static int list_key(struct rk_tui_app *app, void *state, int key)
{
        struct audit_list *a = state;
        bool at_end = a->n == 0 || a->list.sel + 1 >= a->n;
        bool at_start = a->list.sel == 0;
        if (at_end && (key == RK_TUI_FKEY(KEY_DOWN) || key == RK_TUI_FKEY(KEY_NPAGE)))
                return page_older(app, a);
        if (at_start && (key == RK_TUI_FKEY(KEY_UP) || key == RK_TUI_FKEY(KEY_PPAGE)))
                return page_newer(app, a);
        return rk_tui_list_key(&a->list, key);
}

/* The filter in words, for the heading. */
static void filter_text(const struct audit_list *a, char *out, size_t size)
{
        int used = snprintf(out, size, "%s", "");
        const char *names[] = {_("user"), _("action"), _("customer"), _("from"),
                               _("until")};
        const char *values[] = {a->user, a->action, a->subject, a->from, a->until};
        for (size_t i = 0; i < 5 && a->by_subject == false; i++) {
                if (values[i][0] != '\0' && used >= 0 && (size_t)used < size)
                        used += snprintf(out + used, size - (size_t)used, " %s=%s",
                                         names[i], values[i]);
        }
}

static void list_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct audit_list *a = state;
        char head[256], filter[200];
        filter_text(a, filter, sizeof(filter));
        if (a->by_subject)
                snprintf(head, sizeof(head),
                         _("Who accessed %s: every user, time and field group"),
                         a->subject);
        else if (filter[0] != '\0')
                snprintf(head, sizeof(head), _("Newest first. Filter:%s"), filter);
        else
                snprintf(head, sizeof(head), "%s", _("Newest first. No filter (F2)."));
        int w = getmaxx(win) - 2;
        char page[48];
        if (a->n == PAGE) /* a full page: more may follow */
                snprintf(page, sizeof(page), _("Page %zu, %zu entries+"), a->nback + 1,
                         a->n);
        else
                snprintf(page, sizeof(page),
                         ngettext("Page %zu, %zu entry", "Page %zu, %zu entries", a->n),
                         a->nback + 1, a->n);
        int pw = rk_tui_text_cols(page);
        rk_tui_print(win, 0, 1, w - pw - 1, RK_ROLE_HEADER, head);
        rk_tui_print(win, 0, 1 + w - pw, pw, RK_ROLE_DIM, page);
        if (a->n == 0)
                rk_tui_print(win, 3, 2, w, RK_ROLE_DIM, _("No entries match."));
        rk_tui_list_draw(&a->list, win, 1, 1, getmaxy(win) - 1, w);
}

/* ---- actions -------------------------------------------------------------- */

static int act_detail(struct rk_tui_app *app, void *state)
{
        struct audit_list *a = state;
        if (a->n == 0)
                return rk_tui_message(app, RK_TUI_WARNING, _("No entry selected"));
        return rk_ui_audit_detail_open(app, &a->rows[a->list.sel]);
}

static int filter_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct audit_list *a = ctx;
        struct rk_error err;
        char number[RK_AUDIT_NUMBER_SIZE] = "";
        int64_t id = 0;
        rk_error_clear(&err);
        if (v[2][0] != '\0' &&
            rk_audit_session_find(a->ui->session, v[2], &id, number, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_WARNING, "%s", err.msg);
        if (rk_ui_audit_check_dates(app, v[3], v[4]) != RK_OK)
                return RK_TUI_REDRAW;
        snprintf(a->user, sizeof(a->user), "%s", v[0]);
        snprintf(a->action, sizeof(a->action), "%s", v[1]);
        snprintf(a->subject, sizeof(a->subject), "%s", number);
        a->subject_id = id;
        snprintf(a->from, sizeof(a->from), "%s", v[3]);
        snprintf(a->until, sizeof(a->until), "%s", v[4]);
        if (look(a, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return RK_TUI_POP | RK_TUI_REDRAW;
}

static int act_filter(struct rk_tui_app *app, void *state)
{
        struct audit_list *a = state;
        const struct rk_ui_ask ask = {
            .name = _("Filter"),
            .heading = _("Show only entries that match (empty: any)"),
            .hint = _("Action: exact, or a prefix ending in '.' (customer.)\n"
                      "Dates UTC, YYYY-MM-DD; From inclusive, Until exclusive."),
            .done = filter_done,
            .ctx = a,
        };
        const struct rk_ui_ask_item items[] = {
            {_("User"), a->user, 64, false},        {_("Action"), a->action, 48, false},
            {_("Customer"), a->subject, 19, false}, {_("From"), a->from, 10, false},
            {_("Until"), a->until, 10, false},
        };
        return rk_ui_ask_open(app, &ask, items, 5);
}

static int who_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct audit_list *a = ctx;
        struct rk_error err;
        char number[RK_AUDIT_NUMBER_SIZE];
        int64_t id = 0;
        rk_error_clear(&err);
        if (rk_audit_session_find(a->ui->session, v[0], &id, number, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_WARNING, "%s", err.msg);
        return RK_TUI_POP | rk_ui_audit_subject_open(app, a->ui, id, number);
}

static int act_who(struct rk_tui_app *app, void *state)
{
        const struct rk_ui_ask ask = {
            .name = _("Who accessed"),
            .heading = _("Who accessed a customer: every user, time and field group"),
            .hint = _("The customer number, such as C000123 (column Cust.)."),
            .done = who_done,
            .ctx = state,
        };
        const struct rk_ui_ask_item item = {_("Customer"), NULL, 19, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

static int act_user(struct rk_tui_app *app, void *state)
{
        return rk_ui_audit_user_ask(app, ((struct audit_list *)state)->ui);
}

static int act_check(struct rk_tui_app *app, void *state)
{
        return rk_ui_audit_check_ask(app, ((struct audit_list *)state)->ui);
}

static int write_rows(FILE *out, void *ctx, struct rk_error *err)
{
        struct audit_list *a = ctx;
        return rk_audit_session_export(rk_ui_audit_session(a->ui), &a->filter, out, err);
}

static int export_done(struct rk_tui_app *app, void *ctx, const char *const *v)
{
        struct audit_list *a = ctx;
        return rk_ui_audit_export(app, a->ui, v[0], write_rows, a);
}

static int act_export(struct rk_tui_app *app, void *state)
{
        const struct rk_ui_ask ask = {
            .name = _("Export"),
            .heading = _("Export every entry that matches the filter as CSV"),
            .hint = _("A new file (mode 0600); an existing file is never replaced."),
            .done = export_done,
            .ctx = state,
        };
        const struct rk_ui_ask_item item = {_("File"), NULL, 200, false};
        return rk_ui_ask_open(app, &ask, &item, 1);
}

/* ---- the screen ---------------------------------------------------------------- */

static int list_init(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct audit_list *a = state;
        struct rk_error err;
        rk_error_clear(&err);
        rk_session_set_place(a->ui->session,
                             a->by_subject ? "audit: who accessed" : RK_UI_AUDIT_PLACE);
        if (a->by_subject)
                rk_tui_list_init(&a->list, subject_columns, 5, list_cell, a, 0);
        else
                rk_tui_list_init(&a->list, trail_columns, 7, list_cell, a, 0);
        a->list.row_role = list_row_role;
        int rc = look(a, &err);
        if (rc != RK_OK)
                rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        return rc;
}

static void list_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct audit_list *a = state;
        free(a->rows);
        free(a->back);
        free(a);
}

static const struct rk_tui_binding trail_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Detail"), N_("Every column of the selected entry"),
     act_detail},
    {RK_TUI_FKEY(KEY_F(2)), "F2", N_("Filter"),
     N_("Filter by user, action, customer, dates"), act_filter},
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("Who"), N_("Who accessed a customer"), act_who},
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("User"), N_("What a user accessed (breach report)"),
     act_user},
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("CSV"), N_("Export the filtered trail as CSV"),
     act_export},
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Check"), N_("Check the trail's integrity"),
     act_check},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the home screen"), rk_tui_action_pop},
};

static const struct rk_tui_binding subject_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Detail"), N_("Every column of the selected entry"),
     act_detail},
    {RK_TUI_FKEY(KEY_F(5)), "F5", N_("CSV"), N_("Export this customer's entries as CSV"),
     act_export},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the previous screen"),
     rk_tui_action_pop},
};

static int open_list(struct rk_tui_app *app, struct rk_ui *ui, int64_t subject,
                     const char *number)
{
        if (rk_ui_audit_allowed(app, ui) != RK_OK)
                return RK_TUI_REDRAW;
        struct audit_list *a = calloc(1, sizeof(*a));
        if (a == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        a->ui = ui;
        a->by_subject = subject > 0;
        if (a->by_subject) {
                snprintf(a->subject, sizeof(a->subject), "%s", number);
                a->subject_id = subject;
        }
        a->ops = (struct rk_tui_screen_ops){
            .name = a->by_subject ? _("Who accessed") : _("Audit trail"),
            .init = list_init,
            .draw = list_draw,
            .key = list_key,
            .fini = list_fini,
            .keys = a->by_subject ? subject_keys : trail_keys,
            .n_keys = a->by_subject ? sizeof(subject_keys) / sizeof(subject_keys[0])
                                    : sizeof(trail_keys) / sizeof(trail_keys[0]),
        };
        return rk_tui_push(app, &a->ops, a);
}

int rk_ui_audit_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        return open_list(app, ui, 0, "");
}

int rk_ui_audit_subject_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t subject,
                             const char *number)
{
        return open_list(app, ui, subject, number);
}
