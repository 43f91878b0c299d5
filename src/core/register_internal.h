/*
 * register_internal.h - what core modules other than register.c may know
 * about an open register but front ends may not: the database key itself,
 * for writing an encrypted backup under the same key (backup.c).
 */
#ifndef REKISTERI_REGISTER_INTERNAL_H
#define REKISTERI_REGISTER_INTERNAL_H

#include "rekisteri/register.h"

/* rk_register_dek - the database key (RK_KEY_BYTES, guarded memory owned by
 * reg). Never print it, log it or hand it to a front end. */
const unsigned char *rk_register_dek(struct rk_register *reg);

#endif
