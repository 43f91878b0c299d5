/*
 * privacy_record.c - the record of processing activities, GDPR Art.
 * 30(1)(a)-(g), generated from the config and the field table (see
 * privacy.h). One function per point of the article, in its order; every
 * number in it is read from the config in force (roles, periods, Argon2
 * cost, login limits, audit settings), so the record cannot drift from
 * what the program does.
 */
#include "privacy_build.h"
#include "privacy_words.h"

#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"
#include "rekisteri/retention.h"

#include <stdio.h>
#include <string.h>

#define TEXT 1024

static const char *or_unset(const char *s)
{
        return s != NULL && s[0] != '\0' ? s : _("(not set)");
}

static void controller(const struct rk_config *cfg, struct rk_doc *d)
{
        const struct rk_privacy_config *p = &cfg->privacy;
        const char *email = p->email[0] ? p->email : cfg->controller_contact;
        rk_doc_heading(d, 2, "%s",
                       _("1. Controller and data protection officer (Art. 30(1)(a))"));
        const char *head[] = {_("Item"), _("Details")};
        rk_doc_row(d, true, 2, head);
        const char *rows[][2] = {
            {_("Controller"), or_unset(pw_controller_name(cfg))},
            {_("Business ID"), or_unset(p->business_id)},
            {_("Address"), or_unset(p->address)},
            {_("Contact for data protection matters"), or_unset(email)},
            {_("Data protection officer"),
             p->dpo_contact[0] ? p->dpo_contact : _("not designated")},
        };
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
                rk_doc_row(d, false, 2, rows[i]);
}

static void purposes(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s", _("2. Purposes of the processing (Art. 30(1)(b))"));
        if (cfg->privacy.npurposes == 0) {
                rk_doc_para(d, "%s", _("No purpose is declared in the configuration."));
                return;
        }
        const char *head[] = {_("Purpose"), _("Description"), _("Legal basis"),
                              _("Field groups")};
        rk_doc_row(d, true, 4, head);
        for (size_t i = 0; i < cfg->privacy.npurposes; i++) {
                const struct rk_purpose *p = &cfg->privacy.purposes[i];
                char basis[TEXT], groups[TEXT];
                const char *detail = pw_text(&p->basis_detail);
                snprintf(basis, sizeof(basis), "%s%s%s", pw_basis_label(p->basis),
                         detail[0] ? "; " : "", detail);
                pw_groups_text(p->groups, groups, sizeof(groups));
                const char *row[] = {p->name, or_unset(pw_text(&p->description)), basis,
                                     groups};
                rk_doc_row(d, false, 4, row);
        }
}

/* The purposes that use group g, by name. */
static void purposes_of(const struct rk_config *cfg, enum rk_group g, char *out,
                        size_t size)
{
        out[0] = '\0';
        for (size_t i = 0; i < cfg->privacy.npurposes; i++) {
                const struct rk_purpose *p = &cfg->privacy.purposes[i];
                size_t used = strlen(out);
                if ((p->groups & (1u << g)) && used < size)
                        snprintf(out + used, size - used, "%s%s", used ? ", " : "",
                                 p->name);
        }
        if (out[0] == '\0')
                snprintf(out, size, "%s", _("none (to complete)"));
}

static void categories(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s",
                       _("3. Categories of data subjects and of personal data (Art. "
                         "30(1)(c))"));
        rk_doc_heading(d, 3, "%s", _("Data subjects"));
        rk_doc_item(d, "%s",
                    _("Customers who are private persons, and prospective customers."));
        rk_doc_item(d, "%s",
                    _("Contact persons of company customers (their name, title, e-mail "
                      "and phone)."));
        rk_doc_item(d, "%s",
                    _("People who have made a data subject request (the request and how "
                      "it was handled)."));
        rk_doc_heading(d, 3, "%s", _("Personal data, by field group"));
        const char *head[] = {_("Field group"), _("Fields"), _("Purposes")};
        rk_doc_row(d, true, 3, head);
        rk_groupset stored = pw_groups_stored();
        for (int g = 0; g < RK_GROUP_COUNT; g++) {
                if (!(stored & (1u << g)))
                        continue;
                char name[128], fields[TEXT], uses[TEXT];
                snprintf(name, sizeof(name), "%s (%s)", pw_group_label((enum rk_group)g),
                         rk_policy_group_name((enum rk_group)g));
                pw_group_fields((enum rk_group)g, fields, sizeof(fields));
                purposes_of(cfg, (enum rk_group)g, uses, sizeof(uses));
                const char *row[] = {name, fields, uses};
                rk_doc_row(d, false, 3, row);
        }
        rk_doc_para(
            d, "%s",
            _("The personal identity code is processed only when it is needed to "
              "identify a person reliably (Data Protection Act 1050/2018, section "
              "29), and only roles granted its field group see it."));
}

