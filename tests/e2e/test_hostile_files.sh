#!/usr/bin/env bash
# test_hostile_files.sh - every file and every CLI line a person reads is
# sanitised like the screen; exports keep badly encoded values.
#
# On a small demo register: the hostile customer C000666 (OSC 0 title,
# ESC [2J, CR and U+202E in name and street), a customer whose stored name
# is made invalid UTF-8 with the independent sqlcipher CLI, and an access
# request whose verification text holds U+202E, a soft hyphen, a tag
# character and U+2028. Checks:
#   - the proof first: `cat` of the raw hostile name in tmux does change
#     the pane title;
#   - the text report has no byte below 0x20 other than newline and no ESC,
#     and `cat` of it leaves the pane title as it was; it does hold the
#     hostile customer, with placeholders;
#   - the JSON still validates against the schema, the bad name is there
#     with U+FFFD and the record's invalid_utf8 names the column;
#   - `dsr show`, `customer show` and `audit list` print no raw control, no
#     U+202E, no soft hyphen, no tag character, no U+2028;
#   - the audit CSV export (for people) has no ESC either.
set -euo pipefail
source "$(dirname "$0")/customers_lib.sh"

rk_demo_setup 20
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
rk_demo_admin_key dpo supervisor
U=(--db r.db --keyfile dpo.key)
rk_sql "UPDATE customers SET name = CAST(X'50656B6B61E42056697274616E656E' AS TEXT)
	WHERE number='C000003';" >/dev/null
[[ $(rk_sql "SELECT hex(name) FROM customers WHERE number='C000003';" | tail -1) == \
	50656B6B61E42056697274616E656E ]] || e2e_fail "could not store the invalid name"

# no_raw FILE WHAT - no byte < 0x20 but newline, no DEL/C1, no U+202E, no
# soft hyphen, no tag character, no U+2028, and valid UTF-8.
no_raw() {
	python3 - "$1" "$2" <<'PY' || e2e_fail "$2 carries raw controls"
import sys
data = open(sys.argv[1], "rb").read()
bad = [b for b in data if b < 0x20 and b != 0x0A]
text = data.decode("utf-8")  # raises on invalid UTF-8
for ch in ("\x7f", "\u202e", "\u00ad", "\U000e0041", "\u2028"):
    assert ch not in text, (sys.argv[2], hex(ord(ch)))
assert not any(0x80 <= ord(c) <= 0x9f for c in text), sys.argv[2]
assert not bad, (sys.argv[2], sorted(set(bad)))
PY
}

VERIFIED=$(printf 'passport\u202e at the count\u00ader\U000e0041\u2028 ok')
"$R" dsr new --type access --subject C000666,C000003 --verified "$VERIFIED" "${U[@]}" \
	>new.out 2>new.err || e2e_fail "dsr new: $(cat new.err)"
mkdir -m 700 out
"$R" dsr execute 1 --out out "${U[@]}" >exec.out 2>exec.err ||
	e2e_fail "dsr execute: $(cat exec.err)"

# --- the proof first, then the report in a terminal --------------------------------
rk_sql "SELECT name FROM customers WHERE number='C000666';" | tail -1 >raw-name.txt
grep -q $'\e]0;pwned' raw-name.txt || e2e_fail "the hostile name is not hostile"
e2e_start t 80 24 env PS1='sh> ' bash --norc --noprofile -i
e2e_wait t '^sh>'
title=$(e2e_title t)
e2e_type t 'cat raw-name.txt'
e2e_keys t Enter
for _ in $(seq 100); do [[ $(e2e_title t) == pwned ]] && break; sleep 0.05; done
[[ $(e2e_title t) == pwned ]] || e2e_fail "cat of the raw name did not set the title: the check proves nothing"
e2e_kill t
e2e_start t 80 24 env PS1='sh> ' bash --norc --noprofile -i
e2e_wait t '^sh>'
title=$(e2e_title t)
e2e_type t 'cat out/dsr-1.txt; echo CAT-DONE'
e2e_keys t Enter
e2e_wait t '^CAT-DONE'
[[ $(e2e_title t) == "$title" ]] || e2e_fail "cat of the report changed the title to $(e2e_title t)"
no_raw out/dsr-1.txt "the text report"
grep -q 'Mallory ␛\]0;pwned␇Testinen␛\[2J␍' out/dsr-1.txt ||
	e2e_fail "the hostile name is not in the report as placeholders"
grep -q 'Pekka� Virtanen' out/dsr-1.txt || e2e_fail "the badly encoded name is missing from the report"
rk_ok "text report: only newlines as controls; cat leaves the title; both names there"

