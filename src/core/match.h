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
 * The number is a lookup in its unique index, every other key a lookup in
 * the search index (below). Anonymised or erased stubs never match.
 *
 * Two records whose Y-tunnus, or whose henkilötunnus, are both known and
 * differ are different parties whatever else they share (a family's
 * e-mail, a group's switchboard, a common name), so such a candidate is
 * passed over by every weaker key.
 *
 * The name measure (match.c says why): names are folded to a key
 * (Unicode case folding and NFKD with libunistring, combining marks
 * dropped, so Ä = ä = a; everything that is not a letter or digit is a
 * word break; legal forms such as Oy, Ab, Ky, Tmi dropped; one key with
 * the words as written, one with them sorted, one as written with the
 * legal forms kept), and two names are similar when the same key of both
 * is at most one edit apart (a letter changed, missing, added, or two
 * neighbours swapped: the optimal string alignment distance over code
 * points).
 */
#ifndef REKISTERI_MATCH_H
#define REKISTERI_MATCH_H

#include "rekisteri/duplicates.h"
#include "rekisteri/error.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* enum rk_match_reason, rk_match_reason_id and rk_match_reason_label are
 * in the public rekisteri/duplicates.h, for the front ends. */

/* What is known of the customer looked for; NULL or "" means unknown.
 * Values are as typed (they are normalised here the way the forms
 * normalise them, rk_field_check; the postal code is only trimmed); name and postal_code
 * are needed together for the name match; kind ("person"/"company") keeps a person from
 * matching a company by name. */
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

/* Scores: how sure a match by each key is, never rising along the
 * matching order (a tie goes to the earlier key). A similar name scores
 * RK_MATCH_SCORE_NAME less RK_MATCH_SCORE_NAME_EDIT per edit. */
#define RK_MATCH_SCORE_NUMBER      100
#define RK_MATCH_SCORE_HETU        95
#define RK_MATCH_SCORE_BUSINESS_ID 95
#define RK_MATCH_SCORE_EMAIL       90
#define RK_MATCH_SCORE_PHONE       85
#define RK_MATCH_SCORE_NAME        80
#define RK_MATCH_SCORE_NAME_EDIT   5

/*
 * The lookups by key, through the search index (search.h): the candidates
 * are the customers whose index row holds every word of the value (as the
 * index folds and tags it: rk_match_fts_terms), and the row itself must
 * then hold the value exactly. ?1 is the value, ?2 the index query, ?3 a
 * second form of the value (a Y-tunnus's VAT number). No index of the
 * register's own holds a personal value: SQLite's B-tree leaves stale
 * copies of moved cells in a page's free gap, which secure_delete does not
 * zero, so an erased e-mail could outlive its erasure in such an index;
 * the search index is merged after every erasure (forget.c) instead.
 */
#define RK_MATCH_VIA_INDEX                                                               \
        "c.id IN (SELECT docid FROM customer_fts WHERE customer_fts MATCH ?2)"
#define RK_MATCH_WHERE_BUSINESS_ID RK_MATCH_VIA_INDEX " AND c.business_id IN (?1, ?3)"
#define RK_MATCH_WHERE_HETU        RK_MATCH_VIA_INDEX " AND c.hetu = ?1"
#define RK_MATCH_WHERE_EMAIL       RK_MATCH_VIA_INDEX " AND lower(c.email) = lower(?1)"
#define RK_MATCH_WHERE_PHONE       RK_MATCH_VIA_INDEX " AND c.phone = ?1"
#define RK_MATCH_WHERE_POSTAL      RK_MATCH_VIA_INDEX " AND c.postal_code = ?1"

/*
 * rk_match_fts_terms - the search-index query for value of the customer
 * field column: its words folded as the index folds them (rk_search_fold),
 * each with the tag of the field's group, all required; words shorter than
 * two characters are left out (the row check compares the whole value),
 * and of an e-mail address only the words before the @ (a domain's words
 * are in half the register, and the index reads every word's list). out
 * gets "" when no word is left: nothing to look up.
 */
void rk_match_fts_terms(const char *column, const char *value, char *out, size_t outsz);

/* The largest edit distance between name keys that counts as similar,
 * and the length (code points) below which a key must be equal. */
#define RK_MATCH_NAME_EDITS 1
#define RK_MATCH_NAME_SHORT 6

/* A Y-tunnus, VAT number or henkilötunnus as stored, NUL included. */
#define RK_MATCH_ID_MAX 24

/* Name keys: at most this many bytes, NUL included (longer names are
 * cut at a code point boundary). */
#define RK_MATCH_KEY_MAX 256

/*
 * rk_match_find - the first live customer that matches probe, by the keys
 * in the order above. RK_OK with hit filled, or RK_OK with hit->reason
 * RK_MATCH_NONE (and hit->customer_id 0, number "") when nothing matches.
 * Values are bound parameters and never appear in a message. Errors:
 * database errors (rk_sql_fail), RK_ERR_NOMEM. For one probe; many probes
 * (an import) go through one matcher, below.
 */
int rk_match_find(sqlite3 *db, const struct rk_match_probe *probe,
                  struct rk_match_hit *hit, struct rk_error *err);

/*
 * A matcher: rk_match_find for many probes, with its statements prepared
 * once and the names of each postal code read and indexed once
 * (match_names.c). It sees the register as it was when a postal code was
 * first asked about: a customer written later through db is found by its
 * exact keys but not by its name. Close it before db.
 */
struct rk_matcher;

/* rk_matcher_open - a matcher over db into *out (the caller's until
 * rk_matcher_close). Errors: RK_ERR_NOMEM, database errors. */
int rk_matcher_open(sqlite3 *db, struct rk_matcher **out, struct rk_error *err);

/* rk_matcher_find - as rk_match_find, through m. */
int rk_matcher_find(struct rk_matcher *m, const struct rk_match_probe *probe,
                    struct rk_match_hit *hit, struct rk_error *err);

/* rk_matcher_close - finalize, wipe and free m; NULL is fine. */
void rk_matcher_close(struct rk_matcher *m);

/* The keys of a folded name (see above): its words as written and sorted
 * without the legal forms, and as written with them (so that a typo in
 * "Oy" is one edit too). */
enum rk_match_key { RK_MATCH_WRITTEN, RK_MATCH_SORTED, RK_MATCH_FULL, RK_MATCH_KEYS };

struct rk_match_name {
        char key[RK_MATCH_KEYS][RK_MATCH_KEY_MAX];
};

/*
 * rk_match_name_fold - the folded name keys of name (see above) into out.
 * Returns the length in bytes of the written key (the sorted one has the
 * same); 0 (every key "") when the name has no letter or digit besides
 * legal forms, is not valid UTF-8, or memory ran out.
 */
size_t rk_match_name_fold(const char *name, struct rk_match_name *out);

/*
 * rk_match_key_distance - the optimal string alignment distance between
 * two name keys, counted in code points, or bound + 1 when it is more
 * than bound (computed no further than needed to know that).
 */
int rk_match_key_distance(const char *a, const char *b, int bound);

/*
 * rk_match_name_score - the score of two folded names, each given as its
 * RK_MATCH_KEYS keys, when they are similar: the same key of both
 * non-empty and at most RK_MATCH_NAME_EDITS apart (a key shorter than
 * RK_MATCH_NAME_SHORT code points only when equal), for any of the keys;
 * else 0. A name without a written key (no words but legal forms) is
 * similar to nothing.
 */
int rk_match_name_score(const char *const a[RK_MATCH_KEYS],
                        const char *const b[RK_MATCH_KEYS]);

/* ---- blocking by name (match_names.c) ------------------------------------ */

#define RK_MATCH_HASH_KEY   16 /* crypto_shorthash_KEYBYTES */
#define RK_MATCH_HASHES_MAX (RK_MATCH_KEYS * RK_MATCH_KEY_MAX)

/* rk_match_hash - the keyed 64-bit hash (SipHash) of p[0..n), never 0. */
uint64_t rk_match_hash(const unsigned char key[RK_MATCH_HASH_KEY], const void *p,
                       size_t n);

/*
 * rk_match_name_hashes - the hashes under hkey of the deletion
 * neighbourhood (each key, and each key with one code point deleted) of
 * every distinct non-empty key of a folded name, into out; returns how
 * many. Two names whose same key is at most one edit apart share one.
 * None for a name without a written key.
 */
size_t rk_match_name_hashes(const char *const keys[RK_MATCH_KEYS],
                            const unsigned char hkey[RK_MATCH_HASH_KEY],
                            uint64_t out[RK_MATCH_HASHES_MAX]);

/* The name blocks of one matcher, and what a name probe holds. */
struct rk_match_names;
struct rk_match_names_probe {
        const char *postal;               /* "" for none: no match */
        const struct rk_match_name *name; /* folded */
        int kind;                         /* 0, 'p' or 'c' */
        const char *business_id, *hetu;   /* normalised, "" when unknown */
};

/* rk_match_names_new / _free - the blocks of a matcher over db. */
int rk_match_names_new(sqlite3 *db, struct rk_match_names **out, struct rk_error *err);
void rk_match_names_free(struct rk_match_names *mn);

/*
 * rk_match_names_find - the live customer of p->postal whose name is most
 * similar to p->name (rk_match_name_score; the lowest id on a tie), of
 * the same kind when p->kind is known, passing the guard: hit filled with
 * RK_MATCH_SIMILAR_NAME, or left as it was when there is none. Errors:
 * RK_ERR_NOMEM, database errors.
 */
int rk_match_names_find(struct rk_match_names *mn, const struct rk_match_names_probe *p,
                        struct rk_match_hit *hit, struct rk_error *err);

/*
 * rk_match_business_id - a stored Y-tunnus or VAT number (may be NULL) in
 * the form two of them are compared in: a Finnish VAT number FI12345671
 * as its Y-tunnus 1234567-1, anything else as it is; into out, "" for
 * none. The lookup by Y-tunnus binds both forms (rk_match_vat_form).
 */
void rk_match_business_id(const char *stored, char out[RK_MATCH_ID_MAX]);

/* rk_match_vat_form - the Finnish VAT form FI12345671 of a Y-tunnus
 * 1234567-1, else id as it is; into out. */
void rk_match_vat_form(const char *id, char out[RK_MATCH_ID_MAX]);

/*
 * rk_match_conflict - true when a and b (Y-tunnus or henkilötunnus, in
 * their normalised form) are both known and differ: then the records are
 * different parties.
 */
bool rk_match_conflict(const char *a, const char *b);

#endif
