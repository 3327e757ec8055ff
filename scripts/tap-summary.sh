#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Count the TAP results in a scripts/vm-run.sh console log: the lines of the
# command's output (between KTAPI-VM-START and KTAPI-VM-RC=) that begin
# with "ok" or "not ok".  A result carrying a "# SKIP" directive counts as
# skipped, not passed.  Prints the failed results, the skip count, and last
# a line "N passed, N failed".
#
# Usage: scripts/tap-summary.sh LOG
# Exit status: 0 when nothing failed and at least one test passed; else 1.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 LOG" >&2
	exit 2
fi
log=$1

if [ ! -f "$log" ]; then
	echo "tap-summary: no log $log (the tests did not run)" >&2
	echo "0 passed, 0 failed"
	exit 1
fi

awk '
/^KTAPI-VM-START$/ { on = 1; next }
/KTAPI-VM-RC=/ { on = 0 }
!on { next }
/^(not )?ok([ \t]|$)/ {
	if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
		skip++
	else if ($0 ~ /^not ok/) {
		fail++
		failed[fail] = $0
	} else
		pass++
}
END {
	for (i = 1; i <= fail; i++)
		print "FAILED: " failed[i]
	printf "%d skipped\n", skip
	printf "%d passed, %d failed\n", pass, fail
	exit (fail > 0 || pass == 0) ? 1 : 0
}' "$log"
