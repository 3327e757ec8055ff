#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One side of the two-guest SIP call of scripts/sip-pair.sh, run in a guest
# of scripts/vm-pair.sh (busybox sh):
#
#   sip-pair-guest.sh answer IP PEER LINE
#   sip-pair-guest.sh call IP PEER LINE CALLED
#
# Both load ktapi (ktapictl load), give eth0 the address IP/24 and start
# ktapi-sipd --listen IP --line LINE --peer PEER (--foreground --verbose,
# its log to the console and /tmp/sipd.log, counters in /tmp/sipd.stats),
# then wait for its "ready" line.
#
#   answer: starts "ktapictl answer DEVICE --hold 3" on the daemon's line
#           device, waits until the line is open (the module's lines_open
#           count), and only then brings eth0 up: the caller cannot reach
#           this guest before its daemon and its answering application are
#           ready.
#   call:   brings eth0 up, waits until PEER answers a ping (at most
#           PEER_WAIT seconds), then "ktapictl call DEVICE CALLED".
#
# Then both wait until the daemon's dialog count is 0 (the application's
# handles are gone: CLOSECALL), stop the daemon with SIGTERM and print
# what scripts/sip-pair.sh asserts, lines "SIP-PAIR: KEY VALUE":
# "device", "app-rc", "stats" (the counters), "daemon-rc".
#
# Exit status: 0 when the application exited 0, the dialogs returned to 0
# and the daemon exited 0 on SIGTERM; 1 otherwise; 2 for usage errors.

# shellcheck disable=SC2317 # the predicates below are called through wait_for
set -u

PEER_WAIT=${PEER_WAIT:-150}
log=/tmp/sipd.log
stats=/tmp/sipd.stats

usage() {
	echo "usage: $0 answer IP PEER LINE | call IP PEER LINE CALLED" >&2
	exit 2
}

say() {
	echo "SIP-PAIR: $*"
}

# wait_for SECS CMD...: run CMD every 0.2 s until it succeeds; status 1
# when it has not within SECS seconds.
wait_for() {
	end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		usleep 200000
	done
}

stat_of() {
	awk -v k="$1" '$1 == k { print $2 }' "$stats" 2>/dev/null
}

daemon_ready() {
	grep -q 'ktapi-sipd: ready ' "$log"
}

# Exited: no process, or a zombie (kill -0 succeeds on a zombie).
daemon_gone() {
	[ ! -r "/proc/$sipd/stat" ] || grep -q '^[0-9]* (.*) Z ' "/proc/$sipd/stat"
}

line_open() {
	[ "$(cat /sys/class/misc/ktapi/stats/lines_open 2>/dev/null)" = 1 ]
}

peer_up() {
	ping -c 1 -W 1 "$peer" >/dev/null 2>&1
}

# The call is over in the daemon: its dialog and its leg are gone (the
# leg goes at the module's CLOSECALL, after the application deallocated;
# the stats file follows within 0.1 s).
call_over() {
	[ "$(stat_of dialogs)" = 0 ] && [ "$(stat_of calls)" = 0 ]
}

[ $# -ge 4 ] || usage
role=$1 ip=$2 peer=$3 line=$4 called=${5-}
case $role in
answer) [ $# -eq 4 ] || usage ;;
call) [ $# -eq 5 ] || usage ;;
*) usage ;;
esac

ktapictl load || exit 1
ip link set lo up
ip addr add "$ip/24" dev eth0 || exit 1

# The daemon's log to the console as it comes and into $log, through tee
# (which ends with the daemon: end of file on the fifo).
mkfifo /tmp/sipd.fifo || exit 1
tee "$log" </tmp/sipd.fifo &
tee=$!
ktapi-sipd --foreground --verbose --listen "$ip" --line "$line" --peer "$peer" \
	--stats "$stats" >/tmp/sipd.fifo 2>&1 &
sipd=$!
# stop_daemon: SIGTERM (SIGKILL 10 s later), its status in sipd_rc.
stop_daemon() {
	kill -TERM "$sipd" 2>/dev/null
	if ! wait_for 10 daemon_gone; then
		say "FAIL: ktapi-sipd still runs 10 s after SIGTERM"
		kill -KILL "$sipd"
	fi
	wait "$sipd"
	sipd_rc=$?
	wait "$tee"
}

if ! wait_for 30 daemon_ready; then
	if daemon_gone; then
		stop_daemon
		say "FAIL: ktapi-sipd exited with status $sipd_rc before it was ready"
	else
		say "FAIL: no ready line from ktapi-sipd within 30 s"
		stop_daemon
	fi
	exit 1
fi
# ready listen=IP:PORT lines=NUMBER:DEVICEID[,NUMBER:DEVICEID...]
dev=$(sed -n 's/.*ktapi-sipd: ready .* lines=\([^ ]*\).*/\1/p' "$log" | head -n 1 |
	tr ',' '\n' | awk -F: -v l="$line" '$1 == l { print $2 }')
case $dev in
'' | *[!0-9]*)
	say "FAIL: no device for line $line in the ready line"
	stop_daemon
	exit 1
	;;
esac
say "device $dev"

if [ "$role" = answer ]; then
	ktapictl answer "$dev" --timeout $((PEER_WAIT + 60)) --hold 3 &
	app=$!
	if wait_for 20 line_open; then
		ip link set eth0 up
		say "answering on line $line (device $dev); eth0 up"
	else
		say "FAIL: ktapictl answer did not open device $dev within 20 s"
		kill -TERM "$app"
	fi
	wait "$app"
	app_rc=$?
else
	ip link set eth0 up
	start=$(date +%s)
	if wait_for "$PEER_WAIT" peer_up; then
		say "peer $peer up after $(($(date +%s) - start)) s; calling $called"
		ktapictl call "$dev" "$called" --timeout 60
		app_rc=$?
	else
		say "FAIL: no ping reply from $peer within $PEER_WAIT s"
		app_rc=1
	fi
fi
say "app-rc $app_rc"

rc=0
[ "$app_rc" -eq 0 ] || rc=1
if ! wait_for 10 call_over; then
	say "FAIL: the daemon's dialogs and calls did not return to 0 within 10 s"
	rc=1
fi
say "stats $(tr '\n' ' ' <"$stats" 2>/dev/null)"
stop_daemon
say "daemon-rc $sipd_rc"
[ "$sipd_rc" -eq 0 ] || rc=1
exit $rc
