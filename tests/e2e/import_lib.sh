# shellcheck shell=bash
# tests/e2e/import_lib.sh - the file the import screen tests and the
# screenshots use: a Finnish Excel CSV (';', Windows-1252, CRLF) of nine
# rows, one of them a previously erased person whose e-mail is given.
#
# rk_import_file FILE ERASED_MAIL UPDATE_NUMBER - write FILE: row 2
# updates UPDATE_NUMBER's e-mail, rows 3-4 are new (postal code and phone
# without their leading zeros), row 5 is row 3 again, rows 6-8 are errors
# (e-mail, Y-tunnus check digit, a short row), row 9 the erased person,
# row 10 new with a formula-looking name. Expected preview:
#   new 3, update 1, unchanged 0, possible duplicate 1, error 3, previously erased 1
rk_import_file() {
	python3 - "$@" <<'PY'
import sys
path, erased, upd = sys.argv[1:]
rows = [
    "Asiakaskoodi;Nimi;Osoite;Postinumero;Postitoimipaikka;Maa;Y-tunnus;Sähköposti;Puhelin",
    f"{upd};;;;;;;uusi.osoite@example.fi;",
    ";Väinö Ääliö;Kotikatu 1;2100;Espoo;FI;;vaino@example.fi;401234567",
    ";Öljynen Oy;Tehdastie 5;100;Helsinki;FI;2345678-0;;",
    ";Väinö Ääliö;Kotikatu 1;02100;Espoo;FI;;vaino@example.fi;",
    ";Huono Posti;Tie 1;00100;Helsinki;FI;;ei-osoite;",
    ";Huono Yritys Oy;Tie 2;00100;Helsinki;FI;2345678-2;;",
    ";Lyhyt Rivi;Tie 5",
    f";Palaava Henkilö;Tie 4;00100;Helsinki;FI;;{erased};",
    ';"=SUM(A1)";Laskutie 1;00100;Helsinki;FI;;;',
]
open(path, "wb").write(("\r\n".join(rows) + "\r\n").encode("cp1252"))
PY
}

# --- the Import screen of a program started from a shell ----------------------
# (customers_lib.sh first: the demo register, rk_fresh_step, rk_menu.)

# rk_import_login SESSION - the demo supervisor logged in, on to the home
# menu, with a TOTP step not used before (rk_fresh_step).
rk_import_login() {
	local name role pw secret
	read -r name role pw secret < <(grep "^supervisor " r.db.users)
	rk_fresh_step supervisor
	rk_login "$1" "$name" "$pw" "$(rk_code "$secret" "@$((FRESH_STEP * 30))")"
	rk_wait_home "$1"
}

# rk_import_mapping SESSION FILE - from home: the Import screen's mapping
# of FILE (in this directory, UTF-8).
rk_import_mapping() {
	rk_menu "$1" Import
	e2e_wait "$1" 'Import customers from a spreadsheet'
	e2e_type "$1" "$PWD/$2"
	e2e_keys "$1" Enter
	e2e_wait "$1" "Import $2: UTF-8" 30
}
