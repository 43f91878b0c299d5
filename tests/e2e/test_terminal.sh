#!/usr/bin/env bash
# test_terminal.sh - the terminal is always restored and never keeps data,
# and a password typed at the lock screen never lands in a visible field.
#
# The program runs from an interactive bash (job control on) in a tmux pane
# at 80x24, on a small demo register, with customer C000002's Contact tab
# on screen: the test first sees the customer's e-mail, phone and name,
# then sends a signal to the program's pid. After each signal it checks:
# nothing of the customer in `capture-pane -p -S -1000` (screen and
# history), tmux says the alternate screen is off, and `stty -g` is what it
# was before the program started.
#   - SIGTSTP: the session locks, the screen is cleared, the program
#     stops; `fg` brings back the lock screen (no data), the password
#     unlocks it; then SIGQUIT (Ctrl-\) ends it;
#   - SIGHUP, SIGTERM: clean end (status 128+N);
#   - SIGABRT (a fatal error): the prepared clear and leave-alternate-screen
#     sequence runs and the terminal modes come back before it dies.
# The lock screen: a session locked for inactivity whose account is then
# disabled; the user types the password and Enter. The login screen that
# follows shows why the session ended and drops the keys; Enter opens an
# empty form; no typed character is on the screen at any point.
set -euo pipefail
source "$(dirname "$0")/customers_lib.sh"

