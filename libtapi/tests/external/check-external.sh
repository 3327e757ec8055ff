#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-external.sh: issue 13's acceptance check, on programs that are not
# in this repository.  Each DIR holds one Windows TAPI program's sources
# (never committed here: third-party files).  Every translation unit of it
# that uses TAPI is compiled against libtapi's headers exactly as a user
# would (cc -c $(pkg-config --cflags libtapi), as C, and as C++ too for a
# .c file), and against mingw-w64's headers as Windows code (Win64: the
# reference); every error that libtapi's build has and Windows' has not is
# classified:
#
#   a  a TAPI name (one of mingw-w64's tapi.h) that our tapi.h lacks, or
#      an error inside our tapi.h, or <tapi.h> not found as the program
#      spells it: a bug of libtapi/include
#   b  a Win32 base name that our windows.h lacks (mingw-w64 defines it,
#      not in tapi.h, and not-base.txt does not list it), or an error
#      inside our windows.h, or <windows.h> not found as spelt: a bug
#   c  a name or header that not-base.txt lists (GUI, COM, registry,
#      kernel32 services, MSVC's runtime, MFC): out of libtapi's scope;
#      also an error inside the C library's headers (the program redefines
#      one of its names the way MSVC's runtime spells it)
#   x  no name explains it (a type or layout that differs?): to be looked
#      at by hand, one by one (libtapi/README.md records the verdicts)
#
# An error on a line that declares something with a class c type makes
# the errors that use the names declared there class c as well ("after:").
#
# Errors on a line where the Windows build fails too (and not for a name
# that only our headers lack) are the program's own (counted "win64").
# Headers that neither side has (MFC's, a test framework's) are empty
# stubs on both sides, so that compiling goes on; a header that Windows has
# and libtapi not is an empty stub on libtapi's side only (its names then
# show up as a/b/c).  Headers are found as on Windows: case-insensitively
# and with backslashes, in DIR (all of DIR's folders but those holding
# their own tapi.h or windows.h are include folders, after libtapi's).
#
# DIR/.check-flags, if there, holds extra preprocessor flags for both
# sides (the program's own -D options from its project file).
#
# Usage: check-external.sh [-v] DIR...
#   -v  print the list of class a, b and x errors even when it is empty
# Prints a table (program, TUs, errors, win64, a, b, c, x) and the class c
# names; the details of every error are in WORKDIR/details.txt.  Exit
# status: 0 when no program has a class a or b error.
# Environment: LIBTAPI_CFLAGS (default: pkg-config --cflags libtapi when
# installed, else -I of libtapi/include in this tree), CC, CXX (cc, c++),
# MINGW_CC, MINGW_CXX (x86_64-w64-mingw32-gcc, -g++), WORKDIR (default a
# temporary folder, removed at the end).
#
# It needs the programs' sources, fetched from the network: it is a tool
# with a recorded result (libtapi/README.md), not part of make check.

set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
INC=$TOP/libtapi/include
MINGW_INC=${MINGW_INC:-/usr/share/mingw-w64/include}
NOT_BASE=$HERE/not-base.txt
CC=${CC:-cc}
CXX=${CXX:-c++}
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
MINGW_CXX=${MINGW_CXX:-x86_64-w64-mingw32-g++}

verbose=0
if [ "${1-}" = -v ]; then
	verbose=1
	shift
