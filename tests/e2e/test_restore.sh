#!/bin/bash
# test_restore.sh - a restore on a new machine with only the backup set and
# the ledger the README says to keep off the machine: nobody forgotten
# after the backup comes back, and without the ledger the restore is
# refused. Then each kind of bad input, each with a clear message and
# nothing moved into place.
#   1. demo register (2000 customers); `backup --out bk/pre.db`;
#   2. erase C000016 by request; `retention run` anonymises the others due;
#   3. copy bk/pre.db{,.keys,.erased} and the register's ledger r.db.erased
#      (and the key file) into a fresh directory; restore there with
#      --ledger: none of the forgotten is back, in any decrypted page or WAL
#      frame (tests/tools/pagedump.py) of the restored files;
#   4. the same restore without the ledger: exit 1, the message names what
#      is missing, nothing at the target; --force-without-ledger restores
#      and the audit trail records the override;
#   5. truncated and corrupted backups, another register's backup and
#      ledger, a missing .keys, a target that holds a register.
source "$(dirname "$0")/cli_lib.sh"
python3 -c 'import cryptography' 2> /dev/null || { echo "SKIP: python3-cryptography"; exit 77; }
PAGEDUMP="${SRCDIR:?}/tests/tools/pagedump.py"
cli_config '[role.retention]' 'actions = retention'

cli_demo r.db 2000 || { bad "demo register"; exit 1; }
DPO=(--db r.db --keyfile dpo.key)
# the key file labelled "backup" is the one staff slot a backup keeps
"$R" key add-file "${DPO[@]}" --label backup --roles supervisor,admin --out bkp.key \
        > /dev/null 2>&1 || bad "backup key file"
sql() { sql_with_key "$KEY" "$1" "${2:-r.db}"; }

mkdir bk
expect_rc 0 "backup before anyone is forgotten" "$R" backup --out bk/pre.db "${DPO[@]}"
[ "$(sql "SELECT count(*) FROM customers WHERE anonymised_at IS NULL AND number='C000016';")" = 1 ] ||
        bad "C000016 is not there to erase"

# --- forget: one erasure by request, retention for the others --------------
expect_rc 0 "erasure request for C000016" "$R" dsr new --type erasure --subject C000016 \
        --verified "in person" "${DPO[@]}"
id=$(sed -n 's/^Request \([0-9]*\).*/\1/p' out.txt | head -1)
expect_rc 0 "carried out" "$R" dsr execute "${id:-1}" "${DPO[@]}"
expect_rc 0 "retention run" "$R" retention run --db r.db --keyfile ret.key
gone=$(sql "SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL;")
[ "${gone:-0}" -gt 10 ] && ok "$gone customers forgotten after the backup" || bad "forgotten: $gone"
# their values as the backup holds them, where no customer still kept shares one
sql "SELECT b.email FROM customers b WHERE b.email IS NOT NULL AND b.number IN ($(
        sql "SELECT group_concat(quote(number)) FROM customers WHERE anonymised_at IS NOT NULL;"))
 UNION SELECT b.phone FROM customers b WHERE b.phone IS NOT NULL AND b.number IN ($(
        sql "SELECT group_concat(quote(number)) FROM customers WHERE anonymised_at IS NOT NULL;"))
 UNION SELECT b.hetu FROM customers b WHERE b.hetu IS NOT NULL AND b.number IN ($(
        sql "SELECT group_concat(quote(number)) FROM customers WHERE anonymised_at IS NOT NULL;"));" \
        bk/pre.db | grep -v '^ok$' | sort -u > forgotten.txt
sql "SELECT email FROM customers WHERE email IS NOT NULL UNION SELECT phone FROM customers
 WHERE phone IS NOT NULL UNION SELECT hetu FROM customers WHERE hetu IS NOT NULL;" |
        grep -v '^ok$' | sort -u > kept.txt
comm -23 forgotten.txt kept.txt > values.txt
nv=$(wc -l < values.txt)
[ "$nv" -gt 20 ] && ok "$nv values of forgotten people to look for" || bad "only $nv values"
python3 "$PAGEDUMP" "$KEY" bk/pre.db > pre.bin
[ "$(grep -caF -f values.txt pre.bin)" -gt 0 ] && ok "the backup holds their values" ||
        bad "the backup does not hold the values: the check below would prove nothing"

# --- a new machine: only the backup set and the ledger kept off the machine -
mkdir -p new/offsite new/var
cp bk/pre.db bk/pre.db.keys bk/pre.db.erased new/offsite/
cp r.db.erased new/offsite/ledger.erased
cp bkp.key new/
cd new || exit 1
expect_rc 1 "restore without the ledger is refused" "$R" restore --from offsite/pre.db \
        --db var/r.db --password-stdin <<< "$REC"
grep -q "refusing to restore: nothing shows who was forgotten after the backup offsite/pre.db was taken" err.txt &&
        grep -q -- "--ledger FILE" err.txt && ok "the refusal says what is missing and how to give it" ||
        bad "refusal: $(cat err.txt)"
