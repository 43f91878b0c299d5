#!/bin/bash
# bench_ratio.sh ENCRYPTED_DRIVER PLAIN_DRIVER PROCS SECONDS - the load
# benchmark: the same mixed load (searches, views, edits) by PROCS sessions
# for SECONDS, once on an encrypted register and once on the benchmark-only
# unencrypted build, then throughput and view latency side by side with the
# ratio. A benchmark reports; it never fails on a slow machine (only a run
# that itself failed its checks makes it exit non-zero).
set -u
enc=$1 plain=$2 procs=$3 secs=$4
run() { # run DRIVER OUT
        "$1" run --procs "$procs" --seconds "$secs" > "$2" 2>&1
        local rc=$?
        cat "$2"
        return $rc
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== encrypted"; run "$enc" "$out/enc" || exit 1
echo "== unencrypted"; run "$plain" "$out/plain" || exit 1
ops() { sed -n 's/^operations: [0-9]* (\([0-9.]*\)\/s).*/\1/p' "$1"; }
p95() { sed -n 's/^view latency: .* p95 \([0-9.]*\) ms.*/\1/p' "$1"; }
python3 - "$(ops "$out/enc")" "$(ops "$out/plain")" "$(p95 "$out/enc")" "$(p95 "$out/plain")" <<'PY'
import sys
eo, po, ep, pp = (float(x) for x in sys.argv[1:5])
print(f"\n{'':28}{'encrypted':>12}{'unencrypted':>13}{'ratio':>8}")
print(f"{'throughput (ops/s)':28}{eo:12.0f}{po:13.0f}{po / eo:8.2f}  (unencrypted / encrypted)")
print(f"{'view p95 (ms)':28}{ep:12.1f}{pp:13.1f}{ep / pp if pp else 0:8.2f}")
PY
