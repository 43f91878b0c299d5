/*
 * datafile.c - the installed data directory first, else the source tree's
 * data/ (see datafile.h).
 */
#include "datafile.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

const char *rk_datafile_path(const char *name, char *out, size_t size)
{
        snprintf(out, size, "%s/%s", RK_DATADIR, name);
        /* the effective ids: a setgid program reads as its group */
        if (faccessat(AT_FDCWD, out, R_OK, AT_EACCESS) == 0)
                return out;
        snprintf(out, size, "%s/%s", RK_SOURCE_DATADIR, name);
        return out;
}
