/*
 * rotation.h - key rotation as a session does it: by hand (`key rotate`),
 * or because one is due. Removing a key file, disabling an account and
 * resetting or changing a password remove or replace a keyslot; a copy of
 * the old slot file would still yield today's master key, so the slot file
 * marks a rotation due (vault.h). It is carried out at the next safe
 * moment: right after the command that made it due, at the next admin
 * command, or by the nightly job; `check` says when one is still due.
 * A rotation needs the register to itself; while others are in, it waits.
 */
#ifndef REKISTERI_ROTATION_H
#define REKISTERI_ROTATION_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <stddef.h>

/* rk_rotation_run - replace the master key and the database key now
 * (rk_register_rotate_key) and audit it as "key.rotate" with why as the
 * target. RK_ERR_BUSY when others have the register open. */
int rk_rotation_run(struct rk_session *s, const char *why, struct rk_error *err);

/*
 * rk_rotation_if_due - run a due rotation. *rotated is 1 when it ran, 0
 * when none was due or others had the register open (it stays due); then
 * RK_OK. Other failures come back as they are.
 */
int rk_rotation_if_due(struct rk_session *s, int *rotated, struct rk_error *err);

/* rk_rotation_due - 1 when a rotation is due (reason in reason, size
 * bytes), 0 when not, <0 on error. */
int rk_rotation_due(struct rk_session *s, char *reason, size_t size);

/*
 * rk_rotation_new_server_key - recover from a lost server key file
 * (serverkey.h): make a new one, revoke every staff keyslot (none can be
 * found without the old key), clear every account's second factor (sealed
 * under the old key) and make each change its password, audited as
 * "key.new_server_key", then rotate. Staff then get one-time passwords
 * (user reset-password) and enrol again. *accounts gets how many accounts
 * were reset. Needs "keys"; RK_ERR_INVALID when the key file is in place.
 */
int rk_rotation_new_server_key(struct rk_session *s, size_t *accounts,
                               struct rk_error *err);

#endif
