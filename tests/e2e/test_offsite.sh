#!/usr/bin/env bash
# test_offsite.sh - the nightly copy off the machine (issue 18), with the
# shipped samples data/offsite/rekisteri-backup-offsite (this server's
# side, run by data/systemd/rekisteri-backup.service) and
# rekisteri-backup-receive (the backup host's side), to a second sshd on
# 127.0.0.1 whose authorized_keys holds the line the receive script's
# header gives: restrict,command="rekisteri-backup-receive DIR 35".
#
# Needs root (sshd; the backup account is root here) else skipped.
# Checks:
# - the script backs up a register that has an erasure ledger and the set
#   arrives as DIR/rekisteri-STAMP/ with the database, its slot file and
#   the ledger, byte for byte what was sent; nothing is left in the
#   staging directory;
# - the restricted key runs nothing else: a shell command gets the receive
#   script (which refuses an empty stream) and no shell; port forwarding is
#   refused; a stream with another file name is refused;
# - retention of old sets: a set older than 35 days is removed at the next
#   arrival, a recent one is kept;
# - the restore drill on the shipped copy passes, and a restore from it
#   gives a working register with the erased person still erased.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

[[ $(id -u) == 0 ]] || e2e_skip "needs root to run sshd"
[[ -x /usr/sbin/sshd ]] || e2e_fail "openssh-server is not installed (scripts/deps.sh --test)"
SEND="$E2E_SRCDIR/data/offsite/rekisteri-backup-offsite"
RECV="$E2E_SRCDIR/data/offsite/rekisteri-backup-receive"
PW='kolme iloista kalaa'
e2e_on_exit '[[ -f ssh/sshd.pid ]] && kill "$(cat ssh/sshd.pid)" 2>/dev/null; true'
chmod 755 "$E2E_TMP"
mkdir -p ssh/keys remote stage

# --- a register with an erasure behind it ---------------------------------------
rk_config
rk_init hannele "$PW"
rk_enrol_cli hannele "$PW"
rk_admin_key hannele "$PW" "$SECRET"
A=(--db r.db --keyfile adm.key)
"$R" key add-file "${A[@]}" --label dpo --roles supervisor,admin --out dpo.key \
	>k.out 2>&1 || e2e_fail "key add-file: $(cat k.out)"
D=(--db r.db --keyfile dpo.key)
# the backup key file: the one key file a backup keeps (README, How the keys work)
"$R" key add-file "${A[@]}" --label backup --roles admin --out backup.key >b.out 2>&1 ||
	e2e_fail "key add-file backup: $(cat b.out)"
# customer add reads its fields from stdin, never argv
printf 'name=Aino Offsite\nemail=aino.offsite@example.fi\n' |
	"$R" customer add "${D[@]}" >c1.out 2>&1 || e2e_fail "customer add: $(cat c1.out)"
printf 'name=Bertta Pysyy\nemail=bertta@example.fi\n' |
	"$R" customer add "${D[@]}" >c2.out 2>&1 || e2e_fail "customer add: $(cat c2.out)"
"$R" dsr new --type erasure --subject C000001 --verified "in person" "${D[@]}" >d.out 2>&1 ||
	e2e_fail "dsr new: $(cat d.out)"
"$R" dsr execute 1 "${D[@]}" >x.out 2>&1 || e2e_fail "dsr execute: $(cat x.out)"
[[ -s r.db.erased ]] || e2e_fail "no erasure ledger after the erasure"

# --- the backup host: sshd with the restricted key --------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f ssh/host_key
ssh-keygen -q -t ed25519 -N '' -f ssh/offsite -C rekisteri-offsite
# the line exactly as the receive script's header gives it, paths replaced
line=$(grep -o 'restrict,command="[^"]*" ssh-ed25519' "$RECV" | head -1)
[[ -n $line ]] || e2e_fail "the receive script's header gives no restrict,command= line"
line=${line/\/usr\/local\/bin\/rekisteri-backup-receive/$RECV}
line=${line/\/srv\/rekisteri-backups/$E2E_TMP/remote}
echo "${line% ssh-ed25519} $(cat ssh/offsite.pub)" >ssh/keys/root
mkdir -p /run/sshd
printf '%s\n' "ListenAddress 127.0.0.1" "HostKey $E2E_TMP/ssh/host_key" \
	"PidFile $E2E_TMP/ssh/sshd.pid" "AuthorizedKeysFile $E2E_TMP/ssh/keys/%u" \
	"StrictModes no" "UsePAM no" "PasswordAuthentication no" \
	"KbdInteractiveAuthentication no" "PermitRootLogin prohibit-password" \
	"AllowTcpForwarding yes" "LogLevel VERBOSE" >ssh/sshd_config
/usr/sbin/sshd -t -f ssh/sshd_config || e2e_fail "sshd -t refuses the configuration"
/usr/sbin/sshd -f "$E2E_TMP/ssh/sshd_config" -p "$PORT" -E "$E2E_TMP/ssh/sshd.log"
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
	sleep 0.05
