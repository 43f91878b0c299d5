#!/bin/bash
# bench_import.sh ENCRYPTED PLAIN [ROWS] - the import benchmark
# (bench_import.c) on an encrypted register and on the benchmark-only
# unencrypted build, with the ratio. The target is under 30 s for 100,000
# rows; a benchmark reports it, and fails only when a run failed its own
# checks.
set -u
enc=$1 plain=$2 rows=${3:-100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir "$out/enc" "$out/plain"
echo "== encrypted"; "$enc" "$out/enc" "$rows" | tee "$out/enc.txt" || exit 1
echo "== unencrypted"; "$plain" "$out/plain" "$rows" | tee "$out/plain.txt" || exit 1
total() { sed -n 's/^total: \([0-9.]*\) s.*/\1/p' "$1"; }
python3 - "$(total "$out/enc.txt")" "$(total "$out/plain.txt")" "$rows" <<'PY'
import sys
e, p, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"\nimport of {n} rows: encrypted {e:.1f} s, unencrypted {p:.1f} s, "
      f"ratio {e / p:.2f} (encrypted / unencrypted)")
if n == 100000:
    print(f"target under 30 s for 100000 rows: {'met' if max(e, p) < 30 else 'NOT met'}")
PY
