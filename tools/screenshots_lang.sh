#!/bin/bash
# screenshots_lang.sh - the screenshot set in another language: the real
# binary in tmux at 80x24 on a demo register, run with LANGUAGE=LANG, each
# role's main screens rendered by tools/screenshot.py into
# screenshots/LANG/*.png. Run after a build:
#   tools/screenshots_lang.sh LANG [BUILD_DIR]      (LANG fi or sv; default build)
# The walk waits for the texts of LANG's catalog (tests/e2e/screens_lib.sh),
# so a screen left in English stops it. Nothing is staged.
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=$PWD
LANG_SET=${1:?language: fi or sv}
export REKISTERI=${REKISTERI:-$SRC/${2:-build}/rekisteri}
export SRCDIR=$SRC
export E2E_TERM=tmux-256color # keeps coloured backgrounds in captures
[ -x "$REKISTERI" ] || { echo "build first: $REKISTERI missing" >&2; exit 1; }
# shellcheck source=../tests/e2e/screens_lib.sh
source "$SRC/tests/e2e/screens_lib.sh"
SC_LANG=$LANG_SET
SC_CAPS=/dev/null
SC_ROLE=screenshots
OUT=$SRC/screenshots/$LANG_SET
mkdir -p "$OUT"

shot() { # shot SESSION NAME CAPTION-MSGID: the caption in LANG when translated
	e2e_shoot "$1" "$OUT/$2.png" "$3"
	echo "wrote screenshots/$LANG_SET/$2.png"
}

rk_demo_setup 300
CO_NO=$(rk_sql "SELECT number FROM customers WHERE kind='company' AND business_id IS NOT NULL
	ORDER BY id LIMIT 1;")

# --- sales: login, home, search, a customer ----------------------------------
read -r name _ pw secret < <(grep '^sales ' r.db.users)
e2e_start s 80 24 env REKISTERI_CONFIG="$REKISTERI_CONFIG" LANGUAGE="$SC_LANG" "$R" --db r.db
sc_wait s 'Log in to the customer register'
e2e_type s "$name"
e2e_keys s Tab
e2e_type s "$pw"
shot s login "$(sc_t 'Log in to the customer register')"
e2e_keys s Tab
e2e_type s "$(rk_code "$secret")"
e2e_keys s Enter
sc_wait s 'What would you like to do?'
shot s home-sales "$(sc_t 'What would you like to do?')"
sc_open s Customers
e2e_type s 'virt'
e2e_wait s 'C[0-9]{6} '
shot s sales-list "$(sc_t 'Customers')"
e2e_keys s Enter
e2e_wait s "$(sc_re "$(sc_t 'Contact')")"
shot s sales-detail "$(sc_t 'Customer')"
# a new order: the Orders tab, F2, a product and its quantity
CODE=$(rk_sql "SELECT min(code) FROM products WHERE active=1;")
e2e_keys s 2
sc_wait s 'New order'
e2e_keys s F2
sc_wait s 'Product:'
e2e_type s "$CODE"
e2e_wait s "^ +$CODE "
e2e_keys s Enter
e2e_wait s "$(sc_re "$(sc_t 'Product:')") $CODE"
e2e_keys s C-u
e2e_type s 2
e2e_keys s Enter
e2e_wait s "^ $CODE "
shot s order-form "$(sc_t 'New order')"
e2e_keys s Escape
sc_wait s 'Discard changes'
e2e_keys s y
e2e_wait_gone s "$(sc_re "$(sc_t 'Product:')") "
sc_home s
sc_open s Orders
e2e_keys s Enter
e2e_wait s "$(sc_re "$(sc_t 'Total with VAT')")"
shot s order "$(sc_t 'Order')"

# --- billing: a company's billing tab -------------------------------------------
sc_login b billing
sc_open b Customers
e2e_type b "$CO_NO"
e2e_wait b "$CO_NO "
e2e_keys b Enter
e2e_wait b "$(sc_re "$(sc_t 'Billing')")"
shot b billing-detail "$(sc_t 'Billing')"

# --- warehouse: the picking queue -------------------------------------------------
sc_login w warehouse
sc_open w 'Picking queue'
sleep 0.5
shot w warehouse-queue "$(sc_t 'Picking queue')"

# --- supervisor: requests, a new request, the audit trail ------------------------
sc_login v supervisor # sc_login (screens_lib.sh) ends on the request dashboard here
e2e_wait v "$(sc_dashboard)"
shot v dsr-dashboard "$(sc_t 'Requests')"
e2e_keys v F2
sc_wait v 'Which right does the person use?'
shot v dsr-step1-type "$(sc_t 'Request wizard')"
e2e_keys v Escape
e2e_wait v "$(sc_dashboard)"
sc_home v
sc_open v 'Audit trail'
sleep 0.5
shot v audit-viewer "$(sc_t 'Audit trail')"

# --- admin: accounts ----------------------------------------------------------------
sc_login a admin
sc_open a Accounts
sleep 0.5
shot a accounts "$(sc_t 'Accounts')"
e2e_pass "screenshots written"
