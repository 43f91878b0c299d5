/*
 * import_map.c - which column of the file is which field (see import.h):
 * the targets, the header names known in Finnish, Swedish and English,
 * the --map syntax, the checks on a mapping and mappings saved by name.
 *
 * How a header is recognised: lower-cased (libunistring, so Ä and Ö fold
 * too) with spaces, dashes, dots, underscores, slashes and colons
 * removed, then looked up in each target's list of names: "Y-tunnus",
 * "Y tunnus" and "ytunnus" are one name. The first column that names a
 * target gets it; a later one naming the same target is left mapped too,
 * so that rk_import_map_check names both columns and the person decides.
 */
#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"
#include "import_db.h"
#include "sql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>

struct target {
        const char *name;
        const char *names;  /* known headers, normalised, '|'-separated */
        enum rk_record rec; /* the record the value goes to (fields.c) */
        const char *column; /* its column there; NULL: the customer number */
};

#define C RK_REC_CUSTOMER

static const struct target targets[] = {
    {"number",
     "asiakaskoodi|asiakasnumero|asiakasnro|asiakastunnus|kundnummer|kundkod|"
     "kundnr|customernumber|customercode|customerid|customerno|number",
     C, NULL},
    {"kind", "asiakastyyppi|tyyppi|kundtyp|typ|type|kind|customertype", C, "kind"},
    {"name",
     "nimi|asiakkaannimi|asiakas|yrityksennimi|yritys|namn|kundnamn|"
     "företagsnamn|name|customername|companyname|fullname",
     C, "name"},
    {"business_id",
     "ytunnus|yritystunnus|alvnumero|alvtunnus|fonummer|"
     "organisationsnummer|orgnr|momsnummer|businessid|vatnumber|vatid|vat",
     C, "business_id"},
    {"email", "sähköposti|sähköpostiosoite|email|epost|epostadress|emailaddress|mail", C,
     "email"},
    {"phone",
     "puhelin|puhelinnumero|puh|puhnro|matkapuhelin|gsm|telefon|telefonnummer|"
     "mobil|mobiltelefon|phone|telephone|mobile|phonenumber|tel",
     C, "phone"},
    {"street",
     "osoite|katuosoite|lähiosoite|postiosoite|adress|gatuadress|postadress|"
     "address|street|streetaddress",
     C, "street"},
    {"postal_code",
     "postinumero|postinro|postnummer|postnr|postalcode|zip|zipcode|"
     "postcode",
     C, "postal_code"},
    {"city",
     "postitoimipaikka|postitoimipaikkakunta|kaupunki|paikkakunta|kunta|postort|"
     "ort|stad|city|town",
     C, "city"},
    {"country", "maa|maakoodi|land|landskod|country|countrycode", C, "country"},
    {"delivery_street",
     "toimitusosoite|leveransadress|deliveryaddress|deliverystreet|"
     "shippingaddress",
     C, "delivery_street"},
    {"delivery_postal_code",
     "toimituspostinumero|leveranspostnummer|deliverypostalcode|"
     "shippingpostalcode",
     C, "delivery_postal_code"},
    {"delivery_city",
     "toimituspostitoimipaikka|leveranspostort|deliverycity|shippingcity", C,
     "delivery_city"},
    {"delivery_country", "toimitusmaa|leveransland|deliverycountry|shippingcountry", C,
     "delivery_country"},
    {"billing_street",
     "laskutusosoite|faktureringsadress|billingaddress|billingstreet|"
     "invoiceaddress",
     C, "billing_street"},
    {"billing_postal_code",
     "laskutuspostinumero|faktureringspostnummer|billingpostalcode", C,
     "billing_postal_code"},
    {"billing_city", "laskutuspostitoimipaikka|faktureringspostort|billingcity", C,
     "billing_city"},
    {"billing_country", "laskutusmaa|faktureringsland|billingcountry", C,
     "billing_country"},
    {"invoice_email",
     "laskutussähköposti|laskutusemail|fakturaepost|"
     "faktureringsepost|invoiceemail|invoicingemail|billingemail",
     C, "invoice_email"},
    {"payment_terms_days",
     "maksuehto|maksuaika|maksuehtopäivää|betalningsvillkor|"
     "betalningstid|paymentterms|paymenttermsdays",
     C, "payment_terms_days"},
    {"bank_reference",
     "viitenumero|viite|referensnummer|referens|bankreference|reference", C,
     "bank_reference"},
    {"hetu",
     "henkilötunnus|hetu|personbeteckning|personnummer|personalidentitycode|"
     "personalid|ssn",
     C, "hetu"},
    {"contact_name",
     "yhteyshenkilö|yhteyshenkilönnimi|kontaktperson|kontaktpersonensnamn|"
     "contactperson|contactname|contact",
     RK_REC_CONTACT, "name"},
    {"contact_title",
     "titteli|tehtävänimike|asema|titel|befattning|title|jobtitle|"
     "contacttitle",
     RK_REC_CONTACT, "title"},
    {"contact_email",
     "yhteyshenkilönsähköposti|kontaktpersonensepost|contactemail|"
     "contactpersonemail",
     RK_REC_CONTACT, "email"},
    {"contact_phone",
     "yhteyshenkilönpuhelin|kontaktpersonenstelefon|contactphone|"
     "contactpersonphone",
     RK_REC_CONTACT, "phone"},
    {"consent_purpose",
     "markkinointilupa|suostumus|suostumuksentarkoitus|samtycke|"
     "marknadsföringstillstånd|consent|consentpurpose|marketingconsent",
     RK_REC_CONSENT, "purpose"},
    {"consent_source",
     "suostumuksenlähde|lähde|samtyckeskälla|källa|consentsource|source", RK_REC_CONSENT,
     "source"},
    {"consent_date",
     "suostumuspäivä|suostumuksenpäivämäärä|samtyckesdatum|consentdate|"
     "consentgiven",
     RK_REC_CONSENT, "given_on"},
    {"order_number", "tilausnumero|tilausnro|ordernummer|ordernr|ordernumber|orderno",
     RK_REC_ORDER, "number"},
    {"order_date", "tilauspäivä|tilauspvm|tilauspäivämäärä|orderdatum|orderdate",
     RK_REC_ORDER, "ordered_on"},
    {"product_code",
     "tuotekoodi|tuotenumero|tuotenro|artikelnummer|produktkod|"
     "productcode|sku",
     RK_REC_LINE, "product_code"},
    {"product", "tuote|tuotenimi|nimike|produkt|artikel|product|productname|item",
     RK_REC_LINE, "product"},
    {"quantity", "määrä|kpl|lukumäärä|antal|quantity|qty", RK_REC_LINE, "quantity"},
    {"unit_price", "hinta|yksikköhinta|àhinta|ahinta|pris|styckpris|price|unitprice",
     RK_REC_LINE, "unit_price_cents"},
};

