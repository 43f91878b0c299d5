/*
 * session.c - login, enrolment, password changes and the session rules
 * (see session.h).
 */
#include "rekisteri/i18n.h"
#include "rekisteri/session.h"
#include "rekisteri/i18n.h"
#include "rekisteri/settle.h"
#include "rekisteri/keyfiles.h"
#include "rekisteri/password.h"
#include "rekisteri/secret.h"
#include "rekisteri/text.h"
#include "rekisteri/throttle.h"
#include "rekisteri/totp.h"
#include "rekisteri/users.h"
#include "authlog.h"
#include "session_audit.h"
#include "totp_seal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ISSUER "rekisteri"

struct rk_session {
        struct rk_register *reg;
        int64_t user_id; /* 0 for a key-file session */
        char username[RK_USERNAME_MAX + 1];
        char source[RK_SOURCE_MAX];
        char roles_text[RK_ROLES_MAX * (RK_ROLE_NAME_MAX + 2)];
        struct rk_grants grants;
        int64_t started_at;
        int steps;
        struct rk_audit_actor actor;
        char place[48];   /* the screen or command in use, for audit rows */
        char language[4]; /* the account's own language, "" for none */
};

static const char *const login_failed =
    N_("login failed: wrong username, password or code");

/* ---- where from -------------------------------------------------------- */

static int address_chars_only(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                      (c >= 'A' && c <= 'F') || c == '.' || c == ':'))
                        return 0;
        }
        return n > 0;
}

void rk_session_source(char *out, size_t size)
{
        const char *ssh = getenv("SSH_CONNECTION");
        if (ssh != NULL) {
                size_t n = strcspn(ssh, " ");
                if (n < size && address_chars_only(ssh, n)) {
                        snprintf(out, size, "%.*s", (int)n, ssh);
                        return;
                }
        }
        const char *tty = ttyname(STDIN_FILENO);
        if (tty != NULL && rk_text_is_safe(tty) && strlen(tty) + 5 < size) {
                snprintf(out, size, "tty:%s", tty);
                return;
        }
        snprintf(out, size, "local");
}

/* ---- helpers ----------------------------------------------------------- */

static void throttle_policy(const struct rk_config *cfg, struct rk_throttle_policy *p)
{
        p->after = cfg->throttle_after;
        p->lock_after = cfg->lock_after;
        p->max_delay = cfg->max_delay_seconds;
}

/* Fill the session's grants and role text from the account's roles. */
static void set_grants(struct rk_session *s, const struct rk_user *u)
{
        const char *names[RK_ROLES_MAX];
        size_t used = 0;
        s->roles_text[0] = '\0';
        for (size_t i = 0; i < u->nroles; i++) {
                names[i] = u->roles[i];
                int n = snprintf(s->roles_text + used, sizeof(s->roles_text) - used,
                                 "%s%s", i ? ", " : "", u->roles[i]);
                if (n > 0 && used + (size_t)n < sizeof(s->roles_text))
                        used += (size_t)n;
        }
        rk_policy_grants(&rk_register_config(s->reg)->roles, names, u->nroles,
                         &s->grants);
}

/* Count a failure everywhere it must be counted and build the message. */
static int record_failure(struct rk_vault *v, const struct rk_config *cfg,
                          const struct rk_throttle_attempt *a, const char *username,
                          const char *source, const char *reason, int64_t now,
                          long long *wait, struct rk_error *err)
{
        struct rk_throttle_policy p;
        int locked = 0;
        throttle_policy(cfg, &p);
        rk_authlog_failure(username, source, reason);
        int rc = rk_throttle_fail(v, a, now, source, reason, &p, wait, &locked, err);
        if (rc != RK_OK)
                return rc;
        if (locked)
                return rk_error_set(
                    err, RK_ERR_LOCKED,
                    "login failed: wrong username, password or code; too many failures: "
                    "the account is now locked, ask an administrator to unlock it");
        if (*wait > 0)
                return rk_error_set(
                    err, RK_ERR_AUTH,
                    "login failed: wrong username, password or code; wait "
                    "%lld s before the next try",
                    *wait);
        return rk_error_set(err, RK_ERR_AUTH, "%s", _(login_failed));
}

static struct rk_session *session_new(struct rk_register *reg, const char *source)
{
        struct rk_session *s = calloc(1, sizeof(*s));
        if (s == NULL)
                return NULL;
        s->reg = reg;
        snprintf(s->source, sizeof(s->source), "%s", source);
        return s;
}

/* ---- login ------------------------------------------------------------- */

