/*
 * home.c - the start screen after login and the home menu: the table of
 * what a session may reach. Each row has a permission predicate (policy.h
 * decides). A session that handles data-subject requests starts on the
 * request dashboard instead (its deadlines come first); Esc there opens
 * this menu, and the menu's "Requests" row goes back to the dashboard.
 */
#include "ui.h"
#include "rekisteri/fields.h"
#include "rekisteri/i18n.h"

static bool may_accounts(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_ACCOUNTS);
}

/* Customer groups other than the order ones: the warehouse reads only
 * orders and the admin nothing, so neither gets the customer list. */
bool rk_ui_may_customers(const struct rk_grants *g)
{
        return (g->read & rk_fields_customer_groups()) != 0;
}

bool rk_ui_may_orders(const struct rk_grants *g)
{
        return rk_authorize_read(g, RK_GROUP_ORDERS);
}

static bool may_pick(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_PICKING);
}

static bool may_products(const struct rk_grants *g)
{
        return rk_authorize_read(g, RK_GROUP_ORDERS) ||
               rk_authorize_action(g, RK_ACTION_PRODUCTS);
}

static bool may_market(const struct rk_grants *g)
{
        return rk_authorize_read(g, RK_GROUP_CONSENTS);
}

static bool may_audit(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_AUDIT);
}

static bool may_requests(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_REQUESTS);
}

static int open_requests(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_requests_open(app, ui, false);
}

static bool may_import(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_IMPORT);
}

static bool may_retention(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_RETENTION);
}

static bool may_documents(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_DOCUMENTS);
}

static bool may_duplicates(const struct rk_grants *g)
{
        return rk_authorize_action(g, RK_ACTION_DUPLICATES);
}

static int open_logout(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_logout(app, ui, RK_TUI_INFO, _("Logged out"));
}

static const struct rk_ui_menu_entry home_menu[] = {
    {N_("Requests"), N_("Data-subject requests: deadlines, the request wizard"),
     may_requests, open_requests},
    {N_("Customers"), N_("Find a customer and see what your role may see"),
     rk_ui_may_customers, rk_ui_customers_open},
    {N_("Orders"), N_("Recent orders and their lines, by status"), rk_ui_may_orders,
     rk_ui_orders_open},
    {N_("Picking queue"), N_("Orders to pick and ship, oldest first; picking lists"),
     may_pick, rk_ui_queue_open},
    {N_("Products"), N_("The product catalogue: prices and VAT rates"), may_products,
     rk_ui_products_open},
    {N_("Marketing list"), N_("Who may be contacted for a purpose; CSV export"),
     may_market, rk_ui_marketing_open},
    {N_("Duplicates"), N_("Customers that are likely the same person or company"),
     may_duplicates, rk_ui_duplicates_open},
    {N_("Accounts"), N_("Staff accounts: add, disable, unlock, reset, roles"),
     may_accounts, rk_ui_accounts_open},
    {N_("Audit trail"),
     N_("Who read or changed what; breach report, export, integrity check"), may_audit,
     rk_ui_audit_open},
    {N_("Import"), N_("Customers from a spreadsheet's CSV file: mapping, preview, save"),
     may_import, rk_ui_import_open},
    {N_("Retention"),
     N_("Last run, what falls due in the next 30 days, the rules in force"),
     may_retention, rk_ui_retention_open},
    {N_("Documents"), N_("Record of processing, privacy notice, accountability report"),
     may_documents, rk_ui_documents_open},
    {N_("Profile"), N_("Your password and your authenticator app"), rk_ui_allow_all,
     rk_ui_profile_open},
    {N_("Log out"), N_("End the session and return to the login screen"), rk_ui_allow_all,
     open_logout},
};

int rk_ui_home_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        if (may_requests(rk_session_grants(ui->session)))
                return rk_ui_requests_open(app, ui, true);
        return rk_ui_home_menu_open(app, ui);
}

int rk_ui_home_menu_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_menu_open(app, ui, _("Home"), _("What would you like to do?"),
                               home_menu, sizeof(home_menu) / sizeof(home_menu[0]), true);
}