#undef C
#define N_TARGETS (sizeof(targets) / sizeof(targets[0]))
_Static_assert(N_TARGETS <= 64, "a row's masks hold 64 targets");

const struct rk_field *rk_import_target_field(size_t target)
{
        if (target >= N_TARGETS || targets[target].column == NULL)
                return NULL;
        return rk_fields_find(targets[target].rec, targets[target].column);
}

size_t rk_import_target_count(void)
{
        return N_TARGETS;
}

const char *rk_import_target_name(size_t target)
{
        return target < N_TARGETS ? targets[target].name : "ignore";
}

const char *rk_import_target_label(size_t target)
{
        if (target >= N_TARGETS)
                return _("(ignored)");
        if (target == 0)
                return _("Customer number");
        if (strcmp(targets[target].name, "unit_price") == 0)
                return _("Unit price");
        if (strcmp(targets[target].name, "consent_date") == 0)
                return _("Consent given");
        if (strcmp(targets[target].name, "consent_source") == 0)
                return _("Consent source");
        if (strcmp(targets[target].name, "consent_purpose") == 0)
                return _("Consent purpose");
        const struct rk_field *f = rk_import_target_field(target);
        return f != NULL ? gettext(f->label) : targets[target].name;
}

/* header lower-cased without separators, into out. */
static void normalise(const char *header, char *out, size_t size)
{
        size_t len = 0;
        uint8_t *low =
            u8_tolower((const uint8_t *)header, strlen(header), NULL, NULL, NULL, &len);
        size_t o = 0;
        for (size_t i = 0; low != NULL && i < len && o + 1 < size; i++) {
                if (strchr(" -_./:\t", low[i]) == NULL)
                        out[o++] = (char)low[i];
        }
        out[o] = '\0';
        free(low);
}

