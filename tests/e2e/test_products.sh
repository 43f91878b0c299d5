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
# - every change is in the audit trail with the code and no values.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

NB=$'\u00a0'
rk_demo_setup
rk_demo_keyfile shop sales

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

rk_demo_login s sales
rk_menu s Products
e2e_wait s 'Search:'
e2e_assert_absent s 'F2 Add' 'F8 Off sale'

n=$(rk_sql "SELECT count(*) FROM audit_log WHERE target='TESTI-1' AND action IN
	('product.add','product.deactivate') AND fields NOT LIKE '%1083%';")
[[ "$n" == 2 ]] || e2e_fail "$n product audit rows"
e2e_pass "catalogue: added, refused bad input, deactivated; sales reads only"
