/*
 * fields_in.c - reading field=value lines from standard input, so personal
 * data never goes on the command line (where ps, /proc and shell history
 * would keep it). `customer add` and `dsr check` use it.
 *
 * How it works: each line is read into guarded memory (rk_secret_read_line)
 * and split at its first '='; the edit points into that line. Blank lines
 * and lines starting with '#' are skipped. When standard input is a
 * terminal and the caller gives prompts, each field is asked for in turn
 * instead (an empty answer skips it). cli_fields_free wipes and frees the
 * lines.
 */
#include "cli.h"
#include "rekisteri/i18n.h"
#include "fields_in.h"
#include "rekisteri/secret.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096

/* Keep line as edit n: "column=value" split in place. */
static int take(struct cli_fields *f, char *line, size_t lineno, struct rk_error *err)
{
        char *eq = strchr(line, '=');
        if (eq == NULL || eq == line) {
                rk_secret_free(line);
                return rk_error_set(err, RK_ERR_INVALID,
                                    "standard input line %zu: expected field=value",
                                    lineno);
        }
        *eq = '\0';
        f->lines[f->n] = line;
        f->edits[f->n] = (struct rk_edit){line, eq + 1};
        f->n++;
        return RK_OK;
}

static int read_lines(struct cli_fields *f, struct rk_error *err)
{
        int rc = RK_OK;
        for (size_t lineno = 1; rc == RK_OK; lineno++) {
                char *line = NULL;
                size_t len = 0;
                int r = rk_secret_read_line(stdin, LINE_MAX_BYTES, &line, &len);
                if (r == RK_ERR_IO || (r == RK_OK && len == 0 && feof(stdin))) {
                        if (r == RK_OK)
                                rk_secret_free(line);
                        break; /* end of input */
                }
                if (r != RK_OK)
                        return rk_error_set(err, r, "standard input line %zu is too long",
                                            lineno);
                if (len == 0 || line[0] == '#') {
                        rk_secret_free(line);
                        continue;
                }
                if (f->n == CLI_FIELDS_MAX) {
                        rk_secret_free(line);
                        return rk_error_set(err, RK_ERR_INVALID,
                                            "more than %d fields on standard input",
                                            CLI_FIELDS_MAX);
                }
                rc = take(f, line, lineno, err);
        }
        return rc;
}

/* Ask for each prompted field on the terminal; "" skips it. */
static int ask(struct cli_fields *f, const char *const *prompts, struct rk_error *err)
{
        for (size_t i = 0; prompts[i] != NULL && prompts[i + 1] != NULL; i += 2) {
                char *line = NULL;
                size_t len = 0;
                fprintf(stderr, "%s: ", _(prompts[i + 1]));
                fflush(stderr);
                int r = rk_secret_read_line(stdin, LINE_MAX_BYTES, &line, &len);
                if (r != RK_OK)
                        return r == RK_ERR_IO
                                   ? RK_OK
                                   : rk_error_set(err, r, "the answer is too long");
                if (len == 0 && feof(stdin)) {
                        rk_secret_free(line);
                        break;
                }
                if (len == 0 || f->n == CLI_FIELDS_MAX) {
                        rk_secret_free(line);
                        continue;
                }
                f->lines[f->n] = line;
                f->edits[f->n] = (struct rk_edit){prompts[i], line};
                f->n++;
        }
        return RK_OK;
}

int cli_fields_read(struct cli_fields *f, const char *const *prompts,
                    struct rk_error *err)
{
        memset(f, 0, sizeof(*f));
        int rc = prompts != NULL && isatty(STDIN_FILENO) ? ask(f, prompts, err)
                                                         : read_lines(f, err);
        if (rc != RK_OK)
                cli_fields_free(f);
        return rc;
}

void cli_fields_free(struct cli_fields *f)
{
        for (size_t i = 0; i < f->n; i++)
                rk_secret_free(f->lines[i]);
        memset(f, 0, sizeof(*f));
}
