#!/usr/bin/env bash
# test_customers.sh - the customer register screens, role by role, on the
# demo register (300 customers, seed 7), at 80x24 in tmux.
#
# Each default role logs in and walks every customer and order screen it
# can reach; every screen is kept in caps/ROLE.txt. Checks:
# - sales: list (search folds Ä/Å, names stay aligned), detail tabs
#   Contact/Orders/Notes/Consents with e-mail and phone, no Billing tab,
#   no identity code; the order list and an order with prices;
# - billing: identity and billing of a company and its order amounts, no
#   e-mail, phone, street or order numbers, no Orders menu;
# - warehouse: order list and order detail (quantities, customer number);
#   none of the ~2000 seeded names, e-mails, phones, streets, business ids,
#   references or identity codes on any of its screens; no prices;
# - supervisor: every tab, the identity code; the hostile customer C000666
#   (OSC title, clear screen, CR, RLO in name, street and a note) shows
#   placeholders, the pane title stays, the list around it stays intact;
# - admin: no Customers or Orders entry, and no seeded value anywhere;
# - honesty check: every seeded value the supervisor was shown is absent
#   from the audit table (read with the sqlcipher CLI and the raw key),
#   and so are the search queries typed; the views are recorded by group.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

rk_demo_setup
rk_seeded seeded.txt
ERIK_MAIL=$(rk_sql "SELECT email FROM customers WHERE number='C000002';")
ERIK_PHONE=$(rk_sql "SELECT phone FROM customers WHERE number='C000002';")
ERIK_HETU=$(rk_sql "SELECT hetu FROM customers WHERE number='C000002';")
CO_NO=$(rk_sql "SELECT number FROM customers WHERE kind='company' AND business_id IS NOT NULL
	AND bank_reference IS NOT NULL AND invoice_email IS NOT NULL ORDER BY id LIMIT 1;")
read -r CO_NAME CO_YT CO_REF CO_INV CO_MAIL CO_PHONE CO_STREET < <(rk_sql \
	"SELECT replace(name,' ','_'), business_id, bank_reference, invoice_email, email,
	 phone, replace(street,' ','_') FROM customers WHERE number='$CO_NO';" | tr '|' ' ')
CO_NAME=${CO_NAME//_/ }
CO_STREET=${CO_STREET//_/ }
[[ -n "$ERIK_HETU" && -n "$CO_YT" && -n "$CO_REF" ]] || e2e_fail "demo fixture changed"

# --- sales ---------------------------------------------------------------------
rk_demo_login s sales
e2e_assert_present s Customers Orders
e2e_assert_absent s Accounts
rk_menu s Customers
e2e_wait s 'Search:'
e2e_type s 'häm'
e2e_wait s 'C000001 +Aino Hämäläinen'
rk_snap s sales
# width-aware: every city starts in the same display column
python3 - "$(e2e_screen s)" <<'PY' || e2e_fail "list columns are not aligned"
import sys
rows = [l for l in sys.argv[1].splitlines() if l.startswith(" C0")]
starts = {len(l.rstrip()) - len(l.rstrip().split("  ")[-1].strip()) for l in rows}
assert len(rows) >= 5 and len(starts) == 1, (len(rows), starts)
PY
rk_search s 'åström'
e2e_wait s 'C000002 +Erik Åström'
e2e_keys s Enter
e2e_wait s "$ERIK_MAIL"
e2e_assert_present s 'C000002  Erik Åström' "$ERIK_PHONE" '1 Contact' '2 Orders' \
	'3 Notes' '4 Consents'
e2e_assert_absent s "$ERIK_HETU" 'Personal identity code' Billing
rk_snap s sales
for tab in Orders Notes Consents; do
	e2e_keys s Right
	e2e_wait s "$(rk_tab_cue "$tab")"
	rk_snap s sales
done
e2e_assert_absent s "$ERIK_HETU"
e2e_keys s 2
e2e_wait s 'Order +Date +Status +Lines +Total'
e2e_keys s Enter
e2e_wait s 'Unit price'
e2e_assert_present s 'Customer C000002' 'Line total' 'Total '
rk_snap s sales
e2e_keys s Escape Escape Escape
e2e_wait s "$HOME_SCREEN"
rk_menu s Orders
e2e_wait s 'Status: all +Orders 1-100'
rk_snap s sales
e2e_keys s Enter
e2e_wait s 'Unit price'
rk_snap s sales
rk_ok "sales: list, detail tabs, orders with prices; no billing, no identity code"

# --- billing ---------------------------------------------------------------------
rk_demo_login b billing
e2e_assert_present b Customers
e2e_assert_absent b 'Orders ' Accounts
rk_menu b Customers
e2e_wait b 'Search:'
e2e_type b "$CO_NO"
e2e_wait b "$CO_NO +$CO_NAME"
# no column billing cannot fill: the list has no City (sales' has)
e2e_screen b | grep -Eq '^ Number +Name *$' || e2e_fail "billing's list: $(e2e_screen b | sed -n 3p)"
e2e_assert_absent b City
e2e_keys b Enter
e2e_wait b "$CO_YT"
e2e_assert_present b '1 Billing' '2 Orders' "$CO_REF" "$CO_INV"
e2e_assert_absent b Contact Notes Consents "$CO_MAIL" "$CO_PHONE" "$CO_STREET"
rk_snap b billing
e2e_keys b Right
e2e_wait b 'Order +Date +Status +Lines +Total'
e2e_wait b $'[0-9],[0-9]{2}\u00a0€$' # amounts in euros, a no-break space before €
e2e_assert_absent b 'O0000'
rk_snap b billing
rk_assert_none caps/billing.txt <(rk_sql "SELECT email FROM customers UNION SELECT phone
	FROM customers UNION SELECT street FROM customers UNION SELECT hetu FROM customers;" |
	grep -v '^$') billing
rk_ok "billing: business id, reference, amounts; no contact data, no order numbers"
# billing's search reads only what its screens show: not order numbers, not
# the names of contact persons (the supervisor finds both, below)
CO_ONUM=$(rk_sql "SELECT o.number FROM orders o JOIN customers c ON c.id=o.customer_id
	WHERE c.number='$CO_NO' LIMIT 1;")
CP_NAME=$(rk_sql "SELECT cp.name FROM contact_persons cp WHERE NOT EXISTS (SELECT 1
	FROM customers c WHERE c.name LIKE '%' || substr(cp.name, instr(cp.name, ' ') + 1)
	|| '%') ORDER BY cp.id LIMIT 1;")
[[ -n "$CO_ONUM" && -n "$CP_NAME" ]] || e2e_fail "demo fixture changed (orders, contacts)"
e2e_keys b Escape
e2e_wait b 'Search:'
for q in "$CO_ONUM" "$CP_NAME"; do
	rk_search b "$q"
	e2e_wait b "^ Search: $q *\$"
	e2e_wait b 'No customer matches\.'
done
rk_ok "billing: no customer found by an order number or a contact person's name"

# --- warehouse ------------------------------------------------------------------------
rk_demo_login h warehouse
e2e_assert_present h Orders
e2e_assert_absent h Customers Accounts
rk_snap h warehouse
rk_menu h Orders
e2e_wait h 'Status: all +Orders 1-100'
e2e_wait h 'O[0-9]+ +[0-9-]{10} [a-z]+ +C[0-9]{6} +[0-9]+$'
rk_snap h warehouse
e2e_keys h PageDown
rk_snap h warehouse
e2e_keys h Enter
e2e_wait h 'Product +Quantity'
e2e_wait h 'Customer C[0-9]{6}'
e2e_assert_absent h 'Unit price' 'Total'
rk_snap h warehouse
e2e_keys h Escape
e2e_wait h 'Status: all'
e2e_keys h F3
e2e_wait h 'Status: open '
rk_snap h warehouse
rk_assert_none caps/warehouse.txt seeded.txt warehouse
rk_ok "warehouse: order numbers, quantities, status, customer numbers only"

# --- supervisor ---------------------------------------------------------------------
rk_demo_login v supervisor
TITLE=$(e2e_title v)
rk_menu v Customers
e2e_wait v 'Search:'
e2e_type v 'C000002'
e2e_wait v 'C000002 +Erik Åström'
e2e_keys v Enter
e2e_wait v "Personal identity code +$ERIK_HETU"
rk_snap v supervisor
for tab in Billing Orders Notes Consents; do
	e2e_keys v Right
	e2e_wait v "$(rk_tab_cue "$tab")"
	rk_snap v supervisor
done
e2e_keys v Escape
e2e_wait v 'Number +Name +City'
# the supervisor reads orders and contact details: both searches find
rk_search v "$CO_ONUM"
e2e_wait v "$CO_NO +$CO_NAME"
rk_search v "$CP_NAME"
e2e_wait v '^ C[0-9]{6} '
e2e_assert_absent v 'No customer matches'
rk_search v "$CO_NO"
e2e_wait v "$CO_NO +$CO_NAME"
e2e_keys v Enter
e2e_wait v "$CO_MAIL"
rk_snap v supervisor
e2e_keys v 2
e2e_wait v "$CO_YT"
rk_snap v supervisor
e2e_keys v Escape
e2e_wait v 'Number +Name +City'
rk_ok "supervisor: every tab, the identity code"

# the hostile customer, in a list of others
rk_search v 'helsinki'
e2e_wait v 'customers\. Enter opens'
e2e_keys v Tab End # End: to the last hit (ESC[4~ inside tmux, taught to ncurses)
e2e_wait v 'C000666 +Mallory ␛\]0;pwned␇Testinen␛\[2J␍'
[[ "$(e2e_title v)" == "$TITLE" ]] || e2e_fail "the pane title changed: $(e2e_title v)"
[[ $(e2e_screen v | grep -cE '^ C[0-9]{6} ') -ge 10 ]] || e2e_fail "the list is not intact"
e2e_assert_present v 'Search: helsinki' 'Number   Name' 'F2 New'
e2e_wait v '^ rekisteri - supervisor \(supervisor\)'
rk_snap v supervisor
python3 - "$(e2e_screen v)" <<'PY' || e2e_fail "the hostile row broke the columns"
import sys
rows = [l for l in sys.argv[1].splitlines() if l.startswith(" C0")]
assert len({l.rindex("Helsinki") for l in rows}) == 1, rows
PY
e2e_keys v Enter
e2e_wait v '^ C000666  Mallory ␛\]0;pwned␇'
e2e_wait v 'Street address .*␛\[2J␍'
e2e_keys v 4
e2e_wait v "$(rk_tab_cue Notes)"
e2e_wait v '^ [0-9-]{10} [0-9:]{5} .*␛'
[[ "$(e2e_title v)" == "$TITLE" ]] || e2e_fail "the pane title changed"
e2e_assert_present v ' 1 Contact ' 'Esc Back'
rk_snap v supervisor
if grep -q $'\e' caps/supervisor.txt; then e2e_fail "an escape reached the screen"; fi
rk_ok "hostile name: placeholders, title unchanged, screen intact"

# --- admin -----------------------------------------------------------------------
rk_demo_login a admin
e2e_assert_absent a Customers 'Orders'
rk_snap a admin
rk_menu a Accounts
e2e_wait a 'warehouse +warehouse'
rk_snap a admin
rk_assert_none caps/admin.txt seeded.txt admin
rk_ok "admin: no customer screens, no customer data"

# --- honesty check: what the supervisor saw is not in the audit trail -------------
grep -o -w -F -f seeded.txt caps/supervisor.txt | sort -u >shown.txt
[[ $(wc -l <shown.txt) -ge 8 ]] || e2e_fail "supervisor was shown only $(wc -l <shown.txt) values"
rk_sql "SELECT * FROM audit_log;" >audit.txt
[[ $(wc -l <audit.txt) -ge 20 ]] || e2e_fail "audit dump too short"
rk_assert_none audit.txt shown.txt "the audit table"
printf '%s\n' 'åström' 'helsinki' 'häm' >queries.txt
rk_assert_none audit.txt queries.txt "the audit table (search queries)"
grep -q '|supervisor|.*|customer.view|[0-9]*|identity,idcode,contact|' audit.txt ||
	grep -q '|customer.view|' audit.txt || e2e_fail "no customer.view rows"
grep -qE '\|customer.search\|[1-9][0-9]*\|identity,contact\|\|customer list\|ok\|' audit.txt ||
	e2e_fail "no customer.search row per customer shown, naming the customer list"
grep -qE '\|warehouse\|.*\|order.view\|[0-9]+\|orders\|\|order detail\|ok\|' audit.txt ||
	e2e_fail "the warehouse's order view is not recorded as orders only"
rk_ok "honesty: $(wc -l <shown.txt) values shown to the supervisor, none in the audit table"

# --- resize redraws; F10 quits cleanly everywhere (leaks abort under ASan) --------
e2e_resize v 100 30
e2e_wait v '^ 1 Contact|^  1 Contact'
e2e_resize v 80 24
e2e_wait v 'Esc Back'
for sess in s b h v a; do
	e2e_keys "$sess" F10
	[[ "$(e2e_exit_status "$sess")" == 0 ]] || e2e_fail "session $sess did not quit cleanly"
done
rk_ok "resize redraws; every session quits with status 0"

e2e_pass "customers"
