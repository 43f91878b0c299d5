#!/bin/bash
# test_faults.sh - faults tell the truth. A fixture register (two seeded
# people, an admin with a password and TOTP, a supervisor/admin key file,
# an erasure request ready to execute, a prospect due for retention) is
# copied afresh for every run; tests/fault/rk_fault.c, LD_PRELOADed into the
# real binary, makes the Nth read, write or sync of one register file fail
# with EIO or ENOSPC; tests/e2e/faults.py sweeps the login, customer view,
# save, search, erasure and retention paths and the other CLI commands over
# many N and checks the rules (its header lists them). It prints, per path,
# how many faults it injected and whether each one met the rules.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
LIB=${RK_FAULT_LIB:?path to librk_fault.so}

dsr_register || { bad "register"; exit 1; }
K0=$(grep -A3 'AUDIT KEY' init.txt | grep -oE '[0-9a-f]{64}')
dsr_seed || { bad "seed: $(cat seed.txt)"; exit 1; }
old=$(($(date +%s) - 6 * 365 * 86400))
sql_with_key "$KEY" "INSERT INTO customers(id, number, kind, name, email, created_at,
 updated_at) VALUES(3, 'C000003', 'person', 'Vanha Prospekti', 'vanha@example.fi', $old,
 $old), (4, 'C000004', 'person', 'Jo Poistettu', 'pois@example.fi', $old, $old);
 UPDATE users SET totp_last_step = 0;" > seed3.txt
grep -qi error seed3.txt && { bad "seed: $(cat seed3.txt)"; exit 1; }
expect_rc 0 "a second account" "$R" user add sanna --roles sales --db r.db --keyfile dpo.key
# One erasure done already, so the suppression key exists and every run
# of the erasure below hashes the same way.
expect_rc 0 "an erasure of C000004" "$R" dsr new --type erasure --subject C000004 \
        --verified "passport" --db r.db --keyfile dpo.key
expect_rc 0 "carried out" "$R" dsr execute 1 --db r.db --keyfile dpo.key
expect_rc 0 "an erasure request for C000001 (request 2)" "$R" dsr new --type erasure --subject C000001 \
        --verified "passport" --db r.db --keyfile dpo.key
expect_rc 0 "retention plan" "$R" retention plan --db r.db --keyfile dpo.key
grep -q C000003 out.txt && ok "the fixture has a customer due for retention" ||
        { bad "nothing due: $(cat out.txt)"; exit 1; }
expect_rc 0 "the fixture checks" "$R" check --db r.db --keyfile dpo.key
# every file of the register (database, slot file, server key, ledger)
printf '%s\n' "$K0" > k0.txt && chmod 600 k0.txt
mkdir fixture && cp -p r.db r.db.* dpo.key k0.txt fixture/ && [ ! -e r.db-wal ] ||
        { bad "fixture files (a WAL left behind?)"; exit 1; }
ok "fixture: $(cd fixture && echo *)"

export KEY K0 REC PW TOTP_SECRET=$SEC RK_FAULT_LIB=$LIB TMPDIR=$T
# the fault library is not the first in the list ASan wants to see
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
if python3 "$SRCDIR/tests/e2e/faults.py" "$T/fixture"; then
        ok "every injected fault met the rules"
else
        bad "the fault sweep found broken rules (above)"
fi
cli_done
