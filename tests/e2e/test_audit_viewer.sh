#!/usr/bin/env bash
# test_audit_viewer.sh - the supervisor's audit viewer (issue 5) on the
# real binary in tmux at 80x24.
#
# Setup: the first admin (hannele) enrols with the CLI and makes a key file
# with the admin and supervisor roles; with it the CLI adds valvoja
# (supervisor) and sanna (sales) and the customer C000001, which sanna
# finds and opens on the customer screens (a search and a view: two
# entries, both for customer 1).
# Checks:
# - the home menu shows "Audit trail" to the supervisor only;
# - the issue's test: the viewer lists sanna's view of customer 1, and
#   "who accessed" customer 1 names sanna with the field groups read;
# - the breach report for sanna lists customer 1 with those groups and
#   exports as a 0600 CSV;
# - the list shows entries newest first with the columns of the issue,
#   relays out on resize, turns pages past its last row and back; Enter
#   opens the detail; F2 filters by user and action prefix;
# - the CSV export from the screen writes a 0600 file, never overwrites,
#   and a cell that starts with '=' gets an apostrophe;
# - F6 says OK (with the audit key: every MAC), and after tampering with
#   the database through the sqlcipher CLI names the entry;
# - every look at the trail is itself in the trail.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

PW='kolme iloista kalaa'
VALVOJA_PW='valvojan pitkä salasana'
SANNA_PW='sannan oma salasana 7'
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
rk_init hannele "$PW"
REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' init.out)
K0=$(grep -A3 'AUDIT KEY' init.out | grep -oE '[0-9a-f]{64}')
[[ -n "$REC" && -n "$K0" ]] || e2e_fail "init printed no recovery or audit key"
rk_enrol_cli hannele "$PW"
rk_cli_totp "$SECRET" now "$PW" "$R" key add-file --db r.db --user hannele --password-stdin \
	--label dpo --roles admin,supervisor --out adm.key \
	2>key.err || e2e_fail "key add-file: $(cat key.err)"
rk_cli_onetime user add valvoja --roles supervisor
VALVOJA_OTP=$ONETIME
rk_cli_onetime user add sanna --roles sales
SANNA_OTP=$ONETIME

# open_audit_trail SESSION - on the home menu, select "Audit trail" (found
# by its line, so other entries may come and go) and open it.
open_audit_trail() {
	local line i
	line=$(e2e_screen "$1" | grep -n '^  Audit trail ' | cut -d: -f1)
	[[ -n "$line" ]] || e2e_fail "no Audit trail entry on the home menu"
	for ((i = 5; i < line; i++)); do e2e_keys "$1" Down; done
	e2e_keys "$1" Enter
}

# --- the sales user: no audit trail on the home menu ------------------------
rk_start s
rk_first_login s sanna "$SANNA_OTP" "$SANNA_PW"
e2e_assert_absent s 'Audit trail'
rk_ok "the home menu offers no audit trail to sales"

# --- the supervisor adds a customer; the sales user opens it -----------------------
printf 'name=Aino Asiakas\nemail=aino@example.com\n' | "$R" customer add --db r.db \
	--keyfile adm.key >add.out 2>add.err || e2e_fail "customer add: $(cat add.err)"
grep -q '^Customer C000001 (id 1) added\.$' add.out || e2e_fail "customer add: $(cat add.out)"
# sanna is on her home screen: Customers is her first entry
e2e_keys s Enter
e2e_wait s 'Search:'
e2e_type s 'C000001'
e2e_wait s 'C000001 +Aino Asiakas'
e2e_keys s Enter
e2e_wait s '^ E-mail +aino@example\.com'
e2e_assert_absent s 'Billing street' 'Invoice'
rk_ok "sales opened customer C000001 on the customer screen"

# --- the supervisor opens the trail ---------------------------------------------
rk_start v
rk_first_login v valvoja "$VALVOJA_OTP" "$VALVOJA_PW"
e2e_wait v 'Audit trail +Who read or changed what'
open_audit_trail v
e2e_wait v 'Time \(UTC\) +User +Source +Action +Cust\. +Groups +Result'
e2e_wait v 'Newest first\. No filter'
# the newest entry is this very look at the trail
e2e_screen v | sed -n 4p | grep -Eq '^ [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} valvoja +[^ ]+ +audit\.list ' ||
	e2e_fail "the first row is not valvoja's audit.list: $(e2e_screen v | sed -n 4p)"
