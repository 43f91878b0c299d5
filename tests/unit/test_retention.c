/*
 * test_retention.c - retention on a generated demo register (2,000
 * customers, seed 3) at chosen dates, with the clock moved by the test
 * hook (clock.h): the plan's counts against counts computed here
 * independently in SQL (SQLite's own date functions, with the month-end
 * rule written out), the run anonymising exactly the planned customers and
 * nothing of held ones, order totals per year unchanged, a run killed
 * between batches and run again ending exactly where an uninterrupted run
 * ends, manual holds, the bookkeeping rule with "delete", and the refusal
 * for a role without the retention action.
 *
 * The demo register is made once; each test starts from a copy of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/clock.h"
#include "rekisteri/demo.h"
#include "rekisteri/dsr.h"
#include "rekisteri/fields.h"
#include "rekisteri/retention.h"
#include "rekisteri/secret.h"
#include "rekisteri/session.h"
#include "rekisteri/totp.h"
#include "testutil.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct rk_config cfg;
static struct rk_demo_user users[RK_DEMO_USERS];
static int64_t fake_now, login_now;
static struct rk_session *sup;
static const char *const files[] = {"r.db", "r.db.keys"};

static int64_t clock_hook(void)
{
        return fake_now;
}

/* Local noon of date: the day the code under test sees. */
static int64_t noon(const char *date)
{
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        assert_int_equal(sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday),
                         3);
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_hour = 12;
        tm.tm_isdst = -1;
        return (int64_t)mktime(&tm);
}

static const struct rk_demo_user *user(const char *role)
{
        for (int i = 0; i < RK_DEMO_USERS; i++) {
                if (strcmp(users[i].role, role) == 0)
                        return &users[i];
        }
        fail_msg("no demo user %s", role);
        return NULL;
}

static struct rk_session *login(const char *role)
{
        const struct rk_demo_user *u = user(role);
        return tu_login(&cfg, tu_path("r.db"), u->name, u->password, u->totp_secret,
                        &login_now);
}

static sqlite3 *db(void)
{
        return rk_register_db(rk_session_register(sup));
}

static void must(int rc, const struct rk_error *err)
{
        if (rc != RK_OK)
                fail_msg("%s", err->msg);
}

static void copy_file(const char *from, const char *to)
{
        size_t len = 0;
        unsigned char *data = tu_read_file(tu_path(from), &len);
        assert_non_null(data);
        assert_int_equal(tu_write_file(tu_path(to), data, len), 0);
        free(data);
}

/* Put the pristine demo back (the WAL was checkpointed at close). */
static void restore(void)
{
        char from[32];
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                snprintf(from, sizeof(from), "pristine.%s", files[i]);
                copy_file(from, files[i]);
        }
        unlink(tu_path("r.db-wal"));
        unlink(tu_path("r.db-shm"));
        unlink(tu_path("r.db.erased"));
}

static int group_setup(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_demo_options opt = {.customers = 2000, .seed = 3};
        assert_true(sodium_init() >= 0);
        char *rec = rk_secret_alloc(RK_RECOVERY_KEY_CHARS);
        char *key = rk_secret_alloc(RK_AUDIT_KEY_TEXT);
        tu_tmpdir();
        tu_fast_config(&cfg);
        if (rk_demo_create(&cfg, tu_path("r.db"), &opt, users, rec, key, NULL, NULL,
                           &err) != RK_OK)
                fail_msg("demo: %s", err.msg);
        rk_secret_free(rec);
        rk_secret_free(key);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                char to[32];
                snprintf(to, sizeof(to), "pristine.%s", files[i]);
                copy_file(files[i], to);
        }
        login_now = (int64_t)time(NULL);
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        tu_rmdir();
        return 0;
}

static int setup(void **state)
{
        (void)state;
        tu_fast_config(&cfg);
        restore();
        rk_clock_set(clock_hook);
        fake_now = noon("2026-11-29");
        sup = login("supervisor");
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_session_close(sup);
        sup = NULL;
        rk_clock_set(NULL);
        return 0;
}

/* ---- independent SQL --------------------------------------------------- */

static int64_t count(const char *sql)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db(), sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db()));
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int64_t n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
}

static char *text(const char *sql)
{
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db(), sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db()));
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        const unsigned char *t = sqlite3_column_text(st, 0);
        char *out = strdup(t ? (const char *)t : "");
        sqlite3_finalize(st);
        return out;
}

