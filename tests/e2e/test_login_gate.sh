#!/usr/bin/env bash
# test_login_gate.sh - what a member of staff sees when many log in at once
# (issue 18): with [crypto] argon2_at_once = 1, another login holds the one
# password-check slot (here a helper holds the lock on the slot's byte of
# r.db.kdf for 3 s, as a login in progress does).
#
# Checks, on the real binary in tmux at 80x24: tuula submits her first
# login; after half a second the message line says "Many people are
# logging in; waiting…" (no error, no failure), and once the slot is free
# the login goes on by itself to the forced password change.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

PW='kolme iloista kalaa'
rk_config 'argon2_at_once = 1'
rk_init hannele "$PW"
rk_enrol_cli hannele "$PW"
rk_admin_key hannele "$PW" "$SECRET"
rk_cli_onetime user add tuula --roles sales
[[ -f r.db.kdf ]] || e2e_fail "the CLI's password checks made no r.db.kdf"

rk_start a
e2e_type a tuula
e2e_keys a Tab
e2e_type a "$ONETIME"
python3 - >hold.out 2>hold.err <<'PY' &
import fcntl, os, sys, time
fd = os.open("r.db.kdf", os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)  # slot 0, as kdf_gate.c takes it
print("locked", flush=True)
time.sleep(3)
PY
hold_pid=$!
e2e_on_exit "kill $hold_pid 2>/dev/null"
for _ in $(seq 100); do grep -q locked hold.out 2>/dev/null && break; sleep 0.05; done
grep -q locked hold.out || e2e_fail "the helper did not take the slot: $(cat hold.err)"
e2e_keys a Enter
e2e_wait a 'Many people are logging in; waiting…' 3
e2e_assert_absent a "$FAILED" 'error'
rk_ok "a login waiting for a password-check slot says so"
e2e_wait a 'choose a new one' 10
wait "$hold_pid" || e2e_fail "the helper failed: $(cat hold.err)"
rk_ok "and goes on once the slot is free"
e2e_pass
