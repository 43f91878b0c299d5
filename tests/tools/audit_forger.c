/*
 * audit_forger.c - TEST ONLY: an insider who holds the raw database key
 * (as `key dump-raw` gives it to a holder of the recovery key) and forges
 * the audit trail. Built only for the test suite (tests/meson.build),
 * never installed. It does not link the rekisteri core: like a real
 * attacker it reimplements the row hash and MACs from audit.c with
 * libsodium and writes the tables with SQLCipher.
 *
 * Usage: audit_forger DB RAWKEY COMMAND ARGS... [--k0 HEX] [--later N]
 *   downgrade K0 EPOCH_ROWS  rewrite the trail into the first form (one
 *                            key per epoch, audit_state format 1), as the
 *                            old code wrote it: old registers for tests
 *   old-verify [K0]          the first form's verifier, as it shipped
 *   alter ID USER SUBJECT    change a row's user and subject
 *   delete ID COUNT          delete rows, renumber the rest
 *   drop-subject SUBJECT     delete every session that viewed SUBJECT,
 *                            renumber from row 1
 *   truncate COUNT           delete the newest rows
 *   anchor ID                delete rows up to ID and point the state's
 *                            anchor at row ID (no retention row)
 *   append-anchor MONTHS     delete every row and append a retention
 *                            anchor, signed with the stored key, claiming
 *                            they were all older than MONTHS (position-
 *                            keyed form only: the limit the README states)
 * Every forgery then re-chains from the first row it changed and signs
 * the rows it rewrote with the keys it has: in the first form the stored
 * epoch key (relabelled to the current epoch, or with --later N to later
 * epochs of N rows evolved from it); in the position-keyed form the stored
 * key and its successors, or with --k0 the true key of each position. It
 * updates audit_state to match and prints "first changed: ID".
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HB    32
#define NTEXT 10 /* at user session source action groups fields screen result target */

struct row {
        int64_t id, subject, epoch;
        char *text[NTEXT];
        unsigned char prev[HB], hash[HB], mac[HB];
};

static sqlite3 *db;
static struct row *rows;
static size_t nrows;

/* Every string the program makes, freed at the end (rows move around). */
static char **strings;
static size_t nstrings, capstrings;

static char *keep(const char *s)
{
        if (nstrings == capstrings) {
                capstrings = capstrings ? 2 * capstrings : 1024;
                strings = realloc(strings, capstrings * sizeof(*strings));
        }
        return strings[nstrings++] = strdup(s);
}

static void free_all(void)
{
        for (size_t i = 0; i < nstrings; i++)
                free(strings[i]);
        free(strings);
        free(rows);
        sqlite3_close(db);
}

static void die(const char *what)
{
        fprintf(stderr, "audit_forger: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
        exit(2);
}

static void exec(const char *sql)
{
        char *msg = NULL;
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                fprintf(stderr, "audit_forger: %s: %s\n", sql, msg);
                exit(2);
        }
}

static void open_db(const char *path, const char *rawkey)
{
        char sql[200];
        if (sqlite3_open(path, &db) != SQLITE_OK)
                die("open");
        snprintf(sql, sizeof(sql), "PRAGMA key = \"%s\"; PRAGMA cipher_page_size = 4096;",
                 rawkey);
        exec(sql);
        exec("SELECT count(*) FROM sqlite_master");
}

/* ---- the attacker's copy of audit.c's hashing -------------------------- */

static void absorb(crypto_generichash_state *st, const void *p, size_t n)
{
        unsigned char len[4] = {(unsigned char)n, (unsigned char)(n >> 8),
                                (unsigned char)(n >> 16), (unsigned char)(n >> 24)};
        crypto_generichash_update(st, len, 4);
        crypto_generichash_update(st, p, n);
}

static void absorb_int(crypto_generichash_state *st, int64_t v)
{
        char b[24];
        snprintf(b, sizeof(b), "%lld", (long long)v);
        absorb(st, b, strlen(b));
}

static void row_hash(int format, const struct row *r, unsigned char *out)
{
        crypto_generichash_state st;
        const char *tag = format == 1 ? "rk-audit-v1" : "rk-audit-v2";
        crypto_generichash_init(&st, NULL, 0, HB);
        absorb(&st, tag, strlen(tag));
        absorb_int(&st, r->id);
        for (int i = 0; i < 5; i++) /* at user session source action */
                absorb(&st, r->text[i], strlen(r->text[i]));
        absorb_int(&st, r->subject);
        for (int i = 5; i < NTEXT; i++)
                absorb(&st, r->text[i], strlen(r->text[i]));
        absorb_int(&st, r->epoch);
        absorb(&st, r->prev, HB);
        crypto_generichash_final(&st, out, HB);
}

