#!/usr/bin/env bash
# test_products.sh - the product catalogue on screen and on the command
# line, on the demo register at 80x24.
#
# Checks:
# - the supervisor adds a product with F2: a price written 1.083,91 is
#   refused naming the field and nothing is stored; 1083,91 is stored as
#   108391 cents and shown as "1 083,91 €" with VAT "25,5 %";
# - F8 takes it off sale after y/n: it stays in the catalogue, marked
#   inactive, and `order add` refuses it naming the product;
# - sales sees the catalogue without the keys that change it, and
#   `product add` as sales is refused;
# - `product add` refuses a VAT rate that is not configured, naming it;
# - `order add` prints the net, VAT and gross this test computes from the
#   catalogue, and a later `product set` leaves the order's price as sold;
# - every change is in the audit trail with the code and no values.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

NB=$'\u00a0'
rk_demo_setup
rk_demo_keyfile shop sales 'now - 30 seconds'
rk_demo_keyfile dpo supervisor

# new_product PRICE - F2, the test product at PRICE, Enter
new_product() {
	e2e_keys v F2
	e2e_wait v 'A new product for the catalogue'
	e2e_type v 'testi-1'
	e2e_keys v Tab
	e2e_type v 'Testituote'
	e2e_keys v Tab Tab
	e2e_type v "$1"
	e2e_keys v Enter
}

rk_demo_login v supervisor
rk_menu v Products
e2e_wait v 'Search:'
e2e_wait v 'F2 Add'
new_product '1.083,91'
e2e_wait v '^Unit price: '
[[ $(rk_sql "SELECT count(*) FROM products WHERE code='TESTI-1';") == 0 ]] ||
	e2e_fail "a refused product was stored"
e2e_keys v Escape
e2e_wait v 'Search:'
new_product '1083,91'
e2e_wait v 'Product added'
e2e_keys v C-u
e2e_type v 'TESTI'
e2e_wait v "^ TESTI-1 +Testituote +kpl +1${NB}083,91${NB}€ +25,5${NB}%"
[[ $(rk_sql "SELECT unit_price_cents || ' ' || vat_rate_bp || ' ' || active FROM products
	WHERE code='TESTI-1';") == '108391 2550 1' ]] || e2e_fail "stored wrong"
e2e_keys v F8
e2e_wait v 'Take TESTI-1 off sale\?'
e2e_keys v y
e2e_wait v "^ TESTI-1 .* inactive"
[[ $(rk_sql "SELECT active FROM products WHERE code='TESTI-1';") == 0 ]] ||
	e2e_fail "not deactivated"

C_NO=$(rk_sql "SELECT number FROM customers WHERE restricted=0 ORDER BY id LIMIT 1;")
if "$R" order add --customer "$C_NO" --line TESTI-1:1 --db r.db --keyfile shop.key \
	>o.out 2>o.err; then e2e_fail "an inactive product was ordered"; fi
grep -q 'Line 1 (TESTI-1): product TESTI-1 is no longer sold' o.err ||
	e2e_fail "refusal: $(cat o.err)"
if "$R" product add --code X2 --name X --unit kpl --price 1 --vat 14 --db r.db \
	--keyfile shop.key >p.out 2>p.err; then e2e_fail "sales changed the catalogue"; fi
grep -q 'may not change the product catalogue' p.err || e2e_fail "refusal: $(cat p.err)"

# the command line takes an order from the catalogue; a later price
# change leaves it as sold
read -r PA PRICE BP < <(rk_sql "SELECT code, unit_price_cents, vat_rate_bp FROM products
	WHERE active=1 AND vat_rate_bp=2550 ORDER BY code LIMIT 1;" | tr '|' ' ')
"$R" order add --customer "$C_NO" --line "$PA:3" --db r.db --keyfile shop.key >a.out 2>&1 ||
	e2e_fail "order add: $(cat a.out)"
NET=$((3 * PRICE))
VAT=$(((NET * BP + 5000) / 10000))
grep -qE "^Net +$(rk_euros $NET)\$" a.out || e2e_fail "net: $(cat a.out)"
grep -qE "^VAT 25,5$NB% +$(rk_euros $VAT)\$" a.out || e2e_fail "VAT: $(cat a.out)"
grep -qE "^Total with VAT +$(rk_euros $((NET + VAT)))\$" a.out || e2e_fail "gross: $(cat a.out)"
ONO=$(grep -oE 'O[0-9]{4}-[0-9]{6}' a.out)
"$R" product set "$PA" --price 9999 --db r.db --keyfile dpo.key >s.out 2>&1 ||
	e2e_fail "product set: $(cat s.out)"
"$R" order show "$ONO" --db r.db --keyfile shop.key >show.out 2>&1 || e2e_fail "order show"
grep -qE "^$PA .* $(rk_euros $PRICE) *\$" show.out || e2e_fail "the price changed: $(cat show.out)"

rk_demo_login s sales
rk_menu s Products
e2e_wait s 'Search:'
e2e_assert_absent s 'F2 Add' 'F8 Off sale'

n=$(rk_sql "SELECT count(*) FROM audit_log WHERE target='TESTI-1' AND action IN
	('product.add','product.deactivate') AND fields NOT LIKE '%1083%';")
[[ "$n" == 2 ]] || e2e_fail "$n product audit rows"
e2e_pass "catalogue: added, refused bad input, deactivated; sales reads only"
