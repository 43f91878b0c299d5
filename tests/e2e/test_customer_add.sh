#!/usr/bin/env bash
# test_customer_add.sh - `customer add` takes personal data from standard
# input, never from argv.
#
# Checks, on a small demo register with a supervisor key file:
#   - the old --name/--email/--phone forms are refused (exit 2) with a
#     message that shows the new form, and nothing is added;
#   - while `customer add` waits for its input (a FIFO held open), `ps`,
#     /proc/PID/cmdline and /proc/PID/environ show the command (the check
#     sees argv: "customer add" and the key file) and no personal value;
#     after the fields are written the customer exists with them;
#   - with --password-stdin the password is the first line and the fields
#     follow; a line that is not field=value is refused and names its
#     line number, not its text;
#   - on a terminal (tmux), the program asks for each field.
set -euo pipefail
source "$(dirname "$0")/customers_lib.sh"

rk_demo_setup 20
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
rk_demo_admin_key dpo supervisor
U=(--db r.db --keyfile dpo.key)
count() { rk_sql "SELECT count(*) FROM customers;" | tail -1; }
before=$(count)

# --- the old form is refused, with the new one shown --------------------------------
st=0
"$R" customer add --name 'Salainen Nimi' --email salainen@example.fi "${U[@]}" \
	>old.out 2>old.err || st=$?
[[ $st == 2 ]] || e2e_fail "the old form exited $st, wanted 2"
grep -q "'customer add' does not take the option --name" old.err || e2e_fail "message: $(cat old.err)"
grep -qF "Usage: rekisteri customer add UNLOCK [--yes] < lines name=N, email=E, phone=P" old.err ||
	e2e_fail "the message does not show the new form: $(cat old.err)"
grep -q 'Salainen' old.err && e2e_fail "the refusal echoes the value"
[[ $(count) == "$before" ]] || e2e_fail "the old form added a customer"
rk_ok "--name/--email/--phone refused with the new form shown"

# --- ps while it waits for its input ---------------------------------------------------
mkfifo in.fifo
"$R" customer add "${U[@]}" <in.fifo >add.out 2>add.err &
pid=$!
exec 7>in.fifo # opened: the program now waits for lines
for _ in $(seq 100); do grep -q 'customer' "/proc/$pid/cmdline" 2>/dev/null && break; sleep 0.05; done
ps -o args= -p "$pid" >ps.out
tr '\0' ' ' <"/proc/$pid/cmdline" >cmdline.out
tr '\0' '\n' <"/proc/$pid/environ" >environ.out 2>/dev/null || : >environ.out
grep -q 'customer add' ps.out && grep -q 'dpo.key' ps.out ||
	e2e_fail "ps does not show the command, so the check proves nothing: $(cat ps.out)"
printf 'name=Salli Salainen\nemail=salli.salainen@example.fi\nphone=+358 40 765 4321\n' >&7
# the phone as typed and as stored; not a short piece of it, which a
# random temporary directory name or pid in the command line can hold
for v in Salli Salainen salli.salainen '765 4321' 407654321; do
	grep -qF "$v" ps.out cmdline.out environ.out && e2e_fail "$v shows in ps or /proc"
done
exec 7>&-
wait "$pid" || e2e_fail "customer add: $(cat add.err)"
grep -qE '^Customer C[0-9]{6} \(id [0-9]+\) added\.$' add.out || e2e_fail "added: $(cat add.out)"
no=$(grep -oE 'C[0-9]{6}' add.out)
[[ $(rk_sql "SELECT name||'|'||email||'|'||phone FROM customers WHERE number='$no';" | tail -1) == \
	'Salli Salainen|salli.salainen@example.fi|+358407654321' ]] || e2e_fail "stored: $(rk_sql "SELECT name, email, phone FROM customers WHERE number='$no';")"
rk_ok "ps, cmdline and environ of a running customer add hold no personal value"

