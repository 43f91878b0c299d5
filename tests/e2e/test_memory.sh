#!/usr/bin/env bash
# test_memory.sh - memory of an idle session: the number the README quotes.
#
# A register made with the shipped defaults (Argon2id 192 MiB, 5 passes;
# page cache up to 64 MiB), so the login really runs the full Argon2id.
# Measured with ps -o rss (resident set size, KiB):
# - the full-screen program logged in and idle on the home screen (after
#   the login's Argon2id memory has been given back, and after 5 s with no
#   key, when an idle session gives back its page cache);
# - the command line waiting at its password prompt.
# RSS counts the shared libraries (SQLCipher with OpenSSL's libcrypto,
# ncurses, libc), whose pages every session shares; the private part is
# what each further session really adds.
# The target is under 10 MiB per idle session (100 staff in 1 GiB); the
# check is skipped for sanitizer builds, whose shadow memory is not the
# program's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

PW='kolme iloista kalaa'
printf '[register]\ncompany_name = Muisti Oy\n' >default.ini
chmod 644 default.ini
export REKISTERI_CONFIG="$E2E_TMP/default.ini"
rk_init hannele "$PW"
rk_enrol_cli hannele "$PW"

rss_kib() { ps -o rss= -p "$1" | tr -d ' '; }
rk_start a
rk_login a hannele "$PW" "$(rk_code "$SECRET")"
e2e_wait a 'What would you like to do\?' 20
pid=$(e2e_pid a)
# idle: no key for 5 s gives the caches back (tui_main.c, release_when_idle)
sleep 7
tui=$(rss_kib "$pid")
peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
private=$(awk '/^Private_(Clean|Dirty):/ {n += $2} END {print n}' "/proc/$pid/smaps_rollup")
e2e_start c 80 24 "$R" check --db r.db --user hannele
e2e_wait c '[Pp]assword'
sleep 1
cli=$(rss_kib "$(e2e_pid c)")
printf 'idle TUI session: RSS %s KiB, of it private %s KiB (peak during login %s KiB)\n' \
	"$tui" "$private" "$peak"
printf 'CLI at its password prompt: RSS %s KiB\n' "$cli"
# where the idle session's resident pages are, largest first (KiB)
awk '/^[0-9a-f]+-[0-9a-f]+ / {m = NF >= 6 ? $6 : "[anon]"} /^Rss:/ {r[m] += $2}
	END {for (m in r) print r[m], m}' "/proc/$pid/smaps" | sort -rn | head -12
# (into files first: with pipefail, grep -q closing the pipe early would
# make the pipeline fail and the check wrongly say "not a sanitizer build")
ldd "$R" >ldd.txt 2>&1 || true
nm "$R" >nm.txt 2>/dev/null || true
if grep -q 'libasan\|libubsan' ldd.txt || grep -q __asan_init nm.txt; then
	e2e_skip "sanitizer build: measured, not checked"
fi
((tui < 10240)) || e2e_fail "an idle session takes $tui KiB, over the 10 MiB target"
((cli < 10240)) || e2e_fail "the CLI takes $cli KiB, over the 10 MiB target"
e2e_pass
