/*
 * secret.h - memory for keys and passwords.
 *
 * Secrets live in libsodium's guarded allocations (sodium_malloc): the pages
 * are locked against swapping, fenced by guard pages, and wiped by
 * sodium_free. Code that holds a secret in any other buffer wipes it with
 * sodium_memzero before the buffer goes out of scope.
 */
#ifndef REKISTERI_SECRET_H
#define REKISTERI_SECRET_H

#include <stdio.h>
#include <stddef.h>

#define RK_KEY_BYTES    32
#define RK_PASSWORD_MAX 1024 /* bytes; longer input is refused, never cut */

/* rk_secret_alloc - a zeroed guarded buffer of n bytes, or NULL. */
void *rk_secret_alloc(size_t n);

/* rk_secret_free - wipe and release a buffer from rk_secret_alloc; NULL is fine. */
void rk_secret_free(void *p);

/*
 * rk_secret_read_line - read one line (up to '\n' or EOF, newline and a
 * trailing '\r' dropped) from f into a new guarded buffer of max+1 bytes,
 * NUL-terminated. Returns RK_OK, RK_ERR_INVALID when the line is longer
 * than max bytes (the rest of the line is consumed and wiped), or RK_ERR_IO
 * when nothing could be read. On success *out is the caller's, to release
 * with rk_secret_free, and *len is its length.
 */
int rk_secret_read_line(FILE *f, size_t max, char **out, size_t *len);

#endif
