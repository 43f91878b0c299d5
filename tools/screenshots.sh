#!/bin/bash
# screenshots.sh - regenerate screenshots/*.png from real sessions: the real
# binary in tmux at 80x24 on a real register, rendered by
# tools/screenshot.py. Run after a build:
#   tools/screenshots.sh [BUILD_DIR]        (default: build)
# Each picture is what a person sees at that moment; nothing is staged.
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$PWD
export REKISTERI=${REKISTERI:-$SRC/${1:-build}/rekisteri}
export SRCDIR=$SRC
export E2E_TERM=tmux-256color # keeps coloured backgrounds in captures
[ -x "$REKISTERI" ] || { echo "build first: $REKISTERI missing" >&2; exit 1; }
# shellcheck source=../tests/e2e/login_lib.sh
source "$SRC/tests/e2e/customers_lib.sh"
OUT=$SRC/screenshots
mkdir -p "$OUT"
PW='kolme iloista kalaa'

shot() { # shot SESSION NAME TITLE
        e2e_shoot "$1" "$OUT/$2.png" "$3"
        echo "wrote screenshots/$2.png"
}

# --- login and first-login enrolment (admin) ---------------------------------
rk_config '[register]' 'company_name = Esimerkki Oy'
rk_init admin "$PW"
rk_start s
e2e_type s admin
e2e_keys s Tab
e2e_type s "$PW"
shot s login "Log in: username, password (never echoed), TOTP code"
e2e_keys s Enter
e2e_wait s 'Set up your authenticator app'
shot s enrol "First login: enrol an authenticator by QR code"
SECRET=$(e2e_screen s | grep -oE '\b[A-Z2-7]{32}\b' | head -1)
e2e_type s "$(rk_code "$SECRET")"
e2e_keys s Enter
e2e_wait s 'Accounts'
shot s home-admin "The admin's home screen: accounts, profile"
e2e_keys s Enter
e2e_wait s 'admin'
shot s accounts "Account administration (admin role)"

