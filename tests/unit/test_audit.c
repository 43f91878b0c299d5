/*
 * test_audit.c - the audit trail's tamper evidence: an untouched trail
 * verifies; altering, deleting, reordering, inserting or truncating rows is
 * caught at the exact entry; MACs need K(0); retention keeps the chain
 * verifiable; listing filters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rekisteri/audit.h"
#include "rekisteri/register.h"
#include "audit_chain.h"
#include "rekisteri/clock.h"
#include "retention_db.h"
#include "sql.h"
#include "testutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rk_config cfg;
static char k0[RK_AUDIT_KEY_TEXT];
static struct rk_register *reg;
static sqlite3 *db;
static struct rk_audit_actor actor;
static const int64_t T0 = 1800000000;

static void append_n(int n, int64_t epoch_rows)
{
        struct rk_error err;
        for (int i = 0; i < n; i++) {
                struct rk_audit_event ev = {.action = "customer.view",
                                            .subject = 100 + i,
                                            .groups = "identity,contact",
                                            .screen = "detail",
                                            .result = "ok"};
                assert_int_equal(
                    rk_audit_record(db, &actor, &ev, T0 + i * 3600, epoch_rows, &err),
                    RK_OK);
        }
}

static int setup(void **state)
{
        (void)state;
        const char *pw = "kolme iloista kalaa";
        tu_tmpdir();
        tu_fast_config(&cfg);
        snprintf(cfg.audit_heads_file, sizeof(cfg.audit_heads_file), "%s",
                 tu_path("heads.log"));
        cfg.audit_head_interval = 600; /* rows are an hour apart: 10 h */
        reg = tu_register(&cfg, tu_path("r.db"), "admin", pw, NULL, k0);
        db = rk_register_db(reg);
        rk_audit_actor_init(&actor, "sales", "192.0.2.7");
        append_n(10, 3); /* epochs 0..3 */
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        rk_register_close(reg);
        tu_rmdir();
        return 0;
}

static void verify(const char *key, struct rk_audit_verdict *v)
{
        struct rk_error err;
        assert_int_equal(rk_audit_verify(db, key, v, &err), RK_OK);
}

static void sql(const char *text)
{
        char *msg = NULL;
        if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", text, msg);
}

static void test_untouched_verifies(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        verify(NULL, &v);
        assert_true(v.ok);
        assert_int_equal(v.rows, 10);
        assert_int_equal(strlen(v.head), 64);
        verify(k0, &v);
        assert_true(v.ok);
        assert_true(v.macs_checked);
        /* the epoch key really moved on: the stored key is not K(0) */
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT hex(key), epoch FROM audit_state",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_not_equal(strcasecmp((const char *)sqlite3_column_text(st, 0), k0), 0);
        assert_int_equal(sqlite3_column_int(st, 1), 3);
        sqlite3_finalize(st);
}

static void test_altered_row(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        sql("UPDATE audit_log SET groups='identity' WHERE id=5");
        verify(NULL, &v);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 5);
        assert_non_null(strstr(v.why, "altered"));
}

static void test_deleted_row(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        sql("DELETE FROM audit_log WHERE id=4");
        verify(NULL, &v);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 4);
        assert_non_null(strstr(v.why, "deleted"));
}

static void test_deleted_newest(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        sql("DELETE FROM audit_log WHERE id>=9");
        verify(NULL, &v);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 9);
}

static void test_reordered_rows(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        sql("UPDATE audit_log SET id=-6 WHERE id=6;"
            "UPDATE audit_log SET id=6 WHERE id=7;"
            "UPDATE audit_log SET id=7 WHERE id=-6;");
        verify(NULL, &v);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 6);
        assert_non_null(strstr(v.why, "link"));
}

static void test_inserted_row(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        /* shift 8.. up and put a forged row at 8 that copies row 8's link */
        sql("UPDATE audit_log SET id=id+100 WHERE id>=8;"
            "INSERT INTO audit_log SELECT "
            "8,at,'nobody',session,source,action,subject,groups,"
            "fields,screen,result,target,epoch,prev_hash,hash,mac FROM audit_log WHERE "
            "id=108;"
            "UPDATE audit_log SET id=id-99 WHERE id>=108;");
        verify(NULL, &v);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 8);
}

/* Someone with the database key rewrites an old row and recomputes the
 * chain: only the MAC under K(0) can tell. */
