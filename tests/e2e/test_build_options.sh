#!/bin/bash
# test_build_options.sh - the product configures without the test tools:
# with cmocka and tmux hidden (a pkg-config directory holding every .pc
# file but cmocka's, and a PATH of every program but tmux), `meson setup`
# fails by default, naming what is missing (so the hiding works), and
# succeeds with -Dtests=false, defining no test at all. And the installed
# config follows the server options: `meson install --destdir` of a build
# set up with -Dserver_group=... (and the other names) installs a
# rekisteri.ini whose [server] names them and the installed binary, the
# rest as shipped, and the program reads it; without the options it names
# the defaults.
set -u
S=${SRCDIR:?}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

mkdir "$T/pc" "$T/bin"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
        [ -d "$d" ] && cp -L "$d"/*.pc "$T/pc/" 2> /dev/null
done
rm -f "$T/pc/cmocka.pc"
for d in /usr/local/bin /usr/bin /bin; do
        for p in "$d"/*; do
                n=$(basename "$p")
                [ "$n" = tmux ] || [ -e "$T/bin/$n" ] || ln -s "$p" "$T/bin/$n"
        done
done
hidden() { env PATH="$T/bin" PKG_CONFIG_LIBDIR="$T/pc" PKG_CONFIG_PATH= "$@"; }
hidden sh -c 'command -v tmux' > /dev/null && bad "tmux still on the PATH" || ok "tmux hidden"
hidden pkg-config --exists cmocka && bad "cmocka still found" || ok "cmocka hidden"

if hidden meson setup "$T/with" "$S" > with.log 2>&1; then
        bad "configured with tests although cmocka and tmux are missing"
else
        grep -qiE "cmocka|tmux" with.log && ok "the default build names what is missing" ||
                bad "default build failed for another reason: $(tail -3 with.log)"
fi
if hidden meson setup "$T/product" "$S" -Dtests=false > product.log 2>&1; then
        ok "-Dtests=false configures without cmocka and tmux"
        n=$(hidden meson introspect "$T/product" --tests | python3 -c \
                'import json,sys; print(len(json.load(sys.stdin)))')
        [ "$n" = 0 ] && ok "and defines no test" || bad "$n tests defined"
        hidden meson introspect "$T/product" --targets | grep -q '"name": "rekisteri"' &&
                ok "the product target is there" || bad "no rekisteri target"
else
        bad "-Dtests=false failed: $(tail -5 product.log)"
fi

# install_ini DIR [OPTIONS...] - set up DIR and install its config alone
# (the install tag "config") under DIR.root; prints the installed ini's path
install_ini() {
        local dir=$1
        shift
        meson setup "$dir" "$S" -Dtests=false -Dserver_setup=false --prefix /usr "$@" \
                > "$dir.log" 2>&1 &&
                meson install -C "$dir" --no-rebuild --tags config --destdir "$dir.root" \
                        >> "$dir.log" 2>&1 && echo "$dir.root/etc/rekisteri/rekisteri.ini"
}
plain=$(install_ini "$T/plain") || bad "default install: $(tail -5 "$T/plain.log")"
named=$(install_ini "$T/named" -Dserver_group=kassa -Dstaff_group=kassa-staff \
        -Dserver_user=kassajob -Dfetch_group=kassa-fetch) ||
        bad "named install: $(tail -5 "$T/named.log")"
for ini in "$plain" "$named"; do
        [ -f "$ini" ] || bad "meson install put no config at ${ini:-its place}"
done
if [ -f "$plain" ] && [ -f "$named" ]; then
        grep -qx 'group = rekisteri' "$plain" && ok "by default the installed ini says group = rekisteri" ||
                bad "default ini: $(grep -n '^group' "$plain")"
        for line in 'group = kassa' 'staff_group = kassa-staff' 'retention_user = kassajob' \
                'fetch_group = kassa-fetch' 'binary = /usr/bin/rekisteri'; do
                grep -qx -- "$line" "$named" && ok "-D options: the installed ini says $line" ||
                        bad "the installed ini lacks '$line': $(grep -n '^[a-z_]* = ' "$named" | tail -12)"
        done
        grep -q 'rekisteri$' <(grep -E '^(group|staff_group|retention_user|fetch_group) = ' "$named") &&
                bad "a default name is left in the installed ini" || ok "no default name is left in it"
        changed=$(diff "$S/data/rekisteri.ini" "$named" | grep -c '^>')
        [ "$changed" = 4 ] && ok "only those four lines differ from the shipped file" ||
                bad "$changed lines differ: $(diff "$S/data/rekisteri.ini" "$named")"
        cp "$named" "$T/n.ini" && chmod 644 "$T/n.ini"
        "${REKISTERI:?}" --config "$T/n.ini" check --db "$T/none.db" --keyfile /nonexistent \
                2> "$T/n.err"
        grep -q "no such register" "$T/n.err" && ok "the program reads the installed ini" ||
                bad "installed ini: $(cat "$T/n.err")"
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]
