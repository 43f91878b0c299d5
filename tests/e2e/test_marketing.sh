#!/usr/bin/env bash
# test_marketing.sh - marketing lists honour the person: `rekisteri
# marketing list --purpose newsletter` on the demo register, seeded with
# withdrawals (the demo's), objections to the purpose and to direct
# marketing, an objection to another purpose that must not count, a
# restriction, a company whose contact persons come with its consent, a
# person erased on request, and the same person created again with a new
# consent (suppressed).
#
# Checks, each against an independent count with the sqlcipher CLI and
# the raw key:
# - the number on the list and the counts left out per reason;
# - the CSV: one row per person plus a header, mode 0600, a formula-like
#   name made harmless, never written over an existing file (the second
#   run is refused and the file is unchanged);
# - a role without the contact group gets no e-mail or phone column;
# - the audit trail holds one marketing.export row per person on the list
#   with the purpose, and `audit subject` finds the export for a person on
#   the list but not for one who objected;
# - the sales screen shows the same list and counts, audits one row per
#   person shown, and F6 writes the same CSV as the command line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

P=newsletter
rk_demo_setup
# a role that reads names and consents but no contact details
rk_config '[role.marketer]' 'read = identity,consents' 'write =' 'actions =' \
	'[accounts]' 'combine_duties = 1' # one-person company: data key files
# (a code is taken once: the older step first)
rk_demo_keyfile mkt marketer 'now - 30 seconds'
rk_demo_keyfile dpo supervisor,sales
U=(--db r.db --keyfile dpo.key)

# customers whose newsletter consent is in force, in number order
mapfile -t IN_FORCE < <(rk_sql "SELECT c.number FROM customers c WHERE EXISTS(SELECT 1
	FROM consents k WHERE k.customer_id=c.id AND k.purpose='$P' AND k.withdrawn_on IS NULL)
	AND c.restricted=0 ORDER BY c.number;")
