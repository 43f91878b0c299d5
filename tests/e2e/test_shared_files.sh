#!/bin/bash
# test_shared_files.sh - the multi-user server layout: every file the
# program creates beside the register is readable and writable by the
# register's group and by nobody else, so each staff Unix user and the
# retention job's user can do every step their register role allows.
#
# Setup (needs root, else skipped): a file group owning the register
# directory (2770) and files (0660), a setgid copy of the binary, and three
# Unix users outside that group: two staff members and the retention job,
# each with a key file of their own (0600, their own). Checks:
#   - staff A erases a person: the ledger beside the register appears
#     0660 with the file group;
#   - staff B erases another person (this failed with "Permission denied"
#     when the ledger was 0600 and A's);
#   - the retention user runs retention, which writes the same ledger;
#   - A writes an access export into a shared (setgid) export directory:
#     the files are 0660 with the group, and the message says so;
#   - B takes a backup into the shared directory, A restores it there:
#     the backup set and the restored register's files are 0660 with the
#     group, no "other" bit anywhere, and no staged file is left;
#   - in the single-user layout (tests/e2e/test_restore.sh,
#     test_backup.sh) the same files stay 0600.
source "$(dirname "$0")/cli_lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to create Unix users"; exit 77; }
SUF=$(printf '%05d' $((RANDOM % 100000)))
FILEGRP=rkg$SUF UA=rkx$SUF UB=rky$SUF UR=rkr$SUF
cleanup() {
        for u in "$UA" "$UB" "$UR"; do userdel "$u" 2> /dev/null; done
        groupdel "$FILEGRP" 2> /dev/null
        rm -rf "$T"
}
trap cleanup EXIT
groupadd "$FILEGRP"
for u in "$UA" "$UB" "$UR"; do useradd -M -d /nonexistent -s /bin/sh -p '*' "$u"; done
chmod 755 "$T"

# one person holds the admin and the supervisor key here (README, Roles)
printf '[accounts]\ncombine_duties = 1\n' >> "$REKISTERI_CONFIG"
"$R" demo --db r.db --customers 40 --seed 3 > demo.out 2>&1 || { bad "demo"; exit 1; }
read -r _ _ APW ASEC < <(grep '^admin ' r.db.users)
rk_cli_totp "$ASEC" now "$APW" "$R" key add-file --db r.db --user admin --password-stdin \
        --label dpo --roles supervisor,admin \
        --out dpo.key > /dev/null 2>&1 || { bad "key file"; exit 1; }
# (a setgid start reads no test config, so the built-in supervisor role)
"$R" key add-file --db r.db --keyfile dpo.key --label retention --roles supervisor \
        --out ret.key > /dev/null 2>&1 || { bad "retention key file"; exit 1; }
for n in 3 5; do
        "$R" dsr new --type erasure --subject "C00000$n" --verified "in person" --db r.db \
                --keyfile dpo.key > /dev/null 2>&1 || bad "dsr new C00000$n"
done
"$R" dsr new --type access --subject C000007 --verified "in person" --db r.db \
        --keyfile dpo.key > /dev/null 2>&1 || bad "dsr new access"
mkdir bin data keys
install -m 2755 -g "$FILEGRP" "$R" bin/rekisteri
mv r.db r.db.keys data/
rm -f r.db-wal r.db-shm
chgrp -R "$FILEGRP" data && chmod 2770 data && chmod 0660 data/r.db data/r.db.keys
for u in "$UA" "$UB"; do install -m 0600 -o "$u" dpo.key "keys/$u.key"; done
install -m 0600 -o "$UR" ret.key "keys/$UR.key"
G=$T/bin/rekisteri
as() { # USER ARGS... - run the setgid binary as USER with USER's key file
        local u=$1
        shift
        runuser -u "$u" -- "$G" "$@" --db data/r.db --keyfile "keys/$u.key"
}
shared() { # FILE - 0660, the file group, no other bit
        [ "$(stat -c '%a %G' "$1")" = "660 $FILEGRP" ]
}

as "$UA" dsr execute 1 > a.txt 2>&1 && ok "staff A erases C000003" || bad "A: $(cat a.txt)"
shared data/r.db.erased && ok "the ledger is 0660 with the register's group" ||
        bad "ledger: $(stat -c '%a %U:%G' data/r.db.erased)"
as "$UB" dsr execute 2 > b.txt 2>&1 && ok "staff B, another Unix user, erases C000005" ||
        bad "B: $(cat b.txt)"
[ "$(sqlite3 data/r.db.erased 'SELECT count(*) FROM erasures;')" = 2 ] &&
        ok "both erasures are in the shared ledger" || bad "ledger entries"
as "$UR" retention run > r.txt 2>&1 && ok "the retention user runs retention" ||
        bad "retention: $(cat r.txt)"
[ "$(sqlite3 data/r.db.erased 'SELECT count(*) FROM erasures;')" -gt 2 ] &&
        ok "retention wrote the same ledger" || bad "retention ledger"
mkdir data/exports && chgrp "$FILEGRP" data/exports && chmod 2770 data/exports
as "$UA" dsr execute 3 --out data/exports > x.txt 2>&1 && ok "A writes an access export into the shared export directory" ||
        bad "export: $(cat x.txt)"
shared data/exports/dsr-3.json && shared data/exports/dsr-3.txt &&
        grep -q "(mode 0660)" x.txt && ok "the export files are 0660 with the group, and it says so" ||
        bad "export: $(stat -c '%a %U:%G' data/exports/dsr-3.*) / $(cat x.txt)"
as "$UB" backup --out data/bk.db > bk.txt 2>&1 && ok "B takes a backup into the shared directory" ||
        bad "backup: $(cat bk.txt)"
bad=0
for f in data/bk.db data/bk.db.keys data/bk.db.erased; do
        shared "$f" || { bad "$f: $(stat -c '%a %U:%G' "$f")"; bad=1; }
done
[ "$bad" = 0 ] && ok "the backup set is 0660 with the group"
REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' demo.out | head -1)
runuser -u "$UA" -- "$G" restore --from data/bk.db --db data/new.db --ledger data/r.db.erased \
        --password-stdin <<< "$REC" \
        > rs.txt 2>&1 && ok "A restores it there" || bad "restore: $(cat rs.txt)"
bad=0
for f in data/new.db data/new.db.keys data/new.db.erased; do
        shared "$f" || { bad "$f: $(stat -c '%a %U:%G' "$f")"; bad=1; }
done
[ "$bad" = 0 ] && ok "the restored register's files are 0660 with the group"
ls data/*.restoring* > /dev/null 2>&1 && bad "staged files left" || ok "no staged file left"
as "$UB" check > c.txt 2>&1 && ok "B opens the register afterwards" || bad "check: $(cat c.txt)"
others=$(find data -perm /007 | wc -l)
[ "$others" = 0 ] && ok "no file there gives anything to others" || bad "$(find data -perm /007)"
cli_done
