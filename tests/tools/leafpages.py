#!/usr/bin/env python3
"""leafpages.py - the leaf pages of one table in a SQLCipher 3 database,
in rowid order, so a test can damage exactly the page that holds a known
range of rows.

Usage: leafpages.py KEY FILE ROOTPAGE
  KEY       the raw key as `rekisteri key dump-raw` prints it: x'64 hex digits'
  ROOTPAGE  the table's root page (sqlite_master.rootpage)

Prints one line per leaf page: PGNO FIRST_ROWID LAST_ROWID. Pages are
decrypted with pagedump.py's decrypt_page (the `cryptography` package);
only the SQLite b-tree layout is read here: a table interior page (type 5)
lists its children and the right-most child, a table leaf page (type 13)
holds cells that start with the payload size and the rowid (varints).
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pagedump import PAGE, decrypt_page  # noqa: E402


def varint(buf, pos):
    value = 0
    for i in range(9):
        byte = buf[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    raise ValueError("bad varint")


def page(data, key, pgno):
    raw = data[(pgno - 1) * PAGE:pgno * PAGE]
    return decrypt_page(key, raw, pgno)


def leaves(data, key, pgno, out):
    plain = page(data, key, pgno)
    head = 100 if pgno == 1 else 0
    kind = plain[head]
    ncells = struct.unpack(">H", plain[head + 3:head + 5])[0]
    if kind == 0x05:
        ptrs = head + 12
        for i in range(ncells):
            cell = struct.unpack(">H", plain[ptrs + 2 * i:ptrs + 2 * i + 2])[0]
            leaves(data, key, struct.unpack(">I", plain[cell:cell + 4])[0], out)
        leaves(data, key, struct.unpack(">I", plain[head + 8:head + 12])[0], out)
    elif kind == 0x0D:
        ptrs = head + 8
        rowids = []
        for i in range(ncells):
            cell = struct.unpack(">H", plain[ptrs + 2 * i:ptrs + 2 * i + 2])[0]
            _, pos = varint(plain, cell)
            rowids.append(varint(plain, pos)[0])
        if rowids:
            out.append((pgno, min(rowids), max(rowids)))
    else:
        sys.exit("leafpages: page %d is not a table b-tree page (type %d)" % (pgno, kind))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    m = re.fullmatch(r"x'([0-9a-fA-F]{64})'", sys.argv[1].strip())
    if not m:
        sys.exit("leafpages: KEY must be x'<64 hex digits>'")
    data = open(sys.argv[2], "rb").read()
    out = []
    leaves(data, bytes.fromhex(m.group(1)), int(sys.argv[3]), out)
    for pgno, first, last in out:
        print(pgno, first, last)


if __name__ == "__main__":
    main()
