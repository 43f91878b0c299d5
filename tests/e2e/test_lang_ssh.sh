#!/usr/bin/env bash
# test_lang_ssh.sh - the language follows the account's choice when the
# program runs setgid over SSH.
#
# Setup (needs root, else skipped): a file group owning the register (a
# setgid copy of the binary, 2755), a staff group named by the shipped
# sshd sample's Match Group, one Unix user with an SSH key, and Debian's
# sshd on loopback from the sample (sshd_lib.sh), which also accepts the
# client's LANGUAGE so that the environment has its say.
#
# Checks:
# - the client sends LANGUAGE=en; the setgid program keeps it (a locale
#   name, no path) and the login screen is English: the register has no
#   default language;
# - alice chooses Suomi on Profile > Language: the choice is stored with
#   her account (users.language, read with the raw key) and the program
#   speaks Finnish at once;
# - a new SSH session with the same LANGUAGE=en: the login screen is
#   English again, and after her login the program speaks Finnish (her
#   choice beats the environment), as Profile > Language says in Finnish;
# - bob, who chose nothing, is still English in his own session.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/login_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/sshd_lib.sh"
rk_sshd_need_root "create Unix users and run sshd"
SAMPLE="$E2E_SRCDIR/data/sshd_config.d/rekisteri.conf"
PW='kolme iloista kalaa'
A_PW='alicen oma salasana 7'
B_PW='bobin oma salasana 8'
rk_staff_users
ssh-keygen -q -t ed25519 -N '' -f ssh/id
for u in "$UA" "$UB"; do
	cp ssh/id.pub "ssh/keys/$u"
done

# --- the register, owned by the file group; the program setgid to it ----------
rk_config
rk_init hannele "$PW"
REC=$(grep -oE '[0-9a-f]{8}(-[0-9a-f]{8}){7}' init.out | head -1)
rk_enrol_cli hannele "$PW"
rk_admin_key hannele "$PW" "$SECRET"
KEY=$(echo "$REC" | "$R" key dump-raw --db r.db --password-stdin 2>/dev/null | tail -1)
[[ $KEY =~ ^x\'[0-9a-f]{64}\'$ ]] || e2e_fail "no raw key"
for who in alice bob; do
	"$R" user add "$who" --roles sales --db r.db --keyfile adm.key >"$who.out" 2>&1 ||
		e2e_fail "user add: $(cat "$who.out")"
done
A_OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' alice.out | head -1)
B_OTP=$(grep -oE '[a-z0-9]{5}(-[a-z0-9]{5}){4}' bob.out | head -1)
[[ -n $A_OTP && -n $B_OTP ]] || e2e_fail "no one-time passwords: $(cat alice.out bob.out)"
mv r.db* data/
install -m 2755 -g "$FILEGRP" "$R" bin/rekisteri
chgrp -R "$FILEGRP" data
chmod 2770 data
chmod 0660 data/r.db data/r.db.keys
chmod 0640 data/r.db.serverkey
rm -f data/r.db-wal data/r.db-shm
# lang_of USER - the language stored with the account ("" for none)
lang_of() {
	printf 'PRAGMA key = "%s";\nPRAGMA cipher_page_size = 4096;\nSELECT coalesce(language, %s) FROM users WHERE username = %s;\n' \
		"$KEY" "''" "'$1'" | sqlcipher data/r.db 2>&1 | tail -1
}

rk_sshd_start "$SAMPLE" \
	"s|^\( *ForceCommand\) /usr/bin/rekisteri\$|\1 $E2E_TMP/bin/rekisteri --db $E2E_TMP/data/r.db|" \
	"s|^Match Group rekisteri-staff\$|Match Group $STAFFGRP|" \
	"1i AcceptEnv LANGUAGE"
SSH+=(-o SendEnv=LANGUAGE)
export LANGUAGE=en
rk_ok "sshd on 127.0.0.1:$PORT from the shipped sample; the program setgid $FILEGRP"

# menu_open SESSION REGEX - open the menu entry whose label matches REGEX
# (menu entries are "  Label   help", one a line, in any language).
menu_open() {
	local n i
	n=$(e2e_screen "$1" | grep -E '^  [[:upper:]][^ ]*( [^ ]+)? {2,}' |
		grep -nE "^  ($2) " | cut -d: -f1 | head -1)
	[[ -n $n ]] || e2e_fail "no menu entry $2: $(e2e_screen "$1")"
	for ((i = 0; i < 12; i++)); do e2e_keys "$1" Up; done
	for ((i = 1; i < n; i++)); do e2e_keys "$1" Down; done
	e2e_keys "$1" Enter
}
# language_screen SESSION - from the home menu to Profile > Language
language_screen() {
	menu_open "$1" 'Profile|Profiili|Profil'
	e2e_wait "$1" '^  (Language|Kieli|Språk) '
	menu_open "$1" 'Language|Kieli|Språk'
	e2e_wait "$1" 'Your language|Kielesi|Ditt språk'
}

# --- alice: first login in English, then her own language -------------------------
e2e_start a 80 24 "${SSH[@]}" -tt "$UA@127.0.0.1"
e2e_wait a "$LOGIN_SCREEN" 15
rk_first_login a alice "$A_OTP" "$A_PW"
A_SECRET=$SECRET
e2e_wait a 'alice \(sales\) from 127\.0\.0\.1'
language_screen a
e2e_assert_present a "Your language: the register's default"
[[ $(lang_of alice) == "" ]] || e2e_fail "alice has a language before choosing: $(lang_of alice)"
menu_open a 'Suomi'
e2e_wait a 'Kieli vaihdettu: tämä on nyt kielesi\.'
[[ $(lang_of alice) == fi ]] || e2e_fail "the choice is not stored: '$(lang_of alice)'"
rk_ok "over SSH, setgid: alice chose Suomi; stored with her account, Finnish at once"
e2e_kill a

# --- a new session: English login screen, then alice's Finnish ----------------------
e2e_start a2 80 24 "${SSH[@]}" -tt "$UA@127.0.0.1"
e2e_wait a2 "$LOGIN_SCREEN" 15
rk_login a2 alice "$A_PW" "$(rk_code "$A_SECRET")"
e2e_wait a2 'alice \(sales\) (from|paikasta) 127\.0\.0\.1' 15 # the title is Finnish too
language_screen a2
e2e_assert_present a2 'Kielesi: Suomi'
e2e_assert_absent a2 'Your language'
rk_ok "a new SSH session: English login screen (LANGUAGE=en), Finnish after alice's login"

# --- bob chose nothing: English -----------------------------------------------------------
e2e_start b 80 24 "${SSH[@]}" -tt "$UB@127.0.0.1"
e2e_wait b "$LOGIN_SCREEN" 15
rk_first_login b bob "$B_OTP" "$B_PW"
language_screen b
e2e_assert_present b "Your language: the register's default"
rk_ok "bob, with no choice of his own, stays in English"
e2e_pass
