/*
 * test_sql_cache.c - statements kept per connection (sql.h,
 * rk_sql_cached), and what they are for: a customer's save does the same
 * work on a register of 50 customers as on one of 3,000.
 *
 * What must hold: the second use of the same SQL gets the statement
 * parsed the first time; a statement given back holds no read, no row and
 * no bound value; a nested use of the same SQL gets a statement of its
 * own (kept too, for the next nesting); a connection without a cache keeps
 * nothing; the cache stays bounded however many texts pass through it,
 * gives back its idle statements on a trim and all of them before the
 * connection closes (SQLite refuses to close a connection that still has
 * statements). On a real register, one save of a customer (its record,
 * its search row, its audit row) runs the same number of SQLite VM steps
 * whatever the number of customers: a statement that walked an index
 * from its start (it found "is any customer merged?" by stepping over
 * every customer that is not) made every save, and an import of 100,000
 * customers, slower with each customer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/customer.h"
#include "rekisteri/register.h"
#include "sql.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

/* The statements db has prepared and not finalized. */
static int live_statements(sqlite3 *db)
{
        int n = 0;
        for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st != NULL;
             st = sqlite3_next_stmt(db, st))
                n++;
        return n;
}

static sqlite3 *open_file(bool cached)
{
        sqlite3 *db = NULL;
        tu_tmpdir();
        assert_int_equal(sqlite3_open(tu_path("c.db"), &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "PRAGMA journal_mode=WAL;"
                                      "CREATE TABLE t(x INTEGER PRIMARY KEY, v TEXT);"
                                      "INSERT INTO t VALUES(1, 'a'), (2, 'b');",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        if (cached)
                rk_sql_cache_open(db);
        return db;
}

static void close_file(sqlite3 *db)
{
        rk_sql_cache_close(db);
        /* sqlite3_close (not _v2) refuses while any statement is left */
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
        tu_rmdir();
}

static void second_use_gets_the_same_statement(void **state)
{
        (void)state;
        struct rk_error err;
        sqlite3 *db = open_file(true);
        sqlite3_stmt *a, *b;
        tu_must(rk_sql_cached(db, "SELECT v FROM t WHERE x=?", &a, "t", &err), &err);
        sqlite3_bind_int(a, 1, 2);
        assert_int_equal(sqlite3_step(a), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(a, 0), "b");
        rk_sql_release(a);
        tu_must(rk_sql_cached(db, "SELECT v FROM t WHERE x=?", &b, "t", &err), &err);
        assert_ptr_equal(a, b);
        assert_int_equal(live_statements(db), 1);
        /* given back: not running, and the value bound before is gone */
        assert_false(sqlite3_stmt_busy(b));
        assert_int_equal(sqlite3_step(b), SQLITE_DONE); /* x=NULL matches nothing */
        rk_sql_release(b);
        close_file(db);
}

static void a_released_statement_holds_no_read(void **state)
{
        (void)state;
        struct rk_error err;
        sqlite3 *db = open_file(true), *other = NULL;
        sqlite3_stmt *st;
        tu_must(rk_sql_cached(db, "SELECT v FROM t ORDER BY x", &st, "t", &err), &err);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW); /* stopped on the first row */
        rk_sql_release(st);
        /* a read left open would keep the log from being checkpointed to its
         * end: another connection writes, then truncates the log */
        assert_int_equal(sqlite3_open(tu_path("c.db"), &other), SQLITE_OK);
        assert_int_equal(
            sqlite3_exec(other, "INSERT INTO t VALUES(3, 'c')", NULL, NULL, NULL),
            SQLITE_OK);
        int log = -1, done = -1;
        assert_int_equal(sqlite3_wal_checkpoint_v2(
                             other, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done),
                         SQLITE_OK);
        assert_int_equal(log, 0);
        assert_int_equal(sqlite3_close(other), SQLITE_OK);
        /* and the cached statement sees the new row */
        tu_must(rk_sql_cached(db, "SELECT count(*) FROM t", &st, "t", &err), &err);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 3);
        rk_sql_release(st);
        close_file(db);
}

static void nested_use_gets_its_own_statement(void **state)
{
        (void)state;
        struct rk_error err;
        sqlite3 *db = open_file(true);
        sqlite3_stmt *outer, *inner;
        tu_must(rk_sql_cached(db, "SELECT x FROM t ORDER BY x", &outer, "t", &err), &err);
        assert_int_equal(sqlite3_step(outer), SQLITE_ROW);
        tu_must(rk_sql_cached(db, "SELECT x FROM t ORDER BY x", &inner, "t", &err), &err);
        assert_ptr_not_equal(outer, inner);
        /* each reads on its own: the inner one starts from the first row */
        assert_int_equal(sqlite3_step(inner), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(inner, 0), 1);
        assert_int_equal(sqlite3_step(outer), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(outer, 0), 2);
        assert_int_equal(live_statements(db), 2);
        rk_sql_release(inner);
        rk_sql_release(outer);
        /* both kept: the same nesting next time parses nothing */
        sqlite3_stmt *again[2];
        tu_must(rk_sql_cached(db, "SELECT x FROM t ORDER BY x", &again[0], "t", &err),
                &err);
        tu_must(rk_sql_cached(db, "SELECT x FROM t ORDER BY x", &again[1], "t", &err),
                &err);
        assert_true((again[0] == outer && again[1] == inner) ||
                    (again[0] == inner && again[1] == outer));
        assert_int_equal(live_statements(db), 2);
        rk_sql_release(again[0]);
        rk_sql_release(again[1]);
        close_file(db);
}

