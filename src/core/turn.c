/*
 * turn.c - writers take turns: a ticket queue shared by every process
 * that writes one register, so a waiting write is served in the order it
 * arrived instead of by whoever's random backoff happens to wake first.
 *
 * How it works: a small file beside the database, "<db>.turn", created
 * with the database file's mode and group (so in server mode every staff
 * account can use it, like the -wal and -shm files), is mapped shared. Its
 * first two words are the next ticket and the ticket now served. A write
 * (rk_sql_begin_as) takes a ticket (atomic add), waits on a futex until
 * its ticket is served (each ticket has a bell of its own, a word rung
 * when its turn comes, so a pass wakes the next writer alone: waking every
 * waiter at each pass cost 50 sessions a fifth of their throughput, in
 * processes that ran only to look and sleep again; the fifth word counts
 * such early wake-ups for the tests), then asks SQLite for the write lock (BEGIN
 * IMMEDIATE: the busy handler waits for the transaction before, briefly,
 * since no one else contends now), and passes the turn on as soon as it
 * has the lock or has given up: the turn covers the wait for the lock,
 * never the transaction, so no path can leave it held. A third word
 * counts commits and rollbacks (rk_turn_released): the writer whose turn
 * it is sleeps on it (rk_turn_nap, from the busy handler) and wakes the
 * moment the transaction before it ends, instead of oversleeping. A
 * fourth word names the process whose write transaction is open (set once
 * it has the lock, cleared when it ends): since the turn passes when the
 * writer before has the lock, not when it is done, the next one waits for
 * that end before asking SQLite (settle), instead of asking while the lock
 * is surely held: a try that fails still starts a read transaction, which
 * reads (in an encrypted register: decrypts and checks) the first page for
 * nothing. That wait lasts at most TURN_STALL_MS and ends when the process
 * named is gone; after it SQLite's lock decides, as before.
 *
 * A process killed while it holds the turn must not stop the queue. Each
 * ticket holder keeps an fcntl lock on one byte of the file (offset
 * TURN_BYTES + ticket mod TURN_SLOTS) while it waits and while it is
 * served; the kernel drops it when the process dies. A waiter that sees
 * the served ticket unchanged for TURN_STALL_MS checks that byte twice,
 * TURN_STALL_MS apart, and, when no live process holds it, moves the queue
 * past it. A waiter that has waited longer than its connection's busy
 * timeout stops waiting for its turn and lets SQLite's lock decide, so the
 * queue can only ever make a write slower by a bounded time, never lose it.
 * Without the file (a read-only directory, an in-memory database) writes
 * go straight to SQLite, as before; so do writes to the slot file and the
 * erasure ledger (rarely written): only the database store.c opened last
 * (rk_turn_use) has a queue.
 *
 * The process is single-threaded; the mapping for the last register used
 * is kept open (one register per process in practice).
 */
#include "sidefile.h"
#include "sql.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TURN_BYTES    4096  /* the mapped header */
#define TURN_SLOTS    65536 /* lock bytes after it, one per ticket mod */
#define TURN_STALL_MS 100

#define TURN_BELLS 1000 /* wake-up words, one per ticket mod */

struct turn_header {
        _Atomic uint32_t next;
        _Atomic uint32_t serving;
        _Atomic uint32_t released;         /* bumped at every commit and rollback */
        _Atomic uint32_t inside;           /* pid of the open write transaction, or 0 */
        _Atomic uint32_t woken_early;      /* waiters woken before their turn (tests) */
        _Atomic uint32_t bell[TURN_BELLS]; /* rung when the ticket's turn comes */
};
_Static_assert(sizeof(struct turn_header) <= TURN_BYTES, "the header fits its page");

static uint32_t released_seen; /* `released` when we last asked for the lock */

static struct {
        char path[PATH_MAX];
        int fd;
        dev_t dev;
        ino_t ino;
        struct turn_header *h;
} cur = {.fd = -1};

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void turn_unmap(void)
{
        if (cur.h != NULL)
                munmap(cur.h, TURN_BYTES);
        if (cur.fd >= 0)
                close(cur.fd);
        cur.h = NULL;
        cur.fd = -1;
        cur.path[0] = '\0';
}

static char used[PATH_MAX]; /* the database whose writers take turns */

void rk_turn_use(sqlite3 *db)
{
        const char *file = sqlite3_db_filename(db, "main");
        snprintf(used, sizeof(used), "%s", file != NULL ? file : "");
}

/* The queue of db's file, mapped; NULL when it cannot or need not be used. */
static struct turn_header *turn_of(sqlite3 *db)
{
        const char *file = sqlite3_db_filename(db, "main");
        char path[PATH_MAX];
        if (file == NULL || file[0] == '\0' || strcmp(file, used) != 0 ||
            snprintf(path, sizeof(path), "%s.turn", file) >= (int)sizeof(path))
                return NULL;
        struct stat st;
        /* the same file still (not removed and made again meanwhile) */
        if (cur.h != NULL && strcmp(cur.path, path) == 0 && stat(path, &st) == 0 &&
            st.st_dev == cur.dev && st.st_ino == cur.ino)
                return cur.h;
        turn_unmap();
        int fd = rk_sidefile_open(path, file, TURN_BYTES);
        if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < TURN_BYTES) {
                if (fd >= 0)
                        close(fd);
                return NULL;
        }
        void *p = mmap(NULL, TURN_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
                close(fd);
                return NULL;
        }
        cur.fd = fd;
        cur.dev = st.st_dev;
        cur.ino = st.st_ino;
        cur.h = p;
        snprintf(cur.path, sizeof(cur.path), "%s", path);
        return cur.h;
}

