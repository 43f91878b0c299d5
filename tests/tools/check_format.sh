#!/bin/bash
# check_format.sh - every C source and header in the repository follows
# .clang-format (clang-format --dry-run -Werror); names each file that
# does not. Files are found when the test runs, so a new one is checked
# without reconfiguring.
set -u
cd "${SRCDIR:?}" || exit 1
out=$(mktemp); trap 'rm -f "$out"' EXIT
mapfile -t files < <(find src include tests tools -name '*.[ch]' | sort)
[ "${#files[@]}" -gt 100 ] || { echo "FAIL: only ${#files[@]} files found"; exit 1; }
# one clang-format for all files; each violation names its file
clang-format --dry-run -Werror "${files[@]}" > "$out" 2>&1
status=$?
mapfile -t bad < <(grep -oE '^[^:]+\.[ch]:[0-9]+:[0-9]+: error' "$out" | cut -d: -f1 | sort -u)
for f in "${bad[@]}"; do echo "FAIL: $f is not clang-formatted (clang-format -i $f)"; done
echo "${#files[@]} files checked, ${#bad[@]} not formatted"
[ "$status" = 0 ] && [ "${#bad[@]}" = 0 ]
