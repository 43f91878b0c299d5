/*
 * retention_outlook.c - the counts the supervisor's retention screen
 * shows (see retention.h, struct rk_retention_outlook), kept in the
 * register so that opening the screen does not plan over every customer.
 *
 * How it works: a refresh runs one counting plan (ret_plan_db with split =
 * today) to today + RK_RETENTION_OUTLOOK_DAYS: every subject due by then
 * is counted as due now, held now, or falling due within the window, and
 * nothing per subject is kept. The result goes to one row of `meta`
 * (key "retention.outlook") as text: a head line "v1 computed_at today
 * ahead", then one line per rule "due held soon next_due" ('-' for no
 * date). `retention run` refreshes it after every run (cmd_retention.c),
 * the screen on request (F5). Reading it is one indexed row: under a
 * millisecond on any register size. The counts hold no personal data.
 */
#include "retention_db.h"
#include "sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define OUTLOOK_KEY "retention.outlook"

/* The text stored in meta; size is enough for 7 rules. */
static void outlook_format(const struct rk_retention_outlook *o, char *buf, size_t size)
{
        int n = snprintf(buf, size, "v1 %" PRId64 " %s %s\n", o->computed_at, o->today,
                         o->ahead);
        for (int r = 0; r < RK_RULE_COUNT && n > 0 && (size_t)n < size; r++) {
                const struct rk_retention_outlook_rule *x = &o->rules[r];
                n += snprintf(buf + n, size - (size_t)n,
                              "%" PRId64 " %" PRId64 " %" PRId64 " %s\n", x->due, x->held,
                              x->soon, x->next_due[0] ? x->next_due : "-");
        }
}

/* Parse outlook_format's text; false when it is not that. */
static bool outlook_parse(const char *text, struct rk_retention_outlook *o)
{
        int used = 0;
        memset(o, 0, sizeof(*o));
        if (sscanf(text, "v1 %" SCNd64 " %10s %10s%n", &o->computed_at, o->today,
                   o->ahead, &used) != 3)
                return false;
        text += used;
        for (int r = 0; r < RK_RULE_COUNT; r++) {
                struct rk_retention_outlook_rule *x = &o->rules[r];
                if (sscanf(text, " %" SCNd64 " %" SCNd64 " %" SCNd64 " %10s%n", &x->due,
                           &x->held, &x->soon, x->next_due, &used) != 4)
                        return false;
                if (strcmp(x->next_due, "-") == 0)
                        x->next_due[0] = '\0';
                text += used;
        }
        o->known = rk_date_parse(o->today, NULL, NULL, NULL);
        return o->known;
}

static int outlook_load(sqlite3 *db, struct rk_retention_outlook *out,
                        struct rk_error *err)
{
        sqlite3_stmt *st;
        memset(out, 0, sizeof(*out));
        int rc =
            rk_sql_prepare(db, "SELECT value FROM meta WHERE key = '" OUTLOOK_KEY "'",
                           &st, "reading the retention outlook", err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                outlook_parse((const char *)sqlite3_column_text(st, 0), out);
        else if (src != SQLITE_DONE)
                rc = rk_sql_fail(db, src, "reading the retention outlook", err);
        sqlite3_finalize(st);
        return rc;
}

static int outlook_store(sqlite3 *db, const struct rk_retention_outlook *o,
                         struct rk_error *err)
{
        char text[1024];
        sqlite3_stmt *st = NULL;
        outlook_format(o, text, sizeof(text));
        int rc = rk_sql_begin(db, err);
        if (rc == RK_OK)
                rc = rk_sql_prepare(db,
                                    "INSERT OR REPLACE INTO meta(key, value)"
                                    " VALUES('" OUTLOOK_KEY "', ?)",
                                    &st, "keeping the retention outlook", err);
        if (rc == RK_OK) {
                sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
                int src = sqlite3_step(st);
                if (src != SQLITE_DONE)
                        rc = rk_sql_fail(db, src, "keeping the retention outlook", err);
        }
        sqlite3_finalize(st);
        if (rc == RK_OK)
                rc = rk_sql_commit(db, err);
        else
                rk_sql_rollback(db);
        return rc;
}

int rk_retention_outlook_read(struct rk_session *s, struct rk_retention_outlook *out,
                              struct rk_error *err)
{
        memset(out, 0, sizeof(*out));
        int rc = ret_require(s, err);
        return rc == RK_OK ? outlook_load(ret_session_db(s), out, err) : rc;
}

/* One counting plan to o->ahead, split at o->today. */
static int outlook_count(sqlite3 *db, const struct rk_config *cfg,
                         struct rk_retention_outlook *o, struct ret_plan_opts *opts,
                         struct rk_error *err)
{
        struct rk_retention_plan plan;
        opts->split = o->today;
        opts->outlook = o;
        int rc = ret_plan_db(db, cfg, o->ahead, &plan, opts, err);
        rk_retention_plan_clear(&plan);
        return rc;
}

int rk_retention_outlook_refresh(struct rk_session *s, rk_retention_poll poll, void *ctx,
                                 bool *cancelled, struct rk_retention_outlook *out,
                                 struct rk_error *err)
{
        struct rk_retention_outlook o;
        struct ret_plan_opts opts = {.poll = poll, .poll_ctx = ctx};
        sqlite3 *db = ret_session_db(s);
        *cancelled = false;
        memset(out, 0, sizeof(*out));
        memset(&o, 0, sizeof(o));
        int rc = ret_require(s, err);
        if (rc != RK_OK)
                return rc;
        o.computed_at = rk_clock_now();
        rk_date_of(o.computed_at, o.today);
        rk_date_of(o.computed_at + RK_RETENTION_OUTLOOK_DAYS * 86400LL, o.ahead);
        rc = rk_session_audit(s, "retention.plan", 0, "", rk_session_place(s), "ok", NULL,
                              err);
        if (rc == RK_OK)
                rc = outlook_count(db, rk_register_config(rk_session_register(s)), &o,
                                   &opts, err);
        if (rc == RK_OK && opts.cancelled) {
                *cancelled = true;
                return outlook_load(db, out, err);
        }
        if (rc == RK_OK)
                rc = outlook_store(db, &o, err);
        if (rc == RK_OK) {
                o.known = true;
                *out = o;
        }
        return rc;
}
