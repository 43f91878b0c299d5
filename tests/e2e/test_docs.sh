#!/bin/bash
# test_docs.sh - the documentation cannot drift from the program: every
# subcommand that --help lists appears in the README and in each man page
# (English, Finnish and Swedish); each man page's entry for a command
# documents each option the command declares (commands.c, shown by --help)
# and shows no option it does not take, and documents the global options;
# every man page formats without a warning; and every config key in the
# shipped example is one the program accepts.
set -u
R=${REKISTERI:?}
S=${SRCDIR:?}
# --help and the messages below are read in English
export LANGUAGE=en
fails=0
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cmds=$("$R" --help | sed -n 's/^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\?\)  .*/\1/p')
[ -n "$cmds" ] || { echo "FAIL: no commands parsed from --help"; exit 1; }
# Every command --help lists has its name column (a long name such as
# 'user reset-password' once ran into its summary and was skipped here).
nusage=$("$R" --help | grep -c '^      rekisteri ')
[ "$(echo "$cmds" | wc -l)" = "$nusage" ] ||
        { echo "FAIL: --help: $(echo "$cmds" | wc -l) command names parsed, $nusage usages"; fails=$((fails + 1)); }
# The manual in English, Finnish and Swedish (installed under man/fi and
# man/sv): each is checked the same way.
manuals=("$S/data/rekisteri.1" "$S/data/man/fi/rekisteri.1" "$S/data/man/sv/rekisteri.1")
for c in $(echo "$cmds" | tr ' ' '_'); do
        c=${c//_/ }
        grep -qF -- "$c" "$S/README.md" || { echo "FAIL: README lacks '$c'"; fails=$((fails + 1)); }
done
# Options per command: --help prints "      rekisteri NAME USAGE" from the
# same declaration that decides what the command accepts.
"$R" --help | sed -n 's/^      rekisteri //p' > "$T/usage"
# Options the OPTIONS and "Unlocking" sections document for every command.
general=" --config --db --lang --help --user --password-stdin --totp --keyfile "
nopts=0
for page in "${manuals[@]}"; do
        name=${page#"$S/"}
        [ -f "$page" ] || { echo "FAIL: $name is missing"; fails=$((fails + 1)); continue; }
        man=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$page")
        for o in $general; do
                grep -qE -- "$o([^a-z-]|\$)" <<< "$man" ||
                        { echo "FAIL: $name does not document $o"; fails=$((fails + 1)); }
        done
        while IFS= read -r c; do
                grep -qF -- "$c" <<< "$man" || { echo "FAIL: $name lacks '$c'"; fails=$((fails + 1)); }
                declared=" $(grep -m1 "^$c " "$T/usage" | cut -c$((${#c} + 2))- | grep -o -- '--[a-z-]*' | tr '\n' ' ') "
                # The man entry: the .TP paragraph whose header names the command.
                block=$(awk -v cmd="$c" '
                        /^\.(TP|SH|SS)/ { if (inb) exit; hdr = 1; next }
                        hdr && /^\.B/ { hdr = 0; if (match($0, "[ |/]" cmd "([^a-z-]|$)")) inb = 1 }
                        inb { print }' <<< "$man")
                [ -n "$block" ] || continue # reported above as missing
                for o in $declared; do
                        nopts=$((nopts + 1))
                        case $general in *" $o "*) continue ;; esac
                        grep -qE -- "$o([^a-z-]|\$)" <<< "$block" ||
                                { echo "FAIL: $name: the entry for '$c' does not document $o"; fails=$((fails + 1)); }
                done
                # The header's part for this command shows only options it takes.
                part=$(head -1 <<< "$block" | sed "s/.*[ |\/]$c//; s/[|\/].*//")
                for o in $(grep -o -- '--[a-z-]*' <<< "$part"); do
                        case $declared in *" $o "*) ;; *)
                                echo "FAIL: $name shows '$c $o' but '$c' does not take $o"
                                fails=$((fails + 1)) ;;
                        esac
                done
        done <<< "$cmds"
        # The manual formats without a warning (troff once could not adjust a line).
        warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        [ -z "$warn" ] || { echo "FAIL: man warns about $name: $warn"; fails=$((fails + 1)); }
