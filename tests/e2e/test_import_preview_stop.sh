#!/usr/bin/env bash
# test_import_preview_stop.sh - the Import screen's preview of a large
# file can be stopped while the file is read: Esc or a signal takes effect
# within a thousand rows, not when the whole file has been read.
#
# The file has as many rows as an import takes (RK_CSV_MAX_ROWS from
# csv_read.h, the header included) of new customers. The program runs
# from an interactive shell at 80x24; F10 on the mapping starts the
# preview. Checks:
# - while the file is read, the message line says how far the reading is
#   ("Reading big.csv: N %... Esc stops"): the test sees it past 0 %
#   before it stops the reading;
# - Esc: the message says after which row the preview stopped, well
#   before the end of the file; the mapping is still on the screen;
# - SIGTERM, then SIGHUP (a closed SSH connection): the program exits
#   128+N within 10 s (reading the whole file takes about 18 s in the
#   sanitizer build, and a stop comes within a thousand rows), says on
#   exit after which row the preview stopped, and the terminal is
#   restored (alternate screen off, stty -g as before);
# - nothing is written: no customer, no import job, no import audit row.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/import_lib.sh"
export LANGUAGE=en
rk_demo_setup 20
rk_one_person
rk_demo_keyfile dpo supervisor
MAX=$(sed -n 's/^#define RK_CSV_MAX_ROWS *\([0-9]*\).*/\1/p' "$SRCDIR/include/rekisteri/csv_read.h")
[[ $MAX -gt 0 ]] || e2e_fail "no RK_CSV_MAX_ROWS in csv_read.h"
ROWS=$((MAX - 1)) # and the header
python3 - "$ROWS" <<'PY'
import sys
with open("big.csv", "w", encoding="utf-8", newline="") as f:
    f.write("Nimi;Postinumero;Sähköposti\r\n")
    for i in range(int(sys.argv[1])):
        f.write(f"Tuotu{i} Asiakas{i * 7919 % 1000003};00100;t{i}@tuonti.example\r\n")
PY
[[ $(($(wc -l <big.csv) - 1)) == "$ROWS" ]] || e2e_fail "big.csv has $(wc -l <big.csv) lines"
CUSTOMERS=$(rk_sql "SELECT count(*) FROM customers;")
AUDIT=$(rk_sql "SELECT count(*) FROM audit_log WHERE action LIKE 'import%';")

# nothing_written WHEN - no customer, import job or import audit row more.
nothing_written() {
	[[ $(rk_sql "SELECT count(*) FROM customers;") == "$CUSTOMERS" ]] ||
		e2e_fail "$1: customers were written"
	[[ $(rk_sql "SELECT count(*) FROM import_jobs;") == 0 ]] || e2e_fail "$1: an import job"
	[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action LIKE 'import%';") == "$AUDIT" ]] ||
		e2e_fail "$1: an import audit row"
}

# start SESSION - the program under an interactive shell, logged in as
# the demo supervisor, the Import screen's mapping of big.csv on it; PID
# gets the program's process id.
start() {
	rk_shell_start "$1"
	rk_import_login "$1"
	rk_import_mapping "$1" big.csv
}

# reading SESSION - F10, and the reading's progress seen on the screen,
# past its start (1 % or more: some thousands of rows read).
reading() {
	e2e_keys "$1" F10
	e2e_wait "$1" 'Reading big\.csv: [1-9][0-9]* %… Esc stops' 60
	e2e_assert_absent "$1" 'Preview of big.csv'
}

# stopped_row TEXT - the row in "... stopped after row N ...", checked to
# be well before the end of the file.
stopped_row() {
	local row
	row=$(tr -d '\n' <<<"$1" | grep -oE 'preview of big\.csv stopped after row [0-9]+' |
		grep -oE '[0-9]+$' | head -1)
	[[ -n "$row" ]] || e2e_fail "no row in: $1"
	((row > 1 && row < MAX)) || e2e_fail "stopped after row $row of $MAX"
	echo "$row"
}

# --- Esc ------------------------------------------------------------------------------
start e
reading e
e2e_keys e Escape
e2e_wait e 'the preview of big\.csv stopped after row [0-9]+: nothing was saved' 20
row=$(stopped_row "$(e2e_screen e)")
e2e_assert_present e 'Import big.csv: UTF-8'
e2e_assert_absent e 'Preview of big.csv'
nothing_written Esc
rk_ok "Esc while reading: the preview stopped after row $row of $MAX, the mapping stays"
e2e_kill e

# --- signals --------------------------------------------------------------------------
for sig in TERM HUP; do
	s=s$sig
	start "$s"
	reading "$s"
	kill "-$sig" "$PID"
	t0=$SECONDS
	e2e_wait "$s" '^st=[0-9]+' 60
	took=$((SECONDS - t0))
	((took <= 10)) || e2e_fail "SIG$sig: the program took $took s to stop"
	e2e_wait "$s" 'rekisteri: the preview of big\.csv stopped after row [0-9]+: nothing'
	row=$(stopped_row "$(e2e_screen "$s")")
	rk_shell_ended "$s" "$sig"
	nothing_written "SIG$sig"
	rk_ok "SIG$sig while reading: exit $st within $took s, stopped after row $row of $MAX, nothing written, the terminal restored"
	e2e_kill "$s"
done
e2e_pass "a large import preview stops at Esc or a signal while reading, and writes nothing"
