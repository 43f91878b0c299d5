#!/usr/bin/env bash
# test_retention_screen.sh - the supervisor's Retention screen (issue 18)
# at 80x24 on the demo register (300 customers, data 2015-2025, so many
# customers are due today).
#
# Opening the screen plans nothing: it shows the counts kept in the
# register (none yet: "Not counted yet", "-" in the count columns). F5
# counts with a progress line and fills the table; the prospects' "Due
# now" and "Held" are what `retention plan` prints for today, read from
# the CLI's output, not from the screen code. After `retention run` (which
# counts again for the screen) opening the screen again shows the
# last run, the new counts (nothing left due) and the same held count,
# on opening, without F5.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

rk_demo_setup
rk_one_person
read -r _ _ APW ASECRET < <(grep '^admin ' r.db.users)
rk_cli_totp "$ASECRET" now "$APW" "$R" key add-file --db r.db --user admin --password-stdin \
	--label dpo --roles supervisor --out dpo.key \
	>key.out 2>&1 || e2e_fail "key add-file: $(cat key.out)"
# a legal hold on the first prospect due today
"$R" retention plan --db r.db --keyfile dpo.key >plan0.txt 2>&1 || e2e_fail "plan: $(cat plan0.txt)"
FIRST=$(awk '/^prospects/{p=1} p&&/^    C[0-9]+/{print $1; exit}' plan0.txt)
"$R" retention hold "$FIRST" --reason "dispute" --db r.db --keyfile dpo.key >hold.out 2>&1 ||
	e2e_fail "hold $FIRST: $(cat hold.out)"
"$R" retention plan --db r.db --keyfile dpo.key >plan.txt 2>&1 || e2e_fail "plan: $(cat plan.txt)"
# prospects' block: "  due now: N customers", "  skipped: N"
DUE=$(awk '/^prospects/{p=1} p&&/due now:/{print $3; exit}' plan.txt)
HELD=$(awk '/^prospects/{p=1} /^inactive/{p=0} p&&/skipped:/{print $2; exit}' plan.txt)
[[ "$HELD" == 1 ]] || e2e_fail "the plan does not skip the held $FIRST: $(head -8 plan.txt)"
[[ "$DUE" =~ ^[0-9]+$ && "$DUE" -gt 0 ]] || e2e_fail "the plan shows no prospects due: $(head -8 plan.txt)"

# row RULE - the table row of RULE on the screen, squeezed
row() { e2e_screen ret | grep -m1 -E "^ *│? *$1 " | tr -s ' │' ' ' | sed 's/^ //'; }

rk_demo_login ret supervisor
rk_menu ret Retention
e2e_wait ret 'Rules in force'
e2e_assert_present ret 'Not counted yet: F5 counts'
[[ "$(row prospects)" == "prospects 0 - - - -" ]] || e2e_fail "uncounted row: '$(row prospects)'"
echo "ok: opening plans nothing: 'Not counted yet', no counts"

e2e_keys ret F5
e2e_wait ret 'Counted [0-9]{4}-'
read -r _ last held due _ < <(row prospects)
[[ "$last" == 0 && "$due" == "$DUE" && "$held" == "$HELD" ]] ||
	e2e_fail "after F5: '$(row prospects)', the plan says due $DUE held $HELD"
echo "ok: F5 counts: prospects due $DUE, held $HELD, as retention plan says"
e2e_keys ret Escape
e2e_wait ret 'What would you like to do\?'

"$R" retention run --db r.db --keyfile dpo.key >run.out 2>&1 || e2e_fail "run: $(cat run.out)"
grep -q '^Counted for the retention screen' run.out || e2e_fail "the run did not count: $(cat run.out)"
rk_menu ret Retention
e2e_wait ret 'Last run 1 on'
e2e_wait ret 'Counted [0-9]{4}-'
r=$(e2e_screen ret | grep -m1 -E "^ *│? *prospects " | tr -s ' │' ' ' | sed 's/^ //')
read -r _ last held due _ <<<"$r"
[[ "$last" == "$DUE" && "$due" == 0 && "$held" == "$HELD" ]] ||
	e2e_fail "after the run: '$r', expected done $DUE, due 0, held $HELD"
e2e_pass "after retention run the screen opens with the run's counts, no F5"
