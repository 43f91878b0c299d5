/*
 * datafile.c - the installed data directory first, else the source tree's
 * data/ (see datafile.h).
 */
#include "datafile.h"

#include <stdio.h>
#include <unistd.h>

const char *rk_datafile_path(const char *name, char *out, size_t size)
{
        snprintf(out, size, "%s/%s", RK_DATADIR, name);
        if (access(out, R_OK) == 0)
                return out;
        snprintf(out, size, "%s/%s", RK_SOURCE_DATADIR, name);
        return out;
}
