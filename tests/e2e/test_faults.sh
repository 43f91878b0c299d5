#!/bin/bash
# test_faults.sh - faults tell the truth. A fixture register (two seeded
# people, an admin with a password and TOTP, a supervisor/admin key file,
# an erasure request ready to execute, a prospect due for retention, a
# duplicate of one customer, a complete privacy config, a CSV to import,
# an import a full disk stopped after its first batch, a backup to drill)
# is copied afresh for every run; tests/fault/rk_fault.c, LD_PRELOADed into
# the real binary, makes the Nth read, write or sync of one file fail with
# EIO or ENOSPC; tests/e2e/faults.py sweeps the login, customer view, save,
# search, erasure, retention, import and merge paths and the other CLI
# commands over many N and checks the rules (its header lists them). It
# prints, per path, how many faults it injected and whether each one met
# the rules.
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
# The privacy documents' config, complete (privacy check finds no gap).
printf '%s\n' '[controller]' 'name = Rautakauppa Esimerkki Oy' 'business_id = 1234567-8' \
        'address = Kauppakatu 1, 00100 Helsinki' 'email = tietosuoja@esimerkki.fi' \
        '[purpose.customers]' 'description = Customer relationship and orders' \
        'legal_basis = contract' \
        'groups = identity, contact, billing, idcode, orders, order_amounts, notes, consents' \
        >> "$REKISTERI_CONFIG"
expect_rc 0 "the privacy config is complete" "$R" privacy check
# C000005 is C000002 again (the same e-mail, another city), with a note:
# a duplicate pair to list and to merge.
printf 'name=Berta Muukalainen\nemail=bertta@example.fi\ncity=Naantali\n' |
        "$R" customer add --db r.db --keyfile dpo.key > out.txt 2>&1 &&
        grep -q C000005 out.txt || { bad "C000005: $(cat out.txt)"; exit 1; }
sql_with_key "$KEY" "INSERT INTO notes(customer_id, created_at, author, body) VALUES
 (5, '2026-01-03T10:00:00Z', 'sanna', 'Berta kysyi luetteloa');" > seed5.txt
grep -qi error seed5.txt && { bad "seed: $(cat seed5.txt)"; exit 1; }
expect_rc 0 "duplicates" "$R" duplicates --db r.db --keyfile dpo.key
grep -q "C000002 *C000005" out.txt && ok "C000002 and C000005 are a likely pair" ||
        bad "no pair: $(cat out.txt)"
# imp.csv as Finnish Excel saves it: an update of C000002 by its number, a
# new person whose postal code lost its zeros, and the erased C000004.
printf 'Asiakasnumero;Nimi;S\xe4hk\xf6posti;Puhelin;Postinumero;Maa\r\n%s\r\n%s\r\n%s\r\n' \
        'C000002;Bertta Muukalainen;bertta@example.fi;0401112222;;' \
        ';Uusi Ihminen;uusi.ihminen@example.fi;0409998888;100;FI' \
        ';Jo Poistettu;pois@example.fi;;;' > imp.csv
expect_rc 0 "imp.csv previews" "$R" import customers imp.csv --db r.db --keyfile dpo.key
grep -q "new: 1; update: 1;.*previously erased: 1" out.txt && ok "imp.csv: new, update, erased" ||
        bad "imp.csv preview: $(cat out.txt)"
# big.csv: a batch of new people and one more; a disk that fills up
# during the second batch leaves its import unfinished after the first,
# for the resume path. The write to fail is found from the end: the last
# batch and the job's end are the last writes of the WAL.
BATCH=$(sed -n 's/^#define RK_IMPORT_BATCH \([0-9]*\).*/\1/p' "$SRCDIR/include/rekisteri/import.h")
python3 - "${BATCH:?RK_IMPORT_BATCH}" <<'PY'
import hashlib, sys
with open("big.csv", "w", encoding="utf-8-sig", newline="") as f:
    f.write("Nimi;S\u00e4hk\u00f6posti;Puhelin\r\n")
    for i in range(int(sys.argv[1]) + 1):
        w = "".join(chr(97 + (i // 26 ** k) % 26) for k in range(3)).capitalize()
        v = "".join(chr(97 + b % 26) for b in hashlib.sha256(str(i).encode()).digest()[:6])
        f.write(f"{w} {v.capitalize()};imp{i}@example.fi;040{i:07d}\r\n")
PY
big() { # big N: the import of big.csv in try/, the Nth WAL write failing for good
        rm -rf try && mkdir try && cp -p r.db r.db.* dpo.key big.csv try/ &&
                (cd try && LD_PRELOAD=$LIB RK_FAULT_FILE=r.db-wal RK_FAULT_OP=write \
                        RK_FAULT_N=$1 RK_FAULT_STAYS=1 RK_FAULT_ERRNO=ENOSPC RK_FAULT_LOG=fl \
                        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
                        "$R" import customers big.csv --db r.db --keyfile dpo.key --yes \
                        > out.txt 2>&1)
}
big 0 || { bad "big.csv: $(cat try/out.txt)"; exit 1; }
W=$(sed -n 's/^count r.db-wal read [0-9]* write \([0-9]*\) .*/\1/p' try/fl)
job=
for back in 8 16 32 64 128 256; do
        ((W > back)) || break
        big $((W - back)) # fails, as it should
        job=$(sql_with_key "$KEY" "SELECT done_row, finished_at IS NULL FROM import_jobs;" try/r.db)
        [ "$job" = "$((BATCH + 1))|1" ] && break
done
[ "$job" = "$((BATCH + 1))|1" ] && cp -p try/r.db* . && ok "big.csv: stopped after its first batch ($(tail -1 try/out.txt))" ||
        { bad "big.csv: no write failed in its second batch ($W writes, job $job)"; exit 1; }
# drill.db: a backup for the restore drill (the backup path writes b.db)
expect_rc 0 "backup" "$R" backup --out drill.db --db r.db --keyfile dpo.key
expect_rc 0 "the fixture checks" "$R" check --db r.db --keyfile dpo.key
# every file of the register (database, slot file, server key, ledger), the
# import files and the backup
printf '%s\n' "$K0" > k0.txt && chmod 600 k0.txt
mkdir fixture && cp -p r.db r.db.* dpo.key k0.txt imp.csv big.csv drill.db drill.db.* fixture/ &&
        [ ! -e r.db-wal ] || { bad "fixture files (a WAL left behind?)"; exit 1; }
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
