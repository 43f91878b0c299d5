#!/usr/bin/env bash
# test_reindex_progress.sh - the one-time search index rebuild at the first
# opening of an existing register (its index in an older form: accents
# not folded yet) says what the wait is for and how far it is, on the
# command line (on a terminal) and on the screen.
#
# The fixture is a demo register of 5000 customers (progress is reported
# every 4096) whose meta row says the index has the older form, as a
# register from the last version has; the rebuild then runs at opening.
# Checks:
# - a command on a terminal (script(1) gives it one and keeps what it
#   wrote): the line naming the rebuild and the bar at 4096/5000 and at
#   5000/5000; the meta row is current afterwards, the index merged into
#   one segment per index (customer_fts_segdir), and the next opening
#   says nothing;
# - a command whose standard error is not a terminal writes no bar;
# - the program in tmux at 80x24: the message line counts "4096 of 5000"
#   while the login waits (the terminal output, kept by tmux pipe-pane),
#   and the home screen says the index was updated.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

N=5000
OLD="by_group" # the index's form before accents were folded
rk_demo_setup $N
rk_config '[accounts]' 'combine_duties = 1' # the test's key file (README, Roles)
rk_demo_keyfile shop sales

make_old() {
	rk_sql "UPDATE meta SET value='$OLD' WHERE key='search_tags';" >/dev/null
	[[ "$(rk_sql "SELECT value FROM meta WHERE key='search_tags';")" == "$OLD" ]] ||
		e2e_fail "could not mark the index as old"
}
is_current() {
	[[ "$(rk_sql "SELECT value FROM meta WHERE key='search_tags';")" != "$OLD" ]]
}
# on_tty FILE CMD... - CMD on a pseudo-terminal; what it wrote goes to FILE.
on_tty() {
	local f=$1
	shift
	script -q -e -c "$(printf '%q ' "$@")" "$f" >/dev/null
}
# printable FILE - FILE.txt: FILE with each \r as a new line (the bar
# redraws in place).
printable() {
	tr '\r' '\n' <"$1" >"$1.txt"
}

# --- the command line, on a terminal ------------------------------------------
make_old
on_tty cli.tty env REKISTERI_CONFIG="$REKISTERI_CONFIG" "$R" product list --db r.db \
	--keyfile shop.key || e2e_fail "product list: $(cat cli.tty)"
printable cli.tty
grep -q "^Updating the search index for this version of rekisteri, once ($N customers)" \
	cli.tty.txt || e2e_fail "no line naming the rebuild: $(head -5 cli.tty.txt)"
grep -q "^\[#\{24\}\.\{6\}\] 4096/$N" cli.tty.txt ||
	e2e_fail "no bar at 4096/$N: $(head -5 cli.tty.txt)"
grep -q "^\[#\{30\}\] $N/$N\$" cli.tty.txt || e2e_fail "no bar at $N/$N"
is_current || e2e_fail "the index is still marked old after the rebuild"
most=$(rk_sql "SELECT max(n) FROM (SELECT count(*) AS n FROM customer_fts_segdir
	GROUP BY level / 1024);")
[[ $most == 1 && $(rk_sql "SELECT count(*) FROM meta WHERE key='search_merge';") == 0 ]] ||
	e2e_fail "the rebuilt index is not merged: an index has $most segments"
rk_ok "CLI on a terminal: the rebuild is named, its bar reaches $N/$N, the index is merged"

on_tty again.tty env REKISTERI_CONFIG="$REKISTERI_CONFIG" "$R" product list --db r.db \
	--keyfile shop.key || e2e_fail "product list again"
if grep -q "search index" again.tty; then e2e_fail "a second opening rebuilt again"; fi
rk_ok "the next opening has nothing to rebuild and says nothing"

make_old
"$R" product list --db r.db --keyfile shop.key >plain.out 2>plain.err ||
	e2e_fail "product list: $(cat plain.err)"
if grep -q "search index\|\[#" plain.err plain.out; then
	e2e_fail "a bar where standard error is no terminal: $(cat plain.err)"
fi
is_current || e2e_fail "the rebuild did not run without a terminal"
rk_ok "CLI without a terminal: rebuilt, no bar"

# --- the screen ----------------------------------------------------------------------
make_old
read -r name _ pw secret < <(grep '^sales ' r.db.users)
rk_start t
_e2e_tmux pipe-pane -o -t "$(_e2e_target t)" "cat >> '$E2E_TMP/screen.out'"
rk_login t "$name" "$pw" "$(rk_code "$secret")"
e2e_wait t "The search index was updated for this version of rekisteri \($N customers\)\." 60
e2e_wait t 'What would you like to do\?'
grep -aq "Updating the search index, once: 4096 of $N customers" screen.out ||
	e2e_fail "the screen showed no progress while it waited"
is_current || e2e_fail "the index is still marked old after the login"
rk_ok "screen: progress on the message line while logging in, then a note on home"
e2e_pass "the one-time search index rebuild reports its progress"
