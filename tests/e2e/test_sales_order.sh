#!/usr/bin/env bash
# test_sales_order.sh - sales takes an order on screen, at 80x24 in tmux,
# on the demo register (whose catalogue the demo generated).
#
# Checks:
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
# - the contact person added on the Contacts tab is stored, and every
#   step is in the audit trail under the sales user with its screen.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

NB=$'\u00a0'
# euros CENTS - the amount as the program must show it
euros() {
	local c=$1 e s="" g
	e=$((c / 100))
	while ((e >= 1000)); do
		printf -v g '%03d' $((e % 1000))
		s="$NB$g$s"
		e=$((e / 1000))
	done
	printf '%d%s,%02d%s€' "$e" "$s" $((c % 100)) "$NB"
}

rk_demo_setup
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
for ((i = 0; i < 6; i++)); do
	e2e_screen s | grep -qE "$(rk_tab_cue Orders)|Nothing recorded under Orders" && break
	e2e_keys s Right
	sleep 0.2
done
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
e2e_wait s 'Quantity: order at least 1'
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
e2e_wait s "Net +$(euros $NET)\$"
for v in "${VATS[@]}"; do
	bp=${v%%:*}
	if ((bp % 100 == 0)); then rate="$((bp / 100))"; else rate="$((bp / 100)),$(((bp % 100) / 10))"; fi
	e2e_wait s "VAT $rate$NB% +$(euros "${v##*:}")\$"
done
e2e_wait s "Total with VAT +$(euros $GROSS)\$"
e2e_screen s >order_form.txt
if [[ -n "${RK_SHOTS:-}" ]]; then e2e_shoot s "$RK_SHOTS/order-form"; fi
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
e2e_wait s "$ONO +[0-9-]+ +open +3 +$(euros $NET)"
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

e2e_pass "sales took $ONO with three catalogue lines; totals and VAT match"
