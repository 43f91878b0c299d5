/*
 * privacy_notice.c - the privacy notice for the people in the register
 * (GDPR Art. 13 and 14; tietosuojaseloste), in plain language, generated
 * from the config (see privacy.h). One section per item the articles
 * require, in the order of Art. 13(1)-(2), with Art. 14's categories of
 * data and their source; each heading names its point of the article so
 * that a reader (and the test) can check that none is missing.
 */
#include "privacy_build.h"
#include "privacy_words.h"

#include "rekisteri/i18n.h"
#include "rekisteri/privacy.h"
#include "rekisteri/retention.h"

#include <stdio.h>
#include <string.h>

static const char *or_unset(const char *s)
{
        return s != NULL && s[0] != '\0' ? s : _("(not set)");
}

static const char *contact_of(const struct rk_config *cfg)
{
        return or_unset(cfg->privacy.email[0] ? cfg->privacy.email
                                              : cfg->controller_contact);
}

static void who(const struct rk_config *cfg, struct rk_doc *d)
{
        const struct rk_privacy_config *p = &cfg->privacy;
        rk_doc_heading(d, 2, "%s", _("Who is responsible for your data (Art. 13(1)(a))"));
        rk_doc_item(d, _("Controller: %s"), or_unset(pw_controller_name(cfg)));
        if (p->business_id[0] != '\0')
                rk_doc_item(d, _("Business ID: %s"), p->business_id);
        rk_doc_item(d, _("Address: %s"), or_unset(p->address));
        rk_doc_item(d, _("Questions and requests about your data: %s"), contact_of(cfg));
        rk_doc_heading(d, 2, "%s", _("Data protection officer (Art. 13(1)(b))"));
        if (p->dpo_contact[0] != '\0')
                rk_doc_para(d, _("You can reach our data protection officer at %s."),
                            p->dpo_contact);
        else
                rk_doc_para(
                    d, "%s",
                    _("We have not designated a data protection officer. Contact us "
                      "as above."));
}

static void why(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s",
                       _("Why we process your data and on what basis (Art. 13(1)(c))"));
        if (cfg->privacy.npurposes == 0)
                rk_doc_para(d, "%s", _("(No purpose is declared yet.)"));
        bool interests = false;
        for (size_t i = 0; i < cfg->privacy.npurposes; i++) {
                const struct rk_purpose *p = &cfg->privacy.purposes[i];
                rk_doc_item(d, _("%s. Legal basis: %s."),
                            or_unset(pw_text(&p->description)), pw_basis_label(p->basis));
                interests |= p->basis == RK_BASIS_LEGITIMATE_INTERESTS;
        }
        rk_doc_heading(d, 2, "%s", _("Our legitimate interests (Art. 13(1)(d))"));
        if (!interests)
                rk_doc_para(d, "%s", _("We do not rely on legitimate interests."));
        for (size_t i = 0; i < cfg->privacy.npurposes; i++) {
                const struct rk_purpose *p = &cfg->privacy.purposes[i];
                if (p->basis == RK_BASIS_LEGITIMATE_INTERESTS)
                        rk_doc_item(d, "%s: %s", or_unset(pw_text(&p->description)),
                                    or_unset(pw_text(&p->basis_detail)));
        }
}

static void what(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_groupset used = 0;
        for (size_t i = 0; i < cfg->privacy.npurposes; i++)
                used |= cfg->privacy.purposes[i].groups;
        rk_doc_heading(d, 2, "%s", _("What data we process (Art. 14(1)(d))"));
        for (int g = 0; g < RK_GROUP_COUNT; g++)
                if (used & (1u << g))
                        rk_doc_item(d, "%s: %s", pw_group_label((enum rk_group)g),
                                    pw_group_content((enum rk_group)g));
        rk_doc_heading(d, 2, "%s", _("Where the data comes from (Art. 14(2)(f))"));
        rk_doc_para(d, "%s",
                    _("Most of the data we get from you yourself: when you become a "
                      "customer, place an order or contact us. The details of a contact "
                      "person come from the company the person works for."));
        const char *more = pw_text(&cfg->privacy.sources);
        if (more[0] != '\0')
                rk_doc_para(d, "%s", more);
}

static void recipients(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s", _("Who receives your data (Art. 13(1)(e))"));
        rk_doc_para(d, "%s",
                    _("Inside our company only the staff whose work needs it see your "
                      "data, and each of them sees only the part their work needs. We do "
                      "not sell your data."));
        for (size_t i = 0; i < cfg->privacy.nrecipients; i++) {
                const struct rk_recipient *x = &cfg->privacy.recipients[i];
                const char *desc = pw_text(&x->description);
                if (x->processor)
                        rk_doc_item(d, _("%s (%s), processing the data on our behalf"),
                                    or_unset(x->who), desc);
                else
                        rk_doc_item(d, "%s (%s)", or_unset(x->who), desc);
        }
        rk_doc_heading(d, 2, "%s",
                       _("Transfers outside the EU and the EEA (Art. 13(1)(f))"));
        if (cfg->privacy.ntransfers == 0)
                rk_doc_para(
                    d, "%s",
                    _("We do not transfer your data outside the European Union or "
                      "the European Economic Area."));
        for (size_t i = 0; i < cfg->privacy.ntransfers; i++) {
                const struct rk_transfer *t = &cfg->privacy.transfers[i];
                rk_doc_item(d, _("%s, to %s. Safeguard: %s"),
                            or_unset(pw_text(&t->description)), or_unset(t->country),
                            or_unset(pw_text(&t->safeguard)));
        }
}

