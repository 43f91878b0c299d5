/*
 * home.c - the home screen after login: the table of what a session may
 * reach. Each row has a permission predicate (policy.h decides); later
 * issues add the request and audit screens as rows here.
 */
#include "ui.h"

static bool may_accounts(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_ACCOUNTS);
}

/* Customer groups other than the order ones: the warehouse reads only
 * orders and the admin nothing, so neither gets the customer list. */
#define CUSTOMER_GROUPS                                                                  \
        ((1u << RK_GROUP_IDENTITY) | (1u << RK_GROUP_CONTACT) |                          \
         (1u << RK_GROUP_BILLING) | (1u << RK_GROUP_IDCODE) | (1u << RK_GROUP_NOTES) |   \
         (1u << RK_GROUP_CONSENTS))

bool rk_ui_may_customers(const struct rk_grants *g)
{
        return (g->read & CUSTOMER_GROUPS) != 0;
}

bool rk_ui_may_orders(const struct rk_grants *g)
{
        return rk_authorize_read(g, RK_GROUP_ORDERS);
}

static bool may_audit(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_AUDIT);
}

static bool may_retention(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_RETENTION);
}

static int open_logout(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_logout(app, ui, RK_TUI_INFO, "Logged out");
}

static const struct rk_ui_menu_entry home_menu[] = {
    {"Customers", "Find a customer: contact, billing, orders, notes, consents",
     rk_ui_may_customers, rk_ui_customers_open},
    {"Orders", "Recent orders and their lines, by status", rk_ui_may_orders,
     rk_ui_orders_open},
    {"Accounts", "Staff accounts: add, disable, unlock, reset, roles", may_accounts,
     rk_ui_accounts_open},
    {"Audit trail", "Who read or changed what; breach report, export, integrity check",
     may_audit, rk_ui_audit_open},
    {"Retention", "Last run, what falls due in the next 30 days, the rules in force",
     may_retention, rk_ui_retention_open},
    {"Profile", "Your password and your authenticator app", rk_ui_allow_all,
     rk_ui_profile_open},
    {"Log out", "End the session and return to the login screen", rk_ui_allow_all,
     open_logout},
};

int rk_ui_home_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_menu_open(app, ui, "Home", "What would you like to do?", home_menu,
                               sizeof(home_menu) / sizeof(home_menu[0]), true);
}