rk_demo_setup 20
rk_demo_admin_key
IFS='|' read -r NAME MAIL PHONE < <(rk_sql "SELECT name, email, phone FROM customers
	WHERE number='C000002';" | tail -1)
[[ -n "$NAME" && -n "$MAIL" && -n "$PHONE" ]] || e2e_fail "demo fixture changed"

# shell SESSION - an interactive bash in a new pane, prompt "sh> ".
shell() {
	e2e_start "$1" 80 24 env PS1='sh> ' HISTFILE=/dev/null bash --norc --noprofile -i
	e2e_wait "$1" '^sh>'
	e2e_type "$1" "stty -g >stty.before.$1"
	e2e_keys "$1" Enter
}

# run_program SESSION - start the program from the shell; sets PID.
run_program() {
	e2e_type "$1" "REKISTERI_CONFIG=${2:-$REKISTERI_CONFIG} $R --db r.db"
	e2e_keys "$1" Enter
	e2e_wait "$1" "$LOGIN_SCREEN"
	PID=$(pgrep -P "$(e2e_pid "$1")" | head -1)
	[[ -n "$PID" ]] || e2e_fail "no program under the shell of $1"
}

# contact_tab SESSION - from the home menu to C000002's Contact tab; the
# customer's e-mail, phone and name must be on screen.
contact_tab() {
	rk_menu "$1" Customers
	e2e_wait "$1" 'Search:'
	e2e_type "$1" "${NAME##* }"
	e2e_wait "$1" "C000002 +$NAME"
	e2e_keys "$1" Enter
	e2e_wait "$1" "$MAIL"
	e2e_assert_present "$1" "$PHONE" "$NAME" '1 Contact'
	[[ $(_e2e_tmux display-message -p -t "=$1:" '#{alternate_on}') == 1 ]] ||
		e2e_fail "the program does not use the alternate screen"
}

# clean SESSION WHAT - nothing of the customer in the pane or its history,
# the alternate screen off, the shell's terminal modes back.
clean() {
	local all
	all=$(_e2e_tmux capture-pane -p -S -1000 -t "=$1:")
	for v in "$NAME" "$MAIL" "$PHONE"; do
		grep -Fq -- "$v" <<<"$all" && e2e_fail "$2: '$v' stays in the pane"
	done
	[[ $(_e2e_tmux display-message -p -t "=$1:" '#{alternate_on}') == 0 ]] ||
		e2e_fail "$2: the alternate screen is still on"
	e2e_type "$1" "stty -g >stty.after.$1; echo CHECKED-\$?"
	e2e_keys "$1" Enter
	e2e_wait "$1" '^CHECKED-0'
	cmp -s "stty.before.$1" "stty.after.$1" ||
		e2e_fail "$2: stty -g changed: $(cat "stty.before.$1") -> $(cat "stty.after.$1")"
	e2e_type "$1" clear
	e2e_keys "$1" Enter
}

gone() {
	for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
	e2e_fail "the program $1 still runs"
}

login_as() { # SESSION ROLE - demo account of ROLE, on to the home menu
	local name role pw secret
	read -r name role pw secret < <(grep "^$2 " r.db.users)
	rk_login "$1" "$name" "$pw" "$(rk_code "$secret")"
	rk_wait_home "$1"
	PW=$pw
}

new_account() { # SESSION NAME - a new sales account's first login
	rk_cli_onetime user add "$2" --roles sales
	rk_first_login "$1" "$2" "$ONETIME" "$2 uusi salasana 123"
	PW="$2 uusi salasana 123"
}

# --- SIGTSTP under job control, then SIGQUIT --------------------------------------
shell t
run_program t
login_as t sales
contact_tab t
kill -TSTP "$PID"
e2e_wait t 'Stopped'
[[ $(ps -o stat= -p "$PID") == T* ]] || e2e_fail "SIGTSTP did not stop the program"
clean t "SIGTSTP"
e2e_type t fg
e2e_keys t Enter
e2e_wait t 'Locked \(Ctrl-Z\)'
e2e_assert_absent t "$MAIL" "$PHONE" "$NAME"
e2e_type t "$PW"
e2e_keys t Enter
e2e_wait t "$MAIL"
rk_ok "SIGTSTP: locked, cleared, alternate screen left, modes back; fg shows the lock"
kill -QUIT "$PID"
gone "$PID"
clean t "SIGQUIT"
rk_ok "SIGQUIT (Ctrl-\\): cleared, alternate screen off, modes back"

# --- SIGHUP, SIGTERM, SIGABRT ------------------------------------------------------
n=0
for sig in HUP TERM ABRT; do
	n=$((n + 1))
	shell "s$n"
	run_program "s$n"
	if [[ $sig == HUP ]]; then login_as "s$n" supervisor; else new_account "s$n" "user$n"; fi
	contact_tab "s$n"
	kill "-$sig" "$PID"
	gone "$PID"
	e2e_wait "s$n" '^sh>'
	clean "s$n" "SIG$sig"
	rk_ok "SIG$sig: cleared, alternate screen off, modes back"
done

# --- the lock screen: a forced end drops the typed password -------------------------
printf '[crypto]\nargon2_ops = 1\nargon2_mem_kib = 8\n[session]\nidle_lock_seconds = 2\n' >lock.ini
chmod 644 lock.ini
shell l
run_program l "$E2E_TMP/lock.ini"
new_account l lotta
e2e_wait l 'Locked after inactivity' 8
"$R" user disable lotta --db r.db --keyfile adm.key 2>cli.err || e2e_fail "disable: $(cat cli.err)"
e2e_type l 'correct horse battery staple'
e2e_keys l Enter
# The session check (every half second) may end the session before the
# typed Enter arrives or after it: then Enter either submits the lock
# screen and the notice follows, or it has already dismissed the notice.
# Either way no typed key may show anywhere.
e2e_wait l "Your session has ended|$LOGIN_SCREEN"
for frag in orrect horse battery staple; do
	e2e_assert_absent l "$frag"
done
if grep -q 'Your session has ended' <<<"$(e2e_screen l)"; then
	e2e_wait l 'this account has been disabled'
	e2e_type l 'more typing'
	e2e_assert_absent l 'more typing' 'ore typing'
	e2e_keys l Enter
fi
e2e_wait l "$LOGIN_SCREEN"
e2e_wait l '^ +Username:$'
for frag in orrect horse battery staple 'ore typing'; do
	e2e_assert_absent l "$frag"
done
rk_ok "lock screen: after a forced end no typed key reaches a visible field"
e2e_keys l F10
gone "$PID"
e2e_pass "terminal"
