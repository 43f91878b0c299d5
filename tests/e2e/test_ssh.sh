#!/usr/bin/env bash
# test_ssh.sh - staff over a real sshd, configured from the shipped sample
# data/sshd_config.d/rekisteri.conf.
#
# Setup (needs root, else skipped; sshd must be installed): two groups, one
# owning the register files (data dir 2770, files 0660, a setgid copy of
# the binary) and one for staff, named by the sample's Match Group; two
# Unix users in the staff group only, with an ssh key each; Debian's sshd
# on 127.0.0.1 at a free port with its own host key, from a config made of
# a few test lines (port, keys, pid file) and the sample, in which only the
# ForceCommand path and the group name are replaced. Everything is removed
# at exit (users, groups, sshd).
#
# Checks:
# - `ssh -tt` in tmux lands in rekisteri; alice and bob log in for the first
#   time with a one-time password, choose a password and enrol with an
#   oathtool code; the title shows the source 127.0.0.1, and the audit
#   trail's login row for each carries 127.0.0.1;
# - a command (with and without a terminal), the sftp subsystem, local and
#   remote port forwarding are all refused; staff cannot read the register
#   files themselves;
# - a dropped connection (ssh client SIGKILLed at a random moment just
#   after a password change was submitted) ends that user's rekisteri
#   process, and so does a SIGHUP sent to bob's rekisteri; afterwards the
#   register passes integrity_check, the audit chain verifies, and alice
#   has one whole password: the old one or the new one logs her in;
# - Ctrl-Z over the forced command (no job control) locks bob's session and
#   leaves the program running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/sshd_lib.sh"

[[ $(id -u) == 0 ]] || e2e_skip "needs root to create Unix users and run sshd"
set -E; trap e2e_dump_all ERR
[[ -x /usr/sbin/sshd ]] || e2e_fail "openssh-server is not installed (scripts/deps.sh --test)"
SAMPLE="$E2E_SRCDIR/data/sshd_config.d/rekisteri.conf"
PW='kolme iloista kalaa'
ALICE_PW='alicen uusi salasana 1'
ALICE_NEW='alicen toinen salasana 3'
BOB_PW='bobin uusi salasana 22'
rk_staff_users

# --- the register, owned by the file group -----------------------------------
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
echo "$PW" | "$R" init --db data/r.db --admin hannele --password-stdin >init.out 2>init.err ||
	e2e_fail "init: $(cat init.err)"
echo "$PW" | "$R" mfa enrol --db data/r.db --user hannele --password-stdin >enrol.out 2>&1 ||
	e2e_fail "mfa enrol: $(cat enrol.out)"
SECRET=$(sed -n 's/^Secret: //p' enrol.out)
rk_cli_totp "$SECRET" 'now - 30 seconds' "$PW" "$R" mfa confirm --db data/r.db \
	--user hannele --password-stdin 2>enrol.err || e2e_fail "mfa confirm: $(cat enrol.err)"
rk_cli_totp "$SECRET" now "$PW" "$R" key add-file --db data/r.db --user hannele \
	--password-stdin --label adm --roles admin,supervisor --out adm.key \
	2>key.err >/dev/null || e2e_fail "key add-file: $(cat key.err)"
cli() { "$R" "$@" --db data/r.db --keyfile adm.key; }
cli user add alice --roles sales >a.out 2>&1 || e2e_fail "user add: $(cat a.out)"
cli user add bob --roles sales >b.out 2>&1 || e2e_fail "user add: $(cat b.out)"
ALICE_OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' a.out | head -1)
BOB_OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' b.out | head -1)
install -m 2755 -g "$FILEGRP" "$R" bin/rekisteri
chgrp -R "$FILEGRP" data
chmod 2770 data
chmod 0660 data/r.db data/r.db.keys
chmod 0640 data/r.db.serverkey # group-readable: only the setgid binary reads it
rm -f data/r.db-wal data/r.db-shm

