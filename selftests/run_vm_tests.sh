#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the ktapi tests inside the test VM (busybox sh, as root):
#
#   1. load the module with "ktapictl load ktapi" (libkmod; ktapictl next
#      to this script or on PATH);
#   2. check that the statistics are in sysfs;
#   3. run the suite (ktapi_dev ... ktapi_race), its 32-bit builds and, if
#      present, libktapi_test, each printing its own TAP output as is;
#   4. check that every file is closed (live stats all zero), that
#      "rmmod ktapi" succeeds and that /sys/module/ktapi and /dev/ktapi are
#      gone;
#   4b. except under the debug kernel: load it with max_handles=1048576,
#      run ktapi_isolation's close_latency (a file of 1048576 calls closed
#      while another file makes calls) and repeat 4;
#   5. unless KTAPI_PARAMS_PASS is empty: load the module again with the
#      small parameters it holds, run the suite once more (the tests read
#      the parameters, so limits are now reached quickly) and repeat 4.
#   5b. load it with lines=0 (no loopback device), run ktapi_devices
#      (and its 32-bit build) and repeat 4;
#   6. ktapictl_vm_test.sh, which loads and unloads the module itself.
#   7. tapi_vm_test.sh (libtapi/tests/vm): TAPI programs built against the
#      installed libtapi, which loads and unloads the module itself.
#   8. lt_vm_test.sh (libtapi/tests/lib): libtapi's own programs (memory
#      kept at lineClose/lineShutdown, threads, LINE_CLOSE, LINE_CREATE,
#      overflow), which load and unload the module themselves.
#
# The results of these steps are printed last as a TAP document of their
# own ("ok N - ..."), ending with "# run_vm_tests: N passed, N failed, N
# skipped".  While running, each result is also echoed as a "#" comment
# (scripts/tap.sh with TAP_DEFER=1, next to this script in the VM).
#
# Usage: run_vm_tests.sh
# The test programs are looked up next to this script, then on PATH.
# Environment: KTAPI_LOAD_ARGS  extra arguments for "ktapictl load ktapi"
#              (module parameters, e.g. "max_handles=64").
#              KTAPI_PARAMS_PASS   parameters of the second pass (default
#              "lines=3 event_queue_len=17 max_handles=300 max_requests=20";
#              empty: none).
#              KTAPI_DEBUG=1       the debug kernel (make check-debug): the
#              module is loaded with max_handles=16384 unless
#              KTAPI_LOAD_ARGS says otherwise (the tests read the limit;
#              cycling through 65536 handles under KASAN takes minutes),
#              the 32-bit programs, already run by make check, are left
#              out, and the stress test runs 60 s.
# Exit status: 0 when every step passed, 1 otherwise.

PATH=$PATH:/sbin:/usr/sbin
export PATH

STATS=/sys/class/misc/ktapi/stats
here=$(dirname "$0")
# The TAP writer, next to this script: in the VM (vm-run.sh --bin) and in
# the build directory (selftests/Makefile copies it there).  The copy of
# this script in the source tree is not for running: it lacks the suite.
if [ ! -f "$here/tap.sh" ]; then
	echo "run_vm_tests: no tap.sh next to $0" >&2
	exit 2
fi
TAP_DEFER=1
# shellcheck source=scripts/tap.sh
. "$here/tap.sh"

# wait_gone PATH: up to 5 s for PATH to disappear
wait_gone() {
	i=0
	while [ -e "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	[ ! -e "$1" ]
}

# wait_there PATH: up to 5 s for PATH to appear
wait_there() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	[ -e "$1" ]
}

# stat_value KEY: the value of the statistic KEY
stat_value() {
	cat "$STATS/$1" 2>/dev/null || echo missing
}

# --- 1. load ----------------------------------------------------------------

# The suite, one program per area, each also built as NAME32: the list is
# selftests/Makefile's SUITE, written in when the Makefile copies this
# script to the build directory.
suite="@SUITE@"
case $suite in
@*)
	echo "run_vm_tests: run the copy that selftests/Makefile makes" >&2
	exit 2
	;;
