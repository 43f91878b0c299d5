/*
 * products.c - the product catalogue (see products.h).
 *
 * How it works: each typed value is checked with rk_field_check against a
 * field description of its own (the catalogue is not personal data, so it
 * is not in the classification table of fields.c), the VAT rate also
 * against the configured rates. A change is BEGIN IMMEDIATE, the row
 * write (UPDATE with "version = expected" when a version is given), the
 * audit row (who, which product code as the target, which fields; never
 * the values) and COMMIT, or a rollback that leaves nothing behind.
 */
#include "product_db.h"
#include "rekisteri/i18n.h"
#include "rekisteri/audit.h"
#include "rekisteri/fields.h"
#include "rekisteri/money.h"
#include "rekisteri/record.h"
#include "rekisteri/register.h"
#include "sql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WHAT N_("changing the product catalogue")

static const struct rk_field f_name = {
    .label = "Name", .validator = RK_V_TEXT, .max_chars = RK_PRODUCT_NAME_MAX};
static const struct rk_field f_unit = {
    .label = "Unit", .validator = RK_V_TEXT, .max_chars = RK_PRODUCT_UNIT_MAX};
static const struct rk_field f_price = {
    .label = "Unit price", .validator = RK_V_MONEY, .max_chars = 12};

/* ---- checking ---------------------------------------------------------- */

/* A code as typed into capitals; RK_ERR_INVALID naming "Code". */
static int check_code(const char *in, char out[RK_PRODUCT_CODE_MAX + 1],
                      struct rk_error *err)
{
        size_t n = in ? strlen(in) : 0;
        if (n == 0 || n > RK_PRODUCT_CODE_MAX)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "Code: give 1 to %d letters, digits, '-', '_' or '.'",
                                    RK_PRODUCT_CODE_MAX);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)in[i];
                if (!isalnum(c) && c != '-' && c != '_' && c != '.')
                        return rk_error_set(
                            err, RK_ERR_INVALID,
                            "Code: use only letters A-Z, digits, '-', '_' or '.'");
                out[i] = (char)toupper(c);
        }
        out[n] = '\0';
        return RK_OK;
}

/* Check one text field into out; required fields refuse "". */
static int check_text(const struct rk_field *f, const char *in, char *out, size_t size,
                      struct rk_error *err)
{
        int rc = rk_field_check(f, in, NULL, out, size, err);
        if (rc == RK_OK && out[0] == '\0')
                rc = rk_error_set(err, RK_ERR_INVALID, "%s: is required", f->label);
        return rc;
}

static int check_vat(const struct rk_config *cfg, const char *in, int *bp,
                     struct rk_error *err)
{
        struct rk_vat_rates rates;
        char list[128] = "";
        int rc = rk_vat_rate_parse(in, bp, err);
        if (rc == RK_OK)
                rc = rk_vat_rates_parse(cfg->vat_rates, &rates, err);
        if (rc != RK_OK || rk_vat_rates_has(&rates, *bp))
                return rc;
        for (size_t i = 0; i < rates.n; i++) {
                char one[24];
                size_t used = strlen(list);
                snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                         rk_vat_rate_format(rates.bp[i], one, sizeof(one)));
        }
        return rk_error_set(err, RK_ERR_INVALID,
                            "VAT rate: use one of the rates in force: %s", list);
}

/* Check the fields of in that are given into p; *fields gets their names. */
static int check_in(const struct rk_config *cfg, const struct rk_product_in *in,
                    struct rk_product *p, char *fields, size_t size, struct rk_error *err)
{
        char cents[32];
        int rc = RK_OK;
        fields[0] = '\0';
        if (in->name != NULL) {
                rc = check_text(&f_name, in->name, p->name, sizeof(p->name), err);
                strncat(fields, "name,", size - strlen(fields) - 1);
        }
        if (rc == RK_OK && in->unit != NULL) {
                rc = check_text(&f_unit, in->unit, p->unit, sizeof(p->unit), err);
                strncat(fields, "unit,", size - strlen(fields) - 1);
        }
        if (rc == RK_OK && in->price != NULL) {
                rc = check_text(&f_price, in->price, cents, sizeof(cents), err);
                p->price_cents = strtoll(cents, NULL, 10);
                strncat(fields, "unit_price,", size - strlen(fields) - 1);
        }
        if (rc == RK_OK && in->vat != NULL) {
                rc = check_vat(cfg, in->vat, &p->vat_bp, err);
                strncat(fields, "vat_rate,", size - strlen(fields) - 1);
        }
        size_t len = strlen(fields);
        if (len > 0)
                fields[len - 1] = '\0';
        return rc;
}

int rk_product_check(const struct rk_config *cfg, const struct rk_product_in *in,
                     struct rk_error *err)
{
        struct rk_product p;
        char fields[64];
        int rc = in->code != NULL ? check_code(in->code, p.code, err) : RK_OK;
        return rc == RK_OK ? check_in(cfg, in, &p, fields, sizeof(fields), err) : rc;
}