static void test_rewrite_needs_k0(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        struct rk_error err;
        /* rebuild a trail where row 2 was never written: start over and
         * append rows with the stolen current key (the attacker's view) */
        sql("DELETE FROM audit_log;"
            "UPDATE audit_state SET head_id=0, head_hash=zeroblob(32), rows_in_epoch=0,"
            " epoch=0;");
        struct rk_audit_event ev = {.action = "customer.view",
                                    .subject = 1,
                                    .groups = "identity",
                                    .result = "ok"};
        assert_int_equal(rk_audit_record(db, &actor, &ev, T0, 1000, &err), RK_OK);
        verify(NULL, &v);
        assert_true(v.ok); /* the chain alone is consistent */
        verify(k0, &v);
        assert_false(v.ok); /* but the MAC was made with a later key, not K(0) */
        assert_int_equal(v.bad_id, 1);
        assert_non_null(strstr(v.why, "MAC"));
}

static void test_wrong_key(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        struct rk_error err;
        char wrong[RK_AUDIT_KEY_TEXT];
        memcpy(wrong, k0, sizeof(wrong));
        wrong[0] = wrong[0] == '0' ? '1' : '0';
        verify(wrong, &v);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 1);
        assert_int_equal(rk_audit_verify(db, "xyz", &v, &err), RK_ERR_INVALID);
}

static void test_retention_keeps_chain(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        struct rk_error err;
        int64_t deleted = 0;
        /* rows are an hour apart from T0 = 2027-01-15T08:00:00Z; a year on */
        assert_int_equal(rk_audit_prune(db, &actor, "2027-01-15T12:30:00Z",
                                        T0 + 400 * 86400, 3, 12, &deleted, &err),
                         RK_OK);
        assert_int_equal(deleted, 5);
        struct rk_audit_verify_opts o = {
            .key_text = k0, .heads_path = tu_path("heads.log"), .retention_months = 12};
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        if (!v.ok)
                fail_msg("entry %lld: %s", (long long)v.bad_id, v.why);
        assert_int_equal(v.rows, 6); /* 5 kept + the retention entry */
        assert_true(v.heads_given >= 3);
        assert_true(v.heads_checked >= 1 && v.heads_checked < v.heads_given);
        /* the same anchor is too recent for a register that keeps 24 months */
        o.retention_months = 24;
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 11);
        assert_non_null(strstr(v.why, "12 months"));
        /* and a pruning of rows younger than its period is refused outright */
        assert_int_equal(rk_audit_prune(db, &actor, "2028-01-01", T0 + 400 * 86400, 3, 12,
                                        &deleted, &err),
                         RK_ERR_INVALID);
        assert_int_equal(deleted, 0);
}

/* Someone with the database key deletes the newest rows and points the
 * state at the new last row: only K0 (the stored key is for row 11) or a
 * logged head tells. */
static void test_truncation_needs_k0_or_heads(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        struct rk_error err;
        sql("DELETE FROM audit_log WHERE id>=9;"
            "UPDATE audit_state SET head_id=8,"
            " head_hash=(SELECT hash FROM audit_log WHERE id=8);");
        verify(NULL, &v);
        assert_true(v.ok); /* the chain alone is consistent */
        verify(k0, &v);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 9);
        assert_non_null(strstr(v.why, "stored key"));
        struct rk_audit_verify_opts o = {.heads_path = tu_path("heads.log")};
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_false(v.ok); /* heads were logged at rows 1, 3, 6 and 9 */
        assert_int_equal(v.bad_id, 9);
        assert_non_null(strstr(v.why, "head for entry 9"));
}

/* A head names the row it was logged for: a row rewritten and re-chained
 * by someone with every key still differs from its head. */
static void test_heads_catch_rewrite(void **state)
{
        (void)state;
        struct rk_audit_verdict v;
        struct rk_error err;
        FILE *f = fopen(tu_path("heads.log"), "r");
        char line[512];
        int n = 0;
        assert_non_null(f);
        while (fgets(line, sizeof(line), f) != NULL)
                n += strstr(line, "rekisteri audit head: id=") != NULL;
        fclose(f);
        assert_int_equal(n, 4); /* rows 1 (interval), 3, 6, 9 (epochs of 3) */
        struct rk_audit_verify_opts o = {.key_text = k0,
                                         .heads_path = tu_path("heads.log")};
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_true(v.ok);
        assert_int_equal(v.heads_checked, 4);
        /* a head line of a different hash for row 6 */
        f = fopen(tu_path("heads.log"), "a");
        fprintf(f, "syslog: rekisteri[1]: audit head: id=6 hash=%064d at=x\n", 0);
        fclose(f);
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 6);
        assert_non_null(strstr(v.why, "rewritten"));
}

