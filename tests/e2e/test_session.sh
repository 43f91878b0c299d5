#!/usr/bin/env bash
# test_session.sh - the session rules on screen: idle lock, an admin's
# password reset, disabled accounts.
#
# Setup: the first admin (hannele) enrols with the CLI and makes an admin
# key file; with it the CLI adds pekka (admin) and tuula (sales), who each
# log in to the full-screen program for the first time with a one-time
# password: forced new password (a too-short one is refused with the
# policy's message), then enrolment. [session] idle_lock_seconds = 2.
#
# Checks, on the real binary in tmux at 80x24:
# - idle lock: the Accounts screen's user list disappears behind the lock
#   screen (no name of it stays on screen), a wrong password keeps it
#   locked, the right password brings the list back;
# - `rekisteri user reset-password` by an admin forces a password change at
#   the next login, before anything else is reachable;
# - a disabled user's running session ends at its next key press, with the
#   reason shown on the login screen, and the same credentials that worked
#   before can no longer log in.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

PW='kolme iloista kalaa'
PEKKA_PW='seitseman pientä veljestä'
TUULA_PW='tuulan oma salasana 2'
rk_config '[session]' 'idle_lock_seconds = 2'
rk_init hannele "$PW"
rk_enrol_cli hannele "$PW"
rk_admin_key hannele "$PW" "$SECRET"
rk_cli_onetime user add pekka --roles admin
PEKKA_OTP=$ONETIME
rk_cli_onetime user add tuula --roles sales
TUULA_OTP=$ONETIME

# --- pekka's first login: forced password (policy first), enrolment ---------
rk_start a
rk_login a pekka "$PEKKA_OTP"
e2e_wait a 'Welcome: choose your own password; the one given works once'
e2e_assert_absent a 'An administrator reset'
e2e_type a 'lyhyt'
e2e_keys a Tab
e2e_type a 'lyhyt'
e2e_keys a Enter
e2e_wait a 'the password must be at least 12 characters long'
e2e_assert_present a 'choose your own password'
e2e_type a "$PEKKA_PW"
e2e_keys a Tab
e2e_type a "$PEKKA_PW"
e2e_keys a Enter
rk_enrol_screen a
PEKKA_SECRET=$SECRET
rk_ok "first login: policy message, new password, enrolment, home"

# --- idle lock on the Accounts screen -------------------------------------------
e2e_keys a Enter
e2e_wait a 'tuula +sales'
e2e_assert_present a 'hannele' 'pekka'
e2e_wait a 'Locked after inactivity' 5
e2e_assert_absent a 'tuula' 'hannele' 'sales' 'Accounts' 'Lockout'
e2e_assert_present a 'Enter Unlock' 'F10 Log out'
e2e_type a 'not the password'
e2e_keys a Enter
e2e_wait a 'wrong password'
e2e_assert_absent a 'tuula' 'hannele'
e2e_type a "$PEKKA_PW"
e2e_keys a Enter
e2e_wait a 'tuula +sales'
e2e_assert_present a 'hannele' 'Lockout'
e2e_assert_absent a 'Locked after inactivity'
# the message line says the unlock is done; "Checking..." does not linger
[[ "$(rk_message a)" =~ Unlocked ]] || e2e_fail "after unlock the message line reads: $(rk_message a)"
rk_ok "idle lock hides the account list; the password brings it back"

# --- tuula: first login, then disabled while logged in -------------------------------
rk_start c
rk_first_login c tuula "$TUULA_OTP" "$TUULA_PW"
TUULA_SECRET=$SECRET
e2e_assert_absent c 'Accounts' # sales may not manage accounts
"$R" user disable tuula --db r.db --keyfile adm.key 2>cli.err || e2e_fail "disable: $(cat cli.err)"
e2e_keys c Down
e2e_wait c 'this account has been disabled; the session ends'
e2e_assert_present c 'Your session has ended'
e2e_keys c Enter
e2e_wait c "$LOGIN_SCREEN"
rk_login c tuula "$TUULA_PW" "$(rk_code "$TUULA_SECRET")"
e2e_wait c "$FAILED"
e2e_assert_present c "$LOGIN_SCREEN"
rk_ok "a disabled session ends at its next key; the account cannot log in"

# --- an admin's reset forces a password change ----------------------------------------
rk_cli_onetime user reset-password pekka
rk_start b
rk_login b pekka "$ONETIME" "$(rk_code "$PEKKA_SECRET")"
e2e_wait b 'An administrator reset your password: choose a new one'
e2e_assert_absent b 'What would you like to do'
e2e_assert_present b 'Esc Log out'
e2e_type b "$PEKKA_PW uusi"
e2e_keys b Tab
e2e_type b "$PEKKA_PW uusi"
e2e_keys b Enter
e2e_wait b 'What would you like to do\?'
e2e_wait b '^ rekisteri - pekka \(admin\)'
rk_ok "after an admin's reset the next login must set a new password"

# --- account administration on screen (pekka, admin, session a) -----------------------
e2e_wait a 'Locked after inactivity' 5 # idle meanwhile
e2e_type a "$PEKKA_PW uusi" # changed in session b: the keyslot decides
e2e_keys a Enter
e2e_wait a 'tuula +sales'
e2e_keys a F2
e2e_wait a 'New account'
e2e_type a 'ville'
e2e_keys a Tab
e2e_type a 'warehouse, janitor'
e2e_keys a Enter
e2e_wait a 'unknown role'
e2e_keys a C-u
e2e_type a 'warehouse'
e2e_keys a Enter
e2e_wait a 'One-time password for ville:'
e2e_wait a '^ +\S+ +[a-z0-9]{5}(-[a-z0-9]{5}){4} +\S+$'
e2e_keys a Enter
e2e_wait a 'ville +warehouse +enabled +must change none'
e2e_assert_absent a 'One-time password'
e2e_keys a Down Down Down Down F3 # ville is the last of four
e2e_wait a 'Disable ville\?'
e2e_keys a n
e2e_wait_gone a 'Disable ville'
e2e_assert_present a 'ville'
e2e_keys a F3
e2e_wait a 'Disable ville\?'
e2e_keys a y
e2e_wait a 'ville +warehouse +disabled'
e2e_wait a 'ville: disabled'
rk_ok "Accounts: add with a one-time password shown once, confirm before disabling"

# --- leaving: F10 on the lock screen logs out, F10 elsewhere quits ------------------------
# b has been idle for a while: with idle_lock_seconds = 2 it may be on the
# lock screen, where F10 logs out first; a second F10 then quits.
e2e_keys b F10
for _ in $(seq 50); do e2e_is_dead b && break; sleep 0.1; done
e2e_is_dead b || { e2e_wait b "$LOGIN_SCREEN"; e2e_keys b F10; }
[[ "$(e2e_exit_status b)" == 0 ]] || e2e_fail "F10 did not quit cleanly"
e2e_wait a 'Locked after inactivity' 5
e2e_keys a F10
e2e_wait a "$LOGIN_SCREEN"
e2e_wait a 'Logged out'
e2e_keys a F10
[[ "$(e2e_exit_status a)" == 0 ]] || e2e_fail "F10 did not quit cleanly"
rk_ok "F10 on the lock screen logs out; F10 quits with status 0"

e2e_pass "session"
