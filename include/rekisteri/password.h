/*
 * password.h - the password policy, after NIST SP 800-63B 5.1.1.2 and
 * OWASP ASVS V2.1.
 *
 * A password is acceptable when it:
 *   - is valid UTF-8 without NUL characters;
 *   - has at least RK_PASSWORD_MIN_CHARS code points (not bytes);
 *   - has at most RK_PASSWORD_MAX_BYTES bytes; a longer one is refused
 *     with a message, never silently truncated;
 *   - is not on the blocklist of common passwords (compared ignoring case);
 *   - is not a blocklisted word with only digits, punctuation or spaces
 *     added before or after it, nor such a word repeated
 *     ("Password1234", "monkeymonkey!");
 *   - does not contain one of the configured words, such as the company or
 *     product name (ignoring case; "Rekisteri2026!!" for "rekisteri").
 * There are no composition rules (no "one digit, one capital"), as both
 * standards advise. Case is folded per code point with the C.UTF-8 locale,
 * so "ÄÄKKÖNEN" matches "ääkkönen"; there is no Unicode normalisation.
 *
 * Messages say which rule failed and never echo the password.
 */
#ifndef REKISTERI_PASSWORD_H
#define REKISTERI_PASSWORD_H

#include <stddef.h>

#include "rekisteri/error.h"

#define RK_PASSWORD_MIN_CHARS 12
#define RK_PASSWORD_MAX_BYTES 1024
/* Configured words shorter than this (code points) are refused at load. */
#define RK_PASSWORD_MIN_WORD_CHARS 3

struct rk_password_policy;

/*
 * rk_password_policy_load - read the blocklist at blocklist_path (one
 * password per line, UTF-8; empty lines and lines starting with '#' are
 * skipped; a trailing '\r' is ignored) and remember the nextra configured
 * words extra_words[0..nextra) (extra_words may be NULL when nextra is 0).
 * Entries are case-folded and kept sorted for binary search, so the file
 * need not be sorted. On success *out is a new policy the caller frees
 * with rk_password_policy_free(); it is read-only and may be shared.
 * Returns RK_OK; RK_ERR_IO naming the path when the file cannot be read
 * (missing included); RK_ERR_CONFIG naming the path and line for a line
 * that is not valid UTF-8, or for a configured word that is empty, not
 * UTF-8 or shorter than RK_PASSWORD_MIN_WORD_CHARS; RK_ERR_NOMEM. On
 * failure *out is NULL.
 */
int rk_password_policy_load(const char *blocklist_path, const char *const *extra_words,
                            size_t nextra, struct rk_password_policy **out,
                            struct rk_error *err);

/* rk_password_policy_free - release a policy; p may be NULL. */
void rk_password_policy_free(struct rk_password_policy *p);

/*
 * rk_password_check - apply the policy to pw[0..len) (need not be
 * NUL-terminated; it is not modified or kept; the case-folded copy made
 * for the comparisons lives in sodium_malloc memory and is wiped).
 * Returns RK_OK when acceptable, else RK_ERR_INVALID with one of:
 *   "the password is longer than 1024 bytes"
 *   "the password is not valid UTF-8"
 *   "the password contains a NUL character"
 *   "the password must be at least 12 characters long"
 *   "the password is a commonly used password"
 *   "the password is a commonly used password with only digits or
 *    punctuation added"
 *   "the password contains the company or product name"
 * RK_ERR_NOMEM or RK_ERR_CRYPTO (libsodium cannot start) otherwise.
 */
int rk_password_check(const struct rk_password_policy *p, const char *pw, size_t len,
                      struct rk_error *err);

/*
 * rk_password_policy_for - load the policy the configuration asks for: the
 * [password] blocklist (or the shipped list: the installed data directory,
 * else the source tree's data/), with [register] company_name and the
 * comma-separated [password] extra_words as refused words.
 */
struct rk_config;
int rk_password_policy_for(const struct rk_config *cfg, struct rk_password_policy **out,
                           struct rk_error *err);

#endif
