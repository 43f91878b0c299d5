/*
 * testutil.h - shared fixtures for the unit tests: a private temporary
 * directory per test, a fast configuration (Argon2id at its minimum cost)
 * and file helpers.
 */
#ifndef REKISTERI_TESTUTIL_H
#define REKISTERI_TESTUTIL_H

#include "rekisteri/config.h"
#include "rekisteri/register.h"
#include "rekisteri/session.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* tu_tmpdir - create a fresh private directory; returns its path (static). */
const char *tu_tmpdir(void);

/* tu_path - tu_tmpdir()/name in a static rotating buffer. */
const char *tu_path(const char *name);

/* tu_rmdir - remove the directory made by tu_tmpdir and everything in it. */
void tu_rmdir(void);

/* tu_fast_config - defaults with the cheapest Argon2id. */
void tu_fast_config(struct rk_config *cfg);

/* tu_read_file - whole file into a malloc'd buffer; NULL when missing. */
unsigned char *tu_read_file(const char *path, size_t *len);

/* tu_write_file - replace a file's contents with mode 0600. */
int tu_write_file(const char *path, const void *data, size_t len);

/* tu_contains - 1 when needle occurs in hay. */
int tu_contains(const unsigned char *hay, size_t hay_len, const char *needle);

/* tu_same_file - 1 when the file's bytes equal data. */
int tu_same_file(const char *path, const unsigned char *data, size_t len);

/*
 * tu_register - create a register at path with its first admin and
 * password; recovery (RK_RECOVERY_KEY_CHARS) and audit_key
 * (RK_AUDIT_KEY_TEXT) receive the keys shown once, when not NULL. The
 * caller closes the register. Fails the test on any error.
 */
struct rk_register *tu_register(const struct rk_config *cfg, const char *path,
                                const char *admin, const char *pw, char *recovery,
                                char *audit_key);

/*
 * tu_enrol - make name a ready account of reg: created with role (unless it
 * exists already, as the first admin does), keyslot under pw, and the TOTP
 * secret confirmed at step `step`. Fails the test on any error.
 */
void tu_enrol(struct rk_register *reg, const struct rk_config *cfg, const char *name,
              const char *role, const char *pw, const char *secret, int64_t step);

/*
 * tu_login - log name in for real (password and a TOTP code from secret) at
 * *clock + 30 s, moving *clock on so every login has a fresh step; the
 * session must be ready. Fails the test on any error.
 */
struct rk_session *tu_login(const struct rk_config *cfg, const char *db, const char *name,
                            const char *pw, const char *secret, int64_t *clock);

/* tu_sql_int - the first column of the one row sql gives on db (a count,
 * an id); fails the test when it gives none. */
int64_t tu_sql_int(sqlite3 *db, const char *sql);

/* tu_must - fail the test with err's message unless rc is RK_OK. */
void tu_must(int rc, const struct rk_error *err);

/*
 * tu_team - a new register at db (cfg's roles) with n ready accounts
 * users[i] of role roles[i], each logged in for real (password and a TOTP
 * code at a clock that moves on per login) into sess[i]. Close them with
 * tu_team_close. Fails the test on any error.
 */
void tu_team(const struct rk_config *cfg, const char *db, const char *const *users,
             const char *const *roles, size_t n, struct rk_session **sess);
void tu_team_close(struct rk_session **sess, size_t n);

/*
 * tu_products - add the test catalogue through s (which needs the
 * products action): HAMMER 12,50, NAILS100 4,00, SAW 25,00, DRILL 99,00,
 * TAPE 3,20, GLUE 2,10, LADDER 80,00, ROPE 1,00, SECRET 5,00, all at
 * 25,5 % VAT but NAILS100 at 14 % and TAPE at 10 %. Fails the test on
 * any error.
 */
void tu_products(struct rk_session *s);

#endif