static void recipients(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s", _("4. Recipients (Art. 30(1)(d))"));
        rk_doc_heading(d, 3, "%s", _("Inside the company: the roles and what they read"));
        const char *head[] = {_("Role"), _("Reads"), _("Changes")};
        rk_doc_row(d, true, 3, head);
        for (size_t i = 0; i < cfg->roles.n; i++) {
                const struct rk_role *r = &cfg->roles.roles[i];
                char reads[TEXT], writes[TEXT];
                pw_groups_text(r->read, reads, sizeof(reads));
                pw_groups_text(r->write, writes, sizeof(writes));
                const char *row[] = {r->name, reads, writes};
                rk_doc_row(d, false, 3, row);
        }
        rk_doc_heading(d, 3, "%s", _("Outside the company"));
        if (cfg->privacy.nrecipients == 0) {
                rk_doc_para(d, "%s", _("No external recipients are declared."));
                return;
        }
        const char *xhead[] = {_("Recipient"), _("Role"), _("Country"), _("Data"),
                               _("Description")};
        rk_doc_row(d, true, 5, xhead);
        for (size_t i = 0; i < cfg->privacy.nrecipients; i++) {
                const struct rk_recipient *x = &cfg->privacy.recipients[i];
                char groups[TEXT];
                pw_groups_text(x->groups, groups, sizeof(groups));
                const char *row[] = {
                    or_unset(x->who),
                    x->processor ? _("processor (Art. 28)") : _("separate controller"),
                    x->country[0] ? x->country : "FI", groups, pw_text(&x->description)};
                rk_doc_row(d, false, 5, row);
        }
}

static void transfers(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s", _("5. Transfers to third countries (Art. 30(1)(e))"));
        if (cfg->privacy.ntransfers == 0) {
                rk_doc_para(
                    d, "%s",
                    _("None: personal data is not transferred outside the European "
                      "Economic Area."));
                return;
        }
        const char *head[] = {_("Transfer"), _("Country"), _("Description"),
                              _("Safeguard")};
        rk_doc_row(d, true, 4, head);
        for (size_t i = 0; i < cfg->privacy.ntransfers; i++) {
                const struct rk_transfer *t = &cfg->privacy.transfers[i];
                const char *row[] = {t->name, or_unset(t->country),
                                     pw_text(&t->description),
                                     or_unset(pw_text(&t->safeguard))};
                rk_doc_row(d, false, 4, row);
        }
}

static void erasure(const struct rk_config *cfg, struct rk_doc *d)
{
        struct rk_retention_rule_info rules[RK_RULE_COUNT];
        rk_retention_rules(cfg, rules);
        rk_doc_heading(d, 2, "%s", _("6. Time limits for erasure (Art. 30(1)(f))"));
        const char *head[] = {_("Data"), _("Kept for"), _("Counted from"), _("Then"),
                              _("Why")};
        rk_doc_row(d, true, 5, head);
        for (int r = 0; r < RK_RULE_COUNT; r++) {
                char period[64];
                pw_period(rules[r].months, period, sizeof(period));
                const char *row[] = {pw_rule_label((enum rk_retention_rule)r), period,
                                     pw_rule_event((enum rk_retention_rule)r),
                                     pw_action(rules[r].action),
                                     pw_rule_reason((enum rk_retention_rule)r)};
                rk_doc_row(d, false, 5, row);
        }
        rk_doc_para(
            d, "%s",
            _("The retention run applies these periods every day. A person with an "
              "open request, a restriction of processing or a legal hold is kept "
              "until that ends."));
}

