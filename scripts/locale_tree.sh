#!/bin/sh
# locale_tree.sh - compile po files into DIR/LANG/LC_MESSAGES/rekisteri.mo,
# the layout gettext reads, for a program run from its build tree.
#   locale_tree.sh DIR STAMP LANG.po...
set -eu
dir=$1 stamp=$2
shift 2
for po in "$@"; do
        lang=$(basename "$po" .po)
        mkdir -p "$dir/$lang/LC_MESSAGES"
        msgfmt --check -o "$dir/$lang/LC_MESSAGES/rekisteri.mo" "$po"
done
touch "$stamp"
