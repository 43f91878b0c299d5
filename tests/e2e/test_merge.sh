#!/bin/bash
# test_merge.sh - merging two customers with `rekisteri merge`, checked from
# outside: customers made with `customer add` and `order add` (notes,
# consents, objections and a contact person seeded through sqlcipher, as
# the request tests do), then merged, then:
# - every moved record is under the survivor (a legal hold too), and the
#   control customer is untouched;
# - the old number finds the survivor (customer show, customer search,
#   audit subject), and is never given to a new customer;
# - the values not kept are in no decrypted page or WAL frame afterwards
#   (the same search finds them before, and finds the kept values after);
# - the audit trail names both numbers, the fields and never a value;
# - a restricted customer and one with an open request are merged only
#   with --yes, and the refusal names the reason; the request moves;
# - two merges of the same pair at once: one wins, the other says why,
#   and no record is lost;
# - bad input: the same customer twice, an unknown number, a merged stub,
#   a word that is no number, two people with different henkilötunnus
#   (companies with different Y-tunnus), an unknown --keep field, a sales
#   key;
# - erasing the survivor later also forgets the merged customer in a
#   backup taken before the merge: its entry is in the erasure ledger and a
#   restore of that backup holds none of its values.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
python3 -c 'import cryptography' 2> /dev/null || { echo "SKIP: python3-cryptography"; exit 77; }
export LANGUAGE=en
dsr_register || { bad "register"; exit 1; }
U=(--db r.db --keyfile dpo.key)

add_customer "name=Aino Virtanen" "email=aino.virtanen@example.fi" "phone=+358401234567" \
        "street=Mannerheimintie 1" "postal_code=00100" "city=Helsinki"
add_customer "name=Aino Virtanen-Koskela" "email=aino.koskela@example.fi" \
        "phone=+358501112223" "street=Koskelantie 77" "postal_code=00610" "city=Vantaa" \
        "hetu=131052-308T" "bank_reference=RF18539007547034"
add_customer "name=Bertta Muukalainen" "email=bertta@example.fi" "city=Turku"
add_customer "kind=company" "name=Kivi ja Laasti Oy" "email=myynti@kivilaasti.fi"
add_customer "kind=company" "name=Kivi & Laasti Ltd" "email=sales@kivilaasti-ltd.fi" \
        "business_id=2345678-0"
add_customer "name=Carl Lindqvist" "email=carl@example.fi"
add_customer "name=Carl Lindkvist" "email=carl.l@example.fi"
sql_with_key "$KEY" "SELECT count(*) FROM customers;" | grep -qx 7 && ok "seven customers added" ||
        bad "customers: $(sql_with_key "$KEY" "SELECT number FROM customers;")"

expect_rc 0 "a product" "$R" product add --code NAUL --name Nauloja --unit kpl --price 4 \
        --vat 25.5 "${U[@]}"
for c in C000002 C000002 C000001 C000003 C000005 C000007; do
        "$R" order add --customer $c --line NAUL:2 "${U[@]}" > o.txt 2>&1 || bad "order: $(cat o.txt)"
done
sql_with_key "$KEY" "PRAGMA secure_delete=ON;
INSERT INTO notes(customer_id, created_at, author, body) VALUES
 (2, '2026-01-02T10:00:00Z', 'sanna', 'Koskela soitti tarjouksesta'),
 (3, '2026-01-02T10:00:00Z', 'sanna', 'Muukalainen asks for a catalogue');
INSERT INTO consents(customer_id, purpose, given_on, source) VALUES
 (2, 'newsletter', '2026-01-15', 'messu Koskela');
INSERT INTO objections(customer_id, purpose, objected_on) VALUES (2, 'profiling', '2026-02-01');
INSERT INTO contact_persons(customer_id, name, email) VALUES
 (5, 'Liisa Laasti', 'liisa@kivilaasti-ltd.fi');" > seed.txt
grep -qi error seed.txt && bad "seed: $(cat seed.txt)"

