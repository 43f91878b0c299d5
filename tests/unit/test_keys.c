/*
 * test_keys.c - the slot file's upgrades, built from a format-1 file made
 * here by hand with libsodium (as rekisteri 0.1 wrote it: the MK wrapped
 * directly in each slot, usernames keyed with a name_salt kept in the
 * file):
 *   - it opens and its slots still open; a used slot gets its key pair;
 *   - a rotation waits while a format-1 slot remains, then revokes: the
 *     old MK no longer unwraps the DEK;
 *   - a register of before (no server key, TOTP secrets in clear) moves to
 *     a server key at its first unlock and its TOTP secrets get sealed;
 *   - moving to a server key file relabels the accounts and drops an
 *     unknown name's counter; a format-1 slot, bound to its old label,
 *     moves at its first use, and then name_salt is forgotten.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/register.h"
#include "rekisteri/store.h"
#include "rekisteri/users.h"
#include "rekisteri/vault.h"
#include "testutil.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct rk_kdf_cost fast = {1, 8};
static unsigned char mk[32], dek[32], recovery[32];
static char recovery_text[80];

static void aead(unsigned char *out, const unsigned char *key, const char *ad,
                 const unsigned char *plain, unsigned char *nonce)
{
        unsigned long long n = 0;
        randombytes_buf(nonce, 24);
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out, &n, plain, 32, (const unsigned char *)ad, strlen(ad), NULL, nonce, key);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* One format-1 slot row. */
static void put_slot(sqlite3 *db, const char *kind, const char *label, long long ops,
                     long long mem, const unsigned char *salt, const unsigned char *kek)
{
        char ad[160];
        unsigned char nonce[24], wrapped[48];
        sqlite3_stmt *st;
        snprintf(ad, sizeof(ad), "rekisteri/v1/%s/%s", kind, label);
        aead(wrapped, kek, ad, mk, nonce);
        assert_int_equal(
            sqlite3_prepare_v2(db,
                               "INSERT INTO slots(kind,label,kdf_ops,kdf_mem_kib,"
                               "salt,nonce,wrapped,created_at) "
                               "VALUES(?,?,?,?,?,?,?,1)",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, ops);
        sqlite3_bind_int64(st, 4, mem);
        sqlite3_bind_blob(st, 5, salt, 16, SQLITE_STATIC);
        sqlite3_bind_blob(st, 6, nonce, 24, SQLITE_STATIC);
        sqlite3_bind_blob(st, 7, wrapped, 48, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
}

/* A format-1 slot file: user anna, the recovery slot, an unknown counter. */
static void make_v1(const char *path)
{
        sqlite3 *db;
        sqlite3_stmt *st;
        unsigned char name_salt[32], salt[16], kek[32], nonce[24], wrapped[48], h[32];
        char label[65];
        randombytes_buf(mk, 32);
        randombytes_buf(dek, 32);
        randombytes_buf(name_salt, 32);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        exec_ok(db,
                "CREATE TABLE vault_meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
                "CREATE TABLE dek(generation INTEGER PRIMARY KEY,"
                " state TEXT NOT NULL UNIQUE CHECK(state IN ('current','pending')),"
                " nonce BLOB NOT NULL, wrapped BLOB NOT NULL);"
                "CREATE TABLE slots(id INTEGER PRIMARY KEY,"
                " kind TEXT NOT NULL CHECK(kind IN ('user','recovery','keyfile')),"
                " label TEXT NOT NULL, kdf_ops INTEGER NOT NULL,"
                " kdf_mem_kib INTEGER NOT NULL, salt BLOB NOT NULL,"
                " nonce BLOB NOT NULL, wrapped BLOB NOT NULL,"
                " created_at INTEGER NOT NULL, UNIQUE(kind, label));"
                "CREATE TABLE throttle(label TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
                " last_failure_at INTEGER NOT NULL, locked INTEGER NOT NULL DEFAULT 0);"
                "CREATE TABLE auth_failures(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
                " label TEXT NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL);"
                "PRAGMA user_version=1;"
                "INSERT INTO throttle VALUES('ff', 3, 1, 0);");
        assert_int_equal(
            sqlite3_prepare_v2(db, "INSERT INTO vault_meta VALUES('name_salt',?)", -1,
                               &st, NULL),
            SQLITE_OK);
        sqlite3_bind_blob(st, 1, name_salt, 32, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        aead(wrapped, mk, "rekisteri/v1/dek/1", dek, nonce);
        assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO dek VALUES(1,'current',?,?)",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_blob(st, 1, nonce, 24, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, wrapped, 48, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        /* anna's slot, labelled with name_salt */
        crypto_generichash(h, 32, (const unsigned char *)"anna", 4, name_salt, 32);
        sodium_bin2hex(label, sizeof(label), h, 32);
        randombytes_buf(salt, 16);
        assert_int_equal(crypto_pwhash(kek, 32, "password of anna", 16, salt, 1, 8 * 1024,
                                       crypto_pwhash_ALG_ARGON2ID13),
                         0);
        put_slot(db, "user", label, 1, 8, salt, kek);
        /* the recovery slot */
        randombytes_buf(recovery, 32);
        randombytes_buf(salt, 16);
        crypto_generichash(kek, 32, recovery, 32, salt, 16);
        put_slot(db, "recovery", "recovery", 0, 0, salt, kek);
        sodium_bin2hex(recovery_text, 65, recovery, 32);
        sqlite3_close(db);
}

static long long count(const char *path, const char *sql)
{
        sqlite3 *db;
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        long long n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return n;
}

static void test_format1_upgrade_and_rotation(void **state)
{
        (void)state;
        struct rk_vault *v;
        struct rk_error err;
        unsigned char got[32], cur[32], pend[32], new_dek[32], new_mk[32];
        int has = 0;
        const char *path = tu_path("v.keys");
        make_v1(path);
        assert_int_equal(rk_vault_open(path, &v, &err), RK_OK);
        assert_int_equal(count(path, "PRAGMA user_version"), 2);
        assert_int_equal(count(path, "SELECT count(*) FROM slots WHERE pk IS NULL"), 2);
        /* the slot of before opens, and gets its key pair */
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "password of anna", 16, &fast, got, &err),
            RK_OK);
        assert_memory_equal(got, mk, 32);
        assert_int_equal(count(path, "SELECT count(*) FROM slots WHERE pk IS NULL"), 1);
        /* a rotation waits for the recovery slot, which would be cut off */
        randombytes_buf(new_dek, 32);
        assert_int_equal(rk_vault_rotate_stage(v, mk, dek, new_dek, new_mk, &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_vault_unlock_recovery(v, recovery_text, got, &err), RK_OK);
        assert_int_equal(count(path, "SELECT count(*) FROM slots WHERE pk IS NULL"), 0);
        assert_int_equal(rk_vault_rotate_stage(v, mk, dek, new_dek, new_mk, &err), RK_OK);
        assert_int_equal(rk_vault_promote_dek(v, &err), RK_OK);
        /* the old MK opens nothing now; both slots give the new one */
        assert_int_equal(rk_vault_get_dek(v, mk, cur, pend, &has, &err), RK_ERR_CORRUPT);
        assert_int_equal(rk_vault_get_dek(v, new_mk, cur, pend, &has, &err), RK_OK);
        assert_memory_equal(cur, new_dek, 32);
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "password of anna", 16, &fast, got, &err),
            RK_OK);
        assert_memory_equal(got, new_mk, 32);
        assert_int_equal(rk_vault_unlock_recovery(v, recovery_text, got, &err), RK_OK);
        assert_memory_equal(got, new_mk, 32);
        rk_vault_close(v);
}

