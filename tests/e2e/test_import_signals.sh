#!/usr/bin/env bash
# test_import_signals.sh - the Import screen under signals and a failed
# batch: nothing half saved, nothing saved twice, the terminal restored,
# a clear message, and the import finishable.
#
# A file of 12 batches of new customers (B = RK_IMPORT_BATCH rows each,
# read from import.h) is saved from the Import screen of a program
# started from an interactive shell at 80x24. When the screen shows the
# first batch saved ("Saving: B of"), the test
# resizes the terminal to 60x20 and back (SIGWINCH) and sends a signal to
# the program: SIGTERM, then SIGHUP (a closed SSH connection), then SIGINT,
# each on a new run that previews the same file again. After each:
#   - the program stopped after the batch in flight: it exits 128+N, the
#     shell's screen says after which row it stopped and how to finish;
#     the alternate screen is off and `stty -g` is as before;
#   - the register (independent sqlcipher CLI) holds exactly the file's
#     rows up to that row, each once with its audit row, the job
#     unfinished; `check` and `audit verify` with the audit key pass;
#   - the next preview counts the rows saved as saved.
# Then `import customers --yes` saves the rest: every row once.
# A failed batch, retried: a file of B + 100 new rows and an update
# whose customer another process changes after the preview. F10 saves the
# first batch and names the row in conflict; F10 again asks only for the
# rows not saved and, failing again, saves nothing twice (it did create
# the first batch again before).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/import_lib.sh"
export LANGUAGE=en
rk_demo_setup 50
rk_one_person
rk_demo_keyfile dpo supervisor
U=(--db r.db --keyfile dpo.key)
# the batch size as the import saves it (import.h), and a file of 12 batches
B=$(sed -n 's/^#define RK_IMPORT_BATCH \([0-9]*\).*/\1/p' "$SRCDIR/include/rekisteri/import.h")
[[ $B -gt 0 ]] || e2e_fail "no RK_IMPORT_BATCH in import.h"
TOTAL=$((12 * B))
grep -oE '^ +[0-9a-f]{64}$' demo.out | tr -d ' ' | head -1 >audit.key
[[ -s audit.key ]] || e2e_fail "the demo printed no audit key"
UPD=$(rk_sql "SELECT number FROM customers WHERE kind='person' AND restricted=0 ORDER BY id LIMIT 1;")
python3 - "$UPD" "$B" "$TOTAL" <<'PY'
import hashlib, sys
def name(i):
    # no two names one edit apart (as test_import_resume.sh): no row is a
    # possible duplicate of one saved before it
    w = "".join(chr(97 + (i // 26 ** k) % 26) for k in range(4)).capitalize()
    h = hashlib.sha256(str(i).encode()).digest()
    return w + " " + "".join(chr(97 + b % 26) for b in h[:7]).capitalize()
with open("big.csv", "w", encoding="utf-8", newline="") as f:
    f.write("Nimi;Postinumero;Sähköposti\r\n")
    batch, total = int(sys.argv[2]), int(sys.argv[3])
    for i in range(total):
        f.write(f"{name(i)};00100;t{i}@tuonti.example\r\n")
with open("retry.csv", "w", encoding="utf-8", newline="") as f:
    f.write("Asiakaskoodi;Nimi;Postinumero;Sähköposti\r\n")
    for i in range(batch + 100):
        f.write(f";{name(i + total)};00200;u{i}@uusi.example\r\n")
    f.write(f"{sys.argv[1]};;;paivitetty@example.fi\r\n")
with open("other.csv", "w", encoding="utf-8", newline="") as f:
    f.write(f"Asiakaskoodi;Sähköposti\r\n{sys.argv[1]};toinen@example.fi\r\n")
PY
imported() { rk_sql "SELECT count(*) FROM customers WHERE email LIKE '${1:-t}%@${2:-tuonti}.example';"; }
preview() { # SESSION FILE - from home: the file's mapping, then its preview
	rk_import_mapping "$1" "$2"
	e2e_keys "$1" F10
	e2e_wait "$1" "Preview of $2" 90
}

# --- signals while saving ------------------------------------------------------------
SAVED=0
n=0
for sig in TERM HUP INT; do
	n=$((n + 1))
	s=s$n
	rk_shell_start "$s"
	rk_import_login "$s"
	if ((n == 1)); then
		preview "$s" retry.csv
		e2e_wait "$s" "$((B + 101)) rows: new $((B + 100)), update 1,"
		"$R" import customers other.csv "${U[@]}" --yes >other.out 2>&1 || e2e_fail "other: $(cat other.out)"
		e2e_keys "$s" F10
		e2e_wait "$s" "Save $((B + 100)) new customers, 1 updates"
		e2e_keys "$s" y
		e2e_wait "$s" "^row $((B + 102)): .*changed by someone else" 60
		[[ $(imported u uusi) == "$B" ]] || e2e_fail "the first batch: $(imported u uusi) saved"
		e2e_keys "$s" F10
		e2e_wait "$s" 'Save 100 new customers, 1 updates'
		e2e_keys "$s" y
		e2e_wait "$s" "^row $((B + 102)): .*changed by someone else" 60
		[[ $(imported u uusi) == "$B" ]] || e2e_fail "saving again after the failure saved $(imported u uusi) rows: the first batch twice"
		rk_ok "a failed batch saved again: only the rows not saved are offered, none saved twice"
		rk_press_until "$s" Escape 'What would you like to do\?' 5
	fi
	preview "$s" big.csv
	if ((SAVED > 0)); then
		e2e_wait "$s" "saved before $SAVED"
	fi
	e2e_keys "$s" F10
	e2e_wait "$s" "Save $((TOTAL - SAVED)) new customers"
	e2e_keys "$s" y
	e2e_wait "$s" "Saving: $B of $((TOTAL - SAVED)) rows" 60
	if ((n == 1)); then # SIGWINCH while saving: drawn at once at each size
		e2e_resize "$s" 60 20
		e2e_wait "$s" 'Terminal too small: 60x20'
		e2e_resize "$s" 200 50
		e2e_wait "$s" '^ +40 new +[A-Z]'
		e2e_resize "$s" 80 24
		e2e_wait "$s" '^ +[0-9]+ new +[A-Z]'
		# Esc stops too, after the batch in flight; F10 offers the rest
		e2e_keys "$s" Escape
		e2e_wait "$s" '^Stopped after row [0-9]+: [0-9]+ created, 0 updated\. F10 saves the rest\.' 60
		row=$(e2e_screen "$s" | grep -oE '^Stopped after row [0-9]+' | grep -oE '[0-9]+$')
		[[ $(imported) == $((row - 1)) ]] || e2e_fail "Esc: stopped after row $row, $(imported) saved"
		e2e_assert_present "$s" 'Preview of big.csv'
		e2e_keys "$s" F10
		e2e_wait "$s" "Save $((TOTAL - row + 1)) new customers"
		e2e_keys "$s" y
		e2e_wait "$s" "Saving: $B of $((TOTAL - row + 1)) rows" 60
		rk_ok "Esc while saving: stopped after row $row with the rows before it saved; F10 offered only the rest"
	fi
	if ((n == 2)); then # another key is told to wait, and how to stop
		e2e_keys "$s" x
		e2e_wait "$s" '^Busy saving the import; Esc stops it after the batch in flight' 60
		rk_ok "a key while saving: told the screen is busy and how to stop"
	fi
	kill "-$sig" "$PID"
	[[ $(imported) -ge $((SAVED + B)) ]] || e2e_fail "the progress came before the batch was saved"
	e2e_wait "$s" 'rekisteri: the import of big.csv stopped after row [0-9]+: the rows' 60
	row=$(e2e_screen "$s" | tr -d '\n' | grep -oE 'stopped after row [0-9]+' | grep -oE '[0-9]+$')
	e2e_screen "$s" | tr -d '\n' | grep -q 'importing the same file again saves the rest' ||
		e2e_fail "SIG$sig: the message does not say how to finish"
	rk_shell_ended "$s" "$sig"
	got=$(imported)
	((row - 1 == got && got > SAVED + B && got < TOTAL)) ||
		e2e_fail "SIG$sig: stopped after row $row, but $got rows are saved (before: $SAVED)"
	[[ $(rk_sql "SELECT count(*) FROM customers c JOIN audit_log a ON a.subject=c.id
		AND a.action='import.create' WHERE c.email LIKE 't%@tuonti.example';") == "$got" ]] ||
		e2e_fail "SIG$sig: a saved row lacks its audit row"
	[[ $(rk_sql "SELECT count(DISTINCT email) FROM customers WHERE email LIKE 't%@tuonti.example';") == "$got" ]] ||
		e2e_fail "SIG$sig: a row was saved twice"
	[[ $(rk_sql "SELECT done_row||'|'||ifnull(finished_at,'open') FROM import_jobs
		WHERE file_name='big.csv';") == "$row|open" ]] || e2e_fail "SIG$sig: the job"
	"$R" check "${U[@]}" >check.out 2>&1 || e2e_fail "SIG$sig: check: $(cat check.out)"
	"$R" audit verify "${U[@]}" --key-file audit.key >verify.out 2>&1 ||
		e2e_fail "SIG$sig: audit verify: $(cat verify.out)"
	rk_ok "SIG$sig while saving: stopped after row $row with rows 2-$row saved once, exit $st, the terminal restored, check and audit verify pass"
	SAVED=$got
	e2e_kill "$s"
done
"$R" import customers big.csv "${U[@]}" --yes >rest.out 2>&1 || e2e_fail "the rest: $(cat rest.out)"
[[ $(imported) == $TOTAL && $(rk_sql "SELECT count(DISTINCT email) FROM customers WHERE email LIKE 't%@tuonti.example';") == $TOTAL ]] ||
	e2e_fail "after the CLI: $(imported) rows"
[[ $(rk_sql "SELECT finished_at IS NOT NULL FROM import_jobs WHERE file_name='big.csv';") == 1 ]] ||
	e2e_fail "the job is not finished"
rk_ok "the same file imported again saved the rest: $TOTAL rows, each once"

e2e_pass "import under signals and a failed batch: nothing half saved, nothing twice, terminal restored"
