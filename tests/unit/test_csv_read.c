/*
 * test_csv_read.c - the CSV reader (csv_read.h) on files as spreadsheets
 * save them, and the writer (csv.h) read back by it.
 *
 * Each case reads a byte string through rk_csv_open_memory and compares
 * the separator, the encoding and the exact cells of every record, so a
 * cell cut at the wrong place, a byte left unconverted or a record number
 * out of step fails. The limits are met for real: a cell just over
 * RK_CSV_MAX_CELL, one column over RK_CSV_MAX_COLUMNS.
 */
#include "rekisteri/csv.h"
#include "rekisteri/csv_read.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct want {
        const char *cells[6]; /* NULL-terminated */
};

static void expect(const char *data, size_t size, char sep, enum rk_csv_encoding enc,
                   const struct want *rows, size_t nrows)
{
        struct rk_csv_reader *r;
        struct rk_error err;
        struct rk_csv_row row = {0};
        assert_int_equal(rk_csv_open_memory(data, size, &r, &err), RK_OK);
        assert_int_equal(rk_csv_separator(r), sep);
        assert_int_equal(rk_csv_encoding(r), enc);
        for (size_t i = 0; i < nrows; i++) {
                assert_int_equal(rk_csv_next(r, &row, &err), RK_OK);
                assert_int_equal(row.row, i + 1);
                size_t n = 0;
                while (rows[i].cells[n] != NULL)
                        n++;
                assert_int_equal(row.n, n);
                for (size_t c = 0; c < n; c++)
                        assert_string_equal(row.cells[c], rows[i].cells[c]);
        }
        assert_int_equal(rk_csv_next(r, &row, &err), RK_OK);
        assert_int_equal(row.n, 0);
        rk_csv_close(r);
}

#define EXPECT(lit, sep, enc, ...)                                                       \
        do {                                                                             \
                const struct want w[] = {__VA_ARGS__};                                   \
                expect(lit, sizeof(lit) - 1, sep, enc, w, sizeof(w) / sizeof(w[0]));     \
        } while (0)

static void excel_finnish(void **state)
{
        (void)state;
        /* Windows-1252: ä = E4, ö = F6, € = 80 */
        EXPECT("Nimi;S\xe4hk\xf6posti\r\nM\xe4kel\xe4 \x80;\r\n\"a;b\";\"x\"\"y\"\r\n",
               ';', RK_CSV_CP1252, {{"Nimi", "S\xc3\xa4hk\xc3\xb6posti", NULL}},
               {{"M\xc3\xa4kel\xc3\xa4 \xe2\x82\xac", "", NULL}},
               {{"a;b", "x\"y", NULL}});
}

static void latin9_and_utf8(void **state)
{
        (void)state;
        /* no 0x80-0x9F but A4 (the euro sign in ISO-8859-15) */
        EXPECT("Nimi,Hinta\n\xd6ljy,5 \xa4\n", ',', RK_CSV_LATIN9,
               {{"Nimi", "Hinta", NULL}}, {{"\xc3\x96ljy", "5 \xe2\x82\xac", NULL}});
        EXPECT("\xef\xbb\xbfName\tCity\r\n\"rad ett\r\nrad tv\xc3\xa5\"\tVasa\r\n", '\t',
               RK_CSV_UTF8_BOM, {{"Name", "City", NULL}},
               {{"rad ett\r\nrad tv\xc3\xa5", "Vasa", NULL}});
        EXPECT("a,b\n  spaced  ,\"\"\n", ',', RK_CSV_UTF8, {{"a", "b", NULL}},
               {{"  spaced  ", "", NULL}});
}

static void refuse(const char *data, size_t size, const char *msg)
{
        struct rk_csv_reader *r = NULL;
        struct rk_error err;
        struct rk_csv_row row = {0};
        int rc = rk_csv_open_memory(data, size, &r, &err);
        while (rc == RK_OK && (rc = rk_csv_next(r, &row, &err)) == RK_OK && row.n > 0)
                ;
        assert_int_equal(rc, RK_ERR_INVALID);
        if (strstr(err.msg, msg) == NULL)
                fail_msg("got \"%s\", wanted \"%s\"", err.msg, msg);
        rk_csv_row_clear(&row);
        rk_csv_close(r);
}

