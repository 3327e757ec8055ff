#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The SIP tests of "make check" in the test VM (busybox sh, as root; the
# second boot of each kernel series in scripts/vm-check.sh):
#
#   1. load ktapi (ktapictl load); the network: network namespace "b" (a
#      sleeper started by "unshare -n") joined to the first one by a veth
#      pair, 10.0.0.1/24 (v0) and 10.0.0.2/24 (veth0), lo up in both;
#   2. three ktapi-sipd daemons, each with lines of its own (the ready
#      line gives their device ids):
#        A  10.0.0.1:5060, lines 2001,2002, peer B (10.0.0.2:5060)
#        B  10.0.0.2:5060 in "b", lines 3001,3002, peer A
#        C  10.0.0.1:5070, line 4001, peer sipp (10.0.0.2:5080),
#           --answer-timeout 3
#   3. sip_call (kselftest harness): calls from A to B and back, daemon B
#      killed mid-call and started again (SIP_B_RESTART);
#   4. sipp (Debian sip-tester) in "b" as the independent peer of daemon C:
#      its built-in uac calling 4001 (answered by "ktapictl answer"), its
#      built-in uas answering "ktapictl call", and the scenarios next to
#      this script: uas_refuse.xml (486, 404, 480, 603), uas_redirect.xml
#      and uas_redirect_trying.xml (302, not followed), uas_noanswer.xml
#      (NOANSWER at the answer timeout: CANCEL), uas_bye.xml (BYE from the
#      callee after 200) and uac_cancel.xml (the caller's CANCEL: OFFERING,
#      then DISCONNECTED NORMAL) and uac_sdp.xml (an offer of audio: the
#      answer rejects it, port 0; two re-INVITEs), uac_dup.xml (the INVITE
#      again once connected: 482), uac_reinvite.xml (a fifth re-INVITE in
#      32 s: 488, the call goes on) and uac_badsdp.xml (offers refused 488
#      and 415, no call).  Each is checked against
#      ktapi-sipd(8)'s
#      mapping: the states and disconnect mode "ktapictl --json" printed,
#      its exit status, and sipp's (0: every message it expected came);
#      then daemon C holds no dialog;
#   5. SIGTERM to every daemon: exit status 0, no dialog left; every file
#      of /dev/ktapi closed, "rmmod ktapi".
#
# A missing ktapi-sipd, sipp or sip_call fails, never skips.  The results
# are printed last as one TAP document (scripts/tap.sh, TAP_DEFER=1, next
# to this script in the VM), after sip_call's own.  Work files (daemon
# logs, --stats files, ktapictl and sipp output) are in /tmp/sip; the
# console shows the tail of those that failed.
#
# Usage: sip_vm_test.sh
# Exit status: 0 when every step passed, 1 otherwise.

PATH=$PATH:/sbin:/usr/sbin
export PATH

here=$(dirname "$0")
if [ ! -f "$here/tap.sh" ]; then
	echo "sip_vm_test: no tap.sh next to $0" >&2
	exit 2
fi
TAP_DEFER=1
# shellcheck source=scripts/tap.sh
. "$here/tap.sh"

W=/tmp/sip
T=$W
STATS=/sys/class/misc/ktapi/stats
IP_A=10.0.0.1
IP_B=10.0.0.2
SIPP_PORT=5080
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 2

# wait_for SECS CMD...: run CMD every 0.1 s until it succeeds, SECS at most.
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	"$@"
}

# --- 1. the module and the network -------------------------------------------

ktapictl=$(find_prog ktapictl)
sipd=$(find_prog ktapi-sipd)
sipp=$(find_prog sipp)
sip_call=$(find_prog sip_call)
if [ -n "$ktapictl" ] && "$ktapictl" load ktapi && wait_for 5 test -e /dev/ktapi; then
	pass "ktapictl load ktapi"
else
	fail "ktapictl load ktapi" "ktapictl: '${ktapictl:-not found}'"
	finish
fi
for p in ktapi-sipd sipp sip_call; do
	if [ -n "$(find_prog $p)" ]; then
		pass "$p is installed ($(find_prog $p))"
	else
		fail "$p is installed" "not found next to $0 or on PATH"
	fi
done
[ -n "$sipd" ] || finish

