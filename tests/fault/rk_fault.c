/*
 * rk_fault.c - a test-only LD_PRELOAD library that makes the Nth read,
 * write or sync of one file fail, as a failing disk or a full one would.
 *
 * It wraps read, pread, pread64, write, pwrite, pwrite64, fsync and
 * fdatasync (what SQLite's unix VFS calls), and the stdio reads a program
 * makes through the public functions (fread, fgets, fgetc, getc, getline,
 * getdelim: iniparser reading the config, the CSV reader): glibc's own
 * refill of a stream's buffer calls its internal read, which no preload
 * sees, so a stdio call that finds the buffer empty counts as the read it
 * is, and failing it sets the stream's error flag and errno, as the
 * failed read underneath would. A call counts when its descriptor names a
 * file whose base name is one of RK_FAULT_FILE (found through
 * /proc/self/fd). Settings, from the environment:
 *   RK_FAULT_FILE   base name of the file, e.g. "r.db-wal"; when only
 *                   counting, a comma-separated list of them
 *   RK_FAULT_OP     read | write | sync
 *   RK_FAULT_N      the call (1, 2, ...) of that op on that file to fail;
 *                   0 only counts
 *   RK_FAULT_ERRNO  EIO (default) or ENOSPC
 *   RK_FAULT_LOG    a file: "injected OP N FILE ERRNO" is appended when the
 *                   fault fires, and at exit "count FILE read R write W
 *                   sync S" for each file of the list
 *   RK_FAULT_STAYS  set: the Nth call and every later one of that op fail
 *                   (a disk that stays full until the process ends)
 * Otherwise only the one call fails; later ones go through, as with a
 * transient error. The driver (tests/e2e/faults.py) counts the lines to know how
 * many faults it really injected. Never built into the product.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* pread and pread64 are two symbols to wrap, not one name for the other */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum op { OP_READ, OP_WRITE, OP_SYNC, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"read", "write", "sync"};

#define MAX_FILES 16

static long counts[MAX_FILES][OP_COUNT];
static int fired;

static const char *env(const char *name, const char *fallback)
{
        const char *v = getenv(name);
        return v != NULL && v[0] != '\0' ? v : fallback;
}

/* The position of base in the comma-separated list, or -1. */
static int list_index(const char *list, const char *base)
{
        size_t len = strlen(base);
        int i = 0;
        for (const char *p = list; *p != '\0' && i < MAX_FILES; i++) {
                const char *end = strchr(p, ',');
                size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
                if (n == len && strncmp(p, base, n) == 0)
                        return i;
                if (end == NULL)
                        break;
                p = end + 1;
        }
        return -1;
}

/* Which file of RK_FAULT_FILE fd names: its index, or -1. */
static int matches(int fd)
{
        const char *want = getenv("RK_FAULT_FILE");
        char link[64], path[PATH_MAX];
        if (want == NULL || fd < 0)
                return -1;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof(path) - 1);
        if (n <= 0)
                return -1;
        path[n] = '\0';
        const char *base = strrchr(path, '/');
        return list_index(want, base != NULL ? base + 1 : path);
}

static void log_line(const char *text)
{
        const char *path = getenv("RK_FAULT_LOG");
        FILE *f = path != NULL ? fopen(path, "a") : NULL;
        if (f == NULL)
                return;
        fputs(text, f);
        fclose(f);
}

/* Count one call of op on fd; 1 when this call must fail (errno set). */
static int inject(enum op op, int fd)
{
        int file = matches(fd);
        if (file < 0)
                return 0;
        long n = ++counts[file][op];
        long want = atol(env("RK_FAULT_N", "0"));
        int stays = getenv("RK_FAULT_STAYS") != NULL; /* a disk that stays full */
        if ((fired && !stays) || strcmp(env("RK_FAULT_OP", ""), op_names[op]) != 0 ||
            want == 0 || (stays ? n < want : n != want))
                return 0;
        fired = 1;
        int e = strcmp(env("RK_FAULT_ERRNO", "EIO"), "ENOSPC") == 0 ? ENOSPC : EIO;
        char line[PATH_MAX + 64];
        snprintf(line, sizeof(line), "injected %s %ld %s %s\n", op_names[op], n,
                 env("RK_FAULT_FILE", ""), e == ENOSPC ? "ENOSPC" : "EIO");
        log_line(line);
        errno = e;
        return 1;
}

__attribute__((destructor)) static void report(void)
{
        char line[PATH_MAX + 96];
        const char *p = env("RK_FAULT_FILE", "");
        for (int i = 0; *p != '\0' && i < MAX_FILES; i++) {
                const char *end = strchr(p, ',');
                int len = end != NULL ? (int)(end - p) : (int)strlen(p);
                snprintf(line, sizeof(line), "count %.*s read %ld write %ld sync %ld\n",
                         len, p, counts[i][OP_READ], counts[i][OP_WRITE],
                         counts[i][OP_SYNC]);
                log_line(line);
                if (end == NULL)
                        break;
                p = end + 1;
        }
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t read(int fd, void *buf, size_t n)
{
        return inject(OP_READ, fd) ? -1 : NEXT(read)(fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
        return inject(OP_READ, fd) ? -1 : NEXT(pread)(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off64_t off)
{
        return inject(OP_READ, fd) ? -1 : NEXT(pread64)(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
        return inject(OP_WRITE, fd) ? -1 : NEXT(write)(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
        return inject(OP_WRITE, fd) ? -1 : NEXT(pwrite)(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
        return inject(OP_WRITE, fd) ? -1 : NEXT(pwrite64)(fd, buf, n, off);
}

int fsync(int fd)
{
        return inject(OP_SYNC, fd) ? -1 : NEXT(fsync)(fd);
}

int fdatasync(int fd)
{
        return inject(OP_SYNC, fd) ? -1 : NEXT(fdatasync)(fd);
}

/* A stdio read that finds f's buffer empty refills it with a read: count
 * that read, and when it is the one to fail, mark the stream as the
 * failed read underneath would (its error flag and errno) and return 1. */
static int stdio_fails(FILE *f)
{
        if (f == NULL || f->_IO_read_ptr < f->_IO_read_end || !inject(OP_READ, fileno(f)))
                return 0;
        f->_flags |= _IO_ERR_SEEN;
        return 1;
}

size_t fread(void *buf, size_t size, size_t n, FILE *f)
{
        return stdio_fails(f) ? 0 : NEXT(fread)(buf, size, n, f);
}

char *fgets(char *s, int n, FILE *f)
{
        return stdio_fails(f) ? NULL : NEXT(fgets)(s, n, f);
}

int fgetc(FILE *f)
{
        return stdio_fails(f) ? EOF : NEXT(fgetc)(f);
}

int getc(FILE *f)
{
        return stdio_fails(f) ? EOF : NEXT(getc)(f);
}

ssize_t getdelim(char **line, size_t *n, int delim, FILE *f)
{
        return stdio_fails(f) ? -1 : NEXT(getdelim)(line, n, delim, f);
}

ssize_t getline(char **line, size_t *n, FILE *f)
{
        return stdio_fails(f) ? -1 : NEXT(getline)(line, n, f);
}
