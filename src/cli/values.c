/*
 * values.c - the values on the command line checked before anything is
 * unlocked, so that a wrong one is what it is: a wrong command line (exit
 * 2, the option named), whichever part of the program holds the rule.
 *
 * How it works: one table, a row per (commands, option) with the check of
 * its value. Every check is the core's own (a date as the audit trail
 * reads it, a customer number, an order line's quantity, an order status
 * from the field table, a product's price and VAT rate against the
 * configured rates, a request's type, purpose, texts and subjects, a role
 * of the configuration, a saved mapping's name), so no rule has a second
 * copy here. What needs the
 * register (does customer C000123 exist, may this order change status)
 * stays the operation's answer: exit 1. A check fails with the core's
 * message; cli_check_values puts the option before it and prints it as a
 * usage error, before any password is asked or any login attempt counted.
 * Customer numbers are written out in full on the way (c123 is C000123),
 * as the audit commands always took them.
 */
#include "cli.h"
#include "rekisteri/audit.h"
#include "rekisteri/audit_report.h"
#include "rekisteri/audit_session.h"
#include "rekisteri/clock.h"
#include "rekisteri/dsr.h"
#include "rekisteri/i18n.h"
#include "rekisteri/import.h"
#include "rekisteri/orders.h"
#include "rekisteri/policy.h"
#include "rekisteri/products.h"
#include "rekisteri/record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the checks: each returns an rk code, err saying what is wrong ---- */

static int check_from(struct cli *c, struct rk_error *err)
{
        return rk_audit_check_dates(c->from, NULL, err);
}

static int check_to(struct cli *c, struct rk_error *err)
{
        int rc = rk_audit_check_dates(NULL, c->to, err);
        return rc == RK_OK ? rk_audit_check_dates(c->from, c->to, err) : rc;
}

static int check_as_of(struct cli *c, struct rk_error *err)
{
        if (c->as_of == NULL || rk_date_parse(c->as_of, NULL, NULL, NULL))
                return RK_OK;
        return rk_error_set(err, RK_ERR_INVALID,
                            "not a date: write it as YYYY-MM-DD, such as 2026-01-31");
}

static int check_subject(struct cli *c, struct rk_error *err)
{
        char number[RK_AUDIT_NUMBER_SIZE];
        return c->subject_text ? rk_audit_subject_number(c->subject_text, number, err)
                               : RK_OK;
}

/* The customer number of positional word i, written in full. */
static int word_number(struct cli *c, int i, struct rk_error *err)
{
        static char full[2][RK_AUDIT_NUMBER_SIZE];
        if (i >= c->nwords)
                return RK_OK;
        int rc = rk_audit_subject_number(c->words[i], full[i], err);
        if (rc == RK_OK)
                c->words[i] = full[i];
        return rc;
}

static int check_number(struct cli *c, struct rk_error *err)
{
        return word_number(c, 0, err);
}

static int check_other_number(struct cli *c, struct rk_error *err)
{
        return word_number(c, 1, err);
}

static int check_customer(struct cli *c, struct rk_error *err)
{
        static char full[RK_AUDIT_NUMBER_SIZE];
        if (c->customer == NULL)
                return RK_OK;
        int rc = rk_audit_subject_number(c->customer, full, err);
        if (rc == RK_OK)
                c->customer = full;
        return rc;
}

static int check_status(struct cli *c, struct rk_error *err)
{
        char out[RK_ORDER_STATUS_SIZE];
        if (c->status == NULL)
                return RK_OK;
        return rk_field_check(rk_fields_find(RK_REC_ORDER, "status"), c->status, NULL,
                              out, sizeof(out), err);
}

/* One product value given alone, so a refusal is about that option. */
static int check_product(struct cli *c, const struct rk_product_in *in,
                         struct rk_error *err)
{
        return rk_product_check(&c->cfg, in, err);
}

static int check_code(struct cli *c, struct rk_error *err)
{
        return check_product(c, &(struct rk_product_in){.code = c->code}, err);
}

static int check_name(struct cli *c, struct rk_error *err)
{
        return check_product(c, &(struct rk_product_in){.name = c->name}, err);
}

