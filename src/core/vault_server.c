/*
 * vault_server.c - user labels and the server key in the keyslot file (see
 * vault.h, serverkey.h): labels are BLAKE2b keyed with a subkey of the
 * server key file, which the slot file names only by a check value; an
 * older file moves over (rk_vault_use_server_key), and a lost key file is
 * replaced (rk_vault_replace_server_key).
 */
#include "rekisteri/i18n.h"
#include "rekisteri/secret.h"
#include "rekisteri/serverkey.h"
#include "sql.h"
#include "vault_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SERVER_MISSING_MSG                                                               \
        N_("%s is missing: staff passwords cannot be checked. Open the register with "   \
           "an "                                                                         \
           "admin key file or the recovery key and run `rekisteri key new-server-key` "  \
           "(see README, How the keys work)")

/* The check value the slot file keeps for its server key. */
static void server_check(const unsigned char *key, unsigned char *out)
{
        static const char what[] = "rekisteri server key check";
        crypto_generichash(out, RK_KEY_BYTES, (const unsigned char *)what,
                           sizeof(what) - 1, key, RK_KEY_BYTES);
}

/* In the open transaction (when rc is RK_OK): record key's check value,
 * then commit, or roll back. */
static int record_check(struct rk_vault *v, const unsigned char *key, int rc,
                        struct rk_error *err)
{
        unsigned char check[RK_KEY_BYTES];
        sqlite3_stmt *st = NULL;
        if (rc == RK_OK)
                rc = rk_sql_prepare(v->db,
                                    "INSERT OR REPLACE INTO vault_meta(key,value)"
                                    " VALUES('server_key_check',?)",
                                    &st, v->path, err);
        if (rc == RK_OK) {
                server_check(key, check);
                sqlite3_bind_blob(st, 1, check, RK_KEY_BYTES, SQLITE_STATIC);
        }
        return vault_finish_write(v, st, rc, err);
}

/* Make (or pick up) the server key file into *key and begin a transaction;
 * on failure *key is freed. */
static int new_key_begin(struct rk_vault *v, unsigned char **key, struct rk_error *err)
{
        char p[4096];
        *key = rk_secret_alloc(RK_KEY_BYTES);
        int rc = *key != NULL ? rk_serverkey_path(v->path, p, sizeof(p), err)
                              : rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK)
                rc = rk_serverkey_create(p, v->path, *key, err);
        if (rc == RK_OK)
                rc = rk_sql_begin_as(v->db, v->path, err);
        if (rc != RK_OK) {
                rk_secret_free(*key);
                *key = NULL;
        }
        return rc;
}

/* The vault now works with key (owned from here on). */
static void take_key(struct rk_vault *v, unsigned char *key)
{
        rk_secret_free(v->server_key);
        v->server_key = key;
        v->server = SERVER_OK;
}

/* Load the server key the slot file names, if it names one. A missing file
 * leaves the vault usable for key files and the recovery key only. */
int vault_load_server_key(struct rk_vault *v, struct rk_error *err)
{
        unsigned char want[RK_KEY_BYTES], got[RK_KEY_BYTES];
        char p[4096];
        int found = vault_get_meta(v, "server_key_check", want, RK_KEY_BYTES);
        if (found < 0 || (found == 0 && !v->has_name_salt))
                return vault_meta_fail(v, found, err);
        if (found == 0)
                return RK_OK; /* older format: labels keyed with name_salt */
        int rc = rk_serverkey_path(v->path, p, sizeof(p), err);
        v->server_key = rc == RK_OK ? rk_secret_alloc(RK_KEY_BYTES) : NULL;
        if (rc == RK_OK && v->server_key == NULL)
                rc = rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        if (rc == RK_OK)
                rc = rk_serverkey_load(p, v->server_key, err);
        if (rc == RK_ERR_NOTFOUND) {
                v->server = SERVER_MISSING;
                return RK_OK;
        }
        if (rc != RK_OK)
                return rc;
        /* a key file that is not this slot file's counts as missing: key
         * files and the recovery key still open the register */
        server_check(v->server_key, got);
        v->server =
            sodium_memcmp(got, want, RK_KEY_BYTES) == 0 ? SERVER_OK : SERVER_MISSING;
        return RK_OK;
}

/* In the open transaction: every user slot is revoked and goes, counters
 * and sealed records go, the new key's check value is recorded and a
 * rotation marked due. */
static int drop_staff_slots(struct rk_vault *v, const unsigned char *key,
                            struct rk_error *err)
{
        int rc = rk_sql_exec(v->db,
                             "INSERT OR IGNORE INTO revoked(pk,kind,revoked_at)"
                             " SELECT pk,kind,strftime('%s','now') FROM slots"
                             " WHERE kind='user' AND pk IS NOT NULL;"
                             "DELETE FROM slots WHERE kind='user';"
                             "DELETE FROM throttle;"
                             "DELETE FROM auth_failures WHERE sealed IS NOT NULL;"
                             "DELETE FROM vault_meta WHERE key='name_salt';",
                             v->path, err);
        if (rc == RK_OK)
                rc = vault_set_meta_text(v, "rotation_due",
                                         N_("the server key was replaced"), err);
        return record_check(v, key, rc, err);
}

int rk_vault_replace_server_key(struct rk_vault *v, struct rk_error *err)
{
        unsigned char *key = NULL;
        if (v->server != SERVER_MISSING)
                return rk_error_set(
                    err, RK_ERR_INVALID,
                    "the server key file is in place; nothing to replace");
        int rc = new_key_begin(v, &key, err);
        if (rc == RK_OK)
                rc = drop_staff_slots(v, key, err);
        if (rc != RK_OK) {
                rk_secret_free(key);
                return rc;
        }
        take_key(v, key);
        v->has_name_salt = 0;
        return RK_OK;
}

