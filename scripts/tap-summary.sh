#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Count the TAP results of one or more test runs and print one total.
#
# Each FILE is either
#   - a scripts/vm-run.sh console log: the lines of the command's output
#     (between KTAPI-VM-START and KTAPI-VM-RC=) that begin with "ok" or
#     "not ok", plus one result for the run itself, the KTAPI-VM-VERDICT=
#     line vm-run.sh appends (the command's status, kernel reports, taint);
#   - or a plain TAP file (no KTAPI-VM-START line): all its "ok"/"not ok"
#     lines, e.g. build/lint/lint.tap.
# A result carrying a "# SKIP" directive counts as skipped, not passed.  A
# missing FILE counts as one failure (the run did not happen), and so does
# a VM log without a verdict or without a single passed test.
#
# Prints the failed results, one "FILE: N passed, N failed, N skipped" line
# per FILE, and last a line "N passed, N failed" over all of them.
#
# Usage: scripts/tap-summary.sh FILE...
# Exit status: 0 when nothing failed and at least one test passed; else 1.

set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 FILE..." >&2
	exit 2
fi

tpass=0 tfail=0 tskip=0
for f in "$@"; do
	if [ ! -f "$f" ]; then
		echo "FAILED: $f: no such file (the run did not happen)"
		echo "$f: 0 passed, 1 failed, 0 skipped"
		tfail=$((tfail + 1))
		continue
	fi
	# The last line of the awk output is "PASS FAIL SKIP".
	out=$(awk -v name="$f" '
	/^KTAPI-VM-START$/ { vm = 1; on = 1; next }
	/KTAPI-VM-RC=/ { on = 0 }
	/^KTAPI-VM-VERDICT=/ {
		verdict = substr($0, 18)
		next
	}
	vm && !on { next }
	/^(not )?ok([ \t]|$)/ {
		if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
			skip++
		else if ($0 ~ /^not ok/) {
			fail++
			print "FAILED: " name ": " $0
		} else
			pass++
	}
	END {
		if (vm) {
			if (pass == 0) {
				fail++
				print "FAILED: " name ": no test passed"
			}
			if (verdict == "ok")
				pass++
			else {
				fail++
				if (verdict == "")
					verdict = "no verdict: the VM run did not finish"
				print "FAILED: " name ": VM run: " verdict
			}
		}
		printf "%d %d %d\n", pass, fail, skip
	}' "$f")
	counts=$(printf '%s\n' "$out" | tail -n 1)
	printf '%s\n' "$out" | sed '$d'
	p=${counts%% *}
	s=${counts##* }
	n=${counts#* }
	n=${n%% *}
	echo "$f: $p passed, $n failed, $s skipped"
	tpass=$((tpass + p))
	tfail=$((tfail + n))
	tskip=$((tskip + s))
done
[ "$tskip" -eq 0 ] || echo "$tskip skipped"
echo "$tpass passed, $tfail failed"
[ "$tfail" -eq 0 ] && [ "$tpass" -gt 0 ]
