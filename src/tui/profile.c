/*
 * profile.c - the Profile screen: one's own password, authenticator and
 * language.
 *
 * How it works: a menu (menu.c) of two rows. Changing the password opens
 * the Current/New/Again form (password.c). A new authenticator first asks
 * for the password again (verify.c), then opens the enrolment screen
 * (enrol.c); the new secret replaces the old one only after a valid code.
 */
#include "ui.h"

static int open_password(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_password_open(app, ui, false);
}

static int open_enrol(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_enrol_open(app, ui, false);
}

static int open_reenrol(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_reverify_open(app, ui, _("New authenticator app"), open_enrol);
}

static const struct rk_ui_menu_entry profile_menu[] = {
    {N_("Change password"), N_("Choose a new password (the current one is asked)"),
     rk_ui_allow_all, open_password},
    {N_("New authenticator"),
     N_("Move your codes to a new app or phone (password first)"), rk_ui_allow_all,
     open_reenrol},
    {N_("Language"), N_("Finnish, Swedish or English for your screens and messages"),
     rk_ui_allow_all, rk_ui_language_open},
};

int rk_ui_profile_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        return rk_ui_menu_open(app, ui, _("Profile"), _("Your account"), profile_menu,
                               sizeof(profile_menu) / sizeof(profile_menu[0]), false);
}
