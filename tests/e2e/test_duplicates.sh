#!/usr/bin/env bash
# test_duplicates.sh - likely duplicate customers, as a supervisor meets
# them: `rekisteri duplicates` and the Duplicates screen at 80x24 on the
# demo register (300 customers), with three near-duplicates written into
# it with the independent sqlcipher CLI, as an old import would have left
# them:
#   - a person again under a new number, the e-mail in capitals, the name
#     in the other word order, living elsewhere, no phone (reason email);
#   - a company again with the same Y-tunnus under a reworded name, no
#     e-mail or phone (reason business-id);
#   - a person again with one letter of the name changed, at the same
#     postal code, nothing else (reason similar-name).
# Checks:
# - the CLI lists each injected pair with its reason and score, prints no
#   value of any customer (names, e-mails), and its count line agrees
#   with its rows;
# - the sales role is refused, on the CLI and by a home menu without the
#   entry; the refusal is in the audit trail;
# - the look is audited: one duplicates.list row per customer the CLI
#   lists; with --limit 1 the first pair is printed with a line saying
#   how many more there are, and only its customers are audited; the
#   screen, as the other lists, audits the pairs it shows: F5 over 80 more
#   pairs audits exactly the customers on the first page, End
#   adds those of the last page, and never all;
# - the screen lists the same pairs as the CLI (count and first rows),
#   Enter opens the selected pair side by side with both numbers, the
#   names and "=" on a shared value, F3 opens the first customer's detail,
#   Esc goes back to the pair and to the list.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
export LANGUAGE=en

rk_demo_setup
rk_one_person
rk_demo_keyfile dpo supervisor,admin
"$R" key add-file --db r.db --keyfile dpo.key --label myy --roles sales --out myy.key \
	>myy.out 2>&1 || e2e_fail "key add-file myy: $(cat myy.out)"