static void test_move_to_server_key(void **state)
{
        (void)state;
        struct rk_vault *v;
        struct rk_error err;
        unsigned char got[32];
        char before[65], after[65];
        const char *path = tu_path("v.keys");
        const char *names[] = {"anna"};
        make_v1(path);
        assert_int_equal(rk_vault_open(path, &v, &err), RK_OK);
        rk_vault_user_label(v, "anna", before, &err);
        assert_int_equal(count(path, "SELECT count(*) FROM throttle"), 1);
        int rc = rk_vault_use_server_key(v, names, 1, &err);
        if (rc != RK_OK)
                fprintf(stderr, "%s\n", err.msg);
        assert_int_equal(rc, RK_OK);
        rk_vault_user_label(v, "anna", after, &err);
        assert_string_not_equal(before, after);
        assert_int_equal(access(tu_path("v.serverkey"), R_OK), 0);
        assert_int_equal(count(path, "SELECT count(*) FROM throttle"), 0);
        /* anna's format-1 slot is bound to its old label: name_salt stays
         * until she has logged in once */
        assert_int_equal(
            count(path, "SELECT count(*) FROM vault_meta WHERE key='name_salt'"), 1);
        rk_vault_close(v);
        assert_int_equal(rk_vault_open(path, &v, &err), RK_OK);
        assert_int_equal(rk_vault_has_user(v, "anna"), 1);
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "password of anna", 16, &fast, got, &err),
            RK_OK);
        assert_memory_equal(got, mk, 32);
        assert_int_equal(
            count(path, "SELECT count(*) FROM vault_meta WHERE key='name_salt'"), 0);
        assert_int_equal(count(path, "SELECT count(*) FROM slots WHERE pk IS NULL AND "
                                     "kind='user'"),
                         0);
        rk_vault_close(v);
        /* reopened: anna's password opens her slot under its new label */
        assert_int_equal(rk_vault_open(path, &v, &err), RK_OK);
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "password of anna", 16, &fast, got, &err),
            RK_OK);
        assert_memory_equal(got, mk, 32);
        rk_vault_user_label(v, "anna", before, &err);
        assert_string_equal(before, after);
        rk_vault_close(v);
        /* without the server key file staff slots cannot be found */
        assert_int_equal(unlink(tu_path("v.serverkey")), 0);
        assert_int_equal(rk_vault_open(path, &v, &err), RK_OK);
        assert_int_equal(
            rk_vault_unlock_user(v, "anna", "password of anna", 16, &fast, got, &err),
            RK_ERR_CORRUPT);
        assert_non_null(strstr(err.msg, "is missing"));
        assert_int_equal(rk_vault_unlock_recovery(v, recovery_text, got, &err), RK_OK);
        rk_vault_close(v);
}

