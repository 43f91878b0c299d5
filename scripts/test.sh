#!/bin/bash
# test.sh - the whole test suite, as CI runs it: install what is missing,
# build with -Werror under AddressSanitizer and UndefinedBehaviorSanitizer,
# run every unit and end-to-end test; then build the product once more as
# it ships (optimised, fortified, no sanitizers) and run there the tests
# that only mean something on that binary (hardening, idle memory); end
# with "N passed, N failed" over both. Exits non-zero when anything failed.
# With test names as arguments, only those run, in the sanitizer build.
set -u
cd "$(dirname "$0")/.." || exit 1
scripts/deps.sh --test || { echo "0 passed, 1 failed"; exit 1; }
B=build-test
if [ ! -f "$B/build.ninja" ]; then
        meson setup "$B" --buildtype=debug -Dwerror=true -Db_sanitize=address,undefined \
                -Db_lundef=false > "$B.setup.log" 2>&1 ||
                { cat "$B.setup.log"; echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$B" || { echo "0 passed, 1 failed"; exit 1; }
meson test -C "$B" --print-errorlogs --num-processes "$(nproc)" "$@"
logs=("$B/meson-logs/testlog.json")
if [ $# = 0 ]; then
        P=build-release
        if [ ! -f "$P/build.ninja" ]; then
                # -Werror is the sanitizer build's job: -O3 with fortify adds
                # format-truncation guesses that it need not stop this check
                meson setup "$P" --buildtype=release > "$P.setup.log" 2>&1 ||
                        { cat "$P.setup.log"; echo "0 passed, 1 failed"; exit 1; }
        fi
        # the catalogs too: the hardening test installs the release build
        ninja -C "$P" rekisteri tests/load/rk_load rekisteri-gmo || { echo "0 passed, 1 failed"; exit 1; }
        meson test -C "$P" --no-rebuild --print-errorlogs e2e_hardening e2e_memory
        logs+=("$P/meson-logs/testlog.json")
fi
cat "${logs[@]}" > "$B/meson-logs/all-testlog.json"
python3 scripts/test-summary.py "$B/meson-logs/all-testlog.json"
