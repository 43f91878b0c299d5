#!/bin/bash
# fuzz.sh - build every libFuzzer target with clang and fuzz each one.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Crashes land in the current directory as crash-*; replay one with
# build-fuzz/tests/fuzz/fuzz_NAME FILE, then add it to tests/fuzz/seeds/NAME/.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
scripts/deps.sh --test
# The flags, defines and libraries come from meson (-Dfuzz=true adds
# -fsanitize=fuzzer-no-link to every object and links tests/fuzz/fuzz_NAME
# with libFuzzer); only the compiler and the sanitizers are chosen here.
B=build-fuzz
if [ ! -f "$B/build.ninja" ]; then
        CC=clang meson setup "$B" --buildtype=debugoptimized -Dfuzz=true \
                -Db_sanitize=address,undefined -Db_lundef=false \
                -Dc_args=-fno-sanitize-recover=undefined > "$B.setup.log" 2>&1 ||
                { cat "$B.setup.log"; exit 1; }
fi
targets=()
for src in tests/fuzz/fuzz_*.c; do targets+=("tests/fuzz/$(basename "$src" .c)"); done
ninja -C "$B" "${targets[@]}"
for t in "${targets[@]}"; do
        name=$(basename "$t")
        target=${name#fuzz_}
        mkdir -p "$B/corpus-$target"
        echo "== $name: fuzzing for ${secs}s"
        "$B/$t" -max_total_time="$secs" "$B/corpus-$target" "tests/fuzz/seeds/$target" 2>&1 |
                tail -3
done
