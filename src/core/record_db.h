/*
 * record_db.h - the generic, table-driven SQL under every customer path
 * (internal to the core library).
 *
 * SELECT column lists and UPDATE SET lists are built from the static field
 * table in fields.c and nothing else: a column name never comes from the
 * caller or the database, and every value is a bound parameter. Callers
 * decide the groups (what the session may read and asked for) and the
 * transaction; these functions only talk to SQLite.
 */
#ifndef REKISTERI_RECORD_DB_H
#define REKISTERI_RECORD_DB_H

#include "rekisteri/policy.h"
#include "rekisteri/record.h"

#include <sqlite3.h>
#include <stdbool.h>

#define RK_VERSION_ANY (-1) /* rk_record_update: no optimistic check, no bump */

/* One checked change: value is the normalised text, NULL to clear. */
struct rk_change {
        const struct rk_field *field;
        char *value;
};

struct rk_changes {
        struct rk_change *c;
        size_t n;
};

/* rk_record_groups - the groups that fields of kind belong to. */
rk_groupset rk_record_groups(enum rk_record kind);

/* rk_record_has_version - whether kind's table has a `version` column. */
bool rk_record_has_version(enum rk_record kind);

/*
 * rk_record_select - every row of kind whose key_col (a literal such as
 * "id" or "customer_id", never caller input) equals key, with only the
 * fields whose group is in groups, ordered by id (newest first when
 * newest_first); contact persons by name first, in the order of the
 * language in use (collate.h). *out is malloc'd (NULL when *n is 0); free it with
 * rk_record_views_free.
 */
int rk_record_select(sqlite3 *db, enum rk_record kind, rk_groupset groups,
                     const char *key_col, int64_t key, bool newest_first,
                     struct rk_record_view **out, size_t *n, struct rk_error *err);

/* rk_record_load - the one row id of kind with every field (for checks
 * inside core, never handed to a front end). RK_ERR_NOTFOUND when absent. */
int rk_record_load(sqlite3 *db, enum rk_record kind, int64_t id,
                   struct rk_record_view *out, struct rk_error *err);

/*
 * rk_record_changes - resolve, authorize and check edits for kind: each
 * column must be a field of kind (RK_ERR_INVALID), appear once, lie in a
 * group g may write (RK_ERR_DENIED naming the field), and pass
 * rk_field_check (a postal code against the country edited alongside, or
 * else the one in stored, which may be NULL). Required fields cannot be
 * cleared. Free out with rk_record_changes_free, also after a failure.
 */
int rk_record_changes(enum rk_record kind, const struct rk_grants *g,
                      const struct rk_edit *edits, size_t n,
                      const struct rk_record_view *stored, struct rk_changes *out,
                      struct rk_error *err);

void rk_record_changes_free(struct rk_changes *c);

/*
 * rk_record_check_value - check one value for field `column` of kind
 * (which must exist: RK_ERR_INTERNAL otherwise) with rk_field_check; *out
 * gets the normalised text, malloc'd, or NULL when the value is empty.
 * An empty value for a required field is RK_ERR_INVALID.
 */
int rk_record_check_value(enum rk_record kind, const char *column, const char *value,
                          bool required, char **out, struct rk_error *err);

/* rk_record_change_value - the normalised value a change set gives
 * `column`; *present says whether it touches it at all. */
const char *rk_record_change_value(const struct rk_changes *c, const char *column,
                                   bool *present);

/*
 * rk_record_update - store changes into row id of kind. With a version,
 * the row must still be at expected_version (RK_ERR_CONFLICT otherwise:
 * someone else saved first) and the version goes up by one; an empty
 * change set only checks the version. RK_VERSION_ANY skips both.
 * RK_ERR_NOTFOUND when the row is gone.
 */
int rk_record_update(sqlite3 *db, enum rk_record kind, int64_t id,
                     int64_t expected_version, const struct rk_changes *c,
                     struct rk_error *err);

/* rk_record_delete - delete row id of kind at expected_version (as
 * rk_record_update: RK_ERR_CONFLICT, RK_ERR_NOTFOUND). */
int rk_record_delete(sqlite3 *db, enum rk_record kind, int64_t id,
                     int64_t expected_version, struct rk_error *err);

#endif