static void without_a_cache_nothing_is_kept(void **state)
{
        (void)state;
        struct rk_error err;
        sqlite3 *db = open_file(false);
        sqlite3_stmt *st;
        tu_must(rk_sql_cached(db, "SELECT v FROM t WHERE x=1", &st, "t", &err), &err);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        rk_sql_release(st);
        assert_int_equal(live_statements(db), 0);
        close_file(db);
}

static void the_cache_is_bounded_and_trimmed(void **state)
{
        (void)state;
        struct rk_error err;
        sqlite3 *db = open_file(true);
        char sql[64];
        sqlite3_stmt *held;
        tu_must(rk_sql_cached(db, "SELECT 'held'", &held, "t", &err), &err);
        for (int i = 0; i < 500; i++) {
                sqlite3_stmt *st;
                snprintf(sql, sizeof(sql), "SELECT %d + x FROM t WHERE x=1", i);
                tu_must(rk_sql_cached(db, sql, &st, "t", &err), &err);
                assert_int_equal(sqlite3_step(st), SQLITE_ROW);
                assert_int_equal(sqlite3_column_int(st, 0), i + 1);
                rk_sql_release(st);
        }
        int kept = live_statements(db);
        assert_true(kept > 1 && kept <= 64);
        /* the one in use survives every eviction and the trim */
        rk_sql_cache_trim(db);
        assert_int_equal(live_statements(db), 1);
        assert_int_equal(sqlite3_step(held), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(held, 0), "held");
        rk_sql_release(held);
        assert_int_equal(live_statements(db), 1);
        close_file(db); /* finalizes it: the close would fail otherwise */
}

/* ---- a customer's save on a small and on a large register -------------- */

/* Reset (reset true) or sum the VM steps of every statement db holds: the
 * save path's statements stay prepared in the cache between saves. */
static long long vm_steps(sqlite3 *db, bool reset)
{
        long long n = 0;
        for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st != NULL;
             st = sqlite3_next_stmt(db, st))
                n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, reset);
        return n;
}

/* The VM steps of one save of customer id (its name changed). */
static long long save_steps(struct rk_session *s, int64_t id, const char *name)
{
        struct rk_error err;
        struct rk_customer_view v;
        sqlite3 *db = rk_register_db(rk_session_register(s));
        tu_must(rk_customer_load(s, id, RK_GROUPS_ALL, &v, &err), &err);
        int64_t version = v.version;
        rk_customer_view_clear(&v);
        const struct rk_edit e[] = {{"name", name}};
        vm_steps(db, true);
        tu_must(rk_customer_update(s, id, version, e, 1, NULL, &err), &err);
        return vm_steps(db, false);
}

static void a_save_does_not_grow_with_the_register(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        struct rk_session *s;
        const char *users[] = {"sirpa"}, *roles[] = {"supervisor"};
        tu_fast_config(&cfg);
        tu_tmpdir();
        tu_team(&cfg, tu_path("r.db"), users, roles, 1, &s);
        int64_t id = 0;
        char name[32];
        for (int i = 0; i < 50; i++) {
                snprintf(name, sizeof(name), "Asiakas %d", i);
                const struct rk_edit e[] = {{"name", name}};
                tu_must(rk_customer_create(s, e, 1, i == 0 ? &id : NULL, NULL, &err),
                        &err);
        }
        save_steps(s, id, "Ensimmäinen"); /* the cache filled */
        long long small = save_steps(s, id, "Toinen");
        sqlite3 *db = rk_register_db(rk_session_register(s));
        assert_int_equal(
            sqlite3_exec(db,
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n"
                         " WHERE i<2950) INSERT INTO customers(number, kind, name,"
                         " created_at, updated_at) SELECT printf('C%06d', 1000+i),"
                         " 'person', 'Muu ' || i, 0, 0 FROM n",
                         NULL, NULL, NULL),
            SQLITE_OK);
        assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM customers"), 3000);
        long long large = save_steps(s, id, "Kolmas");
        print_message("VM steps of one save: %lld with 50 customers, %lld with 3000\n",
                      small, large);
        assert_true(small > 0);
        /* an index probe grows with log n; a walk over every customer adds
         * thousands of steps */
        assert_true(large < small + small / 4);
        tu_team_close(&s, 1);
        tu_rmdir();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(second_use_gets_the_same_statement),
            cmocka_unit_test(a_released_statement_holds_no_read),
            cmocka_unit_test(nested_use_gets_its_own_statement),
            cmocka_unit_test(without_a_cache_nothing_is_kept),
            cmocka_unit_test(the_cache_is_bounded_and_trimmed),
            cmocka_unit_test(a_save_does_not_grow_with_the_register),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
