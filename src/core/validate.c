/*
 * validate.c - field validators: e-mail, telephone, postal code, Finnish
 * business ID and personal identity code, and generic free text.
 *
 * How it works: every validator trims surrounding blanks, walks the input
 * once by hand (no regular expressions, no locale-dependent ctype calls)
 * and either builds the normalised form in a small local buffer and hands
 * it to emit(), or returns invalid() with a message that names the field
 * and the rule. The field's name is a parameter of each validator: its own
 * ("e-mail") for rk_validate_email and the like, a form field's label
 * ("Invoicing e-mail") through rk_validate_as. Messages are fixed text:
 * the value is personal data and is never echoed. The personal identity
 * code is parsed by one function, hetu_parse(); the free-text finder
 * (hetu_find.c) builds candidates and checks each with rk_validate_hetu().
 */
#include "rekisteri/validate.h"
#include "rekisteri/i18n.h"

#include "rekisteri/text.h"

#include <stdint.h>
#include <string.h>

#define F_EMAIL   N_("e-mail")
#define F_PHONE   N_("phone")
#define F_POSTAL  N_("postal code")
#define F_YTUNNUS N_("business ID (Y-tunnus)")
#define F_HETU    N_("personal identity code")

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
        return is_digit(c) || is_alpha(c);
}

static char to_upper(char c)
{
        return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static char to_lower(char c)
{
        return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool all_digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!is_digit(s[i]))
                        return false;
        return true;
}

/* Point *s and *n at in without leading and trailing spaces and tabs. */
static void trim(const char *in, const char **s, size_t *n)
{
        size_t len = in == NULL ? 0 : strlen(in);
        const char *p = in == NULL ? "" : in;
        while (len > 0 && (*p == ' ' || *p == '\t')) {
                p++;
                len--;
        }
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
                len--;
        *s = p;
        *n = len;
}

/* Record a refusal: out becomes "", err gets "field: what". */
static int invalid(char *out, size_t outsz, struct rk_error *err, const char *field,
                   const char *what)
{
        if (out != NULL && outsz > 0)
                out[0] = '\0';
        return rk_error_set(err, RK_ERR_INVALID, "%s: %s", gettext(field), gettext(what));
}

/* Copy the normalised form norm[0..n) to out, if the caller wants it. */
static int emit(const char *norm, size_t n, char *out, size_t outsz, struct rk_error *err,
                const char *field)
{
        if (out == NULL)
                return RK_OK;
        if (n >= outsz)
                return invalid(out, outsz, err, field,
                               N_("the output buffer is too small (a program error)"));
        memcpy(out, norm, n);
        out[n] = '\0';
        return RK_OK;
}

/* ---- e-mail ---------------------------------------------------------- */

static bool is_atext(char c)
{
        return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

/* The local part: a dot-atom of 1..64 characters. NULL means acceptable. */
static const char *email_local_problem(const char *s, size_t n)
{
        if (n == 0)
                return N_("the part before @ is empty; write an address such as "
                          "name@example.fi");
        if (n > 64)
                return N_("the part before @ is longer than 64 characters");
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '.')
                        continue;
                if (!is_atext(s[i]))
                        return N_(
                            "the part before @ may contain only letters a-z, digits, "
                            "dots and ! # $ % & ' * + / = ? ^ _ ` { | } ~ -");
        }
        if (s[0] == '.' || s[n - 1] == '.' || memmem(s, n, "..", 2) != NULL)
                return N_("the part before @ cannot start or end with a dot or have two "
                          "dots in a row");
        return NULL;
}

/* One domain label of 1..63 letters, digits and inner hyphens. */
static bool email_label_ok(const char *s, size_t n)
{
        if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_alnum(s[i]) && s[i] != '-')
                        return false;
        return true;
}

/* The domain: two or more labels, the last not all digits. The 254-byte
 * total limit keeps the domain below its own 255-byte limit. */
