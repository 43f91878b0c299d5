#!/bin/bash
# test_audit_corrupt.sh - damage is not tampering. One page in the middle
# of the audit table is overwritten with garbage in the encrypted file, so
# its HMAC fails and SQLCipher cannot read it. `audit verify` must say that
# the first entry on that page could not be read (a corrupt page), not that
# entries were deleted or altered; `check` names the damage too.
#
# The page is found under the raw key (key dump-raw): the table's root page
# from sqlite_master through the sqlcipher CLI, then its leaf pages with the
# rowids they hold (tests/tools/leafpages.py).
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
LEAF="${SRCDIR:?}/tests/tools/leafpages.py"

dsr_register || { bad "register"; exit 1; }
# Enough entries for several leaf pages (each `audit list` is recorded).
for _ in $(seq 1 40); do "$R" audit list --db r.db --keyfile dpo.key > /dev/null; done
root=$(sql_with_key "$KEY" "SELECT rootpage FROM sqlite_master WHERE name='audit_log';")
python3 "$LEAF" "$KEY" r.db "$root" > leaves.txt || { bad "leafpages: $(cat leaves.txt)"; exit 1; }
n=$(wc -l < leaves.txt)
[ "$n" -ge 3 ] && ok "the audit table spans $n leaf pages" || { bad "only $n leaf pages"; exit 1; }
read -r page first last < <(sed -n "$(((n + 1) / 2))p" leaves.txt)
ok "page $page holds entries $first..$last"

expect_rc 0 "the untouched register verifies" "$R" audit verify --db r.db --keyfile dpo.key
cp r.db c.db; cp r.db.keys c.db.keys
head -c 256 /dev/urandom | dd of=c.db bs=1 seek=$(((page - 1) * 4096 + 1024)) conv=notrunc \
        status=none
cmp -s r.db c.db && { bad "the copy was not changed"; exit 1; }
[ "$(stat -c %s r.db)" = "$(stat -c %s c.db)" ] && ok "same size, one page overwritten" ||
        bad "size changed"

expect_rc 1 "audit verify fails on the damaged copy" "$R" audit verify --db c.db --keyfile dpo.key
cat out.txt err.txt
grep -q "FAILED at entry $first: this entry could not be read: .*corrupt page" out.txt &&
        ok "names entry $first as unreadable (corrupt page)" || bad "verdict: $(cat out.txt err.txt)"
grep -qiE "deleted|altered|reordered|inserted|missing" out.txt err.txt &&
        bad "a false finding of tampering" || ok "no claim of deletion or alteration"
expect_rc 1 "check names the damage" "$R" check --db c.db --keyfile dpo.key
grep -q "damage" err.txt && ok "check: $(cat err.txt)" || bad "check: $(cat err.txt)"
expect_rc 1 "audit list does not come back short" "$R" audit list --db c.db --keyfile dpo.key
grep -q "reading the audit trail: the file is damaged" err.txt && ok "list names the read" ||
        bad "list: $(cat err.txt)"
cli_done