static int check_unit(struct cli *c, struct rk_error *err)
{
        return check_product(c, &(struct rk_product_in){.unit = c->unit}, err);
}

static int check_price(struct cli *c, struct rk_error *err)
{
        return check_product(c, &(struct rk_product_in){.price = c->price}, err);
}

static int check_vat(struct cli *c, struct rk_error *err)
{
        return check_product(c, &(struct rk_product_in){.vat = c->vat}, err);
}

static int check_changes(struct cli *c, struct rk_error *err)
{
        if (c->name || c->unit || c->price || c->vat)
                return RK_OK;
        return rk_error_set(err, RK_ERR_INVALID,
                            "product set needs at least one of --name, --unit, --price "
                            "and --vat");
}

static int check_type(struct cli *c, struct rk_error *err)
{
        if (rk_dsr_type_parse(c->type) >= 0)
                return RK_OK;
        return rk_error_set(err, RK_ERR_INVALID,
                            "--type is one of access, rectification, erasure, "
                            "restriction, objection, portability, consent_withdrawal");
}

static int check_purpose(struct cli *c, struct rk_error *err)
{
        int type = rk_dsr_type_parse(c->type);
        return type < 0 ? RK_OK
                        : rk_dsr_check_purpose((enum rk_dsr_type)type, c->purpose, err);
}

static int check_received(struct cli *c, struct rk_error *err)
{
        return rk_dsr_check_received(c->received, err);
}

static int check_subjects(struct cli *c, struct rk_error *err)
{
        if (c->subject_text == NULL)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "give the records, such as C000123,contact:17");
        return rk_dsr_check_subjects(c->subject_text, err);
}

/* The request texts, required where the step cannot do without one. */
static int check_verified(struct cli *c, struct rk_error *err)
{
        return rk_dsr_check_text("Identity verification", c->verified, err);
}

static int check_verified_given(struct cli *c, struct rk_error *err)
{
        return c->verified == NULL ? RK_OK : check_verified(c, err);
}

static int check_reason(struct cli *c, struct rk_error *err)
{
        return rk_dsr_check_text("Reason for the extension", c->reason, err);
}

static int check_outcome(struct cli *c, struct rk_error *err)
{
        return rk_dsr_check_text("Outcome", c->outcome, err);
}

/* Every role named is one of the configuration's (and at least one
 * where an account is given roles). */
static int roles_known(struct cli *c, bool required, struct rk_error *err)
{
        char buf[512];
        const char *roles[RK_ROLES_MAX];
        size_t n = rk_policy_split_roles(c->roles, buf, sizeof(buf), roles);
        if (c->roles != NULL && n == 0 && required)
                return rk_error_set(err, RK_ERR_INVALID,
                                    "an account needs at least one role");
        for (size_t i = 0; i < n; i++)
                if (rk_policy_find_role(&c->cfg.roles, roles[i]) == NULL)
                        return rk_error_set(err, RK_ERR_INVALID, "unknown role \"%s\"",
                                            roles[i]);
        return RK_OK;
}

static int check_account_roles(struct cli *c, struct rk_error *err)
{
        return roles_known(c, true, err);
}

static int check_keyfile_roles(struct cli *c, struct rk_error *err)
{
        return roles_known(c, false, err);
}

static int check_keeps(struct cli *c, struct rk_error *err)
{
        for (int i = 0; i < c->nkeeps; i++) {
                const char *eq = strchr(c->keeps[i], '=');
                if (eq == NULL || eq == c->keeps[i] || eq - c->keeps[i] >= 64 ||
                    (strcmp(eq + 1, "other") != 0 && strcmp(eq + 1, "survivor") != 0))
                        return rk_error_set(err, RK_ERR_INVALID,
                                            "--keep %s: write FIELD=other or "
                                            "FIELD=survivor, e.g. --keep email=other.",
                                            cli_safe(c->keeps[i]));
        }
        return RK_OK;
}

