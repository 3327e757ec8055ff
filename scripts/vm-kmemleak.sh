#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak in the test VM of "make check-debug" (debug kernel).
#
#   vm-kmemleak.sh baseline   before the tests, before ktapi is loaded:
#                             scan, and mark what is reported then as not
#                             leaks ("clear"), so that only what leaks from
#                             now on counts.  The kernel leaves a few
#                             objects of its own boot unreferenced (e.g.
#                             ACPI's kmem caches); they are listed as "#"
#                             comments.  The console is kept quiet for the
#                             scan, whose "N new suspected memory leaks"
#                             would otherwise fail the run.
#   vm-kmemleak.sh [check]    after the tests (and rmmod): scan and fail on
#                             any unreferenced object, printing one TAP
#                             result and /sys/kernel/debug/kmemleak.
#
# kmemleak ignores objects younger than about 5 s, so both wait 6 s first,
# and it reports an object only when two scans in a row found it
# unreferenced and unchanged (the first scan of an object records its
# checksum), so both scan twice.
#
# Exit status: 0 when kmemleak works and (check) reports no object; else 1.

KMEMLEAK=/sys/kernel/debug/kmemleak
mode=${1:-check}

if ! grep -qs ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs debugfs /sys/kernel/debug
fi

# scan: one "scan" write; 1 (and a message) when kmemleak refuses it
scan() {
	if ! echo scan >"$KMEMLEAK"; then
		echo "# kmemleak: scan failed (kmemleak disabled itself? see dmesg)"
		return 1
	fi
}

count() {
	grep -c '^unreferenced object' "$KMEMLEAK"
}

case $mode in
baseline)
	if [ ! -w "$KMEMLEAK" ]; then
		echo "# kmemleak: no $KMEMLEAK (CONFIG_DEBUG_KMEMLEAK, kmemleak=on)"
		exit 1
	fi
	sleep 6
	level=$(cut -f 1 /proc/sys/kernel/printk)
	echo 4 >/proc/sys/kernel/printk
	rc=0
	scan || rc=1
	scan || rc=1
	n=$(count)
	list=$(cat "$KMEMLEAK")
	echo clear >"$KMEMLEAK" || rc=1
	echo "$level" >/proc/sys/kernel/printk
	echo "# kmemleak: baseline: $n object(s) unreferenced before the tests, not counted"
	[ "$n" -eq 0 ] || printf '%s\n' "$list" | sed 's/^/# baseline: /'
	exit $rc
	;;
check) ;;
*)
	echo "usage: $0 [baseline|check]" >&2
	exit 2
	;;
esac

echo "TAP version 13"
echo "1..1"
if [ ! -w "$KMEMLEAK" ]; then
	echo "not ok 1 - kmemleak: no $KMEMLEAK (CONFIG_DEBUG_KMEMLEAK, kmemleak=on)"
	exit 1
fi
sleep 6
if ! scan || ! scan; then
	echo "not ok 1 - kmemleak: scan failed"
	exit 1
fi
leaks=$(count)
if [ "$leaks" -eq 0 ]; then
	echo "ok 1 - kmemleak: no unreferenced object"
	exit 0
fi
echo "# kmemleak: $leaks unreferenced object(s):"
sed 's/^/# /' "$KMEMLEAK"
echo "not ok 1 - kmemleak: $leaks unreferenced object(s)"
exit 1
