#!/bin/bash
# test_privacy_report.sh - the accountability report (`rekisteri privacy
# report --year Y`) matches the register: on a demo register where the
# real binary made data subject requests (answered on time, late, extended,
# still open, one from the year before), an erasure and a restriction, a
# retention run, a manual legal hold, an audit verification, a disabled
# account and a lockout after failed logins, every count the report prints
# is compared with an independent count read with the sqlcipher CLI and the
# raw key; the median and the longest answer time are computed here from
# the raw dates. The report holds no customer number or name.
source "$(dirname "$0")/cli_lib.sh"
cli_config '[role.retention]' 'actions = retention' '[login]' 'throttle_after = 100' \
        'lock_after = 3'
cli_demo r.db 300 || { bad "demo register"; exit 1; }
DPO=(--db r.db --keyfile dpo.key)
export LANGUAGE=en
sql() { sql_with_key "$KEY" "$1" | grep -v '^ok$'; }
YEAR=$(date +%Y)
ago() { date -d "-$1 days" +%F; }
# the demo's restricted customers come with their restriction requests: set
# them aside, the counts below are of this test's own requests
sql "DELETE FROM dsr_subjects; DELETE FROM dsr_requests; UPDATE customers SET restricted=0;" >/dev/null
[ "$(sql 'SELECT count(*) FROM dsr_requests;')" = 0 ] || bad "the demo's requests were not set aside"

# --- what happened in the register -----------------------------------------
dsr() { "$R" dsr "$@" "${DPO[@]}" > dsr.out 2>&1 || bad "dsr $*: $(cat dsr.out)"; }
mkdir exports exports2
dsr new --type access --subject C000011 --received "$(ago 15)" --verified "in person"
dsr execute 1 --out exports
dsr close 1 --outcome "copy sent"
dsr new --type erasure --subject C000012 --received "$(ago 65)" --verified "in person"
dsr execute 2
dsr close 2 --outcome "erased"
dsr new --type rectification --subject C000013 --received "$(ago 56)" --verified "by phone"
dsr extend 3 --months 2 --reason "many records to check"
dsr execute 3
dsr close 3 --outcome "corrected"
dsr new --type objection --purpose direct_marketing --subject C000014 --received "$(ago 80)" \
        --verified "by e-mail"
dsr new --type restriction --subject C000015 --verified "in person"
dsr execute 5
dsr new --type access --subject C000016 --received "$((YEAR - 1))-06-01" --verified "in person"
dsr execute 6 --out exports2
dsr close 6 --outcome "copy sent"
"$R" retention hold C000020 --reason "court case" "${DPO[@]}" > /dev/null 2>&1 || bad "hold"
"$R" retention run --db r.db --keyfile ret.key > run.out 2>&1 || bad "retention run: $(cat run.out)"
"$R" audit verify "${DPO[@]}" > /dev/null 2>&1 || bad "audit verify"
"$R" user disable warehouse "${DPO[@]}" > /dev/null 2>&1 || bad "user disable"
for i in 1 2 3; do
        echo "wrong password" | "$R" check --db r.db --user billing --password-stdin \
                --totp 000000 > /dev/null 2>&1
done

expect_rc 0 "the accountability report" "$R" privacy report "${DPO[@]}" --year "$YEAR"
cp out.txt report.md

