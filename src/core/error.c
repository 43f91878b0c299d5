/*
 * error.c - the error record: formatting a message once, where the failure
 * is understood, so that front ends only print it.
 *
 * The message is translated here: rk_error_set looks its format up in the
 * catalog (gettext) before formatting, and xgettext collects every literal
 * format given to rk_error_set (po/meson.build declares it as a keyword
 * with c-format), so call sites write plain English formats. Which field
 * or line a failure is about travels beside the message (field, line), so
 * no front end has to find it in the translated text.
 */
#include "rekisteri/error.h"
#include "rekisteri/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rk_error_set(struct rk_error *err, int rc, const char *fmt, ...)
{
        if (err == NULL)
                return rc;
        va_list ap;
        va_start(ap, fmt);
        /* gettext("") would be the catalog's header */
        vsnprintf(err->msg, sizeof(err->msg), fmt[0] != '\0' ? gettext(fmt) : fmt, ap);
        va_end(ap);
        err->rc = rc;
        err->field = NULL;
        err->line = 0;
        return rc;
}

int rk_error_field(struct rk_error *err, int rc, const char *column)
{
        if (err != NULL)
                err->field = column;
        return rc;
}

int rk_error_line(struct rk_error *err, int rc, size_t line)
{
        if (err != NULL)
                err->line = line;
        return rc;
}

void rk_error_clear(struct rk_error *err)
{
        if (err == NULL)
                return;
        err->rc = RK_OK;
        err->field = NULL;
        err->line = 0;
        err->msg[0] = '\0';
}

const char *rk_rc_name(int rc)
{
        return _(rk_rc_code(rc));
}

const char *rk_rc_code(int rc)
{
        static const char *const names[] = {
            [RK_OK] = N_("ok"),
            [RK_ERR_NOMEM] = N_("out of memory"),
            [RK_ERR_IO] = N_("input/output error"),
            [RK_ERR_FULL] = N_("disk full"),
            [RK_ERR_AUTH] = N_("wrong credentials"),
            [RK_ERR_LOCKED] = N_("account locked"),
            [RK_ERR_CORRUPT] = N_("damaged file"),
            [RK_ERR_VERSION] = N_("file from a newer version"),
            [RK_ERR_EXISTS] = N_("already exists"),
            [RK_ERR_NOTFOUND] = N_("not found"),
            [RK_ERR_CONFIG] = N_("configuration error"),
            [RK_ERR_BUSY] = N_("busy"),
            [RK_ERR_DENIED] = N_("permission denied"),
            [RK_ERR_INVALID] = N_("invalid input"),
            [RK_ERR_CONFLICT] = N_("changed by someone else"),
            [RK_ERR_CRYPTO] = N_("cryptographic failure"),
            [RK_ERR_INTERNAL] = N_("internal error"),
            [RK_ERR_CONFIRM] = N_("needs confirmation"),
            [RK_ERR_STOPPED] = N_("stopped"),
        };
        if (rc < 0 || (size_t)rc >= sizeof(names) / sizeof(names[0]) || names[rc] == NULL)
                return N_("unknown error");
        return names[rc];
}
