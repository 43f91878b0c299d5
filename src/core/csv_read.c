/*
 * csv_read.c - streaming CSV reader over libcsv and iconv (see csv_read.h).
 *
 * How it works: rk_csv_open reads up to SNIFF bytes to decide the
 * encoding (a UTF-8 byte-order mark; else bytes that are valid UTF-8, or
 * UTF-8 with fewer bad bytes than well-formed multi-byte sequences, whose
 * bad bytes are then errors of their rows; else Windows-1252 when a byte 0x80-0x9F
 * occurs, as those are C1 controls in ISO-8859-15 and never in its text; else ISO-8859-15
 * when a byte where the two differ (the euro sign's 0xA4 and the seven others) occurs;
 * else Windows-1252, Excel's own) and the separator (the most frequent of ; , and tab
 * outside quotes in the header line). Then the file is fed to libcsv CHUNK bytes at a
 * time in strict mode, with no trimming (trimming is a repair the import lists). libcsv
 * calls back per cell and per record; cells are converted to UTF-8 as they come and
 * complete records wait in a small queue that rk_csv_next empties. Only
 * the chunk, the record being parsed and that queue are in memory, and
 * the cell being parsed is checked against RK_CSV_MAX_CELL after every
 * chunk, so a file of one endless cell stops with a message.
 */
#include "rekisteri/csv_read.h"
#include "rekisteri/i18n.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistr.h>

#define CHUNK (64 * 1024)
#define SNIFF (1024 * 1024)

struct rk_csv_reader {
        FILE *f; /* NULL when reading memory */
        const unsigned char *mem;
        size_t mem_size, mem_pos;
        unsigned char *chunk;
        int64_t bytes;
        struct csv_parser p;
        bool parser_ready;
        char sep;
        enum rk_csv_encoding enc;
        iconv_t cd;
        /* the record being parsed */
        struct rk_csv_row cur;
        size_t cap;
        size_t rows; /* records completed */
        /* completed records waiting */
        struct rk_csv_row *queue;
        size_t qhead, qn, qcap;
        bool eof;
        int failed; /* sticky rk code */
        char msg[sizeof(((struct rk_error *)0)->msg)];
};

const char *rk_csv_encoding_name(enum rk_csv_encoding e)
{
        switch (e) {
        case RK_CSV_UTF8:
                return "UTF-8";
        case RK_CSV_UTF8_BOM:
                return _("UTF-8 with BOM");
        case RK_CSV_CP1252:
                return "Windows-1252";
        case RK_CSV_LATIN9:
                return "ISO-8859-15";
        }
        return "?";
}

char rk_csv_separator(const struct rk_csv_reader *r)
{
        return r->sep;
}

enum rk_csv_encoding rk_csv_encoding(const struct rk_csv_reader *r)
{
        return r->enc;
}

int64_t rk_csv_bytes_read(const struct rk_csv_reader *r)
{
        return r->bytes;
}

void rk_csv_row_clear(struct rk_csv_row *row)
{
        if (row == NULL)
                return;
        for (size_t i = 0; i < row->n; i++)
                free(row->cells[i]);
        free(row->cells);
        memset(row, 0, sizeof(*row));
}

/* Record the first fatal error; later ones are consequences. */
static void fail(struct rk_csv_reader *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct rk_csv_reader *r, int rc, const char *fmt, ...)
{
        va_list ap;
        if (r->failed)
                return;
        r->failed = rc;
        va_start(ap, fmt);
        vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
        va_end(ap);
}

/* ---- detection ---------------------------------------------------------- */

/* Valid UTF-8, allowing a sequence cut off by the end of the sample. */
static bool utf8_sample(const unsigned char *s, size_t n, bool truncated)
{
        const uint8_t *bad = u8_check(s, n);
        if (bad == NULL)
                return true;
        size_t left = n - (size_t)(bad - s);
        return truncated && left < 4 && u8_mblen(bad, left) < 0 &&
               (bad[0] & 0xC0) == 0xC0;
}

/* UTF-8 with a few damaged bytes: more well-formed multi-byte sequences
 * than bytes that fit none. A Windows-1252 or ISO-8859-15 text almost
 * never holds a byte pair that reads as UTF-8 (it takes "Ã¤" for one ä),
 * while each of its letters ä, ö, å is a byte UTF-8 refuses. */