static int check_confirm(struct cli *c, struct rk_error *err)
{
        char buf[1024];
        if (c->confirm == NULL)
                return RK_OK;
        bool ok = strlen(c->confirm) < sizeof(buf);
        size_t n = 0;
        snprintf(buf, sizeof(buf), "%s", c->confirm);
        for (char *save, *w = strtok_r(buf, ", ", &save); ok && w != NULL;
             w = strtok_r(NULL, ", ", &save), n++) {
                char *end;
                long row = strtol(w, &end, 10);
                ok = *end == '\0' && row > 1;
        }
        return ok && n > 0 ? RK_OK
                           : rk_error_set(err, RK_ERR_INVALID,
                                          "--confirm takes row numbers, such as 5,12");
}

static int check_limit(struct cli *c, struct rk_error *err)
{
        const char *v = c->limit;
        char *end = NULL;
        if (v == NULL)
                return RK_OK;
        errno = 0;
        unsigned long long n = *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
        if (n >= 1 && errno == 0 && *end == '\0') {
                c->limit_n = (size_t)n; /* the one reading of the value */
                return RK_OK;
        }
        return rk_error_set(err, RK_ERR_INVALID,
                            "give a whole number of pairs, 1 or more");
}

static int check_use_map(struct cli *c, struct rk_error *err)
{
        return c->use_map ? rk_import_map_name_check(c->use_map, err) : RK_OK;
}

static int check_save_map(struct cli *c, struct rk_error *err)
{
        return c->save_map ? rk_import_map_name_check(c->save_map, err) : RK_OK;
}

static int check_lines(struct cli *c, struct rk_error *err)
{
        return cli_order_lines_check(c, err);
}

/* ---- the table ---------------------------------------------------------- */

static const struct rule {
        const char *commands; /* names separated by '|' */
        const char *option;   /* put before the message (an argument as the
                                 usage names it); NULL: the message names it */
        int (*check)(struct cli *c, struct rk_error *err);
} rules[] = {
    {"audit list|audit export|audit user", "--from", check_from},
    {"audit list|audit export|audit user", "--to", check_to},
    {"audit list|audit export", "--subject", check_subject},
    {"audit subject|customer show|retention hold|retention release", "NUMBER",
     check_number},
    {"merge", "SURVIVOR", check_number},
    {"merge", "OTHER", check_other_number},
    {"retention plan", "--as-of", check_as_of},
    {"order add", "--customer", check_customer},
    {"order add", NULL, check_lines},
    {"order status", "--status", check_status},
    {"product add", "--code", check_code},
    {"product add|product set", "--name", check_name},
    {"product add|product set", "--unit", check_unit},
    {"product add|product set", "--price", check_price},
    {"product add|product set", "--vat", check_vat},
    {"product set", NULL, check_changes},
    {"dsr new", NULL, check_type},
    {"dsr new", "--purpose", check_purpose},
    {"dsr new", "--received", check_received},
    {"dsr new|dsr add", "--subject", check_subjects},
    {"dsr new", "--verified", check_verified_given},
    {"dsr verify", "--verified", check_verified},
    {"dsr extend", "--reason", check_reason},
    {"dsr close", "--outcome", check_outcome},
    {"user add|user set-roles", "--roles", check_account_roles},
    {"key add-file", "--roles", check_keyfile_roles},
    {"merge", NULL, check_keeps},
    {"import customers", NULL, check_confirm},
    {"import customers", "--use-map", check_use_map},
    {"import customers", "--save-map", check_save_map},
    {"duplicates", "--limit", check_limit},
};

/* Is name one of the '|'-separated commands? */
static bool names(const char *commands, const char *name)
{
        size_t n = strlen(name);
        for (const char *p = commands; p != NULL; p = strchr(p, '|')) {
                p += *p == '|';
                if (strncmp(p, name, n) == 0 && (p[n] == '|' || p[n] == '\0'))
                        return true;
        }
        return false;
}

int cli_check_values(const struct cli_command *cmd, struct cli *c)
{
        struct rk_error err;
        rk_error_clear(&err);
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
                if (!names(rules[i].commands, cmd->name) ||
                    rules[i].check(c, &err) == RK_OK)
                        continue;
                cli_usage_mark(&err, rules[i].option);
                return cli_fail(&err);
        }
        return 0;
}