/* Is word one of the '|'-separated names? */
static bool listed(const char *names, const char *word)
{
        size_t n = strlen(word);
        for (const char *p = names; *p;) {
                const char *end = strchr(p, '|');
                size_t len = end ? (size_t)(end - p) : strlen(p);
                if (len == n && strncmp(p, word, n) == 0)
                        return true;
                p += len + (end != NULL);
        }
        return false;
}

static int target_by_name(const char *name)
{
        for (size_t t = 0; t < N_TARGETS; t++) {
                if (strcmp(targets[t].name, name) == 0)
                        return (int)t;
        }
        return strcmp(name, "ignore") == 0 || strcmp(name, "-") == 0 ? RK_IMPORT_IGNORE
                                                                     : -2;
}

int rk_import_target_of(const char *name)
{
        int t = target_by_name(name);
        return t >= 0 ? t : -1;
}

int rk_import_guess_target(const char *header)
{
        char word[128];
        normalise(header, word, sizeof(word));
        for (size_t t = 0; t < N_TARGETS && word[0]; t++) {
                if (listed(targets[t].names, word) || strcmp(targets[t].name, word) == 0)
                        return (int)t;
        }
        return RK_IMPORT_IGNORE;
}

/* The column named by word: a 1-based number or a header. -1: none. */
static int column_of(const struct rk_import *im, const char *word)
{
        char *end;
        long n = strtol(word, &end, 10);
        if (*word && *end == '\0')
                return n >= 1 && (size_t)n <= im->ncols ? (int)n - 1 : -1;
        char a[128], b[128];
        normalise(word, a, sizeof(a));
        for (size_t c = 0; c < im->ncols; c++) {
                normalise(im->headers[c], b, sizeof(b));
                if (strcmp(a, b) == 0)
                        return (int)c;
        }
        return -1;
}

static void trim(char *s)
{
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char)s[n - 1]))
                s[--n] = '\0';
        size_t k = strspn(s, " \t");
        memmove(s, s + k, n - k + 1);
}

int rk_import_map(struct rk_import *im, const char *spec, struct rk_error *err)
{
        char *copy = strdup(spec ? spec : "");
        int *map = malloc(im->ncols * sizeof(*map));
        int rc = RK_OK;
        if (copy == NULL || map == NULL) {
                rc = rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
                goto out;
        }
        memcpy(map, im->map, im->ncols * sizeof(*map));
        char *save = NULL;
        for (char *item = strtok_r(copy, ",", &save); item && rc == RK_OK;
             item = strtok_r(NULL, ",", &save)) {
                char *eq = strrchr(item, '=');
                if (eq == NULL) {
                        rc = rk_error_set(err, RK_ERR_INVALID,
                                          _("--map: \"%s\" is not COLUMN=field"), item);
                        break;
                }
                *eq = '\0';
                trim(item);
                trim(eq + 1);
                int c = column_of(im, item);
                int t = target_by_name(eq + 1);
                if (c < 0)
                        rc =
                            rk_error_set(err, RK_ERR_INVALID,
                                         _("--map: the file has no column \"%s\""), item);
                else if (t == -2)
                        rc = rk_error_set(err, RK_ERR_INVALID,
                                          _("--map: \"%s\" is not a field that can be "
                                            "imported; see rekisteri import --help"),
                                          eq + 1);
                else
                        map[c] = t;
        }
        if (rc == RK_OK)
                memcpy(im->map, map, im->ncols * sizeof(*map));
out:
        free(copy);
        free(map);
        return rc;
}

