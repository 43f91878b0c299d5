#!/bin/bash
# test_kills.sh - forgetting holds when the process is killed: SIGKILL of
# `dsr execute` and of `retention run` at random moments, at least 50
# real kills each (a kill that came after the process ended is not
# counted). After each kill, and again after the next command:
#   - the ledger file names nobody the register has not forgotten (right
#     after the kill, before anything repairs it); after the next command
#     it names exactly the register's forgotten;
#   - `check` (the next command) and `audit verify --key-file` pass;
#   - a request is carried out exactly when its person is anonymised;
#   - no index row of a forgotten customer holds more than its numbers;
# and every fifth kill, and at the end:
#   - a restore of the backup taken before it all, with the ledger,
#     forgets exactly the people the register has forgotten;
#   - no e-mail, phone or identity code of a forgotten person is in any
#     decrypted page or WAL frame after the next command
#     (tests/tools/pagedump.py): the index merge the killed retention run
#     owed was paid by that command.
# Counts of kills before and after the COMMIT are printed.
source "$(dirname "$0")/cli_lib.sh"
python3 -c 'import cryptography' 2> /dev/null || { echo "SKIP: python3-cryptography"; exit 77; }
PAGEDUMP="${SRCDIR:?}/tests/tools/pagedump.py"
KILLS=${RK_KILLS:-50}
cli_config '[role.retention]' 'actions = retention' '[retention]' 'batch_size = 1'

cli_demo r.db 1500 || { bad "demo register"; exit 1; }
DPO=(--db r.db --keyfile dpo.key)
(umask 077 && printf '%s\n' "$K0" > k0.txt)
sql() { sql_with_key "$KEY" "$1" "${2:-r.db}" | grep -v '^ok$'; }
mkdir bk
"$R" backup --out bk/pre.db "${DPO[@]}" > /dev/null 2>&1 || bad "backup"

forgotten() { sql "SELECT number FROM customers WHERE anonymised_at IS NOT NULL ORDER BY 1;"; }
ledger_names() {
        [ -e r.db.erased ] || return 0
        sqlite3 r.db.erased "SELECT DISTINCT customer_number FROM erasures ORDER BY 1;"
}
# the invariants; $1 names the kill
checks() {
        local what=$1 extra
        forgotten > f.txt
        ledger_names > l.txt
        extra=$(comm -13 f.txt l.txt)
        [ -z "$extra" ] || bad "$what: the ledger names people not forgotten: $extra"
        "$R" check "${DPO[@]}" > chk.txt 2>&1 || bad "$what: check: $(cat chk.txt)"
        "$R" audit verify --key-file k0.txt "${DPO[@]}" > av.txt 2>&1 ||
                bad "$what: audit verify: $(cat av.txt)"
        forgotten > f.txt
        ledger_names > l.txt
        cmp -s f.txt l.txt || bad "$what: after the next command the ledger differs from the register"
        [ "$(sql "SELECT count(*) FROM dsr_requests r JOIN dsr_subjects s ON s.request_id=r.id
 JOIN customers c ON c.id=s.customer_id WHERE r.type='erasure' AND (r.status='executed') != (c.anonymised_at IS NOT NULL);")" = 0 ] ||
                bad "$what: a request and its person disagree"
        # (a company's business ID is not personal and stays findable; a person's goes)
        [ "$(sql "SELECT count(*) FROM customer_fts f JOIN customers c ON c.id=f.docid
 WHERE c.anonymised_at IS NOT NULL AND ((f.identity != '' AND (c.kind != 'company'
 OR c.business_id IS NULL OR c.business_id = '')) OR f.contact != '' OR f.idcode != '');")" = 0 ] ||
                bad "$what: an index row of a forgotten customer holds more than its numbers"
}
# the values of the forgotten as the backup held them, not shared by anyone kept
values_of_forgotten() {
        local list
        list=$(sql "SELECT group_concat(quote(number)) FROM customers WHERE anonymised_at IS NOT NULL;")
        [ -n "$list" ] || { : > values.txt; return; }
        sql "SELECT email FROM customers WHERE email IS NOT NULL AND number IN ($list) UNION
 SELECT phone FROM customers WHERE phone IS NOT NULL AND number IN ($list) UNION
 SELECT hetu FROM customers WHERE hetu IS NOT NULL AND number IN ($list);" bk/pre.db | sort -u > fv.txt
        sql "SELECT email FROM customers WHERE email IS NOT NULL UNION SELECT phone FROM customers
 WHERE phone IS NOT NULL UNION SELECT hetu FROM customers WHERE hetu IS NOT NULL;" | sort -u > kv.txt
        comm -23 fv.txt kv.txt > values.txt
}
deep_checks() {
        local what=$1 n
        rm -rf rs && mkdir rs
        if "$R" restore --from bk/pre.db --db rs/r.db --ledger r.db.erased --password-stdin \
                <<< "$REC" > rs.txt 2>&1; then
                # the restore rotated its keys
                rkey=$(echo "$REC" | "$R" key dump-raw --db rs/r.db --password-stdin 2> /dev/null | tail -1)
                sql_with_key "$rkey" "SELECT number FROM customers WHERE anonymised_at IS NOT NULL
 ORDER BY 1;" rs/r.db | grep -v '^ok$' > rf.txt
                forgotten > f.txt
                cmp -s f.txt rf.txt || bad "$what: the restore forgets $(wc -l < rf.txt), the register $(wc -l < f.txt)"
        else
                bad "$what: restore: $(cat rs.txt)"
        fi
        values_of_forgotten
        python3 "$PAGEDUMP" "$KEY" r.db > d.bin
        [ -s r.db-wal ] && python3 "$PAGEDUMP" "$KEY" r.db-wal --wal >> d.bin
        n=$(wc -l < values.txt)
        if [ "$n" -gt 0 ] && grep -qaF -f values.txt d.bin; then
                bad "$what: a value of a forgotten person is on disk: $(grep -aoF -f values.txt d.bin | head -2)"
        fi
        echo "# $what: deep checks over $n values"
}
# kill_at (cli_lib.sh) kills at random moments over a command's run

