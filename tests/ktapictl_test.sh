#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of ktapictl that need no ktapi module: --help, --version,
# usage errors (exit 2), a missing device (exit 3, skipped when /dev/ktapi
# exists), and "stats" text and JSON on a fake sysfs (KTAPI_SYSFS).
# Never loads or unloads a module: "load" is only tried on a file that
# does not exist.  The calls themselves are tested in the VM by
# tools/ktapictl_vm_test.sh.
#
# Usage: tests/ktapictl_test.sh [KTAPICTL]   (default build/tools/ktapictl)
# Output: TAP.  Exit status: 0 when nothing failed.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

K=${1:-$TOP/build/tools/ktapictl}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ ! -x "$K" ]; then
	fail "no ktapictl at $K (make tools)"
	finish
fi

# rc WANT DESC ARGS...: run ktapictl, stdout to $T/out, stderr to $T/err.
rc() {
	_want=$1 _desc=$2
	shift 2
	expect_rc "$_want" "$_desc" "$K" "$@"
}

# same FILE DESC EXPECTED: FILE holds exactly EXPECTED (plus a newline).
same() {
	printf '%s\n' "$3" >"$T/want"
	if cmp -s "$1" "$T/want"; then
		pass "$2"
	else
		fail "$2:"
		diff "$T/want" "$1" | sed 's/^/#   /'
	fi
}

version=$VERSION

rc 0 "--help" --help
has "$T/out" "--help: usage line" '^Usage: ktapictl \[OPTION\]\.\.\. COMMAND \[ARG\]\.\.\.$'
for c in devices monitor call answer close stats load unload; do
	has "$T/out" "--help: command $c" "^  $c( |\$)"
done
for o in json count timeout hold help version; do
	has "$T/out" "--help: option --$o" "--$o"
done
for s in 0 1 2 3 4; do
	has "$T/out" "--help: exit status $s" "^  $s  "
done
rc 0 "-h" -h
rc 0 "monitor --help" monitor --help
rc 0 "--version" --version
same "$T/out" "--version prints the module's version" "ktapictl $version"

rc 2 "no arguments"
if [ -s "$T/out" ]; then
	fail "usage error: something on stdout:"
	show "$T/out"
else
	pass "usage error: nothing on stdout"
fi
has "$T/err" "usage error: hint on stderr" "^Try 'ktapictl --help' for more information\\.\$"
rc 2 "unknown command" dial 0
rc 2 "unknown long option" --nope devices
rc 2 "unknown short option" -Z devices
rc 2 "missing option argument" monitor 0 --count
rc 2 "devices takes no argument" devices 0
rc 2 "monitor needs DEVICE" monitor
rc 2 "monitor: DEVICE not a number" monitor zero
rc 2 "monitor: DEVICE negative" monitor -- -1
rc 2 "monitor: DEVICE above 32 bits" monitor 4294967296
rc 2 "monitor: --count 0" monitor 0 --count 0
rc 2 "monitor: --count abc" monitor 0 --count abc
rc 2 "monitor: --count -3" monitor 0 --count -3
rc 2 "monitor: --timeout -1" monitor 0 --timeout -1
rc 2 "monitor: --timeout nan" monitor 0 --timeout nan
rc 2 "monitor: --timeout 5s" monitor 0 --timeout 5s
rc 2 "monitor: --hold is not its option" monitor 0 --hold 1
rc 2 "call needs FROM and ADDRESS" call 0
rc 2 "call: too many arguments" call 0 1001 1002
rc 2 "call: address with a letter" call 0 10a1
rc 2 "call: empty address" call 0 ""
rc 2 "call: address of 64 characters" call 0 \
	1234567890123456789012345678901234567890123456789012345678901234
rc 2 "call: --count is not its option" call 0 1001 --count 2
rc 2 "answer: --count is not its option" answer 0 --count 2
rc 2 "stats: --timeout is not its option" stats --timeout 1
rc 2 "close needs DEVICE" close
rc 2 "unload takes one NAME" unload a b

if [ -e /dev/ktapi ]; then
	skip "devices without /dev/ktapi" "/dev/ktapi exists on this host"
else
	rc 3 "devices without /dev/ktapi" devices
	has "$T/err" "devices: says the module is not loaded" 'is the ktapi module loaded\?'
	rc 3 "monitor without /dev/ktapi" monitor 0 --timeout 1
	rc 3 "call without /dev/ktapi" call 0 1001
	rc 3 "answer without /dev/ktapi" answer 1 --timeout 1
	rc 3 "close without /dev/ktapi" close 0
fi
rc 3 "load a module file that does not exist" load "$T/no-such-dir/ktapi.ko"
has "$T/err" "load: names the file" "cannot load $T/no-such-dir/ktapi.ko"

# --- stats on a fake sysfs ----------------------------------------------------

# One file per counter, as /sys/class/misc/ktapi/stats/ has them; besides
# the known ones (printed first, in their order) counters a newer module
# might add (then by name), an empty file and a directory (both skipped).
S=$T/sys/class/misc/ktapi/stats
mkdir -p "$S/power"
for kv in files=3 calls=0 lines_open=1 negative=-5 leading=007; do
	printf '%s\n' "${kv#*=}" >"$S/${kv%%=*}"
done
printf '%s  \n%s\n' 'some"thing\x' 'second line' >"$S/word"
: >"$S/blank"
KTAPI_SYSFS=$T/sys
export KTAPI_SYSFS
rc 0 "stats (fake sysfs)" stats
same "$T/out" "stats: aligned key value lines, known counters first, empty files skipped" \
"files            3
lines_open       1
calls            0
leading          007
negative         -5
word             some\"thing\\x"
rc 0 "stats --json (fake sysfs)" --json stats
same "$T/out" "stats --json: one object, numbers as numbers, strings escaped" \
'{"type":"stats","files":3,"lines_open":1,"calls":0,"leading":"007","negative":-5,"word":"some\"thing\\x"}'
rc 0 "stats -j after the command" stats -j
for f in "$S"/*; do
	[ -d "$f" ] || : >"$f"
done
rc 1 "stats: only empty files is a failure" stats
has "$T/err" "stats: says there is no value" 'has no values$'
rm -rf "$S"
rc 3 "stats: no ktapi in sysfs" stats
has "$T/err" "stats: says the module is not loaded" 'is the ktapi module loaded\?'
unset KTAPI_SYSFS

finish
