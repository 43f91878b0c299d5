#!/usr/bin/env bash
# test_daily_work.sh - the daily work of sales and the warehouse on screen,
# at 80x24 in tmux, on the demo register (whose catalogue the demo made).
#
# Sales checks:
# - logged in as sales, the customer found by number, its Orders tab, F2
#   opens the order form; three products from the catalogue are picked by
#   name and by code as you type, with quantities;
# - the form's net total, VAT per rate and gross total equal what this
#   test computes itself from the catalogue read with the independent
#   sqlcipher CLI (VAT per rate, rounded half up to the cent), amounts
#   written "1 083,91 €" with no-break spaces;
# - after F2 the order is stored once with three lines that copy the
#   catalogue's codes, prices and VAT rates, status open;
# - a bad quantity is refused naming the field and adds no line;
# - F5 on the open order changes a line's quantity; the line keeps the
#   price it was sold at; a colleague's change in between makes the save
#   ask, as the customer form does: n keeps the edits and saves nothing, y
#   reloads the lines saved now;
# - sales confirms the order from its detail (F4 offers only the moves
#   the flow table gives sales);
# - on the Contacts tab F2 adds a contact person: a bad e-mail is refused
#   naming the field and nothing is stored, then the person is stored and
#   audited; F4 changes the title; F8 removes another after n, then y; the
#   customer list finds the company by the new name;
# - every step is in the audit trail under the sales user with its screen.
#
# Warehouse checks:
# - logged in as the warehouse, the picking queue lists the order with its
#   lines and quantities and the customer only as its number; F4 marks it
#   picked, F4 again shipped; F6 writes the picking list, read back here,
#   and a second F6 to the same file is refused;
# - no personal value of the customer (name, e-mail, phone, addresses,
#   business id, invoicing details, contact persons) appears on any
#   warehouse screen or in the file. The values are read from the
#   database first and the grep is proved to work: the sales order form
#   showed the customer's name and address, and it finds them there;
# - each step is in the audit trail with the warehouse user.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

NB=$'\u00a0'

