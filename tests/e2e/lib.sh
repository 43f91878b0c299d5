# shellcheck shell=bash
# tests/e2e/lib.sh - bash library for the end-to-end tests of rekisteri.
#
# An e2e test is a bash script tests/e2e/test_NAME.sh that sources this file,
# starts the real program in a detached tmux server at a fixed size, types
# keys into it and waits for text on the screen. Meson runs each script with
# $REKISTERI (the built binary) and $SRCDIR (the source tree) set.
#
# How it works:
# - Sourcing the file picks one private tmux server per test script
#   (tmux -L "$E2E_SOCKET" -f /dev/null, socket name unique by PID and a
#   random number), so tests run in parallel without seeing each other.
#   E2E_SOCKET is exported so tools/shoot.sh can reach the same server.
# - An EXIT trap kills that server and removes $E2E_TMP (a private scratch
#   directory). INT, TERM and HUP are turned into exits so the trap runs;
#   a detached watchdog kills the server even if the script is SIGKILLed.
#   A test that needs its own cleanup registers it with e2e_on_exit instead
#   of replacing the EXIT trap.
# - Panes stay on screen after the program exits (remain-on-exit on, with an
#   empty remain-on-exit-format so tmux does not scroll a "Pane is dead"
#   line over the last screen), so a crash's last screen is readable and the
#   exit status can be read from #{pane_dead_status}.
# - Waiting polls capture-pane every 50 ms against a deadline; nothing sleeps
#   for a fixed time. A wait fails early when the program has exited and the
#   screen can no longer change.
# - Functions that fail call e2e_fail, which prints the message and every
#   session's screen to stderr and exits 1. Call them from the test's main
#   shell, not inside $(...), or the exit only leaves the subshell.
# - Screenshots: tmux's capture omits cells that were only cleared (not
#   written), so with a bce terminal such as xterm-256color a coloured
#   background painted by clearing is lost in e2e_shoot. Scripts that take
#   screenshots of a coloured-background screen should set
#   E2E_TERM=tmux-256color (no bce: ncurses then writes the spaces).
#
# The library is safe under `set -euo pipefail`.

if [[ -n "${E2E_LIB_LOADED:-}" ]]; then
	return 0
fi
E2E_LIB_LOADED=1

E2E_LIBDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_SRCDIR="${SRCDIR:-$(cd "$E2E_LIBDIR/../.." && pwd)}"
E2E_GOLDEN_DIR="${E2E_GOLDEN_DIR:-$E2E_SRCDIR/tests/e2e/golden}"
E2E_TERM="${E2E_TERM:-xterm-256color}"
E2E_SOCKET="rk-$$-${RANDOM}${RANDOM}"
E2E_TMP="$(mktemp -d "${TMPDIR:-/tmp}/rk-e2e.XXXXXX")"
E2E_SOCKET_PATH="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$E2E_SOCKET"
export E2E_SOCKET E2E_SRCDIR
# Running the tests from inside tmux must not leak the outer server.
unset TMUX TMUX_PANE
E2E_CLEANUP=()

# Run tmux against this script's private server, in a UTF-8 locale so that
# tmux keeps wide and box-drawing characters (-u forces UTF-8 as well).
_e2e_tmux() {
	LC_ALL=C.UTF-8 tmux -u -L "$E2E_SOCKET" -f /dev/null "$@"
}

# Exact-match target for the active pane of session NAME.
_e2e_target() {
	printf '=%s:' "$1"
}

# Milliseconds since the epoch, from bash's own clock (no fork).
_e2e_now_ms() {
	local t="${EPOCHREALTIME/[.,]/}"
	printf '%s' "$((10#$t / 1000))"
}

