/*
 * users.c - staff account rows (see users.h).
 */
#include "rekisteri/users.h"

#include "rekisteri/i18n.h"
#include "rekisteri/clock.h"
#include "sql.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USERNAME_MAX 32

int rk_users_check_name(const char *name, struct rk_error *err)
{
        size_t n = strlen(name);
        int ok = n >= 1 && n <= USERNAME_MAX && name[0] >= 'a' && name[0] <= 'z';
        for (size_t i = 0; ok && i < n; i++) {
                char c = name[i];
                ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                     c == '_' || c == '-';
        }
        if (!ok)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "username: use 1 to %d of a-z 0-9 . _ -, starting with a "
                    "letter",
                    USERNAME_MAX);
        return RK_OK;
}

static int insert_role(sqlite3 *db, int64_t id, const char *role, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "INSERT INTO user_roles(user_id, role) VALUES(?,?)",
                                &st, "adding a role", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_DONE ? RK_OK : rk_sql_fail(db, src, "adding a role", err);
}

int rk_users_create_in(sqlite3 *db, const char *name, const char *role, int must_change,
                       int64_t *id, struct rk_error *err)
{
        int rc = rk_users_check_name(name, err);
        sqlite3_stmt *st;
        if (rc == RK_OK)
                rc = rk_sql_prepare(
                    db,
                    "INSERT INTO users(username, must_change_password, created_at,"
                    " password_changed_at) VALUES(?,?,?,?)",
                    &st, "creating an account", err);
        if (rc == RK_OK) {
                int64_t now = rk_clock_now();
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 2, must_change ? 1 : 0);
                sqlite3_bind_int64(st, 3, now);
                sqlite3_bind_int64(st, 4, now);
                int src = sqlite3_step(st);
                sqlite3_finalize(st);
                if (src == SQLITE_CONSTRAINT)
                        rc = rk_error_set(err, RK_ERR_EXISTS, "the username is taken");
                else if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, "creating an account", err);
        }
        int64_t new_id = sqlite3_last_insert_rowid(db);
        if (rc == RK_OK)
                rc = insert_role(db, new_id, role, err);
        if (rc == RK_OK && id != NULL)
                *id = new_id;
        return rc;
}

