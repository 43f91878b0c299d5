/*
 * audit.h - the audit trail: who read or changed which subject's which
 * field groups, when and from where. Never a value, a password, a code or
 * a key.
 *
 * Tamper evidence (the design is explained in audit.c):
 *   1. A hash chain. Each row's hash covers its fields and the previous
 *      row's hash (BLAKE2b), so altering, deleting, reordering or inserting
 *      a row breaks the chain at that row.
 *   2. A forward-secure MAC keyed by position. Row i is MACed with k(i);
 *      k(i+1) is derived from k(i), which is then erased. k(1) is derived
 *      from K0, shown once at init for the data protection officer to keep
 *      offline. With K0 the verifier recomputes every key from the row's
 *      position and checks that the stored key is the next one.
 *   3. Chain heads leave the machine (syslog, a file or a command) every
 *      epoch_rows rows, after head_interval minutes and when a session
 *      that wrote rows ends; `verify --heads` checks them against the
 *      trail.
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

/* A customer number as the trail's readers show it ("C000123"). */
#define RK_AUDIT_NUMBER_SIZE 16

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
        int64_t epoch; /* old rows: their key's epoch; new rows: how many
                          heads epochs came before (informational) */
        char number[RK_AUDIT_NUMBER_SIZE]; /* the subject's customer number ("C000123"),
                            or ""; filled by rk_audit_list, not part of the chain */
};

/*
 * rk_audit_init - start the trail of a new register with a fresh random
 * K(0), whose hex text goes into key_text (RK_AUDIT_KEY_TEXT) for showing
 * once; only the key of row 1, derived from it, is stored. Call inside the
 * register's creating transaction.
 */
int rk_audit_init(sqlite3 *db, char *key_text, struct rk_error *err);

/* rk_audit_actor_init - fill a with user and source and a new session id. */
void rk_audit_actor_init(struct rk_audit_actor *a, const char *user, const char *source);

/*
 * rk_audit_append - append one row inside the caller's write transaction
 * (BEGIN IMMEDIATE, so the chain head cannot race). `now` is Unix time.
 * `epoch_rows`: a chain head is sent off the machine every this many rows
 * (and after [audit] head_interval), once the transaction commits.
 * Returns RK_OK or an error; on error the caller must roll back, and must
 * not show or change data.
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
        int64_t rows;   /* rows checked */
        int64_t bad_id; /* first failing row id, 0 when ok */
        char why[160];  /* what failed at bad_id */
        int damaged;    /* 1: bad_id could not be read (a damaged page), which is
                         * not tampering; front ends decide by this, not by why,
                         * which is translated */
        char head[2 * RK_AUDIT_HASH_BYTES + 1]; /* hex hash of the last row */
        int macs_checked;                       /* 1 when a K(0) was given */
        int64_t heads_given;                    /* heads read from the heads file */
        int64_t heads_checked; /* of them, compared with a row still present */
};

/* What to check beyond the chain. NULL/0 fields are not checked. */
struct rk_audit_verify_opts {
        const char *key_text;     /* K(0) as 64 hex digits */
        const char *heads_path;   /* syslog lines or the heads file */
        int64_t retention_months; /* the configured [audit] retention_months */
};

/*
 * rk_audit_verify_with - check the chain from its start (row 1, or the
 * last row a retention anchor pruned) to the recorded head; with a key,
 * every row's MAC by position and the stored key; with heads, every
 * logged head; with months, that no anchor pruned younger entries. Fills
 * *v; returns RK_OK when the check could run (v->ok says whether the trail
 * is intact, v->bad_id names the first entry that is not as written),
 * RK_ERR_INVALID for a malformed key, RK_ERR_IO for an unreadable heads
 * file.
 */
int rk_audit_verify_with(sqlite3 *db, const struct rk_audit_verify_opts *o,
                         struct rk_audit_verdict *v, struct rk_error *err);

/* rk_audit_verify - rk_audit_verify_with the key only (NULL: chain). */
int rk_audit_verify(sqlite3 *db, const char *key_text, struct rk_audit_verdict *v,
                    struct rk_error *err);

/*
 * A filter for listing; zero/NULL fields do not filter. A subject filter is
 * "who accessed customer X": a row names a customer as its subject exactly
 * when its action read, changed, searched, exported or otherwise processed
 * that customer's data (with the field groups it touched), so every such
 * row is listed and nothing else. Looks at the trail itself name the
 * customer in their target, not as their subject. The rows of a customer
 * merged into X (merge.h) are listed with X's: the person's data lived
 * under both numbers.
 */
struct rk_audit_filter {
        const char *user;
        const char *action; /* exact, or a prefix ending in '.' ("customer.") */
        int64_t subject;
        const char *from;  /* UTC "YYYY-MM-DD" or full timestamp, inclusive */
        const char *to;    /* exclusive */
        int64_t before_id; /* paging: rows with id < before_id; 0 = newest */
};

/* rk_audit_list - up to limit rows, newest first, into a malloc'd array. */
int rk_audit_list(sqlite3 *db, const struct rk_audit_filter *f, size_t limit,
                  struct rk_audit_row **rows, size_t *n, struct rk_error *err);

/*
 * rk_audit_prune - audit retention: delete rows older than `before`
 * (UTC date) and append the anchor row that records what went (up to
 * which row, its hash, the cutoff and the months kept), so the rest still
 * verifies. RK_ERR_INVALID, pruning nothing, when `before` is later than
 * `months` before now. *deleted gets the count.
 */
int rk_audit_prune(sqlite3 *db, const struct rk_audit_actor *actor, const char *before,
                   int64_t now, int64_t epoch_rows, int64_t months, int64_t *deleted,
                   struct rk_error *err);

/*
 * rk_audit_upgrade - convert a trail of the first form (one key per epoch)
 * to the position-keyed form, inside the caller's transaction (the store
 * calls it when it opens a register whose trail is in the first form): verify the
 * old rows under the old rules (chain only; K0 is not at hand), then
 * append the conversion row "audit.migrate" recording the outcome, the
 * old epoch, head and start, under a key seeded from the old current key,
 * which is erased. Nothing is deleted. No-op on a converted trail.
 */
int rk_audit_upgrade(sqlite3 *db, int64_t now, struct rk_error *err);

#endif
