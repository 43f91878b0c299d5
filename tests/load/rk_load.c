/*
 * rk_load.c - the load and kill driver: many concurrent sessions on one
 * register, through the core API, as the staff of a company would use it.
 *
 *   rk_load run [--procs N] [--seconds S] [--customers N] [--kill] [--think]
 *               [--dir DIR]
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
 * --think paces each session like a person (issue 18's human-paced
 * benchmark): 1-5 s of thinking before every action, and an order entry
 * (rk_order_create, two lines) among the actions: 25% searches, 45%
 * views, 15% edits, 15% orders. Every action's latency is then reported
 * (p50/p95/p99/max per action), not only the view's; conflicts are not
 * required (people rarely collide at that pace).
 *
 * hold: takes the register's write lock for S seconds (prints "locked"
 * when it has it), for testing what a waiting session shows.
 */
#include "rekisteri/audit.h"
#include "rekisteri/customer.h"
#include "rekisteri/keyfiles.h"
#include "rekisteri/orders.h"
#include "rekisteri/products.h"
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
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROCS_MAX  2000
#define HOT        20 /* edits go to the first HOT customers */
#define LAT_MAX    200000
#define TOKEN_SIZE 32

static const char admin_pw[] = "kuormitus testaa rekisteria";

struct opts {
        int procs, seconds, customers, kill, think;
        const char *dir;
        const char *db, *keyfile; /* hold */
};

struct stats {
        long long searches, views, edits, conflicts, errors, torn, orders;
};

/* The actions whose latency is kept, by their letter in a stats file. */
enum action { ACT_SEARCH, ACT_VIEW, ACT_EDIT, ACT_ORDER, ACT_COUNT };
static const char act_letter[ACT_COUNT] = {'s', 'v', 'e', 'o'};

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
/* The two products order entry sells (the catalogue needs the products
 * action: a key file of its own, used only here). */
static void add_products(const char *keyfile)
{
        struct rk_error err;
        const struct rk_product_in p[] = {
            {"KAHVI-500", "Kahvi 500 g", "pcs", "6,90", "14"},
            {"SUODATIN-100", "Suodatinpussi 100 kpl", "pcs", "2,50", "25.5"}};
        struct rk_session *s = keyfile_session(db_path, keyfile, "load:catalogue");
        if (s == NULL)
                exit(1);
        for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
                if (rk_product_add(s, &p[i], &err) != RK_OK)
                        die("adding the products", &err);
        }
        rk_session_close(s);
}

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
        const char *catalogue_roles[] = {"supervisor"};
        char catalogue_key[700];
        snprintf(catalogue_key, sizeof(catalogue_key), "%s.catalogue", key_path);
        if (rk_session_login(&cfg, db_path, "admin", admin_pw, strlen(admin_pw), "",
                             "load", (int64_t)time(NULL), &s, &step, &wait,
                             &err) != RK_OK ||
            rk_keyfiles_add(s, "load", roles, 1, key_path, &err) != RK_OK ||
            rk_keyfiles_add(s, "catalogue", catalogue_roles, 1, catalogue_key, &err) !=
                RK_OK)
                die("making the key files", &err);
        rk_session_close(s);
        add_products(catalogue_key);
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

/* Pages per action, from SQLite's own counters (sqlite3_db_status): read
 * from the file (a cache miss: in an encrypted register each one is
 * decrypted and its MAC checked), found in the cache, and written (each
 * one encrypted and MACed). Counts, so a busy machine cannot change them. */
struct pages {
        long long n, miss, hit, write;
};

struct worker {
        int slot;
        struct rk_session *s;
        struct stats st;
        struct pages pg[ACT_COUNT];
        unsigned *lat; /* latencies in microseconds */
        char *act;     /* and their actions' letters */
        size_t nlat;
        FILE *edits;
        long long seq;
};

