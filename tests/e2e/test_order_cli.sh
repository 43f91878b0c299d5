#!/bin/bash
# test_order_cli.sh - orders on the command line: `rekisteri order show`
# gives each role what the policy grants it of one order, and nothing else
# (policy.c): billing reads the order amounts alone, the warehouse the
# order lines alone, sales both; a role with neither is refused (deny by
# default). And a quantity the orders refuse is refused with a message
# that says what is accepted, in each language.
#
# Checks, on a demo register, one order of three units of a product taken
# by the supervisor's key file, then shown with a key file per role:
# - billing: exit 0; the order and customer numbers, the line's unit price,
#   the net, VAT and gross totals this test computes from the register;
#   no product code or name, no quantity, no date or status, none of the
#   customer's name, e-mail or phone;
# - the warehouse: the product code, name and quantity; no amount, no
#   total, no euro sign;
# - sales: the lines with their prices and the totals;
# - the retention job's key file (no field group): refused, exit 1;
# - each view is in the audit trail with the field groups that role read:
#   order_amounts for billing, orders for the warehouse, both for sales;
# - a quantity of 0, -1, x or ten digits: exit 2 and "from 1 to 999999999"
#   in English, Finnish and Swedish, never "0 or more"; 1 is taken. An
#   import row with a quantity of 0 is an error row saying the same, and
#   the import saves no line of 0.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/money_lib.sh"
export LANGUAGE=en
NB=$'\u00a0'
cli_demo r.db 40 || { bad "demo register: $(tail -3 demo.out)"; cli_done; exit 1; }
U=(--db r.db --keyfile dpo.key)
for kr in bil:billing var:warehouse myy:sales; do
        "$R" key add-file "${U[@]}" --label "${kr%%:*}" --roles "${kr#*:}" \
                --out "${kr%%:*}.key" > key.out 2>&1 || bad "key file ${kr#*:}: $(cat key.out)"
done

