# shellcheck shell=bash
# tests/e2e/totp_lib.sh - TOTP codes for the e2e tests, from oathtool:
# sourced by login_lib.sh and cli_lib.sh (and through them by every test
# and tool that logs in).
#
# Why a helper: the program accepts the code of the current 30-second step
# (T) and of the step before (T-1), each once. First enrolment is
# confirmed with T-1, so that T stays free for the next login. A T-1 code
# expires when the step after it ends: on a loaded machine the step can
# turn over between computing the code and the program checking it, and
# the command is refused. rk_cli_totp runs such a command and, when the
# refusal is about the code, runs it once more with a fresh code (as
# rk_enrol_screen does on the screen). A second refusal is the answer.

# rk_code SECRET [OFFSET] - the TOTP code now, or OFFSET ("now - 30 seconds").
rk_code() {
	oathtool --totp -b "$1" -N "${2:-now}"
}

# The refusals that may be a code that expired on the way.
RK_CODE_REFUSED='the code is not valid|login failed: wrong username, password or code'

# rk_cli_totp SECRET WHEN PASSWORD CMD... - run `CMD... --totp CODE` with
# PASSWORD on standard input (the command takes --password-stdin), CODE
# the code of WHEN ("now", or "now - 30 seconds" for T-1). If it fails
# with a refusal of the code, once more with a fresh code. Standard output
# and error are the caller's; returns the command's exit status.
rk_cli_totp() {
	local secret=$1 when=$2 pw=$3 try rc err
	shift 3
	err=$(mktemp "${TMPDIR:-/tmp}/rk-totp.XXXXXX")
	for try in 1 2; do
		rc=0
		printf '%s\n' "$pw" | "$@" --totp "$(rk_code "$secret" "$when")" 2>"$err" || rc=$?
		if ((rc == 0 || try == 2)) || ! grep -Eq "$RK_CODE_REFUSED" "$err"; then
			break
		fi
	done
	cat "$err" >&2
	rm -f "$err"
	return "$rc"
}
