/*
 * dsr_ui.h - the data-subject request screens (issue 6), shared between
 * their files (internal to src/tui): the dashboard (dsr_dashboard.c), the
 * wizard's frame (dsr_wizard.c) and its six steps, one file each:
 *
 *   1 dsr_step_type.c     the request type (a purpose for objection and
 *                         consent withdrawal) and the day it was received
 *   2 dsr_step_find.c     one search across customers, contact persons and
 *                         orders; every record of the person selected
 *   3 dsr_step_verify.c   how the person's identity was verified
 *   4 dsr_step_preview.c  what will be exported, changed, erased or kept,
 *                         and the legal hold of what is kept
 *   5 dsr_step_execute.c  confirm and carry out (the output directory for
 *                         access and portability; the customer edit form
 *                         for rectification)
 *   6 dsr_step_close.c    the summary and the outcome told to the person
 *
 * How it works: the wizard is one screen whose state (struct dsr_wizard)
 * holds the request and every step's widgets. A step is a row of the
 * step table (struct dsr_step): enter() loads what the step shows and may
 * refuse, draw() draws below the wizard's header ("Step k of 6"), key()
 * handles typing, and keys is the step's binding table, which the wizard
 * installs in its ops so that the bar and help follow the step. Every
 * core call is in dsr.h and records its own audit row; the screens never
 * write SQL. Esc goes one step back where that means something (before
 * execution), and leaves the wizard otherwise; what was done stays done
 * and the request waits on the dashboard at rk_dsr_next_step().
 */
#ifndef RK_TUI_DSR_UI_H
#define RK_TUI_DSR_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rekisteri/dsr.h"
#include "ui.h"

#define RK_UI_PLACE_REQUESTS "request dashboard"
#define RK_UI_PLACE_WIZARD   "request wizard"

enum dsr_step_no {
        DSR_TYPE,
        DSR_FIND,
        DSR_VERIFY,
        DSR_PREVIEW,
        DSR_EXECUTE,
        DSR_CLOSE,
        DSR_NSTEPS
};

/* One record in step 2's list: a search hit or a record already chosen. */
struct dsr_pick {
        enum rk_dsr_subject_kind kind;
        int64_t record_id, customer_id;
        char number[RK_CUSTOMER_NUMBER_SIZE];
        char *name; /* malloc'd; "" when not known (a resumed request) */
        char matched[32];
        bool restricted, anonymised, selected;
};

#define DSR_TEXT   (4 * RK_DSR_TEXT_MAX + 1) /* bytes of a free-text answer */
#define DSR_PATH   4096
#define DSR_PICKS  (2 * RK_DSR_SEARCH_MAX)
#define DSR_CHOICE 16 /* purposes at most */

struct dsr_wizard {
        struct rk_tui_screen_ops ops; /* keys follow the step */
        struct rk_ui *ui;
        int (*done)(struct rk_tui_app *app, void *ctx); /* as the wizard pops */
        void *ctx;
        enum dsr_step_no step;
        struct rk_dsr_request req; /* req.id == 0 until step 2 registers it */
        char cell[96];             /* scratch text for list cells */

        struct { /* step 1 */
                struct rk_tui_list list;
                int focus; /* 0 the list, 1 the purpose, 2 the date */
                char purposes[DSR_CHOICE][RK_DSR_PURPOSE_MAX + 1];
                size_t npurposes, purpose;
                char received[RK_DATE_TEXT];
                struct rk_tui_field f_received;
        } type;

        struct { /* step 2 */
                char query[256];
                struct rk_tui_field f_query;
                struct dsr_pick picks[DSR_PICKS];
                size_t n;
                struct rk_tui_list list;
                bool on_list; /* focus: the list, else the search field */
                char status[128];
        } find;

        struct { /* step 3 */
                char how[DSR_TEXT];
                struct rk_tui_field f_how;
        } verify;

        struct { /* step 4 */
                struct rk_dsr_preview p;
                struct rk_tui_list list;
        } preview;

