#!/bin/bash
# test_po.sh - the message catalogs, as CI checks them:
#   1. every source file that marks a string (_(, N_(, ngettext) is listed
#      in po/POTFILES, so xgettext sees it;
#   2. the .pot regenerated from the sources (xgettext with the keywords of
#      po/meson.build) has no msgid that the committed po/rekisteri.pot
#      lacks: a string marked but never extracted fails here;
#   3. fi.po and sv.po pass `msgfmt --check --statistics` with every message
#      translated: no untranslated and no fuzzy message, and every msgid of
#      the .pot present (msgcmp).
# Each step first proves it sees something (a count above zero).
set -u
S=${SRCDIR:?}
cd "$S" || exit 1
fails=0
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 1. POTFILES lists every file with a mark.
grep -rlE '(^|[^A-Za-z0-9_])(N?_|ngettext)\(' --include='*.c' src | sort > "$T/marked"
grep -v '^#' po/POTFILES | sed '/^$/d' | sort > "$T/listed"
[ -s "$T/marked" ] || fail "no source file with a marked string found"
while IFS= read -r f; do
        fail "$f marks strings but is not in po/POTFILES"
done < <(comm -23 "$T/marked" "$T/listed")
while IFS= read -r f; do
        [ -f "$f" ] || fail "po/POTFILES lists $f, which does not exist"
done < "$T/listed"

# 2. The committed .pot holds every marked string.
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
        --add-comments=TRANSLATORS --package-name=rekisteri --msgid-bugs-address=- \
        --files-from=po/POTFILES --directory="$S" -o "$T/fresh.pot" ||
        fail "xgettext failed"
n=$(grep -c '^msgid "[^"]' "$T/fresh.pot")
[ "$n" -gt 0 ] || fail "xgettext extracted no message"
# msgcmp DEF REF: every msgid of REF must be in DEF
msgcmp --use-untranslated po/rekisteri.pot "$T/fresh.pot" 2> "$T/cmp" ||
        fail "po/rekisteri.pot is out of date (run: ninja -C BUILD rekisteri-pot rekisteri-update-po):
$(grep -m5 'this message' "$T/cmp")"

# 3. Every language complete and well-formed.
for lang in $(grep -v '^#' po/LINGUAS); do
        po=po/$lang.po
        stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) ||
                fail "$po: msgfmt --check: $stats"
        translated=$(sed -n 's/^\([0-9]*\) translated message.*/\1/p' <<< "$stats")
        [ "${translated:-0}" -gt 0 ] || fail "$po: no translated message ($stats)"
        case $stats in *fuzzy* | *untranslated*) fail "$po: not complete: $stats" ;; esac
        msgcmp "$po" po/rekisteri.pot 2> "$T/cmp-$lang" ||
                fail "$po lacks messages of the .pot: $(grep -m3 'this message' "$T/cmp-$lang")"
        echo "$lang: $stats"
done
echo "$n messages extracted, $(wc -l < "$T/listed") files listed, $fails failure(s)"
[ "$fails" = 0 ]
