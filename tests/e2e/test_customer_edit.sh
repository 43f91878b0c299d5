#!/usr/bin/env bash
# test_customer_edit.sh - editing customers on screen, on the demo register
# at 80x24 in tmux.
#
# Checks:
# - two sessions (sales and supervisor) edit the same customer: the first
#   save wins; the second is refused with "Changed by someone else" and
#   the reload choice; n keeps the typed text on the form, y shows the
#   first user's value, and the database holds it (nothing overwritten);
# - the edit form names the field of each refused value, on the message
#   line and under the form, and marks that field: e-mail, phone, postal
#   code, henkilötunnus (Contact tab) and Y-tunnus (Billing tab); a
#   Finnish local phone number is accepted and stored in E.164;
# - a note holding a valid henkilötunnus warns and is not saved.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

rk_demo_setup
# a person with an identity code, not one the other tests use
P_NO=$(rk_sql "SELECT number FROM customers WHERE kind='person' AND hetu IS NOT NULL
	AND number NOT IN ('C000001','C000002') ORDER BY id LIMIT 1;")
CITY=$(rk_sql "SELECT city FROM customers WHERE number='$P_NO';")

# open CUSTOMER's detail from home and the Contact tab's edit form
open_edit() {
	rk_open_detail "$1" "$2"
	e2e_keys "$1" F4
	e2e_wait "$1" "Edit customer $2"
}

# field SESSION LABEL VALUE - focus the field LABEL (from the first) and
# replace its text.
field() { rk_form_field "$@"; }

# --- two users, one customer ---------------------------------------------------
rk_demo_login s sales
rk_demo_login v supervisor
open_edit s $P_NO
open_edit v $P_NO
field v City 'Vantaa'
e2e_keys v Enter
e2e_wait v '^Saved'
e2e_wait v '^ City +Vantaa'
field s City 'Turku'
e2e_keys s Enter
e2e_wait s 'Changed by someone else since you opened it\.'
e2e_assert_present s 'Reload and lose your edits?'
e2e_keys s n
e2e_wait s 'Not saved\. Your edits are still here'
e2e_assert_present s 'City: Turku'
[[ "$(rk_sql "SELECT city FROM customers WHERE number='$P_NO';")" == Vantaa ]] ||
	e2e_fail "the refused save changed the database"
e2e_keys s F2
e2e_wait s 'Changed by someone else since you opened it\.'
e2e_keys s y
e2e_wait s 'Reloaded: the form shows the values saved now\.'
e2e_assert_present s 'City: Vantaa'
e2e_assert_absent s 'Turku' "$CITY"
e2e_keys s Escape
e2e_wait s '^ City +Vantaa'
rk_ok "second save refused with the reload choice; reload shows the first user's value"

# --- per-field messages on the edit form ------------------------------------------
e2e_keys v F4
e2e_wait v "Edit customer $P_NO"
check() { # LABEL VALUE MESSAGE-REGEX
	field v "$1" "$2"
	e2e_keys v Enter
	e2e_wait v "^$3"
	e2e_wait v "^ +$1: .*!\$"
	e2e_wait v "^  $3"
	rk_ok "$1: refused with a message naming the field"
	e2e_keys v C-u
}
check 'E-mail' 'aino@@example' 'E-mail: '
field v 'E-mail' 'taisto@example.fi'
check 'Phone' '12345' 'Phone: '
check 'Postal code' '123' 'Postal code: '
check 'Personal identity code' '250698-983X' 'Personal identity code: '
field v 'Personal identity code' "$(rk_sql "SELECT hetu FROM customers WHERE number='$P_NO';")"
field v 'Phone' '040 123 4567'
field v 'Postal code' '00100'
e2e_keys v Enter
e2e_wait v '^Saved'
e2e_wait v '^ Phone +\+358401234567'
[[ "$(rk_sql "SELECT phone||' '||email FROM customers WHERE number='$P_NO';")" == \
	'+358401234567 taisto@example.fi' ]] || e2e_fail "the valid values were not stored"
rk_ok "a Finnish local phone number is stored as +358401234567"

e2e_keys v Escape
e2e_wait v 'Number +Name +City'
CO_NO=$(rk_sql "SELECT number FROM customers WHERE kind='company' ORDER BY id LIMIT 1;")
rk_search v "$CO_NO"
e2e_wait v "$CO_NO "

e2e_keys v Enter
e2e_wait v "$(rk_tab_cue Contact)"
e2e_keys v 2
e2e_wait v "$(rk_tab_cue Billing)"
e2e_keys v F4
e2e_wait v 'Business ID / VAT: [0-9]{7}-[0-9]'
check 'Business ID / VAT' '1917845-9' 'Business ID / VAT: '
# the field is emptied now: Esc asks before the change is thrown away
e2e_keys v Escape
e2e_wait v 'The form has changes that are not saved'
e2e_keys v n
e2e_wait_gone v 'The form has changes that are not saved'
e2e_assert_present v 'Business ID / VAT:'
e2e_keys v Escape
e2e_wait v 'The form has changes that are not saved'
e2e_keys v y
e2e_wait v "$(rk_tab_cue Billing)"
[[ -n "$(rk_sql "SELECT business_id FROM customers WHERE number='$CO_NO';")" ]] ||
	e2e_fail "the discarded edit was saved"
# an unchanged form closes at once
e2e_keys v F4
e2e_wait v 'Business ID / VAT: [0-9]{7}-[0-9]'
e2e_keys v Escape
e2e_wait v "$(rk_tab_cue Billing)"
rk_ok "Esc on a changed form asks before discarding; n keeps the edits; an unchanged form just closes"

# --- a note with a henkilötunnus -----------------------------------------------------
e2e_keys v 4
e2e_wait v "$(rk_tab_cue Notes)"
NOTES=$(rk_sql "SELECT count(*) FROM notes;")
e2e_keys v F2
e2e_wait v 'New note'
e2e_type v 'Soitti, hetu 131052-308T, palaa asiaan'
e2e_keys v Enter
e2e_wait v 'Identity codes belong in their own'
e2e_wait v '^Not saved: the note contains a personal identity code'
e2e_keys v Enter
e2e_wait_gone v 'Identity codes belong'
e2e_assert_present v 'New note'
[[ "$(rk_sql "SELECT count(*) FROM notes;")" == "$NOTES" ]] || e2e_fail "the note was saved"
# the same code pasted from a web page: full-width digits, an en dash and
# a zero-width space; then with no separator at all
for pasted in $'Hetu \uff11\uff13\uff11\uff10\uff15\uff12\u2013308\u200bT' 'Hetu 131052308T'; do
	e2e_keys v C-u
	e2e_type v "$pasted"
	e2e_keys v Enter
	e2e_wait v '^Not saved: the note contains a personal identity code'
	e2e_keys v Enter
	e2e_wait_gone v 'Identity codes belong'
	[[ "$(rk_sql "SELECT count(*) FROM notes;")" == "$NOTES" ]] || e2e_fail "the pasted code was saved"
done
e2e_keys v C-u
e2e_type v 'Soitti, palaa asiaan maanantaina'
e2e_keys v Enter
e2e_wait v '^Note saved'
e2e_wait v 'Soitti, palaa asiaan maanantaina'
e2e_assert_absent v '131052-308T'
rk_ok "a note with a henkilötunnus warns and is not saved; a clean one is"

# A note longer than its column is cut with an ellipsis; Enter shows it whole.
LONG='Asiakas pyysi tarjousta kolmesta työtuolista ja kahdesta kirjoituspöydästä, toimitus vasta tammikuussa loppu'
e2e_keys v F2
e2e_wait v 'New note'
e2e_type v "$LONG"
e2e_keys v Enter
e2e_wait v '^Note saved'
e2e_wait v 'Asiakas pyysi tarjousta.*…'
e2e_assert_absent v 'tammikuussa loppu'
e2e_press_to_note() { # select the long note: the newest comes first
	local i
	for ((i = 0; i < 5; i++)); do e2e_keys v Up; done
}
e2e_press_to_note
e2e_keys v Enter
e2e_wait v 'tammikuussa loppu'
e2e_wait v '^  Note by '
e2e_keys v Escape
e2e_wait_gone v 'tammikuussa loppu'
rk_ok "a note cut on the list (with an ellipsis) is read whole with Enter"

for sess in s v; do
	e2e_keys "$sess" F10
	[[ "$(e2e_exit_status "$sess")" == 0 ]] || e2e_fail "session $sess did not quit cleanly"
done

e2e_pass "customer edit"
