/*
 * audit.h - the audit trail: who read or changed which subject's which
 * field groups, when and from where. Never a value, a password, a code or
 * a key.
 *
 * Tamper evidence, two layers:
 *   1. A hash chain. Each row's hash covers its fields and the previous
 *      row's hash (BLAKE2b), so altering, deleting, reordering or inserting
 *      a row breaks the chain at that row.
 *   2. A forward-secure MAC. Each row carries a MAC under the key of its
 *      epoch; after `epoch_rows` rows the key evolves, K(n+1) = H(K(n)), and
 *      K(n) is erased from the database. K(0) is shown once at init, for the
 *      supervisor to keep offline. Someone who steals the database key
 *      later can rewrite the chain, but cannot forge the MACs of past
 *      epochs; `audit verify --key K0` catches that.
 * At every epoch change the chain head goes to syslog, so that a rewrite
 * of the whole table is detectable off-host.
 *
 * Rows are appended inside the caller's transaction, so a view is recorded
 * in the same commit as the read (and before the data is drawn), and a
 * change in the same commit as the change. A failed append fails the
 * transaction: no record, no data.
 */
#ifndef REKISTERI_AUDIT_H
#define REKISTERI_AUDIT_H

#include "rekisteri/error.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define RK_AUDIT_KEY_TEXT   65 /* 64 hex digits + NUL */
#define RK_AUDIT_HASH_BYTES 32

/* Who is acting: filled once per session. */
struct rk_audit_actor {
        char user[64];    /* username, "keyfile:LABEL" or "recovery" */
        char session[17]; /* random id of this login, hex */
        char source[64];  /* SSH client address, tty, or "local" */
};

/* One event. Strings are short identifiers, never personal data. */
struct rk_audit_event {
        const char *action; /* e.g. "customer.view", "login.failure" */
        int64_t subject;    /* customer id, or 0 for none */
        const char *groups; /* field groups, comma-separated, or "" */
        const char *fields; /* changed field names (never values), or "" */
        const char *screen; /* where: screen or command name, or "" */
        const char *result; /* "ok", "denied", "failed" */
        const char *target; /* a staff account or key file acted on, or NULL */
};

/* A row as read back. */
struct rk_audit_row {
        int64_t id;
        char at[21]; /* UTC, YYYY-MM-DDTHH:MM:SSZ */
        char user[64];
        char session[17];
        char source[64];
        char action[48];
        int64_t subject;
        char groups[160];
        char fields[256];
        char screen[48];

        char result[16];
        char target[64];
        int64_t epoch;
};

/*
 * rk_audit_init - start the trail of a new register: epoch 0 with a fresh
 * random K(0), whose hex text goes into key_text (RK_AUDIT_KEY_TEXT) for
 * showing once. Call inside the register's creating transaction.
 */
int rk_audit_init(sqlite3 *db, char *key_text, struct rk_error *err);

/* rk_audit_actor_init - fill a with user and source and a new session id. */
void rk_audit_actor_init(struct rk_audit_actor *a, const char *user, const char *source);

/*
 * rk_audit_append - append one row inside the caller's write transaction
 * (BEGIN IMMEDIATE, so the chain head cannot race). `now` is Unix time.
 * `epoch_rows` is how many rows an epoch holds. Returns RK_OK or an error;
 * on error the caller must roll back, and must not show or change data.
 */
int rk_audit_append(sqlite3 *db, const struct rk_audit_actor *actor,
                    const struct rk_audit_event *ev, int64_t now, int64_t epoch_rows,
                    struct rk_error *err);

/*
 * rk_audit_append_many - rk_audit_append of ev once per subject in
 * subjects[0..n) (ev's own subject is ignored; subjects NULL means n copies
 * of ev), chained in one pass: a search that showed n customers is n rows,
 * one per subject, so "who saw subject X" finds every one of them.
 */
int rk_audit_append_many(sqlite3 *db, const struct rk_audit_actor *actor,
                         const struct rk_audit_event *ev, const int64_t *subjects,
                         size_t n, int64_t now, int64_t epoch_rows, struct rk_error *err);

/*
 * rk_audit_record - rk_audit_append in a transaction of its own, for
 * events that change nothing else (logins, views that were refused).
 */
int rk_audit_record(sqlite3 *db, const struct rk_audit_actor *actor,
                    const struct rk_audit_event *ev, int64_t now, int64_t epoch_rows,
                    struct rk_error *err);

/* The outcome of a verification. */
struct rk_audit_verdict {
        int ok;
        int64_t rows;                           /* rows checked */
        int64_t bad_id;                         /* first failing row id, 0 when ok */
        char why[160];                          /* what failed at bad_id */
        char head[2 * RK_AUDIT_HASH_BYTES + 1]; /* hex hash of the last row */
        int macs_checked;                       /* 1 when a K(0) was given */
};

/*
 * rk_audit_verify - recompute the chain from its anchor (the first row,
 * or the checkpoint left by audit retention) and, when key_text (K(0) hex)
 * is given, every row's MAC. Fills *v; returns RK_OK when the check could
 * run (v->ok says whether the trail is intact), RK_ERR_INVALID for a
 * malformed key.
 */
int rk_audit_verify(sqlite3 *db, const char *key_text, struct rk_audit_verdict *v,
                    struct rk_error *err);

/* A filter for listing; zero/NULL fields do not filter. */
struct rk_audit_filter {
        const char *user;
        const char *action; /* exact, or a prefix ending in '.' ("customer.") */
        int64_t subject;
        const char *from;  /* UTC "YYYY-MM-DD" or full timestamp, inclusive */
        const char *to;    /* exclusive */
        int64_t before_id; /* paging: rows with id < before_id; 0 = newest */
        int data_only;     /* 1: only reads and changes of customer data
                              ("customer." and "order." actions), for "who
                              accessed subject X" */
};

/* rk_audit_list - up to limit rows, newest first, into a malloc'd array. */
int rk_audit_list(sqlite3 *db, const struct rk_audit_filter *f, size_t limit,
                  struct rk_audit_row **rows, size_t *n, struct rk_error *err);

/*
 * rk_audit_prune - audit retention: delete rows older than `before`
 * (UTC date), leaving a checkpoint row so the chain still verifies from
 * the new anchor. *deleted gets the count.
 */
int rk_audit_prune(sqlite3 *db, const struct rk_audit_actor *actor, const char *before,
                   int64_t now, int64_t epoch_rows, int64_t *deleted,
                   struct rk_error *err);

#endif
