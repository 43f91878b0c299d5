#!/bin/bash
# test_revocation.sh - revoking a key file or an account really revokes,
# backups carry no staff keyslot, and a restore opens only with today's
# credentials. The attacker is tests/tools/slot_unwrap ($SLOT_UNWRAP), an
# independent program built from libsodium alone: given slot files and one
# credential it prints every master key and database key it can unwrap,
# and each database key is tried on the register with the sqlcipher CLI.
#  1. a key file (job) and an extra account (kalle); the attacker's program
#     proves itself: with them, today's slot file yields a key that opens
#     the register;
#  2. a backup: its slot file holds only the recovery slot and the backup
#     key file's; with any staff password it yields nothing, while the
#     recovery key opens it; the server key file is not in it, and its
#     database key shows TOTP secrets only sealed;
#  3. the key file is removed and the account disabled; the rotation that
#     falls due runs at once; an old copy of the slot file, the backup's
#     and today's, with the removed key file or the disabled password,
#     yield no key that opens today's register; while another connection
#     holds the register a rotation waits, `check` shows it due, and the
#     next admin command runs it;
#  4. the backup is restored with the backup key file: neither the removed
#     key file nor the disabled password opens the restored register, the
#     remaining key file and staff password do.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
X=${SLOT_UNWRAP:?path to slot_unwrap}
cli_config '[role.retention]' 'actions = retention' # a role for the nightly job
dsr_register || { bad "register"; exit 1; }
U=(--db r.db --keyfile dpo.key)

# loot MODE ARG FILES... - every database key the credential gives from the
# files, also through a master key from one file applied to the others
loot() {
        local mode=$1 arg=$2 f g mk
        shift 2
        for f in "$@"; do "$X" "$f" "$mode" "$arg"; done > loot.txt
        for mk in $(awk '$1 == "mk" {print $2}' loot.txt); do
                for g in "$@"; do "$X" "$g" mk "$mk"; done
        done >> loot.txt
        awk '$1 == "dek" {print $2}' loot.txt | sort -u
}
# opens DB DEKS... - 0 when one of the keys opens DB
opens() {
        local db=$1 k
        shift
        for k in "$@"; do
                sql_with_key "x'$k'" "SELECT count(*) FROM sqlite_master;" "$db" |
                        grep -qxE '[0-9]+' && return 0
        done
        return 1
}
slots_of() { sqlcipher "$1" "SELECT kind || ':' || label FROM slots ORDER BY 1;"; }

# --- 1. a key file and an extra account ------------------------------------
expect_rc 0 "the backup key file" "$R" key add-file "${U[@]}" --label backup --roles admin \
        --out backup.key
expect_rc 0 "a key file for a job" "$R" key add-file "${U[@]}" --label job --roles sales \
        --out job.key
expect_rc 0 "an extra account" "$R" user add kalle --roles sales "${U[@]}"
KPW=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' out.txt | head -1)
[ -n "$KPW" ] || bad "no one-time password for kalle"
opens r.db $(loot keyfile job.key r.db.keys) &&
        ok "control: the job key file + today's slot file give a key that opens the register" ||
        bad "the attacker's program cannot even use a valid key file"
opens r.db $(loot password "kalle=$KPW" r.db.keys) &&
        ok "control: kalle's password + the slot file open the register" ||
        bad "the attacker's program cannot use a valid password"
cp r.db.keys old.keys # an attacker's copy of the slot file, taken today

# --- 2. a backup carries no staff slot ------------------------------------------
expect_rc 0 "backup" "$R" backup --out bk1.db "${U[@]}"
[ "$(slots_of r.db.keys | grep -c '^user:')" -ge 2 ] && ok "the live file has user slots" ||
        bad "live slots: $(slots_of r.db.keys)"
got=$(slots_of bk1.db.keys | tr '\n' ' ')
[ "$got" = "keyfile:backup recovery:recovery " ] &&
        ok "the backup's slot file holds only the backup key file and the recovery slot" ||
        bad "backup slots: $got"
sqlcipher bk1.db.keys "SELECT count(*) FROM throttle; SELECT count(*) FROM auth_failures;" |
        grep -qv '^0$' && bad "counters copied into the backup" ||
        ok "no throttle state or failure records in the backup"
for pw in "hannele=$PW" "kalle=$KPW"; do
        [ -z "$(loot password "$pw" bk1.db.keys)" ] ||
                bad "a staff password unwraps a key from the backup"
done
ok "a stolen backup plus any staff password unwraps nothing"
opens bk1.db $(loot recovery "$REC" bk1.db.keys) &&
        ok "control: the recovery key opens the backup" || bad "the recovery key fails"
# the second factor: sealed under the server key, which no backup carries
[ -e r.db.serverkey ] && [ ! -e bk1.db.serverkey ] &&
        ok "the server key file is not in the backup" || bad "server key: $(ls)"
