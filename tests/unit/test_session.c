/*
 * test_session.c - login with password and TOTP, replay, throttling and
 * lockout, enrolment, forced password change, the session rules, account
 * administration and key-file roles, on a real register in a temp dir.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/accounts.h"
#include "rekisteri/audit.h"
#include "rekisteri/keyfiles.h"
#include "rekisteri/session.h"
#include "rekisteri/throttle.h"
#include "rekisteri/totp.h"
#include "rekisteri/users.h"
#include "testutil.h"

#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>

static struct rk_config cfg;
static const char admin_pw[] = "kolme iloista kalaa";
static char admin_secret[RK_TOTP_SECRET_B32_SIZE];
static const int64_t T0 = 1800000000; /* a fixed "now", on a step boundary */

static const char *db(void)
{
        return tu_path("r.db");
}

static void code_at(const char *secret, int64_t t, char *out)
{
        assert_int_equal(rk_totp_code(secret, t, out, NULL), RK_OK);
}

/* Log in; fail the test with the message when it does not work. */
static struct rk_session *login(const char *user, const char *pw, const char *code,
                                int64_t now, int *steps)
{
        struct rk_session *s = NULL;
        struct rk_error err;
        long long wait;
        int st = 0;
        int rc = rk_session_login(&cfg, db(), user, pw, strlen(pw), code, "127.0.0.1",
                                  now, &s, &st, &wait, &err);
        if (rc != RK_OK)
                fail_msg("login %s: %s", user, err.msg);
        if (steps)
                *steps = st;
        return s;
}

static int login_rc(const char *user, const char *pw, const char *code, int64_t now,
                    struct rk_error *err, long long *wait)
{
        struct rk_session *s = NULL;
        int st;
        int rc = rk_session_login(&cfg, db(), user, pw, strlen(pw), code, "127.0.0.1",
                                  now, &s, &st, wait, err);
        rk_session_close(s);
        return rc;
}