static void bad_files(void **state)
{
        (void)state;
        refuse("", 0, "the file is empty");
        refuse("\xef\xbb\xbf \r\n", 6, "the file is empty");
        refuse("a;b\r\nc\0d;e\r\n", 12, "not a text file");
        refuse("a;b\r\nc;\"d\r\n", 11, "row 2, column 2: a quoted cell is not closed");
        refuse("a;b\r\nc;d\"e\"\r\n", 13, "row 2, column 2: a stray quote");
        size_t big = RK_CSV_MAX_CELL + 10;
        char *s = malloc(big + 8);
        memcpy(s, "a;b\nc;", 6);
        memset(s + 6, 'x', big);
        refuse(s, big + 6, "row 2, column 2: the cell is longer than the limit");
        free(s);
        char cols[4 * (RK_CSV_MAX_COLUMNS + 2)] = "";
        for (int c = 0; c <= RK_CSV_MAX_COLUMNS; c++)
                strcat(cols, "a;");
        refuse(cols, strlen(cols), "row 1: more than 256 columns");
}

static void invalid_bytes(void **state)
{
        (void)state;
        /* 0x81 is not a character in Windows-1252 */
        const char data[] = "a;b\r\n\x80;c\x81\r\n";
        struct rk_csv_reader *r;
        struct rk_error err;
        struct rk_csv_row row = {0};
        assert_int_equal(rk_csv_open_memory(data, sizeof(data) - 1, &r, &err), RK_OK);
        assert_int_equal(rk_csv_encoding(r), RK_CSV_CP1252);
        assert_int_equal(rk_csv_next(r, &row, &err), RK_OK);
        assert_int_equal(row.bad_column, 0);
        assert_int_equal(rk_csv_next(r, &row, &err), RK_OK);
        assert_int_equal(row.bad_column, 2);
        assert_string_equal(row.cells[0], "\xe2\x82\xac");
        assert_string_equal(row.cells[1], "");
        rk_csv_row_clear(&row);
        rk_csv_close(r);
}

/* UTF-8 with one damaged byte stays UTF-8: the damaged cell is an error
 * of its row and column, and the rest is read as written, not as
 * Windows-1252 ("MÃ¤ki"). A Windows-1252 file that happens to hold one
 * byte pair readable as UTF-8 (Ã followed by ©) stays Windows-1252. */
static void damaged_utf8(void **state)
{
        (void)state;
        const char data[] = "Nimi;S\xc3\xa4hk\xc3\xb6posti\r\nM\xc3\xa4ki;m\xffx\r\n";
        struct rk_csv_reader *r;
        struct rk_error err;
        struct rk_csv_row row = {0};
        assert_int_equal(rk_csv_open_memory(data, sizeof(data) - 1, &r, &err), RK_OK);
        assert_int_equal(rk_csv_encoding(r), RK_CSV_UTF8);
        assert_int_equal(rk_csv_next(r, &row, &err), RK_OK);
        assert_string_equal(row.cells[1], "S\xc3\xa4hk\xc3\xb6posti");
        assert_int_equal(rk_csv_next(r, &row, &err), RK_OK);
        assert_string_equal(row.cells[0], "M\xc3\xa4ki");
        assert_int_equal(row.bad_column, 2);
        rk_csv_row_clear(&row);
        rk_csv_close(r);
        EXPECT("Nimi;Huom\r\nM\xe4ki \xc3\xa9;\xd6ljy\r\n", ';', RK_CSV_CP1252,
               {{"Nimi", "Huom", NULL}},
               {{"M\xc3\xa4ki \xc3\x83\xc2\xa9", "\xc3\x96ljy", NULL}});
}

/* What rk_csv_cell writes, the reader reads back: quotes, separators and
 * the apostrophe that keeps a formula text. */
static void writer_round_trip(void **state)
{
        (void)state;
        tu_tmpdir();
        FILE *f;
        struct rk_error err;
        assert_int_equal(rk_csv_create(tu_path("w.csv"), &f, &err), RK_OK);
        assert_int_equal(rk_csv_cell(f, "say \"hi\", then", false), 0);
        assert_int_equal(rk_csv_cell(f, "=SUM(A1)", false), 0);
        assert_int_equal(rk_csv_cell(f, NULL, true), 0);
        fclose(f);
        size_t len;
        unsigned char *data = tu_read_file(tu_path("w.csv"), &len);
        assert_non_null(data);
        assert_int_equal(len, strlen("\"say \"\"hi\"\", then\",\"'=SUM(A1)\",\"\"\r\n"));
        assert_memory_equal(data, "\"say \"\"hi\"\", then\",\"'=SUM(A1)\",\"\"\r\n", len);
        expect((const char *)data, len, ',', RK_CSV_UTF8,
               (const struct want[]){{{"say \"hi\", then", "'=SUM(A1)", "", NULL}}}, 1);
        free(data);
        tu_rmdir();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(excel_finnish), cmocka_unit_test(latin9_and_utf8),
            cmocka_unit_test(bad_files),     cmocka_unit_test(invalid_bytes),
            cmocka_unit_test(damaged_utf8),  cmocka_unit_test(writer_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