stored=$(sql_with_key "$KEY" "SELECT totp_secret FROM users WHERE username='hannele';" bk1.db)
[[ "$stored" == s1:* ]] && [[ "$stored" != *"$SEC"* ]] &&
        ok "the backup's database key shows hannele's TOTP secret only sealed" ||
        bad "TOTP secret in the backup: $stored (secret $SEC)"

# --- 3. revoke: remove the key file, disable the account -------------------------
expect_rc 0 "remove the job key file" "$R" key remove-file "${U[@]}" --label job
grep -q "A key rotation was due" err.txt && ok "the rotation ran at once" || bad "$(cat err.txt)"
expect_rc 0 "disable kalle" "$R" user disable kalle "${U[@]}"
grep -q "A key rotation was due" err.txt && ok "the rotation ran at once" || bad "$(cat err.txt)"
expect_rc 0 "check" "$R" check "${U[@]}"
grep -q "rotation due" out.txt && bad "a rotation is still due" || ok "no rotation is due"
# while someone else has the register open the rotation waits, and says so;
# the next admin command, or the nightly retention run, carries it out
expect_rc 0 "the nightly job's key file" "$R" key add-file "${U[@]}" --label nightly \
        --roles retention --out nightly.key
# remove_while_held LABEL - add key file LABEL, remove it while another
# connection holds the register: the rotation falls due and waits
remove_while_held() {
        local raw holder
        expect_rc 0 "key file $1" "$R" key add-file "${U[@]}" --label "$1" --roles sales \
                --out "$1.key"
        raw=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2> /dev/null)
        rm -f holder.out
        { printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n' "$raw"
                printf 'SELECT count(*) FROM users;\n'; sleep 8; } |
                sqlcipher r.db > holder.out 2>&1 &
        holder=$!
        for _ in $(seq 100); do [ -s holder.out ] && break; sleep 0.1; done # it is in
        expect_rc 0 "remove $1 while the register is in use" "$R" key remove-file "${U[@]}" \
                --label "$1"
        grep -q "A key rotation is due (a key file was removed)" err.txt &&
                ok "the rotation waits while others are in" || bad "$(cat err.txt)"
        expect_rc 0 "check with the nightly key file" "$R" check --db r.db --keyfile nightly.key
        grep -q "key rotation due: a key file was removed" out.txt &&
                ok "check shows the due rotation" || bad "check: $(cat out.txt)"
        wait "$holder"
}
no_rotation_due() {
        expect_rc 0 "check" "$R" check --db r.db --keyfile nightly.key
        grep -q "rotation due" out.txt && bad "still due" || ok "no rotation is due any more"
}
remove_while_held tmp1
expect_rc 0 "the next admin command" "$R" user list "${U[@]}"
grep -q "A key rotation was due" err.txt && ok "the next admin command ran it" ||
        bad "$(cat err.txt)"
no_rotation_due
remove_while_held tmp2
expect_rc 0 "the nightly retention run" "$R" retention run --db r.db --keyfile nightly.key
grep -q "A key rotation was due" err.txt && ok "the nightly job ran it" || bad "$(cat err.txt)"
no_rotation_due
for cred in "keyfile job.key" "password kalle=$KPW"; do
        deks=$(loot $cred old.keys bk1.db.keys r.db.keys)
        [ -n "$deks" ] && ok "the revoked credential ($cred) still unwraps old keys" ||
                bad "control: old.keys yields nothing for $cred"
        opens r.db $deks && bad "$cred opens today's register" ||
                ok "$cred: no key from the old copy, the backup or today's file opens today's register"
done
expect_rc 1 "the removed key file is refused" "$R" check --db r.db --keyfile job.key
expect_rc 1 "the disabled password is refused" "$R" check --db r.db --user kalle \
        --password-stdin <<< "$KPW"

# --- 4. restore the backup --------------------------------------------------------
mkdir lost && mv r.db lost/ && rm -f r.db-wal r.db-shm
expect_rc 0 "restore with the backup key file" "$R" restore --from bk1.db --db r.db \
        --keyfile backup.key
ls r.db.restoring* > /dev/null 2>&1 && bad "staged files left: $(ls r.db.restoring*)" ||
        ok "no staged file left (the staged link to the server key included)"
expect_rc 1 "the removed key file does not open the restored register" \
        "$R" check --db r.db --keyfile job.key
expect_rc 1 "the disabled password does not open the restored register" \
        "$R" check --db r.db --user kalle --password-stdin <<< "$KPW"
for cred in "keyfile job.key" "password kalle=$KPW"; do
        opens r.db $(loot $cred old.keys bk1.db.keys r.db.keys) &&
                bad "$cred opens the restored register" ||
                ok "$cred: no key from any slot file opens the restored register"
done
expect_rc 0 "today's key file opens the restored register" "$R" check "${U[@]}"
opens r.db $(loot password "hannele=$PW" r.db.keys) &&
        ok "control: today's staff password opens the restored register" ||
        bad "today's staff password does not open the restored register"
cli_done