static void exec(const char *sql)
{
        char *msg = NULL;
        if (sqlite3_exec(db(), sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
}

/*
 * The day event E falls due N calendar months later, the month-end rule
 * written out with SQLite's date(): the same day N months on, but no later
 * than the last day of that month.
 */
static void due_expr(char *out, size_t size, const char *e, int n)
{
        snprintf(out, size,
                 "min(date(%s,'start of month','+%d months',"
                 "'+'||(CAST(strftime('%%d',%s) AS INTEGER)-1)||' days'),"
                 " date(%s,'start of month','+%d months','-1 day'))",
                 e, n, e, e, n + 1);
}

#define HELD                                                                             \
        "(c.restricted = 1 OR c.id IN (SELECT customer_id FROM retention_holds)"         \
        " OR c.id IN (SELECT s.customer_id FROM dsr_subjects s JOIN dsr_requests r"      \
        " ON r.id = s.request_id WHERE r.status != 'closed'))"

/* Customers due under the prospects (orders = 0) or inactive rule on
 * today; held = 1 counts the held ones instead. */
static int64_t sql_customers(int orders, const char *today, int held)
{
        char sql[2048], due[600];
        const char *ev =
            orders
                ? "max(COALESCE(c.last_activity,''),(SELECT max(ordered_on) FROM orders "
                  "o WHERE o.customer_id=c.id))"
                : "COALESCE(c.last_activity, date(c.created_at,'unixepoch','localtime'))";
        due_expr(due, sizeof(due), ev, orders ? 36 : 24);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM customers c WHERE c.anonymised_at IS NULL"
                 " AND %sEXISTS (SELECT 1 FROM orders o WHERE o.customer_id=c.id)"
                 " AND %s <= '%s' AND %s" HELD,
                 orders ? "" : "NOT ", due, today, held ? "" : "NOT ");
        return count(sql);
}

/* Customers with rows due under a row rule (notes by created_at, 24
 * months; consents by withdrawn_on, 36 months). */
static int64_t sql_rows(const char *table, const char *col, int months, const char *today)
{
        char sql[2048], due[600], ev[64];
        snprintf(ev, sizeof(ev), "substr(t.%s,1,10)", col);
        due_expr(due, sizeof(due), ev, months);
        snprintf(sql, sizeof(sql),
                 "SELECT count(DISTINCT t.customer_id) FROM %s t JOIN customers c"
                 " ON c.id=t.customer_id WHERE t.%s IS NOT NULL AND %s <= '%s'"
                 " AND NOT " HELD,
                 table, col, due, today);
        return count(sql);
}

static void check_plan_at(const char *today)
{
        struct rk_retention_plan p;
        struct rk_error err;
        fake_now = noon(today);
        must(rk_retention_plan(sup, NULL, &p, &err), &err);
        assert_string_equal(p.today, today);
        const struct rk_retention_rule_plan *r = p.rules;
        assert_int_equal(r[RK_RULE_PROSPECTS].n, sql_customers(0, today, 0));
        assert_int_equal(r[RK_RULE_PROSPECTS].nskipped, sql_customers(0, today, 1));
        assert_int_equal(r[RK_RULE_INACTIVE].n, sql_customers(1, today, 0));
        assert_int_equal(r[RK_RULE_INACTIVE].nskipped, sql_customers(1, today, 1));
        assert_int_equal(r[RK_RULE_NOTES].n, sql_rows("notes", "created_at", 24, today));
        assert_int_equal(r[RK_RULE_CONSENTS].n,
                         sql_rows("consents", "withdrawn_on", 36, today));
        assert_int_equal(r[RK_RULE_BOOKKEEPING].n, 0); /* anonymise: nothing to do */
        /* a register whose data ends in 2025 has customers due at these dates */
        assert_true(r[RK_RULE_PROSPECTS].n > 0);
        rk_retention_plan_clear(&p);
}

/* ---- tests --------------------------------------------------------------- */

static void test_plan_matches_sql_at_dates(void **state)
{
        (void)state;
        static const char *const dates[] = {"2024-01-31", "2026-02-28", "2026-11-29",
                                            "2027-03-31", "2028-02-29", "2029-12-31"};
        for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
                check_plan_at(dates[i]);
}

/* The screen's outlook: one counting plan gives what two full plans (today
 * and today + 30 days) give, and opening reads it back unchanged. */
static void test_outlook_matches_two_plans(void **state)
{
        (void)state;
        struct rk_retention_plan now, ahead;
        struct rk_retention_outlook o, back;
        struct rk_error err;
        bool cancelled = true;
        char later[RK_DATE_TEXT];
        exec("UPDATE customers SET restricted = 1 WHERE id IN (1, 2, 3, 4, 5)");
        must(rk_retention_outlook_read(sup, &back, &err), &err);
        assert_false(back.known);
        must(rk_retention_outlook_refresh(sup, NULL, NULL, &cancelled, &o, &err), &err);
        assert_false(cancelled);
        rk_date_of(fake_now + RK_RETENTION_OUTLOOK_DAYS * 86400LL, later);
        must(rk_retention_plan(sup, NULL, &now, &err), &err);
        must(rk_retention_plan(sup, later, &ahead, &err), &err);
        assert_string_equal(o.today, now.today);
        assert_string_equal(o.ahead, later);
        int64_t held = 0;
        for (int r = 0; r < RK_RULE_AUDIT; r++) {
                assert_int_equal(o.rules[r].due, now.rules[r].n);
                assert_int_equal(o.rules[r].held, now.rules[r].nskipped);
                assert_int_equal(o.rules[r].soon, ahead.rules[r].n - now.rules[r].n);
                assert_string_equal(o.rules[r].next_due, now.rules[r].next_due);
                held += o.rules[r].held;
        }
        assert_int_equal(o.rules[RK_RULE_AUDIT].due, now.rules[RK_RULE_AUDIT].rows);
        assert_true(o.rules[RK_RULE_PROSPECTS].due > 0 && held > 0);
        assert_true(o.rules[RK_RULE_PROSPECTS].soon > 0);
        must(rk_retention_outlook_read(sup, &back, &err), &err);
        assert_true(back.known);
        assert_int_equal(back.computed_at, o.computed_at);
        assert_memory_equal(back.rules, o.rules, sizeof(o.rules));
        rk_retention_plan_clear(&now);
        rk_retention_plan_clear(&ahead);
}

static int polls;
static int stop_at_first(void *ctx, int step, int steps)
{
        (void)ctx;
        assert_true(step >= 0 && step < steps);
        polls++;
        return 1;
}

/* Esc on the screen: the poll stops the count, nothing is stored. */
static void test_outlook_cancelled(void **state)
{
        (void)state;
        struct rk_retention_outlook o;
        struct rk_error err;
        bool cancelled = false;
        polls = 0;
        must(rk_retention_outlook_refresh(sup, stop_at_first, NULL, &cancelled, &o, &err),
             &err);
        assert_int_equal(polls, 1);
        assert_true(cancelled);
        assert_false(o.known);
        must(rk_retention_outlook_read(sup, &o, &err), &err);
        assert_false(o.known);
}

/* The month-end rule: 31 January + 1 month is the last day of February. */
static void test_due_date_at_month_end(void **state)
{
        (void)state;
        struct rk_retention_plan p;
        struct rk_error err;
        cfg.notes_months = 1;
        exec("DELETE FROM notes; INSERT INTO notes(customer_id, created_at, author, body)"
             " VALUES(3, '2024-01-31 10:00', 'sanna', 'x')");
        must(rk_retention_plan(sup, "2024-02-28", &p, &err), &err);
        assert_int_equal(p.rules[RK_RULE_NOTES].n, 0);
        assert_string_equal(p.rules[RK_RULE_NOTES].next_due, "2024-02-29");
        assert_int_equal(p.rules[RK_RULE_NOTES].next_count, 1);
        rk_retention_plan_clear(&p);
        must(rk_retention_plan(sup, "2024-02-29", &p, &err), &err);
        assert_int_equal(p.rules[RK_RULE_NOTES].n, 1);
        assert_string_equal(p.rules[RK_RULE_NOTES].items[0].due_on, "2024-02-29");
        assert_string_equal(p.rules[RK_RULE_NOTES].items[0].number, "C000003");
        rk_retention_plan_clear(&p);
}

static char *totals_per_year(void)
{
        return text("SELECT group_concat(y||':'||t||':'||q, ',') FROM (SELECT"
                    " substr(o.ordered_on,1,4) y, sum(l.quantity*l.unit_price_cents) t,"
                    " sum(l.quantity) q FROM orders o JOIN order_lines l ON"
                    " l.order_id=o.id GROUP BY 1 ORDER BY 1)");
}

#define HELD_ROWS                                                                        \
        "SELECT group_concat(c.number||quote(c.name)||quote(c.email)||quote(c.phone)||"  \
        "quote(c.street)||quote(c.hetu)||quote(c.anonymised_at)||c.version||':'||"       \
        "(SELECT count(*) FROM notes n WHERE n.customer_id=c.id)||':'||"                 \
        "(SELECT count(*) FROM consents k WHERE k.customer_id=c.id)||':'||"              \
        "(SELECT count(*) FROM contact_persons p WHERE p.customer_id=c.id), '|')"        \
        " FROM customers c WHERE " HELD

/* Every personal or identity field of every anonymised customer is empty. */
static void check_no_half_anonymised(void)
{
        size_t n;
        const struct rk_field *f = rk_fields_all(&n);
        char sql[512];
        for (size_t i = 0; i < n; i++) {
                if (f[i].record != RK_REC_CUSTOMER || strcmp(f[i].column, "kind") == 0 ||
                    (!f[i].personal && f[i].group != RK_GROUP_IDENTITY))
                        continue;
                /* a company's business ID describes the company and stays;
                 * a person's (a sole trader's Y-tunnus) is theirs and goes */
                bool person_only =
                    !f[i].personal && strcmp(f[i].column, "business_id") == 0;
                snprintf(sql, sizeof(sql),
                         "SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL"
                         " AND %s IS NOT NULL AND %s != ''%s",
                         f[i].column, f[i].column,
                         person_only ? " AND kind = 'person'" : "");
                if (count(sql) != 0)
                        fail_msg("an anonymised customer still has %s", f[i].column);
        }
        assert_int_equal(count("SELECT count(*) FROM customers c WHERE c.anonymised_at IS"
                               " NOT NULL AND (EXISTS (SELECT 1 FROM notes n WHERE"
                               " n.customer_id=c.id) OR EXISTS (SELECT 1 FROM consents k"
                               " WHERE k.customer_id=c.id) OR EXISTS (SELECT 1 FROM"
                               " contact_persons p WHERE p.customer_id=c.id))"),
                         0);
}

static void test_run_does_exactly_the_plan(void **state)
{
        (void)state;
        struct rk_retention_plan p;
        struct rk_retention_summary sum;
        struct rk_error err;
        int64_t req = 0;
        fake_now = noon("2026-11-29");
        must(rk_retention_plan(sup, NULL, &p, &err), &err);
        /* hold one due prospect by hand; open a request about one inactive */
        char held[RK_CUSTOMER_NUMBER_SIZE], asked[RK_CUSTOMER_NUMBER_SIZE];
        memcpy(held, p.rules[RK_RULE_PROSPECTS].items[0].number, sizeof(held));
        memcpy(asked, p.rules[RK_RULE_INACTIVE].items[0].number, sizeof(asked));
        must(rk_retention_hold(sup, held, "dispute, case 2026/14", NULL, &err), &err);
        must(rk_dsr_create(sup, RK_DSR_ACCESS, NULL, NULL, &req, &err), &err);
        must(rk_dsr_add_number(sup, req, asked, &err), &err);
        rk_retention_plan_clear(&p);

        must(rk_retention_plan(sup, NULL, &p, &err), &err);
        const struct rk_retention_rule_plan *pr = &p.rules[RK_RULE_PROSPECTS];
        const struct rk_retention_rule_plan *in = &p.rules[RK_RULE_INACTIVE];
        bool seen_hold = false, seen_request = false;
        for (size_t i = 0; i < pr->nskipped; i++)
                seen_hold |= strcmp(pr->skipped[i].number, held) == 0 &&
                             strcmp(pr->skipped[i].reason, "legal hold: dispute, case "
                                                           "2026/14") == 0;
        for (size_t i = 0; i < in->nskipped; i++)
                seen_request |= strcmp(in->skipped[i].number, asked) == 0 &&
                                strncmp(in->skipped[i].reason, "open request ", 13) == 0;
        assert_true(seen_hold);
        assert_true(seen_request);

        char *totals = totals_per_year();
        char *held_rows = text(HELD_ROWS);
        int64_t orders = count("SELECT count(*) FROM orders");
        assert_int_equal(
            count("SELECT count(*) FROM customers WHERE anonymised_at IS NOT "
                  "NULL"),
            0);
        must(rk_retention_run(sup, NULL, NULL, &sum, &err), &err);
        assert_true(sum.flushed);
        assert_int_equal(sum.done[RK_RULE_PROSPECTS], (int64_t)pr->n);
        assert_int_equal(sum.done[RK_RULE_INACTIVE], (int64_t)in->n);
        /* exactly the planned customers, one by one */
        assert_int_equal(
            count("SELECT count(*) FROM customers WHERE anonymised_at IS NOT "
                  "NULL"),
            (int64_t)(pr->n + in->n));
        for (int r = RK_RULE_PROSPECTS; r <= RK_RULE_INACTIVE; r++) {
                for (size_t i = 0; i < p.rules[r].n; i++) {
                        char sql[128];
                        snprintf(sql, sizeof(sql),
                                 "SELECT anonymised_at IS NOT NULL FROM customers WHERE "
                                 "number='%s'",
                                 p.rules[r].items[i].number);
                        assert_int_equal(count(sql), 1);
                }
        }
        check_no_half_anonymised();
        char *held_after = text(HELD_ROWS);
        assert_string_equal(held_rows, held_after);
        char *totals_after = totals_per_year();
        assert_string_equal(totals, totals_after);
        assert_int_equal(count("SELECT count(*) FROM orders"), orders);
        /* audited: one row per subject and the summary */
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action ="
                               " 'retention.anonymise'"),
                         (int64_t)(pr->n + in->n));
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = "
                               "'retention.run' AND fields LIKE 'prospects=%'"),
                         1);
        /* nothing left to do today; the last run is on record */
        struct rk_retention_plan again;
        must(rk_retention_plan(sup, NULL, &again, &err), &err);
        for (int r = 0; r < RK_RULE_AUDIT; r++)
                assert_int_equal(again.rules[r].n, 0);
        rk_retention_plan_clear(&again);
        struct rk_retention_summary last;
        must(rk_retention_last_run(sup, &last, &err), &err);
        assert_int_equal(last.run_id, sum.run_id);
        assert_true(last.finished_at > 0);
        assert_int_equal(last.done[RK_RULE_NOTES], sum.done[RK_RULE_NOTES]);
        free(totals);
        free(totals_after);
        free(held_rows);
        free(held_after);
        rk_retention_plan_clear(&p);
}

