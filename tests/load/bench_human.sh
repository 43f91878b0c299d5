#!/bin/bash
# bench_human.sh ENCRYPTED_DRIVER PLAIN_DRIVER SECONDS N... - the
# human-paced load benchmark (issue 18): N sessions that each think 1-5 s
# between actions (rk_load --think: searches, views, edits, order entry),
# on an encrypted register and on the benchmark-only unencrypted build,
# for each N given. Prints p50/p95/p99/max per action for both with the
# ratio of the p99s, and the largest N whose encrypted view p99 stays
# under 50 ms. A benchmark reports; it fails only when a run failed its
# own checks (errors, lost updates, a broken audit chain).
set -u
enc=$1 plain=$2 secs=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
best=none
for n in "$@"; do
        for kind in enc plain; do
                drv=$enc; [[ $kind == plain ]] && drv=$plain
                "$drv" run --procs "$n" --seconds "$secs" --think >"$out/$kind.$n" 2>&1 ||
                        { cat "$out/$kind.$n"; exit 1; }
        done
        echo "== $n sessions, $secs s, thinking 1-5 s ($(grep -o '^operations: [0-9]* ([0-9]*/s)' "$out/enc.$n"))"
        python3 - "$out/enc.$n" "$out/plain.$n" <<'PY'
import re, sys
def read(path):
    got = {}
    for line in open(path):
        m = re.match(r"(\w[\w ]*) latency: p50 ([\d.]+) ms, p95 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms", line)
        if m:
            got[m.group(1)] = [float(x) for x in m.groups()[1:]]
    return got
e, p = read(sys.argv[1]), read(sys.argv[2])
print(f"{'action':12} {'encrypted p50/p95/p99/max ms':>30} {'unencrypted p50/p95/p99/max ms':>32} {'p99 ratio':>9}")
for a in ("search", "view", "edit", "order entry"):
    if a in e and a in p:
        fe = "/".join(f"{x:.1f}" for x in e[a]); fp = "/".join(f"{x:.1f}" for x in p[a])
        r = e[a][2] / p[a][2] if p[a][2] else 0
        print(f"{a:12} {fe:>30} {fp:>32} {r:9.2f}")
PY
        p99=$(sed -n 's/^view latency: .* p99 \([0-9.]*\) ms.*/\1/p' "$out/enc.$n")
        if python3 -c "import sys; sys.exit(0 if float('$p99') < 50 else 1)"; then best=$n; fi
done
echo
echo "largest N tried with an encrypted view p99 under 50 ms: $best"
