#!/bin/bash
# demo.sh - from a fresh Debian 12 clone to a running demo: install what is
# missing, build, create a demo register (once), start the program.
#   scripts/demo.sh [--customers N]      (default: a few thousand)
# The demo accounts' passwords and TOTP secrets are printed when the
# register is created and kept in demo/register.db.users (mode 0600).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh --demo # oathtool too: the codes of the demo accounts
if [ ! -f build/build.ninja ]; then
        meson setup build --buildtype=release > /dev/null
fi
ninja -C build > /dev/null
mkdir -p demo
chmod 700 demo
# A demo config: the real defaults, but a quicker idle lock is not wanted
# here, so only the register path changes.
if [ ! -f demo/rekisteri.ini ]; then
        cat > demo/rekisteri.ini <<INI
[register]
path = $PWD/demo/register.db
company_name = Esimerkki Oy
INI
        chmod 644 demo/rekisteri.ini
fi
export REKISTERI_CONFIG=$PWD/demo/rekisteri.ini
if [ ! -f demo/register.db ]; then
        build/rekisteri demo --db demo/register.db "$@"
        echo
        echo "The accounts above are also in demo/register.db.users."
        echo "Get a code with: oathtool --totp -b SECRET"
        [ -t 0 ] && read -r -p "Press Enter to start rekisteri..." _
fi
exec build/rekisteri --db demo/register.db