esac
programs="$suite $(for p in $suite; do printf '%s32 ' "$p"; done)libktapi_test"
stress32=1
if [ "${KTAPI_DEBUG:-0}" = 1 ]; then
	KTAPI_LOAD_ARGS=${KTAPI_LOAD_ARGS-max_handles=16384}
	programs="$suite libktapi_test"
	stress32=0
fi

ktapictl=$(find_prog ktapictl)
# shellcheck disable=SC2086 # KTAPI_LOAD_ARGS is a list of words
if [ -d /sys/module/ktapi ]; then
	skip "ktapictl load ktapi" "ktapi was already loaded"
elif [ -z "$ktapictl" ]; then
	fail "ktapictl load ktapi" "ktapictl not found"
	finish
elif "$ktapictl" load ktapi ${KTAPI_LOAD_ARGS:-}; then
	if wait_there /dev/ktapi && [ -d /sys/module/ktapi ]; then
		pass "ktapictl load ktapi"
	else
		fail "ktapictl load ktapi" "/dev/ktapi or /sys/module/ktapi missing"
		finish
	fi
else
	fail "ktapictl load ktapi" "ktapictl exited $?"
	finish
fi
for p in lines event_queue_len max_handles max_requests; do
	echo "# ktapi.$p=$(cat /sys/module/ktapi/parameters/$p 2>/dev/null)"
done

# --- 2. the statistics ---------------------------------------------------------

if [ -r "$STATS/files" ]; then
	pass "statistics in $STATS"
else
	fail "statistics in $STATS"
fi

# --- 3. the test programs ----------------------------------------------------

# run_test [--optional] [--as DESC] PROG [ARGS...]: run one test program,
# one result, named DESC (default: PROG and its arguments).  Exit status 4
# is kselftest's SKIP.  A missing program fails, or with --optional skips.
run_test() {
	optional=0
	desc=
	while :; do
		case $1 in
		--optional) optional=1; shift ;;
		--as) desc=$2; shift 2 ;;
		*) break ;;
		esac
	done
	prog=$1
	shift
	desc=${desc:-$prog${*:+ $*}}
	path=$(find_prog "$prog")
	if [ -z "$path" ]; then
		if [ $optional = 1 ]; then
			skip "$desc" "not present"
		else
			fail "$desc" "not found"
		fi
		return
	fi
	echo "# run_vm_tests: running $path${*:+ $*}"
	"$path" "$@" 2>&1
	rc=$?
	case $rc in
	0) pass "$desc" ;;
	4) skip "$desc" "the program skipped (exit status 4)" ;;
	*) fail "$desc" "exit status $rc" ;;
	esac
}

for prog in $programs; do
	if [ "$prog" = libktapi_test ]; then
		run_test --optional "$prog"
	else
		run_test "$prog"
	fi
done

# The robustness and introspection tests.  KTAPI_DEBUG=1 (make
# check-debug) runs the stress test for 60 s instead of 10.  Exit status 4
# is kselftest's SKIP (fail-nth needs a kernel with fault injection).  The
# stress runs have two providers coming and going under the load (-p 2).
if [ "${KTAPI_DEBUG:-0}" = 1 ]; then
	stress_secs=60
else
	stress_secs=10
fi
run_test ktapi_introspect
run_test ktapi_hostile
run_test ktapi_fail_nth
run_test ktapi_memcg
run_test ktapi_isolation
run_test ktapi_stress -d "$stress_secs" -p 2
[ $stress32 = 0 ] || run_test ktapi_stress32 -d $((stress_secs / 2)) -p 2

# --- 4. nothing left, clean unload -------------------------------------------