static bool mostly_utf8(const unsigned char *s, size_t n)
{
        size_t good = 0, bad = 0;
        for (size_t i = 0; i < n;) {
                ucs4_t uc;
                int k = s[i] < 0x80 ? 1 : u8_mbtoucr(&uc, s + i, n - i);
                if (k == -2) /* cut off by the end of the sample */
                        break;
                good += k > 1;
                bad += k < 0;
                i += k > 0 ? (size_t)k : 1;
        }
        return good > bad;
}

static enum rk_csv_encoding guess_encoding(const unsigned char *s, size_t n,
                                           bool truncated)
{
        if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
                return RK_CSV_UTF8_BOM;
        /* a damaged UTF-8 file is still UTF-8: its bad bytes are errors of
         * their rows, not a reason to read every ä in it as "Ã¤" */
        if (utf8_sample(s, n, truncated) || mostly_utf8(s, n))
                return RK_CSV_UTF8;
        bool latin9 = false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] >= 0x80 && s[i] <= 0x9F)
                        return RK_CSV_CP1252;
                if (strchr("\xA4\xA6\xA8\xB4\xB8\xBC\xBD\xBE", s[i]) != NULL && s[i])
                        latin9 = true;
        }
        return latin9 ? RK_CSV_LATIN9 : RK_CSV_CP1252;
}

/* The most frequent of ; , tab outside quotes in the first line. */
static char guess_separator(const unsigned char *s, size_t n)
{
        size_t semi = 0, comma = 0, tab = 0;
        bool quoted = false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '"')
                        quoted = !quoted;
                else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
                        break;
                else if (!quoted)
                        semi += s[i] == ';', comma += s[i] == ',', tab += s[i] == '\t';
        }
        if (semi >= comma && semi >= tab && semi > 0)
                return ';';
        if (tab > comma)
                return '\t';
        return ',';
}

static bool only_blank(const unsigned char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (!strchr(" \t\r\n", s[i]))
                        return false;
        }
        return true;
}

/* ---- libcsv callbacks ----------------------------------------------------- */

/* cell as UTF-8 into a new string; NULL when the bytes are not valid in
 * the encoding (or out of memory: *nomem). */
