#!/bin/bash
# test_dsr_lift.sh - `rekisteri dsr lift ID` says what happened: the
# restriction of request ID is lifted, and for each customer of the
# request whether it is free now or still restricted, and under which
# request (since migration 13 each carried-out restriction request holds
# its customers on its own). In English, Finnish and Swedish.
#
# Checks, for one customer per language: two restriction requests on the
# same customer, both carried out; lifting the first says the customer is
# still restricted under the second (and the register agrees: restricted
# = 1); lifting the second says it is no longer restricted (restricted =
# 0). Every line names the numbers, never a name.
source "$(dirname "$0")/cli_lib.sh"
cli_demo r.db 40 || { bad "demo register: $(tail -3 demo.out)"; cli_done; exit 1; }
U=(--db r.db --keyfile dpo.key)
mapfile -t CS < <(sql_with_key "$KEY" "SELECT number FROM customers WHERE kind='person'
        AND restricted=0 AND anonymised_at IS NULL AND merged_into IS NULL ORDER BY id
        LIMIT 3;")
[ "${#CS[@]}" = 3 ] || { bad "fixture: ${CS[*]}"; cli_done; exit 1; }

# restrict NUMBER - a restriction request on NUMBER, carried out; prints
# its id, nothing when either step failed (the output on stderr)
restrict() {
        local id
        "$R" dsr new --type restriction --subject "$1" --verified "passport at the counter" \
                "${U[@]}" > new.out 2>&1 || { cat new.out >&2; return; }
        id=$(sed -nE 's/^Request ([0-9]+):.*/\1/p' new.out | head -1)
        "$R" dsr execute "$id" "${U[@]}" > exec.out 2>&1 || { cat exec.out >&2; return; }
        echo "$id"
}
restricted() {
        sql_with_key "$KEY" "SELECT restricted FROM customers WHERE number='$1';"
}
# said FILE TEXT WHAT - the output holds TEXT as a whole line
said() { grep -qxF -- "$2" "$1" && ok "$3" || bad "$3: $(cat "$1")"; }

declare -A lifted=([en]="Request %s: the restriction is lifted."
        [fi]="Pyyntö %s: rajoitus on purettu."
        [sv]="Begäran %s: begränsningen är hävd.")
declare -A still=([en]="%s is still restricted, under request %s."
        [fi]="%s on yhä rajoitettu pyynnön %s perusteella."
        [sv]="%s är fortfarande begränsad, enligt begäran %s.")
declare -A free=([en]="%s is no longer restricted."
        [fi]="%s ei ole enää rajoitettu."
        [sv]="%s är inte längre begränsad.")
i=0
for lang in en fi sv; do
        C=${CS[$i]}
        i=$((i + 1))
        A=$(restrict "$C")
        B=$(restrict "$C")
        [[ "$A" =~ ^[0-9]+$ && "$B" =~ ^[0-9]+$ ]] || { bad "$lang: restricting $C failed"; continue; }
        [ "$(restricted "$C")" = 1 ] && ok "$lang: $C restricted by requests $A and $B" ||
                bad "$lang: $C is not restricted"
        LANGUAGE=$lang LC_ALL=C.UTF-8 "$R" dsr lift "$A" "${U[@]}" > lift1.out 2> lift1.err ||
                bad "$lang: dsr lift $A: $(cat lift1.err)"
        # shellcheck disable=SC2059
        said lift1.out "$(printf "${lifted[$lang]}" "$A")" "$lang: lift $A says it is lifted"
        # shellcheck disable=SC2059
        said lift1.out "$(printf "${still[$lang]}" "$C" "$B")" \
                "$lang: ...and that $C is still restricted, under request $B"
        [ "$(restricted "$C")" = 1 ] && ok "$lang: ...which is true" ||
                bad "$lang: $C is no longer restricted after lifting $A alone"
        LANGUAGE=$lang LC_ALL=C.UTF-8 "$R" dsr lift "$B" "${U[@]}" > lift2.out 2> lift2.err ||
                bad "$lang: dsr lift $B: $(cat lift2.err)"
        # shellcheck disable=SC2059
        said lift2.out "$(printf "${lifted[$lang]}" "$B")" "$lang: lift $B says it is lifted"
        # shellcheck disable=SC2059
        said lift2.out "$(printf "${free[$lang]}" "$C")" "$lang: ...and that $C is free"
        [ "$(restricted "$C")" = 0 ] && ok "$lang: ...which is true" ||
                bad "$lang: $C is still restricted after both lifts"
        [ "$(wc -l < lift2.out)" = 2 ] && ok "$lang: two lines, numbers only" ||
                bad "$lang: lift output: $(cat lift2.out)"
done
cli_done