static const char *email_domain_problem(const char *s, size_t n)
{
        const char *bad =
            N_("the part after @ is not a domain name (use labels of letters, "
               "digits and hyphens separated by dots, such as example.fi)");
        size_t start = 0, labels = 0;
        for (size_t i = 0; i <= n; i++) {
                if (i < n && s[i] != '.')
                        continue;
                if (i - start > 63)
                        return N_(
                            "the part after @ has a label longer than 63 characters");
                if (!email_label_ok(s + start, i - start))
                        return bad;
                labels++;
                if (i == n && all_digits(s + start, i - start))
                        return N_(
                            "the part after @ must end in a name such as .fi, not a "
                            "number (IP addresses are not accepted)");
                start = i + 1;
        }
        if (labels < 2)
                return N_("the part after @ needs at least one dot, as in example.fi");
        return NULL;
}

/* The last '@' of s[0..n), or NULL. (A loop rather than memrchr: GCC 12
 * with sanitizers at -O2 wrongly warns that s may be NULL.) */
static const char *last_at(const char *s, size_t n)
{
        while (n > 0) {
                if (s[--n] == '@')
                        return s + n;
        }
        return NULL;
}

static int email(const char *field, const char *in, char *out, size_t outsz,
                 struct rk_error *err)
{
        const char *s, *problem;
        size_t n;
        char norm[RK_EMAIL_MAX];
        trim(in, &s, &n);
        if (n == 0)
                return invalid(out, outsz, err, field,
                               N_("is empty; write an address such as name@example.fi"));
        if (n > RK_EMAIL_MAX - 1)
                return invalid(out, outsz, err, field,
                               N_("is longer than 254 characters"));
        const char *at = last_at(s, n);
        if (at == NULL)
                return invalid(out, outsz, err, field,
                               N_("needs an @ between the name and the domain, as in "
                                  "name@example.fi"));
        size_t local_n = (size_t)(at - s), domain_n = n - local_n - 1;
        if (memchr(s, '@', local_n) != NULL)
                return invalid(out, outsz, err, field,
                               N_("has more than one @; an address has exactly one"));
        problem = email_local_problem(s, local_n);
        if (problem == NULL)
                problem = email_domain_problem(at + 1, domain_n);
        if (problem != NULL)
                return invalid(out, outsz, err, field, problem);
        memcpy(norm, s, local_n + 1);
        for (size_t i = 0; i < domain_n; i++)
                norm[local_n + 1 + i] = to_lower(at[1 + i]);
        return emit(norm, n, out, outsz, err, field);
}

/* ---- telephone ------------------------------------------------------- */

#define PHONE_SCAN_MAX 24 /* more digits than this is too long in any form */

/* A "(0)" trunk prefix at s, in an international number (digits so far
 * d[0..nd) after a '+', or starting with the 00 prefix). */
static bool phone_trunk_zero(const char *s, size_t left, bool plus, const char *d,
                             size_t nd)
{
        bool intl = plus ? nd > 0 : (nd > 2 && d[0] == '0' && d[1] == '0');
        return intl && left >= 3 && s[0] == '(' && s[1] == '0' && s[2] == ')';
}

/* Collect the digits of s[0..n) into d; NULL or the problem. */
static const char *phone_scan(const char *s, size_t n, char *d, size_t *nd, bool *plus)
{
        int depth = 0;
        size_t i = 0;
        *nd = 0;
        *plus = n > 0 && s[0] == '+';
        for (i = *plus ? 1 : 0; i < n; i++) {
                if (phone_trunk_zero(s + i, n - i, *plus, d, *nd)) {
                        i += 2;
                } else if (is_digit(s[i])) {
                        if (*nd == PHONE_SCAN_MAX)
                                return N_("has too many digits; a number has at most 15 "
                                          "digits after the country prefix +");
                        d[(*nd)++] = s[i];
                } else if (s[i] == '(') {
                        depth++;
                } else if (s[i] == ')') {
                        if (--depth < 0)
                                return N_("has a ) without a matching (");
                } else if (s[i] != ' ' && s[i] != '-') {
                        return N_("may contain only digits, a leading +, spaces, hyphens "
                                  "and "
                                  "parentheses");
                }
        }
        if (depth != 0)
                return N_("has a ( without a matching )");
        if (*nd == 0)
                return N_("has no digits; write a number such as +358 40 123 4567 or "
                          "040 123 4567");
        return NULL;
}

