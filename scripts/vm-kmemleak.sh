#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak in the test VM of "make check-debug" (debug kernel).
#
#   vm-kmemleak.sh baseline   before the tests, before ktapi is loaded:
#                             scan, and mark what is reported then as not
#                             leaks ("clear"), so that only what leaks from
#                             now on counts.  Listed as "# baseline:" lines.
#   vm-kmemleak.sh [check]    after the tests (and rmmod): scan and fail on
#                             any unreferenced object, printing one TAP
#                             result and the objects.
#
# The kernel leaves a few objects of its own boot unreferenced (with ACPI:
# the kmem_cache structs of acpi_os_create_cache()), and some of them are
# only reported late, once they stop changing.  Objects allocated while the
# kernel booted, i.e. with start_kernel or kernel_init_freeable in their
# backtrace, cannot be ktapi's: they are listed as "# boot object:" lines
# and not counted.  Every other unreferenced object fails the check.
#
# kmemleak ignores objects younger than about 5 s, so both modes wait 6 s
# first, and it reports an object only when two scans in a row found it
# unreferenced and unchanged (the first scan of an object records its
# checksum), so both scan twice.  The console is kept quiet during the
# scans (the kernel's "N new suspected memory leaks" would fail the run in
# scripts/vm-run.sh even for boot objects); the verdict is this script's.
#
# Exit status: 0 when kmemleak works and (check) reports no object; else 1.

KMEMLEAK=/sys/kernel/debug/kmemleak
mode=${1:-check}

case $mode in
baseline | check) ;;
*)
	echo "usage: $0 [baseline|check]" >&2
	exit 2
	;;
esac

if ! grep -qs ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs debugfs /sys/kernel/debug
fi

# check: one TAP result (scripts/tap.sh, next to this script in the VM).
if [ "$mode" = check ]; then
	here=$(dirname "$0")
	for tap in "$here/tap.sh" "$here/../scripts/tap.sh"; do
		[ -f "$tap" ] && break
	done
	# shellcheck source=scripts/tap.sh
	. "$tap"
fi

# die MESSAGE: the check's "not ok", or the baseline's comment; exit 1
die() {
	if [ "$mode" = baseline ]; then
		echo "# kmemleak: baseline: $1"
		exit 1
	fi
	fail "kmemleak: $1"
	finish
}

[ -w "$KMEMLEAK" ] || die "no $KMEMLEAK (CONFIG_DEBUG_KMEMLEAK, kmemleak=on)"

sleep 6
level=$(cut -f 1 /proc/sys/kernel/printk)
echo 4 >/proc/sys/kernel/printk
rc=0
echo scan >"$KMEMLEAK" && echo scan >"$KMEMLEAK" || rc=1
report=$(cat "$KMEMLEAK")
[ "$mode" = check ] || echo clear >"$KMEMLEAK" || rc=1
echo "$level" >/proc/sys/kernel/printk
[ "$rc" -eq 0 ] || die "scan failed (kmemleak disabled itself? see dmesg)"

if [ "$mode" = baseline ]; then
	n=$(printf '%s\n' "$report" | grep -c '^unreferenced object')
	echo "# kmemleak: baseline: $n object(s) unreferenced before the tests, not counted"
	[ "$n" -eq 0 ] || printf '%s\n' "$report" | grep '^unreferenced object' |
		sed 's/^/# baseline: /'
	exit 0
fi

# One record per object: "unreferenced object ..." up to the next one.
# Boot objects get one line "# boot object: unreferenced object ...", the
# others are printed whole with "# "; the last line is the number of the
# others.
out=$(printf '%s\n' "$report" | awk '
	function flush() {
		if (rec == "")
			return
		if (rec ~ /(start_kernel|kernel_init_freeable)\+/) {
			sub(/\n.*/, "", rec)
			print "# boot object: " rec
		} else {
			gsub(/\n/, "\n# ", rec)
			print "# " rec
			leaks++
		}
		rec = ""
	}
	/^unreferenced object/ { flush(); rec = $0; next }
	rec != "" { rec = rec "\n" $0 }
	END { flush(); print leaks + 0 }')
leaks=$(printf '%s\n' "$out" | tail -n 1)
printf '%s\n' "$out" | sed '$d'
if [ "$leaks" -eq 0 ]; then
	pass "kmemleak: no unreferenced object"
else
	fail "kmemleak: $leaks unreferenced object(s)"
fi
finish
