#!/usr/bin/env bash
# test_import_tui.sh - the Import screen, as a supervisor uses it at
# 80x24: the file named on a form, the mapping shown for confirmation (a
# column changed by hand), the preview with its counts checked against
# the file's own expectations (import_lib.sh), the previously erased
# person left out until confirmed with a reason, then saving. Checked
# after, with the sqlcipher CLI: the new customers with repaired values,
# the update, the erased person imported once with the reason recorded,
# the error rows absent. A sales account has no Import entry. A file
# whose address cell has two lines shows the repair in the preview.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/import_lib.sh"
export LANGUAGE=en

rk_demo_setup 200
rk_one_person
rk_demo_keyfile dpo supervisor
U=(--db r.db --keyfile dpo.key)
mapfile -t P < <(rk_sql "SELECT number FROM customers WHERE kind='person' AND
	restricted=0 AND email IS NOT NULL AND hetu IS NULL ORDER BY id LIMIT 2;")
UPD=${P[0]} ERASE=${P[1]}
ERASED_MAIL=$(rk_sql "SELECT email FROM customers WHERE number='$ERASE';")
"$R" dsr new "${U[@]}" --type erasure --subject "$ERASE" --verified 'passport' >dsr.out 2>&1 ||
	e2e_fail "dsr new: $(cat dsr.out)"
"$R" dsr execute "$(grep -oE '[0-9]+' dsr.out | head -1)" "${U[@]}" >exec.out 2>&1 ||
	e2e_fail "dsr execute: $(cat exec.out)"
rk_import_file "$PWD/tui.csv" "$ERASED_MAIL" "$UPD"
BEFORE=$(rk_sql "SELECT count(*) FROM customers;")

rk_demo_login sales sales
e2e_screen sales | grep -qE '^  Import ' && e2e_fail "sales has an Import entry"
e2e_kill sales
rk_demo_login s supervisor
rk_menu s Import
e2e_wait s 'Import customers from a spreadsheet'
e2e_type s "$PWD/tui.csv"
e2e_keys s Enter
e2e_wait s 'Import tui.csv: Windows-1252, separator ;, 9 columns'
e2e_wait s 'Sähköposti +email \(E-mail\)'
e2e_wait s 'Postinumero +postal_code \(Postal code\)'
# the mapping by hand: Maa ignored, then back
for ((i = 0; i < 5; i++)); do e2e_keys s Down; done
e2e_keys s Enter
e2e_wait s 'Import this column as'
e2e_keys s C-u
e2e_type s ignore
e2e_keys s Enter
e2e_wait s '6 Maa +\(ignored\)'
e2e_keys s Enter
e2e_wait s 'Import this column as'
e2e_keys s C-u
e2e_type s country
e2e_keys s Enter
e2e_wait s '6 Maa +country \(Country\)'
rk_snap s supervisor
e2e_keys s F10
e2e_wait s 'Preview of tui.csv: nothing is saved before F10'
e2e_assert_absent s 'Reading tui.csv' # the reading's progress is gone with it
e2e_wait s '9 rows: new 3, update 1, unchanged 0, possible duplicate 1, error 3,'
e2e_wait s 'previously erased 1'
for re in "^ +2 update +$UPD \(same customer number\): changes E-mail" \
	'^ +3 new +Väinö Ääliö' '^ +5 possible duplicate the same customer as row 3' \
	'^ +6 error +row 6, column 8 \(Sähköposti\): E-mail' '^ +10 new +=SUM\(A1\)'; do
	e2e_wait s "$re"
done
[[ $(rk_sql "SELECT count(*) FROM customers;") == "$BEFORE" ]] ||
	e2e_fail "the preview changed the register"
e2e_keys s Down
e2e_wait s 'Repaired: Phone: leading 0 restored; Postal code: leading zeros restored'
rk_snap s supervisor
# the erased person: F3 asks for the reason, Esc leaves it out
e2e_keys s End
e2e_keys s Up
e2e_keys s F3
e2e_wait s 'This person was erased. Why import them again\?'
e2e_type s 'asked to be a customer again'
e2e_keys s Enter
e2e_wait s 'Row 9 will be imported; the reason is recorded'
e2e_wait s '^ +9 previously erased +confirmed with a reason'
e2e_keys s F10
e2e_wait s 'Save 3 new customers, 1 updates and 1 confirmed rows\?'
e2e_keys s y
e2e_wait s 'Saved: 4 created, 1 updated'
[[ $(rk_sql "SELECT count(*) FROM customers;") == $((BEFORE + 4)) ]] ||
	e2e_fail "customers: $(rk_sql "SELECT count(*) FROM customers;"), wanted $((BEFORE + 4))"
[[ $(rk_sql "SELECT postal_code || ' ' || phone FROM customers WHERE email='vaino@example.fi';") == '02100 +358401234567' ]] ||
	e2e_fail "row 3 not repaired"
[[ $(rk_sql "SELECT postal_code FROM customers WHERE name='Öljynen Oy';") == 00100 ]] ||
	e2e_fail "row 4 not saved"
[[ $(rk_sql "SELECT email FROM customers WHERE number='$UPD';") == uusi.osoite@example.fi ]] ||
	e2e_fail "row 2 not updated"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE email='$ERASED_MAIL';") == 1 ]] ||
	e2e_fail "the confirmed erased person"
[[ $(rk_sql "SELECT reason FROM import_readds;") == 'asked to be a customer again' ]] ||
	e2e_fail "the reason"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE name IN ('Huono Posti','Huono Yritys Oy','Lyhyt Rivi');") == 0 ]] ||
	e2e_fail "an error row was saved"
[[ $(rk_sql "SELECT screen FROM audit_log WHERE action='import';") == import ]] ||
	e2e_fail "the import row does not name the screen"
# a street address of two lines in one cell (Excel's Alt+Enter): a repair
# shown under its row in the preview, the row new (not an error), saved as
# one line
printf 'Nimi;Osoite;Postinumero\r\nKaksi Riviä;"Tehdastie 5\nPL 3";00100\r\n' >lines.csv
rk_press_until s Escape 'What would you like to do\?' 5
rk_menu s Import
e2e_wait s 'Import customers from a spreadsheet'
e2e_type s "$PWD/lines.csv"
e2e_keys s Enter
e2e_wait s 'Import lines.csv: UTF-8'
e2e_keys s F10
e2e_wait s 'Preview of lines.csv: nothing is saved before F10'
e2e_wait s '1 rows: new 1, update 0, unchanged 0, possible duplicate 0, error 0,'
e2e_wait s 'Repaired: Street address: line breaks replaced with commas'
e2e_keys s F10
e2e_wait s 'Save 1 new customers'
e2e_keys s y
e2e_wait s 'Saved: 1 created'
[[ $(rk_sql "SELECT street FROM customers WHERE name='Kaksi Riviä';") == 'Tehdastie 5, PL 3' ]] ||
	e2e_fail "the two-line address as saved: $(rk_sql "SELECT street FROM customers WHERE name='Kaksi Riviä';")"
e2e_pass "import screen: mapping changed by hand, preview counts as expected, erased person only with a reason, saved; a two-line address repaired"
