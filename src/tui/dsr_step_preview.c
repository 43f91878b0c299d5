/*
 * dsr_step_preview.c - step 4 of the request wizard (dsr_ui.h): exactly
 * what carrying the request out would do today, per record and table
 * (per field for the customer record): export, erase, anonymise, change,
 * add, or keep, and for what is kept the legal hold and its reason.
 *
 * How it works: rk_dsr_preview() (audited as dsr.preview, counts only,
 * no values) fills a scrollable list; kept rows are drawn as warnings,
 * erased rows as errors, and the selected row's whole reason is shown
 * wrapped under the list, since the column is narrow. The preview is
 * made again each time the step is entered, so it is never stale.
 */
#include <stdio.h>
#include <string.h>

#include "dsr_ui.h"

#define WHY_ROWS 3

static const struct rk_tui_column preview_columns[] = {
    {N_("Record"), 7, RK_TUI_LEFT}, {N_("What"), 28, RK_TUI_LEFT},
    {N_("Effect"), 9, RK_TUI_LEFT}, {N_("Rows"), 5, RK_TUI_RIGHT},
    {N_("Why"), 0, RK_TUI_LEFT},
};

static const char *preview_cell(void *ctx, size_t row, size_t col)
{
        struct dsr_wizard *w = ctx;
        const struct rk_dsr_preview_item *it = &w->preview.p.items[row];
        switch (col) {
        case 0:
                return it->number;
        case 1:
                return it->label;
        case 2:
                return rk_dsr_effect_name(it->effect);
        case 3:
                snprintf(w->cell, sizeof(w->cell), "%lld", (long long)it->rows);
                return w->cell;
        default:
                return it->reason;
        }
}

static enum rk_tui_role preview_role(void *ctx, size_t row)
{
        const struct dsr_wizard *w = ctx;
        if (w->preview.p.items[row].rows == 0)
                return RK_ROLE_DIM; /* nothing of this kind */
        switch (w->preview.p.items[row].effect) {
        case RK_EFFECT_KEEP:
                return RK_ROLE_WARNING;
        case RK_EFFECT_ERASE:
                return RK_ROLE_ERROR;
        default:
                return RK_ROLE_NORMAL;
        }
}

static int preview_enter(struct rk_tui_app *app, struct dsr_wizard *w,
                         struct rk_error *err)
{
        (void)app;
        struct rk_dsr_preview p;
        if (rk_dsr_preview(w->ui->session, w->req.id, &p, err) != RK_OK)
                return err->rc;
        rk_dsr_preview_free(&w->preview.p);
        w->preview.p = p;
        rk_tui_list_init(&w->preview.list, preview_columns, 5, preview_cell, w, p.n);
        w->preview.list.row_role = preview_role;
        return RK_OK;
}

/* "12 export, 3 erase, 2 keep" over the rows of the preview. */
static void totals(const struct rk_dsr_preview *p, char *out, size_t size)
{
        long long n[RK_EFFECT_ADD + 1] = {0};
        out[0] = '\0';
        for (size_t i = 0; i < p->n; i++)
                n[p->items[i].effect]++;
        for (int e = RK_EFFECT_EXPORT; e <= RK_EFFECT_ADD; e++) {
                size_t used = strlen(out);
                if (n[e] > 0)
                        snprintf(out + used, size - used, "%s%lld %s", used ? ", " : "",
                                 n[e], rk_dsr_effect_name((enum rk_dsr_effect)e));
        }
}

/* The rows an export will write, as the summary counts them: each
 * customer record once (its fields are items of their own) and every row
 * of the other items. 0 when nothing is exported. */
static long long export_rows(const struct rk_dsr_preview *p)
{
        long long rows = 0;
        int64_t last = 0;
        for (size_t i = 0; i < p->n; i++) {
                const struct rk_dsr_preview_item *it = &p->items[i];
                if (it->effect != RK_EFFECT_EXPORT)
                        continue;
                if (it->column == NULL)
                        rows += it->rows;
                else if (it->customer_id != last)
                        rows++;
                if (it->column != NULL)
                        last = it->customer_id;
        }
        return rows;
}

static void preview_draw(struct rk_tui_app *app, struct dsr_wizard *w, WINDOW *win, int y)
{
        (void)app;
        int width = getmaxx(win) - 4, rows = getmaxy(win) - y - WHY_ROWS - 2;
        char sum[160], line[320];
        totals(&w->preview.p, sum, sizeof(sum));
        long long out = export_rows(&w->preview.p);
        if (out > 0)
                snprintf(line, sizeof(line), _("Items: %s; %lld row(s) of data."), sum,
                         out);
        else
                snprintf(line, sizeof(line), _("Items: %s."), sum);
        rk_tui_print(win, y, 2, width, RK_ROLE_LABEL, line);
        rk_tui_list_draw(&w->preview.list, win, y + 1, 2, rows, width);
        if (w->preview.p.n == 0)
                return;
        const struct rk_dsr_preview_item *it = &w->preview.p.items[w->preview.list.sel];
        snprintf(line, sizeof(line), "%s %s: %s", it->number, it->label,
                 it->reason[0] ? it->reason : rk_dsr_effect_name(it->effect));
        rk_ui_print_wrapped(win, getmaxy(win) - WHY_ROWS, 2, width, WHY_ROWS,
                            it->effect == RK_EFFECT_KEEP ? RK_ROLE_WARNING : RK_ROLE_DIM,
                            line);
}

static int preview_key(struct rk_tui_app *app, struct dsr_wizard *w, int key)
{
        (void)app;
        return rk_tui_list_key(&w->preview.list, key);
}

static int act_next(struct rk_tui_app *app, void *state)
{
        return dsr_wizard_go(app, state, DSR_EXECUTE);
}

static int act_back(struct rk_tui_app *app, void *state)
{
        return dsr_wizard_go(app, state, DSR_VERIFY);
}

static int act_close(struct rk_tui_app *app, void *state)
{
        return dsr_wizard_go(app, state, DSR_CLOSE);
}

static const struct rk_tui_binding preview_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Next"), N_("Go on to carrying the request out"),
     act_next},
    {RK_TUI_FKEY(KEY_F(6)), "F6", N_("Close"),
     N_("Close the request without carrying it out"), act_close},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the identity verification"),
     act_back},
};

const struct dsr_step dsr_step_preview = {
    .title = N_("Preview"),
    .enter = preview_enter,
    .draw = preview_draw,
    .key = preview_key,
    .keys = preview_keys,
    .n_keys = sizeof(preview_keys) / sizeof(preview_keys[0]),
};
