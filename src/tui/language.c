/*
 * language.c - Profile > Language: the user's own language, kept with the
 * account (rk_session_set_language), so every later login, local or over
 * SSH, speaks it.
 *
 * How it works: a menu (menu.c) of the three languages, each named in
 * itself, and "The register's default" that clears the choice. Choosing
 * one stores it, switches the program's messages at once (the screens are
 * laid out again, so every later draw speaks the new language) and goes
 * back to the Profile screen with a message in the new language.
 */
#include "rekisteri/i18n.h"
#include "ui.h"

#include <stdio.h>

static int choose(struct rk_tui_app *app, struct rk_ui *ui, const char *lang)
{
        struct rk_error err;
        rk_error_clear(&err);
        if (rk_session_set_language(ui->session, lang, &err) != RK_OK)
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        rk_tui_message(app, RK_TUI_INFO, "%s",
                       lang[0] != '\0' ? _("Language changed: this is now your language.")
                                       : _("Language changed: the register's default "
                                           "applies."));
        return RK_TUI_POP | RK_TUI_RELAYOUT | RK_TUI_REDRAW;
}

static int choose_fi(struct rk_tui_app *app, struct rk_ui *ui)
{
        return choose(app, ui, "fi");
}

static int choose_sv(struct rk_tui_app *app, struct rk_ui *ui)
{
        return choose(app, ui, "sv");
}

static int choose_en(struct rk_tui_app *app, struct rk_ui *ui)
{
        return choose(app, ui, "en");
}

static int choose_default(struct rk_tui_app *app, struct rk_ui *ui)
{
        return choose(app, ui, "");
}

/* Each language is named in itself, so anyone finds their own. */
static const struct rk_ui_menu_entry language_menu[] = {
    {"Suomi", N_("Finnish"), rk_ui_allow_all, choose_fi},
    {"Svenska", N_("Swedish"), rk_ui_allow_all, choose_sv},
    {"English", N_("English"), rk_ui_allow_all, choose_en},
    {N_("The register's default"), N_("Whatever the register's configuration says"),
     rk_ui_allow_all, choose_default},
};

int rk_ui_language_open(struct rk_tui_app *app, struct rk_ui *ui)
{
        static char heading[160];
        const char *own = rk_session_language(ui->session);
        if (own[0] != '\0')
                snprintf(heading, sizeof(heading), _("Your language: %s"),
                         own[0] == 'f'   ? "Suomi"
                         : own[0] == 's' ? "Svenska"
                                         : "English");
        else
                snprintf(heading, sizeof(heading), "%s",
                         _("Your language: the register's default"));
        return rk_ui_menu_open(app, ui, _("Language"), heading, language_menu,
                               sizeof(language_menu) / sizeof(language_menu[0]), false);
}