rk_demo_setup
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
# a company customer that is not restricted, and no order of its own today
C_NO=$(rk_sql "SELECT number FROM customers WHERE kind='company' AND restricted=0
	ORDER BY id LIMIT 1 OFFSET 3;")
[[ "$C_NO" =~ ^C[0-9]{6}$ ]] || e2e_fail "no company customer: $C_NO"
# three active products, one at each of three VAT rates
# (the first is found by its name, which no other active product holds)
read -r P1 Q1 < <(rk_sql "SELECT code, 3 FROM products p WHERE active=1 AND vat_rate_bp=2550
	AND (SELECT count(*) FROM products q WHERE q.active=1 AND (q.name LIKE '%' || p.name || '%'
	OR q.code LIKE p.name || '%'))=1 ORDER BY code LIMIT 1;" | tr '|' ' ')
read -r P2 Q2 < <(rk_sql "SELECT code, 7 FROM products WHERE active=1 AND vat_rate_bp=1400
	ORDER BY code LIMIT 1;" | tr '|' ' ')
read -r P3 Q3 < <(rk_sql "SELECT code, 12 FROM products WHERE active=1 AND vat_rate_bp=1000
	ORDER BY code LIMIT 1;" | tr '|' ' ')
N1=$(rk_sql "SELECT name FROM products WHERE code='$P1';")
[[ -n "$P1" && -n "$P2" && -n "$P3" && -n "$N1" ]] || e2e_fail "catalogue lacks products"

# the expected totals, computed here from the catalogue
NET=0
VATS=()
for pq in "$P1:$Q1" "$P2:$Q2" "$P3:$Q3"; do
	read -r price bp < <(rk_sql "SELECT unit_price_cents, vat_rate_bp FROM products
		WHERE code='${pq%%:*}';" | tr '|' ' ')
	net=$((price * ${pq##*:}))
	NET=$((NET + net))
	VATS+=("$bp:$(((net * bp + 5000) / 10000))")
done
VAT=0
for v in "${VATS[@]}"; do VAT=$((VAT + ${v##*:})); done
GROSS=$((NET + VAT))

rk_demo_login s sales
rk_menu s Customers
e2e_wait s 'Search:'
e2e_type s "$C_NO"
e2e_wait s "$C_NO "
e2e_keys s Enter
e2e_wait s "$(rk_tab_cue Contact)"
rk_press_until s Right "$(rk_tab_cue Orders)|Nothing recorded under Orders"
e2e_wait s 'F2 New order'
e2e_keys s F2
e2e_wait s "New order for $C_NO"

# the first product by its name, the others by code
e2e_type s "$N1"
e2e_wait s "^ +$P1 +"
e2e_keys s Enter
e2e_wait s "Product: $P1"
e2e_keys s C-u
e2e_type s "0"
e2e_keys s Enter
e2e_wait s 'Quantity: write a whole number from 1 to 999999999'
e2e_keys s C-u
e2e_type s "$Q1"
e2e_keys s Enter
e2e_wait s "^ $P1 .* $Q1 "
for pq in "$P2:$Q2" "$P3:$Q3"; do
	e2e_type s "${pq%%:*}"
	e2e_wait s "^ +${pq%%:*} "
	e2e_keys s Enter
	e2e_wait s "Product: ${pq%%:*}"
	e2e_keys s C-u
	e2e_type s "${pq##*:}"
	e2e_keys s Enter
	e2e_wait s "^ ${pq%%:*} .* ${pq##*:} "
done
e2e_wait s "Net +$(rk_euros $NET)\$"
for v in "${VATS[@]}"; do
	bp=${v%%:*}
	if ((bp % 100 == 0)); then rate="$((bp / 100))"; else rate="$((bp / 100)),$(((bp % 100) / 10))"; fi
	e2e_wait s "VAT $rate$NB% +$(rk_euros "${v##*:}")\$"
done
e2e_wait s "Total with VAT +$(rk_euros $GROSS)\$"
e2e_screen s >order_form.txt
e2e_keys s F2
e2e_wait s 'Order taken'

ONO=$(rk_sql "SELECT o.number FROM orders o JOIN customers c ON c.id=o.customer_id
	WHERE c.number='$C_NO' ORDER BY o.id DESC LIMIT 1;")
[[ "$ONO" =~ ^O[0-9]{4}-[0-9]{6}$ ]] || e2e_fail "no order stored: $ONO"
got=$(rk_sql "SELECT group_concat(l.product_code || ':' || l.quantity || ':' ||
	(l.unit_price_cents = p.unit_price_cents) || ':' || (l.vat_rate_bp = p.vat_rate_bp), ' ')
	FROM order_lines l JOIN products p ON p.code=l.product_code
	WHERE l.order_id=(SELECT id FROM orders WHERE number='$ONO');")
[[ "$got" == "$P1:$Q1:1:1 $P2:$Q2:1:1 $P3:$Q3:1:1" ]] || e2e_fail "stored lines: $got"
[[ $(rk_sql "SELECT status FROM orders WHERE number='$ONO';") == open ]] ||
	e2e_fail "the new order is not open"
e2e_wait s "$ONO +[0-9-]+ +open +3 +$(rk_euros $NET)"
echo "$ONO" >order_number.txt
echo "order $ONO taken: net $NET vat $VAT gross $GROSS"

# the audit trail: the view, the new order
SUBJ=$(rk_sql "SELECT id FROM customers WHERE number='$C_NO';")
for a in customer.view order.create; do
	n=$(rk_sql "SELECT count(*) FROM audit_log a JOIN users u ON u.username=a.user
		JOIN user_roles r ON r.user_id=u.id AND r.role='sales'
		WHERE a.action='$a' AND a.subject=$SUBJ;")
	((n >= 1)) || e2e_fail "no $a in the audit trail"
done
n=$(rk_sql "SELECT count(*) FROM audit_log WHERE action='order.create' AND subject=$SUBJ
	AND screen='order form';")
[[ "$n" == 1 ]] || e2e_fail "order.create audited $n times from the order form"


# sales changes a line while the order is open: F5, the first line back
# into the fields, a new quantity; the price stays as sold. Meanwhile a
# colleague moves the order to confirmed and back: the save is refused as
# the customer form refuses one (n keeps the edits, y reloads), and the
# edit made again on the reloaded order is saved.
e2e_keys s Enter
e2e_wait s "Order $ONO"
e2e_keys s F5
e2e_wait s "Order $ONO for $C_NO"
rk_demo_keyfile col sales
for st in confirmed open; do
	"$R" order status "$ONO" --status $st --db r.db --keyfile col.key >col.out 2>&1 ||
		e2e_fail "the colleague's move: $(cat col.out)"
done
OLD_Q1=$Q1
Q1=$((Q1 + 2))
edit_first_line() {
	e2e_keys s Tab Tab Tab Home Enter
	e2e_wait s "Product: $P1"
	e2e_keys s C-u
	e2e_type s "$Q1"
	e2e_keys s Enter
	e2e_wait s "^ $P1 .* $Q1 "
}
edit_first_line
e2e_keys s F2
e2e_wait s 'Changed by someone else since you opened it'
e2e_keys s n
e2e_wait s 'Not saved. Your lines are still here'
e2e_wait s "^ $P1 .* $Q1 "
[[ $(rk_sql "SELECT quantity FROM order_lines WHERE product_code='$P1' AND order_id=(SELECT id
	FROM orders WHERE number='$ONO');") == "$OLD_Q1" ]] || e2e_fail "a stale save changed the order"
e2e_keys s F2
e2e_wait s 'Changed by someone else since you opened it'
e2e_keys s y
e2e_wait s 'Reloaded: the form shows the lines saved now'
e2e_wait s "^ $P1 .* $OLD_Q1 "
edit_first_line
e2e_keys s F2
e2e_wait s 'Order saved'
e2e_wait s "Order $ONO"
got=$(rk_sql "SELECT l.quantity || ':' || (l.unit_price_cents = p.unit_price_cents)
	FROM order_lines l JOIN products p ON p.code=l.product_code
	WHERE l.product_code='$P1' AND l.order_id=(SELECT id FROM orders WHERE number='$ONO');")
[[ "$got" == "$Q1:1" ]] || e2e_fail "the edited line: $got"
[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='order.lines' AND subject=$SUBJ;") == 1 ]] ||
	e2e_fail "order.lines not audited"

# sales confirms it: the order's detail offers the sales moves only
e2e_keys s F4
e2e_wait s "New status for $ONO"
e2e_wait s '^ +confirmed'
e2e_assert_absent s '^ +picked *$'
e2e_keys s Enter
e2e_wait s 'Status changed'
e2e_wait s "Status confirmed"
[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='order.status' AND subject=$SUBJ
	AND screen='order detail';") == 1 ]] || e2e_fail "the confirmation is not audited"
e2e_keys s Escape

# a contact person on the Contacts tab: a bad e-mail is refused naming
# the field, then the person is added, stored, audited and findable
e2e_wait s "$(rk_tab_cue Orders)"
rk_press_until s Right '^ Contact person +Title +E-mail|Nothing recorded under Contacts'
e2e_keys s F2
e2e_wait s "New contact person of $C_NO"
CP_NAME='Kaisu Yhteyshenkilö'
e2e_type s "$CP_NAME"
e2e_keys s Tab
e2e_type s 'Ostopäällikkö'
e2e_keys s Tab
e2e_type s 'kaisu.at.example.fi'
e2e_keys s Enter
e2e_wait s '^Contact e-mail: '
[[ $(rk_sql "SELECT count(*) FROM contact_persons WHERE name='$CP_NAME';") == 0 ]] ||
	e2e_fail "a refused contact person was stored"
e2e_keys s C-u
e2e_type s 'kaisu@yhteys.example.fi'
e2e_keys s Tab
e2e_type s '040 765 4321'
e2e_keys s Enter
e2e_wait s 'Contact person added'
e2e_wait s "^ $CP_NAME +Ostopäällikkö +kaisu@yhteys.example.fi +\+358407654321"
[[ $(rk_sql "SELECT count(*) FROM contact_persons p JOIN customers c ON c.id=p.customer_id
	WHERE c.number='$C_NO' AND p.name='$CP_NAME' AND p.phone='+358407654321';") == 1 ]] ||
	e2e_fail "the contact person is not stored"
[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='contact.add' AND subject=$SUBJ
	AND screen='contact person';") == 1 ]] || e2e_fail "contact.add not audited"
# F4 edits the selected contact person: the new one, moved to (contact
# persons are listed by name, in the language's order)
e2e_keys s Home
k=$(e2e_screen s | awk -v n=" $CP_NAME " '/^ Contact person +Title/ { h = NR }
	h && index($0, n) == 1 { print NR - h - 1; exit }')
[[ $k =~ ^[0-9]+$ ]] || e2e_fail "the new contact person is not listed"
for ((i = 0; i < k; i++)); do e2e_keys s Down; done
e2e_keys s F4
e2e_wait s "Edit contact person of $C_NO"
e2e_keys s Tab C-u
e2e_type s 'Hankintajohtaja'
e2e_keys s Enter
e2e_wait s '^Saved'
e2e_wait s "^ $CP_NAME +Hankintajohta"
# Enter shows the selected contact person whole, every column uncut
e2e_keys s Enter
e2e_wait s "^  $CP_NAME\$"
e2e_wait s '^  E-mail: kaisu@yhteys\.example\.fi$'
e2e_wait s '^  Phone: \+358407654321$'
e2e_keys s Escape
e2e_wait s "^ $CP_NAME +Hankintajohta"
# F8 removes one after y/n: a second person, added to be removed
e2e_keys s F2
e2e_wait s "New contact person of $C_NO"
e2e_type s 'Poistuva Testaaja'
e2e_keys s Enter
e2e_wait s 'Contact person added'
e2e_keys s End F8
e2e_wait s 'Remove the contact person Poistuva Testaaja\?'
e2e_keys s n
e2e_wait s '^ Poistuva Testaaja'
e2e_keys s F8
e2e_wait s 'Remove the contact person Poistuva Testaaja\?'
e2e_keys s y
e2e_wait s 'Contact person removed'
e2e_assert_absent s 'Poistuva Testaaja'
[[ $(rk_sql "SELECT count(*) FROM contact_persons WHERE name='Poistuva Testaaja';") == 0 ]] ||
	e2e_fail "the removed contact person is still stored"
for a in contact.update contact.delete; do
	[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='$a' AND subject=$SUBJ;") == 1 ]] ||
		e2e_fail "$a not audited"
done
# findable: the customer list finds the company by its contact person
e2e_keys s Escape
e2e_wait s 'Search:'
rk_search s 'Zqxwvyhteys'
e2e_wait s 'No customer matches'
rk_search s 'Yhteyshenkilö'
e2e_wait s "$C_NO "
e2e_keys s Escape
rk_wait_home s

# --- the warehouse ---------------------------------------------------------
# every personal value of the customer, from the database
q() { echo "SELECT $1 FROM customers WHERE number='$C_NO' AND $1 IS NOT NULL;"; }
p() {
	echo "SELECT p.$1 FROM contact_persons p JOIN customers c ON c.id=p.customer_id
		WHERE c.number='$C_NO' AND p.$1 IS NOT NULL;"
}
rk_sql "$(q name) $(q email) $(q phone) $(q street) $(q city) $(q delivery_street)
	$(q billing_street) $(q business_id) $(q invoice_email) $(q bank_reference)
	$(p name) $(p email) $(p phone)" | grep -v '^$' >personal.txt
(($(wc -l <personal.txt) >= 6)) || e2e_fail "too few personal values: $(wc -l <personal.txt)"
# the grep works: the sales order form showed the name and the address
[[ $(grep -o -w -F -f personal.txt order_form.txt | wc -l) -ge 2 ]] ||
	e2e_fail "the personal values are not found where sales saw them"

rk_demo_login w warehouse
rk_menu w 'Picking queue'
e2e_wait w 'To pick and ship:'
rk_press_until w Down "Lines of $ONO" 60
e2e_wait w "$ONO +[0-9-]+ +confirmed +$C_NO +3"
for pq in "$P1:$Q1" "$P2:$Q2" "$P3:$Q3"; do
	e2e_wait w "^ ${pq%%:*} .* ${pq##*:} "
done
rk_snap w warehouse
e2e_keys w F4
e2e_wait w "Mark $ONO as picked\\?"
rk_snap w warehouse
e2e_keys w y
e2e_wait w "$ONO is now picked"
e2e_wait w "$ONO +[0-9-]+ +picked +$C_NO"
rk_snap w warehouse
e2e_keys w F6
e2e_wait w "File: picking-$ONO.txt"
rk_snap w warehouse
e2e_keys w Enter
e2e_wait w "Picking list written to picking-$ONO.txt"
rk_snap w warehouse
PL=picking-$ONO.txt
[[ -f "$PL" && $(stat -c %a "$PL") == 600 ]] || e2e_fail "no picking list of mode 0600"
for pq in "$P1:$Q1" "$P2:$Q2" "$P3:$Q3"; do
	grep -qE "^${pq%%:*} .* ${pq##*:}  " "$PL" || e2e_fail "${pq%%:*} not on the picking list"
done
grep -q "Customer     $C_NO" "$PL" || e2e_fail "the list lacks the customer number"
rk_assert_none "$PL" personal.txt "the picking list"
# the same file is never overwritten
e2e_keys w F6
e2e_wait w "File: picking-$ONO.txt"
e2e_keys w Enter
e2e_wait w 'exists'
e2e_keys w Escape
e2e_keys w F4
e2e_wait w "Mark $ONO as shipped\\?"
e2e_keys w y
e2e_wait w "$ONO is now shipped"
rk_snap w warehouse
e2e_assert_absent w "^ $ONO "
rk_assert_none caps/warehouse.txt personal.txt "the warehouse's screens"
[[ $(rk_sql "SELECT status FROM orders WHERE number='$ONO';") == shipped ]] ||
	e2e_fail "the order is not shipped"
WH=$(grep '^warehouse ' r.db.users | cut -d' ' -f2)
[[ -n "$WH" ]] || e2e_fail "no warehouse account"
for a in order.queue order.view order.status order.picking_list; do
	n=$(rk_sql "SELECT count(*) FROM audit_log WHERE action='$a' AND user='$WH';")
	((n >= 1)) || e2e_fail "no $a by the warehouse in the audit trail"
done
[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='order.status' AND user='$WH'
	AND subject=$SUBJ;") == 2 ]] || e2e_fail "the two warehouse moves are not audited"

e2e_pass "sales took and confirmed $ONO (totals and VAT match); the warehouse picked and shipped it"
