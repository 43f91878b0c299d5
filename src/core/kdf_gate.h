/*
 * kdf_gate.h - at most K Argon2id computations at once across every
 * process that logs in to one register, so that forty staff arriving at
 * eight o'clock do not need forty times argon2_mem_kib of memory at once.
 *
 * vault.c brackets its Argon2id call with rk_kdf_gate_enter/leave;
 * register.c names the register and K before a password unlock.
 */
#ifndef REKISTERI_KDF_GATE_H
#define REKISTERI_KDF_GATE_H

/* How long a login waits for a slot before the notice is given. */
#define RK_KDF_GATE_NOTICE_MS 500

/*
 * rk_kdf_gate_setup - the gate for the register at db_path, K computations
 * at once ([crypto] argon2_at_once); k <= 0 turns the gate off. For this
 * process, until the next setup.
 */
void rk_kdf_gate_setup(const char *db_path, long long k);

/*
 * rk_kdf_gate_enter - wait for one of the K slots (a lock on one byte of
 * "<db>.kdf", dropped by the kernel if the process dies). Returns the slot
 * to give to rk_kdf_gate_leave, or -1 when there is no gate (not set up,
 * or its file cannot be made: the computation then runs ungated). A wait
 * longer than RK_KDF_GATE_NOTICE_MS gives the notice (rk_login_notice).
 */
int rk_kdf_gate_enter(void);

/* rk_kdf_gate_leave - give slot back (-1: nothing to do). */
void rk_kdf_gate_leave(int slot);

#endif