# --- each role's main screens on a demo register --------------------------------
e2e_kill s
rm -f r.db r.db.keys r.db-wal r.db-shm
rk_demo_setup
CO_NO=$(rk_sql "SELECT number FROM customers WHERE kind='company' AND business_id IS NOT NULL
	ORDER BY id LIMIT 1;")

rk_demo_login sales sales
rk_menu sales Customers
e2e_wait sales 'Search:'
e2e_type sales 'virt'
e2e_wait sales 'customers\. Enter opens'
shot sales sales-list "Sales: search as you type; names and cities"
e2e_keys sales Enter
e2e_wait sales "$(rk_tab_cue Contact)"
shot sales sales-detail "Sales: contact tab; no billing details, no identity code"

rk_demo_login billing billing
rk_menu billing Customers
e2e_wait billing 'Search:'
e2e_type billing "$CO_NO"
e2e_wait billing "$CO_NO "
e2e_keys billing Enter
e2e_wait billing "$(rk_tab_cue Billing)"
shot billing billing-detail "Billing: billing details only; no contact data"

rk_demo_login wh warehouse
rk_menu wh Orders
e2e_wait wh 'Order +Date'
shot wh warehouse-orders "Warehouse: orders by number; customers only as numbers"
e2e_keys wh Enter
e2e_wait wh 'Customer C[0-9]{6}'
shot wh warehouse-order "Warehouse: an order's lines and quantities, no prices"

rk_demo_login sup supervisor
rk_menu sup Customers
e2e_wait sup 'Search:'
e2e_type sup 'C000666'
e2e_wait sup 'C000666 '
e2e_keys sup Enter
e2e_wait sup "$(rk_tab_cue Contact)"
shot sup hostile-name "A hostile name: escapes, CR and RLO shown as placeholders"
e2e_keys sup Escape
e2e_wait sup 'Search:'
e2e_keys sup Escape
e2e_wait sup "$HOME_SCREEN"
rk_menu sup 'Audit trail'
e2e_wait sup 'customer.view|customer.search'
shot sup audit-viewer "Supervisor: the audit trail, newest first"
e2e_keys sup F4
e2e_wait sup 'User'
e2e_type sup sales
e2e_keys sup Enter
e2e_wait sup 'customer'
shot sup breach-report "What did a user access: the breach-impact report (Art. 33)"

# --- merging two customers (supervisor): a near duplicate typed in again,
# as an old spreadsheet brings them; the screen is shown, nothing merged
MS=$(rk_sql "SELECT number FROM customers WHERE kind='person' AND email IS NOT NULL
	AND phone IS NOT NULL AND restricted=0 AND (name LIKE '%ä%' OR name LIKE '%ö%')
	ORDER BY id LIMIT 1 OFFSET 5;")
MO=$(rk_sql "SELECT printf('C%06d', max(id) + 1) FROM customers;")
rk_sql "INSERT INTO customers(number, kind, name, email, phone, street, postal_code, city,
	created_at, updated_at) SELECT '$MO', kind, replace(replace(name, 'ä', 'a'), 'ö', 'o'),
	'old.' || email, phone, street || ' B', postal_code, city, created_at, updated_at
	FROM customers WHERE number='$MS';" >/dev/null
rk_press_until sup Escape "$HOME_SCREEN" 4
rk_open_detail sup "$MS"
e2e_keys sup F7
e2e_wait sup 'Merge another customer into this one'
e2e_type sup "$MO"
e2e_keys sup Enter
e2e_wait sup "Merge $MO into $MS"
rk_press_until sup Down '^ E-mail +C[0-9]{6} ' 12
shot sup merge "Supervisor: merging two customers; the value kept per field is starred"
rk_press_until sup Escape "$HOME_SCREEN" 4

# --- the daily work: an order, contact persons, the picking queue, a list ----
# (the sessions of the role screens above go on: a TOTP code is taken once)
e2e_keys sales Escape
e2e_wait sales 'Search:'
e2e_keys sales C-u
e2e_type sales "$CO_NO"
e2e_wait sales "$CO_NO "
e2e_keys sales Enter
e2e_wait sales "$(rk_tab_cue Contact)"
rk_press_until sales Right "$(rk_tab_cue Orders)|Nothing recorded under Orders"
e2e_keys sales F2
e2e_wait sales 'New order for'
while read -r code qty; do
	e2e_type sales "$code"
	e2e_wait sales "^ +$code "
	e2e_keys sales Enter
	e2e_wait sales "Product: $code"
	e2e_keys sales C-u
	e2e_type sales "$qty"
	e2e_keys sales Enter
	e2e_wait sales "^ $code "
done < <(rk_sql "SELECT code, 2 FROM (SELECT min(code) AS code FROM products WHERE active=1
	GROUP BY vat_rate_bp ORDER BY vat_rate_bp DESC LIMIT 3);" | tr '|' ' ')
e2e_wait sales 'Total with VAT'
shot sales order-form "Sales: an order from the catalogue; net, VAT per rate and gross"
e2e_keys sales F2
e2e_wait sales 'Order taken'
e2e_keys sales Enter
e2e_wait sales 'Order O'
e2e_keys sales F4
e2e_wait sales 'New status for'
e2e_keys sales Enter
e2e_wait sales 'Status changed'
e2e_keys sales Escape
rk_press_until sales Right '^ Contact person +Title +E-mail|Nothing recorded under Contacts'
shot sales contacts-tab "Sales: a company's contact persons; F2 adds, F4 edits, F8 removes"
e2e_keys sales Escape
e2e_wait sales 'Search:'
e2e_keys sales Escape
rk_wait_home sales
rk_menu sales 'Marketing list'
e2e_wait sales 'Purpose: newsletter'
e2e_keys sales Enter
e2e_wait sales 'Marketing list: newsletter'
shot sales marketing-list "Sales: who may be contacted for a purpose; who was left out and why"
e2e_keys wh Escape
e2e_wait wh 'Status: all'
e2e_keys wh Escape
rk_wait_home wh
rk_menu wh 'Picking queue'
e2e_wait wh 'Lines of O'
shot wh warehouse-queue "Warehouse: the picking queue, oldest first; customers only as numbers"

# --- data-subject requests (supervisor, on the demo register) ----------------
# shellcheck source=../tests/e2e/dsr_tui_lib.sh
source "$SRC/tests/e2e/dsr_tui_lib.sh"
mkdir -p "$E2E_TMP/demo"
cd "$E2E_TMP/demo" || exit 1
rk_demo_setup
read -r _ _ APW ASECRET < <(grep '^admin ' r.db.users)
# the admin may make a data key file only in a one-person company: the
# switch is on for this setup step only, so the screens show the default
rk_config '[accounts]' 'combine_duties = 1'
rk_cli_totp "$ASECRET" now "$APW" "$R" key add-file --db r.db --user admin --password-stdin \
        --label dpo --roles supervisor --out dpo.key \
        >key.out 2>&1 || e2e_fail "key add-file: $(cat key.out)"
rk_config
# requests that came in earlier: one by post 75 days ago is overdue now
for req in "erasure C000011 75" "access C000010 3" "objection C000012 26"; do
        read -r type subj ago <<<"$req"
        "$R" dsr new --db r.db --keyfile dpo.key --type "$type" --subject "$subj" \
                --received "$(date -d "$ago days ago" +%F)" \
                $([ "$type" = objection ] && echo --purpose profiling) >/dev/null ||
                e2e_fail "dsr new $type"
done
# the subject of the wizard: a person with held orders, also a company's
# contact person with the same e-mail address
SUBJ=$(rk_sql_value "SELECT c.id FROM customers c WHERE c.kind='person'
        AND c.email IS NOT NULL AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id=c.id)
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id=c.id
                        AND o.ordered_on < date('now', '-4 years'))
        ORDER BY c.id LIMIT 1;")
