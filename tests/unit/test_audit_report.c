/*
 * test_audit_report.c - the supervisor's questions of the audit trail:
 * "who accessed subject X" (every row naming the customer as its subject,
 * whatever its action: notes, consents, request steps included; looks at
 * the trail name the customer as their target and stay out), customer
 * numbers typed as "C000007", "c7" or "7" and shown as C000007, "what did user Y
 * access" (subjects, the union of field groups, counts, first and last),
 * its CSV export, and the export file rules (mode 0600, never
 * overwriting, formula cells defused).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit_report.h"
#include "rekisteri/csv.h"
#include "rekisteri/register.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct rk_config cfg;
static struct rk_register *reg;
static sqlite3 *db;
static const int64_t T0 = 1800000000; /* 2027-01-15T08:00:00Z */

static void record(const char *user, const char *action, int64_t subject,
                   const char *groups, const char *target, int64_t at)
{
        struct rk_error err;
        struct rk_audit_actor a;
        rk_audit_actor_init(&a, user, "192.0.2.7");
        struct rk_audit_event ev = {.action = action,
                                    .subject = subject,
                                    .groups = groups,
                                    .screen = "test",
                                    .result = "ok",
                                    .target = target};
        assert_int_equal(rk_audit_record(db, &a, &ev, at, 100, &err), RK_OK);
}

