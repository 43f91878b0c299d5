#!/bin/bash
# test_scrub.sh - forgetting finishes by itself when a reader is present.
#   1. A second process (the sqlcipher shell) holds a read transaction on
#      the register while C000001 is erased by request. The erasure
#      commits; its message says what is pending and that it finishes by
#      itself; `check` reports the pending WAL truncation and its age
#      while the reader is there, and the subject's values are still on
#      disk (the old pages the reader's snapshot needs: the proof that the
#      check after it can fail).
#   2. The reader ends; one ordinary command (`customer show` of another
#      customer) runs while an idle second connection stays open (so the
#      command is not the last connection, whose close would checkpoint
#      anyway). No manual step: every decrypted page of the
#      database and every frame of its WAL (tests/tools/pagedump.py) is
#      free of the subject's values and index terms, and `check` has
#      nothing pending.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
python3 -c 'import cryptography' 2> /dev/null || { echo "SKIP: python3-cryptography"; exit 77; }
cli_config '[database]' 'busy_timeout_ms = 300'
dsr_register || { bad "register"; exit 1; }
dsr_seed || { bad "seeding: $(cat seed.txt)"; exit 1; }
U=(--db r.db --keyfile dpo.key)

# the reader: a read transaction held open until its input ends
mkfifo reader.in
sqlcipher r.db < reader.in > reader.out 2>&1 &
reader=$!
exec 7> reader.in
printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\nBEGIN;\nSELECT count(*) FROM customers;\n' "$KEY" >&7
for _ in $(seq 50); do grep -q '^2$' reader.out && break; sleep 0.1; done
grep -q '^2$' reader.out && ok "a second process holds a read transaction" || bad "reader: $(cat reader.out)"

expect_rc 0 "erasure request" "$R" dsr new --type erasure --subject C000001 \
        --verified "in person" "${U[@]}"
expect_rc 0 "the erasure commits with the reader present" "$R" dsr execute 1 "${U[@]}"
grep -q "the erasure is committed; still pending: another session is reading" out.txt &&
        grep -q "truncated by itself, when that session ends or at the next command" out.txt &&
        ok "the message says what is committed, what is pending, and that it finishes by itself" ||
        bad "message: $(cat out.txt)"
expect_rc 0 "check while the reader is there" "$R" check "${U[@]}"
grep -qE "pending after a forgetting: truncating the write-ahead log, owed for [0-9]+ s" out.txt &&
        ok "check shows the pending truncation with its age" || bad "check: $(cat out.txt)"
dsr_pages held.bin || bad "pagedump"
[ "$(dsr_count_in held.bin "aino.virtanen@example.fi")" -gt 0 ] &&
        ok "while the reader holds its snapshot, the old pages are still on disk" ||
        bad "the values were gone already: the check below would prove nothing"

# another session stays connected, idle (so no command here is the last
# connection to close, which would checkpoint by SQLite's own doing)
mkfifo idle.in
sqlcipher r.db < idle.in > idle.out 2>&1 7>&- &
idle=$!
exec 8> idle.in
printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\nSELECT count(*) FROM users;\n' "$KEY" >&8
for _ in $(seq 50); do grep -q '^1$' idle.out && break; sleep 0.1; done
grep -q '^1$' idle.out && ok "an idle second connection stays open" || bad "idle: $(cat idle.out)"

# the reader ends; one ordinary command later, nothing is left
exec 7>&-
wait "$reader"
expect_rc 0 "an ordinary command after the reader ended" "$R" customer show C000002 "${U[@]}"
dsr_pages after.bin || bad "pagedump"
left=0
for v in "${SUBJECT_VALUES[@]}"; do
        n=$(dsr_count_in after.bin "$v")
        [ "$n" = 0 ] || { bad "'$v' still on disk ($n)"; left=1; }
done
[ "$left" = 0 ] && ok "no value or index term of the subject in any page or WAL frame"
[ "$(dsr_count_in after.bin "Bertta Muukalainen")" -gt 0 ] && ok "the other customer is there" ||
        bad "the dump sees nothing at all"
expect_rc 0 "check afterwards" "$R" check "${U[@]}"
grep -q pending out.txt && bad "still pending: $(cat out.txt)" || ok "nothing pending"
exec 8>&-
wait "$idle"
cli_done
