/*
 * bench_retention.c - benchmark, not a test: a retention run over a
 * generated register of 1,000,000 customers of which 10% fall due.
 *
 * The same work runs twice, in an encrypted register (SQLCipher, random raw
 * key) and in an unencrypted one (rk_store_open_unencrypted_bench), and is
 * reported with the encrypted/unencrypted ratio:
 *   - the plan (rk_retention_plan_db): every rule's candidates, holds and
 *     next due dates;
 *   - the run (rk_retention_run_db, default batch_size): the plan again,
 *     the due customers anonymised through forget.h in batches with their
 *     audit rows and erasure-ledger entries, the one merge of the search
 *     index, the audit prune and the WAL truncation.
 * The demo data (rk_demo_generate, seed 3) is dated 2015-2025; the run is
 * on 2029-06-01, when all of it would be due, so 90% of the customers (id
 * not divisible by 10) get a recent last activity, recent notes and no
 * withdrawn consents first, outside the timing. Restricted customers stay
 * held, so slightly fewer than 10% are anonymised.
 * Usage: bench_retention [CUSTOMERS]   (default 1000000; meson benchmark)
 */
#include "rekisteri/audit.h"
#include "rekisteri/config.h"
#include "rekisteri/demo.h"
#include "rekisteri/retention.h"
#include "rekisteri/store.h"
#include "rekisteri/vault.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_retention: %s: %s\n", what, err ? err->msg : "");
        exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
        char *msg = NULL;
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                fprintf(stderr, "bench_retention: %s: %s\n", sql, msg);
                exit(1);
        }
}

/* 90% of the customers active in 2029: only ids divisible by 10 fall due. */
static void make_ten_percent_due(sqlite3 *db)
{
        exec(db,
             "BEGIN;"
             "UPDATE customers SET last_activity = '2029-05-01' WHERE id % 10 != 0;"
             "UPDATE notes SET created_at = '2029-05-01 10:00' WHERE customer_id % 10 "
             "!= 0;"
             "UPDATE consents SET withdrawn_on = NULL WHERE customer_id % 10 != 0;"
             "COMMIT;");
}

struct result {
        double fill, plan, run;
        int64_t due, anonymised, notes;
};

static void run(sqlite3 *db, int64_t customers, const char *register_path,
                struct result *r)
{
        struct rk_config cfg;
        struct rk_error err;
        struct rk_audit_actor actor;
        struct rk_retention_plan plan;
        struct rk_retention_summary sum;
        struct rk_demo_options opt = {.customers = customers, .seed = 3};
        char key[RK_AUDIT_KEY_TEXT];
        int64_t when = 1875009600; /* 2029-06-01, noon UTC */
        rk_config_defaults(&cfg);
        rk_audit_actor_init(&actor, "keyfile:retention", "bench");
        if (rk_audit_init(db, key, &err) != RK_OK)
                die("audit init", &err);
        double t = now_s();
        if (rk_demo_generate(db, &opt, NULL, NULL, &err) != RK_OK)
                die("demo", &err);
        r->fill = now_s() - t;
        make_ten_percent_due(db);
        char today[RK_DATE_TEXT];
        rk_date_of(when, today);
        t = now_s();
        if (rk_retention_plan_db(db, &cfg, today, &plan, &err) != RK_OK)
                die("plan", &err);
        r->plan = now_s() - t;
        r->due =
            (int64_t)(plan.rules[RK_RULE_PROSPECTS].n + plan.rules[RK_RULE_INACTIVE].n);
        rk_retention_plan_clear(&plan);
        t = now_s();
        if (rk_retention_run_db(db, &cfg, &actor, when, register_path, 0, NULL, NULL,
                                &sum, &err) != RK_OK)
                die("run", &err);
        r->run = now_s() - t;
        r->anonymised = sum.done[RK_RULE_PROSPECTS] + sum.done[RK_RULE_INACTIVE];
        r->notes = sum.rows[RK_RULE_NOTES];
        if (!sum.flushed)
                die("flush", NULL);
}

int main(int argc, char **argv)
{
        int64_t customers = argc > 1 ? atoll(argv[1]) : 1000000;
        struct rk_config cfg;
        struct rk_error err;
        struct result enc, plain;
        char dir[] = "/tmp/rk-bench-retention-XXXXXX", p[128];
        unsigned char dek[RK_KEY_BYTES];
        sqlite3 *db;
        if (customers < 10 || sodium_init() < 0 || mkdtemp(dir) == NULL)
                die("setup", NULL);
        rk_config_defaults(&cfg);
        randombytes_buf(dek, sizeof(dek));
        printf("retention benchmark: %" PRId64 " customers, 10%% due, batch_size %lld\n",
               customers, cfg.retention_batch_size);
        fflush(stdout);
        snprintf(p, sizeof(p), "%s/enc.db", dir);
        if (rk_store_open(p, dek, 1, &cfg, &db, &err) != RK_OK)
                die("open encrypted", &err);
        run(db, customers, p, &enc);
        rk_store_close(db);
        snprintf(p, sizeof(p), "%s/plain.db", dir);
        if (rk_store_open_unencrypted_bench(p, &cfg, &db, &err) != RK_OK)
                die("open unencrypted", &err);
        run(db, customers, p, &plain);
        rk_store_close(db);
        if (enc.anonymised != plain.anonymised)
                die("the two runs did different work", NULL);
        printf("due: %" PRId64 " customers (anonymised %" PRId64 "), %" PRId64
               " old notes of them deleted\n",
               enc.due, enc.anonymised, enc.notes);
        printf("%-24s %12s %12s %7s\n", "", "encrypted", "unencrypted", "ratio");
        printf("%-24s %10.1f s %10.1f s %7.2f\n", "generate the register", enc.fill,
               plain.fill, enc.fill / plain.fill);
        printf("%-24s %10.2f s %10.2f s %7.2f\n", "plan (dry run)", enc.plan, plain.plan,
               enc.plan / plain.plan);
        printf("%-24s %10.1f s %10.1f s %7.2f\n", "retention run", enc.run, plain.run,
               enc.run / plain.run);
        printf("%-24s %9.3f ms %9.3f ms\n", "per anonymised customer",
               enc.run * 1e3 / (double)enc.anonymised,
               plain.run * 1e3 / (double)plain.anonymised);
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        return system(cmd) == 0 ? 0 : 1;
}
