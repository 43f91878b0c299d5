#!/usr/bin/env bash
# test_merged_screens.sh - a merged customer's old number on the screens,
# at 80x24 on the demo register, as a supervisor (the command line's entry
# points are test_merged_numbers.sh). Two persons S and O are restricted
# under two requests (RA for S, then RB for O) and merged by the CLI, and
# RB, the newer, is lifted. Then:
# - the customer list finds S by O's number, and S's detail says it is
#   restricted under request RA, the one still restricting it (not RB);
# - the request wizard's search for O's number finds S, not O's empty stub;
# - "who accessed" in the audit viewer takes O's number and lists S's
#   trail (the merge, and the view of S just made);
# - F7 on S's detail refuses O's number and names S.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dsr_tui_lib.sh"
export LANGUAGE=en

rk_demo_setup
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
rk_demo_admin_key dpo supervisor
U=(--db r.db --keyfile dpo.key)
mapfile -t P < <(rk_sql "SELECT number FROM customers WHERE kind='person' AND restricted=0
	AND anonymised_at IS NULL AND merged_into IS NULL ORDER BY id LIMIT 2;")
S=${P[0]} O=${P[1]}
[[ -n "$S" && -n "$O" ]] || e2e_fail "the demo has too few persons"
restrict() { # NUMBER - a restriction request, carried out; prints its id
	"$R" dsr new --type restriction --subject "$1" --verified letter "${U[@]}" >r.out 2>&1 ||
		e2e_fail "dsr new $1: $(cat r.out)"
	local id
	id=$(sed -n 's/^Request \([0-9]*\).*/\1/p' r.out | head -1)
	"$R" dsr execute "$id" "${U[@]}" >x.out 2>&1 || e2e_fail "execute $id: $(cat x.out)"
	echo "$id"
}
RA=$(restrict "$S")
RB=$(restrict "$O")
"$R" merge "$S" "$O" --yes "${U[@]}" >m.out 2>&1 || e2e_fail "merge: $(cat m.out)"
"$R" dsr lift "$RB" "${U[@]}" >l.out 2>&1 || e2e_fail "lift $RB: $(cat l.out)"
[[ "$(rk_sql "SELECT restricted FROM customers WHERE number='$S';")" == 1 ]] ||
	e2e_fail "lifting $RB lifted $S"
rk_ok "$O merged into $S; both restricted (requests $RA, $RB), $RB lifted"

# to_home - Esc until the home menu shows
to_home() {
	local i
	for ((i = 0; i < 6; i++)); do
		e2e_screen v | grep -qE "$HOME_SCREEN" && return 0
		e2e_keys v Escape
		sleep 0.3
	done
	e2e_wait v "$HOME_SCREEN"
}

wz_dashboard v
wz_menu v Customers
e2e_wait v 'Search:'
rk_search v "$O"
e2e_wait v "^ $S "
e2e_keys v Enter
e2e_wait v "Processing restricted \\(Art\\. 18\\) — request #$RA *\$"
rk_ok "the customer list finds $S by $O; the banner names request $RA, still restricting it"
e2e_keys v F7
e2e_wait v 'Merge another customer into this one'
e2e_keys v C-u
e2e_type v "$O"
e2e_keys v Enter
e2e_wait v "$O was already merged into $S; merge with $S instead\\."
rk_ok "F7 refuses $O and names $S"

to_home
rk_menu v 'Audit trail'
e2e_wait v 'Newest first\.'
e2e_keys v F3
e2e_wait v 'Who accessed a customer: every user'
e2e_keys v C-u
e2e_type v "$O"
e2e_keys v Enter
e2e_wait v "Who accessed $O"
e2e_wait v 'customer\.merge '
e2e_wait v 'supervisor +customer\.view ' # the view of the survivor, just now
rk_ok "who accessed $O lists $S's trail: the merge and the survivor's views"

to_home
rk_menu v Requests
e2e_wait v "$DASHBOARD"
wz_new v 0
wz_search v "$O" '1 found, 1 selected'
e2e_wait v "^ *\\[x\\] $S "
e2e_assert_absent v "$O "
rk_ok "the request wizard's search for $O finds $S, not the stub"

e2e_pass "a merged number on the screens"
