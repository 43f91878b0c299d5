/*
 * sharedfile.h - creating the files the program writes beside a register
 * (the erasure ledger, backup and restore files, exports in a shared
 * place) with the right owner group and mode.
 *
 * Two layouts exist. Single-user: the register is 0600 and so is every
 * file created beside it. Multi-user server: the register is shared with
 * the staff group (mode 0660, a setgid directory of that group), so every
 * Unix user of the group and the retention job's user must be able to
 * read and write each file any one of them created; those files are made
 * 0660 and given the register's group, and nobody else gets any access.
 * Which layout applies is read from the register file itself (or, before
 * it exists, from its directory), never from a setting that could drift.
 */
#ifndef REKISTERI_SHAREDFILE_H
#define REKISTERI_SHAREDFILE_H

#include "rekisteri/error.h"

#include <stdbool.h>
#include <sys/types.h>

/*
 * rk_sharedfile_mode - the mode (0600 or 0660) and group (-1: leave as
 * created) for a new file beside the register at register_path. The
 * register is shared when its file is group-readable and group-writable;
 * when it does not exist yet, when its directory is setgid and
 * group-writable.
 */
void rk_sharedfile_mode(const char *register_path, mode_t *mode, gid_t *gid);

/*
 * rk_sharedfile_open - open path for writing, creating it when missing
 * (with excl: refuse an existing file, RK_ERR_EXISTS), with the mode and
 * group rk_sharedfile_mode gives for register_path, whatever the umask.
 * Never follows a symlink. Returns the descriptor in *fd (the caller
 * closes it), or RK_ERR_IO with the path and errno in err.
 */
int rk_sharedfile_open(const char *register_path, const char *path, bool excl, int *fd,
                       struct rk_error *err);

/* rk_sharedfile_fix - give an existing file at path the mode and group of
 * register_path's layout (a file SQLite or a copy created). */
int rk_sharedfile_fix(const char *register_path, const char *path, struct rk_error *err);

#endif
