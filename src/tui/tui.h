/*
 * tui.h - everything a screen of the terminal front end needs, in one
 * include: the loop and screen stack (app.h), key tables (keymap.h),
 * roles (theme.h), sanitised drawing (draw.h) and the widgets (field.h,
 * form.h, list.h, dialog.h). See each header for its contract.
 */
#ifndef RK_TUI_TUI_H
#define RK_TUI_TUI_H

#include "app.h"
#include "dialog.h"
#include "draw.h"
#include "field.h"
#include "form.h"
#include "keymap.h"
#include "list.h"
#include "theme.h"

#endif
