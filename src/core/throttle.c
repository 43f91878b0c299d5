/*
 * throttle.c - login failure counters, delays and lockout (see throttle.h).
 *
 * How an attempt holds under parallel logins:
 *   1. an open file description lock (F_OFD_SETLK) on one byte of the slot
 *      file, far past its end and chosen by the label, marks the attempt
 *      in flight; a second attempt for the same label finds it taken and
 *      is refused at once. The kernel drops the lock when the process
 *      dies, so a killed login never leaves the account stuck. OFD locks
 *      are owned by the descriptor, not the process, so they neither clash
 *      with nor are dropped by SQLite's own POSIX locks on the file;
 *   2. one BEGIN IMMEDIATE transaction then checks the lock and the delay,
 *      counts the attempt and notes its time, before any Argon2 run: an
 *      attempt killed mid-way still counts;
 *   3. a failure queues its record; a success deletes the counter.
 */
#include "rekisteri/throttle.h"
#include "sql.h"
#include "vault_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Lock bytes live from 2^40 on: far from SQLite's own lock bytes at 1 GiB. */
#define INFLIGHT_BASE (1LL << 40)

long long rk_throttle_delay(const struct rk_throttle_policy *p, long long failures)
{
        if (failures < p->after)
                return 0;
        long long steps = failures - p->after + 1;
        if (steps >= 20)
                return p->max_delay;
        long long d = 1LL << steps;
        return d < p->max_delay ? d : p->max_delay;
}

struct counter {
        long long failures;
        int64_t last;
        int locked;
};

/* ---- records sealed under the server key -------------------------------- */

#define SEAL_OVERHEAD                                                                    \
        (crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +                                  \
         crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define COUNTER_BYTES 17
#define RECORD_MAX    256
#define DAY           86400

/* The throttle subkey into key; 0 when the register has none (older slot
 * files keep their records in clear until they move to a server key). */
static int record_key(struct rk_vault *v, unsigned char *key)
{
        return rk_vault_server_subkey(v, RK_SUBKEY_THROTTLE, key) == RK_OK;
}

/* out = nonce || XChaCha20-Poly1305(plain) with ad; len + SEAL_OVERHEAD. */
static void seal_record(const unsigned char *key, const char *ad,
                        const unsigned char *plain, size_t len, unsigned char *out)
{
        unsigned long long clen = 0;
        randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, plain, len,
            (const unsigned char *)ad, strlen(ad), NULL, out, key);
}

/* Open a sealed column into out (room for RECORD_MAX); its length or -1. */
static int open_record(const unsigned char *key, const char *ad, sqlite3_stmt *st,
                       int col, unsigned char *out)
{
        int n = sqlite3_column_bytes(st, col);
        const unsigned char *in = sqlite3_column_blob(st, col);
        unsigned long long len = 0;
        if (n <= (int)SEAL_OVERHEAD || n - (int)SEAL_OVERHEAD > RECORD_MAX ||
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                out, &len, NULL, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                (unsigned long long)n - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                (const unsigned char *)ad, strlen(ad), in, key) != 0)
                return -1;
        return (int)len;
}

static void counter_ad(char *ad, size_t size, const char *label)
{
        snprintf(ad, size, "rekisteri/throttle/%s", label);
}

static void pack_counter(const struct counter *c, unsigned char *b)
{
        for (int i = 0; i < 8; i++) {
                b[i] = (unsigned char)((unsigned long long)c->failures >> (8 * i));
                b[8 + i] = (unsigned char)((unsigned long long)c->last >> (8 * i));
        }
        b[16] = (unsigned char)(c->locked != 0);
}

static void unpack_counter(const unsigned char *b, struct counter *c)
{
        unsigned long long f = 0, l = 0;
        for (int i = 7; i >= 0; i--) {
                f = f << 8 | b[i];
                l = l << 8 | b[8 + i];
        }
        c->failures = (long long)f;
        c->last = (int64_t)l;
        c->locked = b[16];
}

