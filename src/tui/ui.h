/*
 * ui.h - what the product's screens share: the program context (the
 * configuration, the register path and the session once logged in), the
 * screen openers, and small helpers for secret input fields.
 *
 * Flow: login -> (forced new password) -> (forced enrolment) -> home;
 * rk_ui_next_step() decides from the session's pending steps. Logging out
 * (F10 on the lock screen, "Log out" on the home menu, a session that
 * rk_session_check() ends) closes the session and resets the stack to the
 * login screen, so every screen that showed personal data is finished
 * and wiped. Screen openers return reaction flags for the caller to hand
 * back to the loop; they never draw.
 */
#ifndef RK_TUI_UI_H
#define RK_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rekisteri/config.h"
#include "rekisteri/fields.h"
#include "rekisteri/session.h"
#include "tui.h"

/* The program context: the ctx of struct rk_tui_config. */
struct rk_ui {
        const struct rk_config *cfg;
        const char *db_path;
        char source[RK_SOURCE_MAX];
        struct rk_session *session; /* NULL until logged in; owned here */
        struct rk_tui_app *app;     /* the loop, once a key or tick was seen */
        const char *notice;         /* shown once at the first tick (TERM) */
        /* printed on standard error once the terminal is restored: what a
         * signal interrupted and how to finish it (never personal data) */
        char farewell[320];
};

/* A masked input field whose text lives in guarded memory (secret.h). */
struct rk_ui_secret {
        char *buf; /* rk_secret_alloc'd, RK_PASSWORD_MAX + 1 bytes */
        struct rk_tui_field field;
};

/* rk_ui_secret_init - allocate and attach; RK_OK or RK_ERR_NOMEM. */
int rk_ui_secret_init(struct rk_ui_secret *s, size_t max_chars);

/* rk_ui_secret_fini - wipe and release; safe on a zeroed or failed one. */
void rk_ui_secret_fini(struct rk_ui_secret *s);

/* rk_ui_secret_clear - wipe the text, keep the field. */
void rk_ui_secret_clear(struct rk_ui_secret *s);

/* rk_ui_secret_text / _len - the text typed so far and its byte length. */
const char *rk_ui_secret_text(const struct rk_ui_secret *s);
size_t rk_ui_secret_len(const struct rk_ui_secret *s);

/* rk_ui_now - the Unix time for core calls. */
int64_t rk_ui_now(void);

/*
 * rk_ui_logout - close the session (if any), restore the plain title and
 * reset the stack to the login screen showing msg (may be NULL) at level.
 * Returns the flags to pass back.
 */
int rk_ui_logout(struct rk_tui_app *app, struct rk_ui *ui, enum rk_tui_level level,
                 const char *msg);

/*
 * rk_ui_next_step - after a login or a forced step: the forced password
 * screen, the forced enrolment screen, or the home screen, as the
 * session's pending steps say. Resets the stack. Returns flags.
 */
int rk_ui_next_step(struct rk_tui_app *app, struct rk_ui *ui);

/*
 * A menu entry: shown only when allowed(grants) holds (the session's
 * grants, asked again at every draw); Enter calls open. Menus are const
 * tables, one row per entry, so later screens are one more row.
 */
struct rk_ui_menu_entry {
        const char *label;
        const char *help;
        bool (*allowed)(const struct rk_grants *g);
        int (*open)(struct rk_tui_app *app, struct rk_ui *ui);
};

/*
 * rk_ui_menu_open - a menu screen named name with heading over
 * entries[0..n) (the table must be static); reset replaces the stack
 * (the home screen), else it is pushed with Esc to go back.
 */
int rk_ui_menu_open(struct rk_tui_app *app, struct rk_ui *ui, const char *name,
                    const char *heading, const struct rk_ui_menu_entry *entries, size_t n,
                    bool reset);

/* rk_ui_allow_all - a menu predicate that always holds. */
bool rk_ui_allow_all(const struct rk_grants *g);

/* The login screen, for rk_tui_run()'s first screen: its ops, and a new
 * state for them (NULL when out of memory; the loop owns it once run). */
extern const struct rk_tui_screen_ops rk_ui_login_ops;
void *rk_ui_login_new(struct rk_ui *ui);

