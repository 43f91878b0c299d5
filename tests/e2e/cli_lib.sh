# shellcheck shell=bash
# tests/e2e/cli_lib.sh - helpers for the command-line e2e tests: a private
# temp dir with a fast config (Argon2id at its minimum cost, chmod 644) in
# $REKISTERI_CONFIG, check counters, and running the real binary. Tests
# source it, call ok/bad/expect_rc, and end with cli_done.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/totp_lib.sh"
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
# sql_with_key KEY SQL [DB] - run SQL through the sqlcipher CLI with the raw
# key; it waits up to 10 s for a lock (.timeout), as rk_sql does: on a
# loaded machine a reading right after a command can meet its lock
sql_with_key() {
        printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\n.timeout 10000\n%s\n' \
                "$1" "$2" | sqlcipher "${3:-r.db}" 2>&1
}
# cli_done - the closing line and the exit status
cli_done() {
        echo "$fails failure(s)"
        [ "$fails" = 0 ]
}
# cli_demo DB N - a demo register at DB (seed 3, N customers), as a company
# would run one: sets REC (the recovery key), KEY (the raw key, from the
# recovery key) and K0 (the audit key), writes dpo.key (supervisor and admin) and ret.key (the
# retention role, which the config must define). One person holds the data and the
# admin key here, so it adds [accounts] combine_duties = 1 (README, Roles).
# Returns 1 on any failure.
cli_demo() {
        local db=$1 apw asec
        printf '[accounts]\ncombine_duties = 1\n' >> "$REKISTERI_CONFIG"
        "$R" demo --db "$db" --customers "$2" --seed 3 > demo.out 2>&1 || return 1
        REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' demo.out | head -1)
        K0=$(grep -oE '^ +[0-9a-f]{64}$' demo.out | tr -d ' ' | head -1)
        KEY=$(echo "$REC" | "$R" key dump-raw --db "$db" --password-stdin 2> /dev/null | tail -1)
        [[ "$KEY" =~ ^x\'[0-9a-f]{64}\'$ ]] && [ -n "$K0" ] || return 1
        read -r _ _ apw asec < <(grep '^admin ' "$db.users")
        rk_cli_totp "$asec" now "$apw" "$R" key add-file --db "$db" --user admin \
                --password-stdin --label dpo --roles supervisor,admin \
                --out dpo.key > /dev/null 2>&1 || return 1
        "$R" key add-file --db "$db" --keyfile dpo.key --label retention --roles retention \
                --out ret.key > /dev/null 2>&1
}
# kill_at CMD... - run it, SIGKILL it after a random delay of up to $SPAN s;
# sets killed=1 when the kill hit a live process. The window follows the
# command's real length on this machine, loaded or not: a miss (the
# command had ended) narrows it, a hit widens it a little, so the kills
# keep landing at random points over the whole run.
kill_at() {
        "$@" > run.txt 2>&1 &
        local pid=$!
        sleep "$(awk -v s="$SPAN" -v r="$RANDOM" 'BEGIN { printf "%.3f", s * r / 32768 }')"
        if kill -9 "$pid" 2> /dev/null; then killed=1; else killed=0; fi
        wait "$pid" 2> /dev/null
        SPAN=$(awk -v s="$SPAN" -v k="$killed" \
                'BEGIN { s = k ? s * 1.1 : s * 0.7; if (s < 0.02) s = 0.02; printf "%.3f", s }')
}