static int setup(void **state)
{
        (void)state;
        const char *pw = "kolme iloista kalaa";
        tu_tmpdir();
        tu_fast_config(&cfg);
        reg = tu_register(&cfg, tu_path("r.db"), "admin", pw, NULL, NULL);
        db = rk_register_db(reg);
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT INTO customers(id,number,kind,name,"
                                      "created_at,updated_at) VALUES"
                                      "(7,'C000007','person','',0,0),"
                                      "(9,'C000009','person','',0,0)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        record("sanna", "customer.view", 7, "identity,contact", NULL, T0);
        record("sanna", "order.view", 7, "orders", NULL, T0 + 60);
        record("sanna", "customer.view", 9, "identity", NULL, T0 + 120);
        record("sanna", "customer.update", 7, "contact", NULL, T0 + 86400);
        record("sanna", "note.add", 7, "notes", NULL, T0 + 86400 + 30);
        record("sanna", "dsr.subject", 7, "", "request:1", T0 + 86400 + 40);
        record("valvoja", "audit.list", 0, "", "C000007", T0 + 86400 + 60);
        record("valvoja", "audit.user_report", 0, "", "=cmd", T0 + 86400 + 120);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_register_close(reg);
        tu_rmdir();
        return 0;
}

static void test_who_accessed_subject(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_row *rows;
        size_t n;
        int64_t id = 0;
        char number[RK_AUDIT_NUMBER_SIZE];
        const char *typed[] = {"C000007", "c000007", "C7", "7", "000007"};
        for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
                assert_int_equal(rk_audit_subject_parse(db, typed[i], &id, number, &err),
                                 RK_OK);
                assert_int_equal(id, 7);
                assert_string_equal(number, "C000007");
        }
        const char *bad[] = {"", "C", "X7", "C-7", "7a", "C0000007x", "1234567"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(rk_audit_subject_parse(db, bad[i], &id, number, &err),
                                 RK_ERR_INVALID);
        assert_int_equal(rk_audit_subject_parse(db, "C000008", &id, number, &err),
                         RK_ERR_NOTFOUND);
        assert_non_null(strstr(err.msg, "C000008"));

        struct rk_audit_filter f = {.subject = 7};
        assert_int_equal(rk_audit_list(db, &f, 50, &rows, &n, &err), RK_OK);
        assert_int_equal(n, 5); /* the supervisor's audit.list is not about 7 */
        assert_string_equal(rows[0].action, "dsr.subject");
        assert_string_equal(rows[1].action, "note.add");
        assert_string_equal(rows[2].action, "customer.update");
        assert_string_equal(rows[3].action, "order.view");
        assert_string_equal(rows[4].user, "sanna");
        for (size_t i = 0; i < n; i++)
                assert_string_equal(rows[i].number, "C000007");
        char text[RK_AUDIT_NUMBER_SIZE];
        assert_string_equal(rk_audit_subject_text(&rows[0], text, sizeof(text)),
                            "C000007");
        rows[0].subject = 0;
        assert_string_equal(rk_audit_subject_text(&rows[0], text, sizeof(text)), "");
        free(rows);
}

static void test_user_report(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_access *a;
        size_t n;
        assert_int_equal(rk_audit_user_report(db, "sanna", NULL, NULL, &a, &n, &err),
                         RK_OK);
        assert_int_equal(n, 2);
        assert_int_equal(a[0].subject, 7);
        assert_string_equal(a[0].number, "C000007");
        assert_int_equal(a[0].count, 5);
        assert_string_equal(a[0].groups, "identity,contact,orders,notes");
        assert_string_equal(a[0].first, "2027-01-15T08:00:00Z");
        assert_string_equal(a[0].last, "2027-01-16T08:00:40Z");
        assert_int_equal(a[1].subject, 9);
        free(a);
        /* the period is half-open: the second day is left out */
        assert_int_equal(
            rk_audit_user_report(db, "sanna", "2027-01-15", "2027-01-16", &a, &n, &err),
            RK_OK);
        assert_int_equal(n, 2);
        assert_int_equal(a[0].count, 2);
        assert_string_equal(a[0].groups, "identity,contact,orders");
        free(a);
}

static void test_user_report_csv(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_access *a;
        size_t n, len;
        FILE *f;
        assert_int_equal(rk_audit_user_report(db, "sanna", NULL, NULL, &a, &n, &err),
                         RK_OK);
        assert_int_equal(rk_csv_create(tu_path("r.csv"), &f, &err), RK_OK);
        assert_int_equal(rk_audit_user_report_csv(f, "sanna", a, n, &err), RK_OK);
        assert_int_equal(fclose(f), 0);
        free(a);
        unsigned char *text = tu_read_file(tu_path("r.csv"), &len);
        assert_non_null(text);
        const char *want =
            "\"user\",\"subject\",\"events\",\"first_utc\",\"last_utc\","
            "\"field_groups\"\r\n"
            "\"sanna\",\"C000007\",\"5\",\"2027-01-15T08:00:00Z\","
            "\"2027-01-16T08:00:40Z\",\"identity,contact,orders,notes\"\r\n";
        assert_true(len > strlen(want));
        assert_memory_equal(text, want, strlen(want));
        free(text);
}

static void test_export_defuses_formulas(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_filter filter = {.user = "valvoja"};
        FILE *f;
        size_t len;
        assert_int_equal(rk_csv_create(tu_path("a.csv"), &f, &err), RK_OK);
        assert_int_equal(rk_audit_export_csv(db, &filter, f, &err), RK_OK);
        assert_int_equal(fclose(f), 0);
        unsigned char *text = tu_read_file(tu_path("a.csv"), &len);
        assert_non_null(text);
        assert_true(tu_contains(text, len, ",\"'=cmd\"\r\n"));
        assert_false(tu_contains(text, len, "\"=cmd\""));
        assert_false(tu_contains(text, len, "sanna")); /* filtered */
        free(text);
}

static void test_create_is_private_and_exclusive(void **state)
{
        (void)state;
        struct rk_error err;
        struct stat st;
        FILE *f;
        assert_int_equal(rk_csv_create(tu_path("x.csv"), &f, &err), RK_OK);
        fputs("first", f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(stat(tu_path("x.csv"), &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(rk_csv_create(tu_path("x.csv"), &f, &err), RK_ERR_EXISTS);
        assert_null(f);
        assert_true(tu_same_file(tu_path("x.csv"), (const unsigned char *)"first", 5));
        assert_int_equal(symlink(tu_path("x.csv"), tu_path("link.csv")), 0);
        assert_int_equal(rk_csv_create(tu_path("link.csv"), &f, &err), RK_ERR_EXISTS);
        assert_int_equal(rk_csv_create("", &f, &err), RK_ERR_INVALID);
        assert_int_equal(rk_csv_create(tu_path("no/such/dir.csv"), &f, &err), RK_ERR_IO);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_who_accessed_subject, setup, teardown),
            cmocka_unit_test_setup_teardown(test_user_report, setup, teardown),
            cmocka_unit_test_setup_teardown(test_user_report_csv, setup, teardown),
            cmocka_unit_test_setup_teardown(test_export_defuses_formulas, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_create_is_private_and_exclusive, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
