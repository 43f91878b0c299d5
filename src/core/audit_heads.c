/*
 * audit_heads.c - sending the audit chain's head off the machine, and
 * reading the heads back for `audit verify --heads` (see audit_chain.h).
 *
 * A head is "audit head: id=N hash=HEX at=TIME": the id, hash and time of
 * a row. It goes to syslog (LOG_AUTHPRIV, so a remote syslog server keeps
 * it), or appended to `[audit] heads_file`, or on the standard input of
 * `[audit] heads_command`. Appending decides that a head is due (every
 * epoch_rows rows, or head_interval minutes after the last) inside the
 * caller's transaction; the head is only sent when that transaction
 * commits (an SQLite commit hook), and dropped when it rolls back, so no
 * head ever names a row that was not kept. When the store closes a
 * connection that wrote rows since the last head, the committed head is
 * sent as well, so a session's last entries do not wait for the next
 * writer. The settings and the pending
 * head live in a small table keyed by connection, filled by the store
 * when it opens a database.
 */
#include "audit_chain.h"
#include "rekisteri/config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 16

struct heads_slot {
        sqlite3 *db;
        int64_t interval; /* seconds */
        char file[PATH_MAX];
        char command[RK_CONFIG_STR_MAX];
        int pending;
        int64_t pending_id;
        int64_t sent_id; /* the last head sent through this connection */
        char line[160];
};

static struct heads_slot slots[SLOTS];

static struct heads_slot *slot_of(sqlite3 *db)
{
        for (int i = 0; i < SLOTS; i++)
                if (slots[i].db == db)
                        return &slots[i];
        return NULL;
}

void audit_heads_configure(sqlite3 *db, const struct rk_config *cfg)
{
        struct heads_slot *s = slot_of(db);
        if (s == NULL)
                s = slot_of(NULL);
        if (s == NULL)
                s = &slots[0]; /* more open registers than slots: reuse */
        memset(s, 0, sizeof(*s));
        s->db = db;
        s->interval = cfg->audit_head_interval * 60;
        snprintf(s->file, sizeof(s->file), "%s", cfg->audit_heads_file);
        snprintf(s->command, sizeof(s->command), "%s", cfg->audit_heads_command);
}

void audit_heads_forget(sqlite3 *db)
{
        struct heads_slot *s = slot_of(db);
        if (s != NULL)
                memset(s, 0, sizeof(*s));
}

int64_t audit_heads_interval(sqlite3 *db)
{
        struct heads_slot *s = slot_of(db);
        return s != NULL && s->interval > 0 ? s->interval : 3600;
}

/* ---- sending ----------------------------------------------------------- */

static void to_syslog(const char *line, const char *problem)
{
        openlog("rekisteri", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
        if (problem != NULL)
                syslog(LOG_WARNING, "audit heads: %s; sending to syslog instead",
                       problem);
        syslog(LOG_NOTICE, "%s", line);
        closelog();
}

static int to_file(const char *path, const char *line)
{
        char at[21], out[200];
        audit_format_time((int64_t)time(NULL), at);
        int n = snprintf(out, sizeof(out), "%s rekisteri %s\n", at, line);
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0)
                return -1;
        int bad = write(fd, out, (size_t)n) != n || fsync(fd) != 0;
        return close(fd) != 0 || bad ? -1 : 0;
}

static int to_command(const char *command, const char *line)
{
        FILE *p = popen(command, "w");
        if (p == NULL)
                return -1;
        int bad = fprintf(p, "%s\n", line) < 0;
        return pclose(p) != 0 || bad ? -1 : 0;
}

static void send_line(const struct heads_slot *s, const char *line)
{
        char problem[PATH_MAX + 64];
        if (s->file[0] != '\0' && to_file(s->file, line) != 0) {
                snprintf(problem, sizeof(problem), "%s: %s", s->file, strerror(errno));
                to_syslog(line, problem);
        } else if (s->command[0] != '\0' && to_command(s->command, line) != 0) {
                to_syslog(line, "the heads command failed");
        } else if (s->file[0] == '\0' && s->command[0] == '\0') {
                to_syslog(line, NULL);
        }
}

static int on_commit(void *ctx)
{
        struct heads_slot *s = ctx;
        if (s->pending) {
                send_line(s, s->line);
                s->sent_id = s->pending_id;
        }
        s->pending = 0;
        return 0; /* never veto the commit */
}

