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
 * Then what issue 12's targets would need, measured the same way: the cost
 * per guess of libsodium's Argon2id (crypto_pwhash) at a few settings, the
 * time one check of a new customer with three identifiers would take at
 * that cost, the CPU-years per erased value it would give, and what a
 * marketing list (which checks every recipient's e-mail and phone) would
 * cost; and for truncated tags, the bits that keep false flags at most 1 in
 * 10,000 with 100,000 erased people, and how many values of each space
 * share one tag then.
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

#define YEAR (365.25 * 86400)

/* Argon2id of one guess as a slow keyed hash would run it: the value as the
 * password, 16 bytes of the key as the salt. */
static double per_guess_argon2(unsigned long long ops, size_t mem_kib, int guesses)
{
        unsigned char salt[crypto_pwhash_SALTBYTES], out[RK_SUPPRESS_HASH_BYTES];
        char value[32];
        randombytes_buf(salt, sizeof(salt));
        double t0 = now_s();
        for (int i = 0; i < guesses; i++) {
                guess(RK_IDENT_PHONE, i, value, sizeof(value));
                if (crypto_pwhash(out, sizeof(out), value, strlen(value), salt, ops,
                                  mem_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
                        fprintf(stderr, "argon2id: out of memory\n");
                        exit(1);
                }
        }
        return (now_s() - t0) / guesses;
}

static void slow_hash_table(double phones, double codes)
{
        static const struct {
                unsigned long long ops;
                size_t mem_kib;
        } costs[] = {{1, 1024}, {2, 8192}, {2, 16384}, {3, 32768}, {4, 65536}};
        printf("a slow keyed hash instead (Argon2id; a check hashes 3 identifiers, a "
               "marketing list 2 per recipient)\n");
        for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++) {
                double c = per_guess_argon2(costs[i].ops, costs[i].mem_kib, 20);
                printf("  ops %llu, %5zu KiB: %7.2f ms per guess; check %6.1f ms; "
                       "phone %.3f CPU-years, identity code %.3f; 1000 recipients "
                       "%.0f s\n",
                       costs[i].ops, costs[i].mem_kib, c * 1e3, 3 * c * 1e3,
                       phones / 2 * c / YEAR, codes / 2 * c / YEAR, 2000 * c);
        }
        printf("  one CPU-year per value needs %.0f ms per guess for a phone, %.0f ms "
               "for an identity code: %.0fx and %.0fx the 50 ms a whole check may "
               "take\n",
               YEAR / (phones / 2) * 1e3, YEAR / (codes / 2) * 1e3,
               YEAR / (phones / 2) / 0.05, YEAR / (codes / 2) / 0.05);
        /* a tag of b bits matches one of n entries by chance with n/2^b */
        int bits = 0;
        double tags = 1;
        while (tags < 100000 / 1e-4) {
                tags *= 2;
                bits++;
        }
        printf("truncated tags: at most 1 false flag in 10,000 checks against 100,000 "
               "erased people needs %d bits; a tag then fits %.2f phone numbers and "
               "%.2f identity codes, so it names the value\n",
               bits, phones / tags, codes / tags);
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
        slow_hash_table(kinds[0].space, kinds[1].space);
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