fi
if [ $# -eq 0 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '4,49s/^# \{0,1\}//p' "$0"
	[ $# -eq 0 ] && exit 2
	exit 0
fi

for t in "$CC" "$CXX" "$MINGW_CC" "$MINGW_CXX"; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "check-external: $t is not installed (scripts/install-deps.sh)" >&2
		exit 2
	fi
done
if [ ! -f "$MINGW_INC/tapi.h" ]; then
	echo "check-external: no $MINGW_INC/tapi.h (mingw-w64-common)" >&2
	exit 2
fi

if [ -z "${LIBTAPI_CFLAGS+set}" ]; then
	if pkg-config --exists libtapi 2>/dev/null; then
		LIBTAPI_CFLAGS=$(pkg-config --cflags libtapi)
	else
		LIBTAPI_CFLAGS="-I$INC"
	fi
fi
# The folder our headers are in, to tell errors inside them.
OUR_INC=$(for f in $LIBTAPI_CFLAGS; do
	case $f in -I*) d=${f#-I}; [ -f "$d/tapi.h" ] && cd "$d" && pwd ;; esac
done | head -n 1)
[ -n "$OUR_INC" ] || OUR_INC=$INC

if [ -n "${WORKDIR-}" ]; then
	W=$WORKDIR
	mkdir -p "$W" || exit 2
else
	W=$(mktemp -d) || exit 2
	trap 'rm -rf "$W"' EXIT
fi
W=$(cd "$W" && pwd)
: >"$W/details.txt"
: >"$W/table.txt"

# What marks a translation unit that uses TAPI: it includes tapi.h or
# calls one of TAPI's common functions.
TAPI_RE='#[[:space:]]*include[[:space:]]*[<"]([^">]*[/\\])?[Tt][Aa][Pp][Ii]\.[Hh][">]|\<line(Initialize(Ex)?|Open|MakeCall|Answer|Drop|Shutdown|GetDevCaps|NegotiateAPIVersion|GetCallInfo|GetCallStatus|GetMessage|DeallocateCall)[AW]?[[:space:]]*\('
# Errors at the line of the program that expands a macro, not inside the
# header that defines it (-ftrack-macro-expansion=0): the two sides' headers
# differ, the program's line is the same.
CFLAGS_C='-x c -fsyntax-only -fmax-errors=0 -fdiagnostics-plain-output
-ftrack-macro-expansion=0 -fno-diagnostics-show-caret -Werror=implicit-function-declaration
-Werror=implicit-int -Werror=int-conversion -Werror=incompatible-pointer-types'
CFLAGS_CXX='-x c++ -fsyntax-only -fmax-errors=0 -fdiagnostics-plain-output
-ftrack-macro-expansion=0 -fno-diagnostics-show-caret'

die() {
	echo "check-external: $*" >&2
	exit 2
}

# The standard C headers whose names count as known on both sides.
STD_H='assert.h ctype.h errno.h float.h limits.h locale.h math.h setjmp.h
signal.h stdarg.h stddef.h stdint.h stdio.h stdlib.h string.h time.h wchar.h'

# lower STRING
lower() {
	printf '%s\n' "$1" | tr '[:upper:]' '[:lower:]'
}

# find_ci ROOT NAME: a file under ROOT whose path ends in NAME (its
# backslashes as slashes, ".." parts dropped), case-insensitively.
find_ci() {
	_tail=$(printf '%s\n' "$2" | tr '\134' / | sed 's,^\(\.\./\)*,,; s,^\./,,')
	_base=${_tail##*/}
	find "$1" -type f -iname "$_base" 2>/dev/null | awk -v t="$(lower "$_tail")" '
		{ l = tolower($0) }
		substr(l, length(l) - length(t) + 1) == t && \
			(length(l) == length(t) || substr(l, length(l) - length(t), 1) == "/") {
			print; exit
		}'
}

# compile SIDE LANG TU DIR PREFIX: PREFIX.err gets the diagnostics, after
# making every missing header found (PREFIX.map holds the found and stub
# headers, PREFIX.hdr one line per header: how it was found).
compile() {
	side=$1 lang=$2 tu=$3 dir=$4 pre=$5
	map=$pre.map
	rm -rf "$map"
	mkdir -p "$map"
	: >"$pre.hdr"
	if [ "$side" = ours ]; then
		[ "$lang" = c ] && cc=$CC || cc=$CXX
		first=$LIBTAPI_CFLAGS
	else
		[ "$lang" = c ] && cc=$MINGW_CC || cc=$MINGW_CXX
		# GCC's Windows targets have -fms-extensions on (C++'s implicit
		# int, as MSVC): the headers are compared, not the dialects.
		first=-fno-ms-extensions
	fi
	[ "$lang" = c ] && fl=$CFLAGS_C || fl=$CFLAGS_CXX
	n=0
	while :; do
		# shellcheck disable=SC2086 # the flag lists are word lists
		$cc $fl $first -I"$map" $INCS $EXTRA "$tu" >"$pre.err" 2>&1
		miss=$(sed -n 's/^.*: fatal error: \(.*\): No such file or directory$/\1/p' "$pre.err" | head -n 1)
		[ -n "$miss" ] || break
		n=$((n + 1))
		if [ $n -gt 60 ] || [ -e "$map/$miss" ]; then
			echo "unresolved $miss" >>"$pre.hdr"
			break
		fi
		mkdir -p "$(dirname "$map/$miss")"
		lm=$(lower "$(printf '%s\n' "$miss" | tr '\134' / | sed 's,.*/,,')")
		# Our own headers, spelt otherwise (Tapi.h, WINDOWS.H).
		if [ "$side" = ours ]; then
			case $lm in
			tapi.h | windows.h)
				printf '#include "%s/%s"\n' "$OUR_INC" "$lm" >"$map/$miss"
				echo "spelling $miss" >>"$pre.hdr"
				continue
				;;
			esac
		fi
		f=$(find_ci "$dir" "$miss")
		if [ -n "$f" ]; then
			ln -s "$f" "$map/$miss"
			echo "program $miss" >>"$pre.hdr"
			continue
		fi
		f=$(find_ci "$MINGW_INC" "$miss")
		if [ -n "$f" ] && [ "$side" = mingw ]; then
			ln -s "$f" "$map/$miss"
			echo "windows $miss" >>"$pre.hdr"
			continue
		fi
		: >"$map/$miss"
		if [ -n "$f" ]; then
			echo "stub-windows $miss ${f#"$MINGW_INC"/}" >>"$pre.hdr"
		else
			echo "stub-foreign $miss" >>"$pre.hdr"
		fi
	done
}

# probe SIDE PREFIX NAMESFILE [HEADER...]: PREFIX.known gets the names of
# NAMESFILE that SIDE's headers declare (C, macros or ordinary names).
probe() {
	side=$1 pre=$2 names=$3
	shift 3
	{
		# ISO C's names are the program's on Linux as on Windows.
		for h in $STD_H windows.h tapi.h "$@"; do
			echo "#include <$h>"
		done
	} >"$pre.h"
	awk -v h="$pre.h" 'BEGIN { print "#include \"" h "\"" }
		{ printf "#ifndef %s\n__typeof__(%s) *probe_%d_;\n#endif\n", $1, $1, NR }' \
		"$names" >"$pre.c"
	if [ "$side" = ours ]; then
		# shellcheck disable=SC2086
		$CC -fsyntax-only -w $LIBTAPI_CFLAGS $EXTRA "$pre.c" >"$pre.perr" 2>&1
	else
		# shellcheck disable=SC2086
		$MINGW_CC -fsyntax-only -w $EXTRA "$pre.c" >"$pre.perr" 2>&1
	fi
	awk -v c="$pre.c" 'FILENAME != c {
			n = split($0, p, ":")
			if (n >= 3 && p[1] == c && p[2] ~ /^[0-9]+$/)
				bad[int(p[2] / 3)] = 1
			next
		}
		FNR > 1 && FNR % 3 == 0 && !((FNR / 3) in bad) {
			sub(/^__typeof__\(/, ""); sub(/\).*/, ""); print
		}' "$pre.perr" "$pre.c" | sort -u >"$pre.known"
}

# where PREFIX NAMESFILE: PREFIX.where gets "NAME FILE" for each name of
# NAMESFILE: the mingw-w64 header that defines it first.
where() {
	pre=$1 names=$2
	# shellcheck disable=SC2086
	$MINGW_CC -E -dD $EXTRA "$pre.h" 2>/dev/null | awk -v nf="$names" '
		BEGIN { while ((getline l < nf) > 0) want[l] = 1 }
		/^# [0-9]+ "/ { f = $3; gsub(/"/, "", f); next }
		/^#define / {
			m = $2; sub(/\(.*/, "", m)
			if (m in want && !(m in got)) { got[m] = f; print m, f }
			next
		}
		{
			s = $0
			while (match(s, /[A-Za-z_][A-Za-z0-9_]*/)) {
				t = substr(s, RSTART, RLENGTH)
				s = substr(s, RSTART + RLENGTH)
				if (t in want && !(t in got)) { got[t] = f; print t, f }
			}
		}' >"$pre.where"
}

total_bad=0
for d in "$@"; do
	if [ ! -d "$d" ]; then
		echo "check-external: $d: not a folder" >&2
		exit 2
	fi
	dir=$(cd "$d" && pwd)
	prog=$(basename "$dir")
	P=$W/$prog
	mkdir -p "$P"
	EXTRA=
	[ -f "$dir/.check-flags" ] && EXTRA=$(cat "$dir/.check-flags")
	# Include folders: every folder with headers, but those with their own
	# copy of the headers under test.
	INCS=$(find "$dir" -type f \( -iname '*.h' -o -iname '*.hpp' \) | sed 's,/[^/]*$,,' | sort -u |
		while read -r i; do
			if [ -z "$(find "$i" -maxdepth 1 \( -iname tapi.h -o -iname windows.h \))" ]; then
				printf ' -I%s' "$i"
			fi
		done)
	# The translation units that use TAPI; a header using TAPI that no
	# source of DIR includes counts as one.
	find "$dir" -type f \( -iname '*.c' -o -iname '*.cpp' -o -iname '*.cxx' -o -iname '*.cc' \) \
		-exec grep -lE "$TAPI_RE" {} + 2>/dev/null | sort >"$P/tus"
	find "$dir" -type f \( -iname '*.h' -o -iname '*.hpp' \) \
		-exec grep -lE "$TAPI_RE" {} + 2>/dev/null | sort |
		while read -r h; do
			b=$(basename "$h" | sed 's/\./\\./g')
			if ! find "$dir" -type f \( -iname '*.c' -o -iname '*.cpp' -o -iname '*.cxx' \
				-o -iname '*.cc' -o -iname '*.h' -o -iname '*.hpp' \) \
				-exec grep -qiE "#[[:space:]]*include[[:space:]]*[\"<]([^\"<>]*[/\\\\])?${b}[\">]" {} + 2>/dev/null; then
				echo "$h"
			fi
		done >>"$P/tus"
	ntu=$(wc -l <"$P/tus")
	k=0
	: >"$P/all.cls"
	while read -r tu; do
		k=$((k + 1))
		case $tu in
		*.[cC] | *.[hH]) langs="c c++" ;;
		*) langs="c++" ;;
		esac
		for lang in $langs; do
			id=$P/$k.$lang
			compile ours "$lang" "$tu" "$dir" "$id.ours"
			compile mingw "$lang" "$tu" "$dir" "$id.mingw"
			# Candidate names: quoted in an error of ours, or on its line.
			awk -f "$HERE/classify.awk" -v mode=names "$id.ours.err" >"$id.names0" ||
				die "classify.awk failed on $id.ours.err"
			sort -u "$id.names0" >"$id.names"
			hdrs=$(awk '$1 == "stub-windows" { print $3 }' "$id.ours.hdr" | sort -u | grep -v '^tapi.h$')
			# shellcheck disable=SC2086 # header names have no blanks
			probe ours "$id.pours" "$id.names"
			# shellcheck disable=SC2086
			probe mingw "$id.pmingw" "$id.names" $hdrs
			comm -13 "$id.pours.known" "$id.pmingw.known" >"$id.missing"
			where "$id.pmingw" "$id.missing"
			awk -f "$HERE/classify.awk" -v mode=classify -v tu="$tu" -v lang="$lang" \
				-v ourinc="$OUR_INC" -v mingwinc="$MINGW_INC" \
				-v notbase="$NOT_BASE" -v where="$id.pmingw.where" \
				-v hdr="$id.ours.hdr" -v win="$id.mingw.err" -v missing="$id.missing" \
				-v knownf="$id.pours.known" \
				"$id.ours.err" >"$id.cls" || die "classify.awk failed on $id.ours.err"
			cat "$id.cls" >>"$P/all.cls"
		done
	done <"$P/tus"
	awk -v prog="$prog" -v ntu="$ntu" '
		{ n[$1]++ }
		END {
			printf "%-28s %4d %7d %6d %4d %4d %5d %4d\n", prog, ntu,
				n["a"] + n["b"] + n["c"] + n["x"] + n["win64"],
				n["win64"], n["a"], n["b"], n["c"], n["x"]
		}' "$P/all.cls" >>"$W/table.txt"
	sed "s,^,$prog: ," "$P/all.cls" >>"$W/details.txt"
	bad=$(awk '$1 == "a" || $1 == "b"' "$P/all.cls" | wc -l)
	total_bad=$((total_bad + bad))
done

printf '%-28s %4s %7s %6s %4s %4s %5s %4s\n' program TUs errors win64 a b c x
cat "$W/table.txt"
echo
echo "class c (out of scope), by name or header:"
awk '$2 == "c" { print "  " $3 }' "$W/details.txt" | sort | uniq -c | sort -rn | head -n 40
nx=$(awk '$2 == "x"' "$W/details.txt" | wc -l)
if [ "$verbose" = 1 ] || [ "$total_bad" -gt 0 ] || [ "$nx" -gt 0 ]; then
	echo
	echo "class a, b, x:"
	awk '$2 == "a" || $2 == "b" || $2 == "x"' "$W/details.txt" | head -n 300
fi
echo
where="set WORKDIR to keep the details"
[ -n "${WORKDIR-}" ] && where="details: $W/details.txt"
echo "check-external: $total_bad errors of class a or b, $nx of class x ($where)"
[ "$total_bad" -eq 0 ]