/* hex(BLAKE2b-256(username, key)) into out (65 bytes). */
void vault_label_with(const unsigned char *key, const char *username, char *out)
{
        unsigned char h[RK_KEY_BYTES];
        crypto_generichash(h, sizeof(h), (const unsigned char *)username,
                           strlen(username), key, RK_KEY_BYTES);
        sodium_bin2hex(out, 2 * RK_KEY_BYTES + 1, h, sizeof(h));
}

int rk_vault_user_label(struct rk_vault *v, const char *username, char *out,
                        struct rk_error *err)
{
        unsigned char key[RK_KEY_BYTES];
        if (v->server == SERVER_MISSING) {
                char p[4096];
                randombytes_buf(key, sizeof(key));
                vault_label_with(key, username, out);
                rk_serverkey_path(v->path, p, sizeof(p), NULL);
                return rk_error_set(err, RK_ERR_CORRUPT, SERVER_MISSING_MSG, p);
        }
        if (v->server == SERVER_NONE) {
                vault_label_with(v->name_salt, username, out);
                return RK_OK;
        }
        rk_serverkey_subkey(v->server_key, RK_SUBKEY_LABELS, key);
        vault_label_with(key, username, out);
        sodium_memzero(key, sizeof(key));
        return RK_OK;
}

enum rk_server_key_state rk_vault_server_state(struct rk_vault *v)
{
        return v->server;
}

int rk_vault_server_subkey(struct rk_vault *v, enum rk_subkey id, unsigned char *out)
{
        if (v->server != SERVER_OK)
                return RK_ERR_NOTFOUND;
        rk_serverkey_subkey(v->server_key, id, out);
        return RK_OK;
}

/* Relabel one user from the name_salt label to the server key's. */
static int relabel(struct rk_vault *v, const char *name, const unsigned char *labels_key,
                   struct rk_error *err)
{
        static const char *const sql[] = {
            "UPDATE slots SET label=?1 WHERE kind='user' AND label=?2 AND pk IS NOT NULL",
            "UPDATE throttle SET label=?1 WHERE label=?2",
            "UPDATE auth_failures SET label=?1 WHERE label=?2"};
        char old[2 * RK_KEY_BYTES + 1], new[2 * RK_KEY_BYTES + 1];
        vault_label_with(v->name_salt, name, old);
        vault_label_with(labels_key, name, new);
        int rc = RK_OK;
        for (size_t i = 0; rc == RK_OK && i < sizeof(sql) / sizeof(sql[0]); i++) {
                sqlite3_stmt *st;
                rc = rk_sql_prepare(v->db, sql[i], &st, v->path, err);
                if (rc != RK_OK)
                        break;
                sqlite3_bind_text(st, 1, new, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, old, -1, SQLITE_STATIC);
                int src = sqlite3_step(st);
                sqlite3_finalize(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(v->db, src, v->path, err);
        }
        return rc;
}

/* In the open transaction: relabel names, drop unknown names' counters,
 * record the key's check value and forget name_salt. */
static int switch_to_server_key(struct rk_vault *v, const unsigned char *key,
                                const char *const *names, size_t n, struct rk_error *err)
{
        unsigned char labels_key[RK_KEY_BYTES];
        rk_serverkey_subkey(key, RK_SUBKEY_LABELS, labels_key);
        int rc = RK_OK;
        for (size_t i = 0; rc == RK_OK && v->has_name_salt && i < n; i++)
                rc = relabel(v, names[i], labels_key, err);
        sodium_memzero(labels_key, sizeof(labels_key));
        if (rc == RK_OK)
                rc = rk_sql_exec(v->db,
                                 "DELETE FROM throttle WHERE label NOT IN"
                                 " (SELECT label FROM slots WHERE kind='user');"
                                 "DELETE FROM vault_meta WHERE key='name_salt' AND NOT"
                                 " EXISTS (SELECT 1 FROM slots WHERE kind='user'"
                                 " AND pk IS NULL);",
                                 v->path, err);
        return record_check(v, key, rc, err);
}

int rk_vault_use_server_key(struct rk_vault *v, const char *const *names, size_t n,
                            struct rk_error *err)
{
        char p[4096];
        unsigned char *key = NULL;
        if (v->server == SERVER_OK)
                return RK_OK;
        if (v->server == SERVER_MISSING) {
                rk_serverkey_path(v->path, p, sizeof(p), NULL);
                return rk_error_set(err, RK_ERR_CORRUPT, SERVER_MISSING_MSG, p);
        }
        int rc = new_key_begin(v, &key, err);
        if (rc == RK_OK)
                rc = switch_to_server_key(v, key, names, n, err);
        if (rc != RK_OK) {
                rk_secret_free(key);
                return rc;
        }
        take_key(v, key);
        /* kept while format-1 user slots still sit under their old labels */
        v->has_name_salt =
            vault_get_meta(v, "name_salt", v->name_salt, RK_KEY_BYTES) == 1;
        return RK_OK;
}

/* Forget name_salt once no format-1 user slot needs it. */
void vault_forget_name_salt(struct rk_vault *v)
{
        if (v->server != SERVER_OK || !v->has_name_salt)
                return;
        rk_sql_exec(v->db,
                    "DELETE FROM vault_meta WHERE key='name_salt' AND NOT EXISTS"
                    " (SELECT 1 FROM slots WHERE kind='user' AND pk IS NULL)",
                    v->path, NULL);
        unsigned char probe[RK_KEY_BYTES];
        v->has_name_salt = vault_get_meta(v, "name_salt", probe, RK_KEY_BYTES) == 1;
        sodium_memzero(probe, sizeof(probe));
}
