#!/usr/bin/env bash
# test_long_work.sh - long work on a screen (src/tui/busywork.c), as a
# supervisor meets it on a register big enough that the work takes
# seconds: the Retention screen's count (F5) and the Duplicates screen's
# comparison, in the real program started from an interactive shell at
# 80x24 (the pattern of test_import_signals.sh).
#
# Keys while the work runs:
#   - a key other than Esc during the count is told the screen is busy,
#     and the note stays readable (about 2 s, at least 1 s measured)
#     before the progress line comes back; it was overwritten by the next
#     progress line at once, so nobody could read it. Esc then stops the
#     count, and the counts shown are the earlier ones;
#   - the comparison tells a key the same way (one helper for both).
# Signals during the comparison (a closing SSH connection is SIGHUP):
#   - a look run to the end first: the list is shown and its first page is
#     audited (duplicates.list rows, counted with the sqlcipher CLI: the
#     count below can see rows);
#   - SIGTERM and SIGHUP once the comparison's progress is on the screen:
#     the program ends at the comparison's next step (in less than half
#     the time a whole look took), with 128 + the signal's number, the alternate screen
#     is off and `stty -g` is as before, nothing was listed (no pair on the
#     shell's screen) and no duplicates.list row was written for that look,
#     and `rekisteri check` passes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
export LANGUAGE=en
# the size: the count takes about 3 s under the sanitizers on the shared
# 2-core machine (2.1 s at 100,000), the comparison about 2.5 s
N=${RK_LONG_WORK_CUSTOMERS:-150000}
rk_demo_setup "$N"
rk_one_person
rk_demo_keyfile dpo supervisor
U=(--db r.db --keyfile dpo.key)
LIVE=$(rk_sql "SELECT count(*) FROM customers WHERE anonymised_at IS NULL;")

# start SESSION - the program under an interactive shell (rk_shell_start),
# logged in as the demo supervisor with a TOTP step not used before, on the
# home menu
start() {
	local name pw secret
	rk_shell_start "$1"
	read -r name _ pw secret < <(grep "^supervisor " r.db.users)
	rk_fresh_step supervisor
	rk_login "$1" "$name" "$pw" "$(rk_code "$secret" "@$((FRESH_STEP * 30))")"
	rk_wait_home "$1"
}
# listed_since ID - duplicates.list audit rows after row ID
listed_since() {
	rk_sql "SELECT count(*) FROM audit_log WHERE action='duplicates.list' AND id > $1;"
}
last_row() { rk_sql "SELECT max(id) FROM audit_log;"; }

# --- Retention: a key during the count is told to wait, long enough to read ----
start a
rk_menu a Retention
e2e_wait a 'Not counted yet: F5 counts'
e2e_keys a F5
e2e_wait a '^Counting what falls due: rule [0-9]+ of [0-9]+… Esc stops' 60
e2e_keys a x
e2e_wait a '^Busy counting what falls due; Esc stops the count' 5
t0=$(_e2e_now_ms)
e2e_wait_gone a '^Busy counting what falls due' 10
kept=$(($(_e2e_now_ms) - t0))
then=$(rk_message a)
# before, the next progress line (100 ms later) overwrote it at once
((kept >= 1000)) || e2e_fail "the busy note stayed ${kept} ms, then '$then': too short to read"
rk_ok "a key during the count: 'Busy counting…' stayed ${kept} ms, then '$then'"
if [[ $then == Counted ]]; then # the count ended under the note: once more
	e2e_keys a F5
	e2e_wait a '^Counting what falls due: rule [0-9]+ of [0-9]+… Esc stops' 60
fi
e2e_keys a Escape
e2e_wait a '^Count stopped; the counts shown are the earlier ones' 10
rk_ok "Esc stops the count; the screen keeps the earlier counts"
e2e_keys a Escape
e2e_wait a 'What would you like to do\?'

# --- Duplicates: the same note; a look to the end is listed and audited -----------
MARK=$(last_row)
t0=$(_e2e_now_ms)
rk_menu a Duplicates
e2e_wait a '^Comparing customers: [0-9]+ of [0-9]+ read… Esc stops' 60
e2e_keys a x
e2e_wait a '^Busy comparing customers; Esc stops the comparison' 30
e2e_wait a "likely duplicate pairs? among $LIVE customers" 120
FULL=$(($(_e2e_now_ms) - t0))
e2e_wait a '^ *C[0-9]{6} +C[0-9]{6} +[0-9]+ '
SEEN=$(listed_since "$MARK")
((SEEN > 0)) || e2e_fail "a look to the end wrote no duplicates.list row"
rk_ok "a key during the comparison is told to wait; a look to the end ($FULL ms) lists pairs and audits $SEEN customers"

# --- Duplicates: SIGTERM, then SIGHUP during the comparison ------------------------
for sig in TERM HUP; do
	if [[ $sig == TERM ]]; then
		s=a
		MARK=$(last_row)
		e2e_keys a F5
	else
		s=b
		start b
		MARK=$(last_row)
		rk_menu b Duplicates
	fi
	e2e_wait "$s" '^Comparing customers: [0-9]+ of [0-9]+ read… Esc stops' 60
	t1=$(_e2e_now_ms)
	kill "-$sig" "$PID"
	e2e_wait "$s" '^st=[0-9]+' 60
	took=$(($(_e2e_now_ms) - t1))
	# stopped at the comparison's next step, not after it: an end past the
	# comparison would list nothing either (the loop ends before it draws)
	((2 * took < FULL)) ||
		e2e_fail "SIG$sig: the program ended $took ms after the signal; a whole look takes $FULL ms"
	rk_shell_ended "$s" "$sig"
	e2e_assert_absent "$s" 'likely duplicate pair'
	got=$(listed_since "$MARK")
	[[ $got == 0 ]] || e2e_fail "SIG$sig: the stopped look wrote $got duplicates.list rows"
	"$R" check "${U[@]}" >check.out 2>&1 || e2e_fail "SIG$sig: check: $(cat check.out)"
	rk_ok "SIG$sig during the comparison: ended after $took ms with exit $st, the terminal restored, nothing listed or audited, check passes"
done

e2e_pass "long work: the busy note is readable, Esc and signals stop it cleanly"