static void v1_evolve(unsigned char *k)
{
        crypto_generichash(k, HB, k, HB, NULL, 0);
}

static void put_u64(unsigned char *p, int64_t v)
{
        for (int i = 0; i < 8; i++)
                p[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

static void v2_evolve(unsigned char *k)
{
        static const char tag[] = "rk-audit-v2 next";
        unsigned char next[HB];
        crypto_generichash(next, HB, (const unsigned char *)tag, sizeof(tag) - 1, k, HB);
        memcpy(k, next, HB);
}

static void v2_mac(const unsigned char *k, int64_t id, const unsigned char *hash,
                   unsigned char *out)
{
        static const char tag[] = "rk-audit-v2 mac";
        unsigned char msg[sizeof(tag) + 8 + HB];
        memcpy(msg, tag, sizeof(tag));
        put_u64(msg + sizeof(tag), id);
        memcpy(msg + sizeof(tag) + 8, hash, HB);
        crypto_generichash(out, HB, msg, sizeof(msg), k, HB);
}

/* k(1) of a register born position-keyed: origin row 1, epoch 0. */
static void v2_seed(const unsigned char *k0, unsigned char *out)
{
        static const char tag[] = "rk-audit-v2 seed";
        unsigned char msg[sizeof(tag) + 16];
        memcpy(msg, tag, sizeof(tag));
        put_u64(msg + sizeof(tag), 1);
        put_u64(msg + sizeof(tag) + 8, 0);
        crypto_generichash(out, HB, msg, sizeof(msg), k0, HB);
}

static void hex_key(const char *hex, unsigned char *out)
{
        if (sodium_hex2bin(out, HB, hex, strlen(hex), NULL, NULL, NULL) != 0)
                die("key hex");
}

/* ---- the tables -------------------------------------------------------- */

static void blob(sqlite3_stmt *st, int col, unsigned char *out)
{
        memset(out, 0, HB);
        if (sqlite3_column_bytes(st, col) == HB)
                memcpy(out, sqlite3_column_blob(st, col), HB);
}

static void load_rows(void)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(
                db,
                "SELECT id,subject,epoch,prev_hash,hash,mac,at,user,session,"
                "source,action,groups,fields,screen,result,target FROM "
                "audit_log ORDER BY id",
                -1, &st, NULL) != SQLITE_OK)
                die("read rows");
        size_t cap = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
                if (nrows == cap) {
                        cap = cap ? 2 * cap : 256;
                        rows = realloc(rows, cap * sizeof(*rows));
                }
                struct row *r = &rows[nrows++];
                r->id = sqlite3_column_int64(st, 0);
                r->subject = sqlite3_column_int64(st, 1);
                r->epoch = sqlite3_column_int64(st, 2);
                blob(st, 3, r->prev);
                blob(st, 4, r->hash);
                blob(st, 5, r->mac);
                for (int i = 0; i < NTEXT; i++)
                        r->text[i] = keep((const char *)sqlite3_column_text(st, 6 + i));
        }
        sqlite3_finalize(st);
}