# --- a person erased earlier is not added again silently ---------------------------
# (README: the suppression list flags a re-create; the form asks, an import
# wants the row confirmed, and the command line wants --yes.)
"$R" dsr new --type erasure --subject "$no" --verified "test" "${U[@]}" >dsr.out 2>&1 ||
	e2e_fail "dsr new: $(cat dsr.out)"
rid=$(grep -oE '^Request [0-9]+' dsr.out | grep -oE '[0-9]+')
"$R" dsr execute "$rid" "${U[@]}" >exec.out 2>&1 || e2e_fail "erasure: $(cat exec.out)"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE email='salli.salainen@example.fi';" | tail -1) == 0 ]] ||
	e2e_fail "the erasure left the e-mail"
before=$(count)
st=0
printf 'name=Sara Uusi
email=salli.salainen@example.fi
' | "$R" customer add "${U[@]}" \
	>again.out 2>again.err || st=$?
[[ $st == 1 ]] || e2e_fail "re-adding an erased person exited $st: $(cat again.out again.err)"
grep -q 'erased on request earlier' again.err || e2e_fail "message: $(cat again.err)"
grep -q 'salli' again.err && e2e_fail "the refusal names the value"
[[ $(count) == "$before" ]] || e2e_fail "the refused add added a customer"
printf 'name=Sara Uusi
email=salli.salainen@example.fi
' | "$R" customer add --yes "${U[@]}" \
	>again.out 2>again.err || e2e_fail "with --yes: $(cat again.err)"
[[ $(count) == $((before + 1)) ]] || e2e_fail "--yes added no customer"
"$R" audit list --action customer.suppressed "${U[@]}" >supp.out 2>&1
[[ $(grep -c 'customer.suppressed' supp.out) == 2 ]] || e2e_fail "audit: $(cat supp.out)"
rk_ok "an erased person's e-mail: refused without --yes (value not named), added with it, both audited"

# --- the password on the first line; a bad line is refused by number ---------------
read -r _ _ SPW SSEC < <(grep '^supervisor ' r.db.users)
rk_cli_totp "$SSEC" now "$SPW"$'\nname=Pia Pyyntö' "$R" customer add --db r.db \
	--user supervisor --password-stdin >pw.out 2>pw.err ||
	e2e_fail "with --password-stdin: $(cat pw.err)"
grep -q 'added' pw.out || e2e_fail "with --password-stdin: $(cat pw.out)"
st=0
printf 'name=Olli Oikea\nOlli Väärä 040 1234567\n' | "$R" customer add "${U[@]}" >bad.out 2>bad.err || st=$?
[[ $st == 1 ]] || e2e_fail "a bad line exited $st"
grep -q 'standard input line 2: expected field=value' bad.err || e2e_fail "bad line: $(cat bad.err)"
grep -q 'Väärä' bad.err && e2e_fail "the message echoes the line"
rk_ok "--password-stdin then fields; a line without = is refused by its number"

# --- asked on a terminal ------------------------------------------------------------------
e2e_start t 80 24 env REKISTERI_CONFIG="$REKISTERI_CONFIG" "$R" customer add "${U[@]}"
e2e_wait t '^Name:'
e2e_type t 'Tiina Terminaali'
e2e_keys t Enter
e2e_wait t 'Type \(person or company'
e2e_keys t Enter
e2e_wait t 'E-mail'
e2e_type t 'tiina@example.fi'
e2e_keys t Enter
for _ in 1 2 3 4; do e2e_keys t Enter; done
e2e_wait t '^Customer C[0-9]{6} \(id [0-9]+\) added\.'
[[ $(rk_sql "SELECT count(*) FROM customers WHERE name='Tiina Terminaali'
	AND email='tiina@example.fi';" | tail -1) == 1 ]] || e2e_fail "the asked customer is not stored"
rk_ok "on a terminal each field is asked for"
e2e_pass "customer add"
