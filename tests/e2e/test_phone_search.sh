#!/usr/bin/env bash
# test_phone_search.sh - a phone number is found however people write it
# (issue 19): spaces, dashes, parentheses, "+358" or the leading "0", on
# the Customers screen (sales, in tmux at 80x24) and by `customer search`
# on the command line; a company's Y-tunnus with and without its dash.
#
# The subject is a demo person whose phone (stored as +358...) no one else
# has; every way of writing it is built from the stored value, so the test
# checks the stored form first. A number that differs in its last digit is
# the control: it must not find the subject, and on the screen it also
# proves each result is fresh (the list empties between two ways).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

rk_demo_setup
rk_one_person
rk_demo_keyfile sales sales

read -r NO PHONE <<<"$(rk_sql "SELECT number, phone FROM customers c WHERE kind='person'
 AND phone LIKE '+3584%' AND length(phone)=13
 AND (SELECT count(*) FROM customers d WHERE d.phone=c.phone)=1
 AND NOT EXISTS (SELECT 1 FROM contact_persons p WHERE p.phone=c.phone)
 ORDER BY id LIMIT 1;" | tr '|' ' ')"
NAME=$(rk_sql "SELECT name FROM customers WHERE number='$NO';")
[[ "$PHONE" =~ ^\+3584[0-9]{8}$ ]] || e2e_fail "no subject with a mobile number: '$PHONE'"
N="0${PHONE:4}" # 0401234567
WAYS=("${N:0:3} ${N:3:3} ${N:6}" "${N:0:3}-${N:3:3} ${N:6:2} ${N:8}"
	"(${N:0:3}) ${N:3:3}-${N:6}" "+358 ${N:1:2} ${N:3:3} ${N:6}" "+358 (0)${N:1}"
	"$(python3 -c 'import sys; print("".join(chr(ord(c) + 0xFEE0) for c in sys.argv[1]))' "$N")")
LAST=${N: -1}
WRONG="${N:0:3} ${N:3:3} ${N:6:3}$(((LAST + 1) % 10))"
[[ -z "$(rk_sql "SELECT 1 FROM customers WHERE phone='+358${WRONG:1:2}${WRONG:4:3}${WRONG:8}';")" ]] ||
	e2e_fail "the control number $WRONG belongs to someone"

# --- the command line ----------------------------------------------------------------
cli_search() {
	"$R" customer search --db r.db --keyfile sales.key <<<"$1" >found.out 2>found.err ||
		e2e_fail "customer search '$1': $(cat found.err)"
}
for way in "$N" "${WAYS[@]}"; do
	cli_search "$way"
	grep -Eq "^$NO +$NAME" found.out || e2e_fail "customer search '$way' did not find $NO"
done
cli_search "$WRONG"
grep -q "^$NO " found.out && e2e_fail "customer search '$WRONG' found $NO"
rk_ok "customer search finds $NO by ${#WAYS[@]} ways of writing its phone, not by $WRONG"

# the query never reached argv or the trail; each search that showed the
# subject is an entry naming it
SEARCHES=$(rk_sql "SELECT count(*) FROM audit_log a JOIN customers c ON c.id=a.subject
 WHERE a.action='customer.search' AND c.number='$NO';")
[[ "$SEARCHES" -ge 6 ]] || e2e_fail "only $SEARCHES audited searches of $NO"
[[ -z "$(rk_sql "SELECT 1 FROM audit_log WHERE target LIKE '%${N:3:3}%' OR fields LIKE '%${N:3:3}%';")" ]] ||
	e2e_fail "the number reached the trail"

# --- the Customers screen --------------------------------------------------------------
rk_demo_login s sales
rk_menu s Customers
e2e_wait s 'Search:'
for way in "${WAYS[@]}"; do
	rk_search s "$WRONG"
	e2e_wait_gone s "^ $NO "
	rk_search s "$way"
	e2e_wait s "^ $NO +$NAME"
done
rk_ok "the Customers screen finds $NO by ${#WAYS[@]} ways of writing its phone"

# --- a company's Y-tunnus: entered at creation by sales, found with or without the dash
YT=1572860-0
[[ -z "$(rk_sql "SELECT 1 FROM customers WHERE business_id='$YT';")" ]] ||
	e2e_fail "$YT is taken in the demo"
rk_search s "$WRONG"
e2e_keys s F2
e2e_wait s '^  New customer'
e2e_wait s '^ +Business ID / VAT:'
e2e_keys s C-u
e2e_type s company
e2e_keys s Down
e2e_type s 'Testi Oy'
e2e_keys s Down
e2e_type s "$YT"
e2e_keys s F2
e2e_wait s '^Customer added'
e2e_wait s "^ Business ID / VAT +$YT\$"
CO=$(rk_sql "SELECT number FROM customers WHERE business_id='$YT' AND kind='company';")
[[ "$CO" =~ ^C[0-9]{6}$ ]] || e2e_fail "the company was not stored with its Y-tunnus"
e2e_keys s Escape
e2e_wait s 'Search:'
for way in "$YT" "${YT/-/}"; do
	rk_search s "$WRONG"
	e2e_wait_gone s "^ $CO "
	rk_search s "$way"
	e2e_wait s "^ $CO +Testi Oy"
	cli_search "$way"
	grep -q "^$CO " found.out || e2e_fail "customer search '$way' did not find $CO"
done
cli_search 15728601 # a wrong check digit is not a Y-tunnus
grep -q "^$CO " found.out && e2e_fail "customer search 15728601 found $CO"
e2e_keys s F10
rk_ok "sales created $CO with its Y-tunnus $YT; found with and without the dash"
