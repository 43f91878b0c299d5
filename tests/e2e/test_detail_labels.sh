#!/usr/bin/env bash
# test_detail_labels.sh - the customer detail's and the edit form's label
# column is as wide as the language needs, at 80x24 on the demo register.
#
# Finnish and Swedish labels are longer than English ones ("Toimituksen
# postitoimipaikka", "Faktureringsadress för e-post"); a fixed column cut
# them to "Toimituksen postinume…". Checks, in fi (supervisor), sv
# (billing, then sales) and en (sales): on the Contact and Billing tabs
# and on their edit forms every field label the role reads is shown whole
# (no "…" in the label column) and the value beside it is still whole.
# The tab bar shows every tab: whole in Swedish (81 columns with the usual
# padding), the longest cut with an ellipsis in Finnish (six tabs).
# The new order form (Orders tab, F2) shows its labels whole, each input
# field right after its label (a fixed 5-column label cut Finnish "Määrä:"
# and Swedish "Antal:"); so do the note form ("Muistiinpano:") and the
# request wizard's first step ("Käyttötarkoitus:"). `customer show` in en, fi and sv prints every
# label whole and every value in one column ("Y-tunnus / ALV-tunniste" is
# wider than the 22 columns the labels had).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/screens_lib.sh"
SC_CAPS=/dev/null # sc_open snaps the screens it opens; nothing reads them here
SC_ROLE=detail_labels