/* Build "+" and the E.164 digits from the scanned digits. */
static const char *phone_e164(const char *d, size_t nd, bool plus, char *norm,
                              size_t *len)
{
        size_t k = 0;
        norm[k++] = '+';
        if (plus) {
                /* as written */
        } else if (nd >= 2 && d[0] == '0' && d[1] == '0') {
                d += 2, nd -= 2; /* 00 international prefix */
        } else if (d[0] == '0') {
                memcpy(norm + k, "358", 3); /* Finnish national form */
                k += 3;
                d++, nd--;
        } else {
                return N_("start it with + and the country code, or with 0 for a Finnish "
                          "number");
        }
        memcpy(norm + k, d, nd);
        k += nd;
        if (k > 1 && norm[1] == '0')
                return N_("the country code cannot start with 0");
        if (k - 1 > 15)
                return N_("is too long; a number has at most 15 digits after the country "
                          "prefix +");
        if (k - 1 < 8)
                return N_("is too short; a number has at least 8 digits with the country "
                          "code");
        *len = k;
        return NULL;
}

static int phone(const char *field, const char *in, char *out, size_t outsz,
                 struct rk_error *err)
{
        const char *s, *problem;
        size_t n, nd, len = 0;
        bool plus;
        char d[PHONE_SCAN_MAX], norm[PHONE_SCAN_MAX + 4];
        trim(in, &s, &n);
        if (n == 0)
                return invalid(out, outsz, err, field,
                               N_("is empty; write a number such as +358 40 123 4567"));
        problem = phone_scan(s, n, d, &nd, &plus);
        if (problem == NULL)
                problem = phone_e164(d, nd, plus, norm, &len);
        if (problem != NULL)
                return invalid(out, outsz, err, field, problem);
        return emit(norm, len, out, outsz, err, field);
}

/* ---- postal code ----------------------------------------------------- */

static bool country_is(const char *iso2, const char *want)
{
        return to_upper(iso2[0]) == want[0] && to_upper(iso2[1]) == want[1];
}

/* Any other country: 2..10 of A-Z 0-9 space hyphen, alphanumeric ends. */
static int postal_generic(const char *field, const char *s, size_t n, char *out,
                          size_t outsz, struct rk_error *err)
{
        const char *rule =
            N_("use 2 to 10 letters A-Z, digits, spaces and hyphens, starting "
               "and ending with a letter or digit");
        char norm[RK_POSTAL_MAX];
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
                if (!is_alnum(s[i]) && s[i] != ' ' && s[i] != '-')
                        return invalid(out, outsz, err, field, rule);
                if (s[i] == ' ' && s[i - 1] == ' ')
                        continue; /* s[0] is not blank: trimmed */
                if (k == RK_POSTAL_MAX - 1)
                        return invalid(out, outsz, err, field, rule);
                norm[k++] = to_upper(s[i]);
        }
        if (k < 2 || norm[0] == '-' || norm[k - 1] == '-')
                return invalid(out, outsz, err, field, rule);
        return emit(norm, k, out, outsz, err, field);
}

static int postal(const char *field, const char *country_iso2, const char *in, char *out,
                  size_t outsz, struct rk_error *err)
{
        const char *s;
        size_t n;
        char se[7];
        trim(in, &s, &n);
        if (n == 0)
                return invalid(out, outsz, err, field, N_("is empty"));
        const char *c = country_iso2 == NULL ? "" : country_iso2;
        if (c[0] != '\0' && (!is_alpha(c[0]) || !is_alpha(c[1]) || c[2] != '\0'))
                return invalid(out, outsz, err, field,
                               N_("the country must be a two-letter code such as FI"));
        if (c[0] != '\0' && (country_is(c, "FI") || country_is(c, "AX"))) {
                if (n != 5 || !all_digits(s, 5))
                        return invalid(
                            out, outsz, err, field,
                            N_("a Finnish postal code is exactly 5 digits, such "
                               "as 00100"));
                return emit(s, 5, out, outsz, err, field);
        }
        if (c[0] != '\0' && country_is(c, "SE")) {
                bool spaced =
                    n == 6 && s[3] == ' ' && all_digits(s, 3) && all_digits(s + 4, 2);
                if (!spaced && (n != 5 || !all_digits(s, 5)))
                        return invalid(
                            out, outsz, err, field,
                            N_("a Swedish postal code is 5 digits, written 123 45"));
                memcpy(se, s, 3);
                se[3] = ' ';
                memcpy(se + 4, s + n - 2, 2);
                return emit(se, 6, out, outsz, err, field);
        }
        return postal_generic(field, s, n, out, outsz, err);
}

