/*
 * keyfiles.h - key files for unattended jobs, with least privilege.
 *
 * A key file unlocks the register without a password or TOTP code, so it
 * is a bearer credential: it gets only the roles given when it was made
 * (none by default: then it can only run `check`). The roles live in the
 * encrypted database; the keyslot in the slot file. Making and removing key
 * files needs the "keys" action (the admin role).
 */
#ifndef REKISTERI_KEYFILES_H
#define REKISTERI_KEYFILES_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <sqlite3.h>

/* rk_keyfiles_add - write a new key file at path (0600, never over an
 * existing file) with a keyslot named label, granted roles. */
int rk_keyfiles_add(struct rk_session *s, const char *label, const char *const *roles,
                    size_t nroles, const char *path, struct rk_error *err);

/* rk_keyfiles_remove - remove label's keyslot and roles; its file stops
 * opening the register. */
int rk_keyfiles_remove(struct rk_session *s, const char *label, struct rk_error *err);

/* rk_keyfiles_roles - the roles of label into roles[RK_ROLES_MAX]; *n gets
 * the count. */
int rk_keyfiles_roles(sqlite3 *db, const char *label, char roles[][RK_ROLE_NAME_MAX + 1],
                      size_t *n, struct rk_error *err);

#endif
