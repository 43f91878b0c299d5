#!/usr/bin/env bash
# test_pasted.sh - values pasted from web pages, PDFs and other programs,
# in an imported CSV file and in the customer form: each is either read as
# the person meant it or refused with a message naming row, column and
# rule; nothing dangerous reaches the terminal; nothing is lost.
#
# On a demo register, `rekisteri import customers` reads a UTF-8 file
# whose cells hold: ESC [2J with an OSC 0 title, an OSC 52 clipboard
# write, BEL, C1 controls (CSI U+009B, NEL), a name and a street over the
# form's limit (refused); a line break inside a quoted street (Excel's
# Alt+Enter: its lines joined with ", ", a repair listed); RLO and
# bidi isolates in a name, a zero-width space inside an e-mail address,
# no-break spaces around values and inside a phone number, full-width
# digits in a postal code and a phone, an en dash in a Y-tunnus, a
# henkilötunnus with a lower-case check character (read as meant); one
# byte that is not UTF-8, and an overlong encoding of '/' (errors of
# their rows, while the rest of the file is still read as UTF-8, not as
# Windows-1252 mojibake). Checked:
#   - the CLI's output holds no ESC, BEL, C1, bidi control or zero-width
#     character (raw bytes), and says Sähköposti, not SÃ¤hkÃ¶posti;
#   - the preview's counts, each error's row, column and rule, and the
#     repairs listed; after --yes, the values stored (independent
#     sqlcipher CLI): codes in ASCII, no blank kept around a value, the
#     RLO name kept as given (nothing lost) and `customer show` drawing it
#     with a placeholder;
#   - a file with lone CR line endings (old Mac Excel) reads its rows;
#   - the Import screen at 80x24 shows the same preview, the pane title is
#     untouched and no bidi control is on the screen (capture-pane -e);
#   - the new-customer form takes the same pasted phone, e-mail, postal
#     code and Y-tunnus (tmux send-keys -l with the bytes) and stores them
#     in ASCII;
#   - a paste as a terminal makes it (tmux paste-buffer -p, bracketed
#     paste) holding ESC ] 0 ; ... BEL, "yes" and line breaks into the
#     form: the form stays open (the paste's Esc and "y" used to discard
#     it), the controls are left out with a message, a line break is a
#     space between words and nothing at the end, nothing is submitted
#     before Enter, and the title is untouched.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
export LANGUAGE=en
rk_demo_setup 50
rk_one_person
rk_demo_keyfile dpo supervisor
U=(--db r.db --keyfile dpo.key)
count() { rk_sql "SELECT count(*) FROM customers;"; }
BEFORE=$(count)

python3 - <<'PY'
rows = [
    ["Nimi", "Osoite", "Postinumero", "Postitoimipaikka", "Sähköposti", "Puhelin",
     "Henkilötunnus", "Y-tunnus"],
    ["Eve\x1b[2J\x1b]0;pwned\x07 Esc", "Tie 1", "00100", "Helsinki", "", "", "", ""],
    ["Osc Clip", "Tie\x1b]52;c;ZXZpbA==\x07 2", "00100", "Helsinki", "", "", "", ""],
    ["Bel\x07 Bell", "Tie 3", "00100", "Helsinki", "", "", "", ""],
    ["Cee \u009b31m Nel\u0085", "Tie 4", "00100", "Helsinki", "", "", "", ""],
    ["Multi Line", "Katu 1\r\nB 2", "00100", "Helsinki", "", "", "", ""],
    ["L" * 201, "Tie 6", "00100", "Helsinki", "", "", "", ""],
    ["Long Street", "S" * 201, "00100", "Helsinki", "", "", "", ""],
    ["Rlo \u202eenasuS", "Tie\u2067 9\u2069", "00100", "Helsinki", "rlo@example.fi", "", "", ""],
    ["\u00a0Liisa Nbsp\u202f", "Tie 10", "\u00a000100\u00a0", "Helsinki",
     "\u00a0li\u200bisa@example.fi\u200b", "040\u00a0123\u00a04567", "", ""],
    ["Full Width", "Tie 11", "００１００", "Helsinki", "ｆｗ＠example.fi",
     "０４０ １２３ ４５６８", "", ""],
    ["Viiva Oy", "Tie 12", "00100", "Helsinki", "", "", "", "2345678\u20130"],
    ["Hetu Pieni", "Tie 13", "00100", "Helsinki", "hp@example.fi", "", "131052-308t", ""],
]
def q(c):
    return '"' + c.replace('"', '""') + '"' if any(x in c for x in ';"\r\n') else c
data = "\r\n".join(";".join(q(c) for c in r) for r in rows).encode() + b"\r\n"
data += b"Rikki\xff Tavu;Tie 14;00100;Helsinki;;;;\r\n"
data += b"Yli\xc0\xafpitka;Tie 15;00100;Helsinki;;;;\r\n"
open("pasted.csv", "wb").write(data)
# old Mac Excel: lone CR
open("cr.csv", "wb").write(
    "Nimi;Postinumero;Sähköposti\rCee Aar;00100;car@example.fi\rToinen Rivi;00200;tr@example.fi\r"
    .encode())
