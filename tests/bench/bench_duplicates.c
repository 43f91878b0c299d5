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
 * pairs, how many pairs per reason, the customers in blocks too large to pair, and
 * the process's peak resident memory. The target (under 60 s) is
 * reported, never asserted: a benchmark must not fail on a slow machine.
 * The demo data makes namesakes on purpose, and its e-mail addresses come
 * from the names, so many of the pairs are namesakes sharing an address:
 * the count says how much work was done, not how good the matching is
 * (tests/unit/test_duplicates.c measures that).
 *
 * Then the look's audit rows, as `rekisteri duplicates` writes them
 * (duplicates.c: one "duplicates.list" row per customer in a listed pair,
 * chained and MACed, in one transaction): the rows, the time (wall and
 * this process's CPU) and how many pages the register grew by; and the
 * whole command's work, the find plus its audit rows, against the target.
 * (The Duplicates screen audits only the pairs it shows: a page's worth.)
 *
 * Then the matcher as an import asks it (match.h: one rk_matcher, one
 * probe a row): PROBES probes made beforehand from customers picked at
 * random, half of them a customer already there (the name with a letter
 * changed and the e-mail in capitals: found by e-mail), half a new one
 * (an unknown e-mail and phone, a name with a letter changed and another
 * postal code: every key looked up, the name block read). The time per
 * probe and for all of them is reported.
 *
 * RK_BENCH_DIR=DIR keeps the two registers (and the encrypted one's key,
 * DIR/dek, mode 0600: generated data only) and uses them again on the
 * next run instead of generating anew.
 * Usage: bench_duplicates [CUSTOMERS]   (default 1000000; meson benchmark)
 */
#include "rekisteri/audit.h"
#include "rekisteri/config.h"
#include "rekisteri/demo.h"
#include "rekisteri/duplicates.h"
#include "rekisteri/store.h"
#include "rekisteri/vault.h"
#include "match.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TARGET_S 60.0
#define PROBES   100000

static double clock_s(clockid_t c)
{
        struct timespec t;
        clock_gettime(c, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now_s(void)
{
        return clock_s(CLOCK_MONOTONIC);
}

static double cpu_s(void)
{
        return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_duplicates: %s: %s\n", what, err ? err->msg : "");
        exit(1);
}

struct result {
        double fill, scan, probe, scan_cpu, audit, audit_cpu;
        size_t audited;
        int64_t grew; /* pages the audit rows added */
        size_t found;
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

/* One probe's values, made before the timing. */
struct probe {
        char name[256], email[256], phone[32], postal[16];
};

static void make_probes(sqlite3 *db, int64_t customers, struct probe *p)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db,
                               "SELECT name, ifnull(email,''), ifnull(phone,''),"
                               " ifnull(postal_code,'') FROM customers WHERE id = ?1",
                               -1, &st, NULL) != SQLITE_OK)
                die("prepare probes", NULL);
        for (int i = 0; i < PROBES; i++) {
                sqlite3_bind_int64(st, 1,
                                   1 + (int64_t)randombytes_uniform((uint32_t)customers));
                if (sqlite3_step(st) != SQLITE_ROW)
                        die("read probes", NULL);
                snprintf(p[i].name, sizeof(p[i].name), "%s", sqlite3_column_text(st, 0));
                p[i].name[strlen(p[i].name) / 2] = 'x';
                snprintf(p[i].email, sizeof(p[i].email), "%s",
                         sqlite3_column_text(st, 1));
                snprintf(p[i].phone, sizeof(p[i].phone), "%s",
                         sqlite3_column_text(st, 2));
                snprintf(p[i].postal, sizeof(p[i].postal), "%s",
                         sqlite3_column_text(st, 3));
                for (char *c = p[i].email; *c; c++)
                        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
                if (i % 2) {
                        snprintf(p[i].email, sizeof(p[i].email), "new%d@example.invalid",
                                 i);
                        snprintf(p[i].phone, sizeof(p[i].phone), "+35840%07d", i);
                        snprintf(p[i].postal, sizeof(p[i].postal), "%05d",
                                 (int)randombytes_uniform(100000));
                }
                sqlite3_reset(st);
        }
        sqlite3_finalize(st);
}

static void probe_all(sqlite3 *db, const struct probe *p, struct result *r)
{
        struct rk_error err;
        struct rk_matcher *m = NULL;
        struct rk_match_hit hit;
        double t = now_s();
        if (rk_matcher_open(db, &m, &err) != RK_OK)
                die("matcher", &err);
        for (int i = 0; i < PROBES; i++) {
                const struct rk_match_probe q = {.name = p[i].name,
                                                 .email = p[i].email,
                                                 .phone = p[i].phone,
                                                 .postal_code = p[i].postal};
                if (rk_matcher_find(m, &q, &hit, &err) != RK_OK)
                        die("probe", &err);
                r->found += hit.reason != RK_MATCH_NONE;
        }
        rk_matcher_close(m);
        r->probe = now_s() - t;
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
        sqlite3_stmt *st;
        int64_t v = 0;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                die(sql, NULL);
        if (sqlite3_step(st) == SQLITE_ROW)
                v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
}

static int id_cmp(const void *x, const void *y)
{
        int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
        return a < b ? -1 : a > b;
}

/* The look's audit rows as duplicates.c writes them for the CLI: one per
 * customer in a listed pair (the audit trail started first if the
 * generated register has none). */
static void audit_look(sqlite3 *db, const struct rk_duplicate_list *l, struct result *r)
{
        struct rk_error err;
        struct rk_audit_actor a;
        char key[RK_AUDIT_KEY_TEXT];
        size_t n = 0, u = 0;
        int64_t *ids = malloc((2 * l->n + 1) * sizeof(*ids));
        if (ids == NULL)
                die("audit ids", NULL);
        if (one_int(db, "SELECT count(*) FROM audit_state") == 0 &&
            rk_audit_init(db, key, &err) != RK_OK)
                die("audit init", &err);
        for (size_t i = 0; i < l->n; i++) {
                ids[n++] = l->pairs[i].id[0];
                ids[n++] = l->pairs[i].id[1];
        }
        qsort(ids, n, sizeof(*ids), id_cmp);
        for (size_t i = 0; i < n; i++)
                if (u == 0 || ids[u - 1] != ids[i])
                        ids[u++] = ids[i];
        rk_audit_actor_init(&a, "keyfile:dpo", "local");
        struct rk_audit_event ev = {.action = "duplicates.list",
                                    .groups = "identity,contact,idcode",
                                    .fields = "",
                                    .screen = "cli:duplicates",
                                    .result = "ok",
                                    .target = ""};
        int64_t pages = one_int(db, "PRAGMA page_count");
        double t = now_s(), c = cpu_s();
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
            rk_audit_append_many(db, &a, &ev, ids, u, (int64_t)time(NULL), 1000, &err) !=
                RK_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                die("audit the look", &err);
        r->audit = now_s() - t;
        r->audit_cpu = cpu_s() - c;
        r->audited = u;
        r->grew = one_int(db, "PRAGMA page_count") - pages;
        free(ids);
}

static int exists(const char *path)
{
        FILE *f = fopen(path, "rb");
        if (f != NULL)
                fclose(f);
        return f != NULL;
}

static void run(const char *path, const unsigned char *dek, int64_t customers,
                struct probe *probes, struct result *r)
{
        struct rk_config cfg;
        struct rk_error err;
        struct rk_duplicate_list l;
        struct rk_demo_options opt = {.customers = customers, .seed = 1};
        struct rk_duplicate_options dopt = {.include_restricted = true};
        rk_config_defaults(&cfg);
        double t = now_s();
        if (!exists(path)) {
                sqlite3 *fresh = open_db(path, dek, 1, &cfg);
                if (rk_demo_generate(fresh, &opt, NULL, NULL, &err) != RK_OK)
                        die("demo", &err);
                r->fill = now_s() - t;
                rk_store_close(fresh);
        }
        sqlite3 *db = open_db(path, dek, 0, &cfg);
        t = now_s();
        double c = cpu_s();
        if (rk_duplicates_scan(db, &dopt, &l, &err) != RK_OK)
                die("scan", &err);
        r->scan = now_s() - t;
        r->scan_cpu = cpu_s() - c;
        audit_look(db, &l, r);
        r->pairs = l.n;
        r->crowded = l.crowded;
        r->customers = l.customers;
        for (size_t i = 0; i < l.n; i++)
                r->by_reason[l.pairs[i].reason]++;
        rk_duplicate_list_free(&l);
        if (probes[0].name[0] == '\0') /* the same probes for both registers */
                make_probes(db, customers, probes);
        probe_all(db, probes, r);
        rk_store_close(db);
}

/* The key of the encrypted register kept in dir (made when missing). */
static void keep_key(const char *dir, unsigned char dek[RK_KEY_BYTES])
{
        char p[512];
        snprintf(p, sizeof(p), "%s/dek", dir);
        FILE *f = fopen(p, "rb");
        if (f != NULL) {
                if (fread(dek, 1, RK_KEY_BYTES, f) != RK_KEY_BYTES)
                        die("read the kept key", NULL);
                fclose(f);
                return;
        }
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 || write(fd, dek, RK_KEY_BYTES) != RK_KEY_BYTES || close(fd) != 0)
                die("keep the key", NULL);
}

int main(int argc, char **argv)
{
        int64_t customers = argc > 1 ? atoll(argv[1]) : 1000000;
        struct result enc = {0}, plain = {0};
        char tmp[] = "/tmp/rk-bench-duplicates-XXXXXX", p[600];
        const char *kept = getenv("RK_BENCH_DIR"), *dir = kept;
        unsigned char dek[RK_KEY_BYTES];
        struct probe *probes = calloc(PROBES, sizeof(*probes));
        if (customers < 10 || sodium_init() < 0 || probes == NULL ||
            (kept == NULL && (dir = mkdtemp(tmp)) == NULL) ||
            (kept != NULL && mkdir(kept, 0700) != 0 && errno != EEXIST))
                die("setup", NULL);
        randombytes_buf(dek, sizeof(dek));
        if (kept != NULL)
                keep_key(dir, dek);
        printf("duplicates benchmark: %" PRId64 " customers\n", customers);
        fflush(stdout);
        snprintf(p, sizeof(p), "%s/enc.db", dir);
        run(p, dek, customers, probes, &enc);
        snprintf(p, sizeof(p), "%s/plain.db", dir);
        run(p, NULL, customers, probes, &plain);
        sodium_memzero(dek, sizeof(dek));
        free(probes);
        if (enc.pairs != plain.pairs || enc.customers != plain.customers)
                die("the two runs found different pairs", NULL);
        printf("live customers compared: %" PRId64
               "; pairs: %zu; in blocks too large to pair: %zu\n",
               enc.customers, enc.pairs, enc.crowded);
        for (int r = RK_MATCH_BUSINESS_ID; r <= RK_MATCH_SIMILAR_NAME; r++)
                printf("  by %-13s %zu\n", rk_match_reason_id((enum rk_match_reason)r),
                       enc.by_reason[r]);
        printf("%-24s %12s %12s %7s\n", "", "encrypted", "unencrypted", "ratio");
        if (enc.fill > 0 && plain.fill > 0)
                printf("%-24s %10.1f s %10.1f s %7.2f\n", "generate the register",
                       enc.fill, plain.fill, enc.fill / plain.fill);
        printf("%-24s %10.1f s %10.1f s %7.2f   (cpu %.1f s, %.1f s)\n",
               "find the duplicates", enc.scan, plain.scan, enc.scan / plain.scan,
               enc.scan_cpu, plain.scan_cpu);
        printf("%-24s %10.1f s %10.1f s %7.2f   (cpu %.1f s, %.1f s; %zu rows, +%" PRId64
               " pages)\n",
               "audit the look", enc.audit, plain.audit, enc.audit / plain.audit,
               enc.audit_cpu, plain.audit_cpu, enc.audited, enc.grew);
        double whole_e = enc.scan + enc.audit, whole_p = plain.scan + plain.audit;
        printf("%-24s %10.1f s %10.1f s %7.2f   (target < %.0f s: %s)\n",
               "the whole CLI look", whole_e, whole_p, whole_e / whole_p, TARGET_S,
               whole_e < TARGET_S && whole_p < TARGET_S ? "met" : "MISSED");
        printf("%-24s %10.1f s %10.1f s %7.2f   (%d probes, %zu found)\n",
               "match import rows", enc.probe, plain.probe, enc.probe / plain.probe,
               PROBES, enc.found);
        printf("%-24s %9.0f us %9.0f us\n", "per probe", enc.probe * 1e6 / PROBES,
               plain.probe * 1e6 / PROBES);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("peak resident memory: %.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
        if (kept != NULL)
                return 0;
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        return system(cmd) == 0 ? 0 : 1;
}
