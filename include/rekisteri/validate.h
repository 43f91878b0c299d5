/*
 * validate.h - checks for customer fields before they are stored.
 *
 * Each validator takes what a person typed, decides whether it is an
 * acceptable value for one field, and where the field has a canonical
 * spelling writes that normalised form to a caller buffer. On failure it
 * returns RK_ERR_INVALID and fills err (may be NULL) with one line that
 * names the field, says what is wrong and what is allowed, such as
 * "e-mail: the part after @ is not a domain name (...)". Messages never
 * repeat the value, because the value is personal data.
 *
 * Output buffers: out may be NULL (outsz is then ignored) to validate
 * only. Otherwise out receives a NUL-terminated string; the RK_*_MAX
 * sizes below always suffice. A smaller buffer that cannot hold the
 * result gives RK_ERR_INVALID with a message saying so, and out is "".
 * out is also "" after any failure. Leading and trailing spaces and tabs
 * are ignored by every validator except rk_validate_field_text().
 *
 * The checks are shape and checksum checks only; none depends on today's
 * date or on any registry, so they are deterministic.
 */
#ifndef REKISTERI_VALIDATE_H
#define REKISTERI_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "rekisteri/error.h"
#include "rekisteri/fields.h"

/* Buffer sizes, NUL included, that always hold the normalised form. */
#define RK_EMAIL_MAX   255 /* 254 characters (RFC 5321 path limit) */
#define RK_PHONE_MAX   17  /* "+" and at most 15 digits */
#define RK_POSTAL_MAX  11  /* at most 10 characters */
#define RK_YTUNNUS_MAX 10  /* "NNNNNNN-C" */
#define RK_HETU_MAX    12  /* "DDMMYYCZZZQ" */

/*
 * rk_validate_email - an address of the practical RFC 5321 shape
 * local@domain: at most 254 characters in all; the local part 1..64
 * characters of letters, digits and ! # $ % & ' * + / = ? ^ _ ` { | } ~ -
 * with single dots between them (no quoted local parts); the domain at
 * least two dot-separated labels of 1..63 letters, digits and inner
 * hyphens, the last label not all digits (no IP literals). ASCII only:
 * international domains go in their xn-- form. out gets the address with
 * the domain lower-cased; the local part keeps its case (RFC 5321 lets the
 * receiving host treat it case-sensitively).
 */
int rk_validate_email(const char *in, char *out, size_t outsz, struct rk_error *err);

/*
 * rk_validate_phone - a telephone number, normalised to E.164 "+" and 8..15
 * digits, the first non-zero. Spaces, hyphens and parentheses are
 * separators. Accepted forms: "+CC..." and "00CC..." (international; a
 * "(0)" trunk prefix after the country code is dropped, as in
 * "+358 (0)40 123 4567"), and the Finnish national form with one leading
 * 0 ("040 123 4567" -> "+358401234567", "09 1234 567" -> "+35891234567").
 * A number without a prefix is refused, because its country is unknown.
 */
int rk_validate_phone(const char *in, char *out, size_t outsz, struct rk_error *err);

/*
 * rk_validate_postal_code - a postal code for the country with ISO 3166-1
 * alpha-2 code country_iso2 (either case; NULL or "" means unknown).
 * FI and AX: exactly 5 digits. SE: 5 digits, written "12345" or "123 45",
 * normalised to "123 45". Any other country: 2..10 characters of letters
 * A-Z, digits, spaces and hyphens, starting and ending with a letter or
 * digit; letters are upper-cased and runs of spaces become one.
 */
int rk_validate_postal_code(const char *country_iso2, const char *in, char *out,
                            size_t outsz, struct rk_error *err);

/*
 * rk_validate_ytunnus - a Finnish business ID (Y-tunnus) NNNNNNN-C whose
 * check digit C is (11 - sum mod 11) over weights 7,9,10,5,8,4,2, or 0
 * when the remainder is 0; a remainder of 1 is never issued and is
 * refused. The old 6-digit form NNNNNN-C is accepted and left-padded with
 * 0. out gets the 7-digit form "NNNNNNN-C".
 */
