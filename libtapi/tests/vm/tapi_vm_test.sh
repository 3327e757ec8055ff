#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The TAPI programs of libtapi/tests/vm in the test VM (busybox sh, as
# root, nothing else using ktapi), each built through pkg-config against
# the installed libtapi (make tapitests).  Prints TAP (scripts/tap.sh,
# next to this script in the VM); every program's output is shown as
# "#   " diagnostics.
#
#   1. "ktapictl load ktapi";
#   2. dialer (device 0) calls answerer (device 1) on loopback: both exit
#      0, and what each printed is checked line by line, in order; then
#      the same with their C++ builds;
#   3. the logger (MONITOR on device 1) logs that call after IDLE (origin,
#      caller, called, the answering application's name);
#   4. a logger opened while a call is CONNECTED finds it with
#      lineGetNewCalls, and the owner gets LINE_CALLINFO (NUMMONITORS);
#   5. eventmode: the call through lineGetMessage, USEEVENT's hEvent
#      (WaitForSingleObject), USEHIDDENWINDOW's callback, lineInitialize's
#      callback; C and C++; and tapi-demo, README's example;
#   6. leak: calls never deallocated, lines closed or not: 0 bytes kept at
#      lineClose and lineShutdown, in each of the four modes;
#   7. errors: the kselftest of every function's error codes (its own TAP
#      lines), with a "ktapictl provide --never-reply" device for a
#      LINE_REPLY that carries an error;
#   8. dialer against a "ktapictl provide 5000" line;
#   9. nothing left (files, calls, handles 0), "ktapictl unload".
#
# A program that is missing or did not run is a failure, never a skip.
# Usage: tapi_vm_test.sh   (programs next to it, then on PATH)
# Exit status: 0 when every test passed, 1 otherwise.

PATH=$PATH:/sbin:/usr/sbin
export PATH

here=$(dirname "$0")
for tap in "$here/tap.sh" "$here/../../../scripts/tap.sh"; do
	[ -f "$tap" ] && break
done
# shellcheck source=scripts/tap.sh
. "$tap"

T=$(mktemp -d /tmp/tapi-test.XXXXXX) || exit 1
t0=$(date +%s)

# section NAME: a comment with the seconds since the start.
section() {
	echo "# tapi_vm_test: $(($(date +%s) - t0)) s: $1"
}

# prog NAME: the program's path, "" when missing (tap.sh's find_prog).
prog() {
	find_prog "$1"
}

K=$(prog ktapictl)

# need NAME...: every program is there, else a failure for each missing.
need() {
	_ok=0
	for _p in "$@"; do
		if [ -z "$(prog "$_p")" ]; then
			fail "$_p is missing (make tapitests)"
			_ok=1
		fi
	done
	return $_ok
}

