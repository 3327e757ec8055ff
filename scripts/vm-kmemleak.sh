#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the test VM of "make check-debug", after the tests: ask kmemleak for
# leaks and fail on any.  kmemleak ignores objects younger than about 5 s,
# so this waits 6 s first, then scans twice (an object whose last pointer
# was in flight during the first scan is found by the second) and prints
# /sys/kernel/debug/kmemleak.  Prints one TAP result.
#
# Usage: vm-kmemleak.sh
# Exit status: 0 when kmemleak works and reports no object; 1 otherwise.

KMEMLEAK=/sys/kernel/debug/kmemleak

echo "TAP version 13"
echo "1..1"
if ! grep -qs ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs debugfs /sys/kernel/debug
fi
if [ ! -w "$KMEMLEAK" ]; then
	echo "not ok 1 - kmemleak: no $KMEMLEAK (CONFIG_DEBUG_KMEMLEAK, kmemleak=on)"
	exit 1
fi
sleep 6
for i in 1 2; do
	if ! echo scan >"$KMEMLEAK"; then
		echo "not ok 1 - kmemleak: scan $i failed (kmemleak disabled itself? see dmesg)"
		exit 1
	fi
done
leaks=$(grep -c '^unreferenced object' "$KMEMLEAK")
if [ "$leaks" -eq 0 ]; then
	echo "ok 1 - kmemleak: no unreferenced object"
	exit 0
fi
echo "# kmemleak: $leaks unreferenced object(s):"
sed 's/^/# /' "$KMEMLEAK"
echo "not ok 1 - kmemleak: $leaks unreferenced object(s)"
exit 1
