/*
 * outcome.h - recording how an operation ended, failures included, so the
 * audit trail tells the truth: "ok", or "failed" with the error class
 * (rk_rc_name: "disk full", "input/output error"...) and never a value,
 * a path or a message that could hold one.
 */
#ifndef REKISTERI_OUTCOME_H
#define REKISTERI_OUTCOME_H

#include "rekisteri/error.h"
#include "rekisteri/session.h"

#include <stdint.h>

/*
 * rk_outcome_audit - record action for subject (0: none) in the session's
 * audit trail, in a transaction of its own (call after the operation's
 * own transaction ended): "ok" when rc is RK_OK, else "failed" with the
 * target "what: class" (what may be NULL). When rc is an error it is
 * returned with err untouched (a failure to audit the failure is
 * dropped); when RK_OK, the audit write's own result.
 */
int rk_outcome_audit(struct rk_session *s, const char *action, int64_t subject,
                     const char *what, int rc, struct rk_error *err);

#endif