/* ---- business ID (Y-tunnus) ------------------------------------------ */

static int ytunnus(const char *field, const char *in, char *out, size_t outsz,
                   struct rk_error *err)
{
        static const int weights[7] = {7, 9, 10, 5, 8, 4, 2};
        const char *s;
        size_t n;
        char norm[RK_YTUNNUS_MAX] = "0";
        trim(in, &s, &n);
        bool shaped = (n == 8 || n == 9) && all_digits(s, n - 2) && s[n - 2] == '-' &&
                      is_digit(s[n - 1]);
        if (!shaped)
                return invalid(
                    out, outsz, err, field,
                    N_("write it as 7 digits, a hyphen and a check digit, such as "
                       "1234567-1"));
        memcpy(norm + (9 - n), s, n); /* left-pad the old 6-digit form with 0 */
        int sum = 0;
        for (int i = 0; i < 7; i++)
                sum += (norm[i] - '0') * weights[i];
        int rem = sum % 11;
        if (rem == 1)
                return invalid(out, outsz, err, field,
                               N_("no business ID has these 7 digits; check for a typo"));
        if (norm[8] - '0' != (rem == 0 ? 0 : 11 - rem))
                return invalid(
                    out, outsz, err, field,
                    N_("the check digit after the hyphen does not match; check for "
                       "a typo"));
        return emit(norm, 9, out, outsz, err, field);
}

/* ---- personal identity code (henkilötunnus) -------------------------- */