e2e_wait v '^ [0-9-]{10} [0-9:]{8} sanna +[^ ]+ +customer\.view +C000001 identit(y|…)'
e2e_assert_present v 'account.add' 'keyfile.add' 'login.ok' 'F2 Filter' 'F3 Who' 'F4 User' 'F5 CSV' 'F6 Check'
rk_ok "the list shows the trail newest first, its own look on top"

e2e_resize v 120 30
e2e_wait v 'Page 1, [0-9]+ entries$'
e2e_wait v '^ Time \(UTC\) +User +Source +Action +Cust\. +Groups {30,}Result$'
e2e_resize v 60 20
e2e_wait v 'Terminal too small'
e2e_resize v 80 24
e2e_wait v 'Time \(UTC\) +User +Source +Action +Cust\. +Groups +Result'
rk_ok "the list relays out on resize and says when the terminal is too small"

# more than a page (100 entries) of trail: each verify is an unlock and a
# check; F2 with an empty filter is a new look
for i in $(seq 1 50); do
	"$R" audit verify --db r.db --keyfile adm.key >/dev/null 2>&1 || e2e_fail "audit verify $i"
done
e2e_keys v F2
e2e_wait v 'Show only entries that match'
e2e_keys v Enter
e2e_wait v 'Page 1, 100 entries\+$'
# PgDn on the last row turns the page (End is not used: tmux sends it as
# \e[4~, which xterm-256color's terminfo does not know)
for i in $(seq 1 8); do
	e2e_keys v PageDown
	e2e_screen v | grep -q 'Page 2, ' && break
done
e2e_wait v 'Page 2, [0-9]+ entries$'
# the oldest entries are at the end of the last page
for i in $(seq 1 30); do e2e_keys v Down; done
e2e_wait v 'hannele +local +login\.ok'
# PgUp first moves the selection to the top row of the page, then turns it
for i in $(seq 1 8); do
	e2e_keys v PageUp
	e2e_screen v | grep -q 'Page 1, ' && break
done
e2e_wait v 'Page 1, 100 entries\+$'
for i in $(seq 1 8); do
	e2e_keys v PageUp
	e2e_screen v | grep -q 'This is the newest entry' && break
done
e2e_wait v 'This is the newest entry'
e2e_screen v | sed -n 4p | grep -q 'valvoja .* audit\.list ' || e2e_fail "not back at the newest entry"
rk_ok "PgDn past the last row turns to the older page, PgUp at the top back"

# --- detail ------------------------------------------------------------------------
e2e_keys v Enter
e2e_wait v 'Entry: [0-9]+'
e2e_assert_present v 'Time (UTC):' 'Session:' 'Source:' 'Action: audit.list' \
	'Fields changed: -' 'Screen: audit trail' 'Result: ok' 'Epoch: 0'
e2e_keys v Escape
e2e_wait v 'Time \(UTC\) +User'
rk_ok "Enter shows every column of an entry"

# --- filter ---------------------------------------------------------------------------
e2e_keys v F2
e2e_wait v 'Show only entries that match'
e2e_type v 'keyfile:dpo'
e2e_keys v Tab
e2e_type v 'account.'
e2e_keys v Tab Tab
e2e_type v '2024-02-30'
e2e_keys v Enter
e2e_wait v 'From: there is no such day in the calendar'
e2e_keys v C-u
e2e_keys v Enter
e2e_wait v 'Filter: user=keyfile:dpo action=account\.'
e2e_assert_absent v 'audit.list' 'unlock.ok' 'login.ok' 'valvoja  '
[[ $(e2e_screen v | grep -c ' account\.add ') == 2 ]] || e2e_fail "not the two account.add rows"
rk_ok "F2 filters by user and action prefix; a bad date is refused"
e2e_keys v F2
e2e_wait v 'Show only entries that match'
e2e_keys v C-u Tab C-u Enter
e2e_wait v 'Newest first\. No filter'

