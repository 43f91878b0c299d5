#!/usr/bin/env python3
"""html_check.py FILE [--text] - check that FILE is a well-formed standalone
HTML page as the privacy documents promise, with Python's html.parser:

  - a <!DOCTYPE html>, <html lang="..">, <meta charset="utf-8">, a <title>;
  - every element closed, in order (the void ones excepted), nothing left
    open at the end, no end tag without its start;
  - only the elements a document uses, no <script>, no event attribute, no
    external resource (href/src): the page stands alone;
  - no character reference the parser cannot resolve.

Exits 1 naming the first problem. With --text, prints the page's text
content, one element per line, for the caller to grep (entities decoded).
"""
import sys
from html.parser import HTMLParser

VOID = {"meta"}
ALLOWED = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p",
           "ul", "li", "table", "thead", "tbody", "tr", "th", "td"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.text = [], [], []
        self.doctype = self.charset = self.lang = False
        self.title = ""
        self.current = []

    def problem(self, what):
        line, col = self.getpos()
        self.problems.append(f"line {line}:{col}: {what}")

    def handle_decl(self, decl):
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problem(f"element <{tag}> is not one a document uses")
        for name, value in attrs:
            if name.startswith("on") or name in ("href", "src"):
                self.problem(f"attribute {name} on <{tag}>")
        if tag == "meta" and ("charset", "utf-8") in attrs:
            self.charset = True
        if tag == "html":
            self.lang = any(n == "lang" and v for n, v in attrs)
        if tag not in VOID:
            self.stack.append(tag)
        self.flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        self.flush()
        if not self.stack or self.stack[-1] != tag:
            self.problem(f"</{tag}> closes {'<' + self.stack[-1] + '>' if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title":
            self.title += data
        if self.stack and self.stack[-1] != "style":
            self.current.append(data)

    def flush(self):
        t = "".join(self.current).strip()
        if t:
            self.text.append(t)
        self.current = []


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        data = f.read()
    c = Checker()
    c.feed(data)
    c.close()
    c.flush()
    if not c.doctype:
        c.problems.append("no <!DOCTYPE html>")
    if not c.lang:
        c.problems.append("no lang on <html>")
    if not c.charset:
        c.problems.append('no <meta charset="utf-8">')
    if not c.title.strip():
        c.problems.append("no title")
    if c.stack:
        c.problems.append("left open at the end: " + " ".join(c.stack))
    if c.problems:
        print(f"{path}: " + c.problems[0], file=sys.stderr)
        return 1
    if "--text" in sys.argv:
        print("\n".join(c.text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