# Convert a timeout in seconds ("10", "0.5") to milliseconds.
_e2e_ms() {
	local s="$1" int frac
	[[ "$s" =~ ^([0-9]*)(\.([0-9]{1,3}))?[0-9]*$ ]] || e2e_fail "bad timeout '$s'"
	int="${BASH_REMATCH[1]:-0}"
	frac="${BASH_REMATCH[3]:-0}"
	while ((${#frac} < 3)); do frac+=0; done
	printf '%s' "$((10#$int * 1000 + 10#$frac))"
}

# e2e_on_exit CMD... - run CMD (a command line, eval'ed) at exit, before the
# tmux server is killed. Use this instead of `trap ... EXIT`.
e2e_on_exit() {
	E2E_CLEANUP+=("$*")
}

# _e2e_running SID... - succeed while a process of session SID (a pane's
# program and what it started) is still running; zombies do not count.
_e2e_running() {
	local sid
	for sid in "$@"; do
		ps -o stat= --sid "$sid" 2>/dev/null | grep -qv '^Z' && return 0
	done
	return 1
}

# e2e_kill_all - kill the private tmux server and remove $E2E_TMP. Runs from
# the EXIT trap; calling it twice is harmless. The panes' programs get
# SIGHUP from kill-server and may still be closing their register (a
# checkpoint, the audit heads) in $E2E_TMP: removing it under them made
# rm fail with "Directory not empty", so it waits (at most 10 s) until the
# server and every pane's session have ended (each pane is a session of
# its own, led by its program).
e2e_kill_all() {
	local c sids server i
	for c in "${E2E_CLEANUP[@]+"${E2E_CLEANUP[@]}"}"; do
		eval "$c" || true
	done
	E2E_CLEANUP=()
	sids=$(_e2e_tmux list-panes -a -F '#{pane_pid}' 2>/dev/null || true)
	server=$(_e2e_tmux display-message -p '#{pid}' 2>/dev/null || true)
	_e2e_tmux kill-server >/dev/null 2>&1 || true
	for ((i = 0; i < 200; i++)); do
		# shellcheck disable=SC2086 # one pid a word
		_e2e_running $sids ||
			{ [[ -n "$server" ]] && ps -o stat= -p "$server" | grep -qv '^Z'; } || break
		sleep 0.05
	done
	# tmux leaves its socket file behind.
	rm -f -- "$E2E_SOCKET_PATH"
	if [[ -n "${E2E_TMP:-}" && -d "$E2E_TMP" ]]; then
		rm -rf -- "$E2E_TMP"
	fi
}

trap 'e2e_kill_all' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Watchdog in its own session: survives a SIGKILL of the test's process
# group and kills the server once the test script is gone.
if command -v setsid >/dev/null 2>&1; then
	# shellcheck disable=SC2016 # expanded by the inner bash
	setsid -f bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
		LC_ALL=C.UTF-8 tmux -L "$2" -f /dev/null kill-server 2>/dev/null
		rm -rf -- "$3" "$4"' _ "$$" "$E2E_SOCKET" "$E2E_TMP" "$E2E_SOCKET_PATH" \
		</dev/null >/dev/null 2>&1 || true
fi

# e2e_pass [MSG] - print PASS and exit 0.
e2e_pass() {
	printf 'PASS%s\n' "${1:+: $1}"
	exit 0
}

# e2e_skip [MSG] - print SKIP and exit 77 (meson's "skipped").
e2e_skip() {
	printf 'SKIP%s\n' "${1:+: $1}"
	exit 77
}

# e2e_dump_all - print every session's screen to stderr (for diagnostics).
e2e_dump_all() {
	local s
	while IFS= read -r s; do
		[[ -n "$s" ]] || continue
		_e2e_dump "$s"
	done < <(_e2e_tmux list-sessions -F '#{session_name}' 2>/dev/null || true)
}

# Print one session's screen to stderr inside a frame.
_e2e_dump() {
	local info
	info="$(_e2e_tmux display-message -p -t "$(_e2e_target "$1")" \
		'#{pane_width}x#{pane_height} cursor=#{cursor_x},#{cursor_y} dead=#{pane_dead}' \
		2>/dev/null || echo 'gone')"
	{
		printf -- '----- screen of session %s (%s) -----\n' "$1" "$info"
		_e2e_tmux capture-pane -p -t "$(_e2e_target "$1")" 2>/dev/null || true
		printf -- '----- end of screen %s -----\n' "$1"
	} >&2
}

# e2e_fail MSG - print FAIL: MSG and all screens to stderr, exit 1.
e2e_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	e2e_dump_all
	exit 1
}

# e2e_start NAME WIDTH HEIGHT CMD... - start CMD in a new detached session
# NAME of exactly WIDTH x HEIGHT cells. CMD runs without a shell as
# `env -u NO_COLOR -u COLUMNS -u LINES TERM=$E2E_TERM LANG=C.UTF-8 LC_ALL=C.UTF-8 CMD...` and inherits the
# test's environment; put `env VAR=value` in CMD to add variables (a later
# assignment wins, so `env LC_ALL=fi_FI.UTF-8 prog` works).
e2e_start() {
	local name="$1" w="$2" h="$3"
	shift 3
	[[ $# -gt 0 ]] || e2e_fail "e2e_start $name: no command"
	# exit-empty off: killing the last session (e2e_kill) would end the
	# server, and a session started right after could reach the server
	# while it exits ("tmux could not start the session", seen in a
	# clean-clone run of e2e_import_signals); the cleanup kills it
	_e2e_tmux set-option -s exit-empty off \; \
		set-option -g remain-on-exit on \; \
		set-option -g remain-on-exit-format '' \; \
		set-option -g default-terminal "$E2E_TERM" \; \
		set-option -g status off \; \
		set-option -g escape-time 0 \; \
		new-session -d -s "$name" -x "$w" -y "$h" -- \
		env -u NO_COLOR -u COLUMNS -u LINES TERM="$E2E_TERM" LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@" ||
		e2e_fail "e2e_start $name: tmux could not start the session"
	local size
	size="$(_e2e_tmux display-message -p -t "$(_e2e_target "$name")" \
		'#{pane_width}x#{pane_height}')"
	[[ "$size" == "${w}x${h}" ]] ||
		e2e_fail "e2e_start $name: pane is $size, wanted ${w}x${h}"
}

# e2e_keys NAME KEY... - send tmux key names (Enter, Escape, Tab, Up, F1,
# C-x, M-x, BSpace, ...) or plain strings, as tmux send-keys does.
e2e_keys() {
	local name="$1"
	shift
	_e2e_tmux send-keys -t "$(_e2e_target "$name")" "$@" ||
		e2e_fail "e2e_keys $name: send-keys failed"
}

# e2e_type NAME TEXT - type TEXT literally (no key-name lookup).
e2e_type() {
	_e2e_tmux send-keys -t "$(_e2e_target "$1")" -l -- "$2" ||
		e2e_fail "e2e_type $1: send-keys failed"
}

# e2e_screen NAME - print the visible screen as plain text (no trailing
# spaces, one line per row).
e2e_screen() {
	_e2e_tmux capture-pane -p -t "$(_e2e_target "$1")"
}

# e2e_screen_ansi NAME - print the screen with SGR escape sequences and
# trailing spaces kept (capture-pane -p -e -N), as tools/screenshot.py reads.
e2e_screen_ansi() {
	_e2e_tmux capture-pane -p -e -N -t "$(_e2e_target "$1")"
}

# e2e_is_dead NAME - succeed if the program in NAME has exited.
e2e_is_dead() {
	[[ "$(_e2e_tmux display-message -p -t "$(_e2e_target "$1")" \
		'#{pane_dead}' 2>/dev/null)" == 1 ]]
}

# Shared poll loop. $1 = 1 to wait for a match, 0 to wait for no match.
_e2e_poll() {
	local want="$1" name="$2" re="$3" timeout="${4:-10}" what
	local deadline screen found dead=0
	deadline=$(($(_e2e_now_ms) + $(_e2e_ms "$timeout")))
	[[ "$want" == 1 ]] && what="waiting for" || what="waiting for absence of"
	while :; do
		if ! screen="$(_e2e_tmux capture-pane -p -t "$(_e2e_target "$name")" 2>&1)"; then
			e2e_fail "$what /$re/: session $name is gone ($screen)"
		fi
		found=0
		if grep -Eq -- "$re" <<<"$screen"; then
			found=1
		fi
		[[ "$found" == "$want" ]] && return 0
		if [[ "$dead" == 1 ]]; then
			e2e_fail "$what /$re/ in session $name: the program exited" \
				"(status $(e2e_exit_status "$name" 1)) and the screen cannot change"
		fi
		# One more capture after the pane is seen dead: tmux marks it
		# dead only after it has read all output.
		e2e_is_dead "$name" && dead=1
		if (($(_e2e_now_ms) >= deadline)); then
			e2e_fail "timeout after ${timeout}s $what /$re/ in session $name"
		fi
		sleep 0.05
	done
}

# e2e_wait NAME REGEX [TIMEOUT_S=10] - poll until a line of the screen
# matches the extended regex (grep -E, per line). Fails on timeout or if the
# program exits without showing it.
e2e_wait() {
	_e2e_poll 1 "$@"
}

# e2e_wait_gone NAME REGEX [TIMEOUT_S=10] - poll until no line matches.
e2e_wait_gone() {
	_e2e_poll 0 "$@"
}

# e2e_assert_absent NAME STRING... - fail if any fixed STRING is on the
# screen now.
e2e_assert_absent() {
	local name="$1" screen s
	shift
	screen="$(e2e_screen "$name")" || e2e_fail "session $name is gone"
	for s in "$@"; do
		if grep -Fq -- "$s" <<<"$screen"; then
			e2e_fail "session $name shows forbidden text '$s'"
		fi
	done
}

# e2e_assert_present NAME STRING... - fail unless every fixed STRING is on
# the screen now (no waiting; use e2e_wait to wait).
e2e_assert_present() {
	local name="$1" screen s
	shift
	screen="$(e2e_screen "$name")" || e2e_fail "session $name is gone"
	for s in "$@"; do
		if ! grep -Fq -- "$s" <<<"$screen"; then
			e2e_fail "session $name does not show '$s'"
		fi
	done
}

# e2e_resize NAME W H - resize the window (the program gets SIGWINCH) and
# check the pane has the new size.
e2e_resize() {
	local size
	_e2e_tmux resize-window -t "$(_e2e_target "$1")" -x "$2" -y "$3" ||
		e2e_fail "e2e_resize $1: resize-window failed"
	size="$(_e2e_tmux display-message -p -t "$(_e2e_target "$1")" \
		'#{pane_width}x#{pane_height}')"
	[[ "$size" == "$2x$3" ]] || e2e_fail "e2e_resize $1: pane is $size, wanted $2x$3"
}

# e2e_size NAME - print "WIDTHxHEIGHT" of the pane.
e2e_size() {
	_e2e_tmux display-message -p -t "$(_e2e_target "$1")" '#{pane_width}x#{pane_height}'
}

# e2e_cursor NAME - print "X Y" (0-based) of the cursor.
e2e_cursor() {
	_e2e_tmux display-message -p -t "$(_e2e_target "$1")" '#{cursor_x} #{cursor_y}'
}

# e2e_title NAME - print the pane title (set by the program with OSC 0/2).
e2e_title() {
	_e2e_tmux display-message -p -t "$(_e2e_target "$1")" '#{pane_title}'
}

# e2e_pid NAME - print the PID of the program (the pane's process).
e2e_pid() {
	_e2e_tmux display-message -p -t "$(_e2e_target "$1")" '#{pane_pid}'
}

# e2e_exit_status NAME [TIMEOUT_S=10] - wait until the program has exited
# and print its exit status; a death by signal N prints 128+N as a shell
# would. Fails on timeout.
e2e_exit_status() {
	local name="$1" timeout="${2:-10}" deadline dead st sig
	deadline=$(($(_e2e_now_ms) + $(_e2e_ms "$timeout")))
	# tmux closes the pane (pane_dead) on EOF, which may come before it
	# reaps the child: wait until the status or the signal is known too.
	while :; do
		IFS=: read -r dead st sig < <(_e2e_tmux display-message -p \
			-t "$(_e2e_target "$name")" \
			'#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}' 2>/dev/null ||
			echo gone)
		[[ "$dead" != gone ]] || e2e_fail "e2e_exit_status: session $name is gone"
		[[ "$dead" == 1 && -n "$st$sig" ]] && break
		# tmux 3.3 can miss a SIGCHLD and leave the child a zombie until
		# its next signal; a harmless SIGCHLD makes it reap now.
		if [[ "$dead" == 1 ]]; then
			kill -CHLD "$(_e2e_tmux display-message -p '#{pid}')" 2>/dev/null || true
		fi
		if (($(_e2e_now_ms) >= deadline)); then
			e2e_fail "timeout after ${timeout}s waiting for the program in $name to exit"
		fi
		sleep 0.05
	done
	if [[ -n "$sig" ]]; then
		printf '%s\n' "$((128 + sig))"
	else
		printf '%s\n' "$st"
	fi
}

# e2e_kill NAME - kill session NAME (its program gets SIGHUP).
e2e_kill() {
	_e2e_tmux kill-session -t "=$1" 2>/dev/null || true
}

# Poll until two captures 100 ms apart are equal (the screen settled).
_e2e_settled_screen() {
	local name="$1" a b
	local deadline=$(($(_e2e_now_ms) + 2000))
	# The trailing "." keeps blank bottom rows through $(...).
	a="$(e2e_screen "$name" && echo .)" || e2e_fail "session $name is gone"
	while :; do
		sleep 0.1
		b="$(e2e_screen "$name" && echo .)" || e2e_fail "session $name is gone"
		if [[ "$a" == "$b" ]] || (($(_e2e_now_ms) >= deadline)); then
			printf '%s' "${b%.}"
			return 0
		fi
		a="$b"
	done
}

# Apply sed -E masks (for clocks, dates) to stdin.
_e2e_mask() {
	local args=() m
	for m in "$@"; do
		args+=(-e "$m")
	done
	if [[ ${#args[@]} -gt 0 ]]; then
		sed -E "${args[@]}"
	else
		cat
	fi
}

# e2e_golden NAME FILE [SED_EXPR...] - compare the screen with
# $E2E_GOLDEN_DIR/FILE (default tests/e2e/golden/FILE), after applying the
# optional sed -E expressions to mask variable text, e.g.
# 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g'. Polls for up to
# $E2E_GOLDEN_TIMEOUT seconds (default 5) until the screen matches, then
# fails with a unified diff. With E2E_UPDATE_GOLDEN=1 it writes the settled
# screen to the file instead.
e2e_golden() {
	local name="$1" file="$E2E_GOLDEN_DIR/$2" cur deadline
	shift 2
	if [[ "${E2E_UPDATE_GOLDEN:-0}" == 1 ]]; then
		mkdir -p "$(dirname "$file")"
		_e2e_settled_screen "$name" | _e2e_mask "$@" >"$file"
		printf 'updated golden %s\n' "$file" >&2
		return 0
	fi
	[[ -f "$file" ]] ||
		e2e_fail "golden $file is missing (run with E2E_UPDATE_GOLDEN=1 to create it)"
	cur="$E2E_TMP/golden.$$.txt"
	deadline=$(($(_e2e_now_ms) + $(_e2e_ms "${E2E_GOLDEN_TIMEOUT:-5}")))
	while :; do
		e2e_screen "$name" | _e2e_mask "$@" >"$cur" ||
			e2e_fail "session $name is gone"
		cmp -s "$file" "$cur" && return 0
		if (($(_e2e_now_ms) >= deadline)); then
			diff -u --label "golden/${file#"$E2E_GOLDEN_DIR"/}" --label screen \
				"$file" "$cur" >&2 || true
			e2e_fail "screen of $name differs from golden $file" \
				"(E2E_UPDATE_GOLDEN=1 rewrites it)"
		fi
		sleep 0.05
	done
}

# e2e_shoot NAME OUT.png [TITLE] - render the screen of NAME to a PNG with
# tools/shoot.sh (tools/screenshot.py, needs python3-pil).
e2e_shoot() {
	local args=("$1" "$2")
	[[ $# -ge 3 ]] && args+=(--title "$3")
	"$E2E_SRCDIR/tools/shoot.sh" "${args[@]}" ||
		e2e_fail "e2e_shoot $1: rendering $2 failed"
}