/* A fresh register whose admin has enrolled (confirmed at step T0/30 - 10). */
static int setup(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        tu_tmpdir();
        tu_fast_config(&cfg);
        cfg.throttle_after = 2;
        cfg.lock_after = 5;
        reg = tu_register(&cfg, db(), "admin", admin_pw, NULL, NULL);
        struct rk_user u;
        assert_int_equal(rk_users_get(rk_register_db(reg), "admin", &u, &err), RK_OK);
        assert_int_equal(rk_totp_secret_new(admin_secret, sizeof(admin_secret), &err),
                         RK_OK);
        assert_int_equal(
            rk_users_set_pending_totp(rk_register_db(reg), u.id, admin_secret, &err),
            RK_OK);
        assert_int_equal(
            rk_users_confirm_totp(rk_register_db(reg), u.id, T0 / 30 - 10, &err), RK_OK);
        rk_register_close(reg);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

static void test_login_and_replay(void **state)
{
        (void)state;
        char code[RK_TOTP_CODE_SIZE];
        struct rk_error err;
        long long wait;
        code_at(admin_secret, T0, code);
        int steps = -1;
        struct rk_session *s = login("admin", admin_pw, code, T0, &steps);
        assert_int_equal(steps, RK_LOGIN_READY);
        assert_string_equal(rk_session_username(s), "admin");
        assert_true(rk_authorize_action(rk_session_grants(s), RK_ACTION_ACCOUNTS));
        assert_false(rk_authorize_read(rk_session_grants(s), RK_GROUP_CONTACT));
        rk_session_close(s);
        /* the same code again: refused, even a moment later */
        assert_int_equal(login_rc("admin", admin_pw, code, T0 + 5, &err, &wait),
                         RK_ERR_AUTH);
        /* the previous step's code is older than the one used: refused */
        code_at(admin_secret, T0 - 30, code);
        assert_int_equal(login_rc("admin", admin_pw, code, T0 + 5, &err, &wait),
                         RK_ERR_AUTH);
        /* the next step works */
        code_at(admin_secret, T0 + 30, code);
        s = login("admin", admin_pw, code, T0 + 30, NULL);
        rk_session_close(s);
}

static void test_one_message_growing_delay_and_lock(void **state)
{
        (void)state;
        char code[RK_TOTP_CODE_SIZE];
        struct rk_error e1, e2, e3;
        long long w1 = 0, w2 = 0, w3 = 0;
        code_at(admin_secret, T0, code);
        /* wrong password, wrong code, unknown user: the same words */
        assert_int_equal(login_rc("admin", "wrong password!", code, T0, &e1, &w1),
                         RK_ERR_AUTH);
        assert_int_equal(login_rc("admin", admin_pw, "000000", T0 + 100, &e2, &w2),
                         RK_ERR_AUTH);
        assert_non_null(strstr(e1.msg, "wrong username, password or code"));
        assert_non_null(strstr(e2.msg, "wrong username, password or code"));
        assert_int_equal(w1, 0);
        assert_int_equal(w2, 2); /* throttle_after = 2: the second failure waits 2 s */
        /* trying during the wait is refused without counting */
        assert_int_equal(login_rc("admin", admin_pw, code, T0 + 101, &e3, &w3),
                         RK_ERR_BUSY);
        assert_int_equal(w3, 1);
        assert_int_equal(login_rc("admin", "wrong again!!", code, T0 + 200, &e3, &w3),
                         RK_ERR_AUTH);
        assert_int_equal(w3, 4); /* the delay grows */
        assert_int_equal(login_rc("admin", "wrong again!!", code, T0 + 300, &e3, &w3),
                         RK_ERR_AUTH);
        assert_int_equal(w3, 8);
        assert_int_equal(login_rc("admin", "wrong again!!", code, T0 + 400, &e3, &w3),
                         RK_ERR_LOCKED);
        /* the lockout is queued for the audit trail like the failures */
        struct rk_vault *v;
        struct rk_auth_failure q[16];
        size_t nq = 0;
        assert_int_equal(rk_vault_open(tu_path("r.db.keys"), &v, &e3), RK_OK);
        assert_int_equal(rk_throttle_queued(v, q, 16, &nq, &e3), RK_OK);
        assert_int_equal(nq, 6); /* five failures and the lockout */
        assert_string_equal(q[5].reason, "lockout");
        rk_vault_close(v);
        /* locked: even the right password and code are refused */
        assert_int_equal(login_rc("admin", admin_pw, code, T0 + 9999, &e3, &w3),
                         RK_ERR_LOCKED);
        /* unknown users are counted the same way, so lockout says nothing */
        struct rk_error u1, u2;
        assert_int_equal(login_rc("nobody", "whatever12345", "", T0, &u1, &w1),
                         RK_ERR_AUTH);
        assert_int_equal(login_rc("nobody", "whatever12345", "", T0 + 10, &u2, &w2),
                         RK_ERR_AUTH);
        assert_string_equal(u2.msg, e2.msg);
}

static void test_failures_queued_without_secrets(void **state)
{
        (void)state;
        struct rk_error err;
        long long wait;
        struct rk_vault *v;
        struct rk_auth_failure f[8];
        size_t n = 0;
        assert_int_equal(login_rc("admin", "hunter2hunter2", "", T0, &err, &wait),
                         RK_ERR_AUTH);
        assert_int_equal(rk_vault_open(tu_path("r.db.keys"), &v, &err), RK_OK);
        assert_int_equal(rk_throttle_queued(v, f, 8, &n, &err), RK_OK);
        assert_int_equal(n, 1);
        assert_string_equal(f[0].source, "127.0.0.1");
        assert_string_equal(f[0].reason, "password");
        assert_int_equal(f[0].at, T0);
        rk_vault_close(v);
        size_t len;
        unsigned char *bytes = tu_read_file(tu_path("r.db.keys"), &len);
        assert_false(tu_contains(bytes, len, "hunter2"));
        assert_false(tu_contains(bytes, len, "admin"));
        /* the record itself is sealed under the server key: neither the
         * source nor the reason (which told a right password) is in clear */
        assert_false(tu_contains(bytes, len, "127.0.0.1"));
        assert_false(tu_contains(bytes, len, "password"));
        free(bytes);
}

/* How many counters the slot file holds for username (0 or 1). */
static int counter_rows(const char *username)
{
        struct rk_vault *v;
        struct rk_error err;
        char label[2 * RK_KEY_BYTES + 1], sql[160];
        assert_int_equal(rk_vault_open(tu_path("r.db.keys"), &v, &err), RK_OK);
        assert_int_equal(rk_vault_user_label(v, username, label, &err), RK_OK);
        rk_vault_close(v);
        sqlite3 *db;
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_open(tu_path("r.db.keys"), &db), SQLITE_OK);
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM throttle WHERE label='%s'",
                 label);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return n;
}

