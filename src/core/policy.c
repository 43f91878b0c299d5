/*
 * policy.c - roles, grants and the authorize() decisions (see policy.h).
 *
 * The default roles follow the product's need-to-know table: sales works
 * with contacts and orders, billing with billing details and amounts, the
 * warehouse with order lines only (and picks and ships them), the
 * supervisor (data protection officer) reads everything, keeps the product
 * catalogue and handles requests and the audit trail, and the admin
 * manages accounts and keys but sees no customer data.
 */
#include "rekisteri/policy.h"

#include <stdio.h>
#include <string.h>

#define G(x)       (1u << RK_GROUP_##x)
#define A(x)       (1u << RK_ACTION_##x)
#define ALL_GROUPS ((1u << RK_GROUP_COUNT) - 1)

/* Sales writes order amounts too: the unit price is part of the order it
 * takes, and without it only a supervisor could price an order. */
static const struct rk_role default_roles[] = {
    {"sales",
     G(IDENTITY) | G(CONTACT) | G(ORDERS) | G(ORDER_AMOUNTS) | G(NOTES) | G(CONSENTS),
     G(IDENTITY) | G(CONTACT) | G(ORDERS) | G(ORDER_AMOUNTS) | G(NOTES) | G(CONSENTS),
     A(CUSTOMERS_CREATE)},
    {"billing", G(IDENTITY) | G(BILLING) | G(ORDER_AMOUNTS), G(BILLING), 0},
    {"warehouse", G(ORDERS), 0, A(PICKING)},
    {"supervisor", ALL_GROUPS, ALL_GROUPS,
     A(AUDIT) | A(REQUESTS) | A(RETENTION) | A(EXPORT) | A(CUSTOMERS_CREATE) |
         A(PRODUCTS) | A(IMPORT) | A(DOCUMENTS) | A(MERGE) | A(DUPLICATES)},
    {"admin", 0, 0, A(ACCOUNTS) | A(KEYS)},
    /* the unattended nightly job's key file: runs retention, reads nothing;
     * built in so the README's key add-file works with no config at all */
    {"retention", 0, 0, A(RETENTION)},
};

#define N_DEFAULT (sizeof(default_roles) / sizeof(default_roles[0]))

static const char *const group_names[RK_GROUP_COUNT] = {
    [RK_GROUP_IDENTITY] = "identity", [RK_GROUP_CONTACT] = "contact",
    [RK_GROUP_BILLING] = "billing",   [RK_GROUP_IDCODE] = "idcode",
    [RK_GROUP_ORDERS] = "orders",     [RK_GROUP_ORDER_AMOUNTS] = "order_amounts",
    [RK_GROUP_NOTES] = "notes",       [RK_GROUP_CONSENTS] = "consents",
};

static const char *const action_names[RK_ACTION_COUNT] = {
    [RK_ACTION_ACCOUNTS] = "accounts",
    [RK_ACTION_KEYS] = "keys",
    [RK_ACTION_AUDIT] = "audit",
    [RK_ACTION_REQUESTS] = "requests",
    [RK_ACTION_RETENTION] = "retention",
    [RK_ACTION_EXPORT] = "export",
    [RK_ACTION_CUSTOMERS_CREATE] = "customers_create",
    [RK_ACTION_PRODUCTS] = "products",
    [RK_ACTION_PICKING] = "picking",
    [RK_ACTION_IMPORT] = "import",
    [RK_ACTION_DOCUMENTS] = "documents",
    [RK_ACTION_MERGE] = "merge",
    [RK_ACTION_DUPLICATES] = "duplicates",
};

void rk_policy_defaults(struct rk_roleset *set)
{
        memcpy(set->roles, default_roles, sizeof(default_roles));
        set->n = N_DEFAULT;
}

const struct rk_role *rk_policy_find_role(const struct rk_roleset *set, const char *name)
{
        for (size_t i = 0; i < set->n; i++) {
                if (strcmp(set->roles[i].name, name) == 0)
                        return &set->roles[i];
        }
        return NULL;
}

void rk_policy_grants(const struct rk_roleset *set, const char *const *roles, size_t n,
                      struct rk_grants *out)
{
        memset(out, 0, sizeof(*out));
        for (size_t i = 0; i < n; i++) {
                const struct rk_role *r = rk_policy_find_role(set, roles[i]);
                if (r == NULL)
                        continue;
                out->read |= r->read;
                out->write |= r->write;
                out->actions |= r->actions;
        }
}

size_t rk_policy_split_roles(const char *text, char *buf, size_t size, const char **roles)
{
        size_t n = 0;
        char *save = NULL;
        if (size == 0)
                return 0;
        snprintf(buf, size, "%s", text ? text : "");
        for (char *r = strtok_r(buf, ", ", &save); r != NULL && n < RK_ROLES_MAX;
             r = strtok_r(NULL, ", ", &save))
                roles[n++] = r;
        return n;
}

