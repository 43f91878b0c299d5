#!/bin/bash
# test_demo.sh - `rekisteri demo` as a user meets it: the same seed gives the
# same customers (compared table by table through the raw key, read with the
# independent sqlcipher CLI), the accounts file is private and complete,
# every Y-tunnus and henkilötunnus has a valid check character (recomputed
# here in Python, independently of the C code), the fictitious codes use
# individual numbers 900-999, the adversarial customer C000666 is there,
# an existing register is never overwritten, every account logs in
# with its password and a TOTP code from oathtool, and every restricted
# customer has the request that restricted it, which lifts it.
set -u
R=${REKISTERI:?path to the rekisteri binary}
source "$(dirname "$0")/totp_lib.sh"
T=$(mktemp -d /tmp/rk-e2e-demo.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
printf '[crypto]\nargon2_ops = 1\nargon2_mem_kib = 8\n' > fast.ini
chmod 644 fast.ini
export REKISTERI_CONFIG=$T/fast.ini
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

demo() { # demo NAME ARGS... -> NAME.out, NAME.err; prints the raw key
        "$R" demo --db "$1.db" "${@:2}" > "$1.out" 2> "$1.err" ||
                { bad "demo $1 failed: $(cat "$1.err")"; return 1; }
        local rec
        rec=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' "$1.out")
        "$R" key dump-raw --db "$1.db" --password-stdin <<< "$rec" 2> /dev/null
}
sql() { # sql DB KEY SQL...
        printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n%s\n' "$2" "$3" |
                sqlcipher "$1" 2>&1
}
dump_customers() { # dump_customers DB KEY -> every customer table, in order
        local t out=""
        for t in customers contact_persons orders order_lines notes consents; do
                sql "$1" "$2" ".dump $t"
        done
}

# --- deterministic -------------------------------------------------------
KA=$(demo a --customers 500 --seed 7) && ok "demo a" || exit 1
KB=$(demo b --customers 500 --seed 7) && ok "demo b" || exit 1
KC=$(demo c --customers 500 --seed 8) && ok "demo c (other seed)" || exit 1
[ "$(sql a.db "$KA" 'SELECT count(*) FROM customers;')" = 500 ] &&
        ok "500 customers" || bad "customer count: $(sql a.db "$KA" 'SELECT count(*) FROM customers;')"
dump_customers a.db "$KA" > a.sql
dump_customers b.db "$KB" > b.sql
dump_customers c.db "$KC" > c.sql
[ "$(grep -c '^INSERT INTO' a.sql)" -gt 2000 ] && ok "tables dumped" || bad "dump too small"
cmp -s a.sql b.sql && ok "same seed, same customers, orders, notes, consents" ||
        bad "two runs with seed 7 differ"
cmp -s a.sql c.sql && bad "seed 8 gave the same data" || ok "another seed gives other data"
[ "$KA" != "$KB" ] && ok "but each register has its own key" || bad "same key twice"

# --- the accounts file ---------------------------------------------------
[ "$(stat -c %a a.db.users)" = 600 ] && ok "a.db.users is 0600" ||
        bad "users file mode $(stat -c %a a.db.users)"
[ "$(wc -l < a.db.users)" = 5 ] && ok "5 accounts" || bad "$(wc -l < a.db.users) lines"
for role in sales billing warehouse supervisor admin; do
        grep -qE "^$role $role [A-Za-z0-9_-]{24} [A-Z2-7]{32}\$" a.db.users &&
                ok "account $role listed" || bad "no well-formed line for $role"
done
grep -qF -- "$(cut -d' ' -f3 a.db.users | head -1)" a.out && ok "passwords printed too" ||
        bad "password not printed"
cmp -s <(cut -d' ' -f3 a.db.users) <(cut -d' ' -f3 b.db.users) &&
        bad "passwords repeat across runs" || ok "passwords are random"

# --- identifiers with valid check characters ------------------------------
sql a.db "$KA" "SELECT kind, ifnull(business_id,''), ifnull(hetu,'') FROM customers;" > ids.txt
python3 - ids.txt << 'PY' > ids.out 2>&1 && ok "$(cat ids.out)" || bad "$(cat ids.out)"
import sys, re
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1], encoding="utf-8") if "|" in l]
def ytunnus_ok(y):
    m = re.fullmatch(r"(\d{7})-(\d)", y)
    if not m: return False
    r = sum(int(d) * w for d, w in zip(m.group(1), (7, 9, 10, 5, 8, 4, 2))) % 11
    return r != 1 and int(m.group(2)) == (0 if r == 0 else 11 - r)
def hetu_ok(h):
    m = re.fullmatch(r"(\d{6})([-A])(\d{3})([0-9A-Y])", h)
    if not m or not 900 <= int(m.group(3)) <= 999: return False
    return "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(m.group(1) + m.group(3)) % 31] == m.group(4)
