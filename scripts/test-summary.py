#!/usr/bin/env python3
"""scripts/test-summary.py - one-line verdict from a meson test log.

Reads meson's build/meson-logs/testlog.json (one JSON object per line with
"name", "result" and "duration"), prints one line per failing test, and as
the last line exactly `N passed, M failed` (with `, K skipped` when K > 0).
OK and EXPECTEDFAIL count as passed; FAIL, TIMEOUT, ERROR and
UNEXPECTEDPASS as failed; SKIP as skipped. An unknown result counts as
failed, so a new meson verdict cannot slip through as a pass.

Exit status: 0 when something passed and nothing failed; 1 when a test
failed or no test ran (all skipped counts as none ran); 2 when the log
cannot be read or parsed.

Usage: scripts/test-summary.py [build/meson-logs/testlog.json]
       scripts/test-summary.py --self-test
"""

import json
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
SKIPPED = {"SKIP"}
DEFAULT_LOG = "build/meson-logs/testlog.json"


def summarize(lines):
    """Return (failing lines, summary line, exit status) for log lines.

    Raises ValueError on a line that is not a JSON object with a name and
    a result."""
    passed = failed = skipped = 0
    failures = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            name, result = entry["name"], str(entry["result"])
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError("line %d: not a meson test entry (%s)" % (number, exc))
        if result in PASSED:
            passed += 1
        elif result in SKIPPED:
            skipped += 1
        else:
            failed += 1
            duration = entry.get("duration")
            took = " %.1fs" % duration if isinstance(duration, (int, float)) else ""
            failures.append("FAILED %s (%s%s)" % (name, result, took))
    summary = "%d passed, %d failed" % (passed, failed)
    if skipped:
        summary += ", %d skipped" % skipped
    status = 1 if failed or passed + failed == 0 else 0
    return failures, summary, status


def self_test():
    """Check summarize() on small logs; return 0 when all pass."""
    def log(*results):
        return [json.dumps({"name": "t%d" % i, "result": r, "duration": 0.5})
                for i, r in enumerate(results)]

    cases = [
        (log("OK", "OK", "EXPECTEDFAIL"), ([], "3 passed, 0 failed", 0)),
        (log("OK", "SKIP", "SKIP"), ([], "1 passed, 0 failed, 2 skipped", 0)),
        (log("OK", "FAIL", "TIMEOUT"),
         (["FAILED t1 (FAIL 0.5s)", "FAILED t2 (TIMEOUT 0.5s)"],
          "1 passed, 2 failed", 1)),
        (log("ERROR", "UNEXPECTEDPASS", "WEIRD"),
         (["FAILED t0 (ERROR 0.5s)", "FAILED t1 (UNEXPECTEDPASS 0.5s)",
           "FAILED t2 (WEIRD 0.5s)"], "0 passed, 3 failed", 1)),
        ([], ([], "0 passed, 0 failed", 1)),
        (log("SKIP") + [""], ([], "0 passed, 0 failed, 1 skipped", 1)),
    ]
    bad = 0
    for lines, want in cases:
        got = summarize(lines)
        if got != want:
            bad += 1
            print("self-test: %r\n  got  %r\n  want %r" % (lines, got, want))
    try:
        summarize(["{not json"])
        bad += 1
        print("self-test: bad JSON was accepted")
    except ValueError:
        pass
    print("test-summary self-test: %s" % ("FAILED" if bad else "ok"))
    return 1 if bad else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        sys.stderr.write(__doc__.split("\n\n")[-1])
        return 2
    path = argv[1] if len(argv) == 2 else DEFAULT_LOG
    try:
        with open(path, encoding="utf-8") as f:
            failures, summary, status = summarize(f.read().splitlines())
    except (OSError, ValueError) as exc:
        sys.stderr.write("test-summary: %s: %s\n" % (path, exc))
        return 2
    for line in failures:
        print(line)
    if status and not failures:
        print("no test ran", file=sys.stderr)
    print(summary)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