/* A register as made before the server key: slot labels keyed in the file,
 * the admin's TOTP secret stored in clear. */
static void make_old_register(const struct rk_config *cfg, const char *secret)
{
        struct rk_vault *v;
        struct rk_error err;
        sqlite3 *db;
        char audit_key[RK_AUDIT_KEY_TEXT];
        int64_t id = 0;
        assert_int_equal(rk_vault_create(tu_path("r.db.keys"), &v, &err), RK_OK);
        assert_int_equal(rk_vault_init_keys(v, mk, dek, &err), RK_OK);
        assert_int_equal(
            rk_vault_set_user(v, "admin", "password of admin", 17, &fast, mk, &err),
            RK_OK);
        rk_vault_close(v);
        assert_int_equal(rk_store_open(tu_path("r.db"), dek, 1, cfg, &db, &err), RK_OK);
        assert_int_equal(rk_users_create(db, "admin", "admin", 0, &id, &err), RK_OK);
        assert_int_equal(rk_audit_init(db, audit_key, &err), RK_OK);
        assert_int_equal(rk_users_set_pending_totp(db, id, secret, &err), RK_OK);
        assert_int_equal(rk_users_confirm_totp(db, id, 0, &err), RK_OK);
        rk_store_close(db);
}

static void test_old_register_moves_at_unlock(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_register *reg;
        struct rk_error err;
        struct rk_user u;
        const char secret[] = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        tu_fast_config(&cfg);
        make_old_register(&cfg, secret);
        assert_int_equal(access(tu_path("r.db.serverkey"), F_OK), -1);
        assert_int_equal(count(tu_path("r.db.keys"),
                               "SELECT count(*) FROM vault_meta WHERE key='name_salt'"),
                         1);
        assert_int_equal(rk_register_unlock_user(&cfg, tu_path("r.db"), "admin",
                                                 "password of admin", 17, &reg, &err),
                         RK_OK);
        /* the server key was made, the label moved, the TOTP secret sealed */
        assert_int_equal(access(tu_path("r.db.serverkey"), R_OK), 0);
        assert_int_equal(count(tu_path("r.db.keys"),
                               "SELECT count(*) FROM vault_meta WHERE key='name_salt'"),
                         0);
        assert_int_equal(rk_users_get(rk_register_db(reg), "admin", &u, &err), RK_OK);
        assert_memory_equal(u.totp_secret, "s1:", 3);
        assert_null(strstr(u.totp_secret, secret));
        rk_users_wipe(&u);
        rk_register_close(reg);
        /* and the register opens again as it is now */
        assert_int_equal(rk_register_unlock_user(&cfg, tu_path("r.db"), "admin",
                                                 "password of admin", 17, &reg, &err),
                         RK_OK);
        rk_register_close(reg);
}

static int setup(void **state)
{
        (void)state;
        tu_tmpdir();
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_format1_upgrade_and_rotation, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_move_to_server_key, setup, teardown),
            cmocka_unit_test_setup_teardown(test_old_register_moves_at_unlock, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