static void store_rows(void)
{
        sqlite3_stmt *st;
        exec("DELETE FROM audit_log");
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO audit_log(id,subject,epoch,prev_hash,hash,mac,at,"
                "user,session,source,action,groups,fields,screen,result,"
                "target) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                -1, &st, NULL) != SQLITE_OK)
                die("write rows");
        for (size_t i = 0; i < nrows; i++) {
                struct row *r = &rows[i];
                sqlite3_bind_int64(st, 1, r->id);
                sqlite3_bind_int64(st, 2, r->subject);
                sqlite3_bind_int64(st, 3, r->epoch);
                sqlite3_bind_blob(st, 4, r->prev, HB, SQLITE_STATIC);
                sqlite3_bind_blob(st, 5, r->hash, HB, SQLITE_STATIC);
                sqlite3_bind_blob(st, 6, r->mac, HB, SQLITE_STATIC);
                for (int t = 0; t < NTEXT; t++)
                        sqlite3_bind_text(st, 7 + t, r->text[t], -1, SQLITE_STATIC);
                if (sqlite3_step(st) != SQLITE_DONE)
                        die("insert row");
                sqlite3_reset(st);
        }
        sqlite3_finalize(st);
}

struct state {
        int format;
        int64_t epoch, rows_in_epoch, head_id, anchor_id;
        unsigned char key[HB], head_hash[HB], anchor_hash[HB];
};

static int has_format_column(void)
{
        sqlite3_stmt *st;
        int has = sqlite3_prepare_v2(db, "SELECT format FROM audit_state", -1, &st,
                                     NULL) == SQLITE_OK;
        sqlite3_finalize(st);
        return has;
}

static void load_state(struct state *s)
{
        sqlite3_stmt *st;
        memset(s, 0, sizeof(*s));
        s->format = 1;
        if (has_format_column()) {
                if (sqlite3_prepare_v2(db, "SELECT format FROM audit_state", -1, &st,
                                       NULL) != SQLITE_OK)
                        die("state");
                if (sqlite3_step(st) == SQLITE_ROW)
                        s->format = sqlite3_column_int(st, 0);
                sqlite3_finalize(st);
        }
        if (sqlite3_prepare_v2(
                db,
                "SELECT epoch,key,rows_in_epoch,head_id,head_hash,anchor_id,"
                "anchor_hash FROM audit_state WHERE id=1",
                -1, &st, NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW)
                die("state");
        s->epoch = sqlite3_column_int64(st, 0);
        blob(st, 1, s->key);
        s->rows_in_epoch = sqlite3_column_int64(st, 2);
        s->head_id = sqlite3_column_int64(st, 3);
        blob(st, 4, s->head_hash);
        s->anchor_id = sqlite3_column_int64(st, 5);
        blob(st, 6, s->anchor_hash);
        sqlite3_finalize(st);
}

static void save_state(const struct state *s)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(
                db,
                "UPDATE audit_state SET epoch=?,key=?,rows_in_epoch=?,"
                "head_id=?,head_hash=?,anchor_id=?,anchor_hash=? WHERE id=1",
                -1, &st, NULL) != SQLITE_OK)
                die("state");
        sqlite3_bind_int64(st, 1, s->epoch);
        sqlite3_bind_blob(st, 2, s->key, HB, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, s->rows_in_epoch);
        sqlite3_bind_int64(st, 4, s->head_id);
        sqlite3_bind_blob(st, 5, s->head_hash, HB, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, s->anchor_id);
        sqlite3_bind_blob(st, 7, s->anchor_hash, HB, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
                die("state");
        sqlite3_finalize(st);
}

/* ---- the old verifier, as it shipped (audit.c before issue 20) --------- */

static int old_verify(const char *k0hex)
{
        struct state s;
        unsigned char key[HB], prev[HB], hash[HB], want[HB];
        int64_t key_epoch = 0, next;
        load_state(&s);
        if (k0hex)
                hex_key(k0hex, key);
        next = s.anchor_id + 1;
        memcpy(prev, s.anchor_hash, HB);
        for (size_t i = 0; i < nrows; i++) {
                struct row *r = &rows[i];
                const char *why = NULL;
                if (r->id <= s.anchor_id)
                        continue;
                if (r->id > next)
                        why = "this entry is missing: it was deleted";
                else if (sodium_memcmp(r->prev, prev, HB) != 0)
                        why = "its link to the entry before it is broken";
                if (why == NULL) {
                        row_hash(1, r, hash);
                        if (sodium_memcmp(hash, r->hash, HB) != 0)
                                why = "its contents were altered";
                }
                if (why == NULL && k0hex) {
                        if (r->epoch < key_epoch)
                                why = "its epoch goes backwards";
                        for (; why == NULL && key_epoch < r->epoch; key_epoch++)
                                v1_evolve(key);
                        crypto_generichash(want, HB, hash, HB, key, HB);
                        if (why == NULL && sodium_memcmp(want, r->mac, HB) != 0)
                                why = "its MAC does not verify";
                }
                if (why != NULL) {
                        printf("old verify: FAILED at entry %lld: %s\n",
                               (long long)(r->id > next ? next : r->id), why);
                        return 1;
                }
                memcpy(prev, hash, HB);
                next = r->id + 1;
        }
        if (next - 1 != s.head_id || sodium_memcmp(prev, s.head_hash, HB) != 0) {
                printf("old verify: FAILED at entry %lld: the head\n", (long long)next);
                return 1;
        }
        printf("old verify: OK: %lld entries%s\n", (long long)(next - 1 - s.anchor_id),
               k0hex ? ", every MAC verified" : "");
        return 0;
}

/* ---- re-chaining and signing -------------------------------------------- */

struct signer {
        int format;
        int have_k0;
        unsigned char k0[HB];
        int64_t later; /* v1: relabel to later epochs of this many rows */
};

/* Re-chain rows[from..] and sign them; update the state to the new end. */
static void rechain(size_t from, const struct signer *g, struct state *s)
{
        unsigned char key[HB];
        int64_t label = s->epoch;
        memcpy(key, s->key, HB);
        for (size_t i = from; i < nrows; i++) {
                struct row *r = &rows[i];
                if (i > 0)
                        memcpy(r->prev, rows[i - 1].hash, HB);
                if (g->format == 1) {
                        int64_t want = g->later
                                           ? s->epoch + 1 + (int64_t)(i - from) / g->later
                                           : s->epoch;
                        for (; label < want; label++)
                                v1_evolve(key);
                        r->epoch = label;
                        row_hash(1, r, r->hash);
                        crypto_generichash(r->mac, HB, r->hash, HB, key, HB);
                } else if (g->have_k0) { /* the true key of this position */
                        v2_seed(g->k0, key);
                        for (int64_t p = 1; p < r->id; p++)
                                v2_evolve(key);
                        row_hash(2, r, r->hash);
                        v2_mac(key, r->id, r->hash, r->mac);
                        v2_evolve(key);
                } else { /* the stored key, then its successors */
                        row_hash(2, r, r->hash);
                        v2_mac(key, r->id, r->hash, r->mac);
                        v2_evolve(key);
                }
        }
        if (nrows > 0) {
                s->head_id = rows[nrows - 1].id;
                memcpy(s->head_hash, rows[nrows - 1].hash, HB);
        }
        if (g->format == 1) {
                s->rows_in_epoch = label == s->epoch ? s->rows_in_epoch : 0;
                s->epoch = label;
        }
        if (from < nrows)
                memcpy(s->key, key, HB);
        if (g->format == 2 && g->have_k0) { /* the key of the next position */
                v2_seed(g->k0, s->key);
                for (int64_t p = 1; p <= s->head_id; p++)
                        v2_evolve(s->key);
        }
}

/* Remove rows[i..i+n) and renumber what follows to close the gap. */
static void remove_rows(size_t i, size_t n)
{
        int64_t id = rows[i].id;
        memmove(&rows[i], &rows[i + n], (nrows - i - n) * sizeof(*rows));
        nrows -= n;
        for (size_t j = i; j < nrows; j++)
                rows[j].id = id++;
}

static size_t index_of(int64_t id)
{
        for (size_t i = 0; i < nrows; i++)
                if (rows[i].id == id)
                        return i;
        fprintf(stderr, "audit_forger: no row %lld\n", (long long)id);
        exit(2);
}

static int in_list(const char *s, char **list, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(s, list[i]) == 0)
                        return 1;
        return 0;
}

