/*
 * test_privacy.c - the privacy documents' config sections and honesty
 * checks, and the document model's escaping (privacy.h, privacy_doc.h):
 * [purpose.*], [recipient.*] and [transfer.*] are read, a bad legal basis,
 * field group, country or key is an error naming it; the gaps of an empty
 * and of a complete config; markup from the config comes out as text in
 * both formats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "privacy_doc.h"
#include "rekisteri/config.h"
#include "rekisteri/i18n.h"
#include "rekisteri/privacy.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define COMPLETE                                                                         \
        "[controller]\nname = Oy Esimerkki Ab\naddress = Katu 1\n"                       \
        "email = dpo@example.fi\n"                                                       \
        "[purpose.customers]\ndescription = Customers\nlegal_basis = contract\n"         \
        "groups = identity, contact, billing, idcode, orders, order_amounts, notes, "    \
        "consents\n"                                                                     \
        "[recipient.books]\nname = Tilitoimisto Oy\ngroups = billing\nprocessor = 1\n"   \
        "[transfer.cloud]\ncountry = US\nsafeguard = SCC\n"

static int load(const char *text, struct rk_config *cfg, struct rk_error *err)
{
        const char *path = tu_path("p.ini");
        assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
        chmod(path, 0644);
        return rk_config_load(path, 0, cfg, err);
}

static int setup(void **state)
{
        (void)state;
        tu_tmpdir();
        unsetenv("REKISTERI_CONFIG");
        rk_i18n_use("en");
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

static void test_sections_are_read(void **state)
{
        (void)state;
        struct rk_config *cfg = malloc(sizeof(*cfg));
        struct rk_error err;
        assert_non_null(cfg);
        assert_int_equal(load(COMPLETE, cfg, &err), RK_OK);
        assert_string_equal(cfg->privacy.name, "Oy Esimerkki Ab");
        assert_int_equal(cfg->privacy.npurposes, 1);
        assert_string_equal(cfg->privacy.purposes[0].name, "customers");
        assert_int_equal(cfg->privacy.purposes[0].basis, RK_BASIS_CONTRACT);
        assert_int_equal(cfg->privacy.purposes[0].groups, (1u << RK_GROUP_COUNT) - 1);
        assert_int_equal(cfg->privacy.nrecipients, 1);
        assert_string_equal(cfg->privacy.recipients[0].who, "Tilitoimisto Oy");
        assert_int_equal(cfg->privacy.recipients[0].processor, 1);
        assert_int_equal(cfg->privacy.recipients[0].groups, 1u << RK_GROUP_BILLING);
        assert_int_equal(cfg->privacy.ntransfers, 1);
        assert_string_equal(cfg->privacy.transfers[0].country, "US");
        free(cfg);
}

static void expect_error(const char *text, const char *needle)
{
        struct rk_config *cfg = malloc(sizeof(*cfg));
        struct rk_error err;
        assert_non_null(cfg);
        assert_int_equal(load(text, cfg, &err), RK_ERR_CONFIG);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("\"%s\" does not name \"%s\"", err.msg, needle);
        free(cfg);
}

static void test_bad_values_are_named(void **state)
{
        (void)state;
        expect_error("[purpose.x]\nlegal_basis = because\n", "legitimate_interests");
        expect_error("[purpose.x]\ngroups = identity, shoe_size\n", "shoe_size");
        expect_error("[purpose.x]\ncolour = blue\n", "colour");
        expect_error("[recipient.y]\ncountry = Finland\n", "two-letter");
        expect_error("[recipient.y]\nprocessor = yes\n", "0 or 1");
        expect_error("[purpose.Bad Name]\n", "a-z");
        expect_error("[controller]\nlanguage = de\n", "fi, sv or en");
}

static bool has_gap(char **gaps, size_t n, const char *needle)
{
        for (size_t i = 0; i < n; i++)
                if (strstr(gaps[i], needle) != NULL)
                        return true;
        return false;
}

static void test_gaps(void **state)
{
        (void)state;
        struct rk_config *cfg = malloc(sizeof(*cfg));
        struct rk_error err;
        char **gaps = NULL;
        size_t n = 0;
        assert_non_null(cfg);
        assert_int_equal(load(COMPLETE, cfg, &err), RK_OK);
        assert_int_equal(rk_privacy_gaps(cfg, &gaps, &n, &err), RK_OK);
        if (n != 0)
                fail_msg("a complete config has a gap: %s", gaps[0]);
        rk_privacy_gaps_free(gaps, n);

        assert_int_equal(load("[purpose.sales]\ngroups = contact\n"
                              "[purpose.mkt]\ndescription = Marketing\n"
                              "legal_basis = legitimate_interests\ngroups = consents\n"
                              "[role.auditor]\nread = notes\n"
                              "[transfer.cloud]\ncountry = US\n",
                              cfg, &err),
                         RK_OK);
        assert_int_equal(rk_privacy_gaps(cfg, &gaps, &n, &err), RK_OK);
        assert_true(has_gap(gaps, n, "controller's name is not set"));
        assert_true(has_gap(gaps, n, "Purpose sales has no legal basis"));
        assert_true(has_gap(gaps, n, "Purpose sales has no description"));
        assert_true(has_gap(gaps, n, "Purpose mkt rests on legitimate interests"));
        assert_true(has_gap(gaps, n, "Field group notes (Notes) is used by no purpose"));
        assert_true(has_gap(gaps, n, "Role auditor reads field group notes"));
        assert_true(has_gap(gaps, n, "Transfer cloud names no safeguard"));
        assert_false(has_gap(gaps, n, "Field group contact"));
        rk_privacy_gaps_free(gaps, n);
        free(cfg);
}

static char *render(struct rk_doc *d, bool html)
{
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        assert_non_null(f);
        assert_int_equal(html ? rk_doc_html(d, f) : rk_doc_markdown(d, f), 0);
        fclose(f);
        return text;
}

static void test_escaping(void **state)
{
        (void)state;
        struct rk_doc *d = rk_doc_new("fi");
        const char *head[] = {"A", "B"};
        const char *row[] = {"x | y", "<b>&\"'\x1b[31m"};
        assert_non_null(d);
        rk_doc_heading(d, 1, "%s", "T <i>");
        rk_doc_para(d, "%s", "1. not a list *star* a_b _c_");
        rk_doc_row(d, true, 2, head);
        rk_doc_row(d, false, 2, row);
        assert_false(rk_doc_failed(d));
        char *md = render(d, false);
        assert_non_null(strstr(md, "| x \\| y |"));
        assert_non_null(strstr(md, "\\1. not a list \\*star\\* a_b \\_c\\_"));
        assert_null(strchr(md, '\x1b'));
        char *html = render(d, true);
        assert_non_null(strstr(html, "<title>T &lt;i&gt;</title>"));
        assert_non_null(strstr(html, "<td>&lt;b&gt;&amp;&quot;&#39;"));
        assert_null(strstr(html, "<b>"));
        assert_null(strchr(html, '\x1b'));
        assert_non_null(strstr(html, "<html lang=\"fi\">"));
        char date[16];
        rk_doc_date(d, "2026-03-05", date);
        assert_string_equal(date, "5.3.2026");
        free(md);
        free(html);
        rk_doc_free(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_sections_are_read, setup, teardown),
            cmocka_unit_test_setup_teardown(test_bad_values_are_named, setup, teardown),
            cmocka_unit_test_setup_teardown(test_gaps, setup, teardown),
            cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