/* What the register looks like, as far as retention can change it. */
static char *state_dump(void)
{
        return text("SELECT group_concat(number||':'||(anonymised_at IS NOT NULL)||"
                    "quote(name)||quote(email)||quote(hetu)||':'||"
                    "(SELECT count(*) FROM notes n WHERE n.customer_id=c.id)||':'||"
                    "(SELECT count(*) FROM consents k WHERE k.customer_id=c.id)||':'||"
                    "(SELECT count(*) FROM orders o WHERE o.customer_id=c.id), '|')"
                    " FROM customers c ORDER BY id");
}

static void kill_after_batches(void *ctx, int64_t done, int64_t total)
{
        (void)ctx;
        (void)total;
        if (done >= 300)
                kill(getpid(), SIGKILL);
}

static void test_killed_run_then_run_again(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_retention_summary sum;
        cfg.retention_batch_size = 50;
        /* the reference: one uninterrupted run */
        must(rk_retention_run(sup, NULL, NULL, &sum, &err), &err);
        char *reference = state_dump();
        int64_t total = sum.done[RK_RULE_PROSPECTS] + sum.done[RK_RULE_INACTIVE];
        rk_session_close(sup);
        restore();
        /* a run killed between batches, in a child with its own connection */
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rk_session *s = login("supervisor");
                rk_retention_run(s, kill_after_batches, NULL, &sum, &err);
                _exit(3); /* not reached: killed first */
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        login_now += 60; /* the child used a step */
        sup = login("supervisor");
        int64_t partial =
            count("SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL");
        assert_true(partial >= 300 && partial < total);
        assert_int_equal(partial % 50, 0); /* whole batches only */
        check_no_half_anonymised();
        assert_int_equal(count("SELECT count(*) FROM retention_runs WHERE status = "
                               "'running'"),
                         1);
        /* run again: the same end state */
        must(rk_retention_run(sup, NULL, NULL, &sum, &err), &err);
        assert_int_equal(sum.done[RK_RULE_PROSPECTS] + sum.done[RK_RULE_INACTIVE],
                         total - partial);
        char *resumed = state_dump();
        assert_string_equal(reference, resumed);
        check_no_half_anonymised();
        free(reference);
        free(resumed);
}