static int may_edit(struct rk_session *s, struct rk_error *err)
{
        if (rk_authorize_action(rk_session_grants(s), RK_ACTION_PRODUCTS))
                return RK_OK;
        return rk_error_set(err, RK_ERR_DENIED,
                            "your role may not change the product catalogue");
}

static int may_read(struct rk_session *s, struct rk_error *err)
{
        const struct rk_grants *g = rk_session_grants(s);
        if (rk_authorize_read(g, RK_GROUP_ORDERS) ||
            rk_authorize_action(g, RK_ACTION_PRODUCTS))
                return RK_OK;
        return rk_error_set(err, RK_ERR_DENIED, "your role may not read the catalogue");
}

/* ---- reading ----------------------------------------------------------- */

#define COLUMNS "id, version, code, name, unit, unit_price_cents, vat_rate_bp, active"

static void read_row(sqlite3_stmt *st, struct rk_product *p)
{
        memset(p, 0, sizeof(*p));
        p->id = sqlite3_column_int64(st, 0);
        p->version = sqlite3_column_int64(st, 1);
        snprintf(p->code, sizeof(p->code), "%s",
                 (const char *)sqlite3_column_text(st, 2));
        snprintf(p->name, sizeof(p->name), "%s",
                 (const char *)sqlite3_column_text(st, 3));
        snprintf(p->unit, sizeof(p->unit), "%s",
                 (const char *)sqlite3_column_text(st, 4));
        p->price_cents = sqlite3_column_int64(st, 5);
        p->vat_bp = sqlite3_column_int(st, 6);
        p->active = sqlite3_column_int(st, 7) != 0;
}

static int fill_row(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        (void)ctx;
        (void)err;
        read_row(st, item);
        return RK_OK;
}

