/*
 * tui_main.h - the full-screen program: `rekisteri --db PATH` with no
 * subcommand lands here.
 */
#ifndef RK_TUI_TUI_MAIN_H
#define RK_TUI_TUI_MAIN_H

#include <stdbool.h>

#include "rekisteri/config.h"

/*
 * rk_tui_main - run the terminal program on the register at db_path,
 * starting at the login screen, until the user quits or a signal ends it.
 * cfg and db_path are borrowed for the duration of the call. no_color is
 * the --no-color flag (NO_COLOR in the environment also applies).
 * Returns the process exit code: 0, or 1 on a fatal error (no register at
 * db_path, no usable terminal), after printing the reason to stderr;
 * 128 + signal when a signal ended it.
 */
int rk_tui_main(const struct rk_config *cfg, const char *db_path, bool no_color);

#endif
