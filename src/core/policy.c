/*
 * policy.c - roles, grants and the authorize() decisions (see policy.h).
 *
 * The default roles follow the product's need-to-know table: sales works
 * with contacts and orders, billing with billing details and amounts, the
 * warehouse with order lines only, the supervisor (data protection officer)
 * reads everything and handles requests and the audit trail, and the admin
 * manages accounts and keys but sees no customer data.
 */
#include "rekisteri/policy.h"

#include <stdio.h>
#include <string.h>

#define G(x)       (1u << RK_GROUP_##x)
#define A(x)       (1u << RK_ACTION_##x)
#define ALL_GROUPS ((1u << RK_GROUP_COUNT) - 1)

static const struct rk_role default_roles[] = {
    {"sales",
     G(IDENTITY) | G(CONTACT) | G(ORDERS) | G(ORDER_AMOUNTS) | G(NOTES) | G(CONSENTS),
     G(IDENTITY) | G(CONTACT) | G(ORDERS) | G(NOTES) | G(CONSENTS), A(CUSTOMERS_CREATE)},
    {"billing", G(IDENTITY) | G(BILLING) | G(ORDER_AMOUNTS), G(BILLING), 0},
    {"warehouse", G(ORDERS), 0, 0},
    {"supervisor", ALL_GROUPS, ALL_GROUPS,
     A(AUDIT) | A(REQUESTS) | A(RETENTION) | A(EXPORT) | A(CUSTOMERS_CREATE)},
    {"admin", 0, 0, A(ACCOUNTS) | A(KEYS)},
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
};

const struct rk_role *rk_policy_default_roles(size_t *n)
{
        *n = N_DEFAULT;
        return default_roles;
}

const struct rk_role *rk_policy_find_role(const char *name)
{
        for (size_t i = 0; i < N_DEFAULT; i++) {
                if (strcmp(default_roles[i].name, name) == 0)
                        return &default_roles[i];
        }
        return NULL;
}

void rk_policy_grants(const char *const *roles, size_t n, struct rk_grants *out)
{
        memset(out, 0, sizeof(*out));
        for (size_t i = 0; i < n; i++) {
                const struct rk_role *r = rk_policy_find_role(roles[i]);
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

const char *rk_policy_group_name(enum rk_group group)
{
        return group < RK_GROUP_COUNT ? group_names[group] : "?";
}

const char *rk_policy_action_name(enum rk_action action)
{
        return action < RK_ACTION_COUNT ? action_names[action] : "?";
}
