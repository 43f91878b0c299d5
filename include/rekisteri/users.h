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

#include "rekisteri/policy.h"
#include "rekisteri/totp.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a TOTP secret as stored (sealed), NUL included. */
#define RK_TOTP_STORED_SIZE 128

struct rk_user {
        int64_t id;
        char name[33];
        int disabled;
        int must_change_password;
        /* as stored: sealed under the server key (totp_seal.h) */
        char totp_secret[RK_TOTP_STORED_SIZE];  /* "" until enrolled */
        char totp_pending[RK_TOTP_STORED_SIZE]; /* "" unless enrolling */
        int64_t totp_last_step;
        int totp_enrolled; /* a second factor is in force (set by list too) */
        int64_t created_at;
        char roles[RK_ROLES_MAX][RK_ROLE_NAME_MAX + 1];
        size_t nroles;
        char language[4]; /* the user's own choice: "en", "fi", "sv"; "" none */
};

/* rk_users_wipe - erase the secrets held in u. */
void rk_users_wipe(struct rk_user *u);

/* rk_users_get - load the account name into *u (RK_ERR_NOTFOUND). The
 * caller wipes u with rk_users_wipe when done. */
int rk_users_get(sqlite3 *db, const char *name, struct rk_user *u, struct rk_error *err);

/* rk_users_list - every account by name, secrets left empty; the caller
 * frees *out. */
int rk_users_list(sqlite3 *db, struct rk_user **out, size_t *n, struct rk_error *err);

/* rk_users_set_pending_totp - store a secret awaiting its first code. */
int rk_users_set_pending_totp(sqlite3 *db, int64_t id, const char *b32,
                              struct rk_error *err);

/* rk_users_confirm_totp - the pending secret becomes the secret, with the
 * step of the code that confirmed it as the last one used. */
int rk_users_confirm_totp(sqlite3 *db, int64_t id, int64_t step, struct rk_error *err);

/* rk_users_use_totp_step - record step as used; RK_ERR_AUTH when it (or a
 * later one) was used already, by this or any other session. */
int rk_users_use_totp_step(sqlite3 *db, int64_t id, int64_t step, struct rk_error *err);

/* rk_users_clear_totp - forget the second factor: enrol again at login. */
int rk_users_clear_totp(sqlite3 *db, int64_t id, struct rk_error *err);

/* rk_users_set_flag - set "disabled" or "must_change_password" to value. */
int rk_users_set_flag(sqlite3 *db, int64_t id, const char *flag, int value,
                      struct rk_error *err);

/* rk_users_set_roles - replace the account's roles. The caller checks that
 * each is a role in force (rk_policy_find_role). */
int rk_users_set_roles(sqlite3 *db, int64_t id, const char *const *roles, size_t n,
                       struct rk_error *err);
/* rk_users_set_roles_in - the same inside the caller's transaction. */
int rk_users_set_roles_in(sqlite3 *db, int64_t id, const char *const *roles, size_t n,
                          struct rk_error *err);

/* rk_users_set_language - the account's own language ("en", "fi", "sv";
 * NULL or "" clears the choice, so the register's default applies).
 * RK_ERR_INVALID for another value, RK_ERR_NOTFOUND for no such account. */
int rk_users_set_language(sqlite3 *db, int64_t id, const char *lang,
                          struct rk_error *err);

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
/* rk_users_create_in - the same inside the caller's transaction (the
 * caller commits or rolls back). */
int rk_users_create_in(sqlite3 *db, const char *name, const char *role, int must_change,
                       int64_t *id, struct rk_error *err);

#endif
