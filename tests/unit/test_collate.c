/*
 * test_collate.c - names in each language's order (collate.h): Finnish and
 * Swedish put å, ä and ö after z, English sorts them with a and o; the
 * SQLite collation sorts a query's rows the same way, and follows the
 * language switched to (as a report in the person's language does).
 */
#include "rekisteri/collate.h"
#include "rekisteri/i18n.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *const names[] = {"Östman", "zetterberg", "Åberg",    "Ärölä",
                                    "Aalto",  "Oja",        "ääkkönen", "Zetterberg",
                                    "Öberg",  "Ahonen"};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

static int by_collation(const void *a, const void *b)
{
        return rk_collate_compare(*(const char *const *)a, -1, *(const char *const *)b,
                                  -1);
}

/* The names sorted in lang, joined with spaces into out. */
static const char *sorted(const char *lang, char *out, size_t size)
{
        const char *v[N_NAMES];
        memcpy(v, names, sizeof(v));
        assert_int_equal(rk_i18n_use(lang), 0);
        qsort(v, N_NAMES, sizeof(v[0]), by_collation);
        out[0] = '\0';
        for (size_t i = 0; i < N_NAMES; i++) {
                size_t len = strlen(out);
                snprintf(out + len, size - len, "%s%s", i ? " " : "", v[i]);
        }
        return out;
}

static void test_finnish_and_swedish_after_z(void **state)
{
        (void)state;
        char out[256];
        /* case only breaks ties: zetterberg before Zetterberg */
        assert_string_equal(sorted("fi", out, sizeof(out)),
                            "Aalto Ahonen Oja zetterberg Zetterberg Åberg Ärölä ääkkönen "
                            "Öberg Östman");
        assert_string_equal(sorted("sv", out, sizeof(out)),
                            "Aalto Ahonen Oja zetterberg Zetterberg Åberg Ärölä ääkkönen "
                            "Öberg Östman");
}

static void test_english_with_a_and_o(void **state)
{
        (void)state;
        char out[256];
        assert_string_equal(
            sorted("en", out, sizeof(out)),
            "ääkkönen Aalto Åberg Ahonen Ärölä Öberg Oja Östman zetterberg "
            "Zetterberg");
}

static void test_equal_only_when_identical(void **state)
{
        (void)state;
        assert_int_equal(rk_i18n_use("fi"), 0);
        assert_int_equal(rk_collate_compare("Ääkkönen", -1, "Ääkkönen", -1), 0);
        assert_true(rk_collate_compare("Aakkonen", -1, "Ääkkönen", -1) < 0);
        assert_true(rk_collate_compare("Ääkkönen", -1, "aakkonen", -1) > 0);
        /* lengths are honoured: "Åb" of "Åberg" */
        assert_true(rk_collate_compare("Åberg", 3, "Åb", -1) == 0);
        /* invalid UTF-8 still compares, and never equal to something else */
        assert_true(rk_collate_compare("\xff", -1, "\xfe", -1) != 0);
}

static void test_sqlite_order_by(void **state)
{
        (void)state;
        sqlite3 *db = NULL;
        struct rk_error err;
        assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
        assert_int_equal(rk_collate_register(db, &err), RK_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "CREATE TABLE t(name TEXT);"
                                      "INSERT INTO t VALUES('Östman'),('Zetterberg'),"
                                      "('Åberg'),('Aalto'),('Ärölä')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        static const char *const want[][2] = {
            {"fi", "Aalto,Zetterberg,Åberg,Ärölä,Östman"},
            {"en", "Aalto,Åberg,Ärölä,Östman,Zetterberg"},
        };
        for (size_t k = 0; k < 2; k++) {
                sqlite3_stmt *st = NULL;
                char got[128] = "";
                assert_int_equal(rk_i18n_use(want[k][0]), 0);
                assert_int_equal(sqlite3_prepare_v2(
                                     db,
                                     "SELECT group_concat(name) FROM (SELECT "
                                     "name FROM t ORDER BY name COLLATE " RK_COLLATE_NAME
                                     ")",
                                     -1, &st, NULL),
                                 SQLITE_OK);
                assert_int_equal(sqlite3_step(st), SQLITE_ROW);
                snprintf(got, sizeof(got), "%s",
                         (const char *)sqlite3_column_text(st, 0));
                sqlite3_finalize(st);
                assert_string_equal(got, want[k][1]);
        }
        sqlite3_close(db);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_finnish_and_swedish_after_z),
            cmocka_unit_test(test_english_with_a_and_o),
            cmocka_unit_test(test_equal_only_when_identical),
            cmocka_unit_test(test_sqlite_order_by),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