static void test_list_filters(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_row *rows;
        size_t n;
        struct rk_audit_filter f = {0};
        f.subject = 103;
        assert_int_equal(rk_audit_list(db, &f, 50, &rows, &n, &err), RK_OK);
        assert_int_equal(n, 1);
        assert_string_equal(rows[0].user, "sales");
        assert_string_equal(rows[0].groups, "identity,contact");
        assert_string_equal(rows[0].source, "192.0.2.7");
        free(rows);
        memset(&f, 0, sizeof(f));
        f.action = "customer.";
        f.from = "2027-01-15T10";
        f.to = "2027-01-15T13";
        assert_int_equal(rk_audit_list(db, &f, 50, &rows, &n, &err), RK_OK);
        assert_int_equal(n, 3);
        assert_true(rows[0].id > rows[1].id); /* newest first */
        free(rows);
        memset(&f, 0, sizeof(f));
        f.user = "billing";
        assert_int_equal(rk_audit_list(db, &f, 50, &rows, &n, &err), RK_OK);
        assert_int_equal(n, 0);
        free(rows);
}

/* Pages written to commit `n` audit rows of `action`, one transaction each. */
static long long pages_written(const char *action, int n)
{
        struct rk_error err;
        int cur = 0, hi = 0;
        long long pages = 0;
        for (int i = 0; i < n; i++) {
                struct rk_audit_event ev = {
                    .action = action, .subject = 500 + i % 7, .result = "ok"};
                sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &cur, &hi, 1);
                assert_int_equal(rk_audit_record(db, &actor, &ev, T0 + 86400, 1000, &err),
                                 RK_OK);
                sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &cur, &hi, 1);
                pages += cur;
        }
        return pages;
}

