#!/usr/bin/env bash
# test_fail2ban.sh - the shipped fail2ban filter (data/fail2ban/rekisteri.conf)
# matches the syslog line rekisteri writes for a failed login.
#
# How it works: the line's format is read from src/core/authlog.c itself,
# so the test breaks when the log line changes and the filter does not.
# Sample lines in syslog format are run through fail2ban-regex: failures
# from an SSH client's IPv4 or IPv6 address must match with that address
# and user; a local-terminal failure (rhost=local) and another program's
# look-alike line must not. Skipped (77) without fail2ban-regex.
set -euo pipefail
S=${SRCDIR:?path to the source tree}
command -v fail2ban-regex >/dev/null || { echo "SKIP: fail2ban-regex missing"; exit 77; }
[[ -r /etc/fail2ban/filter.d/common.conf ]] || { echo "SKIP: no common.conf"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$S/data/fail2ban/rekisteri.conf" /etc/fail2ban/filter.d/common.conf "$T/"

FMT=$(sed -n 's/.*syslog(LOG_WARNING, "\([^"]*\)".*/\1/p' "$S/src/core/authlog.c")
[[ "$FMT" == *"user=%s"*"rhost=%s"*"reason=%s"* ]] || { echo "FAIL: log format '$FMT'"; exit 1; }
line() { # line PROGRAM USER RHOST REASON
	printf "Nov 29 06:00:01 host %s[4242]: $FMT\n" "$1" "$2" "$3" "$4"
}
{
	line rekisteri hannele 203.0.113.7 password
	line rekisteri '?' 2001:db8::1 code
	line rekisteri pekka local password
	line sshd hannele 198.51.100.2 password
} >"$T/auth.log"

GOT=$(fail2ban-regex -o '<ip> <F-USER>' "$T/auth.log" "$T/rekisteri.conf")
WANT=$'203.0.113.7 hannele\n2001:db8::1 ?'
if [[ "$GOT" != "$WANT" ]]; then
	echo "FAIL: fail2ban-regex found:"
	echo "$GOT"
	exit 1
fi
grep -q '^filter *= *rekisteri$' "$S/data/fail2ban/jail-rekisteri.conf" ||
	{ echo "FAIL: the sample jail does not use the filter"; exit 1; }
echo "PASS: the filter bans SSH addresses (IPv4, IPv6), never rhost=local"