static const char hetu_checks[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";

static int hetu_century(char sign)
{
        if (sign == '+')
                return 1800;
        if (sign == '-' || (sign >= 'U' && sign <= 'Y'))
                return 1900;
        if (sign >= 'A' && sign <= 'F')
                return 2000;
        return -1;
}

static bool date_exists(int y, int m, int d)
{
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (m < 1 || m > 12 || d < 1)
                return false;
        return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

static int num(const char *s, size_t n)
{
        int v = 0;
        for (size_t i = 0; i < n; i++)
                v = v * 10 + (s[i] - '0');
        return v;
}

/*
 * Parse exactly s[0..11) into norm (upper-case, NUL-terminated) and info.
 * Returns NULL when it is a valid code, else the problem.
 */
static const char *hetu_parse(const char *s, size_t n, char norm[RK_HETU_MAX],
                              struct rk_hetu_info *info)
{
        static const char *const shape =
            N_("write it as DDMMYY, a century sign (+, -, A-F or "
               "U-Y), three digits and a check character, such as "
               "131052-308T");
        if (n != 11)
                return shape;
        for (size_t i = 0; i < 11; i++)
                norm[i] = to_upper(s[i]);
        norm[11] = '\0';
        int century = hetu_century(norm[6]);
        if (!all_digits(norm, 6) || century < 0 || !all_digits(norm + 7, 3) ||
            !is_alnum(norm[10]))
                return shape;
        info->day = num(norm, 2);
        info->month = num(norm + 2, 2);
        info->year = century + num(norm + 4, 2);
        if (!date_exists(info->year, info->month, info->day))
                return N_("the first six digits are not a real date (DDMMYY)");
        int individual = num(norm + 7, 3);
        if (individual < 2)
                return N_("the three digits after the century sign must be 002 to 999");
        info->is_temporary = individual >= 900;
        long whole = (long)num(norm, 6) * 1000 + individual;
        if (norm[10] != hetu_checks[whole % 31])
                return N_("the check character at the end does not match; check for a "
                          "typo");
        return NULL;
}

static int hetu(const char *field, const char *in, char *out, size_t outsz,
                struct rk_hetu_info *info, struct rk_error *err)
{
        const char *s;
        size_t n;
        char norm[RK_HETU_MAX];
        struct rk_hetu_info parsed = {0};
        trim(in, &s, &n);
        if (n == 0)
                return invalid(out, outsz, err, field, N_("is empty"));
        const char *problem = hetu_parse(s, n, norm, &parsed);
        if (problem != NULL)
                return invalid(out, outsz, err, field, problem);
        int rc = emit(norm, 11, out, outsz, err, field);
        if (rc == RK_OK && info != NULL)
                *info = parsed;
        return rc;
}

/* ---- the validators by name, and under a field's own label ------------ */

int rk_validate_email(const char *in, char *out, size_t outsz, struct rk_error *err)
{
        return email(F_EMAIL, in, out, outsz, err);
}

int rk_validate_phone(const char *in, char *out, size_t outsz, struct rk_error *err)
{
        return phone(F_PHONE, in, out, outsz, err);
}

int rk_validate_postal_code(const char *country_iso2, const char *in, char *out,
                            size_t outsz, struct rk_error *err)
{
        return postal(F_POSTAL, country_iso2, in, out, outsz, err);
}

int rk_validate_ytunnus(const char *in, char *out, size_t outsz, struct rk_error *err)
{
        return ytunnus(F_YTUNNUS, in, out, outsz, err);
}

int rk_validate_hetu(const char *in, char *out, size_t outsz, struct rk_hetu_info *info,
                     struct rk_error *err)
{
        return hetu(F_HETU, in, out, outsz, info, err);
}

int rk_validate_as(enum rk_validator v, const char *label, const char *country,
                   const char *in, char *out, size_t outsz, struct rk_error *err)
{
        switch (v) {
        case RK_V_EMAIL:
                return email(label, in, out, outsz, err);
        case RK_V_PHONE:
                return phone(label, in, out, outsz, err);
        case RK_V_POSTAL:
                return postal(label, country, in, out, outsz, err);
        case RK_V_YTUNNUS:
                return ytunnus(label, in, out, outsz, err);
        case RK_V_HETU:
                return hetu(label, in, out, outsz, NULL, err);
        default:
                if (out != NULL && outsz > 0)
                        out[0] = '\0';
                return rk_error_set(err, RK_ERR_INTERNAL, "%s: unknown validator", label);
        }
}

/* ---- free text ------------------------------------------------------- */

/* True when valid UTF-8 s[0..n) holds a C0 or C1 control or DEL. In valid
 * UTF-8, C0 and DEL are single bytes and C1 is 0xC2 0x80..0x9F. */
static bool has_control(const unsigned char *s, size_t n, bool allow_newline)
{
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '\n' && allow_newline)
                        continue;
                if (s[i] < 0x20 || s[i] == 0x7F)
                        return true;
                if (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
                        return true;
        }
        return false;
}

int rk_validate_field_text(const char *label, const char *in, size_t max_chars,
                           unsigned flags, struct rk_error *err)
{
        const char *field = label == NULL ? _("text") : gettext(label);
        const char *s = in == NULL ? "" : in;
        size_t n = strlen(s);
        bool multiline = (flags & RK_TEXT_MULTILINE) != 0;
        if (!rk_utf8_valid(s, n))
                return rk_error_set(err, RK_ERR_INVALID,
                                    "%s: is not valid UTF-8 (the text is damaged or in "
                                    "another encoding)",
                                    field);
        if (has_control((const unsigned char *)s, n, multiline))
                return rk_error_set(err, RK_ERR_INVALID, "%s: %s", field,
                                    multiline
                                        ? _("contains a control character such as "
                                            "Tab or Escape; only printable text and "
                                            "line breaks are allowed")
                                        : _("contains a control character such as a "
                                            "line break, Tab or Escape; only "
                                            "printable text on one line is allowed"));
        if (rk_utf8_chars(s, n) > max_chars)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "%s: is longer than %zu characters", field,
                                    max_chars);
        return RK_OK;
}
