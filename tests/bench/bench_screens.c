/*
 * bench_screens.c - benchmark, not a test: every screen of every demo role
 * opened on a big register, through the core calls the screen itself makes
 * when it opens, each timed. A screen that takes more than 100 ms to open
 * feels frozen (issue 18).
 *
 * How it works: each demo account logs in (rk_session_login with a TOTP
 * code for a later step, so codes never repeat), then opens every screen
 * its role may open, as home.c decides: the request dashboard
 * (rk_dsr_list), the customer search (rk_customer_search for a surname and
 * for a customer number), the customer's tabs (rk_customer_load with the
 * tab's groups, as customer.c asks), the orders list (rk_orders_recent, a
 * page) and an order (rk_order_load), the accounts (rk_accounts_list and
 * the lock state per row), the audit trail (its audit row and the first
 * page, rk_audit_list), and Retention (rk_retention_last_run and the kept
 * counts, rk_retention_outlook_read). Each opening runs REPS times: the
 * first is cold (the connection's page cache is empty), the rest warm;
 * printed in ms: cold, warm median, worst. The retention count a
 * supervisor asks for with F5 is timed once, as work on request.
 *
 * Usage: bench_screens [DB]   DB: a register made by `rekisteri demo`, with
 * its DB.users file beside it. Without DB (meson benchmark) a demo register
 * of $RK_BENCH_CUSTOMERS (default 1,000,000) customers is made first in a
 * temporary directory (about a minute and a half, 1.3 GB). Note that the
 * logins move the accounts' last accepted TOTP step up to ten minutes
 * ahead: the same accounts cannot log in interactively until then.
 */
#include "rekisteri/accounts.h"
#include "rekisteri/audit.h"
#include "rekisteri/config.h"
#include "rekisteri/customer.h"
#include "rekisteri/demo.h"
#include "rekisteri/dsr.h"
#include "rekisteri/orders.h"
#include "rekisteri/register.h"
#include "rekisteri/retention.h"
#include "rekisteri/search.h"
#include "rekisteri/session.h"
#include "rekisteri/totp.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPS 7
#define G(x) (1u << RK_GROUP_##x)

static double now_ms(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_screens: %s: %s\n", what, err != NULL ? err->msg : "");
        exit(1);
}

/* One screen's opening: the core calls, on a session; ctx is the bench. */
struct bench;
typedef int (*open_fn)(struct bench *b, struct rk_error *err);

struct bench {
        struct rk_session *s;
        int64_t customer_id, order_id;
        rk_groupset tab;
        double worst; /* the slowest warm or cold opening seen */
        const char *worst_what;
};

static int open_requests(struct bench *b, struct rk_error *err)
{
        struct rk_dsr_request *r = NULL;
        size_t n = 0;
        int rc = rk_dsr_list(b->s, false, &r, &n, err);
        rk_dsr_requests_free(r, n);
        return rc;
}

static int search(struct bench *b, const char *q, struct rk_error *err)
{
        struct rk_search_hit *hits = NULL;
        size_t n = 0;
        int rc = rk_customer_search(b->s, q, 200, &hits, &n, err);
        if (rc == RK_OK && n > 0 && b->customer_id == 0)
                b->customer_id = hits[n / 2].id;
        rk_search_free(hits, n);
        return rc;
}

static int open_search_name(struct bench *b, struct rk_error *err)
{
        return search(b, "virtanen", err);
}

static int open_search_number(struct bench *b, struct rk_error *err)
{
        return search(b, "C500000", err);
}

static int open_customer_tab(struct bench *b, struct rk_error *err)
{
        struct rk_customer_view v;
        memset(&v, 0, sizeof(v));
        int rc = rk_customer_load(b->s, b->customer_id, b->tab | G(IDENTITY), &v, err);
        rk_customer_view_clear(&v);
        return rc;
}

static int open_orders(struct bench *b, struct rk_error *err)
{
        struct rk_order_summary *rows = NULL;
        size_t n = 0;
        int rc = rk_orders_recent(b->s, NULL, 0, 100, &rows, &n, err);
        if (rc == RK_OK && n > 0)
                b->order_id = rows[0].id;
        free(rows);
        return rc;
}