/* The plan SQLite makes for sql names the index `index`. */
static bool plan_uses(const char *sql, const char *index)
{
        char text[1024];
        sqlite3_stmt *st;
        bool found = false;
        snprintf(text, sizeof(text), "EXPLAIN QUERY PLAN %s", sql);
        assert_int_equal(sqlite3_prepare_v2(db, text, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW)
                found |= strstr((const char *)sqlite3_column_text(st, 3), index) != NULL;
        sqlite3_finalize(st);
        return found;
}

/* Views and search hits stay out of the action index (migrate.c), so
 * auditing one writes a page fewer: each view's transaction used to write
 * the action index's leaf too. Looking rows up by action still finds them
 * all, a rare action through the index, a view by walking the trail. */
static void test_views_skip_action_index(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_row *rows;
        size_t n;
        long long rare = pages_written("order.view", 200);
        long long views = pages_written("customer.view", 200);
        print_message("pages written for 200 rows: order.view %lld, customer.view %lld\n",
                      rare, views);
        assert_true(views <= rare - 100); /* about one a row; splits vary */
        struct rk_audit_filter f = {.action = "customer.view"};
        assert_int_equal(rk_audit_list(db, &f, 1000, &rows, &n, &err), RK_OK);
        assert_int_equal(n, 210); /* setup's 10 and these 200 */
        assert_string_equal(rows[0].action, "customer.view");
        free(rows);
        f.action = "order.view";
        assert_int_equal(rk_audit_list(db, &f, 1000, &rows, &n, &err), RK_OK);
        assert_int_equal(n, 200);
        assert_true(rows[0].id > rows[1].id); /* newest first */
        free(rows);
        assert_true(plan_uses(
            "SELECT id FROM audit_log WHERE action='order.view' AND " AUDIT_ACTION_INDEXED
            " ORDER BY id DESC",
            "audit_action"));
        assert_true(
            plan_uses("SELECT id,action,fields FROM audit_log WHERE action IN "
                      "('audit.migrate','audit.retention') AND " AUDIT_ACTION_INDEXED,
                      "audit_action"));
        assert_false(plan_uses("SELECT id FROM audit_log WHERE action='customer.view'",
                               "audit_action"));
}

static int count_heads(const char *id_eq)
{
        FILE *f = fopen(tu_path("heads.log"), "r");
        char line[512];
        int n = 0;
        assert_non_null(f);
        while (fgets(line, sizeof(line), f) != NULL)
                n += strstr(line, id_eq) != NULL;
        fclose(f);
        return n;
}

/* A head is sent only when the rows it names are committed: a rolled-back
 * transaction that crossed an epoch leaves no head behind, and the same
 * position written again later gets its own. */
static void test_heads_only_after_commit(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_verdict v;
        struct rk_audit_event ev = {
            .action = "customer.view", .subject = 5, .result = "ok"};
        assert_int_equal(count_heads("id=12 "), 0);
        assert_int_equal(rk_sql_begin(db, &err), RK_OK);
        for (int i = 0; i < 2; i++) /* rows 11 and 12: 12 ends an epoch of 3 */
                assert_int_equal(rk_audit_append(db, &actor, &ev, T0 + 36000, 3, &err),
                                 RK_OK);
        rk_sql_rollback(db);
        assert_int_equal(count_heads("id=12 "), 0);
        ev.subject = 6;
        for (int i = 0; i < 2; i++)
                assert_int_equal(rk_audit_record(db, &actor, &ev, T0 + 36000, 3, &err),
                                 RK_OK);
        assert_int_equal(count_heads("id=12 "), 1);
        struct rk_audit_verify_opts o = {.key_text = k0,
                                         .heads_path = tu_path("heads.log")};
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_true(v.ok);
        assert_int_equal(v.heads_checked, 5);
}

/* Someone with the database key cannot hold heads back by editing the
 * state's counters: heads follow the position and the clock. */
static void test_heads_not_held_back(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_event ev = {
            .action = "customer.view", .subject = 5, .result = "ok"};
        sql("UPDATE audit_state SET rows_in_epoch=-1000000, epoch=-5,"
            " logged_at=4000000000, logged_id=1000000;");
        for (int i = 0; i < 2; i++) /* rows 11 and 12 */
                assert_int_equal(rk_audit_record(db, &actor, &ev, T0 + 36000, 3, &err),
                                 RK_OK);
        assert_int_equal(count_heads("id=11 "), 1); /* the time lay in the future */
        assert_int_equal(count_heads("id=12 "), 1); /* 12 ends an epoch of 3 */
}

/* Heads can go to a command instead (e.g. logger -n loghost), and a file
 * without heads is an error, not a silent pass. */
static void test_heads_command(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_verdict v;
        struct rk_config c2 = cfg;
        struct rk_audit_event ev = {
            .action = "customer.view", .subject = 5, .result = "ok"};
        c2.audit_heads_file[0] = '\0';
        snprintf(c2.audit_heads_command, sizeof(c2.audit_heads_command), "cat >> %s",
                 tu_path("cmd.log"));
        audit_heads_configure(db, &c2);
        for (int i = 0; i < 2; i++) /* row 12 ends an epoch of 3 */
                assert_int_equal(rk_audit_record(db, &actor, &ev, T0 + 36000, 3, &err),
                                 RK_OK);
        FILE *f = fopen(tu_path("cmd.log"), "r");
        char line[512] = "";
        assert_non_null(f);
        assert_non_null(fgets(line, sizeof(line), f));
        fclose(f);
        assert_non_null(strstr(line, "audit head: id=12 hash="));
        struct rk_audit_verify_opts o = {.heads_path = tu_path("cmd.log")};
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_true(v.ok);
        assert_int_equal(v.heads_checked, 1);
        f = fopen(tu_path("empty.log"), "w");
        fputs("Dec  5 00:00:00 host sshd[1]: nothing here\n", f);
        fclose(f);
        o.heads_path = tu_path("empty.log");
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_ERR_INVALID);
}

/* Rewrite the test register's trail as the first form wrote it (one key
 * per epoch of 3 rows, K(n+1) = H(K(n))), as a register from before the
 * conversion would hold it. */
