/*
 * session_audit.h - the audit side of logging in (internal to core):
 * failures queued in the slot file while the register was locked are
 * copied into the audit trail, then the login itself is recorded.
 */
#ifndef REKISTERI_SESSION_AUDIT_H
#define REKISTERI_SESSION_AUDIT_H

#include "rekisteri/session.h"
#include "rekisteri/vault.h"

/* rk_login_audit - move queued failures into the trail and record action
 * ("login.ok", "unlock.ok") for s, at now. */
int rk_login_audit(struct rk_session *s, struct rk_vault *v, const char *action,
                   int64_t now, struct rk_error *err);

#endif
