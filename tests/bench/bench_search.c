/*
 * bench_search.c - search-as-you-type, customer detail loads and demo
 * generation on a generated register, run encrypted (SQLCipher with the
 * register's key) and unencrypted (the same schema and settings with no
 * key, through the benchmark-only rk_store_open_unencrypted_bench), and
 * reported side by side with the ratio.
 *
 *   bench_search [CUSTOMERS] [SEED]      default 1000000 customers, seed 1
 *   (or RK_BENCH_CUSTOMERS in the environment; the argument wins)
 *   RK_BENCH_VERBOSE=1 prints each query's time; RK_BENCH_KEEP=1 keeps the files
 *   RK_BENCH_DIR=D puts the registers in D and keeps them; registers already
 *   there are used again, not generated (generation then reads 0 s), so a
 *   big register made once can be searched again on a quiet machine (an
 *   interrupted generation leaves a partial one: remove D then)
 *
 * The registers go into a fresh directory under $TMPDIR (or /tmp), removed
 * at the end. After generation both databases are closed and opened again,
 * so the measured searches start from an empty SQLite page cache, as a new
 * session does (the OS file cache stays warm for both alike).
 *
 * Search: each query is what a person has typed so far ("v", "vi", "vir",
 * ... and e-mail, customer number, order number and two-word prefixes),
 * run as the sales role and as the warehouse role, 50 hits at most, each
 * query REPEAT times. Detail: one customer row by id plus its orders, for
 * DETAILS random ids (the customer store's own load call is not on this
 * branch, so this is the SELECT it makes).
 *
 * The targets (search p95 < 20 ms and within 1.3x of unencrypted;
 * generation of 1M < 60 s) are reported, never asserted: a benchmark must
 * not fail on a slow machine.
 */
#include "rekisteri/audit.h"
#include "rekisteri/demo.h"
#include "rekisteri/register.h"
#include "rekisteri/search.h"
#include "rekisteri/store.h"

#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REPEAT  5
#define DETAILS 2000
#define LIMIT   50

static const char *const queries[] = {
    "v",
    "vi",
    "vir",
    "virt",
    "virta",
    "virtan",
    "virtane",
    "virtanen",
    "k",
    "ko",
    "kor",
    "korh",
    "korho",
    "korhonen",
    "h",
    "hä",
    "häm",
    "hämä",
    "hämäl",
    "hämäläinen",
    "matti",
    "matti v",
    "matti vi",
    "matti vir",
    "matti virt",
    "anna k",
    "anna ko",
    "anna kor",
    "aino.h",
    "aino.ham",
    "aino.hamalainen@",
    "erik.astrom",
    "esp",
    "espoo",
    "tamp",
    "tampere hä",
    "helsinki ma",
    "C0",
    "C00",
    "C001",
    "C0012",
    "C00123",
    "C001234",
    "O000",
    "O0001",
    "O00012",
    "O000123",
    "O0001234",
    "040",
    "0401",
    "04012",
    "040123",
    "+35840",
    "ö",
    "åström",
    "lind",
    "lindq",
    "nordic",
    "pohjolan sähkö",
};
#define NQ (sizeof(queries) / sizeof(queries[0]))

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
        qsort(v, n, sizeof(*v), cmp_double);
        size_t i = (size_t)(p * (double)(n - 1) + 0.5);
        return v[i];
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_search: %s: %s\n", what, err->msg);
        exit(1);
}

static void progress(void *ctx, const char *stage, int64_t done, int64_t total)
{
        double *marks = ctx;
        if (strcmp(stage, "customers") == 0 && done == total)
                marks[0] = now_ms();
        if (done == total || done % 200000 == 0) {
                fprintf(stderr, "\r  %-12s %lld / %lld", stage, (long long)done,
                        (long long)total);
                if (done == total)
                        fputc('\n', stderr);
        }
}

struct side {
        const char *label;
        char path[512];
        struct rk_register *reg; /* encrypted side */
        sqlite3 *db;
        double gen_rows_s, gen_index_s, gen_total_s;
        double search[2][4]; /* role x {p50, p95, p95 first round, p95 later rounds} */
        double detail[2];    /* p50, p95 */
};

static struct rk_config cfg;
static const char pw[] = "kolme iloista kalaa ja yksi hauki";