int rk_validate_ytunnus(const char *in, char *out, size_t outsz, struct rk_error *err);

/* What a valid personal identity code says. */
struct rk_hetu_info {
        int year;          /* full year of birth, 1800..2099 */
        int month;         /* 1..12 */
        int day;           /* 1..31 */
        bool is_temporary; /* individual number 900..999: a temporary code */
};

/*
 * rk_validate_hetu - a Finnish personal identity code (henkilötunnus)
 * DDMMYYCZZZQ. C is the century sign: '+' 1800s; '-', Y, X, W, V, U 1900s;
 * A, B, C, D, E, F 2000s (the 2023 reform). ZZZ is the individual number
 * 002..999 (900..999 are temporary codes). Q is
 * "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYZZZ mod 31]. The date must exist
 * in the calendar (leap years included); a birth date in the future is not
 * refused here. Lower-case letters are accepted; out gets the upper-case
 * form. info (may be NULL) is filled only on success.
 */
int rk_validate_hetu(const char *in, char *out, size_t outsz, struct rk_hetu_info *info,
                     struct rk_error *err);

/*
 * rk_validate_as - the validator v (RK_V_EMAIL, RK_V_PHONE, RK_V_POSTAL,
 * RK_V_YTUNNUS or RK_V_HETU) as above, its message naming the field by
 * label (a msgid; translated here) instead of by the validator's own
 * name: "Invoicing e-mail: ..." rather than "e-mail: ...", so a form with
 * two e-mail fields says which one is wrong, in every language. country
 * is the postal code's (RK_V_POSTAL only; as rk_validate_postal_code).
 * RK_ERR_INTERNAL for any other validator.
 */
int rk_validate_as(enum rk_validator v, const char *label, const char *country,
                   const char *in, char *out, size_t outsz, struct rk_error *err);

/*
 * rk_text_find_hetu_like - true when the free text contains a complete,
 * valid personal identity code (calendar date and check character as
 * rk_validate_hetu() requires, either case) standing on its own, that is,
 * not preceded or followed by a letter or digit, however it was pasted:
 * the text is normalised first (Unicode NFKC; format and zero-width
 * characters dropped; digits of any script read as digits; any dash,
 * U+2212 or space, or nothing at all, taken as the century sign's place;
 * see hetu_find.c). Requiring the check character keeps false alarms rare
 * (1 in 31 of the numbers that have the exact shape); a code with a typo
 * in it is not found. *offset and *len (each may be NULL) get the byte
 * range of the first match in text. text NULL gives false; out of memory
 * gives true (refuse rather than miss).
 */
bool rk_text_find_hetu_like(const char *text, size_t *offset, size_t *len);

/*
 * rk_text_refuse_hetu - the guard of every free-text field that must not
 * hold a personal identity code (notes, the verification text and other
 * texts of a request, legal-hold reasons): RK_OK, or RK_ERR_INVALID with
 * "label: contains a personal identity code; ..." (never the code).
 */
int rk_text_refuse_hetu(const char *label, const char *text, struct rk_error *err);

/* rk_validate_field_text flags. */
#define RK_TEXT_MULTILINE 0x1u /* allow newline (U+000A) for multi-line notes */

/*
 * rk_validate_field_text - a free-text field: valid UTF-8, no C0 or C1
 * control characters or DEL (with RK_TEXT_MULTILINE, newlines are
 * allowed; carriage returns and tabs never are), and at most max_chars
 * code points (pass SIZE_MAX for no limit). label names the field in the
 * message ("street address: is longer than 100 characters"); NULL means
 * "text". in NULL is treated as the empty string, which is valid: whether
 * a field is required is the form's decision. Nothing is normalised.
 */
int rk_validate_field_text(const char *label, const char *in, size_t max_chars,
                           unsigned flags, struct rk_error *err);

#endif
