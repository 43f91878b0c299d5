/*
 * enrol.c - enrolling a TOTP authenticator: the QR code on the left, the
 * secret, the otpauth URI (wrapped) and the code field on the right.
 *
 * How it works: the opener asks the core for a new pending secret
 * (rk_session_enrol_begin) and renders its URI with rk_qr_render; the
 * secret and URI live in guarded memory and the QR lines are wiped by
 * rk_qr_free when the screen finishes. The new secret counts only after
 * rk_session_enrol_finish() has accepted one code from it; until then the
 * old secret (if any) stays in force. Forced enrolment is part of the
 * first login (Esc logs out); from the Profile screen Esc goes back.
 * At 80x24 a typical URI gives a 41x21 QR code, which fits the screen's
 * body beside a 36-column text column; when the terminal is too small for
 * the code, the screen says so and still shows the secret and the URI.
 */
#include <stdlib.h>
#include <string.h>

#include "rekisteri/qr.h"
#include "rekisteri/secret.h"
#include "rekisteri/totp.h"
#include "ui.h"

#define TEXT_MIN_COLS 36

struct enrol {
        struct rk_ui *ui;
        bool forced;
        char *secret; /* guarded, RK_TOTP_SECRET_B32_SIZE */
        char *uri;    /* guarded, RK_TOTP_URI_MAX */
        char **qr;
        int qr_rows, qr_cols;
        struct rk_ui_secret code;
};

static void draw_wrapped(WINDOW *win, int y, int x, int width, int max_rows,
                         const char *text)
{
        char chunk[128];
        size_t len = strlen(text), step = (size_t)width < sizeof(chunk) - 1
                                              ? (size_t)width
                                              : sizeof(chunk) - 1;
        for (int r = 0; r < max_rows && (size_t)r * step < len; r++) {
                size_t off = (size_t)r * step, n = len - off < step ? len - off : step;
                memcpy(chunk, text + off, n); /* ASCII: percent-encoded */
                chunk[n] = '\0';
                rk_tui_print(win, y + r, x, width, RK_ROLE_NORMAL, chunk);
        }
        explicit_bzero(chunk, sizeof(chunk));
}

static bool qr_fits(const struct enrol *e, int rows, int cols)
{
        return e->qr != NULL && e->qr_rows <= rows &&
               e->qr_cols + 2 + TEXT_MIN_COLS <= cols;
}

static void enrol_draw(struct rk_tui_app *app, void *state, WINDOW *win)
{
        struct enrol *e = state;
        int rows = getmaxy(win), cols = getmaxx(win), x = 2;
        if (qr_fits(e, rows, cols)) {
                for (int i = 0; i < e->qr_rows; i++)
                        rk_tui_print(win, i, 0, e->qr_cols, RK_ROLE_NORMAL, e->qr[i]);
                x = e->qr_cols + 2;
        }
        int w = cols - x - 1;
        rk_tui_print(win, 0, x, w, RK_ROLE_HEADER, _("Set up your authenticator app"));
        if (x == 2)
                rk_tui_print(win, 1, x, w, RK_ROLE_WARNING,
                             _("Enlarge the terminal to see the QR code."));
        rk_tui_print(win, 2, x, w, RK_ROLE_LABEL,
                     _("Scan the code, or type the secret:"));
        rk_tui_print(win, 3, x, w, RK_ROLE_NORMAL, e->secret);
        rk_tui_print(win, 5, x, w, RK_ROLE_LABEL, _("URI:"));
        draw_wrapped(win, 6, x, w, 5, e->uri);
        rk_tui_print(win, 12, x, w, RK_ROLE_LABEL, _("Code the app shows now:"));
        rk_tui_field_draw(&e->code.field, app, win, 13, x, RK_TOTP_DIGITS + 2, true);
        rk_tui_print(win, 15, x, w, RK_ROLE_DIM,
                     _("The app counts only after one valid"));
        rk_tui_print(win, 16, x, w, RK_ROLE_DIM, _("code: type it and press Enter."));
        rk_tui_print(win, 18, x, w, RK_ROLE_DIM,
                     e->forced ? _("Esc logs out.")
                               : _("Esc keeps the old authenticator."));
}

