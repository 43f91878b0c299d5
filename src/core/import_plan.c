/*
 * import_plan.c - opening a file for import and the preview (see
 * import.h): what each row would do, decided without writing anything.
 *
 * How a row's status is decided, in this order:
 *   1. its values (import_row.c): a refused value is an error;
 *   2. saved already: the row lies before where an interrupted import of
 *      the same file (same SHA-256) stopped;
 *   3. previously erased: an e-mail address, phone number or identity
 *      code of the row is on the suppression list (suppress.h);
 *   4. the same customer as an earlier row of the file: the same customer
 *      number, Y-tunnus, identity code or e-mail address;
 *   5. the register's matching (match.h, one rk_matcher for the whole
 *      file, its statements prepared once): a customer found by
 *      number or an identifier is an update, or unchanged when every
 *      value of the row is already stored; one that only resembles the
 *      row (a similar name in the same postal code) is a possible
 *      duplicate; a restricted customer is not touched (an error).
 *   Otherwise the row is a new customer.
 * Rows are kept in memory with their normalised values (the file is
 * limited to RK_CSV_MAX_ROWS rows), so saving does exactly what the
 * preview showed. The register is read PREVIEW_CHUNK rows at a time in
 * one read transaction (read_chunk), not one per statement: a row asks
 * the register a dozen questions, and each read transaction of its own
 * takes and drops the log's locks (system calls) again. Every thousand
 * rows the progress callback hears how far the reading is, and may ask it
 * to stop (im->stop: Esc, a signal); the preview then ends with
 * RK_ERR_STOPPED and keeps no rows.
 */
#include "rekisteri/customer.h"
#include "rekisteri/i18n.h"
#include "rekisteri/policy.h"
#include "rekisteri/suppress.h"
#include "rekisteri/validate.h"
#include "customer_db.h"
#include "import_db.h"
#include "match.h"
#include "sql.h"

#include <errno.h>
#include <sodium.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sqlite3 *rk_import_db(struct rk_import *im)
{
        return rk_custdb_db(im->session);
}

const char *rk_import_status_name(enum rk_import_status s)
{
        static const char *const names[RK_IMPORT_STATUS_COUNT] = {
            [RK_IMPORT_NEW] = N_("new"),
            [RK_IMPORT_UPDATE] = N_("update"),
            [RK_IMPORT_UNCHANGED] = N_("unchanged"),
            [RK_IMPORT_DUPLICATE] = N_("possible duplicate"),
            [RK_IMPORT_ERROR] = N_("error"),
            [RK_IMPORT_ERASED] = N_("previously erased"),
            [RK_IMPORT_SAVED] = N_("saved before"),
        };
        return s < RK_IMPORT_STATUS_COUNT ? _(names[s]) : "?";
}

int rk_import_file_hash(const char *path, char out[65], struct rk_error *err)
{
        crypto_hash_sha256_state h;
        unsigned char buf[65536], digest[crypto_hash_sha256_BYTES];
        FILE *f = fopen(path, "rb");
        if (f == NULL)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        crypto_hash_sha256_init(&h);
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                crypto_hash_sha256_update(&h, buf, n);
        bool bad = ferror(f);
        int e = errno;
        fclose(f);
        if (bad)
                return rk_error_set(err, RK_ERR_IO,
                                    _("%s: the file could not be read: %s"), path,
                                    strerror(e));
        crypto_hash_sha256_final(&h, digest);
        sodium_bin2hex(out, 65, digest, sizeof(digest));
        return RK_OK;
}

/* ---- opening ------------------------------------------------------------ */