void rk_policy_join_roles(const char *const *roles, size_t n, char *out, size_t size)
{
        size_t used = 0;
        if (size == 0)
                return;
        out[0] = '\0';
        for (size_t i = 0; i < n && used < size; i++) {
                int k = snprintf(out + used, size - used, "%s%s", i ? "," : "", roles[i]);
                if (k < 0)
                        break;
                used += (size_t)k;
        }
}

/* Look a word up in a name table; -1 when absent. */
static int name_index(const char *const *names, int count, const char *word)
{
        for (int i = 0; i < count; i++) {
                if (strcmp(names[i], word) == 0)
                        return i;
        }
        return -1;
}

/* Turn "a, b" into a bit set over names; the first unknown word fails. */
static int parse_set(const char *list, const char *const *names, int count, uint32_t *out,
                     const char *what, const char *role, struct rk_error *err)
{
        char buf[512], allowed[512] = "";
        *out = 0;
        snprintf(buf, sizeof(buf), "%s", list);
        for (char *w = strtok(buf, ", \t"); w != NULL; w = strtok(NULL, ", \t")) {
                int i = name_index(names, count, w);
                if (i >= 0) {
                        *out |= 1u << i;
                        continue;
                }
                for (int k = 0; k < count; k++) {
                        strncat(allowed, k ? ", " : "",
                                sizeof(allowed) - strlen(allowed) - 1);
                        strncat(allowed, names[k], sizeof(allowed) - strlen(allowed) - 1);
                }
                return rk_error_set(err, RK_ERR_CONFIG,
                                    "%s: unknown %s \"%s\"; allowed are %s", role, what,
                                    w, allowed);
        }
        return RK_OK;
}

static int role_name_valid(const char *name)
{
        size_t n = strlen(name);
        if (n == 0 || n > RK_ROLE_NAME_MAX || name[0] < 'a' || name[0] > 'z')
                return 0;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '-'))
                        return 0;
        }
        return 1;
}

int rk_policy_define(struct rk_roleset *set, const char *name, const char *read,
                     const char *write, const char *actions, struct rk_error *err)
{
        struct rk_role role;
        memset(&role, 0, sizeof(role));
        if (!role_name_valid(name))
                return rk_error_set(
                    err, RK_ERR_CONFIG,
                    "role name \"%s\": use 1 to %d of a-z 0-9 _ -, starting "
                    "with a letter",
                    name, RK_ROLE_NAME_MAX);
        snprintf(role.name, sizeof(role.name), "%s", name);
        char where[RK_ROLE_NAME_MAX + 8];
        snprintf(where, sizeof(where), "role %s", name);
        int rc = parse_set(read, group_names, RK_GROUP_COUNT, &role.read, "field group",
                           where, err);
        if (rc == RK_OK)
                rc = parse_set(write, group_names, RK_GROUP_COUNT, &role.write,
                               "field group", where, err);
        if (rc == RK_OK)
                rc = parse_set(actions, action_names, RK_ACTION_COUNT, &role.actions,
                               "action", where, err);
        if (rc != RK_OK)
                return rc;
        struct rk_role *slot = (struct rk_role *)rk_policy_find_role(set, name);
        if (slot == NULL) {
                if (set->n == RK_ROLES_MAX)
                        return rk_error_set(err, RK_ERR_CONFIG, "more than %d roles",
                                            RK_ROLES_MAX);
                slot = &set->roles[set->n++];
        }
        *slot = role;
        return RK_OK;
}

int rk_policy_parse_groups(const char *list, const char *where, rk_groupset *out,
                           struct rk_error *err)
{
        return parse_set(list, group_names, RK_GROUP_COUNT, out, "field group", where,
                         err);
}

bool rk_authorize_read(const struct rk_grants *g, enum rk_group group)
{
        return group < RK_GROUP_COUNT && (g->read & (1u << group)) != 0;
}

bool rk_authorize_write(const struct rk_grants *g, enum rk_group group)
{
        return group < RK_GROUP_COUNT && (g->write & (1u << group)) != 0;
}

bool rk_authorize_action(const struct rk_grants *g, enum rk_action action)
{
        return action < RK_ACTION_COUNT && (g->actions & (1u << action)) != 0;
}

bool rk_policy_mixes_duties(const struct rk_grants *g)
{
        return (g->read | g->write) != 0 && (g->actions & (A(ACCOUNTS) | A(KEYS))) != 0;
}

const char *rk_policy_group_name(enum rk_group group)
{
        return group < RK_GROUP_COUNT ? group_names[group] : "?";
}

const char *rk_policy_action_name(enum rk_action action)
{
        return action < RK_ACTION_COUNT ? action_names[action] : "?";
}
