# shellcheck shell=bash
# tests/e2e/dsr_tui_lib.sh - helpers for the data-subject request screens
# (test_dsr_wizard.sh, test_dsr_erasure_tui.sh, test_dsr_restriction.sh,
# test_dsr_dashboard.sh), on top of customers_lib.sh.
#
# How it works: the fixture is the demo register (rk_demo_setup); the
# supervisor logs in and lands on the request dashboard; the wizard is
# driven with the keys a person uses, waiting for each step's heading
# ("Step k of 6"). Expected values come from the database through the
# sqlcipher CLI and the raw key (rk_sql), never from the program.

source "$(dirname "${BASH_SOURCE[0]}")/customers_lib.sh"

# wz_dashboard SESSION - log the demo supervisor in; ends on the dashboard.
wz_dashboard() {
	rk_demo_start "$1" supervisor
	e2e_wait "$1" "$DASHBOARD"
}

# wz_step SESSION K - wait for step K of the wizard.
wz_step() {
	e2e_wait "$1" "Step $2 of 6: "
}

# wz_new SESSION DOWNS - F2 on the dashboard, DOWNS times Down in the type
# list (0 access, 1 rectification, 2 erasure, 3 restriction, ...), Enter;
# ends on step 2.
wz_new() {
	local i
	e2e_keys "$1" F2
	wz_step "$1" 1
	for ((i = 0; i < $2; i++)); do e2e_keys "$1" Down; done
	e2e_keys "$1" Enter
	wz_step "$1" 2
}

# wz_search SESSION QUERY WAIT_RE - on step 2: type QUERY, Enter, wait for
# WAIT_RE (e.g. "2 found, 2 selected").
wz_search() {
	e2e_keys "$1" C-u
	e2e_type "$1" "$2"
	e2e_keys "$1" Enter
	e2e_wait "$1" "$3"
}

# wz_verify SESSION TEXT - on step 2 with the list focused: go on, record
# TEXT as the verification; ends on the preview (step 4).
wz_verify() {
	e2e_keys "$1" Enter
	wz_step "$1" 3
	e2e_type "$1" "$2"
	e2e_keys "$1" Enter
	wz_step "$1" 4
	e2e_wait "$1" 'Items: [0-9]+ '
}

# wz_execute SESSION - from the preview: step 5, Enter, answer y; ends on
# step 6 once core has carried the request out.
wz_execute() {
	e2e_keys "$1" Enter
	wz_step "$1" 5
	e2e_keys "$1" Enter
	e2e_wait "$1" '\[y/n\]'
	e2e_keys "$1" y
	wz_step "$1" 6
	e2e_wait "$1" 'Carried out today: '
}

# wz_close SESSION - on step 6: close with the outcome offered; back on the
# dashboard.
wz_close() {
	e2e_keys "$1" Enter
	e2e_wait "$1" "$DASHBOARD"
	e2e_wait "$1" 'Request [0-9]+ closed'
}

# wz_menu SESSION LABEL - from the dashboard: Esc to the home menu, open
# LABEL there.
wz_menu() {
	e2e_keys "$1" Escape
	e2e_wait "$1" "$HOME_SCREEN"
	rk_menu "$1" "$2"
}

# rk_sql_value SQL - one value from the database (the first line).
rk_sql_value() {
	local out
	out=$(rk_sql "$1")
	printf '%s\n' "${out%%$'\n'*}"
}
