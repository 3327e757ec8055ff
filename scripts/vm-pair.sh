#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot two QEMU guests at once, A and B, each with scripts/vm-run.sh (its
# own initramfs, work directory, log and verdict), linked by one Ethernet
# segment, and wait for both.
#
# Usage: scripts/vm-pair.sh --dir DIR [OPTIONS] [VM-RUN-OPTIONS...] \
#            -- COMMAND-A COMMAND-B
#
#   --dir DIR        guest A works in DIR/A with console log DIR/A.log,
#                    guest B in DIR/B with DIR/B.log
#   --a OPT          one more vm-run.sh argument for guest A only
#                    (repeatable, e.g. --a --module --a A.ko, or
#                    --a=--bin=FILE)
#   --b OPT          the same for guest B
#   --no-prefix      do not prefix each guest's output with "[A] " / "[B] "
#   VM-RUN-OPTIONS   any other scripts/vm-run.sh option goes to both guests
#                    (--kernel, --kver, --module, --bin, --lib, --timeout,
#                    --mem, -q, ...; --log and --workdir are set here)
#
# COMMAND-A and COMMAND-B are one word each (quote them), run by /bin/sh in
# their guest as vm-run.sh runs its COMMAND.
#
# The network: each guest has one virtio-net NIC, eth0 (the virtio_pci and
# virtio_net modules are loaded by /init: vm-run.sh --kmod), MAC
# 52:54:00:4b:54:0a on A and 52:54:00:4b:54:0b on B, joined by QEMU's
# "-netdev dgram" over a pair of unix datagram sockets (QEMU 7.2; no root,
# no host network: the frames go only from one QEMU to the other).  eth0
# is down and has no address: the commands configure it (busybox "ip addr
# add", "ip link set eth0 up").
# The sockets live in a fresh directory under /tmp (a unix socket path has
# at most 107 bytes), removed on exit.  Start order does not matter: a
# frame sent before the other guest's socket exists is lost, as on a cable
# not yet plugged in.
#
# Each guest runs 1 vCPU unless an --smp is given: two guests at once on a
# 2-core host.  The guests' output goes to stdout as it arrives, each line
# prefixed with its guest's name; vm-run.sh's own messages too.
#
# Exit status: 0 when both vm-run.sh runs exited 0 (their verdicts are the
# last lines of DIR/A.log and DIR/B.log); 1 when either failed; 2 for usage
# or setup errors.  The last line printed is "vm-pair: A ok, B ok" or says
# which guest failed and why.

set -eu

me=vm-pair
top=$(cd "$(dirname "$0")/.." && pwd)
vmrun=$top/scripts/vm-run.sh
NL='
'

die() {
	echo "$me: $*" >&2
	exit 2
}

dir='' aopts='' bopts='' common='' prefix=1 smp_given=0
while [ $# -gt 0 ]; do
	case $1 in
	--)
		shift
		break
		;;
	-h | --help)
		sed -n '4,43s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	--dir=*) dir=${1#*=} ;;
	--dir)
		[ $# -ge 2 ] || die "--dir needs an argument"
		dir=$2
		shift
		;;
	--a=* | --b=*)
		o=${1#--?=}
		case $1 in
		--a=*) aopts="$aopts$o$NL" ;;
		*) bopts="$bopts$o$NL" ;;
		esac
		;;
	--a | --b)
		[ $# -ge 2 ] || die "$1 needs an argument"
		if [ "$1" = --a ]; then aopts="$aopts$2$NL"; else bopts="$bopts$2$NL"; fi
		shift
		;;
	--no-prefix) prefix=0 ;;
	--log | --log=* | --workdir | --workdir=*)
		die "$1 is set by $me (use --dir)"
		;;
	*)
		case $1 in
		--smp | --smp=*) smp_given=1 ;;
		esac
		common="$common$1$NL"
		;;
	esac
	shift
done
[ -n "$dir" ] || die "no --dir given (see --help)"
[ $# -eq 2 ] || die "want two commands after --, one per guest (got $#)"
cmd_a=$1 cmd_b=$2
[ "$smp_given" = 1 ] || common="$common--smp${NL}1$NL"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock=$(mktemp -d /tmp/ktapi-pair.XXXXXX)
pid_a='' pid_b='' pfx_a='' pfx_b=''
# shellcheck disable=SC2317 # called through trap
cleanup() {
	for p in $pid_a $pid_b; do
		kill -TERM "$p" 2>/dev/null || :
	done
	for p in $pid_a $pid_b $pfx_a $pfx_b; do
		wait "$p" 2>/dev/null || :
	done
	rm -rf "$sock"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' HUP TERM

# guest NAME MAC LOCAL REMOTE OPTS COMMAND: start vm-run.sh in the
# background, its output through a fifo to the prefixing filter; sets
# pid_NAME and pfx_NAME.
guest() {
	name=$1 mac=$2 local=$3 remote=$4 opts=$5 cmd=$6
	n=$(printf '%s' "$name" | tr 'AB' 'ab')
	fifo=$sock/$name.out
	mkfifo "$fifo"
	if [ "$prefix" = 1 ]; then
		sed -u "s/^/[$name] /" <"$fifo" &
	else
		cat <"$fifo" &
	fi
	eval "pfx_$n=\$!"
	set -- --log "$dir/$name.log" --workdir "$dir/$name" \
		--kmod virtio_pci --kmod virtio_net \
		--qemu-opt=-netdev \
		--qemu-opt="dgram,id=n0,local.type=unix,local.path=$local,remote.type=unix,remote.path=$remote" \
		--qemu-opt=-device --qemu-opt="virtio-net-pci,netdev=n0,mac=$mac"
	IFS=$NL
	for o in $common $opts; do
		set -- "$@" "$o"
	done
	unset IFS
	rm -f "$dir/$name.log"
	"$vmrun" "$@" -- "$cmd" >"$fifo" 2>&1 &
	eval "pid_$n=\$!"
}

guest A 52:54:00:4b:54:0a "$sock/A.sock" "$sock/B.sock" "$aopts" "$cmd_a"
guest B 52:54:00:4b:54:0b "$sock/B.sock" "$sock/A.sock" "$bopts" "$cmd_b"

rc_a=0 rc_b=0
wait "$pid_a" || rc_a=$?
wait "$pid_b" || rc_b=$?
pid_a='' pid_b=''
wait "$pfx_a" "$pfx_b" 2>/dev/null || :
pfx_a='' pfx_b=''

# verdict NAME RC: "A ok" or "A FAIL (...)", from vm-run.sh's log verdict.
verdict() {
	v=$(grep -a '^KTAPI-VM-VERDICT=' "$dir/$1.log" 2>/dev/null | tail -n 1) || v=
	v=${v#KTAPI-VM-VERDICT=}
	if [ "$2" -eq 0 ]; then
		echo "$1 ok"
	else
		echo "$1 FAIL (vm-run.sh status $2${v:+: $v})"
	fi
}
echo "$me: $(verdict A "$rc_a"), $(verdict B "$rc_b")"
[ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ] || exit 1
exit 0