# the originals: a person with an e-mail and no restriction, a company,
# and a person with a plain one-word first name, away from C000666
P1=$(rk_sql "SELECT id FROM customers WHERE kind='person' AND email IS NOT NULL
	AND restricted=0 AND id NOT IN (1, 2, 666) ORDER BY id LIMIT 1;")
CO=$(rk_sql "SELECT id FROM customers WHERE kind='company' AND business_id IS NOT NULL
	AND restricted=0 ORDER BY id LIMIT 1;")
P3=$(rk_sql "SELECT id FROM customers WHERE kind='person' AND restricted=0
	AND id NOT IN (1, 2, 666, $P1) AND length(name) > 8 ORDER BY id DESC LIMIT 1;")
num() { rk_sql "SELECT number FROM customers WHERE id=$1;"; }
N1=$(num "$P1") NCO=$(num "$CO") N3=$(num "$P3")
EMAIL1=$(rk_sql "SELECT email FROM customers WHERE id=$P1;")
NAME1=$(rk_sql "SELECT name FROM customers WHERE id=$P1;")
NAME3=$(rk_sql "SELECT name FROM customers WHERE id=$P3;")
rk_sql "INSERT INTO customers(id, number, kind, name, email, postal_code, created_at,
		updated_at)
	SELECT 901, 'C000901', kind, substr(name, instr(name, ' ') + 1) || ' ' ||
		substr(name, 1, instr(name, ' ') - 1), upper(email),
		CASE postal_code WHEN '00100' THEN '33100' ELSE '00100' END, 0, 0
	FROM customers WHERE id=$P1;
	INSERT INTO customers(id, number, kind, name, business_id, postal_code, created_at,
		updated_at)
	SELECT 902, 'C000902', kind, 'Oy ' || name || ' Ab', business_id, '99999', 0, 0
	FROM customers WHERE id=$CO;
	INSERT INTO customers(id, number, kind, name, postal_code, created_at, updated_at)
	SELECT 903, 'C000903', kind, substr(name, 1, 5) ||
		CASE substr(name, 6, 1) WHEN 'x' THEN 'y' ELSE 'x' END || substr(name, 7),
		postal_code, 0, 0
	FROM customers WHERE id=$P3;" >inject.out
[[ ! -s inject.out ]] || e2e_fail "inject: $(cat inject.out)"
[[ "$(rk_sql "SELECT count(*) FROM customers WHERE id > 900;")" == 3 ]] ||
	e2e_fail "the three near-duplicates are not in the register"

# --- the command line -----------------------------------------------------------
"$R" duplicates --db r.db --keyfile dpo.key >dup.out 2>dup.err ||
	e2e_fail "duplicates: $(cat dup.err)"
grep -qE "^$N1 +C000901 +90  email$" dup.out || e2e_fail "no e-mail pair: $(cat dup.out)"
grep -qE "^$NCO +C000902 +95  business-id$" dup.out ||
	e2e_fail "no Y-tunnus pair: $(cat dup.out)"
grep -qE "^$N3 +C000903 +75  similar-name$" dup.out ||
	e2e_fail "no similar-name pair: $(cat dup.out)"
ROWS=$(grep -cE '^C[0-9]{6} +C[0-9]{6} +[0-9]+  [a-z-]+$' dup.out)
grep -qE "^$ROWS likely duplicate pairs? among 303 customers\.$" dup.out ||
	e2e_fail "count line does not match $ROWS rows: $(tail -2 dup.out)"
for v in "$EMAIL1" "${EMAIL1^^}" "$NAME1" "$NAME3"; do
	! grep -qiF -- "$v" dup.out || e2e_fail "the output shows a personal value: $v"
done
echo "ok: CLI lists the three injected pairs ($ROWS pairs), numbers, scores and reasons only"

if "$R" duplicates --db r.db --keyfile myy.key >sales.out 2>&1; then
	e2e_fail "sales may list duplicates: $(cat sales.out)"
fi
grep -q 'may not look for duplicate customers' sales.out || e2e_fail "sales: $(cat sales.out)"
[[ "$(rk_sql "SELECT count(*) FROM audit_log WHERE action='duplicates.list'
	AND result='denied' AND user='keyfile:myy';")" == 1 ]] ||
	e2e_fail "the refusal is not in the audit trail"
LISTED=$(grep -oE '^C[0-9]{6} +C[0-9]{6}' dup.out | tr -s ' ' '\n' | sort -u | wc -l)
AUDITED=$(rk_sql "SELECT count(DISTINCT subject) FROM audit_log WHERE action='duplicates.list'
	AND result='ok' AND user='keyfile:dpo';")
[[ "$AUDITED" == "$LISTED" ]] ||
	e2e_fail "audited $AUDITED customers, listed $LISTED"
echo "ok: sales refused (audited); the look audited for each of the $LISTED customers listed"
! grep -q 'not shown' dup.out || e2e_fail "all $ROWS pairs fit the default limit: $(tail -2 dup.out)"

# --limit N: the first N pairs, a line saying how many more and how to see
# them, and the look audited for the customers of the pairs printed alone
((ROWS > 2)) || e2e_fail "too few pairs ($ROWS) to try --limit"
BEFORE=$(rk_sql "SELECT ifnull(max(id), 0) FROM audit_log;")
"$R" duplicates --limit 1 --db r.db --keyfile dpo.key >lim.out 2>lim.err ||
	e2e_fail "duplicates --limit 1: $(cat lim.err)"
PAIRS='^C[0-9]{6} +C[0-9]{6} +[0-9]+  [a-z-]+$'
[[ "$(grep -E "$PAIRS" lim.out)" == "$(grep -E "$PAIRS" dup.out | head -1)" ]] ||
	e2e_fail "--limit 1 did not print the first pair: $(cat lim.out)"
grep -qE "^$ROWS likely duplicate pairs among 303 customers\.$" lim.out ||
	e2e_fail "--limit 1: the count of all pairs: $(cat lim.out)"
grep -qxF "$((ROWS - 1)) more pairs are not shown (nor audited); --limit $ROWS shows every pair." \
	lim.out || e2e_fail "--limit 1: no line about the rest: $(tail -2 lim.out)"
SHOWN=$(grep -oE '^C[0-9]{6} +C[0-9]{6}' lim.out | tr -s ' ' '\n' | sort -u)
ROWS1=$(rk_sql "SELECT count(*) FROM audit_log WHERE id > $BEFORE
	AND action='duplicates.list';")
AUDITED1=$(rk_sql "SELECT c.number FROM audit_log a JOIN customers c ON c.id=a.subject
	WHERE a.id > $BEFORE AND a.action='duplicates.list' ORDER BY c.number;")
[[ "$ROWS1" == "$(wc -l <<<"$SHOWN")" && "$AUDITED1" == "$SHOWN" ]] ||
	e2e_fail "--limit 1 audited $ROWS1 rows ($AUDITED1), printed $(wc -l <<<"$SHOWN") customers"
echo "ok: --limit 1 prints and audits the first pair ($ROWS1 customers), says $((ROWS - 1)) more"

# --- the screen -------------------------------------------------------------------
rk_demo_login sal sales
e2e_assert_absent sal 'Duplicates'
rk_demo_login dup supervisor
rk_menu dup Duplicates
e2e_wait dup "$ROWS likely duplicate pairs? among 303 customers\. Enter opens the pair\."
FIRST=$(grep -m1 -E '^C[0-9]{6}' dup.out | awk '{print $1, $2}')
read -r A B <<<"$FIRST"
e2e_wait dup "^ *$A +$B +[0-9]+ "
rk_snap dup supervisor
# down to the e-mail pair (the screen's order is the CLI's), and open it
AT=$(grep -E '^C[0-9]{6} ' dup.out | grep -nE "^$N1 +C000901 " | cut -d: -f1)
for ((i = 1; i < AT; i++)); do e2e_keys dup Down; done
e2e_keys dup Enter
e2e_wait dup "$N1 and C000901: same e-mail, score 90"
e2e_wait dup "^ *E-mail += +"
e2e_assert_present dup "$NAME1"
rk_snap dup supervisor
e2e_keys dup F3
e2e_wait dup "$(rk_tab_cue Contact)|Identity"
e2e_assert_present dup "$N1"
e2e_keys dup Escape
e2e_wait dup "$N1 and C000901: same e-mail, score 90"
# F7 merges the pair from here: the Merge screen, F2, yes; the pair says so
e2e_keys dup F7
e2e_wait dup "Merge C000901 into $N1"
e2e_keys dup F2
e2e_wait dup "Merge C000901 into $N1\?"
e2e_keys dup y
e2e_wait dup "C000901 was merged into $N1\."
MERGED=$(rk_sql "SELECT merged_into FROM customers WHERE number='C000901';")
[ "$MERGED" = "$P1" ] || e2e_fail "F7 on the pair did not merge C000901 into $N1: $MERGED"
e2e_keys dup F7
e2e_wait dup "These two are already one customer\."
e2e_keys dup Escape
e2e_wait dup "Enter opens the pair\."
VIEWS=$(rk_sql "SELECT count(*) FROM audit_log WHERE action='customer.view'
	AND user='supervisor' AND subject IN ($P1, 901) AND screen='duplicates';")
((VIEWS >= 2)) || e2e_fail "opening the pair is not audited as views of both: $VIEWS"
echo "ok: the screen lists the same $ROWS pairs; Enter opens the pair, F3 the customer, F7 merges it"
# --- the screen audits the pairs it shows, the CLI every pair it prints -----------
# 80 more pairs: copies of persons with the e-mail in capitals, far more
# than one 80x24 page holds
rk_sql "INSERT INTO customers(id, number, kind, name, email, created_at, updated_at)
	SELECT 2000 + id, printf('C%06d', 2000 + id), kind, 'Kopio ' || id, upper(email), 0, 0
	FROM customers WHERE kind='person' AND email IS NOT NULL AND restricted=0
	AND anonymised_at IS NULL AND merged_into IS NULL AND id < 900 ORDER BY id
	LIMIT 80;" >inject2.out
[[ ! -s inject2.out ]] || e2e_fail "inject 80: $(cat inject2.out)"
MARK0=$(rk_sql "SELECT max(id) FROM audit_log;")
"$R" duplicates --db r.db --keyfile dpo.key >dup2.out 2>dup2.err ||
	e2e_fail "duplicates again: $(cat dup2.err)"
ROWS2=$(grep -cE '^C[0-9]{6} +C[0-9]{6} ' dup2.out)
LISTED2=$(grep -oE '^C[0-9]{6} +C[0-9]{6}' dup2.out | tr -s ' ' '\n' | sort -u | wc -l)
((ROWS2 > 60)) || e2e_fail "only $ROWS2 pairs after injecting 80"
# the numbers the supervisor's looks named since row $1, one per line
audited_since() {
	rk_sql "SELECT DISTINCT c.number FROM audit_log a JOIN customers c ON c.id=a.subject
		WHERE a.action='duplicates.list' AND a.user='supervisor' AND a.id > $1
		ORDER BY 1;"
}
on_screen() { e2e_screen dup | grep -oE '^ *C[0-9]{6} +C[0-9]{6}' | tr -s ' ' '\n' | grep . | sort -u; }
MARK=$(rk_sql "SELECT max(id) FROM audit_log;")
e2e_keys dup F5
e2e_wait dup "$ROWS2 likely duplicate pairs among [0-9]+ customers\. Enter opens the pair\."
e2e_wait dup "^ *$(grep -m1 -oE '^C[0-9]{6} +C[0-9]{6}' dup2.out | sed 's/ \+/ +/')"
SHOWN=$(on_screen)
[[ -n "$SHOWN" && "$(audited_since "$MARK")" == "$SHOWN" ]] ||
	e2e_fail "the first page audited $(audited_since "$MARK" | wc -l) customers, shows $(echo "$SHOWN" | wc -l)"
echo "ok: F5 over $ROWS2 pairs ($LISTED2 customers) audits the $(echo "$SHOWN" | wc -l) customers on the first page"
e2e_keys dup End
LAST=$(grep -E '^C[0-9]{6} +C[0-9]{6} ' dup2.out | tail -1 | awk '{print $1 " +" $2}')
e2e_wait dup "^ *$LAST "
BOTH=$(sort -u <(echo "$SHOWN") <(on_screen))
[[ "$(audited_since "$MARK")" == "$BOTH" ]] ||
	e2e_fail "after End: audited $(audited_since "$MARK" | wc -l), shown $(echo "$BOTH" | wc -l)"
(($(echo "$BOTH" | wc -l) < LISTED2)) || e2e_fail "the screen audited every customer listed"
COUNT2=$(rk_sql "SELECT count(DISTINCT subject) FROM audit_log WHERE
	action='duplicates.list' AND user='keyfile:dpo' AND id > $MARK0;")
[[ "$COUNT2" == "$LISTED2" ]] || e2e_fail "the CLI's second look audited $COUNT2 of $LISTED2"
echo "ok: End audits the last page too ($(echo "$BOTH" | wc -l) of $LISTED2); the CLI audited all $LISTED2 it printed"

# Esc stops a look (issue 18: long work can be stopped). Typed together
# with F5 it waits in the input until the look's first progress call
# reads it: nothing is listed and nothing audited; F5 then looks again.
MARK=$(rk_sql "SELECT max(id) FROM audit_log;")
e2e_keys dup F5 Escape
e2e_wait dup "The comparison was stopped\. F5 compares again\."
e2e_assert_present dup "Stopped: nothing was listed."
e2e_assert_absent dup "No likely duplicates."
[[ -z "$(on_screen)" ]] || e2e_fail "a stopped look still shows pairs"
[[ -z "$(audited_since "$MARK")" ]] || e2e_fail "a stopped look audited customers"
e2e_keys dup F5
e2e_wait dup "$ROWS2 likely duplicate pairs among [0-9]+ customers\. Enter opens the pair\."
echo "ok: Esc stops a look (nothing listed, nothing audited) and F5 looks again"

e2e_pass "duplicates: CLI, screen, policy and audit"
