/*
 * fieldcheck.c - one entry point that checks a typed value against its
 * field in fields.c (see record.h, rk_field_check).
 *
 * It dispatches on the field's validator: the structured checks live in
 * validate.c, called with the field's own label (rk_validate_as), so
 * their messages say "Invoicing e-mail: ..." rather than "e-mail: ...",
 * and a form with two e-mail fields says which one is wrong, in every
 * language (the message is never parsed). The small shape checks that
 * validate.c has no use for (country, date, whole number, money, choice,
 * VAT number) are here. Every value first passes the free-text check, so
 * no structured validator ever sees invalid UTF-8 or control characters;
 * a structured value is then read as a code (rk_text_fold_code: full-width
 * digits, no-break spaces and en dashes as typed from a web page become
 * ASCII) and blanks around any value are cut (rk_text_trim).
 * The one-line hint a form shows for a field (rk_field_hint) is here too,
 * beside the checks it describes.
 */
#include "rekisteri/i18n.h"
#include "rekisteri/record.h"
#include "rekisteri/text.h"
#include "rekisteri/validate.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAW_MAX_CHARS 1024 /* structured input longer than this is not a value */

/* Blanks around a value are not part of it: spaces, tabs, and the no-break
 * and zero-width spaces a value pasted from a web page brings along. */
static void trim(const char *in, const char **s, size_t *n)
{
        size_t start;
        *n = rk_text_trim(in, strlen(in), &start);
        *s = in + start;
}

static int bad(const struct rk_field *f, char *out, size_t outsz, struct rk_error *err,
               const char *what)
{
        if (out != NULL && outsz > 0)
                out[0] = '\0';
        return rk_error_set(err, RK_ERR_INVALID, "%s: %s", _(f->label), gettext(what));
}

static int put(const struct rk_field *f, const char *s, size_t n, char *out, size_t outsz,
               struct rk_error *err)
{
        if (n >= outsz)
                return bad(f, out, outsz, err,
                           N_("the value does not fit (internal limit)"));
        memcpy(out, s, n);
        out[n] = '\0';
        return RK_OK;
}

static bool all_digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (!isdigit((unsigned char)s[i]))
                        return false;
        }
        return n > 0;
}