static void test_unknown_names_expire(void **state)
{
        (void)state;
        struct rk_error err;
        long long wait;
        char code[RK_TOTP_CODE_SIZE];
        code_at(admin_secret, T0, code);
        assert_int_equal(login_rc("ghost", "whatever12345", "", T0, &err, &wait),
                         RK_ERR_AUTH);
        assert_int_equal(login_rc("admin", "wrong password!", code, T0, &err, &wait),
                         RK_ERR_AUTH);
        assert_int_equal(counter_rows("ghost"), 1); /* the test sees the row first */
        assert_int_equal(counter_rows("admin"), 1);
        /* an hour later both stay: an unknown name is counted like a real one */
        assert_int_equal(login_rc("nobody", "whatever12345", "", T0 + 3600, &err, &wait),
                         RK_ERR_AUTH);
        assert_int_equal(counter_rows("ghost"), 1);
        /* days later the unknown name's idle counter is gone, the account's
         * is not */
        assert_int_equal(
            login_rc("nobody", "whatever12345", "", T0 + 4 * 86400, &err, &wait),
            RK_ERR_AUTH);
        assert_int_equal(counter_rows("ghost"), 0);
        assert_int_equal(counter_rows("admin"), 1);
}

static void test_one_attempt_in_flight(void **state)
{
        (void)state;
        struct rk_vault *v;
        struct rk_error err;
        struct rk_throttle_attempt a, b, c;
        struct rk_throttle_policy p = {2, 5, 8};
        long long wait = 0;
        assert_int_equal(rk_vault_open(tu_path("r.db.keys"), &v, &err), RK_OK);
        rk_throttle_attempt_init(&a);
        rk_throttle_attempt_init(&b);
        rk_throttle_attempt_init(&c);
        assert_int_equal(rk_throttle_begin(v, "admin", T0, &p, &a, &wait, &err), RK_OK);
        /* a second attempt for the same account while the first is in flight */
        assert_int_equal(rk_throttle_begin(v, "admin", T0, &p, &b, &wait, &err),
                         RK_ERR_BUSY);
        assert_non_null(strstr(err.msg, "wait 1 s before the next try"));
        assert_int_equal(b.fd, -1); /* nothing held */
        /* another account is not held up */
        assert_int_equal(rk_throttle_begin(v, "nobody", T0, &p, &c, &wait, &err), RK_OK);
        rk_throttle_end(&c);
        /* the first was counted before its password was checked */
        assert_int_equal(counter_rows("admin"), 1);
        rk_throttle_end(&a);
        assert_int_equal(rk_throttle_begin(v, "admin", T0, &p, &b, &wait, &err), RK_OK);
        rk_throttle_end(&b);
        rk_vault_close(v);
}

/* An admin session at a given step offset. */
static struct rk_session *admin_at(int64_t t)
{
        char code[RK_TOTP_CODE_SIZE];
        code_at(admin_secret, t, code);
        return login("admin", admin_pw, code, t, NULL);
}

static void test_new_account_first_login(void **state)
{
        (void)state;
        struct rk_error err;
        char onetime[RK_ONETIME_CHARS];
        const char *roles[] = {"sales"};
        struct rk_session *a = admin_at(T0);
        assert_int_equal(rk_accounts_add(a, "maija", roles, 1, onetime, &err), RK_OK);
        assert_int_equal(strlen(onetime), 29);
        rk_session_close(a);
        /* first login: the one-time password, no code; must enrol and change */
        int steps = 0;
        struct rk_session *s = login("maija", onetime, "", T0, &steps);
        assert_int_equal(steps, RK_LOGIN_ENROL | RK_LOGIN_CHANGE_PASSWORD);
        char secret[RK_TOTP_SECRET_B32_SIZE], uri[RK_TOTP_URI_MAX],
            code[RK_TOTP_CODE_SIZE];
        assert_int_equal(rk_session_enrol_begin(s, secret, uri, sizeof(uri), &err),
                         RK_OK);
        assert_non_null(strstr(uri, secret));
        assert_int_equal(rk_session_enrol_finish(s, "123456", T0, &err), RK_ERR_AUTH);
        code_at(secret, T0, code);
        assert_int_equal(rk_session_enrol_finish(s, code, T0, &err), RK_OK);
        /* the policy applies to the new password */
        assert_int_equal(rk_session_set_password(s, "short", 5, &err), RK_ERR_INVALID);
        assert_int_equal(rk_session_set_password(s, "password1234", 12, &err),
                         RK_ERR_INVALID);
        const char *mine = "sininen traktori lentää";
        assert_int_equal(rk_session_set_password(s, mine, strlen(mine), &err), RK_OK);
        assert_int_equal(rk_session_pending_steps(s), RK_LOGIN_READY);
        assert_true(rk_authorize_read(rk_session_grants(s), RK_GROUP_CONTACT));
        rk_session_close(s);
        /* the one-time password is dead; the new one works with a code */
        long long wait;
        code_at(secret, T0 + 30, code);
        assert_int_equal(login_rc("maija", onetime, code, T0 + 30, &err, &wait),
                         RK_ERR_AUTH);
        code_at(secret, T0 + 60, code);
        s = login("maija", mine, code, T0 + 60, &steps);
        assert_int_equal(steps, RK_LOGIN_READY);
        rk_session_close(s);
}