# --- the JSON keeps the bad name, valid against the schema --------------------------
python3 - "$E2E_SRCDIR/data/dsr-export.schema.json" out/dsr-1.json <<'PY' || e2e_fail "JSON"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(schema).validate(doc)
subs = {s["customer_number"]: s for s in doc["subjects"]}
c3 = subs["C000003"]["customer"]
assert c3["name"] == "Pekka\ufffd Virtanen", c3["name"]
assert c3["invalid_utf8"] == ["name"], c3.get("invalid_utf8")
assert "invalid_utf8" not in subs["C000666"]["customer"]
assert subs["C000666"]["customer"]["name"].startswith("Mallory \x1b]0;pwned")
PY
rk_ok "JSON: the bad name as U+FFFD with invalid_utf8, the hostile one as stored; schema ok"

# --- CLI lines -------------------------------------------------------------------------
"$R" dsr show 1 "${U[@]}" >show.out 2>&1 || e2e_fail "dsr show: $(cat show.out)"
grep -q 'Verified: *passport� at the count�er�� ok' show.out ||
	e2e_fail "dsr show: $(grep Verified show.out)"
no_raw show.out "dsr show"
"$R" customer show C000666 "${U[@]}" >cust.out 2>&1 || e2e_fail "customer show: $(cat cust.out)"
grep -q 'Mallory ␛' cust.out || e2e_fail "customer show lacks the name: $(cat cust.out)"
no_raw cust.out "customer show"
"$R" customer show C000003 "${U[@]}" >cust3.out 2>&1 || e2e_fail "customer show C000003"
grep -q 'Pekka� Virtanen' cust3.out || e2e_fail "customer show: $(cat cust3.out)"
no_raw cust3.out "customer show (invalid UTF-8)"
"$R" customer show "$(printf 'C0\e]0;x\a1')" "${U[@]}" >typed.out 2>&1 || true
no_raw typed.out "an error message about a typed number"
"$R" audit export --out audit.csv "${U[@]}" 2>/dev/null || e2e_fail "audit export"
python3 -c "import sys; d=open('audit.csv','rb').read(); assert b'\x1b' not in d" ||
	e2e_fail "the CSV carries ESC"
rk_ok "dsr show, customer show, error messages and the CSV: placeholders, no raw controls"
# --- the identity-code guard on the other free-text fields ------------------------------
"$R" retention hold C000003 --reason $'asiakas 281258\u22129434 pyysi' "${U[@]}" >hold.out 2>&1 &&
	e2e_fail "a hold reason with an identity code (U+2212) was accepted"
grep -q 'Reason: contains a personal identity code' hold.out || e2e_fail "hold: $(cat hold.out)"
grep -q 9434 hold.out && e2e_fail "the refusal echoes the code"
"$R" dsr new --type access --subject C000003 --verified $'passi, 281258\u00a09434' "${U[@]}" \
	>v.out 2>&1 && e2e_fail "a verification text with an identity code (NBSP) was accepted"
grep -q 'contains a personal identity code' v.out || e2e_fail "dsr new: $(cat v.out)"
rk_ok "hold reasons and verification texts refuse a pasted identity code"

# --- dsr new is all or nothing ------------------------------------------------------
reqs() { rk_sql "SELECT count(*) FROM dsr_requests;" | tail -1; }
rows() { rk_sql "SELECT count(*) FROM audit_log WHERE action LIKE 'dsr.%';" | tail -1; }
[[ $(reqs) == 1 ]] || e2e_fail "the refused verification left a request behind ($(reqs))"
audit_before=$(rows)
st=0
"$R" dsr new --type erasure --subject C000003,C999999 --verified 'passport' "${U[@]}" \
	>half.out 2>half.err || st=$?
[[ $st == 1 ]] || e2e_fail "dsr new with an unknown subject exited $st"
grep -q 'registered but not finished' half.err && e2e_fail "dsr new left a half request"
[[ $(reqs) == 1 && $(rows) == "$audit_before" ]] ||
	e2e_fail "a failed dsr new left $(reqs) requests and $(( $(rows) - audit_before )) audit rows"
"$R" dsr new --type erasure --subject C000003,C000004 --verified 'passport' "${U[@]}" \
	>whole.out 2>whole.err || e2e_fail "dsr new: $(cat whole.err)"
[[ $(reqs) == 2 ]] || e2e_fail "the whole request was not registered"
[[ $(rk_sql "SELECT count(*) FROM dsr_subjects s JOIN dsr_requests r ON r.id=s.request_id
	WHERE r.type='erasure' AND r.status='verified';" | tail -1) == 2 ]] ||
	e2e_fail "the request lacks its subjects or its verification"
rk_ok "dsr new: a failure leaves no request and no audit row; a success records it whole"
e2e_pass "hostile files"
