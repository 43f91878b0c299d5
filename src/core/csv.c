/*
 * csv.c - formula-safe CSV cells (see csv.h). The CSV is for people (a
 * spreadsheet, or `cat`): every cell goes through the screen's sanitiser
 * first, so a stored escape sequence cannot reach a terminal from it.
 * The quoting is libcsv's (csv_fwrite: the cell in quotes, quotes
 * doubled), the same library that reads imports (csv_read.c).
 */
#include "rekisteri/csv.h"
#include "rekisteri/text.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool rk_csv_is_formula(const char *text)
{
        return text != NULL && text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
}

int rk_csv_cell(FILE *f, const char *text, bool last)
{
        char *safe = rk_text_sanitize(text ? text : "", text ? strlen(text) : 0);
        if (safe == NULL)
                return -1;
        size_t len = strlen(safe);
        char *cell = safe;
        /* a formula gets a leading apostrophe inside the quotes */
        if (rk_csv_is_formula(safe) && (cell = malloc(len + 2)) != NULL) {
                cell[0] = '\'';
                memcpy(cell + 1, safe, len + 1);
                len++;
        }
        /* libcsv quotes the cell and doubles the quotes inside it */
        int bad = cell == NULL || csv_fwrite(f, cell, len) != 0;
        bad |= fputs(last ? "\r\n" : ",", f) == EOF;
        if (cell != safe)
                free(cell);
        free(safe);
        return bad ? -1 : 0;
}

int rk_csv_create(const char *path, FILE **out, struct rk_error *err)
{
        *out = NULL;
        if (path == NULL || path[0] == '\0')
                return rk_error_set(err, RK_ERR_INVALID, "no file name given");
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return errno == EEXIST
                           ? rk_error_set(err, RK_ERR_EXISTS, "%s: already exists", path)
                           : rk_error_set(err, RK_ERR_IO, "%s: %s", path,
                                          strerror(errno));
        /* the umask cannot widen 0600, but a narrower one must not stay */
        if (fchmod(fd, 0600) != 0 || (*out = fdopen(fd, "w")) == NULL) {
                int e = errno;
                close(fd);
                unlink(path);
                return rk_error_set(err, RK_ERR_IO, "%s: %s", path, strerror(e));
        }
        return RK_OK;
}