/* Screen openers. Each returns reaction flags (an error message instead
 * when memory runs out). */
/* ended: NULL for a fresh login screen; after a forced end, why the
 * session ended: the screen opens closed (only Enter opens the form,
 * typed-ahead keys are dropped) and shows it. */
int rk_ui_login_open(struct rk_tui_app *app, struct rk_ui *ui, const char *ended);
/* The start screen after login (resets the stack): the request dashboard
 * for a session that handles data-subject requests, else the home menu. */
int rk_ui_home_open(struct rk_tui_app *app, struct rk_ui *ui);
/* The home menu itself, as the only screen (resets the stack). */
int rk_ui_home_menu_open(struct rk_tui_app *app, struct rk_ui *ui);
/* forced: part of the login (reset; Esc/F10 log out); else pushed from
 * Profile (Esc goes back, the old secret stays until a valid code). */
int rk_ui_enrol_open(struct rk_tui_app *app, struct rk_ui *ui, bool forced);
/* forced: New/Again after an admin's reset (reset); else Current/New/
 * Again pushed from Profile. */
int rk_ui_password_open(struct rk_tui_app *app, struct rk_ui *ui, bool forced);
/* The lock: hides every screen below; the password unlocks. banner says
 * why ("Locked after inactivity", "Locked (Ctrl-Z)"); a static string. */
int rk_ui_lock_open(struct rk_tui_app *app, struct rk_ui *ui, const char *banner);
bool rk_ui_is_locked(const struct rk_tui_app *app);
/* Ask for the password again, then call then() (popping this screen). */
int rk_ui_reverify_open(struct rk_tui_app *app, struct rk_ui *ui, const char *why,
                        int (*then)(struct rk_tui_app *app, struct rk_ui *ui));
int rk_ui_profile_open(struct rk_tui_app *app, struct rk_ui *ui);
/* rk_ui_language_open - Profile > Language (language.c). */
int rk_ui_language_open(struct rk_tui_app *app, struct rk_ui *ui);
int rk_ui_accounts_open(struct rk_tui_app *app, struct rk_ui *ui);
/* The supervisor's audit viewer (audit_list.c; needs RK_ACTION_AUDIT). */
int rk_ui_audit_open(struct rk_tui_app *app, struct rk_ui *ui);
/* The data-subject request dashboard (dsr_dashboard.c; needs
 * RK_ACTION_REQUESTS): start replaces the stack (the start screen, Esc
 * opens the home menu), else it is pushed (Esc goes back). */
int rk_ui_requests_open(struct rk_tui_app *app, struct rk_ui *ui, bool start);
/* The retention screen (retention.c; needs RK_ACTION_RETENTION). */
int rk_ui_retention_open(struct rk_tui_app *app, struct rk_ui *ui);
/* The DPO's documents: preview and write (documents.c; the documents
 * action). */
int rk_ui_documents_open(struct rk_tui_app *app, struct rk_ui *ui);

/*
 * rk_ui_account_form_open - the Add account form (name == NULL) or the
 * Roles form for name (roles_now pre-filled, e.g. "sales, billing").
 * When saved, done(app, ctx, name, onetime) runs as the form pops (its
 * flags are applied too, so it may push a dialog); onetime is the new
 * account's one-time password, or NULL for a roles change, and is wiped
 * once done returns.
 */
int rk_ui_account_form_open(struct rk_tui_app *app, struct rk_ui *ui, const char *name,
                            const char *roles_now,
                            int (*done)(struct rk_tui_app *app, void *ctx,
                                        const char *name, const char *onetime),
                            void *ctx);

/* ---- the customer register (issue 4) ------------------------------------ */

/*
 * Every screen that shows or changes customer data names itself with
 * rk_session_set_place() before each core call (audit rows carry it):
 * these are the names used.
 */
#define RK_UI_PLACE_CUSTOMERS    "customer list"
#define RK_UI_PLACE_CUSTOMER     "customer detail"
#define RK_UI_PLACE_CUSTOMER_NEW "new customer"
#define RK_UI_PLACE_EDIT         "customer edit"
#define RK_UI_PLACE_NOTE         "new note"
#define RK_UI_PLACE_CONSENT      "consent"
#define RK_UI_PLACE_ORDERS       "order list"
#define RK_UI_PLACE_ORDER        "order detail"
#define RK_UI_PLACE_ORDER_FORM   "order form"
#define RK_UI_PLACE_QUEUE        "picking queue"
#define RK_UI_PLACE_CONTACT      "contact person"
#define RK_UI_PLACE_PRODUCTS     "product catalogue"
#define RK_UI_PLACE_MARKETING    "marketing list"
#define RK_UI_PLACE_DUPLICATES   "duplicates"

