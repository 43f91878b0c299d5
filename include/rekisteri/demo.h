/*
 * demo.h - a realistic, generated demo register, for trying the program,
 * for screenshots and end-to-end tests, and for the benchmarks.
 *
 * The data is deterministic for a given seed and customer count: Finnish
 * and Swedish names, real postal code and city pairs (data/demo/),
 * companies with valid Y-tunnus check digits, persons with fictitious
 * henkilötunnus codes (individual numbers 900-999, the range for temporary
 * codes) with valid check characters, contact persons, orders with lines
 * spread over 2019-2025, notes and marketing consents, and a few
 * restricted (GDPR Art. 18) customers. Customer numbers are C000001,
 * C000002, ...; order numbers O00000001, ...
 *
 * Fixed customers, for tests and demonstrations:
 *   C000001  Aino Hämäläinen, a person (Ä/ä folding);
 *   C000002  Erik Åström, a person (Å/å folding);
 *   C000666  an adversarial record: its name, street and one note hold a
 *            terminal title escape (ESC ] 0;pwned BEL), a clear-screen
 *            escape (ESC [2J), a carriage return and U+202E RIGHT-TO-LEFT
 *            OVERRIDE, as an import from a hostile source could. It lives
 *            at 00100 Helsinki. It is the 666th customer, or the last one
 *            when there are fewer than 666; its number is C000666 either way.
 * These values bypass the validators on purpose: display code must render
 * them harmless anyway.
 *
 * Users and their secrets are not deterministic: passwords and TOTP secrets
 * come from libsodium's random generator.
 */
#ifndef REKISTERI_DEMO_H
#define REKISTERI_DEMO_H

#include "rekisteri/config.h"
#include "rekisteri/error.h"
#include "rekisteri/policy.h"
#include "rekisteri/register.h"
#include "rekisteri/totp.h"
#include "rekisteri/vault.h"

#include <sqlite3.h>
#include <stdint.h>

#define RK_DEMO_DEFAULT_CUSTOMERS 3000
#define RK_DEMO_MAX_CUSTOMERS     10000000
#define RK_DEMO_ADVERSARIAL       "C000666"
#define RK_DEMO_USERS             5  /* one per default role */
#define RK_DEMO_PASSWORD_SIZE     33 /* 32 characters and a NUL */

struct rk_demo_options {
        int64_t customers; /* 1..RK_DEMO_MAX_CUSTOMERS */
        uint64_t seed;
};

/*
 * Progress: stage is "customers" while rows are written, then "search
 * index"; done/total count customers. Called every few thousand and at
 * the end of each stage.
 */
typedef void (*rk_demo_progress)(void *ctx, const char *stage, int64_t done,
                                 int64_t total);

/*
 * rk_demo_generate - write the demo customers and everything hanging off
 * them into db (schema at the current version, no customers yet: else
 * RK_ERR_EXISTS), in transactions of some thousand customers with prepared
 * statements, then rebuild the search index. The word lists are read from
 * data/demo/ (RK_ERR_IO naming a missing file). progress may be NULL.
 * Used by rk_demo_create and by the benchmarks, which also run it on an
 * unencrypted store.
 */
int rk_demo_generate(sqlite3 *db, const struct rk_demo_options *opt,
                     rk_demo_progress progress, void *ctx, struct rk_error *err);

/* One demo account: username = role name. */
struct rk_demo_user {
        char name[RK_USERNAME_MAX + 1];
        char role[RK_ROLE_NAME_MAX + 1];
        char password[RK_DEMO_PASSWORD_SIZE];
        char totp_secret[RK_TOTP_SECRET_B32_SIZE];
};

/*
 * rk_demo_create - create a new register at db_path (refused with
 * RK_ERR_EXISTS when it or its slot file exists) with one account per
 * default role (sales, billing, warehouse, supervisor, admin; the username
 * is the role name), each with a random password that passes the password
 * policy, need not be changed, and an enrolled TOTP secret; then fill it
 * with rk_demo_generate. users (RK_DEMO_USERS entries), recovery
 * (RK_RECOVERY_KEY_CHARS) and audit_key (RK_AUDIT_KEY_TEXT) receive the
 * secrets for showing once: the caller
 * provides them in guarded memory (rk_secret_alloc) and wipes them. Keyslots
 * use the Argon2id cost of cfg. On failure every file created is removed.
 */
int rk_demo_create(const struct rk_config *cfg, const char *db_path,
                   const struct rk_demo_options *opt, struct rk_demo_user *users,
                   char *recovery, char *audit_key, rk_demo_progress progress, void *ctx,
                   struct rk_error *err);

#endif
