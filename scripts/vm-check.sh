#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VM runs of "make check" and "make check-debug", and their TAP summary.
#
#   scripts/vm-check.sh --out O [--timeout S] [--tap FILE]... SERIES... [-- VM-OPTS]
#       for each kernel series (e.g. 6.1 6.12): the newest installed Debian
#       kernel of it with image and headers (scripts/find-kernel.sh), the
#       module built against its headers in O/kbuild/KREL
#       (scripts/kbuild-module.sh; module/ is not touched) and copied to
#       O/ko/KREL/ktapi.ko, then run_vm_tests.sh in a VM booting that
#       kernel, log O/vm/check-SERIES.log; then a second boot of that
#       kernel for the SIP tests (tests/sip/sip_vm_test.sh: two network
#       namespaces joined by a veth pair, ktapi-sipd daemons, sip_call and
#       sipp), log O/vm/check-sip-SERIES.log;
#   scripts/vm-check.sh --out O --debug DIR [--timeout S] [-- VM-OPTS]
#       the same on the debug kernel of scripts/debug-kernel.sh in DIR, with
#       KTAPI_DEBUG=1 and a kmemleak scan before and after the tests
#       (scripts/vm-kmemleak.sh), log O/vm/check-debug.log.  No SIP tests:
#       the debug kernel is built without networking.
#
# Then scripts/tap-summary.sh over the --tap FILEs (the static checks, the
# host tests) and the logs; its last line is "N passed, N failed".
#
#   O        the build directory: O/selftests, O/userlib, O/tools and
#            O/tapitests/bin hold the programs the VM gets (vm-run.sh
#            --bin), O/userlib and O/tapitests/lib the libraries (--lib);
#            the SIP boot gets O/sip/sip_call,
#            O/providers/ktapi-sipd and sipp (each missing one is a failed
#            test in the VM, not a skip)
#   S        vm-run.sh --timeout (default 600)
#   VM-OPTS  more options for scripts/vm-run.sh (e.g. --mem 2048)
#
# Exit status: 0 when every run and the summary passed, 1 otherwise.

set -u

usage() {
	echo "usage: $0 --out O [--timeout S] [--tap FILE]... [--debug DIR] [SERIES...] [-- VM-OPTS]" >&2
	exit 2
}

top=$(cd "$(dirname "$0")/.." && pwd)
s=$top/scripts
out='' timeout=600 taps='' debug='' series=''
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--tap) taps="$taps $2"; shift ;;
	--debug) debug=$2; shift ;;
	--) shift; break ;;
	-*) usage ;;
	*) series="$series $1" ;;
	esac
	shift || usage
done
[ -n "$out" ] || usage
[ -n "$debug" ] || [ -n "$series" ] || usage
vmdir=$out/vm

