/*
 * session_audit.c - login events in the audit trail (see session_audit.h
 * and session.h).
 *
 * A failed login cannot write to the encrypted register, so the slot file
 * queues it (throttle.c) with its time, source and the keyed hash of the
 * name typed. The next successful unlock copies the queue into the trail,
 * naming the account when the hash matches a known user and "(unknown)"
 * otherwise, so nothing typed by mistake into the username field (such as
 * a password) is ever stored. The queue is emptied in the same step as
 * the copy is committed.
 */
#include "session_audit.h"
#include "rekisteri/clock.h"
#include "rekisteri/throttle.h"
#include "rekisteri/users.h"
#include "sql.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 64

static int64_t epoch_rows(struct rk_session *s)
{
        return rk_register_config(rk_session_register(s))->audit_epoch_rows;
}

/* The account whose label is `label`, or "(unknown)". */
static void name_for_label(struct rk_vault *v, const struct rk_user *users, size_t n,
                           const char *label, char *out, size_t size)
{
        char l[2 * RK_KEY_BYTES + 1];
        for (size_t i = 0; i < n; i++) {
                rk_vault_user_label(v, users[i].name, l, NULL);
                if (strcmp(l, label) == 0) {
                        snprintf(out, size, "%s", users[i].name);
                        return;
                }
        }
        snprintf(out, size, "(unknown)");
}

static int copy_batch(struct rk_session *s, struct rk_vault *v,
                      const struct rk_user *users, size_t nusers,
                      const struct rk_auth_failure *f, size_t n, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        for (size_t i = 0; i < n; i++) {
                struct rk_audit_actor a;
                char name[64];
                name_for_label(v, users, nusers, f[i].label, name, sizeof(name));
                rk_audit_actor_init(&a, name, f[i].source);
                struct rk_audit_event ev = {.action = strcmp(f[i].reason, "lockout") == 0
                                                          ? "login.lockout"
                                                          : "login.failure",
                                            .screen = "login",
                                            .result = f[i].reason};
                int rc = rk_audit_append(db, &a, &ev, f[i].at, epoch_rows(s), err);
                if (rc != RK_OK)
                        return rc;
        }
        return RK_OK;
}

/* Copy the queued failures, a batch per transaction, oldest first. */
static int drain(struct rk_session *s, struct rk_vault *v, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(rk_session_register(s));
        struct rk_user *users = NULL;
        struct rk_auth_failure f[BATCH];
        size_t nusers = 0, n = 0;
        int rc = rk_users_list(db, &users, &nusers, err);
        while (rc == RK_OK && (rc = rk_throttle_queued(v, f, BATCH, &n, err)) == RK_OK &&
               n) {
                rc = rk_sql_begin(db, err);
                if (rc == RK_OK)
                        rc = copy_batch(s, v, users, nusers, f, n, err);
                if (rc == RK_OK)
                        rc = rk_sql_commit(db, err);
                if (rc != RK_OK) {
                        rk_sql_rollback(db);
                        break;
                }
                /* committed: now forget them (a crash here copies them twice,
                 * which overstates failures rather than losing any) */
                rc = rk_throttle_dequeue(v, f[n - 1].id, err);
        }
        free(users);
        return rc;
}

int rk_login_audit(struct rk_session *s, struct rk_vault *v, const char *action,
                   int64_t now, struct rk_error *err)
{
        int rc = drain(s, v, err);
        if (rc == RK_OK)
                rc = rk_audit_record(
                    rk_register_db(rk_session_register(s)), rk_session_actor(s),
                    &(struct rk_audit_event){
                        .action = action, .screen = "login", .result = "ok"},
                    now, epoch_rows(s), err);
        return rc;
}

int rk_session_audit(struct rk_session *s, const char *action, int64_t subject,
                     const char *groups, const char *screen, const char *result,
                     const char *target, struct rk_error *err)
{
        struct rk_audit_event ev = {.action = action,
                                    .subject = subject,
                                    .groups = groups,
                                    .screen = screen,
                                    .result = result,
                                    .target = target};
        return rk_audit_record(rk_register_db(rk_session_register(s)),
                               rk_session_actor(s), &ev, rk_clock_now(), epoch_rows(s),
                               err);
}
