/*
 * bench_login_storm.c - benchmark, not a test: forty staff log in at the
 * same instant (issue 18, the morning login storm).
 *
 * How it works: a register with one account is made in a temporary
 * directory at the configured Argon2id cost (the defaults: 5 passes, 192
 * MiB). Forty processes then check that account's password at once
 * (rk_register_unlock_user: the Argon2id step of a login, the only costly
 * one) while the parent samples the sum of their resident memory
 * (VmRSS in /proc/PID/status) every 2 ms. It prints the peak total, the
 * memory at rest before the storm, the budget ([crypto] argon2_at_once x
 * argon2_mem_kib) and the login times p50/p95/max. Run once with the
 * configured bound (default 2) and, for comparison, with a bound of 8 (a
 * storm without any bound needs 40 x 192 MiB = 7.5 GiB; this benchmark
 * does not try it on a shared machine).
 *
 * Usage: bench_login_storm [LOGINS]   (default 40; meson benchmark)
 */
#include "rekisteri/config.h"
#include "rekisteri/register.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LOGINS 200

static const char pw[] = "aamukahdeksan kirjautumisryntays";

static double now_ms(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_login_storm: %s: %s\n", what, err != NULL ? err->msg : "");
        exit(1);
}

/* VmRSS of pid in KiB, 0 when it is gone. */
static long rss_kib(pid_t pid)
{
        char path[64], line[256];
        long kib = 0;
        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        FILE *f = fopen(path, "r");
        if (f == NULL)
                return 0;
        while (fgets(line, sizeof(line), f) != NULL) {
                if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
                        break;
        }
        fclose(f);
        return kib;
}

static long total_rss(const pid_t *pids, int n)
{
        long sum = 0;
        for (int i = 0; i < n; i++)
                sum += rss_kib(pids[i]);
        return sum;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

/* One login process: wait for the start, check the password, report ms. */
static void login_child(const struct rk_config *cfg, const char *db, int go, int out)
{
        char c;
        struct rk_register *reg = NULL;
        struct rk_error err;
        if (read(go, &c, 1) != 0)
                _exit(2);
        double t0 = now_ms();
        int rc = rk_register_unlock_user(cfg, db, "hannele", pw, strlen(pw), &reg, &err);
        double ms = now_ms() - t0;
        rk_register_close(reg);
        if (write(out, &ms, sizeof(ms)) != (ssize_t)sizeof(ms))
                _exit(3);
        _exit(rc == RK_OK ? 0 : 1);
}

static void storm(struct rk_config *cfg, const char *db, int n, long long k)
{
        int go[2], res[2];
        pid_t pids[MAX_LOGINS];
        double ms[MAX_LOGINS];
        cfg->argon2_at_once = k;
        if (pipe(go) != 0 || pipe(res) != 0)
                die("pipe", NULL);
        for (int i = 0; i < n; i++) {
                pids[i] = fork();
                if (pids[i] < 0)
                        die("fork", NULL);
                if (pids[i] == 0) {
                        close(go[1]);
                        close(res[0]);
                        login_child(cfg, db, go[0], res[1]);
                }
        }
        close(go[0]);
        close(res[1]);
        usleep(300 * 1000); /* all forked and waiting */
        long rest = total_rss(pids, n), peak = rest;
        double t0 = now_ms();
        close(go[1]); /* the same instant for all */
        int done = 0;
        while (done < n) {
                long sum = total_rss(pids, n);
                if (sum > peak)
                        peak = sum;
                int status;
                while (waitpid(-1, &status, WNOHANG) > 0) {
                        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                                die("a login failed", NULL);
                        done++;
                }
                usleep(2000);
        }
        double all = now_ms() - t0;
        for (int i = 0; i < n; i++) {
                if (read(res[0], &ms[i], sizeof(ms[i])) != (ssize_t)sizeof(ms[i]))
                        die("results", NULL);
        }
        close(res[0]);
        qsort(ms, (size_t)n, sizeof(double), cmp_double);
        long long budget = k * cfg->argon2_mem_kib / 1024;
        printf("%d logins, argon2_at_once = %lld (budget %lld MiB for Argon2id)\n", n, k,
               budget);
        printf("  peak total RSS of the %d processes: %ld MiB (at rest before: %ld MiB; "
               "above rest: %ld MiB)\n",
               n, peak / 1024, rest / 1024, (peak - rest) / 1024);
        printf(
            "  login time: p50 %.0f ms, p95 %.0f ms, max %.0f ms; all done in %.1f s\n",
            ms[n / 2], ms[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], ms[n - 1],
            all / 1000);
}

int main(int argc, char **argv)
{
        struct rk_config cfg;
        struct rk_register *reg = NULL;
        struct rk_error err;
        char tmp[] = "/tmp/bench_login_storm.XXXXXX", db[128], recovery[256], key[256];
        int n = argc > 1 ? atoi(argv[1]) : 40;
        if (n < 1 || n > MAX_LOGINS)
                die("LOGINS: 1 to 200", NULL);
        if (sodium_init() < 0)
                die("sodium_init", NULL);
        rk_config_defaults(&cfg);
        long long k = cfg.argon2_at_once;
        if (mkdtemp(tmp) == NULL)
                die("mkdtemp", NULL);
        snprintf(db, sizeof(db), "%s/r.db", tmp);
        if (rk_register_create(&cfg, db, "hannele", pw, strlen(pw), recovery, key, &reg,
                               &err) != RK_OK)
                die("creating the register", &err);
        rk_register_close(reg);
        printf("Argon2id: %lld passes, %lld MiB per login\n", (long long)cfg.argon2_ops,
               (long long)cfg.argon2_mem_kib / 1024);
        storm(&cfg, db, n, k);
        storm(&cfg, db, n, 8);
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        if (system(cmd) != 0)
                fprintf(stderr, "bench_login_storm: could not remove %s\n", tmp);
        return 0;
}
