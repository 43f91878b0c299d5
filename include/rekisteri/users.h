/*
 * users.h - staff accounts stored in the encrypted register.
 *
 * An account row holds the username, roles, the TOTP secret and its last
 * accepted step, and flags (disabled, must change password). The password
 * is not here: it exists only as the key of the account's keyslot.
 */
#ifndef REKISTERI_USERS_H
#define REKISTERI_USERS_H

#include "rekisteri/error.h"

#include <sqlite3.h>
#include <stdint.h>

/* rk_users_check_name - RK_OK for 1..32 of a-z 0-9 . _ - starting with a
 * letter; RK_ERR_INVALID with a message saying what is allowed. */
int rk_users_check_name(const char *name, struct rk_error *err);

/*
 * rk_users_create - insert an account with one role. must_change marks a
 * password the user has to replace at the next login. *id (may be NULL)
 * gets the new row id. RK_ERR_EXISTS when the name is taken.
 */
int rk_users_create(sqlite3 *db, const char *name, const char *role, int must_change,
                    int64_t *id, struct rk_error *err);

/* rk_users_has_role - 1 when the enabled account name holds role, 0 when
 * not (or unknown or disabled), <0 on a database error. */
int rk_users_has_role(sqlite3 *db, const char *name, const char *role);

#endif
