#!/usr/bin/env bash
# test_dsr_wizard.sh - an access request through the whole wizard (issue
# 6), by the supervisor at 80x24 on the demo register.
#
# The subject is a demo person with orders, notes and consents; the test
# gives them an objection and makes them also a contact person at a demo
# company (through the sqlcipher CLI), so they have data in every table
# and appear in two records. Checks:
# - the supervisor starts on the dashboard; F2 opens step 1 of 6;
# - step 2: one search by the e-mail finds both records and preselects
#   both (the same person); Space unselects and selects again;
# - step 4 lists what is exported; Esc goes back to step 3 and on again;
# - step 5: a directory where dsr-ID.json already exists is refused and
#   the file is left as it was; the real directory gets the files;
# - step 6 names the files; closing returns to the dashboard;
# - the JSON passes `python3 -m json.tool` and validates against
#   data/dsr-export.schema.json (python3 jsonschema); it holds every
#   seeded value of the subject (read from the database with the raw
#   key) and no name or e-mail of any other customer or contact person;
#   both files are mode 0600;
# - every step is in the audit trail (dsr.create ... dsr.close).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dsr_tui_lib.sh"

rk_demo_setup
SUBJ=$(rk_sql_value "SELECT c.id FROM customers c WHERE c.kind='person'
	AND c.email IS NOT NULL AND c.phone IS NOT NULL
	AND EXISTS (SELECT 1 FROM notes n WHERE n.customer_id=c.id)
	AND EXISTS (SELECT 1 FROM consents n WHERE n.customer_id=c.id)
	AND EXISTS (SELECT 1 FROM orders n WHERE n.customer_id=c.id) ORDER BY c.id LIMIT 1;")
CO=$(rk_sql_value "SELECT c.id FROM customers c WHERE c.kind='company'
	AND EXISTS (SELECT 1 FROM contact_persons p WHERE p.customer_id=c.id)
	ORDER BY c.id LIMIT 1;")
[[ "$SUBJ" =~ ^[0-9]+$ && "$CO" =~ ^[0-9]+$ ]] || e2e_fail "demo fixture changed"
rk_sql "INSERT INTO objections(customer_id, purpose, objected_on)
	VALUES ($SUBJ, 'profiling', date('now', '-1 month'));
INSERT INTO contact_persons(customer_id, name, title, email, phone)
	SELECT $CO, name, 'Purchasing', email, phone FROM customers WHERE id=$SUBJ;" >seed.out
[[ ! -s seed.out ]] || e2e_fail "seeding: $(cat seed.out)"
NO=$(rk_sql_value "SELECT number FROM customers WHERE id=$SUBJ;")
CO_NO=$(rk_sql_value "SELECT number FROM customers WHERE id=$CO;")
MAIL=$(rk_sql_value "SELECT email FROM customers WHERE id=$SUBJ;")
CONTACT=$(rk_sql_value "SELECT max(id) FROM contact_persons;")

# Every value stored about the subject, one a line.
rk_sql "SELECT v FROM (
 SELECT name v FROM customers WHERE id=$SUBJ UNION ALL SELECT email FROM customers WHERE id=$SUBJ
 UNION ALL SELECT phone FROM customers WHERE id=$SUBJ UNION ALL SELECT street FROM customers WHERE id=$SUBJ
 UNION ALL SELECT postal_code FROM customers WHERE id=$SUBJ UNION ALL SELECT city FROM customers WHERE id=$SUBJ
 UNION ALL SELECT delivery_street FROM customers WHERE id=$SUBJ
 UNION ALL SELECT delivery_city FROM customers WHERE id=$SUBJ
 UNION ALL SELECT billing_street FROM customers WHERE id=$SUBJ
 UNION ALL SELECT invoice_email FROM customers WHERE id=$SUBJ
 UNION ALL SELECT bank_reference FROM customers WHERE id=$SUBJ
 UNION ALL SELECT hetu FROM customers WHERE id=$SUBJ
 UNION ALL SELECT body FROM notes WHERE customer_id=$SUBJ
 UNION ALL SELECT purpose FROM consents WHERE customer_id=$SUBJ
 UNION ALL SELECT source FROM consents WHERE customer_id=$SUBJ
 UNION ALL SELECT given_on FROM consents WHERE customer_id=$SUBJ
 UNION ALL SELECT number FROM orders WHERE customer_id=$SUBJ
 UNION ALL SELECT ordered_on FROM orders WHERE customer_id=$SUBJ
 UNION ALL SELECT product FROM order_lines WHERE order_id IN
   (SELECT id FROM orders WHERE customer_id=$SUBJ)
 UNION ALL SELECT purpose FROM objections WHERE customer_id=$SUBJ
 UNION ALL SELECT title FROM contact_persons WHERE id=$CONTACT
) WHERE v IS NOT NULL AND v <> '';" | sort -u >expected.txt
[[ $(wc -l <expected.txt) -ge 12 ]] || e2e_fail "too few seeded values: $(cat expected.txt)"
# Names and e-mail addresses of everybody else.
rk_sql "SELECT name FROM customers WHERE id<>$SUBJ AND name IS NOT NULL
 UNION SELECT email FROM customers WHERE id<>$SUBJ AND email IS NOT NULL
 UNION SELECT name FROM contact_persons WHERE id<>$CONTACT
 UNION SELECT email FROM contact_persons WHERE id<>$CONTACT AND email IS NOT NULL;" |
	grep -vxF -f expected.txt >others.txt || true
[[ $(wc -l <others.txt) -gt 400 ]] || e2e_fail "too few other values: $(wc -l <others.txt)"

# --- steps 1-2: the type, one search, both records together ---------------------------
wz_dashboard v
e2e_assert_present v 'No open requests' 'F2 New' 'Esc Menu'
wz_new v 0
e2e_wait v 'Sel Record +Kind +Name +Matched'
wz_search v "$MAIL" '2 found, 2 selected'
e2e_wait v "\\[x\\] $NO +customer .* e-mail"
e2e_wait v "\\[x\\] $CO_NO +contact .* e-mail"
e2e_keys v Space
e2e_wait v '1 record\(s\) selected'
e2e_keys v Space
e2e_wait v '2 record\(s\) selected'
# the list has the focus after a search: Backspace edits the search field
# (the focus moves there, as typed letters do), and Enter searches again
e2e_keys v BSpace
e2e_wait v "Search: +${MAIL%?} *$"
e2e_type v "${MAIL: -1}"
e2e_wait v "Search: +$MAIL *$"
e2e_keys v Enter
e2e_wait v '2 found, 2 selected'
rk_ok "step 2: one search by e-mail found the customer and the contact person, both selected"

# --- steps 3-4 --------------------------------------------------------------------------
wz_verify v 'strong electronic identification'
e2e_wait v "$NO +E-mail +export"
ID=$(e2e_screen v | grep -oE 'Request [0-9]+: access \(verified\)' | grep -oE '[0-9]+' | head -1)
[[ -n "$ID" ]] || e2e_fail "no request number in the header"
e2e_keys v Escape
wz_step v 3
e2e_keys v Enter
wz_step v 4
rk_ok "step 4 previews the export; Esc went back to step 3"

# --- step 5: refused directory, then the real one ----------------------------------------
mkdir -p taken export
echo 'keep me' >"taken/dsr-$ID.json"
e2e_keys v Enter
wz_step v 5
e2e_assert_present v 'Directory:'
e2e_keys v C-u
e2e_type v "$E2E_TMP/taken"
e2e_keys v Enter
e2e_wait v '\[y/n\]'
e2e_keys v y
e2e_wait v 'is there already; nothing overwritten'
wz_step v 5
[[ "$(cat "taken/dsr-$ID.json")" == 'keep me' ]] || e2e_fail "an existing file was overwritten"
e2e_keys v C-u
e2e_type v "$E2E_TMP/export"
# the report's language: the customer's own (Finnish, the default); F5
# goes on to Swedish
e2e_assert_present v 'Report language: Suomi (F5 changes it)'
e2e_keys v F5
e2e_wait v 'Report language: Svenska'
e2e_keys v Enter
e2e_wait v '\[y/n\]'
e2e_keys v y
wz_step v 6
e2e_wait v "Wrote $E2E_TMP/export/dsr-$ID.json \\(0600\\)"
e2e_assert_present v "Wrote $E2E_TMP/export/dsr-$ID.txt (0600)" 'Outcome told to the person'
wz_close v
rk_ok "step 5 refused a directory holding dsr-$ID.json, wrote to the other; step 6 closed"
grep -q "^Den registrerades begäran $ID: " "export/dsr-$ID.txt" && grep -q '"language": "sv"' "export/dsr-$ID.json" ||
	e2e_fail "the report is not in the Swedish chosen with F5: $(head -2 "export/dsr-$ID.txt")"
rk_ok "step 5 offered the customer's Finnish, F5 chose Swedish, and the report is Swedish"

# --- the files ----------------------------------------------------------------------------
J="export/dsr-$ID.json"
T="export/dsr-$ID.txt"
for f in "$J" "$T"; do
	[[ "$(stat -c %a "$f")" == 600 ]] || e2e_fail "$f has mode $(stat -c %a "$f")"
done
python3 -m json.tool "$J" >/dev/null || e2e_fail "json.tool rejects $J"
python3 - "$E2E_SRCDIR/data/dsr-export.schema.json" "$J" <<'PY' || e2e_fail "schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validate(json.load(open(sys.argv[2])), schema)
PY
python3 - "$J" expected.txt others.txt <<'PY' || e2e_fail "export content"
import json, sys
values = set()
def walk(x):
    if isinstance(x, dict):
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
    elif x is not None:
        values.add(str(x))
walk(json.load(open(sys.argv[1])))
expected = [l.rstrip("\n") for l in open(sys.argv[2]) if l.strip()]
missing = [e for e in expected if e not in values]
assert not missing, "missing from the export: %r" % missing
others = [l.rstrip("\n") for l in open(sys.argv[3]) if l.strip()]
leaked = sorted({o for o in others for v in values if o in v})
assert not leaked, "other people's values in the export: %r" % leaked[:5]
print("ok - %d seeded values present, %d other values absent" % (len(expected), len(others)))
PY
grep -qF "$(head -1 expected.txt)" "$T" || e2e_fail "the text report lacks the subject's data"
rk_ok "export: json.tool and the schema accept it; every seeded value, nobody else's; 0600"

# --- the dashboard and the trail -------------------------------------------------------------
e2e_keys v F3
e2e_wait v "^ +$ID access +closed "
rk_sql "SELECT action FROM audit_log WHERE target='request:$ID';" | sort -u >actions.txt
for a in dsr.create dsr.subject dsr.verify dsr.preview dsr.execute dsr.close; do
	grep -qx "$a" actions.txt || e2e_fail "no $a in the trail: $(tr '\n' ' ' <actions.txt)"
done
rk_ok "the closed request is listed with F3; every step is in the audit trail"
e2e_keys v F10
[[ "$(e2e_exit_status v)" == 0 ]] || e2e_fail "F10 did not quit cleanly"
e2e_pass "access request through the wizard"