static int open_order(struct bench *b, struct rk_error *err)
{
        struct rk_order_view v;
        memset(&v, 0, sizeof(v));
        int rc = rk_order_load(b->s, b->order_id, G(ORDERS) | G(ORDER_AMOUNTS), &v, err);
        rk_order_view_clear(&v);
        return rc;
}

static int open_accounts(struct bench *b, struct rk_error *err)
{
        struct rk_user *users = NULL;
        size_t n = 0;
        int rc = rk_accounts_list(b->s, &users, &n, err);
        for (size_t i = 0; i < n; i++) {
                (void)rk_accounts_is_locked(b->s, users[i].name);
                rk_users_wipe(&users[i]);
        }
        free(users);
        return rc;
}

static int open_audit(struct bench *b, struct rk_error *err)
{
        struct rk_audit_filter f;
        struct rk_audit_row *rows = NULL;
        size_t n = 0;
        memset(&f, 0, sizeof(f));
        int rc =
            rk_session_audit(b->s, "audit.list", 0, "", "audit trail", "ok", NULL, err);
        if (rc == RK_OK)
                rc = rk_audit_list(rk_register_db(rk_session_register(b->s)), &f, 100,
                                   &rows, &n, err);
        free(rows);
        return rc;
}

static int open_retention(struct bench *b, struct rk_error *err)
{
        struct rk_retention_summary last;
        struct rk_retention_outlook o;
        int rc = rk_retention_last_run(b->s, &last, err);
        if (rc == RK_OK)
                rc = rk_retention_outlook_read(b->s, &o, err);
        return rc;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

/* Open one screen REPS times and print its row. */
static void measure(struct bench *b, const char *role, const char *what, open_fn fn)
{
        double t[REPS];
        struct rk_error err;
        for (int i = 0; i < REPS; i++) {
                double t0 = now_ms();
                if (fn(b, &err) != RK_OK)
                        die(what, &err);
                t[i] = now_ms() - t0;
        }
        double cold = t[0];
        qsort(t + 1, REPS - 1, sizeof(double), cmp_double);
        double worst = cold > t[REPS - 1] ? cold : t[REPS - 1];
        if (worst > b->worst) {
                b->worst = worst;
                b->worst_what = what;
        }
        printf("%-11s %-30s %9.2f %9.2f %9.2f%s\n", role, what, cold, t[REPS / 2], worst,
               worst >= 100 ? "  SLOW" : "");
}

static const struct tab {
        const char *name;
        rk_groupset groups;
} tabs[] = {
    {"customer: Contact tab", G(CONTACT) | G(IDCODE)},
    {"customer: Billing tab", G(BILLING)},
    {"customer: Orders tab", G(ORDERS) | G(ORDER_AMOUNTS)},
    {"customer: Notes tab", G(NOTES)},
    {"customer: Consents tab", G(CONSENTS)},
};

static void role_screens(struct bench *b, const char *role)
{
        const struct rk_grants *g = rk_session_grants(b->s);
        rk_groupset customer_groups =
            G(IDENTITY) | G(CONTACT) | G(BILLING) | G(IDCODE) | G(NOTES) | G(CONSENTS);
        if (rk_authorize_action(g, RK_ACTION_REQUESTS))
                measure(b, role, "requests dashboard", open_requests);
        if ((g->read & customer_groups) != 0) {
                b->customer_id = 0;
                measure(b, role, "customers: search a surname", open_search_name);
                measure(b, role, "customers: search a number", open_search_number);
                for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
                        b->tab = tabs[i].groups;
                        if ((g->read & tabs[i].groups) != 0 && b->customer_id != 0)
                                measure(b, role, tabs[i].name, open_customer_tab);
                }
        }
        if (rk_authorize_read(g, RK_GROUP_ORDERS)) {
                measure(b, role, "orders list", open_orders);
                if (b->order_id != 0)
                        measure(b, role, "order", open_order);
        }
        if (rk_authorize_action(g, RK_ACTION_ACCOUNTS))
                measure(b, role, "accounts", open_accounts);
        if (rk_authorize_action(g, RK_ACTION_AUDIT))
                measure(b, role, "audit trail", open_audit);
        if (rk_authorize_action(g, RK_ACTION_RETENTION))
                measure(b, role, "retention", open_retention);
}

