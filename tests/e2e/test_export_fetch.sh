#!/usr/bin/env bash
# test_export_fetch.sh - the files of an access request reach the
# supervisor's desk although staff have only the forced command (issue 19).
#
# Setup (root; sshd): the layout `meson install` makes, under a directory
# in /run (sshd's chroot needs root-owned parents, which /tmp is not): the
# register directory (root:GROUP 2770), its export directory beside it
# (root:root 0755) with files/ (root:GROUP 2770), a setgid copy of the
# binary; a staff supervisor account (staff group only) and a fetching
# account (fetch group and the file group, no staff group); sshd on
# loopback from the shipped sample, whose fetch block is tested as shipped
# (only the group names, the chroot path and the binary are replaced).
#
# Checks:
# - over SSH the supervisor carries out an access request in the wizard;
#   the preview's row count is the count the summary reports after the
#   export; step 5 offers the export directory; the files land there, 0640, group
#   GROUP; the dashboard lists them with the days left;
# - the fetching account copies the file with sftp (same bytes), cannot
#   write there, sees nothing outside the exports (no register), gets no
#   shell; the supervisor's own account gets no sftp;
# - the retention run deletes a file older than [requests] export_days and
#   keeps a newer one; the deletion is in the audit trail; the dashboard
#   then lists only the one left.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dsr_tui_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/sshd_lib.sh"

rk_sshd_need_root "create Unix users and run sshd"
SAMPLE="$E2E_SRCDIR/data/sshd_config.d/rekisteri.conf"
SUF=$(printf '%05d' $((RANDOM % 100000)))
G=rkf$SUF S=rks$SUF F=rkx$SUF SUP=rkp$SUF FE=rke$SUF
BASE=$(mktemp -d /run/rk-e2e.XXXXXX)
PW='kolme iloista kalaa'
ANNA_PW='annan oma salasana 5'

cleanup_fetch() {
	[[ -f ssh/sshd.pid ]] && kill "$(cat ssh/sshd.pid)" 2>/dev/null
	pkill -KILL -u "$SUP" 2>/dev/null
	pkill -KILL -u "$FE" 2>/dev/null
	sleep 0.2
	userdel "$SUP" 2>/dev/null
	userdel "$FE" 2>/dev/null
	for g in "$S" "$F" "$G"; do groupdel "$g" 2>/dev/null; done
	rm -rf "$BASE"
	return 0
}
e2e_on_exit cleanup_fetch
for g in "$G" "$S" "$F"; do groupadd "$g"; done
useradd -M -d "$E2E_TMP" -s /bin/bash -p '*' -G "$S" "$SUP"
useradd -M -d "$E2E_TMP" -s /bin/bash -p '*' -G "$F,$G" "$FE"
chmod 755 "$E2E_TMP" "$BASE"
mkdir -p ssh/keys
ssh-keygen -q -t ed25519 -N '' -f ssh/id
cp ssh/id.pub "ssh/keys/$SUP"
cp ssh/id.pub "ssh/keys/$FE"
install -d -o root -g "$G" -m 2770 "$BASE/data"
install -d -o root -g root -m 0755 "$BASE/data-exports"
install -d -o root -g "$G" -m 2770 "$BASE/data-exports/files"
install -d -m 0755 "$BASE/bin"
install -m 2755 -g "$G" "$R" "$BASE/bin/rekisteri"
BIN=$BASE/bin/rekisteri
DB=$BASE/data/r.db
OUT=$BASE/data-exports/files

# --- the register: a supervisor account and a customer who asks for their data --------
# (the test's admin key file also reads data: the one-person setting, README Roles)
rk_config '[accounts]' 'combine_duties = 1'
echo "$PW" | "$R" init --db "$DB" --admin hannele --password-stdin >init.out 2>init.err ||
	e2e_fail "init: $(cat init.err)"
rk_enrol_cli_db() {
	echo "$PW" | "$R" mfa enrol --db "$DB" --user hannele --password-stdin >enrol.out 2>&1
	SECRET=$(sed -n 's/^Secret: //p' enrol.out)
	rk_cli_totp "$SECRET" 'now - 30 seconds' "$PW" "$R" mfa confirm --db "$DB" \
		--user hannele --password-stdin 2>/dev/null
}
rk_enrol_cli_db || e2e_fail "mfa: $(cat enrol.out)"
rk_cli_totp "$SECRET" now "$PW" "$R" key add-file --db "$DB" --user hannele --password-stdin \
	--label adm --roles admin,supervisor --out adm.key \
	>/dev/null 2>key.err || e2e_fail "key add-file: $(cat key.err)"
cli() { "$R" "$@" --db "$DB" --keyfile adm.key; }
cli user add anna --roles supervisor >anna.out 2>&1 || e2e_fail "user add: $(cat anna.out)"
ANNA_OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' anna.out | head -1)
printf 'name=Aino Pyytäjä\nemail=aino.pyytaja@example.fi\n' | cli customer add >c.out 2>&1 ||
	e2e_fail "customer add: $(cat c.out)"
cli key add-file --label retention --roles retention --out ret.key >/dev/null 2>&1 ||
	e2e_fail "retention key"
chmod 0660 "$DB" "$DB.keys"
[[ ! -e "$DB.serverkey" ]] || chmod 0640 "$DB.serverkey" # read by the setgid binary only
rm -f "$DB-wal" "$DB-shm"

# --- sshd from the shipped sample, both blocks -----------------------------------------
rk_sshd_start "$SAMPLE" "s|^\( *ForceCommand\) /usr/bin/rekisteri\$|\1 $BIN --db $DB|" \
	"s|^Match Group rekisteri-staff\$|Match Group $S|" \
	"s|^Match Group rekisteri-fetch\$|Match Group $F|" \
	"s|^\( *ChrootDirectory\) /var/lib/rekisteri-exports\$|\1 $BASE/data-exports|"
