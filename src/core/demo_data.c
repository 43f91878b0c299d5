/*
 * demo_data.c - seeded random numbers, the demo word lists and value
 * generators (see demo_data.h).
 */
#include "demo_data.h"
#include "datafile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- random numbers: splitmix64 seeds xoshiro256** -------------------- */

static uint64_t splitmix64(uint64_t *x)
{
        uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
}

void rk_demo_rng_seed(struct rk_demo_rng *r, uint64_t seed)
{
        for (int i = 0; i < 4; i++)
                r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
        return (x << k) | (x >> (64 - k));
}

static uint64_t next(struct rk_demo_rng *r)
{
        uint64_t *s = r->s;
        uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
}

uint32_t rk_demo_rng_below(struct rk_demo_rng *r, uint32_t n)
{
        /* Lemire's multiply-shift: bias below 2^-32, fine for test data. */
        return (uint32_t)(((next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t rk_demo_rng_range(struct rk_demo_rng *r, int64_t lo, int64_t hi)
{
        return lo + (int64_t)(next(r) % (uint64_t)(hi - lo + 1));
}

int rk_demo_rng_chance(struct rk_demo_rng *r, unsigned percent)
{
        return rk_demo_rng_below(r, 100) < percent;
}

/* ---- word lists -------------------------------------------------------- */

static int read_all(const char *path, char **buf, struct rk_error *err)
{
        FILE *f = fopen(path, "r");
        long n = -1;
        *buf = NULL;
        if (f != NULL && fseek(f, 0, SEEK_END) == 0)
                n = ftell(f);
        if (f == NULL || n < 0 || n > 16L * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0) {
                if (f != NULL)
                        fclose(f);
                return rk_error_set(err, RK_ERR_IO, "cannot read the demo data file %s",
                                    path);
        }
        *buf = malloc((size_t)n + 1);
        size_t got = *buf != NULL ? fread(*buf, 1, (size_t)n, f) : 0;
        int e = ferror(f) ? errno : 0;
        fclose(f);
        if (*buf == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory reading %s", path);
        if (e != 0 || got != (size_t)n) { /* a read error, or a file cut meanwhile */
                free(*buf);
                *buf = NULL;
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path,
                                    e != 0 ? strerror(e) : "shorter than it was");
        }
        (*buf)[got] = '\0';
        return RK_OK;
}

/* Split the arena into lines in place, keeping entries. */
static int split_lines(struct rk_demo_words *w, const char *path, struct rk_error *err)
{
        size_t lines = 1;
        for (const char *p = w->arena; *p; p++)
                lines += *p == '\n';
        w->w = malloc(lines * sizeof(*w->w));
        if (w->w == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory reading %s", path);
        for (char *line = w->arena, *nl; line != NULL; line = nl) {
                nl = strchr(line, '\n');
                if (nl != NULL)
                        *nl++ = '\0';
                size_t len = strlen(line);
                if (len > 0 && line[len - 1] == '\r')
                        line[--len] = '\0';
                if (len > 0 && line[0] != '#')
                        w->w[w->n++] = line;
        }
        if (w->n == 0)
                return rk_error_set(err, RK_ERR_IO, "the demo data file %s is empty",
                                    path);
        return RK_OK;
}

static int load_words(const char *name, struct rk_demo_words *w, struct rk_error *err)
{
        char file[64], path[PATH_MAX];
        snprintf(file, sizeof(file), "demo/%s.txt", name);
        rk_datafile_path(file, path, sizeof(path));
        int rc = read_all(path, &w->arena, err);
        return rc == RK_OK ? split_lines(w, path, err) : rc;
}

int rk_demo_lists_load(struct rk_demo_lists *l, struct rk_error *err)
{
        memset(l, 0, sizeof(*l));
        struct {
                const char *name;
                struct rk_demo_words *w;
        } files[] = {
            {"first-names-fi", &l->first_fi},
            {"first-names-sv", &l->first_sv},
            {"surnames-fi", &l->last_fi},
            {"surnames-sv", &l->last_sv},
            {"postal-codes", &l->postal},
            {"streets", &l->streets},
            {"company-prefixes", &l->prefixes},
            {"company-trades", &l->trades},
            {"products", &l->products},
            {"titles", &l->titles},
            {"notes", &l->notes},
        };
        int rc = RK_OK;
        for (size_t i = 0; rc == RK_OK && i < sizeof(files) / sizeof(files[0]); i++)
                rc = load_words(files[i].name, files[i].w, err);
        return rc;
}

static void words_free(struct rk_demo_words *w)
{
        free(w->arena);
        free(w->w);
        memset(w, 0, sizeof(*w));
}

void rk_demo_lists_free(struct rk_demo_lists *l)
{
        struct rk_demo_words *all[] = {&l->first_fi, &l->first_sv, &l->last_fi,
                                       &l->last_sv,  &l->postal,   &l->streets,
                                       &l->prefixes, &l->trades,   &l->products,
                                       &l->titles,   &l->notes};
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
                words_free(all[i]);
}

const char *rk_demo_pick(const struct rk_demo_words *w, struct rk_demo_rng *r)
{
        return w->w[rk_demo_rng_below(r, (uint32_t)w->n)];
}

/* ---- identifiers ------------------------------------------------------- */

/* Copy s into out (size bytes), cut to fit. */
static void copy_out(char *out, size_t size, const char *s)
{
        size_t n = strnlen(s, size - 1);
        memcpy(out, s, n);
        out[n] = '\0';
}

void rk_demo_ytunnus(struct rk_demo_rng *r, char *out)
{
        static const int weights[7] = {7, 9, 10, 5, 8, 4, 2};
        for (;;) {
                int64_t n = rk_demo_rng_range(r, 100000, 3299999);
                char digits[8];
                snprintf(digits, sizeof(digits), "%07lld", (long long)n);
                int sum = 0;
                for (int i = 0; i < 7; i++)
                        sum += (digits[i] - '0') * weights[i];
                int rem = sum % 11;
                if (rem == 1)
                        continue; /* never issued */
                char buf[32];
                snprintf(buf, sizeof(buf), "%s-%d", digits, rem == 0 ? 0 : 11 - rem);
                copy_out(out, 10, buf);
                return;
        }
}

void rk_demo_hetu(struct rk_demo_rng *r, char *out)
{
        static const char check[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
        int64_t day =
            rk_demo_rng_range(r, rk_demo_days(1935, 1, 1), rk_demo_days(2006, 12, 31));
        time_t t = (time_t)(day * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        int year = tm.tm_year + 1900, zzz = (int)rk_demo_rng_range(r, 900, 999);
        long long num = (long long)tm.tm_mday * 10000000LL + (tm.tm_mon + 1) * 100000LL +
                        (year % 100) * 1000LL + zzz;
        char buf[64];
        snprintf(buf, sizeof(buf), "%02d%02d%02d%c%03d%c", tm.tm_mday, tm.tm_mon + 1,
                 year % 100, year >= 2000 ? 'A' : '-', zzz, check[num % 31]);
        copy_out(out, 12, buf);
}

void rk_demo_reference(int64_t base, char *out)
{
        static const int weights[3] = {7, 3, 1};
        char digits[21];
        int n = snprintf(digits, sizeof(digits), "%lld", (long long)base), sum = 0;
        for (int i = n - 1, k = 0; i >= 0; i--, k++)
                sum += (digits[i] - '0') * weights[k % 3];
        snprintf(out, 24, "%s%d", digits, (10 - sum % 10) % 10);
}

void rk_demo_phone(struct rk_demo_rng *r, int mobile, char *out)
{
        static const char *const mobiles[] = {"40", "41", "44", "45", "46", "50"};
        static const char *const areas[] = {"9", "2",  "3",  "5",  "6",
                                            "8", "13", "14", "17", "19"};
        if (mobile)
                snprintf(out, 17, "+358%s%07lld", mobiles[rk_demo_rng_below(r, 6)],
                         (long long)rk_demo_rng_range(r, 0, 9999999));
        else
                snprintf(out, 17, "+358%s%lld", areas[rk_demo_rng_below(r, 10)],
                         (long long)rk_demo_rng_range(r, 2000000, 8999999));
}

/* The ASCII letter for the UTF-8 sequence C3 b, or 0. */
static char latin1_ascii(unsigned char b)
{
        static const char map[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty"; /* U+00E0.. */
        if (b >= 0x80 && b <= 0x9e && b != 0x97)
                return map[b - 0x80]; /* upper case: same letters */
        if (b >= 0xa0 && b <= 0xbf && b != 0xb7)
                return map[b - 0xa0];
        return 0;
}

void rk_demo_ascii(const char *in, char *out, size_t size)
{
        size_t o = 0;
        const unsigned char *s = (const unsigned char *)in;
        for (; *s && o + 1 < size; s++) {
                char c = 0;
                if (*s == 0xc3 && s[1] != 0)
                        c = latin1_ascii(*++s);
                else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
                        c = (char)*s;
                else if (*s >= 'A' && *s <= 'Z')
                        c = (char)(*s - 'A' + 'a');
                else if ((*s == ' ' || *s == '-') && o > 0 && out[o - 1] != '-')
                        c = '-';
                if (c != 0 && c != '/')
                        out[o++] = c;
        }
        while (o > 0 && out[o - 1] == '-')
                o--;
        out[o] = '\0';
}

void rk_demo_date(int64_t days, char *out)
{
        time_t t = (time_t)(days * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        char buf[64];
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday);
        copy_out(out, 11, buf);
}

int64_t rk_demo_days(int year, int month, int day)
{
        struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day};
        return (int64_t)(timegm(&tm) / 86400);
}
