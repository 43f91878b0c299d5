/*
 * settle.h - finishing what a forgetting left undone, at every opening and
 * closing of a session: the scrub work owed (forget.h: the index merge,
 * the WAL truncation) and the ledger file behind the register (ledger.h).
 */
#ifndef REKISTERI_SETTLE_H
#define REKISTERI_SETTLE_H

#include "rekisteri/error.h"
#include "rekisteri/forget.h"
#include "rekisteri/register.h"

/*
 * rk_settle - pay the scrub debt without waiting for readers and mirror
 * the ledger file. *left (may be NULL) gets what is still owed. Returns
 * the first error (a full disk, a ledger file that cannot be written);
 * callers at session open and close ignore it, since the work stays
 * recorded and is tried again, and `check` reports it.
 */
int rk_settle(struct rk_register *reg, struct rk_scrub_debt *left, struct rk_error *err);

#endif
