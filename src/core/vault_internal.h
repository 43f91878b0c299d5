/*
 * vault_internal.h - what other core files may reach inside the keyslot
 * file: its SQLite handle and path (throttle.c keeps login counters there,
 * because they must be readable before the register is unlocked).
 */
#ifndef REKISTERI_VAULT_INTERNAL_H
#define REKISTERI_VAULT_INTERNAL_H

#include "rekisteri/vault.h"

#include <sqlite3.h>

sqlite3 *rk_vault_db(struct rk_vault *v);
const char *rk_vault_path(struct rk_vault *v);

#endif
