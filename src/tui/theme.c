/*
 * theme.c - role-to-attribute tables for the colour and the monochrome
 * scheme.
 *
 * How it works: two static tables say, per role, a foreground/background
 * pair plus attributes (colour) or attributes alone (monochrome).
 * rk_tui_theme_init() decides once which table is live; in colour mode it
 * registers one colour pair per role (pair number = role + 1) on the
 * terminal's default colours, so the normal role sends no colour at all.
 */
#include "theme.h"

#include <stdlib.h>

struct colour_role {
        short fg, bg; /* -1 = the terminal's default */
        attr_t attr;
};

static const struct colour_role colour_scheme[RK_ROLE_COUNT] = {
    [RK_ROLE_NORMAL] = {-1, -1, A_NORMAL},
    [RK_ROLE_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_BOLD},
    [RK_ROLE_BAR] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [RK_ROLE_BAR_KEY] = {COLOR_WHITE, COLOR_BLACK, A_BOLD},
    [RK_ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [RK_ROLE_HEADER] = {COLOR_CYAN, -1, A_BOLD},
    [RK_ROLE_LABEL] = {-1, -1, A_BOLD},
    [RK_ROLE_FIELD] = {-1, -1, A_UNDERLINE},
    [RK_ROLE_FIELD_FOCUS] = {COLOR_WHITE, COLOR_BLUE, A_BOLD},
    [RK_ROLE_ERROR] = {COLOR_RED, -1, A_BOLD},
    [RK_ROLE_WARNING] = {COLOR_YELLOW, -1, A_BOLD},
    [RK_ROLE_OK] = {COLOR_GREEN, -1, A_BOLD},
    [RK_ROLE_DIM] = {-1, -1, A_DIM},
    [RK_ROLE_BANNER] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD},
};

static const attr_t mono_scheme[RK_ROLE_COUNT] = {
    [RK_ROLE_NORMAL] = A_NORMAL,
    [RK_ROLE_TITLE] = A_REVERSE | A_BOLD,
    [RK_ROLE_BAR] = A_REVERSE,
    [RK_ROLE_BAR_KEY] = A_BOLD,
    [RK_ROLE_SELECTED] = A_REVERSE,
    [RK_ROLE_HEADER] = A_BOLD | A_UNDERLINE,
    [RK_ROLE_LABEL] = A_BOLD,
    [RK_ROLE_FIELD] = A_UNDERLINE,
    [RK_ROLE_FIELD_FOCUS] = A_REVERSE,
    [RK_ROLE_ERROR] = A_BOLD | A_REVERSE,
    [RK_ROLE_WARNING] = A_BOLD,
    [RK_ROLE_OK] = A_BOLD,
    [RK_ROLE_DIM] = A_DIM,
    [RK_ROLE_BANNER] = A_REVERSE | A_BOLD,
};

static bool mono = true;

static bool want_mono(bool no_color)
{
        const char *env = getenv("NO_COLOR");
        if (no_color || (env != NULL && env[0] != '\0'))
                return true;
        return !has_colors();
}

void rk_tui_theme_init(bool no_color)
{
        mono = want_mono(no_color);
        if (mono)
                return;
        if (start_color() == ERR || COLORS < 8) {
                mono = true;
                return;
        }
        use_default_colors();
        for (int r = 1; r < RK_ROLE_COUNT; r++)
                init_pair((short)(r + 1), colour_scheme[r].fg, colour_scheme[r].bg);
}

attr_t rk_tui_theme_attr(enum rk_tui_role role)
{
        if ((int)role < 0 || role >= RK_ROLE_COUNT)
                return A_NORMAL;
        if (mono)
                return mono_scheme[role];
        if (role == RK_ROLE_NORMAL)
                return A_NORMAL;
        return colour_scheme[role].attr | (attr_t)COLOR_PAIR(role + 1);
}
