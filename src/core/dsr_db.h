/*
 * dsr_db.h - what the data-subject request files (dsr.c, dsr_find.c,
 * dsr_preview.c, dsr_exec.c, dsr_export.c) share inside the core library:
 * the step transaction, its audit rows and loading a request.
 */
#ifndef REKISTERI_DSR_DB_H
#define REKISTERI_DSR_DB_H

#include "rekisteri/dsr.h"

#include <jansson.h>
#include <sqlite3.h>

/* dsr_db - the session's database. */
sqlite3 *dsr_db(struct rk_session *s);

/* dsr_begin - check the requests action and BEGIN IMMEDIATE. */
int dsr_begin(struct rk_session *s, struct rk_error *err);

/* dsr_end - COMMIT when rc is RK_OK, else (or when that fails) ROLLBACK;
 * returns the final code. */
int dsr_end(struct rk_session *s, int rc, struct rk_error *err);

/* dsr_audit - append "dsr.<step>" for request id and subject (a customer
 * id or 0) with groups ("a,b" or "") inside the open transaction. */
int dsr_audit(struct rk_session *s, const char *step, int64_t id, int64_t subject,
              const char *groups, struct rk_error *err);

/* dsr_load - request id with its subjects into out (clear with
 * rk_dsr_request_clear); overdue computed for today. RK_ERR_NOTFOUND. */
int dsr_load(sqlite3 *db, int64_t id, const char *today, struct rk_dsr_request *out,
             struct rk_error *err);

/* dsr_set_status - status (and its timestamp column) of request id. */
int dsr_set_status(sqlite3 *db, int64_t id, enum rk_dsr_status status, int64_t now,
                   struct rk_error *err);

/* The consents in force that an objection or withdrawal for purpose ?2
 * ends, of customer ?1: "direct_marketing" ends every marketing consent. */
#define DSR_CONSENTS_HIT                                                                 \
        " consents WHERE customer_id=?1 AND withdrawn_on IS NULL"                        \
        " AND (?2 = 'direct_marketing' OR purpose = ?2)"

/* dsr_count - the single integer a SELECT with ?1 = id, ?2 = text yields. */
int dsr_count(sqlite3 *db, const char *sql, int64_t id, const char *text, int64_t *out,
              struct rk_error *err);

/*
 * dsr_restrict - request_id restricts customer_id (Art. 18): one row in
 * restrictions per request and customer, and the customer's restricted
 * flag, which every reader asks, is set. dsr_unrestrict - request_id's
 * restriction of customer_id is lifted: its row goes, and the flag stays
 * set while another request's restriction of the customer remains (a
 * merge brings the other customer's restrictions along, merge.c); a flag
 * set without any row (a register from before restrictions were kept one
 * by one, with no request to name) is lifted by any. Inside the caller's
 * transaction.
 */
int dsr_restrict(sqlite3 *db, int64_t customer_id, int64_t request_id,
                 struct rk_error *err);
int dsr_unrestrict(sqlite3 *db, int64_t customer_id, int64_t request_id,
                   struct rk_error *err);

/* dsr_all_groups - "identity,contact,..." for audit rows of a whole-record
 * step, into buf. */
const char *dsr_all_groups(char *buf, size_t size);

/*
 * dsr_export_build - the JSON document of request r (data/dsr-export
 * .schema.json) for all its subjects, read inside the open transaction,
 * its classification labels in the language in use, which it names as
 * lang. *out is the caller's (json_decref). *rows gets the records
 * exported.
 */
int dsr_export_build(struct rk_session *s, const struct rk_dsr_request *r,
                     const char *lang, json_t **out, int64_t *rows, struct rk_error *err);

/* dsr_export_write - write doc as dir/dsr-ID.json and its text report (in
 * the language in use) as dir/dsr-ID.txt, both created 0600 (never over a file:
 * RK_ERR_EXISTS). On failure neither file is left behind. */
int dsr_export_write(const json_t *doc, const char *dir, int64_t id,
                     struct rk_dsr_result *res, struct rk_error *err);

#endif
