#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the ktapi tests inside the test VM (busybox sh, as root):
#
#   1. load the module with "ktapi-modload ktapi" (libkmod; on PATH);
#   2. mount debugfs if needed;
#   3. run ktapi_test, ktapi_test32 and, if present, libktapi_test, each
#      printing its own TAP output as is;
#   4. check that every file is closed (debugfs stats all zero), that
#      "rmmod ktapi" succeeds and that /sys/module/ktapi and /dev/ktapi are
#      gone;
#   5. unless KTAPI_PARAMS_PASS is empty: load the module again with the
#      small parameters it holds, run ktapi_test once more (the tests read
#      the parameters, so limits are now reached quickly) and repeat 4.
#   6. ktapictl_vm_test.sh, which loads and unloads the module itself.
#
# The results of these steps are printed last as a TAP document of their
# own ("ok N - ..."), ending with "# run_vm_tests: N passed, N failed, N
# skipped".  While running, each result is also echoed as a "#" comment.
#
# Usage: run_vm_tests.sh
# The test programs are looked up next to this script, then on PATH.
# Environment: KTAPI_MODLOAD_ARGS  extra arguments for ktapi-modload after
#              the module name (module parameters, e.g. "max_handles=64").
#              KTAPI_PARAMS_PASS   parameters of the second pass (default
#              "lines=3 event_queue_len=17 max_handles=300"; empty: none).
#              KTAPI_DEBUG=1       the debug kernel (make check-debug): the
#              module is loaded with max_handles=16384 unless
#              KTAPI_MODLOAD_ARGS says otherwise (the tests read the limit;
#              cycling through 65536 handles under KASAN takes minutes),
#              the 32-bit programs, already run by make check, are left
#              out, and the stress test runs 60 s.
# Exit status: 0 when every step passed, 1 otherwise.

PATH=$PATH:/sbin:/usr/sbin
export PATH

STATS=/sys/kernel/debug/ktapi/stats
here=$(dirname "$0")
NL='
'
n=0
npass=0
nfail=0
nskip=0
results=''

# result ok|fail|skip DESCRIPTION [DETAIL]
result() {
	n=$((n + 1))
	case $1 in
	ok)
		line="ok $n - $2"
		npass=$((npass + 1))
		;;
	skip)
		line="ok $n - $2 # SKIP ${3:-}"
		nskip=$((nskip + 1))
		;;
	*)
		line="not ok $n - $2"
		nfail=$((nfail + 1))
		;;
	esac
	results="$results$line$NL"
	if [ "$1" = fail ] && [ -n "${3:-}" ]; then
		results="$results# $3$NL"
	fi
	echo "# run_vm_tests: $line"
}

finish() {
	echo "TAP version 13"
	echo "1..$n"
	printf '%s' "$results"
	echo "# run_vm_tests: $npass passed, $nfail failed, $nskip skipped"
	[ "$nfail" -eq 0 ]
	exit $?
}

find_prog() {
	if [ -x "$here/$1" ]; then
		echo "$here/$1"
	else
		command -v "$1" 2>/dev/null
	fi
}

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

# stat_value KEY: the value of KEY in the stats file
stat_value() {
	while read -r key val; do
		if [ "$key" = "$1" ]; then
			echo "$val"
			return 0
		fi
	done <"$STATS"
	echo missing
}

# --- 1. load ----------------------------------------------------------------

programs="ktapi_test ktapi_test32 libktapi_test"
stress32=1
if [ "${KTAPI_DEBUG:-0}" = 1 ]; then
	KTAPI_MODLOAD_ARGS=${KTAPI_MODLOAD_ARGS-max_handles=16384}
	programs="ktapi_test libktapi_test"
	stress32=0
fi

# shellcheck disable=SC2086 # KTAPI_MODLOAD_ARGS is a list of words
if [ -d /sys/module/ktapi ]; then
	result skip "ktapi-modload ktapi" "ktapi was already loaded"
elif ktapi-modload ktapi ${KTAPI_MODLOAD_ARGS:-}; then
	if wait_there /dev/ktapi && [ -d /sys/module/ktapi ]; then
		result ok "ktapi-modload ktapi"
	else
		result fail "ktapi-modload ktapi" "/dev/ktapi or /sys/module/ktapi missing"
		finish
	fi
else
	result fail "ktapi-modload ktapi" "ktapi-modload exited $?"
	finish
fi
for p in lines event_queue_len max_handles; do
	echo "# ktapi.$p=$(cat /sys/module/ktapi/parameters/$p 2>/dev/null)"
done

# --- 2. debugfs ---------------------------------------------------------------

if ! grep -qs ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs debugfs /sys/kernel/debug
fi
if [ -r "$STATS" ]; then
	result ok "debugfs $STATS readable"
else
	result fail "debugfs $STATS readable"
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
			result skip "$desc" "not present"
		else
			result fail "$desc" "not found"
		fi
		return
	fi
	echo "# run_vm_tests: running $path${*:+ $*}"
	"$path" "$@" 2>&1
	rc=$?
	case $rc in
	0) result ok "$desc" ;;
	4) result skip "$desc" "the program skipped (exit status 4)" ;;
	*) result fail "$desc" "exit status $rc" ;;
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
# is kselftest's SKIP (fail-nth needs a kernel with fault injection).
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
run_test ktapi_stress -d "$stress_secs"
[ $stress32 = 0 ] || run_test ktapi_stress32 -d $((stress_secs / 2))

# --- 4. nothing left, clean unload -------------------------------------------

# check_unload SUFFIX
check_unload() {
	if [ -r "$STATS" ]; then
		got=''
		bad=0
		for key in files lines_open calls handles events_queued; do
			val=$(stat_value $key)
			got="$got $key $val"
			[ "$val" = 0 ] || bad=1
		done
		got=${got# }
		if [ $bad -eq 0 ]; then
			result ok "all files closed: $got$1"
		else
			result fail "all files closed$1" "stats: $got"
		fi
	else
		result fail "all files closed$1" "$STATS not readable"
	fi

	if rmmod ktapi; then
		result ok "rmmod ktapi$1"
	else
		result fail "rmmod ktapi$1" "exit status $?"
	fi
	if wait_gone /sys/module/ktapi; then
		result ok "/sys/module/ktapi gone$1"
	else
		result fail "/sys/module/ktapi gone$1"
	fi
	if wait_gone /dev/ktapi; then
		result ok "/dev/ktapi gone$1"
	else
		result fail "/dev/ktapi gone$1"
	fi
}

check_unload ""

# --- 5. again with small parameters -------------------------------------------

params=${KTAPI_PARAMS_PASS-lines=3 event_queue_len=17 max_handles=300}
if [ -n "$params" ] && [ ! -d /sys/module/ktapi ]; then
	sfx=" ($params)"
	# shellcheck disable=SC2086 # params is a list of words
	if ktapi-modload ktapi $params && wait_there /dev/ktapi; then
		bad=''
		for kv in $params; do
			want=${kv#*=}
			got=$(cat "/sys/module/ktapi/parameters/${kv%%=*}" 2>/dev/null)
			[ "$got" = "$want" ] || bad="$bad ${kv%%=*}=$got"
		done
		if [ -z "$bad" ]; then
			result ok "ktapi-modload ktapi$sfx"
		else
			result fail "ktapi-modload ktapi$sfx" "parameters:$bad"
		fi
		run_test --as "ktapi_test$sfx" ktapi_test
		check_unload "$sfx"
	else
		result fail "ktapi-modload ktapi$sfx"
	fi
fi

# --- 6. ktapictl, which loads and unloads the module itself -----------------

run_test ktapictl_vm_test.sh

finish
