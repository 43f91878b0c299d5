#!/bin/bash
# test_retention.sh - retention through the real binary on a demo register
# (`rekisteri demo --customers 2000 --seed 3`, whose data runs 2015-2025, so
# customers fall due today), checked from outside with the sqlcipher CLI:
#   - `retention plan --as-of D` at several dates gives the counts that an
#     independent SQL query computes for D (month-end rule written out);
#   - a manual legal hold and an open request are skipped, with the reason;
#   - `retention run` with a key file of the least-privilege retention role
#     anonymises exactly the planned customers, leaves held ones untouched
#     and order totals per year unchanged;
#   - a run killed with SIGKILL midway (batch_size = 1 makes it slow) and
#     run again ends in exactly the state of an uninterrupted run on a copy,
#     with no half-anonymised customer at any point;
#   - no value of a few anonymised subjects is left in any page of the
#     database, the WAL or the search index (decrypted page by page with
#     tests/tools/pagedump.py); the same search finds them before the run.
# The run itself takes "today" from the system clock only: there is no way
# to make it anonymise early (see README, Retention).
source "$(dirname "$0")/cli_lib.sh"
python3 -c 'import cryptography' 2> /dev/null || { echo "SKIP: python3-cryptography"; exit 77; }
PAGEDUMP="${SRCDIR:?}/tests/tools/pagedump.py"
# the retention role, and a one-person company whose admin is the DPO
RETENTION_ROLE=('[role.retention]' 'actions = retention' '[accounts]' 'combine_duties = 1')
cli_config "${RETENTION_ROLE[@]}"

