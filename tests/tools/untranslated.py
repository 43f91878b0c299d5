#!/usr/bin/env python3
"""untranslated.py PO FILE... - name the English source strings (msgids)
that a catalog translates but that still show in the files, so a test can
say "no English is left in this Finnish output".

A msgid is split at its printf directives and line breaks into literal
pieces; a piece of at least 12 characters with a space in it that shows
in a file, and not in the msgid's own translation (a command name or an
example stays as it is), is reported with the msgid. Exit status 1 when
anything was found. Only the standard library: the catalog is read with
a small parser of its own (msgid, msgid_plural, msgstr[n], continuation
lines)."""
import ast
import re
import sys

DIRECTIVE = re.compile(r"%(?:\d+\$)?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
                       r"(?:<PRI[a-z0-9]+>|hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]")


def entries(path):
    """(msgid, [translations]) for every translated entry of the catalog."""
    cur, key, out = {}, None, []

    def flush():
        if cur.get("msgid"):
            strs = [v for k, v in cur.items() if k.startswith("msgstr") and v]
            if strs:
                out.append((cur["msgid"], strs, cur.get("msgid_plural", "")))

    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#~") or (line.startswith("#") and "fuzzy" in line):
            if "fuzzy" in line:
                cur["fuzzy"] = "1"
            continue
        if line.startswith("msgid "):
            if not cur.get("fuzzy"):
                flush()
            cur, key = {}, "msgid"
            cur[key] = ast.literal_eval(line[6:])
        elif line.startswith("msgid_plural "):
            key = "msgid_plural"
            cur[key] = ast.literal_eval(line[13:])
        elif line.startswith("msgstr"):
            key, rest = line.split(" ", 1)
            cur[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            cur[key] += ast.literal_eval(line)
    if not cur.get("fuzzy"):
        flush()
    return out


def pieces(msgid):
    for part in DIRECTIVE.split(msgid):
        for p in part.split("\n"):
            p = p.strip(" :;,.()'\"")
            if len(p) >= 12 and " " in p:
                yield p


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    found = 0
    cat = entries(sys.argv[1])
    for path in sys.argv[2:]:
        text = open(path, encoding="utf-8", errors="replace").read()
        for msgid, strs, plural in cat:
            for source in (msgid, plural):
                for p in pieces(source):
                    if p in text and not any(p in s for s in strs):
                        print(f"{path}: English left: {p!r} (msgid {msgid[:60]!r})")
                        found += 1
                        break
    sys.exit(1 if found else 0)


main()
