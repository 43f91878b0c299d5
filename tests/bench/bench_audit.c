/*
 * bench_audit.c - benchmark, not a test: the audit trail at 1,000,000 rows.
 *
 * Builds the same trail twice, in an encrypted register (SQLCipher, random
 * raw key) and in an unencrypted one on the same schema, and reports for
 * each, with the encrypted/unencrypted ratio:
 *   - the time to append the rows (one transaction per 10,000);
 *   - the first page (50 rows, newest first) of every viewer filter:
 *     none, user, action prefix, subject, time range, user + time range,
 *     p50 and p95 over repeated runs with varying arguments;
 *   - the cost of auditing one customer view: a view transaction (BEGIN
 *     IMMEDIATE, read the row, COMMIT) with and without its audit append;
 *   - `audit verify` over the whole trail: the chain alone, with K0 (every
 *     MAC by position and the stored key), and with K0 and the heads file
 *     the appends wrote (issue 20).
 * Usage: bench_audit [ROWS]   (default 1000000; meson bench runs it)
 * Target (issue 5): every filter's first page under 50 ms.
 */
#include "rekisteri/audit.h"
#include "rekisteri/config.h"
#include "rekisteri/secret.h"
#include "rekisteri/store.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE 50
#define RUNS 40
#define T0   1735689600 /* 2025-01-01 */

static double now_ms(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

static double pct(double *v, int n, double p)
{
        qsort(v, (size_t)n, sizeof(*v), cmp_double);
        return v[(int)(p * (n - 1))];
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_audit: %s: %s\n", what, err ? err->msg : "");
        exit(1);
}

static const char *const actions[] = {"customer.view", "customer.update", "order.view",
                                      "login.ok",      "customer.search", "note.add"};

/* Append rows spread over two years, 50 users, 200,000 subjects. */
static double fill(sqlite3 *db, long rows)
{
        struct rk_error err;
        struct rk_audit_actor a;
        double start = now_ms();
        srand(7);
        for (long i = 0; i < rows; i++) {
                if (i % 10000 == 0 &&
                    sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) != SQLITE_OK)
                        die("begin", NULL);
                char user[16];
                snprintf(user, sizeof(user), "user%02d", rand() % 50);
                rk_audit_actor_init(&a, user, "192.0.2.1");
                struct rk_audit_event ev = {.action = actions[rand() % 6],
                                            .subject = 1 + rand() % 200000,
                                            .groups = "identity,contact",
                                            .screen = "customer detail",
                                            .result = "ok"};
                int64_t at = T0 + (int64_t)((double)i / rows * 2 * 365 * 86400);
                if (rk_audit_append(db, &a, &ev, at, 1000, &err) != RK_OK)
                        die("append", &err);
                if (i % 10000 == 9999 || i == rows - 1)
                        if (sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK)
                                die("commit", NULL);
        }
        return now_ms() - start;
}

struct filter_case {
        const char *name;
        void (*make)(struct rk_audit_filter *f, int run, char *from, char *to);
};

