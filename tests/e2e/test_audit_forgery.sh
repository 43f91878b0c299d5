#!/bin/bash
# test_audit_forgery.sh - the forgeries of issue 20, by a test-only forger
# (tests/tools/audit_forger.c) that holds the raw database key, against a
# real register with many epochs and its logged chain heads:
#   - each forgery, done the same way on the register converted back to
#     the first trail form, passes the old verifier: the test reproduces
#     the attack;
#   - on the position-keyed trail `audit verify` with K0 exits 1 naming the
#     first row the forger changed; plain verify catches what the README
#     says it catches (deletions without an anchor) and no more;
#   - a forger who also holds K0 passes `verify --key-file`, and `verify
#     --heads` catches every rewrite and truncation before the last logged
#     head, and (the stated limit) nothing after it;
#   - an honest register verifies with every option, also after a key
#     rotation; an old register is converted without losing a row.
source "$(dirname "$0")/cli_lib.sh"
F=${AUDIT_FORGER:?path to the test-only audit forger}
cli_config '[audit]' 'epoch_rows = 8' "heads_file = $T/heads.log" \
        '[accounts]' 'combine_duties = 1' # one-person company: the admin makes the DPO's key file
# copies are verified with a config of their own, so their sessions' heads
# never mix with the register's
printf '[crypto]\nargon2_ops = 1\nargon2_mem_kib = 8\n[audit]\nepoch_rows = 8\nheads_file = %s\n' \
        "$T/scratch.log" > copy.ini

"$R" demo --db r.db --customers 30 > demo.txt 2>&1 || { bad "demo: $(cat demo.txt)"; exit 1; }
grep -A3 'AUDIT KEY' demo.txt | grep -oE '[0-9a-f]{64}' > k0.txt
K0=$(cat k0.txt)
REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' demo.txt)
read -r _ _ APW ASEC < <(grep '^admin ' r.db.users)
rk_cli_totp "$ASEC" 'now - 30 seconds' "$APW" "$R" key add-file --db r.db --user admin \
        --password-stdin --label dpo --roles supervisor --out dpo.key > /dev/null 2>&1 ||
        { bad "key file"; exit 1; }
# sessions that view customers: customer 5 is viewed three times
for i in $(seq 1 70); do
        n=$(( i % 20 == 5 ? 5 : i % 25 + 1 ))
        "$R" customer show "$(printf 'C%06d' "$n")" --db r.db --keyfile dpo.key > /dev/null ||
                bad "customer show $n"
done
KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2> /dev/null)
sql() { sql_with_key "$KEY" "$1" "${2:-r.db}"; }
# A head leaves every 8 entries and when a session ends. The heads as they
# stood here are the ones checked below; the four entries written after
# this stand for a session still open, whose head has not left yet.
cp heads.log heads0.log
LH=$(grep -oE 'id=[0-9]+' heads0.log | cut -d= -f2 | sort -n | tail -1)
for i in 1 2; do "$R" customer show C000009 --db r.db --keyfile dpo.key > /dev/null; done
N=$(sql "SELECT max(id) FROM audit_log;")
[ "$N" -ge 140 ] && [ "$(grep -c 'audit head: id=' heads0.log)" -ge 17 ] &&
        ok "a register of $N audit entries; $(grep -c 'audit head' heads0.log) heads logged, the last for entry $LH" ||
        bad "setup: $N entries, heads: $(cat heads0.log)"

verify() { # verify DB [options] -> v.txt, exit status
        local f=$1; shift
        "$R" audit verify --config "$T/copy.ini" --db "$f" --keyfile dpo.key "$@" > v.txt 2>&1
}
copy() { cp r.db "$2.db"; cp r.db.keys "$2.db.keys"; [ "$1" = r ] || cp "$1.db" "$2.db"; }

# --- the honest register, with every option ------------------------------
copy r honest
verify honest.db --key-file k0.txt --heads heads0.log &&
        grep -q 'every MAC verified.*logged heads match' v.txt &&
        ok "honest: $(cut -c1-30 v.txt)... with K0 and heads" || bad "honest: $(cat v.txt)"
