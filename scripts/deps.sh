#!/bin/bash
# deps.sh - install the Debian 12 packages rekisteri needs that are missing.
#   scripts/deps.sh          what building and running need
#   scripts/deps.sh --test   also what the test suite needs
#   scripts/deps.sh --demo   also oathtool, for the demo's TOTP codes
# Uses sudo when not root. Installs nothing that is already there.
set -eu
build=(gcc meson ninja-build pkg-config libsqlcipher-dev libsodium-dev libiniparser-dev
       liboath-dev libqrencode-dev libjansson-dev libcmocka-dev libncurses-dev
       libunistring-dev gettext libcsv-dev libicu-dev)
testing=(tmux oathtool sqlcipher sqlite3 zbar-tools python3 python3-pil python3-cryptography
         python3-jsonschema fonts-dejavu-core fonts-unifont
         openssh-server openssh-client clang clang-format libclang-rt-14-dev fail2ban
         devscripts tidy chromium)
demo=(oathtool) # scripts/demo.sh tells to get codes with it
want=("${build[@]}")
[ "${1:-}" = --test ] && want+=("${testing[@]}")
[ "${1:-}" = --demo ] && want+=("${demo[@]}")
missing=()
for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
                missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
echo "Installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >&2