int rk_import_map_check(const struct rk_import *im, struct rk_error *err)
{
        bool any = false; /* no name column is fine: a file of updates by number */
        for (size_t c = 0; c < im->ncols; c++)
                any |= im->map[c] != RK_IMPORT_IGNORE;
        if (!any)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    _("row 1: none of the first row names a column this "
                      "program knows; the first row must be a header such "
                      "as Nimi;Osoite;Postinumero, or map the columns "
                      "with --map"));
        for (size_t c = 0; c < im->ncols; c++) {
                if (im->map[c] == RK_IMPORT_IGNORE)
                        continue;
                for (size_t d = c + 1; d < im->ncols; d++) {
                        if (im->map[d] == im->map[c])
                                return rk_error_set(
                                    err, RK_ERR_INVALID,
                                    _("columns %zu (%s) and %zu (%s) are both mapped to "
                                      "%s; map one of them to another field or ignore "
                                      "it"),
                                    c + 1, im->headers[c], d + 1, im->headers[d],
                                    targets[im->map[c]].name);
                }
        }
        return RK_OK;
}

char *rk_import_map_text(const struct rk_import *im)
{
        size_t size = 1;
        for (size_t c = 0; c < im->ncols; c++)
                size += strlen(im->headers[c]) + 32;
        char *out = malloc(size);
        if (out == NULL)
                return NULL;
        out[0] = '\0';
        size_t used = 0;
        for (size_t c = 0; c < im->ncols; c++) {
                /* a header with , or = cannot be written by name */
                bool plain = strpbrk(im->headers[c], ",=") == NULL && im->headers[c][0];
                char col[24];
                snprintf(col, sizeof(col), "%zu", c + 1);
                used += (size_t)snprintf(out + used, size - used, "%s%s=%s", c ? "," : "",
                                         plain ? im->headers[c] : col,
                                         rk_import_target_name((size_t)im->map[c]));
        }
        return out;
}

/* ---- saved mappings ---------------------------------------------------- */

int rk_import_map_name_check(const char *name, struct rk_error *err)
{
        size_t n = name ? strlen(name) : 0;
        if (n == 0 || n > 40 ||
            strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                         "QRSTUVWXYZ0123456789-_") != n)
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("a mapping's name is 1 to 40 letters, digits, - "
                                      "and _"));
        return RK_OK;
}

int rk_import_map_save(struct rk_import *im, const char *name, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        sqlite3_stmt *st = NULL;
        char *text = rk_import_map_text(im);
        int rc = rk_import_map_name_check(name, err);
        if (rc == RK_OK && text == NULL)
                rc = rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        if (rc == RK_OK)
                rc = rk_sql_prepare(db,
                                    "INSERT OR REPLACE INTO import_mappings(name, spec,"
                                    " saved_at) VALUES(?, ?, strftime('%s','now'))",
                                    &st, "saving the mapping", err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, "saving the mapping", err);
        }
        sqlite3_finalize(st);
        free(text);
        return rc;
}

int rk_import_map_load(struct rk_import *im, const char *name, struct rk_error *err)
{
        sqlite3 *db = rk_import_db(im);
        sqlite3_stmt *st = NULL;
        int rc = rk_import_map_name_check(name, err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(db, "SELECT spec FROM import_mappings WHERE name=?",
                                    &st, "reading the mapping", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        bool row = false;
        rc = rk_sql_row(st, &row, "reading the mapping", err);
        if (rc == RK_OK && !row)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, _("no mapping is saved as %s"),
                                  name);
        else if (rc == RK_OK)
                rc = rk_import_map(im, (const char *)sqlite3_column_text(st, 0), err);
        sqlite3_finalize(st);
        return rc;
}
