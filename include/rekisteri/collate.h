/*
 * collate.h - comparing names the way the language in use sorts them, with
 * ICU's collator (libicu): in Finnish and Swedish å, ä and ö come after z
 * (Aalto < Zetterberg < Åberg < Ärölä < Östman); in English they sort with
 * a and o. Case and accents decide only between names that are otherwise
 * equal. No collation table is written here: ICU's CLDR data decides.
 *
 * Registered on every register connection as the SQLite collation
 * RK_COLLATE_NAME, so a query sorts names for people with
 * "ORDER BY name COLLATE rk_name". The language is asked for at each
 * comparison (rk_i18n_current), so never use the collation in an index
 * or a constraint: only in ORDER BY.
 */
#ifndef REKISTERI_COLLATE_H
#define REKISTERI_COLLATE_H

#include "rekisteri/error.h"

#include <sqlite3.h>

#define RK_COLLATE_NAME "rk_name"

/*
 * rk_collate_compare - <0, 0 or >0 as a sorts before, with or after b in
 * the language in use; a and b are UTF-8 of alen and blen bytes (-1: up to
 * the NUL). Invalid UTF-8 compares as ICU reads it (U+FFFD). Thread-safe.
 * When ICU cannot open a collator (no data), bytes are compared.
 */
int rk_collate_compare(const char *a, int alen, const char *b, int blen);

/* rk_collate_register - add RK_COLLATE_NAME to db. RK_ERR_INTERNAL on failure. */
int rk_collate_register(sqlite3 *db, struct rk_error *err);

#endif
