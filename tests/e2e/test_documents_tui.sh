#!/usr/bin/env bash
# test_documents_tui.sh - the supervisor's Documents screen at 80x24 on a
# demo register (README, Privacy documents): the home menu offers it to the
# supervisor and not to sales; Enter previews the record in the config's
# language (Finnish here), scrolling to its last section; F6 writes it to a
# file of mode 0600 that a strict HTML parser accepts, and refuses to write
# over it again; F3 switches the language (the notice in Swedish); each
# generation is an audit row of the place "documents", counted with the
# independent sqlcipher CLI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
CHECK_HTML="$SRCDIR/tests/tools/html_check.py"

rk_demo_setup
rk_config '[controller]' 'name = Rautakauppa Esimerkki Oy' 'address = Kauppakatu 1, Helsinki' \
	'email = tietosuoja@esimerkki.fi' 'language = fi' \
	'[purpose.customers]' 'description = Customers' 'legal_basis = contract' \
	'groups = identity, contact, billing, idcode, orders, order_amounts, notes, consents'
rows() { rk_sql "SELECT count(*) FROM audit_log WHERE action LIKE 'privacy.%' AND screen = 'documents';" | tail -1; }
[[ "$(rows)" == 0 ]] || e2e_fail "privacy rows before the test: $(rows)"

rk_demo_login s sales
e2e_assert_absent s 'Documents'
echo "ok: sales has no Documents entry"
e2e_kill s

rk_demo_login d supervisor
rk_menu d Documents
e2e_wait d 'Record of processing'
e2e_assert_present d 'Language: fi (F3)'
e2e_keys d Enter
e2e_wait d 'Seloste käsittelytoimista'
e2e_assert_present d '1. Rekisterinpitäjä ja tietosuojavastaava'
e2e_assert_absent d 'SSH-yhteydellä'
for ((i = 0; i < 12; i++)); do e2e_keys d NPage; done
e2e_wait d 'SSH-yhteydellä, joka salaa liikenteen'
echo "ok: the record previews in Finnish and scrolls to its last line"
[[ "$(rows)" == 1 ]] || e2e_fail "the preview made $(rows) audit rows, not 1"
echo "ok: the preview is one audit row"

e2e_keys d F6
e2e_wait d 'never replaced'
e2e_keys d C-u
e2e_type d "$E2E_TMP/seloste.html"
e2e_keys d Enter
e2e_wait d 'seloste.html'
[[ "$(stat -c %a "$E2E_TMP/seloste.html")" == 600 ]] || e2e_fail "mode $(stat -c %a "$E2E_TMP/seloste.html")"
python3 "$CHECK_HTML" "$E2E_TMP/seloste.html" --text >seloste.txt || e2e_fail "the HTML does not parse"
grep -q 'Rautakauppa Esimerkki Oy' seloste.txt || e2e_fail "the file lacks the controller"
cp "$E2E_TMP/seloste.html" before.html
e2e_keys d F6
e2e_wait d 'never replaced'
e2e_keys d C-u
e2e_type d "$E2E_TMP/seloste.html"
e2e_keys d Enter
e2e_wait d 'already exists'
cmp -s before.html "$E2E_TMP/seloste.html" || e2e_fail "the file was replaced"
e2e_keys d Escape
echo "ok: F6 writes a 0600 HTML file that parses, and never replaces one"

e2e_keys d Escape
e2e_wait d 'Language: fi'
e2e_keys d F3
e2e_wait d 'Language: sv'
e2e_keys d Down
e2e_keys d Enter
e2e_wait d 'Dataskyddsbeskrivning'
echo "ok: F3 switches the language; the notice in Swedish"
[[ "$(rows)" == 3 ]] || e2e_fail "$(rows) audit rows after a preview, a file and a preview"
echo "ok: every generation is an audit row (3)"
e2e_pass "documents screen"