static void f_none(struct rk_audit_filter *f, int run, char *a, char *b)
{
        (void)run, (void)a, (void)b;
        (void)f;
}
static void f_user(struct rk_audit_filter *f, int run, char *a, char *b)
{
        static char user[16];
        (void)a, (void)b;
        snprintf(user, sizeof(user), "user%02d", run % 50);
        f->user = user;
}
static void f_action(struct rk_audit_filter *f, int run, char *a, char *b)
{
        (void)a, (void)b;
        f->action = run % 2 ? "order." : "customer.";
}
static void f_subject(struct rk_audit_filter *f, int run, char *a, char *b)
{
        (void)a, (void)b;
        f->subject = 1 + (run * 4999) % 200000;
}
static void span(int run, char *from, char *to)
{
        time_t t = T0 + (time_t)(run % 20) * 30 * 86400;
        time_t u = t + 7 * 86400;
        strftime(from, 21, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
        strftime(to, 21, "%Y-%m-%dT%H:%M:%SZ", gmtime(&u));
}
static void f_time(struct rk_audit_filter *f, int run, char *from, char *to)
{
        span(run, from, to);
        f->from = from;
        f->to = to;
}
static void f_user_time(struct rk_audit_filter *f, int run, char *from, char *to)
{
        f_user(f, run, from, to);
        f_time(f, run, from, to);
}

static const struct filter_case cases[] = {
    {"no filter", f_none},     {"by user", f_user},       {"by action prefix", f_action},
    {"by subject", f_subject}, {"by time range", f_time}, {"user + time", f_user_time},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void first_pages(sqlite3 *db, double p50[NCASES], double p95[NCASES])
{
        for (size_t c = 0; c < NCASES; c++) {
                double t[RUNS];
                for (int r = 0; r < RUNS; r++) {
                        struct rk_audit_filter f = {0};
                        struct rk_audit_row *rows;
                        struct rk_error err;
                        size_t n;
                        char from[21], to[21];
                        cases[c].make(&f, r, from, to);
                        double s = now_ms();
                        if (rk_audit_list(db, &f, PAGE, &rows, &n, &err) != RK_OK)
                                die("list", &err);
                        t[r] = now_ms() - s;
                        free(rows);
                }
                p50[c] = pct(t, RUNS, 0.5);
                p95[c] = pct(t, RUNS, 0.95);
        }
}

/* Mean ms of a view transaction, with and without its audit row. */
static void view_cost(sqlite3 *db, double *with, double *without)
{
        struct rk_error err;
        struct rk_audit_actor a;
        rk_audit_actor_init(&a, "sales01", "192.0.2.1");
        sqlite3_exec(db,
                     "INSERT INTO customers(number,kind,name,created_at,updated_at)"
                     " VALUES('C000001','person','Bench Person',0,0)",
                     0, 0, 0);
        for (int audited = 0; audited < 2; audited++) {
                double s = now_ms();
                for (int i = 0; i < 500; i++) {
                        sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0);
                        sqlite3_exec(db, "SELECT * FROM customers WHERE number='C000001'",
                                     0, 0, 0);
                        struct rk_audit_event ev = {.action = "customer.view",
                                                    .subject = 1,
                                                    .groups = "identity,contact",
                                                    .result = "ok"};
                        if (audited &&
                            rk_audit_append(db, &a, &ev, T0, 1000, &err) != RK_OK)
                                die("view append", &err);
                        sqlite3_exec(db, "COMMIT", 0, 0, 0);
                }
                *(audited ? with : without) = (now_ms() - s) / 500;
        }
}

/* Mean ms of one audit append inside an open transaction: the work of the
 * audit row itself (hash, MAC, key step, insert, state), without the
 * commit's fsync that the view pays anyway once it writes. */
static double append_cost(sqlite3 *db)
{
        struct rk_error err;
        struct rk_audit_actor a;
        struct rk_audit_event ev = {.action = "customer.view",
                                    .subject = 1,
                                    .groups = "identity,contact",
                                    .result = "ok"};
        rk_audit_actor_init(&a, "sales01", "192.0.2.1");
        sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0);
        double s = now_ms();
        for (int i = 0; i < 2000; i++)
                if (rk_audit_append(db, &a, &ev, T0, 1000, &err) != RK_OK)
                        die("append", &err);
        double t = (now_ms() - s) / 2000;
        sqlite3_exec(db, "COMMIT", 0, 0, 0);
        return t;
}

struct result {
        double fill, p50[NCASES], p95[NCASES], view_with, view_without;
        double verify[3]; /* chain, with K0, with K0 and heads */
        double append;
};

static void verify_times(sqlite3 *db, const char *key, const char *heads, double *t)
{
        for (int i = 0; i < 3; i++) {
                struct rk_audit_verify_opts o = {.key_text = i > 0 ? key : NULL,
                                                 .heads_path = i > 1 ? heads : NULL};
                struct rk_audit_verdict v;
                struct rk_error err;
                double s = now_ms();
                if (rk_audit_verify_with(db, &o, &v, &err) != RK_OK || !v.ok)
                        die(v.ok ? "verify" : v.why, &err);
                t[i] = now_ms() - s;
        }
}

