#!/bin/bash
# test_privacy.sh - the DPO's documents through the real binary on a real
# demo register (README, Privacy documents):
#   - the record is generated, not stored: adding a role, changing a
#     retention period and adding a purpose in the config each show in the
#     next record, with nothing else done;
#   - every Art. 30(1)(a)-(g) heading of the record and every Art.
#     13(1)-(2) and 14 item of the notice is there in fi, sv and en, each in
#     its own language (the translation taken from the built catalog with
#     gettext(1) and required to differ from the English);
#   - honesty: a config with no controller name, a purpose with no legal
#     basis, a field group no purpose uses and a role reading a group no
#     purpose covers still renders, with each gap under "To complete"
#     before the first section; `privacy check` exits 1 then and 0 on the
#     complete config;
#   - HTML: --out F.html is mode 0600, never overwrites, passes a strict
#     parser (tests/tools/html_check.py) and `tidy -errors`; a controller
#     name with markup in it comes out as text;
#   - each generation is an audit row; a role without the documents action
#     is refused; dates are d.m.yyyy in fi and sv.
source "$(dirname "$0")/cli_lib.sh"
CHECK_HTML="${SRCDIR:?}/tests/tools/html_check.py"
LOCALES="$(dirname "$R")/locale"
FULL=('[controller]' 'name = Rautakauppa Esimerkki Oy' 'business_id = 1234567-8'
        'address = Kauppakatu 1, 00100 Helsinki' 'email = tietosuoja@esimerkki.fi'
        '[purpose.customers]' 'description = Customer relationship and orders'
        'description_fi = Asiakassuhteen hoito ja tilaukset'
        'description_sv = Skötsel av kundrelationen och beställningar'
        'legal_basis = contract' 'groups = identity, contact, orders, notes'
        '[purpose.invoicing]' 'description = Invoicing and bookkeeping'
        'legal_basis = legal_obligation' 'basis_detail = Accounting Act 1336/1997'
        'groups = identity, billing, idcode, order_amounts'
        '[purpose.marketing]' 'description = Marketing with consent'
        'legal_basis = consent' 'groups = contact, consents'
        '[recipient.accounting]' 'name = Tilitoimisto Numero Oy'
        'description = Accounting firm' 'groups = billing, order_amounts' 'processor = 1'
        '[role.retention]' 'actions = retention' '[accounts]' 'combine_duties = 1')
cli_config "${FULL[@]}"
"$R" demo --db r.db --customers 40 --seed 3 > demo.out 2>&1 || { bad "demo"; exit 1; }
read -r _ _ APW ASEC < <(grep '^admin ' r.db.users)
rk_cli_totp "$ASEC" now "$APW" "$R" key add-file --db r.db --user admin --password-stdin \
        --label dpo --roles supervisor,admin \
        --out dpo.key > /dev/null 2>&1 || { bad "dpo key file"; exit 1; }
"$R" key add-file --db r.db --keyfile dpo.key --label sales --roles sales --out sales.key \
        > /dev/null 2>&1 || bad "sales key file"
DPO=(--db r.db --keyfile dpo.key)
export LANGUAGE=en

# tr LANG MSGID - the catalog's translation of MSGID (the English in en)
tr_() {
        if [ "$1" = en ]; then printf '%s' "$2"; else
                LANGUAGE=$1 LC_ALL=C.UTF-8 TEXTDOMAINDIR="$LOCALES" gettext rekisteri "$2"; fi
}
# has_all FILE LANG MSGID... - every translated MSGID is a line part of FILE
has_all() {
        local f=$1 lang=$2 m t missing=0
        shift 2
        for m in "$@"; do
                t=$(tr_ "$lang" "$m")
                if [ "$lang" != en ] && [ "$t" = "$m" ]; then
                        bad "$lang: no translation of \"$m\""; missing=1; continue; fi
                grep -qF -- "$t" "$f" || { bad "$lang: \"$t\" missing from $f"; missing=1; }
        done
        return $missing
}

# --- the complete config: check passes, the record has every heading -----
expect_rc 0 "privacy check on the complete config" "$R" privacy check
grep -q "Nothing to complete" out.txt && ok "check says nothing is missing" || bad "check: $(cat out.txt)"
RECORD_HEADINGS=("1. Controller and data protection officer (Art. 30(1)(a))"
        "2. Purposes of the processing (Art. 30(1)(b))"
        "3. Categories of data subjects and of personal data (Art. 30(1)(c))"
        "4. Recipients (Art. 30(1)(d))" "5. Transfers to third countries (Art. 30(1)(e))"
        "6. Time limits for erasure (Art. 30(1)(f))"
        "7. Security measures (Art. 30(1)(g) and Art. 32)")
