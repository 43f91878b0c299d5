#!/usr/bin/env bash
# test_import.sh - `rekisteri import customers` as a supervisor uses it, on
# the demo register, with files saved as spreadsheets save them:
# - Finnish Excel: ';', Windows-1252 with ä/ö, CRLF, postal codes and
#   phone numbers that lost their leading zeros; one row per status (an
#   update, an unchanged customer, new ones, the same customer twice, bad
#   values, a formula-looking name, a previously erased person, a short
#   row). The preview's counts are checked against the test's own
#   expectations, nothing is saved without --yes, and after saving the
#   register is checked with the independent sqlcipher CLI: the new
#   customers with repaired values, the update, the erased person absent,
#   the audit rows (one import row with the file's SHA-256 and counts, one
#   per customer, no value anywhere in the trail).
# - The erased person is imported only when confirmed with a reason,
#   which is recorded.
# - UTF-8 with a BOM, ',' and English/Swedish headers, a quoted cell with a
#   comma and a line break; a mapping given with --map, saved and reused.
# - A street address of two lines in one cell (Excel's Alt+Enter) is
#   repaired, its lines joined with ", ", and listed as a repair; a line
#   break in a name is still an error.
# - Bad input, each with a clear message naming row and column: an empty
#   file, one with no header, a binary one, a 2 GB one, an unterminated
#   quote, a stray quote, bytes invalid in the encoding, an endless cell,
#   a field mapped from two columns, an unknown column or field.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"
export LANGUAGE=en

rk_demo_setup 200
rk_one_person
rk_demo_keyfile dpo supervisor
U=(--db r.db --keyfile dpo.key)
count() { rk_sql "SELECT count(*) FROM customers;"; }