static void on_rollback(void *ctx)
{
        struct heads_slot *s = ctx;
        s->pending = 0;
}

void audit_heads_due(sqlite3 *db, int64_t id, const unsigned char *hash, const char *at)
{
        char hex[2 * HB + 1];
        struct heads_slot *s = slot_of(db);
        if (s == NULL) { /* a connection the store did not open: defaults */
                struct rk_config cfg;
                rk_config_defaults(&cfg);
                audit_heads_configure(db, &cfg);
                s = slot_of(db);
        }
        sodium_bin2hex(hex, sizeof(hex), hash, HB);
        snprintf(s->line, sizeof(s->line), "audit head: id=%" PRId64 " hash=%s at=%s", id,
                 hex, at);
        s->pending = 1;
        s->pending_id = id;
        sqlite3_commit_hook(db, on_commit, s);
        sqlite3_rollback_hook(db, on_rollback, s);
        if (sqlite3_get_autocommit(db)) /* no transaction open: it is written */
                on_commit(s);
}

void audit_heads_flush(sqlite3 *db)
{
        struct chain_state cs;
        struct rk_error err;
        struct heads_slot *s = slot_of(db);
        sqlite3_stmt *st = NULL;
        if (s == NULL || !sqlite3_get_autocommit(db) ||
            audit_state_load(db, &cs, &err) != RK_OK || cs.format != AUDIT_V2 ||
            cs.head_id <= cs.logged_id || cs.head_id <= s->sent_id)
                goto out;
        if (sqlite3_prepare_v2(db, "SELECT at,hash FROM audit_log WHERE id=?", -1, &st,
                               NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(st, 1, cs.head_id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == HB &&
            sqlite3_column_text(st, 0) != NULL)
                audit_heads_due(db, cs.head_id, sqlite3_column_blob(st, 1),
                                (const char *)sqlite3_column_text(st, 0));
out:
        sqlite3_finalize(st);
        sodium_memzero(&cs, sizeof(cs));
}

/* ---- reading ----------------------------------------------------------- */

/* "id=N hash=HEX [at=TIME]" after "audit head:" or "audit chain head:". */
static int parse_line(const char *line, struct audit_head *h)
{
        const char *p = strstr(line, "audit head: ");
        if (p == NULL)
                p = strstr(line, "audit chain head: ");
        const char *id = p ? strstr(p, " id=") : NULL;
        const char *hash = p ? strstr(p, " hash=") : NULL;
        const char *at = p ? strstr(p, " at=") : NULL;
        char hex[2 * HB + 1];
        long long v;
        memset(h, 0, sizeof(*h));
        if (id == NULL || hash == NULL || sscanf(id, " id=%lld", &v) != 1 || v < 1 ||
            sscanf(hash, " hash=%64[0-9a-f]", hex) != 1 || strlen(hex) != 2 * HB)
                return -1;
        h->id = v;
        sodium_hex2bin(h->hash, HB, hex, 2 * HB, NULL, NULL, NULL);
        if (at != NULL && sscanf(at, " at=%20[0-9TZ:-]", h->at) != 1)
                h->at[0] = '\0';
        return 0;
}

static int by_id(const void *a, const void *b)
{
        const struct audit_head *x = a, *y = b;
        return (x->id > y->id) - (x->id < y->id);
}

int audit_heads_read(const char *path, struct audit_head **out, size_t *n,
                     struct rk_error *err)
{
        FILE *f = fopen(path, "re");
        char line[1024];
        size_t cap = 0;
        int64_t lineno = 0;
        *out = NULL;
        *n = 0;
        if (f == NULL)
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        int rc = RK_OK;
        while (rc == RK_OK && fgets(line, sizeof(line), f) != NULL) {
                struct audit_head h;
                lineno++;
                if (parse_line(line, &h) != 0)
                        continue;
                h.line = lineno;
                if (*n == cap) {
                        cap = cap ? 2 * cap : 64;
                        struct audit_head *g = realloc(*out, cap * sizeof(**out));
                        if (g == NULL) {
                                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
                                break;
                        }
                        *out = g;
                }
                (*out)[(*n)++] = h;
        }
        /* fgets takes a read error for the end: a list cut short is not
         * the whole list */
        if (rc == RK_OK && ferror(f))
                rc = rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(errno));
        fclose(f);
        if (rc == RK_OK && *n > 0)
                qsort(*out, *n, sizeof(**out), by_id);
        return rc;
}
