/*
 * audit_chain.h - the audit trail's cryptography and stored state, shared
 * by appending (audit.c), verifying (audit_verify.c), head logging
 * (audit_heads.c) and the conversion of old trails (audit_migrate.c).
 * Internal to the core library; the design is explained in audit.c.
 */
#ifndef REKISTERI_AUDIT_CHAIN_H
#define REKISTERI_AUDIT_CHAIN_H

#include "rekisteri/audit.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define HB RK_AUDIT_HASH_BYTES

/* Row formats: 1 = epoch-keyed rows of the first release (kept only
 * before the conversion row), 2 = position-keyed rows. */
enum { AUDIT_V1 = 1, AUDIT_V2 = 2 };

/* audit_state, id 1. Nothing in it is trusted by the verifier: with K0 the
 * key must be the key of position head_id + 1, and head_* must be the
 * last row; logged_* only decide when the next head is due. */
struct chain_state {
        int64_t format;
        int64_t epoch; /* v1 only: the current epoch */
        unsigned char key[HB];
        int64_t rows_in_epoch; /* v1 only */
        int64_t head_id;
        unsigned char head_hash[HB];
        int64_t anchor_id; /* v1 only: the pruned-up-to row of v1 retention */
        unsigned char anchor_hash[HB];
        int64_t logged_id; /* the last head sent off the machine */
        int64_t logged_at; /* when, Unix time */
};

/* Where the position-keyed chain starts: its first row id and the v1
 * epoch whose key seeded it (0 for a register born with format 2). */
struct chain_origin {
        int64_t id;
        int64_t epoch;
};

/* The row hash: BLAKE2b-256 over a domain tag ("rk-audit-v1" or
 * "rk-audit-v2" by format), every field length-prefixed, and prev. */
void audit_row_hash(int format, const struct rk_audit_row *r, const unsigned char *prev,
                    unsigned char *out);

/* v1: MAC = BLAKE2b(key, hash); K(n+1) = BLAKE2b(K(n)). */
void audit_v1_mac(const unsigned char *key, const unsigned char *hash,
                  unsigned char *out);
void audit_v1_evolve(unsigned char *key);

/* v2: the key of the origin row, S = BLAKE2b(key = K_v1(epoch),
 * "rk-audit-v2 seed" || origin id || epoch); k(i+1) = BLAKE2b(key = k(i),
 * "rk-audit-v2 next"); MAC = BLAKE2b(key = k(i), "rk-audit-v2 mac" || i ||
 * hash). k0 is K(0); out receives S. */
void audit_v2_seed(const unsigned char *k0, const struct chain_origin *o,
                   unsigned char *out);
void audit_v2_seed_from(const unsigned char *k_epoch, const struct chain_origin *o,
                        unsigned char *out);
void audit_v2_evolve(unsigned char *key);
void audit_v2_mac(const unsigned char *key, int64_t id, const unsigned char *hash,
                  unsigned char *out);

/* Read and write audit_state. load fails with RK_ERR_CORRUPT when it is
 * missing or damaged. */
int audit_state_load(sqlite3 *db, struct chain_state *cs, struct rk_error *err);
int audit_state_save(sqlite3 *db, const struct chain_state *cs, int insert,
                     struct rk_error *err);

/* The rows the action index holds (its migration in migrate.c): every
 * action but the two that make up most of the trail, customer views and
 * search hits, which are audited on every read and so should cost their
 * transaction as few pages as possible. SQLite uses a partial index only
 * for a query whose WHERE contains this very term, so a query that looks
 * rows up by action adds it ("... AND " AUDIT_ACTION_INDEXED). */
#define AUDIT_ACTION_INDEXED "action NOT IN ('customer.view','customer.search')"

/* audit_action_indexed - whether rows of `action` are in the action index. */
bool audit_action_indexed(const char *action);

/* The columns read_row expects, and reading them (the 13 row columns
 * followed by prev_hash, hash, mac in a verify query). */
#define AUDIT_ROW_COLUMNS                                                                \
        "id,at,user,session,source,action,subject,groups,fields,screen,result,target,"   \
        "epoch"
void audit_read_row(sqlite3_stmt *st, struct rk_audit_row *r);
int audit_copy_blob(sqlite3_stmt *st, int col, unsigned char *out);

/* Insert a full row with its links. */
int audit_insert_row(sqlite3 *db, const struct rk_audit_row *r, const unsigned char *prev,
                     const unsigned char *hash, const unsigned char *mac,
                     struct rk_error *err);

/* audit_max_id - raise *id to the largest row id present. */
int audit_max_id(sqlite3 *db, int64_t *id, struct rk_error *err);

/* "2027-01-15T08:00:00Z" for Unix time now. out holds 21 bytes. */
void audit_format_time(int64_t now, char *out);

/* May a pruning at time `at` (UTC row text) delete the rows before
 * `before` (a date, the day after the last day pruned) under a retention
 * of `months`? As the retention rules count (rk_date_add_months of the last
 * day pruned must not be after the run's date), with one day's slack for
 * the run's local date being ahead of UTC. 1 yes, 0 no or malformed. */
int audit_cutoff_allowed(const char *before, const char *at, int64_t months);

/* Field text of the special rows ("k=v;k=v"): the value of key, or -1 /
 * "" when absent. */
int64_t audit_field_int(const char *fields, const char *key);
void audit_field_text(const char *fields, const char *key, char *out, size_t size);

/* The origin of the position-keyed chain as the trail records it: the
 * conversion row, else the newest anchor, else row 1 of a register born
 * with this format. For writing; the verifier checks what it finds. */
int audit_origin_find(sqlite3 *db, struct chain_origin *o, struct rk_error *err);

/* A chain head as logged off the machine. at is "" for old-style lines. */
struct audit_head {
        int64_t id;
        unsigned char hash[HB];
        char at[21];
        int64_t line;
};

/* audit_heads_read - the heads in the file at path (syslog lines or the
 * heads file), sorted by id, into a malloc'd array. Lines without a head
 * are skipped. RK_ERR_IO when the file cannot be read. */
int audit_heads_read(const char *path, struct audit_head **out, size_t *n,
                     struct rk_error *err);

/* Head logging (audit_heads.c): note that the head (id, hash, at) is due
 * and send it when the caller's transaction commits. */
void audit_heads_due(sqlite3 *db, int64_t id, const unsigned char *hash, const char *at);
/* audit_upgrade_if_old - rk_audit_upgrade in a transaction of its own
 * when db's trail is still in the first form; for the store, after the
 * schema migrations. path is for messages. */
int audit_upgrade_if_old(sqlite3 *db, const char *path, struct rk_error *err);

/* audit_heads_configure - where db's heads go and how often (cfg's
 * [audit] settings); audit_heads_forget when db is closed. */
struct rk_config;
void audit_heads_configure(sqlite3 *db, const struct rk_config *cfg);
void audit_heads_forget(sqlite3 *db);

/* audit_heads_flush - before db closes: send the committed head when rows
 * were written since the last head this connection or the state knows of,
 * so a session's last entries do not wait for the next writer. */
void audit_heads_flush(sqlite3 *db);

/* The configured interval in seconds for db (3600 when unconfigured). */
int64_t audit_heads_interval(sqlite3 *db);

#endif