done
OPTS="-F /dev/null -p $PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
SSH=(ssh -i ssh/offsite -o BatchMode=yes $OPTS)
rk_ok "a second sshd on 127.0.0.1:$PORT with the restricted key"

# an old set (40 days) and a recent one (3 days), for the retention policy
mkdir remote/rekisteri-20200101T000000Z remote/rekisteri-20200102T000000Z
touch -d '40 days ago' remote/rekisteri-20200101T000000Z
touch -d '3 days ago' remote/rekisteri-20200102T000000Z

# --- the nightly run ---------------------------------------------------------------
REMOTE=root@127.0.0.1 SSH_KEY=ssh/offsite SSH_OPTS="$OPTS" KEYFILE=backup.key REKISTERI="$R" \
	REKISTERI_DB=r.db STAGE="$E2E_TMP/stage" OFFSITE_CONF=/nonexistent \
	bash "$SEND" >send.out 2>send.err || e2e_fail "the offsite script failed: $(cat send.err)"
set=$(find remote -mindepth 1 -maxdepth 1 -name 'rekisteri-2???????T??????Z' -newer r.db.keys | head -1)
[[ -n $set ]] || e2e_fail "no set arrived: $(ls -la remote) $(cat send.out send.err)"
name=${set##*/}
for f in "$name.db" "$name.db.keys" "$name.db.erased"; do
	[[ -s $set/$f ]] || e2e_fail "the set lacks $f"
done
# the ledger is a plain SQLite file copied by SQLite: the same rows, not the same bytes
[[ "$(sqlcipher "$set/$name.db.erased" .dump)" == "$(sqlcipher r.db.erased .dump)" ]] ||
	e2e_fail "the shipped ledger holds other rows than the register's"
grep -q INSERT <<<"$(sqlcipher r.db.erased .dump)" || e2e_fail "the ledger holds no entry"
[[ -z $(ls -A stage) ]] || e2e_fail "the staging directory keeps files: $(ls stage)"
head -c 16 "$set/$name.db" | grep -q 'SQLite format' && e2e_fail "the shipped database is not encrypted"
rk_ok "the set arrived whole and encrypted (database, slot file, erasure ledger); staging emptied"
[[ ! -e remote/rekisteri-20200101T000000Z ]] || e2e_fail "the 40-day-old set was kept"
[[ -e remote/rekisteri-20200102T000000Z ]] || e2e_fail "the 3-day-old set was removed"
rk_ok "retention: the set older than 35 days went, the recent one stayed"

# --- what the key cannot do ---------------------------------------------------------
out=$("${SSH[@]}" root@127.0.0.1 'id; echo SHELL-ACCESS' </dev/null 2>&1) && e2e_fail "a command succeeded: $out"
grep -q 'uid=\|SHELL-ACCESS' <<<"$out" && e2e_fail "a shell command ran: $out"
grep -q 'refused' <<<"$out" || e2e_fail "the forced receive script did not answer: $out"
out=$(timeout 10 "${SSH[@]}" -N -o ExitOnForwardFailure=yes -L "127.0.0.1:0:127.0.0.1:$PORT" \
	root@127.0.0.1 </dev/null 2>&1) && e2e_fail "port forwarding was allowed"
echo junk >evil.txt
out=$(tar -cf - evil.txt | "${SSH[@]}" root@127.0.0.1 2>&1) && e2e_fail "a foreign file was accepted"
grep -q refused <<<"$out" || e2e_fail "no refusal for a foreign file: $out"
[[ -z $(find remote -name evil.txt) ]] || e2e_fail "the foreign file was kept"
rk_ok "the restricted key runs only the receive script: no shell, no forwarding, no other files"

# --- the restore drill and a restore from the shipped copy ------------------------------
"$R" restore --verify-only "$set/$name.db" --keyfile backup.key >drill.out 2>&1 ||
	e2e_fail "the drill failed: $(cat drill.out)"
grep -q 'The backup is good' drill.out || e2e_fail "drill: $(cat drill.out)"
rk_ok "the restore drill passes on the shipped copy"
# the database is lost; its slot file, server key and ledger survive beside it
mkdir lost && mv r.db lost/ && rm -f r.db-wal r.db-shm
"$R" restore --from "$set/$name.db" --db r.db --keyfile backup.key >restore.out 2>&1 ||
	e2e_fail "restore: $(cat restore.out)"
"$R" customer show C000002 "${D[@]}" >s.out 2>&1 || e2e_fail "show after restore: $(cat s.out)"
grep -q 'Bertta Pysyy' s.out || e2e_fail "the restored register lacks Bertta: $(cat s.out)"
"$R" customer show C000001 "${D[@]}" >s2.out 2>&1 || true
grep -q 'Aino' s2.out && e2e_fail "the erased person came back: $(cat s2.out)"
rk_ok "a restore from the shipped copy works, and the erased person stays erased"
e2e_pass