PY

# raw bytes that must never reach a terminal: ESC, BEL, C1 (UTF-8 C2 80-9F),
# bidi controls, zero-width and no-break spaces
raw_clean() { # FILE WHAT
	if LC_ALL=C grep -qP '\x1b|\x07|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1"; then
		e2e_fail "$2 sends a control or bidi character to the terminal: $(cat -v "$1" | head -5)"
	fi
}

# --- the CLI preview ---------------------------------------------------------------
"$R" import customers pasted.csv "${U[@]}" >prev.out 2>&1 || e2e_fail "preview: $(cat -v prev.out)"
raw_clean prev.out "the CLI preview"
grep -q 'File pasted.csv: UTF-8, separator ;, 8 columns' prev.out ||
	e2e_fail "the damaged UTF-8 file was not read as UTF-8: $(head -1 prev.out)"
grep -qE '5 Sähköposti +-> email' prev.out || e2e_fail "mapping: $(cat -v prev.out | head -8)"
ctrl='contains a control character such as a line break, Tab or Escape'
for want in "row 2: error .*row 2, column 1 \(Nimi\): Name: $ctrl" \
	"row 3: error .*row 3, column 2 \(Osoite\): Street address: $ctrl" \
	"row 4: error .*row 4, column 1 \(Nimi\): Name: $ctrl" \
	"row 5: error .*row 5, column 1 \(Nimi\): Name: $ctrl" \
	'^row 6: new +Multi Line$' \
	'repaired: Street address: line breaks replaced with commas' \
	'row 7: error .*row 7, column 1 \(Nimi\): Name: is longer than 200 characters' \
	'row 8: error .*row 8, column 2 \(Osoite\): Street address: is longer than 200 characters' \
	'row 9: new +Rlo .enasuS' '^row 10: new +Liisa Nbsp$' \
	'repaired: spaces trimmed: Name, E-mail, Postal code' \
	'^row 11: new +Full Width$' '^row 12: new +Viiva Oy$' '^row 13: new +Hetu Pieni$' \
	'row 14: error .*row 14, column 1 \(Nimi\): bytes that are not valid UTF-8' \
	'row 15: error .*row 15, column 1 \(Nimi\): bytes that are not valid UTF-8' \
	'Rows: 14\. new: 6; update: 0; unchanged: 0; possible duplicate: 0; error: 8; previously erased: 0\.'; do
	grep -qE -- "$want" prev.out || e2e_fail "preview lacks /$want/: $(cat -v prev.out)"
done
[[ $(count) == "$BEFORE" ]] || e2e_fail "the preview saved something"
rk_ok "CLI preview: controls refused by row and column, pasted codes read as meant, a two-line street joined, damaged UTF-8 stays UTF-8, nothing raw on the terminal"

"$R" import customers cr.csv "${U[@]}" >cr.out 2>&1 || e2e_fail "lone CR: $(cat -v cr.out)"
grep -q 'Rows: 2\. new: 2;' cr.out || e2e_fail "lone CR: $(cat -v cr.out)"
rk_ok "lone CR line endings: two rows"

# --- the Import screen ------------------------------------------------------------------
rk_demo_login s supervisor
TITLE=$(e2e_title s)
rk_menu s Import
e2e_wait s 'Import customers from a spreadsheet'
e2e_type s "$PWD/pasted.csv"
e2e_keys s Enter
e2e_wait s 'Import pasted.csv: UTF-8, separator ;, 8 columns'
e2e_wait s 'Sähköposti +email \(E-mail\)'
e2e_keys s F10
e2e_wait s '14 rows: new 6, update 0, unchanged 0, possible duplicate 0, error 8,'
e2e_wait s '^ +9 new +Rlo .enasuS'
e2e_wait s '^ +10 new +Liisa Nbsp'
_e2e_tmux capture-pane -e -p -S -100 -t "=s:" >screen.ansi
grep -q 'Rlo' screen.ansi || e2e_fail "the capture does not hold the preview"
LC_ALL=C grep -qP '\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xc2[\x80-\x9f]' screen.ansi &&
	e2e_fail "a bidi, zero-width or C1 character is on the screen"
[[ $(e2e_title s) == "$TITLE" ]] || e2e_fail "the pane title changed to '$(e2e_title s)'"
e2e_keys s F10
e2e_wait s 'Save 6 new customers, 0 updates and 0 confirmed rows\?'
e2e_keys s y
e2e_wait s 'Saved: 6 created, 0 updated'
rk_ok "Import screen: the same preview, title untouched, no bidi or C1 on screen; saved"

