#!/bin/bash
# test_language_choice.sh - which language the program speaks, through the
# real binary and a message that every language has (dsr execute's refusal
# of a bad --report-lang, given after the configuration is read):
#   --lang beats [register] language, which beats the environment
#   (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG); with neither, the
#   environment decides, English when it names no fi or sv;
#   a bad --lang or [register] language is refused, naming what is allowed.
source "$(dirname "$0")/cli_lib.sh"
EN='--report-lang is en, fi or sv'
FI='--report-lang on en, fi tai sv'
SV='--report-lang är en, fi eller sv'
# says WANT DESCRIPTION [ENV=V...] -- ARGS... - the refusal is in WANT
says() {
        local want=$1 what=$2 envs=()
        shift 2
        while [ "$1" != -- ]; do envs+=("$1"); shift; done
        shift
        env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG "${envs[@]}" \
                "$R" dsr execute 1 --report-lang de "$@" --db none.db --keyfile none.key \
                > out.txt 2> err.txt
        local rc=$?
        if [ "$rc" = 2 ] && grep -qF -- "$want" err.txt; then ok "$what"; else
                bad "$what: exit $rc, $(head -1 err.txt)"
        fi
}
says "$EN" "nothing set: English" --
says "$FI" "LANG=fi_FI.UTF-8: Finnish" LANG=fi_FI.UTF-8 --
says "$SV" "LC_MESSAGES=sv_FI.UTF-8 before LANG=fi_FI.UTF-8: Swedish" LANG=fi_FI.UTF-8 \
        LC_MESSAGES=sv_FI.UTF-8 --
says "$FI" "LANGUAGE=de:fi: Finnish, as gettext reads the list" LANGUAGE=de:fi LANG=sv_FI.UTF-8 --
says "$SV" "--lang sv beats the environment" LANG=fi_FI.UTF-8 -- --lang sv
cli_config '[register]' 'language = fi'
says "$FI" "[register] language = fi beats LANGUAGE=sv" LANGUAGE=sv --
says "$EN" "--lang en beats [register] language = fi" LANGUAGE=sv -- --lang=en
cli_config '[register]' 'language = de'
env -u LANGUAGE "$R" doctor --db none.db > out.txt 2> err.txt
[ $? = 1 ] && grep -q "language: not a valid value; expected en, fi or sv" err.txt &&
        ok "[register] language = de is refused" || bad "language = de: $(cat err.txt)"
cli_config
env -u LANGUAGE "$R" --lang de doctor --db none.db > out.txt 2> err.txt
[ $? = 2 ] && grep -q -- "--lang is en, fi or sv" err.txt && ok "--lang de is a usage error" ||
        bad "--lang de: $(cat err.txt)"
cli_done
