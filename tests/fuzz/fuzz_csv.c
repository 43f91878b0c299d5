/*
 * fuzz_csv.c - libFuzzer target for the CSV reader (csv_read.c over
 * libcsv and iconv). Arbitrary bytes are read as an import reads a file,
 * record by record. Invariants: it never crashes; the separator is one of
 * ; , and tab; every cell handed out is valid UTF-8 with no NUL inside;
 * no record has more than RK_CSV_MAX_COLUMNS cells; records are numbered
 * 1, 2, 3...; a bad column lies inside its record; a refusal is
 * RK_ERR_INVALID (or RK_ERR_NOMEM) with a message, and the same refusal
 * comes back on the next call.
 */
#include "rekisteri/csv_read.h"
#include "fuzz.h"

#include <string.h>
#include <unistr.h>

static void check_row(const struct rk_csv_row *row, size_t want)
{
        CHECK(row->row == want);
        CHECK(row->n <= RK_CSV_MAX_COLUMNS);
        CHECK(row->bad_column <= row->n);
        for (size_t c = 0; c < row->n; c++) {
                size_t len = strlen(row->cells[c]);
                CHECK(u8_check((const uint8_t *)row->cells[c], len) == NULL);
                CHECK(len <= (size_t)RK_CSV_MAX_CELL * 3);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct rk_csv_reader *r = NULL;
        struct rk_error err;
        int rc = rk_csv_open_memory(data, size, &r, &err);
        if (rc != RK_OK) {
                CHECK(rc == RK_ERR_INVALID || rc == RK_ERR_NOMEM);
                CHECK(err.msg[0] != '\0' && r == NULL);
                return 0;
        }
        char sep = rk_csv_separator(r);
        CHECK(sep == ';' || sep == ',' || sep == '\t');
        CHECK(strlen(rk_csv_encoding_name(rk_csv_encoding(r))) > 0);
        struct rk_csv_row row = {0};
        size_t want = 1;
        while ((rc = rk_csv_next(r, &row, &err)) == RK_OK && row.n > 0)
                check_row(&row, want++);
        if (rc != RK_OK) {
                CHECK(rc == RK_ERR_INVALID || rc == RK_ERR_NOMEM);
                CHECK(strstr(err.msg, "row") != NULL || strstr(err.msg, "rivi") != NULL ||
                      strstr(err.msg, "rad") != NULL);
                struct rk_error again;
                CHECK(rk_csv_next(r, &row, &again) == rc && row.n == 0);
        }
        CHECK(rk_csv_bytes_read(r) <= (int64_t)size);
        rk_csv_row_clear(&row);
        rk_csv_close(r);
        return 0;
}
