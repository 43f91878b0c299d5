/*
 * import_ui.h - the Import screens (supervisors: the import action): the
 * mapping of the file's columns (import_mapping.c) and the preview of
 * what each row would do, where rows are confirmed and the import saved
 * (import_preview.c). Both draw what core's import (import.h) decided.
 */
#ifndef RK_TUI_IMPORT_UI_H
#define RK_TUI_IMPORT_UI_H

#include "list.h"
#include "rekisteri/import.h"
#include "ui.h"

#define RK_UI_PLACE_IMPORT "import"

/* The import being prepared: owned by the mapping screen, which stays
 * under the preview. */
struct rk_ui_import {
        struct rk_ui *ui;
        struct rk_import *im;
        struct rk_tui_list list;
};

/* rk_ui_import_preview_open - preview im (slow: the file is read and
 * matched) and push the preview screen; an error goes to the message
 * line and nothing is pushed. */
int rk_ui_import_preview_open(struct rk_tui_app *app, struct rk_ui_import *imp);

#endif
