#!/usr/bin/env bash
# test_locale_edges.sh - the new screens and commands where the locale
# says little or something wrong: no LANG, LC_ALL or LANGUAGE at all (a
# forced command over SSH), LC_ALL=C, and LANG=fi_FI, a locale that does
# not exist (Debian generates none by default). Finnish comes from
# [register] language = fi or --lang fi. Every other e2e test runs in
# C.UTF-8, so these are the edges.
#
# In tmux at 80x24 (the pane's tmux itself in UTF-8), the supervisor,
# first with nothing set and then with LC_ALL=C and --lang fi: the login
# screen, home, the Import screen's mapping and preview of a Finnish Excel
# file (Windows-1252) and the Duplicates screen each show ä and ö as
# letters: the Finnish words are on the screen as the catalog has them,
# with no mojibake (Ã, U+FFFD), no '?' in their place, and no line wider
# than 80 columns. A sales user with LANG=fi_FI and --lang sv: the
# customer list in Swedish with the demo's names as stored.
# On the command line in the same three environments: `import customers`
# (the preview), `duplicates`, `--lang fi --help` and the Finnish man page
# come out as valid UTF-8 with ä/ö, or for man in plain ASCII, never as
# mojibake.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/import_lib.sh"
rk_demo_setup 100
rk_one_person
rk_demo_keyfile dpo supervisor
printf '[register]\nlanguage = fi\n' >>"$REKISTERI_CONFIG"
rk_import_file "$PWD/fi.csv" nobody@example.fi C000001
NOLOCALE=(-u LANG -u LC_ALL -u LC_CTYPE -u LC_MESSAGES -u LANGUAGE)

# no mojibake: valid UTF-8, no "Ã" (UTF-8 read as Latin-1) and no U+FFFD
clean_text() { # FILE WHAT
	python3 - "$1" "$2" <<'PY' || e2e_fail "$2: $(head -c 300 "$1" | cat -v)"
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8")  # fails on bytes that are not UTF-8
assert "Ã" not in t and "\ufffd" not in t, "mojibake"
PY
}
# the check proves itself: it sees "Sähköposti" read as Latin-1, and bytes
# that are not UTF-8
printf 'S\xc3\x83\xc2\xa4hk\xc3\x83\xc2\xb6posti\n' >moji.txt
printf 'S\xe4hk\xf6posti\n' >latin.txt
for f in moji.txt latin.txt; do
	if (clean_text "$f" proof) 2>/dev/null; then e2e_fail "the mojibake check passes $f"; fi
done
wide() { # SESSION - fail on a line wider than 80 columns
	_e2e_tmux capture-pane -p -J -t "=$1:" | python3 -c '
import sys, unicodedata
for line in sys.stdin.read().splitlines():
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    if w > 80:
        sys.exit("wider than 80: " + line)' || e2e_fail "$1: a line is wider than 80 columns"
}
screen_ok() { # SESSION WHAT
	e2e_screen "$1" >scr.txt
	clean_text scr.txt "$2"
	wide "$1"
}

# login SESSION ROLE LANG ENV... - start the program in ENV (with --lang
# LANG unless LANG is -), log in as the demo account of ROLE with a TOTP
# step it has not used (rk_fresh_step).
login() {
	local s=$1 role=$2 lang=$3 name pw secret
	shift 3
	read -r name _ pw secret < <(grep "^$role " r.db.users)
	local opt=()
	[[ $lang == - ]] || opt=(--lang "$lang")
	e2e_start "$s" 80 24 env "$@" REKISTERI_CONFIG="$REKISTERI_CONFIG" "$R" "${opt[@]}" --db r.db
	e2e_wait "$s" 'Käyttäjätunnus:|Användarnamn:'
	screen_ok "$s" "the login screen"
	e2e_type "$s" "$name"
	e2e_keys "$s" Tab
	e2e_type "$s" "$pw"
	e2e_keys "$s" Tab
	rk_fresh_step "$role"
	e2e_type "$s" "$(rk_code "$secret" "@$((FRESH_STEP * 30))")"
	e2e_keys "$s" Enter
}
menu() { # SESSION LABEL - open the home entry LABEL
	local n
	n=$(e2e_screen "$1" | grep -E '^  [^ ].* {2,}' | grep -n "^  $2 " | cut -d: -f1)
	[[ -n "$n" ]] || e2e_fail "no entry $2 on $(e2e_screen "$1")"
	for ((i = 0; i < 14; i++)); do e2e_keys "$1" Up; done
	for ((i = 1; i < n; i++)); do e2e_keys "$1" Down; done
	e2e_keys "$1" Enter
}

