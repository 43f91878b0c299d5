/*
 * demo_data.h - the raw material of the demo register: a seeded random
 * generator, the word lists in data/demo/, and generators of realistic
 * values (Finnish identifiers with valid check characters, phone numbers,
 * e-mail addresses, dates). Internal to the core library; demo.c uses it.
 *
 * Everything here is deterministic for a given seed. The generator is
 * xoshiro256** seeded through splitmix64: fast and good enough for test
 * data, and NOT for secrets (demo passwords and TOTP secrets come from
 * libsodium, in demo.c).
 */
#ifndef REKISTERI_DEMO_DATA_H
#define REKISTERI_DEMO_DATA_H

#include "rekisteri/error.h"

#include <stddef.h>
#include <stdint.h>

struct rk_demo_rng {
        uint64_t s[4];
};

/* rk_demo_rng_seed - start the sequence for seed (any value, 0 too). */
void rk_demo_rng_seed(struct rk_demo_rng *r, uint64_t seed);

/* rk_demo_rng_below - a number in 0..n-1 (n >= 1). */
uint32_t rk_demo_rng_below(struct rk_demo_rng *r, uint32_t n);

/* rk_demo_rng_range - a number in lo..hi inclusive (lo <= hi). */
int64_t rk_demo_rng_range(struct rk_demo_rng *r, int64_t lo, int64_t hi);

/* rk_demo_rng_chance - 1 with probability percent/100. */
int rk_demo_rng_chance(struct rk_demo_rng *r, unsigned percent);

/* One word list: non-empty lines not starting with '#'. */
struct rk_demo_words {
        char *arena;
        char **w;
        size_t n;
};

/* Every list the generator draws from. */
struct rk_demo_lists {
        struct rk_demo_words first_fi, first_sv, last_fi, last_sv, postal, streets,
            prefixes, trades, products, titles, notes;
};

/*
 * rk_demo_lists_load - read every list from data/demo/ (rk_datafile_path).
 * RK_ERR_IO naming the file when one is missing, unreadable or empty;
 * RK_ERR_NOMEM. Free with rk_demo_lists_free (also after a failure).
 */
int rk_demo_lists_load(struct rk_demo_lists *l, struct rk_error *err);
void rk_demo_lists_free(struct rk_demo_lists *l);

/* rk_demo_pick - a random entry of w (owned by w). */
const char *rk_demo_pick(const struct rk_demo_words *w, struct rk_demo_rng *r);

/* rk_demo_ytunnus - a random business id "NNNNNNN-C" with a valid check
 * digit (out: at least 10 bytes). */
void rk_demo_ytunnus(struct rk_demo_rng *r, char *out);

/* rk_demo_hetu - a fictitious personal identity code DDMMYYCZZZQ for a
 * birth date from 1935 to 2006, individual number 900..999 (the range for
 * temporary codes, never given to a real person for life), valid check
 * character (out: at least 12 bytes). */
void rk_demo_hetu(struct rk_demo_rng *r, char *out);

/* rk_demo_reference - a Finnish bank reference: base's digits and the
 * 7-3-1 check digit (out: at least 24 bytes). */
void rk_demo_reference(int64_t base, char *out);

/* rk_demo_phone - an E.164 Finnish number: a mobile number when mobile,
 * else a landline with an area code (out: at least 17 bytes). */
void rk_demo_phone(struct rk_demo_rng *r, int mobile, char *out);

/* rk_demo_ascii - lower-case ASCII for an e-mail address part: å ä à á
 * become a, ö ó o, é è e, ü u; letters and digits are kept; a space or
 * hyphen becomes '-' (not first or last, never doubled); anything else is
 * dropped. out has size bytes. */
void rk_demo_ascii(const char *in, char *out, size_t size);

/* rk_demo_date - "YYYY-MM-DD" (out: 11 bytes) of day number days since
 * 1970-01-01. */
void rk_demo_date(int64_t days, char *out);

/* rk_demo_days - the day number of year-month-day (a valid date). */
int64_t rk_demo_days(int year, int month, int day);

#endif
