/*
 * i18n.h - translated messages (GNU gettext) and the language in use.
 *
 * English is the source language: every user-visible string is written in
 * English and marked, _("...") where it is used or N_("...") in a static
 * table (translated where it is shown, with _()). Plural forms use
 * ngettext(). xgettext collects the marks into po/rekisteri.pot (see
 * po/meson.build); po/fi.po and po/sv.po hold the translations, compiled
 * into share/locale/LANG/LC_MESSAGES/rekisteri.mo at install, and into
 * BUILD/locale for a program run from its build directory.
 *
 * Core code may translate its messages too: this header has no curses in
 * it. Messages must be whole sentences with printf arguments, never
 * assembled from fragments, so that a translation can reorder them.
 */
#ifndef REKISTERI_I18N_H
#define REKISTERI_I18N_H

#include <libintl.h>

#define _(msgid)  gettext(msgid)
#define N_(msgid) (msgid)

/* The languages with a catalog, besides the source language "en". */
#define RK_I18N_LANGUAGES "en fi sv"

/*
 * rk_i18n_init - bind the message catalog. Call once, after setlocale().
 * Uses the installed locale directory when it holds the catalog, else the
 * build directory's (a program run from its build tree).
 */
void rk_i18n_init(void);

/*
 * rk_i18n_use - switch the messages to LANG ("en", "fi" or "sv"; NULL or
 * "" keeps the environment's choice). Returns 0, or -1 for a language with
 * no catalog (the language in use is unchanged). Takes effect for every
 * later _() call.
 */
int rk_i18n_use(const char *lang);

/*
 * rk_i18n_current - the language messages are in now: "en", "fi" or "sv".
 */
const char *rk_i18n_current(void);

/* rk_i18n_known - true for a language with messages: "en", "fi", "sv". */
int rk_i18n_known(const char *lang);

/*
 * rk_i18n_choose - the language a session speaks, the first that is set
 * (non-NULL, non-empty) of:
 *   option    --lang on the command line, for this run only;
 *   account   the user's own choice (Profile screen), once logged in;
 *   register  [register] language in the config, the register's default
 *             (and so the login screen's language);
 * else the environment's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; "en" when
 * none names fi or sv). A set value that is not a known language is
 * skipped. Returns a static string, "en", "fi" or "sv"; pass it to
 * rk_i18n_use().
 */
const char *rk_i18n_choose(const char *option, const char *account,
                           const char *register_);

/*
 * rk_i18n_start - choose the session's first language, after
 * rk_i18n_init(): option is --lang, register_ is [register] language
 * (either NULL or ""). Both are remembered for rk_i18n_for_account. The
 * login screen speaks this language. Returns 0, or -1 when a given value
 * is not a known language (nothing changes).
 */
int rk_i18n_start(const char *option, const char *register_);

/*
 * rk_i18n_for_account - switch to the logged-in user's language: --lang if
 * it was given, else account (the user's stored choice; NULL or "" for
 * none), else as rk_i18n_start chose. Returns the language now in use.
 */
const char *rk_i18n_for_account(const char *account);

#endif
