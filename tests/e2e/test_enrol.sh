#!/usr/bin/env bash
# test_enrol.sh - first-login enrolment of an authenticator, on screen.
#
# Checks, on the real binary in tmux at 80x24:
# - an account without a second factor logs in with an empty Code and lands
#   on the enrolment screen, which fits 80x24 with the title and key bar;
# - the QR code on screen is scannable: the half-block characters captured
#   from the pane are turned back into modules, written as a PGM image and
#   decoded by zbarimg, which must read exactly the URI shown as text, with
#   the secret shown and nothing but secret and issuer as parameters;
# - a wrong code is refused and enrolment does not count; a code made by
#   oathtool from the secret read off the screen completes it (home screen);
# - the enrolment holds: logging in again needs a code, and oathtool's
#   current code works;
# - Profile > New authenticator asks for the password, shows a new secret,
#   and Esc keeps the old one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"

PW='kolme iloista kalaa'
rk_config
rk_init hannele "$PW"

rk_start a
rk_login a hannele "$PW"
e2e_wait a 'Set up your authenticator app'
e2e_assert_present a 'Authenticator setup' 'Enter Confirm' 'Esc Log out'
SECRET=$(e2e_screen a | grep -oE '[A-Z2-7]{32}$' | head -1)
[[ "$SECRET" =~ ^[A-Z2-7]{32}$ ]] || e2e_fail "no secret shown"
# The URI is wrapped in the text column right of the QR code (column 43).
URI=$(e2e_screen a | sed -n '8,12p' | awk '{print $NF}' | LC_ALL=C grep -E '^[!-~]+$' | tr -d '\n')
[[ "$URI" == "otpauth://totp/rekisteri:hannele?secret=$SECRET&issuer=rekisteri" ]] ||
	e2e_fail "URI on screen: '$URI'"
rk_ok "enrolment screen shows the secret and the compact URI"

# --- decode the QR code from the captured characters -------------------------
if command -v zbarimg >/dev/null; then
	e2e_screen a >screen.txt
	python3 - screen.txt qr.pgm <<'EOF'
# Rows 2..22 of the screen hold the QR code from column 0. Per qr.h, a
# block is ink = a light module; upper/lower halves are two module rows.
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")[1:22]
ink = {" ": (0, 0), "\u2580": (1, 0), "\u2584": (0, 1), "\u2588": (1, 1)}
width = len(rows[0].split(" ")[0]) if rows[0].startswith("\u2588") else 0
assert width > 20, "no QR code at the top left"
grid = []
for r in rows:
    cells = [ink[c] for c in r[:width].ljust(width)]
    grid.append([1 - up for up, _ in cells])
    grid.append([1 - lo for _, lo in cells])
S = 4
with open(sys.argv[2], "wb") as f:
    f.write(b"P5\n%d %d\n255\n" % (width * S, len(grid) * S))
    for line in grid:
        px = bytes(0 if d else 255 for d in line for _ in range(S))
        for _ in range(S):
            f.write(px)
EOF
	SCANNED=$(zbarimg --raw -q qr.pgm 2>/dev/null) || e2e_fail "zbarimg could not read the QR code"
	[[ "$SCANNED" == "$URI" ]] || e2e_fail "QR says '$SCANNED', screen says '$URI'"
	rk_ok "zbarimg reads the on-screen QR code as the URI shown"
else
	echo "note: zbarimg missing; only the URI text was checked"
fi

# --- a wrong code does not count, a right one does ------------------------------
GOOD=$(rk_code "$SECRET" 'now - 30 seconds')
e2e_type a "$(printf '%06d' $(((10#$GOOD + 500000) % 1000000)))"
e2e_keys a Enter
e2e_wait a 'the code is not valid'
e2e_assert_present a 'Set up your authenticator app'
e2e_type a "$(rk_code "$SECRET" 'now - 30 seconds')"
e2e_keys a Enter
e2e_wait a 'What would you like to do\?'
rk_ok "a wrong code is refused, oathtool's code completes enrolment"

# --- the enrolment holds at the next login -----------------------------------------
e2e_keys a Down Down Enter
rk_login a hannele "$PW"
e2e_wait a "$FAILED"
rk_login_again a "$PW" "$(rk_code "$SECRET")"
e2e_wait a 'What would you like to do\?'
rk_ok "after enrolment an empty code is refused and the current code works"

# --- re-enrolment from Profile ------------------------------------------------------
e2e_keys a Down Enter
e2e_wait a 'Your account'
e2e_keys a Down Enter
e2e_wait a 'Type your password to go on'
e2e_type a 'not my password'
e2e_keys a Enter
e2e_wait a 'wrong password'
e2e_type a "$PW"
e2e_keys a Enter
e2e_wait a 'Set up your authenticator app'
e2e_assert_present a 'Esc keeps the old authenticator'
NEW=$(e2e_screen a | grep -oE '[A-Z2-7]{32}$' | head -1)
[[ "$NEW" =~ ^[A-Z2-7]{32}$ && "$NEW" != "$SECRET" ]] || e2e_fail "no new secret: '$NEW'"
e2e_keys a Escape
e2e_wait a 'Your account'
e2e_assert_absent a "$NEW"
rk_ok "Profile re-enrolment asks for the password and shows a new secret"

e2e_keys a F10
[[ "$(e2e_exit_status a)" == 0 ]] || e2e_fail "F10 did not quit cleanly"
e2e_pass "enrol"