# --- who accessed customer 1 --------------------------------------------------------------
e2e_keys v F3
e2e_wait v 'Who accessed a customer: every user'
e2e_type v 'x1'
e2e_keys v Enter
e2e_wait v 'Customer: a customer number such as C000123'
e2e_keys v C-u
e2e_type v 'C000002'
e2e_keys v Enter
e2e_wait v 'no customer is numbered C000002'
e2e_keys v C-u
e2e_type v 'C000001'
e2e_keys v Enter
e2e_wait v 'Who accessed C000001: every user, time and field group'
e2e_wait v '^ Time \(UTC\) +User +Action +Field groups +Result$'
e2e_wait v '^ [0-9-]{10} [0-9:]{8} sanna +customer\.view +identity,contact +ok'
e2e_wait v '^ [0-9-]{10} [0-9:]{8} sanna +customer\.search +identity,contact +ok'
# sanna typed C000001 in one burst: the list searched once, when typing paused
[[ $(e2e_screen v | grep -cE 'sanna +customer\.search ') == 1 ]] ||
	e2e_fail "a burst of keys made more than one search: $(e2e_screen v | grep -c 'customer\.search')"
e2e_assert_present v 'customer.create'
e2e_assert_absent v 'audit.list' 'login.ok'
e2e_keys v Enter # newest first: sanna's view is the first row
e2e_wait v 'Field groups: identity, contact'
e2e_assert_present v 'User: sanna' 'Customer: C000001' 'Screen: customer detail'
e2e_assert_absent v 'billing' 'idcode'
e2e_keys v Escape
e2e_wait v 'Who accessed C000001'
e2e_keys v Escape
e2e_wait v 'Newest first\.'
rk_ok "'who accessed' for customer 1 names the sales user and the groups read"

# --- what did sanna access: the breach report, exported ------------------------------------
e2e_keys v F4
e2e_wait v 'What did a user access\?'
e2e_type v 'sanna'
e2e_keys v Tab
e2e_type v "$(date -u +%Y-%m-%d)"
e2e_keys v Enter
e2e_wait v 'What sanna accessed from [0-9-]{10}: 1 customer$'
e2e_wait v '^ +C000001 +[0-9]+ [0-9-]{10} [0-9:]{8} [0-9-]{10} [0-9:]{8} identity,contact$'
e2e_keys v F5
e2e_wait v 'Export this report as CSV'
e2e_type v "$E2E_TMP/breach.csv"
e2e_keys v Enter
e2e_wait v 'Wrote .*breach\.csv \(mode 0600\)'
[[ "$(stat -c %a breach.csv)" == 600 ]] || e2e_fail "report mode $(stat -c %a breach.csv)"
grep -Eq '^"sanna","C000001","[0-9]+","[0-9T:-]+Z","[0-9T:-]+Z","identity,contact"' \
	breach.csv || e2e_fail "breach report CSV: $(cat breach.csv)"
e2e_keys v Enter # from the report: who accessed the selected customer
e2e_wait v 'Who accessed C000001'
e2e_keys v Escape
e2e_wait v 'What sanna accessed'
e2e_keys v Escape
e2e_wait v 'Newest first\.'
rk_ok "the breach report for sanna lists customer 1 with its groups, exported as 0600 CSV"

# --- breach report for a user asked as '=cmd': the target is ours to control -----------
e2e_keys v F4
e2e_wait v 'What did a user access\?'
e2e_type v '=cmd'
e2e_keys v Enter
e2e_wait v 'What =cmd accessed: 0 customers'
e2e_keys v Escape
e2e_wait v 'Time \(UTC\) +User'