# only the note of the failure (restore_note.h) is beside the target
[ -z "$(ls var | grep -v '^r\.db\.restore-failed$')" ] && [ -s var/r.db.restore-failed ] &&
        ok "nothing was moved into place; the failure is noted for the audit trail" ||
        bad "left: $(ls var)"
expect_rc 0 "restore with the ledger" "$R" restore --from offsite/pre.db --db var/r.db \
        --ledger offsite/ledger.erased --password-stdin <<< "$REC"
cat out.txt
# the restore rotated the keys: the raw key of the restored register
NKEY=$(echo "$REC" | "$R" key dump-raw --db var/r.db --password-stdin 2> /dev/null | tail -1)
python3 "$PAGEDUMP" "$NKEY" var/r.db > restored.bin || bad "pagedump"
[ -s var/r.db-wal ] && { python3 "$PAGEDUMP" "$NKEY" var/r.db-wal --wal >> restored.bin || bad "wal dump"; }
left=$(grep -caF -f ../values.txt restored.bin)
[ "$left" = 0 ] && ok "no value of the $nv is in any page or WAL frame of the restored register" ||
        bad "$left lines of the restored register hold forgotten values: $(grep -aoF -f ../values.txt restored.bin | head -3)"
n=$(sql_with_key "$NKEY" "SELECT count(*) FROM customers WHERE anonymised_at IS NOT NULL;" var/r.db | grep -v '^ok$')
[ "$n" = "$gone" ] && ok "the restored register has the same $gone forgotten" || bad "$n forgotten, wanted $gone"
"$R" customer show C000016 --db var/r.db --keyfile bkp.key > show.txt 2>&1
grep -qE "^Name +-$" show.txt && grep -qE "^E-mail +-$" show.txt && ok "C000016 stays erased" || bad "C000016: $(head -3 show.txt)"
expect_rc 0 "check on the restored register" "$R" check --db var/r.db --keyfile bkp.key
expect_rc 0 "audit verify on the restored register" "$R" audit verify --db var/r.db \
        --keyfile bkp.key
[ "$(stat -c %a var/r.db.erased)" = 600 ] && ok "the new ledger beside it is 0600" ||
        bad "ledger mode $(stat -c %a var/r.db.erased)"

# --- the override, on record ------------------------------------------------
mkdir var2
expect_rc 0 "restore with --force-without-ledger" "$R" restore --from offsite/pre.db \
        --db var2/r.db --force-without-ledger --password-stdin <<< "$REC"
grep -q "WITHOUT proof" out.txt && ok "the override is said out loud" || bad "$(cat out.txt)"
"$R" audit list --action backup.restore --db var2/r.db --keyfile bkp.key > a.txt 2>&1
grep -q "override" a.txt && ok "the override is in the restored register's audit trail" ||
        bad "audit: $(cat a.txt)"
"$R" customer show C000016 --db var2/r.db --keyfile bkp.key > show2.txt 2>&1
grep -qE "^Name +-$" show2.txt && bad "override: C000016 erased anyway?" ||
        ok "the override really restored without the later erasure (as it warned)"
"$R" audit list --action backup.restore --db var/r.db --keyfile bkp.key > a.txt 2>&1
grep -q "backup.restore" a.txt && ! grep -q override a.txt &&
        ok "the proven restore is audited as ok" || bad "audit: $(cat a.txt)"

# --- bad input: each refused with a message, nothing moved into place --------
nothing_at() { [ ! -e "$1" ] && [ ! -e "$1.keys" ] && [ -z "$(ls "$1".restoring* 2> /dev/null)" ]; }
refused() { # WHAT PATTERN TARGET
        if grep -qE -- "$2" err.txt && nothing_at "$3"; then
                ok "$1: said so, nothing moved"
        else
                bad "$1: $(cat err.txt) / $(ls "$(dirname "$3")")"
        fi
}
mkdir bad
head -c 40000 offsite/pre.db > bad/trunc.db && cp offsite/pre.db.keys bad/trunc.db.keys
expect_rc 1 "a truncated backup" "$R" restore --from bad/trunc.db --db bad/t1.db \
        --ledger offsite/ledger.erased --password-stdin <<< "$REC"
refused "truncated" "truncated or damaged" bad/t1.db
cp offsite/pre.db bad/corrupt.db && cp offsite/pre.db.keys bad/corrupt.db.keys
head -c 8192 /dev/urandom | dd of=bad/corrupt.db bs=4096 seek=20 conv=notrunc 2> /dev/null
expect_rc 1 "a corrupted backup" "$R" restore --from bad/corrupt.db --db bad/t2.db \
        --ledger offsite/ledger.erased --password-stdin <<< "$REC"
refused "corrupt" "damaged" bad/t2.db
cp offsite/pre.db bad/nokeys.db
expect_rc 1 "a backup without its .keys" "$R" restore --from bad/nokeys.db --db bad/t3.db \
        --ledger offsite/ledger.erased --password-stdin <<< "$REC"
