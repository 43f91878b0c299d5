/*
 * theme.h - colours named by the role of what is drawn.
 *
 * Code never names a colour: it asks for the attribute of a role
 * (rk_tui_theme_attr(RK_ROLE_TITLE)). rk_tui_theme_init() chooses one of
 * two schemes once, after initscr: a colour scheme, or a monochrome one
 * that uses only A_REVERSE, A_BOLD, A_UNDERLINE and A_DIM. Monochrome is
 * chosen when NO_COLOR is set and non-empty (no-color.org), when the
 * caller passes the --no-color flag, or when the terminal has no colours;
 * start_color() is then never called, so no colour escape is ever sent.
 */
#ifndef RK_TUI_THEME_H
#define RK_TUI_THEME_H

#include <curses.h>
#include <stdbool.h>

enum rk_tui_role {
        RK_ROLE_NORMAL,
        RK_ROLE_TITLE,       /* title line at the top */
        RK_ROLE_BAR,         /* key bar text */
        RK_ROLE_BAR_KEY,     /* key bar key labels */
        RK_ROLE_SELECTED,    /* selected list row */
        RK_ROLE_HEADER,      /* table column headings, section heads */
        RK_ROLE_LABEL,       /* form labels */
        RK_ROLE_FIELD,       /* input field without focus */
        RK_ROLE_FIELD_FOCUS, /* input field with focus */
        RK_ROLE_ERROR,
        RK_ROLE_WARNING,
        RK_ROLE_OK,
        RK_ROLE_DIM,    /* secondary text */
        RK_ROLE_BANNER, /* one-time notices: recovery key, audit key */
        RK_ROLE_COUNT,
};

/*
 * rk_tui_theme_init - choose the scheme (see above) and set up colour
 * pairs. no_color is the --no-color flag. Call once after initscr().
 */
void rk_tui_theme_init(bool no_color);

/* rk_tui_theme_attr - the attributes (colour pair included) for role;
 * A_NORMAL for an unknown role. */
attr_t rk_tui_theme_attr(enum rk_tui_role role);

#endif