static void how_long(const struct rk_config *cfg, struct rk_doc *d)
{
        struct rk_retention_rule_info rules[RK_RULE_COUNT];
        rk_retention_rules(cfg, rules);
        rk_doc_heading(d, 2, "%s", _("How long we keep your data (Art. 13(2)(a))"));
        for (int r = 0; r < RK_RULE_AUDIT; r++) {
                char period[64];
                pw_period(rules[r].months, period, sizeof(period));
                rk_doc_item(d, _("%s: %s from %s; then they are %s."),
                            pw_rule_label((enum rk_retention_rule)r), period,
                            pw_rule_event((enum rk_retention_rule)r),
                            pw_action(rules[r].action));
        }
        rk_doc_para(
            d, "%s",
            _("Anonymised means that nothing in the data can tell who you are any "
              "more; the amounts of orders stay in our books."));
}

static void rights(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s", _("Your rights (Art. 13(2)(b))"));
        rk_doc_item(d, "%s",
                    _("to see the data we have about you and get a copy (Art. 15)"));
        rk_doc_item(d, "%s", _("to have wrong data corrected (Art. 16)"));
        rk_doc_item(d, "%s",
                    _("to have your data erased, unless the law requires us to keep it "
                      "(Art. 17)"));
        rk_doc_item(d, "%s", _("to have the processing restricted (Art. 18)"));
        rk_doc_item(
            d, "%s",
            _("to get the data you gave us in a machine-readable form (Art. 20)"));
        rk_doc_item(d, "%s",
                    _("to object to processing based on our legitimate interests, and to "
                      "direct marketing at any time (Art. 21)"));
        rk_doc_para(d,
                    _("How to use them: write to %s, or by post to %s. We may ask you to "
                      "prove who you are. We answer within one month; if the request is "
                      "complex we may extend that by two months, and tell you why. Using "
                      "your rights costs you nothing."),
                    contact_of(cfg), or_unset(cfg->privacy.address));
        rk_doc_heading(d, 2, "%s", _("Withdrawing your consent (Art. 13(2)(c))"));
        rk_doc_para(
            d, "%s",
            _("Where we process your data on the basis of your consent, such as for "
              "newsletters, you may withdraw it at any time, as easily as you gave "
              "it. Withdrawing does not affect what was done before."));
        rk_doc_heading(d, 2, "%s",
                       _("Your right to complain to the supervisory authority (Art. "
                         "13(2)(d))"));
        rk_doc_para(d, "%s",
                    _("If you think that we process your data against the law, you may "
                      "complain to the Data Protection Ombudsman (Office of the Data "
                      "Protection Ombudsman, P.O. Box 800, 00531 Helsinki, Finland; "
                      "tietosuoja.fi), or to the supervisory authority of the EU country "
                      "where you live or work."));
}

static void must_and_auto(struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s", _("Must you give us your data (Art. 13(2)(e))"));
        rk_doc_para(
            d, "%s",
            _("The data marked as required is needed to make and carry out a "
              "contract with you, such as delivering and invoicing an order: without "
              "it we cannot serve you as a customer. The Accounting Act requires us "
              "to keep bookkeeping records. Giving consent to marketing is "
              "voluntary."));
        rk_doc_heading(d, 2, "%s",
                       _("Automated decisions and profiling (Art. 13(2)(f))"));
        rk_doc_para(
            d, "%s",
            _("We make no decisions about you based solely on automated processing, "
              "and we do not profile you."));
        rk_doc_heading(d, 2, "%s", _("How we protect your data"));
        rk_doc_para(
            d, "%s",
            _("The register is encrypted. Staff log in with a password and a "
              "one-time code, each sees only what their work needs, and every look "
              "at your data is recorded."));
}

void pv_notice(const struct rk_config *cfg, const char *today, struct rk_doc *d)
{
        char date[16];
        rk_doc_date(d, today, date);
        rk_doc_heading(d, 1, "%s", _("Privacy notice"));
        rk_doc_para(
            d,
            _("This notice tells how %s processes the personal data of its "
              "customers and of the contact persons of its company customers in its "
              "customer register (EU General Data Protection Regulation, Articles 13 "
              "and 14). Updated %s."),
            or_unset(pw_controller_name(cfg)), date);
        pv_gaps(cfg, d);
        who(cfg, d);
        why(cfg, d);
        what(cfg, d);
        recipients(cfg, d);
        how_long(cfg, d);
        rights(cfg, d);
        must_and_auto(d);
}