"$R" demo --db r.db --customers 2000 --seed 3 > demo.out 2>&1 || { bad "demo"; exit 1; }
REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' demo.out | head -1)
KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2> /dev/null | tail -1)
[[ "$KEY" =~ ^x\'[0-9a-f]{64}\'$ ]] || { bad "no raw key"; exit 1; }
read -r _ _ APW ASEC < <(grep '^admin ' r.db.users)
rk_cli_totp "$ASEC" now "$APW" "$R" key add-file --db r.db --user admin --password-stdin \
        --label dpo --roles supervisor,admin \
        --out dpo.key > /dev/null 2>&1 || { bad "dpo key file"; exit 1; }
expect_rc 0 "a key file with only the retention role" "$R" key add-file --db r.db \
        --keyfile dpo.key --label retention --roles retention --out ret.key
RET=(--db r.db --keyfile ret.key)
DPO=(--db r.db --keyfile dpo.key)
sql() { sql_with_key "$KEY" "$1" "${2:-r.db}"; }

# --- independent SQL -----------------------------------------------------
# due EXPR N: the day EXPR + N calendar months, at most the month's last day
due() {
        echo "min(date($1,'start of month','+$2 months','+'||(CAST(strftime('%d',$1) AS INTEGER)-1)||' days'), date($1,'start of month','+$(($2 + 1)) months','-1 day'))"
}
HELD="(c.restricted = 1 OR c.id IN (SELECT customer_id FROM retention_holds) OR c.id IN
 (SELECT s.customer_id FROM dsr_subjects s JOIN dsr_requests r ON r.id = s.request_id
 WHERE r.status != 'closed'))"
PEV="COALESCE(c.last_activity, date(c.created_at,'unixepoch','localtime'))"
IEV="max(COALESCE(c.last_activity,''),(SELECT max(ordered_on) FROM orders o WHERE o.customer_id=c.id))"
# sql_due DATE -> "prospects inactive notes consents" counts due on DATE
sql_due() {
        sql "SELECT count(*) FROM customers c WHERE anonymised_at IS NULL AND NOT EXISTS
 (SELECT 1 FROM orders o WHERE o.customer_id=c.id) AND $(due "$PEV" 24) <= '$1' AND NOT $HELD;
SELECT count(*) FROM customers c WHERE anonymised_at IS NULL AND EXISTS
 (SELECT 1 FROM orders o WHERE o.customer_id=c.id) AND $(due "$IEV" 36) <= '$1' AND NOT $HELD;
SELECT count(DISTINCT t.customer_id) FROM notes t JOIN customers c ON c.id=t.customer_id
 WHERE $(due "substr(t.created_at,1,10)" 24) <= '$1' AND NOT $HELD;
SELECT count(DISTINCT t.customer_id) FROM consents t JOIN customers c ON c.id=t.customer_id
 WHERE t.withdrawn_on IS NOT NULL AND $(due t.withdrawn_on 36) <= '$1' AND NOT $HELD;" |
                tr '\n' ' ' | sed 's/ $//'
}
# plan_due FILE -> the same four counts from a plan's output
plan_due() {
        awk '/^[a-z]+ /{rule=$1} /^  due now: /{n[rule]=$3}
             END{print n["prospects"], n["inactive"], n["notes"], n["consents"]}' "$1"
}
# plan_numbers FILE RULE -> the customer numbers due under RULE, one a line
plan_numbers() {
        awk -v r="$2" '/^[a-z]+ /{rule=$1; next} rule==r && /^    C[0-9][0-9][0-9][0-9][0-9][0-9]( |$)/ &&
             !/skipped/{for(i=1;i<=NF;i++) print $i}' "$1"
}

# --- plans at chosen dates ------------------------------------------------
TODAY=$(date +%F)
for d in "$TODAY" 2025-03-31 2026-02-28 2027-06-30 2028-02-29; do
        "$R" retention plan --as-of "$d" "${RET[@]}" > plan-$d.txt 2> err.txt ||
                bad "plan --as-of $d: $(cat err.txt)"
        got=$(plan_due plan-$d.txt)
        want=$(sql_due "$d")
        [ "$got" = "$want" ] && ok "plan for $d: $got due (prospects inactive notes consents), as SQL counts" ||
                bad "plan for $d: $got, SQL $want"
done
expect_rc 2 "a bad --as-of is refused as a wrong command line" "$R" retention plan --as-of 2026-02-30 "${RET[@]}"
expect_rc 1 "the retention role may not read customers" "$R" customer show C000001 "${RET[@]}"

# --- holds ----------------------------------------------------------------
HOLD=$(plan_numbers "plan-$TODAY.txt" prospects | head -1)
ASKED=$(plan_numbers "plan-$TODAY.txt" inactive | head -1)
[ -n "$HOLD" ] && [ -n "$ASKED" ] || { bad "nothing due today to hold"; exit 1; }
expect_rc 0 "legal hold on $HOLD" "$R" retention hold "$HOLD" --reason "dispute, case 2026/14" "${DPO[@]}"
expect_rc 0 "open request about $ASKED" "$R" dsr new --type access --subject "$ASKED" "${DPO[@]}"
expect_rc 0 "holds list" "$R" retention holds "${DPO[@]}"
grep -q "^$HOLD .*dispute, case 2026/14" out.txt && ok "the hold is listed with its reason" ||
        bad "holds: $(cat out.txt)"
"$R" retention plan "${RET[@]}" > plan.txt
grep -q "^    $HOLD  due .*, skipped: legal hold: dispute, case 2026/14" plan.txt &&
        ok "the plan skips the held customer and says why" || bad "hold not in plan"
grep -q "^    $ASKED  due .*, skipped: open request [0-9]\+ (Access (Art. 15))" plan.txt &&
        ok "the plan skips the customer with an open request" || bad "request not in plan"
[ "$(plan_due plan.txt)" = "$(sql_due "$TODAY")" ] && ok "plan with holds matches SQL" ||
        bad "plan with holds: $(plan_due plan.txt) vs $(sql_due "$TODAY")"
{ plan_numbers plan.txt prospects; plan_numbers plan.txt inactive; } | sort > planned.txt
grep -q "$HOLD" planned.txt && bad "a held customer is planned"

# --- what must be gone, found before the run ------------------------------
# three planned persons whose e-mail and phone no one else has
sql "SELECT c.id, c.email, substr(c.phone,2), '0'||substr(c.phone,5), c.hetu FROM customers c
 WHERE c.number IN ($(sed "s/.*/'&'/" planned.txt | paste -sd,)) AND c.kind='person'
 AND c.hetu IS NOT NULL AND (SELECT count(*) FROM customers x WHERE x.phone=c.phone
 OR x.email=c.email)=1 ORDER BY c.id LIMIT 3;" > victims.txt
[ "$(wc -l < victims.txt)" = 3 ] || { bad "victims: $(cat victims.txt)"; exit 1; }
mapfile -t VALUES < <(cut -d'|' -f2- victims.txt | tr '|' '\n')
pages() { python3 "$PAGEDUMP" "$KEY" r.db > "$1" && { [ ! -s r.db-wal ] ||
        python3 "$PAGEDUMP" "$KEY" r.db-wal --wal >> "$1"; }; }
pages before.bin || { bad "pagedump"; exit 1; }
for v in "${VALUES[@]}"; do
        [ "$(grep -aoF -- "$v" before.bin | wc -l)" -gt 0 ] || bad "before: pages miss $v"
done
ok "before the run the page search finds every value (${#VALUES[@]}) of the subjects"
# the local phone form 0XX... exists only in the search index: prove the FTS is searched
[ "$(grep -aoF -- "$(sed -n 1p victims.txt | cut -d'|' -f4)" before.bin | wc -l)" -gt 0 ] &&
        ok "the search index's terms are in the page search" || bad "FTS not seen"

HELD_ROWS="SELECT group_concat(c.number||quote(c.name)||quote(c.email)||quote(c.hetu)||
 quote(c.anonymised_at)||c.version||':'||(SELECT count(*) FROM notes n WHERE n.customer_id=c.id)
 ||':'||(SELECT count(*) FROM consents k WHERE k.customer_id=c.id), '|') FROM customers c WHERE $HELD;"