static int read_counter(struct rk_vault *v, const char *label, struct counter *c,
                        struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        unsigned char key[RK_KEY_BYTES], plain[RECORD_MAX];
        char ad[128];
        memset(c, 0, sizeof(*c));
        int rc =
            rk_sql_prepare(db,
                           "SELECT failures,last_failure_at,locked,state FROM throttle "
                           "WHERE label=?",
                           &st, rk_vault_path(v), err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW && sqlite3_column_type(st, 3) == SQLITE_NULL) {
                c->failures = sqlite3_column_int64(st, 0);
                c->last = sqlite3_column_int64(st, 1);
                c->locked = sqlite3_column_int(st, 2);
        } else if (src == SQLITE_ROW) {
                counter_ad(ad, sizeof(ad), label);
                if (!record_key(v, key) ||
                    open_record(key, ad, st, 3, plain) != COUNTER_BYTES)
                        rc = rk_error_set(
                            err, RK_ERR_CORRUPT,
                            "%s: a login counter does not authenticate under "
                            "the server key",
                            rk_vault_path(v));
                else
                        unpack_counter(plain, c);
        } else if (src != SQLITE_DONE) {
                rc = rk_sql_fail(db, src, rk_vault_path(v), err);
        }
        sqlite3_finalize(st);
        sodium_memzero(key, sizeof(key));
        return rc;
}

/* With a server key the counter is sealed and only the day of the last
 * failure stays in clear (for removing expired rows of unknown names). */
static int write_counter(struct rk_vault *v, const char *label, const struct counter *c,
                         struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        unsigned char key[RK_KEY_BYTES], plain[COUNTER_BYTES],
            sealed[COUNTER_BYTES + SEAL_OVERHEAD];
        char ad[128];
        int sealing = record_key(v, key);
        int rc = rk_sql_prepare(db,
                                "INSERT OR REPLACE INTO throttle(label,failures,"
                                "last_failure_at,locked,state) VALUES(?,?,?,?,?)",
                                &st, "counting a login failure", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
        if (sealing) {
                counter_ad(ad, sizeof(ad), label);
                pack_counter(c, plain);
                seal_record(key, ad, plain, sizeof(plain), sealed);
                sqlite3_bind_int64(st, 2, 0);
                sqlite3_bind_int64(st, 3, c->last / DAY * DAY);
                sqlite3_bind_int(st, 4, 0);
                sqlite3_bind_blob(st, 5, sealed, sizeof(sealed), SQLITE_STATIC);
        } else {
                sqlite3_bind_int64(st, 2, c->failures);
                sqlite3_bind_int64(st, 3, c->last);
                sqlite3_bind_int(st, 4, c->locked);
                sqlite3_bind_null(st, 5);
        }
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        sodium_memzero(key, sizeof(key));
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "counting a login failure", err);
}

/* Counters of names that have no keyslot, idle for more than a day past
 * the longest delay, go: the file does not keep every name ever tried. */
static int expire_unknown(struct rk_vault *v, int64_t now,
                          const struct rk_throttle_policy *p, struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        int rc =
            rk_sql_prepare(db,
                           "DELETE FROM throttle WHERE last_failure_at<? AND label NOT "
                           "IN (SELECT label FROM slots WHERE kind='user')",
                           &st, rk_vault_path(v), err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, now - p->max_delay - 2 * DAY);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, rk_vault_path(v), err);
}

static int lock_message(struct rk_error *err)
{
        return rk_error_set(err, RK_ERR_LOCKED,
                            "too many failed logins: this account is locked; ask an "
                            "administrator to unlock it");
}

static int wait_message(long long wait, struct rk_error *err)
{
        return rk_error_set(err, RK_ERR_BUSY,
                            "too many failed logins: wait %lld s before the next try",
                            wait);
}

