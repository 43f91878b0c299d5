#!/usr/bin/env bash
# test_deploy.sh - the README's "Deploying for staff over SSH", run as
# written (issue 19), on this machine as root, into a temporary root.
#
# Each step below is a step of the README's server section, in its order,
# with the same commands; only the names and paths differ, so that the
# test never touches a real deployment: the groups and users get a random
# suffix, the install goes into DESTDIR=$E2E_TMP/root (meson install runs
# scripts/install-server.sh with RK_INSTALL_* naming the test's groups),
# and sshd runs on a loopback port from the shipped sample. The README's
# command lines are checked to be there (readme_has), so the two cannot
# drift apart silently.
#
# Checks:
# - install: the binary root:GROUP 2755, the register directory root:GROUP
#   2770, the groups and the retention user created;
# - init as root with the installed (setgid) binary, staff Unix accounts
#   with SSH keys, the admin's own Unix account outside the staff group;
# - two staff members (different Unix users) each carry out an erasure
#   over SSH, in the request wizard;
# - the retention job runs as its own user with its key file;
# - a program without its setgid bit tells staff it cannot open the
#   register (not "create one with init") and points to doctor;
# - `rekisteri doctor` reports a clean bill; then the setgid bit, a file
#   mode, a group membership and the mode and group of the shared side
#   files (PATH.open, PATH.turn) are broken one at a time: doctor names
#   each with its fix (exit 1), the fix it prints is run as printed, and
#   doctor is clean again; a retention unit that cannot be read (a
#   directory in its place) is named as such, not as a unit lacking lines;
# - an upgrade (meson install again) keeps the server working: a staff
#   login over SSH still succeeds, and the binary is still setgid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dsr_tui_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/sshd_lib.sh"

