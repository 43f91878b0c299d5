#!/bin/sh
# install-server.sh - the server half of `meson install` (run by meson as
# an install script, after every file is in place; see meson.build).
#
# What it does, every time (so a re-install, an upgrade, repairs what a
# plain copy of the binary would break):
#   1. the file group (default rekisteri, a system group), the staff group
#      (default rekisteri-staff) and the system user that runs the nightly
#      retention job (default rekisteri, in the file group, no shell, no
#      login) are created when missing;
#   2. the binary becomes root:GROUP mode 2755 (setgid GROUP: staff can
#      run it, and only it can open the register);
#   3. the register directory becomes root:GROUP mode 2770, created when
#      missing; files already in it are not touched (`rekisteri doctor`
#      checks them);
#   4. the export directory beside it, STATEDIR-exports (root:root 0755,
#      sshd's chroot for the fetching group, default rekisteri-fetch,
#      created when missing) with files/ in it (root:GROUP 2770), where
#      the files of access requests wait to be fetched.
# Run as root. Under DESTDIR the paths are taken inside it (the groups and
# the user are still the machine's own). Without root, or with
# -Dserver_setup=false (a package build: its postinst does this), it only
# makes sure no setgid bit is left on a group other than GROUP, and says
# what to run.
#
# Arguments: BINDIR STATEDIR GROUP STAFF_GROUP USER FETCH_GROUP
# SETUP(true|false). The environment may name other groups and user
# (RK_INSTALL_GROUP, RK_INSTALL_STAFF_GROUP, RK_INSTALL_USER,
# RK_INSTALL_FETCH_GROUP): the end-to-end test installs
# with names of its own so that it never touches a real deployment.
set -eu
BINDIR=$1 STATEDIR=$2
GROUP=${RK_INSTALL_GROUP:-$3}
STAFF=${RK_INSTALL_STAFF_GROUP:-$4}
SYSUSER=${RK_INSTALL_USER:-$5}
FETCH=${RK_INSTALL_FETCH_GROUP:-$6}
SETUP=$7
ROOT=${DESTDIR:-}
BIN="$ROOT$BINDIR/rekisteri"
DIR="$ROOT$STATEDIR"

say() { printf 'rekisteri install: %s\n' "$*"; }

# Never leave a setgid bit on the wrong group (meson ignores an install
# group that does not exist yet, and would keep the bit on root's).
guard() {
	if [ -g "$BIN" ] && [ "$(stat -c %G "$BIN")" != "$GROUP" ]; then
		chmod g-s "$BIN"
		say "removed the setgid bit from $BIN: its group is not $GROUP"
	fi
}

if [ "$SETUP" != true ] || [ "$(id -u)" != 0 ]; then
	guard
	say "the server layout was not set up (not root, or -Dserver_setup=false)."
	say "As root: groupadd --system $GROUP; groupadd $STAFF;"
	say "  useradd --system --gid $GROUP --home-dir $STATEDIR --shell /usr/sbin/nologin $SYSUSER;"
	say "  chown root:$GROUP $BINDIR/rekisteri && chmod 2755 $BINDIR/rekisteri;"
	say "  install -d -o root -g $GROUP -m 2770 $STATEDIR;"
	say "  groupadd $FETCH; install -d -m 0755 $STATEDIR-exports;"
	say "  install -d -o root -g $GROUP -m 2770 $STATEDIR-exports/files"
	exit 0
fi

getent group "$GROUP" >/dev/null || { groupadd --system "$GROUP" && say "created group $GROUP"; }
getent group "$STAFF" >/dev/null || { groupadd "$STAFF" && say "created group $STAFF"; }
getent group "$FETCH" >/dev/null || { groupadd "$FETCH" && say "created group $FETCH"; }
if ! getent passwd "$SYSUSER" >/dev/null; then
	useradd --system --gid "$GROUP" --no-create-home --home-dir "$STATEDIR" \
		--shell /usr/sbin/nologin --comment "rekisteri retention job" "$SYSUSER"
	say "created system user $SYSUSER (group $GROUP, no login)"
fi
# chown clears the setgid bit: the mode comes after it
chown root:"$GROUP" "$BIN"
chmod 2755 "$BIN"
say "$BIN: root:$GROUP 2755 (setgid $GROUP)"
install -d -o root -g "$GROUP" -m 2770 "$DIR"
chown root:"$GROUP" "$DIR"
chmod 2770 "$DIR"
say "$DIR: root:$GROUP 2770"
# sshd's chroot must be root's and writable by no one else
install -d -o root -g root -m 0755 "$DIR-exports"
chown root:root "$DIR-exports"
chmod 0755 "$DIR-exports"
install -d -o root -g "$GROUP" -m 2770 "$DIR-exports/files"
chown root:"$GROUP" "$DIR-exports/files"
chmod 2770 "$DIR-exports/files"
say "$DIR-exports/files: root:$GROUP 2770 (fetched by group $FETCH over sftp)"
say "next: add staff with 'usermod -aG $STAFF NAME'; check with 'rekisteri doctor'"
