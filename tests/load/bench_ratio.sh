#!/bin/bash
# bench_ratio.sh ENCRYPTED_DRIVER PLAIN_DRIVER PROCS SECONDS [ROUNDS] - the
# load benchmark: the same mixed load (searches, views, edits) by PROCS
# sessions for SECONDS, on an encrypted register and on the benchmark-only
# unencrypted build, ROUNDS times each (default 3), then throughput and
# view latency side by side with the ratio.
#
# On a shared machine one pair of runs says more about what else ran than
# about encryption, so the runs alternate in pairs whose order flips each
# round (E P, P E, E P, ...: a machine growing busier or quieter favours
# neither side), each pair gives a ratio, and the table shows the median of
# each figure with the ratio's median and its spread (lowest-highest over
# the pairs). Pages per action are SQLite's own counts (rk_load prints
# them), which load cannot change. A benchmark reports; it never fails on
# a slow machine (only a run that itself failed its checks - an error seen
# by a session, a lost update, a broken chain - makes it exit non-zero).
set -u
enc=$1 plain=$2 procs=$3 secs=$4 rounds=${5:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { # run DRIVER NAME ROUND
        echo "== $2, round $3"
        "$1" run --procs "$procs" --seconds "$secs" > "$out/$2.$3" 2>&1
        local rc=$?
        cat "$out/$2.$3"
        return $rc
}
for ((i = 1; i <= rounds; i++)); do
        if ((i % 2)); then
                run "$enc" enc "$i" || exit 1
                run "$plain" plain "$i" || exit 1
        else
                run "$plain" plain "$i" || exit 1
                run "$enc" enc "$i" || exit 1
        fi
done
python3 - "$out" "$rounds" <<'PY'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])

def figures(path):
    text = open(path).read()
    ops = float(re.search(r"^operations: \d+ \(([0-9.]+)/s\)", text, re.M).group(1))
    lat = re.search(r"^view latency: p50 ([0-9.]+) ms, p95 ([0-9.]+) ms, "
                    r"p99 ([0-9.]+) ms, max ([0-9.]+) ms", text, re.M)
    cpu = float(re.search(r"^processor time of the sessions: .* ([0-9.]+) ms per operation",
                          text, re.M).group(1))
    pages = re.findall(r"^pages per (\w+): read ([0-9.]+), from cache [0-9.]+, "
                       r"written ([0-9.]+)", text, re.M)
    return [ops] + [float(x) for x in lat.groups()] + [cpu], pages

enc = [figures(f"{out}/enc.{i}") for i in range(1, rounds + 1)]
plain = [figures(f"{out}/plain.{i}") for i in range(1, rounds + 1)]
names = ["throughput (ops/s)", "view p50 (ms)", "view p95 (ms)", "view p99 (ms)",
         "view max (ms)", "cpu per operation (ms)"]
ratios = [p[0][0] / e[0][0] for e, p in zip(enc, plain)]
print(f"\nmedian of {rounds} runs each, alternating")
print(f"{'':24}{'encrypted':>11}{'unencrypted':>13}{'ratio':>8}")
for k, name in enumerate(names):
    e = statistics.median(r[0][k] for r in enc)
    p = statistics.median(r[0][k] for r in plain)
    ratio = e / p if k and p else p / e if e else 0
    d = 0 if k == 0 else 3 if k == 5 else 1
    print(f"{name:24}{e:11.{d}f}{p:13.{d}f}{ratio:8.2f}")
print(f"throughput ratio (unencrypted / encrypted), per pair: "
      + ", ".join(f"{r:.2f}" for r in ratios)
      + f"; median {statistics.median(ratios):.2f}, spread {min(ratios):.2f}-{max(ratios):.2f}")
print("pages per action (encrypted; each read is decrypted and MAC-checked, "
      "each written one encrypted and MACed):")
for action, read, written in enc[0][1]:
    rs = [float(p[1]) for r in enc for p in r[1] if p[0] == action]
    ws = [float(p[2]) for r in enc for p in r[1] if p[0] == action]
    print(f"  {action:8} read {statistics.median(rs):5.1f}, written {statistics.median(ws):5.1f}")
PY
