/*
 * privacy_words.c - the shared, translated words of the privacy documents
 * (see privacy_words.h). The tables hold English msgids marked with N_();
 * each lookup translates with _() at the time of the call, so the words
 * come in the language the document is being generated in.
 */
#include "privacy_words.h"

#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"
#include "rekisteri/privacy.h"

#include <stdio.h>
#include <string.h>

static const char *const group_labels[RK_GROUP_COUNT] = {
    [RK_GROUP_IDENTITY] = N_("Identity"),
    [RK_GROUP_CONTACT] = N_("Contact details"),
    [RK_GROUP_BILLING] = N_("Billing details"),
    [RK_GROUP_IDCODE] = N_("Personal identity code"),
    [RK_GROUP_ORDERS] = N_("Orders"),
    [RK_GROUP_ORDER_AMOUNTS] = N_("Order amounts"),
    [RK_GROUP_NOTES] = N_("Notes"),
    [RK_GROUP_CONSENTS] = N_("Consents and objections"),
};

static const char *const group_contents[RK_GROUP_COUNT] = {
    [RK_GROUP_IDENTITY] = N_("name, customer type, business ID, date of last activity"),
    [RK_GROUP_CONTACT] = N_("e-mail, phone, postal and delivery addresses, the contact "
                            "persons of company customers"),
    [RK_GROUP_BILLING] = N_("billing address, invoicing e-mail, payment terms, bank "
                            "reference"),
    [RK_GROUP_IDCODE] = N_("Finnish personal identity code (henkilötunnus)"),
    [RK_GROUP_ORDERS] = N_("orders, their products, quantities and status"),
    [RK_GROUP_ORDER_AMOUNTS] = N_("prices and VAT rates of orders"),
    [RK_GROUP_NOTES] = N_("free-text notes written by staff"),
    [RK_GROUP_CONSENTS] = N_("marketing consents and their withdrawal, objections"),
};

static const char *const basis_labels[RK_BASIS_COUNT] = {
    [RK_BASIS_CONSENT] = N_("Consent (Art. 6(1)(a))"),
    [RK_BASIS_CONTRACT] = N_("Contract (Art. 6(1)(b))"),
    [RK_BASIS_LEGAL_OBLIGATION] = N_("Legal obligation (Art. 6(1)(c))"),
    [RK_BASIS_VITAL_INTERESTS] = N_("Vital interests (Art. 6(1)(d))"),
    [RK_BASIS_PUBLIC_TASK] = N_("Public task (Art. 6(1)(e))"),
    [RK_BASIS_LEGITIMATE_INTERESTS] = N_("Legitimate interests (Art. 6(1)(f))"),
};

static const char *const basis_words[RK_BASIS_COUNT] = {
    [RK_BASIS_CONSENT] = "consent",
    [RK_BASIS_CONTRACT] = "contract",
    [RK_BASIS_LEGAL_OBLIGATION] = "legal_obligation",
    [RK_BASIS_VITAL_INTERESTS] = "vital_interests",
    [RK_BASIS_PUBLIC_TASK] = "public_task",
    [RK_BASIS_LEGITIMATE_INTERESTS] = "legitimate_interests",
};

static const struct {
        const char *label, *event, *reason;
} rules[RK_RULE_COUNT] = {
    [RK_RULE_PROSPECTS] = {N_("Prospects with no orders"), N_("last activity"),
                           N_("no purchase in two years: the legitimate interest in a "
                              "prospect has ended")},
    [RK_RULE_INACTIVE] = {N_("Customers with orders"), N_("last order or contact"),
                          N_("claims from a sale are time-barred after three years "
                             "(Limitation Act 728/2003)")},
    [RK_RULE_BOOKKEEPING] = {N_("Order and invoice rows"),
                             N_("end of the financial year"),
                             N_("Accounting Act 1336/1997, chapter 2, section 10")},
    [RK_RULE_NOTES] = {N_("Notes"), N_("writing"),
                       N_("working notes are needed for a sales cycle")},
    [RK_RULE_CONSENTS] = {N_("Withdrawn consents"), N_("withdrawal"),
                          N_("proof of consent (Art. 7(1)) until claims are "
                             "time-barred")},
    [RK_RULE_REQUESTS] = {N_("Closed data subject requests"), N_("closing"),
                          N_("proof of how a request was handled (Art. 5(2))")},
    [RK_RULE_AUDIT] = {N_("Audit trail entries"), N_("writing"),
                       N_("the look-back of supervision; entries hold no values")},
};