# --- independent counts --------------------------------------------------
# disabling an account rotated the database key: read it again
KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2> /dev/null | tail -1)
FROM="$YEAR-01-01"; TO="$((YEAR + 1))-01-01"; TODAY=$(date +%F)
closed="date(closed_at,'unixepoch','localtime')"
in_year="received_on BETWEEN '$FROM' AND '$YEAR-12-31'"
# req_sql [TYPE] -> received answered on_time late extended open, one line
req_sql() {
        local w="$in_year${1:+ AND type = '$1'}"
        sql "SELECT count(*) FROM dsr_requests WHERE $w;
SELECT count(*) FROM dsr_requests WHERE $w AND closed_at IS NOT NULL;
SELECT count(*) FROM dsr_requests WHERE $w AND closed_at IS NOT NULL AND NOT $closed > due_on;
SELECT count(*) FROM dsr_requests WHERE $w AND ((closed_at IS NOT NULL AND $closed > due_on)
 OR (closed_at IS NULL AND '$TODAY' > due_on));
SELECT count(*) FROM dsr_requests WHERE $w AND extension_reason IS NOT NULL;
SELECT count(*) FROM dsr_requests WHERE $w AND status != 'closed';" | tr '\n' ' ' | sed 's/ $//'
}
# the median and the longest answer time from the raw days
days_sql() {
        sql "SELECT julianday($closed) - julianday(received_on) FROM dsr_requests
 WHERE $in_year${1:+ AND type = '$1'} AND closed_at IS NOT NULL;" |
                python3 -c 'import sys,statistics
d=[int(float(x)) for x in sys.stdin.read().split()]
m=statistics.median(d) if d else None
print(("-" if m is None else (str(int(m)) if m==int(m) else str(m))), max(d) if d else "-")'
}
# report_row LABEL -> the row's numbers as one line
report_row() {
        grep -F "| $1 |" report.md | head -1 | cut -d'|' -f3- | tr -d '|' | xargs
}
check() { # WHAT GOT WANT
        if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: report says '$2', SQL '$3'"; fi
}
for t in "All requests:" "Access (Art. 15):access" "Erasure (Art. 17):erasure" \
        "Rectification (Art. 16):rectification" "Objection (Art. 21):objection" \
        "Restriction (Art. 18):restriction"; do
        label=${t%%:*}; type=${t#*:}
        check "requests, $label" "$(report_row "$label")" "$(req_sql "$type") $(days_sql "$type")"
done
n=$(req_sql | cut -d' ' -f1)
if [ "$(date +%j)" -gt 85 ]; then
        [ "$n" = 5 ] && ok "the request of the year before is left out (5 of 6)" ||
                bad "$n requests counted in $YEAR, wanted 5"
fi
grep -qF "many records to check" report.md && ok "the extension's reason is shown" || bad "no reason"

num() { grep -F "$1" report.md | head -1 | grep -oE '[0-9]+' | tr '\n' ' ' | sed 's/ $//'; }
ex="date(executed_at,'unixepoch','localtime')"
check "erasures by request" "$(num "Erasure requests carried out:")" \
        "$(sql "SELECT count(*) FROM dsr_requests WHERE type='erasure' AND executed_at IS NOT NULL AND $ex >= '$FROM' AND $ex < '$TO';
SELECT count(*) FROM dsr_subjects WHERE kind='customer' AND request_id IN (SELECT id FROM dsr_requests WHERE type='erasure' AND executed_at IS NOT NULL AND $ex >= '$FROM' AND $ex < '$TO');" | tr '\n' ' ' | sed 's/ $//')"
an="date(anonymised_at,'unixepoch','localtime')"
want=$(sql "SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL AND $an >= '$FROM' AND $an < '$TO';")
check "customers anonymised or erased" "$(num "for any reason:")" "$want"
[ "$want" -gt 1 ] && ok "retention and the erasure did anonymise ($want)" || bad "nothing anonymised: $want"
for rule in prospects:"Prospects with no orders" inactive:"Customers with orders" notes:"Notes" \
        consents:"Withdrawn consents" requests:"Closed data subject requests" audit:"Audit trail entries"; do
        name=${rule%%:*}; label=${rule#*:}
        want=$(sql "SELECT sum(c.done) || ' ' || sum(c.rows) FROM retention_run_counts c JOIN retention_runs r
 ON r.id = c.run_id WHERE c.rule = '$name' AND r.today >= '$FROM' AND r.today < '$TO';")
        check "retention rule $name" "$(report_row "$label" | tr -s ' ')" "$want"
done
check "retention runs" "$(num "Runs:")" \
        "$(sql "SELECT count(*) FROM retention_runs WHERE today LIKE '$YEAR-%'; SELECT count(*) FROM retention_runs WHERE today LIKE '$YEAR-%' AND finished_at IS NOT NULL;" | tr '\n' ' ' | sed 's/ $//')"
check "manual legal holds" "$(num "Manual legal holds:")" "$(sql "SELECT count(*) FROM retention_holds;")"
check "customers with an open request" "$(num "Customers with an open request:")" \
        "$(sql "SELECT count(*) FROM (SELECT DISTINCT customer_id FROM dsr_subjects WHERE request_id IN (SELECT id FROM dsr_requests WHERE closed_at IS NULL));")"
restricted=$(sql "SELECT count(*) FROM customers WHERE restricted = 1 AND anonymised_at IS NULL;")
check "restricted customers" "$(grep -F "restricted (Art. 18) now:" report.md | grep -oE '[0-9]+$|[0-9]+\.$' | tr -d .)" "$restricted"
[ "$restricted" -ge 1 ] && ok "the restriction made one" || bad "no restricted customer"
check "restrictions in the period" "$(num "Restrictions carried out")" \
        "$(sql "SELECT count(*) FROM dsr_requests WHERE type='restriction' AND $ex >= '$FROM' AND $ex < '$TO';")"
check "audit verifications" "$(num "Verifications run in the period:")" \
        "$(sql "SELECT count(*) FROM audit_log WHERE action='audit.verify' AND at LIKE '$YEAR-%'; SELECT count(*) FROM audit_log WHERE action='audit.verify' AND at LIKE '$YEAR-%' AND result != 'ok';" | tr '\n' ' ' | sed 's/ $//')"
head=$(sql "SELECT hex(head_hash) FROM audit_state;" | tr 'A-F' 'a-f')
chain=$(grep -oE 'Chain head: [0-9a-f]{64}' report.md | cut -d' ' -f3)
# the report's own audit row came after its check: the head it printed is
# the hash of the row before that one (later commands wrote more rows)
prev=$(sql "SELECT lower(hex(hash)) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log
 WHERE id < (SELECT max(id) FROM audit_log WHERE action = 'privacy.report'));")
[ -n "$chain" ] && [ "$chain" = "$prev" ] && [ "$chain" != "$head" ] &&
        ok "the chain head is the trail's head when the report was made" ||
        bad "chain head $chain, row before the report's $prev (head now $head)"
cr="date(created_at,'unixepoch','localtime')"
check "accounts created and disabled" "$(num "Accounts created in the period:")" \
        "$(sql "SELECT count(*) FROM users WHERE $cr >= '$FROM' AND $cr < '$TO'; SELECT count(*) FROM audit_log WHERE action='account.disable' AND result='ok' AND at LIKE '$YEAR-%';" | tr '\n' ' ' | sed 's/ $//')"
active=$(sql "SELECT count(*) FROM users WHERE disabled = 0;")
mfa=$(sql "SELECT count(*) FROM users WHERE disabled = 0 AND totp_secret IS NOT NULL;")
check "active accounts and MFA" "$(num "Active accounts now:")" "$active $mfa $((mfa * 100 / active))"
lock=$(sql "SELECT count(*) FROM audit_log WHERE action='login.lockout' AND at LIKE '$YEAR-%'; SELECT count(*) FROM audit_log WHERE action='login.failure' AND at LIKE '$YEAR-%';" | tr '\n' ' ' | sed 's/ $//')
check "lockouts and failed logins" "$(num "Lockouts after repeated failed logins")" "$lock"
[ "${lock%% *}" -ge 1 ] && ok "the failed logins made a lockout" || bad "no lockout: $lock"
grep -qF "Request 4 (Objection (Art. 21)) was due" report.md && ok "the overdue request is an open item" ||
        bad "overdue request not listed"

# --- counts and dates only ------------------------------------------------
names=$(sql "SELECT name FROM customers WHERE id IN (11,12,13,14,15,16) AND name != '';")
leak=0
while IFS= read -r n; do [ -n "$n" ] && grep -qF "$n" report.md && leak=1; done <<< "$names"
[ -n "$names" ] && [ "$leak" = 0 ] && ! grep -qE 'C0000(1[1-6]|20)' report.md &&
        ok "no subject's name or customer number is in the report" || bad "the report names a subject"
cli_done