# --- what was stored ------------------------------------------------------------------------
[[ $(count) == $((BEFORE + 6)) ]] || e2e_fail "customers: $(count), wanted $((BEFORE + 6))"
got=$(rk_sql "SELECT street FROM customers WHERE name='Multi Line';")
[[ $got == 'Katu 1, B 2' ]] || e2e_fail "the two-line street: stored '$got'"
got=$(rk_sql "SELECT name||'|'||email||'|'||phone||'|'||postal_code FROM customers
	WHERE name LIKE 'Liisa%';")
[[ $got == 'Liisa Nbsp|liisa@example.fi|+358401234567|00100' ]] ||
	e2e_fail "no-break spaces and a zero-width space: stored '$got'"
got=$(rk_sql "SELECT email||'|'||phone||'|'||postal_code FROM customers WHERE name='Full Width';")
[[ $got == 'fw@example.fi|+358401234568|00100' ]] || e2e_fail "full-width: stored '$got'"
got=$(rk_sql "SELECT business_id FROM customers WHERE name='Viiva Oy';")
[[ $got == 2345678-0 ]] || e2e_fail "en dash in the Y-tunnus: stored '$got'"
got=$(rk_sql "SELECT hetu FROM customers WHERE name='Hetu Pieni';")
[[ $got == 131052-308T ]] || e2e_fail "lower-case check character: stored '$got'"
got=$(rk_sql "SELECT hex(name) FROM customers WHERE email='rlo@example.fi';")
[[ $got == "$(printf 'Rlo \u202eenasuS' | xxd -p -u)" ]] || e2e_fail "the RLO name was not kept as given: $got"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE name LIKE '%Esc' OR name LIKE 'Rikki%'
	OR name='Long Street';") == 0 ]] || e2e_fail "an error row was saved"
RLO_NO=$(rk_sql "SELECT number FROM customers WHERE email='rlo@example.fi';")
"$R" customer show "$RLO_NO" "${U[@]}" >show.out 2>&1 || e2e_fail "customer show: $(cat show.out)"
raw_clean show.out "customer show"
grep -qE '^Name +Rlo �enasuS$' show.out || e2e_fail "customer show: $(cat -v show.out | head -4)"
rk_ok "stored: codes in ASCII, no blank kept, the RLO name as given and shown with a placeholder"

# --- the same paste into the new-customer form ---------------------------------------------
rk_press_until s Escape 'What would you like to do\?' 5
rk_menu s Customers
e2e_wait s 'Search:'
e2e_keys s F2
e2e_wait s 'New customer'
rk_form_field s Name $'Lomake Liitetty\u00a0'
rk_form_field s 'E-mail' $'\u00a0lomake@example.fi\u200b'
rk_form_field s Phone '０４０ １２３ ４５６９'
rk_form_field s 'Postal code' $'\u00a0００２００'
e2e_keys s Enter
e2e_wait s '^Saved|Customer C[0-9]{6} added|added'
got=$(rk_sql "SELECT name||'|'||email||'|'||phone||'|'||postal_code FROM customers
	WHERE email LIKE 'lomake%';")
[[ $got == 'Lomake Liitetty|lomake@example.fi|+358401234569|00200' ]] ||
	e2e_fail "the form stored '$got'"
rk_ok "new-customer form: pasted no-break spaces, zero-width space and full-width digits stored as meant"

# --- a paste holding an escape sequence and line breaks, as a terminal pastes -------
# (tmux paste-buffer -p marks it when the program asked for bracketed paste;
# unmarked, its Esc asked to discard the form and its "y" answered yes)
paste() { # TEXT - paste TEXT into session s as a terminal would
	_e2e_tmux set-buffer -b p -- "$1"
	_e2e_tmux paste-buffer -p -d -b p -t "=s:"
}
rk_press_until s Escape 'F2 New' 3
e2e_keys s F2
e2e_wait s 'New customer'
rk_form_field s Name 'Eve '
paste $'\e]0;pwned\ayes\e[2J Liitos'
e2e_wait s 'The pasted text held 3 control characters \(such as Escape\); they were left out'
rk_form_field s 'E-mail' ''
paste $'liitos@example.fi\n'
rk_form_field s 'Street address' ''
paste $'Katu 1\nB 2\n'
e2e_wait s 'Street address: Katu 1 B 2$'
e2e_wait s 'Name: Eve \]0;pwnedyes\[2J Liitos$' 1
e2e_wait s 'E-mail: liitos@example.fi$' 1
e2e_assert_present s 'New customer'
[[ $(e2e_title s) == "$TITLE" ]] || e2e_fail "the pane title changed to '$(e2e_title s)'"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE email='liitos@example.fi';") == 0 ]] ||
	e2e_fail "a pasted line break submitted the form"
e2e_keys s Enter
e2e_wait s '^ E-mail +liitos@example.fi'
got=$(rk_sql "SELECT name||'|'||street FROM customers WHERE email='liitos@example.fi';")
[[ $got == 'Eve ]0;pwnedyes[2J Liitos|Katu 1 B 2' ]] || e2e_fail "stored after the paste: '$got'"
rk_ok "a pasted escape sequence and line breaks: the form stays, the controls are left out with a message, nothing submitted early"
e2e_pass "pasted values: refused by row and column or read as meant; nothing raw on the terminal"
