#!/usr/bin/env bash
# test_busy_wait.sh - what a member of staff sees while another session
# holds the register's write lock.
#
# Setup: admin hannele (CLI enrolment, admin key file) adds tuula (sales);
# a second key file lets tests/load/rk_load hold the write lock.
#
# Checks, on the real binary in tmux at 80x24: tuula submits her first
# login while another session holds the lock for 3 s; the message line
# says "Waiting for another session…" (not an SQLite error, and not a
# failure), and once the lock is released the login goes on by itself to
# the forced password change.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

L=${RK_LOAD:?path to tests/load/rk_load}
PW='kolme iloista kalaa'
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
rk_init hannele "$PW"
rk_enrol_cli hannele "$PW"
rk_admin_key hannele "$PW" "$SECRET"
rk_cli_onetime user add tuula --roles sales
"$R" key add-file --db r.db --keyfile adm.key --label hold --roles sales --out hold.key \
	2>key.err >/dev/null || e2e_fail "key add-file: $(cat key.err)"

rk_start a
e2e_type a tuula
e2e_keys a Tab
e2e_type a "$ONETIME"
"$L" hold --db r.db --keyfile hold.key --seconds 3 >hold.out 2>hold.err &
hold_pid=$!
e2e_on_exit "kill $hold_pid 2>/dev/null"
for _ in $(seq 100); do grep -q locked hold.out 2>/dev/null && break; sleep 0.05; done
grep -q locked hold.out || e2e_fail "rk_load hold did not take the lock: $(cat hold.err)"
e2e_keys a Enter
e2e_wait a 'Waiting for another session…' 3
e2e_assert_absent a 'locked' 'SQLite' 'database' "$FAILED"
rk_ok "a login that waits for another session's lock says so"
e2e_wait a 'choose your own password' 10
wait "$hold_pid" || e2e_fail "rk_load hold failed: $(cat hold.err)"
rk_ok "and goes on once the lock is released"
e2e_pass
