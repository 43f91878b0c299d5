/*
 * error.c - the error record: formatting a message once, where the failure
 * is understood, so that front ends only print it.
 */
#include "rekisteri/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rk_error_set(struct rk_error *err, int rc, const char *fmt, ...)
{
        if (err == NULL)
                return rc;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        err->rc = rc;
        return rc;
}

void rk_error_clear(struct rk_error *err)
{
        if (err == NULL)
                return;
        err->rc = RK_OK;
        err->msg[0] = '\0';
}

const char *rk_rc_name(int rc)
{
        static const char *const names[] = {
            [RK_OK] = "ok",
            [RK_ERR_NOMEM] = "out of memory",
            [RK_ERR_IO] = "input/output error",
            [RK_ERR_FULL] = "disk full",
            [RK_ERR_AUTH] = "wrong credentials",
            [RK_ERR_LOCKED] = "account locked",
            [RK_ERR_CORRUPT] = "damaged file",
            [RK_ERR_VERSION] = "file from a newer version",
            [RK_ERR_EXISTS] = "already exists",
            [RK_ERR_NOTFOUND] = "not found",
            [RK_ERR_CONFIG] = "configuration error",
            [RK_ERR_BUSY] = "busy",
            [RK_ERR_DENIED] = "permission denied",
            [RK_ERR_INVALID] = "invalid input",
            [RK_ERR_CONFLICT] = "changed by someone else",
            [RK_ERR_CRYPTO] = "cryptographic failure",
            [RK_ERR_INTERNAL] = "internal error",
            [RK_ERR_CONFIRM] = "needs confirmation",
        };
        if (rc < 0 || (size_t)rc >= sizeof(names) / sizeof(names[0]) || names[rc] == NULL)
                return "unknown error";
        return names[rc];
}