/* Lock (F_WRLCK), unlock (F_UNLCK) or test (F_GETLK: true when a live
 * process holds it) the byte of ticket t. */
static bool slot_lock(uint32_t t, short type)
{
        struct flock fl = {.l_type = type,
                           .l_whence = SEEK_SET,
                           .l_start = TURN_BYTES + (off_t)(t % TURN_SLOTS),
                           .l_len = 1};
        if (type == F_UNLCK || type == F_WRLCK)
                return fcntl(cur.fd, F_SETLK, &fl) == 0;
        fl.l_type = F_WRLCK;
        if (fcntl(cur.fd, F_GETLK, &fl) != 0)
                return true; /* cannot tell: assume alive */
        return fl.l_type != F_UNLCK;
}

/* Sleep while *word is seen, at most ms: true when woken (not timed out). */
static bool futex_wait(_Atomic uint32_t *word, uint32_t seen, int ms)
{
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
        return syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, seen, &ts, NULL, 0) == 0;
}

static void futex_wake_all(_Atomic uint32_t *word)
{
        syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Ticket t's bell: only its holder sleeps on it (and, with more than
 * TURN_BELLS waiting, the few that share it). */
static _Atomic uint32_t *bell_of(struct turn_header *h, uint32_t t)
{
        return &h->bell[t % TURN_BELLS];
}

/* Serve ticket t + 1 if t is served now, and wake its holder alone: waking
 * every waiter at each turn made fifty sessions run to look and sleep
 * again, on the two cores the writer needs. */
static void serve_next(struct turn_header *h, uint32_t t)
{
        uint32_t expect = t;
        if (!atomic_compare_exchange_strong(&h->serving, &expect, t + 1))
                return;
        atomic_fetch_add(bell_of(h, t + 1), 1);
        futex_wake_all(bell_of(h, t + 1));
}

/* Move the queue past ticket s when its holder is gone (checked twice). */
static void skip_if_dead(struct turn_header *h, uint32_t s, int *dead_checks)
{
        if (slot_lock(s, F_GETLK)) {
                *dead_checks = 0;
                return;
        }
        if (++*dead_checks < 2)
                return;
        serve_next(h, s);
        *dead_checks = 0;
}

/* Our turn has come: wait (briefly) for the end of the write transaction
 * before ours, while the process that holds it lives (kill 0: ESRCH means
 * gone; EPERM, another user's session in server mode, means alive). */
static void settle(struct turn_header *h)
{
        int64_t until = now_ms() + TURN_STALL_MS;
        uint32_t me = (uint32_t)getpid();
        for (;;) {
                uint32_t seen = atomic_load(&h->released);
                uint32_t pid = atomic_load(&h->inside);
                if (pid == 0 || pid == me || now_ms() >= until ||
                    (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
                        break;
                futex_wait(&h->released, seen, 5);
        }
}

int rk_turn_take(sqlite3 *db, long long limit_ms, uint32_t *ticket)
{
        struct turn_header *h = turn_of(db);
        if (h == NULL)
                return 0;
        uint32_t t = atomic_fetch_add(&h->next, 1);
        slot_lock(t, F_WRLCK);
        *ticket = t;
        int64_t start = now_ms(), seen_at = start;
        uint32_t seen = atomic_load(&h->serving);
        int dead_checks = 0;
        for (;;) {
                /* the bell before the turn: a ring between the two is seen
                 * as a changed bell, and the wait below returns at once */
                uint32_t rung = atomic_load(bell_of(h, t));
                uint32_t s = atomic_load(&h->serving);
                if ((int32_t)(t - s) <= 0) {
                        settle(h);
                        released_seen = atomic_load(&h->released);
                        return 1; /* our turn (or the queue moved past us) */
                }
                int64_t now = now_ms();
                if (now - start >= limit_ms) {
                        slot_lock(t, F_UNLCK); /* the queue will skip us */
                        return 0;
                }
                if (s != seen) {
                        seen = s;
                        seen_at = now;
                        dead_checks = 0;
                } else if (now - seen_at >= TURN_STALL_MS) {
                        skip_if_dead(h, s, &dead_checks);
                        seen_at = now;
                }
                rk_busy_wait_tick();
                if (futex_wait(bell_of(h, t), rung, TURN_STALL_MS / 4) &&
                    (int32_t)(t - atomic_load(&h->serving)) > 0)
                        atomic_fetch_add(&h->woken_early, 1);
        }
}

void rk_turn_pass(sqlite3 *db, uint32_t ticket)
{
        struct turn_header *h = turn_of(db);
        if (h == NULL)
                return;
        slot_lock(ticket, F_UNLCK);
        serve_next(h, ticket);
}

void rk_turn_inside(sqlite3 *db)
{
        struct turn_header *h = turn_of(db);
        if (h != NULL)
                atomic_store(&h->inside, (uint32_t)getpid());
}

void rk_turn_released(sqlite3 *db)
{
        struct turn_header *h = turn_of(db);
        if (h == NULL)
                return;
        uint32_t me = (uint32_t)getpid();
        atomic_compare_exchange_strong(&h->inside, &me, 0); /* only our own */
        atomic_fetch_add(&h->released, 1);
        futex_wake_all(&h->released);
}

void rk_turn_nap(int ms)
{
        if (cur.h == NULL) {
                struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
                nanosleep(&ts, NULL);
                return;
        }
        futex_wait(&cur.h->released, released_seen, ms);
        released_seen = atomic_load(&cur.h->released);
}
