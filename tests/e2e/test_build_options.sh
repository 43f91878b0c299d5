#!/bin/bash
# test_build_options.sh - the product configures without the test tools:
# with cmocka and tmux hidden (a pkg-config directory holding every .pc
# file but cmocka's, and a PATH of every program but tmux), `meson setup`
# fails by default, naming what is missing (so the hiding works), and
# succeeds with -Dtests=false, defining no test at all.
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

echo "$fails failure(s)"
[ "$fails" = 0 ]