# The namespace "b": a sleeper in a network namespace of its own.
unshare -n sleep 100000 &
NSB=$!
in_b() {
	nsenter -t "$NSB" -n "$@"
}
net_setup() {
	ip link add v0 type veth &&
		wait_for 2 test -d /sys/class/net/veth0 &&
		ip link set veth0 netns "$NSB" &&
		ip addr add "$IP_A/24" dev v0 && ip link set v0 up &&
		ip link set lo up &&
		in_b ip addr add "$IP_B/24" dev veth0 &&
		in_b ip link set veth0 up && in_b ip link set lo up &&
		wait_for 5 ping -c 1 -W 1 "$IP_B" >/dev/null
}
sleep 0.2
if net_setup >"$W/net.log" 2>&1; then
	pass "network: two namespaces joined by a veth pair ($IP_A, $IP_B ping)"
else
	fail "network: two namespaces joined by a veth pair"
	show "$W/net.log"
	finish
fi

# --- 2. the daemons -----------------------------------------------------------

# starter NAME NETNS-PID|- ARGS...: write $W/start-NAME.sh, which starts
# daemon NAME (--foreground, log $W/NAME.log, --stats $W/NAME.stats, pid in
# $W/NAME.pid, exit status in $W/NAME.rc once it ended) in the namespace of
# NETNS-PID and returns 0 once it logged its ready line.  sip_call runs it
# again to restart daemon B.
starter() {
	_name=$1 _pre=
	[ "$2" = - ] || _pre="nsenter -t $2 -n"
	shift 2
	cat >"$W/start-$_name.sh" <<EOF
#!/bin/sh
log=$W/$_name.log
n=\$(grep -c 'ktapi-sipd: ready' "\$log" 2>/dev/null)
rm -f $W/$_name.rc $W/$_name.pid
(
	$_pre $sipd --foreground --name $_name --stats $W/$_name.stats $* \\
		</dev/null 2>>"\$log" >&2 &
	echo \$! >$W/$_name.pid
	wait \$!
	echo \$? >$W/$_name.rc
) </dev/null >/dev/null 2>&1 &
i=0
while [ \$i -lt 200 ]; do
	if [ -s $W/$_name.pid ] &&
		[ "\$(grep -c 'ktapi-sipd: ready' "\$log")" -gt "\${n:-0}" ]; then
		exit 0
	fi
	[ -e $W/$_name.rc ] && break
	sleep 0.1
	i=\$((i + 1))
done
echo "ktapi-sipd $_name: no ready line (exit status \$(cat $W/$_name.rc 2>/dev/null))" >&2
exit 1
EOF
	chmod 0755 "$W/start-$_name.sh"
}

# dev_of NAME NUMBER: the device id of line NUMBER, from NAME's last ready
# line ("ktapi-sipd: ready listen=IP:PORT lines=NUMBER:ID,...").
dev_of() {
	sed -n 's/.*ktapi-sipd: ready .*lines=//p' "$W/$1.log" | tail -n 1 |
		tr ',' '\n' | sed -n "s/^$2://p"
}

starter sipd-a - --listen "$IP_A" --line 2001,2002 --peer "$IP_B"
starter sipd-b "$NSB" --listen "$IP_B" --line 3001 --line 3002 --peer "$IP_A"
starter sipd-c - --listen "$IP_A:5070" --line 4001 --peer "$IP_B:$SIPP_PORT" \
	--answer-timeout 3
for d in sipd-a sipd-b sipd-c; do
	# What an earlier daemon left (the restart of sip_call meets that).
	echo "lines 99" >"$W/$d.stats"
	if "$W/start-$d.sh" 2>"$W/start-$d.err"; then
		pass "$d ready: $(sed -n 's/.*ktapi-sipd: ready //p' "$W/$d.log" | tail -n 1)"
		# Its --stats file is written before the ready line.
		_want=$(sed -n 's/.*ktapi-sipd: ready .*lines=//p' "$W/$d.log" |
			tail -n 1 | tr ',' '\n' | grep -c .)
		_got=$(sed -n 's/^lines //p' "$W/$d.stats" 2>/dev/null)
		if [ "$_got" = "$_want" ]; then
			pass "$d: its stats file is written when it is ready (lines $_got)"
		else
			fail "$d: its stats file is written when it is ready" \
				"lines '$_got', want $_want"
		fi
	else
		fail "$d ready"
		show "$W/start-$d.err"
		show "$W/$d.log"
	fi
done
DEV_C=$(dev_of sipd-c 4001)

# --- 3. two daemons: sip_call --------------------------------------------------