mkdir bk
expect_rc 0 "a backup before the merge" "$R" backup --out bk/pre.db "${U[@]}"
expect_rc 0 "a legal hold on C000002" "$R" retention hold C000002 --reason "dispute 12/2026" "${U[@]}"

# --- an open request on C000002: asked first, and moved --------------------
expect_rc 0 "an access request naming C000002" "$R" dsr new --type access --subject C000002 \
        --verified "passport at the counter" "${U[@]}"

# --- refusals ---------------------------------------------------------------
expect_rc 1 "the same customer twice" "$R" merge C000001 c1 "${U[@]}"
grep -q "C000001 is the same customer twice" err.txt && ok "...says so" || bad "same: $(cat err.txt)"
expect_rc 1 "an unknown number" "$R" merge C000001 C000099 "${U[@]}"
grep -q "No customer has the number C000099" err.txt && ok "...names it" || bad "unknown: $(cat err.txt)"
expect_rc 2 "a word that is no number (a wrong command line)" "$R" merge C000001 Virtanen "${U[@]}"
grep -q "OTHER: Customer: a customer number such as C000123" err.txt &&
        ok "...names the argument and says what a number is" || bad "word: $(cat err.txt)"
expect_rc 1 "a person and a company" "$R" merge C000001 C000004 "${U[@]}"
grep -q "a person and a company" err.txt && ok "...says so" || bad "kinds: $(cat err.txt)"
# two different identity codes are two people (two companies): refused,
# as the matcher never pairs them; the codes are set for this check alone
for pair in "hetu C000001 C000002 010101A123N henkilötunnus" \
        "business_id C000004 C000005 1234567-1 Y-tunnus"; do
        read -r col a b code word <<<"$pair"
        was=$(sql_with_key "$KEY" "SELECT quote($col) FROM customers WHERE number='$a';")
        sql_with_key "$KEY" "UPDATE customers SET $col='$code' WHERE number='$a';" > /dev/null
        expect_rc 1 "two different $word" "$R" merge "$a" "$b" --yes "${U[@]}"
        grep -q "$a and $b have different $word: they are two" err.txt &&
                ok "...says so" || bad "$col: $(cat err.txt)"
        sql_with_key "$KEY" "UPDATE customers SET $col=$was WHERE number='$a';" > /dev/null
        [ "$(sql_with_key "$KEY" "SELECT count(*) FROM customers WHERE merged_into IS NOT NULL;")" = 0 ] &&
                ok "...and nothing was merged" || bad "a refused merge merged"
done
expect_rc 2 "an unknown --keep field (a wrong command line)" "$R" merge C000001 C000002 \
        --keep shoe=other "${U[@]}"
grep -q "shoe is not a field that can be chosen; the fields are: name," err.txt &&
        ok "...lists the fields" || bad "keep: $(cat err.txt)"
"$R" key add-file "${U[@]}" --label shop --roles sales --out shop.key > /dev/null 2>&1
expect_rc 1 "sales may not merge" "$R" merge C000001 C000002 --db r.db --keyfile shop.key
grep -q "needs the merge action and read and write access to every field group" err.txt && ok "...names the permission" || bad "sales: $(cat err.txt)"
expect_rc 1 "an open request asks first" "$R" merge C000001 C000002 --keep email=other "${U[@]}"
grep -q "C000002 is named by an open data-subject request" err.txt &&
        grep -q "run again with --yes" err.txt && ok "...naming the reason" || bad "ask: $(cat err.txt)"
grep -q "Aino Virtanen-Koskela" out.txt && ok "...after showing the plan" || bad "plan: $(cat out.txt)"
[ "$(sql_with_key "$KEY" "SELECT count(*) FROM orders WHERE customer_id=2;")" = 2 ] &&
        ok "...and nothing was merged" || bad "a refused merge changed orders"

# --- the plan, side by side -------------------------------------------------
# kept: the survivor's name, phone, address; the other's e-mail (chosen),
# identity code and bank reference (the survivor has none)
KEPT=("aino.koskela@example.fi" "131052-308T" "RF18539007547034" "Aino Virtanen"
        "Mannerheimintie 1")
