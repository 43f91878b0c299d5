/*
 * sharedfile.c - files beside a register get its layout's mode and group
 * (see sharedfile.h).
 *
 * How it works: stat() the register (or its directory); group read and
 * write on the register (or setgid plus group write on the directory)
 * means the multi-user layout. The file is created with open(2), then
 * fchmod() sets the mode exactly (the process umask is 077, which would
 * strip the group bits) and fchown() sets the group when it differs (a
 * member of the group, or a setgid process of it, may do so).
 */
#include "rekisteri/sharedfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool dir_of(const char *path, char *out, size_t size)
{
        const char *slash = strrchr(path, '/');
        int n = slash == NULL   ? snprintf(out, size, ".")
                : slash == path ? snprintf(out, size, "/")
                                : snprintf(out, size, "%.*s", (int)(slash - path), path);
        return n > 0 && (size_t)n < size;
}

void rk_sharedfile_mode(const char *register_path, mode_t *mode, gid_t *gid)
{
        struct stat st;
        char dir[PATH_MAX];
        *mode = 0600;
        *gid = (gid_t)-1;
        if (stat(register_path, &st) == 0) {
                if ((st.st_mode & (S_IRGRP | S_IWGRP)) == (S_IRGRP | S_IWGRP)) {
                        *mode = 0660;
                        *gid = st.st_gid;
                }
                return;
        }
        if (dir_of(register_path, dir, sizeof(dir)) && stat(dir, &st) == 0 &&
            (st.st_mode & (S_ISGID | S_IWGRP)) == (S_ISGID | S_IWGRP)) {
                *mode = 0660;
                *gid = st.st_gid;
        }
}

static int apply(int fd, const char *path, mode_t mode, gid_t gid, struct rk_error *err)
{
        struct stat st;
        if (fstat(fd, &st) != 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        if (gid != (gid_t)-1 && st.st_gid != gid && fchown(fd, (uid_t)-1, gid) != 0)
                return rk_error_set(err, RK_ERR_IO,
                                    "%s: cannot give it the register's group: %s", path,
                                    strerror(errno));
        if ((st.st_mode & 07777) != mode && fchmod(fd, mode) != 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        return RK_OK;
}

int rk_sharedfile_open(const char *register_path, const char *path, bool excl, int *fd,
                       struct rk_error *err)
{
        mode_t mode;
        gid_t gid;
        rk_sharedfile_mode(register_path, &mode, &gid);
        *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (excl ? O_EXCL : 0),
                   mode);
        if (*fd < 0)
                return rk_error_set(
                    err, errno == EEXIST ? RK_ERR_EXISTS : RK_ERR_IO, "%s: %s", path,
                    errno == EEXIST ? "already exists; refusing to overwrite"
                                    : strerror(errno));
        int rc = apply(*fd, path, mode, gid, err);
        if (rc != RK_OK) {
                close(*fd);
                *fd = -1;
        }
        return rc;
}

int rk_sharedfile_fix(const char *register_path, const char *path, struct rk_error *err)
{
        mode_t mode;
        gid_t gid;
        rk_sharedfile_mode(register_path, &mode, &gid);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        int rc = apply(fd, path, mode, gid, err);
        close(fd);
        return rc;
}
