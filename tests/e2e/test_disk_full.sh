#!/bin/bash
# test_disk_full.sh - forgetting on a full disk: a register on a small
# tmpfs (needs root to mount one, else skipped), the disk filled up to a
# sweep of levels during erasures and during retention runs. Every message
# must be true:
#   - `dsr execute` that exits 0 erased the person; if it says something
#     is still pending, it is; one that exits 1 left the person and the
#     request as they were (its "nothing was changed" holds);
#   - `retention run` that fails says how many subjects its earlier
#     batches did; exactly that many were forgotten by it;
# and after space is freed, one ordinary command (`check`) finishes what
# was owed by itself: nothing pending, the ledger matches the register,
# and no e-mail, phone or identity code of anyone forgotten is in any
# decrypted page or WAL frame (tests/tools/pagedump.py). Nothing is half
# done: every request is executed exactly when its person is anonymised.
# The branch where the erasure commits and only the WAL truncation after it
# meets the full disk is run on its own: its message, the debt it records,
# and that the next command pays it.
source "$(dirname "$0")/cli_lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to mount a tmpfs"; exit 77; }
python3 -c 'import cryptography' 2> /dev/null || { echo "SKIP: python3-cryptography"; exit 77; }
PAGEDUMP="${SRCDIR:?}/tests/tools/pagedump.py"
mkdir small
mount -t tmpfs -o size=8m,mode=0700 rk-full-test small || { echo "SKIP: cannot mount tmpfs"; exit 77; }
trap 'umount -l "$T/small" 2> /dev/null; rm -rf "$T"' EXIT
cli_config '[role.retention]' 'actions = retention' '[retention]' 'batch_size = 5'

