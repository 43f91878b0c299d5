/*
 * config_privacy.c - [purpose.NAME], [recipient.NAME] and [transfer.NAME]
 * (see config_privacy.h and data/rekisteri.ini).
 *
 * How it works: each kind of section has a declarative table of its keys,
 * with the offset of the member each fills and how the value is read
 * (text, field groups, legal basis, 0/1, country code). A section becomes
 * one entry of the kind's array in cfg->privacy, named by what follows the
 * dot. Every key of the section must be in its table, as in config.c, so a
 * misspelt key is an error, not a silently missing line in the record.
 */
#include "config_privacy.h"

#include "rekisteri/privacy.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { PURPOSE, RECIPIENT, TRANSFER, KINDS };
enum vtype { V_STR, V_GROUPS, V_BASIS, V_BOOL, V_COUNTRY };

struct key {
        enum kind kind;
        const char *key;
        enum vtype type;
        size_t offset; /* in the kind's struct */
        size_t size;   /* V_STR: the member's size */
};

#define P(m) offsetof(struct rk_purpose, m)
#define R(m) offsetof(struct rk_recipient, m)
#define T(m) offsetof(struct rk_transfer, m)
#define S    RK_PRIVACY_TEXT_MAX

static const struct key keys[] = {
    {PURPOSE, "description", V_STR, P(description.text), S},
    {PURPOSE, "description_fi", V_STR, P(description.fi), S},
    {PURPOSE, "description_sv", V_STR, P(description.sv), S},
    {PURPOSE, "legal_basis", V_BASIS, P(basis), 0},
    {PURPOSE, "basis_detail", V_STR, P(basis_detail.text), S},
    {PURPOSE, "basis_detail_fi", V_STR, P(basis_detail.fi), S},
    {PURPOSE, "basis_detail_sv", V_STR, P(basis_detail.sv), S},
    {PURPOSE, "groups", V_GROUPS, P(groups), 0},
    {RECIPIENT, "name", V_STR, R(who), S},
    {RECIPIENT, "description", V_STR, R(description.text), S},
    {RECIPIENT, "description_fi", V_STR, R(description.fi), S},
    {RECIPIENT, "description_sv", V_STR, R(description.sv), S},
    {RECIPIENT, "groups", V_GROUPS, R(groups), 0},
    {RECIPIENT, "processor", V_BOOL, R(processor), 0},
    {RECIPIENT, "country", V_COUNTRY, R(country), 0},
    {TRANSFER, "country", V_COUNTRY, T(country), 0},
    {TRANSFER, "description", V_STR, T(description.text), S},
    {TRANSFER, "description_fi", V_STR, T(description.fi), S},
    {TRANSFER, "description_sv", V_STR, T(description.sv), S},
    {TRANSFER, "safeguard", V_STR, T(safeguard.text), S},
    {TRANSFER, "safeguard_fi", V_STR, T(safeguard.fi), S},
    {TRANSFER, "safeguard_sv", V_STR, T(safeguard.sv), S},
};

static const char *const prefixes[KINDS] = {"purpose.", "recipient.", "transfer."};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static int kind_of(const char *section)
{
        for (int k = 0; k < KINDS; k++) {
                if (strncmp(section, prefixes[k], strlen(prefixes[k])) == 0)
                        return k;
        }
        return -1;
}

bool rk_config_privacy_owns(const char *section)
{
        return kind_of(section) >= 0;
}

/* A new entry of kind k named name, with its defaults; NULL when full. */
static char *new_entry(struct rk_privacy_config *p, enum kind k, const char *name)
{
        char *e = NULL;
        if (k == PURPOSE && p->npurposes < RK_PURPOSES_MAX) {
                struct rk_purpose *x = &p->purposes[p->npurposes++];
                memset(x, 0, sizeof(*x));
                x->basis = -1;
                e = (char *)x;
        } else if (k == RECIPIENT && p->nrecipients < RK_RECIPIENTS_MAX) {
                struct rk_recipient *x = &p->recipients[p->nrecipients++];
                memset(x, 0, sizeof(*x));
                e = (char *)x;
        } else if (k == TRANSFER && p->ntransfers < RK_TRANSFERS_MAX) {
                struct rk_transfer *x = &p->transfers[p->ntransfers++];
                memset(x, 0, sizeof(*x));
                e = (char *)x;
        }
        if (e != NULL) /* every kind starts with its name */
                snprintf(e, RK_PRIVACY_NAME_MAX + 1, "%s", name);
        return e;
}

static bool name_valid(const char *name)
{
        size_t n = strlen(name);
        if (n == 0 || n > RK_PRIVACY_NAME_MAX)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '-'))
                        return false;
        }
        return true;
}