static int take_header(struct rk_import *im, struct rk_csv_row *hdr, struct rk_error *err)
{
        size_t blank = 0;
        for (size_t c = 0; c < hdr->n; c++)
                blank += hdr->cells[c][0] == '\0';
        if (hdr->n == 0 || blank == hdr->n)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    _("the file has no header row: the first row must name "
                      "the columns"));
        if (hdr->bad_column > 0)
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("row 1, column %zu: bytes that are not valid %s"),
                                    hdr->bad_column, rk_csv_encoding_name(im->encoding));
        im->ncols = hdr->n;
        im->headers = hdr->cells;
        hdr->cells = NULL;
        hdr->n = 0;
        im->map = malloc(im->ncols * sizeof(*im->map));
        if (im->map == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        for (size_t c = 0; c < im->ncols; c++)
                im->map[c] = rk_import_guess_target(im->headers[c]);
        return RK_OK;
}

int rk_import_open(struct rk_session *s, const char *path, struct rk_import **out,
                   struct rk_error *err)
{
        *out = NULL;
        if (!rk_authorize_action(rk_session_grants(s), RK_ACTION_IMPORT))
                return rk_error_set(err, RK_ERR_DENIED, _("your role may not import"));
        struct rk_import *im = calloc(1, sizeof(*im));
        struct rk_csv_reader *r = NULL;
        struct rk_csv_row hdr = {0};
        if (im == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        im->session = s;
        im->path = strdup(path);
        const char *base = strrchr(path, '/');
        snprintf(im->name, sizeof(im->name), "%s", base ? base + 1 : path);
        int rc = im->path ? rk_csv_open(path, &r, err)
                          : rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        if (rc == RK_OK) {
                im->separator = rk_csv_separator(r);
                im->encoding = rk_csv_encoding(r);
                rc = rk_csv_next(r, &hdr, err);
        }
        if (rc == RK_OK)
                rc = take_header(im, &hdr, err);
        rk_csv_row_clear(&hdr);
        rk_csv_close(r);
        if (rc != RK_OK)
                rk_import_free(im);
        else
                *out = im;
        return rc;
}

/* ---- rows seen earlier in the file --------------------------------------- */

/* An open-addressing set of "target:value" keys, each with its row. */
struct seen {
        char **keys;
        size_t *rows;
        size_t cap, n;
};

static uint64_t fnv(const char *s)
{
        uint64_t h = 1469598103934665603ULL;
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return h;
}

static int seen_grow(struct seen *st)
{
        size_t cap = st->cap ? st->cap * 2 : 1024;
        struct seen bigger = {calloc(cap, sizeof(char *)), calloc(cap, sizeof(size_t)),
                              cap, st->n};
        if (bigger.keys == NULL || bigger.rows == NULL) {
                free(bigger.keys);
                free(bigger.rows);
                return RK_ERR_NOMEM;
        }
        for (size_t i = 0; i < st->cap; i++) {
                if (st->keys[i] == NULL)
                        continue;
                size_t j = fnv(st->keys[i]) & (cap - 1);
                while (bigger.keys[j] != NULL)
                        j = (j + 1) & (cap - 1);
                bigger.keys[j] = st->keys[i];
                bigger.rows[j] = st->rows[i];
        }
        free(st->keys);
        free(st->rows);
        *st = bigger;
        return RK_OK;
}

/* The row that had key first, or 0 after adding it for row. */
static int seen_check(struct seen *st, const char *key, size_t row, size_t *first)
{
        *first = 0;
        if ((st->n + 1) * 2 > st->cap && seen_grow(st) != RK_OK)
                return RK_ERR_NOMEM;
        size_t j = fnv(key) & (st->cap - 1);
        for (; st->keys[j] != NULL; j = (j + 1) & (st->cap - 1)) {
                if (strcmp(st->keys[j], key) == 0) {
                        *first = st->rows[j];
                        return RK_OK;
                }
        }
        if ((st->keys[j] = strdup(key)) == NULL)
                return RK_ERR_NOMEM;
        st->rows[j] = row;
        st->n++;
        return RK_OK;
}

static void seen_free(struct seen *st)
{
        for (size_t i = 0; i < st->cap; i++)
                free(st->keys[i]);
        free(st->keys);
        free(st->rows);
}

/* A row with no name that names a contact person, a consent or an order
 * line: it only adds them to a customer found by its key (an order history
 * names the customer by number or Y-tunnus on every line). */
static bool attaches(const struct rk_import_row *r)
{
        return r->values[rk_import_target_of("name")] == NULL &&
               (r->values[rk_import_target_of("contact_name")] != NULL ||
                r->values[rk_import_target_of("consent_purpose")] != NULL ||
                r->values[rk_import_target_of("order_number")] != NULL);
}

const struct rk_import_row *rk_import_find_row(const struct rk_import *im, size_t row)
{
        size_t lo = 0, hi = im->nrows;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (im->rows[mid].row < row)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < im->nrows && im->rows[lo].row == row ? &im->rows[lo] : NULL;
}

/* Who row r's customer is: a customer of the register (*id), or the one
 * an earlier row of the file creates (*row). */
static void owner_of(const struct rk_import *im, const struct rk_import_row *r,
                     int64_t *id, size_t *row)
{
        const struct rk_import_row *first;
        while (r->match_id == 0 && r->same_as_row &&
               (first = rk_import_find_row(im, r->same_as_row)) != NULL && first != r)
                r = first;
        *id = r->match_id;
        *row = r->row;
}

static int order_line_new(sqlite3 *db, int64_t id, struct rk_import_row *r,
                          struct rk_error *err);

/* The customer whose order is numbered number in the register, or 0. */
static int order_owner(sqlite3 *db, const char *number, int64_t *id, char *customer,
                       struct rk_error *err)
{
        sqlite3_stmt *st;
        bool row = false;
        *id = 0;
        int rc = rk_sql_cached(db,
                               "SELECT o.customer_id, c.number FROM orders o"
                               " JOIN customers c ON c.id=o.customer_id WHERE o.number=?",
                               &st, "reading the orders", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        rc = rk_sql_row(st, &row, "reading the orders", err);
        if (rc == RK_OK && row) {
                *id = sqlite3_column_int64(st, 0);
                snprintf(customer, 16, "%s", (const char *)sqlite3_column_text(st, 1));
        }
        rk_sql_release(st);
        return rc;
}

/* A row that names no customer at all (only what it adds). */
static bool no_customer(const struct rk_import_row *r)
{
        for (size_t t = 0; t < rk_import_target_count(); t++) {
                const struct rk_field *f = rk_import_target_field(t);
                bool customer = f == NULL || f->record == RK_REC_CUSTOMER;
                if (customer && r->values[t] != NULL &&
                    strcmp(rk_import_target_name(t), "kind"))
                        return false;
        }
        return true;
}

/* Row r, a further line of the order an earlier row began: it goes to that
 * row's customer (id_a in the register, or the one row row_a creates). */
static int join_order(struct rk_import *im, struct rk_import_row *r,
                      const struct rk_import_row *first, int64_t id_a, size_t row_a,
                      struct rk_error *err)
{
        r->status = RK_IMPORT_UPDATE;
        r->match_id = id_a;
        r->same_as_row = id_a > 0 ? 0 : row_a;
        snprintf(r->match_number, sizeof(r->match_number), "%s", first->match_number);
        r->match_why = first->match_why;
        r->match_version = first->match_version;
        r->changed = 0;
        r->add_order = true; /* a new customer's order has no lines yet */
        int rc = id_a > 0 ? order_line_new(rk_import_db(im), id_a, r, err) : RK_OK;
        if (rc == RK_OK && r->status == RK_IMPORT_UPDATE && !r->add_order)
                r->status = RK_IMPORT_UNCHANGED;
        return rc;
}

/* An order number is one customer's: a later line of the file under the
 * same number for another customer is an error of its row. */
static int one_owner(struct rk_import *im, struct seen *st, struct rk_import_row *r,
                     struct rk_error *err)
{
        const char *number = r->values[rk_import_target_of("order_number")];
        char key[300];
        size_t first_row = 0, row_a, row_b;
        int64_t id_a, id_b;
        if (number == NULL || r->status == RK_IMPORT_ERROR)
                return RK_OK;
        snprintf(key, sizeof(key), "order:%s", number);
        if (seen_check(st, key, r->row, &first_row) != RK_OK)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        const struct rk_import_row *first =
            first_row ? rk_import_find_row(im, first_row) : NULL;
        if (first == NULL &&
            no_customer(r)) { /* a further line of an order saved before */
                struct rk_import_row known = {.match_why =
                                                  rk_match_reason_label(RK_MATCH_NUMBER)};
                int64_t id = 0;
                int rc =
                    order_owner(rk_import_db(im), number, &id, known.match_number, err);
                return rc != RK_OK || id == 0 ? rc
                                              : join_order(im, r, &known, id, 0, err);
        }
        if (first == NULL)
                return RK_OK;
        owner_of(im, first, &id_a, &row_a);
        if (no_customer(r)) /* a further line of an order: its order's customer */
                return join_order(im, r, first, id_a, row_a, err);
        owner_of(im, r, &id_b, &row_b);
        if (id_a > 0 ? id_a == id_b : row_a == row_b)
                return RK_OK;
        char msg[200];
        snprintf(msg, sizeof(msg),
                 _("row %zu: the order number belongs to another customer's order"),
                 r->row);
        r->status = RK_IMPORT_ERROR;
        r->message = strdup(msg);
        return r->message ? RK_OK : rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
}

static int same_in_file(const struct rk_import *im, struct seen *st,
                        struct rk_import_row *r, struct rk_error *err)
{
        static const char *const keys[] = {"number", "business_id", "hetu", "email"};
        for (size_t k = 0; k < sizeof(keys) / sizeof(*keys) && !r->same_as_row; k++) {
                const char *v = r->values[rk_import_target_of(keys[k])];
                char key[300];
                if (v == NULL)
                        continue;
                snprintf(key, sizeof(key), "%s:%s", keys[k], v);
                if (seen_check(st, key, r->row, &r->same_as_row) != RK_OK)
                        return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        const struct rk_import_row *first =
            r->same_as_row ? rk_import_find_row(im, r->same_as_row) : NULL;
        if (first != NULL && attaches(r) && first->status != RK_IMPORT_NEW) {
                /* the earlier row's customer is in the register: look there */
                r->same_as_row = 0;
        } else if (r->same_as_row && attaches(r)) {
                /* one row per contact person: it adds to the earlier row's customer */
                r->status = RK_IMPORT_UPDATE;
                r->add_contact = r->values[rk_import_target_of("contact_name")] != NULL;
                r->add_consent =
                    r->values[rk_import_target_of("consent_purpose")] != NULL;
                r->add_order = r->values[rk_import_target_of("order_number")] != NULL;
        } else if (r->same_as_row) {
                r->status = RK_IMPORT_DUPLICATE;
        }
        return RK_OK;
}

/* ---- the register ----------------------------------------------------------- */

static int erased(sqlite3 *db, struct rk_import_row *r, struct rk_error *err)
{
        static const struct {
                const char *target;
                enum rk_ident_kind kind;
        } idents[] = {
            {"email", RK_IDENT_EMAIL},         {"invoice_email", RK_IDENT_EMAIL},
            {"phone", RK_IDENT_PHONE},         {"hetu", RK_IDENT_HETU},
            {"contact_email", RK_IDENT_EMAIL}, {"contact_phone", RK_IDENT_PHONE}};
        bool hit = false;
        int rc = RK_OK;
        for (size_t i = 0; i < sizeof(idents) / sizeof(*idents) && rc == RK_OK && !hit;
             i++) {
                const char *v = r->values[rk_import_target_of(idents[i].target)];
                struct rk_ident_hash h = {.kind = idents[i].kind};
                bool have_key = false;
                if (v == NULL)
                        continue;
                rc = rk_suppress_hash(db, h.kind, v, h.hash, &have_key, err);
                if (rc == RK_OK && have_key)
                        rc = rk_suppress_contains(db, &h, &hit, err);
        }
        if (hit)
                r->status = RK_IMPORT_ERASED;
        return rc;
}

/* The register's matching (match.h), asked with the row's values. */
static int find_customer(struct rk_matcher *m, const struct rk_import_row *r,
                         struct rk_match_hit *hit, struct rk_error *err)
{
        const char *const *v = (const char *const *)r->values;
        struct rk_match_probe p = {
            .number = v[rk_import_target_of("number")],
            .kind = v[rk_import_target_of("kind")],
            .name = v[rk_import_target_of("name")],
            .business_id = v[rk_import_target_of("business_id")],
            .hetu = v[rk_import_target_of("hetu")],
            .email = v[rk_import_target_of("email")],
            .phone = v[rk_import_target_of("phone")],
            .postal_code = v[rk_import_target_of("postal_code")],
        };
        return rk_matcher_find(m, &p, hit, err);
}

/* Which of the row's customer values differ from the stored customer's. */
static void compare(const struct rk_import *im, const struct rk_record_view *stored,
                    struct rk_import_row *r)
{
        bool kind_given = false;
        for (size_t c = 0; c < im->ncols; c++)
                kind_given |= im->map[c] == rk_import_target_of("kind");
        for (size_t t = 1; t < rk_import_target_count(); t++) {
                const struct rk_field *f = rk_import_target_field(t);
                if (f == NULL || f->record != RK_REC_CUSTOMER)
                        continue;
                /* a kind the file does not give (guessed for a new customer)
                 * never turns a company into a person */
                if ((int)t == rk_import_target_of("kind") && !kind_given)
                        continue;
                const char *mine = r->values[t];
                const char *theirs = rk_record_get(stored, rk_import_target_name(t));
                if (mine != NULL && (theirs == NULL || strcmp(mine, theirs) != 0))
                        r->changed |= RK_IMPORT_BIT(t);
        }
}

/* Does customer id have a row for sql's ?2 (a contact person's name, a
 * consent's purpose in force)? */
static int has(sqlite3 *db, const char *sql, int64_t id, const char *value, bool *yes,
               struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_cached(db, sql, &st, "reading the customer", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        rc = rk_sql_row(st, yes, "reading the customer", err);
        rk_sql_release(st);
        return rc;
}

/* Whether the row's order line is new: no order of that number, or one of
 * customer id without this line. An order number of another customer is
 * an error of the row. */
static int order_line_new(sqlite3 *db, int64_t id, struct rk_import_row *r,
                          struct rk_error *err)
{
        const char *const *v = (const char *const *)r->values;
        const char *number = v[rk_import_target_of("order_number")];
        sqlite3_stmt *st;
        bool row = false;
        r->add_order = number != NULL;
        if (number == NULL)
                return RK_OK;
        int rc = rk_sql_prepare(
            db,
            "SELECT o.customer_id, EXISTS(SELECT 1 FROM order_lines l WHERE "
            "l.order_id=o.id"
            " AND l.product=?2 AND l.quantity=?3 AND l.unit_price_cents=coalesce(?4,0))"
            " FROM orders o WHERE o.number=?1",
            &st, "reading the orders", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, v[rk_import_target_of("product")], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, v[rk_import_target_of("quantity")], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, v[rk_import_target_of("unit_price")], -1, SQLITE_STATIC);
        rc = rk_sql_row(st, &row, "reading the orders", err);
        int64_t owner = row ? sqlite3_column_int64(st, 0) : 0;
        r->add_order = !row || sqlite3_column_int(st, 1) == 0;
        sqlite3_finalize(st);
        if (rc == RK_OK && row && owner != id) {
                char msg[200];
                snprintf(
                    msg, sizeof(msg),
                    _("row %zu: the order number belongs to another customer's order"),
                    r->row);
                r->status = RK_IMPORT_ERROR;
                if ((r->message = strdup(msg)) == NULL)
                        rc = rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        return rc;
}

/* Whether the row's contact person and consent are new to customer id
 * (0: a new customer), and a contact person only for a company. */
static int children(sqlite3 *db, int64_t id, const char *kind, struct rk_import_row *r,
                    struct rk_error *err)
{
        const char *name = r->values[rk_import_target_of("contact_name")];
        const char *purpose = r->values[rk_import_target_of("consent_purpose")];
        bool yes = false;
        int rc = RK_OK;
        if (name != NULL && id > 0)
                rc = has(db,
                         "SELECT 1 FROM contact_persons WHERE customer_id=?1"
                         " AND lower(name)=lower(?2)",
                         id, name, &yes, err);
        r->add_contact = name != NULL && !yes;
        yes = false;
        if (rc == RK_OK && purpose != NULL && id > 0)
                rc = has(db,
                         "SELECT 1 FROM consents WHERE customer_id=?1 AND purpose=?2"
                         " AND withdrawn_on IS NULL",
                         id, purpose, &yes, err);
        r->add_consent = purpose != NULL && !yes;
        if (rc == RK_OK)
                rc = order_line_new(db, id, r, err);
        if (rc == RK_OK && r->add_contact &&
            (kind == NULL || strcmp(kind, "company") != 0)) {
                char msg[200];
                snprintf(
                    msg, sizeof(msg),
                    _("row %zu: only a company has contact persons; this customer is "
                      "a person"),
                    r->row);
                r->status = RK_IMPORT_ERROR;
                if ((r->message = strdup(msg)) == NULL)
                        rc = rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        return rc;
}

static int against_register(struct rk_import *im, struct rk_matcher *m,
                            struct rk_import_row *r, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        struct rk_match_hit hit;
        memset(&hit, 0, sizeof(hit));
        int rc = find_customer(m, r, &hit, err);
        if (rc != RK_OK || hit.reason == RK_MATCH_NONE)
                return rc;
        r->match_id = hit.customer_id;
        snprintf(r->match_number, sizeof(r->match_number), "%s", hit.number);
        r->match_why = rk_match_reason_label(hit.reason);
        if (hit.reason == RK_MATCH_SIMILAR_NAME) {
                r->status = RK_IMPORT_DUPLICATE;
                return RK_OK;
        }
        struct rk_record_view stored;
        bool restricted = false;
        rc = rk_custdb_open(db, rk_session_grants(im->session), hit.customer_id, NULL,
                            &r->match_version, &restricted, err);
        if (rc == RK_OK)
                rc = rk_record_load(db, RK_REC_CUSTOMER, hit.customer_id, &stored, err);
        if (rc != RK_OK)
                return rc;
        compare(im, &stored, r);
        r->status = RK_IMPORT_UNCHANGED;
        rc = children(db, hit.customer_id, rk_record_get(&stored, "kind"), r, err);
        rk_record_view_clear(&stored);
        if (rc != RK_OK || r->status == RK_IMPORT_ERROR)
                return rc;
        bool changes = r->changed || r->add_contact || r->add_consent || r->add_order;
        r->status = changes ? RK_IMPORT_UPDATE : RK_IMPORT_UNCHANGED;
        if (restricted && changes) {
                char msg[256];
                snprintf(msg, sizeof(msg),
                         _("row %zu: customer %s is restricted (GDPR Art. 18); an import "
                           "does not change it"),
                         r->row, r->match_number);
                r->status = RK_IMPORT_ERROR;
                r->message = strdup(msg);
                if (r->message == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        return RK_OK;
}

/* The row where an unfinished import of the same file stopped. */
static int find_resume(struct rk_import *im, struct rk_error *err)
{
        sqlite3_stmt *st;
        im->resume_after = 0;
        im->job_id = 0;
        int rc = rk_sql_prepare(rk_import_db(im),
                                "SELECT id, done_row FROM import_jobs WHERE file_hash=?"
                                " AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
                                &st, "reading the imports", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, im->sha256, -1, SQLITE_STATIC);
        bool row = false;
        rc = rk_sql_row(st, &row, "reading the imports", err);
        if (rc == RK_OK && row) {
                im->job_id = sqlite3_column_int64(st, 0);
                im->resume_after = (size_t)sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        return rc;
}

/* ---- the preview ---------------------------------------------------------------- */

static void rows_clear(struct rk_import *im)
{
        for (size_t i = 0; i < im->nrows; i++)
                rk_import_row_clear(&im->rows[i]);
        free(im->rows);
        im->rows = NULL;
        im->nrows = 0;
        memset(im->counts, 0, sizeof(im->counts));
}

static int classify(struct rk_import *im, struct seen *st, struct rk_matcher *m,
                    struct rk_import_row *r, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        int rc = RK_OK;
        if (r->status == RK_IMPORT_ERROR)
                return RK_OK;
        if (r->row <= im->resume_after) {
                r->status = RK_IMPORT_SAVED;
                return RK_OK;
        }
        rc = erased(db, r, err);
        if (rc == RK_OK && r->status == RK_IMPORT_NEW)
                rc = same_in_file(im, st, r, err);
        if (rc == RK_OK && r->status == RK_IMPORT_NEW)
                rc = against_register(im, m, r, err);
        if (rc == RK_OK && r->status != RK_IMPORT_UPDATE &&
            r->status != RK_IMPORT_UNCHANGED && r->status != RK_IMPORT_ERROR &&
            !no_customer(r))
                rc = children(db, 0, r->values[rk_import_target_of("kind")], r, err);
        if (rc == RK_OK)
                rc = one_owner(im, st, r, err);
        if (rc == RK_OK && r->status != RK_IMPORT_UPDATE &&
            r->status != RK_IMPORT_UNCHANGED && r->status != RK_IMPORT_ERROR)
                rc = rk_import_row_need_name(im, r, err);
        return rc;
}

#define PREVIEW_CHUNK 1000

/* End the read transaction of the last chunk (when read_chunk began one,
 * and SQLite has not already ended it after an I/O error) and, with more
 * true, begin the next one. Nothing is written in it; a caller already in
 * a transaction reads in that one. */
static int read_chunk(sqlite3 *db, bool *mine, bool more, struct rk_error *err)
{
        int rc = RK_OK;
        if (*mine && !sqlite3_get_autocommit(db))
                rc = rk_sql_exec(db, "COMMIT", "reading customer data", err);
        *mine = false;
        if (rc == RK_OK && more && sqlite3_get_autocommit(db)) {
                rc = rk_sql_exec(db, "BEGIN", "reading customer data", err);
                *mine = rc == RK_OK;
        }
        return rc;
}

static int read_rows(struct rk_import *im, struct rk_csv_reader *rd,
                     rk_import_progress progress, void *ctx, int64_t size,
                     struct rk_error *err)
{
        struct seen st = {0};
        struct rk_csv_row cr = {0};
        size_t cap = 0;
        struct rk_matcher *m = NULL;
        bool reading = false;
        int rc = rk_matcher_open(rk_import_db(im), &m, err);
        if (rc == RK_OK)
                rc = rk_csv_next(rd, &cr, err); /* the header */
        while (rc == RK_OK && (rc = rk_csv_next(rd, &cr, err)) == RK_OK && cr.n > 0) {
                if (im->nrows % PREVIEW_CHUNK == 0)
                        rc = read_chunk(rk_import_db(im), &reading, true, err);
                if (rc != RK_OK)
                        break;
                if (im->nrows == cap) {
                        size_t ncap = cap ? cap * 2 : 256;
                        void *p = realloc(im->rows, ncap * sizeof(*im->rows));
                        if (p == NULL) {
                                rc = rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
                                break;
                        }
                        im->rows = p;
                        cap = ncap;
                }
                struct rk_import_row *r = &im->rows[im->nrows++];
                rc = rk_import_row_read(im, &cr, r, err);
                if (rc == RK_OK)
                        rc = classify(im, &st, m, r, err);
                if (rc == RK_OK)
                        im->counts[r->status]++;
                if (rc == RK_OK && progress != NULL && im->nrows % 1000 == 0) {
                        progress(ctx, rk_csv_bytes_read(rd), size);
                        if (im->stop) /* asked by the callback: Esc, a signal */
                                rc = rk_error_set(err, RK_ERR_STOPPED,
                                                  "the preview of %s stopped after row "
                                                  "%zu: nothing was saved",
                                                  im->name, r->row);
                }
        }
        /* after a failure, ending the chunk must not replace its message */
        struct rk_error end_err;
        int end =
            read_chunk(rk_import_db(im), &reading, false, rc == RK_OK ? err : &end_err);
        if (rc == RK_OK)
                rc = end;
        rk_csv_row_clear(&cr);
        rk_matcher_close(m);
        seen_free(&st);
        return rc;
}

int rk_import_preview(struct rk_import *im, rk_import_progress progress, void *ctx,
                      struct rk_error *err)
{
        struct rk_csv_reader *rd = NULL;
        struct stat sb;
        rows_clear(im);
        im->stop = false;
        int rc = rk_import_map_check(im, err);
        if (rc == RK_OK)
                rc = rk_import_file_hash(im->path, im->sha256, err);
        if (rc == RK_OK)
                rc = find_resume(im, err);
        if (rc == RK_OK)
                rc = rk_csv_open(im->path, &rd, err);
        if (rc == RK_OK) {
                int64_t size = stat(im->path, &sb) == 0 ? (int64_t)sb.st_size : 0;
                rc = read_rows(im, rd, progress, ctx, size, err);
                if (progress != NULL && rc != RK_ERR_STOPPED)
                        progress(ctx, size, size);
        }
        rk_csv_close(rd);
        if (rc == RK_OK && im->counts[RK_IMPORT_ERASED] > 0) {
                char n[32];
                snprintf(n, sizeof(n), "%zu", im->counts[RK_IMPORT_ERASED]);
                rc = rk_session_audit(im->session, "import.suppressed", 0, "",
                                      rk_session_place(im->session), "flagged", n, err);
        }
        if (rc != RK_OK)
                rows_clear(im);
        return rc;
}

/* ---- confirmations -------------------------------------------------------------- */

int rk_import_confirm(struct rk_import *im, size_t row, const char *reason,
                      struct rk_error *err)
{
        struct rk_import_row *r = NULL;
        for (size_t i = 0; i < im->nrows && r == NULL; i++)
                r = im->rows[i].row == row ? &im->rows[i] : NULL;
        /* saved (confirmed) by the interrupted run of this file that this
         * one resumes: the same command line runs again */
        if (r != NULL && r->status == RK_IMPORT_SAVED)
                return RK_OK;
        if (r == NULL ||
            (r->status != RK_IMPORT_ERASED && r->status != RK_IMPORT_DUPLICATE))
                return rk_error_set(
                    err, RK_ERR_NOTFOUND,
                    _("row %zu is neither previously erased nor a possible "
                      "duplicate"),
                    row);
        if (r->status == RK_IMPORT_ERASED) {
                if (reason == NULL || reason[0] == '\0')
                        return rk_error_set(err, RK_ERR_INVALID,
                                            _("row %zu: importing a previously erased "
                                              "person needs a reason"),
                                            row);
                int rc = rk_text_refuse_hetu(_("Reason"), reason, err);
                if (rc != RK_OK)
                        return rc;
                free(r->reason);
                if ((r->reason = strdup(reason)) == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        r->confirmed = true;
        return RK_OK;
}

void rk_import_free(struct rk_import *im)
{
        if (im == NULL)
                return;
        rows_clear(im);
        for (size_t c = 0; c < im->ncols && im->headers; c++)
                free(im->headers[c]);
        free(im->headers);
        free(im->map);
        free(im->path);
        free(im);
}
