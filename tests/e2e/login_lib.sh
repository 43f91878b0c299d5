# shellcheck shell=bash
# tests/e2e/login_lib.sh - helpers for the login and session e2e tests
# (test_login.sh, test_enrol.sh, test_session.sh), on top of lib.sh.
#
# How it works: each test works in $E2E_TMP with a fast configuration
# (Argon2id at its minimum cost, chmod 644) named by $REKISTERI_CONFIG,
# a register r.db made by `rekisteri init`, and the real binary started in
# tmux at 80x24. TOTP codes come from oathtool. Each 30-second step is
# accepted once per user, so first enrolment is confirmed with the code of
# the step before (T-1), which leaves the current step T for the next
# login; a second login in the same step is refused, which test_login.sh
# checks on purpose.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/totp_lib.sh"

R=${REKISTERI:?path to the rekisteri binary}
LOGIN_SCREEN='Log in to the customer register'
FAILED='login failed: wrong username, password or code'
cd "$E2E_TMP" || exit 1

# rk_config [INI LINES...] - write fast.ini with the fast Argon2 cost and
# the extra lines given (e.g. '[session]' 'idle_lock_seconds = 2').
rk_config() {
	{
		printf '[crypto]\nargon2_ops = 1\nargon2_mem_kib = 8\n'
		printf '%s\n' "$@"
	} >"$E2E_TMP/fast.ini"
	chmod 644 "$E2E_TMP/fast.ini"
	export REKISTERI_CONFIG="$E2E_TMP/fast.ini"
}

# rk_init NAME PASSWORD - a new register r.db with admin NAME.
rk_init() {
	echo "$2" | "$R" init --db r.db --admin "$1" --password-stdin >init.out 2>init.err ||
		e2e_fail "init: $(cat init.err)"
}

# rk_fresh_step ACCOUNT - set FRESH_STEP to a TOTP step ACCOUNT has not
# used in this test: at its first use the step before now (T-1), later the
# current step once it is past the last one used, waiting for it. A step
# is accepted once per account and never one older than the last, so a
# test that logs in again and again takes its codes from here:
# rk_code SECRET "@$((FRESH_STEP * 30))". Not in $(...): it keeps state.
declare -gA RK_LAST_STEP=()
rk_fresh_step() {
	local last=${RK_LAST_STEP[$1]:-0}
	FRESH_STEP=$(($(date +%s) / 30 - (last == 0)))
	while ((FRESH_STEP <= last)); do
		sleep 1
		FRESH_STEP=$(($(date +%s) / 30))
	done
	RK_LAST_STEP[$1]=$FRESH_STEP
}

# rk_enrol_cli NAME PASSWORD - enrol NAME's authenticator with the CLI and a
# T-1 code (rk_cli_totp: once more if the step turned over); sets SECRET.
rk_enrol_cli() {
	echo "$2" | "$R" mfa enrol --db r.db --user "$1" --password-stdin >enrol.out 2>enrol.err ||
		e2e_fail "mfa enrol: $(cat enrol.err)"
	SECRET=$(sed -n 's/^Secret: //p' enrol.out)
	[[ "$SECRET" =~ ^[A-Z2-7]{32}$ ]] || e2e_fail "mfa enrol printed no secret"
	rk_cli_totp "$SECRET" 'now - 30 seconds' "$2" "$R" mfa confirm --db r.db --user "$1" \
		--password-stdin 2>confirm.err || e2e_fail "mfa confirm: $(cat confirm.err)"
}

# rk_admin_key NAME PASSWORD SECRET - an admin key file adm.key (uses the
# current TOTP step of NAME).
rk_admin_key() {
	rk_cli_totp "$3" now "$2" "$R" key add-file --db r.db --user "$1" --password-stdin \
		--label adm --roles admin --out adm.key 2>key.err ||
		e2e_fail "key add-file: $(cat key.err)"
}

# rk_cli_onetime ARGS... - run an admin subcommand with the key file and
# set ONETIME to the one-time password it printed.
rk_cli_onetime() {
	"$R" "$@" --db r.db --keyfile adm.key >cli.out 2>cli.err || e2e_fail "$*: $(cat cli.err)"
	ONETIME=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' cli.out | head -1)
	[[ -n "$ONETIME" ]] || e2e_fail "$*: no one-time password printed"
}

