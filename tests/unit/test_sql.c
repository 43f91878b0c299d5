/*
 * test_sql.c - the one way rows are read (sql.h): rk_sql_row and
 * rk_sql_collect.
 *
 * A statement over a 100-row table calls fail_at(x, n, code), a test SQL
 * function that raises SQLite error `code` when x reaches n, so a read can
 * stop halfway exactly as an I/O error, a busy lock or a corrupt page
 * would stop it. What must hold: a read that stops early is an error
 * naming what could not be read (never a short result that looks whole),
 * the error's kind follows the cause, rows read before it are kept for
 * the caller to free, a limit is not an error, and the array grows
 * geometrically.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sql.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void fail_at(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
        (void)argc;
        if (sqlite3_value_int64(argv[0]) >= sqlite3_value_int64(argv[1]))
                sqlite3_result_error_code(ctx, sqlite3_value_int(argv[2]));
        else
                sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
}

static sqlite3 *open_db(void)
{
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
        assert_int_equal(sqlite3_create_function(db, "fail_at", 3, SQLITE_UTF8, NULL,
                                                 fail_at, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(
            sqlite3_exec(db,
                         "CREATE TABLE t(x INTEGER PRIMARY KEY);"
                         "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT "
                         "i+1 FROM c WHERE i<100) INSERT INTO t SELECT i FROM c;",
                         NULL, NULL, NULL),
            SQLITE_OK);
        return db;
}

/* x for every row; the read fails with `code` from row n on. */
static sqlite3_stmt *select_failing(sqlite3 *db, int n, int code)
{
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT fail_at(x, ?1, ?2) FROM t ORDER BY x",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int(st, 1, n);
        sqlite3_bind_int(st, 2, code);
        return st;
}

static int fill_x(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        (void)err;
        int64_t x = sqlite3_column_int64(st, 0);
        if (ctx != NULL && x % 2 == 0)
                return RK_SQL_SKIP;
        *(int64_t *)item = x;
        return RK_OK;
}

static void collect_reads_every_row_growing_geometrically(void **state)
{
        (void)state;
        sqlite3 *db = open_db();
        sqlite3_stmt *st = select_failing(db, 1000, SQLITE_IOERR);
        struct rk_sql_array a = {0};
        struct rk_error err;
        rk_error_clear(&err);
        assert_int_equal(
            rk_sql_collect(st, sizeof(int64_t), 0, fill_x, NULL, &a, "reading t", &err),
            RK_OK);
        assert_int_equal(a.n, 100);
        int64_t *v = a.v;
        assert_int_equal(v[0], 1);
        assert_int_equal(v[99], 100);
        /* doubling from 16: 16, 32, 64, 128 */
        assert_int_equal(a.cap, 128);
        free(a.v);
        sqlite3_finalize(st);
        sqlite3_close(db);
}

/* A read stopped at row 50 by code must come back as want, naming t. */
static void check_stop(int code, int want)
{
        sqlite3 *db = open_db();
        sqlite3_stmt *st = select_failing(db, 50, code);
        struct rk_sql_array a = {0};
        struct rk_error err;
        rk_error_clear(&err);
        int rc = rk_sql_collect(st, sizeof(int64_t), 0, fill_x, NULL, &a,
                                "reading the test table", &err);
        assert_int_equal(rc, want);
        assert_int_equal(err.rc, want);
        assert_non_null(strstr(err.msg, "reading the test table"));
        /* the 49 rows read before the failure are kept for the caller */
        assert_int_equal(a.n, 49);
        free(a.v);
        sqlite3_finalize(st);
        sqlite3_close(db);
}

static void collect_reports_a_read_that_stops_early(void **state)
{
        (void)state;
        check_stop(SQLITE_IOERR, RK_ERR_IO);
        check_stop(SQLITE_CORRUPT, RK_ERR_CORRUPT);
        check_stop(SQLITE_BUSY, RK_ERR_BUSY);
        check_stop(SQLITE_FULL, RK_ERR_FULL);
}

static void collect_limit_and_skip(void **state)
{
        (void)state;
        sqlite3 *db = open_db();
        struct rk_error err;
        rk_error_clear(&err);
        /* a limit is reached before the failing row: not an error */
        sqlite3_stmt *st = select_failing(db, 50, SQLITE_IOERR);
        struct rk_sql_array a = {0};
        assert_int_equal(
            rk_sql_collect(st, sizeof(int64_t), 10, fill_x, NULL, &a, "reading t", &err),
            RK_OK);
        assert_int_equal(a.n, 10);
        free(a.v);
        sqlite3_finalize(st);
        /* skipped rows are dropped; odd x only */
        st = select_failing(db, 1000, SQLITE_IOERR);
        memset(&a, 0, sizeof(a));
        assert_int_equal(
            rk_sql_collect(st, sizeof(int64_t), 0, fill_x, &a, &a, "reading t", &err),
            RK_OK);
        assert_int_equal(a.n, 50);
        assert_int_equal(((int64_t *)a.v)[49], 99);
        free(a.v);
        sqlite3_finalize(st);
        sqlite3_close(db);
}

static void row_loop_ends_in_the_error(void **state)
{
        (void)state;
        sqlite3 *db = open_db();
        sqlite3_stmt *st = select_failing(db, 7, SQLITE_IOERR);
        struct rk_error err;
        rk_error_clear(&err);
        int rc = RK_OK, rows = 0;
        bool row = false;
        while (rc == RK_OK && (rc = rk_sql_row(st, &row, "reading t", &err)) == RK_OK &&
               row)
                rows++;
        assert_int_equal(rows, 6);
        assert_int_equal(rc, RK_ERR_IO);
        assert_false(row);
        assert_non_null(strstr(err.msg, "reading t"));
        sqlite3_finalize(st);
        sqlite3_close(db);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(collect_reads_every_row_growing_geometrically),
            cmocka_unit_test(collect_reports_a_read_that_stops_early),
            cmocka_unit_test(collect_limit_and_skip),
            cmocka_unit_test(row_loop_ends_in_the_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
