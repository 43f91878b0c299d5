#!/usr/bin/env bash
# shellcheck disable=SC2016 # single-quoted code runs in other shells
# tests/e2e/test_harness.sh - self-test of tests/e2e/lib.sh.
#
# Drives small bash programs instead of rekisteri to prove that the harness
# itself works: typing and waiting, absence checks, resize with SIGWINCH,
# pane titles, exit status (normal and by signal, last screen kept intact),
# golden files, private servers with cleanup (which waits for the panes'
# programs to end), and that every check that
# should fail does fail (run in a subshell, whose exit the test inspects).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LIB="$E2E_LIBDIR/lib.sh"

# must_fail DESCRIPTION CMD... - CMD (a harness call) must exit non-zero in
# a subshell; its stderr is kept in $E2E_TMP/err for further checks.
must_fail() {
	local what="$1"
	shift
	if ("$@") >"$E2E_TMP/out" 2>"$E2E_TMP/err"; then
		e2e_fail "expected failure: $what"
	fi
}

# 1. Start at an exact size, type text, wait for the echo.
e2e_start rd 40 10 bash -c 'echo ready; read -r x; echo "got:$x"; sleep 30'
[[ "$(e2e_size rd)" == 40x10 ]] || e2e_fail "size is $(e2e_size rd)"
e2e_wait rd '^ready$'
e2e_type rd 'hello world; $HOME "q"'
e2e_keys rd Enter
e2e_wait rd '^got:hello world; \$HOME "q"$' 5
e2e_assert_present rd 'got:hello' 'ready'
e2e_assert_absent rd 'secret' 'got:bye'
[[ "$(e2e_screen rd | wc -l)" == 10 ]] || e2e_fail "capture is not 10 lines"
e2e_screen_ansi rd | grep -q '^got:hello' || e2e_fail "ansi capture lacks text"

# 2. Checks that must fail, and fail with a useful message.
must_fail "absent text is present" e2e_assert_absent rd 'nothing' 'got:hello'
grep -q "forbidden text 'got:hello'" "$E2E_TMP/err" || e2e_fail "no reason given"
grep -q -- '----- screen of session rd' "$E2E_TMP/err" || e2e_fail "no screen dump"
must_fail "missing text is present" e2e_assert_present rd 'not there'
t0=$(_e2e_now_ms)
must_fail "wait for text that never comes" e2e_wait rd 'never appears' 0.5
elapsed=$(($(_e2e_now_ms) - t0))
((elapsed >= 450 && elapsed < 3000)) || e2e_fail "0.5 s wait took ${elapsed} ms"
grep -q 'timeout after 0.5s waiting for /never appears/' "$E2E_TMP/err" ||
	e2e_fail "timeout message missing: $(cat "$E2E_TMP/err")"
grep -q '^got:hello' "$E2E_TMP/err" || e2e_fail "timeout did not print the screen"
must_fail "wait_gone for text that stays" e2e_wait_gone rd '^ready$' 0.3
must_fail "wait on a missing session" e2e_wait nosuch 'x' 1
must_fail "keys to a missing session" e2e_keys nosuch Enter
# Exact session names: "r" must not match session "rd" by prefix.
must_fail "prefix of a session name" e2e_screen r
# A failing subshell must not take the server down with it.
e2e_assert_present rd 'got:hello'

# 3. wait_gone sees text disappear.
e2e_start clr 30 5 bash -c 'echo busy; read -r; clear; echo done; sleep 30'
e2e_wait clr '^busy$'
e2e_keys clr Enter
e2e_wait_gone clr 'busy'
e2e_wait clr '^done$'

# 4. Resize: the program gets SIGWINCH and sees the new size.
e2e_start rs 40 10 bash -c 'trap "echo size:\$(stty size)" WINCH
	echo up; while :; do sleep 0.05; done'
e2e_wait rs '^up$'
e2e_resize rs 60 15
e2e_wait rs '^size:15 60$'
[[ "$(e2e_size rs)" == 60x15 ]] || e2e_fail "resize: size is $(e2e_size rs)"
must_fail "resize check on a wrong size" e2e_wait rs '^size:10 40$' 0.3

# 5. Pane title from OSC 2.
e2e_start tt 30 5 bash -c 'printf "\033]2;rekisteri - test\007"; echo titled; sleep 30'
e2e_wait tt '^titled$'
[[ "$(e2e_title tt)" == 'rekisteri - test' ]] || e2e_fail "title is '$(e2e_title tt)'"

# 6. Exit status; the last screen stays, top line included.
e2e_start ex 30 5 bash -c 'echo first; echo bye; exit 7'
[[ "$(e2e_exit_status ex)" == 7 ]] || e2e_fail "exit status not 7"
[[ "$(e2e_screen ex | head -n 1)" == first ]] || e2e_fail "top line of dead pane lost"
e2e_assert_absent ex 'Pane is dead'
e2e_start sg 30 5 bash -c 'echo top; kill -SEGV $$'
[[ "$(e2e_exit_status sg)" == 139 ]] || e2e_fail "SIGSEGV status not 139"
e2e_wait sg '^top$' 1
# Waiting on a dead program fails at once, not at the timeout.
t0=$(_e2e_now_ms)
must_fail "wait on an exited program" e2e_wait ex 'never' 10
(($(_e2e_now_ms) - t0 < 3000)) || e2e_fail "wait on a dead pane did not fail early"
grep -q 'the program exited (status 7)' "$E2E_TMP/err" || e2e_fail "no exit reason"
must_fail "exit status of a running program" e2e_exit_status rd 0.3

