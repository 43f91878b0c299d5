#!/usr/bin/env bash
# test_setgid.sh - a privileged start, as on a multi-user server where the
# binary is setgid to the group that owns the register, and the terminal
# restored on every way out.
#
# Setup (needs root, else skipped): a copy of the binary, group daemon,
# mode 2755; a register in a 2770 directory of that group, files 0660;
# admin hannele enrolled with the CLI (unprivileged binary, fast Argon2).
#
# Checks:
# - --config is refused when privileged;
# - an unknown TERM falls back to vt100 and the login screen says so once;
# - a well-formed SSH_CONNECTION survives the environment cleaning and is
#   the session's source (title line); a malformed one is dropped;
# - LANGUAGE=sv is kept (Swedish messages); a LANGUAGE that names a path,
#   even to a catalog made for the purpose, is dropped (English);
# - a register directory that anyone can write is refused, with the chmod
#   that fixes it;
# - SIGHUP, SIGTERM and SIGINT in the middle of a session, and F10, end the
#   program with the terminal settings exactly as before (stty -g).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

[[ $(id -u) == 0 ]] || e2e_skip "needs root to make a setgid copy"
PW='kolme iloista kalaa'
rk_config
chmod 755 "$E2E_TMP"
mkdir -p bin data
install -m 2755 -g daemon "$R" bin/rekisteri
chgrp daemon data
chmod 2770 data
echo "$PW" | "$R" init --db data/r.db --admin hannele --password-stdin >init.out 2>init.err ||
	e2e_fail "init: $(cat init.err)"
chgrp daemon data/r.db data/r.db.keys data/r.db.serverkey
chmod 0660 data/r.db data/r.db.keys
chmod 0640 data/r.db.serverkey # group-readable: only the setgid binary reads it
G="$E2E_TMP/bin/rekisteri"

out=$("$G" --config fast.ini --db data/r.db check 2>&1) && e2e_fail "--config accepted"
grep -q 'not accepted when running privileged' <<<"$out" || e2e_fail "--config: $out"
rk_ok "--config refused when setgid"

# --- TERM allowlist and SSH_CONNECTION -------------------------------------
e2e_start t 80 24 env TERM=evil-term SSH_CONNECTION='203.0.113.9 50022 127.0.0.1 22' \
	"$G" --db data/r.db
e2e_wait t "$LOGIN_SCREEN"
e2e_wait t 'Unknown terminal type: using vt100'
rk_login t hannele "$PW"
e2e_wait t 'hannele \(admin\) from 203\.0\.113\.9'
rk_ok "TERM=evil-term -> vt100 with a note; SSH_CONNECTION kept as the source"
e2e_start u 80 24 env SSH_CONNECTION='203.0.113.9;id 1 2 3' "$G" --db data/r.db
rk_login u hannele "$PW"
e2e_wait u 'hannele \(admin\) from tty:/dev/pts/'
e2e_assert_absent u 'Unknown terminal type'
rk_ok "a malformed SSH_CONNECTION is dropped; xterm-256color passes quietly"

# --- the language: LANGUAGE kept as a language, never as a path ------------
# a catalog of the attacker's own, reached by a relative LANGUAGE from the
# program's catalog directory: its message must never show
mkdir -p evil/fi/LC_MESSAGES
printf 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "unknown command %%s"\nmsgstr "PWNED %%s"\nmsgid "unknown command '"'"'%%s'"'"'"\nmsgstr "PWNED %%s"\n' >evil.po
msgfmt -o evil/fi/LC_MESSAGES/rekisteri.mo evil.po || e2e_fail "msgfmt evil.po"
lang_says() { # lang_says LANGUAGE-VALUE - the first line of a usage error
	{ env -i LANGUAGE="$1" "$G" --db data/r.db nosuchcommand 2>&1 || true; } | head -1
}
[[ $(lang_says sv) == *"okänt kommando"* ]] || e2e_fail "LANGUAGE=sv not kept: $(lang_says sv)"
up=$(printf '../%.0s' $(seq 12))
for v in "$up$E2E_TMP/evil/fi" "$E2E_TMP/evil/fi" "sv:$up$E2E_TMP/evil/fi" "fi/../../x"; do
	out=$(lang_says "$v")
	[[ $out == *PWNED* ]] && e2e_fail "LANGUAGE=$v reached a catalog of its own: $out"
	[[ $out == *"unknown command"* ]] || e2e_fail "LANGUAGE=$v was not dropped: $out"
done
rk_ok "LANGUAGE=sv is kept under setgid; a LANGUAGE naming a path is dropped, its catalog unread"

# --- paths anyone can write --------------------------------------------------
chmod 2777 data
out=$("$G" --db data/r.db check --keyfile none 2>&1) && e2e_fail "a 0777 directory accepted"
grep -q "data: refusing a register path that anyone can write (fix with: chmod o-w" <<<"$out" ||
	e2e_fail "0777 directory: $out"
chmod 2770 data
rk_ok "a world-writable register directory is refused"

# --- the terminal is restored on every way out -------------------------------
# A shell in the pane saves the settings, runs the program, saves them again.
for how in HUP TERM INT F10; do
	e2e_start "r$how" 80 24 bash -c 'stty -g >before.'"$how"'; "$0" --db data/r.db; echo "exit=$?"; stty -g >after.'"$how"'; sleep 60' "$G"
	e2e_wait "r$how" "$LOGIN_SCREEN"
	e2e_type "r$how" hannele
	e2e_keys "r$how" Tab
	if [[ $how == F10 ]]; then
		e2e_keys "r$how" F10
	else
		pid=$(pgrep -P "$(e2e_pid "r$how")" -x rekisteri) || e2e_fail "no rekisteri process"
		kill -"$how" "$pid"
	fi
	e2e_wait "r$how" '^exit=[0-9]+'
	e2e_wait_gone "r$how" "$LOGIN_SCREEN" 2
	for _ in $(seq 50); do [[ -s after.$how ]] && break; sleep 0.1; done
	cmp -s "before.$how" "after.$how" || e2e_fail "$how: terminal settings differ after exit"
	code=$(e2e_screen "r$how" | sed -n 's/^exit=//p')
	case $how in
	HUP) [[ $code == 129 ]] ;; TERM) [[ $code == 143 ]] ;; INT) [[ $code == 130 ]] ;; F10) [[ $code == 0 ]] ;;
	esac || e2e_fail "$how: exit status $code"
	rk_ok "$how: exit $code, terminal settings restored"
done
e2e_pass
