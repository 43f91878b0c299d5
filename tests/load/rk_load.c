/*
 * rk_load.c - the load and kill driver: many concurrent sessions on one
 * register, through the core API, as the staff of a company would use it.
 *
 *   rk_load run [--procs N] [--seconds S] [--customers N] [--kill] [--dir DIR]
 *   rk_load hold --db PATH --keyfile FILE --seconds S
 *
 * run: makes a register in DIR (default: a fresh temp dir, removed after),
 * seeds customers, makes a key file with the sales role, and forks N
 * worker processes. Each unlocks with the key file (an unattended session,
 * so fifty workers need no fifty TOTP codes) and, until the deadline,
 * mixes searches, customer views and edits: an edit opens the customer,
 * waits a moment (a person typing), and saves name and e-mail together at
 * the version it opened, so workers that edit the same hot customers
 * collide. Every committed edit is logged (customer, new version, token)
 * the moment the save returns; a refused edit must be RK_ERR_CONFLICT with
 * the "changed by someone else" message; anything else is an error.
 * With --kill the parent also sends SIGHUP or SIGKILL to a random worker
 * every 50-300 ms and starts a new one in its place (SIGHUP is handled as
 * the TUI does: finish the current call, close the session, exit).
 *
 * Afterwards the parent checks the register: PRAGMA integrity_check; the
 * audit chain and every MAC verify; no record is half-written (the name
 * and the e-mail of every customer carry the same token: both fields of
 * one save, or neither); every committed edit is there (per customer the
 * logged versions are distinct, and without --kill they are exactly
 * 2..final and the stored token is the last one logged); and the audit
 * trail holds exactly one customer.update row per committed version. It
 * prints throughput and the p50/p95/p99 latency of a view, and exits 0
 * only when no session saw an error and every check held.
 *
 * hold: takes the register's write lock for S seconds (prints "locked"
 * when it has it), for testing what a waiting session shows.
 */
#include "rekisteri/audit.h"
#include "rekisteri/customer.h"
#include "rekisteri/keyfiles.h"
#include "rekisteri/orders.h"
#include "rekisteri/register.h"
#include "rekisteri/search.h"
#include "rekisteri/session.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROCS_MAX  200
#define HOT        20 /* edits go to the first HOT customers */
#define LAT_MAX    200000
#define TOKEN_SIZE 32

static const char admin_pw[] = "kuormitus testaa rekisteria";

struct opts {
        int procs, seconds, customers, kill;
        const char *dir;
        const char *db, *keyfile; /* hold */
};

struct stats {
        long long searches, views, edits, conflicts, errors, torn;
};

static struct rk_config cfg;
static char dir[512], db_path[600], key_path[600];
static int64_t ids[100000];
static int nids;
static volatile sig_atomic_t hup;

/* ---- small helpers ----------------------------------------------------- */

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "rk_load: %s: %s\n", what, err->msg);
        exit(1);
}

static int rm_entry(const char *p, const struct stat *sb, int f, struct FTW *ftw)
{
        (void)sb;
        (void)f;
        (void)ftw;
        return remove(p);
}

/* The token in an e-mail "TOKEN@example.com", or in a name "Load TOKEN". */
static void token_of(const char *text, int is_email, char *out)
{
        out[0] = '\0';
        if (text == NULL)
                return;
        if (is_email)
                snprintf(out, TOKEN_SIZE, "%.*s", (int)strcspn(text, "@"), text);
        else if (strncmp(text, "Load ", 5) == 0)
                snprintf(out, TOKEN_SIZE, "%s", text + 5);
}

/* ---- setting up -------------------------------------------------------- */

static struct rk_session *keyfile_session(const char *db, const char *keyfile,
                                          const char *source)
{
        struct rk_register *reg = NULL;
        struct rk_session *s = NULL;
        struct rk_error err;
        if (rk_register_unlock_keyfile(&cfg, db, keyfile, &reg, &err) != RK_OK ||
            rk_session_from_register(reg, source, &s, &err) != RK_OK) {
                rk_register_close(reg);
                fprintf(stderr, "rk_load: unlocking: %s\n", err.msg);
                return NULL;
        }
        rk_session_set_place(s, "load");
        return s;
}

