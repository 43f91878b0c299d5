# shellcheck shell=bash
# tests/e2e/money_lib.sh - money as the program prints it to people, for
# the tests that compare amounts they compute from the register with the
# program's output (sourced by customers_lib.sh and the CLI tests).

# rk_euros CENTS - the amount as the program shows it to people: euros
# grouped by thousands with no-break spaces, a decimal comma, and a
# no-break space before the euro sign ("1 083,91 €").
rk_euros() {
	local c=$1 e s="" g nb=$'\u00a0'
	e=$((c / 100))
	while ((e >= 1000)); do
		printf -v g '%03d' $((e % 1000))
		s="$nb$g$s"
		e=$((e / 1000))
	done
	printf '%d%s,%02d%s€' "$e" "$s" $((c % 100)) "$nb"
}
