#!/usr/bin/env bash
# test_merge_screen.sh - the Merge screen, on the demo register at 80x24 in
# tmux, as a supervisor: from the customer detail F7 asks for the number
# of the customer who is the same, and the screen shows both side by side.
#
# Checks:
# - a bad number (the same customer, an unknown one) is refused on the
#   form with a clear message; sales has no F7;
# - the screen shows both customers' values, a star on the value that
#   stays; Right keeps the other's e-mail; F2 asks y/n and says what is
#   erased; after yes the detail shows the survivor with the chosen
#   e-mail, and the database agrees (orders moved, the stub points to the
#   survivor, the other's old e-mail is gone);
# - two supervisors with the same pair on screen: the first merge wins,
#   the second is told the other was merged already and is back on the
#   detail; nothing is merged twice and no order is lost;
# - a merged stub's number is refused, naming its survivor;
# - a customer changed by another process (a restriction from the command
#   line) while the plan is on screen: the merge is refused, nothing is
#   merged, and the screen reads both again (now with the restriction).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
export LANGUAGE=en

rk_demo_setup
rk_one_person # the command-line supervisor key file below (README, Roles)
# two persons with e-mails and orders, and a third pair for the race
mapfile -t P < <(rk_sql "SELECT number FROM customers WHERE kind='person' AND email IS NOT NULL
	AND restricted=0 AND number NOT IN ('C000001','C000002')
	AND id NOT IN (SELECT customer_id FROM dsr_subjects) ORDER BY id LIMIT 6;")
[[ ${#P[@]} == 6 ]] || e2e_fail "demo persons: ${P[*]}"
S=${P[0]} O=${P[1]}
S_MAIL=$(rk_sql "SELECT email FROM customers WHERE number='$S';")
O_MAIL=$(rk_sql "SELECT email FROM customers WHERE number='$O';")
ORDERS=$(rk_sql "SELECT count(*) FROM orders o JOIN customers c ON c.id=o.customer_id
	WHERE c.number IN ('$S','$O');")

# ask_merge SESSION NUMBER - F7 on the detail, then type NUMBER and Enter
ask_merge() {
	e2e_keys "$1" F7
	e2e_wait "$1" 'Merge another customer into this one'
	e2e_keys "$1" C-u
	e2e_type "$1" "$2"
	e2e_keys "$1" Enter
}

rk_demo_login s sales
rk_open_detail s "$S"
e2e_assert_absent s 'F7'
rk_ok "sales has no F7 on the detail"

# a second supervisor session for the race below, logged in first with the
# previous step's code (a code is taken once, and never an older one after)
read -r SUP_NAME _ SUP_PW SUP_SECRET < <(grep '^supervisor ' r.db.users)
rk_start w
rk_login w "$SUP_NAME" "$SUP_PW" "$(rk_code "$SUP_SECRET" 'now - 30 seconds')"
rk_wait_home w
rk_demo_login v supervisor
rk_open_detail v "$S"
e2e_wait v 'F7.?Merge'
ask_merge v "$S"
e2e_wait v "$S is the same customer twice"
e2e_keys v C-u
e2e_type v C999999
e2e_keys v Enter
e2e_wait v 'No customer has the number C999999'
e2e_keys v C-u
e2e_type v "$O"
e2e_keys v Enter
e2e_wait v "Merge $O into $S \\(person\\)"
e2e_assert_present v "$S stays" "$O goes"
e2e_wait v "^ Name +\\* " 1
rk_ok "bad numbers refused on the form; the screen shows both side by side"
e2e_shoot v merge_screen 2> /dev/null || true
# the e-mail row: the line under the list names the selected field
rk_press_until v Down "^ E-mail +$S $S_MAIL" 12
e2e_wait v "^ +$O $O_MAIL" 1
e2e_keys v Right
e2e_wait v "^ E-mail +  .* \\* "
e2e_keys v F2
e2e_wait v "Merge $O into $S\\?"
e2e_assert_present v 'The values without a star are erased'
e2e_keys v y
e2e_wait v "Merged $O into $S"
e2e_wait v "^ C$(echo "${S#C}")  "
e2e_wait v "$(rk_tab_cue Contact)"
e2e_assert_present v "$S" "$O_MAIL"
res=$(rk_sql "SELECT c.email, (SELECT count(*) FROM orders WHERE customer_id=c.id),
	(SELECT merged_into = c.id FROM customers WHERE number='$O'),
	(SELECT count(*) FROM customers WHERE email='$S_MAIL')
	FROM customers c WHERE c.number='$S';")
[[ "$res" == "$O_MAIL|$ORDERS|1|0" ]] || e2e_fail "after the merge: $res (orders $ORDERS)"
rk_ok "the merge keeps the chosen e-mail, moves the orders, leaves a stub; the detail shows the survivor"

# --- a merged stub's number ---------------------------------------------------
ask_merge v "$O"
e2e_wait v "$O was already merged into $S; merge with $S instead"
e2e_keys v Escape
rk_ok "a stub's number is refused, naming the survivor"

# --- a restricted customer: the screen and the question name the reason ------
R1=${P[4]} R2=${P[5]}
rk_sql "UPDATE customers SET restricted=1, version=version+1 WHERE number='$R2';" >/dev/null
ask_merge v "$R2"
e2e_wait v "The processing of $R2 is restricted \\(GDPR Art\\. 18\\); the survivor"
e2e_keys v F2
e2e_wait v "Merge $R2 into $S\\?"
e2e_assert_present v "The processing of $R2 is restricted"
e2e_keys v n
e2e_wait_gone v "Merge $R2 into $S\\?"
e2e_assert_present v "Merge $R2 into $S (person)"
[[ "$(rk_sql "SELECT merged_into IS NULL FROM customers WHERE number='$R2';")" == 1 ]] ||
	e2e_fail "n merged the restricted customer"
e2e_keys v Escape
rk_ok "a restricted customer: the screen and the y/n name the reason; n merges nothing"

# --- two supervisors, one pair -------------------------------------------------
A=${P[2]} B=${P[3]}
BOTH=$(rk_sql "SELECT count(*) FROM orders o JOIN customers c ON c.id=o.customer_id
	WHERE c.number IN ('$A','$B');")
rk_press_until v Escape "$HOME_SCREEN" 4
rk_open_detail v "$A"
ask_merge v "$B"
e2e_wait v "Merge $B into $A"
rk_open_detail w "$A"
ask_merge w "$B"
e2e_wait w "Merge $B into $A"
e2e_keys v F2
e2e_wait v "Merge $B into $A\\?"
e2e_keys v y
e2e_wait v "Merged $B into $A"
e2e_keys w F2
e2e_wait w "Merge $B into $A\\?"
e2e_keys w y
# the run finds the versions changed; reading the pair again finds B merged
e2e_wait w "$B was already merged into $A; merge with $A instead"
e2e_wait w "^ $A  "
res=$(rk_sql "SELECT count(*) FROM orders o JOIN customers c ON c.id=o.customer_id
	WHERE c.number='$A';
	SELECT count(*) FROM audit_log WHERE action='customer.merge' AND result='ok';
	SELECT count(*) FROM audit_log WHERE action='customer.merge' AND result='failed'
	AND target LIKE '$B: %';")
[[ "$res" == "$BOTH"$'\n'"2"$'\n'"1" ]] || e2e_fail "after the race: $res (orders $BOTH)"
rk_ok "two supervisors: the first merge wins, the second is told why and audited as failed; no order lost"

# --- another session changes a customer while the plan is on screen ---------
# (a restriction from the command line bumps the customer's version)
C1=$(rk_sql "SELECT number FROM customers WHERE kind='person' AND restricted=0
	AND merged_into IS NULL AND anonymised_at IS NULL AND number NOT IN ('$A','$B','$S','$O','$R1','$R2')
	AND id NOT IN (SELECT customer_id FROM dsr_subjects) ORDER BY id DESC LIMIT 2;")
read -r C1 C2 <<<"$(echo $C1)"
rk_demo_keyfile dpo supervisor 'now - 30 seconds'
rk_press_until v Escape "$HOME_SCREEN" 4
rk_open_detail v "$C1"
ask_merge v "$C2"
e2e_wait v "Merge $C2 into $C1"
"$R" dsr new --type restriction --subject "$C2" --verified "letter" --db r.db \
	--keyfile dpo.key >dsr.out 2>&1 || e2e_fail "dsr new: $(cat dsr.out)"
"$R" dsr execute "$(rk_sql "SELECT max(id) FROM dsr_requests;")" --db r.db \
	--keyfile dpo.key >dsr.out 2>&1 || e2e_fail "dsr execute: $(cat dsr.out)"
e2e_keys v F2
e2e_wait v "Merge $C2 into $C1\\?"
e2e_keys v y
e2e_wait v "$C2 was changed or merged by someone else since the merge was shown"
e2e_wait v "The processing of $C2 is restricted"
[[ "$(rk_sql "SELECT merged_into IS NULL FROM customers WHERE number='$C2';")" == 1 ]] ||
	e2e_fail "a stale plan was merged"
rk_ok "a customer changed by another session meanwhile: nothing merged, both read again"

# --- a 60-character e-mail address stays inside its column -------------------
# three pairs of persons, each given e-mail addresses of 60 characters
mapfile -t L < <(rk_sql "SELECT number FROM customers WHERE kind='person' AND restricted=0
	AND merged_into IS NULL AND anonymised_at IS NULL
	AND number NOT IN ('${P[0]}','${P[1]}','${P[2]}','${P[3]}','${P[4]}','${P[5]}','$C1','$C2')
	AND id NOT IN (SELECT customer_id FROM dsr_subjects) ORDER BY id LIMIT 6;")
[[ ${#L[@]} == 6 ]] || e2e_fail "demo persons for the long e-mails: ${L[*]}"
long_mail() { python3 -c "import sys; a, d = sys.argv[1], '@example.org'; print(a + 'x' * (60 - len(a) - len(d)) + d)" "$1"; }
for ((i = 0; i < 6; i++)); do
	rk_sql "UPDATE customers SET email='$(long_mail "pitka.osoite.$i.")', hetu=NULL,
		version=version+1 WHERE number='${L[$i]}';" >/dev/null
done
M0=$(long_mail pitka.osoite.0.) M1=$(long_mail pitka.osoite.1.)
[[ ${#M0} == 60 && ${#M1} == 60 ]] || e2e_fail "the long e-mails: $M0 $M1"
rk_press_until v Escape "$HOME_SCREEN" 4
rk_open_detail v "${L[0]}"
ask_merge v "${L[1]}"
e2e_wait v "Merge ${L[1]} into ${L[0]}"
# in the table each address is cut inside its column (the other's column
# starts where its heading does); selected, each is whole over two rows
# under the table
rk_press_until v Down "^ E-mail +${L[0]} " 12
e2e_screen v >merge_screen.txt
python3 - merge_screen.txt "${L[0]}" "${L[1]}" "$M0" "$M1" <<'PY' ||
import re, sys
name, a, b, mail_a, mail_b = sys.argv[1:]
lines = open(name, encoding="utf-8").read().split("\n")
col = next(l for l in lines if f"{b} goes" in l).index(f"{b} goes")
row = next(l for l in lines if l.startswith(" E-mail ") and "*" in l)
if not (row[col - 2] == "…" and row[col:col + 2] == "  " and row[col + 2:].startswith(mail_b[:15])):
    sys.exit(f"the row crosses its columns at {col}: {row!r}")
at = next(i for i, l in enumerate(lines) if re.match(rf" E-mail +{a} ", l))
piece = [re.sub(rf"^ *(E-mail)? *({a}|{b})? *", "", l) for l in lines[at:at + 4]]
if piece[0] + piece[1] != mail_a or piece[2] + piece[3] != mail_b:
    sys.exit(f"the selected addresses are not whole under the table: {piece}")
PY
	e2e_fail "the e-mail crosses its column or is not whole: $(cat merge_screen.txt)"
rk_ok "a 60-character e-mail: cut inside its column in the table, whole over two rows under it"

# the command line's table: the addresses wrap inside their columns, no
# line is wider than 80 columns, in English and in Finnish
for lang in en fi; do
	n=$([[ $lang == en ]] && echo 2 || echo 4)
	LANGUAGE=$lang TEXTDOMAINDIR="$(dirname "$R")/locale" "$R" merge "${L[$n]}" "${L[$((n + 1))]}" \
		--db r.db --keyfile dpo.key >"merge.$lang" 2>&1 || e2e_fail "merge ($lang): $(cat "merge.$lang")"
	python3 - "merge.$lang" "${L[$n]}" "${L[$((n + 1))]}" \
		"$(long_mail "pitka.osoite.$n.")" "$(long_mail "pitka.osoite.$((n + 1)).")" <<'PY' ||
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
name, a, b, mail_a, mail_b = sys.argv[1:]
lines = open(name, encoding="utf-8").read().split("\n")
# the table is what lies between the heading and the first empty line after it
top = next(i for i, l in enumerate(lines) if a in l and b in l and i > 0)
end = lines.index("", top)
wide = [l for l in lines[top:end] if cols(l) > 80]
if wide:
    sys.exit(f"a line of the table is wider than 80 columns: {wide[0]!r}")
first, second = lines[top].index(a), lines[top].index(b)
at = next(i for i in range(top, end) if lines[i][first + 2:].startswith(mail_a[:12]))
cells = ["", ""]
for i in range(at, end):
    l = lines[i]
    if i > at and l[:first].strip():
        break  # the next field's label
    cells[0] += l[first + 2:second].rstrip()
    cells[1] += l[second + 2:].rstrip()
if cells != [mail_a, mail_b]:
    sys.exit(f"the e-mail cells read {cells}")
PY
		e2e_fail "merge ($lang): the table crosses its columns: $(cat "merge.$lang")"
done
rk_ok "the command line wraps a 60-character e-mail inside its column, in en and fi"
e2e_pass
