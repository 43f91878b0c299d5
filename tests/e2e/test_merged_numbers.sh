#!/bin/bash
# test_merged_numbers.sh - after a real merge (`rekisteri merge`), the old
# number stands for the survivor in every command that takes a customer
# number (customer_db.h, RK_CUSTDB_ID_OF_NUMBER), and restrictions survive
# the merge one by one:
# - customer show, order add --customer, retention hold / holds / release,
#   dsr new --subject, dsr add --subject, dsr find, audit subject, and
#   import customers (the Asiakaskoodi column) given the merged C000002 act
#   on the survivor C000001, and the commands that print the number say
#   "C000002 was merged into C000001."; merge itself refuses the stub and
#   names the survivor (a merge must not silently take another customer);
# - two customers restricted under two requests, merged: lifting one
#   request leaves the survivor restricted (hidden from sales), lifting the
#   other lifts it; the restrictions table says which request holds it;
#   a restriction request closed unlifted can still be deleted by
#   retention, and the customer stays restricted until a lift.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
export LANGUAGE=en
dsr_register || { bad "register"; exit 1; }
U=(--db r.db --keyfile dpo.key)

add_customer "name=Aino Virtanen" "email=aino.virtanen@example.fi" "postal_code=00100"
add_customer "name=Aino Virtamen" "email=aino.v@example.fi" "postal_code=00100"
add_customer "name=Bertta Muukalainen" "email=bertta@example.fi"
add_customer "name=Carl Lindqvist" "email=carl@example.fi"
add_customer "name=Carl Lindkvist" "email=carl.l@example.fi"
q() { sql_with_key "$KEY" "$1"; }
expect_rc 0 "a product" "$R" product add --code NAUL --name Nauloja --unit kpl --price 4 \
        --vat 25.5 "${U[@]}"

expect_rc 0 "merge C000002 into C000001" "$R" merge C000001 C000002 --yes "${U[@]}"
[ "$(q "SELECT merged_into FROM customers WHERE number='C000002';")" = 1 ] &&
        ok "C000002 is a stub pointing to C000001" || bad "not merged"
NOTE="C000002 was merged into C000001."

# --- every command that takes a number, given the old one ---------------------
expect_rc 0 "customer show C000002" "$R" customer show C000002 "${U[@]}"
grep -qF "$NOTE" err.txt && grep -q "^Customer C000001 " out.txt &&
        ok "...shows C000001 and says why" || bad "show: $(cat out.txt err.txt)"

expect_rc 0 "retention hold C000002" "$R" retention hold C000002 --reason "dispute 3/2026" "${U[@]}"
grep -qF "$NOTE" err.txt && grep -q "^C000001 is under a legal hold" out.txt &&
        ok "...holds C000001 and says why" || bad "hold: $(cat out.txt err.txt)"
[ "$(q "SELECT group_concat(customer_id) FROM retention_holds;")" = 1 ] &&
        ok "the hold is on the survivor's row" ||
        bad "holds: $(q "SELECT customer_id FROM retention_holds;")"
expect_rc 0 "retention holds" "$R" retention holds "${U[@]}"
grep -q "C000001" out.txt && ! grep -q "C000002" out.txt && ok "...lists C000001" ||
        bad "holds list: $(cat out.txt)"
expect_rc 0 "retention release C000002" "$R" retention release C000002 "${U[@]}"
grep -qF "$NOTE" err.txt && grep -q "^C000001 is no longer under a legal hold" out.txt &&
        [ "$(q "SELECT count(*) FROM retention_holds;")" = 0 ] &&
        ok "...releases C000001's hold" || bad "release: $(cat out.txt err.txt)"

expect_rc 0 "order add --customer C000002" "$R" order add --customer C000002 --line NAUL:2 "${U[@]}"
[ "$(q "SELECT group_concat(customer_id) FROM orders;")" = 1 ] &&
        ok "...the order is the survivor's" || bad "order: $(q "SELECT customer_id FROM orders;")"

expect_rc 0 "dsr new --subject C000002" "$R" dsr new --type access --subject C000002 \
        --verified "passport" "${U[@]}"
RID=$(sed -n 's/^Request \([0-9]*\).*/\1/p' out.txt | head -1)
[ "$(q "SELECT customer_id || ':' || customer_number FROM dsr_subjects WHERE request_id=${RID:-0};")" = "1:C000001" ] &&
        ok "...the request names C000001" ||
        bad "dsr new: $(q "SELECT * FROM dsr_subjects;")"
expect_rc 0 "dsr add --subject C000002 (already named through C000001)" \
        "$R" dsr add "${RID:-0}" --subject C000002 "${U[@]}"
[ "$(q "SELECT count(*) FROM dsr_subjects WHERE request_id=${RID:-0} AND customer_id=2;")" = 0 ] &&
        ok "...the stub is never a subject" || bad "dsr add: $(q "SELECT * FROM dsr_subjects;")"
