#!/usr/bin/env bash
# test_who_accessed.sh - "who accessed customer X" is complete and speaks
# customer numbers (issue 19): every action that touched the customer is
# listed, whatever its kind, on the supervisor's F3 screen and by
# `audit subject`, both asked with the number C000123 and both showing it.
#
# Setup: the demo register; the demo admin makes a supervisor key file.
# On one customer with no notes and no consents (the subject) and with a
# second customer as the control:
# - sales, in the program: a search that shows the subject, a view, a note
#   and a consent;
# - the supervisor, on the command line: a request search (`dsr find`), an
#   access request carried out to files (the export) and an erasure
#   request carried out (the execution);
# Checks:
# - F3 refuses a malformed number and a number nobody has, then with the
#   subject's number lists every one of those actions, with the number in
#   the heading, and nothing about the control;
# - the entry detail names the customer by number;
# - `audit subject NUMBER` (also typed in lower case without the zeros)
#   lists the same actions, as many entries as F3, each with the number;
#   a malformed number is wrong usage (exit 2), an unknown one an error.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

rk_demo_setup
rk_one_person
rk_demo_keyfile dpo supervisor
DPO=(--db r.db --keyfile dpo.key)

# the subject: a person with a unique name, no notes and no consents
read -r SUBJ NO <<<"$(rk_sql "SELECT id, number FROM customers c WHERE kind='person'
 AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.customer_id=c.id)
 AND NOT EXISTS (SELECT 1 FROM consents k WHERE k.customer_id=c.id)
 AND (SELECT count(*) FROM customers d WHERE d.name=c.name)=1
 ORDER BY id LIMIT 1;" | tr '|' ' ')"
NAME=$(rk_sql "SELECT name FROM customers WHERE id=$SUBJ;")
OTHER=$(rk_sql "SELECT number FROM customers WHERE id<>$SUBJ ORDER BY id LIMIT 1;")
[[ "$NO" =~ ^C[0-9]{6}$ && -n "$NAME" && -n "$OTHER" ]] || e2e_fail "no subject found"
LOWER="c$((10#${NO#C}))" # C000123 typed as c123

# --- sales: a search, a view, a note and a consent --------------------------------
rk_demo_login s sales
rk_menu s Customers
e2e_wait s 'Search:'
rk_search s "$NAME"
e2e_wait s "$NO +$NAME"
e2e_keys s Enter
e2e_wait s "$(rk_tab_cue Contact)"
e2e_keys s 3
e2e_wait s "$(rk_tab_cue Notes)"
e2e_keys s F2
e2e_wait s 'New note'
e2e_type s 'Soitti tarjouksesta'
e2e_keys s Enter
e2e_wait s '^Note saved'
e2e_keys s 4
e2e_wait s "$(rk_tab_cue Consents)"
e2e_keys s F2
e2e_wait s 'Purpose: one of'
e2e_type s 'newsletter'
e2e_keys s Tab
e2e_type s 'phone call'
e2e_keys s Enter
e2e_wait s '^ newsletter +[0-9-]{10} +phone call'
e2e_keys s F10
rk_ok "sales searched, viewed, wrote a note and recorded a consent for $NO"

# --- the supervisor: a request search, an export and an erasure -------------------
echo "$NAME" | "$R" dsr find "${DPO[@]}" >find.out 2>find.err ||
	e2e_fail "dsr find: $(cat find.err)"
grep -q "$NO" find.out || e2e_fail "dsr find did not show $NO: $(cat find.out)"
"$R" dsr new --type access --subject "$NO" --verified "passport" "${DPO[@]}" >new1.out \
	2>new.err || e2e_fail "dsr new access: $(cat new.err)"
mkdir -m 700 out
"$R" dsr execute 1 --out out "${DPO[@]}" >x1.out 2>x.err || e2e_fail "export: $(cat x.err)"
[[ -s out/dsr-1.json ]] || e2e_fail "the access request wrote no export"
"$R" dsr new --type erasure --subject "$NO" --verified "signed letter" "${DPO[@]}" \
	>new2.out 2>new.err || e2e_fail "dsr new erasure: $(cat new.err)"
"$R" dsr execute 2 "${DPO[@]}" >x2.out 2>x.err || e2e_fail "erasure: $(cat x.err)"
rk_ok "the supervisor searched for the person, exported their data and erased them"