# What the VM gets: every program of O/selftests (the kselftests and
# run_vm_tests.sh), libktapi's test, ktapictl and its VM test, the TAPI
# programs of O/tapitests/bin (make tapitests: tapi_vm_test.sh and what it
# runs), libtapi's own VM programs (O/libtapi/lt_* and lt_vm_test.sh),
# the TAP writer, the udev rule and udevadm; the libraries
# (libktapi, and the installed libtapi of O/tapitests/lib).
bins=
for f in "$out"/selftests/* "$out/userlib/libktapi_test" "$out/tools/ktapictl" \
	"$top/tools/ktapictl_vm_test.sh" "$out"/tapitests/bin/* "$out"/libtapi/lt_* \
	"$top/libtapi/tests/lib/lt_vm_test.sh"; do
	if [ -f "$f" ] && [ -x "$f" ]; then bins="$bins --bin $f"; fi
done
for f in "$s/tap.sh" "$top/udev/60-ktapi.rules" $(command -v udevadm); do
	bins="$bins --bin $f"
done
for f in "$out"/userlib/libktapi.so* "$out"/tapitests/lib/libtapi.so*; do
	[ -e "$f" ] && bins="$bins --lib $f"
done

# The SIP boot's programs: the test script and its scenarios, sip_call,
# the daemon, sipp (its shared libraries come along), ktapictl, the TAP
# writer; the library.
sipbins=
for f in "$top"/tests/sip/sip_vm_test.sh "$top"/tests/sip/*.xml "$out/sip/sip_call" \
	"$out/providers/ktapi-sipd" $(command -v sipp) "$out/tools/ktapictl" "$s/tap.sh" \
	"$out"/userlib/libktapi.so*; do
	[ -f "$f" ] || continue
	case $f in
	*.so*) sipbins="$sipbins --lib $f" ;;
	*) sipbins="$sipbins --bin $f" ;;
	esac
done
# Three daemons, sipp and the tests in one guest: well inside 3 minutes.
sip_timeout=300

# vm KREL KO LOG BINS VM-RUN-ARGS... -- COMMAND: one VM run of the tests,
# with the programs of BINS (vm-run.sh options).
vm() {
	krel=$1 ko=$2 log=$3 vbins=$4
	shift 4
	# shellcheck disable=SC2086 # vbins is a list of options
	"$s/vm-run.sh" --kver "$krel" --module "$ko" $vbins --log "$log" "$@"
}

rc=0
if [ -n "$debug" ]; then
	rm -f "$vmdir/check-debug.log"
	krel=$(cat "$debug/kernelrelease") || exit 1
	echo "== debug kernel $krel ($debug/bzImage)"
	ko=$out/ko/$krel/ktapi.ko
	if "$s/kbuild-module.sh" "$debug/src" "$out/kbuild/$krel" "$ko"; then
		# shellcheck disable=SC2016 # expanded in the VM
		vm "$krel" "$ko" "$vmdir/check-debug.log" "$bins" --timeout "$timeout" \
			--kernel "$debug/bzImage" --bin "$s/vm-kmemleak.sh" "$@" -- \
			'vm-kmemleak.sh baseline; KTAPI_DEBUG=1 run_vm_tests.sh; rc=$?;' \
			'vm-kmemleak.sh check || rc=1; exit $rc' || rc=1
	else
		rc=1
	fi
	echo "== TAP summary (debug kernel $krel)"
	# shellcheck disable=SC2086 # taps is a list of files
	"$s/tap-summary.sh" $taps "$vmdir/check-debug.log" || rc=1
	exit $rc
fi

logs=
for k in $series; do
	rm -f "$vmdir/check-$k.log" "$vmdir/check-sip-$k.log"
	logs="$logs $vmdir/check-$k.log $vmdir/check-sip-$k.log"
done
for k in $series; do
	echo "== Linux $k"
	found=$("$s/find-kernel.sh" "$k") || { rc=1; continue; }
	# shellcheck disable=SC2086 # KREL KDIR IMAGE
	set -- $found "$@"
	krel=$1 kdir=$2 image=$3
	shift 3
	echo "== Linux $k: $krel, headers $kdir, image $image"
	ko=$out/ko/$krel/ktapi.ko
	"$s/kbuild-module.sh" "$kdir" "$out/kbuild/$krel" "$ko" || { rc=1; continue; }
	# QEMU 7.2's multi-threaded TCG, running a 6.12 guest's 32-bit
	# programs (ktapi_stress32), raises spurious #DB and int3 exceptions
	# in the guest kernel with EFLAGS no CPU can hold (bits 22-31 set)
	# and then corrupts its slab lists, in about half the runs of 8 s.
	# The same module and program run clean with the vCPUs taking turns
	# on one host thread (0 of 6), on one vCPU (0 of 4) and on 6.1
	# under either: 6.12 runs its two vCPUs single-threaded.
	accel=tcg
	case $k in 6.12*) accel=tcg,thread=single ;; esac
	vm "$krel" "$ko" "$vmdir/check-$k.log" "$bins" --timeout "$timeout" \
		--kernel "$image" --accel "$accel" "$@" -- run_vm_tests.sh || rc=1
	echo "== Linux $k: the SIP tests (veth, ktapi-sipd, sipp)"
	vm "$krel" "$ko" "$vmdir/check-sip-$k.log" "$sipbins" --timeout "$sip_timeout" \
		--kmod veth --kernel "$image" --accel "$accel" "$@" -- sip_vm_test.sh || rc=1
done
echo "== TAP summary (static checks; Linux$series)"
# shellcheck disable=SC2086 # lists of files
"$s/tap-summary.sh" $taps $logs || rc=1
exit $rc
