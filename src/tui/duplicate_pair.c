/*
 * duplicate_pair.c - two customers that look like one, side by side: the
 * screen the Duplicates list opens with Enter (duplicates.c).
 *
 * How it works: both customers are loaded through rk_customer_load with
 * the groups the matcher compares and a supervisor needs to judge (name,
 * contact details, billing, identity code); core gives only what the
 * session may read and records each load as a view of that customer.
 * One list row per field either customer has a value for: the field, the
 * first customer's value, the second's, and "=" where they are the same
 * but for the case of ASCII letters (as e-mail addresses are matched).
 * F3 and F4 open either customer's full detail; F7 (supervisors with the
 * merge action) opens the Merge screen for the pair, the first customer as
 * the survivor; Esc goes back to the list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rekisteri/customer.h"
#include "rekisteri/duplicates.h"
#include "rekisteri/i18n.h"
#include "ui.h"

#define NCOLS 4
/* The Field column: as wide as the widest label shown in the user's
 * language ("Toimituksen postitoimipaikka"), within these. */
#define LABEL_MIN 22
#define LABEL_MAX 30
#define WANT                                                                             \
        ((1u << RK_GROUP_IDENTITY) | (1u << RK_GROUP_CONTACT) |                          \
         (1u << RK_GROUP_BILLING) | (1u << RK_GROUP_IDCODE))

/* One row: a field and the two values (owned by the views). */
struct row {
        const char *label, *value[2];
        bool same;
};

struct pair {
        struct rk_ui *ui;
        struct rk_duplicate dup;
        struct rk_customer_view v[2];
        struct row *rows;
        size_t n;
        bool merged; /* F7 merged the pair: the rows are of the past */
        char heading[160];
        struct rk_tui_column cols[NCOLS];
        struct rk_tui_list list;
};

static const char *cell(void *ctx, size_t r, size_t col)
{
        const struct row *row = &((struct pair *)ctx)->rows[r];
        switch (col) {
        case 0:
                return row->label;
        case 1:
                return row->same ? "=" : "";
        default:
                return row->value[col - 2] ? row->value[col - 2] : "";
        }
}

/* A row for every field of the first view that either customer has. */
static int build_rows(struct pair *p)
{
        const struct rk_record_view *a = &p->v[0].main, *b = &p->v[1].main;
        p->rows = calloc(a->n ? a->n : 1, sizeof(*p->rows));
        if (p->rows == NULL)
                return RK_ERR_NOMEM;
        for (size_t i = 0; i < a->n; i++) {
                const char *col = a->values[i].field->column;
                const char *x = a->values[i].value, *y = rk_record_get(b, col);
                if ((x == NULL || x[0] == '\0') && (y == NULL || y[0] == '\0'))
                        continue;
                p->rows[p->n++] =
                    (struct row){_(a->values[i].field->label),
                                 {x, y},
                                 x != NULL && y != NULL && strcasecmp(x, y) == 0};
        }
        return RK_OK;
}

static void set_columns(struct pair *p)
{
        p->cols[0] = (struct rk_tui_column){
            _("Field"),
            rk_ui_label_cols(RK_REC_CUSTOMER,
                             WANT & rk_session_grants(p->ui->session)->read, LABEL_MIN,
                             LABEL_MAX),
            RK_TUI_LEFT};
        p->cols[1] = (struct rk_tui_column){"", 1, RK_TUI_LEFT};
        p->cols[2] = (struct rk_tui_column){p->dup.number[0], 0, RK_TUI_LEFT};
        p->cols[3] = (struct rk_tui_column){p->dup.number[1], 0, RK_TUI_LEFT};
        rk_tui_list_init(&p->list, p->cols, NCOLS, cell, p, p->n);
        snprintf(p->heading, sizeof(p->heading), _("%s and %s: %s, score %d"),
                 p->dup.number[0], p->dup.number[1], rk_match_reason_label(p->dup.reason),
                 p->dup.score);
}

static int open_one(struct rk_tui_app *app, struct pair *p, int which)
{
        return rk_ui_customer_open(app, p->ui, p->dup.id[which]);
}

static int act_first(struct rk_tui_app *app, void *state)
{
        return open_one(app, state, 0);
}

static int act_second(struct rk_tui_app *app, void *state)
{
        return open_one(app, state, 1);
}

/* After a merge: the pair is one customer now; say so and refuse F7. */
static int merged_done(struct rk_tui_app *app, void *ctx, int64_t survivor)
{
        (void)survivor;
        struct pair *p = ctx;
        p->merged = true;
        return rk_tui_message(app, RK_TUI_INFO, _("%s was merged into %s."),
                              p->dup.number[1], p->dup.number[0]);
}

static int act_merge(struct rk_tui_app *app, void *state)
{
        struct pair *p = state;
        if (p->merged)
                return rk_tui_message(app, RK_TUI_INFO,
                                      _("These two are already one customer."));
        return rk_ui_merge_open_then(app, p->ui, p->dup.id[0], p->dup.id[1], merged_done,
                                     p);
}

static void pair_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        struct pair *p = state;
        int w = getmaxx(win) - 2, h = getmaxy(win);
        rk_tui_print(win, 0, 1, w, RK_ROLE_HEADER, p->heading);
        rk_tui_print(
            win, 1, 1, w, RK_ROLE_DIM,
            _("= marks a value both have. F3 or F4 opens either; F7 merges them."));
        rk_tui_list_draw(&p->list, win, 3, 1, h - 3, w);
}

static int pair_key(struct rk_tui_app *app, void *state, int key)
{
        (void)app;
        return rk_tui_list_key(&((struct pair *)state)->list, key);
}

static void pair_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct pair *p = state;
        rk_customer_view_clear(&p->v[0]);
        rk_customer_view_clear(&p->v[1]);
        free(p->rows);
        explicit_bzero(p, sizeof(*p));
        free(p);
}

static const struct rk_tui_binding pair_keys[] = {
    {RK_TUI_FKEY(KEY_F(3)), "F3", N_("First"), N_("Open the first customer's detail"),
     act_first},
    {RK_TUI_FKEY(KEY_F(4)), "F4", N_("Second"), N_("Open the second customer's detail"),
     act_second},
    {RK_TUI_FKEY(KEY_F(7)), "F7", N_("Merge"),
     N_("Merge the second customer into the first, field by field"), act_merge},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the list of duplicates"),
     rk_tui_action_pop},
};

static const struct rk_tui_screen_ops pair_ops = {
    .name = N_("Duplicate pair"),
    .draw = pair_draw,
    .key = pair_key,
    .fini = pair_fini,
    .keys = pair_keys,
    .n_keys = sizeof(pair_keys) / sizeof(pair_keys[0]),
};

int rk_ui_duplicate_pair_open(struct rk_tui_app *app, struct rk_ui *ui,
                              const struct rk_duplicate *dup)
{
        struct rk_error err;
        rk_error_clear(&err);
        struct pair *p = calloc(1, sizeof(*p));
        if (p == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", _("Out of memory"));
        p->ui = ui;
        p->dup = *dup;
        rk_ui_place(ui, RK_UI_PLACE_DUPLICATES);
        int rc = RK_OK;
        for (int i = 0; i < 2 && rc == RK_OK; i++)
                rc = rk_customer_load(ui->session, dup->id[i], WANT, &p->v[i], &err);
        if (rc == RK_OK && build_rows(p) != RK_OK)
                rc = rk_error_set(&err, RK_ERR_NOMEM, "%s", _("Out of memory"));
        if (rc != RK_OK) {
                pair_fini(app, p);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        set_columns(p);
        return rk_tui_push(app, &pair_ops, p);
}
