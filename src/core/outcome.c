/*
 * outcome.c - an operation's end in the audit trail (see outcome.h).
 */
#include "rekisteri/outcome.h"

#include <stdio.h>

int rk_outcome_audit(struct rk_session *s, const char *action, int64_t subject,
                     const char *what, int rc, struct rk_error *err)
{
        char target[64];
        struct rk_error aerr;
        if (rc == RK_OK)
                return rk_session_audit(s, action, subject, "", rk_session_place(s), "ok",
                                        what, err);
        /* stored: the error class in English, translated where it is shown */
        snprintf(target, sizeof(target), "%s%s%s", what ? what : "", what ? ": " : "",
                 rk_rc_code(rc));
        rk_error_clear(&aerr);
        (void)rk_session_audit(s, action, subject, "", rk_session_place(s), "failed",
                               target, &aerr);
        return rc;
}
