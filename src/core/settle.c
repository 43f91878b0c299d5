/*
 * settle.c - the next opportunity (see settle.h). Both steps read first
 * and write only when something is owed, so the common opening costs two
 * small reads: the scrub_debt table and the ledger file's header.
 */
#include "rekisteri/settle.h"
#include "rekisteri/ledger.h"

int rk_settle(struct rk_register *reg, struct rk_scrub_debt *left, struct rk_error *err)
{
        sqlite3 *db = rk_register_db(reg);
        struct rk_error lerr;
        if (db == NULL)
                return RK_OK;
        int rc =
            rk_forget_settle(db, rk_register_config(reg)->busy_timeout_ms, left, err);
        int lrc = rk_ledger_mirror(db, rk_register_path(reg), false, &lerr);
        if (rc == RK_OK && lrc != RK_OK) {
                *err = lerr;
                rc = lrc;
        }
        return rc;
}
