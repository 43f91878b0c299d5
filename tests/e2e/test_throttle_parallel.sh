#!/bin/bash
# test_throttle_parallel.sh - password guessing in parallel is throttled as
# if it were serial. 20 wrong logins for one account started at once:
# - at most one Argon2 run is in flight for the account at any moment,
#   read from the test build's counter (REKISTERI_TEST_ARGON2_LOG: "start
#   PID" / "end PID" lines around each run), not from timing;
# - the others are refused at once with the throttle's message, and the
#   growing delays are seen;
# - retrying until the lock: exactly lock_after password checks ran, then
#   even the right password is refused without any further Argon2 run.
# The counter proves itself first: 20 logins for 20 different unknown
# names do overlap.
source "$(dirname "$0")/cli_lib.sh"
printf '[crypto]\nargon2_ops = 2\nargon2_mem_kib = 32768\n[login]\nthrottle_after = 2\nlock_after = 5\nmax_delay_seconds = 2\n' > fast.ini
echo "$PW" | "$R" init --db r.db --admin hannele --password-stdin > init.txt 2>&1 ||
        { bad "init: $(cat init.txt)"; exit 1; }
LOG=$T/argon2.log

# max_in_flight FILE - the most "start" lines without their "end" at once
max_in_flight() {
        awk '$1=="start"{n++; if(n>m)m=n} $1=="end"{n--} END{print m+0}' "$1"
}

# --- the counter sees overlap when it happens --------------------------------
: > "$LOG"
for i in $(seq 1 20); do
        echo "guess-$i" | REKISTERI_TEST_ARGON2_LOG=$LOG "$R" check --db r.db \
                --user "nobody$i" --password-stdin > /dev/null 2>&1 &
done
wait
runs=$(grep -c '^start' "$LOG")
[ "$runs" = 20 ] && ok "20 different names: 20 Argon2 runs counted" || bad "runs $runs"
m=$(max_in_flight "$LOG")
[ "$m" -gt 1 ] && ok "the counter sees $m runs in flight at once for different names" ||
        bad "no overlap seen for 20 different names ($m): the counter proves nothing"

# --- 20 at once for one account ----------------------------------------------
: > "$LOG"
for i in $(seq 1 20); do
        echo "wrong guess $i" | REKISTERI_TEST_ARGON2_LOG=$LOG "$R" check --db r.db \
                --user hannele --password-stdin > /dev/null 2> "p$i.err" &
done
wait
m=$(max_in_flight "$LOG")
runs=$(grep -c '^start' "$LOG")
[ "$m" = 1 ] && ok "20 parallel logins: at most one Argon2 run in flight ($runs ran)" ||
        bad "$m Argon2 runs in flight at once for one account"
[ "$runs" -ge 1 ] && [ "$runs" -le 5 ] && ok "no more checks than lock_after ($runs)" ||
        bad "$runs password checks"
refused=$(cat p*.err | grep -c 'too many failed logins: wait [0-9]* s before the next try')
failed=$(cat p*.err | grep -c 'login failed: wrong username, password or code')
[ $((refused + failed)) = 20 ] && [ "$failed" = "$runs" ] &&
        ok "$failed failed after a check, $refused refused before one" ||
        bad "answers: $failed failed, $refused refused; $(sort p*.err | uniq -c)"

# --- keep trying until the lock ------------------------------------------------
saw_delay=0
for round in $(seq 1 40); do
        out=$(echo "wrong again" | REKISTERI_TEST_ARGON2_LOG=$LOG "$R" check --db r.db \
                --user hannele --password-stdin 2>&1)
        grep -q 'wait 2 s' <<< "$out" && saw_delay=1
        grep -q 'locked' <<< "$out" && break
        sleep 0.5
done
grep -q 'locked' <<< "$out" && ok "the account locked: $out" || bad "never locked: $out"
[ "$saw_delay" = 1 ] && ok "the growing delay (2 s) was observed" || bad "no delay seen"
runs=$(grep -c '^start' "$LOG")
[ "$runs" = 5 ] && ok "exactly lock_after = 5 password checks ran in all" ||
        bad "$runs password checks ran, lock_after is 5"
out=$(echo "$PW" | REKISTERI_TEST_ARGON2_LOG=$LOG "$R" check --db r.db --user hannele \
        --password-stdin 2>&1)
grep -q 'locked' <<< "$out" && [ "$(grep -c '^start' "$LOG")" = 5 ] &&
        ok "locked: the right password is refused without an Argon2 run" || bad "$out"
cli_done
