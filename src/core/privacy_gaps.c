/*
 * privacy_gaps.c - the honesty checks of the privacy documents (see
 * rk_privacy_gaps in privacy.h): what the config leaves unset that the
 * record or the notice needs. Each gap is one translated sentence naming
 * the config key that closes it. A field group that a role reads or a
 * recipient gets, but that no purpose covers, is processing without a
 * purpose, and a gap too.
 */
#include "privacy_words.h"

#include "rekisteri/i18n.h"
#include "rekisteri/privacy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gaps {
        char **items;
        size_t n;
        bool failed;
};

static void gap(struct gaps *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void gap(struct gaps *g, const char *fmt, ...)
{
        char *text = NULL;
        va_list ap;
        va_start(ap, fmt);
        int k = vasprintf(&text, fmt, ap);
        va_end(ap);
        char **more = k < 0 ? NULL : realloc(g->items, (g->n + 1) * sizeof(*more));
        if (more == NULL) {
                if (k >= 0)
                        free(text);
                g->failed = true;
                return;
        }
        g->items = more;
        g->items[g->n++] = text;
}

static void controller_gaps(const struct rk_config *cfg, struct gaps *g)
{
        const struct rk_privacy_config *p = &cfg->privacy;
        if (pw_controller_name(cfg)[0] == '\0')
                gap(g, "%s", _("The controller's name is not set: [controller] name."));
        if (p->address[0] == '\0')
                gap(g, "%s",
                    _("The controller's address is not set: [controller] address."));
        if (p->email[0] == '\0' && cfg->controller_contact[0] == '\0')
                gap(g, "%s",
                    _("Where people send questions and requests about their data is not "
                      "set: [controller] email."));
        if (p->npurposes == 0)
                gap(g, "%s",
                    _("No purpose of the processing is declared: add a [purpose.NAME] "
                      "section for each."));
}

static void purpose_gaps(const struct rk_config *cfg, struct gaps *g)
{
        for (size_t i = 0; i < cfg->privacy.npurposes; i++) {
                const struct rk_purpose *p = &cfg->privacy.purposes[i];
                if (p->description.text[0] == '\0')
                        gap(g,
                            _("Purpose %s has no description: [purpose.%s] description."),
                            p->name, p->name);
                if (p->basis < 0)
                        gap(g,
                            _("Purpose %s has no legal basis: [purpose.%s] legal_basis."),
                            p->name, p->name);
                if (p->basis == RK_BASIS_LEGITIMATE_INTERESTS &&
                    p->basis_detail.text[0] == '\0')
                        gap(g,
                            _("Purpose %s rests on legitimate interests but does not "
                              "name "
                              "them: [purpose.%s] basis_detail."),
                            p->name, p->name);
                if (p->groups == 0)
                        gap(g, _("Purpose %s uses no field group: [purpose.%s] groups."),
                            p->name, p->name);
        }
}

static rk_groupset purposes_cover(const struct rk_config *cfg)
{
        rk_groupset covered = 0;
        for (size_t i = 0; i < cfg->privacy.npurposes; i++)
                covered |= cfg->privacy.purposes[i].groups;
        return covered;
}

static void group_gaps(const struct rk_config *cfg, struct gaps *g)
{
        rk_groupset covered = purposes_cover(cfg);
        rk_groupset stored = pw_groups_stored();
        for (int k = 0; k < RK_GROUP_COUNT; k++) {
                rk_groupset bit = 1u << k;
                if ((stored & bit) && !(covered & bit))
                        gap(g, _("Field group %s (%s) is used by no purpose."),
                            rk_policy_group_name((enum rk_group)k),
                            pw_group_label((enum rk_group)k));
        }
        for (size_t r = 0; r < cfg->roles.n; r++) {
                const struct rk_role *role = &cfg->roles.roles[r];
                for (int k = 0; k < RK_GROUP_COUNT; k++)
                        if ((role->read & (1u << k)) && !(covered & (1u << k)))
                                gap(g,
                                    _("Role %s reads field group %s, which no purpose "
                                      "covers: processing without a purpose."),
                                    role->name, rk_policy_group_name((enum rk_group)k));
        }
        for (size_t r = 0; r < cfg->privacy.nrecipients; r++) {
                const struct rk_recipient *x = &cfg->privacy.recipients[r];
                for (int k = 0; k < RK_GROUP_COUNT; k++)
                        if ((x->groups & (1u << k)) && !(covered & (1u << k)))
                                gap(g,
                                    _("Recipient %s receives field group %s, which no "
                                      "purpose covers."),
                                    x->name, rk_policy_group_name((enum rk_group)k));
        }
}

static void outside_gaps(const struct rk_config *cfg, struct gaps *g)
{
        for (size_t r = 0; r < cfg->privacy.nrecipients; r++) {
                const struct rk_recipient *x = &cfg->privacy.recipients[r];
                if (x->who[0] == '\0')
                        gap(g, _("Recipient %s has no name: [recipient.%s] name."),
                            x->name, x->name);
        }
        for (size_t t = 0; t < cfg->privacy.ntransfers; t++) {
                const struct rk_transfer *x = &cfg->privacy.transfers[t];
                if (x->country[0] == '\0')
                        gap(g, _("Transfer %s names no country: [transfer.%s] country."),
                            x->name, x->name);
                if (x->safeguard.text[0] == '\0')
                        gap(g,
                            _("Transfer %s names no safeguard or adequacy decision: "
                              "[transfer.%s] safeguard."),
                            x->name, x->name);
        }
}

int rk_privacy_gaps(const struct rk_config *cfg, char ***out, size_t *n,
                    struct rk_error *err)
{
        struct gaps g = {0};
        controller_gaps(cfg, &g);
        purpose_gaps(cfg, &g);
        group_gaps(cfg, &g);
        outside_gaps(cfg, &g);
        if (g.failed) {
                rk_privacy_gaps_free(g.items, g.n);
                *out = NULL;
                *n = 0;
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        }
        *out = g.items;
        *n = g.n;
        return RK_OK;
}

void rk_privacy_gaps_free(char **gaps, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(gaps[i]);
        free(gaps);
}
