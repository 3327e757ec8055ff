#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Test ktapictl inside the test VM (busybox sh, as root, nothing else
# using ktapi).  Prints TAP ("ok N - ...", "not ok N - ...", diagnostics as
# "# ..."), the plan last (scripts/tap.sh, next to this script in the VM).
#
#   1. "ktapictl load" loads the module (libkmod, by name), twice;
#   2. "devices" and "stats", as text and as JSON Lines;
#   3. a real call: two monitors (devices 0 and 1, one of them --json), an
#      answerer on device 1 (--hold 1) and "call 0 1001"; every line each
#      of them printed is checked, in order;
#   4. calls that are not connected (UNAVAIL, BADADDRESS, no answer) exit 1;
#      a monitor shows the app name of a "call --app";
#   4b. "answer --answer-after": the caller rings that long; a caller that
#      gives up first is not answered (DISCONNECTED, status 1);
#   5. SIGTERM ends a monitor (0) and makes a connected caller drop (0);
#   6. "close" forces LINE_CLOSE on a monitor (which exits 1);
#   7. exit statuses: usage 2, missing line device / module / statistics 3,
#      permission denied 4 (as uid 65534), and "stats" as uid 65534 (0);
#   7b. "provide": a call answered by "ktapictl provide 5000" (the session,
#      line by line), "call --async", --busy, --never-reply (ETIMEDOUT),
#      --call-in answered by "answer"; LINE_CREATE/LINE_REMOVE on a monitor;
#   8. "unload", then "load ktapi lines=2" applies the parameter;
#   9. with udevadm and udev/60-ktapi.rules next to this script: the rule
#      gives /dev/ktapi group ktapi and mode 0660, a group member may open
#      it and uid 65534 may not (exit 4); then "unload".
#
# Usage: ktapictl_vm_test.sh
#   ktapictl is looked up next to this script, then on PATH.
# Environment: KTAPI_MODULE  what "ktapictl load" loads (default: ktapi)
# Exit status: 0 when every test passed, 1 otherwise.

PATH=$PATH:/sbin:/usr/sbin
export PATH

here=$(dirname "$0")
# The TAP writer (pass, fail, skip, expect_rc, has, show, finish): next to
# this script in the VM (vm-run.sh --bin), else in scripts/ of the tree.
for tap in "$here/tap.sh" "$here/../scripts/tap.sh"; do
	[ -f "$tap" ] && break
done
# shellcheck source=scripts/tap.sh
. "$tap"

if [ -x "$here/ktapictl" ]; then
	K=$here/ktapictl
else
	K=$(command -v ktapictl) || {
		fail "ktapictl not found"
		finish
	}
fi
MODULE=${KTAPI_MODULE:-ktapi}
T=$(mktemp -d /tmp/ktapictl-test.XXXXXX) || exit 1

echo "# ktapictl_vm_test: $K ($("$K" --version))"

# lines FILE DESC COUNT: FILE has exactly COUNT lines.
lines() {
	c=$(wc -l <"$1" | tr -d ' ')
	if [ "$c" -eq "$3" ]; then
		pass "$2"
	else
		fail "$2: ${1##*/} has $c lines, want $3:"
		show "$1"
	fi
}

# in_order FILE DESC REGEX...: lines matching the REGEXes appear in this
# order (not necessarily adjacent).
in_order() {
	f=$1
	desc=$2
	shift 2
	last=0
	for re in "$@"; do
		# The regex goes through the environment: awk -v would
		# process its backslashes.
		ln=$(RE=$re awk -v last="$last" \
			'NR > last && $0 ~ ENVIRON["RE"] { print NR; exit }' "$f")
		if [ -z "$ln" ]; then
			fail "$desc: no /$re/ after line $last of ${f##*/}:"
			show "$f"
			return
		fi
		last=$ln
	done
	pass "$desc"
}

# stat_value KEY: a value from "ktapictl --json stats".
stat_value() {
	"$K" --json stats 2>/dev/null |
		sed -n "s/.*\"$1\":\\([0-9-]*\\).*/\\1/p"
}