NOTICE_HEADINGS=("Who is responsible for your data (Art. 13(1)(a))"
        "Data protection officer (Art. 13(1)(b))"
        "Why we process your data and on what basis (Art. 13(1)(c))"
        "Our legitimate interests (Art. 13(1)(d))"
        "Who receives your data (Art. 13(1)(e))"
        "Transfers outside the EU and the EEA (Art. 13(1)(f))"
        "How long we keep your data (Art. 13(2)(a))" "Your rights (Art. 13(2)(b))"
        "Withdrawing your consent (Art. 13(2)(c))"
        "Your right to complain to the supervisory authority (Art. 13(2)(d))"
        "Must you give us your data (Art. 13(2)(e))"
        "Automated decisions and profiling (Art. 13(2)(f))"
        "What data we process (Art. 14(1)(d))" "Where the data comes from (Art. 14(2)(f))")
# the content behind the rights and the complaint, not only their headings
NOTICE_ITEMS=("to see the data we have about you and get a copy (Art. 15)"
        "to have wrong data corrected (Art. 16)"
        "to have your data erased, unless the law requires us to keep it (Art. 17)"
        "to have the processing restricted (Art. 18)"
        "to get the data you gave us in a machine-readable form (Art. 20)"
        "to object to processing based on our legitimate interests, and to direct marketing at any time (Art. 21)")
for lang in en fi sv; do
        expect_rc 0 "record in $lang" "$R" privacy record "${DPO[@]}" --lang "$lang"
        cp out.txt record-$lang.md
        has_all record-$lang.md "$lang" "Record of processing activities" "${RECORD_HEADINGS[@]}" &&
                ok "record in $lang: all seven Art. 30(1) headings, in $lang"
        ! grep -q "^## .*To complete\|^## $(tr_ "$lang" "To complete")" record-$lang.md &&
                ok "record in $lang: nothing to complete" || bad "record in $lang lists gaps"
        expect_rc 0 "notice in $lang" "$R" privacy notice "${DPO[@]}" --lang "$lang"
        cp out.txt notice-$lang.md
        has_all notice-$lang.md "$lang" "Privacy notice" "${NOTICE_HEADINGS[@]}" "${NOTICE_ITEMS[@]}" &&
                ok "notice in $lang: every Art. 13(1)-(2) and 14 item, in $lang"
done
grep -qF "tietosuojavaltuutetulle" notice-fi.md && grep -qiF "dataombudsman" notice-sv.md &&
        grep -qF "Data Protection Ombudsman" notice-en.md &&
        ok "the notice names the Data Protection Ombudsman in each language" ||
        bad "the Ombudsman is not named in every notice"
grep -qF "Asiakassuhteen hoito ja tilaukset" notice-fi.md &&
        grep -qF "Skötsel av kundrelationen" notice-sv.md &&
        ok "the purposes' own fi and sv descriptions are used" || bad "purpose descriptions per language"
today_fi=$(date +%-d.%-m.%Y)
grep -qF "$today_fi" record-fi.md && grep -qF "$today_fi" notice-sv.md &&
        grep -qF "$(date +%F)" record-en.md && ok "dates: $today_fi in fi and sv, ISO in en" ||
        bad "dates in documents"
grep -qF "| sales |" record-en.md && grep -qF "Tilitoimisto Numero Oy" record-en.md &&
        ok "recipients: the roles and the external recipient" || bad "recipients"

# --- generated, not stored: three config changes, three visible changes ---
grep -q "| auditor |" record-en.md && bad "auditor role before it exists"
grep -qF "| Notes | 2 years |" record-en.md || bad "notes period before the change: $(grep '| Notes |' record-en.md)"
cli_config "${FULL[@]}" '[role.auditor]' 'read = notes' '[retention]' 'notes_months = 18' \
        '[purpose.surveys]' 'description = Customer satisfaction surveys' \
        'legal_basis = legitimate_interests' 'basis_detail = improving our service' \
        'groups = contact, notes'
expect_rc 0 "record after the config changed" "$R" privacy record "${DPO[@]}" --lang en
grep -qF "| auditor | Notes | none |" out.txt && ok "a new role shows as a recipient with what it reads" ||
        bad "new role missing: $(grep auditor out.txt)"
grep -qF "| Notes | 18 months |" out.txt && ok "a changed retention period shows (18 months)" ||
        bad "changed period missing: $(grep '| Notes |' out.txt)"
grep -qF "| surveys | Customer satisfaction surveys | Legitimate interests (Art. 6(1)(f)); improving our service |" out.txt &&
        ok "a new purpose shows with its legal basis" || bad "new purpose missing"
"$R" privacy notice "${DPO[@]}" --lang en > notice2.md 2> /dev/null
grep -qF "Customer satisfaction surveys: improving our service" notice2.md &&
        grep -qF "Notes: 18 months from writing" notice2.md &&
        ok "the notice follows too (legitimate interest named, 18 months)" || bad "notice after change"

# --- honesty: gaps still render, listed first; check exits 1 -------------
cli_config '[purpose.customers]' 'description = Customers' 'groups = identity, contact' \
        '[role.retention]' 'actions = retention' '[accounts]' 'combine_duties = 1'
