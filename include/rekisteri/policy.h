/*
 * policy.h - who may do what: one authorize() for every path.
 *
 * Access is denied by default. A role grants read and write on field
 * groups and grants named actions; a user holds one or more roles and gets
 * the union. Every screen, search, export and command-line path asks
 * rk_authorize_*() and nothing else. The built-in roles are the defaults;
 * [role.NAME] sections in the config replace them or add roles.
 */
#ifndef REKISTERI_POLICY_H
#define REKISTERI_POLICY_H

#include "rekisteri/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Field groups: every stored field of a customer belongs to exactly one. */
enum rk_group {
        RK_GROUP_IDENTITY,      /* name, customer number, type, contact persons */
        RK_GROUP_CONTACT,       /* e-mail, phone, postal and delivery addresses */
        RK_GROUP_BILLING,       /* billing address, business id, terms, reference */
        RK_GROUP_IDCODE,        /* personal identity code (henkilötunnus) */
        RK_GROUP_ORDERS,        /* order numbers, lines, quantities, status */
        RK_GROUP_ORDER_AMOUNTS, /* unit prices and totals */
        RK_GROUP_NOTES,         /* free-text notes */
        RK_GROUP_CONSENTS,      /* marketing consents */
        RK_GROUP_COUNT
};

/* Named actions that are not reads or writes of a field group. */
enum rk_action {
        RK_ACTION_ACCOUNTS,         /* manage staff accounts and roles */
        RK_ACTION_KEYS,             /* keyslots and key rotation */
        RK_ACTION_AUDIT,            /* read and verify the audit trail */
        RK_ACTION_REQUESTS,         /* handle data-subject requests */
        RK_ACTION_RETENTION,        /* plan and run retention */
        RK_ACTION_EXPORT,           /* export customer data */
        RK_ACTION_CUSTOMERS_CREATE, /* create and delete customers */
        RK_ACTION_PRODUCTS,         /* edit the product catalogue */
        RK_ACTION_PICKING,          /* pick and ship orders (the warehouse's steps) */
        RK_ACTION_IMPORT,           /* import customers from a file */
        RK_ACTION_DOCUMENTS,        /* generate the privacy documents (privacy.h) */
        RK_ACTION_MERGE,            /* merge two customers into one (merge.h) */
        RK_ACTION_DUPLICATES,       /* list likely duplicate customers */
        RK_ACTION_COUNT
};

typedef uint32_t rk_groupset;  /* bit (1u << enum rk_group) */
typedef uint32_t rk_actionset; /* bit (1u << enum rk_action) */

#define RK_ROLE_NAME_MAX 32
#define RK_ROLES_MAX     16

struct rk_role {
        char name[RK_ROLE_NAME_MAX + 1];
        rk_groupset read;
        rk_groupset write;
        rk_actionset actions;
};

/* The grants of one session: the union of its roles. */
struct rk_grants {
        rk_groupset read;
        rk_groupset write;
        rk_actionset actions;
};

/* The roles in force: the built-in ones, changed by [role.NAME] sections. */
struct rk_roleset {
        struct rk_role roles[RK_ROLES_MAX];
        size_t n;
};

/* rk_policy_defaults - the built-in roles: sales, billing, warehouse,
 * supervisor, admin. */
void rk_policy_defaults(struct rk_roleset *set);

/*
 * rk_policy_define - add role name to set, or replace it, from the comma-
 * separated lists of field groups it may read and write and the actions it
 * may take ("" for none). Write implies nothing: list a group under read
 * too. RK_ERR_CONFIG with a message naming the unknown group or action, a
 * bad name, or a full set.
 */
int rk_policy_define(struct rk_roleset *set, const char *name, const char *read,
                     const char *write, const char *actions, struct rk_error *err);

/* rk_policy_find_role - the role named name, or NULL (deny). */
const struct rk_role *rk_policy_find_role(const struct rk_roleset *set, const char *name);

/* rk_policy_grants - the union of the named roles; unknown names grant
 * nothing. */
void rk_policy_grants(const struct rk_roleset *set, const char *const *roles, size_t n,
                      struct rk_grants *out);

/*
 * rk_policy_split_roles - split a role list typed by a person ("sales,
 * billing", commas and/or spaces) into words: text (may be NULL) is copied
 * into buf (size bytes, cut at size-1) and roles[i] point into buf.
 * Returns the count, at most RK_ROLES_MAX; names are not checked here.
 */
size_t rk_policy_split_roles(const char *text, char *buf, size_t size,
                             const char **roles);

/* rk_policy_join_roles - roles[0..n) as "a,b" into out (size bytes, cut
 * to fit, always terminated when size > 0): the inverse of split_roles,
 * for messages and the audit trail. */
void rk_policy_join_roles(const char *const *roles, size_t n, char *out, size_t size);

/*
 * rk_policy_parse_groups - a comma list of field group names ("identity,
 * contact") into *out. RK_ERR_CONFIG naming `where` ("purpose sales") and
 * the first unknown word, with the allowed names.
 */
int rk_policy_parse_groups(const char *list, const char *where, rk_groupset *out,
                           struct rk_error *err);

/* rk_authorize_read / _write / _action - true only when granted. */
bool rk_authorize_read(const struct rk_grants *g, enum rk_group group);
bool rk_authorize_write(const struct rk_grants *g, enum rk_group group);
bool rk_authorize_action(const struct rk_grants *g, enum rk_action action);

/*
 * rk_policy_mixes_duties - true when g both reads or writes customer data
 * (any field group) and holds the "accounts" or "keys" action. Separation
 * of duties forbids that union on one account (accounts.c) and on one key
 * file (keyfiles.c), so the person who hands out access is never the one
 * who reads the data; the config switch [accounts] combine_duties lets a
 * one-person company allow it.
 */
bool rk_policy_mixes_duties(const struct rk_grants *g);

/* rk_policy_group_name / rk_policy_action_name - stable names used in the
 * config and the audit trail. */
const char *rk_policy_group_name(enum rk_group group);
const char *rk_policy_action_name(enum rk_action action);

#endif