n=0
for how in none C; do
	n=$((n + 1))
	s=$how
	if [[ $how == none ]]; then
		login "$s" supervisor - "${NOLOCALE[@]}"
	else
		login "$s" supervisor fi "${NOLOCALE[@]}" LC_ALL=C
	fi
	e2e_wait "$s" 'Rekisteröityjen pyynnöt|Mitä haluat tehdä\?' 15
	e2e_screen "$s" | grep -q 'Mitä haluat tehdä' || e2e_keys "$s" Escape
	e2e_wait "$s" 'Mitä haluat tehdä\?'
	screen_ok "$s" "home ($how)"
	menu "$s" Tuonti
	e2e_wait "$s" 'Tuo asiakkaita taulukon CSV-tiedostosta'
	e2e_type "$s" "$PWD/fi.csv"
	e2e_keys "$s" Enter
	e2e_wait "$s" 'Sähköposti +email \(Sähköposti\)'
	screen_ok "$s" "the Import mapping ($how)"
	e2e_keys "$s" F10
	e2e_wait "$s" 'Väinö Ääliö'
	e2e_wait "$s" 'Öljynen Oy'
	screen_ok "$s" "the Import preview ($how)"
	rk_press_until "$s" Escape 'Mitä haluat tehdä\?' 5
	menu "$s" Päällekkäiset
	e2e_wait "$s" 'päällekkäis' 30
	screen_ok "$s" "Duplicates ($how)"
	rk_ok "supervisor, LC_ALL=${how}: login, home, Import mapping and preview, Duplicates in Finnish with ä and ö"
	e2e_kill "$s"
done
ASIAKAS=$(rk_sql "SELECT name FROM customers WHERE name GLOB '*[äöåÄÖÅ]*' AND restricted=0
	AND kind='person' ORDER BY number LIMIT 1;")
[[ -n "$ASIAKAS" ]] || e2e_fail "the demo has no name with ä, ö or å"
login f sales sv "${NOLOCALE[@]}" LANG=fi_FI
e2e_wait f 'Vad vill du göra\?' 15
screen_ok f "home in Swedish (LANG=fi_FI)"
menu f Kunder
e2e_wait f 'Sök:'
e2e_type f "${ASIAKAS%% *}"
e2e_wait f "$ASIAKAS"
screen_ok f "the customer list (LANG=fi_FI)"
rk_ok "sales, LANG=fi_FI (no such locale), --lang sv: home and the customer list with '$ASIAKAS'"

# --- the command line in the same environments -----------------------------------
for envs in "" "LC_ALL=C" "LANG=fi_FI"; do
	# shellcheck disable=SC2086 # envs is word-split on purpose
	env "${NOLOCALE[@]}" $envs "$R" import customers fi.csv --db r.db --keyfile dpo.key >cli.out 2>&1 ||
		e2e_fail "import ($envs): $(cat -v cli.out)"
	clean_text cli.out "import customers (${envs:-nothing set})"
	grep -q 'Sähköposti' cli.out && grep -q 'Väinö Ääliö' cli.out ||
		e2e_fail "import (${envs:-nothing set}): $(head -3 cli.out)"
	# shellcheck disable=SC2086
	env "${NOLOCALE[@]}" $envs "$R" duplicates --db r.db --keyfile dpo.key >dup.out 2>&1 ||
		e2e_fail "duplicates ($envs): $(cat -v dup.out)"
	clean_text dup.out "duplicates (${envs:-nothing set})"
	grep -q 'päällekkäis' dup.out || e2e_fail "duplicates not in Finnish: $(head -2 dup.out)"
	# shellcheck disable=SC2086
	env "${NOLOCALE[@]}" $envs "$R" --lang fi --help >help.out 2>&1 || e2e_fail "--help ($envs)"
	clean_text help.out "--help (${envs:-nothing set})"
	grep -q '^Käyttö: rekisteri' help.out || e2e_fail "--help: $(head -1 help.out)"
	# shellcheck disable=SC2086
	env "${NOLOCALE[@]}" $envs MANPAGER=cat MANWIDTH=80 man -l "$E2E_SRCDIR/data/man/fi/rekisteri.1" \
		>man.out 2>/dev/null || e2e_fail "man ($envs)"
	clean_text man.out "the Finnish man page (${envs:-nothing set})"
	grep -qE '^NIMI' man.out || e2e_fail "man: $(head -3 man.out)"
	rk_ok "CLI with ${envs:-nothing set}: import preview, duplicates, --help and man page without mojibake"
done
e2e_pass "no LANG, LC_ALL=C, LANG=fi_FI: the new screens and commands speak Finnish and Swedish with ä, ö and å, or plain ASCII (man), never mojibake"
