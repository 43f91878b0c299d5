#!/bin/bash
# test_slot_names.sh - the slot file does not tell which usernames exist.
# An enumeration program holding only the files (the register's slot file,
# and a backup's) - slot_unwrap's "name" mode, an independent program from
# libsodium and a plain SQLite reader - gets the same answer for existing
# and missing names, after failed logins for both. It proves itself: given
# the server key file as well (which no backup carries and only the setgid
# binary reads), it does tell them apart. No username, source address or
# failure reason is in either slot file in clear. When the server key file
# is lost, key files still open the register, `key new-server-key` makes a
# new one, and staff get one-time passwords and enrol again.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
X=${SLOT_UNWRAP:?path to slot_unwrap}
dsr_register || { bad "register"; exit 1; }
U=(--db r.db --keyfile dpo.key)
expect_rc 0 "a second account" "$R" user add maija --roles sales "${U[@]}"
for name in hannele maija mallory; do # two existing, one missing
        "$R" check --db r.db --user "$name" --password-stdin <<< "wrong guess" \
                > /dev/null 2>&1
done
expect_rc 0 "backup" "$R" backup --out bk.db "${U[@]}"
EXIST=(hannele maija)
MISSING=(mallory root alice bob)
for f in r.db.keys bk.db.keys; do
        answers=$(for n in "${EXIST[@]}" "${MISSING[@]}"; do "$X" "$f" name "$n"; done |
                sort -u)
        [ "$(wc -l <<< "$answers")" = 1 ] &&
                ok "$f alone: one answer for existing and missing names ($answers)" ||
                bad "$f alone tells names apart: $answers"
        for s in hannele maija mallory 127.0.0.1 password; do
                grep -qaF "$s" "$f" && bad "$f holds '$s' in clear"
        done
done
ok "no username, source or failure reason in clear in either slot file"
# control: with the server key file the same program tells them apart
for n in "${EXIST[@]}"; do
        [ "$("$X" r.db.keys name "$n" r.db.serverkey)" = found ] ||
                bad "control: $n not found with the server key"
done
for n in root alice bob; do
        [ "$("$X" r.db.keys name "$n" r.db.serverkey)" = absent ] ||
                bad "control: $n found with the server key"
done
ok "control: with the server key file the program does tell existing names from missing"

# --- the server key file lost -------------------------------------------------------
mv r.db.serverkey lost.serverkey
expect_rc 1 "without the server key a staff password is refused" "$R" check --db r.db \
        --user hannele --password-stdin <<< "$PW"
grep -q "serverkey is missing" err.txt && ok "the message names the missing file" ||
        bad "$(cat err.txt)"
expect_rc 0 "a key file still opens the register" "$R" check "${U[@]}"
expect_rc 0 "key new-server-key" "$R" key new-server-key "${U[@]}"
grep -Eq "accounts? lost (its|their) keyslots?" out.txt && ok "$(head -1 out.txt)" || bad "$(cat out.txt)"
[ -e r.db.serverkey ] && ! cmp -s r.db.serverkey lost.serverkey && ok "a new server key file" ||
        bad "no new server key"
expect_rc 0 "a one-time password for hannele" "$R" user reset-password hannele "${U[@]}"
OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' out.txt | head -1)
expect_rc 1 "hannele logs in with it and must enrol again" "$R" check --db r.db \
        --user hannele --password-stdin <<< "$OTP"
grep -q "must first enrol its second factor" err.txt && ok "re-enrolment asked for" ||
        bad "$(cat err.txt)"
# With only the recovery key (no admin key file, every password lost), the
# README's way back: make an admin key file with it, then reset passwords.
# Separation of duties holds (this register's config combines them).
printf '[accounts]\ncombine_duties = 0\n' > strict.ini && chmod 644 strict.ini
echo "$REC" | "$R" key add-file --config strict.ini --db r.db --password-stdin \
        --label sales2 --roles sales --out rs.key > out.txt 2> err.txt &&
        bad "the recovery key made a key file with a data role" ||
        { grep -q "separation of duties" err.txt && [ ! -e rs.key ] &&
                ok "the recovery key makes no key file with a data role"; } ||
        bad "recovery key, data role: $(cat err.txt)"
echo "$REC" | "$R" key add-file --config strict.ini --db r.db --password-stdin \
        --label admin2 --roles admin --out ra.key > out.txt 2> err.txt &&
        [ "$(stat -c %a ra.key)" = 600 ] &&
        ok "with only the recovery key, key add-file makes an admin key file" ||
        bad "recovery key add-file: $(cat err.txt)"
expect_rc 0 "the admin key file from the recovery key resets a password" \
        "$R" user reset-password maija --db r.db --keyfile ra.key
cli_done
