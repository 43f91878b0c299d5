/*
 * fields_in.h - field=value lines from standard input for the CLI (see
 * fields_in.c).
 */
#ifndef REKISTERI_CLI_FIELDS_IN_H
#define REKISTERI_CLI_FIELDS_IN_H

#include "rekisteri/error.h"
#include "rekisteri/record.h"

#include <stddef.h>

/* Fields read from standard input (fields_in.c). */
#define CLI_FIELDS_MAX 32
struct cli_fields {
        struct rk_edit edits[CLI_FIELDS_MAX]; /* point into lines */
        char *lines[CLI_FIELDS_MAX];          /* guarded memory */
        size_t n;
};

/*
 * cli_fields_read - read "field=value" lines from standard input until its
 * end (blank lines and "#" comments skipped) into *f; or, when stdin is a
 * terminal and prompts is given ({"column", "Question", ..., NULL}), ask
 * each question in turn (an empty answer skips the field). Personal data
 * thus never goes on the command line. RK_ERR_INVALID names the line that
 * is not field=value (never its text). Free with cli_fields_free.
 */
int cli_fields_read(struct cli_fields *f, const char *const *prompts,
                    struct rk_error *err);

/* cli_fields_free - wipe and free what cli_fields_read kept. */
void cli_fields_free(struct cli_fields *f);

#endif