/* A register with admin "admin", a key file with the sales role (made by
 * the admin: a one-person company, [accounts] combine_duties on), and n
 * customers "Load seedN". Writes K(0) into audit_key. */
static void setup(int n, char *audit_key)
{
        char recovery[RK_RECOVERY_KEY_CHARS + 1];
        struct rk_register *reg = NULL;
        struct rk_session *s = NULL;
        struct rk_error err;
        int step = 0;
        long long wait = 0;
        const char *roles[] = {"sales"};
        if (rk_register_create(&cfg, db_path, "admin", admin_pw, strlen(admin_pw),
                               recovery, audit_key, &reg, &err) != RK_OK)
                die("creating the register", &err);
        rk_register_close(reg);
        if (rk_session_login(&cfg, db_path, "admin", admin_pw, strlen(admin_pw), "",
                             "load", (int64_t)time(NULL), &s, &step, &wait,
                             &err) != RK_OK ||
            rk_keyfiles_add(s, "load", roles, 1, key_path, &err) != RK_OK)
                die("making the key file", &err);
        rk_session_close(s);
        s = keyfile_session(db_path, key_path, "load:setup");
        if (s == NULL)
                exit(1);
        for (int i = 0; i < n; i++) {
                char name[64], email[64];
                snprintf(name, sizeof(name), "Load seed%d", i);
                snprintf(email, sizeof(email), "seed%d@example.com", i);
                struct rk_edit e[] = {{"name", name}, {"email", email}};
                if (rk_customer_create(s, e, 2, &ids[i], NULL, &err) != RK_OK)
                        die("seeding customers", &err);
        }
        nids = n;
        rk_session_close(s);
}

/* ---- one worker -------------------------------------------------------- */

struct worker {
        int slot;
        struct rk_session *s;
        struct stats st;
        unsigned *lat; /* view latencies in microseconds */
        size_t nlat;
        FILE *edits;
        long long seq;
};

static void on_hup(int sig)
{
        (void)sig;
        hup = 1;
}

static void report_error(struct worker *w, const char *op, const struct rk_error *err)
{
        w->st.errors++;
        fprintf(stderr, "rk_load: worker %d: %s: %s\n", w->slot, op, err->msg);
}

/* A view must never show half of a save: name and e-mail agree. */
static void check_view(struct worker *w, const struct rk_customer_view *v)
{
        char a[TOKEN_SIZE], b[TOKEN_SIZE];
        token_of(rk_record_get(&v->main, "name"), 0, a);
        token_of(rk_record_get(&v->main, "email"), 1, b);
        if (a[0] == '\0' || strcmp(a, b) != 0) {
                w->st.torn++;
                fprintf(stderr, "rk_load: worker %d: customer %lld half-written\n",
                        w->slot, (long long)v->id);
        }
}

static void op_view(struct worker *w)
{
        struct rk_customer_view v;
        struct rk_error err;
        int64_t id = ids[randombytes_uniform((uint32_t)nids)];
        double t0 = now_s();
        int rc = rk_customer_load(w->s, id, RK_GROUPS_ALL, &v, &err);
        double dt = now_s() - t0;
        if (rc != RK_OK) {
                report_error(w, "view", &err);
        } else {
                w->st.views++;
                if (w->nlat < LAT_MAX)
                        w->lat[w->nlat++] = (unsigned)(dt * 1e6);
                check_view(w, &v);
        }
        rk_customer_view_clear(&v);
}

/* A search as the customer list does it: audited, one row per hit. */
static void op_search(struct worker *w)
{
        struct rk_error err;
        struct rk_search_hit *hits = NULL;
        size_t n = 0;
        int rc = rk_customer_search(w->s, "load seed1", 20, &hits, &n, &err);
        rk_search_free(hits, n);
        if (rc != RK_OK)
                report_error(w, "search", &err);
        else
                w->st.searches++;
}

