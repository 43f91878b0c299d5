#!/usr/bin/env bash
# tools/shoot.sh - save a PNG screenshot of a session of the e2e harness.
#
# Usage: tools/shoot.sh [-L SOCKET] SESSION OUT.png [--title TEXT] [--no-cursor]
#
# Captures the screen of SESSION with `tmux capture-pane -p -e -N` from the
# private tmux server of tests/e2e/lib.sh (socket name from -L or from
# $E2E_SOCKET, which lib.sh exports) and renders it with
# tools/screenshot.py at the pane's size, drawing the cursor where it is
# visible. Exits 77 when Pillow is missing, 1 on other errors.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
socket="${E2E_SOCKET:-}"
if [[ "${1:-}" == -L ]]; then
	socket="${2:?-L needs a socket name}"
	shift 2
fi
if [[ $# -lt 2 || -z "$socket" ]]; then
	echo "usage: $0 [-L SOCKET] SESSION OUT.png [--title TEXT] [--no-cursor]" >&2
	echo "       (the socket defaults to \$E2E_SOCKET from tests/e2e/lib.sh)" >&2
	exit 1
fi
session="$1" out="$2"
shift 2
title=() cursor=1
while [[ $# -gt 0 ]]; do
	case "$1" in
	--title) title=(--title "${2:?--title needs text}"); shift 2 ;;
	--no-cursor) cursor=0; shift ;;
	*) echo "$0: unknown option $1" >&2; exit 1 ;;
	esac
done

tm() { LC_ALL=C.UTF-8 tmux -u -L "$socket" -f /dev/null "$@"; }

# Debian's Pillow belongs to /usr/bin/python3; a pyenv or venv python3
# earlier on PATH may lack it.
python=""
for p in ${E2E_PYTHON:-} /usr/bin/python3 python3; do
	if "$p" -c 'import PIL' 2>/dev/null; then
		python="$p"
		break
	fi
done
if [[ -z "$python" ]]; then
	echo "$0: no python3 with Pillow (install python3-pil)" >&2
	exit 77
fi

target="=$session:"
IFS=' ' read -r w h cx cy cflag < <(tm display-message -p -t "$target" \
	'#{pane_width} #{pane_height} #{cursor_x} #{cursor_y} #{cursor_flag}')
args=(--cols "$w" --rows "$h" "${title[@]}")
if [[ "$cursor" == 1 && "$cflag" == 1 ]]; then
	args+=(--cursor "$cx,$cy")
fi
tm capture-pane -p -e -N -t "$target" | "$python" "$here/screenshot.py" "${args[@]}" - "$out"
