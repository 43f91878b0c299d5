/*
 * suppress.c - keyed identifier hashes and the suppression list (see
 * suppress.h), and the check forms and imports run before saving a new
 * customer or contact person (rk_customer_check_suppressed, customer.h).
 *
 * Which columns are identifiers is read from fields.c by validator (e-mail,
 * phone, identity code), so a new e-mail column is covered without a
 * change here. Values are normalised with the field's own validator before
 * hashing, exactly as they are normalised before they are stored.
 */
#include "rekisteri/suppress.h"
#include "rekisteri/customer.h"
#include "record_db.h"
#include "sql.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_NAME "suppression_key"

static const char *const kind_names[RK_IDENT_COUNT] = {"email", "phone", "hetu"};

const char *rk_ident_kind_name(enum rk_ident_kind kind)
{
        return kind >= 0 && kind < RK_IDENT_COUNT ? kind_names[kind] : "?";
}

int rk_ident_kind_parse(const char *name)
{
        for (int k = 0; k < RK_IDENT_COUNT; k++) {
                if (strcmp(kind_names[k], name) == 0)
                        return k;
        }
        return -1;
}

int rk_ident_kind_of(const struct rk_field *f)
{
        switch (f->validator) {
        case RK_V_EMAIL:
                return RK_IDENT_EMAIL;
        case RK_V_PHONE:
                return RK_IDENT_PHONE;
        case RK_V_HETU:
                return RK_IDENT_HETU;
        default:
                return -1;
        }
}

/* The key from meta into key; *found false when there is none. */
static int read_key(sqlite3 *db, unsigned char key[crypto_generichash_KEYBYTES],
                    bool *found, struct rk_error *err)
{
        sqlite3_stmt *st;
        *found = false;
        int rc = rk_sql_cached(db, "SELECT value FROM meta WHERE key='" KEY_NAME "'", &st,
                               "reading the suppression key", err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                const char *hex = (const char *)sqlite3_column_text(st, 0);
                size_t len = 0;
                if (hex == NULL ||
                    sodium_hex2bin(key, crypto_generichash_KEYBYTES, hex, strlen(hex),
                                   NULL, &len, NULL) != 0 ||
                    len != crypto_generichash_KEYBYTES)
                        rc = rk_error_set(
                            err, RK_ERR_CORRUPT,
                            "the suppression key in the register is damaged");
                else
                        *found = true;
        } else if (src != SQLITE_DONE) {
                rc = rk_sql_fail(db, src, "reading the suppression key", err);
        }
        rk_sql_release(st);
        return rc;
}

int rk_suppress_ensure_key(sqlite3 *db, struct rk_error *err)
{
        unsigned char key[crypto_generichash_KEYBYTES];
        char hex[2 * crypto_generichash_KEYBYTES + 1];
        bool found = false;
        int rc = read_key(db, key, &found, err);
        if (rc != RK_OK || found) {
                sodium_memzero(key, sizeof(key));
                return rc;
        }
        randombytes_buf(key, sizeof(key));
        sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
        sqlite3_stmt *st;
        rc = rk_sql_prepare(
            db, "INSERT OR IGNORE INTO meta(key, value) VALUES('" KEY_NAME "', ?)", &st,
            "creating the suppression key", err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, "creating the suppression key", err);
                sqlite3_finalize(st);
        }
        sodium_memzero(key, sizeof(key));
        sodium_memzero(hex, sizeof(hex));
        return rc;
}

