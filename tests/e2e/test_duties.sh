#!/usr/bin/env bash
# test_duties.sh - separation of duties, as an admin who tries to give
# itself access would, on a small demo register at 80x24 in tmux.
#
# What it shows:
#   - `user set-roles SELF` (password + TOTP login) is refused, and so are
#     F8 (roles) and F6 (password) on one's own row of the Accounts screen;
#   - giving a role that reads customer data to an admin account, or adding
#     an account with both, is refused (CLI and screen);
#   - each refusal and each change is in the audit trail with the roles
#     before and after (read with the independent sqlcipher CLI);
#   - with [accounts] combine_duties = 1 the same change is allowed and
#     audited as account.combined_duties, and the supervisor's start screen
#     says that the switch is on and shows the latest account change;
#   - the admin still reads no customer: customer show is refused, and
#     `key add-file --roles supervisor` (or admin,sales) is refused and
#     audited with the roles asked for, leaving no file and no slot, while a
#     key file with the retention role (no field group) is made;
#   - with the switch on, the supervisor key file is made and audited as
#     account.combined_duties (target keyfile:sup).
# Each TOTP step is accepted once per account, so each account logs in at
# most once here; the admin's one login makes a key file for the rest.
set -euo pipefail
source "$(dirname "$0")/customers_lib.sh"

rk_demo_setup 20
RETENTION=('[role.retention]' 'actions = retention') # no field group
rk_config "${RETENTION[@]}"

