#!/bin/bash
# test_cli_language.sh - the command line speaks Finnish and Swedish, as a
# user meets it with LANGUAGE=fi or LANGUAGE=sv: a usage error, a command's
# --help, a wrong password, a validation error, the retention plan, a
# request's preview and the request itself (its dates as 4.12.2026 in fi
# and sv, ISO in en) each come out in that language, and no English source
# string (a msgid the catalog translates) is left in any of them
# (tests/tools/untranslated.py). The same commands in English still say
# what the English tests expect, so the check sees the language change.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
S=${SRCDIR:?}

dsr_register || { bad "register"; exit 1; }
dsr_seed || { bad "seeding: $(cat seed.txt)"; exit 1; }
U=(--db r.db --keyfile dpo.key)

# say LANG NAME CMD... - run CMD in LANG: stdout and stderr into NAME.LANG
say() {
        local lang=$1 name=$2
        shift 2
        LANGUAGE=$lang LC_ALL=C.UTF-8 "$@" > "$name.$lang" 2>&1
}

# the same request in each language: an access request, then its report
expect_rc 0 "access request" "$R" dsr new --type access --subject C000001 \
        --verified "passport at the counter" "${U[@]}"

for lang in en fi sv; do
        say "$lang" usage "$R" user add
        say "$lang" help "$R" retention plan --help
        say "$lang" mainhelp "$R" --help
        echo "not the password" | say "$lang" login "$R" check --db r.db --user hannele \
                --password-stdin --totp 123456
        printf 'name=Kalle Koe\nemail=kalle.example.fi\n' |
                say "$lang" invalid "$R" customer add "${U[@]}"
        say "$lang" plan "$R" retention plan "${U[@]}"
        say "$lang" preview "$R" dsr preview 1 "${U[@]}"
        say "$lang" show "$R" dsr show 1 "${U[@]}"
done

# English first: the words the checks below must see replaced
grep -q "takes 1 argument" usage.en && grep -q "Try 'rekisteri --help'" usage.en &&
        ok "en: usage error" || bad "en usage: $(cat usage.en)"
grep -q "^Usage: rekisteri retention plan" help.en && ok "en: --help" || bad "en help: $(cat help.en)"
grep -q "login failed: wrong username, password or code" login.en &&
        ok "en: wrong password" || bad "en login: $(cat login.en)"
grep -q "E-mail: needs an @" invalid.en && ok "en: validation error" || bad "en invalid: $(cat invalid.en)"
grep -q "^Retention plan for" plan.en && ok "en: retention plan" || bad "en plan: $(head -3 plan.en)"

check() { # check LANG FILE WANT WHAT
        if grep -qF -- "$3" "$2.$1"; then ok "$1: $4"; else bad "$1: $4: $(head -5 "$2.$1")"; fi
}
check fi usage "ottaa 1 argumentin" "usage error"
check fi usage "Kokeile 'rekisteri --help'" "usage error's hint"
check fi help "Käyttö: rekisteri retention plan" "--help"
check fi help "kuivaharjoitus" "--help's summary"
check fi mainhelp "Valitsimet:" "the program's --help"
check fi login "kirjautuminen epäonnistui: väärä käyttäjätunnus, salasana tai koodi" "wrong password"
check fi invalid "Sähköposti: tarvitsee @-merkin" "validation error"
check fi plan "Säilytyssuunnitelma" "retention plan"
check fi plan "Muistiinpanot: poista" "retention plan's rules"
check fi preview "jokaisen rivin jokainen kenttä" "request preview"
check fi show "Pyyntö 1: Tietopyyntö (15 art.)" "request"
grep -qE "^  Vastaanotettu: +[0-9]{1,2}\.[0-9]{1,2}\.20[0-9]{2}$" show.fi &&
        ok "fi: the request's dates read 4.12.2026" || bad "fi: request dates: $(cat show.fi)"
check sv usage "tar 1 argument" "usage error"
check sv usage "Försök med 'rekisteri --help'" "usage error's hint"
check sv help "Användning: rekisteri retention plan" "--help"
check sv help "torrkörning" "--help's summary"
check sv mainhelp "Flaggor:" "the program's --help"
check sv login "inloggningen misslyckades: fel användarnamn, lösenord eller kod" "wrong password"
check sv invalid "E-post: behöver ett @" "validation error"
check sv plan "Lagringsplan" "retention plan"
check sv plan "Anteckningar: radera" "retention plan's rules"
check sv preview "varje fält på varje rad" "request preview"
check sv show "Begäran 1: Rätt till tillgång (art. 15)" "request"
grep -qE "^  Mottagen: +[0-9]{1,2}\.[0-9]{1,2}\.20[0-9]{2}$" show.sv &&
        ok "sv: the request's dates read 4.12.2026" || bad "sv: request dates: $(cat show.sv)"
grep -qE "^  Received: +20[0-9]{2}-[0-9]{2}-[0-9]{2}$" show.en &&
        ok "en: the request's dates stay ISO" || bad "en: request dates: $(cat show.en)"

# the exit codes do not depend on the language
expect_rc 2 "fi: a usage error exits 2" env LANGUAGE=fi "$R" user add
expect_rc 1 "sv: a wrong password exits 1" env LANGUAGE=sv "$R" check --db r.db \
        --user hannele --password-stdin --totp 123456 <<< "not the password"
for lang in fi sv; do
        for name in usage help mainhelp login invalid plan preview show; do
                if python3 "$S/tests/tools/untranslated.py" "$S/po/$lang.po" "$name.$lang" > left.txt
                then ok "$lang: no English left in $name"
                else bad "$lang: English left in $name: $(head -3 left.txt)"
                fi
        done
done
# the checker itself finds English: the English outputs are full of it
python3 "$S/tests/tools/untranslated.py" "$S/po/fi.po" plan.en > /dev/null &&
        bad "the checker found no English in the English plan" ||
        ok "the checker finds English in the English plan"

cli_done
