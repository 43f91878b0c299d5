#!/usr/bin/env bash
# shellcheck disable=SC2016 # single-quoted code runs in other shells
# tests/e2e/test_screenshot.sh - check tools/screenshot.py and tools/shoot.sh.
#
# 1. The renderer's own parser self-test.
# 2. Pixel checks on a rendered capture from tmux: colours (16, 256,
#    truecolor, reverse), wide characters taking two cells, image size.
# 3. A TOTP-style QR code printed with half blocks (qrencode -t UTF8, and
#    the coloured ANSIUTF8 variant) is shot from tmux and must decode with
#    zbarimg to the same text. Without the qrencode CLI the QR is made with
#    libqrencode through ctypes, in the same half-block layout.
# Skips (77) when Pillow or zbarimg is missing.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

py=""
for p in ${E2E_PYTHON:-} /usr/bin/python3 python3; do
	if "$p" -c 'import PIL' 2>/dev/null; then
		py="$p"
		break
	fi
done
[[ -n "$py" ]] || e2e_skip "python3-pil is not installed"
command -v zbarimg >/dev/null || e2e_skip "zbarimg (zbar-tools) is not installed"
tools="$E2E_SRCDIR/tools"

"$py" "$tools/screenshot.py" --self-test || e2e_fail "screenshot.py self-test"

# 2. Colours and geometry, from a real tmux capture.
e2e_start col 20 3 bash -c 'printf "\033[41mR\033[0m\033[48;5;21mB\033[0m\033[48;2;10;200;30mT\033[0m\033[7mV\033[0m漢x\n█▀▄\n"; read -r'
e2e_wait col '^█▀▄$'
e2e_shoot col "$E2E_TMP/col.png"
"$py" - "$tools" "$E2E_TMP/col.png" <<'EOF' || e2e_fail "pixel checks"
import sys
sys.path.insert(0, sys.argv[1])
import screenshot as s
from PIL import Image
im = Image.open(sys.argv[2]).convert("RGB")
f = s.Fonts(16)
pad = 8
def at(col, row, dx=1, dy=1):
    return im.getpixel((pad + col * f.cell_w + dx, pad + row * f.cell_h + dy))
want = {
    "size": (im.size, (20 * f.cell_w + 2 * pad, 3 * f.cell_h + 2 * pad)),
    "red bg": (at(0, 0), (0xCD, 0, 0)),
    "256 bg": (at(1, 0), (0, 0, 0xFF)),
    "truecolor bg": (at(2, 0), (10, 200, 30)),
    "reverse bg": (at(3, 0), (0xD4, 0xD4, 0xD4)),
    "default bg": (at(10, 2), (0x1E, 0x1E, 0x1E)),
}
# Block elements fill their exact share of the cell, edge to edge, so
# half-block QR codes have no seams.
FG, BG = (0xD4, 0xD4, 0xD4), (0x1E, 0x1E, 0x1E)
half = f.cell_h // 2
cells = [(0, lambda dy: FG), (1, lambda dy: FG if dy < half else BG),
         (2, lambda dy: BG if dy < half else FG)]
seams = [(col, dx, dy) for col, exp in cells for dx in range(f.cell_w)
         for dy in range(f.cell_h) if at(col, 1, dx, dy) != exp(dy)]
want["block cells solid"] = (seams[:3], [])
# "x" follows the wide character in column 6, not 5: column 5 is the
# right half of the wide glyph, column 6 has x's ink.
ink = lambda col: sum(1 for dx in range(f.cell_w) for dy in range(f.cell_h)
                      if at(col, 0, dx, dy) != s.DEFAULT_BG)
want["x in column 6"] = (ink(6) > 0, True)
want["nothing in column 7"] = (ink(7), 0)
bad = {k: v for k, v in want.items() if v[0] != v[1]}
for k, (got, exp) in bad.items():
    print("%s: got %r, want %r" % (k, got, exp))
sys.exit(1 if bad else 0)
EOF

# 3. QR codes must survive the trip through tmux and the renderer.
payload='otpauth://totp/rekisteri:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=rekisteri'
printf '%s' "$payload" >"$E2E_TMP/payload"
if command -v qrencode >/dev/null; then
	qrencode -t UTF8 -o "$E2E_TMP/qr1.txt" "$payload"
	qrencode -t ANSIUTF8 -o "$E2E_TMP/qr2.txt" "$payload"
else
	"$py" - "$payload" >"$E2E_TMP/qr1.txt" <<'EOF'
# Half-block QR from libqrencode, as `qrencode -t UTF8` draws it: light
# modules (and the 2-module quiet zone) as foreground blocks.
import ctypes, ctypes.util, sys
lib = ctypes.CDLL(ctypes.util.find_library("qrencode") or "libqrencode.so.4")
class QR(ctypes.Structure):
    _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int),
                ("data", ctypes.POINTER(ctypes.c_ubyte))]
lib.QRcode_encodeString.restype = ctypes.POINTER(QR)
lib.QRcode_encodeString.argtypes = [ctypes.c_char_p, ctypes.c_int,
                                    ctypes.c_int, ctypes.c_int, ctypes.c_int]
q = lib.QRcode_encodeString(sys.argv[1].encode(), 0, 0, 2, 1).contents
w, m = q.width, 2
dark = lambda x, y: 0 <= x < w and 0 <= y < w and q.data[y * w + x] & 1
for y in range(-m, w + m, 2):
    print("".join(" \u2584\u2580\u2588"[(not dark(x, y)) * 2 + (not dark(x, y + 1))]
                  for x in range(-m, w + m)))
EOF
	cp "$E2E_TMP/qr1.txt" "$E2E_TMP/qr2.txt"
fi
for n in 1 2; do
	e2e_start "qr$n" 80 40 bash -c 'cat "$1"; read -r' _ "$E2E_TMP/qr$n.txt"
	e2e_wait "qr$n" '█'
	e2e_shoot "qr$n" "$E2E_TMP/qr$n.png" "QR $n"
	got="$(zbarimg -q --raw "$E2E_TMP/qr$n.png" 2>/dev/null)" ||
		e2e_fail "zbarimg could not decode the QR screenshot $n"
	[[ "$got" == "$payload" ]] || e2e_fail "QR $n decoded to '$got'"
done

e2e_pass "screenshots render colours, wide characters and scannable QR codes"
