/*
 * ui.c - helpers every product screen shares (see ui.h): secret fields in
 * guarded memory, logging out, and the step after a login.
 *
 * How it works: a secret field is a kit field over an rk_secret_alloc
 * buffer, so the password never sits in ordinary heap memory and is
 * wiped by sodium_free. The title line names the user, roles and where
 * the session comes from while logged in; logging out puts the plain
 * title back before the stack is reset to the login screen.
 */
#include "ui.h"
#include "rekisteri/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rekisteri/secret.h"
#include "rekisteri/text.h"

int rk_ui_secret_init(struct rk_ui_secret *s, size_t max_chars)
{
        memset(s, 0, sizeof(*s));
        s->buf = rk_secret_alloc(RK_PASSWORD_MAX + 1);
        if (s->buf == NULL)
                return RK_ERR_NOMEM;
        rk_tui_field_init(&s->field, s->buf, RK_PASSWORD_MAX + 1, max_chars, true);
        return RK_OK;
}

void rk_ui_secret_fini(struct rk_ui_secret *s)
{
        rk_secret_free(s->buf);
        memset(s, 0, sizeof(*s));
}

void rk_ui_secret_clear(struct rk_ui_secret *s)
{
        if (s->buf != NULL)
                rk_tui_field_clear(&s->field);
}

const char *rk_ui_secret_text(const struct rk_ui_secret *s)
{
        return s->buf;
}

size_t rk_ui_secret_len(const struct rk_ui_secret *s)
{
        return s->field.len;
}

int64_t rk_ui_now(void)
{
        return (int64_t)time(NULL);
}

static void set_session_title(struct rk_tui_app *app, struct rk_session *s)
{
        char title[160];
        snprintf(title, sizeof(title), _("rekisteri - %s (%s) from %s"),
                 rk_session_username(s), rk_session_roles_text(s),
                 rk_session_source_text(s));
        rk_tui_set_title(app, title);
}

int rk_ui_logout(struct rk_tui_app *app, struct rk_ui *ui, enum rk_tui_level level,
                 const char *msg)
{
        struct rk_error err;
        /* a user's own log-out, or the end the session was given (disabled,
         * expired, locked out): best effort, the session ends either way */
        if (ui->session != NULL)
                rk_session_audit(ui->session,
                                 level == RK_TUI_INFO ? "logout" : "session.end", 0, "",
                                 "", level == RK_TUI_INFO ? "ok" : "ended", NULL, &err);
        rk_session_close(ui->session);
        ui->session = NULL;
        rk_tui_set_title(app, NULL);
        int flags =
            rk_ui_login_open(app, ui, level != RK_TUI_INFO ? (msg ? msg : "") : NULL);
        /* after the reset request: a reset clears the message line first */
        if (msg != NULL)
                rk_tui_message(app, level, "%s", msg);
        return flags;
}

int rk_ui_next_step(struct rk_tui_app *app, struct rk_ui *ui)
{
        int steps = rk_session_pending_steps(ui->session);
        set_session_title(app, ui->session);
        if (steps & RK_LOGIN_CHANGE_PASSWORD)
                return rk_ui_password_open(app, ui, true);
        if (steps & RK_LOGIN_ENROL)
                return rk_ui_enrol_open(app, ui, true);
        return rk_ui_home_open(app, ui);
}

void rk_ui_place(struct rk_ui *ui, const char *place)
{
        if (ui->session != NULL)
                rk_session_set_place(ui->session, place);
}

void rk_ui_money(const char *cents, char *out, size_t size)
{
        rk_money_format_text(cents, out, size);
}

void rk_ui_draw_totals(WINDOW *win, int y, int w, const struct rk_vat_sum *sum)
{
        char label[40], amount[RK_MONEY_SIZE], rate[24];
        /* the labels are right-aligned up to the amounts: room for the
         * longest a translation has */
        int lw = 16;
        const char *fixed[] = {_("Total with VAT"), _("Net")};
        for (size_t i = 0; i < 2; i++)
                lw = rk_tui_text_cols(fixed[i]) > lw ? rk_tui_text_cols(fixed[i]) : lw;
        int ax = w - 14, lx = ax - lw - 1;
        for (size_t i = 0; i <= sum->n + 1; i++, y++) {
                bool last = i == sum->n + 1;
                int64_t cents = i == 0 ? sum->net
                                : last ? sum->gross
                                       : sum->rate[i - 1].vat;
                if (i == 0 || last)
                        snprintf(label, sizeof(label), "%s",
                                 last ? _("Total with VAT") : _("Net"));
                else
                        snprintf(
                            label, sizeof(label), _("VAT %s"),
                            rk_vat_rate_format(sum->rate[i - 1].bp, rate, sizeof(rate)));
                enum rk_tui_role role = last ? RK_ROLE_HEADER : RK_ROLE_NORMAL;
                rk_tui_print_cell(win, y, lx, lw, role, RK_TUI_RIGHT, label);
                rk_tui_print_cell(win, y, ax, 15, role, RK_TUI_RIGHT,
                                  rk_money_format(cents, amount, sizeof(amount)));
        }
}

