#!/usr/bin/env bash
# test_error_fields.sh - a refused save puts the cursor on the field or
# line it is about in Finnish and Swedish too, on the demo register at
# 80x24. Core names that input beside its translated message (struct
# rk_error's field and line); the screens must not look for it in the
# English text, which is not there under LANGUAGE=fi or sv.
#
# Checks, for fi (as sales) and sv (as the supervisor):
# - the customer form: a postal code the country does not have, saved
#   from another field: the message is the form's label Postal code and
#   the rule, both in the language (fieldcheck.c gives validate.c the
#   label; no English message is parsed), the cursor is on that field and
#   it is marked with "!";
# - the consent form: a date that is not a date in Given, saved from
#   Purpose: the cursor moves to Given;
# - the order form: two lines; the product of line 1 is taken off sale by
#   a second process before F2; the refusal ("Line 1 ..." in the language)
#   selects line 1 on the list, not the last line added.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/screens_lib.sh"
SC_CAPS=/dev/null # sc_login and sc_open snap screens; nothing reads them here
SC_ROLE=error_fields

rk_demo_setup
rk_config '[accounts]' 'combine_duties = 1' # the test's own key file (README, Roles)
rk_demo_keyfile dpo supervisor
mapfile -t P < <(rk_sql "SELECT code FROM products WHERE active=1 ORDER BY code LIMIT 4;")
((${#P[@]} == 4)) || e2e_fail "the demo has fewer than four products"

# cursor_row SESSION - the cursor's screen row (0-based).
cursor_row() {
	e2e_cursor "$1" | cut -d' ' -f2
}

# label_row SESSION MSGID - the 0-based row of the first line that starts
# with the translated label MSGID and a colon.
label_row() {
	local n
	n=$(e2e_screen "$1" | grep -nE "^ *$(sc_re "$(sc_t "$2")"):" | head -1 | cut -d: -f1)
	[[ -n "$n" ]] || e2e_fail "no field '$(sc_t "$2")' on the screen"
	echo $((n - 1))
}

# goto_field SESSION MSGID - move the focus (Up/Down) to the field MSGID.
goto_field() {
	local want i
	want=$(label_row "$1" "$2")
	for ((i = 0; i < 30; i++)); do
		(($(cursor_row "$1") == want)) && return 0
		if (($(cursor_row "$1") < want)); then e2e_keys "$1" Down; else e2e_keys "$1" Up; fi
		sleep 0.05
	done
	e2e_fail "could not reach the field $(sc_t "$2")"
}

# cursor_on SESSION MSGID - fail unless the cursor is on field MSGID.
cursor_on() {
	local want
	want=$(label_row "$1" "$2")
	(($(cursor_row "$1") == want)) ||
		e2e_fail "$SC_LANG: the cursor is on row $(cursor_row "$1"), the field" \
			"$(sc_t "$2") on row $want"
}

# tab SESSION MSGID - press 1..6 until the key bar offers MSGID (the tab
# whose F2 does that).
tab() {
	local i re
	re="F2 $(sc_re "$(sc_t "$2")")"
	for i in 1 2 3 4 5 6; do
		e2e_screen "$1" | grep -Eq "$re" && return 0
		e2e_keys "$1" "$i"
		sleep 0.2
	done
	e2e_wait "$1" "$re"
}

# background SESSION TEXT - the background colour (SGR 40-47, or "none")
# under the first cell of TEXT on the screen.
background() {
	e2e_screen_ansi "$1" | python3 -c '
import re, sys
text = sys.argv[1]
for line in sys.stdin.read().split("\n"):
    bg, plain, at = "none", "", {}
    for part in re.split(r"(\x1b\[[0-9;:]*m)", line):
        m = re.fullmatch(r"\x1b\[([0-9;:]*)m", part)
        if m is None:
            for ch in part:
                at[len(plain)] = bg
                plain += ch
            continue
        for p in re.split("[;:]", m.group(1)):
            n = int(p) if p else 0
            if n == 0 or n == 49:
                bg = "none"
            elif 40 <= n <= 47:
                bg = str(n)
    i = plain.find(text)
    if i >= 0:
        print(at[i])
        sys.exit(0)
sys.exit(1)' "$2"
}

# discard SESSION - Esc on a changed form, and yes to losing the changes.
discard() {
	local q
	q=$(sc_re "$(sc_t 'The form has changes that are not saved.
Discard them?' | head -1)")
	e2e_keys "$1" Escape
	e2e_wait "$1" "$q"
	e2e_keys "$1" y
	e2e_wait_gone "$1" "$q"
}

# run LANG ROLE - the three forms in LANG, logged in as ROLE.
run() {
	SC_LANG=$1
	local s=$1 c_no
	c_no=$(rk_sql "SELECT number FROM customers WHERE kind='person' AND country='FI'
		AND restricted=0 ORDER BY id LIMIT 1 OFFSET $([[ $1 == fi ]] && echo 3 || echo 4);")
	sc_login "$s" "$2"
	if ! e2e_screen "$s" | grep -Eq "$(sc_re "$(sc_t 'What would you like to do?')")"; then
		e2e_keys "$s" Escape
		sc_wait "$s" 'What would you like to do?'
	fi
	sc_open "$s" Customers
	e2e_type "$s" "$c_no"
	e2e_wait "$s" "$c_no "
	e2e_keys "$s" Enter
	e2e_wait "$s" "$c_no"

	# --- the customer form: Postal code, saved from the field above it
	e2e_keys "$s" 1
	sleep 0.2
	e2e_keys "$s" F4
	sc_wait "$s" 'Postal code'
	goto_field "$s" 'Postal code'
	e2e_keys "$s" C-u
	e2e_type "$s" '123'
	e2e_keys "$s" Up
	sleep 0.1
	e2e_keys "$s" F2
	e2e_wait "$s" "^$(sc_re "$(sc_t 'Postal code')"): "
	# the whole message in the language: the form's label, the rule
	local msg
	msg="$(sc_t 'Postal code'): $(sc_t 'a Finnish postal code is exactly 5 digits, such as 00100')"
	e2e_screen "$s" | grep -qxF "$msg" ||
		e2e_fail "$1: not '$msg': $(e2e_screen "$s" | grep "^$(sc_re "$(sc_t 'Postal code')"): ")"
	cursor_on "$s" 'Postal code'
	e2e_screen "$s" | grep -E "^ *$(sc_re "$(sc_t 'Postal code')"):" | grep -q '!$' ||
		e2e_fail "$1: the refused field is not marked"
	rk_ok "$1: customer form: the cursor is on $(sc_t 'Postal code'), marked"
	discard "$s"

	# --- the consent form: Given, saved from Purpose
	tab "$s" Give
	e2e_keys "$s" F2
	sc_wait "$s" 'Record a consent'
	goto_field "$s" 'Given'
	e2e_keys "$s" C-u
	e2e_type "$s" '2026-13-45'
	goto_field "$s" 'Source'
	e2e_type "$s" 'web'
	goto_field "$s" 'Purpose'
	e2e_type "$s" 'newsletter'
	e2e_keys "$s" F2
	e2e_wait "$s" "^$(sc_re "$(sc_t 'Given')"): "
	cursor_on "$s" 'Given'
	rk_ok "$1: consent form: the cursor moved to $(sc_t 'Given')"
	discard "$s"

	# --- the order form: line 1's product goes off sale meanwhile
	local pa=$3 pb=$4 code
	tab "$s" 'New order'
	e2e_keys "$s" F2
	for code in "$pa" "$pb"; do
		e2e_type "$s" "$code"
		e2e_wait "$s" "^ +$code "
		e2e_keys "$s" Enter
		sleep 0.2
		e2e_keys "$s" Enter
		e2e_wait "$s" "^ $code "
	done
	[[ "$(background "$s" "$pb ")" == 46 ]] ||
		e2e_fail "$1: the last line added is not selected: $(e2e_screen_ansi "$s" | grep -a "$pb" | cat -v)"
	"$R" product deactivate "$pa" --db r.db --keyfile dpo.key >deact.out 2>&1 ||
		e2e_fail "product deactivate: $(cat deact.out)"
	e2e_keys "$s" F2
	e2e_wait "$s" "$(sc_re "$(sc_t 'Line %zu (%.*s): %s' | cut -d' ' -f1)") 1 \\($pa\\)"
	[[ "$(background "$s" "$pa ")" == 46 ]] ||
		e2e_fail "$1: line 1, refused, is not selected: $(background "$s" "$pa ")"
	[[ "$(background "$s" "$pb ")" != 46 ]] || e2e_fail "$1: line 2 is still selected"
	rk_ok "$1: order form: the refused line 1 ($pa) is selected"
	e2e_kill "$s"
}

run fi sales "${P[0]}" "${P[1]}"
run sv supervisor "${P[2]}" "${P[3]}"
e2e_pass "the refused field or line is found by core's field and line, in fi and sv"
