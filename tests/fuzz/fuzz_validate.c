/*
 * fuzz_validate.c - libFuzzer target for the field validators.
 *
 * The input, cut at its first NUL, goes to every validator. The checks:
 * a refusal is RK_ERR_INVALID with a message and an emptied output, and
 * long inputs are never echoed; an acceptance writes a short printable
 * ASCII form that fits RK_*_MAX and that the validator accepts again
 * unchanged (normalisation is idempotent); validating without an output
 * buffer gives the same answer; a buffer one byte too small is refused.
 * The first input byte picks the postal-code country. rk_text_find_hetu_like
 * must point at a code rk_validate_hetu() accepts, and
 * rk_validate_field_text() must agree with rk_utf8_valid() and
 * rk_utf8_chars(). See tests/fuzz/README.md for building and running.
 */
#include "rekisteri/text.h"
#include "fuzz.h"
#include "rekisteri/validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*validator)(const char *in, char *out, size_t outsz, struct rk_error *err);

static const char *country; /* for postal(); set per input */

static int postal(const char *in, char *out, size_t outsz, struct rk_error *err)
{
        return rk_validate_postal_code(country, in, out, outsz, err);
}

static int hetu(const char *in, char *out, size_t outsz, struct rk_error *err)
{
        struct rk_hetu_info info = {0};
        int rc = rk_validate_hetu(in, out, outsz, &info, err);
        if (rc == RK_OK) {
                CHECK(info.year >= 1800 && info.year <= 2099);
                CHECK(info.month >= 1 && info.month <= 12);
                CHECK(info.day >= 1 && info.day <= 31);
        }
        return rc;
}

static void check_printable_ascii(const char *s)
{
        for (; *s != '\0'; s++)
                CHECK(*s >= 0x20 && *s < 0x7F);
}

static void check_validator(validator fn, size_t max, const char *in)
{
        char out[400];
        struct rk_error err;
        rk_error_clear(&err);
        memset(out, 'x', sizeof(out));
        int rc = fn(in, out, max, &err);
        CHECK(fn(in, NULL, 0, NULL) == rc);
        if (rc != RK_OK) {
                CHECK(rc == RK_ERR_INVALID && err.rc == RK_ERR_INVALID);
                CHECK(out[0] == '\0' && err.msg[0] != '\0');
                if (strlen(in) >= 24)
                        CHECK(strstr(err.msg, in) == NULL);
                return;
        }
        size_t n = strlen(out);
        CHECK(n > 0 && n < max);
        check_printable_ascii(out);
        char again[400];
        CHECK(fn(out, again, max, NULL) == RK_OK && strcmp(again, out) == 0);
        memset(again, 'x', sizeof(again));
        CHECK(fn(in, again, n, &err) == RK_ERR_INVALID && again[0] == '\0');
}

static void check_find_hetu(const char *in)
{
        size_t off = 0, len = 0;
        if (!rk_text_find_hetu_like(in, &off, &len))
                return;
        CHECK(len == 11 && off + len <= strlen(in));
        char code[12];
        memcpy(code, in + off, 11);
        code[11] = '\0';
        CHECK(rk_validate_hetu(code, NULL, 0, NULL, NULL) == RK_OK);
}

static void check_field_text(const char *in)
{
        size_t n = strlen(in);
        bool valid = rk_utf8_valid(in, n);
        struct rk_error err;
        int single = rk_validate_field_text("f", in, SIZE_MAX, 0, &err);
        int multi = rk_validate_field_text("f", in, SIZE_MAX, RK_TEXT_MULTILINE, &err);
        if (!valid)
                CHECK(single == RK_ERR_INVALID && multi == RK_ERR_INVALID);
        if (single == RK_OK)
                CHECK(multi == RK_OK && valid && strchr(in, '\n') == NULL);
        if (multi == RK_OK && valid) {
                size_t chars = rk_utf8_chars(in, n);
                CHECK(rk_validate_field_text("f", in, chars, RK_TEXT_MULTILINE, NULL) ==
                      RK_OK);
                if (chars > 0)
                        CHECK(rk_validate_field_text("f", in, chars - 1,
                                                     RK_TEXT_MULTILINE,
                                                     NULL) == RK_ERR_INVALID);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const countries[] = {"FI", "AX", "SE", "se", "GB",
                                                "US", NULL, "",   "F",  "FIN"};
        char *in = strndup((const char *)data, size);
        CHECK(in != NULL);
        country = countries[size > 0 ? data[0] % 10 : 0];

        check_validator(rk_validate_email, RK_EMAIL_MAX, in);
        check_validator(rk_validate_phone, RK_PHONE_MAX, in);
        check_validator(postal, RK_POSTAL_MAX, in[0] != '\0' ? in + 1 : in);
        check_validator(rk_validate_ytunnus, RK_YTUNNUS_MAX, in);
        check_validator(hetu, RK_HETU_MAX, in);
        check_find_hetu(in);
        check_field_text(in);
        free(in);
        return 0;
}