rk_sshd_need_root "install, create users and run sshd"
README="$E2E_SRCDIR/README.md"
BUILD=$(dirname "$R")
# where this build installs: prefix, bin and the register directory
read -r PREFIX BINDIR STATEDIR < <(meson introspect --buildoptions "$BUILD" | python3 -c '
import json, os, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
p = o["prefix"]
print(p, os.path.join(p, o["bindir"]), os.path.join(p, o["localstatedir"], "lib", "rekisteri"))')
SUF=$(printf '%05d' $((RANDOM % 100000)))
G=rkg$SUF S=rks$SUF U=rku$SUF SA=rka$SUF SB=rkb$SUF ADMIN=rkm$SUF FG=rkx$SUF
ROOT=$E2E_TMP/root
BIN=$ROOT$BINDIR/rekisteri
DIR=$ROOT$STATEDIR
DB=$DIR/register.db
PW='kolme iloista kalaa'
A_PW='alicen uusi salasana 1'
B_PW='bobin uusi salasana 22'

cleanup_deploy() {
	[[ -f ssh/sshd.pid ]] && kill "$(cat ssh/sshd.pid)" 2>/dev/null
	[[ -n "${LOGGER:-}" ]] && kill "$LOGGER" 2>/dev/null
	for u in "$SA" "$SB" "$ADMIN" "$U"; do
		pkill -KILL -u "$u" 2>/dev/null
	done
	sleep 0.2
	for u in "$SA" "$SB" "$ADMIN" "$U"; do userdel "$u" 2>/dev/null; done
	for g in "$S" "$FG" "$G"; do groupdel "$g" 2>/dev/null; done
	return 0
}
e2e_on_exit cleanup_deploy

# readme_has LINE - the README's server section holds LINE (with the
# default names) as a command.
readme_has() {
	grep -qF -- "$1" "$README" || e2e_fail "the README lacks: $1"
}

# install - step 2 of the README: meson install (here into ROOT, with the
# test's names).
install_now() {
	DESTDIR=$ROOT RK_INSTALL_GROUP=$G RK_INSTALL_STAFF_GROUP=$S RK_INSTALL_USER=$U \
		RK_INSTALL_FETCH_GROUP=$FG \
		meson install -C "$BUILD" --no-rebuild --quiet >install.out 2>&1 ||
		e2e_fail "meson install: $(tail -5 install.out)"
}

# mode_is PATH OWNER:GROUP MODE
mode_is() {
	[[ "$(stat -c '%U:%G %a' "$1")" == "$2 $3" ]] ||
		e2e_fail "$1 is $(stat -c '%U:%G %a' "$1"), not $2 $3"
}

chmod 755 "$E2E_TMP"
mkdir -p home ssh/keys

# --- 1-2. packages, build and install ------------------------------------------------
readme_has 'meson setup build --prefix /usr'
readme_has 'meson install -C build'
install_now
mode_is "$BIN" "root:$G" 2755
mode_is "$DIR" "root:$G" 2770
mode_is "$DIR-exports" "root:root" 755
mode_is "$DIR-exports/files" "root:$G" 2770
getent group "$S" >/dev/null && getent group "$FG" >/dev/null ||
	e2e_fail "the install made no staff or fetch group"
[[ "$(id -gn "$U")" == "$G" ]] || e2e_fail "the retention user is not in $G"
getent passwd "$U" >/dev/null || e2e_fail "the install made no user $U: $(cat install.out)"
# 9. fail2ban: the installed filter runs in place (common.conf beside it)
if command -v fail2ban-regex >/dev/null && [[ -r /etc/fail2ban/filter.d/common.conf ]]; then
	[[ -L "$ROOT$PREFIX/share/rekisteri/fail2ban/common.conf" ]] ||
		e2e_fail "no common.conf link beside the installed filter"
	printf 'Dec  5 06:00:01 host rekisteri[42]: authentication failure; user=x rhost=203.0.113.9 reason=password\n' >auth.log
	fail2ban-regex auth.log "$ROOT$PREFIX/share/rekisteri/fail2ban/rekisteri.conf" >f2b.out 2>&1 ||
		e2e_fail "fail2ban-regex with the installed filter: $(tail -3 f2b.out)"
	grep -q 'Failregex: 1 total' f2b.out || e2e_fail "the installed filter matched nothing: $(cat f2b.out)"
fi
rk_ok "meson install: $BIN root:$G 2755, $DIR root:$G 2770, groups and user $U made"

# --- 3-4. init as root (the installed binary), then the file modes -------------------
readme_has 'rekisteri init --db /var/lib/rekisteri/register.db --admin'
echo "$PW" | "$BIN" init --db "$DB" --admin hannele --password-stdin >init.out 2>init.err ||
	e2e_fail "init: $(cat init.err)"
grep -q 'RECOVERY KEY' init.out && grep -q 'AUDIT KEY' init.out || e2e_fail "init: $(cat init.out)"
readme_has 'chmod 0660 /var/lib/rekisteri/register.db*'
chmod 0660 "$DB"*
readme_has 'chmod 0640 /var/lib/rekisteri/register.db.serverkey'
[[ ! -e "$DB.serverkey" ]] || chmod 0640 "$DB.serverkey"
mode_is "$DB" "root:$G" 660
R=$BIN # the rest runs the installed program, as the README does
cli() { "$BIN" "$@" --db "$DB" --keyfile adm.key; }
echo "$PW" | "$BIN" mfa enrol --db "$DB" --user hannele --password-stdin >enrol.out 2>&1 ||
	e2e_fail "mfa enrol: $(cat enrol.out)"
SECRET=$(sed -n 's/^Secret: //p' enrol.out)
rk_cli_totp "$SECRET" 'now - 30 seconds' "$PW" "$BIN" mfa confirm --db "$DB" --user hannele \
	--password-stdin 2>confirm.err || e2e_fail "mfa confirm: $(cat confirm.err)"
# The test's own scaffolding key holds admin and supervisor at once, which only a
# one-person company's setting allows (README, Roles); the setgid program reads
# no test config, so this one step runs the build's binary with that setting.
printf '[accounts]\ncombine_duties = 1\n' >duo.ini
REKISTERI_CONFIG=$E2E_TMP/duo.ini rk_cli_totp "$SECRET" now "$PW" "$REKISTERI" key add-file \
	--db "$DB" --user hannele --password-stdin --label adm --roles admin,supervisor \
	--out adm.key >/dev/null 2>key.err || e2e_fail "key add-file: $(cat key.err)"
rk_ok "init as root with the installed program; the register root:$G 0660"

# --- 5. staff Unix accounts, with SSH keys; 6. the admin's own account ------------------
readme_has 'adduser --disabled-password --gecos "" STAFFUSER'
readme_has 'usermod -aG rekisteri-staff STAFFUSER'
ssh-keygen -q -t ed25519 -N '' -f ssh/id
for u in "$SA" "$SB"; do
	useradd -M -d "$E2E_TMP/home" -s /bin/bash -p '*' "$u"
	usermod -aG "$S" "$u"
	cp ssh/id.pub "ssh/keys/$u"
done
useradd -M -d "$E2E_TMP/home" -s /bin/bash -p '*' "$ADMIN" # never in $S
for who in alice bob; do
	cli user add "$who" --roles supervisor >"$who.out" 2>&1 || e2e_fail "user add: $(cat "$who.out")"
done
A_OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' alice.out | head -1)
B_OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' bob.out | head -1)
for who in 'Aino Poistettava:aino.p@example.fi' 'Bertta Poistettava:bertta.p@example.fi'; do
	printf 'name=%s\nemail=%s\n' "${who%%:*}" "${who#*:}" | cli customer add >cust.out 2>&1 ||
		e2e_fail "customer add: $(cat cust.out)"
done
rk_ok "staff accounts $SA and $SB in $S with SSH keys; the admin $ADMIN outside it"

# --- the sshd sample on loopback ----------------------------------------------------------
readme_has 'cp /usr/share/rekisteri/sshd_config.d/rekisteri.conf /etc/ssh/sshd_config.d/'
rk_sshd_start "$ROOT$PREFIX/share/rekisteri/sshd_config.d/rekisteri.conf" \
	"s|^\( *ForceCommand\) /usr/bin/rekisteri\$|\1 $BIN --db $DB|" \
	"s|^Match Group rekisteri-staff\$|Match Group $S|"

# erase_over_ssh SESSION UNIX_USER NAME ONETIME NEWPW EMAIL - log in over
# SSH for the first time, then carry out an erasure of EMAIL's customer.
erase_over_ssh() {
	e2e_start "$1" 80 24 "${SSH[@]}" -tt "$2@127.0.0.1"
	e2e_wait "$1" "$LOGIN_SCREEN" 15
	rk_first_login "$1" "$3" "$4" "$5"
	rk_menu "$1" Requests
	e2e_wait "$1" "$DASHBOARD"
	wz_new "$1" 2
	wz_search "$1" "$6" '1 found, 1 selected'
	wz_verify "$1" 'passport at the counter'
	wz_execute "$1"
	wz_close "$1"
	e2e_keys "$1" F10
}
readme_has 'ssh STAFFUSER@SERVER'
erase_over_ssh a "$SA" alice "$A_OTP" "$A_PW" aino.p@example.fi
A_SECRET=$SECRET
[[ "$(stat -c %U "$DB.erased")" == "$SA" ]] || e2e_fail "the ledger was not made by $SA"
# The erasure ledger made by one staff member's process must be writable
# by the next one's (issue 19, item 1): group-shared, 0660.
[[ "$(stat -c %a "$DB.erased")" == 660 ]] ||
	e2e_fail "the ledger $SA made is $(stat -c %a "$DB.erased"), not 660: $SB could not erase"
erase_over_ssh b "$SB" bob "$B_OTP" "$B_PW" bertta.p@example.fi
cli audit list --action dsr.execute >ex.out 2>&1 || e2e_fail "audit list: $(cat ex.out)"
grep -Eq ' alice +127\.0\.0\.1 +dsr\.execute +C000001 ' ex.out ||
	e2e_fail "alice's erasure is not in the trail: $(cat ex.out)"
grep -Eq ' bob +127\.0\.0\.1 +dsr\.execute +C000002 ' ex.out ||
	e2e_fail "bob's erasure is not in the trail: $(cat ex.out)"
rk_ok "$SA (alice) and $SB (bob) each carried out an erasure over SSH"

# --- the retention timer, as its own user ---------------------------------------------------
readme_has 'key add-file --label retention --roles retention --out /etc/rekisteri/retention.key'
readme_has 'chown rekisteri:rekisteri /etc/rekisteri/retention.key'
cli key add-file --label retention --roles retention --out retention.key >/dev/null 2>&1 ||
	e2e_fail "key add-file retention"
chown "$U:$G" retention.key
chmod 0600 retention.key
sed -e "s|^User=rekisteri\$|User=$U|" -e "s|^Group=rekisteri\$|Group=$G|" \
	-e "s|^ExecStart=/usr/bin/rekisteri retention run --keyfile /etc/rekisteri/retention.key\$|ExecStart=$BIN retention run --keyfile $E2E_TMP/retention.key|" \
	"$ROOT$PREFIX/share/rekisteri/systemd/rekisteri-retention.service" >retention.service
grep -q "^ExecStart=$BIN retention run" retention.service || e2e_fail "the unit sample changed"
runuser -u "$U" -- "$BIN" retention run --db "$DB" --keyfile "$E2E_TMP/retention.key" \
	>ret.out 2>&1 || e2e_fail "retention run as $U: $(cat ret.out)"
cli audit list --action retention.run >ret.audit 2>&1
grep -q 'keyfile:retention' ret.audit || e2e_fail "no retention run in the trail: $(cat ret.audit)"
rk_ok "the retention job ran as $U with its key file"

# --- doctor: a clean bill ---------------------------------------------------------------------
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(600)' \
	"$E2E_TMP/log" &
LOGGER=$!
cat >doctor.ini <<EOF
[register]
path = $DB
company_name = Testi Oy
controller_contact = tietosuoja@testi.example, Testikatu 1, 00100 Helsinki
[crypto]
argon2_ops = 1
argon2_mem_kib = 8
[server]
group = $G
staff_group = $S
fetch_group = $FG
retention_user = $U
retention_keyfile = $E2E_TMP/retention.key
binary = $BIN
retention_unit = $E2E_TMP/retention.service
sshd_config = $E2E_TMP/ssh/sshd_config
syslog_socket = $E2E_TMP/log
EOF
chmod 644 doctor.ini
readme_has 'rekisteri doctor'
doctor() {
	local rc=0
	REKISTERI_CONFIG=$E2E_TMP/doctor.ini "$REKISTERI" doctor >doctor.out 2>&1 || rc=$?
	return $rc
}
for _ in $(seq 50); do [[ -S log ]] && break; sleep 0.1; done
doctor || e2e_fail "doctor is not clean: $(cat doctor.out)"
grep -Eq '^OK: [0-9]+ checks, no problems$' doctor.out || e2e_fail "doctor: $(cat doctor.out)"
rk_ok "doctor: $(tail -1 doctor.out)"

# break BREAK... ; WANT - doctor must exit 1, name WANT; its fix, run as
# printed, must make it clean again.
break_and_fix() {
	local want=$1
	shift
	"$@"
	local rc=0
	doctor || rc=$?
	[[ $rc == 1 ]] || e2e_fail "doctor exit $rc after: $*"
	grep -qE "^PROBLEM: .*$want" doctor.out || e2e_fail "doctor did not name $want: $(cat doctor.out)"
	[[ $(grep -c '^PROBLEM' doctor.out) == 1 ]] || e2e_fail "more than one problem: $(cat doctor.out)"
	local fix
	fix=$(sed -n 's/^  fix: //p' doctor.out)
	[[ -n "$fix" ]] || e2e_fail "no fix printed: $(cat doctor.out)"
	bash -c "$fix" || e2e_fail "the fix failed: $fix"
	doctor || e2e_fail "still not clean after '$fix': $(cat doctor.out)"
	rk_ok "doctor named '$want' and its fix '$fix' worked"
}
# what staff see when the program has lost its setgid bit (a copy by hand)
chmod g-s "$BIN"
e2e_start d 80 24 "${SSH[@]}" -tt "$SA@127.0.0.1"
e2e_wait d 'this program cannot open it \(Permission denied\)' 15
e2e_assert_present d 'not setgid' "'rekisteri doctor' as root"
e2e_assert_absent d 'create one with'
chmod 2755 "$BIN"
rk_ok "without the setgid bit staff are told it is a permission problem, not a missing register"
break_and_fix "the program $BIN is root:$G 0755, not root:$G 2755" chmod g-s "$BIN"
break_and_fix "the register $DB is root:$G 0666" chmod 0666 "$DB"
break_and_fix "user $SB is in the file group $G" usermod -aG "$G" "$SB"
break_and_fix "$DIR-exports is not root:root 0755" chmod 0775 "$DIR-exports"
# the side files every session shares: the opening lock and the writers' turns
[[ -f "$DB.open" && -f "$DB.turn" ]] || e2e_fail "no $DB.open or $DB.turn after the sessions"
break_and_fix "the register's file $DB.open is [^ ]+:$G 0600" chmod 0600 "$DB.open"
break_and_fix "the register's file $DB.turn is [^ ]+:root 0660" chgrp root "$DB.turn"
# a retention unit that cannot be read (a directory in its place: reading
# it fails with EISDIR) is said to be unreadable, not to lack its lines
mv retention.service retention.service.kept
mkdir retention.service
rc=0
doctor || rc=$?
[[ $rc == 1 ]] || e2e_fail "doctor exit $rc with an unreadable retention unit"
grep -qF "PROBLEM: the retention unit $E2E_TMP/retention.service cannot be read: Is a directory" \
	doctor.out || e2e_fail "doctor did not say the unit cannot be read: $(cat doctor.out)"
if grep -q 'does not run' doctor.out; then
	e2e_fail "an unreadable unit was reported as lacking its lines: $(cat doctor.out)"
fi
[[ $(grep -c '^PROBLEM' doctor.out) == 1 ]] || e2e_fail "more than one problem: $(cat doctor.out)"
rmdir retention.service
mv retention.service.kept retention.service
doctor || e2e_fail "not clean with the unit back: $(cat doctor.out)"
rk_ok "doctor: an unreadable retention unit 'cannot be read', not 'does not run as'"

# --- 10. an upgrade: meson install again keeps logins working ---------------------------
install_now
mode_is "$BIN" "root:$G" 2755
doctor || e2e_fail "doctor after the upgrade: $(cat doctor.out)"
e2e_start c 80 24 "${SSH[@]}" -tt "$SA@127.0.0.1"
e2e_wait c "$LOGIN_SCREEN" 15
rk_login c alice "$A_PW" "$(rk_code "$A_SECRET")"
rk_wait_home c 15
e2e_keys c F10
rk_ok "after the upgrade $SA logs in over SSH; the binary is still setgid $G"
