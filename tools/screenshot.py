#!/usr/bin/python3
"""tools/screenshot.py - render a terminal screen dump to a PNG.

Reads what `tmux capture-pane -p -e -N` prints (text with ANSI SGR escape
sequences) and draws it on a fixed grid of COLS x ROWS cells with Pillow and
DejaVu Sans Mono, the way a terminal with a dark theme would show it.

How it works:
- parse(): a small state machine turns the dump into a grid of Cell objects.
  SGR state carries across lines (tmux emits only changes). Other escape
  sequences (CSI, OSC, two-byte ESC) are skipped. East-asian wide characters
  take two cells; combining marks join the previous cell.
- render(): paints each cell's background, then its glyph. Block elements
  (U+2580..U+259F) are painted as filled rectangles and light/heavy/double
  box-drawing lines (U+2500..U+257F) as lines, so half-block QR codes come
  out solid and frames join without gaps. Glyphs missing from DejaVu fall
  back to DejaVu Sans, then to any font fc-list names for that character,
  else to an empty box.
- Colours: default fg #d4d4d4 on #1e1e1e, the standard xterm 16-colour
  palette, the 6x6x6 cube and grey ramp for 256 colours, and truecolor.
  Bold draws the bold face (no colour brightening), dim blends towards the
  background, reverse swaps, hidden paints the foreground as background.

Usage: tools/screenshot.py --cols 80 --rows 24 [--title TEXT]
       [--cursor X,Y] [--font-size N] INPUT.ansi|- OUTPUT.png
       tools/screenshot.py --self-test
"""

import argparse
import functools
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field, replace

try:
    from PIL import Image, ImageDraw, ImageFont
except ImportError:  # pragma: no cover - reported to the caller
    sys.stderr.write("screenshot.py: python3-pil (Pillow) is not installed\n")
    sys.exit(77)

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONT_REGULAR = FONT_DIR + "DejaVuSansMono.ttf"
FONT_BOLD = FONT_DIR + "DejaVuSansMono-Bold.ttf"
FONT_FALLBACK = FONT_DIR + "DejaVuSans.ttf"

DEFAULT_FG = (0xD4, 0xD4, 0xD4)
DEFAULT_BG = (0x1E, 0x1E, 0x1E)
TITLE_BG = (0x2D, 0x2D, 0x2D)
TITLE_FG = (0xCC, 0xCC, 0xCC)

XTERM16 = [
    (0x00, 0x00, 0x00), (0xCD, 0x00, 0x00), (0x00, 0xCD, 0x00),
    (0xCD, 0xCD, 0x00), (0x00, 0x00, 0xEE), (0xCD, 0x00, 0xCD),
    (0x00, 0xCD, 0xCD), (0xE5, 0xE5, 0xE5), (0x7F, 0x7F, 0x7F),
    (0xFF, 0x00, 0x00), (0x00, 0xFF, 0x00), (0xFF, 0xFF, 0x00),
    (0x5C, 0x5C, 0xFF), (0xFF, 0x00, 0xFF), (0x00, 0xFF, 0xFF),
    (0xFF, 0xFF, 0xFF),
]
CUBE_LEVELS = [0, 95, 135, 175, 215, 255]


