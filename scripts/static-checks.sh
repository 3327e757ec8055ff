#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The static checks of "make check" (and "make lint").  Each check is one
# TAP result in OUTDIR/lint.tap; any finding fails it.
#
#   checkpatch   checkpatch.pl --strict (6.1) on module/*.[ch] and
#                uapi/linux/ktapi.h: no error, warning or check
#   W=1 C=2      for each --kdir: the module from scratch with W=1 and sparse
#                on every file (scripts/kbuild-module.sh --lint): no compiler
#                or sparse message
#   cppcheck     userlib/, selftests/, examples/, tools/, providers/,
#                libtapi/src, libtapi/tests/unit, lib and vm (warning, style,
#                performance, portability; inline suppressions honoured;
#                the kernel's kselftest headers are not checked)
#   uapi C/C++   uapi/linux/ktapi.h alone in a C file (gcc -std=c99, 64 and
#                32 bit) and a C++ file (g++), -Wall -Wextra -pedantic -Werror
#
# Usage: scripts/static-checks.sh --out OUTDIR [--ktools KTOOLS]
#            [--kdir KDIR]... [--series SERIES]... [--only CHECK]
#   OUTDIR   logs (OUTDIR/*.log), generated files and OUTDIR/lint.tap
#   KTOOLS   scripts/kernel-tools.sh output (checkpatch.pl, kselftest
#            headers); needed by checkpatch and cppcheck
#   KDIR     a kernel build tree (repeatable), e.g. /usr/src/linux-headers-6.1.0-56-amd64
#   SERIES   a kernel version series (repeatable), e.g. 6.1: the headers
#            scripts/find-kernel.sh finds for it (none found: a failure)
#   CHECK    run only this one: checkpatch, kbuild (W=1 C=2), cppcheck or
#            uapi; the results go to OUTDIR/CHECK.tap instead of lint.tap
#            ("make checkpatch", "make sparse")
# Environment: CC (gcc), CXX (g++), CPPCHECK (cppcheck)
# Exit status: 0 when every check is clean, 1 otherwise.

set -u

usage() {
	echo "usage: $0 --out OUTDIR [--ktools KTOOLS] [--kdir KDIR]... [--series SERIES]... [--only CHECK]" >&2
	exit 2
}

top=$(cd "$(dirname "$0")/.." && pwd)
out='' ktools='' kdirs='' only='' missing=''
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2 ;;
	--ktools) ktools=$2 ;;
	--kdir) kdirs="$kdirs $2" ;;
	--series)
		# find-kernel.sh prints "KREL KDIR IMAGE".
		if k=$("$top/scripts/find-kernel.sh" "$2"); then
			k=${k#* }
			kdirs="$kdirs ${k%% *}"
		else
			missing="$missing $2"
		fi
		;;
	--only)
		case $2 in
		checkpatch | kbuild | cppcheck | uapi) only=$2 ;;
		*) usage ;;
		esac
		;;
	*) usage ;;
	esac
	shift 2 || usage
done
[ -n "$out" ] || usage