static void op_edit(struct worker *w)
{
        struct rk_customer_view v;
        struct rk_error err;
        char tok[TOKEN_SIZE], name[64], email[64];
        int64_t id = ids[randombytes_uniform((uint32_t)(nids < HOT ? nids : HOT))];
        int64_t newv = 0;
        int rc = rk_customer_load(w->s, id, RK_GROUPS_ALL, &v, &err);
        if (rc != RK_OK) {
                report_error(w, "opening for an edit", &err);
                rk_customer_view_clear(&v);
                return;
        }
        int64_t version = v.version;
        rk_customer_view_clear(&v);
        usleep(randombytes_uniform(3000)); /* typing */
        snprintf(tok, sizeof(tok), "w%ds%lld", w->slot, ++w->seq);
        snprintf(name, sizeof(name), "Load %s", tok);
        snprintf(email, sizeof(email), "%s@example.com", tok);
        struct rk_edit e[] = {{"name", name}, {"email", email}};
        rc = rk_customer_update(w->s, id, version, e, 2, &newv, &err);
        if (rc == RK_OK) {
                fprintf(w->edits, "%lld %lld %s\n", (long long)id, (long long)newv, tok);
                fflush(w->edits);
                w->st.edits++;
        } else if (rc == RK_ERR_CONFLICT && strstr(err.msg, "changed by someone else")) {
                w->st.conflicts++;
        } else {
                report_error(w, "saving", &err);
        }
}

static void write_results(const struct worker *w, int gen)
{
        char path[700];
        snprintf(path, sizeof(path), "%s/w%d-%d.stats", dir, w->slot, gen);
        FILE *f = fopen(path, "w");
        if (f == NULL)
                return;
        fprintf(f, "%lld %lld %lld %lld %lld %lld\n", w->st.searches, w->st.views,
                w->st.edits, w->st.conflicts, w->st.errors, w->st.torn);
        for (size_t i = 0; i < w->nlat; i++)
                fprintf(f, "%u\n", w->lat[i]);
        fclose(f);
}

static int worker_main(int slot, int gen, double deadline)
{
        struct worker w;
        char path[700], source[32];
        memset(&w, 0, sizeof(w));
        w.slot = slot;
        signal(SIGHUP, on_hup);
        snprintf(path, sizeof(path), "%s/w%d-%d.edits", dir, slot, gen);
        snprintf(source, sizeof(source), "load:%d", slot);
        w.edits = fopen(path, "w");
        w.lat = calloc(LAT_MAX, sizeof(*w.lat));
        w.s = keyfile_session(db_path, key_path, source);
        if (w.edits == NULL || w.lat == NULL || w.s == NULL)
                return 1;
        while (!hup && now_s() < deadline) {
                uint32_t r = randombytes_uniform(100);
                if (r < 25)
                        op_search(&w);
                else if (r < 80)
                        op_view(&w);
                else
                        op_edit(&w);
        }
        rk_session_close(w.s);
        write_results(&w, gen);
        fclose(w.edits);
        free(w.lat);
        return w.st.errors || w.st.torn ? 1 : hup ? 3 : 0;
}

static pid_t spawn(int slot, int gen, double deadline)
{
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
                _exit(worker_main(slot, gen, deadline));
        return pid;
}

/* ---- the parent -------------------------------------------------------- */

struct run {
        pid_t pid[PROCS_MAX];
        int gen[PROCS_MAX];
        int bad_exits, hups, kills;
};

/* --kill: every 50-300 ms, SIGHUP or SIGKILL a random worker, restart it. */
static void chaos(struct run *r, int procs, double deadline)
{
        while (now_s() < deadline - 0.5) {
                usleep(50000 + randombytes_uniform(250000));
                int slot = (int)randombytes_uniform((uint32_t)procs);
                int sig = randombytes_uniform(2) ? SIGHUP : SIGKILL;
                int status;
                kill(r->pid[slot], sig);
                waitpid(r->pid[slot], &status, 0);
                if (sig == SIGHUP)
                        r->hups++;
                else
                        r->kills++;
                /* SIGHUP: a clean end (3), or 0 if it was already done */
                if (sig == SIGHUP && WIFEXITED(status) && WEXITSTATUS(status) == 1)
                        r->bad_exits++;
                r->pid[slot] = spawn(slot, ++r->gen[slot], deadline);
        }
}