# check_unload SUFFIX
check_unload() {
	if [ -r "$STATS/files" ]; then
		got=''
		bad=0
		for key in files lines_open calls handles events_queued; do
			val=$(stat_value $key)
			got="$got $key $val"
			[ "$val" = 0 ] || bad=1
		done
		got=${got# }
		if [ $bad -eq 0 ]; then
			pass "all files closed: $got$1"
		else
			fail "all files closed$1" "stats: $got"
		fi
	else
		fail "all files closed$1" "$STATS not readable"
	fi

	if rmmod ktapi; then
		pass "rmmod ktapi$1"
	else
		fail "rmmod ktapi$1" "exit status $?"
	fi
	if wait_gone /sys/module/ktapi; then
		pass "/sys/module/ktapi gone$1"
	else
		fail "/sys/module/ktapi gone$1"
	fi
	if wait_gone /dev/ktapi; then
		pass "/dev/ktapi gone$1"
	else
		fail "/dev/ktapi gone$1"
	fi
}

check_unload ""

# --- 4b. close latency with 1048576 calls -------------------------------------
# Not under the debug kernel (a million calls under KASAN take too long).

if [ "${KTAPI_DEBUG:-0}" != 1 ] && [ -n "$ktapictl" ] &&
	[ ! -d /sys/module/ktapi ]; then
	sfx=" (max_handles=1048576)"
	if "$ktapictl" load ktapi max_handles=1048576 &&
		wait_there /dev/ktapi; then
		pass "ktapictl load ktapi$sfx"
		KTAPI_ONLY=close_latency
		export KTAPI_ONLY
		run_test --as "ktapi_isolation close_latency$sfx" ktapi_isolation
		unset KTAPI_ONLY
		check_unload "$sfx"
	else
		fail "ktapictl load ktapi$sfx"
	fi
fi

# --- 5. again with small parameters -------------------------------------------

params=${KTAPI_PARAMS_PASS-lines=3 event_queue_len=17 max_handles=300 max_requests=20}
if [ -n "$params" ] && [ ! -d /sys/module/ktapi ]; then
	sfx=" ($params)"
	# shellcheck disable=SC2086 # params is a list of words
	if [ -n "$ktapictl" ] && "$ktapictl" load ktapi $params &&
		wait_there /dev/ktapi; then
		bad=''
		for kv in $params; do
			want=${kv#*=}
			got=$(cat "/sys/module/ktapi/parameters/${kv%%=*}" 2>/dev/null)
			[ "$got" = "$want" ] || bad="$bad ${kv%%=*}=$got"
		done
		if [ -z "$bad" ]; then
			pass "ktapictl load ktapi$sfx"
		else
			fail "ktapictl load ktapi$sfx" "parameters:$bad"
		fi
		for prog in $suite; do
			run_test --as "$prog$sfx" "$prog"
		done
		# A short queue: APPNEWCALLs wait in their handles, OVERFLOWs.
		run_test --as "ktapi_stress -p 2$sfx" ktapi_stress -d 5 -p 2
		check_unload "$sfx"
	else
		fail "ktapictl load ktapi$sfx"
	fi
fi

# --- 5b. lines=0: every line device a provider's ------------------------------
# What applies without loopback devices: ktapi_devices (GET_DEVCAPS and
# LINE_OPEN of id 0 are ENODEV, no device counted; its provider tests add
# the only devices there are).

if [ -n "$ktapictl" ] && [ ! -d /sys/module/ktapi ]; then
	sfx=" (lines=0)"
	if "$ktapictl" load ktapi lines=0 && wait_there /dev/ktapi; then
		got=$(cat /sys/module/ktapi/parameters/lines 2>/dev/null)
		if [ "$got" = 0 ] && [ "$(stat_value devices)" = 0 ]; then
			pass "ktapictl load ktapi$sfx"
		else
			fail "ktapictl load ktapi$sfx" \
				"lines=$got devices=$(stat_value devices)"
		fi
		run_test --as "ktapi_devices$sfx" ktapi_devices
		[ $stress32 = 0 ] ||
			run_test --as "ktapi_devices32$sfx" ktapi_devices32
		check_unload "$sfx"
	else
		fail "ktapictl load ktapi$sfx"
	fi
fi

# --- 6. ktapictl, which loads and unloads the module itself -----------------

run_test ktapictl_vm_test.sh

# --- 7. TAPI programs on libtapi (make tapitests), loading ktapi themselves --

run_test tapi_vm_test.sh

# --- 8. libtapi's own programs (tests/lib: memory, threads, LINE_CLOSE, ...) --

run_test lt_vm_test.sh

finish