GONE=("Aino Virtanen-Koskela" "aino.virtanen@example.fi" "+358501112223" "Koskelantie 77"
        "Vantaa" "koskelantie" "vantaa" "0501112223" "00610")
dsr_pages before.bin || { bad "pagedump"; exit 1; }
for v in "${GONE[@]}" "${KEPT[@]}"; do
        [ "$(dsr_count_in before.bin "$v")" -gt 0 ] || bad "before: the page search misses $v"
done
ok "before: the page search finds every value"

expect_rc 0 "merge C000002 into C000001 with --yes" "$R" merge C000001 C000002 \
        --keep email=other --yes "${U[@]}"
cat out.txt
grep -qE '^E-mail +  aino.virtanen@example.fi +\* aino.koskela@example.fi' out.txt &&
        grep -qE '^Name +\* Aino Virtanen +  Aino Virtanen-Koskela' out.txt &&
        grep -qE '^Personal identity code +  - +\* 131052-308T' out.txt &&
        ok "the plan shows both side by side with the kept value starred" || bad "plan layout"
grep -q "Moves to C000001: orders 2, notes 1, consents 1, objections 1, contacts 0." out.txt &&
        grep -q "Merged C000002 into C000001" out.txt && ok "the plan counts what moves" ||
        bad "counts: $(cat out.txt)"