verify honest.db && ok "honest: chain only" || bad "honest chain: $(cat v.txt)"

# --- the first form, for the old verifier ----------------------------------
copy r old
"$F" old.db "$KEY" downgrade "$K0" 8 && "$F" old.db "$KEY" old-verify "$K0" > ov.txt &&
        ok "the register in the first trail form passes the old verifier" ||
        bad "downgrade: $(cat ov.txt)"

# forge NAME EXPECT_PLAIN ARGS... : the forgery on the old and the new form
forge() {
        local name=$1 plain=$2; shift 2
        local later=() first
        [ "$name" != "${name%-later}" ] && later=(--later 8)
        copy old "v1-$name"
        "$F" "v1-$name.db" "$KEY" "$@" "${later[@]}" > /dev/null &&
                "$F" "v1-$name.db" "$KEY" old-verify "$K0" > ov.txt &&
                ok "$name: the forgery passes the old verifier with K0 ($(cat ov.txt))" ||
                bad "$name: the old verifier caught it, the forgery is not real: $(cat ov.txt)"
        copy r "$name"
        first=$("$F" "$name.db" "$KEY" "$@" | sed -n 's/^first changed: //p')
        [ "$1" = anchor ] && first=1
        verify "$name.db" --key-file k0.txt; st=$?
        [ $st = 1 ] && grep -q "^FAILED at entry $first:" v.txt &&
                ok "$name: verify with K0 names entry $first: $(cut -d: -f2- v.txt | cut -c1-60)" ||
                bad "$name: verify with K0 (exit $st), wanted entry $first: $(cat v.txt)"
        verify "$name.db"; st=$?
        if [ "$plain" = caught ]; then
                [ $st = 1 ] && grep -q "^FAILED at entry $first:" v.txt &&
                        ok "$name: plain verify catches it too" ||
                        bad "$name: plain verify (exit $st): $(cat v.txt)"
        else
                [ $st = 0 ] && ok "$name: plain verify cannot tell, as the README says" ||
                        bad "$name: plain verify (exit $st): $(cat v.txt)"
        fi
        [ "$1" = anchor ] && return
        # the same forger with K0 as well: only the heads can tell
        copy r "k0-$name"
        "$F" "k0-$name.db" "$KEY" "$@" --k0 "$K0" > /dev/null
        verify "k0-$name.db" --key-file k0.txt && ok "$name with K0: the forgery passes verify with K0" ||
                bad "$name with K0: the K0 forger is not perfect: $(cat v.txt)"
        verify "k0-$name.db" --key-file k0.txt --heads heads0.log; st=$?
        if [ "$first" -le "$LH" ]; then
                [ $st = 1 ] && grep -q "^FAILED at entry" v.txt &&
                        ok "$name with K0: --heads catches it: $(cut -c1-70 v.txt)" ||
                        bad "$name with K0: --heads (exit $st): $(cat v.txt)"
        else
                [ $st = 0 ] &&
                        ok "$name with K0: after the last head ($LH) only the next head can tell (the stated limit)" ||
                        bad "$name with K0 after the last head: $(cat v.txt)"
        fi
}

forge alter-current not alter $((N - 1)) anna 7
forge delete-current not delete $((N - 3)) 2
forge alter-past not alter 10 anna 7
forge alter-past-later not alter 10 anna 7
forge delete-past not delete 12 3
forge delete-past-later not delete 12 3
forge drop-subject-later not drop-subject 5
forge truncate-3 not truncate 3
forge truncate-20 not truncate 20
forge anchor-60 caught anchor 60
forge anchor-late caught anchor $((N - 3))

# once the session that wrote the newest entries has ended, their head has
# left too, and the K0 forger of the newest entry is caught as well
grep -q "audit head: id=$N " heads.log && ok "the session's end sent the head of entry $N" ||
        bad "no head for entry $N after its session ended"
copy r k0-late
"$F" k0-late.db "$KEY" alter $((N - 1)) anna 7 --k0 "$K0" > /dev/null
verify k0-late.db --key-file k0.txt --heads heads.log; st=$?
[ $st = 1 ] && grep -q "^FAILED at entry $N:" v.txt &&
        ok "with that head, the K0 forger of entry $((N - 1)) is caught at entry $N" ||
        bad "k0-late (exit $st): $(cat v.txt)"