# every action above, as the trail names it, with at least this many rows
ACTIONS=(customer.search customer.view note.add consent.give dsr.search dsr.subject
	dsr.execute)
WANT=$(rk_sql "SELECT count(*) FROM audit_log WHERE subject=$SUBJ;")
for a in "${ACTIONS[@]}"; do
	[[ "$(rk_sql "SELECT count(*) FROM audit_log WHERE subject=$SUBJ AND action='$a';")" -ge 1 ]] ||
		e2e_fail "the trail has no $a row for $NO"
done
[[ "$(rk_sql "SELECT count(*) FROM audit_log WHERE subject=$SUBJ AND action='dsr.execute';")" == 2 ]] ||
	e2e_fail "the export and the erasure are not two dsr.execute rows"

# --- F3 on the supervisor's screen ---------------------------------------------------
rk_demo_login v supervisor
rk_menu v 'Audit trail'
e2e_wait v 'Time \(UTC\) +User +Source +Action +Cust\. +Groups +Result'
e2e_keys v F3
e2e_wait v 'Who accessed a customer: every user'
e2e_type v 'C12x'
e2e_keys v Enter
e2e_wait v 'Customer: a customer number such as C000123'
e2e_keys v C-u
e2e_type v 'C999999'
e2e_keys v Enter
e2e_wait v 'no customer is numbered C999999'
e2e_keys v C-u
e2e_type v "$NO"
e2e_keys v Enter
e2e_wait v "Who accessed $NO: every user, time and field group"
e2e_wait v '^ Time \(UTC\) +User +Action +Field groups +Result$'
for a in "${ACTIONS[@]}"; do
	e2e_wait v "^ [0-9-]{10} [0-9:]{8} [^ ]+ +${a//./\\.} "
done
[[ $(e2e_screen v | grep -cE ' dsr\.execute ') == 2 ]] ||
	e2e_fail "F3 does not show both executions: $(e2e_screen v)"
e2e_wait v "Page 1, $WANT entries"
e2e_assert_absent v 'audit.list' "$OTHER"
e2e_keys v Enter
e2e_wait v "Customer: $NO"
e2e_keys v Escape
e2e_wait v "Who accessed $NO"
e2e_keys v F10
rk_ok "F3 with $NO lists all $WANT entries: ${ACTIONS[*]}"

# --- the same from the command line ----------------------------------------------------
for typed in "$NO" "$LOWER"; do
	"$R" audit subject "$typed" "${DPO[@]}" >subj.out 2>subj.err ||
		e2e_fail "audit subject $typed: $(cat subj.err)"
	for a in "${ACTIONS[@]}"; do
		grep -Eq " ${a//./\\.} +$NO " subj.out ||
			e2e_fail "audit subject $typed: no $a row with $NO: $(cat subj.out)"
	done
	[[ $(grep -cE "^[0-9]+ " subj.out) == "$WANT" ]] ||
		e2e_fail "audit subject $typed: $(grep -cE '^[0-9]+ ' subj.out) rows, F3 $WANT"
	grep -q 'audit\.list' subj.out && e2e_fail "audit subject lists looks at the trail"
done
rc=0
"$R" audit subject 'C-12' "${DPO[@]}" >/dev/null 2>bad.err || rc=$?
[[ $rc == 2 ]] && grep -q 'such as C000123' bad.err ||
	e2e_fail "a malformed number: exit $rc, $(cat bad.err)"
rc=0
"$R" audit subject C999999 "${DPO[@]}" >/dev/null 2>bad.err || rc=$?
[[ $rc == 1 ]] && grep -q 'no customer is numbered C999999' bad.err ||
	e2e_fail "an unknown number: exit $rc, $(cat bad.err)"
"$R" audit list --subject "$NO" "${DPO[@]}" >list.out 2>/dev/null ||
	e2e_fail "audit list --subject $NO"
[[ $(grep -cE "^[0-9]+ " list.out) == "$WANT" ]] || e2e_fail "audit list --subject differs"
# the looks at the trail name the customer as their target
[[ "$(rk_sql "SELECT count(*) FROM audit_log WHERE action='audit.list' AND target='$NO';")" -ge 3 ]] ||
	e2e_fail "the looks at the trail do not name $NO"
rk_ok "audit subject $NO (and $LOWER) lists the same $WANT entries with the number"
