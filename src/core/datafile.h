/*
 * datafile.h - finding a file shipped in data/ (password blocklist, demo
 * name lists) at run time. Internal to the core library.
 *
 * The installed data directory (RK_DATADIR, e.g. /usr/share/rekisteri)
 * comes first; when the file is not readable there, the source tree's
 * data/ (RK_SOURCE_DATADIR), so the program and its tests run from a
 * build directory without being installed. Both are fixed at build time:
 * no environment variable can point a privileged process elsewhere.
 */
#ifndef REKISTERI_DATAFILE_H
#define REKISTERI_DATAFILE_H

#include <stddef.h>

/*
 * rk_datafile_path - write the path of the data file name (a bare file
 * name such as "password-blocklist.txt") into out (size bytes): the
 * installed copy when readable, else the source tree's, which may not
 * exist either (opening it then reports the path). Returns out.
 */
const char *rk_datafile_path(const char *name, char *out, size_t size);

#endif
