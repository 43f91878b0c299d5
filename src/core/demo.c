/*
 * demo.c - creating the demo register with its staff accounts
 * (rk_demo_create, see demo.h); the customer data is demo_gen.c's.
 *
 * The register is made by rk_register_create with the account "admin";
 * the other default roles get an account named after the role through the
 * same calls the account screens use (users.h rows, vault.h keyslots).
 * Each account is enrolled at once: its TOTP secret is set pending and
 * confirmed with step 0, so the first real code is accepted. Passwords are
 * 24 URL-safe base64 characters of 18 bytes from randombytes (144 bits),
 * checked against the password policy like any other.
 */
#include "rekisteri/audit.h"
#include "rekisteri/demo.h"
#include "rekisteri/password.h"
#include "rekisteri/serverkey.h"
#include "rekisteri/users.h"
#include "totp_seal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PASSWORD_BYTES 18

static int make_password(const struct rk_password_policy *policy, char *out,
                         struct rk_error *err)
{
        unsigned char raw[PASSWORD_BYTES];
        int rc;
        do {
                randombytes_buf(raw, sizeof(raw));
                sodium_bin2base64(out, RK_DEMO_PASSWORD_SIZE, raw, sizeof(raw),
                                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
                rc = rk_password_check(policy, out, strlen(out), err);
        } while (rc == RK_ERR_INVALID); /* a random string on the blocklist: draw again */
        sodium_memzero(raw, sizeof(raw));
        return rc;
}

/* Names, roles and passwords for every account, before anything exists. */
static int prepare_users(const struct rk_config *cfg, struct rk_demo_user *users,
                         struct rk_error *err)
{
        struct rk_roleset set;
        struct rk_password_policy *policy = NULL;
        rk_policy_defaults(&set);
        if (set.n != RK_DEMO_USERS)
                return rk_error_set(err, RK_ERR_INTERNAL,
                                    "demo: expected %d default roles", RK_DEMO_USERS);
        int rc = rk_password_policy_for(cfg, &policy, err);
        for (size_t i = 0; rc == RK_OK && i < set.n; i++) {
                snprintf(users[i].name, sizeof(users[i].name), "%s", set.roles[i].name);
                snprintf(users[i].role, sizeof(users[i].role), "%s", set.roles[i].name);
                rc = make_password(policy, users[i].password, err);
        }
        rk_password_policy_free(policy);
        return rc;
}

static int enrol(sqlite3 *db, int64_t id, struct rk_demo_user *u, struct rk_error *err)
{
        int rc = rk_totp_secret_new(u->totp_secret, sizeof(u->totp_secret), err);
        if (rc == RK_OK)
                rc = rk_users_set_pending_totp(db, id, u->totp_secret, err);
        if (rc == RK_OK)
                rc = rk_users_confirm_totp(db, id, 0, err);
        return rc;
}

/* Create (or, for admin, find) the account of u, with its keyslot. */
static int add_user(struct rk_register *reg, struct rk_demo_user *u, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(reg);
        const struct rk_config *cfg = rk_register_config(reg);
        struct rk_kdf_cost cost = {cfg->argon2_ops, cfg->argon2_mem_kib};
        struct rk_user existing;
        int64_t id = 0;
        int rc;
        if (strcmp(u->name, "admin") == 0) {
                rc = rk_users_get(db, u->name, &existing, err);
                id = existing.id;
                rk_users_wipe(&existing);
        } else {
                rc = rk_users_create(db, u->name, u->role, 0, &id, err);
                if (rc == RK_OK)
                        rc = rk_vault_set_user(rk_register_vault(reg), u->name,
                                               u->password, strlen(u->password), &cost,
                                               rk_register_master_key(reg), err);
        }
        if (rc == RK_OK)
                rc = enrol(db, id, u, err);
        return rc;
}

static const char *admin_password(const struct rk_demo_user *users)
{
        for (int i = 0; i < RK_DEMO_USERS; i++)
                if (strcmp(users[i].name, "admin") == 0)
                        return users[i].password;
        return NULL;
}

static void remove_register(const char *db_path)
{
        const char *suffixes[] = {"", "-wal", "-shm", RK_VAULT_SUFFIX,
                                  RK_SERVERKEY_SUFFIX};
        char path[PATH_MAX + 8];
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
                snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
                unlink(path);
        }
}

int rk_demo_create(const struct rk_config *cfg, const char *db_path,
                   const struct rk_demo_options *opt, struct rk_demo_user *users,
                   char *recovery, char *audit_key, rk_demo_progress progress, void *ctx,
                   struct rk_error *err)
{
        struct rk_register *reg = NULL;
        memset(users, 0, RK_DEMO_USERS * sizeof(*users));
        if (opt->customers < 1 || opt->customers > RK_DEMO_MAX_CUSTOMERS)
                return rk_error_set(err, RK_ERR_INVALID, "the demo has 1 to %d customers",
                                    RK_DEMO_MAX_CUSTOMERS);
        int rc = prepare_users(cfg, users, err);
        const char *pw = admin_password(users);
        if (rc == RK_OK && pw == NULL)
                rc = rk_error_set(err, RK_ERR_INTERNAL, "demo: no admin role");
        if (rc == RK_OK)
                rc = rk_register_create(cfg, db_path, "admin", pw, strlen(pw), recovery,
                                        audit_key, &reg, err);
        if (rc != RK_OK) /* nothing of ours exists yet */
                goto out;
        for (int i = 0; rc == RK_OK && i < RK_DEMO_USERS; i++)
                rc = add_user(reg, &users[i], err);
        if (rc == RK_OK) /* the secrets rest sealed, as enrolment leaves them */
                rc = rk_totp_seal_all(reg, err);
        if (rc == RK_OK)
                rc = rk_demo_generate(rk_register_db(reg), opt, progress, ctx, err);
        rk_register_close(reg);
        if (rc != RK_OK)
                remove_register(db_path);
out:
        if (rc != RK_OK) {
                sodium_memzero(users, RK_DEMO_USERS * sizeof(*users));
                sodium_memzero(recovery, RK_RECOVERY_KEY_CHARS);
        }
        return rc;
}