refused "no .keys" "nokeys.db.keys is missing: a backup is the database file and its .keys" bad/t3.db
expect_rc 1 "a target that holds a register" "$R" restore --from offsite/pre.db --db var/r.db \
        --ledger offsite/ledger.erased --password-stdin <<< "$REC"
grep -q "a register is already there; nothing was restored" err.txt &&
        [ -z "$(ls var/r.db.restoring* 2> /dev/null)" ] && ok "an existing register: said so, untouched" ||
        bad "existing: $(cat err.txt)"
# another register, with its own backup and ledger
mkdir other
"$R" demo --db other/o.db --customers 20 --seed 5 > other.out 2>&1 || bad "second register"
read -r _ _ OPW OSEC < <(grep '^admin ' other/o.db.users)
rk_cli_totp "$OSEC" now "$OPW" "$R" key add-file --db other/o.db --user admin \
        --password-stdin --label dpo --roles supervisor,admin --out other/dpo.key > /dev/null 2>&1 || bad "other key file"
expect_rc 0 "a backup of the other register" "$R" backup --out other/bk.db --db other/o.db \
        --keyfile other/dpo.key
expect_rc 1 "a ledger of another register" "$R" restore --from offsite/pre.db --db bad/t4.db \
        --ledger other/o.db.erased --password-stdin <<< "$REC"
refused "other ledger" "o.db.erased is the erasure ledger of another register" bad/t4.db
cp offsite/ledger.erased bad/t5.db.erased
OREC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' other.out | head -1)
expect_rc 1 "another register's backup where this register's ledger is" "$R" restore \
        --from other/bk.db --db bad/t5.db --password-stdin <<< "$OREC"
refused "other backup" "t5.db.erased is the erasure ledger of register .*: this is another register's backup" bad/t5.db
cmp -s offsite/ledger.erased bad/t5.db.erased && ok "the ledger there is untouched" ||
        bad "the ledger beside the target changed"
cd .. || exit 1

# --- a newer backup beside the source ----------------------------------------
cp r.db.erased ledger-before-post.erased
sleep 1
expect_rc 0 "a backup after the forgetting" "$R" backup --out bk/post.db "${DPO[@]}"
cp r.db.erased ledger-after-post.erased
mkdir -p new2/off new2/var && cp bk/pre.db* bk/post.db* new2/off/
cd new2 || exit 1
expect_rc 1 "a ledger older than the newest backup beside the source" "$R" restore \
        --from off/pre.db --db var/a.db --ledger ../ledger-before-post.erased --password-stdin <<< "$REC"
grep -q "the newest ledger, ../ledger-before-post.erased, is complete up to .* before the backup off/post.db was taken" err.txt &&
        nothing_at var/a.db && ok "refused: the ledger is older than post.db, which it names" ||
        bad "older ledger: $(cat err.txt)"
expect_rc 0 "the ledger stamped by the newer backup" "$R" restore --from off/pre.db \
        --db var/b.db --ledger ../ledger-after-post.erased --password-stdin <<< "$REC"
grep -q "other copies of it beside the backup: 1)" out.txt && ok "the newer backup was read" || bad "$(cat out.txt)"
ls off/post.db-* > /dev/null 2>&1 && bad "files left beside the newer backup: $(ls off)" ||
        ok "nothing was left beside the newer backup it read"
expect_rc 0 "the override, with the newer backup beside it" "$R" restore --from off/pre.db \
        --db var/c.db --force-without-ledger --password-stdin <<< "$REC"
"$R" customer show C000016 --db var/c.db --keyfile ../bkp.key > show3.txt 2>&1
grep -qE "^Name +-$" show3.txt && ok "even then, the newer backup's forgettings were applied" ||
        bad "C000016 came back though post.db knew: $(head -3 show3.txt)"
cd .. || exit 1

# --- a newer backup under another database key (rotated since) ----------------
expect_rc 0 "key rotate" "$R" key rotate "${DPO[@]}"
sleep 1
expect_rc 0 "a backup after the rotation" "$R" backup --out bk/post2.db "${DPO[@]}"
cp r.db.erased ledger-after-post2.erased
mkdir -p new3/off new3/var && cp bk/pre.db* bk/post2.db* new3/off/
cd new3 || exit 1
expect_rc 1 "a ledger older than a newer backup under another key" "$R" restore \
        --from off/pre.db --db var/a.db --ledger ../ledger-after-post.erased \
        --password-stdin <<< "$REC"
grep -q "before the backup off/post2.db was taken" err.txt && nothing_at var/a.db &&
        ok "refused: that backup's own ledger copy dates it" || bad "rotated: $(cat err.txt)"
expect_rc 0 "with the ledger stamped by it" "$R" restore --from off/pre.db --db var/b.db \
        --ledger ../ledger-after-post2.erased --password-stdin <<< "$REC"
cd .. || exit 1
cli_done