/* Every row of every session that viewed subject goes. */
static size_t drop_subject(int64_t subject)
{
        char *sessions[256];
        size_t ns = 0, from = nrows, out = 0;
        for (size_t i = 0; i < nrows && ns < 256; i++)
                if (rows[i].subject == subject && !in_list(rows[i].text[2], sessions, ns))
                        sessions[ns++] = rows[i].text[2];
        int64_t id = rows[0].id;
        for (size_t i = 0; i < nrows; i++) {
                if (in_list(rows[i].text[2], sessions, ns)) {
                        if (from == nrows)
                                from = out;
                        continue;
                }
                rows[out] = rows[i];
                rows[out++].id = id++;
        }
        nrows = out;
        return from;
}

/* Replace the whole trail by one anchor row at the next position, which
 * the stored key can sign: it claims every row was past its period. */
static void append_anchor(struct state *s, int64_t months)
{
        struct row a = rows[nrows - 1], *last = &rows[nrows - 1];
        char at[32], before[16], hex[2 * HB + 1], fields[256];
        time_t now = time(NULL), old = now - (time_t)(months * 31 + 2) * 86400;
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        strftime(before, sizeof(before), "%Y-%m-%d", gmtime(&old));
        sodium_bin2hex(hex, sizeof(hex), last->hash, HB);
        snprintf(fields, sizeof(fields),
                 "pruned_to=%lld;before=%s;months=%lld;hash=%s;origin=1;seed_epoch=0",
                 (long long)last->id, before, (long long)months, hex);
        const char *text[NTEXT] = {at,      "keyfile:retention", "0123456789abcdef",
                                   "local", "audit.retention",   "",
                                   fields,  "retention",         "ok",
                                   ""};
        a.id = last->id + 1;
        a.subject = 0;
        for (int i = 0; i < NTEXT; i++)
                a.text[i] = keep(text[i]);
        memcpy(a.prev, last->hash, HB);
        row_hash(2, &a, a.hash);
        v2_mac(s->key, a.id, a.hash, a.mac);
        v2_evolve(s->key);
        rows[0] = a;
        nrows = 1;
        s->head_id = a.id;
        memcpy(s->head_hash, a.hash, HB);
}