# want CHECK: CHECK is to run.
want() {
	[ -z "$only" ] || [ "$only" = "$1" ]
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
# checkpatch and cppcheck need the extracted kernel tools, as an absolute
# path (the checks run from the top of the tree).
need_ktools() {
	[ -n "$ktools" ] || usage
	ktools=$(cd "$ktools" && pwd) || exit 2
}
if want checkpatch || want cppcheck; then
	need_ktools
fi
CC=${CC:-gcc}
CXX=${CXX:-g++}
CPPCHECK=${CPPCHECK:-cppcheck}
tap=$out/${only:-lint}.tap

TAP_DEFER=1
# shellcheck source=scripts/tap.sh
. "$top/scripts/tap.sh"

# result NAME STATUS LOG: one TAP result; on failure the log is shown.
result() {
	if [ "$2" -eq 0 ]; then
		pass "$1"
	else
		fail "$1 (see $3)"
		echo "static-checks: FAILED: $1; findings:" >&2
		sed 's/^/    /' "$3" >&2
	fi
}

cd "$top" || exit 2
start=$(date +%s)

# --- checkpatch ----------------------------------------------------------------

run_checkpatch() {
	# Not module/*.mod.c: Kbuild generates it in module/ (make module).
	files=
	for f in module/*.c module/*.h uapi/linux/ktapi.h; do
		case $f in *.mod.c) continue ;; esac
		[ -f "$f" ] && files="$files $f"
	done
	log=$out/checkpatch.log
	# shellcheck disable=SC2086 # the file list is split on purpose
	"$ktools/checkpatch.pl" --strict --no-tree --terse --show-types -f $files >"$log" 2>&1
	rc=$?
	# The terse report is "FILE:LINE: TYPE:KIND: message" per finding.
	if grep -q -E '(ERROR|WARNING|CHECK):' "$log"; then
		rc=1
	fi
	result "checkpatch --strict module/*.[ch] uapi/linux/ktapi.h" "$rc" "$log"
}
want checkpatch && run_checkpatch

# --- W=1 C=2 module builds -------------------------------------------------------

run_kbuild() {
	for series in $missing; do
		fail "module W=1 C=2 (sparse) against Linux $series: no kernel image with headers found"
	done
	for kdir in $kdirs; do
		krel=$(awk '$2 == "UTS_RELEASE" { gsub(/"/, "", $3); print $3 }' \
			"$kdir/include/generated/utsrelease.h" 2>/dev/null)
		[ -n "$krel" ] || krel=$(basename "$kdir")
		log=$out/kbuild-$krel.log
		"$top/scripts/kbuild-module.sh" --lint "$log" "$kdir" "$out/kbuild/$krel" \
			>/dev/null 2>"$log.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			cat "$log.err" >>"$log"
		fi
		rm -f "$log.err"
		result "module W=1 C=2 (sparse) against $krel" "$rc" "$log"
	done
}
want kbuild && run_kbuild

# --- cppcheck ----------------------------------------------------------------------

run_cppcheck() {
	log=$out/cppcheck.log
	dirs=
	for d in userlib selftests examples tools providers libtapi/src \
		libtapi/tests/unit libtapi/tests/lib libtapi/tests/vm; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# variableScope is not checked: kernel style declares a function's
	# variables at the top of its block, which that check flags everywhere.
	# shellcheck disable=SC2086 # the directory list is split on purpose
	"$CPPCHECK" --quiet --enable=warning,style,performance,portability \
		--error-exitcode=1 --inline-suppr -j "$(nproc 2>/dev/null || echo 1)" \
		-I "$top/uapi" -I "$top/userlib" -I "$ktools" \
		-I "$top/libtapi/src" -I "$top/libtapi/include" \
		--suppress=missingIncludeSystem "--suppress=*:$ktools/*" \
		--suppress=variableScope \
		--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
		$dirs >"$log" 2>&1
	rc=$?
	[ -s "$log" ] && rc=1
	result "cppcheck${dirs}" "$rc" "$log"
}
want cppcheck && run_cppcheck

# --- the uapi header alone, as C and C++ ---------------------------------------

run_uapi() {
	gen=$out/uapi
	mkdir -p "$gen"
	cat >"$gen/uapi.c" <<-'EOF'
	/* Generated by scripts/static-checks.sh: the uapi header alone. */
	#include <linux/ktapi.h>

	int main(void)
	{
		return sizeof(struct ktapi_event) == 0;
	}
	EOF
	cp "$gen/uapi.c" "$gen/uapi.cc"
	log=$out/uapi-c.log
	rc=0
	{
		"$CC" -std=c99 -Wall -Wextra -pedantic -Werror -I uapi -c "$gen/uapi.c" \
			-o "$gen/uapi.o" && echo "C99 64-bit: ok" &&
			"$CC" -m32 -std=c99 -Wall -Wextra -pedantic -Werror -I uapi -c \
				"$gen/uapi.c" -o "$gen/uapi32.o" && echo "C99 32-bit: ok"
	} >"$log" 2>&1 || rc=1
	result "uapi/linux/ktapi.h as C99 (gcc -m64, -m32; -pedantic -Werror)" "$rc" "$log"
	log=$out/uapi-cxx.log
	rc=0
	"$CXX" -Wall -Wextra -pedantic -Werror -I uapi -c "$gen/uapi.cc" \
		-o "$gen/uapi-cc.o" >"$log" 2>&1 || rc=1
	result "uapi/linux/ktapi.h as C++ (g++ -pedantic -Werror)" "$rc" "$log"
}
want uapi && run_uapi

# --- summary ---------------------------------------------------------------------

rc=0
tap_report >"$tap" || rc=1
tail -n 1 "$tap" | sed "s|^# \(.*\)|\1 in $(($(date +%s) - start)) s ($tap)|"
exit $rc
