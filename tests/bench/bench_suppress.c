/*
 * bench_suppress.c - what the suppression list costs someone who holds
 * its key and wants the values back: the rate at which keyed hashes of
 * guesses can be tested, and the resulting time to recover one erased
 * Finnish phone number or personal identity code by trying the space.
 *
 * How it works: the keyed hash of suppress.c is computed for a run of
 * candidate values of each kind twice: through rk_suppress_hash on a
 * register (the program's path, which reads the key each time), and as
 * an attacker holding the key would, with libsodium's keyed BLAKE2b over
 * the same input directly. The attacker's time per guess times half the
 * size of the space is the expected time on one core of this machine:
 *   - mobile numbers: +358 4x and +358 50 with 7 digits after the
 *     prefix: 11 * 10^7 values (landlines and longer numbers add little);
 *   - identity codes: every day of 1900-2026 times the individual
 *     numbers 002-899 (the check character follows): about 4.2 * 10^7.
 * Printed, not asserted: a benchmark never fails on a slow machine. The
 * README quotes its output.
 */
#include "rekisteri/config.h"
#include "rekisteri/store.h"
#include "rekisteri/suppress.h"
#include "rekisteri/vault.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GUESSES 100000

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void guess(enum rk_ident_kind kind, long i, char *value, size_t size)
{
        if (kind == RK_IDENT_PHONE)
                snprintf(value, size, "+35840%07ld", i);
        else
                snprintf(value, size, "0101%02ld-%03ldA", i % 100, 2 + i % 898);
}

/* As a key holder would: the same input as suppress.c, no database. */
static double per_guess_raw(enum rk_ident_kind kind)
{
        unsigned char key[crypto_generichash_KEYBYTES], out[RK_SUPPRESS_HASH_BYTES];
        const char *name = rk_ident_kind_name(kind);
        char value[32];
        randombytes_buf(key, sizeof(key));
        double t0 = now_s();
        for (long i = 0; i < GUESSES; i++) {
                crypto_generichash_state h;
                guess(kind, i, value, sizeof(value));
                crypto_generichash_init(&h, key, sizeof(key), sizeof(out));
                crypto_generichash_update(&h, (const unsigned char *)name,
                                          strlen(name) + 1);
                crypto_generichash_update(&h, (const unsigned char *)value,
                                          strlen(value));
                crypto_generichash_final(&h, out, sizeof(out));
        }
        return (now_s() - t0) / GUESSES;
}

static double per_guess(sqlite3 *db, enum rk_ident_kind kind)
{
        struct rk_error err;
        unsigned char out[RK_SUPPRESS_HASH_BYTES];
        char value[32];
        bool have = false;
        double t0 = now_s();
        for (long i = 0; i < GUESSES; i++) {
                guess(kind, i, value, sizeof(value));
                if (rk_suppress_hash(db, kind, value, out, &have, &err) != RK_OK ||
                    !have) {
                        fprintf(stderr, "hash: %s\n", err.msg);
                        exit(1);
                }
        }
        return (now_s() - t0) / GUESSES;
}

int main(void)
{
        struct rk_config cfg;
        struct rk_error err;
        unsigned char dek[RK_KEY_BYTES];
        char dir[] = "/tmp/rk-bench-suppress-XXXXXX", path[128];
        sqlite3 *db;
        if (sodium_init() < 0 || mkdtemp(dir) == NULL)
                return 1;
        rk_config_defaults(&cfg);
        randombytes_buf(dek, sizeof(dek));
        snprintf(path, sizeof(path), "%s/r.db", dir);
        if (rk_store_open(path, dek, 1, &cfg, &db, &err) != RK_OK ||
            rk_suppress_ensure_key(db, &err) != RK_OK) {
                fprintf(stderr, "setup: %s\n", err.msg);
                return 1;
        }
        const struct {
                enum rk_ident_kind kind;
                const char *name;
                double space;
        } kinds[] = {{RK_IDENT_PHONE, "mobile phone number", 11e7},
                     {RK_IDENT_HETU, "personal identity code", 127 * 365.25 * 898}};
        printf("suppression hash, as a key holder sees it (one core, %d guesses each)\n",
               GUESSES);
        for (size_t i = 0; i < 2; i++) {
                double prog = per_guess(db, kinds[i].kind);
                double c = per_guess_raw(kinds[i].kind);
                double expected = kinds[i].space / 2 * c;
                printf("  %-23s %.2e values; %.2f us per guess with the key (%.2f us "
                       "in the program): %.0f s expected, %.1e CPU-years\n",
                       kinds[i].name, kinds[i].space, c * 1e6, prog * 1e6, expected,
                       expected / (365.25 * 86400));
        }
        rk_store_close(db);
        unlink(path);
        char side[160];
        snprintf(side, sizeof(side), "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof(side), "%s-shm", path);
        unlink(side);
        rmdir(dir);
        return 0;
}