# --- CSV export: 0600, no overwrite, formulas defused --------------------------------------
e2e_keys v F5
e2e_wait v 'Export every entry that matches the filter as CSV'
e2e_type v "$E2E_TMP/trail.csv"
e2e_keys v Enter
e2e_wait v 'Wrote .*trail\.csv \(mode 0600\)'
[[ "$(stat -c %a trail.csv)" == 600 ]] || e2e_fail "export mode $(stat -c %a trail.csv)"
grep -q '"'"'"'=cmd"' trail.csv || e2e_fail "no defused '=cmd' cell in the export"
grep -q '"=cmd"' trail.csv && e2e_fail "a raw '=cmd' cell in the export"
head -1 trail.csv | grep -q '^"id","time_utc","user"' || e2e_fail "export header"
cp trail.csv before.csv
e2e_keys v F5
e2e_wait v 'Export every entry'
e2e_type v "$E2E_TMP/trail.csv"
e2e_keys v Enter
e2e_wait v 'trail\.csv: already exists'
cmp -s trail.csv before.csv || e2e_fail "the export overwrote a file"
e2e_keys v Escape
rk_ok "F5 writes a 0600 CSV with '=cmd' as text and never overwrites"

# --- integrity check --------------------------------------------------------------------------
e2e_keys v F6
e2e_wait v 'Check the audit trail'
e2e_type v "$K0"
e2e_assert_absent v "$K0" "${K0:0:16}"
e2e_keys v Enter
e2e_wait v 'OK: [0-9]+ entries, head'
e2e_wait v 'Every MAC verified with the audit key\.'
e2e_keys v Enter
e2e_keys v F6
e2e_wait v 'Check the audit trail'
e2e_keys v Enter
e2e_wait v 'Chain only; give the audit key'
e2e_keys v Enter
rk_ok "F6: OK with the audit key, and chain only without"

KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2>/dev/null)
printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n%s\n' "$KEY" \
	"UPDATE audit_log SET groups='identity' WHERE id=3;" | sqlcipher r.db >/dev/null 2>&1 ||
	e2e_fail "sqlcipher could not change the trail"
e2e_keys v F6
e2e_wait v 'Check the audit trail'
e2e_keys v Enter
e2e_wait v 'FAILED at entry 3:'
e2e_wait v 'The audit trail has been tampered with'
e2e_keys v Enter
rk_ok "after tampering through sqlcipher F6 names entry 3"

# --- every look was recorded --------------------------------------------------------------------
"$R" audit list --db r.db --keyfile adm.key --by-user valvoja >looks.txt 2>&1 ||
	e2e_fail "audit list: $(cat looks.txt)"
for a in audit.list audit.user_report audit.export audit.verify; do
	grep -q " $a " looks.txt || e2e_fail "no $a by valvoja in the trail"
done
grep -Eq 'audit\.verify +- +- +failed' looks.txt || e2e_fail "the failed check is not recorded"
rk_ok "every look at the trail is in the trail"

# --- the command line checks the dates as the F2 form does ----------------------------
# (a date written 1.12.2026, as the Finnish screens show them, once compared
# as text: "what did user Y access" answered 0 subjects, exit 0)
A=(--db r.db --keyfile adm.key)
"$R" audit list --from 2000-01-01 --to 2999-01-01 "${A[@]}" >ok.txt 2>ok.err ||
	e2e_fail "audit list with dates: $(cat ok.err)"
grep -q ' audit\.list ' ok.txt ||
	e2e_fail "the control finds nothing, so the check proves nothing: $(cat ok.txt)"
for bad in "audit user valvoja --from 1.12.2026" "audit list --from bogus" \
	"audit list --to 2026-02-30" "audit export --out dates.csv --from 2026-12-05 --to 2026-12-01"; do
	st=0
	# shellcheck disable=SC2086
	"$R" $bad "${A[@]}" >bad.txt 2>&1 || st=$?
	# a wrong command line: the usage status, the option named (rekisteri(1))
	[[ $st == 2 ]] || e2e_fail "'$bad' exited $st: $(cat bad.txt)"
	grep -Eq -- '--(from|to): ((From|Until): (write the date as YYYY-MM-DD|there is no such day)|Until must come after From)' bad.txt ||
		e2e_fail "'$bad': $(cat bad.txt)"
done
[[ ! -e dates.csv ]] || e2e_fail "a refused export left its file"
rk_ok "audit list/user/export refuse a date that is not YYYY-MM-DD, or Until before From"

e2e_keys v Escape
e2e_wait v 'What would you like to do\?'
e2e_keys v F10
[[ "$(e2e_exit_status v)" == 0 ]] || e2e_fail "F10 did not quit cleanly"
e2e_pass "audit viewer"
