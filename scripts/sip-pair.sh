#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One SIP call between two QEMU guests (make demo-sip, and the two-guest
# call of make check): scripts/vm-pair.sh boots guest A and guest B, each
# with ktapi loaded and its own ktapi-sipd, on one Ethernet segment:
#
#   A  10.77.0.1  line 1001, peer 10.77.0.2  ktapictl call DEVICE 2001
#   B  10.77.0.2  line 2001, peer 10.77.0.1  ktapictl answer DEVICE --hold 3
#
# (scripts/sip-pair-guest.sh is each guest's side).  B answers, holds the
# call 3 s and hangs up; A sees the BYE.  Both guests' output is printed as
# it arrives, prefixed "[A] " and "[B] ".  Then the results, as TAP
# (scripts/tap.sh) in FILE and on stdout:
#   - both guests' vm-run.sh verdicts (command status, kernel reports);
#   - both daemons ready with their line;
#   - A: make_call 1001 -> 2001, then CALLSTATE DIALING, RINGBACK,
#     CONNECTED, DISCONNECTED/NORMAL, IDLE in this order (others may come
#     between), the handle deallocated, ktapictl call's status 0;
#   - B: APPNEWCALL OFFERING caller=1001 called=2001, then CONNECTED and
#     IDLE, the handle deallocated, ktapictl answer's status 0;
#   - the daemons' counters once the handles are gone: A sent one INVITE,
#     B received one, each had one CLOSECALL, and both have 0 dialogs and 0
#     calls; each logged the call; each exited 0 on SIGTERM.
#
# Usage: scripts/sip-pair.sh --out O --dir DIR [--tap FILE]
#            (--series S | --kernel IMAGE --kver RELEASE --module KO)
#            [-- VM-RUN-OPTIONS...]
#
#   --out O        the build directory: O/tools/ktapictl,
#                  O/providers/ktapi-sipd, O/userlib/libktapi.so*
#   --dir DIR      the guests' work directories and logs (DIR/A.log,
#                  DIR/B.log; scripts/vm-pair.sh --dir)
#   --tap FILE     the TAP results (default DIR/sip-pair.tap)
#   --series S     boot the newest installed Debian kernel of series S
#                  (scripts/find-kernel.sh) with the module built against
#                  its headers into O/kbuild/RELEASE, O/ko/RELEASE/ktapi.ko
#                  (scripts/kbuild-module.sh: what scripts/vm-check.sh does)
#   --kernel, --kver, --module   or boot IMAGE with the module KO
#   VM-RUN-OPTIONS for both guests (scripts/vm-run.sh; default
#                  --timeout 300)
#
# Exit status: 0 when every result passed; 1 otherwise; 2 for usage errors.
# The last line is "sip-pair: OK, N passed (S s)" or "sip-pair: FAILED, ...".

set -u

me=sip-pair
top=$(cd "$(dirname "$0")/.." && pwd)
s=$top/scripts

usage() {
	echo "usage: $0 --out O --dir DIR [--tap FILE] (--series S | --kernel IMAGE --kver RELEASE --module KO) [-- VM-RUN-OPTIONS...]" >&2
	exit 2
}