/* rk_ui_place - rk_session_set_place() on the session, if there is one. */
void rk_ui_place(struct rk_ui *ui, const char *place);

/* rk_ui_print_wrapped - draw text (sanitised as always) over at most
 * nrows rows of cols columns from y, x, breaking at spaces; the last row
 * is cropped. Returns the rows used. */
int rk_ui_print_wrapped(WINDOW *win, int y, int x, int cols, int nrows,
                        enum rk_tui_role role, const char *text);

/*
 * rk_ui_label_cols - the width of a label column that shows whole, in the
 * user's language, the label of every field of record `kind` in `groups`
 * (a set of 1 << rk_group): the widest label's display columns, at least
 * min and at most max (a longer label is cut with an ellipsis).
 */
int rk_ui_label_cols(enum rk_record kind, rk_groupset groups, int min, int max);

/* rk_ui_wrap - text broken at spaces into lines ('\n') of at most cols
 * display columns, into out (size bytes, cut to fit): for a dialog, which
 * breaks lines only where the text says. Returns out. */
const char *rk_ui_wrap(const char *text, int cols, char *out, size_t size);
/* rk_ui_status_text - an order or request status code ("picked",
 * "verified") as the user's language says it; an unknown code as it is.
 * The result is static (the catalog's) or code itself. */
const char *rk_ui_status_text(const char *code);

/* rk_ui_print_paragraphs - text (its newlines kept as line breaks, each
 * paragraph sanitised and wrapped at spaces to cols) drawn from its line
 * skip, at most nrows lines from y, x. Returns the number of lines the
 * whole text takes, drawn or not (for scrolling). */
int rk_ui_print_paragraphs(WINDOW *win, int y, int x, int cols, int skip, int nrows,
                           enum rk_tui_role role, const char *text);

/* rk_ui_text_open - a screen that shows text whole (a note, a long value)
 * under heading, wrapped and scrollable; Esc or Enter goes back. Copies
 * both strings (the copies are wiped at the end). Returns flags. */
int rk_ui_text_open(struct rk_tui_app *app, const char *heading, const char *text);

/* rk_ui_leave_form - Esc on a form: leave(app, state) at once when
 * nothing was changed, else after a yes to "Discard changes?" (a no keeps
 * the form and its edits). leave returns the flags that close the form
 * (RK_TUI_POP, perhaps with more). Returns flags. */
int rk_ui_leave_form(struct rk_tui_app *app, bool changed,
                     int (*leave)(struct rk_tui_app *app, void *state), void *state);

/* rk_ui_money - cents as text ("108391") as people read the amount,
 * "1 083,91 €" (money.h), into out; "" for NULL or junk. */
void rk_ui_money(const char *cents, char *out, size_t size);

/* rk_ui_draw_totals - an order's net total, VAT per rate and total with
 * VAT, one a row from y, labels and amounts in right-aligned columns
 * ending at column w (sum->n + 2 rows). */
struct rk_vat_sum;
void rk_ui_draw_totals(WINDOW *win, int y, int w, const struct rk_vat_sum *sum);

/* rk_ui_may_customers / rk_ui_may_orders - the home menu predicates: any
 * customer group other than orders is readable / orders are readable. */
bool rk_ui_may_customers(const struct rk_grants *g);
bool rk_ui_may_orders(const struct rk_grants *g);

/* The customer list: search-as-you-type, Enter opens, F2 new customer. */
int rk_ui_customers_open(struct rk_tui_app *app, struct rk_ui *ui);

/* The customer detail of customer id with its tabs. Loads before it is
 * pushed; a refusal (restricted, gone) is shown on the message line and
 * nothing is pushed. */
int rk_ui_customer_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id);

