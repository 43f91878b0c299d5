/*
 * import_row.c - one record of the file into the values a customer would
 * get (see import_db.h, rk_import_row_read): trimming, the repairs a
 * spreadsheet makes necessary, and the forms' own validation.
 *
 * How it works: the country is settled first (the row's, else FI), since
 * the postal code is checked against it. Every other mapped cell is then
 * trimmed; a Finnish postal code of 1-4 digits gets its leading zeros
 * back (Excel read 00100 as the number 100); a phone number that does not
 * validate but does with a 0 in front gets it back (Excel dropped it from
 * 0401234567), only when the result is a valid Finnish number; a street
 * address of several lines in one cell (Excel's Alt+Enter) becomes one
 * line, its lines joined with ", "; free text
 * that holds a personal identity code is refused as notes refuse it; and
 * each value goes through rk_field_check as a form's would. Each repair
 * sets the target's bit in trimmed, padded, zero_restored, redated or
 * joined, which the preview lists. The first refused value makes the row an error whose
 * message names the row, the column (number and header) and the rule.
 */
#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"
#include "rekisteri/orders.h"
#include "rekisteri/record.h"
#include "rekisteri/text.h"
#include "rekisteri/validate.h"
#include "import_db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX (254 * 4 + 1)

void rk_import_row_clear(struct rk_import_row *row)
{
        if (row == NULL)
                return;
        if (row->values != NULL) {
                for (size_t t = 0; t < rk_import_target_count(); t++)
                        free(row->values[t]);
                free(row->values);
        }
        free(row->message);
        free(row->reason);
        memset(row, 0, sizeof(*row));
}

static int row_error(struct rk_import_row *out, struct rk_error *err, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
static int row_error(struct rk_import_row *out, struct rk_error *err, const char *fmt,
                     ...)
{
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        out->status = RK_IMPORT_ERROR;
        free(out->message);
        out->message = strdup(buf);
        return out->message ? RK_OK : rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
}

/* The cell of column c, trimmed into a new string; *trimmed when blanks
 * were cut (spaces, and the no-break and zero-width ones: rk_text_trim). */
static char *trimmed_cell(const char *cell, bool *trimmed)
{
        size_t len = strlen(cell), start;
        size_t kept = rk_text_trim(cell, len, &start);
        *trimmed = kept < len;
        return strndup(cell + start, kept);
}

static bool all_digits(const char *s)
{
        return *s && strspn(s, "0123456789") == strlen(s);
}

/* Excel's 100 for 00100: pad a Finnish postal code of 1..4 digits. */
static bool pad_postal(char **value, const char *country)
{
        size_t n = strlen(*value);
        if (strcmp(country, "FI") != 0 || !all_digits(*value) || n >= 5)
                return false;
        char *p = malloc(6);
        if (p == NULL)
                return false;
        snprintf(p, 6, "%0*d%s", (int)(5 - n), 0, *value);
        free(*value);
        *value = p;
        return true;
}

/* Excel's 401234567 for 0401234567: a 0 in front when that makes a valid
 * Finnish number and the value as it is does not validate. */
static bool restore_zero(char **value)
{
        char out[32], with[64];
        struct rk_error e;
        const char *v = *value;
        if (v[0] < '1' || v[0] > '9' || strspn(v, "0123456789 -") != strlen(v) ||
            rk_validate_phone(v, out, sizeof(out), &e) == RK_OK)
                return false;
        snprintf(with, sizeof(with), "0%s", v);
        if (rk_validate_phone(with, out, sizeof(out), &e) != RK_OK)
                return false;
        char *p = strdup(with);
        if (p == NULL)
                return false;
        free(*value);
        *value = p;
        return true;
}

/* Is f a street address, where a spreadsheet cell often has two lines
 * (Excel's Alt+Enter: "Hämeenkatu 1 A 5" and "c/o Virtanen")? */
static bool is_address(const struct rk_field *f)
{
        static const char *const streets[] = {"street", "delivery_street",
                                              "billing_street"};
        for (size_t i = 0; i < sizeof(streets) / sizeof(*streets); i++) {
                if (f->record == RK_REC_CUSTOMER && strcmp(f->column, streets[i]) == 0)
                        return true;
        }
        return false;
}

/* An address cell of several lines into one: its lines, each trimmed,
 * the empty ones left out, joined with ", ". False (value as it was) when
 * it has no line break. */
static bool join_lines(char **value)
{
        const char *v = *value;
        if (strpbrk(v, "\r\n") == NULL)
                return false;
        char *one = malloc(2 * strlen(v) + 1); /* ", " for each break at most */
        if (one == NULL)
                return false;
        size_t used = 0;
        for (const char *line = v; *line != '\0';) {
                size_t len = strcspn(line, "\r\n"), start;
                size_t kept = rk_text_trim(line, len, &start);
                if (kept > 0 && used > 0)
                        used += (size_t)sprintf(one + used, ", ");
                memcpy(one + used, line + start, kept);
                used += kept;
                line += len + strspn(line + len, "\r\n");
        }
        one[used] = '\0';
        free(*value);
        *value = one;
        return true;
}

/* "yritys", "företag", "company" and the like into person|company. */
static const char *kind_word(const char *v)
{
        static const char *const company[] = {
            "company",      "yritys",   "yhtiö", "företag",
            "organisaatio", "business", "c",     "y"};
        static const char *const person[] = {"person", "henkilö",   "yksityinen",
                                             "privat", "kuluttaja", "private",
                                             "p",      "h"};
        for (size_t i = 0; i < sizeof(company) / sizeof(*company); i++) {
                if (strcasecmp(v, company[i]) == 0)
                        return "company";
                if (strcasecmp(v, person[i]) == 0)
                        return "person";
        }
        return v;
}

/* "uutiskirje", "nyhetsbrev" and the like into a consent purpose. */
static const char *purpose_word(const char *v)
{
        static const char *const words[][2] = {
            {"uutiskirje", "newsletter"}, {"nyhetsbrev", "newsletter"},
            {"tarjoukset", "offers"},     {"erbjudanden", "offers"},
            {"tapahtumat", "events"},     {"evenemang", "events"},
            {"kyselyt", "surveys"},       {"enkäter", "surveys"},
        };
        for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
                if (strcasecmp(v, words[i][0]) == 0)
                        return words[i][1];
        }
        return v;
}