cli_demo small/r.db 300 || { bad "demo register"; exit 1; }
mv small/r.db.users .
DPO=(--db small/r.db --keyfile dpo.key)
"$R" backup --out pre.db "${DPO[@]}" > /dev/null 2>&1 || bad "a copy of the start"
sql() { sql_with_key "$KEY" "$1" small/r.db | grep -v '^ok$'; }
forgotten() { sql "SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL;"; }
fill() { # leave about $1 KiB free
        rm -f small/fill
        dd if=/dev/zero of=small/fill bs=4k 2> /dev/null
        [ "$1" -gt 0 ] && truncate -s "-$1K" small/fill
        sync
}
mapfile -t people < <(sql "SELECT number FROM customers WHERE kind='person' AND
 anonymised_at IS NULL ORDER BY id LIMIT 12;")
full_fail=0 full_ok=0 pending=0

# --- erasures on a full disk ---------------------------------------------
i=0
for free in 0 16 48 96 160 256 384 512 768 1024; do
        num=${people[$i]}
        i=$((i + 1))
        rm -f small/fill
        "$R" dsr new --type erasure --subject "$num" --verified "in person" "${DPO[@]}" > new.txt 2>&1 ||
                { bad "dsr new: $(cat new.txt)"; continue; }
        id=$(sed -n 's/^Request \([0-9]*\):.*/\1/p' new.txt)
        fill "$free"
        "$R" dsr execute "$id" "${DPO[@]}" > ex.txt 2>&1
        rc=$?
        if grep -q "still pending" ex.txt; then
                "$R" check "${DPO[@]}" > chk.txt 2>&1
        fi
        rm -f small/fill
        state=$(sql "SELECT r.status, c.anonymised_at IS NOT NULL FROM dsr_requests r JOIN
 customers c ON c.number='$num' WHERE r.id=$id;")
        if [ "$rc" = 0 ]; then
                full_ok=$((full_ok + 1))
                [ "$state" = "executed|1" ] || bad "$free KiB: exit 0 but $num: $state"
                if grep -q "still pending" ex.txt; then
                        pending=$((pending + 1))
                        grep -qE "pending after a forgetting|disk full|disk is full|I/O error" chk.txt ||
                                bad "$free KiB: said pending, check (disk still full) shows nothing: $(cat chk.txt)"
                fi
                grep -q "nothing was changed" ex.txt && bad "$free KiB: committed, yet: $(cat ex.txt)"
        else
                full_fail=$((full_fail + 1))
                [ "$state" = "verified|0" ] || bad "$free KiB: exit $rc but $num: $state ($(cat ex.txt))"
                grep -qE "disk full|disk is full|disk I/O error" ex.txt || bad "$free KiB: exit $rc: $(cat ex.txt)"
        fi
done
rm -f small/fill
echo "# erasures: $full_ok committed ($pending with pending work), $full_fail refused by the full disk"
[ "$full_fail" -gt 0 ] && [ "$full_ok" -gt 0 ] && ok "the sweep hit both outcomes" ||
        bad "the sweep did not hit both outcomes ($full_ok ok, $full_fail failed)"

# --- retention runs on a full disk -----------------------------------------
rfail=0
for free in 16 96 256 512 1024 2048; do
        b=$(forgotten)
        fill "$free"
        "$R" retention run --db small/r.db --keyfile ret.key > rr.txt 2>&1
        rc=$?
        rm -f small/fill
        a=$(forgotten)
        if [ "$rc" != 0 ]; then
                rfail=$((rfail + 1))
                said=$(sed -n 's/.*the \([0-9]*\) subjects\{0,1\} of earlier batches stays\{0,1\} done.*/\1/p' rr.txt)
                if [ -n "$said" ]; then
                        # subjects counts every rule's; anonymised customers are part of it
                        [ "$((a - b))" -le "$said" ] ||
                                bad "$free KiB: said $said done, $((a - b)) customers forgotten"
                else
                        grep -qE "disk full|disk is full|disk I/O error" rr.txt || bad "$free KiB: $(cat rr.txt)"
                        [ "$a" = "$b" ] || bad "$free KiB: failed before any batch, yet $((a - b)) forgotten"
                fi
                grep -q "nothing was changed" rr.txt && [ "$a" != "$b" ] &&
                        bad "$free KiB: 'nothing was changed' after $((a - b)) were forgotten"
        fi
        echo "# retention with $free KiB free: exit $rc, $((a - b)) forgotten: $(head -c 200 rr.txt | tr '\n' ' ')"
done
[ "$rfail" -gt 0 ] && ok "$rfail retention run(s) stopped by the full disk, each message true" ||
        bad "no retention run met the full disk"

# --- the disk full just after the COMMIT: the WAL truncation fails --------
# On this tmpfs the commit's own WAL frames need space before the
# checkpoint does, so the disk is made full at exactly that moment with the
# fault library: from the first write to the database file itself (in WAL
# mode, the checkpoint after the commit) every write to it fails with
# ENOSPC until the command ends, as a disk that stays full would.
"$R" check "${DPO[@]}" > /dev/null 2>&1 # what the runs above owe, paid first
num=$(sql "SELECT number FROM customers WHERE kind='person' AND anonymised_at IS NULL AND
 email IS NOT NULL ORDER BY id DESC LIMIT 1;")
"$R" dsr new --type erasure --subject "$num" --verified "in person" "${DPO[@]}" > new.txt 2>&1 ||
        bad "dsr new: $(cat new.txt)"
id=$(sed -n 's/^Request \([0-9]*\):.*/\1/p' new.txt)
mail=$(sql "SELECT email FROM customers WHERE number='$num';")
[ -n "$mail" ] && ok "$num has an e-mail to look for" || bad "$num has no e-mail"
LD_PRELOAD=$RK_FAULT_LIB RK_FAULT_FILE=r.db RK_FAULT_OP=write RK_FAULT_N=1 RK_FAULT_STAYS=1 \
        RK_FAULT_ERRNO=ENOSPC RK_FAULT_LOG=$T/wf.log ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
        "$R" dsr execute "$id" "${DPO[@]}" > ex.txt 2>&1
rc=$?
grep -q "^injected write 1 r.db ENOSPC" wf.log && ok "the checkpoint's first write met a full disk" ||
        bad "no fault injected: $(cat wf.log 2> /dev/null)"
[ "$rc" = 0 ] && grep -q "the erasure is committed; still pending" ex.txt &&
        grep -q "write-ahead log could not be truncated yet (disk full)" ex.txt &&
        grep -q "done by itself at the next opening" ex.txt &&
        ! grep -q "nothing was changed" ex.txt &&
        ok "exit 0 and a true message: committed, the WAL truncation pending, done by itself" ||
        bad "exit $rc: $(cat ex.txt)"
# read a copy, so that reading does not checkpoint the register's own WAL
rm -rf cp && mkdir cp && cp small/r.db small/r.db-wal cp/
[ "$(sql_with_key "$KEY" "SELECT r.status, c.anonymised_at IS NOT NULL FROM dsr_requests r JOIN
 customers c ON c.number='$num' WHERE r.id=$id; SELECT kind FROM scrub_debt;" cp/r.db |
        grep -v '^ok$' | tr '\n' ' ')" = "executed|1 wal " ] &&
        ok "the erasure committed and the WAL truncation is recorded as owed" ||
        bad "state: $(sql_with_key "$KEY" "SELECT kind FROM scrub_debt;" cp/r.db)"
# what the debt is for: the erasure's pages are only in the WAL, so the
# database file's own pages still hold the old values
python3 "$PAGEDUMP" "$KEY" small/r.db > w.bin
grep -qaF "$mail" w.bin && ok "the database file still holds the erased e-mail until the checkpoint" ||
        bad "the database file did not hold the e-mail: the debt proves nothing"
expect_rc 0 "the next command, with space" "$R" check "${DPO[@]}"
[ -z "$(sql "SELECT kind FROM scrub_debt;")" ] && ok "the debt is paid by that command" ||
        bad "still owed: $(sql "SELECT kind FROM scrub_debt;")"
: > w.bin
[ -s small/r.db-wal ] && python3 "$PAGEDUMP" "$KEY" small/r.db-wal --wal > w.bin
python3 "$PAGEDUMP" "$KEY" small/r.db >> w.bin
grep -qaF "$mail" w.bin && bad "the erased e-mail is still on disk" ||
        ok "the erased e-mail is in no page or WAL frame any more"

# --- space again: it finishes by itself ------------------------------------
expect_rc 0 "check once there is space" "$R" check "${DPO[@]}"
grep -q pending out.txt && bad "still pending: $(cat out.txt)" || ok "nothing pending after one command"
expect_rc 0 "retention finishes" "$R" retention run --db small/r.db --keyfile ret.key
[ "$(sql "SELECT count(*) FROM dsr_requests r JOIN dsr_subjects s ON s.request_id=r.id
 JOIN customers c ON c.id=s.customer_id WHERE r.type='erasure' AND (r.status='executed') != (c.anonymised_at IS NOT NULL);")" = 0 ] &&
        ok "nothing half done: every request executed exactly when its person is forgotten" ||
        bad "a request and its person disagree"
sql "SELECT number FROM customers WHERE anonymised_at IS NOT NULL ORDER BY 1;" > f.txt
sqlite3 small/r.db.erased "SELECT DISTINCT customer_number FROM erasures ORDER BY 1;" > l.txt
cmp -s f.txt l.txt && ok "the ledger names exactly the $(wc -l < f.txt) forgotten" ||
        bad "ledger $(wc -l < l.txt) vs register $(wc -l < f.txt)"
list=$(sql "SELECT group_concat(quote(number)) FROM customers WHERE anonymised_at IS NOT NULL;")
sql_with_key "$KEY" "SELECT email FROM customers WHERE email IS NOT NULL AND number IN ($list) UNION
 SELECT phone FROM customers WHERE phone IS NOT NULL AND number IN ($list) UNION
 SELECT hetu FROM customers WHERE hetu IS NOT NULL AND number IN ($list);" pre.db |
        grep -v '^ok$' | sort -u > fv.txt
sql "SELECT email FROM customers WHERE email IS NOT NULL UNION SELECT phone FROM customers
 WHERE phone IS NOT NULL UNION SELECT hetu FROM customers WHERE hetu IS NOT NULL;" | sort -u > kv.txt
comm -23 fv.txt kv.txt > values.txt
python3 "$PAGEDUMP" "$KEY" pre.db > pre.bin
[ -s values.txt ] && grep -qaF -f values.txt pre.bin &&
        ok "$(wc -l < values.txt) values of the forgotten, all in the copy from the start" ||
        bad "no values to look for"
python3 "$PAGEDUMP" "$KEY" small/r.db > d.bin
[ -s small/r.db-wal ] && python3 "$PAGEDUMP" "$KEY" small/r.db-wal --wal >> d.bin
grep -qaF -f values.txt d.bin && bad "a value of the forgotten is on disk: $(grep -aoF -f values.txt d.bin | head -2)" ||
        ok "none of them in any page or WAL frame of the register"
cli_done