# three live persons with an e-mail: one to update, one unchanged, one erased
mapfile -t P < <(rk_sql "SELECT number FROM customers WHERE kind='person' AND
	restricted=0 AND email IS NOT NULL AND hetu IS NULL AND business_id IS NULL
	AND street IS NOT NULL AND postal_code IS NOT NULL ORDER BY id LIMIT 3;")
((${#P[@]} == 3)) || e2e_fail "the demo has too few persons"
field() { rk_sql "SELECT $2 FROM customers WHERE number='$1';"; }
UPD=${P[0]} SAME=${P[1]} ERASE=${P[2]}
ERASED_MAIL=$(field "$ERASE" email)
"$R" dsr new "${U[@]}" --type erasure --subject "$ERASE" --verified 'passport' >dsr.out 2>&1 ||
	e2e_fail "dsr new: $(cat dsr.out)"
RID=$(grep -oE '[0-9]+' dsr.out | head -1)
"$R" dsr execute "$RID" "${U[@]}" >exec.out 2>&1 || e2e_fail "dsr execute: $(cat exec.out)"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE email='$ERASED_MAIL';") == 0 ]] ||
	e2e_fail "the erasure left the e-mail address"

# ---- the Finnish Excel file -------------------------------------------------
python3 - "$UPD" "$SAME" "$ERASED_MAIL" \
	"$(field "$SAME" name)" "$(field "$SAME" street)" "$(field "$SAME" postal_code)" \
	"$(field "$SAME" city)" "$(field "$SAME" email)" <<'EOF'
import sys
upd, same, erased, sname, sstreet, spostal, scity, semail = sys.argv[1:]
def ytunnus(base):
    r = sum(int(d) * w for d, w in zip(base, (7, 9, 10, 5, 8, 4, 2))) % 11
    return f"{base}-{0 if r == 0 else 11 - r}" if r != 1 else None
good = next(y for y in (ytunnus(f"{n:07d}") for n in range(2345678, 2345700)) if y)
bad = good[:-1] + str((int(good[-1]) + 1) % 10)
rows = [
    "Asiakaskoodi;Nimi;Osoite;Postinumero;Postitoimipaikka;Maa;Y-tunnus;Sähköposti;Puhelin;Lisätieto",
    f"{upd};;;;;;;paivitetty@example.fi;;",                              # 2 update
    f"{same};{sname};{sstreet};{spostal};{scity};FI;;{semail};;",        # 3 unchanged
    ";Väinö Ääliö; Kotikatu 1 ;2100;Espoo;FI;;vaino@example.fi;401234567;",  # 4 new
    f";Öljy-Yhtiö Oy;Tehdastie 5;00100;Helsinki;FI;{good};;;",           # 5 new company
    ';"=SUM(A1)";Laskutie 1;00100;Helsinki;FI;;;;',                     # 6 new, formula
    ";Väinö Ääliö;Kotikatu 1;02100;Espoo;FI;;vaino@example.fi;;",       # 7 same as row 4
    ";Huono Posti;Tie 1;00100;Helsinki;FI;;ei-osoite;;",                 # 8 e-mail
    f";Huono Yritys Oy;Tie 2;00100;Helsinki;FI;{bad};;;",                # 9 Y-tunnus
    ";Matti 131052-308T;Tie 3;00100;Helsinki;FI;;;;",                    # 10 hetu in text
    f";Palaava Henkilö;Tie 4;00100;Helsinki;FI;;{erased};;",             # 11 erased
    ";Lyhyt Rivi;Tie 5",                                                 # 12 short
]
open("excel.csv", "wb").write(("\r\n".join(rows) + "\r\n").encode("cp1252"))
EOF
file excel.csv | grep -q 'ISO-8859\|Non-ISO' || e2e_fail "excel.csv is not 8-bit text"
BEFORE=$(count)

"$R" import customers excel.csv "${U[@]}" --dry-run >dry.out 2>dry.err ||
	e2e_fail "dry run: $(cat dry.err)"
grep -q 'File excel.csv: Windows-1252, separator ;, 10 columns' dry.out ||
	e2e_fail "encoding or separator not detected: $(head -1 dry.out)"
grep -qE '^ +8 Sähköposti +-> email' dry.out || e2e_fail "Sähköposti not mapped: $(cat dry.out)"
grep -qE '^ +10 Lisätieto +-> \(ignored\)' dry.out || e2e_fail "Lisätieto not ignored"
WANT='Rows: 11. new: 3; update: 1; unchanged: 1; possible duplicate: 1; error: 4; previously erased: 1.'
grep -qF "$WANT" dry.out || e2e_fail "counts: $(grep '^Rows' dry.out), wanted $WANT"
grep -qE "^row 2: update +$UPD \(same customer number\): changes E-mail" dry.out ||
	e2e_fail "row 2: $(grep '^row 2:' dry.out)"
grep -qE "^row 3: unchanged +$SAME" dry.out || e2e_fail "row 3: $(grep '^row 3:' dry.out)"
grep -qE '^row 4: new +Väinö Ääliö' dry.out || e2e_fail "row 4: $(grep '^row 4:' dry.out)"
grep -A1 '^row 4:' dry.out | grep -qF 'repaired: Phone: leading 0 restored; Postal code: leading zeros restored; spaces trimmed: Street address' ||
	e2e_fail "row 4's repairs: $(grep -A1 '^row 4:' dry.out)"
grep -qE '^row 6: new +=SUM\(A1\)' dry.out || e2e_fail "row 6: $(grep '^row 6:' dry.out)"
grep -qE '^row 7: possible duplicate the same customer as row 4' dry.out || e2e_fail "row 7"
grep -qF 'row 8, column 8 (Sähköposti): E-mail:' dry.out || e2e_fail "row 8: $(grep '^row 8:' dry.out)"
grep -qF 'row 9, column 7 (Y-tunnus): Business ID / VAT: the check digit' dry.out ||
	e2e_fail "row 9: $(grep '^row 9:' dry.out)"
grep -qF 'row 10, column 2 (Nimi): Name: contains a personal identity code' dry.out ||
	e2e_fail "row 10: $(grep '^row 10:' dry.out)"
grep -qE '^row 11: previously erased .*--confirm 11 --reason' dry.out || e2e_fail "row 11"
grep -qF 'row 12, column 4: the row ends early: 3 columns, the header has 10' dry.out ||
	e2e_fail "row 12: $(grep '^row 12:' dry.out)"
grep -qF 'Nothing was saved (--dry-run).' dry.out || e2e_fail "dry run did not say so"
[[ $(count) == "$BEFORE" ]] || e2e_fail "the dry run changed the register"
"$R" import customers excel.csv "${U[@]}" >nosave.out 2>&1 || e2e_fail "preview failed"
grep -qF 'Nothing was saved: add --yes to save.' nosave.out || e2e_fail "saved without --yes"
[[ $(count) == "$BEFORE" ]] || e2e_fail "the preview changed the register"

"$R" import customers excel.csv "${U[@]}" --yes >save.out 2>save.err ||
	e2e_fail "import: $(cat save.err)"
grep -qF 'Saved: 3 created, 1 updated' save.out || e2e_fail "save: $(tail -1 save.out)"
[[ $(count) == $((BEFORE + 3)) ]] || e2e_fail "customers: $(count), wanted $((BEFORE + 3))"
got=$(rk_sql "SELECT kind, street, postal_code, city, phone FROM customers
	WHERE email='vaino@example.fi';")
[[ "$got" == 'person|Kotikatu 1|02100|Espoo|+358401234567' ]] || e2e_fail "row 4 saved as $got"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE name='Väinö Ääliö';") == 1 ]] ||
	e2e_fail "row 4 (ä/ö from Windows-1252) not saved once"
[[ $(rk_sql "SELECT kind FROM customers WHERE name='Öljy-Yhtiö Oy';") == company ]] ||
	e2e_fail "row 5: no company"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE name='=SUM(A1)';") == 1 ]] ||
	e2e_fail "row 6: the formula-looking name is not stored as text"
[[ $(field "$UPD" email) == paivitetty@example.fi ]] || e2e_fail "row 2 not updated"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE email='$ERASED_MAIL';") == 0 ]] ||
	e2e_fail "the erased person was imported without confirmation"
for bad in 'Huono Posti' 'Huono Yritys Oy' 'Lyhyt Rivi'; do
	[[ $(rk_sql "SELECT count(*) FROM customers WHERE name='$bad';") == 0 ]] ||
		e2e_fail "an error row was saved: $bad"
done
SHA=$(sha256sum excel.csv | cut -d' ' -f1)
got=$(rk_sql "SELECT fields FROM audit_log WHERE action='import';")
[[ "$got" == "sha256=$SHA new=3 update=1 unchanged=1 duplicate=1 error=4 erased=1 saved=0" ]] ||
	e2e_fail "the import audit row: $got"
[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='import.create';") == 3 &&
	$(rk_sql "SELECT count(*) FROM audit_log WHERE action='import.update';") == 1 ]] ||
	e2e_fail "one audit row per customer created or changed"
[[ $(rk_sql "SELECT mapping FROM import_jobs;") == *'Sähköposti=email'* ]] ||
	e2e_fail "the job does not keep the mapping"
rk_sql "SELECT * FROM audit_log;" >trail.txt
for v in vaino@example.fi 'Väinö' paivitetty Kotikatu "$ERASED_MAIL"; do
	! grep -qF "$v" trail.txt || e2e_fail "the audit trail holds a value: $v"
done

# ---- the erased person, confirmed with a reason ----------------------------
"$R" import customers excel.csv "${U[@]}" --confirm 11 --yes >c.out 2>c.err &&
	e2e_fail "--confirm without a reason was accepted"
grep -qF 'row 11: importing a previously erased person needs a reason' c.err ||
	e2e_fail "no reason: $(cat c.err)"
"$R" import customers excel.csv "${U[@]}" --confirm 11 --reason 'asked to be a customer again' \
	--yes >c.out 2>c.err || e2e_fail "confirmed import: $(cat c.err)"
grep -qE '^row 11: previously erased +confirmed with a reason' c.out || e2e_fail "row 11: $(cat c.out)"
grep -qE '^row 4: unchanged' c.out || e2e_fail "row 4 again: $(grep '^row 4:' c.out)"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE email='$ERASED_MAIL';") == 1 ]] ||
	e2e_fail "the confirmed erased person was not imported"
[[ $(rk_sql "SELECT reason FROM import_readds;") == 'asked to be a customer again' ]] ||
	e2e_fail "the reason is not recorded"
[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='import.readd';") == 1 ]] ||
	e2e_fail "no import.readd audit row"

# ---- UTF-8 with a BOM, commas, English and Swedish headers, --map ------------
printf '\xef\xbb\xbfKundnummer,Namn,Address,Zip,City,E-post,Phone,Kundens anteckning,Contact mail\r\n,"Andersson, Anna",Storgatan 1,65100,Vasa,anna@example.se,+46701234567,"rad ett\r\nrad två",anna.a@example.se\r\n,Berg Bo,Kyrkogatan 2,00100,Helsingfors,,0501234567,,bo@example.se\r\n' >bom.csv
"$R" import customers bom.csv "${U[@]}" --map 'Contact mail=email' >m.out 2>m.err &&
	e2e_fail "a field mapped twice was accepted"
grep -qF 'columns 6 (E-post) and 9 (Contact mail) are both mapped to email' m.err ||
	e2e_fail "mapped twice: $(cat m.err)"
"$R" import customers bom.csv "${U[@]}" --map 'E-post=ignore,Contact mail=email' \
	--save-map crm >m.out 2>m.err || e2e_fail "--map: $(cat m.err)"
grep -q 'UTF-8 with BOM, separator ,, 9 columns' m.out || e2e_fail "BOM file: $(head -1 m.out)"
grep -qF 'Mapping saved as crm.' m.out || e2e_fail "mapping not saved"
grep -qF 'Rows: 2. new: 2; update: 0;' m.out || e2e_fail "BOM counts: $(grep '^Rows' m.out)"
"$R" import customers bom.csv "${U[@]}" --use-map crm --yes >m.out 2>m.err ||
	e2e_fail "--use-map: $(cat m.err)"
grep -qE '^ +6 E-post +-> \(ignored\)' m.out || e2e_fail "the saved mapping was not used"
[[ $(rk_sql "SELECT city, postal_code, email FROM customers WHERE name='Andersson, Anna';") == 'Vasa|65100|anna.a@example.se' ]] ||
	e2e_fail "the BOM file's quoted name with a comma"
[[ $(rk_sql "SELECT phone FROM customers WHERE name='Berg Bo';") == '+358501234567' ]] ||
	e2e_fail "the BOM file's second row"

# ---- a street address of two lines in one cell (Excel's Alt+Enter) ----------
# LF inside the cell as Excel writes it, and CRLF with an empty line and
# blanks; a line break in a name stays an error.
printf 'Nimi;Osoite;Postinumero;Postitoimipaikka\r\nRivi Kahdeksan;"Hämeenkatu 1 A 5\nc/o Virtanen";33100;Tampere\r\nRivi Yhdeksän;"Kauppakatu 2\r\n\r\n  PL 12";00100;Helsinki\r\n"Nimi\nKahdella";Tie 3;00100;Helsinki\r\n' >lines.csv
"$R" import customers lines.csv "${U[@]}" >l.out 2>l.err || e2e_fail "lines.csv: $(cat l.err)"
grep -qF 'Rows: 3. new: 2; update: 0; unchanged: 0; possible duplicate: 0; error: 1;' l.out ||
	e2e_fail "lines.csv counts: $(grep '^Rows' l.out)"
[[ $(grep -c '^        repaired: Street address: line breaks replaced with commas$' l.out) == 2 ]] ||
	e2e_fail "the joined addresses are not listed as repairs: $(cat l.out)"
grep -qE '^row [0-9]+: error .*\(Nimi\): Name: contains a control character' l.out ||
	e2e_fail "a line break in a name was not an error: $(cat l.out)"
"$R" import customers lines.csv "${U[@]}" --yes >l.out 2>l.err || e2e_fail "lines.csv --yes: $(cat l.err)"
[[ $(rk_sql "SELECT street FROM customers WHERE name IN ('Rivi Kahdeksan', 'Rivi Yhdeksän')
	ORDER BY name;") == $'Hämeenkatu 1 A 5, c/o Virtanen\nKauppakatu 2, PL 12' ]] ||
	e2e_fail "the joined addresses as stored: $(rk_sql "SELECT street FROM customers WHERE name LIKE 'Rivi %';")"

# ---- contact persons and consents, one row per contact person -------------------
printf 'Y-tunnus;Nimi;Asiakastyyppi;Yhteyshenkilö;Titteli;Yhteyshenkilön sähköposti;Markkinointilupa;Suostumuspäivä;Suostumuksen lähde\r\n2345679-9;Kontakti Oy;yritys;Maija Mallikas;Ostaja;maija@kontakti.fi;uutiskirje;5.12.2025;messut\r\n2345679-9;;;Pekka Puhelin;;;;;\r\n;Yksityinen Ihminen;;Joku Muu;;;tarjoukset;1.1.2024;\r\n;Ilman Päivää;;;;;uutiskirje;;\r\n' |
	iconv -t cp1252 >kontaktit.csv
"$R" import customers kontaktit.csv "${U[@]}" --yes >k.out 2>k.err || e2e_fail "contacts: $(cat k.err)"
grep -qE '^ +4 Yhteyshenkilö +-> contact_name' k.out || e2e_fail "contact column: $(cat k.out)"
grep -qF 'Rows: 4. new: 1; update: 1; unchanged: 0; possible duplicate: 0; error: 2;' k.out ||
	e2e_fail "contact counts: $(grep '^Rows' k.out)"
grep -qE '^row 3: update +to the customer of row 2: adds a contact person' k.out || e2e_fail "row 3: $(cat k.out)"
grep -qF 'row 4: only a company has contact persons' k.out || e2e_fail "row 4: $(cat k.out)"
grep -qF 'row 5, column 8 (Suostumuspäivä): an imported consent needs its purpose and the day' k.out ||
	e2e_fail "row 5: $(cat k.out)"
grep -A1 '^row 2:' k.out | grep -qF 'Consent given: date turned into YYYY-MM-DD' || e2e_fail "date repair"
KID=$(rk_sql "SELECT id FROM customers WHERE business_id='2345679-9';")
[[ $(rk_sql "SELECT name || '|' || coalesce(title,'') || '|' || coalesce(email,'') FROM contact_persons
	WHERE customer_id=$KID ORDER BY id;") == $'Maija Mallikas|Ostaja|maija@kontakti.fi\nPekka Puhelin||' ]] ||
	e2e_fail "contact persons: $(rk_sql "SELECT * FROM contact_persons WHERE customer_id=$KID;")"
[[ $(rk_sql "SELECT purpose || '|' || source || '|' || given_on FROM consents WHERE customer_id=$KID;") == 'newsletter|messut|2025-12-05' ]] ||
	e2e_fail "consent: $(rk_sql "SELECT * FROM consents WHERE customer_id=$KID;")"
[[ $(rk_sql "SELECT count(*) FROM customers WHERE name IN ('Yksityinen Ihminen','Ilman Päivää');") == 0 ]] ||
	e2e_fail "an error row was saved"
"$R" import customers kontaktit.csv "${U[@]}" --yes >k2.out 2>&1 || e2e_fail "contacts again"
grep -qF 'Rows: 4. new: 0; update: 0; unchanged: 2;' k2.out || e2e_fail "again: $(grep '^Rows' k2.out)"
[[ $(rk_sql "SELECT count(*) FROM contact_persons WHERE customer_id=$KID;") == 2 &&
	$(rk_sql "SELECT count(*) FROM consents WHERE customer_id=$KID;") == 1 ]] ||
	e2e_fail "the second import added contact persons or consents again"

# ---- order history: one row per order line -------------------------------------
printf 'Asiakasnumero;Nimi;Tilausnumero;Tilauspäivä;Tuotekoodi;Tuote;Määrä;Hinta\r\n%s;;T-1001;3.4.2024;KAHVI;Kahvi 500 g;2;6,90\r\n%s;;T-1001;3.4.2024;;Suodatinpussi;1;2,50\r\n;Uusi Tilaaja;T-1003;1.2.2024;;Tee;3;4,00\r\n;;T-1003;1.2.2024;;Hunaja;1;7,00\r\n%s;;T-1001;1.1.2024;;Tee;1;1,00\r\n%s;;;1.1.2024;;Tee;1;1,00\r\n' \
	"$SAME" "$SAME" "$UPD" "$UPD" | iconv -t cp1252 >tilaukset.csv
"$R" import customers tilaukset.csv "${U[@]}" --yes >o.out 2>o.err || e2e_fail "orders: $(cat o.err)"
grep -qF 'Rows: 6. new: 1; update: 3; unchanged: 0; possible duplicate: 0; error: 2;' o.out ||
	e2e_fail "order counts: $(cat o.out)"
grep -qE "^row 2: update +$SAME \(same customer number\): adds an order line" o.out || e2e_fail "row 2: $(cat o.out)"
grep -qF "row 6: the order number belongs to another customer's order" o.out || e2e_fail "row 6: $(cat o.out)"
grep -qF "row 7, column 3 (Tilausnumero): an order line needs the order's number and date" o.out ||
	e2e_fail "row 7: $(cat o.out)"
[[ $(rk_sql "SELECT c.number || '|' || o.ordered_on || '|' || o.status || '|' || count(*) || '|' || sum(l.quantity * l.unit_price_cents)
	FROM orders o JOIN customers c ON c.id=o.customer_id JOIN order_lines l ON l.order_id=o.id
	WHERE o.number='T-1001' GROUP BY o.id;") == "$SAME|2024-04-03|delivered|2|1630" ]] ||
	e2e_fail "order T-1001: $(rk_sql "SELECT * FROM orders WHERE number='T-1001';")"
[[ $(rk_sql "SELECT c.name || '|' || count(*) FROM orders o JOIN customers c ON c.id=o.customer_id
	JOIN order_lines l ON l.order_id=o.id WHERE o.number='T-1003' GROUP BY o.id;") == 'Uusi Tilaaja|2' ]] ||
	e2e_fail "order T-1003 of the new customer"
[[ $(rk_sql "SELECT count(*) FROM audit_log WHERE action='import.order';") == 4 ]] ||
	e2e_fail "one import.order audit row per line"
"$R" import customers tilaukset.csv "${U[@]}" --yes >o2.out 2>&1 || e2e_fail "orders again"
[[ $(rk_sql "SELECT count(*) FROM order_lines l JOIN orders o ON o.id=l.order_id WHERE o.number='T-1001';") == 2 ]] ||
	e2e_fail "the second import added order lines again"

# ---- bad input: a clear message with row and column, nothing saved -----------
BEFORE=$(count)
bad_input() { # FILE MESSAGE
	"$R" import customers "$1" "${U[@]}" --yes >b.out 2>b.err &&
		e2e_fail "$1 was accepted: $(cat b.out)"
	grep -qF "$2" b.err || e2e_fail "$1: $(cat b.err), wanted $2"
	echo "ok - $1: $(cat b.err)"
}
: >empty.csv
bad_input empty.csv 'the file is empty'
printf '\xef\xbb\xbf\r\n\r\n' >blank.csv
bad_input blank.csv 'the file is empty'
printf 'Virtanen;Matti;Kotikatu 1\r\nLaine;Liisa;Tie 2\r\n' >noheader.csv
bad_input noheader.csv 'none of the first row names a column'
head -c 5000 "$R" >binary.csv
bad_input binary.csv 'this is not a text file'
truncate -s 2G huge.csv
/usr/bin/time -f '%M' -o huge.rss "$R" import customers huge.csv "${U[@]}" >b.out 2>b.err || true
grep -qF 'the file is 2048 MiB; the limit is 512 MiB' b.err || e2e_fail "2 GB: $(cat b.err)"
(($(tail -1 huge.rss) < 200000)) || e2e_fail "2 GB file: $(tail -1 huge.rss) KiB resident"
printf 'Nimi;Osoite\r\nA;B\r\n"Auki;C\r\n' >open.csv
bad_input open.csv 'row 3, column 1: a quoted cell is not closed before the end of the file'
printf 'Nimi;Osoite\r\nA;B\r\nC;"D"E\r\n' >stray.csv
bad_input stray.csv 'row 3, column 2: a stray quote'
printf 'Nimi;Osoite\r\nA \x80;B\r\nC;D\x81\r\n' >bytes.csv
"$R" import customers bytes.csv "${U[@]}" >b.out 2>b.err || e2e_fail "bytes.csv: $(cat b.err)"
grep -qF 'row 3, column 2 (Osoite): bytes that are not valid Windows-1252' b.out ||
	e2e_fail "invalid bytes: $(cat b.out)"
{ printf 'Nimi;Osoite\r\nA;'; head -c 200000 /dev/zero | tr '\0' x; printf '\r\n'; } >long.csv
bad_input long.csv 'row 2, column 2: the cell is longer than the limit'
[[ $(count) == "$BEFORE" ]] || e2e_fail "bad input changed the register"
e2e_pass "import: Excel (Windows-1252, ;) and UTF-8 BOM files previewed, counted and saved as expected; erased person only with a reason; bad input named by row and column"