CO=$(rk_sql_value "SELECT customer_id FROM contact_persons ORDER BY id LIMIT 1;")
rk_sql "INSERT INTO contact_persons(customer_id, name, title, email, phone)
        SELECT $CO, name, 'Purchasing', email, phone FROM customers WHERE id=$SUBJ;" >/dev/null
MAIL=$(rk_sql_value "SELECT email FROM customers WHERE id=$SUBJ;")
wz_dashboard v
e2e_wait v 'OVERDUE'
e2e_keys v Down # the overdue row unselected shows its own colour
e2e_wait v 'Objection \(Art\. 21\)'
shot v dsr-dashboard "Supervisor's start screen: open requests by due date, overdue marked"
wz_new v 2
wz_search v "$MAIL" '2 found, 2 selected'
shot v dsr-step2-find "Request wizard, step 2: one search; the person's records selected together"
wz_verify v 'passport shown at the office'
for ((i = 0; i < 60; i++)); do
        e2e_screen v | grep -q 'Orders under legal hold: legal hold' && break
        e2e_keys v Down
        sleep 0.05
done
e2e_wait v 'Orders under legal hold: legal hold'
shot v dsr-step4-preview "Step 4: preview; orders kept under the bookkeeping hold, with the reason"
wz_execute v
shot v dsr-step6-summary "Step 6: summary of the erasure and the outcome told to the person"
wz_close v

# --- retention (supervisor), on the demo register after a run ------------------
mkdir -p "$E2E_TMP/ret"
cd "$E2E_TMP/ret" || exit 1
rk_config '[role.retention]' 'actions = retention' '[accounts]' 'combine_duties = 1'
"$R" demo --db r.db --customers 2000 --seed 3 >demo.out 2>&1
read -r _ _ APW ASEC < <(grep '^admin ' r.db.users)
rk_cli_totp "$ASEC" now "$APW" "$R" key add-file --db r.db --user admin --password-stdin \
        --label dpo --roles supervisor,admin --out dpo.key >dpo.out 2>&1 ||
        e2e_fail "key add-file dpo: $(cat dpo.out)"
"$R" key add-file --db r.db --keyfile dpo.key --label retention --roles retention \
        --out ret.key >ret.out 2>&1 || e2e_fail "key add-file retention: $(cat ret.out)"