static void test_reset_forces_change(void **state)
{
        (void)state;
        struct rk_error err;
        char onetime[RK_ONETIME_CHARS];
        struct rk_session *a = admin_at(T0);
        const char *roles[] = {"billing"};
        assert_int_equal(rk_accounts_add(a, "ville", roles, 1, onetime, &err), RK_OK);
        assert_int_equal(rk_accounts_reset_password(a, "ville", onetime, &err), RK_OK);
        assert_int_equal(rk_accounts_reset_mfa(a, "ville", &err), RK_OK);
        rk_session_close(a);
        int steps = 0;
        struct rk_session *s = login("ville", onetime, "", T0, &steps);
        assert_true(steps & RK_LOGIN_CHANGE_PASSWORD);
        rk_session_close(s);
}

static void test_disable_ends_sessions(void **state)
{
        (void)state;
        struct rk_error err;
        char onetime[RK_ONETIME_CHARS];
        const char *roles[] = {"warehouse"};
        struct rk_session *a = admin_at(T0);
        assert_int_equal(rk_accounts_add(a, "pekka", roles, 1, onetime, &err), RK_OK);
        struct rk_session *p = login("pekka", onetime, "", T0, NULL);
        assert_int_equal(rk_session_check(p, T0 + 1, &err), RK_OK);
        assert_int_equal(rk_accounts_disable(a, "pekka", &err), RK_OK);
        assert_int_equal(rk_session_check(p, T0 + 2, &err), RK_ERR_LOCKED);
        assert_non_null(strstr(err.msg, "disabled"));
        rk_session_close(p);
        long long wait;
        assert_int_equal(login_rc("pekka", onetime, "", T0 + 3, &err, &wait),
                         RK_ERR_AUTH);
        /* admins cannot lock themselves out */
        assert_int_equal(rk_accounts_disable(a, "admin", &err), RK_ERR_INVALID);
        const char *none[] = {"sales"};
        assert_int_equal(rk_accounts_set_roles(a, "admin", none, 1, &err), RK_ERR_DENIED);
        assert_non_null(strstr(err.msg, "your own account"));
        const char *bogus[] = {"wizard"};
        assert_int_equal(rk_accounts_add(a, "olli", bogus, 1, onetime, &err),
                         RK_ERR_INVALID);
        /* enabling again gives a new one-time password */
        assert_int_equal(rk_accounts_enable(a, "pekka", onetime, &err), RK_OK);
        rk_session_close(a);
        p = login("pekka", onetime, "", T0 + 4, NULL);
        rk_session_close(p);
}

static void test_absolute_limit(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_session *a = admin_at(T0);
        assert_int_equal(rk_session_check(a, T0 + 11 * 3600, &err), RK_OK);
        assert_int_equal(rk_session_check(a, T0 + 12 * 3600 + 1, &err), RK_ERR_LOCKED);
        assert_non_null(strstr(err.msg, "12-hour"));
        rk_session_close(a);
}

static void test_only_admins_administer(void **state)
{
        (void)state;
        struct rk_error err;
        char onetime[RK_ONETIME_CHARS];
        const char *roles[] = {"supervisor"};
        struct rk_session *a = admin_at(T0);
        assert_int_equal(rk_accounts_add(a, "dpo", roles, 1, onetime, &err), RK_OK);
        rk_session_close(a);
        struct rk_session *s = login("dpo", onetime, "", T0, NULL);
        struct rk_user *users = NULL;
        size_t n = 0;
        assert_int_equal(rk_accounts_list(s, &users, &n, &err), RK_ERR_DENIED);
        assert_int_equal(rk_accounts_add(s, "x", roles, 1, onetime, &err), RK_ERR_DENIED);
        assert_int_equal(rk_keyfiles_add(s, "job", NULL, 0, tu_path("job.key"), &err),
                         RK_ERR_DENIED);
        rk_session_close(s);
}

