/*
 * vault_internal.h - what other core files may reach inside the keyslot
 * file: its SQLite handle and path (throttle.c keeps login counters there,
 * because they must be readable before the register is unlocked), and
 * subkeys of the server key (serverkey.h).
 */
#ifndef REKISTERI_VAULT_INTERNAL_H
#define REKISTERI_VAULT_INTERNAL_H

#include "rekisteri/serverkey.h"
#include "rekisteri/vault.h"

#include <sqlite3.h>
#include <stdbool.h>

sqlite3 *rk_vault_db(struct rk_vault *v);
const char *rk_vault_path(struct rk_vault *v);

enum rk_server_key_state {
        RK_SERVER_KEY_NONE,   /* an older slot file: labels keyed in the file */
        RK_SERVER_KEY_OK,     /* PATH.serverkey loaded */
        RK_SERVER_KEY_MISSING /* the slot file names one, the file is gone */
};

/* rk_vault_server_state - where the vault stands with its server key. */
enum rk_server_key_state rk_vault_server_state(struct rk_vault *v);

/* rk_vault_server_subkey - subkey id of the register's server key into out
 * (RK_KEY_BYTES); RK_ERR_NOTFOUND when the vault has none (an older slot
 * file not yet migrated, or the key file is missing). */
int rk_vault_server_subkey(struct rk_vault *v, enum rk_subkey id, unsigned char *out);

/* rk_vault_mk_stale - true when mk no longer opens the current database key
 * although the slot file holds one: a rotation sealed a new master key
 * after mk was unlocked (unlock again), not damage. */
bool rk_vault_mk_stale(struct rk_vault *v, const unsigned char *mk);

#endif
