#!/usr/bin/env bash
# test_login.sh - logging in to the full-screen program, as a user meets it.
#
# Checks, each on the screen of the real binary in tmux at 80x24:
# - the login screen redraws on resize, and below 80x24 says the terminal is
#   too small instead of drawing; the same on the home screen after login;
# - a code from `oathtool --totp` logs in; the title names user, roles and
#   source, the home menu offers Accounts to the admin;
# - the same code a second time is refused (single use);
# - a replayed code, a wrong password and a wrong code all give the same
#   message, and with [login] throttle_after = 1 the delay grows 2, 4, 8 s;
#   a try inside the delay is refused before any password check;
# - NO_COLOR=1 and --no-color give a screen without any colour escape code
#   (capture-pane -e), while the default run does use colour.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

PW='kolme iloista kalaa'
rk_config '[login]' 'throttle_after = 1'
rk_init hannele "$PW"
rk_enrol_cli hannele "$PW"

# --- resize on the login screen ------------------------------------------
rk_start a
e2e_screen_ansi a | rk_has_colour || e2e_fail "the default run shows no colour"
e2e_assert_present a 'Username' 'Password' 'Code' 'Leave Code empty at your first login'
e2e_resize a 100 30
e2e_wait a "^ {20}Log in to the customer register"
e2e_resize a 79 24
e2e_wait a 'Terminal too small: 79x24, need 80x24'
e2e_assert_absent a "$LOGIN_SCREEN"
e2e_resize a 80 23
e2e_wait a 'Terminal too small: 80x23, need 80x24'
e2e_resize a 80 24
e2e_wait a "^ {10}Log in to the customer register"
e2e_assert_absent a 'Terminal too small'
rk_ok "login screen: resize redraws, too-small notice below 80x24"

# --- a good login with an oathtool code ------------------------------------
CODE=$(rk_code "$SECRET")
rk_login a hannele "$PW" "$CODE"
e2e_wait a 'What would you like to do\?'
e2e_wait a '^ rekisteri - hannele \(admin\) from .*: Home'
e2e_assert_present a 'Accounts' 'Profile' 'Log out'
e2e_assert_absent a "$PW"
rk_ok "oathtool code logs in; title shows user, roles and source"

# --- resize on a later screen ----------------------------------------------
e2e_resize a 120 40
e2e_wait a '^ rekisteri - hannele .*: Home'
e2e_assert_present a 'Accounts' 'Log out'
e2e_resize a 70 20
e2e_wait a 'Terminal too small: 70x20, need 80x24'
e2e_assert_absent a 'Accounts'
e2e_resize a 80 24
e2e_wait a 'Log out'
e2e_assert_present a 'Accounts' 'F1 Help'
rk_ok "home screen: resize redraws, too-small notice and back"

# --- the same code again is refused -----------------------------------------
e2e_keys a Down Down Enter # "Log out", the third entry
e2e_wait a "$LOGIN_SCREEN"
e2e_wait a 'Logged out'
rk_login a hannele "$PW" "$CODE"
e2e_wait a "$FAILED"
e2e_assert_present a "$LOGIN_SCREEN"
MSG1=$(rk_message a)
[[ "$MSG1" == *"$FAILED; wait 2 s before the next try"* ]] ||
	e2e_fail "replayed code: '$MSG1'"
T1=$(date +%s)
rk_ok "a used code is refused: $MSG1"

# --- inside the delay: refused without a password check ----------------------
rk_login_again a 'wrong one'
e2e_wait a 'too many failed logins: wait [0-9]+ s before the next try'
rk_ok "a try inside the delay is refused"

# wait_until T: poll the clock until the Unix time is at least T.
wait_until() {
	while (($(date +%s) < $1)); do sleep 0.1; done
}

# --- wrong password, then wrong code: same message, growing delay -------------
wait_until $((T1 + 2))
rk_login_again a 'wrong one'
e2e_wait a "$FAILED; wait 4 s"
MSG2=$(rk_message a)
T2=$(date +%s)
wait_until $((T2 + 4))
GOOD=$(rk_code "$SECRET")
WRONG=$(printf '%06d' $(((10#$GOOD + 1) % 1000000)))
rk_login_again a "$PW" "$WRONG"
e2e_wait a "$FAILED; wait 8 s"
MSG3=$(rk_message a)
[[ "${MSG2/4 s/N s}" == "${MSG3/8 s/N s}" && "${MSG1/2 s/N s}" == "${MSG2/4 s/N s}" ]] ||
	e2e_fail "messages differ: '$MSG1' / '$MSG2' / '$MSG3'"
e2e_assert_absent a 'password was wrong' 'unknown user' 'code was wrong'
rk_ok "wrong password and wrong code: one message; delay 2, 4, 8 s"
e2e_keys a F10
[[ "$(e2e_exit_status a)" == 0 ]] || e2e_fail "F10 did not quit cleanly"

# --- no colour ------------------------------------------------------------------
rk_start mono NO_COLOR=1
e2e_screen_ansi mono | rk_has_colour && e2e_fail "NO_COLOR=1: colour escapes on screen"
e2e_start flag 80 24 env REKISTERI_CONFIG="$REKISTERI_CONFIG" "$R" --no-color --db r.db
e2e_wait flag "$LOGIN_SCREEN"
e2e_screen_ansi flag | rk_has_colour && e2e_fail "--no-color: colour escapes on screen"
rk_ok "NO_COLOR=1 and --no-color: no colour escape codes"

e2e_pass "login"