# audit_has ACTION USER TARGET RESULT FIELDS - one such row in the trail.
audit_has() {
	local got
	got=$(rk_sql "SELECT count(*) FROM audit_log WHERE action='$1' AND user='$2'
		AND target='$3' AND result='$4' AND fields='$5';" | tail -1)
	[[ "$got" -ge 1 ]] || {
		rk_sql "SELECT user,action,target,result,fields FROM audit_log
			WHERE action LIKE 'account.%';" >&2
		e2e_fail "no audit row $1 by $2 on $3 ($4, $5)"
	}
}

# --- CLI: the admin's one password login makes a key file -------------------------
rk_demo_admin_key
ADM=(--db r.db --keyfile adm.key)

"$R" user set-roles admin --roles admin,supervisor "${ADM[@]}" >out.txt 2>err.txt &&
	e2e_fail "a data role was given to the admin account"
grep -q 'separation of duties' err.txt || e2e_fail "refusal says: $(cat err.txt)"
audit_has account.set_roles keyfile:adm admin denied 'roles before=admin after=admin,supervisor'
"$R" user add eve --roles sales,admin "${ADM[@]}" >out.txt 2>err.txt &&
	e2e_fail "an account with sales and admin was added"
grep -q 'separation of duties' err.txt || e2e_fail "refusal says: $(cat err.txt)"
audit_has account.add keyfile:adm eve denied 'roles before= after=sales,admin'
rk_ok "CLI: a data role for an admin account is refused and audited"

# --- the Accounts screen: a second admin, on its own row ----------------------------
rk_cli_onetime user add boss --roles admin
audit_has account.add keyfile:adm boss ok 'roles before= after=admin'
rk_start c
rk_first_login c boss "$ONETIME" 'pomon oma salasana 7'
BSEC=$SECRET
rk_menu c Accounts
e2e_wait c '^ *boss +admin'
row_of() { # the list row of account $2 in session $1, counted from the first
	e2e_screen "$1" | grep -E '^ *[a-z]+ +[a-z]+.* (enabled|disabled) ' |
		grep -nE "^ *$2 " | cut -d: -f1
}
select_row() {
	local n i
	n=$(row_of "$1" "$2")
	[[ -n "$n" ]] || e2e_fail "no row $2"
	for ((i = 0; i < 10; i++)); do e2e_keys "$1" Up; done
	for ((i = 1; i < n; i++)); do e2e_keys "$1" Down; done
}
select_row c boss
e2e_keys c F8
e2e_wait c 'Roles of boss'
e2e_keys c C-u
e2e_type c 'admin, supervisor'
e2e_keys c Enter
e2e_wait c 'cannot change the roles of your own account'
e2e_keys c Escape
e2e_wait c '^ *boss +admin'
e2e_keys c F6
e2e_wait c 'Reset the password of boss'
e2e_keys c y
e2e_wait c 'cannot reset the password of your own account'
e2e_keys c F7
e2e_wait c 'Forget the authenticator of boss'
e2e_keys c y
e2e_wait c 'cannot reset the authenticator of your own account'
audit_has account.set_roles boss boss denied 'roles before=admin after=admin,supervisor'
audit_has account.reset_password boss boss denied ''
audit_has account.reset_mfa boss boss denied ''
select_row c sales
e2e_keys c F8
e2e_wait c 'Roles of sales'
e2e_keys c C-u
e2e_type c 'sales, admin'
e2e_keys c Enter
e2e_wait c 'separation of duties'
e2e_keys c Escape
e2e_wait c '^ *sales +sales'
audit_has account.set_roles boss sales denied 'roles before=sales after=sales,admin'
select_row c admin
e2e_keys c F8
e2e_wait c 'Roles of admin'
e2e_keys c C-u
e2e_type c 'admin, billing'
e2e_keys c Enter
e2e_wait c 'separation of duties'
e2e_keys c Escape
e2e_wait c '^ *admin +admin +enabled'
audit_has account.set_roles boss admin denied 'roles before=admin after=admin,billing'
rk_ok "screen: F8, F6 and F7 on one's own row and a data role for an admin are refused"

# --- CLI: the same admin tries again from the shell (its next TOTP step) ------------
rk_cli_totp "$BSEC" now 'pomon oma salasana 7' "$R" user set-roles boss --roles admin,sales \
	--db r.db --user boss --password-stdin >out.txt 2>err.txt &&
	e2e_fail "boss changed its own roles"
grep -q 'your own account' err.txt || e2e_fail "self refusal says: $(cat err.txt)"
grep -q 'roles replaced' err.txt && e2e_fail "claims the roles were replaced"
audit_has account.set_roles boss boss denied 'roles before=admin after=admin,sales'
[[ $(rk_sql "SELECT group_concat(role) FROM user_roles r JOIN users u ON u.id=r.user_id
	WHERE u.username='boss';" | tail -1) == admin ]] || e2e_fail "boss's roles changed"
rk_ok "CLI: changing one's own roles is refused and audited with before and after"

# --- the admin still reads no customer -----------------------------------------------
"$R" customer show C000002 "${ADM[@]}" >out.txt 2>err.txt && e2e_fail "admin read a customer"
[[ ! -s out.txt ]] || e2e_fail "customer show printed: $(cat out.txt)"

# keyfile_refused ROLES - the admin's key add-file with ROLES is refused by
# the rule, audited, and leaves no file and no slot.
keyfile_refused() {
	"$R" key add-file "${ADM[@]}" --label sup --roles "$1" --out sup.key >out.txt 2>err.txt &&
		e2e_fail "the admin made a key file with $1"
	grep -q 'separation of duties' err.txt || e2e_fail "refusal says: $(cat err.txt)"
	[[ ! -e sup.key ]] || e2e_fail "a refused key file was written"
	"$R" key list "${ADM[@]}" >list.out 2>&1 || e2e_fail "key list: $(cat list.out)"
	grep -q ' adm$' list.out || e2e_fail "key list shows no slots: $(cat list.out)"
	grep -q ' sup$' list.out && e2e_fail "a refused key file has a slot: $(cat list.out)"
	audit_has keyfile.add keyfile:adm sup denied "roles before= after=$1"
}
keyfile_refused supervisor
grep -q 'no customer data its maker cannot read' err.txt || e2e_fail "rule: $(cat err.txt)"
keyfile_refused admin,sales
grep -q 'both read customer data and manage' err.txt || e2e_fail "rule: $(cat err.txt)"
"$R" customer show C000002 --db r.db --keyfile sup.key >out.txt 2>&1 &&
	e2e_fail "customer show with a refused key file: $(cat out.txt)"
"$R" key add-file "${ADM[@]}" --label ret --roles retention --out ret.key 2>key.err ||
	e2e_fail "a retention key file was refused: $(cat key.err)"
"$R" check --db r.db --keyfile ret.key >/dev/null 2>&1 || e2e_fail "ret.key does not open"
audit_has keyfile.add keyfile:adm ret ok 'roles before= after=retention'
rk_ok "key files: a data role from an admin is refused and audited, retention is not"

# --- a one-person company: the switch, its audit and the supervisor's screen ---------
rk_config "${RETENTION[@]}" '[accounts]' 'combine_duties = 1'
"$R" user set-roles boss --roles admin,supervisor "${ADM[@]}" >out.txt 2>err.txt ||
	e2e_fail "combine_duties = 1 still refuses: $(cat err.txt)"
audit_has account.set_roles keyfile:adm boss ok 'roles before=admin after=admin,supervisor'
audit_has account.combined_duties keyfile:adm boss ok 'roles before=admin after=admin,supervisor'
rk_demo_start v supervisor
e2e_wait v "$DASHBOARD"
e2e_wait v 'Separation of duties OFF .*used 1 time'
e2e_wait v 'Account changes, 30 days: [0-9]+\. Latest [0-9]{2}-[0-9]{2} keyfile:adm combined_duties boss'
rk_ok "combine_duties: allowed, audited, shown on the supervisor's start screen"
# the supervisor's CLI shows the roles before and after too
"$R" key add-file "${ADM[@]}" --label sup --roles supervisor --out sup.key 2>key.err ||
	e2e_fail "combine_duties = 1 still refuses a key file: $(cat key.err)"
audit_has keyfile.add keyfile:adm sup ok 'roles before= after=supervisor'
audit_has account.combined_duties keyfile:adm keyfile:sup ok 'roles before= after=supervisor'
"$R" audit list --action account.set_roles --db r.db --keyfile sup.key >list.out 2>&1 ||
	e2e_fail "audit list: $(cat list.out)"
grep -Eq ' boss  roles before=admin after=admin,sales$' list.out ||
	e2e_fail "audit list lacks the refused self-grant: $(cat list.out)"
grep -q 'denied boss' list.out || e2e_fail "audit list: $(cat list.out)"
rk_ok "audit list shows each role change with the roles before and after"

for sess in c v; do
	e2e_keys "$sess" F10
	[[ "$(e2e_exit_status "$sess")" == 0 ]] || e2e_fail "session $sess did not quit cleanly"
done
e2e_pass "duties"