static void run(sqlite3 *db, long rows, const char *heads, struct result *r)
{
        char key[RK_AUDIT_KEY_TEXT];
        struct rk_error err;
        if (rk_audit_init(db, key, &err) != RK_OK)
                die("audit init", &err);
        r->fill = fill(db, rows);
        verify_times(db, key, heads, r->verify);
        first_pages(db, r->p50, r->p95);
        view_cost(db, &r->view_with, &r->view_without);
        r->append = append_cost(db);
}

int main(int argc, char **argv)
{
        long rows = argc > 1 ? atol(argv[1]) : 1000000;
        struct rk_config cfg;
        struct rk_error err;
        struct result enc, plain;
        char dir[] = "/tmp/rk-bench-audit-XXXXXX", p1[64], p2[64];
        unsigned char dek[RK_KEY_BYTES];
        sqlite3 *db;
        if (sodium_init() < 0 || mkdtemp(dir) == NULL)
                die("setup", NULL);
        rk_config_defaults(&cfg);
        /* the heads the appends send go to a file here, not to syslog */
        snprintf(cfg.audit_heads_file, sizeof(cfg.audit_heads_file), "%s/enc.heads", dir);
        snprintf(p1, sizeof(p1), "%s/enc.db", dir);
        snprintf(p2, sizeof(p2), "%s/plain.db", dir);
        randombytes_buf(dek, sizeof(dek));
        printf("audit benchmark: %ld rows, first page of %d, %d runs per filter\n", rows,
               PAGE, RUNS);
        if (rk_store_open(p1, dek, 1, &cfg, &db, &err) != RK_OK)
                die("open encrypted", &err);
        run(db, rows, cfg.audit_heads_file, &enc);
        rk_store_close(db);
        snprintf(cfg.audit_heads_file, sizeof(cfg.audit_heads_file), "%s/plain.heads",
                 dir);
        if (rk_store_open_unencrypted_bench(p2, &cfg, &db, &err) != RK_OK)
                die("open unencrypted", &err);
        run(db, rows, cfg.audit_heads_file, &plain);
        rk_store_close(db);
        printf("%-28s %12s %12s %7s\n", "", "encrypted", "unencrypted", "ratio");
        printf("%-28s %10.0f s %10.0f s %7.2f\n", "append all rows", enc.fill / 1e3,
               plain.fill / 1e3, enc.fill / plain.fill);
        for (size_t c = 0; c < NCASES; c++) {
                char label[64];
                snprintf(label, sizeof(label), "first page, %s p50", cases[c].name);
                printf("%-28s %9.2f ms %9.2f ms %7.2f\n", label, enc.p50[c], plain.p50[c],
                       enc.p50[c] / plain.p50[c]);
                snprintf(label, sizeof(label), "first page, %s p95", cases[c].name);
                printf("%-28s %9.2f ms %9.2f ms %7.2f%s\n", label, enc.p95[c],
                       plain.p95[c], enc.p95[c] / plain.p95[c],
                       enc.p95[c] < 50 ? "" : "  (over 50 ms)");
        }
        printf("%-28s %9.3f ms %9.3f ms %7.2f\n", "view, not audited", enc.view_without,
               plain.view_without, enc.view_without / plain.view_without);
        printf("%-28s %9.3f ms %9.3f ms %7.2f\n", "view, audited", enc.view_with,
               plain.view_with, enc.view_with / plain.view_with);
        printf("%-28s %9.3f ms %9.3f ms\n", "cost of auditing a view",
               enc.view_with - enc.view_without, plain.view_with - plain.view_without);
        printf("%-28s %9.3f ms %9.3f ms %7.2f\n", "audit row, no commit", enc.append,
               plain.append, enc.append / plain.append);
        static const char *const vname[3] = {"verify, chain only", "verify with K0",
                                             "verify with K0 and heads"};
        for (int i = 0; i < 3; i++)
                printf("%-28s %10.2f s %10.2f s %7.2f\n", vname[i], enc.verify[i] / 1e3,
                       plain.verify[i] / 1e3, enc.verify[i] / plain.verify[i]);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        return system(cmd) == 0 ? 0 : 1;
}
