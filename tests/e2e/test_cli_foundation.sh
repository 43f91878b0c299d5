#!/bin/bash
# test_cli_foundation.sh - the foundation as a user meets it, through the
# real binary and real files: init, encryption at rest, the recovery path to
# the raw key (checked with the independent sqlcipher CLI), wrong passwords
# changing nothing, key files, key rotation, and the exit codes.
source "$(dirname "$0")/cli_lib.sh"

# --- init ----------------------------------------------------------------
echo "$PW" | "$R" init --db r.db --admin hannele --password-stdin > init.txt 2> init.err
[ $? = 0 ] && ok "init" || { bad "init failed: $(cat init.err)"; exit 1; }
REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' init.txt)
[ -n "$REC" ] && ok "init printed a recovery key" || bad "no recovery key printed"
[ "$(head -c 15 r.db)" != "SQLite format 3" ] && ok "no SQLite header" || bad "plain header"
for f in r.db r.db.keys r.db-wal; do
        [ -e "$f" ] || continue
        grep -q hannele "$f" && bad "admin name in clear in $f" || ok "no admin name in $f"
done
[ "$(stat -c %a r.db)" = 600 ] && ok "database is 0600" || bad "database mode $(stat -c %a r.db)"
[ "$(stat -c %a r.db.keys)" = 600 ] && ok "slot file is 0600" || bad "slot file mode"
expect_rc 1 "init refuses to overwrite" "$R" init --db r.db --admin x --password-stdin <<< "$PW"
grep -q "refusing to overwrite" err.txt && ok "overwrite message" || bad "message: $(cat err.txt)"

# The first admin's own password follows the same policy as every other
# (README: at least 12 characters, not on the blocklist); nothing is made.
for weak in "short pw" "password1234"; do
        expect_rc 1 "init refuses the password '$weak'" "$R" init --db weak.db --admin x \
                --password-stdin <<< "$weak"
        grep -qE "at least 12 characters|commonly used" err.txt &&
                [ ! -e weak.db ] && [ ! -e weak.db.keys ] && ok "said why, created nothing" ||
                bad "weak init: $(cat err.txt; ls weak.db* 2>/dev/null)"
done

# --- nobody reads it without the key ---------------------------------------
sqlite3 r.db 'SELECT * FROM users' > /dev/null 2>&1 && bad "sqlite3 read it" ||
        ok "sqlite3 cannot read the database"

