/*
 * audit_export.c - writing an export of the audit viewer to a file the
 * supervisor names (see audit_ui.h, rk_ui_audit_export).
 *
 * How it works: the file is created by the core's rk_csv_create (mode
 * 0600, O_EXCL, no symlink followed) before anything else, so a bad name
 * costs nothing; then the caller's writer, a core session call, reads and
 * fills it with formula-safe CSV and records the export in the same
 * transaction (no record, no export). A failure after the file was created
 * removes it, so no partial export is left behind.
 */
#include "audit_ui.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "rekisteri/csv.h"
#include "rekisteri/outcome.h"

int rk_ui_audit_export(struct rk_tui_app *app, struct rk_ui *ui, const char *path,
                       int (*write)(FILE *out, void *ctx, struct rk_error *err),
                       void *ctx)
{
        struct rk_error err;
        FILE *out = NULL;
        rk_error_clear(&err);
        if (path[0] == '\0')
                return rk_tui_message(app, RK_TUI_WARNING, _("Type a file name"));
        int rc = rk_csv_create(path, &out, &err);
        if (rc == RK_OK)
                rc = write(out, ctx, &err);
        if (out != NULL && fclose(out) != 0 && rc == RK_OK)
                rc = rk_error_set(&err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        if (rc != RK_OK) {
                if (out != NULL)
                        unlink(path);
                /* recorded as failed, with its error class (outcome.h) */
                (void)rk_outcome_audit(ui->session, "audit.export", 0, NULL, rc, &err);
                return rk_tui_message(app, RK_TUI_ERROR, "%s", err.msg);
        }
        rk_tui_message(app, RK_TUI_INFO, _("Wrote %s (mode 0600)"), path);
        return RK_TUI_POP | RK_TUI_REDRAW;
}