int rk_users_create(sqlite3 *db, const char *name, const char *role, int must_change,
                    int64_t *id, struct rk_error *err)
{
        int rc = rk_users_check_name(name, err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(db, "creating an account", err);
        if (rc != RK_OK)
                return rc;
        rc = rk_users_create_in(db, name, role, must_change, id, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "creating an account", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

void rk_users_wipe(struct rk_user *u)
{
        sodium_memzero(u->totp_secret, sizeof(u->totp_secret));
        sodium_memzero(u->totp_pending, sizeof(u->totp_pending));
}

static int load_roles(sqlite3 *db, struct rk_user *u, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(
            db, "SELECT role FROM user_roles WHERE user_id=? ORDER BY role", &st,
            "reading roles", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, u->id);
        u->nroles = 0;
        bool row = false;
        while (u->nroles < RK_ROLES_MAX &&
               (rc = rk_sql_row(st, &row, "reading roles", err)) == RK_OK && row)
                snprintf(u->roles[u->nroles++], sizeof(u->roles[0]), "%s",
                         sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return rc;
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
        const unsigned char *t = sqlite3_column_text(st, col);
        snprintf(dst, size, "%s", t ? (const char *)t : "");
}

#define USER_COLUMNS                                                                     \
        "id,username,disabled,must_change_password,totp_secret,totp_pending,"            \
        "totp_last_step,created_at,"                                                     \
        "(totp_secret IS NOT NULL AND totp_secret<>''),coalesce(language,'')"

static void read_row(sqlite3_stmt *st, struct rk_user *u, int with_secrets)
{
        memset(u, 0, sizeof(*u));
        u->id = sqlite3_column_int64(st, 0);
        copy_text(u->name, sizeof(u->name), st, 1);
        u->disabled = sqlite3_column_int(st, 2);
        u->must_change_password = sqlite3_column_int(st, 3);
        if (with_secrets) {
                copy_text(u->totp_secret, sizeof(u->totp_secret), st, 4);
                copy_text(u->totp_pending, sizeof(u->totp_pending), st, 5);
        }
        u->totp_last_step = sqlite3_column_int64(st, 6);
        u->created_at = sqlite3_column_int64(st, 7);
        u->totp_enrolled = sqlite3_column_int(st, 8);
        copy_text(u->language, sizeof(u->language), st, 9);
}

int rk_users_get(sqlite3 *db, const char *name, struct rk_user *u, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE username=?",
                                &st, "reading an account", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                read_row(st, u, 1);
        else if (src == SQLITE_DONE)
                rc = rk_error_set(err, RK_ERR_NOTFOUND, "no such account");
        else
                rc = rk_sql_fail(db, src, "reading an account", err);
        sqlite3_finalize(st);
        if (rc == RK_OK)
                rc = load_roles(db, u, err);
        return rc;
}

/* An account without its secrets, for rk_sql_collect. */
static int fill_user(sqlite3_stmt *st, void *item, void *ctx, struct rk_error *err)
{
        (void)ctx;
        (void)err;
        read_row(st, item, 0);
        return RK_OK;
}

int rk_users_list(sqlite3 *db, struct rk_user **out, size_t *n, struct rk_error *err)
{
        sqlite3_stmt *st;
        *out = NULL;
        *n = 0;
        int rc =
            rk_sql_prepare(db, "SELECT " USER_COLUMNS " FROM users ORDER BY username",
                           &st, "listing accounts", err);
        if (rc != RK_OK)
                return rc;
        struct rk_sql_array a = {0};
        rc = rk_sql_collect(st, sizeof(**out), 0, fill_user, NULL, &a, "listing accounts",
                            err);
        sqlite3_finalize(st);
        *out = a.v;
        *n = a.n;
        for (size_t i = 0; rc == RK_OK && i < *n; i++)
                rc = load_roles(db, &(*out)[i], err);
        if (rc != RK_OK) {
                free(*out);
                *out = NULL;
                *n = 0;
        }
        return rc;
}

/* Run one UPDATE on an account row with up to two bound values. */
static int update_user(sqlite3 *db, const char *sql, int64_t id, const char *text,
                       int64_t number, const char *what, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, sql, &st, what, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_bind_parameter_count(st) >= 2) {
                if (text != NULL)
                        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
                else
                        sqlite3_bind_int64(st, 2, number);
        }
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, what, err);
        return sqlite3_changes(db) == 1 ? RK_OK : RK_ERR_NOTFOUND;
}

int rk_users_set_pending_totp(sqlite3 *db, int64_t id, const char *b32,
                              struct rk_error *err)
{
        return update_user(db, "UPDATE users SET totp_pending=?2 WHERE id=?1", id, b32, 0,
                           "starting enrolment", err);
}

int rk_users_confirm_totp(sqlite3 *db, int64_t id, int64_t step, struct rk_error *err)
{
        return update_user(db,
                           "UPDATE users SET totp_secret=totp_pending, totp_pending=NULL,"
                           " totp_last_step=?2 WHERE id=?1 AND totp_pending IS NOT NULL",
                           id, NULL, step, "finishing enrolment", err);
}

int rk_users_use_totp_step(sqlite3 *db, int64_t id, int64_t step, struct rk_error *err)
{
        /* One statement: two sessions racing with the same code cannot both win. */
        int rc = update_user(db,
                             "UPDATE users SET totp_last_step=?2 WHERE id=?1 AND "
                             "totp_last_step<?2",
                             id, NULL, step, N_("recording the code"), err);
        if (rc == RK_ERR_NOTFOUND)
                return rk_error_set(err, RK_ERR_AUTH, "the code is not valid");
        return rc;
}

int rk_users_clear_totp(sqlite3 *db, int64_t id, struct rk_error *err)
{
        return update_user(db,
                           "UPDATE users SET totp_secret=NULL, totp_pending=NULL,"
                           " totp_last_step=0 WHERE id=?1",
                           id, NULL, 0, N_("resetting the second factor"), err);
}

int rk_users_set_flag(sqlite3 *db, int64_t id, const char *flag, int value,
                      struct rk_error *err)
{
        const char *sql = strcmp(flag, "disabled") == 0
                              ? "UPDATE users SET disabled=?2 WHERE id=?1"
                              : "UPDATE users SET must_change_password=?2,"
                                " password_changed_at=strftime('%s','now') WHERE id=?1";
        return update_user(db, sql, id, NULL, value, N_("updating an account"), err);
}

int rk_users_set_language(sqlite3 *db, int64_t id, const char *lang, struct rk_error *err)
{
        if (lang != NULL && lang[0] != '\0' && !rk_i18n_known(lang))
                return rk_error_set(err, RK_ERR_INVALID,
                                    _("language: expected en, fi or sv"));
        int rc = update_user(db,
                             lang != NULL && lang[0] != '\0'
                                 ? "UPDATE users SET language=?2 WHERE id=?1"
                                 : "UPDATE users SET language=NULL WHERE id=?1",
                             id, lang, 0, "choosing a language", err);
        return rc == RK_ERR_NOTFOUND ? rk_error_set(err, rc, "no such account") : rc;
}

int rk_users_set_roles_in(sqlite3 *db, int64_t id, const char *const *roles, size_t n,
                          struct rk_error *err)
{
        sqlite3_stmt *st = NULL;
        int rc = rk_sql_prepare(db, "DELETE FROM user_roles WHERE user_id=?", &st,
                                "changing roles", err);
        if (rc == RK_OK) {
                sqlite3_bind_int64(st, 1, id);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, "changing roles", err);
                sqlite3_finalize(st);
        }
        for (size_t i = 0; rc == RK_OK && i < n; i++)
                rc = insert_role(db, id, roles[i], err);
        return rc;
}

int rk_users_set_roles(sqlite3 *db, int64_t id, const char *const *roles, size_t n,
                       struct rk_error *err)
{
        int rc = rk_sql_begin_as(db, "changing roles", err);
        if (rc == RK_OK)
                rc = rk_users_set_roles_in(db, id, roles, n, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, "changing roles", err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}