static void record(struct worker *w, enum action a, double seconds)
{
        if (w->nlat < LAT_MAX) {
                w->act[w->nlat] = act_letter[a];
                w->lat[w->nlat++] = (unsigned)(seconds * 1e6);
        }
}

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
                record(w, ACT_VIEW, dt);
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
        double t0 = now_s();
        int rc = rk_customer_search(w->s, "load seed1", 20, &hits, &n, &err);
        double dt = now_s() - t0;
        rk_search_free(hits, n);
        if (rc != RK_OK) {
                report_error(w, "search", &err);
        } else {
                w->st.searches++;
                record(w, ACT_SEARCH, dt);
        }
}

/* An order taken on the phone: two lines for a random customer. */
static void op_order(struct worker *w)
{
        struct rk_error err;
        int64_t id = ids[randombytes_uniform((uint32_t)nids)], order = 0;
        const struct rk_order_line_in lines[] = {{"KAHVI-500", "2", NULL, 0},
                                                 {"SUODATIN-100", "1", NULL, 0}};
        double t0 = now_s();
        int rc = rk_order_create(w->s, id, lines, 2, &order, NULL, &err);
        double dt = now_s() - t0;
        if (rc != RK_OK) {
                report_error(w, "order entry", &err);
        } else {
                w->st.orders++;
                record(w, ACT_ORDER, dt);
        }
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
        double t0 = now_s();
        rc = rk_customer_update(w->s, id, version, e, 2, &newv, &err);
        if (rc == RK_OK || rc == RK_ERR_CONFLICT)
                record(w, ACT_EDIT, now_s() - t0);
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
        fprintf(f, "%lld %lld %lld %lld %lld %lld %lld\n", w->st.searches, w->st.views,
                w->st.edits, w->st.conflicts, w->st.errors, w->st.torn, w->st.orders);
        for (size_t i = 0; i < w->nlat; i++)
                fprintf(f, "%c %u\n", w->act[i], w->lat[i]);
        fclose(f);
        snprintf(path, sizeof(path), "%s/w%d-%d.pages", dir, w->slot, gen);
        f = fopen(path, "w");
        if (f == NULL)
                return;
        for (int a = 0; a < ACT_COUNT; a++)
                fprintf(f, "%lld %lld %lld %lld\n", w->pg[a].n, w->pg[a].miss,
                        w->pg[a].hit, w->pg[a].write);
        fclose(f);
}

/* Thinking, as a person does between actions: 1-5 s, cut short by the
 * deadline or SIGHUP. */
static void think(double deadline)
{
        double until = now_s() + 1.0 + randombytes_uniform(4000) / 1000.0;
        while (!hup && now_s() < until && now_s() < deadline)
                usleep(20000);
}

/* The connection's counter `what` since the last call (and reset). */
static long long db_counter(struct worker *w, int what)
{
        int cur = 0, hi = 0;
        sqlite3_db_status(rk_register_db(rk_session_register(w->s)), what, &cur, &hi, 1);
        return cur;
}

static void act(struct worker *w, int paced)
{
        uint32_t r = randombytes_uniform(100);
        enum action a = r < 25                    ? ACT_SEARCH
                        : r < (paced ? 70u : 80u) ? ACT_VIEW
                        : (!paced || r < 85)      ? ACT_EDIT
                                                  : ACT_ORDER;
        db_counter(w, SQLITE_DBSTATUS_CACHE_MISS);
        db_counter(w, SQLITE_DBSTATUS_CACHE_HIT);
        db_counter(w, SQLITE_DBSTATUS_CACHE_WRITE);
        if (a == ACT_SEARCH)
                op_search(w);
        else if (a == ACT_VIEW)
                op_view(w);
        else if (a == ACT_EDIT)
                op_edit(w);
        else
                op_order(w);
        w->pg[a].n++;
        w->pg[a].miss += db_counter(w, SQLITE_DBSTATUS_CACHE_MISS);
        w->pg[a].hit += db_counter(w, SQLITE_DBSTATUS_CACHE_HIT);
        w->pg[a].write += db_counter(w, SQLITE_DBSTATUS_CACHE_WRITE);
}

