#!/bin/bash
# test_tuikit.sh - end-to-end test of the TUI kit through tests/tui/kit_demo.
#
# Usage: test_tuikit.sh PATH/TO/kit_demo
#
# How it works: a private tmux server (tmux -L, its own socket and config)
# runs a plain bash at 80x24; each case types a command line into it, so
# that after the program ends we can see the shell again (EXITED:<status>
# and the terminal modes printed by stty), and BEFORE-RUN, printed on the
# normal screen just before the program starts, must be back in view. Waiting is always polling
# capture-pane for a text, never a fixed sleep. Self-contained on purpose:
# it does not use the shared tests/e2e/lib.sh.
set -u

BIN=${1:?usage: $0 PATH/TO/kit_demo}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SOCK=rk_tuikit_$$
CONF=$(mktemp)
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -f "$CONF"' EXIT
cat >"$CONF" <<'EOF'
set -g default-terminal tmux-256color
set -g history-limit 0
EOF
T() { tmux -u -L "$SOCK" -f "$CONF" "$@"; }

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() {
        FAIL=$((FAIL + 1))
        echo "FAIL - $1"
        T capture-pane -p | sed 's/^/     | /'
}
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

screen() { T capture-pane -p; }

# wait_for TEXT [SECONDS]: poll the pane until it shows TEXT (fixed string).
wait_for() {
        local deadline=$((SECONDS + ${2:-10}))
        while ((SECONDS <= deadline)); do
                screen | grep -qF -- "$1" && return 0
                sleep 0.1
        done
        return 1
}