TOTALS="SELECT substr(o.ordered_on,1,4), count(DISTINCT o.id), sum(l.quantity),
 sum(l.quantity*l.unit_price_cents) FROM orders o JOIN order_lines l ON l.order_id=o.id GROUP BY 1;"
STATE="SELECT number, anonymised_at IS NOT NULL, quote(name), quote(email), quote(phone),
 quote(street), quote(hetu), (SELECT count(*) FROM notes n WHERE n.customer_id=c.id),
 (SELECT count(*) FROM consents k WHERE k.customer_id=c.id),
 (SELECT count(*) FROM contact_persons p WHERE p.customer_id=c.id),
 (SELECT count(*) FROM orders o WHERE o.customer_id=c.id) FROM customers c ORDER BY id;"
# every personal field (a company's business ID is not one: fields.c)
HALF="SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL AND (name != '' OR
 email IS NOT NULL OR phone IS NOT NULL OR street IS NOT NULL OR hetu IS NOT NULL OR
 postal_code IS NOT NULL OR city IS NOT NULL OR delivery_street IS NOT NULL OR
 billing_street IS NOT NULL OR invoice_email IS NOT NULL OR bank_reference IS NOT NULL OR last_activity IS NOT NULL OR
 EXISTS (SELECT 1 FROM notes n WHERE n.customer_id=customers.id) OR
 EXISTS (SELECT 1 FROM contact_persons p WHERE p.customer_id=customers.id));"
sql "$HELD_ROWS" > held-before.txt
sql "$TOTALS" > totals-before.txt

# --- the reference: an uninterrupted run on a copy --------------------------
mkdir ref && cp r.db r.db.keys ref/
"$R" retention run --db ref/r.db --keyfile ret.key > ref-run.txt 2>&1 ||
        bad "reference run: $(cat ref-run.txt)"
sql "$STATE" ref/r.db > state-ref.txt

# --- a run killed midway, then run again -------------------------------------
cli_config "${RETENTION_ROLE[@]}" '[retention]' 'batch_size = 1'
"$R" retention run "${RET[@]}" > killed.txt 2>&1 &
pid=$!
for _ in $(seq 600); do
        n=$(sqlcipher r.db.erased "SELECT count(*) FROM erasures" 2> /dev/null || echo 0)
        [ "${n:-0}" -ge 100 ] && break
        sleep 0.05
