/*
 * migrate.h - numbered schema migrations (internal to the core library).
 */
#ifndef REKISTERI_MIGRATE_H
#define REKISTERI_MIGRATE_H

#include "rekisteri/error.h"

#include <sqlite3.h>

/* rk_migrate_latest - the highest schema version this build knows. */
int rk_migrate_latest(void);

/* rk_migrate_version - read PRAGMA user_version into *version. */
int rk_migrate_version(sqlite3 *db, int *version, struct rk_error *err);

/* rk_migrate_apply - apply every migration above the database's version,
 * each in its own transaction with the version bump. path is for messages. */
int rk_migrate_apply(sqlite3 *db, const char *path, struct rk_error *err);

#endif