# --- the recovery path to the raw key -------------------------------------
expect_rc 0 "dump-raw with the recovery key" "$R" key dump-raw --db r.db --password-stdin <<< "$REC"
KEY=$(cat out.txt)
[[ "$KEY" =~ ^x\'[0-9a-f]{64}\'$ ]] && ok "raw key printed as x'...'" || bad "raw key: $KEY"
[ "$(sql_with_key "$KEY" 'SELECT username FROM users;')" = hannele ] &&
        ok "sqlcipher opens it with the raw key" || bad "sqlcipher could not read it"
expect_rc 1 "dump-raw refuses a wrong recovery key" "$R" key dump-raw --db r.db --password-stdin \
        <<< "00000000-00000000-00000000-00000000-00000000-00000000-00000000-00000000"
[ ! -s out.txt ] && ok "nothing printed for a wrong recovery key" || bad "printed: $(cat out.txt)"

# --- a wrong password changes nothing --------------------------------------
# The database must stay byte-identical. The slot file records failures (the
# throttle and auth_failures tables) but its keyslots must not change.
slots() { sqlite3 r.db.keys 'SELECT * FROM slots; SELECT * FROM dek;'; }
sum_before=$(sha256sum r.db)
slots_before=$(slots)
FAILED="login failed: wrong username, password or code"
expect_rc 1 "wrong password" "$R" check --db r.db --user hannele --password-stdin <<< "wrong one"
grep -q "$FAILED" err.txt && ok "clear message" || bad "msg: $(cat err.txt)"
expect_rc 1 "unknown user" "$R" check --db r.db --user nobody --password-stdin <<< "$PW"
grep -q "$FAILED" err.txt && ok "same message" || bad "msg: $(cat err.txt)"
[ "$sum_before" = "$(sha256sum r.db)" ] && ok "database byte-identical" ||
        bad "database changed by failed logins"
[ -n "$slots_before" ] && [ "$slots_before" = "$(slots)" ] && ok "keyslots unchanged" ||
        bad "keyslots changed by failed logins"
[ ! -e r.db-wal ] && ok "no WAL created by failed logins" || bad "WAL appeared"
expect_rc 1 "right password, no second factor yet" "$R" check --db r.db --user hannele \
        --password-stdin <<< "$PW"
grep -q "must first enrol" err.txt && ok "says to enrol first" || bad "msg: $(cat err.txt)"

# --- enrol the admin's second factor, make an admin key file ----------------
# Each TOTP step is accepted once per user: confirm with the code of the
# step before (T-1), which leaves the current step for the next login.
expect_rc 0 "mfa enrol" "$R" mfa enrol --db r.db --user hannele --password-stdin <<< "$PW"
SECRET=$(sed -n 's/^Secret: //p' out.txt)
[[ "$SECRET" =~ ^[A-Z2-7]{32}$ ]] && ok "enrol printed a base32 secret" || bad "secret: $SECRET"
grep -q "otpauth://totp/rekisteri:hannele?secret=$SECRET&issuer=rekisteri$" out.txt &&
        ok "compact otpauth URI" || bad "URI: $(grep otpauth out.txt)"
expect_rc 0 "mfa confirm" rk_cli_totp "$SECRET" "now - 30 seconds" "$PW" \
        "$R" mfa confirm --db r.db --user hannele --password-stdin
expect_rc 0 "admin key file (password + TOTP)" rk_cli_totp "$SECRET" now "$PW" \
        "$R" key add-file --db r.db --user hannele --password-stdin --label adm --roles admin \
        --out adm.key
ADM=(--db r.db --keyfile adm.key)

# --- key files ------------------------------------------------------------
expect_rc 0 "key add-file" "$R" key add-file "${ADM[@]}" --label nightly --out nightly.key
[ "$(stat -c %a nightly.key)" = 600 ] && ok "key file is 0600" || bad "key file mode"
expect_rc 0 "key file unlocks" "$R" check --db r.db --keyfile nightly.key
expect_rc 1 "key files without roles cannot manage keys" "$R" key list --db r.db --keyfile nightly.key
cp nightly.key leaked.key; chmod 644 leaked.key
expect_rc 1 "a world-readable key file is refused" "$R" check --db r.db --keyfile leaked.key
grep -q "chmod 600" err.txt && ok "says how to fix it" || bad "msg: $(cat err.txt)"
expect_rc 0 "second key file" "$R" key add-file "${ADM[@]}" --label backup --out backup.key
expect_rc 0 "key remove-file" "$R" key remove-file "${ADM[@]}" --label nightly
expect_rc 1 "removed key file no longer unlocks" "$R" check --db r.db --keyfile nightly.key

# --- key rotation ---------------------------------------------------------
OLD=$KEY
expect_rc 0 "key rotate" "$R" key rotate "${ADM[@]}"
sql_with_key "$OLD" 'SELECT count(*) FROM users;' | grep -q "not a database" &&
        ok "the old raw key no longer opens it" || bad "old key still works"
# The user's password must still open the register: after an MFA reset the
# password alone is enough to start enrolling again.
expect_rc 0 "reset the admin's MFA" "$R" user reset-mfa hannele "${ADM[@]}"
expect_rc 0 "user password still unlocks" "$R" mfa enrol --db r.db --user hannele \
        --password-stdin <<< "$PW"
expect_rc 0 "remaining key file still unlocks" "$R" check --db r.db --keyfile backup.key
expect_rc 0 "admin key file still unlocks" "$R" check "${ADM[@]}"
expect_rc 0 "recovery key still unlocks" "$R" key dump-raw --db r.db --password-stdin <<< "$REC"
NEW=$(cat out.txt)
[ "$NEW" != "$OLD" ] && ok "the raw key changed" || bad "raw key unchanged"
[ "$(sql_with_key "$NEW" 'SELECT username FROM users;')" = hannele ] &&
        ok "sqlcipher opens it with the new raw key" || bad "new key does not open it"

# --- usage and config errors ----------------------------------------------
expect_rc 2 "unknown option" "$R" --frobnicate
expect_rc 2 "unknown command" "$R" frobnicate
expect_rc 0 "--help" "$R" --help
# Each command takes only the options its declaration (commands.c) names.
expect_rc 2 "retention run refuses --as-of" "$R" retention run --as-of 2029-01-01 "${ADM[@]}"
grep -q "'retention run' does not take the option --as-of" err.txt &&
        ok "names the option and the command" || bad "msg: $(cat err.txt)"
grep -q "^Usage: rekisteri retention run UNLOCK" err.txt && ok "shows the command's usage" ||
        bad "no usage: $(cat err.txt)"
expect_rc 2 "check refuses --phone" "$R" check --phone 1 "${ADM[@]}"
grep -q "'check' does not take the option --phone" err.txt && ok "check --phone named" ||
        bad "msg: $(cat err.txt)"
expect_rc 2 "check refuses an unknown option" "$R" check --frobnicate "${ADM[@]}"
grep -q "'check' does not take the option --frobnicate" err.txt && ok "unknown option named" ||
        bad "msg: $(cat err.txt)"
expect_rc 2 "audit list refuses --key=K" "$R" audit list --key=abc "${ADM[@]}"
grep -q "'audit list' does not take the option --key$" err.txt && ok "--key=K named without K" ||
        bad "msg: $(cat err.txt)"
expect_rc 2 "the screen refuses --user" "$R" --user x --db r.db
grep -q "does not take the option --user" err.txt && ok "screen option named" ||
        bad "msg: $(cat err.txt)"
expect_rc 0 "an option the command declares still works" "$R" check "${ADM[@]}"
expect_rc 0 "retention run --help" "$R" retention run --help
grep -q "^Usage: rekisteri retention run UNLOCK" out.txt && ok "per-command help" ||
        bad "help: $(cat out.txt)"
grep -q -- "--password-stdin" out.txt && ok "--help documents unlocking" || bad "help lacks unlock"
expect_rc 0 "--version" "$R" --version
grep -qE '^rekisteri [0-9]+\.[0-9]+\.[0-9]+$' out.txt && ok "version line" || bad "$(cat out.txt)"
printf '[crypto]\nargon2_ops = lots\n' > bad.ini; chmod 644 bad.ini
expect_rc 1 "bad config value" "$R" --config bad.ini check --db r.db --keyfile backup.key
grep -q "bad.ini: \[crypto\] argon2_ops: not a valid value" err.txt && ok "names file/section/key" ||
        bad "msg: $(cat err.txt)"
chmod 666 bad.ini
expect_rc 1 "world-writable config" "$R" --config bad.ini check --db r.db --keyfile backup.key
grep -q "group or others can write" err.txt && ok "refused like sshd" || bad "msg: $(cat err.txt)"

# --- no secret in any message ---------------------------------------------
grep -rqs -- "$PW" ./*.txt ./*.err && bad "a password appeared in output" || ok "no password in output"

# --- single user, local desktop: no config anywhere -> $XDG_DATA_HOME -------
if [ -e /etc/rekisteri/rekisteri.ini ]; then
        ok "desktop default skipped: this machine has /etc/rekisteri/rekisteri.ini"
else
        mkdir -p home
        echo "$PW" | env -u REKISTERI_CONFIG -u XDG_DATA_HOME HOME="$T/home" "$R" init \
                --admin anna --password-stdin > out.txt 2> err.txt
        [ -f home/.local/share/rekisteri/register.db ] &&
                ok "with no config the register goes to ~/.local/share/rekisteri" ||
                bad "desktop default: $(cat err.txt out.txt)"
        [ "$(stat -c %a home/.local/share/rekisteri)" = 700 ] && ok "its directory is private" ||
                bad "directory mode $(stat -c %a home/.local/share/rekisteri)"
        echo "$PW" | env -u REKISTERI_CONFIG XDG_DATA_HOME="$T/xdg" HOME="$T/home" "$R" init \
                --admin anna --password-stdin > out.txt 2> err.txt
        [ -f xdg/rekisteri/register.db ] && ok "\$XDG_DATA_HOME is honoured" ||
                bad "XDG_DATA_HOME: $(cat err.txt)"
fi

cli_done
