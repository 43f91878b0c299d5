# shellcheck shell=bash
# tests/e2e/cli_lib.sh - helpers for the command-line e2e tests: a private
# temp dir with a fast config (Argon2id at its minimum cost, chmod 644) in
# $REKISTERI_CONFIG, check counters, and running the real binary. Tests
# source it, call ok/bad/expect_rc, and end with cli_done.
set -u
R=${REKISTERI:?path to the rekisteri binary}
T=$(mktemp -d /tmp/rk-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
# cli_config [INI LINES...] - (re)write fast.ini with extra lines.
cli_config() {
        { printf '[crypto]\nargon2_ops = 1\nargon2_mem_kib = 8\n'; printf '%s\n' "$@"; } > fast.ini
        chmod 644 fast.ini
        export REKISTERI_CONFIG=$T/fast.ini
}
cli_config
PW='kolme iloista kalaa'
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
# expect_rc WANT DESCRIPTION CMD... - stdout to out.txt, stderr to err.txt
expect_rc() {
        local want=$1 what=$2
        shift 2
        "$@" > out.txt 2> err.txt
        local got=$?
        if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else
                bad "$what: exit $got, wanted $want"
                cat err.txt
        fi
}
# sql_with_key KEY SQL [DB] - run SQL through the sqlcipher CLI with the raw key
sql_with_key() {
        printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n%s\n' "$1" "$2" |
                sqlcipher "${3:-r.db}" 2>&1
}
# cli_done - the closing line and the exit status
cli_done() {
        echo "$fails failure(s)"
        [ "$fails" = 0 ]
}