static const struct key *find_key(enum kind k, const char *key)
{
        for (size_t i = 0; i < N_KEYS; i++) {
                if (keys[i].kind == k && strcmp(keys[i].key, key) == 0)
                        return &keys[i];
        }
        return NULL;
}

static void allowed_keys(enum kind k, char *buf, size_t size)
{
        size_t used = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < N_KEYS && used < size; i++) {
                if (keys[i].kind != k)
                        continue;
                int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                 keys[i].key);
                if (n < 0)
                        break;
                used += (size_t)n;
        }
}

/* Read value into the member of entry that key names. */
static int apply_key(const struct key *key, char *entry, const char *value,
                     const char *file, const char *section, struct rk_error *err)
{
        char *m = entry + key->offset;
        char where[RK_PRIVACY_NAME_MAX + 16];
        switch (key->type) {
        case V_STR:
                if (strlen(value) >= key->size)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: [%s] %s: longer than %zu characters",
                                            file, section, key->key, key->size - 1);
                memcpy(m, value, strlen(value) + 1);
                return RK_OK;
        case V_GROUPS: {
                struct rk_error inner;
                snprintf(where, sizeof(where), "%s", section);
                if (rk_policy_parse_groups(value, where, (rk_groupset *)(void *)m,
                                           &inner) != RK_OK)
                        return rk_error_set(err, RK_ERR_CONFIG, "%s: [%s] %s: %s", file,
                                            section, key->key, inner.msg);
                return RK_OK;
        }
        case V_BASIS: {
                int b = value[0] == '\0' ? -1 : rk_legal_basis_parse(value);
                if (value[0] != '\0' && b < 0)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: [%s] legal_basis: \"%s\" is not one of "
                                            "%s",
                                            file, section, value, rk_legal_basis_names());
                memcpy(m, &b, sizeof(b));
                return RK_OK;
        }
        case V_BOOL: {
                long long v = strcmp(value, "1") == 0 ? 1 : 0;
                if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: [%s] %s: expected 0 or 1", file, section,
                                            key->key);
                memcpy(m, &v, sizeof(v));
                return RK_OK;
        }
        case V_COUNTRY:
                if (strlen(value) != 2 || value[0] < 'A' || value[0] > 'Z' ||
                    value[1] < 'A' || value[1] > 'Z')
                        return rk_error_set(err, RK_ERR_CONFIG,
                                            "%s: [%s] %s: expected a two-letter country "
                                            "code such as FI, SE or US",
                                            file, section, key->key);
                memcpy(m, value, 3);
                return RK_OK;
        }
        return RK_ERR_INTERNAL;
}

int rk_config_privacy_section(dictionary *d, const char *file, const char *section,
                              struct rk_config *cfg, struct rk_error *err)
{
        int k = kind_of(section);
        const char *name = section + strlen(prefixes[k]);
        if (!name_valid(name))
                return rk_error_set(err, RK_ERR_CONFIG,
                                    "%s: [%s]: name the section with 1 to %d of a-z 0-9 "
                                    "_ -",
                                    file, section, RK_PRIVACY_NAME_MAX);
        char *entry = new_entry(&cfg->privacy, (enum kind)k, name);
        if (entry == NULL)
                return rk_error_set(err, RK_ERR_CONFIG,
                                    "%s: [%s]: too many [%s*] sections", file, section,
                                    prefixes[k]);
        int nkeys = iniparser_getsecnkeys(d, section);
        if (nkeys <= 0)
                return RK_OK;
        const char **names = calloc((size_t)nkeys, sizeof(*names));
        if (names == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory reading %s", file);
        int rc = RK_OK;
        iniparser_getseckeys(d, section, names);
        for (int i = 0; i < nkeys && rc == RK_OK; i++) {
                const char *key = names[i] + strlen(section) + 1;
                const struct key *kd = find_key((enum kind)k, key);
                char allowed[256];
                if (kd == NULL) {
                        allowed_keys((enum kind)k, allowed, sizeof(allowed));
                        rc = rk_error_set(err, RK_ERR_CONFIG,
                                          "%s: [%s] %s: unknown key; allowed keys are %s",
                                          file, section, key, allowed);
                } else {
                        rc = apply_key(kd, entry, iniparser_getstring(d, names[i], ""),
                                       file, section, err);
                }
        }
        free(names);
        return rc;
}

int rk_config_privacy_finish(const char *file, struct rk_config *cfg,
                             struct rk_error *err)
{
        const char *lang = cfg->privacy.language;
        if (lang[0] != '\0' && strcmp(lang, "fi") != 0 && strcmp(lang, "sv") != 0 &&
            strcmp(lang, "en") != 0)
                return rk_error_set(
                    err, RK_ERR_CONFIG,
                    "%s: [controller] language: \"%s\" is not fi, sv or en", file, lang);
        return RK_OK;
}
