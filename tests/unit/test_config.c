/*
 * test_config.c - the ini file: values, unknown keys, bad values, unsafe
 * permissions, syntax errors and the search order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/config.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *write_ini(const char *name, const char *text)
{
        const char *path = tu_path(name);
        assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
        chmod(path, 0644);
        return path;
}

static int setup(void **state)
{
        (void)state;
        tu_tmpdir();
        unsetenv("REKISTERI_CONFIG");
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

static void test_values_are_read(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        const char *p =
            write_ini("ok.ini", "[register]\npath = /srv/r.db\n"
                                "company_name = Oy Esimerkki Ab\n"
                                "[crypto]\nargon2_ops = 2\nargon2_mem_kib = 1024\n"
                                "[database]\ncache_mib = 16\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_OK);
        assert_string_equal(cfg.db_path, "/srv/r.db");
        assert_string_equal(cfg.company_name, "Oy Esimerkki Ab");
        assert_int_equal(cfg.argon2_ops, 2);
        assert_int_equal(cfg.argon2_mem_kib, 1024);
        assert_int_equal(cfg.cache_mib, 16);
        assert_int_equal(cfg.busy_timeout_ms, 10000); /* default kept */
        assert_string_equal(cfg.source, p);
}

/* [retention]: defaults, values, and an action that is not one. */
static void test_retention_keys(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        rk_config_defaults(&cfg);
        assert_int_equal(cfg.prospects_months, 24);
        assert_int_equal(cfg.inactive_months, 36);
        assert_int_equal(cfg.notes_months, 24);
        assert_int_equal(cfg.withdrawn_consents_years, 3);
        assert_int_equal(cfg.closed_requests_years, 3);
        assert_int_equal(cfg.retention_batch_size, 500);
        assert_int_equal(cfg.inactive_action, 0); /* anonymise */
        const char *p = write_ini("ret.ini", "[retention]\nprospects_months = 12\n"
                                             "inactive_action = delete\n"
                                             "bookkeeping_action = delete\n"
                                             "batch_size = 7\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_OK);
        assert_int_equal(cfg.prospects_months, 12);
        assert_int_equal(cfg.inactive_action, 1);
        assert_int_equal(cfg.bookkeeping_action, 1);
        assert_int_equal(cfg.prospects_action, 0);
        assert_int_equal(cfg.retention_batch_size, 7);
        p = write_ini("bad.ini", "[retention]\ninactive_action = shred\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "inactive_action"));
        assert_non_null(strstr(err.msg, "anonymise or delete"));
        p = write_ini("bad2.ini", "[retention]\nnotes_months = 0\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
}

static void test_vat_rates(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        rk_config_defaults(&cfg);
        assert_string_equal(cfg.vat_rates, "25.5,14,10,0");
        const char *p = write_ini("vat.ini", "[vat]\nrates = 24, 14, 10, 0\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_OK);
        assert_string_equal(cfg.vat_rates, "24, 14, 10, 0");
        p = write_ini("badvat.ini", "[vat]\nrates = 25.5,abc\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "[vat] rates: VAT rate:"));
        p = write_ini("dupvat.ini", "[vat]\nrates = 14,14\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
}

static void test_unknown_key_is_named(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        const char *p = write_ini("typo.ini", "[crypto]\nargon2_opps = 2\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
        assert_non_null(strstr(err.msg, p));
        assert_non_null(strstr(err.msg, "[crypto] argon2_opps"));
        assert_non_null(strstr(err.msg, "allowed keys are argon2_ops, argon2_mem_kib"));
}

static void test_unknown_section_is_named(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        const char *p = write_ini("sec.ini", "[cryptoo]\nargon2_ops = 2\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "[cryptoo]: unknown section"));
        assert_non_null(strstr(err.msg, "[crypto]"));
}

static void test_bad_values_are_explained(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        const char *cases[] = {"[crypto]\nargon2_ops = many\n",
                               "[crypto]\nargon2_ops = 0\n",
                               "[crypto]\nargon2_ops = 7x\n",
                               "[database]\nbusy_timeout_ms = 99999999999999999999\n"};
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *p = write_ini("bad.ini", cases[i]);
                assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
                assert_non_null(strstr(err.msg, "not a valid value; expected"));
                /* a failed load leaves the defaults, not half a file */
                assert_int_equal(cfg.argon2_ops, 5);
        }
}

static void test_key_outside_section(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        const char *p = write_ini("nosec.ini", "path = /x\n[crypto]\nargon2_ops = 2\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "outside any [section]"));
}

static void test_writable_by_others_is_refused(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        const char *p = write_ini("open.ini", "[crypto]\nargon2_ops = 2\n");
        chmod(p, 0664);
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_DENIED);
        assert_non_null(strstr(err.msg, p));
        assert_non_null(strstr(err.msg, "chmod go-w"));
        chmod(p, 0646);
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_DENIED);
}

static void test_syntax_error(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        const char *p = write_ini("syntax.ini", "[crypto\nargon2_ops = 2\n");
        assert_int_equal(rk_config_load(p, 0, &cfg, &err), RK_ERR_CONFIG);
        assert_non_null(strstr(err.msg, "cannot be parsed"));
}

static void test_search_order(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        assert_int_equal(rk_config_load(tu_path("missing.ini"), 1, &cfg, &err),
                         RK_ERR_NOTFOUND);
        const char *env = write_ini("env.ini", "[database]\ncache_mib = 7\n");
        const char *opt = write_ini("opt.ini", "[database]\ncache_mib = 9\n");
        setenv("REKISTERI_CONFIG", env, 1);
        assert_int_equal(rk_config_load(NULL, 1, &cfg, &err), RK_OK);
        assert_int_equal(cfg.cache_mib, 7);
        assert_int_equal(rk_config_load(opt, 1, &cfg, &err), RK_OK);
        assert_int_equal(cfg.cache_mib, 9);
        /* privileged callers ignore the environment */
        assert_int_equal(rk_config_load(NULL, 0, &cfg, &err), RK_OK);
        assert_int_not_equal(cfg.cache_mib, 7);
        unsetenv("REKISTERI_CONFIG");
}

static void test_shipped_example_loads(void **state)
{
        (void)state;
        struct rk_config cfg;
        struct rk_error err;
        char path[1024];
        snprintf(path, sizeof(path), "%s/rekisteri.ini", RK_SOURCE_DATADIR);
        /* the example is 0644 in git; it must load as shipped */
        int rc = rk_config_load(path, 0, &cfg, &err);
        if (rc != RK_OK)
                fail_msg("%s", err.msg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_values_are_read, setup, teardown),
            cmocka_unit_test_setup_teardown(test_retention_keys, setup, teardown),
            cmocka_unit_test_setup_teardown(test_vat_rates, setup, teardown),
            cmocka_unit_test_setup_teardown(test_unknown_key_is_named, setup, teardown),
            cmocka_unit_test_setup_teardown(test_unknown_section_is_named, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_bad_values_are_explained, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_key_outside_section, setup, teardown),
            cmocka_unit_test_setup_teardown(test_writable_by_others_is_refused, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_syntax_error, setup, teardown),
            cmocka_unit_test_setup_teardown(test_search_order, setup, teardown),
            cmocka_unit_test_setup_teardown(test_shipped_example_loads, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
