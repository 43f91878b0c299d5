/*
 * hygiene.h - process hardening done once, first thing in main().
 */
#ifndef REKISTERI_HYGIENE_H
#define REKISTERI_HYGIENE_H

#include "rekisteri/error.h"

/*
 * rk_hygiene_apply - make the process safe to hold secrets:
 *   - initialise libsodium;
 *   - umask 077, so every file we create is private;
 *   - RLIMIT_CORE 0 and PR_SET_DUMPABLE 0: no core dumps, no ptrace by peers;
 *   - when running setgid or setuid, clear the environment except TERM,
 *     LANG and LC_*, so nothing from the caller steers the program.
 * Returns RK_OK, or RK_ERR_CRYPTO/RK_ERR_INTERNAL with a message.
 */
int rk_hygiene_apply(struct rk_error *err);

/* rk_hygiene_is_privileged - true when the real and effective ids differ. */
int rk_hygiene_is_privileged(void);

#endif