/* Step 1: the in-flight lock for label; RK_ERR_BUSY when another holds it. */
static int take_inflight(struct rk_vault *v, const char *label,
                         struct rk_throttle_attempt *a, struct rk_error *err)
{
        unsigned char h[4];
        crypto_generichash(h, sizeof(h), (const unsigned char *)label, strlen(label),
                           NULL, 0);
        a->fd = open(rk_vault_path(v), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (a->fd < 0)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", rk_vault_path(v),
                                    strerror(errno));
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1};
        fl.l_start = INFLIGHT_BASE + ((off_t)h[0] << 24 | (off_t)h[1] << 16 |
                                      (off_t)h[2] << 8 | (off_t)h[3]);
        if (fcntl(a->fd, F_OFD_SETLK, &fl) == 0)
                return RK_OK;
        int busy = errno == EAGAIN || errno == EACCES;
        int saved = errno;
        close(a->fd);
        a->fd = -1;
        if (busy)
                return wait_message(1, err);
        return rk_error_set(err, RK_ERR_IO, "%s: %s", rk_vault_path(v), strerror(saved));
}

/* Step 2, inside the transaction: may it try now? Then count it. */
static int count_attempt(struct rk_vault *v, struct rk_throttle_attempt *a, int64_t now,
                         const struct rk_throttle_policy *p, long long *wait,
                         struct rk_error *err)
{
        struct counter c;
        int rc = read_counter(v, a->label, &c, err);
        if (rc != RK_OK)
                return rc;
        if (c.locked)
                return lock_message(err);
        long long until = c.last + rk_throttle_delay(p, c.failures);
        if (now < until) {
                *wait = until - now;
                return wait_message(*wait, err);
        }
        c.failures++;
        c.last = now;
        a->reached_lock = c.failures >= p->lock_after;
        c.locked = a->reached_lock;
        a->failures = c.failures;
        rc = write_counter(v, a->label, &c, err);
        return rc == RK_OK ? expire_unknown(v, now, p, err) : rc;
}

void rk_throttle_attempt_init(struct rk_throttle_attempt *a)
{
        memset(a, 0, sizeof(*a));
        a->fd = -1;
}

int rk_throttle_begin(struct rk_vault *v, const char *username, int64_t now,
                      const struct rk_throttle_policy *p, struct rk_throttle_attempt *a,
                      long long *wait, struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        *wait = 0;
        int rc = rk_vault_user_label(v, username, a->label, err);
        if (rc == RK_OK)
                rc = take_inflight(v, a->label, a, err);
        if (rc == RK_ERR_BUSY)
                *wait = 1;
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, "counting a login attempt", err);
        if (rc != RK_OK) {
                rk_throttle_end(a);
                return rc;
        }
        rc = count_attempt(v, a, now, p, wait, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "counting a login attempt", err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                rk_throttle_end(a);
        }
        return rc;
}

void rk_throttle_end(struct rk_throttle_attempt *a)
{
        if (a->fd >= 0)
                close(a->fd);
        a->fd = -1;
}

/* Queue one failure for the audit trail; sealed when there is a server key. */
static int queue_failure(struct rk_vault *v, const char *label, int64_t now,
                         const char *source, const char *reason, struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        unsigned char key[RK_KEY_BYTES], sealed[RECORD_MAX + SEAL_OVERHEAD];
        char plain[RECORD_MAX];
        int sealing = record_key(v, key);
        int n = snprintf(plain, sizeof(plain), "%lld\t%s\t%s\t%s", (long long)now, label,
                         source, reason);
        if (n < 0 || n >= RECORD_MAX)
                return rk_error_set(err, RK_ERR_INVALID, "queueing a login failure");
        int rc =
            rk_sql_prepare(db,
                           "INSERT INTO auth_failures(at,label,source,reason,sealed) "
                           "VALUES(?,?,?,?,?)",
                           &st, "queueing a login failure", err);
        if (rc != RK_OK)
                return rc;
        if (sealing) {
                seal_record(key, "rekisteri/auth_failure", (unsigned char *)plain,
                            (size_t)n, sealed);
                sqlite3_bind_int64(st, 1, 0);
                sqlite3_bind_text(st, 2, "", -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, "", -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 4, "", -1, SQLITE_STATIC);
                sqlite3_bind_blob(st, 5, sealed, n + SEAL_OVERHEAD, SQLITE_STATIC);
        } else {
                sqlite3_bind_int64(st, 1, now);
                sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
                sqlite3_bind_null(st, 5);
        }
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        sodium_memzero(key, sizeof(key));
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "queueing a login failure", err);
}

