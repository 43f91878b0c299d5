#!/bin/bash
# test_backup.sh - `rekisteri backup` writes an encrypted backup that opens
# with the same key and never overwrites; after an erasure, `rekisteri
# restore` of the older backup replays the erasure ledger before the
# restored register is put in place, so the erased person stays erased
# (checked in every decrypted page) while the other customer comes back.
# The backup opens only with the recovery key (no staff slot in it); after
# the restore today's key file works again.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
python3 -c 'import cryptography' 2> /dev/null || { echo "SKIP: python3-cryptography"; exit 77; }
dsr_register || { bad "register"; exit 1; }
dsr_seed || { bad "seeding: $(cat seed.txt)"; exit 1; }
U=(--db r.db --keyfile dpo.key)

expect_rc 0 "backup" "$R" backup --out b1.db "${U[@]}"
[ -s b1.db ] && [ -s b1.db.keys ] && ok "backup and its slot file written" || bad "files"
[ "$(stat -c %a b1.db)" = 600 ] && ok "backup is 0600" || bad "mode $(stat -c %a b1.db)"
head -c 16 b1.db | grep -q "SQLite format" && bad "the backup is not encrypted" ||
        ok "the backup is encrypted"
[ "$(sql_with_key "$KEY" "SELECT name FROM customers WHERE id=1;" b1.db)" = "Aino Virtanen" ] &&
        ok "the backup opens with the register's key" || bad "backup key"
python3 "$DSR_PAGEDUMP" "$KEY" b1.db > b1.bin && grep -qaF "aino.virtanen@example.fi" b1.bin &&
        ok "the subject is in the backup" || bad "subject missing from the backup"
expect_rc 1 "a second backup never overwrites" "$R" backup --out b1.db "${U[@]}"

expect_rc 0 "erasure" "$R" dsr new --type erasure --subject C000001 --verified "in person" \
        "${U[@]}"
expect_rc 0 "execute" "$R" dsr execute 1 "${U[@]}"

# the database is lost; its slot file and ledger survive beside it
mkdir lost && mv r.db lost/ && rm -f r.db-wal r.db-shm
expect_rc 1 "the backup holds no staff slot: a staff key file cannot restore it" \
        "$R" restore --from b1.db --db r.db --keyfile dpo.key
ls r.db.restoring* > /dev/null 2>&1 && bad "a failed restore left $(ls r.db.restoring*)" ||
        ok "a failed restore leaves no staged file"
expect_rc 0 "restore the older backup with the recovery key" "$R" restore --from b1.db \
        --db r.db --password-stdin <<< "$REC"
grep -q "1 erased record" out.txt && ok "the ledger was replayed" || bad "$(cat out.txt)"
grep -q "keyslot(s) of today took over" out.txt && ok "today's keyslots took over" ||
        bad "$(cat out.txt)"
# the keys were rotated: the database key of before no longer opens it
KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2> /dev/null)
[ -z "$(ls r.db.restoring* 2>/dev/null)" ] && ok "no staged files left" || bad "staged files remain: $(ls r.db.restoring*)"
dsr_pages restored.bin || { bad "pagedump"; exit 1; }
for v in "${SUBJECT_VALUES[@]}"; do
        n=$(dsr_count_in restored.bin "$v")
        [ "$n" = 0 ] || bad "restored register holds '$v' ($n)"
done
ok "the erased person did not come back from the backup"
[ "$(dsr_count_in restored.bin "Bertta Muukalainen")" -gt 0 ] && ok "the other customer did" ||
        bad "other customer missing"
printf 'hetu=131052-308T\n' | "$R" dsr check "${U[@]}" > chk.txt 2>&1
grep -q FLAGGED chk.txt && ok "the restored suppression list flags the person" ||
        bad "check: $(cat chk.txt)"
expect_rc 1 "restore never overwrites a register" "$R" restore --from b1.db --db r.db \
        --keyfile dpo.key
"$R" audit list --action dsr.replay "${U[@]}" > a.txt 2>&1
grep -q 'dsr.replay' a.txt && ok "the replay is in the audit trail" || bad "$(cat a.txt)"
cli_done
