# shellcheck shell=bash
# tests/e2e/customers_lib.sh - helpers for the customer register e2e tests
# (test_customers.sh, test_customer_edit.sh), on top of login_lib.sh.
#
# How it works: the fixture is `rekisteri demo --db r.db --customers 300
# --seed 7` (deterministic customers; one enrolled account per role, its
# password and TOTP secret in r.db.users). The recovery key the demo prints
# unlocks `key dump-raw`, and the raw key lets the independent sqlcipher
# CLI read the register: the tests take their expected values from the
# database itself, never from the program under test. Screens captured on
# the way are appended to caps/ROLE.txt for the checks at the end.

source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/money_lib.sh"

HOME_SCREEN='What would you like to do\?'

# rk_demo_setup [N] - the demo register r.db (N customers, default 300)
# and the raw key in $RAWKEY.
rk_demo_setup() {
	rk_config
	"$R" demo --db r.db --customers "${1:-300}" --seed 7 >demo.out 2>demo.err ||
		e2e_fail "demo: $(cat demo.err)"
	local rec
	rec=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' demo.out | head -1)
	[[ -n "$rec" ]] || e2e_fail "demo printed no recovery key"
	RAWKEY=$("$R" key dump-raw --db r.db --password-stdin <<<"$rec" 2>/dev/null | tail -1)
	[[ "$RAWKEY" =~ ^x\'[0-9a-f]{64}\'$ ]] || e2e_fail "key dump-raw gave no raw key"
	mkdir -p caps
}

# rk_one_person - allow the admin to make data key files: the tests' own
# scaffolding is a one-person company ([accounts] combine_duties, README Roles).
rk_one_person() {
	printf '[accounts]\ncombine_duties = 1\n' >>"$REKISTERI_CONFIG"
}

# rk_demo_admin_key [LABEL ROLES] - the key file LABEL.key (default adm.key
# with the role admin) made with the demo admin's one password + TOTP login
# of this step; later commands use it (rk_cli_onetime) so the step is not
# needed again.
rk_demo_admin_key() {
	local pw secret label=${1:-adm}
	read -r _ _ pw secret < <(grep '^admin ' r.db.users)
	rk_cli_totp "$secret" now "$pw" "$R" key add-file --db r.db --user admin \
		--password-stdin --label "$label" --roles "${2:-admin}" \
		--out "$label.key" 2>key.err || e2e_fail "key add-file: $(cat key.err)"
}

# rk_sql SQL - run SQL on r.db with the independent sqlcipher CLI. It
# waits up to 10 s for a lock (.timeout): a program session, or the last
# CLI's closing checkpoint, may hold one for a moment.
rk_sql() {
	printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n.timeout 10000\n%s\n' \
		"$RAWKEY" "$1" | sqlcipher r.db 2>&1
}

# rk_demo_start SESSION ROLE - start the program and log in as the demo
# account of ROLE; ends on the start screen (the supervisor's is the
# request dashboard).
rk_demo_start() {
	local name role pw secret
	read -r name role pw secret < <(grep "^$2 " r.db.users) ||
		e2e_fail "no demo account $2"
	rk_start "$1"
	rk_login "$1" "$name" "$pw" "$(rk_code "$secret")"
}

# rk_demo_keyfile LABEL ROLES [WHEN] - a key file LABEL.key for ROLES, made
# by the demo admin with the TOTP code of WHEN (oathtool -N, default now;
# a code is taken once, so a second key file in the same step needs
# 'now - 30 seconds' first).
rk_demo_keyfile() {
	local apw asecret
	read -r _ _ apw asecret < <(grep '^admin ' r.db.users)
	rk_cli_totp "$asecret" "${3:-now}" "$apw" "$R" key add-file --db r.db --user admin \
		--password-stdin --label "$1" --roles "$2" \
		--out "$1.key" >key.out 2>&1 || e2e_fail "key add-file $1: $(cat key.out)"
}

# rk_demo_login SESSION ROLE - rk_demo_start, then on to the home menu.
rk_demo_login() {
	rk_demo_start "$1" "$2"
	rk_wait_home "$1"
}

# rk_open_detail SESSION NUMBER - from home, the customer's detail (its
# Contact tab).
rk_open_detail() {
	rk_menu "$1" Customers
	e2e_wait "$1" 'Search:'
	e2e_type "$1" "$2"
	e2e_wait "$1" "$2 "
	e2e_keys "$1" Enter
	e2e_wait "$1" "$(rk_tab_cue Contact)"
}

# rk_form_field SESSION LABEL VALUE - on a form, move to the field LABEL
# and replace its text with VALUE (typed as given, bytes and all).
rk_form_field() {
	local n y k i
	n=$(e2e_screen "$1" | grep -E '^ +[A-Z][A-Za-z /()-]*:( |$)' | grep -nE "^ *$2:( |\$)" |
		cut -d: -f1 | head -1)
	[[ -n "$n" ]] || e2e_fail "no field $2 on the form"
	# the focused field holds the cursor; field 1 is on screen row 3. Each
	# move waits for the cursor to follow, so no key is counted twice.
	for ((i = 0; i < 40; i++)); do
		y=$(e2e_cursor "$1" | cut -d' ' -f2)
		((y - 2 == n)) && break
		if ((y - 2 < n)); then e2e_keys "$1" Down; else e2e_keys "$1" Up; fi
		for ((k = 0; k < 40; k++)); do
			[[ $(e2e_cursor "$1" | cut -d' ' -f2) != "$y" ]] && break
			sleep 0.05
		done
	done
	((y - 2 == n)) || e2e_fail "could not reach the field $2"
	e2e_keys "$1" C-u
	e2e_type "$1" "$3"
}

# rk_snap SESSION ROLE - append the screen to caps/ROLE.txt.
rk_snap() {
	e2e_screen "$1" >>"caps/$2.txt"
}

# rk_tab_cue TAB - a regex only the body of customer detail tab TAB shows
# (the tab bar itself always lists every tab).
rk_tab_cue() {
	case "$1" in
	Contact) echo '^ E-mail( |$)' ;;
	Billing) echo '^ Business ID / VAT( |$)' ;;
	Orders) echo '^ Order +Date +Status' ;;
	Notes) echo '^ Written +Author +Note|Nothing recorded under Notes' ;;
	Consents) echo '^ Purpose +Given +Source|Nothing recorded under Consents' ;;
	esac
}