# --- sshd from the shipped sample --------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f ssh/host_key
ssh-keygen -q -t ed25519 -N '' -f ssh/id
cp ssh/id.pub "ssh/keys/$UA"
cp ssh/id.pub "ssh/keys/$UB"
mkdir -p /run/sshd
{
	# Test-only lines: where to listen, the host key, the users' keys, and
	# the sftp subsystem as in Debian's sshd_config. The
	# keys live under /tmp, which StrictModes would refuse as a parent.
	printf '%s\n' "ListenAddress 127.0.0.1" "HostKey $E2E_TMP/ssh/host_key" \
		"PidFile $E2E_TMP/ssh/sshd.pid" "AuthorizedKeysFile $E2E_TMP/ssh/keys/%u" \
		"StrictModes no" "UsePAM no" "PasswordAuthentication no" \
		"KbdInteractiveAuthentication no" "PrintMotd no" "PrintLastLog no" \
		"AcceptEnv LANG LC_*" "LogLevel VERBOSE" \
		"Subsystem sftp /usr/lib/openssh/sftp-server"
	sed -e "s|^\( *ForceCommand\) /usr/bin/rekisteri\$|\1 $E2E_TMP/bin/rekisteri --db $E2E_TMP/data/r.db|" \
		-e "s|^Match Group rekisteri-staff\$|Match Group $STAFFGRP|" "$SAMPLE"
} >ssh/sshd_config
grep -q "^Match Group $STAFFGRP\$" ssh/sshd_config || e2e_fail "the sample has no 'Match Group rekisteri-staff'"
grep -q "ForceCommand $E2E_TMP/bin/rekisteri" ssh/sshd_config ||
	e2e_fail "the sample has no 'ForceCommand /usr/bin/rekisteri'"
/usr/sbin/sshd -t -f ssh/sshd_config || e2e_fail "sshd -t refuses the configuration"
/usr/sbin/sshd -D -f "$E2E_TMP/ssh/sshd_config" -p "$PORT" -E "$E2E_TMP/ssh/sshd.log" &
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
	sleep 0.05
done
SSH0=(ssh -F /dev/null -i "$E2E_TMP/ssh/id" -p "$PORT" -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o BatchMode=yes)
SSH=("${SSH0[@]}" -o LogLevel=ERROR)
rk_ok "sshd on 127.0.0.1:$PORT from the shipped sample"

# --- first logins over SSH ----------------------------------------------------
e2e_start a 80 24 "${SSH[@]}" -tt "$UA@127.0.0.1"
e2e_wait a "$LOGIN_SCREEN" 15
rk_first_login a alice "$ALICE_OTP" "$ALICE_PW"
ALICE_SECRET=$SECRET
e2e_wait a 'alice \(sales\) from 127\.0\.0\.1'
e2e_start b 80 24 "${SSH[@]}" -tt "$UB@127.0.0.1"
e2e_wait b "$LOGIN_SCREEN" 15
rk_first_login b bob "$BOB_OTP" "$BOB_PW"
e2e_wait b 'bob \(sales\) from 127\.0\.0\.1'
cli audit list --action login.ok >audit.out 2>&1 || e2e_fail "audit list: $(cat audit.out)"
grep -Eq '^[0-9]+ +[0-9T:-]+Z? +alice +127\.0\.0\.1 +login\.ok' audit.out ||
	e2e_fail "no login.ok row for alice from 127.0.0.1: $(cat audit.out)"
grep -Eq ' bob +127\.0\.0\.1 +login\.ok' audit.out || e2e_fail "no login.ok row for bob from 127.0.0.1"
rk_ok "alice and bob logged in over ssh -tt (password + oathtool code); audit source 127.0.0.1"

# --- what staff cannot do ---------------------------------------------------------
out=$("${SSH[@]}" "$UA@127.0.0.1" 'echo SHELL-ACCESS; id' </dev/null 2>&1) || true
grep -q 'needs a terminal' <<<"$out" || e2e_fail "a command without a terminal: $out"
grep -q 'SHELL-ACCESS\|uid=' <<<"$out" && e2e_fail "a command ran: $out"
e2e_start c 80 24 "${SSH[@]}" -tt "$UA@127.0.0.1" 'echo SHELL-ACCESS; exec /bin/sh'
e2e_wait c "$LOGIN_SCREEN" 15
e2e_assert_absent c 'SHELL-ACCESS'
e2e_kill c
forced=$(grep -c 'Starting session: forced-command' ssh/sshd.log)
out=$(sftp -F /dev/null -i "$E2E_TMP/ssh/id" -P "$PORT" -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o BatchMode=yes -b - "$UA@127.0.0.1" <<<'ls /' 2>&1) &&
	e2e_fail "sftp worked: $out"
grep -q 'bin\|etc' <<<"$out" && e2e_fail "sftp listed files: $out"
[[ $(grep -c 'Starting session: forced-command' ssh/sshd.log) -gt $forced ]] ||
	e2e_fail "sftp did not get the forced command: $(tail -3 ssh/sshd.log)"
rk_ok "commands, a shell and sftp get the register instead"

LPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${SSH0[@]}" -N -L "127.0.0.1:$LPORT:127.0.0.1:$PORT" "$UA@127.0.0.1" 2>fwd.err &
fwd=$!
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$LPORT") 2>/dev/null && break
	sleep 0.05
