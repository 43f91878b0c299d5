#!/bin/bash
# test_backup.sh - `rekisteri backup` writes an encrypted backup that opens
# with the same key and never overwrites; after an erasure, `rekisteri
# restore` of the older backup replays the erasure ledger before the
# restored register is put in place, so the erased person stays erased
# (checked in every decrypted page) while the other customer comes back.
# Failed backups are audited as failed with their error class, a failed
# execution (of a request the restored register does not hold) too, and
# failed restores (noted beside the target, recorded by the next opening).
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
last_backup() { sql_with_key "$KEY" "SELECT value FROM meta WHERE key='last_backup_at';" | grep -v '^ok$'; }
LB=$(last_backup)
[ -n "$LB" ] && ok "the register notes when its last backup was taken" || bad "no last_backup_at"
sleep 1.1 # a failed backup one second later must not move it
expect_rc 1 "a second backup never overwrites" "$R" backup --out b1.db "${U[@]}"
expect_rc 1 "a backup into a directory that does not exist" "$R" backup --out nodir/b.db "${U[@]}"
[ "$(last_backup)" = "$LB" ] && ok "failed backups leave the last backup's time as it was" ||
        bad "a failed backup moved last_backup_at from $LB to $(last_backup)"
"$R" audit list --action backup.create "${U[@]}" > bc.txt 2>&1
grep -qE "backup.create +- +- +failed input/output error" bc.txt &&
        grep -qE "backup.create +- +- +failed already exists" bc.txt &&
        [ "$(grep -cE "backup.create .* ok" bc.txt)" = 1 ] &&
        ok "the failed backups are on record as failed, with their error class; the good one as ok" ||
        bad "audit: $(cat bc.txt)"

expect_rc 0 "erasure" "$R" dsr new --type erasure --subject C000001 --verified "in person" \
        "${U[@]}"
expect_rc 0 "execute" "$R" dsr execute 1 "${U[@]}"

# the ledger file is a mirror: deleted, the next command writes it again
# from the register
[ "$(sqlite3 r.db.erased 'SELECT customer_number FROM erasures;')" = C000001 ] &&
        ok "the ledger names the erased customer" || bad "ledger before"
rm r.db.erased
expect_rc 0 "any command after the ledger file was lost" "$R" check "${U[@]}"
[ "$(sqlite3 r.db.erased 'SELECT customer_number FROM erasures;')" = C000001 ] &&
        ok "the ledger file is repaired from the register" || bad "ledger not repaired"

# the database is lost; its slot file and ledger survive beside it
mkdir lost && mv r.db lost/ && rm -f r.db-wal r.db-shm
expect_rc 1 "the backup holds no staff slot: a staff key file cannot restore it" \
        "$R" restore --from b1.db --db r.db --keyfile dpo.key
ls r.db.restoring* > /dev/null 2>&1 && bad "a failed restore left $(ls r.db.restoring*)" ||
        ok "a failed restore leaves no staged file"
expect_rc 0 "restore the older backup with the recovery key" "$R" restore --from b1.db \
        --db r.db --password-stdin <<< "$REC"
grep -q "1 record was forgotten again" out.txt && ok "the ledger was replayed" || bad "$(cat out.txt)"
grep -Eq "keyslots? of today took over" out.txt && ok "today's keyslots took over" ||
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
[ -s r.db.restore-failed ] && ok "the failed restore is noted beside the target" ||
        bad "no note of the failed restore"
# both failed restores are on record: the first (before the good one) in
# the restored register's trail, the second when the register was next
# opened (this listing)
"$R" audit list --action backup.restore "${U[@]}" > br.txt 2>&1
[ "$(grep -cE "backup.restore .* failed" br.txt)" = 2 ] &&
        grep -qE "backup.restore .* failed (key|slot|wrong|credentials|.*) \(at 20" br.txt &&
        [ "$(grep -cE "backup.restore .* ok" br.txt)" = 1 ] &&
        ok "the two failed restores are on record as failed, with their class and time; the good one as ok" ||
        bad "audit: $(cat br.txt)"
[ ! -e r.db.restore-failed ] && ok "the note is gone once recorded" || bad "the note stayed"
"$R" audit list --action dsr.replay "${U[@]}" > a.txt 2>&1
grep -q 'dsr.replay' a.txt && ok "the replay is in the audit trail" || bad "$(cat a.txt)"
expect_rc 1 "an audit export into a directory that does not exist" "$R" audit export \
        --out nodir/a.csv "${U[@]}"
"$R" audit list --action audit.export "${U[@]}" > ae.txt 2>&1
grep -qE "audit.export .* failed input/output error" ae.txt && ! grep -qE "audit.export .* ok" ae.txt &&
        ok "the failed audit export is on record as failed, and not as ok" || bad "audit: $(cat ae.txt)"
expect_rc 1 "executing a request the restored register does not have" "$R" dsr execute 1 "${U[@]}"
"$R" audit list --action dsr.execute "${U[@]}" > de.txt 2>&1
grep -qE "dsr.execute +- +- +failed request:1: not found" de.txt &&
        ok "the failed execution is on record as failed" || bad "audit: $(cat de.txt)"
cli_done