expect_rc 1 "privacy check with gaps" "$R" privacy check
for gap in "The controller's name is not set" "Purpose customers has no legal basis" \
        "Field group billing (Billing details) is used by no purpose" \
        "Role warehouse reads field group orders, which no purpose covers: processing without a purpose" \
        "Role billing reads field group billing, which no purpose covers"; do
        grep -qF "$gap" out.txt && ok "check names: $gap" || bad "check lacks: $gap"
done
expect_rc 0 "the record still renders with gaps" "$R" privacy record "${DPO[@]}" --lang en
first=$(grep -n '^## ' out.txt | head -1)
[ "${first#*:}" = "## To complete" ] && ok "\"To complete\" is the first section" || bad "first section: $first"
ngaps=$(grep -c '^- \[ \] ' out.txt); nchk=$(wc -l < <("$R" privacy check 2> /dev/null))
[ "$ngaps" = "$nchk" ] && [ "$ngaps" -gt 5 ] && ok "the record lists all $ngaps gaps that check lists" ||
        bad "record lists $ngaps gaps, check $nchk"
expect_rc 1 "privacy check in Finnish" "$R" privacy check --lang fi
grep -qF "$(tr_ fi "The controller's name is not set: [controller] name.")" out.txt &&
        ok "check speaks Finnish" || bad "check in fi: $(head -2 out.txt)"

# --- HTML: strict parse, tidy, escaping, 0600, never overwrite -----------
MARKUP=()
for line in "${FULL[@]}"; do
        [ "$line" = "name = Rautakauppa Esimerkki Oy" ] &&
                line='name = Kauppa <script>alert(1)</script> & "Oy"'
        MARKUP+=("$line")
done
cli_config "${MARKUP[@]}"
for doc in record notice report; do
        expect_rc 0 "$doc as HTML (fi)" "$R" privacy "$doc" "${DPO[@]}" --lang fi --out "$doc.html"
        mode=$(stat -c %a "$doc.html")
        [ "$mode" = 600 ] && ok "$doc.html is mode 600" || bad "$doc.html mode $mode"
        python3 "$CHECK_HTML" "$doc.html" --text > "$doc.txt" && ok "$doc.html passes the strict parser" ||
                bad "$doc.html: $(python3 "$CHECK_HTML" "$doc.html" 2>&1)"
        if command -v tidy > /dev/null; then
                tidy -errors -q "$doc.html" > tidy.txt 2>&1 && ok "$doc.html: tidy -errors finds no error" ||
                        bad "$doc.html: tidy: $(head -3 tidy.txt)"
        else bad "tidy is not installed (scripts/deps.sh --test)"; fi
done
grep -qF 'Kauppa <script>alert(1)</script> & "Oy"' record.txt && ! grep -q '<script' record.html &&
        ok "markup in the controller's name is text in the HTML, not a script" ||
        bad "escaping: $(grep -o 'Kauppa[^<]*<[^>]*>' record.html | head -2)"
grep -q '@page { size: A4' record.html && ok "the page carries its A4 print stylesheet" || bad "no A4 @page"
cp record.html before.html
expect_rc 1 "--out an existing file" "$R" privacy record "${DPO[@]}" --out record.html
cmp -s record.html before.html && grep -q "already exists" err.txt &&
        ok "an existing file is never overwritten" || bad "overwrite: $(cat err.txt)"
ln -s before.html link.html
expect_rc 1 "--out a symlink" "$R" privacy notice "${DPO[@]}" --out link.html
cmp -s before.html record.html && ok "a symlink is not followed" || bad "symlink followed"
"$R" privacy notice "${DPO[@]}" --lang en --out notice.md 2> /dev/null
head -1 notice.md | grep -qx "# Privacy notice" && ok "--out F.md writes Markdown" || bad "md file"

# --- audit, permission, bad input ----------------------------------------
expect_rc 0 "audit list" "$R" audit list "${DPO[@]}" --action privacy.
# 6 in three languages, 2 after the change, 1 with gaps, 3 HTML, 1 .md file;
# the refused --out of an existing file and of a symlink made none
n=$(grep -c "privacy\.\(record\|notice\|report\)" out.txt)
[ "$n" = 13 ] && ok "every generation is one audit row (13)" || bad "$n privacy rows, not 13"
grep -q "privacy.report .*html:fi:$(date +%Y)" out.txt && ok "the row names format, language and year" ||
        bad "report row: $(grep privacy.report out.txt | head -1)"
expect_rc 1 "the sales role may not generate" "$R" privacy record --db r.db --keyfile sales.key
grep -q '"documents" permission' err.txt && ok "refused, naming the documents permission" || bad "sales: $(cat err.txt)"
expect_rc 2 "--year that is no year" "$R" privacy report "${DPO[@]}" --year 26x
# --lang is the global option: a language without messages is wrong usage
expect_rc 2 "--lang de" "$R" privacy notice "${DPO[@]}" --lang de
expect_rc 2 "--year on the record" "$R" privacy record "${DPO[@]}" --year 2026
cli_done