done
(exec 3<>"/dev/tcp/127.0.0.1/$LPORT"; timeout 2 cat <&3 >fwd.data) 2>/dev/null || true
for _ in $(seq 100); do grep -q 'administratively prohibited' fwd.err && break; sleep 0.05; done
kill "$fwd" 2>/dev/null || true
grep -q 'administratively prohibited' fwd.err || e2e_fail "local forwarding: $(cat fwd.err)"
grep -q SSH- fwd.data && e2e_fail "local forwarding reached the target"
timeout 15 "${SSH0[@]}" -N -o ExitOnForwardFailure=yes -R "127.0.0.1:0:127.0.0.1:$PORT" \
	"$UA@127.0.0.1" 2>rfwd.err && e2e_fail "remote forwarding was accepted"
grep -q 'remote port forwarding failed' rfwd.err || e2e_fail "remote forwarding: $(cat rfwd.err)"
rk_ok "local and remote port forwarding refused"

runuser -u "$UA" -- cat data/r.db.keys >/dev/null 2>&1 && e2e_fail "staff can read the slot file"
runuser -u "$UA" -- cat data/r.db.serverkey >/dev/null 2>&1 &&
	e2e_fail "staff can read the server key file"
runuser -u "$UA" -- ls data >/dev/null 2>&1 && e2e_fail "staff can list the register directory"
rk_ok "staff cannot read the register files themselves"

# --- dropped connections ------------------------------------------------------------
rk_pid_of() { pgrep -u "$1" -x rekisteri | head -1; }
gone() { for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; return 1; }
# alice: Profile, Change password, all typed, Enter; then, 0-0.6 s later
# (while the new keyslot is being made or written), the connection drops.
apid=$(rk_pid_of "$UA")
[[ -n "$apid" ]] || e2e_fail "no rekisteri process for alice"
# Profile comes after the entries of the role (Customers, Orders for sales)
n=$(e2e_screen a | grep -E '^  [A-Z][a-z]+( [a-z]+)? {2,}' | grep -n '^  Profile ' | cut -d: -f1)
[[ -n "$n" ]] || e2e_fail "no Profile entry on alice's home screen"
for ((i = 1; i < n; i++)); do e2e_keys a Down; done
e2e_keys a Enter
e2e_wait a 'Your account'
e2e_keys a Enter
e2e_wait a 'Change your password'
e2e_type a "$ALICE_PW"
e2e_keys a Tab
e2e_type a "$ALICE_NEW"
e2e_keys a Tab
e2e_type a "$ALICE_NEW"
e2e_keys a Enter
sleep "0.$((RANDOM % 7))"
kill -KILL "$(e2e_pid a)"
gone "$apid" || e2e_fail "alice's rekisteri still runs after her connection dropped"
rk_ok "ssh client SIGKILLed during a password change: alice's rekisteri ended"
# bob: Ctrl-Z under the forced command (no job control): the session
# locks and the program keeps running, since nothing could resume it.
bpid=$(rk_pid_of "$UB")
e2e_keys b C-z
e2e_wait b 'Locked \(Ctrl-Z\)'
e2e_wait b 'Ctrl-Z does not suspend here: no job control'
e2e_assert_absent b 'What would you like to do'
[[ $(ps -o stat= -p "$bpid") != T* ]] || e2e_fail "Ctrl-Z stopped bob's rekisteri under the forced command"
rk_ok "Ctrl-Z over the forced command locks the session and does not stop the program"
# bob: his rekisteri gets SIGHUP, as from a hung-up terminal.
kill -HUP "$bpid"
gone "$bpid" || e2e_fail "bob's rekisteri ignored SIGHUP"
# ssh passes on the remote exit status: 129 is rekisteri's own clean exit
# after SIGHUP (128 + 1), not a death by the signal.
st=$(e2e_exit_status b 10)
[[ $st == 129 ]] || e2e_fail "bob's ssh exited with $st, wanted 129"
rk_ok "SIGHUP: bob's rekisteri closed its session and exited 129; the connection closed"

cli check >check.out 2>&1 || e2e_fail "check: $(cat check.out)"
cli audit verify >verify.out 2>&1 || e2e_fail "audit verify: $(cat verify.out)"
grep -q '^OK' verify.out || e2e_fail "audit verify: $(cat verify.out)"
# alice's password is one whole password: the old one or the new one.
e2e_start d 80 24 "${SSH[@]}" -tt "$UA@127.0.0.1"
code=$(rk_code "$ALICE_SECRET")
rk_login d alice "$ALICE_PW" "$code"
e2e_wait d "What would you like to do\?|$FAILED" 15
which=old
if e2e_screen d | grep -q "$FAILED"; then
	which=new
	rk_login_again d "$ALICE_NEW" "$code"
	e2e_wait d 'What would you like to do\?' 15
fi
rk_ok "integrity_check ok, audit chain ok, alice logs in with her $which password"
e2e_pass
