/*
 * sql_cache.c - prepared statements kept per connection, so that a path
 * run once per customer (the save: record, search row, audit row) parses
 * its SQL once per connection instead of once per call (see sql.h,
 * rk_sql_cached).
 *
 * How it works: a small table of connections that asked for a cache
 * (rk_sql_cache_open; the register's connection, store.c), each with up
 * to CACHE_STMTS statements. A statement is found by a hash of its SQL
 * text, then compared with sqlite3_sql(), so text built at run time
 * (record.c's column lists) is cached like a literal. A statement handed
 * out is marked in use until rk_sql_release resets it and clears its
 * bindings: a reset statement holds no read transaction and no lock, and
 * a nested call for the same text (in use) gets a statement of its own,
 * kept beside the first. When the table is full the least recently used
 * idle statement makes room; when every one is in use, the new one is
 * not kept and is finalized at its release. A connection without a cache (the slot
 * file, the ledger, a build's in-memory database) gets a new statement
 * every time, finalized at its release, exactly as rk_sql_prepare.
 *
 * The statements are finalized before the connection closes
 * (rk_sql_cache_close, from rk_store_close) and when an idle session
 * gives its memory back (rk_sql_cache_trim). Prepared with
 * sqlite3_prepare_v2, they are prepared again by SQLite itself after a
 * schema change (a migration, the search index rebuilt). The table is
 * shared by the threads of the process (search_build.c has a second
 * connection on a thread of its own): it is guarded by one mutex, held
 * while looking up and while a statement is reset or finalized, never
 * while one is prepared or stepped.
 */
#include "sql.h"

#include <pthread.h>
#include <string.h>

#define CACHE_CONNS 8
#define CACHE_STMTS 48

struct entry {
        sqlite3_stmt *st;
        uint64_t hash;
        uint64_t used; /* the tick of its last hand-out: the LRU order */
        bool busy;
};

struct conn_cache {
        sqlite3 *db;
        uint64_t tick;
        size_t n;
        struct entry e[CACHE_STMTS];
};

static struct conn_cache caches[CACHE_CONNS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* FNV-1a over the SQL text. */
static uint64_t text_hash(const char *sql)
{
        uint64_t h = 1469598103934665603ULL;
        for (const unsigned char *p = (const unsigned char *)sql; *p != '\0'; p++)
                h = (h ^ *p) * 1099511628211ULL;
        return h;
}

/* The cache of db, or NULL; called with mu held. */
static struct conn_cache *cache_of(const sqlite3 *db)
{
        for (int i = 0; db != NULL && i < CACHE_CONNS; i++)
                if (caches[i].db == db)
                        return &caches[i];
        return NULL;
}

void rk_sql_cache_open(sqlite3 *db)
{
        pthread_mutex_lock(&mu);
        struct conn_cache *c = cache_of(db);
        /* when every place is taken db gets none: its statements are
         * prepared and finalized as without a cache */
        for (int i = 0; c == NULL && i < CACHE_CONNS; i++) {
                if (caches[i].db == NULL) {
                        c = &caches[i];
                        memset(c, 0, sizeof(*c));
                        c->db = db;
                }
        }
        pthread_mutex_unlock(&mu);
}

/* Finalize the idle statements of c (all of them when all is true: the
 * connection is closing); called with mu held. */
static void drop(struct conn_cache *c, bool all)
{
        size_t kept = 0;
        for (size_t i = 0; i < c->n; i++) {
                if (all || !c->e[i].busy)
                        sqlite3_finalize(c->e[i].st);
                else
                        c->e[kept++] = c->e[i];
        }
        c->n = kept;
}

void rk_sql_cache_trim(sqlite3 *db)
{
        pthread_mutex_lock(&mu);
        struct conn_cache *c = cache_of(db);
        if (c != NULL)
                drop(c, false);
        pthread_mutex_unlock(&mu);
}

void rk_sql_cache_close(sqlite3 *db)
{
        pthread_mutex_lock(&mu);
        struct conn_cache *c = cache_of(db);
        if (c != NULL) {
                drop(c, true);
                memset(c, 0, sizeof(*c));
        }
        pthread_mutex_unlock(&mu);
}

/* An idle cached statement for sql, marked in use, or NULL; mu held. */
static sqlite3_stmt *take(struct conn_cache *c, const char *sql, uint64_t h)
{
        for (size_t i = 0; i < c->n; i++) {
                struct entry *e = &c->e[i];
                if (e->hash == h && !e->busy && strcmp(sqlite3_sql(e->st), sql) == 0) {
                        e->busy = true;
                        e->used = ++c->tick;
                        return e->st;
                }
        }
        return NULL;
}

/* Keep st (just prepared for text hash h) in c, in use; when c is full,
 * in place of its least recently used idle statement. false: not kept
 * (every one is in use), st stays the caller's. mu held. */
static bool keep(struct conn_cache *c, sqlite3_stmt *st, uint64_t h)
{
        struct entry *slot = NULL;
        if (c->n < CACHE_STMTS) {
                slot = &c->e[c->n++];
        } else {
                for (size_t i = 0; i < c->n; i++)
                        if (!c->e[i].busy && (slot == NULL || c->e[i].used < slot->used))
                                slot = &c->e[i];
                if (slot == NULL)
                        return false;
                sqlite3_finalize(slot->st);
        }
        *slot = (struct entry){.st = st, .hash = h, .used = ++c->tick, .busy = true};
        return true;
}

int rk_sql_cached(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what,
                  struct rk_error *err)
{
        uint64_t h = text_hash(sql);
        pthread_mutex_lock(&mu);
        struct conn_cache *c = cache_of(db);
        *st = c != NULL ? take(c, sql, h) : NULL;
        pthread_mutex_unlock(&mu);
        if (*st != NULL)
                return RK_OK;
        int rc = rk_sql_prepare(db, sql, st, what, err);
        if (rc != RK_OK || c == NULL)
                return rc;
        pthread_mutex_lock(&mu);
        if (cache_of(db) == c) /* not closed meanwhile by another thread */
                keep(c, *st, h);
        pthread_mutex_unlock(&mu);
        return RK_OK;
}

void rk_sql_release(sqlite3_stmt *st)
{
        if (st == NULL)
                return;
        pthread_mutex_lock(&mu);
        struct conn_cache *c = cache_of(sqlite3_db_handle(st));
        struct entry *e = NULL;
        for (size_t i = 0; c != NULL && e == NULL && i < c->n; i++)
                if (c->e[i].st == st)
                        e = &c->e[i];
        if (e != NULL) {
                /* reset before it is idle: no other caller may take it
                 * while it still holds a read or its bound values */
                sqlite3_reset(st);
                sqlite3_clear_bindings(st);
                e->busy = false;
        }
        pthread_mutex_unlock(&mu);
        if (e == NULL)
                sqlite3_finalize(st);
}
