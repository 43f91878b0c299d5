#!/bin/bash
# test_audit_tamper.sh - tampering with the audit trail through the
# independent sqlcipher CLI and the raw key: each alteration, deletion,
# reordering and insertion is named at its exact entry by
# `rekisteri audit verify`, which reports OK on an untouched trail.
source "$(dirname "$0")/cli_lib.sh"
cli_config '[audit]' 'epoch_rows = 4' '[accounts]' 'combine_duties = 1' # hannele is admin and DPO

echo "$PW" | "$R" init --db r.db --admin hannele --password-stdin > init.txt || exit 1
REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' init.txt)
K0=$(grep -A3 'AUDIT KEY' init.txt | grep -oE '[0-9a-f]{64}')
[ -n "$K0" ] && ok "init printed the audit key" || bad "no audit key printed"
echo "$PW" | "$R" mfa enrol --db r.db --user hannele --password-stdin > enrol.txt
SEC=$(sed -n 's/^Secret: //p' enrol.txt)
rk_cli_totp "$SEC" 'now - 30 seconds' "$PW" "$R" mfa confirm --db r.db --user hannele \
        --password-stdin 2> /dev/null
rk_cli_totp "$SEC" now "$PW" "$R" key add-file --db r.db --user hannele --password-stdin \
        --label dpo --roles supervisor,admin \
        --out dpo.key 2> /dev/null || { bad "admin key file"; exit 1; }
for u in anna bertta cecilia; do
        "$R" user add "$u" --roles sales --db r.db --keyfile dpo.key > /dev/null
done
KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2> /dev/null)

printf '%s\n' "$K0" > k0.txt
verify() { # verify DBFILE [--key-file k0.txt] -> output in v.txt, status in $?
        local f=$1; shift
        "$R" audit verify --db "$f" --keyfile dpo.key "$@" > v.txt 2>&1
}
tamper() { # tamper NAME SQL: a fresh copy of the register, then SQL on it
        cp r.db "$1.db"; cp r.db.keys "$1.db.keys"
        printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n%s\n' "$KEY" "$2" |
                sqlcipher "$1.db" > /dev/null 2>&1
}
expect_bad() { # expect_bad NAME ENTRY WHY
        verify "$1.db" --key-file k0.txt
        if grep -q "FAILED at entry $2: .*$3" v.txt; then ok "$1: names entry $2"
        else bad "$1: wanted entry $2 ($3), got: $(cat v.txt)"; fi
}

verify r.db --key-file k0.txt && grep -q '^OK: [0-9]* entries, head [0-9a-f]\{64\}, every MAC' v.txt &&
        ok "untouched trail: $(cat v.txt | cut -c1-40)" || bad "untouched: $(cat v.txt)"

tamper altered "UPDATE audit_log SET target='someone' WHERE id=5;"
expect_bad altered 5 "altered"
tamper deleted "DELETE FROM audit_log WHERE id=4;"
expect_bad deleted 4 "deleted"
tamper reordered "UPDATE audit_log SET id=-6 WHERE id=6; UPDATE audit_log SET id=6 WHERE id=7;
UPDATE audit_log SET id=7 WHERE id=-6;"
expect_bad reordered 6 "link"
tamper inserted "UPDATE audit_log SET id=id+1000 WHERE id>=3;
INSERT INTO audit_log SELECT 3,at,'mallory',session,source,action,subject,groups,fields,screen,result,
target,epoch,prev_hash,hash,mac FROM audit_log WHERE id=1003;
UPDATE audit_log SET id=id-999 WHERE id>=1003;"
expect_bad inserted 3 ""
tamper truncated "DELETE FROM audit_log WHERE id>=8;"
expect_bad truncated 8 "deleted"

# Without the audit key the chain alone still catches an edit; the case of
# a chain rewritten with the stolen database key, which only K(0) catches,
# is tests/unit/test_audit.c (test_rewrite_needs_k0).
tamper edited "UPDATE audit_log SET user='mallory' WHERE id=3;"
verify edited.db && bad "an edited entry verified" ||
        { grep -q "FAILED at entry 3" v.txt && ok "an edited entry fails without the key"; }

# The audit key never goes on the command line (issue 11): the old form
# is refused with the new one shown, the key is read from stdin or a file,
# and `ps` while verify runs shows no key.
verify r.db --key "$K0"; st=$?
[ $st = 2 ] && grep -q -- '--key is refused' v.txt && grep -q -- '--key-stdin' v.txt &&
        ok "--key K0 on the command line is refused, showing the new form" ||
        bad "--key K0: status $st, $(cat v.txt)"
verify r.db --key-stdin < k0.txt && grep -q 'every MAC verified' v.txt &&
        ok "the audit key on standard input" || bad "--key-stdin: $(cat v.txt)"
# a slow stdin keeps the process alive while ps looks at it
( sleep 2; cat k0.txt ) | "$R" audit verify --db r.db --keyfile dpo.key --key-stdin \
        > vps.txt 2>&1 &
sleep 1
ps -eo args > ps.txt
wait
grep -q 'audit verify' ps.txt || bad "ps did not see the verify process"
grep -q 'audit verify' ps.txt && ! grep -q "$K0" ps.txt && grep -q 'every MAC' vps.txt &&
        ok "ps during audit verify shows no key" || bad "the key in ps or verify failed: $(cat vps.txt)"

cli_done