int rk_legal_basis_parse(const char *word)
{
        for (int b = 0; word != NULL && b < RK_BASIS_COUNT; b++) {
                if (strcmp(basis_words[b], word) == 0)
                        return b;
        }
        return -1;
}

const char *rk_legal_basis_names(void)
{
        return "consent, contract, legal_obligation, vital_interests, public_task, "
               "legitimate_interests";
}

const char *pw_group_label(enum rk_group g)
{
        return g < RK_GROUP_COUNT ? _(group_labels[g]) : "?";
}

const char *pw_group_content(enum rk_group g)
{
        return g < RK_GROUP_COUNT ? _(group_contents[g]) : "?";
}

/* Append text to out, with ", " before all but the first. */
static void append(char *out, size_t size, const char *text)
{
        size_t used = strlen(out);
        if (used < size)
                snprintf(out + used, size - used, "%s%s", used ? ", " : "", text);
}

void pw_groups_text(rk_groupset set, char *out, size_t size)
{
        out[0] = '\0';
        for (int g = 0; g < RK_GROUP_COUNT; g++)
                if (set & (1u << g))
                        append(out, size, pw_group_label((enum rk_group)g));
        if (out[0] == '\0')
                snprintf(out, size, "%s", _("none"));
}

void pw_group_fields(enum rk_group g, char *out, size_t size)
{
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        out[0] = '\0';
        for (size_t i = 0; i < n; i++)
                if (f[i].group == g)
                        append(out, size, _(f[i].label));
}

rk_groupset pw_groups_stored(void)
{
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        rk_groupset set = 0;
        for (size_t i = 0; i < n; i++)
                set |= 1u << f[i].group;
        return set;
}

const char *pw_basis_label(int basis)
{
        return basis >= 0 && basis < RK_BASIS_COUNT ? _(basis_labels[basis])
                                                    : _("not set");
}

const char *pw_rule_label(enum rk_retention_rule r)
{
        return r < RK_RULE_COUNT ? _(rules[r].label) : "?";
}

const char *pw_rule_event(enum rk_retention_rule r)
{
        return r < RK_RULE_COUNT ? _(rules[r].event) : "?";
}

const char *pw_rule_reason(enum rk_retention_rule r)
{
        return r < RK_RULE_COUNT ? _(rules[r].reason) : "?";
}

void pw_period(int months, char *out, size_t size)
{
        if (months % 12 == 0)
                snprintf(out, size,
                         ngettext("%d year", "%d years", (unsigned long)months / 12),
                         months / 12);
        else
                snprintf(out, size,
                         ngettext("%d month", "%d months", (unsigned long)months),
                         months);
}

const char *pw_action(enum rk_retention_action a)
{
        return a == RK_RETAIN_DELETE ? _("deleted") : _("anonymised");
}

const char *pw_text(const struct rk_config_text *t)
{
        const char *lang = rk_i18n_current();
        if (strcmp(lang, "fi") == 0 && t->fi[0] != '\0')
                return t->fi;
        if (strcmp(lang, "sv") == 0 && t->sv[0] != '\0')
                return t->sv;
        return t->text;
}

const char *pw_controller_name(const struct rk_config *cfg)
{
        return cfg->privacy.name[0] != '\0' ? cfg->privacy.name : cfg->company_name;
}
