#!/bin/bash
# test_docs.sh - the documentation cannot drift from the program: every
# subcommand that --help lists appears in the man page and the README, and
# every config key in the shipped example is one the program accepts.
set -u
R=${REKISTERI:?}
S=${SRCDIR:?}
fails=0
cmds=$("$R" --help | sed -n 's/^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\?\)  .*/\1/p')
[ -n "$cmds" ] || { echo "FAIL: no commands parsed from --help"; exit 1; }
for c in $(echo "$cmds" | tr ' ' '_'); do
        c=${c//_/ }
        man=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$S/data/rekisteri.1")
        grep -qF -- "$c" <<< "$man" || { echo "FAIL: man page lacks '$c'"; fails=$((fails + 1)); }
        grep -qF -- "$c" "$S/README.md" || { echo "FAIL: README lacks '$c'"; fails=$((fails + 1)); }
done
# The shipped example config must load as it is.
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cp "$S/data/rekisteri.ini" "$T/r.ini"; chmod 644 "$T/r.ini"
"$R" --config "$T/r.ini" check --db "$T/none.db" --keyfile /nonexistent 2> "$T/err"
grep -q "no such register" "$T/err" || { echo "FAIL: example config: $(cat "$T/err")"; fails=$((fails + 1)); }
echo "$(echo "$cmds" | wc -l) commands checked, $fails failure(s)"
[ "$fails" = 0 ]
