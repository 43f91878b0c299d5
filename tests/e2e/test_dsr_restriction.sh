#!/usr/bin/env bash
# test_dsr_restriction.sh - a restriction request (Art. 18) through the
# wizard, and lifting it, with sales and warehouse sessions open beside
# the supervisor's, at 80x24 on the demo register.
#
# The subject is the person who placed the newest order, so the order is
# on the first page of the warehouse's order list. Checks:
# - before: sales finds the subject by name and by number, the warehouse
#   lists the order;
# - the wizard restricts; step 6 offers F6 Lift and Esc keeps the request
#   open on the dashboard (executed);
# - restricted: sales finds them neither by name nor by number, the
#   warehouse's list (opened again) lacks the order; the supervisor still
#   finds them and the detail shows "Processing restricted (Art. 18) —
#   request #N";
# - F6 on the dashboard lifts the restriction (asked y/n; audited as
#   dsr.lift); sales and the warehouse see the subject again; the request
#   then closes through the wizard's step 6.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dsr_tui_lib.sh"

rk_demo_setup
IFS='|' read -r SUBJ ONUM <<<"$(rk_sql "SELECT o.customer_id, o.number FROM orders o
	JOIN customers c ON c.id=o.customer_id WHERE c.kind='person'
	ORDER BY o.ordered_on DESC, o.id DESC LIMIT 1;")"
IFS='|' read -r NO NAME <<<"$(rk_sql "SELECT number, name FROM customers WHERE id=$SUBJ;")"
NEWEST=$(rk_sql_value "SELECT number FROM orders ORDER BY ordered_on DESC, id DESC LIMIT 1;")
[[ -n "$NO" && -n "$NAME" && "$NEWEST" == "$ONUM" ]] || e2e_fail "demo fixture changed"
# a sales key file for the CLI; before the restriction it shows the customer
rk_demo_admin_key salesk sales
"$R" customer show "$NO" --db r.db --keyfile salesk.key >show.before 2>&1 ||
	e2e_fail "sales cannot show $NO before the restriction: $(cat show.before)"
grep -qF "$NAME" show.before || e2e_fail "customer show lacks the name"

# sales_finds QUERY yes|no - on the sales customer list
sales_finds() {
	rk_search s "$1"
	e2e_wait s "^ Search: $1 *\$"
	e2e_wait s 'customers?\. Enter opens\.|No customer matches\.'
	if [[ $2 == yes ]]; then
		e2e_wait s "^ $NO +$NAME"
	elif e2e_screen s | grep -Eq "^ $NO( |\$)"; then
		e2e_fail "sales found $NO by '$1'"
	fi
}

# warehouse_lists yes|no - reopen the warehouse's order list
warehouse_lists() {
	e2e_keys h Escape
	e2e_wait h "$HOME_SCREEN"
	rk_menu h Orders
	e2e_wait h 'Status: all +Orders 1-100'
	e2e_wait h 'O[0-9]+ +[0-9-]{10} [a-z]+ +C[0-9]{6} +[0-9]+$'
	if [[ $1 == yes ]]; then
		e2e_wait h "^ $ONUM "
	else
		e2e_assert_absent h "$ONUM" "$NO"
	fi
}

rk_demo_login s sales
rk_menu s Customers
e2e_wait s 'Search:'
sales_finds "$NAME" yes
sales_finds "$NO" yes
rk_demo_login h warehouse
rk_menu h Orders
e2e_wait h "^ $ONUM "
rk_ok "before: sales finds $NO by name and number, the warehouse lists $ONUM"

# --- the supervisor restricts -------------------------------------------------------------
wz_dashboard v
wz_new v 3
wz_search v "$NO" '1 found, 1 selected'
wz_verify v 'strong electronic identification'
e2e_wait v "$NO +Restriction +change"
wz_execute v
e2e_wait v 'This request restricted the records\. F6 lifts'
e2e_assert_present v 'F6 Lift' 'Esc Leave'
ID=$(e2e_screen v | grep -oE 'Request [0-9]+: restriction' | grep -oE '[0-9]+' | head -1)
e2e_keys v Escape
e2e_wait v "$DASHBOARD"
e2e_wait v "^ +$ID restriction +executed "
rk_ok "restricted through the wizard; the request stays open (executed) on the dashboard"

sales_finds "$NAME" no
sales_finds "$NO" no
warehouse_lists no
rk_ok "restricted: sales cannot find $NO by name or number, the warehouse lacks $ONUM"
# the CLI answers for the restricted number exactly as for one nobody has
st1=0 st2=0
"$R" customer show "$NO" --db r.db --keyfile salesk.key >r.out 2>r.err || st1=$?
"$R" customer show C999999 --db r.db --keyfile salesk.key >m.out 2>m.err || st2=$?
[[ $st1 == "$st2" && $st1 != 0 ]] || e2e_fail "exit $st1 for $NO, $st2 for a missing number"
cmp -s r.out m.out && cmp -s r.err m.err ||
	e2e_fail "restricted and missing differ: '$(cat r.err)' vs '$(cat m.err)'"
grep -qi restrict r.err && e2e_fail "the answer names the restriction"
rk_ok "customer show: a restricted number answers as a missing one, byte for byte"

wz_menu v Customers
e2e_wait v 'Search:'
e2e_type v "$NO"
e2e_wait v "^ $NO +$NAME"
e2e_keys v Enter
e2e_wait v "Processing restricted \\(Art\\. 18\\) — request #$ID"
rk_ok "the supervisor finds $NO and sees the restriction banner"

# --- lifting -----------------------------------------------------------------------------------
e2e_keys v Escape Escape
e2e_wait v "$HOME_SCREEN"
rk_menu v Requests
e2e_wait v "^ +$ID restriction +executed "
e2e_keys v F6
e2e_wait v 'Lift the restriction of this request'
e2e_keys v y
e2e_wait v 'Restriction lifted'
[[ $(rk_sql_value "SELECT restricted FROM customers WHERE id=$SUBJ;") == 0 ]] ||
	e2e_fail "still restricted in the database"
[[ $(rk_sql_value "SELECT count(*) FROM audit_log WHERE action='dsr.lift'
	AND target='request:$ID' AND subject=$SUBJ;") == 1 ]] || e2e_fail "dsr.lift not audited"
sales_finds "$NAME" yes
sales_finds "$NO" yes
warehouse_lists yes
rk_ok "lifted from the dashboard: sales and the warehouse see $NO again"

e2e_keys v Enter
wz_step v 6
e2e_keys v C-u
e2e_type v 'Restricted while the accuracy was checked; lifted after telling the person.'
wz_close v
e2e_assert_absent v "$ID restriction"
rk_ok "the request closed through step 6"
e2e_pass "restriction and lifting"
