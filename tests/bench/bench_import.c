/*
 * bench_import.c - benchmark, not a test: `rekisteri import customers` of
 * a 100,000-row CSV file, through the same core calls as the command
 * (rk_import_open, rk_import_preview, rk_import_save).
 *
 * How it works: a new register (admin, a supervisor key file made by the
 * admin, as a one-person company would) and a UTF-8 file of ROWS new
 * customers with Finnish headers, a postal code without its leading zero
 * in one row of ten; the preview and the save are timed apart and the
 * register's customer count is checked after. bench_import.sh runs this
 * program twice, linked with the real core (encrypted) and with the
 * benchmark-only unencrypted build (tests/load/meson.build), and prints
 * the ratio. Prints, never fails on a slow machine (only a wrong count
 * exits non-zero).
 * Usage: bench_import DIR [ROWS]   (default 100000)
 */
#include "rekisteri/config.h"
#include "rekisteri/import.h"
#include "rekisteri/keyfiles.h"
#include "rekisteri/register.h"
#include "rekisteri/session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct rk_config cfg;

static double now_s(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct rk_error *err)
{
        fprintf(stderr, "bench_import: %s: %s\n", what, err ? err->msg : "");
        exit(1);
}

static void write_file(const char *path, long rows)
{
        FILE *f = fopen(path, "w");
        if (f == NULL)
                die(path, NULL);
        fputs("Nimi;Osoite;Postinumero;Postitoimipaikka;Sähköposti;Puhelin\r\n", f);
        for (long i = 0; i < rows; i++) {
                char w[5];
                for (int k = 0; k < 4; k++)
                        w[k] = (char)('a' + (i / (long)(k == 0   ? 1
                                                        : k == 1 ? 26
                                                        : k == 2 ? 676
                                                                 : 17576)) %
                                                26);
                w[4] = '\0';
                fprintf(f,
                        "%s Bench%c%c%c%c;Katu "
                        "%ld;%05ld;Tampere;b%ld@example.fi;040%07ld\r\n",
                        w, w[3], w[2], w[1], w[0], i, i % 10 ? 33100 + i % 800 : 3100, i,
                        i);
        }
        fclose(f);
}

static struct rk_session *supervisor(const char *db, const char *key)
{
        struct rk_register *reg = NULL;
        struct rk_session *s = NULL;
        struct rk_error err;
        char recovery[RK_RECOVERY_KEY_CHARS + 1], audit_key[RK_AUDIT_KEY_TEXT];
        const char *pw = "bench admin password 1";
        const char *roles[] = {"supervisor"};
        int step = 0;
        long long wait = 0;
        if (rk_register_create(&cfg, db, "admin", pw, strlen(pw), recovery, audit_key,
                               &reg, &err) != RK_OK)
                die("creating the register", &err);
        rk_register_close(reg);
        if (rk_session_login(&cfg, db, "admin", pw, strlen(pw), "", "bench",
                             (int64_t)time(NULL), &s, &step, &wait, &err) != RK_OK ||
            rk_keyfiles_add(s, "bench", roles, 1, key, &err) != RK_OK)
                die("making the key file", &err);
        rk_session_close(s);
        if (rk_register_unlock_keyfile(&cfg, db, key, &reg, &err) != RK_OK ||
            rk_session_from_register(reg, "bench", &s, &err) != RK_OK)
                die("unlocking", &err);
        rk_session_set_place(s, "bench");
        return s;
}

int main(int argc, char **argv)
{
        char db[512], key[512], csv[512];
        struct rk_error err;
        struct rk_import *im = NULL;
        struct rk_import_result res;
        long rows = argc > 2 ? atol(argv[2]) : 100000;
        if (argc < 2 || rows < 1)
                return fprintf(stderr, "usage: bench_import DIR [ROWS]\n"), 2;
        snprintf(db, sizeof(db), "%s/bench.db", argv[1]);
        snprintf(key, sizeof(key), "%s/bench.key", argv[1]);
        snprintf(csv, sizeof(csv), "%s/customers.csv", argv[1]);
        if (sodium_init() < 0)
                die("libsodium", NULL);
        rk_config_defaults(&cfg);
        cfg.argon2_ops = 1;
        cfg.argon2_mem_kib = 8;
        cfg.combine_duties = 1;
        write_file(csv, rows);
        struct rk_session *s = supervisor(db, key);
        double t0 = now_s();
        if (rk_import_open(s, csv, &im, &err) != RK_OK ||
            rk_import_preview(im, NULL, NULL, &err) != RK_OK)
                die("preview", &err);
        double t1 = now_s();
        if (im->counts[RK_IMPORT_NEW] != (size_t)rows)
                return fprintf(stderr, "bench_import: %zu new of %ld\n",
                               im->counts[RK_IMPORT_NEW], rows),
                       1;
        if (rk_import_save(im, NULL, NULL, &res, &err) != RK_OK)
                die("save", &err);
        double t2 = now_s();
        if (res.created != (size_t)rows)
                return fprintf(stderr, "bench_import: %zu created of %ld\n", res.created,
                               rows),
                       1;
        printf("rows: %ld\npreview: %.2f s\nsave: %.2f s\ntotal: %.2f s (%.0f rows/s)\n",
               rows, t1 - t0, t2 - t1, t2 - t0, (double)rows / (t2 - t0));
        rk_import_free(im);
        rk_session_close(s);
        return 0;
}