if [ -n "$sip_call" ]; then
	echo "# sip_vm_test: running $sip_call"
	SIP_A_ADDR=2001 SIP_A_NAME=sipd-a SIP_A_STATS=$W/sipd-a.stats \
		SIP_B_ADDR=3001 SIP_B_NAME=sipd-b SIP_B_STATS=$W/sipd-b.stats \
		SIP_B_PIDFILE=$W/sipd-b.pid SIP_B_RESTART=$W/start-sipd-b.sh \
		"$sip_call" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "sip_call: two daemons, both hang-ups, reject, kill -9 and restart"
	else
		fail "sip_call" "exit status $rc"
		show "$W/sipd-a.log"
		show "$W/sipd-b.log"
	fi
else
	fail "sip_call" "not found"
fi

# --- 4. sipp as the peer of daemon C -------------------------------------------

# call_seq FILE: what "ktapictl --json" printed, as one line of its
# records: APPNEWCALL, and each CALLSTATE's state (DISCONNECTED/MODE).
call_seq() {
	sed -n 's/.*"event":"\(APPNEWCALL\)".*/\1/p
		s/.*"event":"CALLSTATE".*"state":"\([A-Z]*\)","state_mode":"\([A-Z]*\)".*/\1 \2/p' "$1" |
		awk '{ s = $1; if (s == "DISCONNECTED") s = s "/" $2
		       out = out (out == "" ? "" : " ") s } END { print out }'
}

stat_of() {
	sed -n "s/^$2 //p" "$W/$1.stats" 2>/dev/null
}

# shellcheck disable=SC2317 # called through wait_for
no_dialogs() {
	[ "$(stat_of "$1" dialogs)" = 0 ] && [ "$(stat_of "$1" calls)" = 0 ]
}

# shellcheck disable=SC2317 # called through wait_for
lines_open_above() {
	[ "$(cat "$STATS/lines_open")" -gt "$1" ]
}