# --- every moved record is under the survivor ------------------------------
res=$(sql_with_key "$KEY" "SELECT (SELECT count(*) FROM orders WHERE customer_id=1),
 (SELECT count(*) FROM notes WHERE customer_id=1), (SELECT count(*) FROM consents WHERE customer_id=1),
 (SELECT count(*) FROM objections WHERE customer_id=1),
 (SELECT count(*) FROM orders WHERE customer_id=2) + (SELECT count(*) FROM notes WHERE customer_id=2)
 + (SELECT count(*) FROM consents WHERE customer_id=2) + (SELECT count(*) FROM objections WHERE customer_id=2),
 (SELECT count(*) FROM orders WHERE customer_id=3), (SELECT count(*) FROM notes WHERE customer_id=3);")
[ "$res" = "3|1|1|1|0|1|1" ] && ok "orders, notes, consents, objections are under C000001; C000003 untouched" ||
        bad "records after: $res"
res=$(sql_with_key "$KEY" "SELECT email, hetu, bank_reference, name, phone FROM customers WHERE id=1;
SELECT number, merged_into, name, ifnull(email,'-'), anonymised_at IS NOT NULL FROM customers WHERE id=2;")
[ "$res" = "aino.koskela@example.fi|131052-308T|RF18539007547034|Aino Virtanen|+358401234567
C000002|1||-|1" ] && ok "the survivor holds the kept values; C000002 is an empty stub pointing to it" ||
        bad "rows after: $res"
[ "$(sql_with_key "$KEY" "SELECT group_concat(customer_id) FROM retention_holds;")" = 1 ] &&
        ok "the legal hold moved with the records" || bad "holds: $(sql_with_key "$KEY" "SELECT * FROM retention_holds;")"
"$R" dsr show 1 "${U[@]}" > req.txt 2>&1
grep -q C000001 req.txt && ! grep -q C000002 req.txt && ok "the open request now names C000001" ||
        bad "request: $(cat req.txt)"

# --- the discarded values are gone from every page -------------------------
[ ! -s r.db-wal ] && ok "the WAL is empty or gone" || bad "WAL has $(stat -c %s r.db-wal) bytes"
dsr_pages after.bin || { bad "pagedump after"; exit 1; }
for v in "${GONE[@]}"; do
        n=$(dsr_count_in after.bin "$v")
        [ "$n" = 0 ] || bad "after the merge: '$v' still on $n place(s) in the pages"
done
ok "after the merge: no page of the database or WAL holds a value not kept"
for v in "${KEPT[@]}" "Bertta Muukalainen"; do
        [ "$(dsr_count_in after.bin "$v")" -gt 0 ] || bad "the merge lost $v"
done
ok "the kept values and the control customer are in the pages"

# --- the old number finds the survivor -------------------------------------
expect_rc 0 "customer show C000002" "$R" customer show C000002 "${U[@]}"
grep -q "^Customer C000001" out.txt && grep -q "aino.koskela@example.fi" out.txt &&
        grep -q "C000002 was merged into C000001." err.txt &&
        ok "shows C000001, saying C000002 was merged into it" || bad "show: $(cat out.txt err.txt)"
echo "C000002" | "$R" customer search "${U[@]}" > s.txt 2> /dev/null
grep -q "^C000001 " s.txt && ! grep -q "^C000002" s.txt && ok "a search for C000002 finds C000001" ||
        bad "search: $(cat s.txt)"
echo "0501112223" | "$R" customer search "${U[@]}" > s.txt 2> /dev/null
[ ! -s s.txt ] && ok "the discarded phone finds no one" || bad "phone search: $(cat s.txt)"
echo "Vantaa" | "$R" customer search "${U[@]}" > s.txt 2> /dev/null
[ ! -s s.txt ] && ok "the discarded city finds no one" || bad "city search: $(cat s.txt)"
add_customer "name=Uusi Asiakas"
grep -q "C000008" add.txt && ok "a new customer gets a new number, not C000002" || bad "new: $(cat add.txt)"

# --- the audit trail names both --------------------------------------------
expect_rc 0 "audit list" "$R" audit list --action customer.merge "${U[@]}"
grep -qE "customer.merge +C000001 .* ok C000002  email,bank_reference,hetu$" out.txt &&
        ok "customer.merge on C000001 names C000002 and the fields taken" || bad "merge row: $(cat out.txt)"
expect_rc 0 "audit list" "$R" audit list --action customer.merged "${U[@]}"
grep -qE "customer.merged +C000002 .* ok C000001  name,phone,street,postal_code,city$" out.txt &&
        ok "customer.merged on C000002 names C000001 and the fields erased" || bad "merged row: $(cat out.txt)"
"$R" audit export --out trail.csv "${U[@]}" > /dev/null 2>&1
for v in "${GONE[@]}" "${KEPT[@]}"; do
        grep -qF -- "$v" trail.csv && bad "the trail holds the value $v"
done
ok "the trail holds no value"
expect_rc 0 "who accessed C000002" "$R" audit subject C000002 "${U[@]}"
grep -q "customer.create .*C000002" out.txt && grep -q "customer.create .*C000001" out.txt &&
        ok "who accessed the old number lists the survivor's history with the old one's" ||
        bad "audit subject: $(cat out.txt)"

# --- a merged stub, again ----------------------------------------------------
expect_rc 1 "a merged stub cannot be merged again" "$R" merge C000003 C000002 "${U[@]}"
grep -q "C000002 was already merged into C000001; merge with C000001 instead" err.txt &&
        ok "...names the survivor" || bad "stub: $(cat err.txt)"

# --- a restricted company: asked first, contacts move ------------------------
expect_rc 0 "restrict C000005" "$R" dsr new --type restriction --subject C000005 \
        --verified "letter" "${U[@]}"
expect_rc 0 "execute the restriction" "$R" dsr execute 2 "${U[@]}"
expect_rc 1 "a restricted customer asks first" "$R" merge C000004 C000005 "${U[@]}"
grep -q "The processing of C000005 is restricted (GDPR Art. 18) and C000005 is named by an open data-subject request" err.txt &&
        ok "...naming both reasons" || bad "restricted: $(cat err.txt)"
expect_rc 0 "with --yes" "$R" merge C000004 C000005 --keep business_id=other --yes "${U[@]}"
res=$(sql_with_key "$KEY" "SELECT restricted, business_id, (SELECT count(*) FROM contact_persons
 WHERE customer_id=4), (SELECT count(*) FROM orders WHERE customer_id=4) FROM customers WHERE id=4;
SELECT ifnull(business_id,'-'), merged_into FROM customers WHERE id=5;")
[ "$res" = "1|2345678-0|1|1
-|4" ] && ok "the survivor stays restricted, has the contact person and order; the stub is empty" ||
        bad "company merge: $res"
expect_rc 0 "lift the restriction through its request" "$R" dsr lift 2 "${U[@]}"
[ "$(sql_with_key "$KEY" "SELECT restricted FROM customers WHERE id=4;")" = 0 ] &&
        ok "the request moved with the person: lifting it lifts the survivor" ||
        bad "lift: $(sql_with_key "$KEY" "SELECT id, restricted FROM customers WHERE id IN (4,5);")"
expect_rc 0 "close it" "$R" dsr close 2 --outcome "restricted, then lifted" "${U[@]}"

# --- two sessions merge the same pair at once -------------------------------
before=$(sql_with_key "$KEY" "SELECT count(*) FROM orders WHERE customer_id IN (6,7);")
"$R" merge C000006 C000007 "${U[@]}" > m1.txt 2>&1 &
p1=$!
"$R" merge C000007 C000006 "${U[@]}" > m2.txt 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
[ $((r1 + r2)) = 1 ] && ok "one of two simultaneous merges wins ($r1, $r2)" || bad "both $r1 $r2: $(cat m1.txt m2.txt)"
grep -qE "already merged into|changed or merged by someone else" m1.txt m2.txt &&
        ok "the other says why" || bad "loser: $(cat m1.txt m2.txt)"
res=$(sql_with_key "$KEY" "SELECT count(*) FROM customers WHERE id IN (6,7) AND merged_into IS NULL;
SELECT count(*) FROM orders WHERE customer_id IN (6,7)
 AND customer_id = (SELECT id FROM customers WHERE id IN (6,7) AND merged_into IS NULL);")
[ "$res" = "1
$before" ] && ok "one survivor holds both orders: nothing lost" || bad "race: $res (before $before)"

# --- erasing the survivor forgets the merged one in an older backup too -----
expect_rc 0 "an erasure request for C000001" "$R" dsr new --type erasure --subject C000001 \
        --verified "in person" "${U[@]}"
id=$(sed -n 's/^Request \([0-9]*\).*/\1/p' out.txt | head -1)
expect_rc 0 "carried out" "$R" dsr execute "${id:-0}" "${U[@]}"
grep -qa C000002 r.db.erased && ok "the erasure ledger names the merged C000002 too" ||
        bad "ledger lacks C000002"
python3 "$DSR_PAGEDUMP" "$KEY" bk/pre.db > pre.bin
[ "$(dsr_count_in pre.bin "Aino Virtanen-Koskela")" -gt 0 ] &&
        ok "the backup from before the merge holds C000002's values" || bad "backup lacks them"
mkdir new
expect_rc 0 "restore the older backup with the ledger" "$R" restore --from bk/pre.db \
        --db new/r.db --ledger r.db.erased --password-stdin <<< "$REC"
NKEY=$(echo "$REC" | "$R" key dump-raw --db new/r.db --password-stdin 2> /dev/null | tail -1)
python3 "$DSR_PAGEDUMP" "$NKEY" new/r.db > restored.bin || bad "pagedump"
[ -s new/r.db-wal ] && { python3 "$DSR_PAGEDUMP" "$NKEY" new/r.db-wal --wal >> restored.bin || bad "wal"; }
for v in "Aino Virtanen-Koskela" "aino.koskela@example.fi" "Koskelantie 77" "131052-308T" \
        "Aino Virtanen" "aino.virtanen@example.fi"; do
        n=$(dsr_count_in restored.bin "$v")
        [ "$n" = 0 ] || bad "the restored register holds '$v' ($n)"
done
[ "$(sql_with_key "$NKEY" "SELECT count(*) FROM customers WHERE number IN ('C000001','C000002')
 AND anonymised_at IS NOT NULL;" new/r.db)" = 2 ] &&
        ok "after the restore both C000001 and the C000002 of the backup are forgotten" ||
        bad "restored: $(sql_with_key "$NKEY" "SELECT number, name FROM customers WHERE id<3;" new/r.db)"
cli_done
