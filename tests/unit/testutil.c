/*
 * testutil.c - fixtures shared by the unit tests (see testutil.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"
#include "rekisteri/products.h"
#include "rekisteri/audit.h"
#include "rekisteri/totp.h"
#include "rekisteri/users.h"
#include "rekisteri/vault.h"

#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

const char *tu_tmpdir(void)
{
        if (sodium_init() < 0)
                abort();
        snprintf(dir, sizeof(dir), "/tmp/rk-unit-XXXXXX");
        if (mkdtemp(dir) == NULL)
                abort();
        return dir;
}

const char *tu_path(const char *name)
{
        static char bufs[4][512];
        static int next;
        char *b = bufs[next++ % 4];
        snprintf(b, 512, "%s/%s", dir, name);
        return b;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
                        struct FTW *ftw)
{
        (void)sb;
        (void)flag;
        (void)ftw;
        return remove(path);
}

void tu_rmdir(void)
{
        if (dir[0] != '\0')
                nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
        dir[0] = '\0';
}

void tu_fast_config(struct rk_config *cfg)
{
        rk_config_defaults(cfg);
        cfg->argon2_ops = 1;
        cfg->argon2_mem_kib = 8;
        cfg->cache_mib = 2;
}

unsigned char *tu_read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (f == NULL)
                return NULL;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        unsigned char *buf = malloc((size_t)n + 1);
        if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        if (buf != NULL)
                *len = (size_t)n;
        return buf;
}

int tu_write_file(const char *path, const void *data, size_t len)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
                return -1;
        ssize_t n = write(fd, data, len);
        close(fd);
        return n == (ssize_t)len ? 0 : -1;
}

int tu_contains(const unsigned char *hay, size_t hay_len, const char *needle)
{
        return memmem(hay, hay_len, needle, strlen(needle)) != NULL;
}

int tu_same_file(const char *path, const unsigned char *data, size_t len)
{
        size_t n = 0;
        unsigned char *now = tu_read_file(path, &n);
        int same = now != NULL && n == len && memcmp(now, data, len) == 0;
        free(now);
        return same;
}

void tu_enrol(struct rk_register *reg, const struct rk_config *cfg, const char *name,
              const char *role, const char *pw, const char *secret, int64_t step)
{
        struct rk_error err;
        struct rk_kdf_cost cost = {cfg->argon2_ops, cfg->argon2_mem_kib};
        sqlite3 *db = rk_register_db(reg);
        struct rk_user u;
        int64_t id = 0;
        if (rk_users_get(db, name, &u, &err) != RK_OK) {
                if (rk_users_create(db, name, role, 0, &id, &err) != RK_OK ||
                    rk_vault_set_user(rk_register_vault(reg), name, pw, strlen(pw), &cost,
                                      rk_register_master_key(reg), &err) != RK_OK)
                        fail_msg("%s: %s", name, err.msg);
                assert_int_equal(rk_users_get(db, name, &u, &err), RK_OK);
        }
        assert_int_equal(rk_users_set_pending_totp(db, u.id, secret, &err), RK_OK);
        assert_int_equal(rk_users_confirm_totp(db, u.id, step, &err), RK_OK);
        rk_users_wipe(&u);
}

struct rk_session *tu_login(const struct rk_config *cfg, const char *db, const char *name,
                            const char *pw, const char *secret, int64_t *clock)
{
        struct rk_session *s = NULL;
        struct rk_error err;
        char code[RK_TOTP_CODE_SIZE];
        long long wait;
        int steps = -1;
        *clock += 30;
        assert_int_equal(rk_totp_code(secret, *clock, code, NULL), RK_OK);
        if (rk_session_login(cfg, db, name, pw, strlen(pw), code, "test", *clock, &s,
                             &steps, &wait, &err) != RK_OK)
                fail_msg("login %s: %s", name, err.msg);
        assert_int_equal(steps, RK_LOGIN_READY);
        return s;
}

struct rk_register *tu_register(const struct rk_config *cfg, const char *path,
                                const char *admin, const char *pw, char *recovery,
                                char *audit_key)
{
        struct rk_error err;
        struct rk_register *reg = NULL;
        char rec[RK_RECOVERY_KEY_CHARS], key[RK_AUDIT_KEY_TEXT];
        if (rk_register_create(cfg, path, admin, pw, strlen(pw),
                               recovery ? recovery : rec, audit_key ? audit_key : key,
                               &reg, &err) != RK_OK)
                fail_msg("creating %s: %s", path, err.msg);
        return reg;
}

void tu_products(struct rk_session *s)
{
        static const struct rk_product_in catalogue[] = {
            {"HAMMER", "Hammer", "pcs", "12,50", "25.5"},
            {"NAILS100", "Nails 100", "box", "4", "14"},
            {"SAW", "Saw", "pcs", "25", "25.5"},
            {"DRILL", "Drill", "pcs", "99", "25.5"},
            {"TAPE", "Tape", "roll", "3,20", "10"},
            {"GLUE", "Glue", "tube", "2,10", "25.5"},
            {"LADDER", "Ladder", "pcs", "80", "25.5"},
            {"ROPE", "Rope", "m", "1", "25.5"},
            {"SECRET", "Secret", "pcs", "5", "25.5"},
        };
        struct rk_error err;
        for (size_t i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
                if (rk_product_add(s, &catalogue[i], &err) != RK_OK)
                        fail_msg("product %s: %s", catalogue[i].code, err.msg);
}

int64_t tu_sql_int(sqlite3 *db, const char *sql)
{
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int64_t v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
}

void tu_must(int rc, const struct rk_error *err)
{
        if (rc != RK_OK)
                fail_msg("%s", err->msg);
}

void tu_team(const struct rk_config *cfg, const char *db, const char *const *users,
             const char *const *roles, size_t n, struct rk_session **sess)
{
        static const char pw[] = "kolme iloista kalaa";
        const int64_t t0 = 1800000000;
        int64_t clock = t0;
        char secret[RK_TOTP_SECRET_B32_SIZE];
        struct rk_error err;
        struct rk_register *reg = tu_register(cfg, db, "admin", pw, NULL, NULL);
        tu_must(rk_totp_secret_new(secret, sizeof(secret), &err), &err);
        for (size_t i = 0; i < n; i++)
                tu_enrol(reg, cfg, users[i], roles[i], pw, secret, t0 / 30 - 10);
        rk_register_close(reg);
        for (size_t i = 0; i < n; i++)
                sess[i] = tu_login(cfg, db, users[i], pw, secret, &clock);
}

void tu_team_close(struct rk_session **sess, size_t n)
{
        for (size_t i = 0; i < n; i++)
                rk_session_close(sess[i]);
}
