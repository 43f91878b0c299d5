/*
 * csv_read.h - reading a spreadsheet's CSV file, as Excel and LibreOffice
 * save it, one record at a time and in bounded memory.
 *
 * The separator (comma, semicolon or tab) and the encoding (UTF-8 with or
 * without a byte-order mark, Windows-1252 or ISO-8859-15) are detected
 * from the start of the file; fields are parsed by libcsv (RFC 4180:
 * quoted fields may hold separators, doubled quotes and line breaks) and
 * converted to UTF-8 with iconv. Every cell handed out is valid UTF-8.
 *
 * Limits keep a hostile or mistaken file from taking the machine: the file
 * size (RK_CSV_MAX_FILE), a cell's length (RK_CSV_MAX_CELL), the columns
 * of a record (RK_CSV_MAX_COLUMNS) and the records (RK_CSV_MAX_ROWS). The
 * reader holds one chunk of the file and the record being parsed, never
 * the file. Messages name the row (the record number as a spreadsheet
 * numbers it: the header is row 1) and the column, never a cell's value.
 */
#ifndef REKISTERI_CSV_READ_H
#define REKISTERI_CSV_READ_H

#include "rekisteri/error.h"

#include <stddef.h>
#include <stdint.h>

#define RK_CSV_MAX_FILE    (512LL * 1024 * 1024)
#define RK_CSV_MAX_CELL    (64 * 1024)
#define RK_CSV_MAX_COLUMNS 256
#define RK_CSV_MAX_ROWS    200000

enum rk_csv_encoding {
        RK_CSV_UTF8,
        RK_CSV_UTF8_BOM,
        RK_CSV_CP1252,
        RK_CSV_LATIN9, /* ISO-8859-15 */
};

/* One record: n cells, each malloc'd UTF-8 owned by the row. When a cell
 * could not be converted from the file's encoding, bad_column is its
 * 1-based column and the cell is empty; 0 otherwise. */
struct rk_csv_row {
        size_t row; /* 1 for the header */
        size_t n;
        char **cells;
        size_t bad_column;
};

struct rk_csv_reader;

/*
 * rk_csv_open - open path for reading and detect its separator and
 * encoding. RK_ERR_NOTFOUND / RK_ERR_IO naming the path; RK_ERR_INVALID
 * for an empty file, a binary one (a NUL byte), or one over
 * RK_CSV_MAX_FILE. *out is released with rk_csv_close.
 */
int rk_csv_open(const char *path, struct rk_csv_reader **out, struct rk_error *err);

/*
 * rk_csv_open_memory - the same over a buffer (size bytes, not copied:
 * it must outlive the reader); for tests and the fuzz target.
 */
int rk_csv_open_memory(const void *data, size_t size, struct rk_csv_reader **out,
                       struct rk_error *err);

/* rk_csv_separator, rk_csv_encoding - what was detected;
 * rk_csv_encoding_name - "UTF-8", "UTF-8 with BOM", "Windows-1252",
 * "ISO-8859-15". */
char rk_csv_separator(const struct rk_csv_reader *r);
enum rk_csv_encoding rk_csv_encoding(const struct rk_csv_reader *r);
const char *rk_csv_encoding_name(enum rk_csv_encoding e);

/*
 * rk_csv_next - the next record into row (cleared first; release with
 * rk_csv_row_clear). RK_OK with row->n == 0 at the end of the file. A
 * record with a cell that is not valid in the file's encoding comes back
 * RK_OK with bad_column set. RK_ERR_INVALID, naming the row and column,
 * for what stops the reading: a stray quote, a quote not closed before
 * the end, a NUL byte, a cell over RK_CSV_MAX_CELL, more than
 * RK_CSV_MAX_COLUMNS columns or RK_CSV_MAX_ROWS rows; RK_ERR_IO for a read
 * error. After an error every later call returns the same error.
 */
int rk_csv_next(struct rk_csv_reader *r, struct rk_csv_row *row, struct rk_error *err);

/* rk_csv_row_clear - free the cells of row and zero it; NULL is fine. */
void rk_csv_row_clear(struct rk_csv_row *row);

/* rk_csv_bytes_read - how far into the file the reader is (for progress). */
int64_t rk_csv_bytes_read(const struct rk_csv_reader *r);

/* rk_csv_close - close the file and free the reader; NULL is fine. */
void rk_csv_close(struct rk_csv_reader *r);

#endif
