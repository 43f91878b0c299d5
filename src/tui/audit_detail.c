/*
 * audit_detail.c - one audit entry with every column: id, time, user,
 * session, source, action, customer, field groups, changed fields (names,
 * never values), screen, result, target and epoch.
 *
 * How it works: the screen keeps a copy of the row, so the list below may
 * turn pages meanwhile. Comma lists (groups, fields) are wrapped at their
 * commas to the window's width; every string is drawn through the kit, so
 * whatever the database holds is sanitised.
 */
#include "audit_ui.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define LABEL 16

struct audit_detail {
        struct rk_audit_row row;
};

/* Draw a comma list from y, wrapped at commas to width; returns rows used. */
static int draw_list(WINDOW *win, int y, int x, int width, const char *text)
{
        char line[320] = "", item[320];
        int rows = 0;
        const char *p = text;
        while (*p != '\0') {
                size_t len = strcspn(p, ",");
                snprintf(item, sizeof(item), "%s%.*s%s", line[0] ? " " : "", (int)len, p,
                         p[len] == ',' ? "," : "");
                if (line[0] != '\0' &&
                    rk_tui_text_cols(line) + rk_tui_text_cols(item) > width) {
                        rk_tui_print(win, y + rows++, x, width, RK_ROLE_NORMAL, line);
                        snprintf(line, sizeof(line), "%s", item + 1);
                } else {
                        size_t used = strlen(line);
                        snprintf(line + used, sizeof(line) - used, "%s", item);
                }
                p += len + (p[len] == ',');
        }
        rk_tui_print(win, y + rows, x, width, RK_ROLE_NORMAL, line[0] ? line : "-");
        return rows + 1;
}

static void detail_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        (void)app;
        const struct audit_detail *d = state;
        const struct rk_audit_row *r = &d->row;
        char id[24], subject[RK_AUDIT_NUMBER_SIZE], epoch[24];
        snprintf(id, sizeof(id), "%" PRId64, r->id);
        if (rk_audit_subject_text(r, subject, sizeof(subject))[0] == '\0')
                snprintf(subject, sizeof(subject), "-");
        snprintf(epoch, sizeof(epoch), "%" PRId64, r->epoch);
        const struct {
                const char *label, *value;
                bool list;
        } lines[] = {
            {_("Entry"), id, false},
            {_("Time (UTC)"), r->at, false},
            {_("User"), r->user, false},
            {_("Session"), r->session, false},
            {_("Source"), r->source, false},
            {_("Action"), r->action, false},
            {_("Customer"), subject, false},
            {_("Field groups"), r->groups, true},
            {_("Fields changed"), r->fields, true},
            {_("Screen"), r->screen, false},
            {_("Result"), r->result, false},
            {_("Target"), r->target, false},
            {_("Epoch"), epoch, false},
        };
        int y = 1, x = 2, w = getmaxx(win) - x - LABEL - 4;
        for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]) && y < getmaxy(win);
             i++) {
                rk_tui_print_cell(win, y, x, LABEL, RK_ROLE_LABEL, RK_TUI_RIGHT,
                                  lines[i].label);
                rk_tui_print(win, y, x + LABEL, 2, RK_ROLE_LABEL, ": ");
                if (lines[i].list)
                        y += draw_list(win, y, x + LABEL + 2, w, lines[i].value);
                else
                        rk_tui_print(win, y++, x + LABEL + 2, w, RK_ROLE_NORMAL,
                                     lines[i].value[0] ? lines[i].value : "-");
        }
}

static void detail_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        free(state);
}

static const struct rk_tui_binding detail_keys[] = {
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Back to the list"), rk_tui_action_pop},
    {RK_TUI_KEY_ENTER, "Enter", NULL, N_("Back to the list"), rk_tui_action_pop},
};

static const struct rk_tui_screen_ops detail_ops = {
    .name = N_("Audit entry"),
    .draw = detail_draw,
    .fini = detail_fini,
    .keys = detail_keys,
    .n_keys = sizeof(detail_keys) / sizeof(detail_keys[0]),
};

int rk_ui_audit_detail_open(struct rk_tui_app *app, const struct rk_audit_row *row)
{
        struct audit_detail *d = calloc(1, sizeof(*d));
        if (d == NULL)
                return rk_tui_message(app, RK_TUI_ERROR, _("Out of memory"));
        d->row = *row;
        return rk_tui_push(app, &detail_ops, d);
}