static char *convert(struct rk_csv_reader *r, const char *cell, size_t len, bool *nomem)
{
        *nomem = false;
        if (r->enc == RK_CSV_UTF8 || r->enc == RK_CSV_UTF8_BOM) {
                if (u8_check((const uint8_t *)cell, len) != NULL)
                        return NULL;
                char *s = strndup(cell, len);
                *nomem = s == NULL;
                return s;
        }
        size_t outsz = len * 3 + 1, inleft = len, outleft = outsz - 1;
        char *out = malloc(outsz), *o = out;
        char *in = (char *)cell;
        if (out == NULL) {
                *nomem = true;
                return NULL;
        }
        iconv(r->cd, NULL, NULL, NULL, NULL);
        if (iconv(r->cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
                free(out);
                return NULL;
        }
        *o = '\0';
        return out;
}

static void on_cell(void *data, size_t len, void *ctx)
{
        struct rk_csv_reader *r = ctx;
        const char *cell = data ? data : "";
        size_t row = r->rows + 1, col = r->cur.n + 1;
        if (r->failed)
                return;
        if (col > RK_CSV_MAX_COLUMNS)
                return fail(r, RK_ERR_INVALID,
                            _("row %zu: more than %d columns; is this a spreadsheet's "
                              "CSV file?"),
                            row, RK_CSV_MAX_COLUMNS);
        if (len > RK_CSV_MAX_CELL)
                return fail(r, RK_ERR_INVALID,
                            _("row %zu, column %zu: the cell is longer than the limit"),
                            row, col);
        if (memchr(cell, '\0', len) != NULL)
                return fail(r, RK_ERR_INVALID,
                            _("row %zu, column %zu: a NUL byte; this is not a text file"),
                            row, col);
        if (r->cur.n == r->cap) {
                size_t cap = r->cap ? r->cap * 2 : 16;
                char **c = realloc(r->cur.cells, cap * sizeof(*c));
                if (c == NULL)
                        return fail(r, RK_ERR_NOMEM, _("out of memory at row %zu"), row);
                r->cur.cells = c;
                r->cap = cap;
        }
        bool nomem;
        char *s = convert(r, cell, len, &nomem);
        if (nomem)
                return fail(r, RK_ERR_NOMEM, _("out of memory at row %zu"), row);
        if (s == NULL) {
                if (r->cur.bad_column == 0)
                        r->cur.bad_column = col;
                s = strdup("");
                if (s == NULL)
                        return fail(r, RK_ERR_NOMEM, _("out of memory at row %zu"), row);
        }
        r->cur.cells[r->cur.n++] = s;
}

static void on_row(int c, void *ctx)
{
        struct rk_csv_reader *r = ctx;
        (void)c;
        if (r->failed)
                return;
        if (++r->rows > (size_t)RK_CSV_MAX_ROWS + 1)
                return fail(r, RK_ERR_INVALID,
                            _("the file has more than %d rows; split it into parts"),
                            RK_CSV_MAX_ROWS);
        if (r->qhead + r->qn == r->qcap) {
                if (r->qhead > 0) {
                        memmove(r->queue, r->queue + r->qhead, r->qn * sizeof(*r->queue));
                        r->qhead = 0;
                } else {
                        size_t cap = r->qcap ? r->qcap * 2 : 64;
                        struct rk_csv_row *q = realloc(r->queue, cap * sizeof(*q));
                        if (q == NULL)
                                return fail(r, RK_ERR_NOMEM,
                                            _("out of memory at row %zu"), r->rows);
                        r->queue = q;
                        r->qcap = cap;
                }
        }
        r->cur.row = r->rows;
        r->queue[r->qhead + r->qn++] = r->cur;
        memset(&r->cur, 0, sizeof(r->cur));
        r->cap = 0;
}

static int no_space(unsigned char c)
{
        (void)c;
        return 0;
}

/* ---- opening ---------------------------------------------------------------- */

static size_t source_read(struct rk_csv_reader *r, unsigned char *buf, size_t size)
{
        if (r->f != NULL)
                return fread(buf, 1, size, r->f);
        size_t n = r->mem_size - r->mem_pos < size ? r->mem_size - r->mem_pos : size;
        memcpy(buf, r->mem + r->mem_pos, n);
        r->mem_pos += n;
        return n;
}

/* Rewind to where the data starts (past a byte-order mark). */
static void source_seek(struct rk_csv_reader *r, size_t pos)
{
        if (r->f != NULL)
                fseek(r->f, (long)pos, SEEK_SET);
        else
                r->mem_pos = pos;
        r->bytes = (int64_t)pos;
}

static int setup(struct rk_csv_reader *r, struct rk_error *err)
{
        unsigned char *sample = malloc(SNIFF);
        r->chunk = malloc(CHUNK);
        if (sample == NULL || r->chunk == NULL) {
                free(sample);
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        }
        size_t n = source_read(r, sample, SNIFF);
        int rc = RK_OK, e = errno;
        if (r->f != NULL && ferror(r->f))
                rc = rk_error_set(err, RK_ERR_IO, _("the file could not be read: %s"),
                                  strerror(e));
        else if (memchr(sample, '\0', n) != NULL)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  _("this is not a text file (it has NUL bytes); save "
                                    "the spreadsheet as CSV"));
        r->enc = guess_encoding(sample, n, n == SNIFF);
        size_t start = r->enc == RK_CSV_UTF8_BOM ? 3 : 0;
        if (rc == RK_OK && only_blank(sample + start, n - start))
                rc = rk_error_set(err, RK_ERR_INVALID, _("the file is empty"));
        r->sep = guess_separator(sample + start, n - start);
        free(sample);
        if (rc != RK_OK)
                return rc;
        if (r->enc == RK_CSV_CP1252 || r->enc == RK_CSV_LATIN9) {
                r->cd = iconv_open("UTF-8", r->enc == RK_CSV_CP1252 ? "WINDOWS-1252"
                                                                    : "ISO-8859-15");
                if (r->cd == (iconv_t)-1)
                        return rk_error_set(err, RK_ERR_INTERNAL,
                                            _("the character set converter is missing"));
        }
        if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        r->parser_ready = true;
        csv_set_delim(&r->p, (unsigned char)r->sep);
        csv_set_space_func(&r->p, no_space);
        source_seek(r, start);
        return RK_OK;
}

static struct rk_csv_reader *reader_new(void)
{
        struct rk_csv_reader *r = calloc(1, sizeof(*r));
        if (r != NULL)
                r->cd = (iconv_t)-1;
        return r;
}