static int enrol_submit(struct rk_tui_app *app, void *state)
{
        struct enrol *e = state;
        struct rk_error err;
        rk_error_clear(&err);
        if (rk_ui_secret_len(&e->code) != RK_TOTP_DIGITS)
                return rk_tui_message(app, RK_TUI_WARNING,
                                      _("Type the 6-digit code the app shows"));
        int rc = rk_session_enrol_finish(e->ui->session, rk_ui_secret_text(&e->code),
                                         rk_ui_now(), &err);
        rk_ui_secret_clear(&e->code);
        if (rc != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        if (e->forced)
                return rk_ui_next_step(app, e->ui);
        rk_tui_message(
            app, RK_TUI_INFO,
            _("The new authenticator is enrolled; the old one no longer works"));
        return RK_TUI_POP;
}

static int enrol_key(struct rk_tui_app *app, void *state, int key)
{
        struct enrol *e = state;
        return rk_tui_field_key(&e->code.field, app, key);
}

static int enrol_logout(struct rk_tui_app *app, void *state)
{
        struct enrol *e = state;
        return rk_ui_logout(app, e->ui, RK_TUI_INFO, _("Logged out"));
}

static void enrol_fini(struct rk_tui_app *app, void *state)
{
        (void)app;
        struct enrol *e = state;
        rk_qr_free(e->qr, e->qr_rows);
        rk_secret_free(e->secret);
        rk_secret_free(e->uri);
        rk_ui_secret_fini(&e->code);
        explicit_bzero(e, sizeof(*e));
        free(e);
}

static const struct rk_tui_binding forced_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Confirm"), N_("Check the code and finish enrolment"),
     enrol_submit},
    {RK_TUI_KEY_ESC, "Esc", N_("Log out"), N_("Log out without enrolling"), enrol_logout},
};

static const struct rk_tui_binding profile_keys[] = {
    {RK_TUI_KEY_ENTER, "Enter", N_("Confirm"), N_("Check the code and finish enrolment"),
     enrol_submit},
    {RK_TUI_KEY_ESC, "Esc", N_("Back"), N_("Keep the old authenticator"),
     rk_tui_action_pop},
};

static const struct rk_tui_screen_ops forced_ops = {
    .name = N_("Authenticator setup"),
    .draw = enrol_draw,
    .key = enrol_key,
    .fini = enrol_fini,
    .keys = forced_keys,
    .n_keys = sizeof(forced_keys) / sizeof(forced_keys[0]),
};

static const struct rk_tui_screen_ops profile_ops = {
    .name = N_("New authenticator"),
    .draw = enrol_draw,
    .key = enrol_key,
    .fini = enrol_fini,
    .keys = profile_keys,
    .n_keys = sizeof(profile_keys) / sizeof(profile_keys[0]),
};

/* Allocate and start enrolment; RK_OK or an rk code with err set. */
static int enrol_new(struct rk_ui *ui, bool forced, struct enrol **out,
                     struct rk_error *err)
{
        struct enrol *e = calloc(1, sizeof(*e));
        int rc = RK_ERR_NOMEM;
        *out = NULL;
        if (e == NULL)
                return rk_error_set(err, rc, _("out of memory"));
        e->ui = ui;
        e->forced = forced;
        e->secret = rk_secret_alloc(RK_TOTP_SECRET_B32_SIZE);
        e->uri = rk_secret_alloc(RK_TOTP_URI_MAX);
        if (e->secret == NULL || e->uri == NULL ||
            rk_ui_secret_init(&e->code, RK_TOTP_DIGITS) != RK_OK) {
                rk_error_set(err, rc, _("out of memory"));
                goto out;
        }
        e->code.field.masked = false;
        rc = rk_session_enrol_begin(ui->session, e->secret, e->uri, RK_TOTP_URI_MAX, err);
        if (rc == RK_OK)
                rc = rk_qr_render(e->uri, false, &e->qr, &e->qr_rows, &e->qr_cols, err);
out:
        if (rc != RK_OK)
                enrol_fini(NULL, e);
        else
                *out = e;
        return rc;
}

int rk_ui_enrol_open(struct rk_tui_app *app, struct rk_ui *ui, bool forced)
{
        struct enrol *e = NULL;
        struct rk_error err;
        rk_error_clear(&err);
        if (enrol_new(ui, forced, &e, &err) != RK_OK) {
                if (forced)
                        return rk_ui_logout(app, ui, RK_TUI_ERROR, err.msg);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        if (forced)
                return rk_tui_reset(app, &forced_ops, e);
        return rk_tui_push(app, &profile_ops, e);
}