grep -q "^Match Group $F\$" ssh/sshd_config && grep -q "ChrootDirectory $BASE/data-exports" ssh/sshd_config ||
	e2e_fail "the sample has no fetch block as expected"
fetch() { sftp "${SSHO[@]}" -P "$PORT" -b - "$FE@127.0.0.1"; }

# --- the supervisor carries out an access request over SSH -----------------------------
e2e_start a 80 24 "${SSH[@]}" -tt "$SUP@127.0.0.1"
e2e_wait a "$LOGIN_SCREEN" 15
rk_first_login a anna "$ANNA_OTP" "$ANNA_PW"
rk_menu a Requests
e2e_wait a "$DASHBOARD"
e2e_assert_absent a 'Files waiting'
wz_new a 0
wz_search a aino.pyytaja@example.fi '1 found, 1 selected'
wz_verify a 'passport at the counter'
e2e_wait a 'Items: [0-9]+ export; [0-9]+ row\(s\) of data\.'
ROWS=$(e2e_screen a | sed -n 's/.*Items: [0-9]* export; \([0-9]*\) row(s) of data\..*/\1/p' | head -1)
e2e_keys a Enter
wz_step a 5
e2e_wait a "$OUT"
e2e_keys a Enter
e2e_wait a '\[y/n\]'
e2e_keys a y
wz_step a 6
e2e_wait a 'Carried out today: '
# the preview's count is what the export wrote (its own audit rows included)
e2e_assert_present a "Carried out today: 1 record(s), $ROWS row(s)."
# group-readable for the fetching account, nothing for others (0640 or 0660)
e2e_screen a | grep -Eq "Wrote $OUT/dsr-1\.json \(06[46]0\)" ||
	e2e_fail "step 6 does not give the export's group mode: $(e2e_screen a)"
for f in dsr-1.json dsr-1.txt; do
	[[ "$(stat -c '%U:%G %a' "$OUT/$f")" =~ ^$SUP:$G\ 6[46]0$ ]] ||
		e2e_fail "$f is $(stat -c '%U:%G %a' "$OUT/$f"), not $SUP:$G 0640 or 0660"
done
grep -q 'aino.pyytaja@example.fi' "$OUT/dsr-1.json" || e2e_fail "the export lacks the person"
wz_close a
e2e_wait a 'Files waiting to be fetched: 2; oldest dsr-1\.(json|txt), 0 d, deleted in 14 d'
rk_ok "over SSH the access request went to the export directory, group $G only; the dashboard lists it"

# --- the fetching account ---------------------------------------------------------------------
printf 'get dsr-1.json %s/fetched.json\n' "$E2E_TMP" | fetch >sftp.out 2>&1 ||
	e2e_fail "sftp get: $(cat sftp.out)"
cmp -s fetched.json "$OUT/dsr-1.json" || e2e_fail "the fetched file differs"
printf 'put %s/fetched.json planted.json\n' "$E2E_TMP" | fetch >put.out 2>&1 &&
	e2e_fail "the fetching account could write: $(cat put.out)"
[[ ! -e "$OUT/planted.json" ]] || e2e_fail "a file was planted"
printf 'ls -la /\nls -la /files\nget /data/r.db x.db\nget ../data/r.db y.db\n' | fetch >ls.out 2>&1 || true
grep -q 'dsr-1.json' ls.out || e2e_fail "the fetching account sees no export: $(cat ls.out)"
[[ ! -e x.db && ! -e y.db ]] || e2e_fail "the fetching account reached the register"
seen=$(grep -E '^[-dl][-rwxsStT]{9}' ls.out | grep -Ev ' (/|/files/)?(\.|\.\.|files|dsr-1\.(json|txt))$' || true)
[[ -z "$seen" ]] || e2e_fail "the fetching account sees more than the exports: $seen"
out=$("${SSH[@]}" "$FE@127.0.0.1" 'echo SHELL; id' </dev/null 2>&1) || true
grep -q 'SHELL\|uid=' <<<"$out" && e2e_fail "the fetching account got a command: $out"
out=$(printf 'ls\n' | sftp "${SSHO[@]}" -P "$PORT" -b - "$SUP@127.0.0.1" 2>&1) &&
	e2e_fail "the supervisor's staff account got sftp: $out"
rk_ok "the fetching account copied dsr-1.json with sftp, read-only, in its chroot; no shell"

# --- the retention run deletes what waited too long ---------------------------------------
touch -d '20 days ago' "$OUT/dsr-1.json"
"$R" retention run --db "$DB" --keyfile ret.key >ret.out 2>&1 || e2e_fail "retention: $(cat ret.out)"
grep -q 'request files: 1 older than 14 days deleted' ret.out || e2e_fail "retention: $(cat ret.out)"
[[ ! -e "$OUT/dsr-1.json" && -e "$OUT/dsr-1.txt" ]] || e2e_fail "the wrong files were deleted"
cli audit list --action dsr.export_delete >del.out 2>&1 || e2e_fail "audit list: $(cat del.out)"
grep -Eq 'keyfile:retention .* dsr\.export_delete .* ok dsr-1\.json$' del.out ||
	e2e_fail "the deletion is not in the trail: $(cat del.out)"
e2e_keys a F3 F3 # the list is read again
e2e_wait a 'Files waiting to be fetched: 1; oldest dsr-1\.txt, 0 d, deleted in 14 d'
rk_ok "the retention run deleted the 20-day-old file (audited) and kept the new one"
