/*
 * login_notice.h - telling the person logging in that the login waits for
 * others: at most [crypto] argon2_at_once password checks run at once on
 * one register (each holds argon2_mem_kib of memory), and a login that
 * waits for its turn longer than half a second gives this notice.
 */
#ifndef REKISTERI_LOGIN_NOTICE_H
#define REKISTERI_LOGIN_NOTICE_H

/* A notice callback: waiting is 1 once a login has waited 0.5 s for a
 * slot, 0 when it has one. It runs inside the core call that waits: it may
 * draw, but must not call back into core. */
typedef void (*rk_login_notice_fn)(void *ctx, int waiting);

/* rk_login_set_notice - register fn (NULL: none) for the whole process; ctx
 * must outlive the registration. */
void rk_login_set_notice(rk_login_notice_fn fn, void *ctx);

#endif