printf 'C000002\n' > query.txt
expect_rc 0 "dsr find C000002" "$R" dsr find "${U[@]}" < query.txt
grep -q "^C000001  Aino Virtanen (customer number)" out.txt && ! grep -q "^C000002" out.txt &&
        ok "...finds the survivor, not the empty stub" || bad "dsr find: $(cat out.txt)"

expect_rc 0 "audit subject C000002" "$R" audit subject C000002 "${U[@]}"
grep -q "customer.merge" out.txt && grep -q "retention.hold" out.txt &&
        ok "...the trail of the survivor and the stub" || bad "audit: $(cat out.txt)"

# only the number can match: the e-mail is new and the name another
printf 'Asiakaskoodi;Nimi;Sähköposti\nC000002;Aino V.;aino.uusi@example.fi\n' > old.csv
expect_rc 0 "import a row with Asiakaskoodi C000002 (dry run)" "$R" import customers old.csv \
        --dry-run "${U[@]}"
grep -qE "^row 2: update +C000001 \(same customer number\)" out.txt && grep -qF "new: 0" out.txt &&
        ok "...matches the survivor by number" || bad "import: $(cat out.txt)"

expect_rc 1 "merge with the stub" "$R" merge C000003 C000002 "${U[@]}"
grep -qF "C000002 was already merged into C000001; merge with C000001 instead." err.txt &&
        ok "...refuses and names the survivor" || bad "merge stub: $(cat err.txt)"

# --- restrictions survive a merge one by one ------------------------------------
restrict() { # NUMBER - a restriction request for it, carried out; prints its id
        "$R" dsr new --type restriction --subject "$1" --verified "letter" "${U[@]}" > r.txt 2>&1 ||
                bad "dsr new restriction $1: $(cat r.txt)"
        local id
        id=$(sed -n 's/^Request \([0-9]*\).*/\1/p' r.txt | head -1)
        "$R" dsr execute "${id:-0}" "${U[@]}" > x.txt 2>&1 || bad "execute $id: $(cat x.txt)"
        echo "${id:-0}"
}
RA=$(restrict C000004)
RB=$(restrict C000005)
[ "$(q "SELECT group_concat(customer_id || ':' || request_id, ' ') FROM restrictions;")" = "4:$RA 5:$RB" ] &&
        ok "two restrictions, one per request" || bad "restrictions: $(q "SELECT * FROM restrictions;")"
expect_rc 0 "merge the two restricted customers" "$R" merge C000004 C000005 --yes "${U[@]}"
[ "$(q "SELECT group_concat(customer_id || ':' || request_id, ' ') FROM restrictions;
SELECT restricted FROM customers WHERE id=4;")" = "4:$RA 4:$RB
1" ] && ok "the survivor holds both restrictions" ||
        bad "after merge: $(q "SELECT * FROM restrictions;")"
expect_rc 0 "lift the survivor's own request $RA" "$R" dsr lift "$RA" "${U[@]}"
[ "$(q "SELECT restricted FROM customers WHERE id=4;")" = 1 ] &&
        ok "the survivor stays restricted under request $RB" ||
        bad "lifting $RA lifted everything: $(q "SELECT * FROM restrictions;")"
# a sales role does not see it (restricted answers as missing)
"$R" key add-file "${U[@]}" --label sales --roles sales --out sales.key > /dev/null 2>&1 ||
        bad "sales key"
expect_rc 1 "sales cannot open the restricted survivor" "$R" customer show C000004 \
        --db r.db --keyfile sales.key
expect_rc 0 "lift the merged customer's request $RB" "$R" dsr lift "$RB" "${U[@]}"
[ "$(q "SELECT restricted, (SELECT count(*) FROM restrictions) FROM customers WHERE id=4;")" = "0|0" ] &&
        ok "the last lift lifts the survivor" || bad "after both lifts: $(q "SELECT * FROM restrictions;")"
expect_rc 0 "sales opens it again" "$R" customer show C000004 --db r.db --keyfile sales.key

# a restriction request closed unlifted, later deleted by retention's rule
# for closed requests: the deletion goes through (foreign keys on), the
# customer stays restricted, and a later request's lift lifts it, as before
RC=$(restrict C000003)
expect_rc 0 "close request $RC unlifted" "$R" dsr close "$RC" --outcome "kept restricted" "${U[@]}"
res=$(q "PRAGMA foreign_keys=ON; DELETE FROM dsr_requests WHERE id=$RC AND status='closed';
SELECT restricted, (SELECT count(*) FROM restrictions WHERE customer_id=3) FROM customers WHERE id=3;")
[ "$res" = "1|0" ] && ok "the closed request deleted: C000003 stays restricted" || bad "delete $RC: $res"
RD=$(restrict C000003)
expect_rc 0 "lift a later request $RD" "$R" dsr lift "$RD" "${U[@]}"
[ "$(q "SELECT restricted FROM customers WHERE id=3;")" = 0 ] && ok "...lifts C000003" ||
        bad "C000003 stays restricted"

cli_done