int rk_csv_open(const char *path, struct rk_csv_reader **out, struct rk_error *err)
{
        struct stat st;
        *out = NULL;
        struct rk_csv_reader *r = reader_new();
        if (r == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        r->f = fopen(path, "rb");
        int rc = RK_OK;
        if (r->f == NULL)
                rc = rk_error_set(err, errno == ENOENT ? RK_ERR_NOTFOUND : RK_ERR_IO,
                                  "%s: %s", path, strerror(errno));
        else if (fstat(fileno(r->f), &st) != 0 || !S_ISREG(st.st_mode))
                rc = rk_error_set(err, RK_ERR_INVALID, _("%s: not a regular file"), path);
        else if (st.st_size > RK_CSV_MAX_FILE)
                rc = rk_error_set(err, RK_ERR_INVALID,
                                  _("%s: the file is %lld MiB; the limit is %lld MiB, "
                                    "split it into parts"),
                                  path, (long long)(st.st_size >> 20),
                                  RK_CSV_MAX_FILE >> 20);
        else if (st.st_size == 0)
                rc = rk_error_set(err, RK_ERR_INVALID, _("the file is empty"));
        if (rc == RK_OK)
                rc = setup(r, err);
        if (rc != RK_OK)
                rk_csv_close(r);
        else
                *out = r;
        return rc;
}

int rk_csv_open_memory(const void *data, size_t size, struct rk_csv_reader **out,
                       struct rk_error *err)
{
        *out = NULL;
        if (size == 0)
                return rk_error_set(err, RK_ERR_INVALID, _("the file is empty"));
        struct rk_csv_reader *r = reader_new();
        if (r == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, _("out of memory"));
        r->mem = data;
        r->mem_size = size;
        int rc = setup(r, err);
        if (rc != RK_OK)
                rk_csv_close(r);
        else
                *out = r;
        return rc;
}

/* ---- reading ------------------------------------------------------------------ */

static void parse_failed(struct rk_csv_reader *r, bool at_end)
{
        if (csv_error(&r->p) == CSV_ENOMEM || csv_error(&r->p) == CSV_ETOOBIG)
                return fail(r, RK_ERR_NOMEM, _("out of memory at row %zu"), r->rows + 1);
        if (at_end)
                return fail(r, RK_ERR_INVALID,
                            _("row %zu, column %zu: a quoted cell is not closed before "
                              "the end of the file"),
                            r->rows + 1, r->cur.n + 1);
        fail(r, RK_ERR_INVALID,
             _("row %zu, column %zu: a stray quote (a quote inside a cell must be "
               "doubled, and the cell quoted)"),
             r->rows + 1, r->cur.n + 1);
}

/* Parse one more chunk (or finish at the end of the file). */
static void feed(struct rk_csv_reader *r)
{
        size_t n = source_read(r, r->chunk, CHUNK);
        if (r->f != NULL && ferror(r->f))
                return fail(r, RK_ERR_IO, _("the file could not be read at row %zu: %s"),
                            r->rows + 1, strerror(errno));
        r->bytes += (int64_t)n;
        if (n == 0) {
                r->eof = true;
                if (csv_fini(&r->p, on_cell, on_row, r) != 0)
                        parse_failed(r, true);
                return;
        }
        if (csv_parse(&r->p, r->chunk, n, on_cell, on_row, r) != n)
                return parse_failed(r, false);
        if (r->p.entry_pos > RK_CSV_MAX_CELL)
                fail(r, RK_ERR_INVALID,
                     _("row %zu, column %zu: the cell is longer than the limit"),
                     r->rows + 1, r->cur.n + 1);
}

int rk_csv_next(struct rk_csv_reader *r, struct rk_csv_row *row, struct rk_error *err)
{
        rk_csv_row_clear(row);
        while (r->qn == 0 && !r->eof && !r->failed)
                feed(r);
        if (r->qn > 0) {
                *row = r->queue[r->qhead++];
                r->qn--;
                return RK_OK;
        }
        if (r->failed)
                return rk_error_set(err, r->failed, "%s", r->msg);
        return RK_OK;
}

void rk_csv_close(struct rk_csv_reader *r)
{
        if (r == NULL)
                return;
        if (r->f != NULL)
                fclose(r->f);
        if (r->parser_ready)
                csv_free(&r->p);
        if (r->cd != (iconv_t)-1)
                iconv_close(r->cd);
        rk_csv_row_clear(&r->cur);
        for (size_t i = 0; i < r->qn; i++)
                rk_csv_row_clear(&r->queue[r->qhead + i]);
        free(r->queue);
        free(r->chunk);
        free(r);
}