int rk_throttle_fail(struct rk_vault *v, const struct rk_throttle_attempt *a, int64_t now,
                     const char *source, const char *reason,
                     const struct rk_throttle_policy *p, long long *wait, int *locked,
                     struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        int rc = rk_sql_begin_as(db, "counting a login failure", err);
        if (rc == RK_OK)
                rc = queue_failure(v, a->label, now, source, reason, err);
        /* the lockout itself reaches the audit trail too */
        if (rc == RK_OK && a->reached_lock)
                rc = queue_failure(v, a->label, now, source, "lockout", err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "counting a login failure", err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                return rc;
        }
        *wait = rk_throttle_delay(p, a->failures);
        *locked = a->reached_lock;
        return RK_OK;
}

static int delete_counter(struct rk_vault *v, const char *username, struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1];
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        rk_vault_user_label(v, username, label, err);
        int rc = rk_sql_prepare(db, "DELETE FROM throttle WHERE label=?", &st,
                                rk_vault_path(v), err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, rk_vault_path(v), err);
}

int rk_throttle_reset(struct rk_vault *v, const char *username, struct rk_error *err)
{
        return delete_counter(v, username, err);
}

int rk_throttle_unlock(struct rk_vault *v, const char *username, struct rk_error *err)
{
        return delete_counter(v, username, err);
}

int rk_throttle_is_locked(struct rk_vault *v, const char *username)
{
        char label[2 * RK_KEY_BYTES + 1];
        struct counter c;
        rk_vault_user_label(v, username, label, NULL);
        if (read_counter(v, label, &c, NULL) != RK_OK)
                return -1;
        return c.locked;
}

/* One queued row into f: in clear, or opened and split at its tabs. A row
 * that does not open (sealed under a server key since replaced) is kept
 * with an empty label and "unreadable" as its reason. */
static void read_failure(const unsigned char *key, int have_key, sqlite3_stmt *st,
                         struct rk_auth_failure *f)
{
        unsigned char plain[RECORD_MAX + 1];
        f->id = sqlite3_column_int64(st, 0);
        if (sqlite3_column_type(st, 5) == SQLITE_NULL) {
                f->at = sqlite3_column_int64(st, 1);
                snprintf(f->label, sizeof(f->label), "%s", sqlite3_column_text(st, 2));
                snprintf(f->source, sizeof(f->source), "%s", sqlite3_column_text(st, 3));
                snprintf(f->reason, sizeof(f->reason), "%s", sqlite3_column_text(st, 4));
                return;
        }
        int n = have_key ? open_record(key, "rekisteri/auth_failure", st, 5, plain) : -1;
        long long at = 0;
        char label[sizeof(f->label)] = "", source[sizeof(f->source)] = "",
             reason[sizeof(f->reason)] = "unreadable";
        if (n > 0) {
                plain[n] = '\0';
                sscanf((char *)plain, "%lld\t%64[^\t]\t%63[^\t]\t%31s", &at, label,
                       source, reason);
        }
        f->at = at;
        snprintf(f->label, sizeof(f->label), "%s", label);
        snprintf(f->source, sizeof(f->source), "%s", source);
        snprintf(f->reason, sizeof(f->reason), "%s", reason);
}

int rk_throttle_queued(struct rk_vault *v, struct rk_auth_failure *out, size_t max,
                       size_t *n, struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        unsigned char key[RK_KEY_BYTES];
        int have_key = record_key(v, key);
        *n = 0;
        int rc =
            rk_sql_prepare(db,
                           "SELECT id,at,label,source,reason,sealed FROM auth_failures "
                           "ORDER BY id LIMIT ?",
                           &st, rk_vault_path(v), err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
        bool row = false;
        while ((rc = rk_sql_row(st, &row, rk_vault_path(v), err)) == RK_OK && row &&
               *n < max)
                read_failure(key, have_key, st, &out[(*n)++]);
        sqlite3_finalize(st);
        sodium_memzero(key, sizeof(key));
        return rc;
}

int rk_throttle_dequeue(struct rk_vault *v, int64_t up_to_id, struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "DELETE FROM auth_failures WHERE id<=?", &st,
                                rk_vault_path(v), err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, up_to_id);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, rk_vault_path(v), err);
}
