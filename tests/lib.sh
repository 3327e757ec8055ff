# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the host-side tests in tests/ (sourced, POSIX sh).
#
#   pass DESC            ok N - DESC
#   fail DESC [DIAG...]  not ok N - DESC, then each DIAG as "# DIAG"
#   skip DESC REASON     ok N - DESC # SKIP REASON
#   check DESC CMD...    pass if CMD exits 0, else fail with its output
#   show FILE            FILE as "#   " diagnostics
#   finish               the plan and a summary; exits 1 if anything failed
#
# TOP is the top of the source tree.

# shellcheck disable=SC2034 # used by the scripts that source this file
TOP=$(cd "$(dirname "$0")/.." && pwd)
_n=0
_nfail=0
_nskip=0
_name=${0##*/}
echo "TAP version 13"

pass() {
	_n=$((_n + 1))
	echo "ok $_n - $1"
}

fail() {
	_n=$((_n + 1))
	_nfail=$((_nfail + 1))
	echo "not ok $_n - $1"
	shift
	for _d in "$@"; do
		echo "# $_d"
	done
}

skip() {
	_n=$((_n + 1))
	_nskip=$((_nskip + 1))
	echo "ok $_n - $1 # SKIP $2"
}

show() {
	[ -f "$1" ] && sed 's/^/#   /' "$1"
	return 0
}

check() {
	_desc=$1
	shift
	if _out=$("$@" 2>&1); then
		pass "$_desc"
	else
		fail "$_desc" "command: $*"
		printf '%s\n' "$_out" | sed 's/^/#   /'
	fi
}

finish() {
	echo "1..$_n"
	echo "# $_name: $((_n - _nfail - _nskip)) passed, $_nfail failed, $_nskip skipped"
	[ "$_nfail" -eq 0 ]
	exit $?
}
