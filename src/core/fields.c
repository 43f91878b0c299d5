/*
 * fields.c - the classification of every personal-data field (see
 * fields.h). The schema in migrate.c and this table must agree; the unit
 * test test_fields checks every column listed here exists.
 *
 * Legal bases: "contract" is Art. 6(1)(b) (performing the customer
 * contract), "legal obligation" is Art. 6(1)(c) (the Accounting Act keeps
 * order and invoice data), "consent" is Art. 6(1)(a), "legitimate interest"
 * is Art. 6(1)(f).
 */
#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"
#include "rekisteri/text.h"

#include <string.h>

/* REQ: a record cannot be saved without the field; OPT: it can. */
#define REQ true
#define OPT false

#define CUST(col, label, group, cat, basis, val, max, fts, personal)                     \
        {                                                                                \
                RK_REC_CUSTOMER, col, label, RK_GROUP_##group, cat, basis, OPT, val,     \
                    max, NULL, fts, personal                                             \
        }

static const struct rk_field fields[] = {
    /* customers: identity */
    {RK_REC_CUSTOMER, "kind", N_("Type"), RK_GROUP_IDENTITY, "none", "contract", REQ,
     RK_V_CHOICE, 7, "person|company", RK_FTS_NONE, 0},
    {RK_REC_CUSTOMER, "name", N_("Name"), RK_GROUP_IDENTITY, "identity", "contract", REQ,
     RK_V_TEXT, 200, NULL, RK_FTS_IDENTITY, 1},
    /* a company's business ID names it, like a name: whoever creates or
     * reads a customer enters or sees it (issue 19) */
    CUST("business_id", N_("Business ID / VAT"), IDENTITY, "identity", "legal obligation",
         RK_V_YTUNNUS, 14, RK_FTS_IDENTITY, 0),
    CUST("last_activity", N_("Last activity"), IDENTITY, "usage", "legitimate interest",
         RK_V_DATE, 10, RK_FTS_NONE, 0),
    /* customers: contact */
    CUST("email", N_("E-mail"), CONTACT, "contact", "contract", RK_V_EMAIL, 254,
         RK_FTS_CONTACT, 1),
    CUST("phone", N_("Phone"), CONTACT, "contact", "contract", RK_V_PHONE, 16,
         RK_FTS_CONTACT, 1),
    CUST("street", N_("Street address"), CONTACT, "contact", "contract", RK_V_TEXT, 200,
         RK_FTS_CONTACT, 1),
    CUST("postal_code", N_("Postal code"), CONTACT, "contact", "contract", RK_V_POSTAL,
         10, RK_FTS_CONTACT, 1),
    CUST("city", N_("City"), CONTACT, "contact", "contract", RK_V_TEXT, 100,
         RK_FTS_CONTACT, 1),
    CUST("country", N_("Country"), CONTACT, "contact", "contract", RK_V_COUNTRY, 2,
         RK_FTS_NONE, 0),
    CUST("delivery_street", N_("Delivery street"), CONTACT, "contact", "contract",
         RK_V_TEXT, 200, RK_FTS_NONE, 1),
    CUST("delivery_postal_code", N_("Delivery postal code"), CONTACT, "contact",
         "contract", RK_V_POSTAL, 10, RK_FTS_NONE, 1),
    CUST("delivery_city", N_("Delivery city"), CONTACT, "contact", "contract", RK_V_TEXT,
         100, RK_FTS_NONE, 1),
    CUST("delivery_country", N_("Delivery country"), CONTACT, "contact", "contract",
         RK_V_COUNTRY, 2, RK_FTS_NONE, 0),
    /* customers: billing */
    CUST("billing_street", N_("Billing street"), BILLING, "financial", "contract",
         RK_V_TEXT, 200, RK_FTS_NONE, 1),
    CUST("billing_postal_code", N_("Billing postal code"), BILLING, "financial",
         "contract", RK_V_POSTAL, 10, RK_FTS_NONE, 1),
    CUST("billing_city", N_("Billing city"), BILLING, "financial", "contract", RK_V_TEXT,
         100, RK_FTS_NONE, 1),
    CUST("billing_country", N_("Billing country"), BILLING, "financial", "contract",
         RK_V_COUNTRY, 2, RK_FTS_NONE, 0),
    CUST("invoice_email", N_("Invoicing e-mail"), BILLING, "financial", "contract",
         RK_V_EMAIL, 254, RK_FTS_BILLING, 1),
    CUST("payment_terms_days", N_("Payment terms (days)"), BILLING, "financial",
         "contract", RK_V_INTEGER, 3, RK_FTS_NONE, 0),
    CUST("bank_reference", N_("Bank reference"), BILLING, "financial", "contract",
         RK_V_TEXT, 35, RK_FTS_BILLING, 1),
    /* customers: identity code */
    CUST("hetu", N_("Personal identity code"), IDCODE, "national identification number",
         "legal obligation", RK_V_HETU, 11, RK_FTS_IDCODE, 1),
    /* customers: the language the person is written to in, and the default
     * language of their access and portability reports (empty: Finnish) */
    {RK_REC_CUSTOMER, "language", N_("Language"), RK_GROUP_CONTACT, "contact", "contract",
     OPT, RK_V_CHOICE, 2, "fi|sv|en", RK_FTS_NONE, 0},

    /* contact persons of a company: the company's contact details, read
     * with the contact group (the screens show them on the Contact tab; a
     * role that reads identity alone, such as billing, never sees them) */
    {RK_REC_CONTACT, "name", N_("Contact person"), RK_GROUP_CONTACT, "identity",
     "contract", REQ, RK_V_TEXT, 200, NULL, RK_FTS_CONTACT, 1},
    {RK_REC_CONTACT, "title", N_("Title"), RK_GROUP_CONTACT, "employment", "contract",
     OPT, RK_V_TEXT, 100, NULL, RK_FTS_NONE, 1},
    {RK_REC_CONTACT, "email", N_("Contact e-mail"), RK_GROUP_CONTACT, "contact",
     "contract", OPT, RK_V_EMAIL, 254, NULL, RK_FTS_CONTACT, 1},
    {RK_REC_CONTACT, "phone", N_("Contact phone"), RK_GROUP_CONTACT, "contact",
     "contract", OPT, RK_V_PHONE, 16, NULL, RK_FTS_CONTACT, 1},

    /* orders and their lines: kept for bookkeeping */
    {RK_REC_ORDER, "number", N_("Order number"), RK_GROUP_ORDERS, "transaction",
     "contract", OPT, RK_V_TEXT, 20, NULL, RK_FTS_KEYS, 0},
    {RK_REC_ORDER, "ordered_on", N_("Order date"), RK_GROUP_ORDERS, "transaction",
     "contract", OPT, RK_V_DATE, 10, NULL, RK_FTS_NONE, 0},
    {RK_REC_ORDER, "status", N_("Status"), RK_GROUP_ORDERS, "transaction", "contract",
     REQ, RK_V_CHOICE, 10, "open|confirmed|picked|shipped|delivered|cancelled",
     RK_FTS_NONE, 0},
    {RK_REC_LINE, "product_code", N_("Code"), RK_GROUP_ORDERS, "transaction", "contract",
     OPT, RK_V_TEXT, 32, NULL, RK_FTS_NONE, 0},
    {RK_REC_LINE, "product", N_("Product"), RK_GROUP_ORDERS, "transaction", "contract",
     REQ, RK_V_TEXT, 120, NULL, RK_FTS_NONE, 0},
    {RK_REC_LINE, "quantity", N_("Quantity"), RK_GROUP_ORDERS, "transaction", "contract",
     REQ, RK_V_INTEGER, 9, NULL, RK_FTS_NONE, 0},
    {RK_REC_LINE, "unit", N_("Unit"), RK_GROUP_ORDERS, "transaction", "contract", OPT,
     RK_V_TEXT, 16, NULL, RK_FTS_NONE, 0},
    {RK_REC_LINE, "unit_price_cents", N_("Unit price"), RK_GROUP_ORDER_AMOUNTS,
     "financial", "legal obligation", OPT, RK_V_MONEY, 12, NULL, RK_FTS_NONE, 0},
    {RK_REC_LINE, "vat_rate_bp", N_("VAT rate"), RK_GROUP_ORDER_AMOUNTS, "financial",
     "legal obligation", OPT, RK_V_INTEGER, 5, NULL, RK_FTS_NONE, 0},

    /* notes */
    {RK_REC_NOTE, "created_at", N_("Written"), RK_GROUP_NOTES, "none",
     "legitimate interest", OPT, RK_V_DATE, 20, NULL, RK_FTS_NONE, 0},
    {RK_REC_NOTE, "author", N_("Author"), RK_GROUP_NOTES, "none", "legitimate interest",
     OPT, RK_V_TEXT, 32, NULL, RK_FTS_NONE, 0},
    {RK_REC_NOTE, "body", N_("Note"), RK_GROUP_NOTES, "free text", "legitimate interest",
     REQ, RK_V_MULTILINE, 4000, NULL, RK_FTS_NONE, 1},

    /* marketing consents */
    {RK_REC_CONSENT, "purpose", N_("Purpose"), RK_GROUP_CONSENTS, "consent", "consent",
     REQ, RK_V_CHOICE, 20, "newsletter|offers|events|surveys", RK_FTS_NONE, 0},
    {RK_REC_CONSENT, "given_on", N_("Given"), RK_GROUP_CONSENTS, "consent", "consent",
     OPT, RK_V_DATE, 10, NULL, RK_FTS_NONE, 0},
    {RK_REC_CONSENT, "source", N_("Source"), RK_GROUP_CONSENTS, "consent", "consent", REQ,
     RK_V_TEXT, 60, NULL, RK_FTS_NONE, 0},
    {RK_REC_CONSENT, "withdrawn_on", N_("Withdrawn"), RK_GROUP_CONSENTS, "consent",
     "consent", OPT, RK_V_DATE, 10, NULL, RK_FTS_NONE, 0},

    /* objections to processing for a purpose (GDPR Art. 21); direct
     * marketing covers every marketing purpose */
    {RK_REC_OBJECTION, "purpose", N_("Objected purpose"), RK_GROUP_CONSENTS, "consent",
     "legal obligation", REQ, RK_V_CHOICE, 20,
     "direct_marketing|newsletter|offers|events|surveys|profiling", RK_FTS_NONE, 0},
    {RK_REC_OBJECTION, "objected_on", N_("Objected"), RK_GROUP_CONSENTS, "consent",
     "legal obligation", OPT, RK_V_DATE, 10, NULL, RK_FTS_NONE, 0},
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

const struct rk_field *rk_fields_all(size_t *n)
{
        *n = N_FIELDS;
        return fields;
}

const struct rk_field *rk_fields_find(enum rk_record record, const char *column)
{
        for (size_t i = 0; i < N_FIELDS; i++) {
                if (fields[i].record == record && strcmp(fields[i].column, column) == 0)
                        return &fields[i];
        }
        return NULL;
}

rk_groupset rk_fields_customer_groups(void)
{
        rk_groupset groups = 0;
        for (size_t i = 0; i < N_FIELDS; i++) {
                if (fields[i].record != RK_REC_ORDER && fields[i].record != RK_REC_LINE)
                        groups |= 1u << fields[i].group;
        }
        return groups;
}

int rk_fields_label_cols(enum rk_record record, rk_groupset groups)
{
        int cols = 0;
        for (size_t i = 0; i < N_FIELDS; i++) {
                if (fields[i].record != record || !(groups & (1u << fields[i].group)))
                        continue;
                int w = rk_text_width(_(fields[i].label));
                cols = w > cols ? w : cols;
        }
        return cols;
}

const char *rk_fields_table(enum rk_record record)
{
        static const char *const tables[RK_REC_COUNT] = {
            [RK_REC_CUSTOMER] = "customers",   [RK_REC_CONTACT] = "contact_persons",
            [RK_REC_ORDER] = "orders",         [RK_REC_LINE] = "order_lines",
            [RK_REC_NOTE] = "notes",           [RK_REC_CONSENT] = "consents",
            [RK_REC_OBJECTION] = "objections",
        };
        return record < RK_REC_COUNT ? tables[record] : NULL;
}

const char *rk_fts_column_name(enum rk_fts_column col)
{
        static const char *const names[RK_FTS_COUNT] = {
            [RK_FTS_KEYS] = "keys",       [RK_FTS_IDENTITY] = "identity",
            [RK_FTS_CONTACT] = "contact", [RK_FTS_BILLING] = "billing",
            [RK_FTS_IDCODE] = "idcode",
        };
        return col >= 0 && col < RK_FTS_COUNT ? names[col] : NULL;
}

enum rk_group rk_fts_column_group(enum rk_fts_column col)
{
        switch (col) {
        case RK_FTS_IDENTITY:
                return RK_GROUP_IDENTITY;
        case RK_FTS_CONTACT:
                return RK_GROUP_CONTACT;
        case RK_FTS_BILLING:
                return RK_GROUP_BILLING;
        case RK_FTS_IDCODE:
                return RK_GROUP_IDCODE;
        default:
                return RK_GROUP_COUNT;
        }
}

/* TRANSLATORS: personal-data categories and legal bases (GDPR Art. 6) of
 * the fields, shown in access reports and previews. */
static const char *const terms[] = {
    N_("contact"),
    N_("consent"),
    N_("financial"),
    N_("transaction"),
    N_("none"),
    N_("identity"),
    N_("usage"),
    N_("national identification number"),
    N_("free text"),
    N_("employment"),
    N_("contract"),
    N_("legal obligation"),
    N_("legitimate interest"),
};

const char *rk_fields_term_label(const char *term)
{
        for (size_t i = 0; term != NULL && i < sizeof(terms) / sizeof(terms[0]); i++)
                if (strcmp(terms[i], term) == 0)
                        return _(terms[i]);
        return term != NULL ? term : "";
}
