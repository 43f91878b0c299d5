#!/usr/bin/env bash
# test_dsr_dashboard.sh - the supervisor's start screen, the request
# dashboard (issue 6), at 80x24 on the demo register.
#
# Three requests are registered with the CLI (`dsr new --received`), out
# of due order: an access request received today, an erasure received 75
# days ago (overdue now, with no clock faked) and an objection received 26
# days ago (due within a week). Due dates and days are computed here with
# Python's calendar, not by the program. Checks:
# - the supervisor lands on the dashboard: "3 open, 1 overdue", rows
#   sorted by due date, "OVERDUE n d" on the overdue row (readable without
#   colour), drawn in red; the normal row has no colour;
# - F4 extends the overdue request by 2 months with a reason: the new due
#   date, no longer overdue, the reason in the details line; a second F4
#   is refused (once only);
# - Enter resumes the objection at step 3 (its identity is not verified
#   yet); Esc goes back to step 2 with the record on the request, and Esc
#   again leaves the wizard with the request waiting;
# - Esc opens the home menu, whose Requests entry comes back.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dsr_tui_lib.sh"

rk_demo_setup
rk_config '[accounts]' 'combine_duties = 1' # one-person company: data key files (README, Roles)
read -r _ _ APW ASECRET < <(grep '^admin ' r.db.users)
rk_cli_totp "$ASECRET" now "$APW" "$R" key add-file --db r.db --user admin --password-stdin \
	--label dpo --roles supervisor --out dpo.key \
	>key.out 2>&1 || e2e_fail "key add-file: $(cat key.out)"

# dates DAYS_AGO -> "RECEIVED DUE DAYS_LEFT" (one calendar month, clamped)
dates() {
	python3 - "$1" <<'PY'
import calendar, datetime, sys
today = datetime.date.today()
rec = today - datetime.timedelta(days=int(sys.argv[1]))
def add(d, m):
    y, mo = d.year + (d.month - 1 + m) // 12, (d.month - 1 + m) % 12 + 1
    return datetime.date(y, mo, min(d.day, calendar.monthrange(y, mo)[1]))
due = add(rec, 1)
due3 = add(rec, 3)
print(rec, due, (due - today).days, due3, (due3 - today).days)
PY
}
read -r B_REC B_DUE B_LEFT _ < <(dates 0)
read -r A_REC A_DUE A_LEFT A_DUE3 A_LEFT3 < <(dates 75)
read -r C_REC C_DUE C_LEFT _ < <(dates 26)
((A_LEFT < 0 && C_LEFT >= 0 && C_LEFT <= 7 && A_LEFT3 > 0)) || e2e_fail "date arithmetic"

new() { # new TYPE SUBJECT RECEIVED [PURPOSE]
	"$R" dsr new --db r.db --keyfile dpo.key --type "$1" --subject "$2" --received "$3" \
		${4:+--purpose "$4"} >new.out 2>&1 || e2e_fail "dsr new: $(cat new.out)"
	sed -n 's/^Request \([0-9]*\):.*/\1/p' new.out
}
B=$(new access C000010 "$B_REC")
A=$(new erasure C000011 "$A_REC")
C=$(new objection C000012 "$C_REC" profiling)

# --- the start screen ------------------------------------------------------------------------
wz_dashboard v
e2e_wait v 'Data-subject requests: 3 open, 1 overdue'
e2e_wait v "^ +$A erasure +open +$A_DUE OVERDUE $((-A_LEFT)) d +C000011\$"
e2e_assert_present v "$C objection" "$C_DUE $C_LEFT d left" "$B access" "$B_DUE $B_LEFT d left"
e2e_screen v | grep -E "^ +[0-9]+ [a-z]+ " | awk '{print $1}' | tr '\n' ' ' >order.txt
[[ "$(cat order.txt)" == "$A $C $B " ]] || e2e_fail "not sorted by due date: $(cat order.txt)"
e2e_keys v Down # select the objection, so the overdue row shows its own role
e2e_wait v 'Objection \(Art\. 21\), purpose profiling\. Received'
e2e_screen_ansi v >ansi.txt
python3 - ansi.txt "$A erasure" "$B access" <<'PY' || e2e_fail "overdue row colours"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
def colours(needle):
    line = next(l for l in lines if needle in re.sub(r"\x1b\[[0-9;:]*m", "", l))
    codes = set()
    for m in re.finditer(r"\x1b\[([0-9;:]*)m", line):
        codes |= {int(p) for p in re.split("[;:]", m.group(1)) if p}
    return codes
assert colours(sys.argv[2]) & {31, 91}, "the overdue row is not red"
assert not colours(sys.argv[3]) & (set(range(30, 38)) | set(range(90, 98))), \
    "the normal row is coloured"
PY
rk_ok "dashboard: sorted by due date, the overdue row says OVERDUE $((-A_LEFT)) d and is red"

# --- F4: extend once ---------------------------------------------------------------------------
e2e_keys v Up
e2e_keys v F4
e2e_wait v 'Extend the deadline once, by 1 or 2 months'
e2e_keys v Tab
e2e_type v 'Many requests at once; we answer by the new date.'
e2e_keys v Enter
e2e_wait v 'Deadline extended'
e2e_wait v 'Data-subject requests: 3 open, 0 overdue'
e2e_wait v "^ +$A erasure +open +$A_DUE3 $A_LEFT3 d left"
e2e_wait v 'Extended: Many requests'
e2e_keys v F4
e2e_wait v 'extended already \(once only\)'
rk_ok "F4 extended the deadline by 2 months to $A_DUE3, once only"

# --- Enter resumes where the request waits ---------------------------------------------------------
e2e_keys v Up Up Up # the objection is first now: due before the extended erasure
e2e_wait v 'Objection \(Art\. 21\), purpose profiling\. Received'
e2e_keys v Enter
wz_step v 3
e2e_wait v "Request $C: objection profiling \\(open\\), due $C_DUE, $C_LEFT d left"
e2e_keys v Escape
wz_step v 2
e2e_wait v '\[x\] C000012 +customer +on the request'
e2e_keys v Escape
e2e_wait v "$DASHBOARD"
e2e_wait v 'The request waits on the dashboard'
rk_ok "Enter resumed the objection at step 3; Esc went back a step, then out"

e2e_keys v Escape
e2e_wait v "$HOME_SCREEN"
rk_menu v Requests
e2e_wait v "$DASHBOARD"
e2e_assert_present v 'Esc Back'
e2e_pass "request dashboard"