companies = [y for k, y, h in rows if k == "company"]
codes = [h for k, y, h in rows if h]
bad = [y for y in companies if not ytunnus_ok(y)] + [h for h in codes if not hetu_ok(h)]
assert len(rows) == 500, len(rows)
assert len(companies) > 50 and len(codes) > 150, (len(companies), len(codes))
assert not bad, "bad identifiers: %d" % len(bad)
print("%d Y-tunnus and %d henkilötunnus (900-999) with valid checksums" % (len(companies), len(codes)))
PY

# --- content worth demonstrating ------------------------------------------
[ "$(sql a.db "$KA" "SELECT name FROM customers WHERE number = 'C000001';")" = "Aino Hämäläinen" ] &&
        ok "C000001 is Aino Hämäläinen" || bad "C000001"
sql a.db "$KA" "SELECT hex(name) FROM customers WHERE number = 'C000666';" > evil.txt
grep -q '1B5D303B70776E656407' evil.txt && grep -q '1B5B324A' evil.txt &&
        grep -q '0D' evil.txt && grep -q 'E280AE' evil.txt &&
        ok "C000666 carries OSC title, clear screen, CR and RLO" || bad "adversarial record: $(cat evil.txt)"
years=$(sql a.db "$KA" "SELECT count(DISTINCT substr(ordered_on,1,4)) FROM orders;")
[ "$years" -ge 5 ] && ok "orders over $years years" || bad "orders over $years years"
for t in notes consents contact_persons order_lines; do
        n=$(sql a.db "$KA" "SELECT count(*) FROM $t;")
        [ "$n" -gt 20 ] && ok "$n rows in $t" || bad "$t has $n rows"
done
n=$(sql a.db "$KA" "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'iham*';")
[ "$n" -ge 1 ] && ok "search index built ($n hits for iham*: Hämäläinen folded)" || bad "search index empty"

# --- never over an existing register --------------------------------------
sum=$(sha256sum a.db a.db.keys a.db.users)
"$R" demo --db a.db --customers 10 > again.out 2> again.err
[ $? = 1 ] && ok "demo refuses an existing register" || bad "demo over a.db did not fail"
[ "$sum" = "$(sha256sum a.db a.db.keys a.db.users)" ] && ok "files untouched" || bad "files changed"
rm a.db.users
"$R" demo --db a.db --customers 10 > again.out 2> again.err
[ $? = 1 ] && grep -q "refusing to overwrite" again.err && ok "refused without the users file too" ||
        bad "second refusal: $(cat again.err)"
[ ! -e a.db.users ] && ok "no users file left behind" || bad "users file left behind"
"$R" demo --db d.db --customers 0 > /dev/null 2>&1
[ $? = 2 ] && ok "--customers 0 is a usage error" || bad "--customers 0 accepted"

# --- every account logs in ---------------------------------------------------
while read -r name role pw secret; do
        if rk_cli_totp "$secret" now "$pw" "$R" check --db b.db --user "$name" \
                --password-stdin > login.out 2> login.err; then
                ok "$name ($role) logs in with password and TOTP"
        else
                bad "$name cannot log in: $(cat login.err)"
        fi
done < b.db.users

# --- the default size -----------------------------------------------------
KD=$(demo d) && ok "demo with defaults" || exit 1
n=$(sql d.db "$KD" 'SELECT count(*) FROM customers;')
[ "$n" -ge 2000 ] && [ "$n" -le 5000 ] && ok "default: $n customers" || bad "default size $n"

# --- restricted customers came with their request: the product can lift it --
nr=$(sql d.db "$KD" 'SELECT count(*) FROM customers WHERE restricted=1;')
orphans=$(sql d.db "$KD" "SELECT count(*) FROM customers c WHERE c.restricted=1 AND NOT EXISTS
        (SELECT 1 FROM dsr_subjects s JOIN dsr_requests r ON r.id=s.request_id
         WHERE s.customer_id=c.id AND r.type='restriction' AND r.status='executed');")
[ "$nr" -gt 0 ] && [ "$orphans" = 0 ] &&
        ok "each of the $nr restricted customers has its carried-out restriction request" ||
        bad "$orphans of $nr restricted customers have no request"
read -r rid rcust < <(sql d.db "$KD" "SELECT s.request_id, s.customer_id FROM dsr_subjects s
        JOIN dsr_requests r ON r.id=s.request_id WHERE r.type='restriction' LIMIT 1;" | tr '|' ' ')
read -r _ _ spw ssecret < <(grep '^supervisor ' d.db.users)
if rk_cli_totp "$ssecret" now "$spw" "$R" dsr lift "$rid" --db d.db --user supervisor \
        --password-stdin > lift.out 2> lift.err &&
        [ "$(sql d.db "$KD" "SELECT restricted FROM customers WHERE id=$rcust;")" = 0 ]; then
        ok "the supervisor lifts a demo restriction with the request's own flow (dsr lift $rid)"
else
        bad "dsr lift $rid: $(cat lift.err)"
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]
