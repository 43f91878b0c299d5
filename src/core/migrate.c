/*
 * migrate.c - the schema, as a list of numbered migrations.
 *
 * Migration N takes a database at user_version N-1 to N, inside one
 * transaction together with the version bump, so a crash leaves either the
 * old or the new schema. Never edit a migration that has shipped; append a
 * new one.
 */
#include "migrate.h"
#include "rekisteri/i18n.h"
#include "rekisteri/ledger.h"
#include "sql.h"

#include <stdio.h>

static const char *const migrations[] = {
    /* 1: register identity and staff accounts */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE users("
    " id INTEGER PRIMARY KEY,"
    " username TEXT NOT NULL UNIQUE,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " must_change_password INTEGER NOT NULL DEFAULT 0,"
    " totp_secret TEXT,"
    " totp_pending TEXT,"
    " totp_last_step INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " password_changed_at INTEGER NOT NULL);"
    "CREATE TABLE user_roles("
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL,"
    " PRIMARY KEY(user_id, role));"
    "CREATE TABLE keyfile_roles("
    " label TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " PRIMARY KEY(label, role));",

    /* 2: the customer register. Every personal-data column is classified
     * in fields.c; `version` is the optimistic lock of each record. */
    "CREATE TABLE customers("
    " id INTEGER PRIMARY KEY,"
    " number TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL CHECK(kind IN ('person','company')),"
    " name TEXT NOT NULL,"
    " last_activity TEXT,"
    " email TEXT, phone TEXT,"
    " street TEXT, postal_code TEXT, city TEXT, country TEXT NOT NULL DEFAULT 'FI',"
    " delivery_street TEXT, delivery_postal_code TEXT, delivery_city TEXT,"
    " delivery_country TEXT,"
    " business_id TEXT,"
    " billing_street TEXT, billing_postal_code TEXT, billing_city TEXT,"
    " billing_country TEXT,"
    " invoice_email TEXT, payment_terms_days INTEGER, bank_reference TEXT,"
    " hetu TEXT,"
    " restricted INTEGER NOT NULL DEFAULT 0,"
    " anonymised_at INTEGER,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE contact_persons("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL, title TEXT, email TEXT, phone TEXT,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX contact_persons_customer ON contact_persons(customer_id);"
    "CREATE TABLE orders("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,"
    " number TEXT NOT NULL UNIQUE,"
    " ordered_on TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX orders_customer ON orders(customer_id);"
    "CREATE INDEX orders_date ON orders(ordered_on);"
    "CREATE TABLE order_lines("
    " id INTEGER PRIMARY KEY,"
    " order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
    " product TEXT NOT NULL,"
    " quantity INTEGER NOT NULL CHECK(quantity >= 0),"
    " unit_price_cents INTEGER NOT NULL CHECK(unit_price_cents >= 0));"
    "CREATE INDEX order_lines_order ON order_lines(order_id);"
    "CREATE TABLE notes("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " created_at TEXT NOT NULL,"
    " author TEXT NOT NULL,"
    " body TEXT NOT NULL);"
    "CREATE INDEX notes_customer ON notes(customer_id);"
    "CREATE TABLE consents("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " purpose TEXT NOT NULL,"
    " given_on TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " withdrawn_on TEXT);"
    "CREATE INDEX consents_customer ON consents(customer_id);"
    "CREATE VIRTUAL TABLE customer_fts USING fts4("
    " keys, identity, contact, billing, idcode, prefix=\"2,3,4\");",

    /* 3: the audit trail (audit.c): hash-chained rows with a MAC under an
     * epoch key that evolves forward; audit_state holds the chain head,
     * the current epoch key and the anchor left by audit retention. */
    "CREATE TABLE audit_log("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " user TEXT NOT NULL,"
    " session TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " subject INTEGER NOT NULL,"
    " groups TEXT NOT NULL,"
    " fields TEXT NOT NULL,"
    " screen TEXT NOT NULL,"

    " result TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " epoch INTEGER NOT NULL,"

    " prev_hash BLOB NOT NULL,"
    " hash BLOB NOT NULL,"
    " mac BLOB NOT NULL);"
    "CREATE INDEX audit_subject ON audit_log(subject, id);"
    "CREATE INDEX audit_user ON audit_log(user, id);"
    "CREATE INDEX audit_action ON audit_log(action, id);"
    "CREATE INDEX audit_at ON audit_log(at);"
    "CREATE INDEX audit_user_at ON audit_log(user, at);"
    "CREATE TABLE audit_state("
    " id INTEGER PRIMARY KEY CHECK(id = 1),"
    " epoch INTEGER NOT NULL,"
    " key BLOB NOT NULL,"
    " rows_in_epoch INTEGER NOT NULL,"
    " head_id INTEGER NOT NULL,"
    " head_hash BLOB NOT NULL,"
    " anchor_id INTEGER NOT NULL,"
    " anchor_hash BLOB NOT NULL);",

    /* 4: data-subject requests (dsr.c): the request register, the records
     * each request is about (kept by number, so a request outlives an
     * erased customer), objections per purpose, and the suppression list of
     * keyed identifier hashes left by erasures (suppress.c). */
    "CREATE TABLE dsr_requests("
    " id INTEGER PRIMARY KEY,"
    " type TEXT NOT NULL CHECK(type IN ('access','rectification','erasure',"
    "'restriction','objection','portability','consent_withdrawal')),"
    " purpose TEXT,"
    " status TEXT NOT NULL CHECK(status IN ('open','verified','executed','closed')),"
    " received_on TEXT NOT NULL,"
    " due_on TEXT NOT NULL,"
    " extended INTEGER NOT NULL DEFAULT 0,"
    " extension_reason TEXT,"
    " handler TEXT NOT NULL,"
    " verification TEXT,"
    " outcome TEXT,"
    " created_at INTEGER NOT NULL,"
    " executed_at INTEGER,"
    " closed_at INTEGER);"
    "CREATE INDEX dsr_requests_due ON dsr_requests(status, due_on);"
    "CREATE TABLE dsr_subjects("
    " request_id INTEGER NOT NULL REFERENCES dsr_requests(id) ON DELETE CASCADE,"
    " kind TEXT NOT NULL CHECK(kind IN ('customer','contact')),"
    " record_id INTEGER NOT NULL,"
    " customer_id INTEGER NOT NULL,"
    " customer_number TEXT NOT NULL,"
    " PRIMARY KEY(request_id, kind, record_id));"
    "CREATE INDEX dsr_subjects_customer ON dsr_subjects(customer_id);"
    "CREATE TABLE objections("
    " id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    " purpose TEXT NOT NULL,"
    " objected_on TEXT NOT NULL,"
    " request_id INTEGER);"
    "CREATE INDEX objections_customer ON objections(customer_id);"
    "CREATE TABLE suppressions("
    " kind TEXT NOT NULL,"
    " hash BLOB NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " PRIMARY KEY(kind, hash));",

    /* 5: retention (retention.c): manual legal holds with their recorded
     * reason, and the runs with what each rule did (the supervisor's
     * screen shows the last one; a run killed midway stays 'running').
     * The indexes serve the notes and consents rules. */
    "CREATE TABLE retention_holds("
    " customer_id INTEGER PRIMARY KEY REFERENCES customers(id),"
    " reason TEXT NOT NULL,"
    " held_by TEXT NOT NULL,"
    " held_at INTEGER NOT NULL);"
    "CREATE TABLE retention_runs("
    " id INTEGER PRIMARY KEY,"
    " started_at INTEGER NOT NULL,"
    " finished_at INTEGER,"
    " today TEXT NOT NULL,"
    " by_user TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK(status IN ('running','done')),"
    " note TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE retention_run_counts("
    " run_id INTEGER NOT NULL REFERENCES retention_runs(id) ON DELETE CASCADE,"
    " rule TEXT NOT NULL,"
    " done INTEGER NOT NULL DEFAULT 0,"
    " rows INTEGER NOT NULL DEFAULT 0,"
    " skipped INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(run_id, rule));"
    "CREATE INDEX notes_created ON notes(created_at);"
    "CREATE INDEX consents_withdrawn ON consents(withdrawn_on);",

    /* 6: the product catalogue (products.c). An order line keeps a copy of
     * what it was sold as (code, name, unit, price, VAT rate), so a later
     * change to the catalogue does not rewrite an order. Products are never
     * deleted, only deactivated. The first status of an order is 'open'. */
    "CREATE TABLE products("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " unit TEXT NOT NULL,"
    " unit_price_cents INTEGER NOT NULL CHECK(unit_price_cents >= 0),"
    " vat_rate_bp INTEGER NOT NULL CHECK(vat_rate_bp BETWEEN 0 AND 10000),"
    " active INTEGER NOT NULL DEFAULT 1,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX products_name ON products(name);"
    "ALTER TABLE order_lines ADD COLUMN product_code TEXT;"
    "ALTER TABLE order_lines ADD COLUMN unit TEXT;"
    "ALTER TABLE order_lines ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX order_lines_code ON order_lines(product_code);"
    "CREATE INDEX orders_status ON orders(status, ordered_on);"
    "UPDATE orders SET status='open' WHERE status='new';",

    /* 7: the position-keyed audit trail (audit.c): audit_state records the
     * row format and when the chain head was last sent off the machine;
     * an existing trail keeps format 1 until the store converts it
     * (rk_audit_upgrade, right after the migrations). */
    "ALTER TABLE audit_state ADD COLUMN format INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE audit_state ADD COLUMN logged_id INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE audit_state ADD COLUMN logged_at INTEGER NOT NULL DEFAULT 0;",

    /* 8: forgetting that holds (ledger.h, forget.h). The register's own
     * record of who was forgotten, written in the forgetting transaction
     * (the .erased file beside it is its mirror; the register's id is
     * derived from its suppression key, suppress.h); and the scrub work a
     * forgetting still owes (an index merge, a WAL truncation), recorded
     * in the same transaction and paid by the next session. */
    RK_LEDGER_TABLES_SQL "CREATE TABLE scrub_debt("
                         " kind TEXT PRIMARY KEY CHECK(kind IN ('index','wal')),"
                         " since INTEGER NOT NULL);",

    /* 9: merging two customers (merge.h): the other customer stays as a
     * stub that points to the survivor, so its number is never reused and
     * a lookup of the old number finds the survivor. */
    "ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers(id);"
    "CREATE INDEX customers_merged ON customers(merged_into);",

    /* 10: languages (i18n.h). Each account's own choice of language (NULL:
     * the register's default applies), and each customer's language, the
     * default of their access and portability reports (NULL or unset: fi). */
    "ALTER TABLE users ADD COLUMN language TEXT"
    " CHECK(language IS NULL OR language IN ('en','fi','sv'));"
    "ALTER TABLE customers ADD COLUMN language TEXT DEFAULT 'fi'"
    " CHECK(language IS NULL OR language IN ('en','fi','sv'));",

    /* 11: imports (import.h). A job per file imported: its name, SHA-256,
     * counts and mapping (never a value), and the last row saved, written
     * in each batch's transaction so that importing the same file again
     * resumes after it. A previously erased person imported again is
     * recorded with the supervisor's reason. Mappings saved by name. */
    "CREATE TABLE import_jobs("
    " id INTEGER PRIMARY KEY,"
    " file_name TEXT NOT NULL,"
    " file_hash TEXT NOT NULL,"
    " mapping TEXT NOT NULL,"
    " counts TEXT NOT NULL,"
    " done_row INTEGER NOT NULL DEFAULT 1,"
    " created INTEGER NOT NULL DEFAULT 0,"
    " updated INTEGER NOT NULL DEFAULT 0,"
    " user TEXT NOT NULL,"
    " started_at INTEGER NOT NULL,"
    " finished_at INTEGER);"
    "CREATE INDEX import_jobs_hash ON import_jobs(file_hash, finished_at);"
    "CREATE TABLE import_readds("
    " job_id INTEGER NOT NULL REFERENCES import_jobs(id),"
    " row INTEGER NOT NULL,"
    " customer_id INTEGER NOT NULL,"
    " reason TEXT NOT NULL,"
    " PRIMARY KEY(job_id, row));"
    "CREATE TABLE import_mappings("
    " name TEXT PRIMARY KEY,"
    " spec TEXT NOT NULL,"
    " saved_at INTEGER NOT NULL);",

    /* 12: fewer pages per audited read (issue 18). Every customer view and
     * every search hit appends an audit row, and each index on audit_log
     * costs that row's transaction a descent (pages read and decrypted)
     * and a leaf written (encrypted). The action index serves lookups of
     * rare actions (the trail's anchors, backups, verifications, logins);
     * views and searches, half the trail or more, are found by walking
     * the trail back from its end, so they leave the action index. A
     * query that wants it names AUDIT_ACTION_INDEXED (audit_chain.h). */
    "DROP INDEX audit_action;"
    "CREATE INDEX audit_action ON audit_log(action, id)"
    " WHERE action NOT IN ('customer.view','customer.search');",
    /* 13: restrictions one by one (dsr_db.h): a row per customer and the
     * carried-out restriction request that restricts it, so a merge that
     * brings the other customer's restriction along (merge.c) keeps both,
     * and lifting one leaves the other. customers.restricted stays the
     * flag every reader asks. The restrictions already made are found
     * through their requests. A request closed unlifted and later deleted
     * by retention leaves the flag as it was before this table: set, and
     * lifted by any request's lift. */
    "CREATE TABLE restrictions("
    " customer_id INTEGER NOT NULL REFERENCES customers(id),"
    " request_id INTEGER NOT NULL REFERENCES dsr_requests(id) ON DELETE CASCADE,"
    " PRIMARY KEY(customer_id, request_id)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO restrictions(customer_id, request_id)"
    " SELECT s.customer_id, r.id FROM dsr_subjects s"
    " JOIN dsr_requests r ON r.id = s.request_id"
    " JOIN customers c ON c.id = s.customer_id"
    " WHERE s.kind = 'customer' AND r.type = 'restriction'"
    " AND r.status = 'executed' AND c.restricted <> 0;",
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int rk_migrate_latest(void)
{
        return N_MIGRATIONS;
}

