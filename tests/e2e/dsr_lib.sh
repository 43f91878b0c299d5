# shellcheck shell=bash
# tests/e2e/dsr_lib.sh - a register for the data-subject request tests:
# created with the real binary, an admin with TOTP, a key file with the
# supervisor and admin roles (dpo.key), the raw database key from the
# recovery path in $KEY, and two people seeded in every table through the
# sqlcipher CLI with that key (there is no customer-creating subcommand
# yet): the subject Aino Virtanen (C000001) and, as the control that must
# survive, Bertta Muukalainen (C000002). The search index gets their rows
# as search_index.c folds them, so the FTS shadow tables hold their terms.
# Sourced after cli_lib.sh.
DSR_PAGEDUMP="${SRCDIR:?}/tests/tools/pagedump.py"
# Values of the subject that must be gone after an erasure, as stored.
SUBJECT_VALUES=("Aino Virtanen" "aino.virtanen@example.fi" "+358401234567"
        "131052-308T" "Mannerheimintie 1" "Varastotie 5" "FI2112345600000785"
        "Soitti Virtaselle" "virtanen" "mannerheimintie" "131052")
OTHER_VALUES=("Bertta Muukalainen" "bertta@example.fi" "muukalainen")

# dsr_register - r.db with hannele, admin and DPO in one key file dpo.key
# (supervisor,admin): a one-person company, so it adds [accounts]
# combine_duties = 1 to the config (README, Roles).
dsr_register() {
        printf '[accounts]\ncombine_duties = 1\n' >> "$REKISTERI_CONFIG"
        echo "$PW" | "$R" init --db r.db --admin hannele --password-stdin > init.txt || return 1
        REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' init.txt)
        echo "$PW" | "$R" mfa enrol --db r.db --user hannele --password-stdin > enrol.txt
        SEC=$(sed -n 's/^Secret: //p' enrol.txt)
        rk_cli_totp "$SEC" 'now - 30 seconds' "$PW" "$R" mfa confirm --db r.db \
                --user hannele --password-stdin 2> /dev/null
        rk_cli_totp "$SEC" now "$PW" "$R" key add-file --db r.db --user hannele \
                --password-stdin --label dpo --roles supervisor,admin \
                --out dpo.key > /dev/null 2>&1 || return 1
        KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2> /dev/null)
        [ -n "$KEY" ]
}

dsr_seed() {
        local today now
        today=$(date +%F)
        now=$(date +%s)
        sql_with_key "$KEY" "PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;
INSERT INTO customers(id, number, kind, name, email, phone, street, postal_code, city,
 delivery_street, delivery_postal_code, delivery_city, billing_street, invoice_email,
 payment_terms_days, bank_reference, hetu, created_at, updated_at)
 VALUES(1, 'C000001', 'person', 'Aino Virtanen', 'aino.virtanen@example.fi',
 '+358401234567', 'Mannerheimintie 1', '00100', 'Helsinki', 'Varastotie 5', '00200',
 'Espoo', 'Laskukuja 9', 'laskut.virtanen@example.fi', 14, 'FI2112345600000785',
 '131052-308T', $now, $now);
INSERT INTO customers(id, number, kind, name, email, city, created_at, updated_at)
 VALUES(2, 'C000002', 'person', 'Bertta Muukalainen', 'bertta@example.fi', 'Turku',
 $now, $now);
INSERT INTO orders(id, customer_id, number, ordered_on, status) VALUES
 (1, 1, 'O2015-000001', '2015-03-01', 'delivered'),
 (2, 1, 'O${today:0:4}-000001', '$today', 'open'),
 (3, 2, 'O${today:0:4}-000002', '$today', 'open');
INSERT INTO order_lines(order_id, product, quantity, unit_price_cents) VALUES
 (1, 'Saw', 1, 3000), (2, 'Hammer', 2, 1250), (2, 'Nails 100', 3, 400), (3, 'Glue', 1, 500);
INSERT INTO notes(customer_id, created_at, author, body) VALUES
 (1, '2026-01-02T10:00:00Z', 'sanna', 'Soitti Virtaselle tarjouksesta'),
 (2, '2026-01-02T10:00:00Z', 'sanna', 'Muukalainen asks for a catalogue');
INSERT INTO consents(customer_id, purpose, given_on, source) VALUES
 (1, 'newsletter', '2026-01-15', 'web form Virtanen'), (2, 'offers', '2026-01-15', 'fair');
INSERT INTO objections(customer_id, purpose, objected_on) VALUES (1, 'profiling', '2026-02-01');
INSERT INTO customer_fts(docid, keys, identity, contact, billing, idcode) VALUES
 (1, 'c000001 o2015 000001 o${today:0:4} 000001', 'aino virtanen',
  'aino virtanen example fi 358401234567 0401234567 mannerheimintie 1 00100 helsinki',
  'laskut virtanen example fi fi2112345600000785', '131052 308t'),
 (2, 'c000002 o${today:0:4} 000002', 'bertta muukalainen', 'bertta example fi turku', '', '');" \
                > seed.txt
        ! grep -qi error seed.txt
}

# dsr_pages OUT - every page of r.db and every frame of its WAL, decrypted.
dsr_pages() {
        python3 "$DSR_PAGEDUMP" "$KEY" r.db > "$1" || return 1
        if [ -s r.db-wal ]; then
                python3 "$DSR_PAGEDUMP" "$KEY" r.db-wal --wal >> "$1" || return 1
        fi
}

# dsr_count_in FILE VALUE - how many times VALUE occurs in FILE's bytes
dsr_count_in() {
        grep -aoF -- "$2" "$1" | wc -l
}

# add_customer LINES... - `customer add` with field=value lines on stdin,
# unlocked with "${U[@]}" (the caller's --db and --keyfile)
add_customer() {
        printf '%s\n' "$@" | "$R" customer add "${U[@]}" > add.txt 2>&1 ||
                bad "customer add: $(cat add.txt)"
}