((${#IN_FORCE[@]} >= 12)) || e2e_fail "the demo has too few newsletter consents"
OBJ1=${IN_FORCE[0]} OBJ2=${IN_FORCE[1]} DM=${IN_FORCE[2]} PROF=${IN_FORCE[3]}
RESTR=${IN_FORCE[4]} ERASE=${IN_FORCE[5]} FORMULA=${IN_FORCE[6]}
CO=$(rk_sql "SELECT c.number FROM customers c WHERE kind='company' AND restricted=0 AND
	(SELECT count(*) FROM contact_persons p WHERE p.customer_id=c.id) >= 2
	AND NOT EXISTS(SELECT 1 FROM consents k WHERE k.customer_id=c.id) ORDER BY id LIMIT 1;")
[[ -n "$CO" ]] || e2e_fail "no company with contact persons"
ERASED_MAIL=$(rk_sql "SELECT email FROM customers WHERE number='$ERASE';")
[[ "$ERASED_MAIL" == *@* ]] || e2e_fail "the person to erase has no e-mail"
id_of() { rk_sql "SELECT id FROM customers WHERE number='$1';"; }
rk_sql "INSERT INTO objections(customer_id, purpose, objected_on) VALUES
	($(id_of "$OBJ1"), '$P', date('now')), ($(id_of "$OBJ2"), '$P', date('now')),
	($(id_of "$DM"), 'direct_marketing', date('now')), ($(id_of "$PROF"), 'profiling', date('now'));
	UPDATE customers SET restricted=1 WHERE number='$RESTR';
	UPDATE customers SET name='=HYPERLINK(\"http://x\")' WHERE number='$FORMULA';
	INSERT INTO consents(customer_id, purpose, given_on, source)
		VALUES($(id_of "$CO"), '$P', date('now'), 'messut');" >seed.out
# the erasure, for real, then the same person again with a new consent
"$R" dsr new "${U[@]}" --type erasure --subject "$ERASE" --verified 'passport' >dsr.out 2>&1 ||
	e2e_fail "dsr new: $(cat dsr.out)"
RID=$(grep -oE '[0-9]+' dsr.out | head -1)
"$R" dsr execute "$RID" "${U[@]}" >exec.out 2>&1 || e2e_fail "dsr execute: $(cat exec.out)"
# (an erased person comes back only when confirmed: customer add --yes)
printf 'name=Palannut Henkilö\nemail=%s\n' "$ERASED_MAIL" |
	"$R" customer add --yes "${U[@]}" >add.out 2>&1 ||
	e2e_fail "customer add: $(cat add.out)"
AGAIN=$(grep -oE 'C[0-9]{6}' add.out)
rk_sql "INSERT INTO consents(customer_id, purpose, given_on, source)
	VALUES($(id_of "$AGAIN"), '$P', date('now'), 'verkkolomake');" >>seed.out

# --- the independent count ---
OK_SQL="EXISTS(SELECT 1 FROM consents k WHERE k.customer_id=c.id AND k.purpose='$P'
	AND k.withdrawn_on IS NULL)"
OBJ_SQL="EXISTS(SELECT 1 FROM objections o WHERE o.customer_id=c.id
	AND o.purpose IN ('$P','direct_marketing'))"
HAS_SQL="EXISTS(SELECT 1 FROM consents k WHERE k.customer_id=c.id AND k.purpose='$P')"
LIVE="c.anonymised_at IS NULL"
IN="$LIVE AND $OK_SQL AND NOT $OBJ_SQL AND c.restricted=0 AND c.number != '$AGAIN'"
W_CUST=$(rk_sql "SELECT count(*) FROM customers c WHERE $IN;")
W_CONT=$(rk_sql "SELECT count(*) FROM contact_persons p JOIN customers c ON c.id=p.customer_id
	WHERE c.kind='company' AND $IN;")
W_ERASED=$(rk_sql "SELECT count(*) FROM customers c WHERE NOT ($LIVE) AND $HAS_SQL;")
W_WITHDRAWN=$(rk_sql "SELECT count(*) FROM customers c WHERE $LIVE AND $HAS_SQL AND NOT $OK_SQL;")
W_OBJECTED=$(rk_sql "SELECT count(*) FROM customers c WHERE $LIVE AND $OK_SQL AND $OBJ_SQL;")
W_RESTRICTED=$(rk_sql "SELECT count(*) FROM customers c WHERE $LIVE AND $OK_SQL
	AND NOT $OBJ_SQL AND c.restricted=1;")
WANT=$((W_CUST + W_CONT))
((W_CONT >= 2 && W_OBJECTED == 3 && W_RESTRICTED == 1 && W_WITHDRAWN >= 1)) ||
	e2e_fail "seeding: $W_CONT contacts, $W_OBJECTED objected, $W_RESTRICTED restricted"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE number='$ERASE' AND anonymised_at IS NOT NULL;") == 1 ]] ||
	e2e_fail "the erasure did not happen"

# --- the list, as the supervisor (every column) ---
"$R" marketing list --purpose "$P" --out list.csv "${U[@]}" >m.out 2>m.err ||
	e2e_fail "marketing list: $(cat m.err)"
want_line="On the list: $WANT. Left out: $W_ERASED erased, $W_WITHDRAWN consent withdrawn,"
want_line+=" $W_OBJECTED objected, $W_RESTRICTED restricted, 1 suppressed."
grep -qxF "$want_line" m.out || e2e_fail "counts: $(tail -1 m.out), wanted: $want_line"
[[ $(stat -c %a list.csv) == 600 ]] || e2e_fail "the CSV is not mode 0600"
[[ $(($(wc -l <list.csv) - 1)) == "$WANT" ]] || e2e_fail "CSV rows: $(wc -l <list.csv)"
head -1 list.csv | grep -qF '"record","customer_number","name","email","phone"' ||
	e2e_fail "CSV header: $(head -1 list.csv)"
for n in "$OBJ1" "$OBJ2" "$DM" "$RESTR" "$ERASE" "$AGAIN"; do
	! grep -qF "\"$n\"" list.csv || e2e_fail "$n is on the list"
done
for n in "$PROF" "$FORMULA" "$CO"; do
	grep -qF "\"$n\"" list.csv || e2e_fail "$n is missing from the list"
done
[[ $(grep -c "^\"contact person\",\"$CO\"" list.csv) == "$W_CONT" ]] ||
	e2e_fail "the company's contact persons are not all listed"
grep -qF "\"'=HYPERLINK(\"\"http://x\"\")\"" list.csv || e2e_fail "the formula is not defused"
! grep -qF "$ERASED_MAIL" list.csv || e2e_fail "a suppressed e-mail is on the list"
SUM=$(sha256sum <list.csv)
if "$R" marketing list --purpose "$P" --out list.csv "${U[@]}" >m2.out 2>m2.err; then
	e2e_fail "a second export wrote over the file"
fi
grep -q 'exists' m2.err || e2e_fail "refusal: $(cat m2.err)"
[[ $(sha256sum <list.csv) == "$SUM" ]] || e2e_fail "the CSV changed"

# --- the audit: one row per person, the purpose as the target ---
n=$(rk_sql "SELECT count(*) FROM audit_log WHERE action='marketing.export'
	AND target='purpose:$P' AND user='keyfile:dpo';")
[[ "$n" == "$WANT" ]] || e2e_fail "$n marketing.export rows, wanted $WANT"
"$R" audit subject "$(id_of "$PROF")" "${U[@]}" >subj.out 2>&1 || e2e_fail "audit subject: $(cat subj.out)"
grep -q 'marketing.export' subj.out || e2e_fail "audit subject lacks the export: $(cat subj.out)"
"$R" audit subject "$(id_of "$OBJ1")" "${U[@]}" >subj2.out 2>&1 || true
! grep -q 'marketing' subj2.out || e2e_fail "the objector shows a marketing export"

# --- a role without the contact group: no e-mail or phone column ---
"$R" marketing list --purpose "$P" --out mkt.csv --db r.db --keyfile mkt.key >k.out 2>&1 ||
	e2e_fail "marketer: $(cat k.out)"
[[ $(head -1 mkt.csv) == '"record","customer_number","name"'$'\r' ]] ||
	e2e_fail "marketer header: $(head -1 mkt.csv)"
! grep -q '@' mkt.csv || e2e_fail "the marketer's list holds e-mail addresses"
[[ $(($(wc -l <mkt.csv) - 1)) == "$WANT" ]] || e2e_fail "marketer rows: $(wc -l <mkt.csv)"
# bad input is refused naming the field
if "$R" marketing list --purpose spam "${U[@]}" >b.out 2>b.err; then e2e_fail "purpose spam"; fi
grep -q 'Purpose: choose one of newsletter' b.err || e2e_fail "bad purpose: $(cat b.err)"

# --- the sales screen: the same list and counts, audited per person ---
rk_demo_login s sales
rk_menu s 'Marketing list'
e2e_wait s 'Purpose: newsletter'
e2e_keys s Enter
e2e_wait s "Marketing list: $P +$WANT may be contacted"
e2e_wait s "Left out: $W_ERASED erased, $W_WITHDRAWN consent withdrawn, $W_OBJECTED objected,"
e2e_wait s "^ $PROF "
e2e_assert_absent s "^ $OBJ1 " "^ $RESTR "
SALES=$(grep '^sales ' r.db.users | cut -d' ' -f1)
n=$(rk_sql "SELECT count(*) FROM audit_log WHERE action='marketing.list' AND user='$SALES'
	AND target='purpose:$P' AND screen='marketing list';")
[[ "$n" == "$WANT" ]] || e2e_fail "the screen audited $n rows, wanted $WANT"
e2e_keys s F6
e2e_wait s "File: marketing-$P.csv"
e2e_keys s Enter
e2e_wait s "$WANT written to marketing-$P.csv"
[[ $(stat -c %a "marketing-$P.csv") == 600 ]] || e2e_fail "screen export mode"
cmp -s "marketing-$P.csv" list.csv || e2e_fail "the screen's export differs from the CLI's"

e2e_pass "marketing list: $WANT on the list, counts per reason match the database"
