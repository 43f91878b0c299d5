#!/usr/bin/env bash
# test_dsr_erasure_tui.sh - an erasure request through the wizard (issue
# 6), by the supervisor at 80x24 on the demo register.
#
# The subject is a demo person with an identity code, notes or consents,
# and orders recent enough to be under the bookkeeping hold. Checks:
# - step 2 finds them by identity code; step 4 shows their orders kept
#   under the legal hold, with the reason under the list;
# - after execution the database has the stub (no name, anonymised_at
#   set), no notes or consents, and the same orders with the same sum of
#   line totals as before (read with the sqlcipher CLI and the raw key);
# - the customer detail shows the stub (number, no name, e-mail, phone or
#   identity code) and the held orders with their totals;
# - creating the person again through the new-customer form is flagged:
#   "n" creates nothing, "y" creates; the flag is in the audit trail.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dsr_tui_lib.sh"

rk_demo_setup
SUBJ=$(rk_sql_value "SELECT c.id FROM customers c WHERE c.kind='person'
	AND c.hetu IS NOT NULL AND c.email IS NOT NULL AND c.phone IS NOT NULL
	AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id=c.id)
	AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id=c.id
	                AND o.ordered_on < date('now', '-4 years'))
	AND EXISTS (SELECT 1 FROM notes n WHERE n.customer_id=c.id
	            UNION SELECT 1 FROM consents k WHERE k.customer_id=c.id)
	ORDER BY c.id LIMIT 1;")
[[ "$SUBJ" =~ ^[0-9]+$ ]] || e2e_fail "demo fixture changed"
IFS='|' read -r NO NAME MAIL PHONE HETU <<<"$(rk_sql "SELECT number, name, email, phone, hetu
	FROM customers WHERE id=$SUBJ;")"
SUM_SQL="SELECT count(DISTINCT o.id) || ' ' || sum(l.quantity * l.unit_price_cents)
	FROM orders o JOIN order_lines l ON l.order_id=o.id WHERE o.customer_id=$SUBJ;"
BEFORE=$(rk_sql_value "$SUM_SQL")
NORDERS=${BEFORE%% *}
rk_sql "SELECT o.number || ' ' || sum(l.quantity * l.unit_price_cents) FROM orders o
	JOIN order_lines l ON l.order_id=o.id WHERE o.customer_id=$SUBJ GROUP BY o.id;" >totals.txt
[[ -n "$HETU" && $NORDERS -ge 1 && -s totals.txt ]] || e2e_fail "no subject: $BEFORE"

# --- the wizard -------------------------------------------------------------------------
wz_dashboard v
wz_new v 2
wz_search v "$HETU" '1 found, 1 selected'
e2e_wait v "\\[x\\] $NO +customer .* identity code"
wz_verify v 'passport shown at the office'
# move down to the held orders: the reason shows in full under the list
for ((i = 0; i < 60; i++)); do
	e2e_screen v | grep -q '^  C[0-9]* Orders under legal hold: legal hold: bookkeeping' && break
	e2e_keys v Down
	sleep 0.05
done
e2e_wait v 'Orders under legal hold: legal hold: bookkeeping records'
e2e_wait v 'Act\) are kept [0-9]+ years after their financial year'
e2e_assert_present v "$NO Notes" "$NO Consents"
e2e_wait v "$NO Orders under legal hold +keep +$NORDERS "
e2e_keys v Down Down Down
e2e_wait v "$NO Suppression list +add"
rk_ok "step 4: the orders kept under the legal hold, with the reason"
wz_execute v
e2e_assert_present v 'Erasure (Art. 17)' "Records:    $NO"
wz_close v
rk_ok "erasure carried out and closed"

# --- the database -------------------------------------------------------------------------
AFTER=$(rk_sql_value "$SUM_SQL")
[[ "$AFTER" == "$BEFORE" ]] || e2e_fail "held orders changed: before $BEFORE, after $AFTER"
STUB=$(rk_sql_value "SELECT ifnull(nullif(name,''),'-') || ifnull(nullif(email,''),'-') ||
	ifnull(nullif(hetu,''),'-') || ' ' ||
	(anonymised_at IS NOT NULL) || ' ' ||
	(SELECT count(*) FROM notes WHERE customer_id=$SUBJ) ||
	(SELECT count(*) FROM consents WHERE customer_id=$SUBJ) FROM customers WHERE id=$SUBJ;")
[[ "$STUB" == '--- 1 00' ]] || e2e_fail "not a stub: $STUB"
rk_ok "database: the stub, no notes or consents, $NORDERS held order(s), same sum of totals"

# --- the customer detail ------------------------------------------------------------------
wz_menu v Customers
e2e_wait v 'Search:'
e2e_type v "$NO"
e2e_wait v "^ $NO"
e2e_keys v Enter
e2e_wait v '1 Contact +2 Billing +3 Orders'
e2e_assert_absent v "$NAME" "$MAIL" "$PHONE" "$HETU"
e2e_keys v 3
e2e_wait v 'Order +Date +Status +Lines +Total'
while read -r onum total; do
	e2e_wait v "^ $onum .* $(rk_euros "$total")\$"
done <totals.txt
e2e_assert_absent v "$NAME"
rk_ok "detail: the stub without personal data, the held orders with their totals"

# --- creating the person again is flagged -------------------------------------------------
e2e_keys v Escape
e2e_wait v 'Search:'
e2e_keys v F2
e2e_wait v 'New customer'
e2e_keys v Tab
e2e_type v "$NAME"
e2e_keys v Tab
e2e_type v "$MAIL"
e2e_keys v Enter
e2e_wait v 'This person was erased on request earlier'
e2e_assert_present v '(matching e-mail, phone or identity code).' 'Create anyway?'
e2e_keys v n
e2e_wait v 'Not created'
[[ $(rk_sql_value "SELECT count(*) FROM customers WHERE email='$MAIL';") == 0 ]] ||
	e2e_fail "'n' created the customer"
e2e_keys v Enter
e2e_wait v 'This person was erased on request earlier'
e2e_keys v y
e2e_wait v 'Customer added'
e2e_wait v '1 Contact +2 Billing'
e2e_assert_present v "$NAME"
[[ $(rk_sql_value "SELECT count(*) FROM customers WHERE email='$MAIL';") == 1 ]] ||
	e2e_fail "'y' did not create the customer"
[[ $(rk_sql_value "SELECT count(*) FROM audit_log WHERE action='customer.suppressed';") -ge 2 ]] ||
	e2e_fail "the suppression flag is not in the audit trail"
rk_sql "SELECT group_concat(fields || target, '') FROM audit_log;" | grep -qF "$MAIL" &&
	e2e_fail "the audit trail holds the e-mail address"
rk_ok "re-creating the person: flagged, n creates nothing, y creates; audited without the value"
e2e_keys v F10
[[ "$(e2e_exit_status v)" == 0 ]] || e2e_fail "F10 did not quit cleanly"
e2e_pass "erasure through the wizard"