static void test_holds(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_retention_hold_row *h = NULL;
        size_t n = 0;
        assert_int_equal(rk_retention_hold(sup, "C999999", "case 1", NULL, &err),
                         RK_ERR_NOTFOUND);
        assert_int_equal(rk_retention_hold(sup, "C000010", "", NULL, &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_retention_hold(sup, "C000010", "bad\x1b[2J", NULL, &err),
                         RK_ERR_INVALID);
        assert_int_equal(rk_retention_release(sup, "C000010", NULL, &err),
                         RK_ERR_NOTFOUND);
        must(rk_retention_hold(sup, "C000010", "case 1", NULL, &err), &err);
        must(rk_retention_hold(sup, "C000010", "case 2", NULL, &err),
             &err); /* replaces */
        must(rk_retention_holds(sup, &h, &n, &err), &err);
        assert_int_equal(n, 1);
        assert_string_equal(h[0].number, "C000010");
        assert_string_equal(h[0].reason, "case 2");
        assert_string_equal(h[0].held_by, "supervisor");
        free(h);
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action ="
                               " 'retention.hold' AND subject = 10"),
                         2);
        must(rk_retention_release(sup, "C000010", NULL, &err), &err);
        must(rk_retention_holds(sup, &h, &n, &err), &err);
        assert_int_equal(n, 0);
        free(h);
}

