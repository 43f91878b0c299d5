/*
 * text.h - display hygiene for every string that reaches a terminal.
 *
 * Strings from the database or from input may hold malformed UTF-8, C0 and
 * C1 controls (ESC sequences, \r), DEL, bidi overrides (U+202E) and
 * zero-width characters. Drawing them raw lets a customer name rewrite the
 * screen or the window title. rk_text_sanitize() turns every such code
 * point into a visible placeholder; the width helpers measure and crop by
 * display columns (wcwidth), never by bytes, so names like Hämäläinen and
 * Åström stay aligned.
 *
 * The width functions need a UTF-8 LC_CTYPE locale (setlocale(LC_CTYPE, ""))
 * in the calling process.
 */
#ifndef REKISTERI_TEXT_H
#define REKISTERI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * rk_text_sanitize - return a newly malloc'd NUL-terminated, valid UTF-8
 * copy of src[0..len) that is safe to draw. Replacements:
 *   C0 controls U+0000..U+001F  -> the Control Pictures U+2400..U+241F (ESC -> U+241B)
 *   DEL U+007F                  -> U+2421
 *   C1 controls U+0080..U+009F, every format character (Unicode general
 *   category Cf, from libunistring: bidi controls, zero-width characters,
 *   the soft hyphen, tag characters U+E0000..U+E007F, U+FEFF, ...), the
 *   separators U+2028 and U+2029, and every malformed, overlong,
 *   surrogate, above-U+10FFFF or truncated sequence -> U+FFFD, one U+FFFD
 *   per offending byte
 *   except U+200D ZERO WIDTH JOINER between two emoji (an emoji ZWJ
 *   sequence), which is kept
 * Tab and newline are controls too. NUL bytes inside src[0..len) become
 * U+2400, so a NUL cannot cut the drawn string short. Everything else
 * (letters, combining marks, CJK, emoji) is copied unchanged. The caller
 * frees the result; NULL means out of memory (or len above SIZE_MAX / 3).
 *
 * This is the one policy for everything a person reads: the screen, every
 * CLI line and every file written for people (text reports, CSV).
 */
char *rk_text_sanitize(const char *src, size_t len);

/*
 * rk_utf8_repair - a newly malloc'd NUL-terminated copy of src[0..len)
 * that is valid UTF-8: every malformed byte becomes U+FFFD, everything
 * else (controls included) is copied as it is. For machine-readable
 * exports, which must keep a value rather than drop it. *repaired (may be
 * NULL) says whether anything was replaced. NULL when out of memory.
 */
char *rk_utf8_repair(const char *src, size_t len, bool *repaired);

/* rk_text_is_safe - true when s (NUL-terminated) needs no replacement, that
 * is, when rk_text_sanitize(s, strlen(s)) would return s unchanged. The
 * output of rk_text_sanitize() is always safe. */
bool rk_text_is_safe(const char *s);

/*
 * rk_text_trim - the part of s[0..len) without the blanks around it: ASCII
 * white space (space, tab, CR, LF, VT, FF), every Unicode space separator
 * (general category Zs: the no-break space U+00A0, U+202F, U+3000, ...)
 * and every invisible format character (Cf: zero-width space, bidi
 * marks, ...), all of which a value pasted from a web page or a
 * spreadsheet brings along unseen. Sets *start to the first kept byte and
 * returns the number of kept bytes. Malformed bytes are never blanks.
 */
size_t rk_text_trim(const char *s, size_t len, size_t *start);

/*
 * rk_text_fold_code - a newly malloc'd copy of the valid UTF-8 string s as
 * a code (e-mail address, phone number, postal code, Y-tunnus, ...) is
 * meant to be read: NFKC-normalised, so full-width digits and letters
 * become ASCII and every space separator a plain space; every dash (en
 * dash, minus sign, non-breaking hyphen, ...) a hyphen-minus; invisible
 * format characters (Cf) dropped. Never for names or free text, whose
 * letters NFKC could change. NULL when out of memory or s is not valid
 * UTF-8.
 */
char *rk_text_fold_code(const char *s);

/* rk_utf8_valid - true when s[0..len) is well-formed UTF-8 (no overlongs,
 * no surrogates, nothing above U+10FFFF). */
bool rk_utf8_valid(const char *s, size_t len);

/* rk_utf8_chars - the number of code points in valid UTF-8 s[0..len). On
 * malformed input each bad byte counts as one, as rk_text_sanitize() would
 * draw it. */
size_t rk_utf8_chars(const char *s, size_t len);

/* rk_text_width - display columns of a sanitized string (wcwidth per code
 * point; a code point wcwidth calls non-printable counts as 1). Given an
 * unsanitized string it returns the width its sanitized form will have.
 * Saturates at INT_MAX. Without a UTF-8 locale, wcwidth rejects non-ASCII
 * and every such code point counts as 1. */
int rk_text_width(const char *s);

/*
 * rk_text_crop - the byte length of the longest prefix of the sanitized
 * string s that fits in cols display columns, never splitting a code point
 * or a double-width character. *used (may be NULL) gets the columns used,
 * which is at most cols (a negative cols counts as 0; in 0 columns only
 * zero-width combining marks at the very start fit). A double-width
 * character that would need one column more than is left is dropped, so
 * *used may be cols - 1; the caller pads.
 */
size_t rk_text_crop(const char *s, int cols, int *used);

/*
 * rk_text_wrap_len - the byte length of the next line when the sanitized
 * string s is wrapped at cols display columns: what fits (rk_text_crop),
 * cut back to the last space when more text follows and there is a space
 * to cut at; a word longer than the line is cut where the line ends. The
 * caller skips the spaces after it. 0 only when s is empty or nothing fits.
 */
size_t rk_text_wrap_len(const char *s, int cols);

#endif