# --- dsr execute ---------------------------------------------------------
SPAN=0.25
kills=0 before=0 after=0 tries=0
mapfile -t people < <(sql "SELECT number FROM customers WHERE kind='person' AND anonymised_at IS NULL
 ORDER BY id LIMIT 150;")
while [ "$kills" -lt "$KILLS" ] && [ "$tries" -lt 150 ]; do
        num=${people[$tries]}
        tries=$((tries + 1))
        "$R" dsr new --type erasure --subject "$num" --verified "in person" "${DPO[@]}" > new.txt 2>&1 ||
                { bad "dsr new $num: $(cat new.txt)"; continue; }
        id=$(sed -n 's/^Request \([0-9]*\):.*/\1/p' new.txt)
        kill_at "$R" dsr execute "$id" "${DPO[@]}"
        [ "$killed" = 1 ] || continue
        kills=$((kills + 1))
        if [ "$(sql "SELECT status FROM dsr_requests WHERE id=$id;")" = executed ]; then
                after=$((after + 1))
        else
                before=$((before + 1))
        fi
        checks "dsr execute kill $kills"
        [ $((kills % 5)) = 0 ] && deep_checks "dsr execute kill $kills"
done
[ "$kills" -ge "$KILLS" ] && ok "$kills kills of dsr execute ($before before its COMMIT, $after after) in $tries tries" ||
        bad "only $kills kills of dsr execute in $tries tries"
[ "$before" -gt 0 ] && [ "$after" -gt 0 ] && ok "kills landed on both sides of the COMMIT" ||
        bad "kills all on one side: $before before, $after after"

# --- retention run -------------------------------------------------------
SPAN=0.5
kills=0 tries=0
while [ "$kills" -lt "$KILLS" ] && [ "$tries" -lt 200 ]; do
        tries=$((tries + 1))
        b=$(forgotten | wc -l)
        kill_at "$R" retention run --db r.db --keyfile ret.key
        [ "$killed" = 1 ] || continue
        kills=$((kills + 1))
        a=$(forgotten | wc -l)
        echo "# retention kill $kills: $((a - b)) forgotten in that run"
        checks "retention kill $kills"
        [ $((kills % 5)) = 0 ] && deep_checks "retention kill $kills"
done
[ "$kills" -ge "$KILLS" ] && ok "$kills kills of retention run in $tries tries" ||
        bad "only $kills kills of retention run in $tries tries"
"$R" retention run --db r.db --keyfile ret.key > last.txt 2>&1 || bad "the last run: $(cat last.txt)"
checks "after the last run"
deep_checks "the end"
ok "the invariants held after every kill (each failure above is counted)"
cli_done