# wait_lines N: wait up to 10 s until N lines are open (lines_open).
wait_lines() {
	i=0
	while [ "$i" -lt 100 ]; do
		[ "$(stat_value lines_open)" = "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "# lines_open is $(stat_value lines_open), not $1"
	return 1
}

# wait_grep FILE REGEX: wait up to 10 s for a line matching REGEX.
wait_grep() {
	i=0
	while [ "$i" -lt 100 ]; do
		grep -E -q -e "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_rc PID DESC WANT: wait for a background job and check its status.
wait_rc() {
	wait "$1"
	got=$?
	if [ "$got" -eq "$3" ]; then
		pass "$2 (exit $got)"
	else
		fail "$2: exit $got, want $3"
	fi
}

# Every file closed, nothing left: files, calls and handles are 0.
expect_idle_stats() {
	f=$(stat_value files) c=$(stat_value calls) h=$(stat_value handles)
	if [ "$f" = 0 ] && [ "$c" = 0 ] && [ "$h" = 0 ]; then
		pass "$1: stats files, calls and handles are 0"
	else
		fail "$1: stats files=$f calls=$c handles=$h, want 0"
		"$K" stats | sed 's/^/#   /'
	fi
}

# --- 1. load ---------------------------------------------------------------

expect_rc 0 "load $MODULE" "$K" load "$MODULE"
if [ -c /dev/ktapi ]; then
	pass "/dev/ktapi exists after load"
else
	fail "/dev/ktapi is missing after load"
fi
expect_rc 0 "load again: already loaded is success" "$K" load "$MODULE"
expect_rc 0 "load --json" "$K" --json load "$MODULE"
has "$T/out" "load --json prints an action record" \
	'^\{"type":"action","action":"load","module":"[^"]*","params":""\}$'

# --- 2. devices and stats --------------------------------------------------

nlines=$(cat /sys/module/ktapi/parameters/lines 2>/dev/null)
expect_rc 0 "devices" "$K" devices
cp "$T/out" "$T/devices.txt"
has "$T/devices.txt" "devices: summary line" "^ktapi [0-9.]+: $nlines line devices, event_queue_len [0-9]+, max_handles [0-9]+\$"
has "$T/devices.txt" "devices: header" '^DEVICE  ADDRESS$'
has "$T/devices.txt" "devices: device 0 is 1000" '^ +0  1000$'
has "$T/devices.txt" "devices: device 1 is 1001" '^ +1  1001$'
lines "$T/devices.txt" "devices: one line per device after 2 header lines" $((nlines + 2))

expect_rc 0 "devices --json" "$K" devices --json
cp "$T/out" "$T/devices.json"
has "$T/devices.json" "devices --json: module record" \
	"^\\{\"type\":\"module\",\"version\":\"[0-9.]+\",\"num_devices\":$nlines,\"lines\":$nlines,\"event_queue_len\":[0-9]+,\"max_handles\":[0-9]+\\}\$"
has "$T/devices.json" "devices --json: device 1" \
	"^\\{\"type\":\"device\",\"device\":1,\"address\":\"1001\",\"num_devices\":$nlines\\}\$"
c=$(grep -c '^{"type":"device",' "$T/devices.json")
if [ "$c" -eq "$nlines" ]; then
	pass "devices --json: $nlines device records"
else
	fail "devices --json: $c device records, want $nlines"
	show "$T/devices.json"
fi
if grep -v -q -E '^\{.*\}$' "$T/devices.json"; then
	fail "devices --json: a line is not one JSON object"
	show "$T/devices.json"
else
	pass "devices --json: every line is one JSON object"
fi

expect_rc 0 "stats" "$K" stats
cp "$T/out" "$T/stats.txt"
for key in files lines_open calls handles events_queued devices \
	events_dropped calls_total handles_total events_total; do
	has "$T/stats.txt" "stats: $key" "^$key +[0-9]+\$"
done
lines "$T/stats.txt" "stats: the ten counters of /sys/class/misc/ktapi/stats" 10
has "$T/stats.txt" "stats: devices is lines ($nlines)" "^devices +$nlines\$"
expect_rc 0 "stats --json" "$K" --json stats
cp "$T/out" "$T/stats.json"
lines "$T/stats.json" "stats --json: one line" 1
has "$T/stats.json" "stats --json: one object of numbers" \
	'^\{"type":"stats"(,"[a-z_]+":[0-9]+)+\}$'
for key in files lines_open calls handles events_queued; do
	has "$T/stats.json" "stats --json: $key is 0" "[{,]\"$key\":0[,}]"
done

# --- 3. a real call, watched by two monitors -------------------------------

"$K" monitor 1 --count 4 --timeout 30 >"$T/mon1.txt" 2>"$T/mon1.err" &
mon1=$!
"$K" --json monitor 0 --count 6 --timeout 30 >"$T/mon0.json" 2>"$T/mon0.err" &
mon0=$!
"$K" answer 1 --timeout 30 --hold 1 >"$T/answer.txt" 2>"$T/answer.err" &
ans=$!
if wait_lines 3; then
	pass "call: two monitors and the answerer have their lines open"
else
	fail "call: the monitors and the answerer did not open their lines"
fi
expect_rc 0 "call 0 1001 (answered, held 1 s by the answerer)" \
	"$K" call 0 1001 --timeout 20
cp "$T/out" "$T/call.txt"
cp "$T/err" "$T/call.err"
wait_rc $ans "answer 1 --hold 1" 0
wait_rc $mon1 "monitor 1 --count 4" 0
wait_rc $mon0 "monitor 0 --count 6 --json" 0

TS='^\[ *[0-9]+\.[0-9]{6}\] '
in_order "$T/call.txt" "call: make_call, DIALING, RINGBACK, CONNECTED, DISCONNECTED(NORMAL), drop, IDLE, deallocate" \
	"${TS}make_call +handle=[1-9][0-9]* call_id=[1-9][0-9]* from=1000 to=1001\$" \
	"${TS}CALLSTATE +handle=[0-9]+ call_id=[0-9]+ state=DIALING mode=NONE privilege=OWNER\$" \
	"${TS}CALLSTATE .* state=RINGBACK mode=NONE privilege=OWNER\$" \
	"${TS}CALLSTATE .* state=CONNECTED mode=NONE privilege=OWNER\$" \
	"${TS}CALLSTATE .* state=DISCONNECTED mode=NORMAL privilege=OWNER\$" \
	"${TS}drop +handle=" \
	"${TS}CALLSTATE .* state=IDLE mode=NONE privilege=OWNER\$" \
	"${TS}deallocate +handle="
lines "$T/call.txt" "call: 8 lines" 8
lines "$T/call.err" "call: nothing on stderr" 0

# The kernel wakes a reader at the first event it queues, so the answerer
# may read APPNEWCALL alone and answer before it reads CALLSTATE OFFERING:
# the events keep their order, the "answer" line may come before OFFERING.
in_order "$T/answer.txt" "answer: APPNEWCALL(OWNER), OFFERING, CONNECTED" \
	"${TS}APPNEWCALL +handle=[1-9][0-9]* call_id=[1-9][0-9]* state=OFFERING mode=NONE privilege=OWNER origin=INTERNAL caller=1000 called=1001\$" \
	"${TS}CALLSTATE .* state=OFFERING mode=NONE privilege=OWNER\$" \
	"${TS}CALLSTATE .* state=CONNECTED mode=NONE privilege=OWNER\$"
in_order "$T/answer.txt" "answer: APPNEWCALL(OWNER), answer, CONNECTED, drop after --hold, IDLE, deallocate" \
	"${TS}APPNEWCALL +handle=[1-9][0-9]* call_id=[1-9][0-9]* state=OFFERING mode=NONE privilege=OWNER origin=INTERNAL caller=1000 called=1001\$" \
	"${TS}answer +handle=" \
	"${TS}CALLSTATE .* state=CONNECTED mode=NONE privilege=OWNER\$" \
	"${TS}drop +handle=" \
	"${TS}CALLSTATE .* state=IDLE mode=NONE privilege=OWNER\$" \
	"${TS}deallocate +handle="
lines "$T/answer.txt" "answer: 7 lines" 7

in_order "$T/mon1.txt" "monitor 1: APPNEWCALL, OFFERING, CONNECTED, IDLE as MONITOR" \
	"${TS}APPNEWCALL +handle=[1-9][0-9]* call_id=[1-9][0-9]* state=OFFERING mode=NONE privilege=MONITOR origin=INTERNAL caller=1000 called=1001\$" \
	"${TS}CALLSTATE +handle=[1-9][0-9]* call_id=[1-9][0-9]* state=OFFERING mode=NONE privilege=MONITOR\$" \
	"${TS}CALLSTATE .* state=CONNECTED mode=NONE privilege=MONITOR\$" \
	"${TS}CALLSTATE .* state=IDLE mode=NONE privilege=MONITOR\$"
lines "$T/mon1.txt" "monitor 1: exactly 4 lines (--count 4)" 4
# Every line of monitor 1 names the callee's leg: one call_id.
ids=$(sed -n 's/.* call_id=\([0-9]*\) .*/\1/p' "$T/mon1.txt" | sort -u | wc -l)
if [ "$ids" -eq 1 ]; then
	pass "monitor 1: one call_id on every line"
else
	fail "monitor 1: $ids different call_ids"
fi
# The answerer's leg is the one monitor 1 saw; the caller's is another.
cid_b=$(sed -n 's/.*APPNEWCALL .* call_id=\([0-9]*\) .*/\1/p' "$T/answer.txt")
cid_m=$(sed -n 's/.*APPNEWCALL .* call_id=\([0-9]*\) .*/\1/p' "$T/mon1.txt")
cid_a=$(sed -n 's/.*make_call .* call_id=\([0-9]*\) .*/\1/p' "$T/call.txt")
if [ -n "$cid_b" ] && [ "$cid_b" = "$cid_m" ] && [ "$cid_a" != "$cid_b" ]; then
	pass "call ids: callee leg $cid_b (answerer, monitor 1), caller leg $cid_a"
else
	fail "call ids: answerer '$cid_b', monitor 1 '$cid_m', caller '$cid_a'"
fi

J='^\{"type":"event","event":'
in_order "$T/mon0.json" "monitor 0 --json: APPNEWCALL, DIALING, RINGBACK, CONNECTED, DISCONNECTED(NORMAL), IDLE" \
	"${J}\"APPNEWCALL\",\"time_ns\":[0-9]+,\"device\":0,\"handle\":[1-9][0-9]*,\"call_id\":$cid_a,\"state\":\"DIALING\",\"state_mode\":\"NONE\",\"privilege\":\"MONITOR\",\"origin\":\"OUTBOUND\",\"related_call_id\":[0-9]+,\"caller\":\"1000\",\"called\":\"1001\"\\}\$" \
	"${J}\"CALLSTATE\",\"time_ns\":[0-9]+,\"device\":0,\"handle\":[1-9][0-9]*,\"call_id\":$cid_a,\"state\":\"DIALING\",\"state_mode\":\"NONE\",\"privilege\":\"MONITOR\"\\}\$" \
	"${J}\"CALLSTATE\",.*\"state\":\"RINGBACK\",\"state_mode\":\"NONE\",\"privilege\":\"MONITOR\"\\}\$" \
	"${J}\"CALLSTATE\",.*\"state\":\"CONNECTED\",\"state_mode\":\"NONE\",\"privilege\":\"MONITOR\"\\}\$" \
	"${J}\"CALLSTATE\",.*\"state\":\"DISCONNECTED\",\"state_mode\":\"NORMAL\",\"privilege\":\"MONITOR\"\\}\$" \
	"${J}\"CALLSTATE\",.*\"state\":\"IDLE\",\"state_mode\":\"NONE\",\"privilege\":\"MONITOR\"\\}\$"
lines "$T/mon0.json" "monitor 0 --json: exactly 6 lines (--count 6)" 6
# Times never go backwards within one monitor.
if sed -n 's/.*"time_ns":\([0-9]*\).*/\1/p' "$T/mon0.json" |
	awk 'NR > 1 && $1 < prev { bad = 1 } { prev = $1 } END { exit bad }'; then
	pass "monitor 0 --json: time_ns does not go backwards"
else
	fail "monitor 0 --json: time_ns goes backwards"
	show "$T/mon0.json"
fi
expect_idle_stats "after the call"

# --- 4. calls that are not connected ---------------------------------------

expect_rc 1 "call to a device nobody owns (1005) exits 1" "$K" --json call 0 1005
has "$T/out" "call --json: DISCONNECTED/UNAVAIL event" \
	"${J}\"CALLSTATE\",.*\"state\":\"DISCONNECTED\",\"state_mode\":\"UNAVAIL\",\"privilege\":\"OWNER\"\\}\$"
has "$T/out" "call --json: make_call action record" \
	'^\{"type":"action","action":"make_call","time_ns":[0-9]+,"device":0,"handle":[1-9][0-9]*,"call_id":[1-9][0-9]*,"from":"1000","to":"1005"\}$'
has "$T/err" "call 1005: reason on stderr" 'DISCONNECTED \(UNAVAIL\)'
expect_rc 1 "call to an address of no device (999) exits 1" "$K" call 0 999
has "$T/out" "call 999: DISCONNECTED mode=BADADDRESS" 'state=DISCONNECTED mode=BADADDRESS'
has "$T/out" "call 999: ends IDLE" 'state=IDLE'

"$K" monitor 3 --timeout 10 >/dev/null 2>&1 &
mon3=$!
wait_lines 1 >/dev/null
expect_rc 1 "call to a device with a monitor but no owner exits 1" "$K" call 0 1003
has "$T/out" "call 1003: DISCONNECTED mode=UNAVAIL" 'state=DISCONNECTED mode=UNAVAIL'
kill -TERM $mon3 2>/dev/null
wait $mon3

# --app: a monitor of the caller's device sees the caller's name.
"$K" monitor 0 --count 1 --timeout 10 >"$T/appmon" 2>&1 &
appmon=$!
wait_lines 1 >/dev/null
expect_rc 1 "call --app 'Dialer \"1\"' to 999 exits 1" "$K" call 0 999 --app 'Dialer "1"'
wait_rc $appmon "monitor 0 --count 1 (the --app call)" 0
has "$T/appmon" "monitor: APPNEWCALL of a call --app shows app=\"Dialer \\\"1\\\"\"" \
	'^\[ *[0-9]+\.[0-9]+\] APPNEWCALL .* origin=OUTBOUND caller=1000 called=999 app="Dialer \\"1\\""$'
expect_rc 2 "call --app with a control character: usage error" "$K" call 0 999 --app "$(printf 'a\tb')"

expect_rc 1 "answer --timeout 0.5 with no call exits 1" "$K" answer 2 --timeout 0.5
has "$T/err" "answer: reason on stderr" 'no call in time'
expect_rc 0 "monitor --timeout 0.5 without --count: a normal end" "$K" monitor 2 --timeout 0.5
lines "$T/out" "monitor --timeout: no events, no output" 0
expect_rc 1 "monitor --count 1 --timeout 0.5 with no event exits 1" "$K" monitor 2 --count 1 --timeout 0.5

expect_idle_stats "after the failed calls"

# --- 4b. answer --answer-after: the call rings first ------------------------

# json_time FILE STATE: time_ns of the CALLSTATE record to STATE in FILE.
json_time() {
	sed -n "s/.*\"event\":\"CALLSTATE\",\"time_ns\":\([0-9]*\),.*\"state\":\"$2\".*/\1/p" "$1"
}

"$K" --json answer 2 --timeout 20 --answer-after 1500 --hold 0.2 \
	>"$T/ring.json" 2>"$T/ring.err" &
ring=$!
wait_lines 1 >/dev/null
expect_rc 0 "call 0 1002, answered by answer --answer-after 1500" \
	"$K" --json call 0 1002 --timeout 20
wait_rc $ring "answer 2 --answer-after 1500 --hold 0.2" 0
rb=$(json_time "$T/out" RINGBACK)
cn=$(json_time "$T/out" CONNECTED)
if [ -n "$rb" ] && [ -n "$cn" ] && [ $((cn - rb)) -ge 1500000000 ]; then
	pass "answer --answer-after 1500: the caller rang $(((cn - rb) / 1000000)) ms"
else
	fail "answer --answer-after 1500: RINGBACK at '$rb', CONNECTED at '$cn' (ns)"
	show "$T/out"
fi

# A caller that gives up first: never answered, DISCONNECTED, status 1.
"$K" answer 2 --timeout 20 --answer-after 5000 >"$T/ring2.txt" 2>&1 &
ring=$!
wait_lines 1 >/dev/null
expect_rc 1 "call 0 1002 --timeout 0.5 to answer --answer-after 5000" \
	"$K" call 0 1002 --timeout 0.5
wait_rc $ring "answer --answer-after: the caller gave up first" 1
in_order "$T/ring2.txt" "answer --answer-after: OFFERING, DISCONNECTED(NORMAL), drop, IDLE" \
	"${TS}CALLSTATE .* state=OFFERING " \
	"${TS}CALLSTATE .* state=DISCONNECTED mode=NORMAL " "${TS}drop " \
	"${TS}CALLSTATE .* state=IDLE "
if grep -E -q "${TS}answer " "$T/ring2.txt"; then
	fail "answer --answer-after: answered a call that was given up"
	show "$T/ring2.txt"
else
	pass "answer --answer-after: no ANSWER for a call given up"
fi
expect_idle_stats "after answer --answer-after"

# --- 5. signals ------------------------------------------------------------

"$K" monitor 2 >"$T/mon2.txt" 2>&1 &
mon2=$!
wait_lines 1 >/dev/null
kill -TERM $mon2
wait_rc $mon2 "monitor ended by SIGTERM" 0

"$K" answer 3 >"$T/ans3.txt" 2>&1 &
ans3=$!
wait_lines 1 >/dev/null
"$K" call 2 1003 >"$T/call3.txt" 2>&1 &
call3=$!
if wait_grep "$T/call3.txt" 'state=CONNECTED'; then
	pass "SIGTERM test: the call is connected"
else
	fail "SIGTERM test: the call was not connected"
	show "$T/call3.txt"
fi
# The answerer owns device 3 but answers only its first call: a second
# call rings until the caller's --timeout, then the caller drops it.
expect_rc 1 "call --timeout 0.5 to an owner that does not answer exits 1" \
	"$K" call 0 1003 --timeout 0.5
in_order "$T/out" "call --timeout: RINGBACK, drop, IDLE, deallocate" \
	"${TS}CALLSTATE .* state=RINGBACK " "${TS}drop " \
	"${TS}CALLSTATE .* state=IDLE " "${TS}deallocate "
has "$T/err" "call --timeout: reason on stderr" 'no answer in time'
kill -TERM $call3
wait_rc $call3 "connected call ended by SIGTERM: drops and exits 0" 0
wait_rc $ans3 "answerer sees the hang-up and exits 0" 0
in_order "$T/call3.txt" "SIGTERM: drop, IDLE, deallocate" \
	"${TS}drop " "${TS}CALLSTATE .* state=IDLE " "${TS}deallocate "
in_order "$T/ans3.txt" "answerer: DISCONNECTED(NORMAL), drop, IDLE" \
	"${TS}CALLSTATE .* state=DISCONNECTED mode=NORMAL " "${TS}drop " \
	"${TS}CALLSTATE .* state=IDLE "
expect_idle_stats "after SIGTERM"

# --- 6. close --------------------------------------------------------------

"$K" monitor 4 >"$T/mon4.txt" 2>"$T/mon4.err" &
mon4=$!
wait_lines 1 >/dev/null
expect_rc 0 "close 4 (CLOSE_LINE_DEVICE as root)" "$K" close 4
wait_rc $mon4 "monitor of a force-closed line exits 1" 1
has "$T/mon4.txt" "monitor prints the LINE_CLOSE event" "${TS}LINE_CLOSE\$"
has "$T/mon4.err" "monitor says why it ended" 'was closed'

# --- 7. exit statuses ------------------------------------------------------

expect_rc 2 "no command: usage error" "$K"
expect_rc 2 "unknown command: usage error" "$K" frobnicate
expect_rc 2 "unknown option: usage error" "$K" --frobnicate devices
expect_rc 2 "monitor without DEVICE: usage error" "$K" monitor
expect_rc 2 "monitor with a bad DEVICE: usage error" "$K" monitor one
expect_rc 2 "call with a malformed address: usage error" "$K" call 0 12ab
expect_rc 2 "call with --count: usage error" "$K" call 0 1001 --count 1
expect_rc 2 "monitor --timeout -1: usage error" "$K" monitor 0 --timeout -1
expect_rc 2 "monitor --count 0: usage error" "$K" monitor 0 --count 0
expect_rc 2 "devices with an argument: usage error" "$K" devices 1
expect_rc 0 "--help" "$K" --help
has "$T/out" "--help documents the exit statuses" '^  3  not available'
expect_rc 0 "--version" "$K" --version
has "$T/out" "--version" '^ktapictl [0-9]+\.[0-9]+\.[0-9]+$'

expect_rc 3 "monitor a missing line device (99)" "$K" monitor 99
has "$T/err" "missing line device: message names the range" 'no line device 99: there are [0-9]+'
expect_rc 3 "answer on a missing line device" "$K" answer 99 --timeout 1
expect_rc 3 "call from a missing line device" "$K" call 99 1000
expect_rc 3 "close a missing line device" "$K" close 99
expect_rc 3 "load a missing module file" "$K" load /nonexistent/ktapi.ko

# Run a command line as uid 65534.
# shellcheck disable=SC2317 # called through expect_rc
as_nobody() {
	su -s /bin/sh nobody -c "$*"
}
expect_rc 0 "stats as uid 65534: sysfs needs no root" as_nobody "$K stats"
if "$K" stats | cmp -s - "$T/out"; then
	pass "stats as uid 65534: the same as root's"
else
	fail "stats as uid 65534 differ from root's:"
	show "$T/out"
fi
expect_rc 4 "close as uid 65534: permission denied (EPERM or no access)" as_nobody "$K close 0"
expect_rc 4 "unload as uid 65534: permission denied" as_nobody "$K unload"
expect_idle_stats "before unload"

# --- 7b. a provider: ktapictl provide ------------------------------------------

# The session the issue's closing note quotes: "ktapictl provide 5000" in
# the background serves a new line device, "ktapictl call" on that device
# dials 1234, the provider answers (RINGBACK, CONNECTED), the caller hangs
# up after --hold 1; every line each of them printed is checked, in order.
# Then the same with "call --async", a busy provider, one that never
# replies, and an incoming call placed with --call-in.
if [ -c /dev/ktapi-provider ]; then
	# start_provider FILE ARG...: "provide ARG..." in the background
	# writing FILE; sets prov (its pid) and pdev (its device), or
	# pdev="" when no "provide" line came within 10 s.
	start_provider() {
		_f=$1
		shift
		"$K" provide "$@" >"$_f" 2>"$_f.err" &
		prov=$!
		pdev=
		if wait_grep "$_f" "${TS}provide +device=[0-9]+ "; then
			pdev=$(sed -n 's/.* provide *device=\([0-9]*\) .*/\1/p' "$_f")
		fi
	}

	"$K" monitor 0 --count 2 --timeout 30 >"$T/pmon.txt" 2>"$T/pmon.err" &
	pmon=$!
	wait_lines 1 || true
	start_provider "$T/prov.txt" 5000 --count 2 --timeout 60
	if [ -n "$pdev" ]; then
		pass "provide 5000: serves line device $pdev"
	else
		fail "provide 5000: no 'provide' line"
		show "$T/prov.txt"
		show "$T/prov.txt.err"
	fi
	expect_rc 0 "devices: the provider's device is listed" "$K" devices
	has "$T/out" "devices: device $pdev is 5000, provider ktapictl" \
		"^ +$pdev  5000  provider=ktapictl\\([1-9][0-9]*\\) name=5000\$"
	expect_rc 0 "call $pdev 1234 (answered by the provider, held 1 s)" \
		"$K" call "$pdev" 1234 --hold 1 --timeout 20
	cp "$T/out" "$T/pcall.txt"
	cp "$T/err" "$T/pcall.err"
	expect_rc 0 "call $pdev 1234 --async" \
		"$K" call "$pdev" 1234 --async --hold 0.2 --timeout 20
	cp "$T/out" "$T/pacall.txt"
	wait_rc $prov "provide 5000 --count 2: exits after two CLOSECALLs" 0
	wait_rc $pmon "monitor 0 --count 2: LINE_CREATE and LINE_REMOVE" 0

	in_order "$T/pcall.txt" "provider call: make_call, DIALING, RINGBACK, CONNECTED, drop, IDLE, deallocate" \
		"${TS}make_call +handle=[1-9][0-9]* call_id=[1-9][0-9]* from=5000 to=1234\$" \
		"${TS}CALLSTATE +handle=[0-9]+ call_id=[0-9]+ state=DIALING mode=NONE privilege=OWNER\$" \
		"${TS}CALLSTATE .* state=RINGBACK mode=NONE privilege=OWNER\$" \
		"${TS}CALLSTATE .* state=CONNECTED mode=NONE privilege=OWNER\$" \
		"${TS}drop +handle=" \
		"${TS}CALLSTATE .* state=IDLE mode=NONE privilege=OWNER\$" \
		"${TS}deallocate +handle="
	lines "$T/pcall.txt" "provider call: 7 lines" 7
	lines "$T/pcall.err" "provider call: nothing on stderr" 0
	cid=$(sed -n 's/.*make_call .* call_id=\([0-9]*\) .*/\1/p' "$T/pcall.txt")
	acid=$(sed -n 's/.*make_call .* call_id=\([0-9]*\) .*/\1/p' "$T/pacall.txt")

	R="request_id=[1-9][0-9]*"
	in_order "$T/prov.txt" "provide: the session of the sync call, line by line" \
		"${TS}provide +device=$pdev address=5000 name=5000 provider_id=[1-9][0-9]*\$" \
		"${TS}request +MAKECALL $R call_id=$cid device=$pdev to=1234 from=5000\$" \
		"${TS}reply +$R call_id=$cid result=0\$" \
		"${TS}callstate +call_id=$cid state=RINGBACK mode=NONE\$" \
		"${TS}callstate +call_id=$cid state=CONNECTED mode=NONE\$" \
		"${TS}request +DROP $R call_id=$cid device=$pdev\$" \
		"${TS}reply +$R call_id=$cid result=0\$" \
		"${TS}callstate +call_id=$cid state=IDLE mode=NONE\$" \
		"${TS}request +CLOSECALL call_id=$cid device=$pdev state=IDLE\$"
	# The first nine lines are exactly that session, nothing in between.
	head -n 9 "$T/prov.txt" >"$T/prov9.txt"
	c=$(grep -c " call_id=$cid " "$T/prov9.txt")
	if [ "$c" -eq 8 ]; then
		pass "provide: lines 2..9 are the sync call's"
	else
		fail "provide: $c of lines 2..9 name call $cid, want 8"
		show "$T/prov.txt"
	fi
	in_order "$T/prov.txt" "provide: then the async call's MAKECALL .. CLOSECALL" \
		"${TS}request +CLOSECALL call_id=$cid " \
		"${TS}request +MAKECALL $R call_id=$acid device=$pdev to=1234 from=5000\$" \
		"${TS}reply +$R call_id=$acid result=0\$" \
		"${TS}callstate +call_id=$acid state=CONNECTED mode=NONE\$" \
		"${TS}request +DROP $R call_id=$acid " \
		"${TS}callstate +call_id=$acid state=IDLE mode=NONE\$" \
		"${TS}request +CLOSECALL call_id=$acid device=$pdev state=IDLE\$"
	lines "$T/prov.txt" "provide: 17 lines (provide, 8 per call)" 17
	lines "$T/prov.txt.err" "provide: nothing on stderr" 0

	in_order "$T/pacall.txt" "call --async: make_call request_id, REPLY 0, DIALING, CONNECTED, drop request_id, REPLY 0, IDLE" \
		"${TS}make_call +handle=[1-9][0-9]* call_id=$acid from=5000 to=1234 $R\$" \
		"${TS}REPLY +handle=[1-9][0-9]* call_id=$acid $R result=0\$" \
		"${TS}CALLSTATE .* state=DIALING mode=NONE privilege=OWNER\$" \
		"${TS}CALLSTATE .* state=CONNECTED mode=NONE privilege=OWNER\$" \
		"${TS}drop +handle=[1-9][0-9]* call_id=$acid $R\$" \
		"${TS}REPLY +handle=[1-9][0-9]* call_id=$acid $R result=0\$" \
		"${TS}CALLSTATE .* state=IDLE mode=NONE privilege=OWNER\$" \
		"${TS}deallocate +handle="

	in_order "$T/pmon.txt" "monitor 0: LINE_CREATE, then LINE_REMOVE of device $pdev" \
		"${TS}LINE_CREATE device=$pdev\$" \
		"${TS}LINE_REMOVE device=$pdev\$"
	expect_rc 3 "the device is gone with its provider (ENODEV)" \
		"$K" call "$pdev" 1234

	# A busy far end.
	start_provider "$T/busy.txt" 5001 --busy --count 1 --timeout 30
	expect_rc 1 "call a --busy provider's device: not connected" \
		"$K" call "$pdev" 1234 --timeout 10
	has "$T/out" "busy: DISCONNECTED mode=BUSY" 'state=DISCONNECTED mode=BUSY'
	has "$T/err" "busy: the reason on stderr" 'DISCONNECTED \(BUSY\)'
	wait_rc $prov "provide --busy --count 1" 0
	has "$T/busy.txt" "provide --busy: reports DISCONNECTED BUSY" \
		"${TS}callstate +call_id=[0-9]+ state=DISCONNECTED mode=BUSY\$"

	# A provider that never replies: the request times out.
	to=/sys/module/ktapi/parameters/provider_timeout_ms
	old_to=$(cat "$to")
	echo 300 >"$to"
	start_provider "$T/never.txt" 5002 --never-reply --timeout 30
	expect_rc 1 "call a --never-reply provider's device: ETIMEDOUT" \
		"$K" call "$pdev" 1234 --timeout 10
	has "$T/err" "never-reply: ETIMEDOUT on stderr" 'ETIMEDOUT'
	kill "$prov"
	wait_rc $prov "provide --never-reply ends on SIGTERM" 0
	has "$T/never.txt" "provide --never-reply: prints the MAKECALL" \
		"${TS}request +MAKECALL $R call_id=[0-9]+ device=$pdev to=1234 from=5002\$"
	if grep -q ' reply ' "$T/never.txt"; then
		fail "provide --never-reply sent a reply"
		show "$T/never.txt"
	else
		pass "provide --never-reply: no reply line"
	fi
	echo "$old_to" >"$to"

	# An incoming call: --call-in waits for the owner, "answer" takes it.
	start_provider "$T/in.txt" 5003 --call-in 4321 --count 1 --timeout 30
	expect_rc 0 "answer an incoming call of a provider (--call-in 4321)" \
		"$K" answer "$pdev" --hold 0.2 --timeout 20
	cp "$T/out" "$T/in-answer.txt"
	wait_rc $prov "provide --call-in --count 1" 0
	in_order "$T/in-answer.txt" "answer: APPNEWCALL(INBOUND from 4321), answer, CONNECTED, drop, IDLE, deallocate" \
		"${TS}APPNEWCALL +handle=[1-9][0-9]* call_id=[1-9][0-9]* state=OFFERING mode=NONE privilege=OWNER origin=INBOUND caller=4321 called=5003\$" \
		"${TS}answer +handle=" \
		"${TS}CALLSTATE .* state=CONNECTED mode=NONE privilege=OWNER\$" \
		"${TS}drop +handle=" \
		"${TS}CALLSTATE .* state=IDLE mode=NONE privilege=OWNER\$" \
		"${TS}deallocate +handle="
	in_order "$T/in.txt" "provide --call-in: newcall, ANSWER replied, CONNECTED, DROP, IDLE, CLOSECALL" \
		"${TS}newcall +call_id=[1-9][0-9]* device=$pdev from=4321 to=5003\$" \
		"${TS}request +ANSWER $R call_id=[0-9]+ device=$pdev\$" \
		"${TS}reply +$R call_id=[0-9]+ result=0\$" \
		"${TS}callstate +call_id=[0-9]+ state=CONNECTED mode=NONE\$" \
		"${TS}request +DROP $R " \
		"${TS}callstate +call_id=[0-9]+ state=IDLE mode=NONE\$" \
		"${TS}request +CLOSECALL call_id=[0-9]+ device=$pdev state=IDLE\$"
	expect_idle_stats "after the provider calls"
else
	skip "ktapictl provide" "no /dev/ktapi-provider"
fi

# --- 8. unload, load with parameters ---------------------------------------

expect_rc 0 "unload" "$K" unload
if [ ! -e /dev/ktapi ] && [ ! -d /sys/module/ktapi ]; then
	pass "unload: /dev/ktapi and /sys/module/ktapi are gone"
else
	fail "unload: /dev/ktapi or /sys/module/ktapi is still there"
fi
expect_rc 3 "devices without the module" "$K" devices
has "$T/err" "devices without the module: hint" 'is the ktapi module loaded'
expect_rc 3 "stats without the module" "$K" stats
expect_rc 3 "unload when not loaded" "$K" unload
expect_rc 0 "load $MODULE lines=2" "$K" load "$MODULE" lines=2
expect_rc 0 "devices --json with lines=2" "$K" --json devices
has "$T/out" "lines=2: num_devices 2" '^\{"type":"module",.*"num_devices":2,"lines":2,'
c=$(grep -c '"type":"device"' "$T/out")
if [ "$c" -eq 2 ]; then
	pass "lines=2: two device records"
else
	fail "lines=2: $c device records"
fi

# --- 9. the udev rule ---------------------------------------------------------

# With udevadm and udev/60-ktapi.rules next to this script (vm-run.sh
# --bin /usr/bin/udevadm --bin udev/60-ktapi.rules): "udevadm test" applies
# the rule to /dev/ktapi; then a member of the group may open the device
# and anyone else may not.
if command -v udevadm >/dev/null 2>&1 && [ -f "$here/60-ktapi.rules" ]; then
	mkdir -p /etc/udev/rules.d
	cp "$here/60-ktapi.rules" /etc/udev/rules.d/
	chmod 0644 /etc/udev/rules.d/60-ktapi.rules
	grep -q '^ktapi:' /etc/group || echo 'ktapi:x:990:tapi' >>/etc/group
	grep -q '^tapi:' /etc/passwd ||
		echo 'tapi:x:1000:1000:ktapi test user:/tmp:/bin/sh' >>/etc/passwd
	grep -q '^tapi:' /etc/group || echo 'tapi:x:1000:' >>/etc/group
	udevadm test --action=add /devices/virtual/misc/ktapi >"$T/udev.log" 2>&1
	has "$T/udev.log" "udev: 60-ktapi.rules sets GROUP ktapi" '60-ktapi.rules:[0-9]+ GROUP 990$'
	has "$T/udev.log" "udev: 60-ktapi.rules sets MODE 0660" '60-ktapi.rules:[0-9]+ MODE 0660$'
	# shellcheck disable=SC2012 # mode and group of one device node
	perm=$(ls -ln /dev/ktapi | awk '{ print $1, $4 }')
	if [ "$perm" = "crw-rw---- 990" ]; then
		pass "udev: /dev/ktapi is crw-rw---- group ktapi"
	else
		fail "udev: /dev/ktapi is '$perm'"
	fi
	expect_rc 0 "udev: a member of group ktapi may open /dev/ktapi" \
		su -s /bin/sh tapi -c "$K devices"
	expect_rc 4 "udev: anyone else may not (permission denied)" \
		as_nobody "$K devices"
	has "$T/err" "udev: the message says permission denied" 'Permission denied'
	expect_rc 4 "udev: a member of group ktapi still may not close a line device" \
		su -s /bin/sh tapi -c "$K close 0"
	# /dev/ktapi-provider: group ktapi-provider, which tapi is not in.
	grep -q '^ktapi-provider:' /etc/group ||
		echo 'ktapi-provider:x:991:' >>/etc/group
	udevadm test --action=add /devices/virtual/misc/ktapi-provider \
		>"$T/udevp.log" 2>&1
	has "$T/udevp.log" "udev: 60-ktapi.rules sets GROUP ktapi-provider" '60-ktapi.rules:[0-9]+ GROUP 991$'
	has "$T/udevp.log" "udev: 60-ktapi.rules sets MODE 0660 on ktapi-provider" '60-ktapi.rules:[0-9]+ MODE 0660$'
	# shellcheck disable=SC2012 # mode and group of one device node
	perm=$(ls -ln /dev/ktapi-provider | awk '{ print $1, $4 }')
	if [ "$perm" = "crw-rw---- 991" ]; then
		pass "udev: /dev/ktapi-provider is crw-rw---- group ktapi-provider"
	else
		fail "udev: /dev/ktapi-provider is '$perm'"
	fi
	expect_rc 4 "udev: a member of ktapi alone may not provide (permission denied)" \
		su -s /bin/sh tapi -c "$K provide 5000 --timeout 0"
	has "$T/err" "udev: provide says permission denied" 'Permission denied'
else
	skip "udev rule" "no udevadm or $here/60-ktapi.rules"
fi

expect_rc 0 "unload again" "$K" unload

rm -rf "$T"
finish
