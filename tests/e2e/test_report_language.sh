#!/bin/bash
# test_report_language.sh - access reports in the person's language, through
# `rekisteri dsr execute` on a register seeded as dsr_lib.sh does:
# - Aino Virtanen (C000001) has no language set: her report is Finnish by
#   default: Finnish headings, dates as 1.3.2015, amounts as 12,50 € (with
#   no-break spaces), the JSON names "fi" and its classification labels are
#   Finnish, while its keys, ISO dates and cents stay, and it validates
#   against data/dsr-export.schema.json;
# - Bertta Muukalainen (C000002) has Swedish as her language: her report is
#   Swedish without being asked;
# - --report-lang en gives Aino an English report; a bad value is refused
#   and leaves no file;
# - the program's own messages stay in the language it runs in (English
#   here) after a report was written in another.
source "$(dirname "$0")/cli_lib.sh"
source "$(dirname "$0")/dsr_lib.sh"
export LANGUAGE=en
dsr_register || { bad "register"; exit 1; }
dsr_seed || { bad "seeding: $(cat seed.txt)"; exit 1; }
U=(--db r.db --keyfile dpo.key)
NB=$'\u00a0'
mkdir -m 700 fi sv en

# validate JSON - the export against the schema (python3 jsonschema)
validate() {
        python3 - "$SRCDIR/data/dsr-export.schema.json" "$1" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
PY
}
# label JSON FIELD - the classification label of the customer field FIELD
label() {
        python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print([c["label"] for c in d["classification"] if c["record"] == "customer" and c["field"] == sys.argv[2]][0])' "$1" "$2"
}

# the seed set no language: the column's default
lang=$(sql_with_key "$KEY" "SELECT language FROM customers WHERE id=1;" | tail -1)
[ "$lang" = fi ] && ok "a customer's language is Finnish unless set" || bad "language: $lang"
sql_with_key "$KEY" "UPDATE customers SET language='sv' WHERE id=2;" > /dev/null

# --- Finnish by default ---
expect_rc 0 "access request for C000001" "$R" dsr new --type access --subject C000001 \
        --verified "passport at the counter" "${U[@]}"
expect_rc 0 "executed without --report-lang" "$R" dsr execute 1 --out fi "${U[@]}"
grep -q "^Request 1 carried out" out.txt && ok "the program itself still speaks English" ||
        bad "program language: $(cat out.txt)"
T=fi/dsr-1.txt J=fi/dsr-1.json
head -3 "$T"
grep -q '^Rekisteröidyn pyyntö 1: ' "$T" && ok "the report's heading is Finnish" || bad "heading: $(head -1 "$T")"
grep -qE "^Saapunut [0-9]{1,2}\.[0-9]{1,2}\.20[0-9]{2}, määräpäivä [0-9]{1,2}\.[0-9]{1,2}\.20[0-9]{2}\. Laadittu [0-9]{1,2}\.[0-9]{1,2}\.20[0-9]{2} [0-9]{2}\.[0-9]{2}\.$" "$T" &&
        ok "received, due and generated read as Finnish dates" || bad "dates: $(sed -n 2p "$T")"
grep -q ": 1\.3\.2015$" "$T" && ! grep -q "2015-03-01" "$T" &&
        ok "the order date 2015-03-01 reads 1.3.2015" || bad "order date: $(grep -n 2015 "$T" | head -3)"
grep -q ": 15\.1\.2026$" "$T" && ok "the consent's date reads 15.1.2026" || bad "consent date"
grep -q "Yhteensä ilman ALV:tä: 37,00${NB}€" "$T" && grep -q "12,50${NB}€" "$T" &&
        ok "amounts in euros, Finnish labels, no-break spaces" ||
        bad "amounts: $(grep -n '€' "$T" | head -3)"
grep -q "^  Tilaukset (2)$" "$T" && grep -q "Kuka käsitteli tietoja" "$T" &&
        grep -q "^Miksi kutakin tietoa säilytetään" "$T" &&
        ok "the report's sections are Finnish" || bad "sections: $(grep -n '^  [A-Z]' "$T" | head)"