out='' dir='' tap='' series='' kernel='' kver='' ko=''
while [ $# -gt 0 ]; do
	case $1 in
	--) shift; break ;;
	-h | --help) sed -n '4,45s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--out) out=${2-} ;;
	--dir) dir=${2-} ;;
	--tap) tap=${2-} ;;
	--series) series=${2-} ;;
	--kernel) kernel=${2-} ;;
	--kver) kver=${2-} ;;
	--module) ko=${2-} ;;
	*) usage ;;
	esac
	[ $# -ge 2 ] || usage
	shift 2
done
if [ -z "$out" ] || [ -z "$dir" ]; then usage; fi
if [ -n "$series" ]; then
	[ -z "$kernel$kver$ko" ] || usage
else
	if [ -z "$kernel" ] || [ -z "$kver" ] || [ -z "$ko" ]; then usage; fi
fi
mkdir -p "$dir" || exit 2
dir=$(cd "$dir" && pwd)
tap=${tap:-$dir/sip-pair.tap}
mkdir -p "$(dirname "$tap")" || exit 2
rm -f "$tap" "$dir/A.log" "$dir/B.log"
start=$(date +%s)

# The VM runs; a setup failure leaves no guest log, which the results
# below count as failures.
setup_err=
if [ -n "$series" ]; then
	if found=$("$s/find-kernel.sh" "$series"); then
		# shellcheck disable=SC2086 # KREL KDIR IMAGE
		set -- $found "$@"
		kver=$1 kernel=$3
		ko=$out/ko/$kver/ktapi.ko
		"$s/kbuild-module.sh" "$2" "$out/kbuild/$kver" "$ko" ||
			setup_err="the module did not build against $2"
		shift 3
	else
		setup_err="no installed kernel of series $series"
	fi
fi
sipd=$out/providers/ktapi-sipd
for f in "$out/tools/ktapictl" "$sipd"; do
	[ -x "$f" ] || setup_err="${setup_err:+$setup_err; }$f is missing (make all)"
done
if [ -n "$setup_err" ]; then
	echo "$me: $setup_err" >&2
else
	echo "== $me: Linux $kver, guests A (line 1001) and B (line 2001), logs $dir/A.log, $dir/B.log"
	libs=
	for f in "$out"/userlib/libktapi.so*; do
		[ -e "$f" ] && libs="$libs --lib $f"
	done
	# shellcheck disable=SC2086 # libs is a list of options
	"$s/vm-pair.sh" --dir "$dir" --kernel "$kernel" --kver "$kver" --module "$ko" \
		--timeout 300 --bin "$out/tools/ktapictl" --bin "$sipd" \
		--bin "$s/sip-pair-guest.sh" $libs "$@" -- \
		'sip-pair-guest.sh call 10.77.0.1 10.77.0.2 1001 2001' \
		'sip-pair-guest.sh answer 10.77.0.2 10.77.0.1 2001'
fi

# --- results ---------------------------------------------------------------

# cmd_out NAME: the command's output in guest NAME's console log.
cmd_out() {
	awk '/^KTAPI-VM-START$/ { on = 1; next } /KTAPI-VM-RC=/ { on = 0 } on' \
		"$dir/$1.log" 2>/dev/null
}

# handle_of NAME REGEX: the handle= of the first line of NAME's output
# matching REGEX.
handle_of() {
	cmd_out "$1" | grep -E -e "$2" | head -n 1 | sed -n 's/.* handle=\([0-9]*\) .*/\1/p'
}

# in_order NAME DESC HANDLE REGEX...: the CALLSTATE lines of HANDLE in
# NAME's output match the REGEXes in this order (other lines between).
in_order() {
	name=$1 desc=$2 h=$3
	shift 3
	cmd_out "$name" | grep -E "^\[ *[0-9.]+\] CALLSTATE +handle=$h " >"$T/states"
	missing=$(awk -v pats="$*" '
		BEGIN { n = split(pats, p, " "); i = 1 }
		i <= n && $0 ~ p[i] { i++ }
		END { if (i <= n) print p[i] }' "$T/states")
	if [ -n "$h" ] && [ -s "$T/states" ] && [ -z "$missing" ]; then
		pass "$desc"
	else
		fail "$desc: ${missing:-no CALLSTATE of handle \"$h\"} not found in order; the states:"
		show "$T/states"
	fi
}

# out_has NAME DESC REGEX: a line of NAME's output matches REGEX.
out_has() {
	cmd_out "$1" >"$T/out.$1"
	has "$T/out.$1" "$2" "$3"
}

# stat_is NAME KEY VALUE: the daemon's counter KEY (its last
# "SIP-PAIR: stats" line) is VALUE.
stat_is() {
	v=$(cmd_out "$1" | sed -n 's/^SIP-PAIR: stats //p' | tail -n 1 |
		awk -v k="$2" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }')
	if [ "$v" = "$3" ]; then
		pass "$1: ktapi-sipd's $2 is $v"
	else
		fail "$1: ktapi-sipd's $2 is '${v:-missing}', want $3"
	fi
}

verdict() {
	v=$(grep -a '^KTAPI-VM-VERDICT=' "$dir/$1.log" 2>/dev/null | tail -n 1)
	if [ "$v" = KTAPI-VM-VERDICT=ok ]; then
		pass "$1: guest run ok (command status 0, no kernel report)"
	else
		fail "$1: guest run: ${v:-no verdict (the guest did not run or finish)}"
	fi
}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ts='^\[ *[0-9.]+\] '
(
	TAP_NAME=$me
	# shellcheck source=scripts/tap.sh
	. "$s/tap.sh"
	if [ -z "$setup_err" ]; then
		pass "setup: Linux $kver, the module, ktapictl and ktapi-sipd"
	else
		fail "setup: $setup_err"
	fi
	verdict A
	verdict B
	out_has A "A: ktapi-sipd ready with line 1001" 'ktapi-sipd: ready .*lines=1001:[0-9]+'
	out_has B "B: ktapi-sipd ready with line 2001" 'ktapi-sipd: ready .*lines=2001:[0-9]+'

	out_has A "A: make_call from 1001 to 2001" "${ts}make_call +handle=[0-9]+ .*from=1001 to=2001"
	h=$(handle_of A "${ts}make_call ")
	in_order A "A: DIALING, RINGBACK, CONNECTED, DISCONNECTED/NORMAL, IDLE" "$h" \
		'state=DIALING' 'state=RINGBACK' 'state=CONNECTED' \
		'state=DISCONNECTED.mode=NORMAL' 'state=IDLE'
	out_has A "A: the call's handle deallocated" "${ts}deallocate +handle=${h:-none} "
	out_has A "A: ktapictl call exited 0" '^SIP-PAIR: app-rc 0$'

	out_has B "B: APPNEWCALL OFFERING from 1001 to 2001" \
		"${ts}APPNEWCALL +handle=[0-9]+ .*state=OFFERING .*privilege=OWNER .*caller=1001 called=2001"
	h=$(handle_of B "${ts}APPNEWCALL .*privilege=OWNER")
	out_has B "B: the call answered" "${ts}answer +handle=${h:-none} "
	in_order B "B: CONNECTED, IDLE" "$h" 'state=CONNECTED' 'state=IDLE'
	out_has B "B: the call's handle deallocated" "${ts}deallocate +handle=${h:-none} "
	out_has B "B: ktapictl answer exited 0" '^SIP-PAIR: app-rc 0$'

	stat_is A invites_out 1
	stat_is B invites_in 1
	for g in A B; do
		stat_is $g closecalls 1
		stat_is $g dialogs 0
		stat_is $g calls 0
	done
	out_has A "A: ktapi-sipd logged the outgoing call" 'ktapi-sipd: call .* out 1001->2001: '
	out_has B "B: ktapi-sipd logged the incoming call" 'ktapi-sipd: call .* in 1001->2001: '
	out_has A "A: ktapi-sipd exited 0 on SIGTERM" '^SIP-PAIR: daemon-rc 0$'
	out_has B "B: ktapi-sipd exited 0 on SIGTERM" '^SIP-PAIR: daemon-rc 0$'
	tap_report
) >"$tap"
rc=$?

echo "== $me: results ($tap)"
grep -E '^(not )?ok |^#' "$tap"
secs=$(($(date +%s) - start))
npass=$(grep -c '^ok ' "$tap")
nfail=$(grep -c '^not ok ' "$tap")
if [ "$rc" -eq 0 ]; then
	echo "$me: OK, $npass passed ($secs s)"
	exit 0
fi
echo "$me: FAILED, $nfail of $((npass + nfail)) failed ($secs s); logs $dir/A.log, $dir/B.log"
exit 1