static void make_old_form(void)
{
        unsigned char key[HB], prev[HB] = {0}, hash[HB], mac[HB];
        sqlite3_stmt *st, *up;
        int64_t epoch = 0, id = 0;
        assert_int_equal(sodium_hex2bin(key, HB, k0, 64, NULL, NULL, NULL), 0);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT " AUDIT_ROW_COLUMNS
                                            " FROM audit_log ORDER BY id",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "UPDATE audit_log SET epoch=?,prev_hash=?,"
                                            "hash=?,mac=? WHERE id=?",
                                            -1, &up, NULL),
                         SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
                struct rk_audit_row r;
                audit_read_row(st, &r);
                r.epoch = (r.id - 1) / 3;
                for (; epoch < r.epoch; epoch++)
                        audit_v1_evolve(key);
                audit_row_hash(AUDIT_V1, &r, prev, hash);
                audit_v1_mac(key, hash, mac);
                sqlite3_bind_int64(up, 1, r.epoch);
                sqlite3_bind_blob(up, 2, prev, HB, SQLITE_TRANSIENT);
                sqlite3_bind_blob(up, 3, hash, HB, SQLITE_TRANSIENT);
                sqlite3_bind_blob(up, 4, mac, HB, SQLITE_TRANSIENT);
                sqlite3_bind_int64(up, 5, r.id);
                assert_int_equal(sqlite3_step(up), SQLITE_DONE);
                sqlite3_reset(up);
                memcpy(prev, hash, HB);
                id = r.id;
        }
        sqlite3_finalize(st);
        sqlite3_finalize(up);
        struct chain_state cs;
        struct rk_error err;
        assert_int_equal(audit_state_load(db, &cs, &err), RK_OK);
        cs.format = AUDIT_V1;
        cs.epoch = epoch;
        memcpy(cs.key, key, HB);
        cs.head_id = id;
        memcpy(cs.head_hash, prev, HB);
        assert_int_equal(audit_state_save(db, &cs, 0, &err), RK_OK);
}

/* An old trail is converted, then retention prunes past the conversion
 * row: the anchor carries the chain's origin, and everything verifies with
 * K0, the heads and the configured months. */
static void test_converted_then_pruned(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_verdict v;
        int64_t deleted = 0;
        make_old_form();
        fclose(fopen(tu_path("heads.log"), "w")); /* the heads of the rows rewritten */
        assert_int_equal(rk_sql_begin(db, &err), RK_OK);
        assert_int_equal(rk_audit_upgrade(db, T0 + 10 * 3600, &err), RK_OK);
        assert_int_equal(rk_sql_commit(db, &err), RK_OK);
        struct rk_audit_verify_opts o = {
            .key_text = k0, .heads_path = tu_path("heads.log"), .retention_months = 12};
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        if (!v.ok)
                fail_msg("entry %lld: %s", (long long)v.bad_id, v.why);
        assert_int_equal(v.rows, 11); /* 10 old + the conversion row */
        /* a head line of the first form, as syslog kept it, counts too */
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT lower(hex(hash)) FROM audit_log "
                                            "WHERE id=9",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        FILE *f = fopen(tu_path("heads.log"), "a");
        fprintf(
            f,
            "Dec  5 00:00:01 host rekisteri[7]: audit chain head: epoch=2 id=9 hash=%s\n",
            (const char *)sqlite3_column_text(st, 0));
        fclose(f);
        sqlite3_finalize(st);
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_true(v.ok);
        assert_int_equal(v.heads_checked, 2); /* row 9's old line and row 11's */
        struct rk_audit_event ev = {
            .action = "customer.view", .subject = 5, .result = "ok"};
        for (int i = 11; i < 13; i++) /* rows 12, 13 */
                assert_int_equal(rk_audit_record(db, &actor, &ev, T0 + i * 3600, 3, &err),
                                 RK_OK);
        assert_int_equal(rk_audit_prune(db, &actor, "2027-01-15T20:30:00Z",
                                        T0 + 400 * 86400, 3, 12, &deleted, &err),
                         RK_OK);
        assert_int_equal(deleted, 13); /* the conversion row went too */
        assert_int_equal(rk_audit_record(db, &actor, &ev, T0 + 401 * 86400, 3, &err),
                         RK_OK);
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        if (!v.ok)
                fail_msg("entry %lld: %s", (long long)v.bad_id, v.why);
        assert_int_equal(v.rows, 2); /* the anchor (14) and row 15 */
        /* the conversion row's key is not a key anyone holds: a rewrite of
         * the anchor with the stored key fails at it */
        sql("UPDATE audit_log SET fields=replace(fields,'months=12','months=13') WHERE "
            "id=14");
        assert_int_equal(rk_audit_verify_with(db, &o, &v, &err), RK_OK);
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 14);
}

