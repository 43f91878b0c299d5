/*
 * notes.c - free-text notes on a customer (see customer.h, rk_note_add).
 *
 * A note is written once, with its author (the session's user) and the
 * time in UTC, and is not edited afterwards; retention removes old notes.
 * A note that holds a personal identity code is refused: sales may read
 * notes but not the identity code, so a code in a note would be read by
 * roles the classification keeps it from.
 */
#include "customer_db.h"
#include "rekisteri/validate.h"
#include "sql.h"

#include <stdlib.h>

static int insert_note(sqlite3 *db, int64_t customer_id, const char *author,
                       const char *body, int64_t *id, struct rk_error *err)
{
        sqlite3_stmt *st;
        char stamp[RK_STAMP_SIZE];
        rk_custdb_stamp(stamp);
        int rc = rk_sql_prepare(db,
                                "INSERT INTO notes(customer_id, created_at, author, body)"
                                " VALUES(?,?,?,?)",
                                &st, "adding a note", err);
        if (rc != RK_OK)
                return rc;
        sqlite3_bind_int64(st, 1, customer_id);
        sqlite3_bind_text(st, 2, stamp, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, author, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
                return rk_sql_fail(db, src, "adding a note", err);
        *id = sqlite3_last_insert_rowid(db);
        return RK_OK;
}

int rk_note_add(struct rk_session *s, int64_t customer_id, const char *body,
                int64_t *note_id, struct rk_error *err)
{
        char *text = NULL;
        int64_t id = 0;
        if (!rk_authorize_write(rk_session_grants(s), RK_GROUP_NOTES))
                return rk_error_set(err, RK_ERR_DENIED, "your role may not write notes");
        int rc = rk_record_check_value(RK_REC_NOTE, "body", body, true, &text, err);
        if (rc == RK_OK)
                rc = rk_text_refuse_hetu("Note", text, err);
        if (rc == RK_OK)
                rc = rk_custdb_begin(s, customer_id, err);
        if (rc == RK_OK) {
                rc = insert_note(rk_custdb_db(s), customer_id, rk_session_username(s),
                                 text, &id, err);
                static const struct rk_custdb_change what = {"note.add", RK_REC_NOTE,
                                                             "body"};
                rc = rk_custdb_end(s, customer_id, true, &what, rc, err);
        }
        if (rc == RK_OK && note_id != NULL)
                *note_id = id;
        free(text);
        return rc;
}