# has_colour: true when stdin holds an SGR sequence that sets a colour
# (30-37, 38;..., 40-47, 48;..., 58;..., 90-97, 100-107). 39/49 (default
# colour) are not colours.
has_colour() {
        python3 -c '
import re, sys
for m in re.finditer(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    for p in re.split("[;:]", m.group(1)):
        n = int(p) if p else 0
        if n in (38, 48, 58) or 30 <= n <= 37 or 40 <= n <= 47 \
           or 90 <= n <= 97 or 100 <= n <= 107:
            sys.exit(0)
sys.exit(1)'
}

# run ARGS...: start the demo from the shell; the line after it prints the
# exit status and whether the tty is back in cooked mode with echo.
run() {
        T send-keys -l "clear; echo BEFORE-RUN; $*; echo EXITED:\$? TTY:\$(stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e echo | sort | tr '\n' ,)"
        T send-keys Enter
}

T new-session -d -x 80 -y 24 "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='rk\$ ' bash --norc --noprofile"
wait_for 'rk$' || { echo "FAIL - shell did not start"; exit 1; }

# --- control: this tmux really lets a program set the pane title --------
T send-keys -l "printf '\\033]0;canary\\007'; clear"
T send-keys Enter
for _ in $(seq 50); do [ "$(T display -p '#{pane_title}')" = canary ] && break; sleep 0.1; done
check "control: an OSC 0 escape does set the pane title here" \
        '[ "$(T display -p "#{pane_title}")" = canary ]'

# --- colour run: bar, sanitising, help, resize, form, list, dialog ------
run "$BIN"
wait_for 'F10 Quit' || bad "demo did not start"
s=$(screen)
for item in 'F1 Help' 'F2 Ask' 'F3 About' 'F10 Quit' 'Enter Open'; do
        check "bar shows '$item' from the key tables" 'grep -qF -- "$item" <<<"$s"'
done
check "Finnish, Swedish and CJK names are drawn" \
        'grep -qF "Hämäläinen, Aino" <<<"$s" && grep -qF "Åström, Björn" <<<"$s" && grep -qF "山田太郎" <<<"$s"'
check "escape string is shown with placeholders" 'grep -qF "Evil␛]0;pwned␇Name" <<<"$s"'
check "U+202E is shown as a placeholder" 'grep -qF "abc�def reversed?" <<<"$s"'
check "pane title not changed by the injected escape" \
        '[ "$(T display -p "#{pane_title}")" = canary ]'
check "colour scheme sends colour SGR codes" 'T capture-pane -p -e | has_colour'

T send-keys F1
wait_for 'Keys on the screen "Customers"' || bad "help screen did not open"
s=$(screen)
check "help lists the screen's keys from its table" \
        'grep -qE "Enter +Open +Open the sign-in form" <<<"$s" && grep -qE "F2 +Ask +Ask a yes/no question" <<<"$s"'
check "help lists the global keys, folded per action" \
        'grep -qE "F1 \? +Help +Show the keys" <<<"$s" && grep -qE "F10 q +Quit +Leave the program" <<<"$s"'
check "help screen's bar shows its own keys" 'grep -qF "Esc Close" <<<"$s"'
T send-keys Escape
wait_for 'Enter Open' && ok "Esc closes help" || bad "Esc closes help"

T resize-window -x 60 -y 20
wait_for 'Terminal too small: 60x20, need 80x24' && ok "60x20 shows the too-small notice" \
        || bad "60x20 shows the too-small notice"
check "too-small notice is the only thing drawn" '[ "$(screen | grep -c .)" = 1 ]'
T send-keys Down   # ignored while too small
T resize-window -x 80 -y 24
wait_for 'F10 Quit' && wait_for 'Hämäläinen' && ok "back at 80x24 the screen is drawn again" \
        || bad "back at 80x24 the screen is drawn again"

T send-keys End
wait_for ' 200 ' && ok "End scrolls the 200-row list to the last row" || bad "End scrolls to row 200"
T send-keys Home
wait_for '    1 Hämäläinen' && ok "Home returns to the first row" || bad "Home returns to row 1"

T send-keys F2
wait_for '[y/n]' || bad "confirm dialog did not open"
check "dialog shows its text over the list" \
        'screen | grep -qF "Changed by someone else." && screen | grep -qF "Hämäläinen"'
T send-keys q
sleep 0.3 # a negative check: give a wrong quit time to happen
check "q does not bypass the modal dialog" 'screen | grep -qF "[y/n]"'
T send-keys n
wait_for 'Answer: no' && ok "n answers the dialog and reports back" || bad "dialog answer"

T send-keys Enter
wait_for 'Password:' || bad "form did not open"
T send-keys -l 'Hämä山'
T send-keys Tab
T send-keys -l 'Sekret42'
wait_for '••••••••' && ok "masked field shows one bullet per character" || bad "masked bullets"
check "masked field never shows the typed password" '! screen | grep -qF "Sekret42"'
check "plain field shows UTF-8 input" 'screen | grep -qF "Username: Hämä山"'
T send-keys C-b
wait_for 'Control characters are not allowed' && ok "a C0 control is refused with a message" \
        || bad "C0 refused"
T send-keys BSpace Enter
wait_for 'Submitted: user 5 chars, password 7 chars' \
        && ok "Enter submits; Backspace removed one code point" || bad "submit/backspace"
T send-keys Up C-u Enter
wait_for 'Submitted: user 0 chars, password 7 chars' && ok "^U clears the focused field" \
        || bad "^U clears"
T send-keys -l 'abcdefghijklmnopqrstuvwxyz'
wait_for 'The field is full' && ok "input beyond the limit is refused with a message" \
        || bad "limit message"
check "the field kept exactly its 20-character limit" \
        'screen | grep -qE "Username: abcdefghijklmnopqrst *$"'
T send-keys Tab Tab
T send-keys -l "$(printf 'x%.0s' $(seq 35))END"
wait_for 'xEND' || bad "typing into the notes field"
check "a long value scrolls: the field shows its end" \
        'screen | grep -qE "Notes: x{26}END *$"'
T send-keys Home
wait_for "Notes: $(printf 'x%.0s' $(seq 29))…" && ok "Home scrolls back to the start" \
        || bad "Home scrolls back to the start"
check "after Home the end is out of view" '! screen | grep -qF "END"'
T send-keys C-u
T send-keys -l "$(printf '山%.0s' $(seq 20))"
wait_for "Notes: $(printf '山%.0s' $(seq 14))" || true
check "double-width text scrolls by display columns (14 of 20 in 29 columns)" \
        'screen | grep -qE "Notes: (山){14} *$"'
T send-keys Escape
wait_for 'Enter Open' || bad "Esc back to list"

T send-keys F10
wait_for 'EXITED:0' && ok "F10 quits with status 0" || bad "F10 quits with status 0"
check "terminal restored: cooked mode with echo" 'screen | grep -qF "TTY:echo,icanon,"'
check "normal screen back: the shell's lines return, none of the demo's" \
        '[ "$(screen | head -2 | cut -c1-10 | tr "\n" /)" = "BEFORE-RUN/EXITED:0 T/" ] && ! screen | grep -qE "Hämäläinen|F10 Quit"'

# --- NO_COLOR and --no-color: no colour SGR codes at all ---------------
run "NO_COLOR=1 $BIN"
wait_for 'F10 Quit' || bad "NO_COLOR demo did not start"
T send-keys F1
wait_for 'Keys on the screen' || true
check "NO_COLOR=1: help screen has no colour codes" '! T capture-pane -p -e | has_colour'
T send-keys Escape Enter
wait_for 'Password:' || true
check "NO_COLOR=1: form has no colour codes" '! T capture-pane -p -e | has_colour'
check "NO_COLOR=1: still uses attributes (reverse/bold)" \
        'T capture-pane -p -e | grep -qE $'"'"'\e\[[0-9;]*(1|7)[;m]'"'"
T send-keys Escape
wait_for 'Enter Open' || true
check "NO_COLOR=1: list has no colour codes" '! T capture-pane -p -e | has_colour'
T send-keys q
wait_for 'EXITED:0' && ok "q quits with status 0" || bad "q quits"

run "NO_COLOR= $BIN --no-color"
wait_for 'F10 Quit' || bad "--no-color demo did not start"
check "--no-color: no colour codes" '! T capture-pane -p -e | has_colour'
T send-keys F10
wait_for 'EXITED:0' || bad "--no-color quit"

run "NO_COLOR= $BIN"
wait_for 'F10 Quit' || bad "empty NO_COLOR demo did not start"
check "empty NO_COLOR keeps colours (no-color.org)" 'T capture-pane -p -e | has_colour'
T send-keys F10
wait_for 'EXITED:0' || bad "empty NO_COLOR quit"

# --- signals and the tick hook -----------------------------------------
run "$BIN"
wait_for 'F10 Quit' || bad "demo did not start for SIGINT"
T send-keys C-c
wait_for 'EXITED:130' && ok "SIGINT ends the loop cleanly (status 130)" || bad "SIGINT exit"
check "terminal restored after SIGINT" 'screen | grep -qF "TTY:echo,icanon,"'

run "$BIN --idle-lock 2"
wait_for 'F10 Quit' || bad "demo did not start for idle lock"
T send-keys Enter
wait_for 'Password:' || bad "form for idle lock"
T send-keys -l 'secret'
wait_for 'Locked after inactivity' 8 && ok "on_tick replaces the whole stack after idling" \
        || bad "idle lock"
check "lock screen keeps nothing of the stack (no globals, no form)" \
        '! screen | grep -qF "Password:" && ! screen | grep -qF "F1 Help"'
T send-keys q
sleep 0.3 # negative check: q must not quit from the lock screen
check "global q is off on the lock screen" '! screen | grep -qF EXITED'
T send-keys Enter
wait_for 'Enter Open' && ok "unlock resets to a fresh list" || bad "unlock"
T send-keys F10
wait_for 'EXITED:0' || bad "quit after unlock"

echo "# $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