/* Every cutoff an honest retention run uses, on every day of two years
 * and with its local date a day ahead of UTC, is one the pruning and the
 * verifier accept; a cutoff 40 days later is not. */
static void test_retention_cutoffs_agree(void **state)
{
        (void)state;
        static const int months[] = {1, 6, 12, 24, 240};
        struct rk_error err;
        struct rk_config c = cfg;
        for (int64_t t = 1798761600; t < 1798761600 + 730 * 86400; t += 86400) {
                char today[RK_DATE_TEXT], before[RK_DATE_TEXT], late[RK_DATE_TEXT];
                char at[21];
                rk_date_of(t, today);
                audit_format_time(t - 3600, at); /* 23:00Z the day before */
                for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
                        c.audit_retention_months = months[i];
                        assert_int_equal(ret_audit_before(&c, today, before, &err),
                                         RK_OK);
                        if (!audit_cutoff_allowed(before, at, months[i]))
                                fail_msg("%s, %d months: before %s refused", today,
                                         months[i], before);
                }
                rk_date_of(t + 40 * 86400, late);
                assert_false(audit_cutoff_allowed(late, at, 1));
        }
}

/* A forged anchor far out (id 10^12, chained correctly) must be refused
 * at once, not walked to one key step at a time. */
static void test_far_position_refused(void **state)
{
        (void)state;
        struct rk_error err;
        struct rk_audit_verdict v;
        struct rk_audit_row r;
        unsigned char prev[HB], hash[HB];
        char hex[2 * HB + 1];
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT " AUDIT_ROW_COLUMNS
                                            ",prev_hash FROM audit_log WHERE id=10",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        audit_read_row(st, &r);
        assert_int_equal(audit_copy_blob(st, 13, prev), 0);
        sqlite3_finalize(st);
        sodium_bin2hex(hex, sizeof(hex), prev, HB);
        r.id = 1000000000000;
        snprintf(r.action, sizeof(r.action), "audit.retention");
        snprintf(r.fields, sizeof(r.fields),
                 "pruned_to=999999999999;before=2000-01-01;months=1;hash=%s;origin=1;"
                 "seed_epoch=0",
                 hex);
        audit_row_hash(AUDIT_V2, &r, prev, hash);
        sql("DELETE FROM audit_log");
        assert_int_equal(audit_insert_row(db, &r, prev, hash, hash, &err), RK_OK);
        sql("UPDATE audit_state SET head_id=1000000000000,"
            " head_hash=(SELECT hash FROM audit_log)");
        verify(NULL, &v);
        assert_true(v.ok); /* the chain alone is consistent */
        verify(k0, &v);    /* returns at once */
        assert_false(v.ok);
        assert_int_equal(v.bad_id, 1000000000000);
        assert_non_null(strstr(v.why, "cannot be reached"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_untouched_verifies, setup, teardown),
            cmocka_unit_test_setup_teardown(test_altered_row, setup, teardown),
            cmocka_unit_test_setup_teardown(test_deleted_row, setup, teardown),
            cmocka_unit_test_setup_teardown(test_deleted_newest, setup, teardown),
            cmocka_unit_test_setup_teardown(test_reordered_rows, setup, teardown),
            cmocka_unit_test_setup_teardown(test_inserted_row, setup, teardown),
            cmocka_unit_test_setup_teardown(test_rewrite_needs_k0, setup, teardown),
            cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
            cmocka_unit_test_setup_teardown(test_retention_keeps_chain, setup, teardown),
            cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
            cmocka_unit_test_setup_teardown(test_views_skip_action_index, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_truncation_needs_k0_or_heads, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_heads_catch_rewrite, setup, teardown),
            cmocka_unit_test_setup_teardown(test_heads_only_after_commit, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_heads_not_held_back, setup, teardown),
            cmocka_unit_test_setup_teardown(test_heads_command, setup, teardown),
            cmocka_unit_test_setup_teardown(test_converted_then_pruned, setup, teardown),
            cmocka_unit_test(test_retention_cutoffs_agree),
            cmocka_unit_test_setup_teardown(test_far_position_refused, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