static void open_side(struct side *s, int create)
{
        struct rk_error err;
        char recovery[RK_RECOVERY_KEY_CHARS], audit_key[RK_AUDIT_KEY_TEXT];
        int rc;
        if (s->reg != NULL || s->db != NULL) {
                rk_register_close(s->reg);
                if (s->reg == NULL)
                        rk_store_close(s->db);
                s->reg = NULL;
                s->db = NULL;
        }
        if (strcmp(s->label, "encrypted") == 0) {
                rc = create ? rk_register_create(&cfg, s->path, "bench", pw, strlen(pw),
                                                 recovery, audit_key, &s->reg, &err)
                            : rk_register_unlock_user(&cfg, s->path, "bench", pw,
                                                      strlen(pw), &s->reg, &err);
                if (rc == RK_OK)
                        s->db = rk_register_db(s->reg);
        } else {
                rc = rk_store_open_unencrypted_bench(s->path, &cfg, &s->db, &err);
        }
        if (rc != RK_OK)
                die(s->label, &err);
}

static void generate(struct side *s, const struct rk_demo_options *opt)
{
        struct rk_error err;
        double marks[1] = {0};
        fprintf(stderr, "generating %lld customers, %s\n", (long long)opt->customers,
                s->label);
        open_side(s, 1);
        double t0 = now_ms();
        if (rk_demo_generate(s->db, opt, progress, marks, &err) != RK_OK)
                die("generating", &err);
        double t1 = now_ms();
        s->gen_total_s = (t1 - t0) / 1e3;
        s->gen_rows_s = (marks[0] - t0) / 1e3;
        s->gen_index_s = (t1 - marks[0]) / 1e3;
        open_side(s, 0); /* a fresh connection: empty page cache */
}

static void grants_of(const char *role, struct rk_grants *g)
{
        struct rk_roleset set;
        rk_policy_defaults(&set);
        rk_policy_grants(&set, &role, 1, g);
}

static void bench_search(struct side *s, int r, const char *role)
{
        static double t[NQ * REPEAT];
        struct rk_grants g;
        struct rk_error err;
        size_t k = 0;
        grants_of(role, &g);
        for (int rep = 0; rep < REPEAT; rep++) {
                for (size_t q = 0; q < NQ; q++) {
                        struct rk_search_hit *hits;
                        size_t n;
                        double t0 = now_ms();
                        if (rk_search_customers(s->db, &g, queries[q], LIMIT, &hits, &n,
                                                &err) != RK_OK)
                                die(queries[q], &err);
                        t[k++] = now_ms() - t0;
                        rk_search_free(hits, n);
                }
        }
        if (getenv("RK_BENCH_VERBOSE") != NULL) /* the last round, per query */
                for (size_t q = 0; q < NQ; q++)
                        fprintf(stderr, "  %s %-10s %-20s %8.2f ms\n", s->label, role,
                                queries[q], t[k - NQ + q]);
        s->search[r][2] = pct(t, NQ, 0.95); /* first round: cold page cache */
        s->search[r][3] = pct(t + NQ, k - NQ, 0.95);
        s->search[r][0] = pct(t, k, 0.50);
        s->search[r][1] = pct(t, k, 0.95);
}

static void bench_detail(struct side *s, int64_t customers)
{
        static double t[DETAILS];
        sqlite3_stmt *c, *o;
        sqlite3_prepare_v2(s->db, "SELECT * FROM customers WHERE id = ?", -1, &c, NULL);
        sqlite3_prepare_v2(
            s->db,
            "SELECT o.number, o.ordered_on, o.status, count(l.id)"
            " FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id"
            " WHERE o.customer_id = ? GROUP BY o.id ORDER BY o.ordered_on DESC",
            -1, &o, NULL);
        uint64_t x = 12345;
        for (int i = 0; i < DETAILS; i++) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                int64_t id = 1 + (int64_t)((x >> 33) % (uint64_t)customers);
                double t0 = now_ms();
                sqlite3_bind_int64(c, 1, id);
                while (sqlite3_step(c) == SQLITE_ROW)
                        ;
                sqlite3_reset(c);
                sqlite3_bind_int64(o, 1, id);
                while (sqlite3_step(o) == SQLITE_ROW)
                        ;
                sqlite3_reset(o);
                t[i] = now_ms() - t0;
        }
        sqlite3_finalize(c);
        sqlite3_finalize(o);
        s->detail[0] = pct(t, DETAILS, 0.50);
        s->detail[1] = pct(t, DETAILS, 0.95);
}

