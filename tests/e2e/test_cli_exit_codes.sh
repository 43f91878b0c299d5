#!/bin/bash
# test_cli_exit_codes.sh - the exit status says whose fault a failure is,
# as rekisteri(1) EXIT STATUS documents it: 2 when the command line is
# wrong, whichever part of the program finds it (the option parser, or a
# rule of the core such as a date, a customer number, an order line's
# quantity, a product's VAT rate, a request's purpose, a role), 1 when the
# operation failed (no such customer, a refused login, an order that
# cannot take that status now).
#
# Checks, on a demo register with the supervisor's key file:
# - a table of wrong values across the commands: each exits 2, names the
#   option (or the argument, as the usage names it) and gives the --help
#   hint;
# - a wrong value is refused before any unlocking: with a wrong password
#   on stdin the answer is about the value, never "login failed";
# - values that are well formed but name nothing in the register, and
#   operations the register refuses, still exit 1;
# - each usage refusal changed nothing: no audit row was written by it.
source "$(dirname "$0")/cli_lib.sh"
export LANGUAGE=en
cli_demo r.db 60 || { bad "demo register: $(tail -3 demo.out)"; cli_done; exit 1; }
U=(--db r.db --keyfile dpo.key)
P=$(sql_with_key "$KEY" "SELECT code FROM products WHERE active=1 ORDER BY code LIMIT 1;")
read -r C1 C2 < <(sql_with_key "$KEY" "SELECT number FROM customers WHERE kind='person'
        AND hetu IS NULL AND restricted=0 AND anonymised_at IS NULL AND merged_into IS NULL
        ORDER BY id
        LIMIT 2;" | tr '\n' ' ')
[[ "$P" =~ ^[A-Z0-9._-]+$ && "$C1" =~ ^C[0-9]{6}$ && "$C2" =~ ^C[0-9]{6}$ ]] ||
        { bad "fixture: product '$P', customers '$C1' '$C2'"; cli_done; exit 1; }
printf 'nimi;sähköposti\nKalle Koe;kalle@example.fi\n' > in.csv
rows() { sql_with_key "$KEY" "SELECT count(*) FROM audit_log;"; }

# usage NAMED ARGS... - `rekisteri ARGS...` exits 2, its message names
# NAMED and ends with the --help hint
usage() {
        local named=$1 got
        shift
        "$R" "$@" > out.txt 2> err.txt < /dev/null
        got=$?
        if [ "$got" != 2 ]; then
                bad "$*: exit $got, wanted 2: $(cat err.txt)"
        elif ! grep -qF -- "rekisteri: $named" err.txt; then
                bad "$*: the message does not name $named: $(cat err.txt)"
        elif ! grep -qF "Try 'rekisteri --help'." err.txt; then
                bad "$*: no --help hint: $(cat err.txt)"
        else
                ok "exit 2 naming $named: $*"
        fi
}

# failed WANT ARGS... - exits 1 with WANT in its message
failed() {
        local want=$1 got
        shift
        "$R" "$@" > out.txt 2> err.txt < /dev/null
        got=$?
        if [ "$got" = 1 ] && grep -qF -- "$want" err.txt; then
                ok "exit 1 ($want): $*"
        else
                bad "$*: exit $got, wanted 1 with '$want': $(cat err.txt)"
        fi
}

before=$(rows)
# --- the table: option, the command line --------------------------------------
usage "--from: From:" audit list --from 2026-13-01 "${U[@]}"
usage "--to: Until:" audit list --to yesterday "${U[@]}"
usage "--to: Until must come after From" audit list --from 2026-02-01 --to 2026-01-01 "${U[@]}"
usage "--from:" audit export --out a.csv --from 2026-02-30 "${U[@]}"
usage "--from:" audit user admin --from 1.2.2026 "${U[@]}"
usage "--subject: Customer: a customer number such as C000123" audit list --subject Virtanen "${U[@]}"
usage "NUMBER: Customer: a customer number such as C000123" audit subject 12x "${U[@]}"
usage "NUMBER: Customer:" customer show Virtanen "${U[@]}"
usage "NUMBER: Customer:" retention hold X1 --reason "a lawsuit" "${U[@]}"
usage "NUMBER: Customer:" retention release 0 "${U[@]}"
usage "OTHER: Customer:" merge "$C1" Virtanen "${U[@]}"
usage "--keep email=mine: write FIELD=other or FIELD=survivor" merge "$C1" "$C2" --keep email=mine "${U[@]}"
usage "--as-of: not a date" retention plan --as-of 2026-02-30 "${U[@]}"
usage "--customer: Customer:" order add --customer K1 --line "$P:1" "${U[@]}"
usage "--line 1: write CODE:QUANTITY" order add --customer "$C1" --line "$P" "${U[@]}"
usage "--line 2: Quantity:" order add --customer "$C1" --line "$P:1" --line "$P:x" "${U[@]}"
usage "--line 1: Quantity:" order add --customer "$C1" --line "$P:0" "${U[@]}"
usage "--line 1: Unit price:" order add --customer "$C1" --line "$P:1:1.083,91" "${U[@]}"
usage "--status: Status: choose one of" order status O2026-000001 --status lost "${U[@]}"
usage "--code: Code:" product add --code 'A B' --name N --unit kpl --price 1 --vat 14 "${U[@]}"
usage "--price: Unit price:" product add --code AB --name N --unit kpl --price 1.083,91 --vat 14 "${U[@]}"
usage "--vat: VAT rate: use one of the rates in force" product add --code AB --name N --unit kpl \
        --price 1 --vat 7 "${U[@]}"
usage "--vat: VAT rate:" product set "$P" --vat lots "${U[@]}"
usage "product set needs at least one of --name" product set "$P" "${U[@]}"
usage "--type is one of" dsr new --type complaint --subject "$C1" "${U[@]}"
usage "--purpose: Purpose: is required" dsr new --type objection --subject "$C1" "${U[@]}"
usage "--received: Received: is in the future" dsr new --type access --received 2999-01-01 \
        --subject "$C1" "${U[@]}"
usage "--received: Received: not a date" dsr new --type access --received 31.1.2026 --subject "$C1" "${U[@]}"
usage "--subject: Subject: write contact:ID" dsr new --type access --subject "$C1,contact:x" "${U[@]}"
usage "--subject: give the records" dsr new --type access "${U[@]}"
usage "--subject: Customer:" dsr add 1 --subject Virtanen "${U[@]}"
usage "--verified: Identity verification: is required" dsr verify 1 "${U[@]}"
usage "--reason: Reason for the extension: is required" dsr extend 1 "${U[@]}"
usage "--months is 1 or 2" dsr extend 1 --reason "more time" --months 3 "${U[@]}"
usage "--outcome: Outcome: is required" dsr close 1 "${U[@]}"
usage "--report-lang is en, fi or sv" dsr execute 1 --report-lang de "${U[@]}"
usage "--roles: unknown role \"wizard\"" user add bob --roles sales,wizard "${U[@]}"
usage "--roles: unknown role" key add-file --label x --out x.key --roles wizard "${U[@]}"
usage "--confirm takes row numbers" import customers in.csv --confirm 1 --reason r "${U[@]}"
usage "--save-map: a mapping's name is 1 to 40" import customers in.csv --save-map "two words" "${U[@]}"
usage "--limit: give a whole number of pairs" duplicates --limit 0 "${U[@]}"
usage "--limit: give a whole number of pairs" duplicates --limit ten "${U[@]}"
usage "--year is a year" privacy report --year 99 "${U[@]}"
usage "--customers takes a whole number" demo --db d2.db --customers 0
usage "--lang is en, fi or sv" check --lang de "${U[@]}"
usage "'order show' takes 1 argument" order show "${U[@]}"
usage "this command needs --user NAME" check --db r.db
usage "give either --keyfile or --user" check --db r.db --keyfile dpo.key --user admin
[ "$(rows)" = "$before" ] && ok "no usage refusal above wrote an audit row" ||
        bad "the usage refusals wrote $(($(rows) - before)) audit rows"
[ ! -e d2.db ] && [ ! -e a.csv ] && [ ! -e x.key ] && ok "and none made a file" ||
        bad "a refused command made a file"

# --- after unlocking: values only the register's answer shows wrong -----------
usage "--keep: shoe is not a field that can be chosen" merge "$C1" "$C2" --keep shoe=other "${U[@]}"
usage "--map: " import customers in.csv --map 'nimi=shoe' "${U[@]}"

# --- before any unlocking: no password read, no login counted ----------------
printf 'not the password\n' | "$R" audit list --db r.db --user admin --password-stdin \
        --totp 123456 --from 2026-13-01 > out.txt 2> err.txt
got=$?
[ "$got" = 2 ] && grep -qF -- "--from" err.txt && ! grep -q "login failed" err.txt &&
        ok "a wrong --from with a wrong password: the date is named, no login was tried" ||
        bad "wrong password and --from: exit $got: $(cat err.txt)"

# --- the operation's own failures stay 1 ----------------------------------------
failed "no customer has that number" customer show C099999 "${U[@]}"
failed "no customer is numbered C099999" audit subject C099999 "${U[@]}"
failed "no order has that number" order show O2026-999999 "${U[@]}"
failed "no such request" dsr verify 999 --verified "passport" "${U[@]}"
printf 'not the password\n' | "$R" check --db r.db --user admin --password-stdin \
        --totp 123456 > out.txt 2> err.txt
got=$?
[ "$got" = 1 ] && grep -q "login failed" err.txt && ok "exit 1 (login failed): a wrong password" ||
        bad "a wrong password: exit $got: $(cat err.txt)"
"$R" order add --customer "$C1" --line "$P:2" "${U[@]}" > order.out 2>&1 ||
        bad "order add: $(cat order.out)"
ONO=$(grep -oE 'O[0-9]{4}-[0-9]{6}' order.out | head -1)
failed "cannot become" order status "$ONO" --status delivered "${U[@]}"
cli_done