# rk_start SESSION [ENV=VALUE...] - the program at 80x24 on r.db.
rk_start() {
	local name=$1
	shift
	e2e_start "$name" 80 24 env REKISTERI_CONFIG="$REKISTERI_CONFIG" "$@" "$R" --db r.db
	e2e_wait "$name" "$LOGIN_SCREEN"
}

# rk_login SESSION USER PASSWORD [CODE] - fill a fresh login form, submit.
rk_login() {
	e2e_wait "$1" "$LOGIN_SCREEN"
	e2e_type "$1" "$2"
	e2e_keys "$1" Tab
	e2e_type "$1" "$3"
	e2e_keys "$1" Tab
	[[ -z "${4:-}" ]] || e2e_type "$1" "$4"
	e2e_keys "$1" Enter
}

# rk_login_again SESSION PASSWORD [CODE] - after a failed try the name is
# kept and the focus is on Password: type password and code, submit.
rk_login_again() {
	e2e_type "$1" "$2"
	e2e_keys "$1" Tab
	[[ -z "${3:-}" ]] || e2e_type "$1" "$3"
	e2e_keys "$1" Enter
}

# rk_message SESSION - the message line (row 23 of 24).
rk_message() {
	e2e_screen "$1" | sed -n 23p
}

# rk_first_login SESSION USER ONETIME NEWPW - the forced password change
# and enrolment of a new account; ends on the home screen. Sets SECRET.
rk_first_login() {
	rk_login "$1" "$2" "$3"
	e2e_wait "$1" 'Welcome: choose your own password'
	e2e_type "$1" "$4"
	e2e_keys "$1" Tab
	e2e_type "$1" "$4"
	e2e_keys "$1" Enter
	rk_enrol_screen "$1"
}

# A session that handles data-subject requests (the supervisor) starts on
# the request dashboard; Esc there opens the home menu.
DASHBOARD='Data-subject requests: [0-9]+ open'

# rk_wait_home SESSION [TIMEOUT_S] - wait for the home menu after a login,
# passing the request dashboard with Esc when the session starts there.
rk_wait_home() {
	e2e_wait "$1" "What would you like to do\?|$DASHBOARD" "${2:-10}"
	if e2e_screen "$1" | grep -Eq "$DASHBOARD"; then
		e2e_keys "$1" Escape
		e2e_wait "$1" 'What would you like to do\?' "${2:-10}"
	fi
}

# rk_enrol_screen SESSION - on the enrolment screen: read the secret shown
# and confirm with its T-1 code; ends on the home screen. Sets SECRET.
rk_enrol_screen() {
	e2e_wait "$1" 'Set up your authenticator app'
	SECRET=$(e2e_screen "$1" | grep -oE '[A-Z2-7]{32}$' | head -1)
	[[ "$SECRET" =~ ^[A-Z2-7]{32}$ ]] || e2e_fail "no secret on the enrolment screen"
	e2e_type "$1" "$(rk_code "$SECRET" 'now - 30 seconds')"
	e2e_keys "$1" Enter
	# The T-1 code expires when the step after it ends: under load the step
	# can turn over between computing and checking it. Then, once, a fresh
	# one (as rk_enrol_cli does).
	e2e_wait "$1" "What would you like to do\?|$DASHBOARD|the code is not valid" 15
	if e2e_screen "$1" | grep -q 'the code is not valid'; then
		local i
		for ((i = 0; i < 6; i++)); do e2e_keys "$1" BSpace; done
		e2e_type "$1" "$(rk_code "$SECRET" 'now - 30 seconds')"
		e2e_keys "$1" Enter
	fi
	rk_wait_home "$1"
}

# rk_has_colour - true when stdin holds an SGR sequence that sets a colour
# (30-37, 38;..., 40-47, 48;..., 58;..., 90-97, 100-107); 39/49 (default
# colour) are not colours.
rk_has_colour() {
	python3 -c '
import re, sys
for m in re.finditer(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    for p in re.split("[;:]", m.group(1)):
        n = int(p) if p else 0
        if n in (38, 48, 58) or 30 <= n <= 37 or 40 <= n <= 47 \
           or 90 <= n <= 97 or 100 <= n <= 107:
            sys.exit(0)
sys.exit(1)'
}

# rk_ok MSG - print a progress line.
rk_ok() {
	printf 'ok - %s\n' "$*"
}