const char *rk_ui_wrap(const char *text, int cols, char *out, size_t size)
{
        size_t used = 0;
        const char *p = text;
        if (size == 0)
                return out;
        out[0] = '\0';
        while (*p != '\0' && used + 1 < size) {
                size_t n = rk_text_wrap_len(p, cols);
                if (n == 0)
                        break;
                int k = snprintf(out + used, size - used, "%s%.*s", used ? "\n" : "",
                                 (int)n, p);
                if (k < 0 || (size_t)k >= size - used)
                        break;
                used += (size_t)k;
                p += n;
                while (*p == ' ')
                        p++;
        }
        return out;
}

int rk_ui_print_wrapped(WINDOW *win, int y, int x, int cols, int nrows,
                        enum rk_tui_role role, const char *text)
{
        int used = 0;
        if (text == NULL || cols <= 0)
                return 0;
        char *safe = rk_text_sanitize(text, strlen(text));
        char *p = safe;
        while (p != NULL && *p != '\0' && used < nrows) {
                size_t n = used == nrows - 1 ? strlen(p) : rk_text_wrap_len(p, cols);
                char keep = p[n];
                p[n] = '\0';
                rk_tui_print(win, y + used, x, cols, role, p);
                p[n] = keep;
                used++;
                p += n;
                while (*p == ' ')
                        p++;
        }
        free(safe);
        return used;
}

int rk_ui_label_cols(enum rk_record kind, rk_groupset groups, int min, int max)
{
        int cols = rk_fields_label_cols(kind, groups);
        cols = cols > min ? cols : min;
        return cols < max ? cols : max;
}

const char *rk_ui_status_text(const char *code)
{
        static const char *const known[] = {
            N_("open"),
            N_("confirmed"),
            N_("picked"),
            N_("shipped"),
            N_("delivered"),
            N_("cancelled"),
            N_("verified"),
            N_("executed"),
            N_("closed"),
            /* request types, as the request lists name them */
            N_("access"),
            N_("rectification"),
            N_("erasure"),
            N_("restriction"),
            N_("objection"),
            N_("portability"),
            N_("consent_withdrawal"),
        };
        for (size_t i = 0; code != NULL && i < sizeof(known) / sizeof(known[0]); i++)
                if (strcmp(code, known[i]) == 0)
                        return _(known[i]);
        return code;
}

int rk_ui_print_paragraphs(WINDOW *win, int y, int x, int cols, int skip, int nrows,
                           enum rk_tui_role role, const char *text)
{
        int line = 0;
        for (const char *p = text; p != NULL && cols > 0;) {
                size_t len = strcspn(p, "\n");
                char *safe = rk_text_sanitize(p, len);
                if (safe == NULL)
                        return line;
                char *q = safe;
                do { /* an empty paragraph is one empty line */
                        size_t n = rk_text_wrap_len(q, cols);
                        if (line >= skip && line < skip + nrows) {
                                char keep = q[n];
                                q[n] = '\0';
                                rk_tui_print(win, y + line - skip, x, cols, role, q);
                                q[n] = keep;
                        }
                        line++;
                        q += n;
                        while (*q == ' ')
                                q++;
                } while (*q != '\0');
                explicit_bzero(safe, strlen(safe));
                free(safe);
                p = p[len] == '\n' ? p + len + 1 : NULL;
        }
        return line;
}

/* The form waiting for the answer to "discard?": one question at a time. */
static struct {
        int (*leave)(struct rk_tui_app *app, void *state);
        void *state;
} discard;

static int discard_answer(struct rk_tui_app *app, void *ctx, bool yes)
{
        (void)ctx;
        if (!yes)
                return RK_TUI_NONE;
        /* the dialog pops first; then the form leaves */
        return rk_tui_defer(app, discard.leave, discard.state);
}

int rk_ui_leave_form(struct rk_tui_app *app, bool changed,
                     int (*leave)(struct rk_tui_app *app, void *state), void *state)
{
        if (!changed)
                return leave(app, state);
        discard.leave = leave;
        discard.state = state;
        return rk_tui_dialog_confirm(app, _("Discard changes"),
                                     _("The form has changes that are not saved.\n"
                                       "Discard them?"),
                                     discard_answer, NULL);
}