def palette256(n):
    """RGB of xterm colour index n (0..255)."""
    if n < 16:
        return XTERM16[n]
    if n < 232:
        n -= 16
        return (CUBE_LEVELS[n // 36], CUBE_LEVELS[(n // 6) % 6],
                CUBE_LEVELS[n % 6])
    grey = 8 + 10 * (n - 232)
    return (grey, grey, grey)


@dataclass(frozen=True)
class Style:
    """SGR state. fg/bg are None (default) or an (r, g, b) tuple."""
    fg: tuple = None
    bg: tuple = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    blink: bool = False
    reverse: bool = False
    hidden: bool = False
    strike: bool = False


@dataclass
class Cell:
    text: str = " "
    style: Style = field(default_factory=Style)
    width: int = 1  # 2 for the first cell of a wide char, 0 for its tail


def _extended_colour(params, i):
    """Parse 38/48/58 colour starting at params[i]; return (rgb|None, next i).

    Accepts both `38;5;n` / `38;2;r;g;b` and the colon form, which arrives
    here already split into sub-parameters."""
    head = params[i]
    if len(head) > 1:  # colon form: [38, 5, n] or [38, 2, (cs), r, g, b]
        sub = head[1:]
        if sub and sub[0] == 5 and len(sub) >= 2:
            return palette256(sub[1] % 256), i + 1
        if sub and sub[0] == 2 and len(sub) >= 4:
            rgb = sub[-3:]
            return tuple(max(0, min(255, v)) for v in rgb), i + 1
        return None, i + 1
    kind = params[i + 1][0] if i + 1 < len(params) else None
    if kind == 5 and i + 2 < len(params):
        return palette256(params[i + 2][0] % 256), i + 3
    if kind == 2 and i + 4 < len(params):
        rgb = tuple(max(0, min(255, params[j][0])) for j in range(i + 2, i + 5))
        return rgb, i + 5
    return None, len(params)


def apply_sgr(style, text):
    """Return the Style after the SGR parameter string `text`."""
    params = []
    for part in (text.split(";") if text else ["0"]):
        subs = [int(s) if s.isdigit() else 0 for s in part.split(":")]
        params.append(subs)
    i = 0
    while i < len(params):
        p = params[i][0]
        sub = params[i][1] if len(params[i]) > 1 else None
        if p == 0:
            style = Style()
        elif p == 1:
            style = replace(style, bold=True)
        elif p == 2:
            style = replace(style, dim=True)
        elif p == 3:
            style = replace(style, italic=True)
        elif p == 4:
            style = replace(style, underline=(sub != 0))
        elif p in (5, 6):
            style = replace(style, blink=True)
        elif p == 7:
            style = replace(style, reverse=True)
        elif p == 8:
            style = replace(style, hidden=True)
        elif p == 9:
            style = replace(style, strike=True)
        elif p == 21:
            style = replace(style, underline=True)
        elif p == 22:
            style = replace(style, bold=False, dim=False)
        elif p == 23:
            style = replace(style, italic=False)
        elif p == 24:
            style = replace(style, underline=False)
        elif p == 25:
            style = replace(style, blink=False)
        elif p == 27:
            style = replace(style, reverse=False)
        elif p == 28:
            style = replace(style, hidden=False)
        elif p == 29:
            style = replace(style, strike=False)
        elif 30 <= p <= 37:
            style = replace(style, fg=XTERM16[p - 30])
        elif p == 39:
            style = replace(style, fg=None)
        elif 40 <= p <= 47:
            style = replace(style, bg=XTERM16[p - 40])
        elif p == 49:
            style = replace(style, bg=None)
        elif 90 <= p <= 97:
            style = replace(style, fg=XTERM16[p - 90 + 8])
        elif 100 <= p <= 107:
            style = replace(style, bg=XTERM16[p - 100 + 8])
        elif p in (38, 48, 58):
            rgb, i = _extended_colour(params, i)
            if p == 38:
                style = replace(style, fg=rgb)
            elif p == 48:
                style = replace(style, bg=rgb)
            continue
        i += 1
    return style


def char_width(ch):
    """Cells taken by ch: 0 (combining), 1, or 2 (east-asian wide)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    if ch in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def _skip_escape(data, i):
    """data[i] is ESC: return the index after the sequence, and the SGR
    parameter string if it was an SGR (CSI ... m), else None."""
    n = len(data)
    if i + 1 >= n:
        return n, None
    kind = data[i + 1]
    if kind == "[":
        j = i + 2
        while j < n and not ("\x40" <= data[j] <= "\x7e"):
            j += 1
        if j >= n:
            return n, None
        params = data[i + 2:j]
        if data[j] == "m" and all(c in "0123456789;:" for c in params):
            return j + 1, params
        return j + 1, None
    if kind in "]PX^_":  # OSC, DCS, SOS, PM, APC: until BEL or ST
        j = i + 2
        while j < n:
            if data[j] == "\x07":
                return j + 1, None
            if data[j] == "\x1b" and j + 1 < n and data[j + 1] == "\\":
                return j + 2, None
            j += 1
        return n, None
    if kind in "()*+#%":  # charset designation: one more byte
        return min(n, i + 3), None
    return i + 2, None


def parse(data, cols, rows):
    """Turn a capture into a rows x cols list of Cell lists."""
    grid = [[Cell() for _ in range(cols)] for _ in range(rows)]
    style = Style()
    row = col = 0
    i, n = 0, len(data)
    while i < n:
        ch = data[i]
        if ch == "\x1b":
            i, sgr = _skip_escape(data, i)
            if sgr is not None:
                style = apply_sgr(style, sgr)
            continue
        i += 1
        if ch == "\n":
            row, col = row + 1, 0
            continue
        if ch == "\r":
            col = 0
            continue
        if ch == "\t":
            col = min(cols, (col // 8 + 1) * 8)
            continue
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            continue
        if row >= rows:
            continue
        w = char_width(ch)
        if w == 0:
            if col > 0:
                prev = grid[row][col - 1]
                if prev.width == 0 and col > 1:
                    prev = grid[row][col - 2]
                prev.text += ch
            continue
        if col + w > cols:
            continue
        grid[row][col] = Cell(ch, style, w)
        if w == 2:
            grid[row][col + 1] = Cell("", style, 0)
        col += w
    return grid


def resolve_colours(style):
    """(fg, bg) RGB for a style after dim, reverse and hidden."""
    fg = style.fg or DEFAULT_FG
    bg = style.bg or DEFAULT_BG
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = blend(fg, bg, 0.5)
    if style.hidden:
        fg = bg
    return fg, bg


def blend(a, b, t):
    """Mix colour a with b: t=0 gives a, t=1 gives b."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


class Fonts:
    """The regular and bold faces and the cell metrics derived from them."""

    def __init__(self, size):
        self.size = size
        self.regular = ImageFont.truetype(FONT_REGULAR, size)
        self.bold = ImageFont.truetype(FONT_BOLD, size)
        ascent, descent = self.regular.getmetrics()
        self.ascent = ascent
        self.cell_w = round(self.regular.getlength("M"))
        # An even height splits half blocks evenly: QR modules stay square.
        self.cell_h = ascent + descent + (ascent + descent) % 2
        self._missing = {}

    def face(self, bold):
        return self.bold if bold else self.regular

    def _signature(self, font, ch):
        mask = font.getmask(ch)
        return mask.size, bytes(mask)

    def has_glyph(self, font, ch):
        """True unless font draws ch as its .notdef box."""
        key = id(font)
        if key not in self._missing:
            self._missing[key] = self._signature(font, "\U0010fffd")
        return self._signature(font, ch) != self._missing[key]

    def for_char(self, ch, bold):
        """A font that has ch (first code point), or None."""
        base = ch[0]
        for font in (self.face(bold), self.regular):
            if self.has_glyph(font, base):
                return font
        return _fallback_font(base, self.size)


@functools.lru_cache(maxsize=None)
def _fallback_font(ch, size):
    paths = [FONT_FALLBACK]
    try:
        out = subprocess.run(
            ["fc-list", ":charset=%x" % ord(ch), "file"],
            capture_output=True, text=True, timeout=10, check=False).stdout
        paths += sorted(line.split(":")[0].strip()
                        for line in out.splitlines() if line.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    for path in paths:
        try:
            font = ImageFont.truetype(path, size)
        except OSError:
            continue
        if _fallback_has(font, ch):
            return font
    return None


def _fallback_has(font, ch):
    nd = font.getmask("\U0010fffd")
    m = font.getmask(ch)
    return (m.size, bytes(m)) != (nd.size, bytes(nd)) and m.size[0] > 0


# Block elements: code point -> list of rectangles as fractions of the cell
# (x0, y0, x1, y1), or ("shade", alpha).
BLOCKS = {
    0x2580: [(0, 0, 1, 1 / 2)],
    0x2588: [(0, 0, 1, 1)],
    0x2590: [(1 / 2, 0, 1, 1)],
    0x2591: ("shade", 0.25),
    0x2592: ("shade", 0.5),
    0x2593: ("shade", 0.75),
    0x2594: [(0, 0, 1, 1 / 8)],
    0x2595: [(7 / 8, 0, 1, 1)],
    0x2596: [(0, 1 / 2, 1 / 2, 1)],
    0x2597: [(1 / 2, 1 / 2, 1, 1)],
    0x2598: [(0, 0, 1 / 2, 1 / 2)],
    0x2599: [(0, 0, 1 / 2, 1), (1 / 2, 1 / 2, 1, 1)],
    0x259A: [(0, 0, 1 / 2, 1 / 2), (1 / 2, 1 / 2, 1, 1)],
    0x259B: [(0, 0, 1, 1 / 2), (0, 1 / 2, 1 / 2, 1)],
    0x259C: [(0, 0, 1, 1 / 2), (1 / 2, 1 / 2, 1, 1)],
    0x259D: [(1 / 2, 0, 1, 1 / 2)],
    0x259E: [(1 / 2, 0, 1, 1 / 2), (0, 1 / 2, 1 / 2, 1)],
    0x259F: [(1 / 2, 0, 1, 1), (0, 1 / 2, 1 / 2, 1)],
}
for _k in range(1, 8):  # lower k/8 blocks and left (8-k)/8 blocks
    BLOCKS[0x2580 + _k] = [(0, 1 - _k / 8, 1, 1)]
    BLOCKS[0x2588 + _k] = [(0, 0, 1 - _k / 8, 1)]

# Box drawing: code point -> (up, right, down, left) with 0 none, 1 light,
# 2 heavy, 3 double, derived from the Unicode character names.
_DIRS = {"UP": (0,), "RIGHT": (1,), "DOWN": (2,), "LEFT": (3,),
         "VERTICAL": (0, 2), "HORIZONTAL": (1, 3)}
_WEIGHTS = {"LIGHT": 1, "SINGLE": 1, "HEAVY": 2, "DOUBLE": 3}


def _box_arms(cp):
    """Arms of box-drawing character cp, or None to draw the glyph."""
    name = unicodedata.name(chr(cp), "")
    if not name.startswith("BOX DRAWINGS "):
        return None
    words = name[len("BOX DRAWINGS "):].split()
    if any(w in ("DASH", "DIAGONAL", "ARC") for w in words):
        return None
    arms = [0, 0, 0, 0]
    weight = None
    groups = " ".join(words).split(" AND ")
    pending = []
    for group in groups:
        gw = None
        dirs = []
        for w in group.split():
            if w in _WEIGHTS:
                gw = _WEIGHTS[w]
            elif w in _DIRS:
                dirs.extend(_DIRS[w])
            else:
                return None
        if gw is not None:
            weight = gw
            for d in pending + dirs:
                arms[d] = weight
            pending = []
        elif weight is not None:
            for d in dirs:
                arms[d] = weight
        else:
            pending.extend(dirs)
    for d in pending:
        arms[d] = weight or 1
    return tuple(arms) if any(arms) else None


BOX = {cp: a for cp in range(0x2500, 0x2580) if (a := _box_arms(cp))}
# Rounded corners: arc as (quadrant start angle), drawn light.
ARCS = {0x256D: 180, 0x256E: 270, 0x256F: 0, 0x2570: 90}


def draw_block(draw, spec, x, y, w, h, fg, bg):
    if spec[0] == "shade":
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=blend(bg, fg, spec[1]))
        return
    for fx0, fy0, fx1, fy1 in spec:
        x0, y0 = x + round(fx0 * w), y + round(fy0 * h)
        x1, y1 = x + round(fx1 * w) - 1, y + round(fy1 * h) - 1
        if x1 >= x0 and y1 >= y0:
            draw.rectangle([x0, y0, x1, y1], fill=fg)


def draw_box(draw, arms, x, y, w, h, fg):
    """Draw box-drawing arms from the cell centre to its edges.

    Offsets below are measured from the centre towards the arm's edge."""
    t = max(1, round(w / 8))  # light stroke
    heavy = 2 * t + 1
    g = max(t + 1, round(w / 5))  # half the gap of a double line
    cx, cy = x + w // 2, y + h // 2
    thick = {0: 0, 1: t, 2: heavy, 3: t}

    def line(d, off, across, th):
        """Stroke of width th on arm d, from offset off to the cell edge,
        shifted `across` pixels sideways."""
        if d in (1, 3):
            s = 1 if d == 1 else -1
            x0, x1 = cx + s * off, (x + w - 1 if d == 1 else x)
            yc = cy + across - th // 2
            draw.rectangle([min(x0, x1), yc, max(x0, x1), yc + th - 1], fill=fg)
        else:
            s = 1 if d == 2 else -1
            y0, y1 = cy + s * off, (y + h - 1 if d == 2 else y)
            xc = cx + across - th // 2
            draw.rectangle([xc, min(y0, y1), xc + th - 1, max(y0, y1)], fill=fg)

    for d, weight in enumerate(arms):
        if weight == 0:
            continue
        # The perpendicular arms, on the minus side and the plus side of
        # this arm's axis (left/right of a vertical arm, up/down of a
        # horizontal one), and whether the arm continues straight on.
        minus, plus = (arms[0], arms[2]) if d in (1, 3) else (arms[3], arms[1])
        perp = max(minus, plus)
        straight = arms[(d + 2) % 4] != 0
        if weight != 3:
            if perp == 3:
                # Cross (╪) passes through; a tee (╤) hangs from the near
                # double line; a corner (╒) reaches the far one.
                if straight:
                    off = 0
                else:
                    off = g if minus and plus else -g
            else:
                off = -(max(thick[minus], thick[plus]) // 2)
            line(d, off, 0, thick[weight])
            continue
        for side, near, far in ((-g, minus, plus), (g, plus, minus)):
            if near == 3:
                off = g
            elif near:
                off = 0
            elif far == 3:
                off = -g
            else:
                off = -(thick[far] // 2)
            line(d, off, side, t)


def draw_arc(draw, start, x, y, w, h, fg):
    """Rounded corner: a quarter circle joining two light arms."""
    t = max(1, round(w / 8))
    r = w // 2
    cx, cy = x + w // 2, y + h // 2
    # Centre of the circle sits diagonally inside the corner.
    ox = {180: 1, 270: -1, 0: -1, 90: 1}[start]
    oy = {180: 1, 270: 1, 0: -1, 90: -1}[start]
    ccx, ccy = cx + ox * r, cy + oy * r
    draw.arc([ccx - r, ccy - r, ccx + r, ccy + r], start, start + 90, fill=fg, width=t)
    # Straight parts from the arc to the cell edges.
    if oy > 0:
        draw.rectangle([cx - t // 2, ccy, cx - t // 2 + t - 1, y + h - 1], fill=fg)
    else:
        draw.rectangle([cx - t // 2, y, cx - t // 2 + t - 1, ccy], fill=fg)
    if ox > 0:
        draw.rectangle([ccx, cy - t // 2, x + w - 1, cy - t // 2 + t - 1], fill=fg)
    else:
        draw.rectangle([x, cy - t // 2, ccx, cy - t // 2 + t - 1], fill=fg)


def render(grid, fonts, title=None, cursor=None, padding=8):
    """Draw the grid and return a PIL image."""
    rows, cols = len(grid), len(grid[0]) if grid else 0
    cw, ch = fonts.cell_w, fonts.cell_h
    title_h = round(ch * 1.6) if title else 0
    width = cols * cw + 2 * padding
    height = rows * ch + 2 * padding + title_h
    img = Image.new("RGB", (width, height), DEFAULT_BG)
    draw = ImageDraw.Draw(img)
    if title:
        draw.rectangle([0, 0, width - 1, title_h - 1], fill=TITLE_BG)
        tw = fonts.bold.getlength(title)
        draw.text(((width - tw) / 2, (title_h - ch) / 2), title,
                  font=fonts.bold, fill=TITLE_FG)
    oy = padding + title_h
    for r, line in enumerate(grid):
        for c, cell in enumerate(line):
            if cell.width == 0:
                continue
            style = cell.style
            if cursor == (c, r):
                style = replace(style, reverse=not style.reverse)
            draw_cell(draw, cell, style, fonts, padding + c * cw, oy + r * ch)
    return img


def draw_cell(draw, cell, style, fonts, x, y):
    cw, ch = fonts.cell_w * cell.width, fonts.cell_h
    fg, bg = resolve_colours(style)
    draw.rectangle([x, y, x + cw - 1, y + ch - 1], fill=bg)
    text = cell.text
    cp = ord(text[0]) if text else 32
    if style.hidden:
        pass
    elif cp in BLOCKS:
        draw_block(draw, BLOCKS[cp], x, y, cw, ch, fg, bg)
    elif cp in BOX:
        draw_box(draw, BOX[cp], x, y, cw, ch, fg)
    elif cp in ARCS:
        draw_arc(draw, ARCS[cp], x, y, cw, ch, fg)
    elif text.strip():
        font = fonts.for_char(text, style.bold)
        if font is None:
            draw.rectangle([x + 1, y + 2, x + cw - 2, y + ch - 3], outline=fg)
        else:
            draw.text((x, y), text, font=font, fill=fg)
    if style.underline:
        uy = y + fonts.ascent + 1
        draw.line([x, uy, x + cw - 1, uy], fill=fg)
    if style.strike:
        sy = y + ch // 2
        draw.line([x, sy, x + cw - 1, sy], fill=fg)


def self_test():
    """Check the parser on known inputs; return 0 when all pass."""
    g = parse("\x1b[1;38;5;208mA\x1b[0m\u6f22B\n\x1b[7;48;2;1;2;3mC", 5, 2)
    checks = [
        (g[0][0].text, "A"), (g[0][0].style.bold, True),
        (g[0][0].style.fg, palette256(208)), (g[0][1].width, 2),
        (g[0][2].width, 0), (g[0][3].text, "B"), (g[0][3].style, Style()),
        (g[1][0].style.reverse, True), (g[1][0].style.bg, (1, 2, 3)),
        (palette256(196), (255, 0, 0)), (palette256(244), (128, 128, 128)),
        (apply_sgr(Style(), "4:3").underline, True),
        (apply_sgr(Style(), "58:2::1:2:3;31").fg, XTERM16[1]),
        (apply_sgr(Style(fg=(1, 1, 1)), "").fg, None),
        (BOX[0x250C], (0, 1, 1, 0)), (BOX[0x2554], (0, 3, 3, 0)),
        (BOX[0x253E], (1, 2, 1, 1)), (BOX[0x2567], (1, 3, 0, 3)),
        (parse("x\u0301y", 3, 1)[0][0].text, "x\u0301"),
        (parse("\x1b]2;t\x07ok", 3, 1)[0][0].text, "o"),
    ]
    bad = [(i, got, want) for i, (got, want) in enumerate(checks) if got != want]
    for i, got, want in bad:
        print("self-test check %d: got %r, want %r" % (i, got, want))
    print("screenshot.py self-test: %d/%d ok" % (len(checks) - len(bad), len(checks)))
    return 1 if bad else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="Render a tmux capture-pane -e dump to PNG.")
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--title", help="caption bar text above the screen")
    ap.add_argument("--cursor", help="X,Y (0-based) cell to draw as the cursor")
    ap.add_argument("--font-size", type=int, default=16)
    ap.add_argument("--padding", type=int, default=8)
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("input", nargs="?", help="capture file, or - for stdin")
    ap.add_argument("output", nargs="?", help="PNG file to write")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.input or not args.output:
        ap.error("INPUT and OUTPUT are required")
    if args.cols < 1 or args.rows < 1:
        ap.error("--cols and --rows must be positive")
    cursor = None
    if args.cursor:
        try:
            cx, cy = (int(v) for v in args.cursor.split(","))
        except ValueError:
            ap.error("--cursor wants X,Y")
        cursor = (cx, cy)
    if args.input == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(args.input, "rb") as f:
            data = f.read()
    grid = parse(data.decode("utf-8", errors="replace"), args.cols, args.rows)
    img = render(grid, Fonts(args.font_size), args.title, cursor, args.padding)
    img.save(args.output, "PNG")
    return 0


if __name__ == "__main__":
    sys.exit(main())
