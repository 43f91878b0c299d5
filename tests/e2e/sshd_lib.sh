# shellcheck shell=bash
# tests/e2e/sshd_lib.sh - Debian's sshd on a loopback port for the
# deployment tests (test_deploy.sh, test_export_fetch.sh), configured from
# the shipped sample, on top of login_lib.sh.
#
# How it works: rk_sshd_start writes ssh/sshd_config from a few test-only
# lines (listen address, port, host key, pid file, the users' keys under
# ssh/keys/USER, no PAM, no passwords) and the sample with the sed
# expressions given (the binary's path, group names, chroot path), checks
# it with sshd -t, starts sshd and waits until it accepts connections. It
# sets PORT, SSHO (client options) and SSH (an ssh command line). The
# caller kills sshd through ssh/sshd.pid at exit.

# rk_sshd_need_root WHAT - skip unless root, fail without sshd.
rk_sshd_need_root() {
	[[ $(id -u) == 0 ]] || e2e_skip "needs root to $1"
	[[ -x /usr/sbin/sshd ]] || e2e_fail "openssh-server is not installed (scripts/deps.sh --test)"
	set -E
	trap e2e_dump_all ERR
}

# rk_sshd_start SAMPLE SED-EXPRESSION... - see above.
rk_sshd_start() {
	local sample=$1
	shift
	local sed_args=()
	for e in "$@"; do sed_args+=(-e "$e"); done
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p ssh/keys /run/sshd
	[[ -f ssh/host_key ]] || ssh-keygen -q -t ed25519 -N '' -f ssh/host_key
	{
		printf '%s\n' "ListenAddress 127.0.0.1" "Port $PORT" "HostKey $E2E_TMP/ssh/host_key" \
			"PidFile $E2E_TMP/ssh/sshd.pid" "AuthorizedKeysFile $E2E_TMP/ssh/keys/%u" \
			"StrictModes no" "UsePAM no" "PasswordAuthentication no" \
			"KbdInteractiveAuthentication no" "PrintMotd no" "PrintLastLog no" \
			"LogLevel VERBOSE" "Subsystem sftp /usr/lib/openssh/sftp-server"
		sed "${sed_args[@]}" "$sample"
	} >ssh/sshd_config
	/usr/sbin/sshd -t -f ssh/sshd_config || e2e_fail "sshd -t refuses the configuration"
	/usr/sbin/sshd -D -f "$E2E_TMP/ssh/sshd_config" -E "$E2E_TMP/ssh/sshd.log" &
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
		sleep 0.05
	done
	SSHO=(-F /dev/null -i "$E2E_TMP/ssh/id" -o StrictHostKeyChecking=no
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR)
	SSH=(ssh "${SSHO[@]}" -p "$PORT")
}

# rk_staff_users - the file group FILEGRP (owning the register), the staff
# group STAFFGRP (the sample's Match Group) and two staff accounts UA and
# UB in it, with no password, home $E2E_TMP/home; all removed at exit with
# their processes and sshd (ssh/sshd.pid). Makes home, bin, data and
# ssh/keys in $E2E_TMP.
rk_staff_users() {
	SUF=$(printf '%05d' $((RANDOM % 100000)))
	FILEGRP=rkf$SUF STAFFGRP=rks$SUF UA=rka$SUF UB=rkb$SUF
	e2e_on_exit _rk_staff_cleanup
	groupadd "$FILEGRP"
	groupadd "$STAFFGRP"
	chmod 755 "$E2E_TMP"
	mkdir -p home bin data ssh/keys
	local u
	for u in "$UA" "$UB"; do
		useradd -M -d "$E2E_TMP/home" -s /bin/bash -g "$STAFFGRP" -p '*' "$u"
	done
}

_rk_staff_cleanup() {
	[[ -f ssh/sshd.pid ]] && kill "$(cat ssh/sshd.pid)" 2>/dev/null
	pkill -KILL -u "$UA" 2>/dev/null
	pkill -KILL -u "$UB" 2>/dev/null
	sleep 0.2
	userdel "$UA" 2>/dev/null
	userdel "$UB" 2>/dev/null
	groupdel "$STAFFGRP" 2>/dev/null
	groupdel "$FILEGRP" 2>/dev/null
	return 0
}
