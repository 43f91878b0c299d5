#!/bin/bash
# test_order_cli.sh - orders on the command line: a quantity the orders
# refuse is refused with a message that says what is accepted, in each
# language (the orders' own rule, rk_order_quantity_check, as the order
# form and the import use it).
#
# Checks, on a demo register with the supervisor's key file:
# - a quantity of 0, -1, x or ten digits: exit 2 and "from 1 to 999999999"
#   in English, Finnish and Swedish, never "0 or more"; 1 is taken. An
#   import row with a quantity of 0 is an error row saying the same, and
#   the import saves no line of 0.
source "$(dirname "$0")/cli_lib.sh"
export LANGUAGE=en
cli_demo r.db 40 || { bad "demo register: $(tail -3 demo.out)"; cli_done; exit 1; }
U=(--db r.db --keyfile dpo.key)

IFS='|' read -r P PNAME PRICE BP < <(sql_with_key "$KEY" "SELECT code, name, unit_price_cents,
        vat_rate_bp FROM products WHERE active=1 AND vat_rate_bp=2550 ORDER BY code LIMIT 1;")
IFS='|' read -r CID C CNAME CMAIL CPHONE < <(sql_with_key "$KEY" "SELECT id, number, name,
        ifnull(email, '-'), ifnull(phone, '-') FROM customers WHERE restricted=0
        AND anonymised_at IS NULL AND merged_into IS NULL ORDER BY id LIMIT 1;")
[[ -n "$P" && "$PRICE" =~ ^[0-9]+$ && "$C" =~ ^C[0-9]{6}$ ]] ||
        { bad "fixture: product '$P' '$PRICE', customer '$C'"; cli_done; exit 1; }
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
