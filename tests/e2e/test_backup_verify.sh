#!/bin/bash
# test_backup_verify.sh - the restore drill (issue 18): `rekisteri restore
# --verify-only BACKUP` opens a copy of the backup as a restore does (here
# with the recovery key on stdin; a staff key file opens no backup), reads
# and authenticates every page, verifies the audit trail (every MAC with
# K0 from a file), reports the age and the customer count, and leaves the
# backup byte for byte as it was, with no copy left behind. A backup with
# one changed byte in one page fails the drill (exit 1); the good one then
# restores.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
dsr_register || { bad "register"; exit 1; }
dsr_seed || { bad "seeding: $(cat seed.txt)"; exit 1; }
K0=$(grep -A3 'AUDIT KEY' init.txt | grep -oE '[0-9a-f]{64}' | head -1)
[ -n "$K0" ] || { bad "init printed no audit key"; exit 1; }
echo "$K0" > k0.txt
U=(--db r.db --keyfile dpo.key)
expect_rc 0 "backup" "$R" backup --out b1.db "${U[@]}"
# The drill must report when the backup was taken, not when it was opened:
# stamp this one as taken three days ago (with the raw key, as the backup
# itself stamps it), so the two differ.
then=$(($(date +%s) - 3 * 86400 - 600))
sql_with_key "$KEY" "SELECT 'stamp', value FROM meta WHERE key='last_backup_at';" b1.db |
        grep -q '^stamp|[0-9]' && ok "the backup carries the time it was taken" ||
        bad "no last_backup_at in the backup"
sql_with_key "$KEY" "UPDATE meta SET value=$then WHERE key='last_backup_at';" b1.db >/dev/null
sums() { sha256sum b1.db b1.db.keys; }
before=$(sums)

expect_rc 1 "a staff key file opens no backup, so no drill either" "$R" restore \
        --verify-only b1.db --keyfile dpo.key
grep -q 'FAILED the drill' err.txt && ok "it says so" || bad "$(cat out.txt err.txt)"
ls -a | grep -q '^\.rekisteri-verify' && bad "a failed drill left its copy" || ok "and leaves no copy"
expect_rc 0 "restore --verify-only on a good backup" "$R" restore --verify-only b1.db \
        --password-stdin --key-file k0.txt <<< "$REC"
grep -q 'pages: *ok, every page read and authenticated' out.txt && ok "every page ok" ||
        bad "pages: $(cat out.txt)"
grep -q 'audit trail: ok .*every MAC checked with K0' out.txt && ok "the trail verifies" ||
        bad "trail: $(cat out.txt)"
grep -q "taken: *$(date -d "@$then" +%F) [0-9:]*, 3 days ago" out.txt &&
        ok "its age: taken three days ago" || bad "age: $(cat out.txt)"
grep -q 'customers: *2$' out.txt && ok "two customers in it" || bad "count: $(cat out.txt)"
grep -q 'The backup is good' out.txt && ok "the verdict" || bad "$(cat out.txt)"
[ "$(sums)" = "$before" ] && ok "the backup is unchanged" || bad "the drill changed the backup"
ls -a | grep -q '^\.rekisteri-verify' && bad "a staged copy was left" || ok "no copy left"
[ ! -e r.db.restoring ] && ok "nothing was installed" || bad "staged restore files"

# one changed byte in the last page
cp b1.db bad.db && cp b1.db.keys bad.db.keys
size=$(stat -c %s bad.db)
[ "$size" -ge 16384 ] || bad "backup too small to damage a page ($size)"
printf '\xff\x00\xff' | dd of=bad.db bs=1 seek=$((size - 2000)) conv=notrunc status=none
cmp -s b1.db bad.db && bad "the damage did not take" || ok "bad.db differs from b1.db"
expect_rc 1 "restore --verify-only on a damaged backup" "$R" restore --verify-only bad.db \
        --password-stdin --key-file k0.txt <<< "$REC"
grep -q 'FAILED the drill' out.txt err.txt && ok "it says the backup failed" ||
        bad "$(cat out.txt err.txt)"

mkdir lost && mv r.db lost/ && rm -f r.db-wal r.db-shm
expect_rc 0 "the verified backup restores" "$R" restore --from b1.db --db r.db \
        --password-stdin <<< "$REC"
cli_done