static int cmp_unsigned(const void *a, const void *b)
{
        unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
        return x < y ? -1 : x > y;
}

/* Sum every worker's stats file; collect view latencies into *lat. */
static void collect(struct stats *t, unsigned **lat, size_t *nlat)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        size_t cap = 1024;
        *lat = malloc(cap * sizeof(**lat));
        *nlat = 0;
        while (d != NULL && (e = readdir(d)) != NULL) {
                char path[1024];
                if (strstr(e->d_name, ".stats") == NULL)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                FILE *f = fopen(path, "r");
                struct stats s = {0};
                unsigned v;
                if (f == NULL ||
                    fscanf(f, "%lld %lld %lld %lld %lld %lld", &s.searches, &s.views,
                           &s.edits, &s.conflicts, &s.errors, &s.torn) != 6) {
                        t->errors++;
                        if (f)
                                fclose(f);
                        continue;
                }
                t->searches += s.searches, t->views += s.views, t->edits += s.edits;
                t->conflicts += s.conflicts, t->errors += s.errors, t->torn += s.torn;
                while (fscanf(f, "%u", &v) == 1) {
                        if (*nlat == cap)
                                *lat = realloc(*lat, (cap *= 2) * sizeof(**lat));
                        (*lat)[(*nlat)++] = v;
                }
                fclose(f);
        }
        if (d)
                closedir(d);
}

struct logged {
        long long count, max_version;
        char last_token[TOKEN_SIZE];
        unsigned char *seen; /* by version */
        int dup;
};

/* Read every .edits log into per-customer records (index = id). */
static struct logged *read_logs(int64_t max_id, long long max_version)
{
        struct logged *L = calloc((size_t)max_id + 1, sizeof(*L));
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
                char path[1024], tok[TOKEN_SIZE];
                long long id, ver;
                if (strstr(e->d_name, ".edits") == NULL)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                FILE *f = fopen(path, "r");
                while (f != NULL && fscanf(f, "%lld %lld %31s", &id, &ver, tok) == 3) {
                        if (id < 1 || id > max_id || ver < 2 || ver > max_version) {
                                printf(
                                    "FAIL: logged edit of customer %lld at version %lld "
                                    "is not in the register\n",
                                    id, ver);
                                L[0].dup++;
                                continue;
                        }
                        struct logged *l = &L[id];
                        if (l->seen == NULL)
                                l->seen = calloc((size_t)max_version + 1, 1);
                        l->dup += l->seen[ver]++ > 0;
                        l->count++;
                        if (ver > l->max_version) {
                                l->max_version = ver;
                                snprintf(l->last_token, TOKEN_SIZE, "%s", tok);
                        }
                }
                if (f)
                        fclose(f);
        }
        if (d)
                closedir(d);
        return L;
}

