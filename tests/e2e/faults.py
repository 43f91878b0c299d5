#!/usr/bin/env python3
"""faults.py - the fault-injection sweep (driven by test_faults.sh).

For each path (a CLI command run the way a user runs it) it first runs the
command once on a fresh copy of the fixture register with the fault
library counting (RK_FAULT_N=0), to learn how many reads, writes and syncs
the command makes on each file of the register (r.db, r.db-wal,
r.db.keys, ...) and on the path's own files (the CSV an import reads, the
config privacy check reads, the backup a restore drill copies), and what
a successful run leaves behind. Then, for a
spread of N over every (file, op) it saw, it runs the command again on a
fresh copy with the Nth such call failing (EIO; for writes every other N
ENOSPC), and checks:

  1. the command exits 0 or 1; on 1 its message names the cause (an I/O
     error or a full disk); on 0 the fault was absorbed and the register
     holds exactly what a successful run leaves;
  2. no false finding: no "tampered/altered/deleted/inserted/reordered",
     no "damaged/corrupt" unless check really finds damage, and "nothing
     was changed" only when the data is as before;
  3. no new audit row says ok for the operation when the command failed;
  4. `check` and `audit verify` (with K0) pass afterwards;
  5. no committed data is lost: a failed atomic command leaves the data as
     before (a merge: both customers as they were); a stepwise one
     (retention run) leaves each row either as before or as a successful
     run leaves it; one that commits in batches (an import) leaves the data
     as before or as a successful run, never a batch half done, records
     that it failed after its job's start row, and run again it resumes and
     ends as a successful run does;
  6. a failed command that prints personal data (customer show, the merge's
     side-by-side plan, the duplicate pairs) prints none before the audit
     rows of that view are committed;
  7. a drill that only reads (restore --verify-only) leaves the backup as
     it was and no staging directory behind, and an I/O fault is never
     reported as a wrong key or as a damaged backup.

A fault counts only when the library logged that it fired. The report has
one line per path: faults injected (by op) and violations. Exit 1 when a
rule was broken or a path injected no fault.

A path that rotates the register's keys (key rotate, user disable) is read
afterwards with the raw key the recovery key gives (`key dump-raw`), so
rule 4 also means: whatever the fault, the register opens with its slot
file, under the old key or the new one.

A command that logs in (the login path) gets its TOTP code when it runs.
A code that expired between computing it and the program checking it (a
loaded machine) is not a finding: the command runs once more on a fresh
copy with a fresh code, as the shell tests' rk_cli_totp does (attempt);
the sweep first shows that this retry works (prove_retry).

Usage: faults.py FIXTURE_DIR  (environment: REKISTERI, RK_FAULT_LIB, KEY, K0,
       REC, PW, TOTP_SECRET, RK_FAULT_MAX)
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

R = os.environ["REKISTERI"]
LIB = os.environ["RK_FAULT_LIB"]
KEY = os.environ["KEY"]
K0 = os.environ["K0"]
REC = os.environ["REC"]
PW = os.environ["PW"]
SECRET = os.environ["TOTP_SECRET"]
FIX = sys.argv[1]
# how many N to try per (file, op): the named paths, and every other command
MANY = int(os.environ.get("RK_FAULT_MAX", "5"))
FEW = 1
# a stepwise command's record of its own progress: an interrupted run is
# recorded as such, so these rows may be neither as before nor as after
JOURNAL = {"retention_runs", "retention_run_counts"}
# Broken rules this sweep found in code other issues are rewriting; each is
# printed as KNOWN (not hidden) and reported, and every other rule on these
# paths still counts. path: the violations tolerated (a regular expression)
KNOWN = {
    # none now: dsr new became one transaction (request, subjects and
    # verification commit together), so its findings count like any other
}
# Found on every path, matched against the fault and the message (none
# now: a read error on the server key file or the slot file is reported as
# the I/O error it is)
GLOBAL_KNOWN = r"(?!)"
WORKERS = int(os.environ.get("RK_FAULT_WORKERS", "2"))

KEYFILE = ["--db", "r.db", "--keyfile", "dpo.key"]
FILES = ["r.db", "r.db-wal", "r.db.keys", "r.db.keys-wal", "r.db-journal",
         "r.db.keys-journal", "r.db.serverkey", "r.db.erased", "r.db.rotate",
         "r.db.rotate-journal"]
# paths whose success changes the database key
ROTATING = {"key rotate", "user disable"}
CAUSE = re.compile(r"I/O error|disk is full|disk full|No space left|input/output error", re.I)
FALSE_TAMPER = re.compile(r"tamper|altered|deleted|inserted|reordered", re.I)
DAMAGED = re.compile(r"damaged|corrupt", re.I)
NOTHING = re.compile(r"nothing was changed", re.I)
# a key or a password said to be wrong: an I/O fault is not a wrong key
FALSE_KEY = re.compile(r"no keyslot accepts|did not open with this key", re.I)


# The TOTP code of a command line: "--totp", CODE in a path's argv is
# given the code when the command runs (attempt, below).
CODE = "(code)"
# The refusals that may be a code that expired on the way (tests/e2e/
# totp_lib.sh, RK_CODE_REFUSED)
CODE_REFUSED = re.compile(r"the code is not valid|"
                          r"login failed: wrong username, password or code")


def step_now():
    """The current 30-second TOTP step."""
    return int(time.time()) // 30


def totp(step):
    """The TOTP code of the 30-second step."""
    return subprocess.run(["oathtool", "--totp", "-b", SECRET, "-N", "@%d" % (step * 30)],
                          capture_output=True, text=True, check=True).stdout.strip()


def with_code(argv, step):
    """argv with the code of step in the place of CODE (as it is without)."""
    return [totp(step) if a == CODE else a for a in argv]


# an import saves in batches of 500 rows, each with its customers' audit
# rows; the job (import_jobs, its "import" or "import.resume" row) is its
# journal, and a failed save is recorded as "import" failed
IMPORTING = {"batches": True, "journal": {"import_jobs"}, "resume": True,
             "job": ("import", {"import", "import.resume"})}

# name, argv (after the binary), stdin, audit actions of the operation,
# stepwise (commits in steps), many (a named path: more N), secret text
# that a failed run must not print; optionally, further rules:
#   files    more files to fault (beside the register's FILES)
#   k        how many N per (file, op), instead of MANY or FEW
#   batches  a failed run leaves the data (but the journal tables) as
#            before or as a successful run, never a batch half done
#   journal  the tables that record the run's own progress
#   resume   run again after a failure, it ends as a successful run does
#   viewed   (action, n): the secret may be printed by a failed run only
#            once n such ok rows are committed (the view is audited first)
#   job      (action, start actions): a failed run whose job started (an ok
#            start row) has a later failed row of action
#   document prints a document: its words are not findings (stderr is)
#   keep     files the command only reads: they stay as they were, and no
#            staging directory (.rekisteri-verify-*) is left behind
PATHS = [
    # the login itself is judged by LOGIN_RULES (check may fail after it)
    ("login", lambda: ["check", "--db", "r.db", "--user", "hannele", "--password-stdin",
                       "--totp", CODE], PW + "\n", set(), False, True, None),
    ("customer view", lambda: ["customer", "show", "C000001"] + KEYFILE, "",
     {"customer.view"}, False, True, "Aino"),
    ("customer save", lambda: ["customer", "add"] + KEYFILE,
     "name=Uusi Asiakas\nemail=uusi@example.fi\n", {"customer.create"}, False, True,
     None),
    ("search (dsr find)", lambda: ["dsr", "find"] + KEYFILE, "Virtanen\n",
     {"dsr.search"}, False, True, None),
    ("erasure (dsr execute)", lambda: ["dsr", "execute", "2"] + KEYFILE, "",
     {"dsr.execute", "dsr.erase", "customer.erase"}, False, True, None),
    ("retention run", lambda: ["retention", "run"] + KEYFILE, "", {"retention.run"},
     True, True, None),
    ("check", lambda: ["check"] + KEYFILE, "", set(), False, False, None),
    ("user list", lambda: ["user", "list"] + KEYFILE, "", set(), False, False, None),
    ("user add", lambda: ["user", "add", "eero", "--roles", "sales"] + KEYFILE, "",
     {"user.add", "account.create"}, False, True, None),
    ("user disable", lambda: ["user", "disable", "sanna"] + KEYFILE, "",
     {"user.disable", "account.disable"}, False, True, None),
    ("audit verify", lambda: ["audit", "verify", "--key-file", "k0.txt"] + KEYFILE, "",
     {"audit.verify"}, False, False, None),
    ("audit list", lambda: ["audit", "list"] + KEYFILE, "", {"audit.list"}, False,
     False, None),
    ("audit export", lambda: ["audit", "export", "--out", "a.csv"] + KEYFILE, "",
     {"audit.export"}, False, False, None),
    ("audit subject", lambda: ["audit", "subject", "1"] + KEYFILE, "", {"audit.list"},
     False, False, None),
    ("audit user", lambda: ["audit", "user", "hannele"] + KEYFILE, "",
     {"audit.user_report"}, False, False, None),
    ("key list", lambda: ["key", "list"] + KEYFILE, "", set(), False, False, None),
    ("key add-file", lambda: ["key", "add-file", "--label", "k2", "--out", "k2.key"]
     + KEYFILE, "", {"key.add_file"}, False, False, None),
    ("dsr new", lambda: ["dsr", "new", "--type", "access", "--subject", "C000002"]
     + KEYFILE, "", {"dsr.create"}, False, False, None),
    ("dsr list", lambda: ["dsr", "list"] + KEYFILE, "", {"dsr.list"}, False, False, None),
    ("dsr preview", lambda: ["dsr", "preview", "2"] + KEYFILE, "", {"dsr.preview"},
     False, False, None),
    ("dsr close", lambda: ["dsr", "close", "2", "--outcome", "withdrawn"] + KEYFILE, "",
     {"dsr.close"}, False, False, None),
    ("dsr check", lambda: ["dsr", "check"] + KEYFILE, "email=aino.virtanen@example.fi\n",
     set(), False, False, None),
    ("retention plan", lambda: ["retention", "plan"] + KEYFILE, "", {"retention.plan"},
     False, False, None),
    ("retention hold", lambda: ["retention", "hold", "C000002", "--reason", "riita"]
     + KEYFILE, "", {"retention.hold"}, False, False, None),
    ("backup", lambda: ["backup", "--out", "b.db"] + KEYFILE, "", {"backup.create"},
     False, True, None),
    ("key rotate", lambda: ["key", "rotate"] + KEYFILE, "", {"key.rotate"}, False, True,
     None),
    # imp.csv: an update of C000002 (by number), a new person, and the
    # erased C000004's e-mail; big.csv: a batch of new people and one more,
    # of which an import interrupted by a full disk saved the first batch
    ("import preview", lambda: ["import", "customers", "imp.csv"] + KEYFILE, "",
     {"import", "import.create", "import.update"}, False, False, None,
     {"files": ["imp.csv"], "k": 2}),
    ("import save", lambda: ["import", "customers", "imp.csv", "--confirm", "4", "--reason",
                             "palasi asiakkaaksi", "--yes"] + KEYFILE, "", set(), True,
     True, None, dict(IMPORTING, files=["imp.csv"], k=3)),
    ("import resume", lambda: ["import", "customers", "big.csv", "--yes"] + KEYFILE, "",
     set(), True, True, None, dict(IMPORTING, files=["big.csv"], k=3)),
    # C000005 is C000002 again (the same e-mail), with a note; the plan
    # shows both side by side, so it prints only after both views are in
    # the trail
    ("merge", lambda: ["merge", "C000002", "C000005", "--keep", "city=other"] + KEYFILE,
     "", {"customer.merge", "customer.merged"}, False, True, "Berta",
     {"viewed": ("customer.view", 2), "k": 3}),
    ("duplicates", lambda: ["duplicates"] + KEYFILE, "", {"duplicates.list"}, False,
     False, "C000005", {"viewed": ("duplicates.list", 2), "k": 2}),
    ("privacy record", lambda: ["privacy", "record"] + KEYFILE, "", {"privacy.record"},
     False, False, None, {"document": True}),
    ("privacy notice", lambda: ["privacy", "notice"] + KEYFILE, "", {"privacy.notice"},
     False, False, None, {"document": True}),
    ("privacy report", lambda: ["privacy", "report"] + KEYFILE, "", {"privacy.report"},
     False, False, None, {"document": True}),
    # reads the config only
    ("privacy check", lambda: ["privacy", "check"], "", set(), False, False, None,
     {"files": ["fast.ini"], "k": 3}),
    # the drill copies drill.db beside itself as .rekisteri-verify-*/backup.db
    ("restore --verify-only", lambda: ["restore", "--verify-only", "drill.db",
                                       "--password-stdin", "--key-file", "k0.txt"],
     REC + "\n", set(), False, True, None,
     {"k": 2, "files": ["drill.db", "drill.db.keys", "backup.db", "backup.db.keys",
                "backup.db-wal", "backup.db-journal", "backup.db.keys-journal", "k0.txt"],
      "keep": ["drill.db", "drill.db.keys", "drill.db.erased"]}),
]


def run(argv, stdin, cwd, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([R] + argv, input=stdin, capture_output=True, text=True, cwd=cwd,
                       env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


def fresh():
    d = tempfile.mkdtemp(dir=os.environ.get("TMPDIR", "/tmp"), prefix="rk-fault-")
    for f in os.listdir(FIX):
        shutil.copy2(os.path.join(FIX, f), d)
    return d


def attempt(argv_fn, stdin, env_for, lag=0):
    """Run a path's command on a fresh copy of the fixture, its code (CODE)
    that of the step lag steps ago: (rc, out, err, directory, exit codes).

    The program accepts the code of the current step and of the one before,
    so a code expires when the step after its own ends; on a loaded machine
    that can happen between computing it and the program checking it. Such
    a refusal is not the program's answer: as rk_cli_totp does for the
    shell tests (tests/e2e/totp_lib.sh), the command runs once more, on a
    fresh copy, with a fresh code. A refusal of a code that was still valid
    when the command ended is the answer, and judged as it is. env_for(d)
    gives the environment for the copy d."""
    codes = []
    for n in (1, 2):
        step = step_now() - (lag if n == 1 else 0)
        d = fresh()
        rc, out, err = run(with_code(argv_fn(), step), stdin, d, env_for(d))
        codes.append(rc)
        expired = step_now() > step + 1
        if n == 2 or rc == 0 or not expired or not CODE_REFUSED.search(err):
            return rc, out, err, d, codes
        shutil.rmtree(d)


def sql(d, query, key=None):
    p = subprocess.run(["sqlcipher", os.path.join(d, "r.db")],
                       input='PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n%s\n'
                       % (key or KEY, query), capture_output=True, text=True,
                       errors="replace", timeout=60)
    return p.stdout


def raw_key(d):
    """The raw key the slot file gives now (through the recovery key), or
    None when the register does not open with it."""
    rc, out, err = run(["key", "dump-raw", "--db", "r.db", "--password-stdin"], REC + "\n",
                       d)
    lines = out.strip().splitlines()
    return lines[-1] if rc == 0 and lines and lines[-1].startswith("x'") else None


def digest_query(d):
    """One query that dumps every data table (not the audit trail, not the
    search index) without timestamp columns, as quoted values."""
    out = sql(d, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE "
                 "'sqlite_%' AND name NOT LIKE 'audit%' AND name NOT LIKE '%fts%' "
                 "ORDER BY name;")
    query = []
    for t in out.split():
        cols = [line.split("|")[1] for line in sql(d, "PRAGMA table_info(%s);" % t)
                .splitlines() if "|" in line]
        keep = ["quote(%s)" % c for c in cols
                if not re.search(r"_at$|last_step|^last_", c)]
        # the retention screen's cached counts carry the time they were made,
        # and last_backup_at is a time like the *_at columns
        where = (" WHERE key NOT LIKE 'retention%' AND key != 'last_backup_at'"
                 if t == "meta" else "")
        query.append("SELECT '@%s'; SELECT %s FROM %s%s;" % (t, ",".join(keep) or "1", t,
                                                            where))
    return "\n".join(query)


def state(d, query, after_id, key=None):
    """({table: set of rows}, [(id, action, result) of audit rows after
    after_id]); the dict is None when the register does not open."""
    out = sql(d, query + "\nSELECT '@@audit'; SELECT id, action, result FROM audit_log "
                 "WHERE id > %d;" % after_id, key)
    if "@" not in out:
        return None, []
    result, cur, audit = {}, None, []
    for line in out.splitlines():
        if line == "@@audit":
            cur = None
            audit = []
        elif line.startswith("@"):
            cur = line[1:]
            result[cur] = set()
        elif cur is not None:
            result[cur].add(line)
        elif line.count("|") == 2:
            audit.append(line.split("|"))
    return result, audit


def max_audit(d):
    out = sql(d, "SELECT max(id) FROM audit_log;").strip().splitlines()
    return int(out[-1]) if out and out[-1].isdigit() else 0


def counts(name, argv_fn, stdin, files):
    """{(file, op): count} of a clean run (one run counts every file), and
    that run's directory."""
    found = {}
    rc, out, err, d, _ = attempt(argv_fn, stdin, lambda d: {
        "LD_PRELOAD": LIB, "RK_FAULT_FILE": ",".join(files), "RK_FAULT_N": "0",
        "RK_FAULT_LOG": os.path.join(d, "fault.log")})
    log = os.path.join(d, "fault.log")
    if rc != 0:
        sys.exit("%s: the clean run failed (exit %d): %s" % (name, rc, err))
    for line in open(log) if os.path.exists(log) else []:
        m = re.match(r"count (\S+) read (\d+) write (\d+) sync (\d+)", line)
        if m:
            for op, c in zip(("read", "write", "sync"), map(int, m.groups()[1:])):
                if c:
                    found[(m.group(1), op)] = max(found.get((m.group(1), op), 0), c)
    return found, d