IFS='|' read -r P PNAME PRICE BP < <(sql_with_key "$KEY" "SELECT code, name, unit_price_cents,
        vat_rate_bp FROM products WHERE active=1 AND vat_rate_bp=2550 ORDER BY code LIMIT 1;")
IFS='|' read -r CID C CNAME CMAIL CPHONE < <(sql_with_key "$KEY" "SELECT id, number, name,
        ifnull(email, '-'), ifnull(phone, '-') FROM customers WHERE restricted=0
        AND anonymised_at IS NULL AND merged_into IS NULL ORDER BY id LIMIT 1;")
[[ -n "$P" && "$PRICE" =~ ^[0-9]+$ && "$C" =~ ^C[0-9]{6}$ ]] ||
        { bad "fixture: product '$P' '$PRICE', customer '$C' ($CID)"; cli_done; exit 1; }
"$R" order add --customer "$C" --line "$P:3" "${U[@]}" > add.out 2>&1 || bad "order add: $(cat add.out)"
ONO=$(grep -oE 'O[0-9]{4}-[0-9]{6}' add.out | head -1)
NET=$((3 * PRICE))
VAT=$(((NET * BP + 5000) / 10000))

# show ROLE-KEY - `order show ONO` with that key file into ROLE.out
show() {
        "$R" order show "$ONO" --db r.db --keyfile "$1.key" > "$1.out" 2> "$1.err"
}
# has FILE REGEX WHAT / hasnt FILE FIXED WHAT
has() { grep -qE -- "$2" "$1" && ok "$3" || bad "$3: $(cat "$1" "${1%.out}.err")"; }
hasnt() { grep -qF -- "$2" "$1" && bad "$3: $(cat "$1")" || ok "$3"; }

# --- billing: the amounts, nothing else ---------------------------------------
show bil && ok "billing may show the order" || bad "billing refused: $(cat bil.err)"
has bil.out "^Order $ONO  customer $C\$" "billing: the order and customer numbers, no date or status"
has bil.out "^Line 1 +$(rk_euros "$PRICE") \$" "billing: the line's unit price"
has bil.out "^Net +$(rk_euros $NET)\$" "billing: the net total"
has bil.out "^VAT 25,5$NB% +$(rk_euros $VAT)\$" "billing: the VAT"
has bil.out "^Total with VAT +$(rk_euros $((NET + VAT)))\$" "billing: the gross total"
for v in "$P" "$PNAME" "$CNAME" "$CMAIL" "$CPHONE" " 3 " open "$(date +%Y-%m-%d)"; do
        [ "$v" = "-" ] && continue
        hasnt bil.out "$v" "billing sees no '$v' (product, quantity, status, date, contact)"
done

# --- the warehouse: the lines, no amount ----------------------------------------
show var && ok "the warehouse may show the order" || bad "warehouse refused: $(cat var.err)"
has var.out "^$P +.* 3 " "warehouse: the product and the quantity"
hasnt var.out "€" "warehouse: no amount"
hasnt var.out "Total" "warehouse: no total"

# --- sales: both ------------------------------------------------------------------
show myy && ok "sales may show the order" || bad "sales refused: $(cat myy.err)"
has myy.out "^$P +.* 3 +.*$(rk_euros "$PRICE") \$" "sales: the line with its price"
has myy.out "^Total with VAT +$(rk_euros $((NET + VAT)))\$" "sales: the gross total"

# --- a role with no field group: refused ----------------------------------------
"$R" order show "$ONO" --db r.db --keyfile ret.key > ret.out 2> ret.err
st=$?
[ "$st" = 1 ] && grep -q "may not read orders" ret.err &&
        ok "the retention job's key file is refused (deny by default)" ||
        bad "retention key: exit $st: $(cat ret.out ret.err)"

# --- the trail: what each role read ---------------------------------------------
views=$(sql_with_key "$KEY" "SELECT user || ' ' || groups FROM audit_log WHERE
        action='order.view' AND subject=$CID AND user IN ('keyfile:bil', 'keyfile:var',
        'keyfile:myy') ORDER BY id;")
[ "$views" = "keyfile:bil order_amounts
keyfile:var orders
keyfile:myy orders,order_amounts" ] && ok "each view is audited with the groups that role read" ||
        bad "audit rows: $views"

# --- the quantity: what is accepted, said in each language ----------------------
declare -A accepted=([en]="Quantity: write a whole number from 1 to 999999999, digits only"
        [fi]="Määrä: kirjoita kokonaisluku väliltä 1–999999999, vain numeroita"
        [sv]="Antal: skriv ett heltal från 1 till 999999999, bara siffror")
declare -A zero=([en]="0 or more" [fi]="0 tai suurempi" [sv]="0 eller större")
for lang in en fi sv; do
        for q in 0 -1 x 1000000000; do
                LANGUAGE=$lang LC_ALL=C.UTF-8 "$R" order add --customer "$C" --line "$P:$q" "${U[@]}" \
                        > q.out 2> q.err
                st=$?
                if [ "$st" = 2 ] && grep -qF -- "--line 1: ${accepted[$lang]}" q.err &&
                        ! grep -qF "${zero[$lang]}" q.err; then
                        ok "$lang: quantity '$q' refused, saying what is accepted"
                else
                        bad "$lang: quantity '$q': exit $st: $(cat q.err)"
                fi
        done
done
"$R" order add --customer "$C" --line "$P:1" "${U[@]}" > one.out 2>&1 &&
        ok "a quantity of 1 is taken" || bad "quantity 1: $(cat one.out)"
lines0=$(sql_with_key "$KEY" "SELECT count(*) FROM order_lines WHERE quantity < 1;")
printf 'nimi;tilausnumero;tilauspäivä;tuotekoodi;määrä\nKalle Koe;T-1;2026-01-05;%s;0\n' \
        "$P" > q.csv
"$R" import customers q.csv "${U[@]}" > imp.out 2>&1
grep -qF "${accepted[en]}" imp.out && ! grep -qF "0 or more" imp.out &&
        ok "an import row with a quantity of 0 is refused with the same rule" ||
        bad "import of quantity 0: $(cat imp.out)"
"$R" import customers q.csv --yes "${U[@]}" > imp2.out 2>&1
[ "$(sql_with_key "$KEY" "SELECT count(*) FROM order_lines WHERE quantity < 1;")" = "$lines0" ] &&
        ok "and no line of 0 was saved" || bad "a line of 0 was saved: $(cat imp2.out)"
cli_done