# 7. Golden files: update, compare, mask, mismatch.
E2E_GOLDEN_DIR="$E2E_TMP/golden"
e2e_start gd 20 4 bash -c 'echo "date 2024-05-06"; echo "line two"; sleep 30'
e2e_wait gd 'line two'
E2E_UPDATE_GOLDEN=1 e2e_golden gd sub/g.txt 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g'
printf 'date YYYY-MM-DD\nline two\n\n\n' >"$E2E_TMP/want"
cmp -s "$E2E_TMP/want" "$E2E_GOLDEN_DIR/sub/g.txt" ||
	e2e_fail "golden content: $(cat -A "$E2E_GOLDEN_DIR/sub/g.txt")"
e2e_golden gd sub/g.txt 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g'
must_fail "golden without the mask" env E2E_GOLDEN_TIMEOUT=0.2 bash -c \
	'source "$1"; E2E_GOLDEN_DIR="$2"; e2e_start gd 20 4 bash -c "echo date 2024-05-06; echo line two; sleep 30"
	 e2e_wait gd "line two"; e2e_golden gd sub/g.txt' _ "$LIB" "$E2E_GOLDEN_DIR"
grep -q '^+date 2024-05-06' "$E2E_TMP/err" || e2e_fail "golden diff missing"
must_fail "missing golden" e2e_golden gd nope.txt

# 8. Private servers: another script does not see our sessions, and its
# server is gone after it exits, also when it is terminated.
other="$(bash -c 'source "$1"; e2e_start x 10 3 sleep 30
	_e2e_tmux has-session -t =rd 2>/dev/null && echo LEAK
	echo "$E2E_SOCKET $E2E_TMP"' _ "$LIB")"
[[ "$other" != *LEAK* ]] || e2e_fail "sessions leak between servers"
read -r osock otmp <<<"$other"
[[ "$osock" != "$E2E_SOCKET" ]] || e2e_fail "socket names are not unique"
! tmux -L "$osock" -f /dev/null has-session 2>/dev/null || e2e_fail "server $osock left running"
[[ ! -e "$otmp" ]] || e2e_fail "scratch dir $otmp left behind"
bash -c 'source "$1"; e2e_start x 10 3 sleep 30
	sleep 30 & e2e_on_exit "kill $! 2>/dev/null; echo cleaned >$2.done"
	echo "$E2E_SOCKET" >"$2.tmp"; mv "$2.tmp" "$2"; wait $!
	' _ "$LIB" "$E2E_TMP/sock" </dev/null >/dev/null 2>&1 &
bg=$!
until [[ -s "$E2E_TMP/sock" ]]; do sleep 0.05; done
kill -TERM "$bg"
wait "$bg" || true
! tmux -L "$(cat "$E2E_TMP/sock")" -f /dev/null has-session 2>/dev/null ||
	e2e_fail "server left running after SIGTERM"
[[ "$(cat "$E2E_TMP/sock.done")" == cleaned ]] || e2e_fail "e2e_on_exit did not run"

# 9. The watchdog kills the server of a script that was SIGKILLed.
ksock="$(bash -c 'source "$1"; e2e_start x 10 3 sleep 60; echo "$E2E_SOCKET"
	kill -KILL $$' _ "$LIB" 2>/dev/null)" || true
[[ -n "$ksock" ]] || e2e_fail "SIGKILLed script printed no socket"
deadline=$(($(_e2e_now_ms) + 5000))
while tmux -L "$ksock" -f /dev/null has-session 2>/dev/null; do
	(($(_e2e_now_ms) < deadline)) || e2e_fail "watchdog did not kill $ksock"
	sleep 0.1
done

# 10. The exit waits for the panes' programs: one still writing in its
# $E2E_TMP after kill-server's SIGHUP (as rekisteri closes its register)
# finishes before the directory is removed, so rm never races it.
printf '%s\n' 'trap '"'"'sleep 0.5; echo late >"$1/late"; echo done >"$2"; exit 0'"'"' HUP' \
	'echo up' 'while :; do sleep 0.1; done' >"$E2E_TMP/slow_hup.sh"
htmp="$(bash -c 'source "$1"; e2e_start x 20 3 bash "$2" "$E2E_TMP" "$3"
	e2e_wait x "^up$"; echo "$E2E_TMP"' _ "$LIB" "$E2E_TMP/slow_hup.sh" "$E2E_TMP/hup.done" \
	2>"$E2E_TMP/hup.err")"
[[ "$(cat "$E2E_TMP/hup.done" 2>/dev/null)" == done ]] ||
	e2e_fail "the scratch dir was removed while a pane's program was still ending"
[[ -n "$htmp" && ! -e "$htmp" ]] || e2e_fail "scratch dir $htmp left behind"
! grep -q . "$E2E_TMP/hup.err" || e2e_fail "cleanup said: $(cat "$E2E_TMP/hup.err")"

e2e_pass "harness self-test"