static void row(const char *what, const char *unit, double enc, double plain)
{
        printf("  %-34s %10.2f %s %10.2f %s %7.2fx\n", what, enc, unit, plain, unit,
               plain > 0 ? enc / plain : 0.0);
}

static int remove_entry(const char *p, const struct stat *sb, int f, struct FTW *w)
{
        (void)sb;
        (void)f;
        (void)w;
        return remove(p);
}

int main(int argc, char **argv)
{
        struct rk_demo_options opt = {1000000, 1};
        const char *env = getenv("RK_BENCH_CUSTOMERS");
        if (env != NULL)
                opt.customers = atoll(env);
        if (argc > 1)
                opt.customers = atoll(argv[1]);
        if (argc > 2)
                opt.seed = strtoull(argv[2], NULL, 10);
        if (sodium_init() < 0)
                return 1;
        rk_config_defaults(&cfg);
        cfg.argon2_ops = 1;
        cfg.argon2_mem_kib = 8;
        char dir[256];
        const char *tmp = getenv("TMPDIR"), *kept = getenv("RK_BENCH_DIR");
        snprintf(dir, sizeof(dir), "%s/rk-bench-XXXXXX", tmp ? tmp : "/tmp");
        if (kept != NULL)
                snprintf(dir, sizeof(dir), "%s", kept);
        if (kept == NULL ? mkdtemp(dir) == NULL
                         : mkdir(dir, 0700) != 0 && errno != EEXIST)
                return perror(dir), 1;
        struct side sides[2] = {{.label = "encrypted"}, {.label = "unencrypted"}};
        for (int i = 0; i < 2; i++) {
                snprintf(sides[i].path, sizeof(sides[i].path), "%s/%s.db", dir,
                         sides[i].label);
                if (kept != NULL && access(sides[i].path, F_OK) == 0)
                        open_side(&sides[i], 0); /* made by an earlier run */
                else
                        generate(&sides[i], &opt);
                bench_search(&sides[i], 0, "sales");
                bench_search(&sides[i], 1, "warehouse");
                bench_detail(&sides[i], opt.customers);
        }
        struct side *e = &sides[0], *p = &sides[1];
        printf("\nbench_search: %lld customers, seed %llu, cache %lld MiB; %zu queries x "
               "%d, "
               "limit %d\n\n  %-34s %13s %13s %8s\n",
               (long long)opt.customers, (unsigned long long)opt.seed, cfg.cache_mib, NQ,
               REPEAT, LIMIT, "", "encrypted", "unencrypted", "ratio");
        row("generation: rows", "s ", e->gen_rows_s, p->gen_rows_s);
        row("generation: search index", "s ", e->gen_index_s, p->gen_index_s);
        row("generation: total (target < 60 s)", "s ", e->gen_total_s, p->gen_total_s);
        row("search p50, sales", "ms", e->search[0][0], p->search[0][0]);
        row("search p95, sales (target < 20)", "ms", e->search[0][1], p->search[0][1]);
        row("  p95 first round (cold cache)", "ms", e->search[0][2], p->search[0][2]);
        row("  p95 later rounds (warm cache)", "ms", e->search[0][3], p->search[0][3]);
        row("search p50, warehouse", "ms", e->search[1][0], p->search[1][0]);
        row("search p95, warehouse", "ms", e->search[1][1], p->search[1][1]);
        row("  p95 first round (cold cache)", "ms", e->search[1][2], p->search[1][2]);
        row("  p95 later rounds (warm cache)", "ms", e->search[1][3], p->search[1][3]);
        row("customer detail p50 (SELECT)", "ms", e->detail[0], p->detail[0]);
        row("customer detail p95 (SELECT)", "ms", e->detail[1], p->detail[1]);
        for (int i = 0; i < 2; i++) {
                rk_register_close(sides[i].reg);
                if (sides[i].reg == NULL)
                        rk_store_close(sides[i].db);
        }
        if (getenv("RK_BENCH_KEEP") != NULL || kept != NULL) /* for looking at them */
                fprintf(stderr, "kept %s\n", dir);
        else
                nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        return 0;
}