/*
 * rk_ui_merge_open - the Merge screen (merge.c; supervisors, the merge
 * action) for merging customer other into customer survivor: both side by
 * side, field by field, with the choice of which value stays. Reads both
 * before it is pushed; a refusal (the same customer twice, one already
 * merged, a person and a company, no permission) is shown on the message
 * line and nothing is pushed. rk_ui_merge_open_then also runs done(app,
 * ctx, survivor id) after a merge, as the screen pops (its flags applied).
 */
int rk_ui_merge_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t survivor,
                     int64_t other);
int rk_ui_merge_open_then(struct rk_tui_app *app, struct rk_ui *ui, int64_t survivor,
                          int64_t other,
                          int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                          void *ctx);

/* rk_ui_merge_ask - from the detail of customer number survivor: ask for
 * the number of the customer to merge into it, then the Merge screen. */
int rk_ui_merge_ask(struct rk_tui_app *app, struct rk_ui *ui, const char *survivor,
                    int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                    void *ctx);

/*
 * rk_ui_customer_form_open - the edit form for the fields of groups that
 * the session may both read and write (built from fields.c), of customer
 * id, or of a new customer when id is 0. When saved, the form pops and
 * done(app, ctx, id) runs (its flags applied too); a refusal stays on the
 * form with the message, and the cursor goes to the field it names.
 */
int rk_ui_customer_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                             rk_groupset groups,
                             int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                             void *ctx);

/*
 * rk_ui_contact_form_open - the same form for a contact person of company
 * customer: contact 0 adds one, else edits contact at the version loaded
 * (a stale save asks whether to reload, as the customer form does).
 */
int rk_ui_contact_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t customer,
                            int64_t contact,
                            int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                            void *ctx);

/* rk_ui_note_form_open / rk_ui_consent_form_open - add a note / give a
 * consent for customer id; done as for the customer form. */
int rk_ui_note_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                         int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                         void *ctx);
int rk_ui_consent_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t id,
                            int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                            void *ctx);

/* The order list (newest first, paged, filtered by status) and one order.
 * rk_ui_order_open loads before it pushes, as rk_ui_customer_open. */
int rk_ui_orders_open(struct rk_tui_app *app, struct rk_ui *ui);
int rk_ui_order_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t order_id);

/* The product catalogue (products.c; read with the orders group, changed
 * with the products action). */
int rk_ui_products_open(struct rk_tui_app *app, struct rk_ui *ui);

/* The marketing list for a purpose (marketing_list.c; needs read on
 * consents). */
int rk_ui_marketing_open(struct rk_tui_app *app, struct rk_ui *ui);

/* The Import screen (import_ui.h): a file, its mapping, the preview. */
int rk_ui_import_open(struct rk_tui_app *app, struct rk_ui *ui);
/* The supervisor's list of likely duplicate customers (duplicates.c;
 * needs the duplicates action), and one pair of it side by side
 * (duplicate_pair.c; loads both before it pushes). */
int rk_ui_duplicates_open(struct rk_tui_app *app, struct rk_ui *ui);
struct rk_duplicate;
int rk_ui_duplicate_pair_open(struct rk_tui_app *app, struct rk_ui *ui,
                              const struct rk_duplicate *dup);

/* The columns of a list of order summaries (the order list and the
 * picking queue: numbers, date, status, line count; no person), and the
 * text of one cell (buf holds the line count). */
#define RK_UI_SUMMARY_COLS 5
struct rk_order_summary;
extern const struct rk_tui_column rk_ui_summary_columns[RK_UI_SUMMARY_COLS];
const char *rk_ui_summary_cell(const struct rk_order_summary *s, size_t col, char *buf,
                               size_t size);

/* The warehouse's picking queue (queue.c; needs the picking action). */
int rk_ui_queue_open(struct rk_tui_app *app, struct rk_ui *ui);

/*
 * rk_ui_order_form_open - take a new order for customer_id (order_id 0),
 * or change the lines of open order order_id (customer_id is then read
 * from the order). When saved, the form pops and done(app, ctx, order id)
 * runs (its flags applied too); a refusal stays on the form.
 */
int rk_ui_order_form_open(struct rk_tui_app *app, struct rk_ui *ui, int64_t customer_id,
                          int64_t order_id,
                          int (*done)(struct rk_tui_app *app, void *ctx, int64_t id),
                          void *ctx);

#endif
