#!/bin/bash
# test_hardening.sh - the binary that `meson install` puts in bin/ is
# hardened the way a setgid program on Debian should be, and carries no
# benchmark-only code.
#
# It installs this build into a temporary DESTDIR and checks the installed
# bin/rekisteri twice: with Debian's hardening-check (devscripts), and with
# readelf/nm for the same properties, so a failure names the missing one:
# - PIE (ELF type DYN with the PIE flag), full RELRO (a GNU_RELRO segment
#   and BIND_NOW: the GOT is read-only before main), the stack protector
#   (__stack_chk_fail imported), and _FORTIFY_SOURCE (__*_chk imported) in
#   a fortified build (RK_FORTIFIED=1: optimised, no sanitizers; the
#   sanitizer build of the suite cannot fortify and says so);
# - no symbol with "unencrypted" in its name (the benchmarks' plain open
#   lives only in the benchmark programs).
# Control-flow protection is compiled in (-fcf-protection) but not
# required: Debian 12's own crt1.o/crti.o lack the IBT/SHSTK notes, so no
# program linked on Debian 12 gets the property.
source "$(dirname "$0")/cli_lib.sh"

B=$(dirname "$R")
meson install -C "$B" --destdir "$T/root" --no-rebuild --quiet > install.log 2>&1 ||
        { bad "meson install failed: $(tail -3 install.log)"; cli_done; exit 1; }
BIN=$(find "$T/root" -path '*/bin/rekisteri' -type f | head -1)
[ -x "$BIN" ] && ok "installed binary at ${BIN#"$T/root"}" || { bad "no installed bin/rekisteri"; cli_done; exit 1; }

# --- Debian's hardening-check ------------------------------------------------
skip=(--nocfprotection)
[ "${RK_FORTIFIED:-0}" = 1 ] || skip+=(--nofortify)
if hardening-check "${skip[@]}" "$BIN" > hc.txt 2>&1; then
        ok "hardening-check ${skip[*]} passes"
else
        bad "hardening-check: $(grep -v ': yes' hc.txt | tr '\n' ' ')"
fi
cat hc.txt

# --- the same with readelf and nm ---------------------------------------------
readelf -h "$BIN" > h.txt; readelf -d "$BIN" > d.txt; readelf -lW "$BIN" > l.txt
nm -D "$BIN" > dyn.txt; nm "$BIN" > sym.txt 2>&1
grep -q 'Type:.*DYN' h.txt && grep -q 'FLAGS_1.*PIE' d.txt && ok "PIE" || bad "not PIE"
grep -q GNU_RELRO l.txt && ok "RELRO segment" || bad "no GNU_RELRO segment"
grep -qE 'FLAGS.*BIND_NOW|FLAGS_1.*NOW' d.txt && ok "BIND_NOW: full RELRO" || bad "no BIND_NOW: partial RELRO"
grep -q ' U __stack_chk_fail' dyn.txt && ok "stack protector" || bad "no __stack_chk_fail"
if [ "${RK_FORTIFIED:-0}" = 1 ]; then
        n=$(grep -cE ' U __[a-z_]+_chk(@|$)' dyn.txt)
        [ "$n" -gt 0 ] && ok "fortified: $n __*_chk functions" || bad "no fortified functions"
else
        ok "fortify not checked: this build is not optimised or has sanitizers (RK_FORTIFIED=0)"
fi
# The symbol table must be there for the next check to mean anything.
grep -q ' rk_store_open$' sym.txt || bad "nm shows no rk_store_open: symbol table missing?"
if grep -i unencrypted sym.txt dyn.txt; then
        bad "benchmark-only code in the installed binary"
else
        ok "no symbol with 'unencrypted' in its name ($(wc -l < sym.txt) symbols)"
fi
cli_done
