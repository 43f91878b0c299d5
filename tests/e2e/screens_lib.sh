# shellcheck shell=bash
# tests/e2e/screens_lib.sh - walk every screen as each role in one language
# and check what a person sees (tests/e2e/screen_check.py).
#
# sc_run LANG: on a demo register, log in as sales, billing, warehouse,
# supervisor and admin in turn with LANGUAGE=LANG, at 80x24. Each role opens
# every entry of its home menu and, on each screen, the help (F1), what
# Enter opens (a customer's tabs, an order, an audit entry...), what F2
# opens (the new-customer form, a new request...), and a few dialogs and
# forms reached from there. Every screen is captured with tmux
# capture-pane -J (a line the program let wrap comes back too long) into
# one file; screen_check.py then checks every capture against the .pot and
# LANG's .po. The walk waits for texts in LANG, taken from the built
# catalog with gettext(1), so a screen left in English also stops the walk.

# shellcheck source=customers_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

SC_LANG=en
SC_CAPS=
SC_LOCALE="$(cd "$(dirname "$R")" && pwd)/locale"
SC_N=0

# sc_t MSGID - MSGID in SC_LANG, from the catalog the program uses.
sc_t() {
	LC_ALL=C.UTF-8 LANGUAGE=$SC_LANG TEXTDOMAINDIR=$SC_LOCALE gettext rekisteri "$1"
}

# sc_re TEXT - TEXT as an extended regex that matches it literally.
sc_re() {
	sed 's/[][\.*^$?+(){}|/]/\\&/g' <<<"$1"
}

# sc_wait SESSION MSGID - wait for MSGID (translated) on the screen.
sc_wait() {
	e2e_wait "$1" "$(sc_re "$(sc_t "$2")")"
}

# The screen as it is once it has stopped changing (-J joins wrapped lines).
sc_capture() {
	local a b i
	a=$(_e2e_tmux capture-pane -p -J -t "$(_e2e_target "$1")")
	for ((i = 0; i < 20; i++)); do
		sleep 0.05
		b=$(_e2e_tmux capture-pane -p -J -t "$(_e2e_target "$1")")
		[[ "$a" == "$b" ]] && break
		a=$b
	done
	printf '%s\n' "$a"
}

# sc_snap SESSION LABEL - capture the settled screen into the captures.
sc_snap() {
	SC_N=$((SC_N + 1))
	{
		printf '=== %s %s #%d %s\n' "$SC_LANG" "$SC_ROLE" "$SC_N" "$2"
		sc_capture "$1"
	} >>"$SC_CAPS"
}

# sc_title SESSION - the title line (it names the screen).
sc_title() {
	_e2e_tmux capture-pane -p -t "$(_e2e_target "$1")" | head -1
}

# sc_changed SESSION BEFORE - wait (at most 1.5 s) for the screen to differ
# from BEFORE; true when it did.
sc_changed() {
	local i
	for ((i = 0; i < 30; i++)); do
		[[ "$(e2e_screen "$1")" != "$2" ]] && return 0
		sleep 0.05
	done
	return 1
}

# sc_press SESSION KEY LABEL - press KEY; when the screen changes, snap it.
sc_press() {
	local before
	before=$(e2e_screen "$1")
	e2e_keys "$1" "$2"
	if sc_changed "$1" "$before"; then
		sc_snap "$1" "$3"
		return 0
	fi
	return 1
}

# sc_back SESSION TITLE - Esc (n for a question) until the title line is
# TITLE again.
sc_back() {
	local i
	for ((i = 0; i < 6; i++)); do
		[[ "$(sc_title "$1")" == "$2" ]] && return 0
		if e2e_screen "$1" | grep -q '┌'; then
			e2e_keys "$1" n
		else
			e2e_keys "$1" Escape
		fi
		sleep 0.15
	done
	[[ "$(sc_title "$1")" == "$2" ]] || e2e_fail "could not go back to '$2'"
}

# sc_try SESSION KEY LABEL - on the current screen: KEY, snap, back. (The
# help of each main screen is seen by sc_generic; the help of every screen
# is the same table, so the screens KEY opens are not asked for theirs.)
sc_try() {
	local title
	title=$(sc_title "$1")
	if sc_press "$1" "$2" "$3"; then
		sc_back "$1" "$title"
	fi
}

# sc_home SESSION - back to the home menu.
sc_home() {
	local i home
	home=$(sc_re "$(sc_t 'What would you like to do?')")
	for ((i = 0; i < 8; i++)); do
		e2e_screen "$1" | grep -Eq "$home" && return 0
		if e2e_screen "$1" | grep -q '┌'; then e2e_keys "$1" n; else e2e_keys "$1" Escape; fi
		sleep 0.2
	done
	e2e_wait "$1" "$home"
}

# sc_open SESSION MSGID - open the home menu entry MSGID; false if the
# role's menu has no such entry.
sc_open() {
	local label n i
	label=$(sc_t "$2")
	n=$(e2e_screen "$1" | sed -n '4,22p' | grep -E '^  [^ ]' |
		grep -n "^  $(sc_re "$label")  " | cut -d: -f1 | head -1)
	[[ -n "$n" ]] || return 1
	for ((i = 0; i < 12; i++)); do e2e_keys "$1" Up; done
	for ((i = 1; i < n; i++)); do e2e_keys "$1" Down; done
	sc_press "$1" Enter "$2" || e2e_fail "menu entry $label opened nothing"
}