# rk_press_until SESSION KEY REGEX [TIMES] - press KEY (at most TIMES, 8 by
# default) until the screen matches REGEX, then wait for it: the way to a
# tab, or to a row of a list.
rk_press_until() {
	local i
	for ((i = 0; i < ${4:-8}; i++)); do
		e2e_screen "$1" | grep -qE "$3" && break
		e2e_keys "$1" "$2"
		sleep 0.1
	done
	e2e_wait "$1" "$3"
}

# rk_shell_start SESSION - the program started from an interactive shell
# (job control, as a person starts it) at 80x24, on its login screen. The
# shell saved `stty -g` in stty.before and prints st=STATUS when the
# program ends. PID gets the program's process id (for a signal).
rk_shell_start() {
	e2e_start "$1" 80 24 env PS1='sh> ' HISTFILE=/dev/null bash --norc --noprofile -i
	e2e_wait "$1" '^sh>'
	e2e_type "$1" "stty -g >stty.before; REKISTERI_CONFIG=$REKISTERI_CONFIG $R --db r.db; echo st=\$?"
	e2e_keys "$1" Enter
	e2e_wait "$1" "$LOGIN_SCREEN"
	PID=$(pgrep -P "$(e2e_pid "$1")" | head -1)
	[[ -n "$PID" ]] || e2e_fail "no program under the shell"
}

# rk_shell_ended SESSION SIG - after rk_shell_start and a signal SIG (TERM,
# HUP, INT): the program ended with 128 + the signal's number, as a shell
# reports a death by signal; the alternate screen is off and `stty -g` is
# as before. Sets st to the exit status.
rk_shell_ended() {
	local s=$1 sig=$2 want
	e2e_wait "$s" '^st=[0-9]+' 60
	st=$(e2e_screen "$s" | grep -oE '^st=[0-9]+' | cut -d= -f2)
	want=$((128 + $(kill -l "$sig")))
	[[ $st == "$want" ]] || e2e_fail "SIG$sig: exit status $st, wanted $want"
	[[ $(_e2e_tmux display-message -p -t "=$s:" '#{alternate_on}') == 0 ]] ||
		e2e_fail "SIG$sig: the alternate screen is still on"
	e2e_type "$s" 'stty -g >stty.after; echo CHECKED-$?'
	e2e_keys "$s" Enter
	e2e_wait "$s" '^CHECKED-0'
	cmp -s stty.before stty.after || e2e_fail "SIG$sig: stty -g changed"
}

# rk_search SESSION QUERY - replace the query on the customer list.
rk_search() {
	e2e_keys "$1" C-u
	e2e_type "$1" "$2"
}

# rk_menu SESSION LABEL - open the home menu entry LABEL (from home).
rk_menu() {
	local n
	# entries are "  Label   help"; the heading has single spaces
	n=$(e2e_screen "$1" | grep -E '^  [A-Z][a-z]+( [a-z]+)? {2,}' |
		grep -n "^  $2 " | cut -d: -f1)
	[[ -n "$n" ]] || e2e_fail "no menu entry $2"
	# Up to the first entry (tmux's Home is not xterm's, so not Home)
	for ((i = 0; i < 10; i++)); do e2e_keys "$1" Up; done
	for ((i = 1; i < n; i++)); do e2e_keys "$1" Down; done
	e2e_keys "$1" Enter
}

# rk_seeded FILE - every seeded personal value that identifies or reaches
# a person (names, e-mails, phones, streets, business ids, invoicing
# e-mails, bank references, identity codes, contact persons), one a line.
rk_seeded() {
	rk_sql "SELECT name FROM customers UNION SELECT email FROM customers
		UNION SELECT phone FROM customers UNION SELECT street FROM customers
		UNION SELECT delivery_street FROM customers UNION SELECT billing_street FROM customers
		UNION SELECT business_id FROM customers UNION SELECT invoice_email FROM customers
		UNION SELECT bank_reference FROM customers UNION SELECT hetu FROM customers
		UNION SELECT name FROM contact_persons UNION SELECT email FROM contact_persons
		UNION SELECT phone FROM contact_persons;" | grep -v '^$' | grep -v '^ok$' >"$1"
	[[ $(wc -l <"$1") -gt 1000 ]] || e2e_fail "too few seeded values: $(wc -l <"$1")"
}

# rk_assert_none FILE VALUES WHAT - fail if any line of VALUES occurs (as a
# whole word) in FILE.
rk_assert_none() {
	local hit
	hit=$(grep -o -w -F -f "$2" "$1" | head -3 || true)
	[[ -z "$hit" ]] || e2e_fail "$3 shows seeded personal data: $(tr '\n' '|' <<<"$hit")"
}