static const char *heads_target(const struct rk_config *cfg)
{
        if (cfg->audit_heads_command[0] != '\0')
                return _("a command that sends them to another machine");
        if (cfg->audit_heads_file[0] != '\0')
                return _("a file kept off the register");
        return _("the system log");
}

static void security(const struct rk_config *cfg, struct rk_doc *d)
{
        rk_doc_heading(d, 2, "%s", _("7. Security measures (Art. 30(1)(g) and Art. 32)"));
        rk_doc_item(
            d, "%s",
            _("Encryption at rest: the register is an SQLCipher database encrypted "
              "with AES-256 under a random 256-bit key that is never stored in "
              "the clear."));
        rk_doc_item(d,
                    _("Key handling: the key is wrapped for each user with Argon2id "
                      "(passes: %lld; memory: %lld KiB per attempt); a recovery key is "
                      "shown once and kept offline; unattended jobs use key files with "
                      "only the roles they need."),
                    cfg->argon2_ops, cfg->argon2_mem_kib);
        rk_doc_item(
            d,
            _("Authentication: every login needs a password and a one-time code "
              "from an authenticator app (TOTP). After %lld failed attempts each "
              "try must wait longer, up to %lld seconds; after %lld the account is "
              "locked until an administrator unlocks it."),
            cfg->throttle_after, cfg->max_delay_seconds, cfg->lock_after);
        rk_doc_item(d,
                    _("Sessions: the screen locks after %lld seconds without use, and a "
                      "session ends after %lld hours."),
                    cfg->idle_lock_seconds, cfg->max_session_hours);
        rk_doc_item(
            d, "%s",
            cfg->combine_duties
                ? _("Need to know: each role sees only its field groups. Separation "
                    "of duties is turned off ([accounts] combine_duties = 1): one "
                    "account may both manage access and read customer data, and "
                    "every such change is audited.")
                : _("Need to know: each role sees only its field groups, and access "
                    "is denied by default. Whoever manages accounts and keys cannot "
                    "read customer data (separation of duties)."));
        rk_doc_item(
            d,
            _("Audit trail: every read and change of personal data is recorded "
              "(who, whose data, which field groups, when, from where; never the "
              "values), hash-chained and sealed with forward-secure keys. The chain "
              "head goes to %s every %lld entries and at least every %lld minutes. "
              "Entries are kept for %lld months."),
            heads_target(cfg), cfg->audit_epoch_rows, cfg->audit_head_interval,
            cfg->audit_retention_months);
        rk_doc_item(d, "%s",
                    _("Erasure: erased data is removed from the search index and the "
                      "database's journal, with secure deletion on; an erasure ledger "
                      "makes a restored backup erase the same people again."));
        rk_doc_item(
            d, "%s",
            _("Backups: online copies encrypted exactly as the register is, opened "
              "only by the recovery key or a backup key file."));
        rk_doc_item(
            d,
            _("Data subject request files wait for fetching for at most %lld days; "
              "then the daily retention run deletes them."),
            cfg->export_days);
        rk_doc_item(d, "%s",
                    _("Staff use the register over SSH, which encrypts the connection."));
}

void pv_record(const struct rk_config *cfg, const char *today, struct rk_doc *d)
{
        char date[16];
        rk_doc_date(d, today, date);
        rk_doc_heading(d, 1, "%s", _("Record of processing activities"));
        rk_doc_para(
            d,
            _("%s: customer register. Generated from the register's configuration "
              "on %s; generate it again after any change."),
            or_unset(pw_controller_name(cfg)), date);
        pv_gaps(cfg, d);
        controller(cfg, d);
        purposes(cfg, d);
        categories(cfg, d);
        recipients(cfg, d);
        transfers(cfg, d);
        erasure(cfg, d);
        security(cfg, d);
}
