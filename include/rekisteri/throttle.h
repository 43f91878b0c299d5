/*
 * throttle.h - slowing down and locking out password guessing.
 *
 * Failures are counted per username label (a keyed hash, see vault.h) in
 * the keyslot file, so the counters survive restarts and are there before
 * the register is unlocked. Unknown usernames are counted the same way, so
 * the answers never tell which names exist. After `after` failures each
 * further attempt must wait 2, 4, 8, ... seconds (at most max_delay); after
 * `lock_after` failures the account locks until an admin unlocks it. Every
 * failure is also queued, without the password or the name typed, for the
 * audit trail. An attempt is counted before its password is checked, and
 * only one attempt per account runs at a time (see throttle.c), so
 * parallel logins cannot get past the count.
 */
#ifndef REKISTERI_THROTTLE_H
#define REKISTERI_THROTTLE_H

#include "rekisteri/error.h"
#include "rekisteri/vault.h"

#include <stdint.h>

struct rk_throttle_policy {
        long long after;      /* failures allowed before delays start */
        long long lock_after; /* failures that lock the account */
        long long max_delay;  /* seconds */
};

/* rk_throttle_delay - seconds to wait after `failures` failures. */
long long rk_throttle_delay(const struct rk_throttle_policy *p, long long failures);

/* One login attempt in flight (rk_throttle_begin .. rk_throttle_end). */
struct rk_throttle_attempt {
        int fd;                           /* holds the in-flight lock; -1 none */
        int reached_lock;                 /* this attempt reached lock_after */
        long long failures;               /* attempts counted, this one included */
        char label[2 * RK_KEY_BYTES + 1]; /* the account's label */
};

/* rk_throttle_attempt_init - an attempt holding nothing (for rk_throttle_end). */
void rk_throttle_attempt_init(struct rk_throttle_attempt *a);

/*
 * rk_throttle_begin - before any password check: take the in-flight lock
 * of username's label (held until rk_throttle_end), then in one immediate
 * transaction check the lock and the delay, count this attempt as a
 * failure and note its time. A success must then call rk_throttle_reset.
 * RK_OK: go ahead. RK_ERR_BUSY with *wait > 0 seconds: too early, or
 * another attempt for the same label is in flight (the same message).
 * RK_ERR_LOCKED: locked. Messages never tell whether the name exists. On
 * any error nothing is held.
 */
int rk_throttle_begin(struct rk_vault *v, const char *username, int64_t now,
                      const struct rk_throttle_policy *p, struct rk_throttle_attempt *a,
                      long long *wait, struct rk_error *err);

/* rk_throttle_end - release the in-flight lock (any state; idempotent). Call
 * it with no transaction open on the slot file: closing the descriptor
 * would also drop this process's POSIX locks on the file. */
void rk_throttle_end(struct rk_throttle_attempt *a);

/*
 * rk_throttle_fail - the attempt a (already counted) failed: queue it for
 * the audit trail with source (an address or tty, never the password) and,
 * when it reached lock_after, the lockout; set *wait to the delay now in
 * force and *locked when this attempt locked the account.
 */
int rk_throttle_fail(struct rk_vault *v, const struct rk_throttle_attempt *a, int64_t now,
                     const char *source, const char *reason,
                     const struct rk_throttle_policy *p, long long *wait, int *locked,
                     struct rk_error *err);

/* rk_throttle_reset - forget username's failures after a good login. */
int rk_throttle_reset(struct rk_vault *v, const char *username, struct rk_error *err);

/* rk_throttle_unlock - an admin's unlock: clear the lock and the count. */
int rk_throttle_unlock(struct rk_vault *v, const char *username, struct rk_error *err);

/* rk_throttle_is_locked - 1 locked, 0 not, <0 error. */
int rk_throttle_is_locked(struct rk_vault *v, const char *username);

struct rk_auth_failure {
        int64_t id;
        int64_t at;
        char label[2 * RK_KEY_BYTES + 1];
        char source[64];
        char reason[32];
};

/*
 * rk_throttle_queued - the queued failures, oldest first, at most max;
 * *n gets the count. rk_throttle_dequeue removes those up to and including
 * id once they are safely in the audit trail.
 */
int rk_throttle_queued(struct rk_vault *v, struct rk_auth_failure *out, size_t max,
                       size_t *n, struct rk_error *err);
int rk_throttle_dequeue(struct rk_vault *v, int64_t up_to_id, struct rk_error *err);

#endif