static long long audit_updates(sqlite3 *db, int64_t id)
{
        sqlite3_stmt *st;
        long long n = -1;
        if (sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM audit_log WHERE "
                               "action='customer.update' AND subject=?",
                               -1, &st, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
                n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
}

/* One customer against the logs and the audit trail; returns failures. */
static int check_customer(sqlite3 *db, sqlite3_stmt *row, struct logged *L, int kill)
{
        int64_t id = sqlite3_column_int64(row, 0);
        char a[TOKEN_SIZE], b[TOKEN_SIZE];
        long long version = sqlite3_column_int64(row, 3);
        int bad = 0;
        token_of((const char *)sqlite3_column_text(row, 1), 0, a);
        token_of((const char *)sqlite3_column_text(row, 2), 1, b);
        struct logged *l = &L[id];
        if (a[0] == '\0' || strcmp(a, b) != 0)
                bad += printf("FAIL: customer %lld is half-written\n", (long long)id) > 0;
        if (l->dup)
                bad +=
                    printf("FAIL: customer %lld: two saves got the same version (a lost "
                           "update)\n",
                           (long long)id) > 0;
        if (audit_updates(db, id) != version - 1)
                bad +=
                    printf("FAIL: customer %lld: version %lld but %lld audited updates\n",
                           (long long)id, version, audit_updates(db, id)) > 0;
        if (!kill && l->count != version - 1)
                bad += printf("FAIL: customer %lld: %lld saves committed, version %lld\n",
                              (long long)id, l->count, version) > 0;
        if (!kill && l->count > 0 && strcmp(l->last_token, a) != 0)
                bad +=
                    printf("FAIL: customer %lld: the last committed save is not what is "
                           "stored\n",
                           (long long)id) > 0;
        return bad;
}

static int verify(const char *audit_key, int kill)
{
        struct rk_session *s = keyfile_session(db_path, key_path, "load:verify");
        struct rk_audit_verdict v;
        struct rk_error err;
        sqlite3_stmt *row;
        int bad = 0;
        if (s == NULL)
                return 1;
        struct rk_register *reg = rk_session_register(s);
        sqlite3 *db = rk_register_db(reg);
        if (rk_register_check(reg, &err) != RK_OK)
                bad += printf("FAIL: integrity_check: %s\n", err.msg) > 0;
        else
                printf("integrity_check: ok\n");
        if (rk_audit_verify(db, audit_key, &v, &err) != RK_OK || !v.ok)
                bad += printf("FAIL: audit chain: row %lld: %s\n", (long long)v.bad_id,
                              v.why) > 0;
        else
                printf("audit chain and MACs: ok (%lld rows)\n", (long long)v.rows);
        struct logged *L = read_logs(ids[nids - 1], 1000000);
        bad += L[0].dup;
        sqlite3_prepare_v2(db, "SELECT id, name, email, version FROM customers", -1, &row,
                           NULL);
        long long committed = 0;
        while (sqlite3_step(row) == SQLITE_ROW) {
                bad += check_customer(db, row, L, kill);
                committed += sqlite3_column_int64(row, 3) - 1;
        }
        sqlite3_finalize(row);
        for (int64_t i = 0; i <= ids[nids - 1]; i++)
                free(L[i].seen);
        free(L);
        printf("committed edits in the register: %lld; half-written records: %s\n",
               committed, bad ? "see above" : "none");
        rk_session_close(s);
        return bad;
}

static void print_report(const struct opts *o, const struct stats *t, unsigned *lat,
                         size_t nlat, double secs)
{
        long long ops = t->searches + t->views + t->edits + t->conflicts;
        qsort(lat, nlat, sizeof(*lat), cmp_unsigned);
        printf("sessions: %d, %.1f s, %d customers (%d hot)\n", o->procs, secs,
               o->customers, HOT);
        printf("operations: %lld (%.0f/s): searches %lld, views %lld, edits saved %lld, "
               "edits refused as conflicts %lld\n",
               ops, ops / secs, t->searches, t->views, t->edits, t->conflicts);
        if (nlat > 0)
                printf(
                    "view latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                    lat[nlat / 2] / 1e3, lat[nlat * 95 / 100] / 1e3,
                    lat[nlat * 99 / 100] / 1e3, lat[nlat - 1] / 1e3);
        printf("errors seen by sessions: %lld; views of half-written records: %lld\n",
               t->errors, t->torn);
}

static int run(const struct opts *o)
{
        char audit_key[RK_AUDIT_KEY_TEXT];
        struct run r;
        struct stats t = {0};
        unsigned *lat = NULL;
        size_t nlat = 0;
        memset(&r, 0, sizeof(r));
        snprintf(db_path, sizeof(db_path), "%s/load.db", dir);
        snprintf(key_path, sizeof(key_path), "%s/load.key", dir);
        setup(o->customers, audit_key);
        double t0 = now_s(), deadline = t0 + o->seconds;
        for (int i = 0; i < o->procs; i++)
                r.pid[i] = spawn(i, 0, deadline);
        if (o->kill)
                chaos(&r, o->procs, deadline);
        for (int i = 0; i < o->procs; i++) {
                int status;
                waitpid(r.pid[i], &status, 0);
                r.bad_exits += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        }
        double secs = now_s() - t0;
        collect(&t, &lat, &nlat);
        print_report(o, &t, lat, nlat, secs);
        free(lat);
        if (o->kill)
                printf("killed: %d with SIGHUP, %d with SIGKILL\n", r.hups, r.kills);
        int bad =
            verify(audit_key, o->kill) + r.bad_exits + (t.errors > 0) + (t.torn > 0);
        if (t.edits == 0 || (!o->kill && t.conflicts == 0))
                bad += printf("FAIL: the load produced no edits or no conflicts\n") > 0;
        printf("%s\n", bad ? "FAIL" : "PASS");
        return bad ? 1 : 0;
}

/* ---- hold -------------------------------------------------------------- */

static int hold(const struct opts *o)
{
        struct rk_session *s = keyfile_session(o->db, o->keyfile, "load:hold");
        if (s == NULL)
                return 1;
        sqlite3 *db = rk_register_db(rk_session_register(s));
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                return 1;
        printf("locked\n");
        fflush(stdout);
        sleep((unsigned)o->seconds);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        rk_session_close(s);
        return 0;
}

/* ---- main -------------------------------------------------------------- */

static int parse(int argc, char **argv, struct opts *o)
{
        for (int i = 2; i < argc; i++) {
                const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
                if (strcmp(a, "--kill") == 0)
                        o->kill = 1;
                else if (v == NULL)
                        return -1;
                else if (strcmp(a, "--procs") == 0)
                        o->procs = atoi(v), i++;
                else if (strcmp(a, "--seconds") == 0)
                        o->seconds = atoi(v), i++;
                else if (strcmp(a, "--customers") == 0)
                        o->customers = atoi(v), i++;
                else if (strcmp(a, "--dir") == 0)
                        o->dir = v, i++;
                else if (strcmp(a, "--db") == 0)
                        o->db = v, i++;
                else if (strcmp(a, "--keyfile") == 0)
                        o->keyfile = v, i++;
                else
                        return -1;
        }
        if (o->procs < 1 || o->procs > PROCS_MAX || o->seconds < 1 || o->customers < 1 ||
            o->customers > 100000)
                return -1;
        return 0;
}

int main(int argc, char **argv)
{
        struct opts o = {10, 5, 100, 0, NULL, NULL, NULL};
        if (sodium_init() < 0)
                return 1;
        setvbuf(stdout, NULL, _IOLBF, 0);
        rk_config_defaults(&cfg);
        cfg.argon2_ops = 1; /* the admin's keyslot only: workers use the key file */
        cfg.argon2_mem_kib = 8;
        cfg.cache_mib = 8;
        cfg.combine_duties = 1; /* the admin makes the workers' sales key file */
        if (argc < 2 || parse(argc, argv, &o) != 0) {
                fprintf(stderr, "usage: rk_load run [--procs N] [--seconds S] "
                                "[--customers N] [--kill] [--dir DIR]\n"
                                "       rk_load hold --db PATH --keyfile FILE "
                                "--seconds S\n");
                return 2;
        }
        if (strcmp(argv[1], "hold") == 0)
                return o.db && o.keyfile ? hold(&o) : 2;
        if (strcmp(argv[1], "run") != 0)
                return 2;
        snprintf(dir, sizeof(dir), "%s", o.dir ? o.dir : "/tmp/rk-load-XXXXXX");
        if (o.dir == NULL && mkdtemp(dir) == NULL)
                return 1;
        int rc = run(&o);
        if (o.dir == NULL)
                nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
        return rc;
}
