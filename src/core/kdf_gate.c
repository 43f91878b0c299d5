/*
 * kdf_gate.c - the login gate (see kdf_gate.h): at most K Argon2id
 * computations at once, across processes.
 *
 * How it works: the slots are K bytes of a small file beside the register,
 * "<db>.kdf" (made like the database's other files, sidefile.h). A login
 * takes a slot by taking an fcntl write lock on one of those bytes without
 * waiting, trying each in turn; when all K are taken it sleeps 10 ms and
 * tries again. A lock belongs to the process, so one killed mid-login
 * frees its slot at once. After RK_KDF_GATE_NOTICE_MS of waiting the
 * login notice (rekisteri/login_notice.h) tells the person; it is lowered
 * when the slot is taken. A wait never fails: after a minute (a stuck
 * machine, not a queue) the computation runs ungated rather than refuse
 * the login.
 *
 * Built with RK_KDF_GATE_COUNTER (tests only), entering and leaving also
 * count in "<db>.kdf.count" (under flock): now inside, the most inside at
 * once, and how many entered, so a test can see the bound hold without
 * relying on timing.
 */
#include "kdf_gate.h"
#include "rekisteri/login_notice.h"
#include "sidefile.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define GATE_GIVE_UP_MS 60000

static char gate_db[PATH_MAX];
static long long gate_k;

static rk_login_notice_fn notice_fn;
static void *notice_ctx;

void rk_login_set_notice(rk_login_notice_fn fn, void *ctx)
{
        notice_fn = fn;
        notice_ctx = ctx;
}

static int gate_fd = -1; /* "<db>.kdf" of gate_db, opened at first use */

void rk_kdf_gate_setup(const char *db_path, long long k)
{
        if (gate_fd >= 0 && (db_path == NULL || strcmp(db_path, gate_db) != 0)) {
                close(gate_fd); /* another register: its own slots */
                gate_fd = -1;
        }
        gate_k = k;
        if (db_path == NULL ||
            snprintf(gate_db, sizeof(gate_db), "%s", db_path) >= (int)sizeof(gate_db))
                gate_k = 0;
}

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool lock_byte(int fd, long long i, short type)
{
        struct flock fl = {
            .l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)i, .l_len = 1};
        return fcntl(fd, F_SETLK, &fl) == 0;
}

#ifdef RK_KDF_GATE_COUNTER
/* The test counter: "inside most entered" in <db>.kdf.count. */
static void count(int delta)
{
        char path[PATH_MAX + 16];
        long long inside = 0, most = 0, entered = 0;
        snprintf(path, sizeof(path), "%s.kdf.count", gate_db);
        int fd = rk_sidefile_open(path, gate_db, 0);
        if (fd < 0 || flock(fd, LOCK_EX) != 0)
                return;
        char buf[96] = "";
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n > 0)
                sscanf(buf, "%lld %lld %lld", &inside, &most, &entered);
        inside += delta;
        if (delta > 0)
                entered++;
        if (inside > most)
                most = inside;
        n = snprintf(buf, sizeof(buf), "%lld %lld %lld\n", inside, most, entered);
        if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
                fprintf(stderr, "kdf_gate: cannot write %s\n", path);
        close(fd); /* drops the flock */
}
#else
static void count(int delta)
{
        (void)delta;
}
#endif

/* Take a free slot without waiting: its index, or -1 when all are taken. */
static int try_slots(void)
{
        for (long long i = 0; i < gate_k; i++) {
                if (lock_byte(gate_fd, i, F_WRLCK))
                        return (int)i;
        }
        return -1;
}

int rk_kdf_gate_enter(void)
{
        char path[PATH_MAX + 8];
        if (gate_k <= 0)
                return -1;
        if (gate_fd < 0) {
                snprintf(path, sizeof(path), "%s.kdf", gate_db);
                gate_fd = rk_sidefile_open(path, gate_db, 0);
                if (gate_fd < 0)
                        return -1;
        }
        int64_t start = now_ms();
        bool noticed = false;
        int slot;
        while ((slot = try_slots()) < 0) {
                int64_t waited = now_ms() - start;
                if (waited >= GATE_GIVE_UP_MS)
                        break;
                if (!noticed && waited >= RK_KDF_GATE_NOTICE_MS && notice_fn != NULL) {
                        noticed = true;
                        notice_fn(notice_ctx, 1);
                }
                struct timespec ts = {0, 10 * 1000000L};
                nanosleep(&ts, NULL);
        }
        if (noticed)
                notice_fn(notice_ctx, 0);
        if (slot >= 0)
                count(+1);
        return slot;
}

void rk_kdf_gate_leave(int slot)
{
        if (slot < 0 || gate_fd < 0)
                return;
        count(-1);
        lock_byte(gate_fd, slot, F_UNLCK);
}
