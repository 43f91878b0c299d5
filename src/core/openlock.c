/*
 * openlock.c - the register's opening lock (see openlock.h).
 *
 * Why: a key rotation replaces the register by renaming a copy over it
 * (store.c). SQLite's locks are fcntl locks on the file's inode, but it
 * finds the rollback journal, the -wal and the -shm files by NAME. A
 * session that opened the old inode just before the rename could see the
 * journal or log that belong to the NEW file, find no lock held on its
 * own inode, judge the journal hot, play it back into the old file and
 * delete it under the new file's writer: an I/O error, or a damaged
 * register. Checking the file's identity after the first lock (store.c's
 * same_file) comes too late for that.
 *
 * How: a lock by name on a file the rotation never replaces,
 * "<db>.open". Every opening of the register (store.c's open_store, the
 * only place the program opens it) takes a shared flock on it BEFORE
 * sqlite3_open and keeps it until the connection closes; the rotation
 * makes it exclusive without waiting (so it fails with "other sessions are
 * using the register" while anyone is in or on the way in) and holds it
 * through the copy, the swap and the new key's promotion. An opener that
 * arrives meanwhile waits (bounded by its busy timeout, with the usual
 * "waiting for another session" notice) and then opens the new file by
 * its name: no opener ever holds a descriptor to the file being replaced.
 *
 * flock rather than fcntl: fcntl locks belong to the process and vanish
 * when any descriptor of the file is closed; flock locks belong to the
 * open file description and are dropped by the kernel when the process
 * dies, so a killed rotation never keeps anyone out. One description per
 * file per process: all of a process's connections to the register share
 * it (counted), so the rotation's own connection, and the one it opens on
 * the new file while it holds the lock exclusively, never wait for
 * themselves. Converting shared to exclusive is not atomic in flock: a
 * refused conversion has dropped the shared lock, which is taken again.
 *
 * The file holds nothing; it is made like the writers' queue (sidefile.c):
 * with the register's mode and group, so in server mode every staff
 * account and the retention job share it. Where it cannot be made (a
 * read-only directory), openings go without it: nothing can rename the
 * register there either. The process is single-threaded: the tables are
 * statics.
 */
#include "openlock.h"
#include "sidefile.h"
#include "sql.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HELD_MAX  8  /* lock files held at once (one register in practice) */
#define CONNS_MAX 32 /* connections holding them */
#define POLL_MS   10

static struct {
        int fd; /* 0: free slot (descriptors 0..2 are never ours) */
        dev_t dev;
        ino_t ino;
        int users;
        bool exclusive;
} held[HELD_MAX];

static struct {
        sqlite3 *db;
        int handle;
} conns[CONNS_MAX];

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Shared, waiting at most timeout_ms; 0 or -1 (errno). */
static int lock_shared(int fd, long long timeout_ms)
{
        if (flock(fd, LOCK_SH | LOCK_NB) == 0)
                return 0;
        if (errno != EWOULDBLOCK)
                return -1;
        int64_t start = now_ms();
        rk_busy_enter();
        int r = -1;
        while (r != 0 && now_ms() - start < timeout_ms) {
                struct timespec ts = {0, POLL_MS * 1000000L};
                nanosleep(&ts, NULL);
                rk_busy_wait_tick();
                r = flock(fd, LOCK_SH | LOCK_NB);
                if (r != 0 && errno != EWOULDBLOCK)
                        break;
        }
        int e = errno;
        rk_busy_done();
        errno = r == 0 ? 0 : e;
        return r;
}

/* The slot this process already has for the file (same inode), or -1. */
static int find_held(const struct stat *st)
{
        for (int i = 0; i < HELD_MAX; i++) {
                if (held[i].fd > 0 && held[i].dev == st->st_dev &&
                    held[i].ino == st->st_ino)
                        return i;
        }
        return -1;
}

static int find_free(void)
{
        for (int i = 0; i < HELD_MAX; i++) {
                if (held[i].fd == 0)
                        return i;
        }
        return -1;
}

int rk_openlock_share(const char *db_path, long long timeout_ms, int *handle,
                      struct rk_error *err)
{
        char path[PATH_MAX];
        struct stat st;
        *handle = -1;
        if (snprintf(path, sizeof(path), "%s%s", db_path, RK_OPENLOCK_SUFFIX) >=
            (int)sizeof(path))
                return rk_error_set(err, RK_ERR_INVALID, "the register path is too long");
        int fd = rk_sidefile_open(path, db_path, 0);
        if (fd < 0)
                return RK_OK; /* no register yet, or a read-only directory */
        int i = fstat(fd, &st) == 0 ? find_held(&st) : -1;
        if (i >= 0) { /* this process holds it already */
                close(fd);
                held[i].users++;
                *handle = i;
                return RK_OK;
        }
        i = find_free();
        if (i < 0 || fd <= 2) {
                close(fd);
                return RK_OK; /* more registers than expected: go without */
        }
        if (lock_shared(fd, timeout_ms) != 0) {
                int e = errno;
                close(fd);
                if (e != EWOULDBLOCK && e != 0)
                        return RK_OK; /* a file system without flock */
                return rk_error_set(err, RK_ERR_BUSY,
                                    "%s: another session is rotating the register's "
                                    "keys; try again in a moment",
                                    db_path);
        }
        held[i].fd = fd;
        held[i].dev = st.st_dev;
        held[i].ino = st.st_ino;
        held[i].users = 1;
        held[i].exclusive = false;
        *handle = i;
        return RK_OK;
}

void rk_openlock_release(int handle)
{
        if (handle < 0 || handle >= HELD_MAX || held[handle].fd == 0)
                return;
        if (--held[handle].users > 0)
                return;
        close(held[handle].fd); /* the lock goes with the last descriptor */
        held[handle].fd = 0;
}

void rk_openlock_attach(int handle, sqlite3 *db)
{
        if (handle < 0)
                return;
        for (int i = 0; i < CONNS_MAX; i++) {
                if (conns[i].db == NULL) {
                        conns[i].db = db;
                        conns[i].handle = handle;
                        return;
                }
        }
        /* no room to remember it: keep the lock for the process's life */
}

static int handle_of(sqlite3 *db, int *at)
{
        for (int i = 0; db != NULL && i < CONNS_MAX; i++) {
                if (conns[i].db == db) {
                        if (at != NULL)
                                *at = i;
                        return conns[i].handle;
                }
        }
        return -1;
}

void rk_openlock_drop(sqlite3 *db)
{
        int at = 0;
        int h = handle_of(db, &at);
        if (h < 0)
                return;
        conns[at].db = NULL;
        rk_openlock_release(h);
}

int rk_openlock_exclusive(sqlite3 *db, struct rk_error *err)
{
        int h = handle_of(db, NULL);
        if (h < 0 || held[h].exclusive)
                return RK_OK;
        if (held[h].users == 1 && flock(held[h].fd, LOCK_EX | LOCK_NB) == 0) {
                held[h].exclusive = true;
                return RK_OK;
        }
        /* a refused conversion dropped the shared lock: take it again */
        (void)lock_shared(held[h].fd, rk_busy_limit_ms());
        return rk_error_set(err, RK_ERR_BUSY,
                            "rotating the database key: other sessions are using the "
                            "register; ask them to log out and try again");
}

void rk_openlock_shared_again(sqlite3 *db)
{
        int h = handle_of(db, NULL);
        if (h < 0 || !held[h].exclusive)
                return;
        (void)flock(held[h].fd, LOCK_SH); /* no one else holds it: no wait */
        held[h].exclusive = false;
}
