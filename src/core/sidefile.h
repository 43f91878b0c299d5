/*
 * sidefile.h - small files the register keeps beside its database (the
 * writers' queue, the login gate): made with the database file's mode and
 * group, so that in server mode every staff account shares them like the
 * database's own -wal and -shm files.
 */
#ifndef REKISTERI_SIDEFILE_H
#define REKISTERI_SIDEFILE_H

#include <sys/types.h>

/*
 * rk_sidefile_open - open path read-write, creating it (size bytes of
 * zeros) with the mode and group of the file `like` when it is missing.
 * Returns the descriptor (close-on-exec), or -1 when `like` or path cannot
 * be used (errno tells why).
 */
int rk_sidefile_open(const char *path, const char *like, off_t size);

/*
 * rk_sidefile_remove - remove the side files of the register at db_path
 * (its writers' queue, its login gate, its opening lock): for a staged
 * copy that is moved away or dropped, so nothing is left behind. They
 * hold no data; a process that still has one open keeps using its copy.
 */
void rk_sidefile_remove(const char *db_path);

#endif