rk_demo_setup
rk_one_person
rk_demo_keyfile dpo supervisor
# a company with every delivery and billing field filled in
CO=$(rk_sql "SELECT number FROM customers WHERE kind='company' AND restricted=0
	AND delivery_city IS NOT NULL AND billing_city IS NOT NULL
	AND invoice_email IS NOT NULL ORDER BY id LIMIT 1;")
[[ -n "$CO" ]] || e2e_fail "the demo has no company with delivery and billing addresses"
DCITY=$(rk_sql "SELECT delivery_city FROM customers WHERE number='$CO';")
IMAIL=$(rk_sql "SELECT invoice_email FROM customers WHERE number='$CO';")

# labels SESSION MSGID... - each translated label is on the screen whole,
# followed by its value column (detail) or ": " (form); no label is cut.
labels() {
	local s=$1 m t
	shift
	for m in "$@"; do
		t=$(sc_t "$m")
		e2e_screen "$s" | grep -Eq "^ *$(sc_re "$t")(:| {2,}| [^ ]|$)" ||
			e2e_fail "$SC_LANG: the label '$t' is not shown whole"
	done
	if e2e_screen "$s" | sed -n '4,21p' | grep -Eq '^ *[^ ][^:]*…'; then
		e2e_fail "$SC_LANG: a label is cut: $(e2e_screen "$s" | grep -m1 '…')"
	fi
}

# tab SESSION N CUE - the tab with digit N, once CUE (a label) shows.
tab() {
	e2e_keys "$1" "$2"
	e2e_wait "$1" "^ *$(sc_re "$(sc_t "$3")")"
}

# edit SESSION LABEL... - F4, the labels whole on the form, Esc.
edit() {
	local s=$1
	shift
	e2e_keys "$s" F4
	e2e_wait "$s" "$(sc_re "$(sc_t "$1")"): "
	labels "$s" "$@"
	e2e_keys "$s" Escape
	e2e_wait_gone "$s" "$(sc_re "$(sc_t "$1")"): "
}

# open SESSION LANG ROLE [WHEN] - log in as ROLE in LANG with the TOTP
# code of WHEN (oathtool -N; a step is taken once per user, so a second
# login of ROLE goes first with 'now - 30 seconds') and open the company.
open() {
	local name pw secret
	SC_LANG=$2
	read -r name _ pw secret < <(grep "^$3 " r.db.users)
	e2e_start "$1" 80 24 env REKISTERI_CONFIG="$REKISTERI_CONFIG" LANGUAGE="$2" \
		TEXTDOMAINDIR="$SC_LOCALE" "$R" --db r.db
	sc_wait "$1" 'Log in to the customer register'
	e2e_type "$1" "$name"
	e2e_keys "$1" Tab
	e2e_type "$1" "$pw"
	e2e_keys "$1" Tab
	e2e_type "$1" "$(rk_code "$secret" "${4:-now}")"
	e2e_keys "$1" Enter
	e2e_wait "$1" "$(sc_re "$(sc_t 'What would you like to do?')")|$(sc_dashboard)"
	if ! e2e_screen "$1" | grep -Eq "$(sc_re "$(sc_t 'What would you like to do?')")"; then
		e2e_keys "$1" Escape
		sc_wait "$1" 'What would you like to do?'
	fi
	sc_open "$1" Customers
	e2e_type "$1" "$CO"
	e2e_wait "$1" "$CO "
	e2e_keys "$1" Enter
	e2e_wait "$1" "$CO"
}

# order SESSION DIGIT - the Orders tab (DIGIT), F2: the order form's labels
# whole, the quantity typed into the field right after its label; Esc.
order() {
	local s=$1 row m
	e2e_keys "$s" "$2"
	sc_wait "$s" 'New order'
	e2e_keys "$s" F2
	sc_wait "$s" 'Product:'
	row=$(e2e_screen "$s" | grep -m1 -E "^ *$(sc_re "$(sc_t Product:)") ")
	for m in 'Product:' 'Qty:' 'Unit price:'; do
		grep -qE -- "$(sc_re "$(sc_t "$m")")( |\$)" <<<"$row" ||
			e2e_fail "$SC_LANG: the order form cuts '$(sc_t "$m")': $row"
	done
	e2e_keys "$s" Tab
	e2e_type "$s" 7
	e2e_wait "$s" "$(sc_re "$(sc_t Qty:)") 7 "
	e2e_keys "$s" Escape
	e2e_wait_gone "$s" "^ *$(sc_re "$(sc_t Product:)") "
}

# note SESSION DIGIT - the Notes tab (DIGIT), F2: the note form's label
# whole, the text typed right after it; Esc, and yes to leave it.
note() {
	e2e_keys "$1" "$2"
	e2e_keys "$1" F2
	sc_wait "$1" 'New note'
	e2e_type "$1" 'Soitti'
	e2e_wait "$1" "^ +$(sc_re "$(sc_t Note:)") Soitti"
	e2e_keys "$1" Escape
	sc_wait "$1" 'Discard changes'
	e2e_keys "$1" y
	e2e_wait_gone "$1" "^ +$(sc_re "$(sc_t Note:)") "
}

# purpose SESSION - the request wizard's first step with an objection
# chosen: "Purpose:" whole, the purpose right after it and the date under
# it in the same column; Esc, then home.
purpose() {
	local p r
	sc_home "$1"
	sc_open "$1" Requests
	e2e_wait "$1" "$(sc_dashboard)"
	e2e_keys "$1" F2
	sc_wait "$1" 'Which right does the person use?'
	e2e_keys "$1" Down Down Down Down
	e2e_wait "$1" "^ +$(sc_re "$(sc_t Purpose:)") +< "
	p=$(e2e_screen "$1" | grep -m1 -E "^ +$(sc_re "$(sc_t Purpose:)") ")
	r=$(e2e_screen "$1" | grep -m1 -E "^ +$(sc_re "$(sc_t 'Received on:')") ")
	p=${p%%<*} r=${r%%[0-9]*}
	[[ ${#p} == "${#r}" ]] ||
		e2e_fail "$SC_LANG: the purpose and the date start in different columns: '$p' '$r'"
	e2e_keys "$1" Escape
	sc_home "$1"
}

# show LANG LABEL... - `customer show` of the company in LANG: each
# translated LABEL whole at the start of a line, and every value (after
# the label and its padding) in one column.
show() {
	local m labels=()
	SC_LANG=$1
	shift
	LANGUAGE=$SC_LANG TEXTDOMAINDIR="$SC_LOCALE" "$R" customer show "$CO" --db r.db \
		--keyfile dpo.key >"show.$SC_LANG" 2>&1 ||
		e2e_fail "$SC_LANG: customer show: $(cat "show.$SC_LANG")"
	for m in "$@"; do labels+=("$(sc_t "$m")"); done
	python3 - "show.$SC_LANG" "${labels[@]}" <<'PY' || e2e_fail "$SC_LANG: customer show: $(cat "show.$SC_LANG")"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]
cols = {}
for label in sys.argv[2:]:
    hit = [x for x in lines if x.startswith(label + " ")]
    if not hit:
        sys.exit(f"no line starts with the label '{label}' whole")
    rest = hit[0][len(label):]
    cols[label] = len(label) + len(rest) - len(rest.lstrip(" "))
if len(set(cols.values())) != 1:
    sys.exit(f"the values start in different columns: {cols}")
PY
}

SHOWN=('Name' 'Business ID / VAT' 'E-mail' 'Delivery city' 'Billing city'
	'Invoicing e-mail')
show en "${SHOWN[@]}"
show fi "${SHOWN[@]}"
show sv "${SHOWN[@]}"
rk_ok "customer show: every label whole, the values in one column in en, fi and sv"

CONTACT=('Delivery postal code' 'Delivery city' 'Delivery country' 'Street address')
BILLING=('Billing postal code' 'Billing city' 'Invoicing e-mail' 'Payment terms (days)')

open e en sales 'now - 30 seconds'
tab e 1 'Delivery city'
labels e "${CONTACT[@]}"
edit e "${CONTACT[@]}"
order e 2
rk_ok "en (sales): every label whole, on the detail, the edit form and the order form"

open f fi supervisor
tab f 1 'Delivery city'
# the stored type reads in the language too ("yritys", not "company")
e2e_wait f "$(sc_re "$(sc_t Type)") +$(sc_re "$(sc_t company)") *\$"
labels f "${CONTACT[@]}" 'Personal identity code'
e2e_wait f " $(sc_re "$DCITY")\$"
edit f "${CONTACT[@]}"
tab f 2 'Billing city'
labels f "${BILLING[@]}"
e2e_wait f " $(sc_re "$IMAIL")\$"
edit f "${BILLING[@]}"
e2e_screen f | sed -n 3p | grep -q "6 $(sc_t Contacts | cut -c1-4)" ||
	e2e_fail "fi: the tab bar lost a tab: $(e2e_screen f | sed -n 3p)"
rk_ok "fi: the six tabs share the bar: $(e2e_screen f | sed -n 3p)"
order f 3
note f 4
purpose f
rk_ok "fi (supervisor): every label whole on the detail, the edit forms, the order form, the note form and the request wizard"

open b sv billing
tab b 1 'Billing city'
labels b "${BILLING[@]}"
e2e_wait b " $(sc_re "$IMAIL")\$"
edit b "${BILLING[@]}"
rk_ok "sv (billing): every label whole on the detail and the edit form"

open s sv sales
tab s 1 'Delivery city'
e2e_wait s "$(sc_re "$(sc_t Type)") +$(sc_re "$(sc_t company)") *\$"
labels s "${CONTACT[@]}"
e2e_wait s " $(sc_re "$DCITY")\$"
edit s "${CONTACT[@]}"
order s 2
note s 3
e2e_screen s | sed -n 3p | grep -q "5 $(sc_t Contacts)\$" ||
	e2e_fail "sv: the tab bar cuts a tab: $(e2e_screen s | sed -n 3p)"
rk_ok "sv (sales): every label whole on the detail, the edit form, the order form and the note form, every tab whole"

e2e_pass "the label column fits the language: fi, sv and en labels whole"
