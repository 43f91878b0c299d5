/*
 * error.h - result codes and the error record every core call fills in.
 *
 * Every core function that can fail returns an int result code (RK_OK on
 * success) and, when given a non-NULL struct rk_error, writes a one-line
 * message for a person to read. Messages name files, sections and keys;
 * they never contain a password, a key, a TOTP code or a personal-data
 * value. Callers print err.msg as it is: it is already in the language of
 * the messages (i18n.h), translated by rk_error_set. A front end that must
 * know which input the failure is about (to put the cursor on the field or
 * line) reads err.field and err.line, never the message text, which is
 * translated.
 */
#ifndef REKISTERI_ERROR_H
#define REKISTERI_ERROR_H

#include <stddef.h>

enum rk_rc {
        RK_OK = 0,
        RK_ERR_NOMEM,    /* out of memory */
        RK_ERR_IO,       /* a file could not be read or written */
        RK_ERR_FULL,     /* the disk is full; nothing was written */
        RK_ERR_AUTH,     /* credentials did not unlock anything */
        RK_ERR_LOCKED,   /* the account is locked or disabled */
        RK_ERR_CORRUPT,  /* a file is damaged or not ours */
        RK_ERR_VERSION,  /* a file from a newer rekisteri */
        RK_ERR_EXISTS,   /* refusing to overwrite */
        RK_ERR_NOTFOUND, /* no such file, user, slot or record */
        RK_ERR_CONFIG,   /* the configuration is wrong */
        RK_ERR_BUSY,     /* another session holds the lock */
        RK_ERR_DENIED,   /* the session is not allowed to do this */
        RK_ERR_INVALID,  /* an argument or input value is not acceptable */
        RK_ERR_CONFLICT, /* someone else changed the record first */
        RK_ERR_CRYPTO,   /* a cryptographic primitive failed */
        RK_ERR_INTERNAL, /* a bug: an invariant did not hold */
        RK_ERR_CONFIRM,  /* asks a person to confirm first; err names why */
        RK_ERR_STOPPED,  /* the person stopped long work (Esc, a signal) */
};

/*
 * One human-readable message per failure; rc repeats the return value.
 * field names the input the failure is about: a column of the field table
 * (fields.h, e.g. "postal_code"), in static storage, or NULL when it is
 * about no one field. line is the 1-based line of a many-line input it is
 * about (an order's line), or 0. rk_error_set resets both.
 */
struct rk_error {
        int rc;
        const char *field;
        size_t line;
        char msg[384];
};

/*
 * rk_error_set - record a failure and return rc, so callers can write
 * `return rk_error_set(err, RK_ERR_IO, "cannot read %s", path);`.
 * fmt is an English message, a whole sentence: it is translated (gettext)
 * before formatting, and xgettext extracts it (a keyword in po/meson.build),
 * so a literal fmt needs no _().
 * err may be NULL, in which case only rc is returned. The message is
 * truncated (never overflowed) at sizeof(err->msg).
 */
int rk_error_set(struct rk_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * rk_error_field - say that the failure just recorded in err is about the
 * field table's column `column` (static storage, not copied); returns rc.
 * err may be NULL.
 */
int rk_error_field(struct rk_error *err, int rc, const char *column);

/*
 * rk_error_line - say that the failure just recorded in err is about line
 * `line` (1-based) of a many-line input; err->field is kept. Returns rc.
 * err may be NULL.
 */
int rk_error_line(struct rk_error *err, int rc, size_t line);

/* rk_error_clear - reset err to RK_OK with an empty message. */
void rk_error_clear(struct rk_error *err);

/* rk_rc_name - a short description of rc, translated; never NULL. */
const char *rk_rc_name(int rc);

/* rk_rc_code - the same description in English, for logs and stored
 * records (never translated); never NULL. */
const char *rk_rc_code(int rc);

#endif