static int check_country(const struct rk_field *f, const char *s, size_t n, char *out,
                         size_t outsz, struct rk_error *err)
{
        if (n != 2 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
                return bad(f, out, outsz, err,
                           N_("use the two-letter country code, such as FI, SE or DE"));
        char cc[2] = {(char)toupper((unsigned char)s[0]),
                      (char)toupper((unsigned char)s[1])};
        return put(f, cc, 2, out, outsz, err);
}

static bool leap(int y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int check_date(const struct rk_field *f, const char *s, size_t n, char *out,
                      size_t outsz, struct rk_error *err)
{
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (n != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
            !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
                return bad(f, out, outsz, err,
                           N_("write the date as YYYY-MM-DD, such as 2024-05-31"));
        int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
        int dim = m >= 1 && m <= 12 ? days[m - 1] + (m == 2 && leap(y)) : 0;
        if (y < 1900 || y > 2999 || d < 1 || d > dim)
                return bad(f, out, outsz, err,
                           N_("there is no such day in the calendar"));
        return put(f, s, n, out, outsz, err);
}

static int check_integer(const struct rk_field *f, const char *s, size_t n, char *out,
                         size_t outsz, struct rk_error *err)
{
        if (!all_digits(s, n))
                return bad(f, out, outsz, err,
                           N_("use a whole number of 0 or more, digits only"));
        while (n > 1 && s[0] == '0') {
                s++;
                n--;
        }
        if (n > f->max_chars) {
                char what[64];
                snprintf(what, sizeof(what), _("is longer than %zu digits"),
                         f->max_chars);
                return bad(f, out, outsz, err, what);
        }
        return put(f, s, n, out, outsz, err);
}

/* Euros as typed: "12", "12.5", "12,50" -> whole cents "1250". */
static int check_money(const struct rk_field *f, const char *s, size_t n, char *out,
                       size_t outsz, struct rk_error *err)
{
        char cents[16];
        size_t i = 0, k = 0, frac = 0;
        while (i < n && isdigit((unsigned char)s[i]) && k < 10)
                cents[k++] = s[i++];
        if (i < n && k > 0 && (s[i] == '.' || s[i] == ',')) {
                for (i++; i < n && isdigit((unsigned char)s[i]) && frac < 2; frac++)
                        cents[k++] = s[i++];
                if (frac == 0)
                        k = 0;
        }
        if (k == 0 || i != n)
                return bad(
                    f, out, outsz, err,
                    N_("write an amount in euros of 0 or more, such as 12 or 12,50 "
                       "(at most two decimals and ten digits before them)"));
        for (; frac < 2; frac++)
                cents[k++] = '0';
        return check_integer(f, cents, k, out, outsz, err);
}

static int check_choice(const struct rk_field *f, const char *s, size_t n, char *out,
                        size_t outsz, struct rk_error *err)
{
        const char *c = f->choices ? f->choices : "";
        while (*c != '\0') {
                size_t len = strcspn(c, "|");
                if (len == n && strncasecmp(c, s, n) == 0)
                        return put(f, c, len, out, outsz, err);
                c += len + (c[len] == '|');
        }
        char list[200] = "", what[256];
        for (c = f->choices ? f->choices : ""; *c != '\0';) {
                size_t len = strcspn(c, "|"), used = strlen(list);
                snprintf(list + used, sizeof(list) - used, "%.*s%s", (int)len, c,
                         c[len] == '|' ? ", " : "");
                c += len + (c[len] == '|');
        }
        snprintf(what, sizeof(what), _("choose one of %s"), list);
        return bad(f, out, outsz, err, what);
}

/* A VAT number: country prefix and 2..12 letters or digits; the Finnish
 * one (FI + 8 digits) must also be a valid Y-tunnus. */
static int check_vat(const struct rk_field *f, const char *s, size_t n, char *out,
                     size_t outsz, struct rk_error *err)
{
        char v[32];
        size_t k = 0;
        for (size_t i = 0; i < n && k < sizeof(v) - 1; i++) {
                if (s[i] == ' ' || s[i] == '-' || s[i] == '.')
                        continue;
                if (!isalnum((unsigned char)s[i]))
                        return bad(
                            f, out, outsz, err,
                            N_("a VAT number has only letters and digits after the "
                               "country code, such as FI12345671"));
                v[k++] = (char)toupper((unsigned char)s[i]);
        }
        v[k] = '\0';
        if (k < 4 || k > 14)
                return bad(
                    f, out, outsz, err,
                    N_("a VAT number is the country code and 2 to 12 letters or digits"));
        if (strncmp(v, "FI", 2) == 0) {
                char yt[RK_YTUNNUS_MAX], in[16];
                if (k != 10 || !all_digits(v + 2, 8))
                        return bad(f, out, outsz, err,
                                   N_("a Finnish VAT number is FI and 8 digits, such as "
                                      "FI12345671"));
                snprintf(in, sizeof(in), "%.7s-%c", v + 2, v[9]);
                int rc =
                    rk_validate_as(RK_V_YTUNNUS, f->label, NULL, in, yt, sizeof(yt), err);
                if (rc != RK_OK)
                        return rc;
        }
        return put(f, v, k, out, outsz, err);
}

/* The checks that see the trimmed value. */
static int check_trimmed(const struct rk_field *f, const char *s, size_t n,
                         const char *raw, const char *country, char *out, size_t outsz,
                         struct rk_error *err)
{
        switch (f->validator) {
        case RK_V_TEXT:
                return put(f, s, n, out, outsz, err);
        case RK_V_COUNTRY:
                return check_country(f, s, n, out, outsz, err);
        case RK_V_DATE:
                return check_date(f, s, n, out, outsz, err);
        case RK_V_INTEGER:
                return check_integer(f, s, n, out, outsz, err);
        case RK_V_MONEY:
                return check_money(f, s, n, out, outsz, err);
        case RK_V_CHOICE:
                return check_choice(f, s, n, out, outsz, err);
        case RK_V_YTUNNUS:
                if (n >= 2 && isalpha((unsigned char)s[0]) &&
                    isalpha((unsigned char)s[1]))
                        return check_vat(f, s, n, out, outsz, err);
                return rk_validate_as(f->validator, f->label, country, raw, out, outsz,
                                      err);
        default:
                return rk_validate_as(f->validator, f->label, country, raw, out, outsz,
                                      err);
        }
}

static int check_value(const struct rk_field *f, const char *value, const char *country,
                       char *out, size_t outsz, struct rk_error *err)
{
        const char *raw = value == NULL ? "" : value;
        const char *s;
        size_t n;
        if (out == NULL || outsz == 0)
                return rk_error_set(err, RK_ERR_INTERNAL, "%s: no output buffer",
                                    f->label);
        out[0] = '\0';
        bool multi = f->validator == RK_V_MULTILINE;
        bool text = multi || f->validator == RK_V_TEXT;
        int rc =
            rk_validate_field_text(f->label, raw, text ? f->max_chars : RAW_MAX_CHARS,
                                   multi ? RK_TEXT_MULTILINE : 0, err);
        if (rc != RK_OK)
                return rc;
        if (multi)
                return put(f, raw, strlen(raw), out, outsz, err);
        /* a code pasted from a web page or a PDF: "０４０ １２３" in full
         * width, a no-break space, "1234567–8" with an en dash */
        char *folded = text ? NULL : rk_text_fold_code(raw);
        if (!text && folded == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        if (folded != NULL)
                raw = folded;
        trim(raw, &s, &n);
        rc = n == 0 ? RK_OK : check_trimmed(f, s, n, raw, country, out, outsz, err);
        free(folded);
        return rc;
}

int rk_field_check(const struct rk_field *f, const char *value, const char *country,
                   char *out, size_t outsz, struct rk_error *err)
{
        int rc = check_value(f, value, country, out, outsz, err);
        return rc == RK_OK ? rc : rk_error_field(err, rc, f->column);
}

void rk_field_hint(const struct rk_field *f, char *out, size_t size)
{
        switch (f->validator) {
        case RK_V_EMAIL:
                snprintf(out, size, "%s", _("An e-mail address: name@example.fi"));
                break;
        case RK_V_PHONE:
                snprintf(out, size, "%s",
                         _("+358 40 123 4567, or the Finnish form 040 123 4567"));
                break;
        case RK_V_POSTAL:
                snprintf(out, size, "%s",
                         _("Postal code for the country (Finland: 5 digits)"));
                break;
        case RK_V_COUNTRY:
                snprintf(out, size, "%s", _("Country: two letters (FI, SE, EE, ...)"));
                break;
        case RK_V_YTUNNUS:
                snprintf(out, size, "%s",
                         _("Y-tunnus 1234567-8 (check digit), or a VAT number"));
                break;
        case RK_V_HETU:
                snprintf(out, size, "%s",
                         _("Henkilötunnus DDMMYYCZZZQ (check character)"));
                break;
        case RK_V_DATE:
                snprintf(out, size, "%s", _("A date: YYYY-MM-DD"));
                break;
        case RK_V_INTEGER:
                snprintf(out, size, "%s", _("A whole number"));
                break;
        case RK_V_MONEY:
                snprintf(out, size, "%s", _("Euros, e.g. 12,50"));
                break;
        case RK_V_CHOICE:
                snprintf(out, size, _("One of: %s"), f->choices);
                for (char *p = out; *p; p++)
                        if (*p == '|')
                                *p = '/';
                break;
        default:
                snprintf(out, size, _("Text, at most %zu characters"), f->max_chars);
        }
}