/* The count a supervisor asks for with F5, once. */
static void retention_count(struct bench *b, const char *role)
{
        struct rk_retention_outlook o;
        struct rk_error err;
        bool cancelled;
        double t0 = now_ms();
        if (rk_retention_outlook_refresh(b->s, NULL, NULL, &cancelled, &o, &err) != RK_OK)
                die("retention count", &err);
        printf("%-11s %-30s %9.0f   (on request: progress line, Esc stops)\n", role,
               "retention: F5 count", now_ms() - t0);
}

static void make_register(const char *path, struct rk_config *cfg)
{
        struct rk_demo_options opt = {.customers = 1000000, .seed = 1};
        struct rk_demo_user users[RK_DEMO_USERS];
        char recovery[RK_RECOVERY_KEY_CHARS], audit_key[RK_AUDIT_KEY_TEXT];
        struct rk_error err;
        const char *env = getenv("RK_BENCH_CUSTOMERS");
        if (env != NULL)
                opt.customers = atoll(env);
        fprintf(stderr,
                "bench_screens: making a demo register of %" PRId64 " customers...\n",
                opt.customers);
        if (rk_demo_create(cfg, path, &opt, users, recovery, audit_key, NULL, NULL,
                           &err) != RK_OK)
                die("demo", &err);
        char upath[4200];
        snprintf(upath, sizeof(upath), "%s.users", path);
        FILE *f = fopen(upath, "w");
        if (f == NULL)
                die(upath, NULL);
        for (int i = 0; i < RK_DEMO_USERS; i++)
                fprintf(f, "%s %s %s %s\n", users[i].name, users[i].role,
                        users[i].password, users[i].totp_secret);
        fclose(f);
}

static struct rk_session *login(const struct rk_config *cfg, const char *db,
                                const char *name, const char *pw, const char *secret,
                                int64_t at, double *ms)
{
        struct rk_session *s = NULL;
        struct rk_error err;
        char code[RK_TOTP_CODE_SIZE];
        long long wait;
        int steps = 0;
        if (rk_totp_code(secret, at, code, &err) != RK_OK)
                die("totp", &err);
        double t0 = now_ms();
        if (rk_session_login(cfg, db, name, pw, strlen(pw), code, "bench", at, &s, &steps,
                             &wait, &err) != RK_OK)
                die(name, &err);
        *ms = now_ms() - t0;
        return s;
}

int main(int argc, char **argv)
{
        struct rk_config cfg;
        char db[4096], upath[4200], tmp[] = "/tmp/bench_screens.XXXXXX";
        if (sodium_init() < 0)
                die("sodium_init", NULL);
        rk_config_defaults(&cfg);
        if (argc > 1) {
                snprintf(db, sizeof(db), "%s", argv[1]);
        } else {
                if (mkdtemp(tmp) == NULL)
                        die("mkdtemp", NULL);
                snprintf(db, sizeof(db), "%s/r.db", tmp);
                make_register(db, &cfg);
        }
        snprintf(upath, sizeof(upath), "%s.users", db);
        FILE *f = fopen(upath, "r");
        if (f == NULL)
                die(upath, NULL);
        char name[64], role[64], pw[128], secret[128];
        struct bench b;
        memset(&b, 0, sizeof(b));
        int64_t at = (int64_t)time(NULL);
        printf("%-11s %-30s %9s %9s %9s\n", "role", "screen (ms)", "cold", "warm p50",
               "worst");
        while (fscanf(f, "%63s %63s %127s %127s", name, role, pw, secret) == 4) {
                double ms;
                at += 60; /* a later TOTP step for every login */
                b.s = login(&cfg, db, name, pw, secret, at, &ms);
                printf("%-11s %-30s %9.0f   (Argon2id, m = %lld KiB)\n", role, "login",
                       ms, (long long)cfg.argon2_mem_kib);
                role_screens(&b, role);
                if (rk_authorize_action(rk_session_grants(b.s), RK_ACTION_RETENTION) &&
                    strcmp(role, "supervisor") == 0)
                        retention_count(&b, role);
                rk_session_close(b.s);
        }
        fclose(f);
        printf("\nslowest screen opening: %s, %.2f ms (target: under 100 ms)\n",
               b.worst_what ? b.worst_what : "-", b.worst);
        if (argc <= 1) {
                char cmd[4200];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
                if (system(cmd) != 0)
                        fprintf(stderr, "bench_screens: could not remove %s\n", tmp);
        }
        return 0;
}