int rk_suppress_register_id(sqlite3 *db, char out[RK_SUPPRESS_ID_TEXT],
                            struct rk_error *err)
{
        static const char label[] = "rekisteri register id";
        unsigned char key[crypto_generichash_KEYBYTES], id[16];
        sqlite3_stmt *st;
        bool found = false;
        int rc = read_key(db, key, &found, err);
        /* a register that never needed the key makes it now */
        if (rc == RK_OK && !found)
                rc = rk_suppress_ensure_key(db, err);
        if (rc == RK_OK && !found)
                rc = read_key(db, key, &found, err);
        if (rc == RK_OK && !found)
                rc = rk_error_set(err, RK_ERR_INTERNAL, "the register has no key");
        if (rc == RK_OK) {
                crypto_generichash(id, sizeof(id), (const unsigned char *)label,
                                   sizeof(label) - 1, key, sizeof(key));
                sodium_bin2hex(out, RK_SUPPRESS_ID_TEXT, id, sizeof(id));
        }
        sodium_memzero(key, sizeof(key));
        /* kept in meta too, for people reading the file; a read-only copy
         * (another backup) computes it without keeping it */
        if (rc == RK_OK && sqlite3_prepare_v2(db,
                                              "INSERT OR IGNORE INTO meta(key, value) "
                                              "VALUES('register_id', ?)",
                                              -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
                (void)sqlite3_step(st);
                sqlite3_finalize(st);
        }
        return rc;
}

/* The value as hashed: e-mail lower-cased, identity codes upper-cased. */
static void fold(enum rk_ident_kind kind, const char *in, char *out, size_t size)
{
        size_t i = 0;
        for (; in[i] != '\0' && i + 1 < size; i++) {
                unsigned char c = (unsigned char)in[i];
                out[i] = (char)(kind == RK_IDENT_EMAIL  ? tolower(c)
                                : kind == RK_IDENT_HETU ? toupper(c)
                                                        : c);
        }
        out[i] = '\0';
}

int rk_suppress_hash(sqlite3 *db, enum rk_ident_kind kind, const char *normalised,
                     unsigned char out[RK_SUPPRESS_HASH_BYTES], bool *have_key,
                     struct rk_error *err)
{
        unsigned char key[crypto_generichash_KEYBYTES];
        char folded[512];
        int rc = read_key(db, key, have_key, err);
        if (rc == RK_OK && *have_key) {
                fold(kind, normalised, folded, sizeof(folded));
                crypto_generichash_state h;
                crypto_generichash_init(&h, key, sizeof(key), RK_SUPPRESS_HASH_BYTES);
                /* the kind is hashed in too: an e-mail never matches a phone */
                crypto_generichash_update(&h, (const unsigned char *)kind_names[kind],
                                          strlen(kind_names[kind]) + 1);
                crypto_generichash_update(&h, (const unsigned char *)folded,
                                          strlen(folded));
                crypto_generichash_final(&h, out, RK_SUPPRESS_HASH_BYTES);
                sodium_memzero(folded, sizeof(folded));
        }
        sodium_memzero(key, sizeof(key));
        return rc;
}

int rk_suppress_add(sqlite3 *db, const struct rk_ident_hash *h, int64_t now,
                    struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(db,
                           "INSERT OR IGNORE INTO suppressions(kind, hash, created_at)"
                           " VALUES(?,?,?)",
                           &st, "updating the suppression list", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, kind_names[h->kind], -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, h->hash, RK_SUPPRESS_HASH_BYTES, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "updating the suppression list", err);
}

int rk_suppress_contains(sqlite3 *db, const struct rk_ident_hash *h, bool *yes,
                         struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "SELECT 1 FROM suppressions WHERE kind=? AND hash=?",
                                &st, "reading the suppression list", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, kind_names[h->kind], -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, h->hash, RK_SUPPRESS_HASH_BYTES, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        *yes = src == SQLITE_ROW;
        return src == SQLITE_ROW || src == SQLITE_DONE
                   ? RK_OK
                   : rk_sql_fail(db, src, "reading the suppression list", err);
}

int rk_suppress_fingerprint(sqlite3 *db, int64_t contact_id,
                            unsigned char out[RK_SUPPRESS_HASH_BYTES],
                            struct rk_error *err)
{
        unsigned char key[crypto_generichash_KEYBYTES];
        bool found = false;
        sqlite3_stmt *st = NULL;
        int rc = rk_suppress_ensure_key(db, err);
        if (rc == RK_OK)
                rc = read_key(db, key, &found, err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(db,
                                    "SELECT id, name, ifnull(email,''), ifnull(phone,'')"
                                    " FROM contact_persons WHERE id=?",
                                    &st, "fingerprinting a contact person", err);
        if (rc == RK_OK) {
                sqlite3_bind_int64(st, 1, contact_id);
                int src = sqlite3_step(st);
                if (src == SQLITE_ROW) {
                        crypto_generichash_state h;
                        crypto_generichash_init(&h, key, sizeof(key),
                                                RK_SUPPRESS_HASH_BYTES);
                        for (int c = 0; c < 4; c++) {
                                const unsigned char *t = sqlite3_column_text(st, c);
                                crypto_generichash_update(&h, t,
                                                          strlen((const char *)t) + 1);
                        }
                        crypto_generichash_final(&h, out, RK_SUPPRESS_HASH_BYTES);
                } else if (src == SQLITE_DONE) {
                        rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such contact person");
                } else {
                        rc = rk_sql_fail(db, src, "fingerprinting a contact person", err);
                }
        }
        sqlite3_finalize(st);
        sodium_memzero(key, sizeof(key));
        return rc;
}

/* ---- collecting a customer's identifiers ------------------------------- */

struct hashes {
        struct rk_ident_hash *v;
        size_t n, cap;
};

static int push(sqlite3 *db, struct hashes *hs, enum rk_ident_kind kind,
                const char *value, struct rk_error *err)
{
        struct rk_ident_hash h = {.kind = kind};
        bool have_key = false;
        int rc = rk_suppress_hash(db, kind, value, h.hash, &have_key, err);
        if (rc != RK_OK || !have_key)
                return rc != RK_OK ? rc
                                   : rk_error_set(err, RK_ERR_INTERNAL,
                                                  "the suppression key is missing");
        for (size_t i = 0; i < hs->n; i++) {
                if (hs->v[i].kind == kind &&
                    memcmp(hs->v[i].hash, h.hash, RK_SUPPRESS_HASH_BYTES) == 0)
                        return RK_OK;
        }
        if (hs->n == hs->cap) {
                size_t cap = hs->cap ? hs->cap * 2 : 8;
                void *p = realloc(hs->v, cap * sizeof(*hs->v));
                if (p == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                hs->v = p;
                hs->cap = cap;
        }
        hs->v[hs->n++] = h;
        return RK_OK;
}

/* Hash the identifier fields of every row of kind that belongs to the
 * customer (key_col = id). */
static int collect_kind(sqlite3 *db, enum rk_record kind, const char *key_col, int64_t id,
                        struct hashes *hs, struct rk_error *err)
{
        struct rk_record_view *rows = NULL;
        size_t n = 0;
        int rc =
            rk_record_select(db, kind, RK_GROUPS_ALL, key_col, id, false, &rows, &n, err);
        for (size_t r = 0; r < n && rc == RK_OK; r++) {
                for (size_t i = 0; i < rows[r].n && rc == RK_OK; i++) {
                        const struct rk_value *v = &rows[r].values[i];
                        int k = rk_ident_kind_of(v->field);
                        if (k >= 0 && v->value != NULL && v->value[0] != '\0')
                                rc = push(db, hs, (enum rk_ident_kind)k, v->value, err);
                }
        }
        rk_record_views_free(rows, n);
        return rc;
}

int rk_suppress_collect(sqlite3 *db, int64_t customer_id, int64_t contact_id,
                        struct rk_ident_hash **out, size_t *n, struct rk_error *err)
{
        struct hashes hs = {*out, *n, *n};
        int rc = rk_suppress_ensure_key(db, err);
        if (rc == RK_OK && contact_id > 0)
                rc = collect_kind(db, RK_REC_CONTACT, "id", contact_id, &hs, err);
        if (rc == RK_OK && contact_id <= 0)
                rc = collect_kind(db, RK_REC_CUSTOMER, "id", customer_id, &hs, err);
        if (rc == RK_OK && contact_id <= 0)
                rc = collect_kind(db, RK_REC_CONTACT, "customer_id", customer_id, &hs,
                                  err);
        *out = hs.v;
        *n = hs.n;
        return rc;
}

/* ---- the check before saving ------------------------------------------- */

static int check_edit(sqlite3 *db, enum rk_record kind, const struct rk_edit *e,
                      bool *hit, struct rk_error *err)
{
        const struct rk_field *f = rk_fields_find(kind, e->column);
        if (f == NULL || rk_ident_kind_of(f) < 0 || e->value == NULL ||
            e->value[0] == '\0')
                return RK_OK;
        char *norm = NULL;
        struct rk_ident_hash h = {.kind = (enum rk_ident_kind)rk_ident_kind_of(f)};
        bool have_key = false;
        int rc = rk_record_check_value(kind, e->column, e->value, false, &norm, err);
        if (rc == RK_OK && norm != NULL)
                rc = rk_suppress_hash(db, h.kind, norm, h.hash, &have_key, err);
        if (rc == RK_OK && have_key)
                rc = rk_suppress_contains(db, &h, hit, err);
        free(norm);
        return rc;
}

int rk_customer_check_suppressed(struct rk_session *s, enum rk_record kind,
                                 const struct rk_edit *edits, size_t n, bool *suppressed,
                                 struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        sqlite3 *db = rk_register_db(rk_session_register(s));
        *suppressed = false;
        if (kind != RK_REC_CUSTOMER && kind != RK_REC_CONTACT)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "only customers and contact persons are checked");
        if (!rk_authorize_action(g, RK_ACTION_CUSTOMERS_CREATE) &&
            !rk_authorize_action(g, RK_ACTION_REQUESTS) &&
            !rk_authorize_write(g, RK_GROUP_IDENTITY))
                return rk_error_set(err, RK_ERR_DENIED,
                                    "your role may not add customers or contact persons");
        int rc = RK_OK;
        for (size_t i = 0; i < n && rc == RK_OK && !*suppressed; i++)
                rc = check_edit(db, kind, &edits[i], suppressed, err);
        if (rc == RK_OK && *suppressed)
                rc = rk_session_audit(s, "customer.suppressed", 0, "",
                                      rk_session_place(s), "flagged", NULL, err);
        return rc;
}