/* The second factor: "" only for accounts that have not enrolled. */
static int check_code(struct rk_register *reg, struct rk_user *u, const char *code,
                      int64_t now, int *steps, struct rk_error *err)
{
        char b32[RK_TOTP_SECRET_B32_SIZE];
        if (u->totp_secret[0] == '\0') {
                *steps |= RK_LOGIN_ENROL;
                return RK_OK;
        }
        int64_t step = 0;
        int rc = rk_totp_unseal(reg, u->id, u->totp_secret, b32, err);
        if (rc == RK_OK)
                rc = rk_totp_verify(b32, code, now, u->totp_last_step, &step, err);
        sodium_memzero(b32, sizeof(b32));
        if (rc == RK_OK)
                rc = rk_users_use_totp_step(rk_register_db(reg), u->id, step, err);
        /* only a wrong or reused code is a failed login; a disk that cannot
         * record the step says so, and counts against no one */
        return rc == RK_ERR_INVALID ? RK_ERR_AUTH : rc;
}

static int open_session(struct rk_register *reg, struct rk_user *u, const char *code,
                        const char *source, int64_t now, struct rk_session **out,
                        struct rk_error *err)
{
        int steps = 0;
        if (u->disabled || u->nroles == 0)
                return RK_ERR_AUTH;
        int rc = check_code(reg, u, code, now, &steps, err);
        if (rc != RK_OK)
                return rc;
        if (u->must_change_password)
                steps |= RK_LOGIN_CHANGE_PASSWORD;
        struct rk_session *s = session_new(reg, source);
        if (s == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        s->user_id = u->id;
        snprintf(s->username, sizeof(s->username), "%s", u->name);
        s->started_at = now;
        s->steps = steps;
        rk_audit_actor_init(&s->actor, u->name, source);
        set_grants(s, u);
        snprintf(s->language, sizeof(s->language), "%s", u->language);
        rk_i18n_for_account(s->language);
        *out = s;
        return RK_OK;
}

/* Finish what a forgetting left undone (settle.h); what cannot be done
 * now stays recorded, is tried again, and `check` reports it. */
static void settle_quietly(struct rk_register *reg)
{
        struct rk_error ignored;
        (void)rk_settle(reg, NULL, &ignored);
}

int rk_session_login(const struct rk_config *cfg, const char *db_path,
                     const char *username, const char *password, size_t pwlen,
                     const char *code, const char *source, int64_t now,
                     struct rk_session **out, int *step, long long *wait,
                     struct rk_error *err)
{
        char vault_path[PATH_MAX];
        struct rk_vault *v = NULL;
        struct rk_register *reg = NULL;
        struct rk_throttle_policy p;
        struct rk_throttle_attempt att;
        struct rk_user u;
        memset(&u, 0, sizeof(u));
        rk_throttle_attempt_init(&att);
        *out = NULL;
        *wait = 0;
        throttle_policy(cfg, &p);
        int rc = rk_register_vault_path(db_path, vault_path, sizeof(vault_path), err);
        if (rc == RK_OK)
                rc = rk_vault_open(vault_path, &v, err);
        /* counted and marked in flight before Argon2 runs (throttle.h) */
        if (rc == RK_OK)
                rc = rk_throttle_begin(v, username, now, &p, &att, wait, err);
        if (rc != RK_OK)
                goto out;
        rc = rk_register_unlock_user(cfg, db_path, username, password, pwlen, &reg, err);
        if (rc == RK_ERR_AUTH) {
                rc = record_failure(v, cfg, &att, username, source, "password", now, wait,
                                    err);
                goto out;
        }
        if (rc != RK_OK)
                goto out;
        rc = rk_users_get(rk_register_db(reg), username, &u, err);
        if (rc == RK_OK)
                rc = open_session(reg, &u, code, source, now, out, err);
        if (rc == RK_ERR_AUTH || rc == RK_ERR_NOTFOUND || rc == RK_ERR_INVALID) {
                rc = record_failure(v, cfg, &att, username, source, "code", now, wait,
                                    err);
                goto out;
        }
        if (rc == RK_OK) {
                reg = NULL; /* the session owns it now */
                *step = (*out)->steps;
                rc = rk_throttle_reset(v, username, err);
        }
        if (rc == RK_OK)
                rc = rk_login_audit(*out, v, "login.ok", now, err);
        if (rc == RK_OK)
                settle_quietly((*out)->reg);
out:
        rk_users_wipe(&u);
        rk_register_close(reg);
        rk_vault_close(v);
        rk_throttle_end(&att);
        if (rc != RK_OK && *out != NULL) {
                rk_session_close(*out);
                *out = NULL;
        }
        return rc;
}

int rk_session_from_register(struct rk_register *reg, const char *source,
                             struct rk_session **out, struct rk_error *err)
{
        const char *who = NULL;
        struct rk_user roles; /* only the role list is used */
        memset(&roles, 0, sizeof(roles));
        if (rk_register_unlocked_by(reg, &who) == RK_UNLOCK_KEYFILE) {
                int rc = rk_keyfiles_roles(rk_register_db(reg), who, roles.roles,
                                           &roles.nroles, err);
                if (rc != RK_OK)
                        return rc;
        }
        struct rk_session *s = session_new(reg, source);
        if (s == NULL)
                return rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        snprintf(s->username, sizeof(s->username), "%s", who);
        s->started_at = (int64_t)time(NULL);
        set_grants(s, &roles);
        /* the holder of the recovery key holds every key already: let them
         * manage keys (restore, rotate), and nothing else */
        if (rk_register_unlocked_by(reg, NULL) == RK_UNLOCK_RECOVERY)
                s->grants.actions |= 1u << RK_ACTION_KEYS;
        char user[80];
        snprintf(user, sizeof(user), "%s:%s",
                 rk_register_unlocked_by(reg, NULL) == RK_UNLOCK_KEYFILE ? "keyfile"
                                                                         : "recovery",
                 who);
        rk_audit_actor_init(&s->actor, user, source);
        rk_i18n_for_account(NULL);
        int rc =
            rk_login_audit(s, rk_register_vault(reg), "unlock.ok", s->started_at, err);
        if (rc != RK_OK) {
                s->reg = NULL; /* the caller still owns reg on failure */
                rk_session_close(s);
                return rc;
        }
        settle_quietly(reg);
        *out = s;
        return RK_OK;
}

void rk_session_close(struct rk_session *s)
{
        if (s == NULL)
                return;
        if (s->reg != NULL)
                settle_quietly(s->reg);
        rk_register_close(s->reg);
        sodium_memzero(s, sizeof(*s));
        /* the login screen that follows speaks the register's language */
        rk_i18n_for_account(NULL);
        free(s);
}

/* ---- during the session ------------------------------------------------ */

int rk_session_check(struct rk_session *s, int64_t now, struct rk_error *err)
{
        const struct rk_config *cfg = rk_register_config(s->reg);
        if (now - s->started_at > cfg->max_session_hours * 3600)
                return rk_error_set(
                    err, RK_ERR_LOCKED,
                    "the session has reached its %lld-hour limit; log in again",
                    cfg->max_session_hours);
        if (s->user_id == 0)
                return RK_OK;
        struct rk_user u;
        int rc = rk_users_get(rk_register_db(s->reg), s->username, &u, err);
        rk_users_wipe(&u);
        if (rc == RK_ERR_NOTFOUND || (rc == RK_OK && (u.disabled || u.nroles == 0)))
                return rk_error_set(err, RK_ERR_LOCKED,
                                    "this account has been disabled; the session ends");
        if (rc == RK_OK)
                set_grants(s, &u);
        return rc;
}

int rk_session_verify_password(struct rk_session *s, const char *password, size_t pwlen,
                               int64_t now, long long *wait, struct rk_error *err)
{
        const struct rk_config *cfg = rk_register_config(s->reg);
        struct rk_vault *v = rk_register_vault(s->reg);
        struct rk_throttle_policy p;
        struct rk_throttle_attempt att;
        struct rk_kdf_cost cost = {cfg->argon2_ops, cfg->argon2_mem_kib};
        *wait = 0;
        throttle_policy(cfg, &p);
        rk_throttle_attempt_init(&att);
        int rc = rk_throttle_begin(v, s->username, now, &p, &att, wait, err);
        if (rc != RK_OK)
                return rc;
        unsigned char *mk = rk_secret_alloc(RK_KEY_BYTES);
        rc = mk != NULL
                 ? rk_vault_unlock_user(v, s->username, password, pwlen, &cost, mk, err)
                 : rk_error_set(err, RK_ERR_NOMEM, "out of memory");
        rk_secret_free(mk);
        if (rc == RK_ERR_AUTH) {
                rc = record_failure(v, cfg, &att, s->username, s->source, "password", now,
                                    wait, err);
                if (rc == RK_ERR_AUTH && *wait)
                        rk_error_set(err, rc, "wrong password; wait before the next try");
                else if (rc == RK_ERR_AUTH)
                        rk_error_set(err, rc, "wrong password");
        } else if (rc == RK_OK) {
                rc = rk_throttle_reset(v, s->username, err);
        }
        rk_throttle_end(&att);
        return rc;
}

int rk_session_set_password(struct rk_session *s, const char *password, size_t pwlen,
                            struct rk_error *err)
{
        const struct rk_config *cfg = rk_register_config(s->reg);
        struct rk_password_policy *policy = NULL;
        struct rk_kdf_cost cost = {cfg->argon2_ops, cfg->argon2_mem_kib};
        if (s->user_id == 0)
                return rk_error_set(err, RK_ERR_DENIED,
                                    "only staff accounts have passwords");
        int rc = rk_password_policy_for(cfg, &policy, err);
        if (rc == RK_OK)
                rc = rk_password_check(policy, password, pwlen, err);
        rk_password_policy_free(policy);
        if (rc == RK_OK)
                rc = rk_vault_set_user(rk_register_vault(s->reg), s->username, password,
                                       pwlen, &cost, rk_register_master_key(s->reg), err);
        if (rc == RK_OK)
                rc = rk_users_set_flag(rk_register_db(s->reg), s->user_id,
                                       "must_change_password", 0, err);
        if (rc == RK_OK)
                s->steps &= ~RK_LOGIN_CHANGE_PASSWORD;
        return rc;
}

int rk_session_enrol_begin(struct rk_session *s, char *secret_b32, char *uri,
                           size_t urisz, struct rk_error *err)
{
        if (s->user_id == 0)
                return rk_error_set(err, RK_ERR_DENIED, "only staff accounts enrol");
        const struct rk_config *cfg = rk_register_config(s->reg);
        const char *issuer = cfg->company_name[0] ? cfg->company_name : ISSUER;
        int rc = rk_totp_secret_new(secret_b32, RK_TOTP_SECRET_B32_SIZE, err);
        if (rc == RK_OK)
                rc = rk_totp_uri(issuer, s->username, secret_b32, uri, urisz, err);
        char sealed[RK_TOTP_STORED_SIZE];
        if (rc == RK_OK) /* at rest only sealed under the server key */
                rc = rk_totp_seal(s->reg, s->user_id, secret_b32, sealed, err);
        if (rc == RK_OK)
                rc = rk_users_set_pending_totp(rk_register_db(s->reg), s->user_id, sealed,
                                               err);
        return rc;
}

int rk_session_enrol_finish(struct rk_session *s, const char *code, int64_t now,
                            struct rk_error *err)
{
        struct rk_user u;
        char b32[RK_TOTP_SECRET_B32_SIZE];
        int64_t step = 0;
        int rc = rk_users_get(rk_register_db(s->reg), s->username, &u, err);
        if (rc == RK_OK && u.totp_pending[0] == '\0')
                rc = rk_error_set(err, RK_ERR_INVALID, "no enrolment is in progress");
        if (rc == RK_OK)
                rc = rk_totp_unseal(s->reg, u.id, u.totp_pending, b32, err);
        if (rc == RK_OK)
                rc = rk_totp_verify(b32, code, now, -1, &step, err);
        sodium_memzero(b32, sizeof(b32));
        if (rc == RK_OK)
                rc = rk_users_confirm_totp(rk_register_db(s->reg), s->user_id, step, err);
        rk_users_wipe(&u);
        if (rc == RK_OK)
                s->steps &= ~RK_LOGIN_ENROL;
        return rc;
}

/* ---- accessors --------------------------------------------------------- */

struct rk_register *rk_session_register(struct rk_session *s)
{
        return s->reg;
}

const char *rk_session_language(const struct rk_session *s)
{
        return s->language;
}

int rk_session_set_language(struct rk_session *s, const char *lang, struct rk_error *err)
{
        if (s->user_id == 0)
                return rk_error_set(
                    err, RK_ERR_DENIED,
                    _("a key-file session has no account to keep a language"));
        int rc = rk_users_set_language(rk_register_db(s->reg), s->user_id, lang, err);
        if (rc != RK_OK)
                return rc;
        snprintf(s->language, sizeof(s->language), "%s", lang != NULL ? lang : "");
        rk_i18n_for_account(s->language);
        return RK_OK;
}

const char *rk_session_username(const struct rk_session *s)
{
        return s->username;
}

const char *rk_session_source_text(const struct rk_session *s)
{
        return s->source;
}

const struct rk_grants *rk_session_grants(const struct rk_session *s)
{
        return &s->grants;
}

int rk_session_pending_steps(const struct rk_session *s)
{
        return s->steps;
}

const char *rk_session_roles_text(const struct rk_session *s)
{
        return s->roles_text;
}

const struct rk_audit_actor *rk_session_actor(const struct rk_session *s)
{
        return &s->actor;
}

void rk_session_set_place(struct rk_session *s, const char *place)
{
        snprintf(s->place, sizeof(s->place), "%s", place ? place : "");
}

const char *rk_session_place(const struct rk_session *s)
{
        return s->place;
}
