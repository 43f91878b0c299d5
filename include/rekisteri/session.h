/*
 * session.h - a logged-in member of staff: login with password and TOTP,
 * enrolment of the second factor, password changes, and the session rules
 * (absolute limit, disabled accounts end at their next action).
 *
 * Login order: throttle check (no Argon2 run while waiting or locked), then
 * the password (unwrapping the user's keyslot), then the TOTP code. A wrong
 * password, a wrong code and an unknown user give the same message and
 * the same counter. Each failure goes to syslog (LOG_AUTHPRIV) with the
 * username and the SSH client address, never the password or code.
 */
#ifndef REKISTERI_SESSION_H
#define REKISTERI_SESSION_H

#include "rekisteri/audit.h"
#include "rekisteri/config.h"
#include "rekisteri/error.h"
#include "rekisteri/policy.h"
#include "rekisteri/register.h"

#include <stdint.h>

#define RK_SOURCE_MAX   64
#define RK_TOTP_URI_MAX 512

struct rk_session;

/* What the user must do before the session is ready. */
enum rk_login_step {
        RK_LOGIN_READY = 0,
        RK_LOGIN_ENROL = 1,           /* no second factor yet */
        RK_LOGIN_CHANGE_PASSWORD = 2, /* an admin reset the password */
};

/* rk_session_source - where this process is used from: the SSH client
 * address from SSH_CONNECTION, else "tty:/dev/..." , else "local". */
void rk_session_source(char *out, size_t size);

/*
 * rk_session_login - authenticate and open a session. code is the 6-digit
 * TOTP code, or "" for an account that has not enrolled yet. now is the
 * Unix time (injectable for tests). On RK_OK, *out is the caller's and
 * *step says what the user must do first (a bit set of enum rk_login_step).
 * Errors: RK_ERR_AUTH (one message for user, password and code; *wait gets
 * the delay now in force), RK_ERR_BUSY (must wait *wait s), RK_ERR_LOCKED.
 */
int rk_session_login(const struct rk_config *cfg, const char *db_path,
                     const char *username, const char *password, size_t pwlen,
                     const char *code, const char *source, int64_t now,
                     struct rk_session **out, int *step, long long *wait,
                     struct rk_error *err);

/* rk_session_from_register - a session for a register unlocked by a key
 * file (unattended jobs) or the recovery key. A key file gets the roles it
 * was made with (keyfiles.h); anything else gets none. Takes ownership of
 * reg on success. */
int rk_session_from_register(struct rk_register *reg, const char *source,
                             struct rk_session **out, struct rk_error *err);

/* rk_session_close - close the register and wipe; NULL is fine. */
void rk_session_close(struct rk_session *s);

/*
 * rk_session_check - may the session go on? RK_ERR_LOCKED when the account
 * was disabled or its roles removed meanwhile, or the absolute limit
 * ([session] max_hours) has passed. Call before every action.
 */
int rk_session_check(struct rk_session *s, int64_t now, struct rk_error *err);

/* rk_session_verify_password - re-enter the password (idle unlock, profile).
 * Counts failures like a login. */
int rk_session_verify_password(struct rk_session *s, const char *password, size_t pwlen,
                               int64_t now, long long *wait, struct rk_error *err);

/*
 * rk_session_set_password - replace the user's password after checking it
 * against the policy (password.h); clears the must-change flag. The
 * keyslot is rewritten; the old password stops working.
 */
int rk_session_set_password(struct rk_session *s, const char *password, size_t pwlen,
                            struct rk_error *err);

/* rk_session_enrol_begin - draw a new TOTP secret (kept pending until
 * confirmed); writes its base32 text (33 bytes) and otpauth URI. */
int rk_session_enrol_begin(struct rk_session *s, char *secret_b32, char *uri,
                           size_t urisz, struct rk_error *err);

/* rk_session_enrol_finish - confirm the pending secret with one valid code;
 * only then does it replace the old one. RK_ERR_AUTH for a wrong code. */
int rk_session_enrol_finish(struct rk_session *s, const char *code, int64_t now,
                            struct rk_error *err);

/* Accessors. Strings are owned by the session. */
struct rk_register *rk_session_register(struct rk_session *s);
const char *rk_session_username(const struct rk_session *s);
const char *rk_session_source_text(const struct rk_session *s);
const struct rk_grants *rk_session_grants(const struct rk_session *s);
int rk_session_pending_steps(const struct rk_session *s);
/* rk_session_roles_text - the roles as "sales, billing". */
const char *rk_session_roles_text(const struct rk_session *s);
/* rk_session_actor - who this session is, for audit rows written inside a
 * caller's transaction (rk_audit_append). */
const struct rk_audit_actor *rk_session_actor(const struct rk_session *s);

/*
 * Languages (i18n.h). A session opened by a login switches the program to
 * the account's own language (rk_i18n_for_account), one unlocked by a key
 * file to the session's default; the login screen spoke the register's,
 * and rk_session_close goes back to it.
 * rk_session_language returns the account's choice, "" for none.
 * rk_session_set_language stores a new choice for the logged-in account
 * ("en", "fi", "sv"; "" clears it) and switches to it: RK_ERR_INVALID for
 * another value, RK_ERR_DENIED for a key-file session (no account).
 */
const char *rk_session_language(const struct rk_session *s);
int rk_session_set_language(struct rk_session *s, const char *lang, struct rk_error *err);

/* rk_session_set_place - name the screen or command now in use ("customer
 * detail", "cli:audit list"); audit rows of reads and changes carry it.
 * rk_session_place returns it ("" until set). */
void rk_session_set_place(struct rk_session *s, const char *place);
const char *rk_session_place(const struct rk_session *s);

/*
 * rk_session_audit - record one event of this session in a transaction of
 * its own (the time is now). For events inside a data transaction, use
 * rk_audit_append with rk_session_actor instead. On failure the caller
 * must not go on with what it was about to do.
 */
int rk_session_audit(struct rk_session *s, const char *action, int64_t subject,
                     const char *groups, const char *screen, const char *result,
                     const char *target, struct rk_error *err);

#endif