# The screens behind one home menu entry.
sc_customers() {
	local s=$1 title
	title=$(sc_title "$s")
	e2e_type "$s" C0000
	e2e_wait "$s" 'C0000[0-9]{2} '
	sc_snap "$s" "customer list"
	if sc_press "$s" Enter "customer"; then
		local i
		local key
		for ((i = 0; i < 6; i++)); do
			sc_press "$s" Right "customer tab $i" || break
			for key in $(sc_bar_keys "$s"); do
				sc_try "$s" "$key" "customer tab $i $key"
			done
		done
		sc_press "$s" F1 "customer / help" || true
		sc_back "$s" "$title"
	fi
	sc_try "$s" F2 "new customer"
}

# sc_bar_keys SESSION - the keys the key bar offers, but F1 (help, seen on
# every screen), F5 (reloads and counts) and F10 (quit).
sc_bar_keys() {
	e2e_screen "$1" | tail -1 | grep -oE '(^| )(F[0-9]+|Enter) ' | tr -d ' ' |
		grep -vxE 'F1|F5|F10' || true
}

# sc_generic SESSION WHAT - the help, then every key the bar offers, each
# with the help of what it opens.
sc_generic() {
	local s=$1 what=$2 title key
	title=$(sc_title "$s")
	sc_press "$s" F1 "$what / help" && sc_back "$s" "$title"
	for key in $(sc_bar_keys "$s"); do
		sc_try "$s" "$key" "$what / $key"
	done
}

# sc_login SESSION ROLE - start the program in SC_LANG and log in as the
# demo account of ROLE.
sc_login() {
	local name role pw secret
	read -r name role pw secret < <(grep "^$2 " r.db.users) || e2e_fail "no demo account $2"
	e2e_start "$1" 80 24 env REKISTERI_CONFIG="$REKISTERI_CONFIG" LANGUAGE="$SC_LANG" \
		TEXTDOMAINDIR="$SC_LOCALE" "$R" --db r.db
	sc_wait "$1" 'Log in to the customer register'
	sc_snap "$1" "login"
	e2e_type "$1" "$name"
	e2e_keys "$1" Tab
	e2e_type "$1" "$pw"
	e2e_keys "$1" Tab
	e2e_type "$1" "$(rk_code "$secret")"
	e2e_keys "$1" Enter
	e2e_wait "$1" "$(sc_re "$(sc_t 'What would you like to do?')")|$(sc_dashboard)"
}

# The heading of the request dashboard, as a regex.
sc_dashboard() {
	sc_re "$(sc_t 'Data-subject requests: %zu open, %zu overdue' | cut -d: -f1):"
}

# sc_role ROLE - the whole walk of one role.
sc_role() {
	local s=$1 entry
	SC_ROLE=$1
	sc_login "$s" "$1"
	if ! e2e_screen "$s" | grep -Eq "$(sc_re "$(sc_t 'What would you like to do?')")"; then
		sc_snap "$s" "request dashboard"
		sc_generic "$s" "request dashboard"
		sc_home "$s"
	fi
	sc_snap "$s" "home"
	for entry in Requests Customers Orders 'Picking queue' Products 'Marketing list' \
		Accounts 'Audit trail' Retention Profile; do
		sc_home "$s"
		sc_open "$s" "$entry" || continue
		case $entry in
		Customers) sc_customers "$s" ;;
		'Marketing list')
			sc_press "$s" Enter "marketing list" && sc_generic "$s" "marketing list" ;;
		*) sc_generic "$s" "$entry" ;;
		esac
	done
	sc_home "$s"
	e2e_kill "$s"
}

# sc_run LANG - the walks of the five roles side by side (each in its own
# tmux session, a subshell of its own writing its own captures), then the
# check of every capture.
sc_run() {
	SC_LANG=$1
	rk_demo_setup 300
	local role pids=() failed=0 i=0 n
	for role in sales billing warehouse supervisor admin; do
		(
			SC_CAPS="$E2E_TMP/screens.$SC_LANG.$role.txt"
			: >"$SC_CAPS"
			sc_role "$role"
		) >"$E2E_TMP/walk.$role.log" 2>&1 &
		pids+=($!)
	done
	for role in sales billing warehouse supervisor admin; do
		if ! wait "${pids[$i]}"; then
			failed=1
			cat "$E2E_TMP/walk.$role.log" >&2
		fi
		i=$((i + 1))
	done
	((failed == 0)) || e2e_fail "a walk stopped (its screen is above)"
	SC_CAPS="$E2E_TMP/screens.$SC_LANG.txt"
	cat "$E2E_TMP"/screens."$SC_LANG".*.txt >"$SC_CAPS"
	n=$(grep -c '^=== ' "$SC_CAPS")
	[[ $n -ge 100 ]] || e2e_fail "only $n screens were seen"
	local out
	[[ -z "${SC_KEEP:-}" ]] || cp "$SC_CAPS" "$SC_KEEP" # to look at them
	if ! out=$(python3 "$E2E_SRCDIR/tests/e2e/screen_check.py" "$SC_LANG" \
		"$E2E_SRCDIR/po/rekisteri.pot" "$E2E_SRCDIR/po/$SC_LANG.po" "$SC_CAPS" 2>&1); then
		e2e_fail "$(printf '%s\n' "$out" | head -40)"
	fi
	echo "ok - $n screens in $SC_LANG: no English left, no line wider than 80, no cut" \
		"without an ellipsis, F1 and F10 on every key bar"
}
