/*
 * testutil.h - shared fixtures for the unit tests: a private temporary
 * directory per test, a fast configuration (Argon2id at its minimum cost)
 * and file helpers.
 */
#ifndef REKISTERI_TESTUTIL_H
#define REKISTERI_TESTUTIL_H

#include "rekisteri/config.h"

#include <stddef.h>

/* tu_tmpdir - create a fresh private directory; returns its path (static). */
const char *tu_tmpdir(void);

/* tu_path - tu_tmpdir()/name in a static rotating buffer. */
const char *tu_path(const char *name);

/* tu_rmdir - remove the directory made by tu_tmpdir and everything in it. */
void tu_rmdir(void);

/* tu_fast_config - defaults with the cheapest Argon2id. */
void tu_fast_config(struct rk_config *cfg);

/* tu_read_file - whole file into a malloc'd buffer; NULL when missing. */
unsigned char *tu_read_file(const char *path, size_t *len);

/* tu_write_file - replace a file's contents with mode 0600. */
int tu_write_file(const char *path, const void *data, size_t len);

/* tu_contains - 1 when needle occurs in hay. */
int tu_contains(const unsigned char *hay, size_t hay_len, const char *needle);

/* tu_same_file - 1 when the file's bytes equal data. */
int tu_same_file(const char *path, const unsigned char *data, size_t len);

#endif
