#!/usr/bin/env python3
"""screen_check.py - check captured screens against the message catalogs.

Usage: screen_check.py LANG POT PO CAPTURES

CAPTURES holds screens captured at 80x24 with `tmux capture-pane -J` (so a
line the program let wrap comes back longer than 80 columns), each after a
line "=== NAME". Each screen is checked for:
  - width: no line wider than 80 display columns (wcswidth);
  - leftovers (LANG fi or sv): no English source text (a msgid of POT,
    whole words, two words or one of six letters or more) whose
    translation in PO differs from it; proper names and codes are the
    msgids a translation keeps as they are, and are not looked for;
  - cuts: no catalog text shown cut inside a word without an ellipsis
    (a prefix of a catalog string that ends inside a word which no catalog
    string has whole, followed by a space or the end of the line);
  - the key bar: the last line names F1 and F10 (dialogs, which take
    no global key, excepted).
Prints one line per problem and exits 1 when there is any.
"""
import re
import sys
import unicodedata

FORMAT = re.compile(r"%(?:<PRI[a-zA-Z0-9]+>|[-+ #0]*[0-9*]*(?:\.[0-9*]+)?"
                    r"(?:hh|h|ll|l|z|j)?[a-zA-Z%])")


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


def unquote(s):
    out, i = [], 1
    while i < len(s) - 1:
        c = s[i]
        if c == "\\":
            n = s[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_po(path):
    """[(msgid, [msgstr...], obsolete)] of a .po or .pot file."""
    entries, cur, key = [], None, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
        m = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (".*")$', line)
        if m:
            key, val = m.group(1), unquote(m.group(2))
            if key == "msgid":
                cur = {"id": val, "str": [], "plural": None, "obsolete": obsolete}
                entries.append(cur)
            elif key == "msgid_plural":
                cur["plural"] = val
            elif key.startswith("msgstr"):
                cur["str"].append(val)
            continue
        if line.startswith('"') and cur is not None:
            val = unquote(line)
            if key == "msgid":
                cur["id"] += val
            elif key == "msgid_plural":
                cur["plural"] += val
            elif key.startswith("msgstr"):
                cur["str"][-1] += val
    return [e for e in entries if e["id"] and not e["obsolete"]]


def segments(text):
    """The literal runs of a message: split at formats and line breaks."""
    for part in FORMAT.split(text):
        for seg in part.split("\n"):
            seg = seg.strip(" .,:;()[]\"'-—…?!")
            if seg:
                yield seg


def looked_for(seg):
    """Two words or more, or one capitalised word of six letters or more (a
    lower-case word alone is as often a code the data holds, e.g. a status,
    a purpose or a retention rule's name)."""
    words = re.findall(r"[A-Za-z]+", seg)
    return len(words) >= 2 or (len(words) == 1 and len(seg) >= 6 and seg == words[0]
                               and seg[0].isupper())


def main():
    lang, pot, po_path, captures = sys.argv[1:5]
    source = read_po(pot)
    translated = {e["id"]: e for e in read_po(po_path)} if lang != "en" else {}
    shown = []  # every text a screen of LANG may show
    for e in source:
        t = translated.get(e["id"])
        if lang == "en" or t is None:
            shown += [e["id"]] + ([e["plural"]] if e["plural"] else [])
        else:
            shown += [s for s in t["str"] if s]
    whole_words = set()
    for text in shown:
        whole_words.update(re.findall(r"\w+", text))
    leftovers = []
    if lang != "en":
        kept = " ".join(shown)
        for e in source:
            t = translated.get(e["id"])
            if t is None:
                continue
            for seg in segments(e["id"]):
                if looked_for(seg) and seg not in kept:
                    leftovers.append(seg)
        leftovers = sorted(set(leftovers), key=len, reverse=True)
    cut_texts = [s for text in shown for s in segments(text) if len(s) >= 6]
    problems = []
    name, lines = None, []

    def check():
        if name is None:
            return
        screen = "\n".join(lines)
        for i, line in enumerate(lines):
            if width(line) > 80:
                problems.append(f"{name}: line {i + 1} is {width(line)} columns wide")
        for seg in leftovers:
            if re.search(r"(?<!\w)" + re.escape(seg) + r"(?!\w)", screen):
                problems.append(f"{name}: English text left: {seg!r}")
        for seg in cut_texts:
            for n in range(len(seg) - 1, 3, -1):
                head = seg[:n]
                if not (seg[n].isalnum() and head[-1].isalnum()):
                    continue
                frag = re.findall(r"\w+$", head)[0]
                if frag in whole_words or len(frag) < 3:
                    continue
                if re.search(r"(?<!\w)" + re.escape(head) + r"(?= |$)", screen, re.M):
                    problems.append(f"{name}: cut without an ellipsis: {head!r} (of {seg!r})")
                break
        bar = lines[-1] if lines else ""
        dialog = any(re.search(r"[┌└lm][─q]{4}", l) for l in lines)
        if not dialog and not (re.search(r"(^| )F1 ", bar) and re.search(r" F10 ", bar)):
            problems.append(f"{name}: the key bar lacks F1 or F10: {bar.strip()!r}")

    for raw in open(captures, encoding="utf-8"):
        raw = raw.rstrip("\n")
        if raw.startswith("=== "):
            check()
            name, lines = raw[4:], []
        else:
            lines.append(raw)
    check()
    # the last line of a screen may be blank in the capture: strip them
    for p in dict.fromkeys(problems):
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