done
[ "$nopts" -gt 60 ] || { echo "FAIL: only $nopts declared options parsed from --help"; fails=$((fails + 1)); }
# The shipped example config must load as it is.
cp "$S/data/rekisteri.ini" "$T/r.ini"; chmod 644 "$T/r.ini"
"$R" --config "$T/r.ini" check --db "$T/none.db" --keyfile /nonexistent 2> "$T/err"
grep -q "no such register" "$T/err" || { echo "FAIL: example config: $(cat "$T/err")"; fails=$((fails + 1)); }
# The server's step 1 installs every package the build needs (scripts/deps.sh's
# build list; cmocka only for the tests, which the server build leaves out).
step1=$(sed -n '/^\*\*1\. Packages\.\*\*/,/^```$/{/^```sh$/,/^```$/p}' "$S/README.md" | tr '\\\n' '  ')
[ -n "$step1" ] || { echo "FAIL: no step 1 in the README's server section"; fails=$((fails + 1)); }
for p in $(sed -n '/^build=(/,/)/p' "$S/scripts/deps.sh" | tr -d '()' | sed 's/^build=//'); do
        [ "$p" = libcmocka-dev ] && continue
        grep -qE -- "(^| )$p( |\$)" <<< "$step1" ||
                { echo "FAIL: the README's step 1 does not install $p"; fails=$((fails + 1)); }
done
grep -qF 'meson setup build --prefix /usr -Dtests=false' "$S/README.md" ||
        { echo "FAIL: the server build in the README needs -Dtests=false (no cmocka there)"; fails=$((fails + 1)); }
# Every config section and key the program accepts (its own messages list
# them) is in the README's Configuration table, in its section's row.
conf=$(sed -n '/^## Configuration/,/^## Languages/p' "$S/README.md")
allowed() { # allowed SECTION: the keys the program names for it
        printf '[%s]\nno_such_key = 1\n' "$1" > "$T/k.ini"; chmod 644 "$T/k.ini"
        "$R" --config "$T/k.ini" check --db "$T/none.db" --keyfile /nonexistent 2>&1 |
                sed -n 's/.*allowed keys are //p' | tr -d ',' | tr ' ' '\n'
}
printf '[no_such_section]\n' > "$T/s.ini"; chmod 644 "$T/s.ini"
sections=$("$R" --config "$T/s.ini" check --db "$T/none.db" --keyfile /nonexistent 2>&1 |
        sed -n 's/.*allowed sections are //p' | grep -o '\[[a-z_.A-Z]*\]' | tr -d '[]')
nkeys=0
for sec in $sections; do
        row=$(grep -F -- "| \`[$sec]\` |" <<< "$conf")
        [ -n "$row" ] || { echo "FAIL: README's Configuration lacks [$sec]"; fails=$((fails + 1)); continue; }
        probe=${sec/NAME/x}
        for k in $(allowed "$probe"); do
                nkeys=$((nkeys + 1))
                base=${k%_fi}; base=${base%_sv}
                grep -qF -- "\`$base\`" <<< "$row" && { [ "$base" = "$k" ] || grep -qF '`_fi`' <<< "$row"; } ||
                        { echo "FAIL: README's Configuration row [$sec] lacks $k"; fails=$((fails + 1)); }
        done
done
[ "$nkeys" -gt 60 ] || { echo "FAIL: only $nkeys config keys checked"; fails=$((fails + 1)); }
echo "$(echo "$cmds" | wc -l) commands, $nopts declared options and $nkeys config keys checked, $fails failure(s)"
[ "$fails" = 0 ]
