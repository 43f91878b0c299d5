/*
 * secret.c - guarded memory for keys and passwords, and reading a password
 * line without it ever passing through an unguarded buffer.
 */
#include "rekisteri/secret.h"
#include "rekisteri/error.h"

#include <sodium.h>
#include <string.h>

void *rk_secret_alloc(size_t n)
{
        void *p = sodium_malloc(n);
        if (p != NULL)
                sodium_memzero(p, n);
        return p;
}

void rk_secret_free(void *p)
{
        if (p != NULL)
                sodium_free(p);
}

int rk_secret_read_line(FILE *f, size_t max, char **out, size_t *len)
{
        char *buf = rk_secret_alloc(max + 1);
        if (buf == NULL)
                return RK_ERR_NOMEM;
        size_t n = 0;
        int c, rc = RK_OK;
        int too_long = 0;
        while ((c = getc(f)) != EOF && c != '\n') {
                if (n < max)
                        buf[n++] = (char)c;
                else
                        too_long = 1;
        }
        if (c == EOF && n == 0 && !too_long && ferror(f))
                rc = RK_ERR_IO;
        if (n > 0 && buf[n - 1] == '\r')
                buf[--n] = '\0';
        if (too_long)
                rc = RK_ERR_INVALID;
        if (rc != RK_OK) {
                rk_secret_free(buf);
                return rc;
        }
        buf[n] = '\0';
        *out = buf;
        *len = n;
        return RK_OK;
}
