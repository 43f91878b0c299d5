/*
 * fields.h - the one table that classifies every stored personal-data field.
 *
 * Each field of a customer record, and of the records that hang off it
 * (contact persons, orders and their lines, notes, consents), is listed
 * once in fields.c with:
 *   - its field group (what a role must be granted to read or write it);
 *   - its personal-data category and legal basis (for the register of
 *     processing activities and the access report);
 *   - whether a record can be without it (required);
 *   - its validator and length limit (for forms and imports);
 *   - the search column it feeds, if any.
 * Policy, the customer store, search, export, erasure and retention all
 * walk this table, so a new field is classified in exactly one place.
 */
#ifndef REKISTERI_FIELDS_H
#define REKISTERI_FIELDS_H

#include "rekisteri/policy.h"

#include <stdbool.h>
#include <stddef.h>

/* The record kinds a field can belong to; each is one table. */
enum rk_record {
        RK_REC_CUSTOMER,  /* customers */
        RK_REC_CONTACT,   /* contact_persons: people at a company customer */
        RK_REC_ORDER,     /* orders */
        RK_REC_LINE,      /* order_lines */
        RK_REC_NOTE,      /* notes */
        RK_REC_CONSENT,   /* consents */
        RK_REC_OBJECTION, /* objections: per-purpose objections (Art. 21) */
        RK_REC_COUNT
};

/* How a value is checked (validate.h) before it is stored. */
enum rk_validator {
        RK_V_TEXT,      /* one line of text, no controls */
        RK_V_MULTILINE, /* free text with newlines (notes) */
        RK_V_EMAIL,
        RK_V_PHONE,
        RK_V_POSTAL,  /* checked against the record's country field */
        RK_V_COUNTRY, /* ISO 3166 alpha-2 */
        RK_V_YTUNNUS, /* Finnish business id, or a VAT number */
        RK_V_HETU,    /* Finnish personal identity code */
        RK_V_DATE,    /* YYYY-MM-DD */
        RK_V_INTEGER, /* whole number >= 0 */
        RK_V_MONEY,   /* cents, >= 0 */
        RK_V_CHOICE,  /* one of `choices` */
};

/* Search columns of the customer_fts table; a query searches only the
 * columns whose group the session may read. */
enum rk_fts_column {
        RK_FTS_NONE = -1,
        RK_FTS_KEYS,     /* customer and order numbers: every customer role */
        RK_FTS_IDENTITY, /* names */
        RK_FTS_CONTACT,  /* e-mail, phone, address */
        RK_FTS_BILLING,  /* business id, invoicing e-mail, reference */
        RK_FTS_IDCODE,   /* personal identity code */
        RK_FTS_COUNT
};

struct rk_field {
        enum rk_record record;
        const char *column; /* SQL column in the record's table */
        const char *label;  /* what a person reads on forms and reports */
        enum rk_group group;
        const char *category; /* personal-data category, or "none" */
        const char *basis;    /* legal basis (GDPR Art. 6) */
        bool required;        /* a record cannot be saved without it */
        enum rk_validator validator;
        size_t max_chars;
        const char *choices; /* "a|b|c" for RK_V_CHOICE, else NULL */
        enum rk_fts_column fts;
        int personal; /* 1 when the value identifies or describes a person */
};

/* rk_fields_all - the whole table; *n gets its length. Static. */
const struct rk_field *rk_fields_all(size_t *n);

/* rk_fields_find - the field `column` of `record`, or NULL. */
const struct rk_field *rk_fields_find(enum rk_record record, const char *column);

/* rk_fields_customer_groups - the groups of the customer card: every group
 * of a field of a customer, its contact persons, notes, consents and
 * objections (not orders and their lines, which have their own screen).
 * A new group given to such a field joins it with no other change. */
rk_groupset rk_fields_customer_groups(void);

/*
 * rk_fields_label_cols - the display columns (text.h) of the widest label,
 * in the language of the messages (i18n.h), of a field of `record` in
 * `groups` (a set of 1 << rk_group); 0 when there is none. For a label
 * column that shows every label whole in any language: the customer
 * detail and its forms, `customer show`.
 */
int rk_fields_label_cols(enum rk_record record, rk_groupset groups);

/* rk_fields_table - the SQL table of a record kind. */
const char *rk_fields_table(enum rk_record record);

/*
 * rk_fields_term_label - a field's category or legal basis ("contact",
 * "legal obligation", ...) in the language of the messages (i18n.h), for
 * people; an unknown term comes back as it is. Never NULL. A field's label
 * is marked for translation too: show it as _(f->label).
 */
const char *rk_fields_term_label(const char *term);

/* rk_fts_column_name - the SQL name of a search column. */
const char *rk_fts_column_name(enum rk_fts_column col);

/* rk_fts_column_group - the field group a session must read to search a
 * column; RK_GROUP_COUNT for the keys column (any customer group). */
enum rk_group rk_fts_column_group(enum rk_fts_column col);

#endif