static int worker_main(int slot, int gen, double deadline, int paced)
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
        w.act = calloc(LAT_MAX, 1);
        w.s = keyfile_session(db_path, key_path, source);
        if (w.edits == NULL || w.lat == NULL || w.act == NULL || w.s == NULL)
                return 1;
        while (!hup && now_s() < deadline) {
                if (paced)
                        think(deadline);
                if (!hup && now_s() < deadline)
                        act(&w, paced);
        }
        rk_session_close(w.s);
        write_results(&w, gen);
        fclose(w.edits);
        free(w.lat);
        free(w.act);
        return w.st.errors || w.st.torn ? 1 : hup ? 3 : 0;
}

static int paced; /* --think */

static pid_t spawn(int slot, int gen, double deadline)
{
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
                _exit(worker_main(slot, gen, deadline, paced));
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

/* Sum every worker's stats file; collect each action's latencies into
 * lat[action]. */
static void collect(struct stats *t, unsigned *lat[ACT_COUNT], size_t nlat[ACT_COUNT])
{
        DIR *d = opendir(dir);
        struct dirent *e;
        size_t cap[ACT_COUNT];
        for (int a = 0; a < ACT_COUNT; a++) {
                cap[a] = 1024;
                lat[a] = malloc(cap[a] * sizeof(**lat));
                nlat[a] = 0;
        }
        while (d != NULL && (e = readdir(d)) != NULL) {
                char path[1024], c;
                if (strstr(e->d_name, ".stats") == NULL)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                FILE *f = fopen(path, "r");
                struct stats s = {0};
                unsigned v;
                if (f == NULL ||
                    fscanf(f, "%lld %lld %lld %lld %lld %lld %lld", &s.searches, &s.views,
                           &s.edits, &s.conflicts, &s.errors, &s.torn, &s.orders) != 7) {
                        t->errors++;
                        if (f)
                                fclose(f);
                        continue;
                }
                t->searches += s.searches, t->views += s.views, t->edits += s.edits;
                t->conflicts += s.conflicts, t->errors += s.errors, t->torn += s.torn;
                t->orders += s.orders;
                while (fscanf(f, " %c %u", &c, &v) == 2) {
                        const char *at = memchr(act_letter, c, ACT_COUNT);
                        if (at == NULL)
                                continue;
                        int a = (int)(at - act_letter);
                        if (nlat[a] == cap[a])
                                lat[a] = realloc(lat[a], (cap[a] *= 2) * sizeof(**lat));
                        lat[a][nlat[a]++] = v;
                }
                fclose(f);
        }
        if (d)
                closedir(d);
}

/* Sum every worker's pages file into pg. */
static void collect_pages(struct pages pg[ACT_COUNT])
{
        DIR *d = opendir(dir);
        struct dirent *e;
        memset(pg, 0, ACT_COUNT * sizeof(*pg));
        while (d != NULL && (e = readdir(d)) != NULL) {
                char path[1024];
                if (strstr(e->d_name, ".pages") == NULL)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                FILE *f = fopen(path, "r");
                struct pages p;
                for (int a = 0; f != NULL && a < ACT_COUNT &&
                                fscanf(f, "%lld %lld %lld %lld", &p.n, &p.miss, &p.hit,
                                       &p.write) == 4;
                     a++) {
                        pg[a].n += p.n, pg[a].miss += p.miss;
                        pg[a].hit += p.hit, pg[a].write += p.write;
                }
                if (f)
                        fclose(f);
        }
        if (d)
                closedir(d);
}

/* Pages per action: what an encrypted register decrypts (read) and
 * encrypts (written) for each; the same counts apply unencrypted. */
static void print_pages(const char *const names[ACT_COUNT])
{
        struct pages pg[ACT_COUNT];
        collect_pages(pg);
        for (int a = 0; a < ACT_COUNT; a++) {
                if (pg[a].n == 0)
                        continue;
                double n = (double)pg[a].n;
                printf("pages per %s: read %.1f, from cache %.1f, written %.1f\n",
                       names[a], pg[a].miss / n, pg[a].hit / n, pg[a].write / n);
        }
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

static void print_latency(const char *name, unsigned *lat, size_t n)
{
        if (n == 0)
                return;
        qsort(lat, n, sizeof(*lat), cmp_unsigned);
        printf("%s latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (%zu)\n",
               name, lat[n / 2] / 1e3, lat[n * 95 / 100] / 1e3, lat[n * 99 / 100] / 1e3,
               lat[n - 1] / 1e3, n);
}

/* The processor time every session used (user + system, all workers
 * waited for), per operation: the work an operation costs, which a busy
 * machine changes far less than it changes wall time. */
static void print_cpu(const struct stats *t)
{
        struct rusage ru;
        long long ops = t->searches + t->views + t->edits + t->conflicts + t->orders;
        if (getrusage(RUSAGE_CHILDREN, &ru) != 0 || ops == 0)
                return;
        double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                     (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        printf("processor time of the sessions: %.1f s, %.3f ms per operation\n", cpu,
               cpu * 1e3 / (double)ops);
}

static void print_report(const struct opts *o, const struct stats *t,
                         unsigned *lat[ACT_COUNT], size_t nlat[ACT_COUNT], double secs)
{
        long long ops = t->searches + t->views + t->edits + t->conflicts + t->orders;
        printf("sessions: %d, %.1f s, %d customers (%d hot)%s\n", o->procs, secs,
               o->customers, HOT, o->think ? ", thinking 1-5 s between actions" : "");
        printf("operations: %lld (%.0f/s): searches %lld, views %lld, edits saved %lld, "
               "edits refused as conflicts %lld, orders %lld\n",
               ops, ops / secs, t->searches, t->views, t->edits, t->conflicts, t->orders);
        static const char *const names[ACT_COUNT] = {"search", "view", "edit",
                                                     "order entry"};
        print_latency("view", lat[ACT_VIEW], nlat[ACT_VIEW]);
        for (int a = 0; o->think && a < ACT_COUNT; a++) {
                if (a != ACT_VIEW)
                        print_latency(names[a], lat[a], nlat[a]);
        }
        print_pages(names);
        printf("errors seen by sessions: %lld; views of half-written records: %lld\n",
               t->errors, t->torn);
}

static int run(const struct opts *o)
{
        char audit_key[RK_AUDIT_KEY_TEXT];
        struct run r;
        struct stats t = {0};
        unsigned *lat[ACT_COUNT];
        size_t nlat[ACT_COUNT];
        memset(&r, 0, sizeof(r));
        paced = o->think;
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
        collect(&t, lat, nlat);
        print_report(o, &t, lat, nlat, secs);
        print_cpu(&t);
        for (int a = 0; a < ACT_COUNT; a++)
                free(lat[a]);
        if (o->kill)
                printf("killed: %d with SIGHUP, %d with SIGKILL\n", r.hups, r.kills);
        int bad =
            verify(audit_key, o->kill) + r.bad_exits + (t.errors > 0) + (t.torn > 0);
        if (o->think ? t.views == 0 : t.edits == 0 || (!o->kill && t.conflicts == 0))
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
                else if (strcmp(a, "--think") == 0)
                        o->think = 1;
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
        struct opts o = {10, 5, 100, 0, 0, NULL, NULL, NULL};
        if (sodium_init() < 0)
                return 1;
        setvbuf(stdout, NULL, _IOLBF, 0);
        rk_config_defaults(&cfg);
        cfg.argon2_ops = 1; /* the admin's keyslot only: workers use the key file */
        cfg.argon2_mem_kib = 8;
        cfg.cache_mib = 8;
        cfg.combine_duties = 1; /* the admin makes the workers' sales key file */
        if (argc < 2 || parse(argc, argv, &o) != 0) {
                fprintf(stderr, "usage: rk_load run [--procs N] [--seconds S] [--think] "
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