        struct { /* step 5 */
                char dir[DSR_PATH];
                struct rk_tui_field f_dir;
                char lang[4];            /* the report's language: en, fi, sv */
                struct rk_tui_list list; /* rectification: the subjects */
        } exec;

        struct { /* step 6 */
                struct rk_dsr_result result;
                bool executed_now; /* result holds what this wizard did */
                bool lifted;       /* this wizard lifted the restriction */
                char outcome[DSR_TEXT];
                struct rk_tui_field f_outcome;
                struct rk_tui_list list; /* the subjects */
        } close;
};

/* A step of the wizard (see above). enter may be NULL; it returns an rc
 * and fills err for the message line. skip (may be NULL) says how many
 * leading keys of the table do not apply to this request (e.g. F4 Edit
 * outside a rectification), so they stay off the bar and help. */
struct dsr_step {
        const char *title;
        int (*enter)(struct rk_tui_app *app, struct dsr_wizard *w, struct rk_error *err);
        void (*draw)(struct rk_tui_app *app, struct dsr_wizard *w, WINDOW *win, int y);
        int (*key)(struct rk_tui_app *app, struct dsr_wizard *w, int key);
        const struct rk_tui_binding *keys;
        size_t n_keys;
        size_t (*skip)(const struct dsr_wizard *w);
        /* when not NULL: the key table for this request, instead of keys
         * and skip (a step whose keys differ by request type) */
        const struct rk_tui_binding *(*keys_for)(const struct dsr_wizard *w, size_t *n);
};

extern const struct dsr_step dsr_step_type, dsr_step_find, dsr_step_verify,
    dsr_step_preview, dsr_step_execute, dsr_step_close;

/*
 * dsr_wizard_go - enter step `to`: run its enter() and, when it agrees,
 * make it the current step (its keys on the bar). A refusal stays on the
 * current step with the message. Returns flags.
 */
int dsr_wizard_go(struct rk_tui_app *app, struct dsr_wizard *w, enum dsr_step_no to);

/* dsr_wizard_leave - pop the wizard (the dashboard's done() reloads it);
 * msg, when not NULL, goes on the message line. Returns flags. */
int dsr_wizard_leave(struct rk_tui_app *app, struct dsr_wizard *w, const char *msg);

/* dsr_wizard_reload - read the request again (rk_dsr_get) into w->req.
 * RK_OK or the core's error. */
int dsr_wizard_reload(struct dsr_wizard *w, struct rk_error *err);

/* dsr_wizard_fail - the core's refusal on the message line; returns flags. */
int dsr_wizard_fail(struct rk_tui_app *app, const struct rk_error *err);

/* dsr_subject_kind_text - "customer" or "contact person". */
const char *dsr_subject_kind_text(enum rk_dsr_subject_kind kind);

/* dsr_subjects_text - the request's subjects as "C000001, C000002 (contact
 * person)" into out. */
void dsr_subjects_text(const struct rk_dsr_request *r, char *out, size_t size);

/* dsr_subject_columns / dsr_subject_cell - a list of the request's
 * subjects (number, kind), for steps 5 and 6. */
extern const struct rk_tui_column dsr_subject_columns[];
#define DSR_SUBJECT_NCOLS 2
const char *dsr_subject_cell(void *ctx, size_t row, size_t col);

/*
 * rk_ui_dsr_wizard_open - the wizard for a new request (id 0, at step 1)
 * or for request id at the step rk_dsr_next_step() says (a closed request
 * shows its summary). done(app, ctx) runs when it pops. Returns flags.
 */
int rk_ui_dsr_wizard_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                          int (*done)(struct rk_tui_app *app, void *ctx), void *ctx);

/*
 * rk_ui_dsr_restricting - the id of the carried-out restriction request
 * that restricts customer_id, or 0 (none found, or the session may not
 * handle requests). For the customer detail's banner.
 */
int64_t rk_ui_dsr_restricting(struct rk_ui *ui, int64_t customer_id);

#endif