static void test_keyfile_roles(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_register *reg;
        struct rk_session *a = admin_at(T0), *k = NULL;
        const char *roles[] = {"supervisor"};
        if (rk_keyfiles_add(a, "audit-job", roles, 1, tu_path("a.key"), &err) != RK_OK)
                fail_msg("%s", err.msg);
        assert_int_equal(rk_keyfiles_add(a, "check-job", NULL, 0, tu_path("c.key"), &err),
                         RK_OK);
        rk_session_close(a);
        assert_int_equal(
            rk_register_unlock_keyfile(&cfg, db(), tu_path("a.key"), &reg, &err), RK_OK);
        assert_int_equal(rk_session_from_register(reg, "cron", &k, &err), RK_OK);
        assert_true(rk_authorize_action(rk_session_grants(k), RK_ACTION_AUDIT));
        assert_false(rk_authorize_action(rk_session_grants(k), RK_ACTION_ACCOUNTS));
        rk_session_close(k);
        assert_int_equal(
            rk_register_unlock_keyfile(&cfg, db(), tu_path("c.key"), &reg, &err), RK_OK);
        assert_int_equal(rk_session_from_register(reg, "cron", &k, &err), RK_OK);
        const struct rk_grants *g = rk_session_grants(k);
        assert_int_equal(g->read | g->write | g->actions, 0); /* denied by default */
        rk_session_close(k);
}

/* Failures queued while locked reach the trail at the next login, under
 * the account's name (or "(unknown)"), with their own time and source. */
static void test_login_events_audited(void **state)
{
        (void)state;
        struct rk_error err;
        long long wait;
        assert_int_equal(login_rc("admin", "not the password", "", T0, &err, &wait),
                         RK_ERR_AUTH);
        assert_int_equal(login_rc("kaisa99", "whatever it is!", "", T0 + 1, &err, &wait),
                         RK_ERR_AUTH);
        struct rk_session *a = admin_at(T0 + 60);
        struct rk_audit_row *rows;
        size_t n;
        struct rk_audit_filter f = {0};
        f.action = "login.";
        assert_int_equal(rk_audit_list(rk_register_db(rk_session_register(a)), &f, 10,
                                       &rows, &n, &err),
                         RK_OK);
        assert_int_equal(n, 3);
        assert_string_equal(rows[0].action, "login.ok");
        assert_string_equal(rows[1].action, "login.failure");
        assert_string_equal(rows[1].user, "(unknown)");
        assert_string_equal(rows[2].user, "admin");
        assert_string_equal(rows[2].result, "password");
        assert_string_equal(rows[2].source, "127.0.0.1");
        free(rows);
        struct rk_audit_verdict v;
        assert_int_equal(
            rk_audit_verify(rk_register_db(rk_session_register(a)), NULL, &v, &err),
            RK_OK);
        assert_true(v.ok);
        rk_session_close(a);
        /* the queue is empty now: the next login adds no failure rows */
        a = admin_at(T0 + 90);
        assert_int_equal(rk_audit_list(rk_register_db(rk_session_register(a)), &f, 10,
                                       &rows, &n, &err),
                         RK_OK);
        assert_int_equal(n, 4);
        free(rows);
        rk_session_close(a);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_login_and_replay, setup, teardown),
            cmocka_unit_test_setup_teardown(test_unknown_names_expire, setup, teardown),
            cmocka_unit_test_setup_teardown(test_one_attempt_in_flight, setup, teardown),
            cmocka_unit_test_setup_teardown(test_one_message_growing_delay_and_lock,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(test_failures_queued_without_secrets, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_new_account_first_login, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_reset_forces_change, setup, teardown),
            cmocka_unit_test_setup_teardown(test_disable_ends_sessions, setup, teardown),
            cmocka_unit_test_setup_teardown(test_absolute_limit, setup, teardown),
            cmocka_unit_test_setup_teardown(test_only_admins_administer, setup, teardown),
            cmocka_unit_test_setup_teardown(test_keyfile_roles, setup, teardown),
            cmocka_unit_test_setup_teardown(test_login_events_audited, setup, teardown),

        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
