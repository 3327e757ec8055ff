# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tap.sh: the one TAP writer of the shell tests (sourced; POSIX sh, busybox
# sh in the test VM too).  Sourced by tests/*.sh (through tests/lib.sh),
# tools/ktapictl_vm_test.sh, selftests/run_vm_tests.sh,
# scripts/static-checks.sh, scripts/vm-kmemleak.sh and .ci/run.
#
#   pass DESC                 ok N - DESC
#   fail DESC [DIAG...]       not ok N - DESC, then each DIAG as "# DIAG"
#   skip DESC REASON          ok N - DESC # SKIP REASON
#   check DESC CMD...         pass if CMD exits 0, else fail with its output
#   expect_rc WANT DESC CMD...  pass if CMD exits WANT; its stdout and
#                             stderr are left in $T/out and $T/err (T: the
#                             caller's temporary directory)
#   has FILE DESC REGEX       pass if a line of FILE matches the extended REGEX
#   show FILE                 FILE as "#   " diagnostics
#   tap_report                the TAP document's end (see below) and the
#                             summary "# NAME: N passed, N failed, N skipped";
#                             status 0 when nothing failed
#   finish                    tap_report, then exit with its status
#   find_prog NAME            the path of program NAME: $here/NAME when it
#                             is executable there (here: the caller's
#                             directory, where the test VM's programs are),
#                             else NAME on PATH; nothing when neither
#
# Two ways to print, chosen before sourcing:
#   - streaming (default): "TAP version 13" when sourced, each result as it
#     comes, the plan "1..N" last;
#   - TAP_DEFER=1: for a script whose own output holds the TAP of other
#     programs (run_vm_tests.sh) or goes to a file (static-checks.sh).
#     Each result is echoed at once as a comment "# NAME: ok N - ...";
#     tap_report prints the whole document: "TAP version 13", "1..N", the
#     results (and their DIAG lines).
# NAME is TAP_NAME, default the script's file name without ".sh".

TAP_NAME=${TAP_NAME:-${0##*/}}
TAP_NAME=${TAP_NAME%.sh}
TAP_DEFER=${TAP_DEFER:-0}
_tap_n=0
_tap_nfail=0
_tap_nskip=0
_tap_results=''
_tap_nl='
'
[ "$TAP_DEFER" = 1 ] || echo "TAP version 13"

# _tap_line LINE [DIAG...]: print (or keep) one result and its diagnostics.
_tap_line() {
	if [ "$TAP_DEFER" = 1 ]; then
		echo "# $TAP_NAME: $1"
		_tap_results="$_tap_results$1$_tap_nl"
		shift
		for _tap_d in "$@"; do
			_tap_results="$_tap_results# $_tap_d$_tap_nl"
		done
	else
		echo "$1"
		shift
		for _tap_d in "$@"; do
			echo "# $_tap_d"
		done
	fi
}

pass() {
	_tap_n=$((_tap_n + 1))
	_tap_line "ok $_tap_n - $1"
}

fail() {
	_tap_n=$((_tap_n + 1))
	_tap_nfail=$((_tap_nfail + 1))
	_tap_desc=$1
	shift
	_tap_line "not ok $_tap_n - $_tap_desc" "$@"
}

skip() {
	_tap_n=$((_tap_n + 1))
	_tap_nskip=$((_tap_nskip + 1))
	_tap_line "ok $_tap_n - $1 # SKIP ${2:-}"
}

# _tap_diag: the lines of standard input as "#   LINE" diagnostics, printed,
# or with TAP_DEFER=1 kept with the result before them.  Not in a pipe: a
# pipe's last command may run in a subshell, which would lose what it keeps.
_tap_diag() {
	if [ "$TAP_DEFER" = 1 ]; then
		_tap_d=$(sed 's/^/#   /')
		[ -z "$_tap_d" ] || _tap_results="$_tap_results$_tap_d$_tap_nl"
	else
		sed 's/^/#   /'
	fi
}

show() {
	[ -f "$1" ] && _tap_diag <"$1"
	return 0
}

check() {
	_tap_desc=$1
	shift
	if _tap_out=$("$@" 2>&1); then
		pass "$_tap_desc"
	else
		fail "$_tap_desc" "command: $*"
		_tap_diag <<EOF
$_tap_out
EOF
	fi
}

expect_rc() {
	_tap_want=$1
	_tap_desc=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	_tap_got=$?
	if [ "$_tap_got" -eq "$_tap_want" ]; then
		pass "$_tap_desc (exit $_tap_got)"
	else
		fail "$_tap_desc: exit $_tap_got, want $_tap_want" "command: $*"
		show "$T/out"
		show "$T/err"
	fi
}

has() {
	if grep -E -q -e "$3" "$1"; then
		pass "$2"
	else
		fail "$2: no line matches /$3/ in ${1##*/}:"
		show "$1"
	fi
}

tap_report() {
	if [ "$TAP_DEFER" = 1 ]; then
		echo "TAP version 13"
		echo "1..$_tap_n"
		printf '%s' "$_tap_results"
	else
		echo "1..$_tap_n"
	fi
	echo "# $TAP_NAME: $((_tap_n - _tap_nfail - _tap_nskip)) passed, $_tap_nfail failed, $_tap_nskip skipped"
	[ "$_tap_nfail" -eq 0 ]
}

finish() {
	tap_report
	exit $?
}

find_prog() {
	if [ -x "${here:-.}/$1" ]; then
		echo "${here:-.}/$1"
	else
		command -v "$1" 2>/dev/null
	fi
}