# The stated limit: with the stored key, a forger can append a retention
# anchor claiming every entry was past its period; the deleted entries'
# times are gone, so neither the chain nor K0 can tell. The heads can.
copy r appended
"$F" appended.db "$KEY" append-anchor 24 > /dev/null
verify appended.db --key-file k0.txt && grep -q '^OK: [12] entries' v.txt &&
        ok "an appended anchor that claims everything was old passes K0 (the stated limit)" ||
        bad "appended anchor with K0: $(cat v.txt)"
copy r appended
"$F" appended.db "$KEY" append-anchor 24 > /dev/null
verify appended.db --heads heads0.log; st=$?
[ $st = 1 ] && grep -q 'a head was logged for this entry at .* but it is gone' v.txt &&
        ok "--heads catches the appended anchor: $(cut -c1-60 v.txt)" ||
        bad "appended anchor with heads (exit $st): $(cat v.txt)"

# --- migration: an old register is converted without losing a row --------
copy old conv
verify conv.db --key-file k0.txt; st=$?
M=$(sql "SELECT id FROM audit_log WHERE action='audit.migrate';" conv.db)
[ $st = 0 ] && [ "$M" = $((N + 1)) ] &&
        [ "$(sql "SELECT count(*) FROM audit_log WHERE id<=$N;" conv.db)" = "$N" ] &&
        sql "SELECT result, fields FROM audit_log WHERE id=$M;" conv.db |
        grep -q "^ok|old_rows=$N;old_first=1;.*verified=chain;bad=0" &&
        ok "conversion: $N old entries kept, entry $M records their check, verify with K0 ok" ||
        bad "conversion (exit $st, M=$M): $(cat v.txt)"
# after the conversion an old entry rewritten without its epoch key is caught
"$F" conv.db "$KEY" alter 20 anna 7 > /dev/null
verify conv.db --key-file k0.txt; st=$?
[ $st = 1 ] && grep -q '^FAILED at entry 20:' v.txt &&
        ok "after the conversion, a rewritten old entry is caught with K0" ||
        bad "converted then forged (exit $st): $(cat v.txt)"
# a damaged old trail is converted too, and the conversion row says where
copy old damaged
sql "UPDATE audit_log SET user='mallory' WHERE id=30;" damaged.db > /dev/null
verify damaged.db; st=$?
[ $st = 1 ] && grep -q '^FAILED at entry 30:' v.txt &&
        sql "SELECT result, fields FROM audit_log WHERE action='audit.migrate';" damaged.db |
        grep -q '^failed|.*bad=30$' && ok "a damaged old trail: the conversion row records entry 30" ||
        bad "damaged conversion (exit $st): $(cat v.txt)"

# --- no key at all: an older copy put back is caught by the heads ---------
cp r.db snap.db; cp r.db.keys snap.db.keys
for i in 1 2 3 4 5; do "$R" customer show C000003 --db r.db --keyfile dpo.key > /dev/null; done
verify snap.db --key-file k0.txt && ok "an older copy alone verifies, also with K0" ||
        bad "older copy: $(cat v.txt)"
cp r.db.keys snap.db.keys
verify snap.db --heads heads.log; st=$?
[ $st = 1 ] && grep -qE '^FAILED at entry [0-9]+: (this entry is missing|it differs from the head)' v.txt &&
        ok "an older copy put back: --heads catches it: $(cut -c1-60 v.txt)" ||
        bad "older copy with heads (exit $st): $(cat v.txt)"

# --- key rotation: the trail goes with the register ------------------------
rk_cli_totp "$ASEC" now "$APW" "$R" key rotate --db r.db --user admin --password-stdin \
        > rot.txt 2>&1 || bad "key rotate: $(cat rot.txt)"
"$R" audit verify --db r.db --keyfile dpo.key --key-file k0.txt --heads heads.log > v.txt 2>&1 &&
        ok "after a key rotation: $(cut -c1-20 v.txt) with K0 and every head" ||
        bad "after rotation: $(cat v.txt)"

cli_done