/* ---- the first form, for old registers ----------------------------------- */

static void downgrade(const char *k0hex, int64_t epoch_rows)
{
        struct state s;
        unsigned char key[HB];
        load_state(&s);
        hex_key(k0hex, key);
        memset(s.anchor_hash, 0, HB);
        s.anchor_id = 0;
        s.epoch = 0;
        for (size_t i = 0; i < nrows; i++) {
                struct row *r = &rows[i];
                r->epoch = (int64_t)i / epoch_rows;
                for (; s.epoch < r->epoch; s.epoch++)
                        v1_evolve(key);
                if (i == 0)
                        memset(r->prev, 0, HB);
                else
                        memcpy(r->prev, rows[i - 1].hash, HB);
                row_hash(1, r, r->hash);
                crypto_generichash(r->mac, HB, r->hash, HB, key, HB);
        }
        s.rows_in_epoch = (int64_t)nrows - s.epoch * epoch_rows;
        s.head_id = nrows ? rows[nrows - 1].id : 0;
        memcpy(s.head_hash, nrows ? rows[nrows - 1].hash : s.anchor_hash, HB);
        memcpy(s.key, key, HB);
        store_rows();
        save_state(&s);
        exec("UPDATE audit_state SET format=1"); /* as before the conversion */
}

int main(int argc, char **argv)
{
        struct signer g = {0};
        struct state s;
        size_t from = 0;
        if (argc < 4 || sodium_init() < 0) {
                fprintf(stderr, "usage: audit_forger DB RAWKEY COMMAND ARGS...\n");
                return 2;
        }
        for (int i = 4; i + 1 < argc; i++) {
                if (strcmp(argv[i], "--k0") == 0)
                        g.have_k0 = 1, hex_key(argv[i + 1], g.k0);
                if (strcmp(argv[i], "--later") == 0)
                        g.later = atoll(argv[i + 1]);
        }
        open_db(argv[1], argv[2]);
        exec("BEGIN");
        load_rows();
        const char *cmd = argv[3];
        if (strcmp(cmd, "old-verify") == 0) {
                int rc = old_verify(argc > 4 ? argv[4] : NULL);
                exec("COMMIT");
                free_all();
                return rc;
        }
        if (strcmp(cmd, "downgrade") == 0 && argc > 5) {
                downgrade(argv[4], atoll(argv[5]));
                exec("COMMIT");
                free_all();
                return 0;
        }
        load_state(&s);
        g.format = s.format;
        if (strcmp(cmd, "alter") == 0 && argc > 6) {
                from = index_of(atoll(argv[4]));
                rows[from].text[1] = keep(argv[5]);
                rows[from].subject = atoll(argv[6]);
        } else if (strcmp(cmd, "delete") == 0 && argc > 5) {
                from = index_of(atoll(argv[4]));
                remove_rows(from, (size_t)atoll(argv[5]));
        } else if (strcmp(cmd, "drop-subject") == 0 && argc > 4) {
                from = drop_subject(atoll(argv[4]));
        } else if (strcmp(cmd, "truncate") == 0 && argc > 4) {
                nrows -= (size_t)atoll(argv[4]);
                from = nrows;
        } else if (strcmp(cmd, "anchor") == 0 && argc > 4) {
                size_t i = index_of(atoll(argv[4]));
                s.anchor_id = rows[i].id;
                memcpy(s.anchor_hash, rows[i].hash, HB);
                memmove(rows, &rows[i + 1], (nrows - i - 1) * sizeof(*rows));
                nrows -= i + 1;
                from = nrows; /* nothing re-signed */
        } else if (strcmp(cmd, "append-anchor") == 0 && argc > 4 && s.format == 2) {
                append_anchor(&s, atoll(argv[4]));
                printf("first changed: 1\n");
                store_rows();
                save_state(&s);
                exec("COMMIT");
                free_all();
                return 0;
        } else {
                fprintf(stderr, "audit_forger: unknown command or arguments: %s\n", cmd);
                return 2;
        }
        printf("first changed: %lld\n",
               (long long)(from < nrows ? rows[from].id
                                        : (nrows ? rows[nrows - 1].id + 1 : 1)));
        rechain(from, &g, &s);
        store_rows();
        save_state(&s);
        exec("COMMIT");
        free_all();
        return 0;
}