rk_config '[role.retention]' 'actions = retention' # the data key file is made
"$R" retention hold C000001 --reason "dispute, case 2026/14" --db r.db --keyfile dpo.key >/dev/null
"$R" retention run --db r.db --keyfile ret.key >/dev/null
rk_demo_login ret supervisor
rk_menu ret Retention
e2e_wait ret 'Rules in force'
shot ret retention "Retention: the last run, what falls due in 30 days, the rules in force"
# --- importing customers (supervisor): the mapping and the preview --------------
# A Finnish Excel file (tests/e2e/import_lib.sh) on a fresh demo register with
# one person erased, so that every status shows.
e2e_kill ret
rm -f r.db r.db.*
rk_demo_setup
rk_one_person
rk_demo_keyfile dpoi supervisor
source "$SRC/tests/e2e/import_lib.sh"
mapfile -t IMP < <(rk_sql "SELECT number FROM customers WHERE kind='person' AND
        restricted=0 AND email IS NOT NULL AND hetu IS NULL ORDER BY id LIMIT 2;")
IMP_MAIL=$(rk_sql "SELECT email FROM customers WHERE number='${IMP[1]}';")
"$R" dsr new --db r.db --keyfile dpoi.key --type erasure --subject "${IMP[1]}" \
        --verified passport >dsri.out 2>&1 || e2e_fail "dsr new: $(cat dsri.out)"
"$R" dsr execute "$(grep -oE '[0-9]+' dsri.out | head -1)" --db r.db --keyfile dpoi.key \
        >/dev/null 2>&1 || e2e_fail "dsr execute"
rk_import_file "$PWD/asiakkaat.csv" "$IMP_MAIL" "${IMP[0]}"
rk_demo_login imp supervisor
rk_menu imp Import
e2e_wait imp 'Import customers from'
e2e_type imp "$PWD/asiakkaat.csv"
e2e_keys imp Enter
e2e_wait imp 'Sähköposti +email'
shot imp import-mapping "Import: the file's columns and the fields they go to, for the supervisor to confirm"
e2e_keys imp F10
e2e_wait imp 'Preview of asiakkaat.csv'
e2e_keys imp Down
e2e_wait imp 'Repaired: Phone: leading 0 restored'
shot imp import-preview "Import preview: a status per row, counts, repairs; nothing saved before F10"
# --- the DPO's documents (supervisor), and a privacy notice as printed -----------
mkdir -p "$E2E_TMP/docs"
cd "$E2E_TMP/docs" || exit 1
rk_demo_setup
DOC_CONFIG=('[controller]' 'name = Rautakauppa Esimerkki Oy' 'business_id = 1234567-8'
	'address = Kauppakatu 1, 00100 Helsinki' 'email = tietosuoja@esimerkki.fi' 'language = fi'
	'[purpose.customers]' 'description = Customer relationship: orders, deliveries and service'
	'description_fi = Asiakassuhteen hoito: tilaukset, toimitukset ja asiakaspalvelu'
	'legal_basis = contract' 'groups = identity, contact, orders, notes'
	'[purpose.invoicing]' 'description = Invoicing and bookkeeping'
	'description_fi = Laskutus ja kirjanpito' 'legal_basis = legal_obligation'
	'basis_detail = Accounting Act 1336/1997' 'basis_detail_fi = Kirjanpitolaki 1336/1997'
	'groups = identity, billing, idcode, order_amounts'
	'[purpose.marketing]' 'description = Marketing to customers who have consented'
	'description_fi = Markkinointi suostumuksen antaneille asiakkaille'
	'legal_basis = consent' 'groups = identity, contact, consents'
	'[recipient.accounting]' 'name = Tilitoimisto Esimerkki Oy'
	'description_fi = tilitoimisto: kirjanpito ja tilinpäätös' 'description = accounting firm'
	'groups = identity, billing, order_amounts' 'processor = 1'
	'[accounts]' 'combine_duties = 1')
rk_config "${DOC_CONFIG[@]}"
rk_demo_login doc supervisor
rk_menu doc Documents
e2e_wait doc 'Record of processing'
shot doc documents "Supervisor: the DPO's documents, generated from the register itself"
e2e_keys doc Down
e2e_keys doc Enter
e2e_wait doc 'Tietosuojaseloste'
shot doc documents-preview "The privacy notice in Finnish, previewed before it is written"
rk_demo_keyfile dpo supervisor
"$R" privacy notice --db r.db --keyfile dpo.key --out notice.html >/dev/null 2>&1 ||
	e2e_fail "privacy notice --out"
# Chromium renders the standalone page at A4 width (210 mm at 150 dpi)
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1240,1754 \
	--screenshot="$OUT/privacy-notice-fi.png" "file://$PWD/notice.html" >/dev/null 2>&1 ||
	e2e_fail "chromium could not render notice.html"
echo "wrote screenshots/privacy-notice-fi.png"

# --- duplicates (supervisor), on the demo register with customers added again -------
mkdir -p "$E2E_TMP/dup"
cd "$E2E_TMP/dup" || exit 1
rk_demo_setup
rk_config '[accounts]' 'combine_duties = 1'
rk_demo_keyfile dpo supervisor
rk_config
# the same people typed in again through `customer add`, as staff would:
# the e-mail in capitals, the phone in the national form, a typo in the
# name, the words of the name the other way round
i=0
while IFS='|' read -r name email phone postal; do
        i=$((i + 1))
        case $((i % 3)) in
        0) add=$(printf 'name=%s\nemail=%s\n' "${name/a/e}" "${email^^}") ;;
        1) add=$(printf 'name=%s %s\nphone=0%s\npostal_code=%s\n' "${name#* }" \
                "${name%% *}" "${phone#+358}" "$postal") ;;
        2) add=$(printf 'name=%s\npostal_code=%s\n' "${name/e/ee}" "$postal") ;;
        esac
        printf '%b' "$add" | "$R" customer add --db r.db --keyfile dpo.key >/dev/null ||
                e2e_fail "customer add: $add"
done < <(rk_sql "SELECT name, email, phone, postal_code FROM customers
        WHERE kind='person' AND restricted=0 AND id > 2 AND id != 666
        AND phone LIKE '+358%' ORDER BY id LIMIT 9;" | tr -d '\r')
rk_demo_login dup supervisor
rk_menu dup Duplicates
e2e_wait dup 'Enter opens the pair\.'
shot dup duplicates "Supervisor: customers that are likely the same, with the reason and a score"
e2e_keys dup Enter
e2e_wait dup 'marks a value both have'
shot dup duplicate-pair "Supervisor: a likely duplicate pair side by side"
e2e_pass "screenshots written"