def spread(c, k):
    if k == 1:
        return [(c + 1) // 2]
    if c <= k:
        return list(range(1, c + 1))
    return sorted({1 + round(i * (c - 1) / (k - 1)) for i in range(k)})


def after_checks(d):
    """Problems found by check and audit verify after the fault."""
    bad = []
    rc, out, err = run(["check"] + KEYFILE, "", d)
    if rc != 0:
        bad.append("check afterwards: exit %d %s" % (rc, err.strip()))
    rc, out, err = run(["audit", "verify", "--key-file", "k0.txt"] + KEYFILE, "", d)
    if rc != 0 or not out.startswith("OK:"):
        bad.append("audit verify afterwards: %s %s" % (out.strip(), err.strip()))
    return bad


def opts(path):
    """A path's further rules (the optional eighth element), see PATHS."""
    return path[7] if len(path) > 7 else {}


def digest(d, names):
    """{name: SHA-256 of the file in d, or None when it is not there}."""
    out = {}
    for f in names:
        p = os.path.join(d, f)
        out[f] = hashlib.sha256(open(p, "rb").read()).hexdigest() if os.path.exists(p) \
            else None
    return out


def one(path, before, success, query, first_audit, f, op, n, errno_name):
    name, argv_fn, stdin, actions, stepwise, many, secret = path[:7]
    more = opts(path)
    rc, out, err, d, _ = attempt(argv_fn, stdin, lambda d: {
        "LD_PRELOAD": LIB, "RK_FAULT_FILE": f, "RK_FAULT_OP": op, "RK_FAULT_N": str(n),
        "RK_FAULT_ERRNO": errno_name, "RK_FAULT_LOG": os.path.join(d, "fault.log")})
    log = os.path.join(d, "fault.log")
    fired = os.path.exists(log) and any(x.startswith("injected") for x in open(log))
    what = "%s %s #%d %s: exit %d, %s" % (f, op, n, errno_name, rc, (err.strip() or
                                                                   "no message")[:160])
    if not fired:
        shutil.rmtree(d)
        return None, []
    bad = []
    # a document's own words ("deleted after ...") are not findings
    text = err if more.get("document") else out + err
    if rc not in (0, 1):
        # a sanitizer's abort: name what it found
        found = re.findall(r"(?:ERROR|SUMMARY): \w+Sanitizer: [^\n]*|#[0-9] 0x\w+ in \w+ [^\n]*", err)
        bad.append("exit %d %s" % (rc, " | ".join(found[:6]) + " " + " ".join(re.findall(r"LEAKED STMT: [^\n]*", err))))
    if rc == 1 and not CAUSE.search(err):
        bad.append("the message names no cause")
    if FALSE_TAMPER.search(text) and name != "audit verify":
        bad.append("false tampering claim")
    if name == "audit verify" and FALSE_TAMPER.search(text):
        bad.append("verify claims tampering after an I/O fault")
    # the state first: check and audit verify below write audit rows too
    key = raw_key(d) if name in ROTATING else KEY
    now, audit = state(d, query, first_audit, key) if key else (None, [])
    damage = after_checks(d)
    bad += damage
    if DAMAGED.search(text) and not damage:
        bad.append("says damaged but check and verify pass")
    if now is None:
        bad.append("the register cannot be read with the key its slot file gives "
                   "afterwards")
    if now is not None:
        if NOTHING.search(err) and now != before:
            bad.append("says nothing was changed, but the data changed")
        if rc == 0 and now != success:
            bad.append("exit 0 but the data differs from a successful run")
        if rc != 0 and not stepwise and now != before:
            changed = sorted(t for t in set(now) | set(before) if now.get(t) != before.get(t))
            bad.append("failed, but the data changed (not atomic: %s)" % ",".join(changed))
        if rc != 0 and stepwise:
            for t in before:
                if t in JOURNAL or t in more.get("journal", set()):
                    continue
                extra = now.get(t, set()) - before[t] - success.get(t, set())
                lost = before[t] - now.get(t, set()) - (before[t] - success.get(t, set()))
                if extra or lost:
                    bad.append("table %s: rows neither before nor after" % t)
    # a retention run that finished and then could not refresh the retention
    # screen's counts says so: its "ok" row is true
    if rc != 0 and "the run is complete" not in err:
        for rid, action, result in audit:
            if result == "ok" and action in actions:
                bad.append("audit row %s says %s ok for a failed run" % (rid, action))
    # a job that commits in batches: the rows of the batches it committed
    # are true, and a failed run that had started its job says it failed
    if rc != 0 and more.get("job"):
        action, starts = more["job"]
        started = [rid for rid, a, result in audit if a in starts and result == "ok"]
        ended = [rid for rid, a, result in audit if a == action and result == "failed"]
        if started and not any(int(e) > int(started[-1]) for e in ended):
            bad.append("audit row %s says the job started, and no row says it failed"
                       % started[-1])
    if name == "login" and rc != 0 and "login" in err:
        for rid, action, result in audit:
            if action == "login.ok":
                bad.append("audit row %s says login.ok, but the login failed" % rid)
    if name == "login" and "wrong username, password or code" in err:
        bad.append("an I/O fault reported as a wrong password")
    if FALSE_KEY.search(text):
        bad.append("an I/O fault reported as a wrong key")
    if rc != 0 and secret and secret in out:
        viewed, need = more.get("viewed", (None, 1))
        seen = sum(1 for rid, action, result in audit if action == viewed and result == "ok")
        if seen < need:
            bad.append("printed personal data although the view failed" if viewed is None
                       else "printed personal data, but %d of its %d %s rows are in the "
                       "trail" % (seen, need, viewed))
    if now is not None and rc != 0 and more.get("batches"):
        journal = more.get("journal", set())
        def part(state):
            return {t: v for t, v in state.items() if t not in journal}
        if part(now) not in (part(before), part(success)):
            changed = sorted(t for t in set(now) | set(before) if t not in journal
                             and now.get(t) != before.get(t))
            bad.append("failed with a batch half done (%s)" % ",".join(changed))
    if now is not None and rc != 0 and more.get("resume"):
        rc2, out2, err2 = run(with_code(argv_fn(), step_now()), stdin, d)
        again = state(d, query, first_audit)[0]
        if rc2 != 0:
            bad.append("run again, it did not resume: exit %d %s" % (rc2, err2.strip()[:120]))
        elif again != success:
            changed = sorted(t for t in set(again) | set(success)
                             if again.get(t) != success.get(t))
            bad.append("run again, it did not end as a successful run (%s)"
                       % ",".join(changed))
    if more.get("keep"):
        now_files = digest(d, more["keep"])
        if now_files != digest(FIX, more["keep"]):
            bad.append("changed a file it must only read: %s" % ",".join(
                f for f in more["keep"] if now_files[f] != digest(FIX, [f])[f]))
        left = [x for x in os.listdir(d) if x.startswith(".rekisteri-verify")]
        if left:
            bad.append("left behind %s" % ",".join(left))
    shutil.rmtree(d)
    return what, bad


def prove_retry():
    """The retry proves itself: the login path, its first code two steps
    old (expired, as on a machine too loaded to type it in time), is
    refused, and run once more with a fresh code it logs in. Returns what
    went wrong, or None."""
    login = next(p for p in PATHS if p[0] == "login")
    rc, out, err, d, codes = attempt(login[1], login[2], lambda d: {}, lag=2)
    shutil.rmtree(d)
    print("the TOTP retry: a code two steps old, then a fresh one: exit %s"
          % " then ".join(map(str, codes)))
    if codes[0] == 0 or len(codes) != 2 or rc != 0:
        return "the TOTP retry: exit %s, %s" % (codes, err.strip()[:160])
    return None


def main():
    query = digest_query(FIX)
    first_audit = max_audit(FIX)
    before = state(FIX, query, first_audit)[0]
    if not before:
        sys.exit("cannot read the fixture with the raw key")
    total = bad_total = paths_run = 0
    failures = []
    only = os.environ.get("RK_FAULT_PATHS")  # for development: "login,check"
    if not only or "login" in only.split(","):
        retry = prove_retry()
        if retry:
            failures.append(retry)
            print("FAIL - " + retry)
    for path in PATHS:
        name, argv_fn, stdin, actions, stepwise, many, secret = path[:7]
        if only and name not in only.split(","):
            continue
        paths_run += 1
        found, clean = counts(name, argv_fn, stdin, FILES + opts(path).get("files", []))
        success = state(clean, query, first_audit,
                        raw_key(clean) if name in ROTATING else KEY)[0]
        shutil.rmtree(clean)
        k = opts(path).get("k", MANY if many else FEW)
        per_op = {"read": 0, "write": 0, "sync": 0}
        broken = 0
        jobs = []
        for (f, op), c in sorted(found.items()):
            for i, n in enumerate(spread(c, k)):
                errno_name = "ENOSPC" if op == "write" and i % 2 else "EIO"
                jobs.append((f, op, n, errno_name))
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = list(pool.map(lambda j: (j[1], one(path, before, success, query,
                                                          first_audit, *j)), jobs))
        known = 0
        for op, (what, bad) in results:
            if what is None:
                continue
            per_op[op] += 1
            tolerated = [b for b in bad
                         if (name in KNOWN and re.search(KNOWN[name], what + " " + b))
                         or re.search(GLOBAL_KNOWN, what + " " + b)]
            if tolerated:
                known += 1
                print("KNOWN - %s: %s: %s" % (name, what, "; ".join(tolerated)))
            bad = [b for b in bad if b not in tolerated]
            if bad:
                broken += 1
                failures.append("%s: %s: %s" % (name, what, "; ".join(bad)))
                print("FAIL - " + failures[-1])
        injected = sum(per_op.values())
        total += injected
        bad_total += broken
        print("%-22s %4d faults injected (read %d, write %d, sync %d): %s%s" % (
            name, injected, per_op["read"], per_op["write"], per_op["sync"],
            "every one met the rules" if broken == 0 else "%d broke a rule" % broken,
            ", %d known (above)" % known if known else ""))
        if injected == 0:
            failures.append("%s: no fault could be injected" % name)
        sys.stdout.flush()
    print("%d faults injected over %d paths, %d broke a rule" % (total, paths_run,
                                                                  bad_total))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
