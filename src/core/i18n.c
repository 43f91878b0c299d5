/*
 * i18n.c - binding the gettext catalog and switching the language.
 *
 * The catalog directory is chosen once: the installed one (RK_LOCALEDIR)
 * if it has our catalog, else the build tree's (RK_BUILD_LOCALEDIR, laid
 * out by po/meson.build). Both are compile-time paths, so nothing in the
 * environment can point a setgid program at other catalogs.
 *
 * A language is switched by setting LANGUAGE, which GNU gettext consults
 * before LC_MESSAGES, as long as the LC_MESSAGES locale is not "C": a "C"
 * messages locale is moved to C.UTF-8, which every Debian system has.
 * LANGUAGE is always set by us to exactly "en", "fi" or "sv" (from the
 * first start), so gettext never walks a list or a name the caller wrote.
 *
 * Choosing (rk_i18n_choose): --lang, else the account's own choice, else
 * [register] language, else the environment. rk_i18n_start remembers the
 * first and the outcome without an account (the login screen's language),
 * so that rk_i18n_for_account can switch to a user's choice at login and
 * back at logout.
 */
#include "rekisteri/i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RK_TEXTDOMAIN "rekisteri"

/* Bumped by GNU gettext's users to drop its cache of looked-up messages. */
extern int _nl_msg_cat_cntr;

static char current_lang[8] = "";

static const char *language_from_environment(void);

static int catalog_in(const char *dir)
{
        char path[4096];
        snprintf(path, sizeof(path), "%s/fi/LC_MESSAGES/%s.mo", dir, RK_TEXTDOMAIN);
        return access(path, R_OK) == 0;
}

void rk_i18n_init(void)
{
        const char *dir = catalog_in(RK_LOCALEDIR) ? RK_LOCALEDIR : RK_BUILD_LOCALEDIR;
        const char *messages = setlocale(LC_MESSAGES, NULL);
        if (messages == NULL || strcmp(messages, "C") == 0 ||
            strcmp(messages, "POSIX") == 0)
                setlocale(LC_MESSAGES, "C.UTF-8");
        bindtextdomain(RK_TEXTDOMAIN, dir);
        bind_textdomain_codeset(RK_TEXTDOMAIN, "UTF-8");
        textdomain(RK_TEXTDOMAIN);
        /* LANG=fi_FI.UTF-8 without that locale generated still means fi;
         * and LANGUAGE becomes one of ours, never a list gettext would
         * walk further (LANGUAGE=de:fi is Finnish, as gettext reads it) */
        rk_i18n_use(language_from_environment());
}

int rk_i18n_known(const char *lang)
{
        return lang != NULL && (strcmp(lang, "en") == 0 || strcmp(lang, "fi") == 0 ||
                                strcmp(lang, "sv") == 0);
}

int rk_i18n_use(const char *lang)
{
        if (lang == NULL || lang[0] == '\0')
                return 0;
        if (!rk_i18n_known(lang))
                return -1;
        setenv("LANGUAGE", lang, 1);
        snprintf(current_lang, sizeof(current_lang), "%s", lang);
        ++_nl_msg_cat_cntr;
        return 0;
}

/* The first of fi, sv and en named in a LANGUAGE list ("de:sv:fi" is
 * sv), or NULL. */
static const char *language_in_list(const char *list)
{
        for (const char *p = list; *p != '\0'; p += strcspn(p, ":"), p += *p == ':') {
                if (strncmp(p, "fi", 2) == 0)
                        return "fi";
                if (strncmp(p, "sv", 2) == 0)
                        return "sv";
                if (strncmp(p, "en", 2) == 0)
                        return "en";
        }
        return NULL;
}

/* LANGUAGE's choice, else the first of LC_ALL, LC_MESSAGES, LANG set:
 * fi or sv when it names them, en otherwise. */
static const char *language_from_environment(void)
{
        static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
        const char *list = getenv("LANGUAGE");
        if (list != NULL && language_in_list(list) != NULL)
                return language_in_list(list);
        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                const char *v = getenv(vars[i]);
                if (v == NULL || v[0] == '\0')
                        continue;
                if (strncmp(v, "fi", 2) == 0)
                        return "fi";
                if (strncmp(v, "sv", 2) == 0)
                        return "sv";
                return "en";
        }
        return "en";
}

const char *rk_i18n_current(void)
{
        return current_lang[0] != '\0' ? current_lang : language_from_environment();
}

const char *rk_i18n_choose(const char *option, const char *account, const char *register_)
{
        const char *const order[] = {option, account, register_};
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
                if (rk_i18n_known(order[i]))
                        return strcmp(order[i], "fi") == 0   ? "fi"
                               : strcmp(order[i], "sv") == 0 ? "sv"
                                                             : "en";
        }
        return language_from_environment();
}

/* What rk_i18n_start was given and chose, for rk_i18n_for_account. */
static char start_option[8], start_lang[8];

int rk_i18n_start(const char *option, const char *register_)
{
        if ((option != NULL && option[0] != '\0' && !rk_i18n_known(option)) ||
            (register_ != NULL && register_[0] != '\0' && !rk_i18n_known(register_)))
                return -1;
        const char *lang = rk_i18n_choose(option, NULL, register_);
        snprintf(start_option, sizeof(start_option), "%s", option != NULL ? option : "");
        snprintf(start_lang, sizeof(start_lang), "%s", lang);
        return rk_i18n_use(lang);
}

const char *rk_i18n_for_account(const char *account)
{
        const char *lang = rk_i18n_choose(start_option, account, start_lang);
        rk_i18n_use(lang);
        return lang;
}
