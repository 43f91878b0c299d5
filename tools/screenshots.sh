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
source "$SRC/tests/e2e/login_lib.sh"
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
e2e_kill s

# --- retention (supervisor), on the demo register after a run ------------------
# shellcheck source=../tests/e2e/customers_lib.sh
source "$SRC/tests/e2e/customers_lib.sh"
rm -f r.db r.db.keys r.db-wal r.db-shm
rk_config '[role.retention]' 'actions = retention'
"$R" demo --db r.db --customers 2000 --seed 3 >demo.out 2>&1
read -r _ _ APW ASEC < <(grep '^admin ' r.db.users)
echo "$APW" | "$R" key add-file --db r.db --user admin --password-stdin \
        --totp "$(rk_code "$ASEC")" --label dpo --roles supervisor,admin --out dpo.key >/dev/null
"$R" key add-file --db r.db --keyfile dpo.key --label retention --roles retention \
        --out ret.key >/dev/null
"$R" retention hold C000001 --reason "dispute, case 2026/14" --db r.db --keyfile dpo.key >/dev/null
"$R" retention run --db r.db --keyfile ret.key >/dev/null
rk_demo_login v supervisor
rk_menu v Retention
e2e_wait v 'Rules in force'
shot v retention "Retention: the last run, what falls due in 30 days, the rules in force"
e2e_pass "screenshots written"
