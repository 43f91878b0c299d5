/*
 * bench_duplicates.c - benchmark, not a test: finding likely duplicate
 * customers (rk_duplicates_scan, duplicates.h) in a generated register of
 * 1,000,000 customers.
 *
 * The same work runs twice, in an encrypted register (SQLCipher, random raw
 * key) and in an unencrypted one (rk_store_open_unencrypted_bench), and is
 * reported with the encrypted/unencrypted ratio. After generation each
 * database is closed and opened again, so the scan starts from an empty
 * SQLite page cache, as a new session does. Reported: the time to find the
 * pairs, how many pairs per reason, the crowded blocks left unpaired, and
 * the process's peak resident memory. The target (under 60 s) is
 * reported, never asserted: a benchmark must not fail on a slow machine.
 * The demo data makes namesakes on purpose, and its e-mail addresses come
 * from the names, so many of the pairs are namesakes sharing an address:
 * the count says how much work was done, not how good the matching is
 * (tests/unit/test_duplicates.c measures that).
 * Usage: bench_duplicates [CUSTOMERS]   (default 1000000; meson benchmark)
 */
#include "rekisteri/config.h"
#include "rekisteri/demo.h"
#include "rekisteri/duplicates.h"
#include "rekisteri/store.h"
#include "rekisteri/vault.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TARGET_S 60.0

static double now_s(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_duplicates: %s: %s\n", what, err ? err->msg : "");
        exit(1);
}

struct result {
        double fill, scan;
        size_t pairs, crowded, by_reason[RK_MATCH_SIMILAR_NAME + 1];
        int64_t customers;
};

static sqlite3 *open_db(const char *path, const unsigned char *dek, int create,
                        const struct rk_config *cfg)
{
        struct rk_error err;
        sqlite3 *db;
        int rc = dek ? rk_store_open(path, dek, create, cfg, &db, &err)
                     : rk_store_open_unencrypted_bench(path, cfg, &db, &err);
        if (rc != RK_OK)
                die(dek ? "open encrypted" : "open unencrypted", &err);
        return db;
}

static void run(const char *path, const unsigned char *dek, int64_t customers,
                struct result *r)
{
        struct rk_config cfg;
        struct rk_error err;
        struct rk_duplicate_list l;
        struct rk_demo_options opt = {.customers = customers, .seed = 1};
        struct rk_duplicate_options dopt = {.include_restricted = true};
        rk_config_defaults(&cfg);
        sqlite3 *db = open_db(path, dek, 1, &cfg);
        double t = now_s();
        if (rk_demo_generate(db, &opt, NULL, NULL, &err) != RK_OK)
                die("demo", &err);
        r->fill = now_s() - t;
        rk_store_close(db);
        db = open_db(path, dek, 0, &cfg);
        t = now_s();
        if (rk_duplicates_scan(db, &dopt, &l, &err) != RK_OK)
                die("scan", &err);
        r->scan = now_s() - t;
        r->pairs = l.n;
        r->crowded = l.crowded;
        r->customers = l.customers;
        for (size_t i = 0; i < l.n; i++)
                r->by_reason[l.pairs[i].reason]++;
        rk_duplicate_list_free(&l);
        rk_store_close(db);
}

int main(int argc, char **argv)
{
        int64_t customers = argc > 1 ? atoll(argv[1]) : 1000000;
        struct result enc = {0}, plain = {0};
        char dir[] = "/tmp/rk-bench-duplicates-XXXXXX", p[128];
        unsigned char dek[RK_KEY_BYTES];
        if (customers < 10 || sodium_init() < 0 || mkdtemp(dir) == NULL)
                die("setup", NULL);
        randombytes_buf(dek, sizeof(dek));
        printf("duplicates benchmark: %" PRId64 " customers\n", customers);
        fflush(stdout);
        snprintf(p, sizeof(p), "%s/enc.db", dir);
        run(p, dek, customers, &enc);
        snprintf(p, sizeof(p), "%s/plain.db", dir);
        run(p, NULL, customers, &plain);
        if (enc.pairs != plain.pairs || enc.customers != plain.customers)
                die("the two runs found different pairs", NULL);
        printf("live customers compared: %" PRId64 "; pairs: %zu; crowded blocks: %zu\n",
               enc.customers, enc.pairs, enc.crowded);
        for (int r = RK_MATCH_BUSINESS_ID; r <= RK_MATCH_SIMILAR_NAME; r++)
                printf("  by %-13s %zu\n", rk_match_reason_id((enum rk_match_reason)r),
                       enc.by_reason[r]);
        printf("%-24s %12s %12s %7s\n", "", "encrypted", "unencrypted", "ratio");
        printf("%-24s %10.1f s %10.1f s %7.2f\n", "generate the register", enc.fill,
               plain.fill, enc.fill / plain.fill);
        printf("%-24s %10.1f s %10.1f s %7.2f   (target < %.0f s: %s)\n",
               "find the duplicates", enc.scan, plain.scan, enc.scan / plain.scan,
               TARGET_S, enc.scan < TARGET_S && plain.scan < TARGET_S ? "met" : "MISSED");
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("peak resident memory: %.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        return system(cmd) == 0 ? 0 : 1;
}