int rk_migrate_version(sqlite3 *db, int *version, struct rk_error *err)
{
        sqlite3_stmt *st;
        int rc = rk_sql_prepare(db, "PRAGMA user_version", &st,
                                "reading the schema version", err);
        if (rc != RK_OK)
                return rc;
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW)
                *version = sqlite3_column_int(st, 0);
        else
                rc = rk_sql_fail(db, src, "reading the schema version", err);
        sqlite3_finalize(st);
        return rc;
}

static int apply_one(sqlite3 *db, int to, const char *path, struct rk_error *err)
{
        char what[512], bump[64];
        snprintf(what, sizeof(what), _("%s: upgrading the schema to version %d"), path,
                 to);
        snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", to);
        int rc = rk_sql_begin_as(db, what, err);
        int current = 0;
        /* Another session may have migrated while we waited for the lock. */
        if (rc == RK_OK)
                rc = rk_migrate_version(db, &current, err);
        if (rc == RK_OK && current >= to)
                return rk_sql_commit_as(db, what, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, migrations[to - 1], what, err);
        if (rc == RK_OK)
                rc = rk_sql_exec(db, bump, what, err);
        if (rc == RK_OK)
                rc = rk_sql_commit_as(db, what, err);
        if (rc != RK_OK)
                rk_sql_rollback(db);
        return rc;
}

int rk_migrate_apply(sqlite3 *db, const char *path, struct rk_error *err)
{
        int version = 0;
        int rc = rk_migrate_version(db, &version, err);
        for (int to = version + 1; rc == RK_OK && to <= N_MIGRATIONS; to++)
                rc = apply_one(db, to, path, err);
        return rc;
}