int rk_product_lookup(sqlite3 *db, const char *code, struct rk_product *out,
                      struct rk_error *err)
{
        sqlite3_stmt *st;
        char key[RK_PRODUCT_CODE_MAX + 1];
        struct rk_error ignore;
        if (check_code(code, key, &ignore) != RK_OK)
                return rk_error_set(err, RK_ERR_NOTFOUND, "no product with code %.*s",
                                    RK_PRODUCT_CODE_MAX, code ? code : "");
        int rc = rk_sql_prepare(db, "SELECT " COLUMNS " FROM products WHERE code=?", &st,
                                "reading the catalogue", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                read_row(st, out);
        else if (src == SQLITE_DONE)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no product with code %s", key);
        else
                rc = rk_sql_fail(db, src, "reading the catalogue", err);
        sqlite3_finalize(st);
        return rc;
}

int rk_product_get(struct rk_session *s, const char *code, struct rk_product *out,
                   struct rk_error *err)
{
        int rc = may_read(s, err);
        return rc == RK_OK ? rk_product_lookup(rk_register_db(rk_session_register(s)),
                                               code, out, err)
                           : rc;
}

int rk_products_find(struct rk_session *s, const char *query, bool active_only,
                     size_t limit, struct rk_product **out, size_t *n,
                     struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        sqlite3_stmt *st = NULL;
        char like[RK_PRODUCT_NAME_MAX * 4 + 8];
        *out = NULL;
        *n = 0;
        int rc = may_read(s, err);
        if (rc != RK_OK)
                return rc;
        if (limit < 1 || limit > RK_PRODUCTS_MAX)
                return rk_error_set(err, RK_ERR_INVALID, "list products %d at a time",
                                    RK_PRODUCTS_MAX);
        /* LIKE's own wildcards in the query are matched as themselves */
        size_t k = 0;
        for (const char *q = query ? query : ""; *q && k + 3 < sizeof(like); q++) {
                if (*q == '%' || *q == '_' || *q == '\\')
                        like[k++] = '\\';
                like[k++] = *q;
        }
        like[k] = '\0';
        rc = rk_sql_prepare(
            db,
            "SELECT " COLUMNS " FROM products WHERE (active OR NOT ?1)"
            " AND (code LIKE ?2 || '%' ESCAPE '\\'"
            "  OR name LIKE '%' || ?2 || '%' ESCAPE '\\')"
            " ORDER BY code LIKE ?2 || '%' ESCAPE '\\' DESC, code LIMIT ?3",
            &st, "reading the catalogue", err);
        struct rk_sql_array a = {0};
        if (rc == RK_OK && limit > 0) {
                sqlite3_bind_int(st, 1, active_only ? 1 : 0);
                sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
                rc = rk_sql_collect(st, sizeof(**out), limit, fill_row, NULL, &a,
                                    "reading the catalogue", err);
        }
        sqlite3_finalize(st);
        *out = a.v;
        *n = a.n;
        if (rc != RK_OK) {
                free(*out);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

/* ---- changing ---------------------------------------------------------- */

/* Audit the change inside the open transaction, then commit. */
static int finish(struct rk_session *s, int rc, const char *action, const char *code,
                  const char *fields, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        struct rk_audit_event ev = {.action = action,
                                    .subject = 0,
                                    .groups = "",
                                    .fields = fields,
                                    .screen = rk_session_place(s),
                                    .result = "ok",
                                    .target = code};
        if (rc == RK_OK)
                rc = rk_audit_append(
                    db, rk_session_actor(s), &ev, (int64_t)time(NULL),
                    rk_register_config(rk_session_register(s))->audit_epoch_rows, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, WHAT, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

static int insert(sqlite3 *db, const struct rk_product *p, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "INSERT INTO products(code, name, unit, unit_price_cents,"
                                " vat_rate_bp, created_at, updated_at)"
                                " VALUES(?,?,?,?,?,?,?6)",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, p->unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, p->price_cents);
        sqlite3_bind_int(st, 5, p->vat_bp);
        sqlite3_bind_int64(st, 6, (int64_t)time(NULL));
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if ((src & 0xff) == SQLITE_CONSTRAINT)
                return rk_error_set(err, RK_ERR_EXISTS, "Code: %s is already in use",
                                    p->code);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, WHAT, err);
}

int rk_product_add(struct rk_session *s, const struct rk_product_in *in,
                   struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        struct rk_product p;
        char fields[64];
        memset(&p, 0, sizeof(p));
        int rc = may_edit(s, err);
        if (rc == RK_OK)
                rc = check_code(in->code, p.code, err);
        if (rc == RK_OK && (!in->name || !in->unit || !in->price || !in->vat))
                rc = rk_error_set(err, RK_ERR_INVALID, "%s: is required",
                                  !in->name    ? "Name"
                                  : !in->unit  ? "Unit"
                                  : !in->price ? "Unit price"
                                               : "VAT rate");
        if (rc == RK_OK)
                rc = check_in(rk_register_config(rk_session_register(s)), in, &p, fields,
                              sizeof(fields), err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, WHAT, err);
        if (rc != RK_OK)
                return rc;
        return finish(s, insert(db, &p, err), "product.add", p.code, fields, err);
}

/* Write p back if it is still at expected (0: any). */
static int update(sqlite3 *db, const struct rk_product *p, int64_t expected,
                  struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "UPDATE products SET name=?, unit=?, unit_price_cents=?,"
                                " vat_rate_bp=?, active=?, version=version+1,"
                                " updated_at=? WHERE id=? AND (?8=0 OR version=?8)",
                                &st, WHAT, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p->unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, p->price_cents);
        sqlite3_bind_int(st, 4, p->vat_bp);
        sqlite3_bind_int(st, 5, p->active ? 1 : 0);
        sqlite3_bind_int64(st, 6, (int64_t)time(NULL));
        sqlite3_bind_int64(st, 7, p->id);
        sqlite3_bind_int64(st, 8, expected);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, WHAT, err);
        if (sqlite3_changes(db) != 1)
                return rk_error_set(err, RK_ERR_CONFLICT,
                                    "product %s: changed by someone else since you "
                                    "opened it",
                                    p->code);
        return RK_OK;
}

/* Load code inside a new write transaction; rolled back on failure. */
static int begin_on(struct rk_session *s, const char *code, struct rk_product *p,
                    struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        int rc = may_edit(s, err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, WHAT, err);
        if (rc != RK_OK)
                return rc;
        rc = rk_product_lookup(db, code, p, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

int rk_product_set(struct rk_session *s, const char *code, int64_t expected_version,
                   const struct rk_product_in *in, struct rk_error *err)
{
        struct rk_product p;
        char fields[64];
        int rc = begin_on(s, code, &p, err);
        if (rc != RK_OK)
                return rc;
        rc = check_in(rk_register_config(rk_session_register(s)), in, &p, fields,
                      sizeof(fields), err);
        if (rc == RK_OK && fields[0] == '\0')
                rc = rk_error_set(err, RK_ERR_INVALID, "nothing to change");
        if (rc == RK_OK)
                rc = update(rk_register_db(rk_session_register(s)), &p, expected_version,
                            err);
        return finish(s, rc, "product.set", p.code, fields, err);
}

int rk_product_deactivate(struct rk_session *s, const char *code, struct rk_error *err)
{
        struct rk_product p;
        int rc = begin_on(s, code, &p, err);
        if (rc != RK_OK)
                return rc;
        if (!p.active)
                rc = rk_error_set(err, RK_ERR_INVALID, "product %s is already inactive",
                                  p.code);
        p.active = false;
        if (rc == RK_OK)
                rc = update(rk_register_db(rk_session_register(s)), &p, 0, err);
        return finish(s, rc, "product.deactivate", p.code, "active", err);
}
