#!/bin/bash
# test.sh - the whole test suite, as CI runs it: install what is missing,
# build with -Werror under AddressSanitizer and UndefinedBehaviorSanitizer,
# run every unit and end-to-end test, and end with "N passed, N failed".
# Exits non-zero when anything failed.
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
python3 scripts/test-summary.py "$B/meson-logs/testlog.json"