# shellcheck disable=SC2317 # called through wait_for
not_running() {	# gone, or a zombie not waited for yet
	[ ! -e "/proc/$1" ] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

# shellcheck disable=SC2317 # called through wait_for
sipp_bound() {
	in_b netstat -uln 2>/dev/null | grep -q ":$SIPP_PORT "
}

# sipp_result TAG DESC WANT-APP-RC APP-REGEX: the verdict of one scenario
# whose ktapictl output is $W/TAG.json (status $app_rc) and whose sipp
# output is $W/TAG.sipp (status $sipp_rc): ktapictl's records match
# APP-REGEX (grep -E over call_seq) with status WANT-APP-RC, sipp exited
# 0, and daemon C keeps no dialog.
sipp_result() {
	_seq=$(call_seq "$W/$1.json")
	if [ "$app_rc" = "$3" ] && printf '%s\n' "$_seq" | grep -E -q "$4"; then
		pass "sipp $2: the application saw $_seq (ktapictl exit $app_rc)"
	else
		fail "sipp $2: the application saw '$_seq', exit $app_rc" \
			"want /$4/, exit $3"
		show "$W/$1.json"
		show "$W/$1.err"
	fi
	if [ "$sipp_rc" = 0 ]; then
		pass "sipp $2: sipp exit 0 (every message it expected)"
	else
		fail "sipp $2: sipp exit $sipp_rc"
		show "$W/$1.sipp"
		for f in "$W"/*_errors.log; do
			[ -f "$f" ] && show "$f" && rm -f "$f"
		done
	fi
	if wait_for 10 no_dialogs sipd-c; then
		pass "sipp $2: daemon C keeps no dialog and no leg"
	else
		fail "sipp $2: daemon C keeps state" "$(cat "$W/sipd-c.stats" 2>/dev/null)"
	fi
}

# sipp gives up after SIPP_TIMEOUT seconds (a scenario that waits longer
# sets it around its call).
SIPP_TIMEOUT=30
SIPP_OPTS="-m 1 -nostdin -timeout_error -trace_err"

# scenario out|in TAG DESC WANT-APP-RC APP-REGEX [KTAPICTL-OPTS... --]
#          SIPP-ARGS...: one sipp scenario with daemon C, then sipp_result.
#   out: sipp in "b" answers at $IP_B:$SIPP_PORT, "ktapictl call" on 4001
#        dials 9001;
#   in:  "ktapictl answer" on 4001, then sipp in "b" calls 4001 at
#        $IP_A:5070.
scenario() {
	_dir=$1 _tag=$2 _desc=$3 _rc=$4 _re=$5 _kopts=
	shift 5
	case " $* " in
	*" -- "*)
		while [ "$1" != -- ]; do
			_kopts="$_kopts $1"
			shift
		done
		shift
		;;
	esac
	if [ "$_dir" = out ]; then
		# shellcheck disable=SC2086 # lists of options
		in_b "$sipp" "$@" -i "$IP_B" -p "$SIPP_PORT" -timeout "${SIPP_TIMEOUT}s" $SIPP_OPTS \
			>"$W/$_tag.sipp" 2>&1 &
		_sp=$!
		wait_for 5 sipp_bound
		# shellcheck disable=SC2086
		"$ktapictl" --json call "$DEV_C" 9001 --timeout 20 $_kopts \
			>"$W/$_tag.json" 2>"$W/$_tag.err"
		app_rc=$?
		wait "$_sp"
		sipp_rc=$?
	else
		_open=$(cat "$STATS/lines_open")
		# shellcheck disable=SC2086
		"$ktapictl" --json answer "$DEV_C" --timeout 30 $_kopts \
			>"$W/$_tag.json" 2>"$W/$_tag.err" &
		_ap=$!
		wait_for 5 lines_open_above "$_open"
		# shellcheck disable=SC2086
		in_b "$sipp" "$@" "$IP_A:5070" -s 4001 -i "$IP_B" -p 5090 \
			-timeout "${SIPP_TIMEOUT}s" $SIPP_OPTS \
			>"$W/$_tag.sipp" 2>&1
		sipp_rc=$?
		# A call that never came: do not sit out answer's --timeout.
		wait_for 10 not_running "$_ap" || kill -TERM "$_ap" 2>/dev/null
		wait "$_ap"
		app_rc=$?
	fi
	sipp_result "$_tag" "$_desc" "$_rc" "$_re"
}

# refuse CODE REASON MODE: sipp answers "ktapictl call" with CODE REASON
# (uas_refuse.xml, a template): the leg ends DISCONNECTED/MODE.
refuse() {
	sed "s/@CODE@/$1/g; s/@REASON@/$2/g" "$here/uas_refuse.xml" >"$W/uas_$1.xml"
	scenario out "refuse$1" "$1 $2" 1 "${ring}DISCONNECTED/$3 IDLE\$" \
		-sf "$W/uas_$1.xml"
}

if [ -n "$sipp" ] && [ -n "$DEV_C" ]; then
	S=$here
	# Daemon C's leg as the caller: DIALING, PROCEEDING on 100, RINGBACK
	# on 180, then the final answer.
	ring='^DIALING (PROCEEDING )?'
	scenario in uac "built-in uac calls 4001, ktapictl answers" 0 \
		'^APPNEWCALL OFFERING CONNECTED DISCONNECTED/NORMAL IDLE$' \
		-sn uac -d 1000
	# Its From is "sipp", no dialable address: offered as caller 0.
	has "$W/uac.json" "sipp built-in uac: caller 0 (From sipp), called 4001" \
		'"caller":"0","called":"4001"'
	has "$W/sipd-c.log" "sipp built-in uac: sipd-c logs the unknown caller" \
		'in 0->4001: .*caller unknown \(sipp\)'
	scenario out uas "built-in uas answers ktapictl call (dropped after 1 s)" 0 \
		"${ring}RINGBACK CONNECTED IDLE$" --hold 1 -- -sn uas
	refuse 486 "Busy Here" BUSY
	refuse 404 "Not Found" BADADDRESS
	refuse 480 "Temporarily Unavailable" UNAVAIL
	refuse 603 Decline REJECT
	# 3xx: no redirect is followed (one static peer); a second INVITE
	# would fail sipp (an unexpected message).
	scenario out redirect "302 at once: not followed" 1 \
		'^DIALING DISCONNECTED/UNKNOWN IDLE$' -sf "$S/uas_redirect.xml"
	scenario out redirect100 "100, then 302: not followed (our CANCEL crosses it)" 1 \
		'^DIALING PROCEEDING DISCONNECTED/UNKNOWN IDLE$' -sf "$S/uas_redirect_trying.xml"
	has "$W/sipd-c.log" "sipp 302: sipd-c logs the redirect it did not follow" \
		'out 4001->9001: 302 \(redirect not followed\) DISCONNECTED UNKNOWN'
	# 100 and 183 after the 180: still RINGBACK (states never go backwards).
	scenario out noanswer "no answer (100, 180, 100, 183; --answer-timeout 3: CANCEL)" 1 \
		"${ring}RINGBACK DISCONNECTED/NOANSWER IDLE$" -sf "$S/uas_noanswer.xml"
	scenario out bye "BYE from the callee after 200" 0 \
		"${ring}RINGBACK CONNECTED DISCONNECTED/NORMAL IDLE$" -sf "$S/uas_bye.xml"
	scenario in cancel "CANCEL from the caller" 1 \
		'^APPNEWCALL OFFERING DISCONNECTED/NORMAL IDLE$' --answer-after 20000 -- \
		-sf "$S/uac_cancel.xml" -key caller 5001
	has "$W/cancel.json" "sipp CANCEL from the caller: caller 5001, called 4001" \
		'"caller":"5001","called":"4001"'
	# RFC 3264 6: the answer rejects each offered stream (port 0); the
	# scenario's own checks (ereg check_it) fail sipp otherwise.
	scenario in sdp "offer of audio: answered m=audio 0, re-INVITEs" 0 \
		'^APPNEWCALL OFFERING CONNECTED DISCONNECTED/NORMAL IDLE$' \
		-sf "$S/uac_sdp.xml" -key caller 5002
	# The INVITE again 34 s into the call, past libre's transaction
	# (which absorbs it, or answers 482 to a merged one, for 32 s after
	# the 200): ktapi-sipd's own 482, still one call.
	SIPP_TIMEOUT=70
	scenario in dup "the INVITE again 34 s later, past its transaction: 482, one call" 0 \
		'^APPNEWCALL OFFERING CONNECTED DISCONNECTED/NORMAL IDLE$' \
		--timeout 80 -- -sf "$S/uac_dup.xml" -key caller 5003
	SIPP_TIMEOUT=30
	has "$W/sipd-c.log" "sipp INVITE again: sipd-c refused it 482" \
		'in 5003->4001: refused 482 '
	# Five re-INVITEs in 32 s: the fifth gets 488, the call goes on.
	scenario in reinvite "five re-INVITEs: 4 answered, the fifth 488, call goes on" 0 \
		'^APPNEWCALL OFFERING CONNECTED DISCONNECTED/NORMAL IDLE$' \
		-sf "$S/uac_reinvite.xml" -key caller 5004
	has "$W/sipd-c.log" "sipp re-INVITEs: sipd-c logs the refused fifth" \
		're-INVITE refused 488 \(more than 4 in 32 s\)'
	# Offers it does not take, refused before any call exists (no
	# application): 488 for a malformed m= line, 415 for a body that is
	# no SDP.
	# shellcheck disable=SC2086 # a list of options
	in_b "$sipp" -sf "$S/uac_badsdp.xml" -key caller 5005 "$IP_A:5070" -s 4001 \
		-i "$IP_B" -p 5090 -timeout "${SIPP_TIMEOUT}s" $SIPP_OPTS \
		>"$W/badsdp.sipp" 2>&1
	sipp_rc=$?
	if [ "$sipp_rc" = 0 ]; then
		pass "sipp offers not taken: 488 and 415 (sipp exit 0)"
	else
		fail "sipp offers not taken: sipp exit $sipp_rc"
		show "$W/badsdp.sipp"
	fi
	has "$W/sipd-c.log" "sipp offers not taken: sipd-c refused the bad m= line 488" \
		'in 5005->4001: refused 488 \(offer not taken\)'
	has "$W/sipd-c.log" "sipp offers not taken: sipd-c refused the text/plain body 415" \
		'in 5005->4001: refused 415 \(body not SDP\)'
else
	fail "sipp scenarios" "sipp: '${sipp:-not found}', device of 4001: '${DEV_C:-none}'"
fi

# --- 5. the end -------------------------------------------------------------------

for d in sipd-a sipd-b sipd-c; do
	pid=$(cat "$W/$d.pid" 2>/dev/null)
	if [ -z "$pid" ] || [ -e "$W/$d.rc" ]; then
		fail "$d: SIGTERM, exit 0" "not running (exit status $(cat "$W/$d.rc" 2>/dev/null))"
		show "$W/$d.log"
		continue
	fi
	kill -TERM "$pid"
	if wait_for 10 test -s "$W/$d.rc" && [ "$(cat "$W/$d.rc")" = 0 ]; then
		pass "$d: SIGTERM, exit 0 ($(stat_of $d closecalls) CLOSECALLs, $(stat_of $d dialogs) dialogs left)"
	else
		fail "$d: SIGTERM, exit 0" "exit status '$(cat "$W/$d.rc" 2>/dev/null)'"
		show "$W/$d.log"
	fi
done
kill "$NSB" 2>/dev/null

got=''
bad=0
for key in files lines_open calls handles events_queued; do
	val=$(cat "$STATS/$key" 2>/dev/null)
	got="$got $key ${val:-missing}"
	[ "$val" = 0 ] || bad=1
done
if [ $bad -eq 0 ]; then
	pass "all files closed:$got"
else
	fail "all files closed" "stats:$got"
fi
check "rmmod ktapi" rmmod ktapi

finish
