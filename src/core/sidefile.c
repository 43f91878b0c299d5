/*
 * sidefile.c - files beside the register's database (see sidefile.h).
 *
 * How it works: open the file if it is there; else create it exclusively
 * (two processes may race to make it: the loser opens the winner's), set
 * the database's permission bits explicitly (the umask may have taken the
 * group's), size it, and give it the database's group when this account
 * may (in server mode every staff account is in it; elsewhere the file
 * keeps ours).
 */
#include "sidefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int rk_sidefile_open(const char *path, const char *like, off_t size)
{
        struct stat st;
        if (stat(like, &st) != 0)
                return -1;
        mode_t mode = st.st_mode & 0666;
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd >= 0)
                return fd;
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0 && errno == EEXIST)
                return open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return -1;
        /* size 0: leave it alone, another process may already write it */
        if (fchmod(fd, mode) != 0 || (size > 0 && ftruncate(fd, size) != 0)) {
                int e = errno;
                close(fd);
                unlink(path);
                errno = e;
                return -1;
        }
        if (fchown(fd, (uid_t)-1, st.st_gid) != 0) {
                /* not a member of the database's group: the file keeps ours */
        }
        return fd;
}

void rk_sidefile_remove(const char *db_path)
{
        static const char *const suffixes[] = {".turn", ".kdf", ".open"};
        char p[PATH_MAX];
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
                if (snprintf(p, sizeof(p), "%s%s", db_path, suffixes[i]) < (int)sizeof(p))
                        unlink(p);
        }
}