done
kill -9 "$pid" 2> /dev/null && ok "killed the run after $n subjects (SIGKILL)" ||
        bad "the run ended before it could be killed: $(cat killed.txt)"
wait "$pid" 2> /dev/null
done_n=$(sql "SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL;")
all_n=$(wc -l < planned.txt)
[ "$done_n" -gt 0 ] && [ "$done_n" -lt "$all_n" ] &&
        ok "the killed run left $done_n of $all_n customers anonymised" ||
        bad "after the kill: $done_n of $all_n"
[ "$(sql "$HALF")" = 0 ] && ok "no half-anonymised customer after the kill" ||
        bad "half-anonymised customers: $(sql "$HALF")"
[ "$(sql "SELECT status FROM retention_runs ORDER BY id DESC LIMIT 1;")" = running ] &&
        ok "the killed run is on record as unfinished" || bad "run status"
cli_config "${RETENTION_ROLE[@]}"
expect_rc 0 "run again" "$R" retention run "${RET[@]}"
grep -q "^  prospects " out.txt && ok "the run prints its summary" || bad "$(cat out.txt)"
sql "$STATE" > state-after.txt
cmp -s state-ref.txt state-after.txt &&
        ok "killed + run again = one uninterrupted run ($(wc -l < state-after.txt) customers compared)" ||
        bad "state differs: $(diff state-ref.txt state-after.txt | head -5)"

# --- exactly the plan; held untouched; totals; audit --------------------------
sql "SELECT number FROM customers WHERE anonymised_at IS NOT NULL ORDER BY number;" > anon.txt
cmp -s planned.txt anon.txt && ok "exactly the $(wc -l < anon.txt) planned customers are anonymised" ||
        bad "anonymised vs planned: $(diff planned.txt anon.txt | head -5)"
[ "$(sql "$HALF")" = 0 ] && ok "every anonymised customer is anonymised whole" || bad "half"
sql "$HELD_ROWS" > held-after.txt
cmp -s held-before.txt held-after.txt && ok "held customers are untouched" ||
        bad "held customers changed"
sql "$TOTALS" > totals-after.txt
cmp -s totals-before.txt totals-after.txt &&
        ok "orders, quantities and totals per year unchanged ($(wc -l < totals-after.txt) years)" ||
        bad "totals: $(diff totals-before.txt totals-after.txt)"
[ "$(sql "SELECT count(*) FROM audit_log WHERE action='retention.run' AND user='keyfile:retention'
 AND fields LIKE 'prospects=%';")" = 1 ] && ok "the finished run's summary is in the audit trail" ||
        bad "no retention.run audit row"
[ "$(sql "SELECT count(*) FROM audit_log WHERE action='retention.anonymise';")" = "$all_n" ] &&
        ok "one audit row per anonymised customer" || bad "anonymise audit rows"
"$R" retention plan "${RET[@]}" > plan-after.txt
[ "$(plan_due plan-after.txt)" = "0 0 0 0" ] && ok "nothing is due after the run" ||
        bad "still due: $(plan_due plan-after.txt)"

# --- erasure completeness -----------------------------------------------------
[ ! -s r.db-wal ] && ok "the WAL is empty" || bad "WAL has $(stat -c %s r.db-wal) bytes"
pages after.bin || bad "pagedump after"
for v in "${VALUES[@]}"; do
        n=$(grep -aoF -- "$v" after.bin | wc -l)
        [ "$n" = 0 ] || bad "after the run '$v' is still on $n place(s)"
done
ok "no page of the database, WAL or search index holds a value of the subjects"
# --- the progress bar: on a terminal only -------------------------------------
grep -q '\[#' killed.txt && bad "a progress bar drawn without a terminal"
if command -v script > /dev/null; then
        script -qc "'$R' retention run --db r.db --keyfile ret.key" /dev/null > bar.txt 2>&1
        grep -qa '\[##############################\] 0/0' bar.txt &&
                ok "on a terminal the run draws a progress bar" || bad "no bar: $(cat bar.txt)"
fi
expect_rc 0 "release the hold" "$R" retention release "$HOLD" "${DPO[@]}"
cli_done
