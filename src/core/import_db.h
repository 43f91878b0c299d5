/*
 * import_db.h - what the import modules (import_map.c, import_row.c,
 * import_plan.c, import_save.c) share inside the core library.
 */
#ifndef REKISTERI_IMPORT_DB_H
#define REKISTERI_IMPORT_DB_H

#include "rekisteri/csv_read.h"
#include "rekisteri/fields.h"
#include "rekisteri/import.h"

#include <sqlite3.h>

/* rk_import_db - the session's database connection. */
sqlite3 *rk_import_db(struct rk_import *im);

/* rk_import_guess_target - the target a header names, or RK_IMPORT_IGNORE. */
int rk_import_guess_target(const char *header);

/* rk_import_target_field - the field (fields.c) a target's values go to,
 * or NULL for the customer number. */
const struct rk_field *rk_import_target_field(size_t target);

/* rk_import_target_of - the target index of a target name, or -1. */
int rk_import_target_of(const char *name);

/*
 * rk_import_row_read - turn the file's record cr into out (zeroed first):
 * each mapped cell trimmed, repaired (FI postal codes padded to 5 digits,
 * a Finnish phone number's lost leading 0) and checked with the forms'
 * validators (rk_field_check; free text also refuses a personal identity
 * code), into out->values, normalised. A row whose values cannot all be
 * taken gets status RK_IMPORT_ERROR and a message naming its row, column
 * and rule; else RK_IMPORT_NEW. Returns RK_OK or RK_ERR_NOMEM.
 */
int rk_import_row_read(const struct rk_import *im, const struct rk_csv_row *cr,
                       struct rk_import_row *out, struct rk_error *err);

/* rk_import_row_need_name - make row an error (naming the name column)
 * when it has no name: a row that would create a customer needs one. */
int rk_import_row_need_name(const struct rk_import *im, struct rk_import_row *row,
                            struct rk_error *err);

/* rk_import_row_clear - free what row holds and zero it. */
void rk_import_row_clear(struct rk_import_row *row);

/* rk_import_find_row - the preview's row for file row `row`, or NULL
 * (rows are kept in file order). */
const struct rk_import_row *rk_import_find_row(const struct rk_import *im, size_t row);

/* rk_import_file_hash - the SHA-256 of path as 64 hex digits. */
int rk_import_file_hash(const char *path, char out[65], struct rk_error *err);

#endif
