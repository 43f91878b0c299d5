/*
 * throttle.c - login failure counters, delays and lockout (see throttle.h).
 */
#include "rekisteri/throttle.h"
#include "sql.h"
#include "vault_internal.h"

#include <stdio.h>
#include <string.h>

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

static int read_counter(struct rk_vault *v, const char *label, struct counter *c,
                        struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        memset(c, 0, sizeof(*c));
        int rc = rk_sql_prepare(db,
                                "SELECT failures,last_failure_at,locked FROM throttle "
                                "WHERE label=?",
                                &st, rk_vault_path(v), err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
                c->failures = sqlite3_column_int64(st, 0);
                c->last = sqlite3_column_int64(st, 1);
                c->locked = sqlite3_column_int(st, 2);
        } else if (src != SQLITE_DONE) {
                rc = rk_sql_fail(db, src, rk_vault_path(v), err);
        }
        sqlite3_finalize(st);
        return rc;
}

static int lock_message(struct rk_error *err)
{
        return rk_error_set(err, RK_ERR_LOCKED,
                            "too many failed logins: this account is locked; ask an "
                            "administrator to unlock it");
}

int rk_throttle_check(struct rk_vault *v, const char *username, int64_t now,
                      const struct rk_throttle_policy *p, long long *wait,
                      struct rk_error *err)
{
        char label[2 * RK_KEY_BYTES + 1];
        struct counter c;
        *wait = 0;
        rk_vault_user_label(v, username, label, err);
        int rc = read_counter(v, label, &c, err);
        if (rc != RK_OK)
                return rc;
        if (c.locked)
                return lock_message(err);
        long long until = c.last + rk_throttle_delay(p, c.failures);
        if (now < until) {
                *wait = until - now;
                return rk_error_set(
                    err, RK_ERR_BUSY,
                    "too many failed logins: wait %lld s before the next try", *wait);
        }
        return RK_OK;
}

static int queue_failure(sqlite3 *db, const char *label, int64_t now, const char *source,
                         const char *reason, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "INSERT INTO auth_failures(at,label,source,reason) "
                                "VALUES(?,?,?,?)",
                                &st, "queueing a login failure", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "queueing a login failure", err);
}

static int write_counter(sqlite3 *db, const char *label, const struct counter *c,
                         struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db,
                                "INSERT OR REPLACE INTO throttle(label,failures,"
                                "last_failure_at,locked) VALUES(?,?,?,?)",
                                &st, "counting a login failure", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, c->failures);
        sqlite3_bind_int64(st, 3, c->last);
        sqlite3_bind_int(st, 4, c->locked);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK
                                  : rk_sql_fail(db, src, "counting a login failure", err);
}

int rk_throttle_fail(struct rk_vault *v, const char *username, int64_t now,
                     const char *source, const char *reason,
                     const struct rk_throttle_policy *p, long long *wait, int *locked,
                     struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        char label[2 * RK_KEY_BYTES + 1];
        struct counter c;
        rk_vault_user_label(v, username, label, err);
        int rc = rk_sql_begin_as(db, "counting a login failure", err);
        if (rc == RK_OK)
                rc = read_counter(v, label, &c, err);
        int was_locked = 0;
        if (rc == RK_OK) {
                was_locked = c.locked;
                c.failures++;
                c.last = now;
                c.locked = c.locked || c.failures >= p->lock_after;
                rc = write_counter(db, label, &c, err);
        }
        if (rc == RK_OK)
                rc = queue_failure(db, label, now, source, reason, err);
        /* the lockout itself reaches the audit trail too */
        if (rc == RK_OK && c.locked && !was_locked)
                rc = queue_failure(db, label, now, source, "lockout", err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "counting a login failure", err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                return rc;
        }
        *wait = rk_throttle_delay(p, c.failures);
        *locked = c.locked;
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

int rk_throttle_queued(struct rk_vault *v, struct rk_auth_failure *out, size_t max,
                       size_t *n, struct rk_error *err)
{
        sqlite3 *db = rk_vault_db(v);
        sqlite3_stmt *st;
        *n = 0;
        int rc = rk_sql_prepare(db,
                                "SELECT id,at,label,source,reason FROM auth_failures "
                                "ORDER BY id LIMIT ?",
                                &st, rk_vault_path(v), err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
        bool row = false;
        while ((rc = rk_sql_row(st, &row, rk_vault_path(v), err)) == RK_OK && row &&
               *n < max) {
                struct rk_auth_failure *f = &out[(*n)++];
                f->id = sqlite3_column_int64(st, 0);
                f->at = sqlite3_column_int64(st, 1);
                snprintf(f->label, sizeof(f->label), "%s", sqlite3_column_text(st, 2));
                snprintf(f->source, sizeof(f->source), "%s", sqlite3_column_text(st, 3));
                snprintf(f->reason, sizeof(f->reason), "%s", sqlite3_column_text(st, 4));
        }
        sqlite3_finalize(st);
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