# wait_for FILE REGEX [SECS]: up to SECS (10) seconds for a line matching
# the extended REGEX in FILE.
wait_for() {
	_n=$((${3:-10} * 10))
	while [ "$_n" -gt 0 ]; do
		grep -E -q -e "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# status DESC PID FILE: the background program PID exited 0 (its output,
# FILE, is shown either way).
status() {
	wait "$2"
	_rc=$?
	show "$3"
	if [ "$_rc" -eq 0 ]; then
		pass "$1 (exit 0)"
	else
		fail "$1: exit $_rc"
	fi
}

# run DESC FILE PROG ARG...: run PROG in the foreground, output in FILE.
run() {
	_d=$1 _f=$2
	shift 2
	"$@" >"$_f" 2>&1 &
	status "$_d" $! "$_f"
}

# ordered DESC FILE REGEX...: lines matching the extended REGEXes come in
# this order in FILE (not necessarily adjacent).
ordered() {
	_d=$1 _f=$2
	shift 2
	_at=0
	for _re in "$@"; do
		_ln=$(RE=$_re awk -v at="$_at" \
			'NR > at && $0 ~ ENVIRON["RE"] { print NR; exit }' "$_f")
		if [ -z "$_ln" ]; then
			fail "$_d: no /$_re/ after line $_at of ${_f##*/}"
			return
		fi
		_at=$_ln
	done
	pass "$_d"
}

# nofail DESC FILE: the program printed no "FAIL:" line.
nofail() {
	if grep -q ': FAIL: ' "$2"; then
		fail "$1"
		grep ': FAIL: ' "$2" | head -5 | sed 's/^/# /'
	else
		pass "$1"
	fi
}

# stat_value KEY: one of the module's statistics.
stat_value() {
	cat "/sys/class/misc/ktapi/stats/$1" 2>/dev/null || echo missing
}

# wait_lines N: up to 10 s until N lines are open.
wait_lines() {
	_n=100
	while [ "$_n" -gt 0 ]; do
		[ "$(stat_value lines_open)" = "$1" ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# The dialer's and the answerer's messages for one loopback call.
DIALER_SEQ='dialer: lineInitializeEx: [0-9]+ line devices
dialer: lineNegotiateAPIVersion: 0x00020002
dialer: lineOpen: device 0 hLine 0x[0-9a-f]+ NONE
dialer: lineGetDevCaps: line ".+" provider ".+"
dialer: lineMakeCall 1001: request [1-9]
dialer: LINE_REPLY request [1-9][0-9]* result 0$
dialer: lineMakeCall done: hCall 0x[1-9a-f]
dialer: LINE_CALLSTATE hCall 0x[0-9a-f]+ RINGBACK
dialer: LINE_CALLSTATE hCall 0x[0-9a-f]+ CONNECTED
dialer: lineDrop: request [1-9]
dialer: LINE_REPLY request [1-9][0-9]* result 0$
dialer: LINE_CALLSTATE hCall 0x[0-9a-f]+ IDLE
dialer: lineGetCallInfo after IDLE: .* origin OUTBOUND caller 1000 called 1001 app [^ ]+ owners 1 
dialer: lineGetCallStatus after IDLE: 0 state IDLE privilege OWNER
dialer: lineDeallocateCall: 0$
dialer: lineClose: 0$
dialer: lineShutdown: 0$
dialer: done$'
ANSWERER_SEQ='answerer: lineOpen: device 1 hLine 0x[0-9a-f]+ OWNER
answerer: ready
answerer: LINE_APPNEWCALL hLine 0x[0-9a-f]+ address 0 hCall 0x[1-9a-f][0-9a-f]* privilege OWNER
answerer: LINE_CALLSTATE hCall 0x[0-9a-f]+ OFFERING mode 0x[0-9a-f]+ privilege OWNER
answerer: lineAnswer: request [1-9]
answerer: LINE_REPLY request [1-9][0-9]* result 0$
answerer: LINE_CALLSTATE hCall 0x[0-9a-f]+ CONNECTED
answerer: LINE_CALLSTATE hCall 0x[0-9a-f]+ DISCONNECTED
answerer: lineDrop: request [1-9]
answerer: LINE_CALLSTATE hCall 0x[0-9a-f]+ IDLE
answerer: lineGetCallInfo after IDLE: .* origin INTERNAL caller 1000 called 1001 app [^ ]+ 
answerer: lineDeallocateCall: 0$
answerer: lineClose: 0$
answerer: lineShutdown: 0$
answerer: done$'

# seq_check DESC FILE SEQ: ordered, with SEQ's lines as the REGEXes.
seq_check() {
	_d=$1 _f=$2
	IFS='
'
	# shellcheck disable=SC2086 # one REGEX per line
	set -- $3
	unset IFS
	ordered "$_d" "$_f" "$@"
}

# --- 1. load ---------------------------------------------------------------

if [ -z "$K" ]; then
	fail "ktapictl is missing"
	finish
fi
# A provider's unanswered request fails after 1.5 s (errors' LINE_REPLY).
if "$K" load ktapi provider_timeout_ms=1500 && [ -c /dev/ktapi ]; then
	pass "ktapictl load ktapi"
else
	fail "ktapictl load ktapi"
	finish
fi

# --- 2. dialer <-> answerer ------------------------------------------------------

section "dialer and answerer"

# one_call SUFFIX: answerer$SUFFIX on device 1, dialer$SUFFIX from device 0.
one_call() {
	sfx=$1
	what=${sfx:+ (C++)}
	need "tapi_answerer$sfx" "tapi_dialer$sfx" || return
	"$(prog "tapi_answerer$sfx")" 1 1 30 >"$T/answerer$sfx.txt" 2>&1 &
	apid=$!
	if ! wait_for "$T/answerer$sfx.txt" '^answerer: ready$'; then
		fail "answerer$what: not ready in 10 s"
	fi
	run "dialer$what: one call 0 -> 1001 (lineMakeCall .. lineShutdown)" \
		"$T/dialer$sfx.txt" "$(prog "tapi_dialer$sfx")" 0 1001 500 20
	status "answerer$what: answers it (LINE_APPNEWCALL .. lineShutdown)" \
		$apid "$T/answerer$sfx.txt"
	seq_check "dialer$what: its messages, in order" "$T/dialer$sfx.txt" "$DIALER_SEQ"
	seq_check "answerer$what: its messages, in order" "$T/answerer$sfx.txt" \
		"$ANSWERER_SEQ"
	nofail "dialer$what: no broken expectation" "$T/dialer$sfx.txt"
	nofail "answerer$what: no broken expectation" "$T/answerer$sfx.txt"
	# LINECALLINFO's dwAppName: the line that made the call, the line
	# that answered it (lineInitializeEx's friendly name).
	ordered "dialer$what: its call's application is tapi-dialer" \
		"$T/dialer$sfx.txt" 'dialer: lineGetCallInfo after IDLE: .* app tapi-dialer '
	ordered "answerer$what: its call's application is tapi-answerer" \
		"$T/answerer$sfx.txt" 'answerer: lineGetCallInfo after IDLE: .* app tapi-answerer '
}
one_call ""
one_call _cxx

# --- 3. the logger -----------------------------------------------------------

section "the logger"

if need tapi_logger tapi_answerer tapi_dialer; then
	"$(prog tapi_logger)" 1 1 30 >"$T/logger.txt" 2>&1 &
	lpid=$!
	wait_for "$T/logger.txt" '^logger: ready$' || fail "logger: not ready in 10 s"
	"$(prog tapi_answerer)" 1 1 30 >"$T/answerer3.txt" 2>&1 &
	apid=$!
	wait_for "$T/answerer3.txt" '^answerer: ready$' || fail "answerer: not ready in 10 s"
	run "dialer: a call for the logger" "$T/dialer3.txt" "$(prog tapi_dialer)" 0 1001 200 20
	status "answerer: the call for the logger" $apid "$T/answerer3.txt"
	status "logger: logs one call and exits" $lpid "$T/logger.txt"
	seq_check "logger: MONITOR, no call before, LINE_APPNEWCALL, IDLE, the log line, deallocated" \
		"$T/logger.txt" 'logger: lineOpen: device 1 hLine 0x[0-9a-f]+ MONITOR' \
		'logger: lineGetNewCalls: 0 calls' 'logger: ready' \
		'logger: LINE_APPNEWCALL .* privilege MONITOR' \
		'logger: LINE_CALLSTATE hCall 0x[0-9a-f]+ OFFERING .* privilege MONITOR' \
		'logger: LINE_CALLSTATE hCall 0x[0-9a-f]+ CONNECTED' \
		'logger: LINE_CALLSTATE hCall 0x[0-9a-f]+ IDLE' \
		'logger: log: .* device 1 origin INTERNAL caller 1000 called 1001 app [^ ]+ ' \
		'logger: lineDeallocateCall: 0$' 'logger: done$'
	ordered "logger: the call's application is tapi-answerer (who answered it)" \
		"$T/logger.txt" 'logger: log: .* app tapi-answerer '
	nofail "logger: no broken expectation" "$T/logger.txt"
fi

# --- 4. lineGetNewCalls ----------------------------------------------------------

section "lineGetNewCalls"

if need tapi_logger tapi_answerer tapi_dialer; then
	"$(prog tapi_answerer)" 1 1 30 >"$T/answerer4.txt" 2>&1 &
	apid=$!
	wait_for "$T/answerer4.txt" '^answerer: ready$' || fail "answerer: not ready in 10 s"
	# Held 3 s: the logger opens its line meanwhile.
	"$(prog tapi_dialer)" 0 1001 3000 30 >"$T/dialer4.txt" 2>&1 &
	dpid=$!
	wait_for "$T/dialer4.txt" 'CONNECTED' || fail "dialer: not CONNECTED in 10 s"
	run "logger opened during a call: logs it and exits" "$T/logger4.txt" \
		"$(prog tapi_logger)" 1 1 10
	status "dialer: the held call" $dpid "$T/dialer4.txt"
	status "answerer: the held call" $apid "$T/answerer4.txt"
	seq_check "logger: lineGetNewCalls gives the CONNECTED call as MONITOR, logged after IDLE" \
		"$T/logger4.txt" 'logger: lineGetNewCalls: 1 calls' \
		'logger: lineGetNewCalls: hCall 0x[0-9a-f]+ CONNECTED privilege MONITOR' \
		'logger: ready' 'logger: LINE_CALLSTATE hCall 0x[0-9a-f]+ DISCONNECTED' \
		'logger: LINE_CALLSTATE hCall 0x[0-9a-f]+ IDLE' \
		'logger: log: .* origin INTERNAL caller 1000 called 1001 app [^ ]+ ' \
		'logger: done$'
	if grep -q 'LINE_APPNEWCALL' "$T/logger4.txt"; then
		fail "logger: a call of lineGetNewCalls was announced by LINE_APPNEWCALL"
	else
		pass "logger: no LINE_APPNEWCALL for a call of lineGetNewCalls"
	fi
	ordered "answerer: LINE_CALLINFO NUMMONITORS when the logger got its handle" \
		"$T/answerer4.txt" 'answerer: LINE_CALLSTATE hCall 0x[0-9a-f]+ CONNECTED' \
		'answerer: LINE_CALLINFO hCall 0x[0-9a-f]+ states 0x[0-9a-f]+ NUMMONITORS' \
		'answerer: LINE_CALLSTATE hCall 0x[0-9a-f]+ DISCONNECTED'
	nofail "logger: no broken expectation" "$T/logger4.txt"
fi

# --- 5. eventmode ----------------------------------------------------------------

section "eventmode"

for sfx in "" _cxx; do
	what=${sfx:+ (C++)}
	need "tapi_eventmode$sfx" || continue
	run "eventmode$what: getmessage, event, hidden, init" "$T/eventmode$sfx.txt" \
		"$(prog "tapi_eventmode$sfx")"
	for m in getmessage event hidden init; do
		ordered "eventmode$what: $m: both calls IDLE, every LINE_REPLY" \
			"$T/eventmode$sfx.txt" "eventmode: $m: start" \
			'LINE_APPNEWCALL|LINE_CALLSTATE .* OFFERING' \
			'LINE_CALLSTATE .* CONNECTED' 'LINE_CALLSTATE .* IDLE' \
			"eventmode: $m: ok"
	done
done

# README's example (make demo runs it too).
if need tapi-demo; then
	run "tapi-demo (README's example): one call, both legs IDLE" "$T/demo.txt" \
		"$(prog tapi-demo)"
	ordered "tapi-demo: its messages" "$T/demo.txt" '^lineMakeCall: request 1$' \
		'^LINE_CALLSTATE +outgoing call: CONNECTED$' \
		'^LINE_CALLSTATE +outgoing call: IDLE$' '^done: both calls IDLE$'
fi

# --- 6. leak -------------------------------------------------------------------

section "leak"

if need tapi_leak tapi_leak_cxx; then
	for m in getmessage event hidden init; do
		for c in close noclose; do
			run "leak: $m $c: 0 bytes kept" "$T/leak-$m-$c.txt" \
				"$(prog tapi_leak)" $m $c 3
		done
	done
	run "leak (C++): hidden close: 0 bytes kept" "$T/leak-cxx.txt" \
		"$(prog tapi_leak_cxx)" hidden close 3
fi

# --- 7. errors -------------------------------------------------------------------

section "errors"

if need tapi_errors; then
	# A provider that never replies: lineMakeCall's LINE_REPLY carries
	# the error (the module's provider_timeout_ms).
	"$K" provide 5999 --never-reply --timeout 120 >"$T/nrprov.txt" 2>&1 &
	nrpid=$!
	if wait_for "$T/nrprov.txt" 'provide +device=[0-9]+ '; then
		TAPI_NOREPLY_DEVICE=$(sed -n 's/.*provide *device=\([0-9]*\) .*/\1/p' \
			"$T/nrprov.txt" | head -1)
		export TAPI_NOREPLY_DEVICE
	else
		fail "provide 5999 --never-reply: no 'provide' line"
	fi
	echo "# tapi_vm_test: tapi_errors (TAPI_NOREPLY_DEVICE=${TAPI_NOREPLY_DEVICE:-})"
	"$(prog tapi_errors)" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "tapi_errors: every error code (exit 0)"
	else
		fail "tapi_errors: exit $rc"
	fi
	unset TAPI_NOREPLY_DEVICE
	kill "$nrpid" 2>/dev/null
	wait "$nrpid" 2>/dev/null
fi

# --- 8. a userspace provider ---------------------------------------------------

section "a userspace provider"

if need tapi_dialer; then
	"$K" provide 5000 --count 1 --timeout 60 >"$T/prov.txt" 2>&1 &
	ppid=$!
	pdev=
	if wait_for "$T/prov.txt" 'provide +device=[0-9]+ '; then
		pdev=$(sed -n 's/.*provide *device=\([0-9]*\) .*/\1/p' "$T/prov.txt" | head -1)
		pass "provide 5000: serves line device $pdev"
	else
		fail "provide 5000: no 'provide' line"
	fi
	if [ -n "$pdev" ]; then
		run "dialer: a call on the provider's line $pdev to 1234" \
			"$T/pdialer.txt" "$(prog tapi_dialer)" "$pdev" 1234 300 20
		ordered "dialer: provider line: devcaps, LINE_REPLY, RINGBACK, CONNECTED, drop, IDLE, dealloc" \
			"$T/pdialer.txt" "dialer: lineOpen: device $pdev " \
			"dialer: lineGetDevCaps: line \"5000\"" \
			'dialer: LINE_REPLY request [1-9][0-9]* result 0$' \
			'dialer: LINE_CALLSTATE .* RINGBACK' \
			'dialer: LINE_CALLSTATE .* CONNECTED' \
			'dialer: LINE_REPLY request [1-9][0-9]* result 0$' \
			'dialer: LINE_CALLSTATE .* IDLE' \
			"dialer: lineGetCallInfo after IDLE: .* device $pdev origin OUTBOUND .*called 1234 " \
			'dialer: lineDeallocateCall: 0$' 'dialer: done$'
		nofail "dialer: provider line: no broken expectation" "$T/pdialer.txt"
	fi
	status "provide 5000 --count 1: the call closed, exits" $ppid "$T/prov.txt"
fi

# --- 9. nothing left ------------------------------------------------------------

section "nothing left"

wait_lines 0 || :
bad=
for key in files lines_open calls handles; do
	v=$(stat_value $key)
	[ "$v" = 0 ] || bad="$bad $key=$v"
done
if [ -z "$bad" ]; then
	pass "nothing left: files, lines, calls, handles 0"
else
	fail "something left:$bad"
fi
if "$K" unload ktapi; then
	pass "ktapictl unload ktapi"
else
	fail "ktapictl unload ktapi"
fi
rm -rf "$T"
finish
