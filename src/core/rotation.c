/*
 * rotation.c - running key rotations for a session (see rotation.h). The
 * cryptography is in vault.c and register.c; this file decides when and
 * leaves the audit row.
 */
#include "rekisteri/rotation.h"
#include "rekisteri/register.h"

int rk_rotation_run(struct rk_session *s, const char *why, struct rk_error *err)
{
        int rc = rk_register_rotate_key(rk_session_register(s), err);
        if (rc == RK_OK)
                rc = rk_session_audit(s, "key.rotate", 0, "", rk_session_place(s), "ok",
                                      why, err);
        return rc;
}

int rk_rotation_due(struct rk_session *s, char *reason, size_t size)
{
        return rk_vault_rotation_due(rk_register_vault(rk_session_register(s)), reason,
                                     size);
}

int rk_rotation_if_due(struct rk_session *s, int *rotated, struct rk_error *err)
{
        *rotated = 0;
        int due = rk_rotation_due(s, NULL, 0);
        if (due < 0)
                return rk_error_set(err, RK_ERR_IO, "cannot read the slot file");
        if (due == 0)
                return RK_OK;
        struct rk_error busy;
        rk_error_clear(&busy);
        int rc = rk_rotation_run(s, "due", &busy);
        if (rc == RK_ERR_BUSY)
                return RK_OK;
        if (rc != RK_OK) {
                if (err != NULL)
                        *err = busy;
                return rc;
        }
        *rotated = 1;
        return RK_OK;
}
