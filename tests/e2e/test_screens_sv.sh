#!/bin/bash
# test_screens_sv.sh - every screen as each role in sv at 80x24: no English
# source text left (fi, sv), no line wider than 80 columns, no text cut
# without an ellipsis, F1 and F10 on the key bar (tests/e2e/screens_lib.sh).
set -euo pipefail
# shellcheck source=screens_lib.sh
source "$(dirname "$0")/screens_lib.sh"
sc_run sv
e2e_pass
