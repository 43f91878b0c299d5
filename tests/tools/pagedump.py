#!/usr/bin/env python3
"""pagedump.py - decrypt EVERY page of a SQLCipher 3 database file, or
every frame of its WAL, with the raw key, and write the plaintext pages to
stdout, so a test can grep freed pages, FTS segments and old WAL frames
for remnants that SQL queries cannot see.

Usage: pagedump.py KEY FILE [--wal]
  KEY   the raw key as `rekisteri key dump-raw` prints it: x'64 hex digits'

SQLCipher 3 page format (cipher_page_size 4096, the defaults otherwise):
each page is AES-256-CBC encrypted under the raw key, except that page 1
starts with the 16-byte file salt in the clear; the last 48 bytes of a
page are reserved: a 16-byte IV, then the HMAC-SHA1 and padding. The
decryption uses the `cryptography` package (OpenSSL); nothing here is
hand-made crypto, only the page layout is read. Page 1 is checked after
decryption (its header must give page size 4096), so a wrong key fails
loudly instead of yielding noise that a grep would pass.
"""
import re
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 48
WAL_HEADER = 32
FRAME_HEADER = 24


def decrypt_page(key, page, pgno):
    start = 16 if pgno == 1 else 0
    iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = dec.update(page[start:PAGE - RESERVE]) + dec.finalize()
    if pgno == 1:
        if plain[0:2] != b"\x10\x00":
            sys.exit("pagedump: page 1 does not decrypt to a 4096-byte page header: "
                     "wrong key or not a SQLCipher 3 file")
        plain = b"SQLite format 3\x00" + plain
    return plain


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    m = re.fullmatch(r"x'([0-9a-fA-F]{64})'", sys.argv[1].strip())
    if not m:
        sys.exit("pagedump: KEY must be x'<64 hex digits>'")
    key = bytes.fromhex(m.group(1))
    data = open(sys.argv[2], "rb").read()
    out = sys.stdout.buffer
    if len(sys.argv) == 4 and sys.argv[3] == "--wal":
        pos = WAL_HEADER
        while pos + FRAME_HEADER + PAGE <= len(data):
            pgno = struct.unpack(">I", data[pos:pos + 4])[0]
            frame = data[pos + FRAME_HEADER:pos + FRAME_HEADER + PAGE]
            out.write(decrypt_page(key, frame, pgno))
            pos += FRAME_HEADER + PAGE
        return
    if len(data) % PAGE:
        sys.exit("pagedump: the file is not a whole number of pages")
    for i in range(len(data) // PAGE):
        out.write(decrypt_page(key, data[i * PAGE:(i + 1) * PAGE], i + 1))


if __name__ == "__main__":
    main()
