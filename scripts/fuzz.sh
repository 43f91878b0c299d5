#!/bin/bash
# fuzz.sh - build every libFuzzer target with clang and fuzz each one.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Crashes land in build-fuzz/ as crash-*; replay one with
# build-fuzz/fuzz_NAME FILE, then add it to tests/fuzz/seeds/NAME/.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
scripts/deps.sh --test
mkdir -p build-fuzz
W="-std=c17 -D_GNU_SOURCE -DSQLITE_HAS_CODEC -DRK_DATADIR=\"/usr/share/rekisteri\" -DRK_SOURCE_DATADIR=\"$PWD/data\""
F="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude"
core=$(ls src/core/*.c)
libs="$(pkg-config --cflags --libs sqlcipher libsodium liboath libqrencode jansson) -liniparser"
for src in tests/fuzz/fuzz_*.c; do
        name=$(basename "$src" .c)
        echo "== $name: building"
        # shellcheck disable=SC2086
        clang $W $F $core "$src" $libs -o "build-fuzz/$name"
        target=${name#fuzz_}
        mkdir -p "build-fuzz/corpus-$target"
        echo "== $name: fuzzing for ${secs}s"
        "build-fuzz/$name" -max_total_time="$secs" "build-fuzz/corpus-$target" \
                "tests/fuzz/seeds/$target" 2>&1 | tail -3
done
