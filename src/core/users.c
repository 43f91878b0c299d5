/*
 * users.c - staff account rows (see users.h).
 */
#include "rekisteri/users.h"
#include "sql.h"

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

int rk_users_create(sqlite3 *db, const char *name, const char *role, int must_change,
                    int64_t *id, struct rk_error *err)
{
        int rc = rk_users_check_name(name, err);
        if (rc != RK_OK)
                return rc;
        sqlite3_stmt *st;
        rc = rk_sql_exec(db, "BEGIN IMMEDIATE", "creating an account", err);
        if (rc != RK_OK)
                return rc;
        rc =
            rk_sql_prepare(db,
                           "INSERT INTO users(username, must_change_password, created_at,"
                           " password_changed_at) VALUES(?,?,?,?)",
                           &st, "creating an account", err);
        if (rc == RK_OK) {
                int64_t now = (int64_t)time(NULL);
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
        if (rc == RK_OK)
                rc = rk_sql_exec(db, "COMMIT", "creating an account", err);
        if (rc != RK_OK) {
                rk_sql_rollback(db);
                return rc;
        }
        if (id != NULL)
                *id = new_id;
        return RK_OK;
}

int rk_users_has_role(sqlite3 *db, const char *name, const char *role)
{
        sqlite3_stmt *st;
        if (rk_sql_prepare(db,
                           "SELECT 1 FROM users u JOIN user_roles r ON r.user_id=u.id"
                           " WHERE u.username=? AND r.role=? AND u.disabled=0",
                           &st, "reading roles", NULL) != RK_OK)
                return -1;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        return src == SQLITE_ROW ? 1 : src == SQLITE_DONE ? 0 : -1;
}
