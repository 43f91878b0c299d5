/*
 * match.h - is this customer already in the register? The matcher that
 * the CSV import asks for every row and that the duplicate finder
 * (duplicates.c) uses over the whole register, so that both mean the same
 * thing by "the same customer". Internal to the core library.
 *
 * Keys are tried in a fixed order, and the first that finds a live
 * customer wins: the customer number; the Y-tunnus; the henkilötunnus;
 * the e-mail address (case-insensitive); the phone number (as E.164, the
 * form every stored number has); a similar name in the same postal code.
 * Each exact key is one index lookup (migrate.c, migration "matching
 * keys"). Anonymised or erased stubs never match.
 *
 * Two records whose Y-tunnus, or whose henkilötunnus, are both known and
 * differ are different parties whatever else they share (a family's
 * e-mail, a group's switchboard, a common name), so such a candidate is
 * passed over by every weaker key.
 *
 * The name measure (match.c says why): names are folded to a key
 * (Unicode case folding and NFKD with libunistring, combining marks
 * dropped, so Ä = ä = a; everything that is not a letter or digit is a
 * word break; legal forms such as Oy, Ab, Ky, Tmi dropped; the words
 * sorted), and two names are similar when their keys are at most one
 * edit apart (a letter changed, missing, added, or two neighbours
 * swapped: the optimal string alignment distance over code points).
 */
#ifndef REKISTERI_MATCH_H
#define REKISTERI_MATCH_H

#include "rekisteri/error.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rk_match_reason {
        RK_MATCH_NONE,
        RK_MATCH_NUMBER,
        RK_MATCH_BUSINESS_ID,
        RK_MATCH_HETU,
        RK_MATCH_EMAIL,
        RK_MATCH_PHONE,
        RK_MATCH_SIMILAR_NAME
};

/* What is known of the customer looked for; NULL or "" means unknown.
 * Values are as typed (they are normalised here the way the forms
 * normalise them); name and postal_code are needed together for the
 * name match; kind ("person"/"company") keeps a person from matching a
 * company by name. */
struct rk_match_probe {
        const char *number, *kind, *name, *business_id, *hetu, *email, *phone,
            *postal_code;
};

struct rk_match_hit {
        int64_t customer_id;
        char number[16];
        enum rk_match_reason reason;
        int score; /* 0..100 */
};

/* Scores: how sure a match by each key is. A similar name scores
 * RK_MATCH_SCORE_NAME less RK_MATCH_SCORE_NAME_EDIT per edit. */
#define RK_MATCH_SCORE_NUMBER      100
#define RK_MATCH_SCORE_HETU        100
#define RK_MATCH_SCORE_BUSINESS_ID 95
#define RK_MATCH_SCORE_EMAIL       90
#define RK_MATCH_SCORE_PHONE       85
#define RK_MATCH_SCORE_NAME        80
#define RK_MATCH_SCORE_NAME_EDIT   5

/* The lookups by key (value ?1), each served by a partial index of
 * migrate.c's "matching keys" migration: the IS NOT NULL term lets the
 * planner use it, and the key expression is the index's, to the letter. */
#define RK_MATCH_WHERE_BUSINESS_ID "business_id IS NOT NULL AND business_id = ?1"
#define RK_MATCH_WHERE_HETU        "hetu IS NOT NULL AND hetu = ?1"
#define RK_MATCH_WHERE_EMAIL       "email IS NOT NULL AND lower(email) = lower(?1)"
#define RK_MATCH_WHERE_PHONE       "phone IS NOT NULL AND phone = ?1"
#define RK_MATCH_WHERE_POSTAL      "postal_code IS NOT NULL AND postal_code = ?1"

/* The largest edit distance between name keys that counts as similar. */
#define RK_MATCH_NAME_EDITS 1

/* Name keys: at most this many bytes, NUL included (longer names are
 * cut at a code point boundary). */
#define RK_MATCH_KEY_MAX 256

/*
 * rk_match_find - the first live customer that matches probe, by the keys
 * in the order above. RK_OK with hit filled, or RK_OK with hit->reason
 * RK_MATCH_NONE (and hit->customer_id 0, number "") when nothing matches.
 * Values are bound parameters and never appear in a message. Errors:
 * database errors (rk_sql_fail), RK_ERR_NOMEM.
 */
int rk_match_find(sqlite3 *db, const struct rk_match_probe *probe,
                  struct rk_match_hit *hit, struct rk_error *err);

/*
 * rk_match_name_key - the folded name key of name (see above) into out
 * (outsz bytes, RK_MATCH_KEY_MAX always suffices). Returns the key's
 * length in bytes; 0 (out "") when the name has no letter or digit, is
 * not valid UTF-8, or memory ran out.
 */
size_t rk_match_name_key(const char *name, char *out, size_t outsz);

/*
 * rk_match_key_distance - the optimal string alignment distance between
 * two name keys, counted in code points, or bound + 1 when it is more
 * than bound (computed no further than needed to know that).
 */
int rk_match_key_distance(const char *a, const char *b, int bound);

/*
 * rk_match_name_score - the score of two name keys when they are similar
 * (at most RK_MATCH_NAME_EDITS apart, both non-empty), else 0.
 */
int rk_match_name_score(const char *a, const char *b);

/*
 * rk_match_conflict - true when a and b (Y-tunnus or henkilötunnus, in
 * their normalised form) are both known and differ: then the records are
 * different parties.
 */
bool rk_match_conflict(const char *a, const char *b);

/* rk_match_reason_id - a stable name of reason for output meant for
 * programs: "number", "business-id", "hetu", "email", "phone",
 * "similar-name" ("none"). Not translated. */
const char *rk_match_reason_id(enum rk_match_reason reason);

/* rk_match_reason_label - the reason as a person reads it, translated. */
const char *rk_match_reason_label(enum rk_match_reason reason);

#endif