/* Finnish Excel's 5.12.2026 (d.m.yyyy) into 2026-12-05. */
static bool finnish_date(char **value)
{
        unsigned d, m, y;
        int n = 0;
        if (sscanf(*value, "%2u.%2u.%4u%n", &d, &m, &y, &n) != 3 ||
            (size_t)n != strlen(*value) || y < 1900 || y > 2999 || m < 1 || m > 12 ||
            d < 1 || d > 31)
                return false;
        char *iso = malloc(16);
        if (iso == NULL)
                return false;
        snprintf(iso, 16, "%04u-%02u-%02u", y, m, d);
        free(*value);
        *value = iso;
        return true;
}

struct ctx {
        const struct rk_import *im;
        const struct rk_csv_row *cr;
        struct rk_import_row *out;
        const char *country;
};

/* Take column c's cell for target t into out->values[t]. */
static int take(struct ctx *x, size_t c, int t, struct rk_error *err)
{
        struct rk_import_row *out = x->out;
        const char *name = rk_import_target_name((size_t)t);
        bool trimmed;
        char *v = trimmed_cell(x->cr->cells[c], &trimmed);
        if (v == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        out->trimmed |= trimmed ? RK_IMPORT_BIT(t) : 0;
        if (v[0] == '\0') {
                free(v);
                return RK_OK;
        }
        const struct rk_field *f = rk_import_target_field((size_t)t);
        if (f != NULL && f->validator == RK_V_DATE && finnish_date(&v))
                out->redated |= RK_IMPORT_BIT(t);
        if (f != NULL && f->validator == RK_V_POSTAL && pad_postal(&v, x->country))
                out->padded |= RK_IMPORT_BIT(t);
        if (f != NULL && f->validator == RK_V_PHONE && restore_zero(&v))
                out->zero_restored |= RK_IMPORT_BIT(t);
        if (f != NULL && is_address(f) && join_lines(&v))
                out->joined |= RK_IMPORT_BIT(t);
        if (f != NULL && f->validator == RK_V_CHOICE) {
                char *k =
                    strdup(strcmp(name, "kind") == 0 ? kind_word(v) : purpose_word(v));
                free(v);
                if ((v = k) == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        struct rk_error e;
        char norm[VALUE_MAX];
        int rc = RK_OK;
        if (f == NULL) /* the customer number: a key, not stored as given */
                rc = strlen(v) > 20
                         ? rk_error_set(&e, RK_ERR_INVALID,
                                        _("Customer number: at most 20 characters"))
                         : (snprintf(norm, sizeof(norm), "%s", v), RK_OK);
        else if (f->validator == RK_V_TEXT)
                rc = rk_text_refuse_hetu(gettext(f->label), v, &e);
        const char *country = f && f->validator == RK_V_POSTAL ? x->country : NULL;
        int64_t qty = 0;
        /* an order line's quantity follows the orders' rule (1 or more) */
        if (rc == RK_OK && f != NULL && f == rk_fields_find(RK_REC_LINE, "quantity")) {
                rc = rk_order_quantity_check(v, &qty, &e);
                snprintf(norm, sizeof(norm), "%lld", (long long)qty);
        } else if (rc == RK_OK && f != NULL)
                rc = rk_field_check(f, v, country, norm, sizeof(norm), &e);
        free(v);
        if (rc != RK_OK)
                return row_error(out, err, _("row %zu, column %zu (%s): %s"), x->cr->row,
                                 c + 1, x->im->headers[c], e.msg);
        out->values[t] = strdup(norm);
        return out->values[t] ? RK_OK
                              : rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
}

/* The country the row's postal codes are checked against. */
static void settle_country(const struct rk_import *im, const struct rk_csv_row *cr,
                           char out[3])
{
        int t = rk_import_target_of("country");
        snprintf(out, 3, "FI");
        for (size_t c = 0; c < im->ncols && c < cr->n; c++) {
                bool trimmed;
                if (im->map[c] != t)
                        continue;
                char *v = trimmed_cell(cr->cells[c], &trimmed);
                if (v != NULL && strlen(v) == 2)
                        out[0] = (char)toupper((unsigned char)v[0]),
                        out[1] = (char)toupper((unsigned char)v[1]);
                free(v);
        }
}

/* The column of target t, for a message (0-based; the first if none). */
static size_t column_of_target(const struct rk_import *im, int t)
{
        for (size_t c = 0; c < im->ncols; c++) {
                if (im->map[c] == t)
                        return c;
        }
        return 0;
}

static bool any_of(const struct rk_import_row *r, const char *const *names, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (r->values[rk_import_target_of(names[i])] != NULL)
                        return true;
        }
        return false;
}

/* A contact person needs a name and a company; a consent a date, and a
 * source (the file, when the row names none). */
static int contact_and_consent(struct ctx *x, struct rk_error *err)
{
        static const char *const contact[] = {"contact_name", "contact_title",
                                              "contact_email", "contact_phone"};
        static const char *const consent[] = {"consent_purpose", "consent_source",
                                              "consent_date"};
        struct rk_import_row *out = x->out;
        int name = rk_import_target_of("contact_name");
        int purpose = rk_import_target_of("consent_purpose");
        int date = rk_import_target_of("consent_date");
        int source = rk_import_target_of("consent_source");
        size_t c;
        if (any_of(out, contact, 4) && out->values[name] == NULL)
                return c = column_of_target(x->im, name),
                       row_error(out, err, _("row %zu, column %zu (%s): %s"), x->cr->row,
                                 c + 1, x->im->headers[c],
                                 _("a contact person's details need the contact person's "
                                   "name"));
        if (any_of(out, consent, 3) &&
            (out->values[purpose] == NULL || out->values[date] == NULL))
                return c = column_of_target(x->im, out->values[purpose] ? date : purpose),
                       row_error(
                           out, err, _("row %zu, column %zu (%s): %s"), x->cr->row, c + 1,
                           x->im->headers[c],
                           _("an imported consent needs its purpose and the day it was "
                             "given"));
        static const char *const order[] = {"order_number", "order_date", "product_code",
                                            "product",      "quantity",   "unit_price"};
        int number = rk_import_target_of("order_number"),
            product = rk_import_target_of("product");
        int code = rk_import_target_of("product_code"),
            qty = rk_import_target_of("quantity");
        int on = rk_import_target_of("order_date");
        if (any_of(out, order, 6) && out->values[product] == NULL &&
            out->values[code] != NULL &&
            (out->values[product] = strdup(out->values[code])) == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        if (any_of(out, order, 6) &&
            (out->values[number] == NULL || out->values[on] == NULL ||
             out->values[product] == NULL || out->values[qty] == NULL))
                return c = column_of_target(x->im, number),
                       row_error(out, err, _("row %zu, column %zu (%s): %s"), x->cr->row,
                                 c + 1, x->im->headers[c],
                                 _("an order line needs the order's number and date, a "
                                   "product (code or text) and a quantity"));
        if (out->values[purpose] != NULL && out->values[source] == NULL) {
                char from[200];
                snprintf(from, sizeof(from), _("import: %.40s"), x->im->name);
                if ((out->values[source] = strdup(from)) == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        return RK_OK;
}

/* Rules across fields: a kind, an identity code only for a person. (A
 * name is required of a new customer only: import_plan.c.) */
static int whole_row(struct ctx *x, struct rk_error *err)
{
        struct rk_import_row *out = x->out;
        int kind = rk_import_target_of("kind"), biz = rk_import_target_of("business_id");
        int hetu = rk_import_target_of("hetu");
        if (out->values[kind] == NULL) {
                out->values[kind] = strdup(out->values[biz] ? "company" : "person");
                if (out->values[kind] == NULL)
                        return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        int rc = contact_and_consent(x, err);
        if (rc != RK_OK || out->status == RK_IMPORT_ERROR)
                return rc;
        for (size_t c = 0; c < x->im->ncols; c++) {
                if (x->im->map[c] == hetu && out->values[hetu] != NULL &&
                    strcmp(out->values[kind], "company") == 0)
                        return row_error(out, err, _("row %zu, column %zu (%s): %s"),
                                         x->cr->row, c + 1, x->im->headers[c],
                                         _("a company has a business ID, not a personal "
                                           "identity code"));
        }
        return RK_OK;
}

int rk_import_row_need_name(const struct rk_import *im, struct rk_import_row *row,
                            struct rk_error *err)
{
        int name = rk_import_target_of("name");
        for (size_t c = 0; c < im->ncols && row->values[name] == NULL; c++) {
                if (im->map[c] == name)
                        return row_error(row, err, _("row %zu, column %zu (%s): %s"),
                                         row->row, c + 1, im->headers[c],
                                         _("Name: is required of a new customer"));
        }
        return RK_OK;
}

int rk_import_row_read(const struct rk_import *im, const struct rk_csv_row *cr,
                       struct rk_import_row *out, struct rk_error *err)
{
        memset(out, 0, sizeof(*out));
        out->row = cr->row;
        out->status = RK_IMPORT_NEW;
        out->values = calloc(rk_import_target_count(), sizeof(char *));
        if (out->values == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        if (cr->n > im->ncols)
                return row_error(out, err,
                                 _("row %zu, column %zu: the row has %zu columns, the "
                                   "header %zu"),
                                 cr->row, im->ncols + 1, cr->n, im->ncols);
        if (cr->n < im->ncols)
                return row_error(
                    out, err,
                    _("row %zu, column %zu: the row ends early: %zu columns, "
                      "the header has %zu"),
                    cr->row, cr->n + 1, cr->n, im->ncols);
        if (cr->bad_column > 0)
                return row_error(
                    out, err, _("row %zu, column %zu (%s): bytes that are not valid %s"),
                    cr->row, cr->bad_column, im->headers[cr->bad_column - 1],
                    rk_csv_encoding_name(im->encoding));
        char country[3];
        settle_country(im, cr, country);
        struct ctx x = {im, cr, out, country};
        int rc = RK_OK;
        for (size_t c = 0; c < im->ncols && rc == RK_OK; c++) {
                if (im->map[c] != RK_IMPORT_IGNORE && out->status != RK_IMPORT_ERROR)
                        rc = take(&x, c, im->map[c], err);
        }
        if (rc == RK_OK && out->status != RK_IMPORT_ERROR)
                rc = whole_row(&x, err);
        return rc;
}

/* ---- describing a row ---------------------------------------------------- */

static void append(char *out, size_t size, const char *sep, const char *text)
{
        size_t used = strlen(out);
        if (used + 1 < size)
                snprintf(out + used, size - used, "%s%s", used ? sep : "", text);
}

/* The labels of the targets in bits, comma-separated. */
static void labels(uint64_t bits, char *out, size_t size)
{
        out[0] = '\0';
        for (size_t t = 0; t < rk_import_target_count(); t++) {
                if (bits & (RK_IMPORT_BIT(t)))
                        append(out, size, ", ", rk_import_target_label(t));
        }
}

void rk_import_changes_text(const struct rk_import_row *row, char *out, size_t size)
{
        char fields[300] = "", adds[200] = "";
        labels(row->changed, fields, sizeof(fields));
        if (row->add_contact)
                append(adds, sizeof(adds), ", ", _("a contact person"));
        if (row->add_consent)
                append(adds, sizeof(adds), ", ", _("a consent"));
        if (row->add_order)
                append(adds, sizeof(adds), ", ", _("an order line"));
        if (fields[0] && adds[0])
                snprintf(out, size, _("changes %s; adds %s"), fields, adds);
        else if (adds[0])
                snprintf(out, size, _("adds %s"), adds);
        else
                snprintf(out, size, _("changes %s"), fields);
}

void rk_import_repairs_text(const struct rk_import_row *row, char *out, size_t size)
{
        char line[256], names[200];
        out[0] = '\0';
        for (size_t t = 0; t < rk_import_target_count(); t++) {
                if (row->padded & (RK_IMPORT_BIT(t))) {
                        snprintf(line, sizeof(line), _("%s: leading zeros restored"),
                                 rk_import_target_label(t));
                        append(out, size, "; ", line);
                }
                if (row->redated & (RK_IMPORT_BIT(t))) {
                        snprintf(line, sizeof(line), _("%s: date turned into YYYY-MM-DD"),
                                 rk_import_target_label(t));
                        append(out, size, "; ", line);
                }
                if (row->zero_restored & (RK_IMPORT_BIT(t))) {
                        snprintf(line, sizeof(line), _("%s: leading 0 restored"),
                                 rk_import_target_label(t));
                        append(out, size, "; ", line);
                }
                if (row->joined & (RK_IMPORT_BIT(t))) {
                        snprintf(line, sizeof(line),
                                 _("%s: line breaks replaced with commas"),
                                 rk_import_target_label(t));
                        append(out, size, "; ", line);
                }
        }
        if (row->trimmed) {
                labels(row->trimmed, names, sizeof(names));
                snprintf(line, sizeof(line), _("spaces trimmed: %s"), names);
                append(out, size, "; ", line);
        }
}

void rk_import_row_text(const struct rk_import_row *r, char *out, size_t size)
{
        char changes[400];
        const char *name = r->values ? r->values[rk_import_target_of("name")] : NULL;
        const char *ok = r->confirmed ? _("; confirmed: imported as new") : "";
        switch (r->status) {
        case RK_IMPORT_NEW:
                snprintf(out, size, "%s", name ? name : "");
                break;
        case RK_IMPORT_UPDATE:
                rk_import_changes_text(r, changes, sizeof(changes));
                if (r->match_id == 0)
                        snprintf(out, size, _("to the customer of row %zu: %s"),
                                 r->same_as_row, changes);
                else
                        snprintf(out, size, _("%s (%s): %s"), r->match_number,
                                 r->match_why, changes);
                break;
        case RK_IMPORT_UNCHANGED:
                snprintf(out, size, "%s (%s)", r->match_number, r->match_why);
                break;
        case RK_IMPORT_DUPLICATE:
                if (r->same_as_row)
                        snprintf(out, size, _("the same customer as row %zu%s"),
                                 r->same_as_row, ok);
                else
                        snprintf(out, size, _("resembles %s: %s%s"), r->match_number,
                                 r->match_why, ok);
                break;
        case RK_IMPORT_ERROR:
                snprintf(out, size, "%s", r->message ? r->message : "");
                break;
        case RK_IMPORT_ERASED:
                if (r->confirmed)
                        snprintf(out, size,
                                 _("confirmed with a reason: will be imported"));
                else
                        snprintf(
                            out, size,
                            _("an erased person's e-mail, phone or identity code; not "
                              "imported unless confirmed with a reason (row %zu)"),
                            r->row);
                break;
        default:
                snprintf(out, size, "%s", name ? name : "");
        }
}