static void test_denied_without_the_action(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_retention_plan p;
        struct rk_retention_summary sum;
        struct rk_session *sales = login("sales");
        assert_int_equal(rk_retention_plan(sales, NULL, &p, &err), RK_ERR_DENIED);
        assert_int_equal(rk_retention_run(sales, NULL, NULL, &sum, &err), RK_ERR_DENIED);
        assert_int_equal(rk_retention_hold(sales, "C000010", "x", NULL, &err),
                         RK_ERR_DENIED);
        rk_session_close(sales);
        assert_int_equal(count("SELECT count(*) FROM retention_runs"), 0);
}

/* With bookkeeping_action = delete, orders of anonymised customers go when
 * their bookkeeping period has ended, and not a day before. */
static void test_bookkeeping_delete(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_retention_plan p;
        struct rk_retention_summary sum;
        must(rk_retention_run(sup, NULL, NULL, &sum, &err), &err);
        cfg.bookkeeping_action = RK_RETAIN_DELETE;
        /* 2026-11-29: the financial years up to 2019 are past their 6 years */
        const char *expired = "SELECT count(*) FROM orders o JOIN customers c ON"
                              " c.id=o.customer_id WHERE c.anonymised_at IS NOT NULL AND"
                              " (substr(o.ordered_on,1,4)+6)||'-12-31' < '2026-11-29'";
        int64_t stubs =
            count("SELECT count(DISTINCT o.customer_id) FROM orders o JOIN customers c ON"
                  " c.id=o.customer_id WHERE c.anonymised_at IS NOT NULL AND"
                  " o.ordered_on <= '2019-12-31' AND NOT " HELD);
        int64_t kept =
            count("SELECT count(*) FROM orders WHERE ordered_on > '2019-12-31'");
        assert_true(count(expired) > 0);
        must(rk_retention_plan(sup, NULL, &p, &err), &err);
        assert_int_equal(p.rules[RK_RULE_BOOKKEEPING].n, stubs);
        assert_string_equal(p.rules[RK_RULE_BOOKKEEPING].next_due, "2027-01-01");
        rk_retention_plan_clear(&p);
        must(rk_retention_run(sup, NULL, NULL, &sum, &err), &err);
        assert_int_equal(sum.done[RK_RULE_BOOKKEEPING], stubs);
        assert_int_equal(count(expired), 0);
        assert_int_equal(count("SELECT count(*) FROM orders WHERE ordered_on > "
                               "'2019-12-31'"),
                         kept);
        assert_int_equal(count("SELECT count(*) FROM order_lines l WHERE NOT EXISTS"
                               " (SELECT 1 FROM orders o WHERE o.id = l.order_id)"),
                         0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_plan_matches_sql_at_dates, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_due_date_at_month_end, setup, teardown),
            cmocka_unit_test_setup_teardown(test_run_does_exactly_the_plan, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_killed_run_then_run_again, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_holds, setup, teardown),
            cmocka_unit_test_setup_teardown(test_outlook_matches_two_plans, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_outlook_cancelled, setup, teardown),
            cmocka_unit_test_setup_teardown(test_denied_without_the_action, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_bookkeeping_delete, setup, teardown),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