grep -qE "Who accessed|Total without|Data-subject request" "$T" &&
        bad "English left in the Finnish report: $(grep -nE 'Who accessed|Total without|Data-subject request' "$T")" ||
        ok "no English heading left in it"
# stored codes read as words of the language too: the customer's type, an
# order's status, the request's type and status, the access list's groups
grep -q "^  Tyyppi: henkilö$" "$T" && grep -q "^      Tila: toimitettu$" "$T" &&
        grep -q "^      Tila: avoin$" "$T" && grep -q "Tunnistetiedot" "$T" &&
        ok "type, order statuses and field groups are Finnish words" ||
        bad "codes: $(grep -nE 'Tyyppi|Tila|  [0-9]+\.[0-9]+\.20' "$T" | head)"
grep -nE ": (person|company|open|confirmed|picked|shipped|delivered|cancelled|verified|executed|closed|access|erasure)$|  (identity|contact|billing|idcode|orders|order_amounts|notes|consents)(,|$)" "$T" > codes.txt &&
        bad "a stored code left in the Finnish report: $(head -3 codes.txt)" ||
        ok "no stored code left in it"
validate "$J" > v.txt 2>&1 && ok "the Finnish export validates against the schema" ||
        bad "schema: $(tail -3 v.txt)"
grep -q '"language": "fi"' "$J" && ok "the JSON names its language" || bad "no language key"
grep -q '"ordered_on": "2015-03-01"' "$J" && grep -q '"total_cents": 3700' "$J" &&
        grep -q '"received_on": "20' "$J" &&
        ok "the JSON keeps ISO dates, cents and its keys" || bad "JSON machine values"
[ "$(label "$J" language)" = Kieli ] && ok "classification labels are Finnish (language: Kieli)" ||
        bad "label: $(label "$J" language)"

# --- Swedish: the customer's own language ---
expect_rc 0 "access request for C000002" "$R" dsr new --type access --subject C000002 \
        --verified "passport at the counter" "${U[@]}"
expect_rc 0 "executed for C000002" "$R" dsr execute 2 --out sv "${U[@]}"
grep -q '^Den registrerades begäran 2: ' sv/dsr-2.txt && grep -q "^  Beställningar (1)$" sv/dsr-2.txt &&
        grep -q "Totalt utan moms: 5,00${NB}€" sv/dsr-2.txt &&
        ok "C000002's report is Swedish, her own language" || bad "Swedish: $(head -3 sv/dsr-2.txt)"
[ "$(label sv/dsr-2.json language)" = Språk ] && grep -q '"language": "sv"' sv/dsr-2.json &&
        validate sv/dsr-2.json > v.txt 2>&1 && ok "its JSON is Swedish-labelled and valid" ||
        bad "Swedish JSON: $(tail -2 v.txt)"

# --- chosen: English ---
expect_rc 0 "access request 3 for C000001" "$R" dsr new --type access --subject C000001 \
        --verified "passport at the counter" "${U[@]}"
expect_rc 2 "--report-lang de is refused" "$R" dsr execute 3 --out en --report-lang de "${U[@]}"
[ -z "$(ls en)" ] && ok "and writes nothing" || bad "files after a refusal: $(ls en)"
expect_rc 0 "executed with --report-lang en" "$R" dsr execute 3 --out en --report-lang en "${U[@]}"
grep -q '^Data-subject request 3: ' en/dsr-3.txt && grep -q ": 2015-03-01$" en/dsr-3.txt &&
        grep -q "Total without VAT: 37,00${NB}€" en/dsr-3.txt &&
        ok "the English report: English text, ISO dates, euros" || bad "English: $(head -3 en/dsr-3.txt)"
[ "$(label en/dsr-3.json language)" = Language ] && validate en/dsr-3.json > v.txt 2>&1 &&
        ok "English labels in a valid JSON" || bad "English JSON"
cli_done
