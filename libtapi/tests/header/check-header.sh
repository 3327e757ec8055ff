#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-header.sh: libtapi's <tapi.h> and <windows.h> against mingw-w64's
# (Debian's mingw-w64-common, compiled by gcc-mingw-w64-x86-64 and -i686;
# nothing is linked or run on Windows' side).  TAP on stdout.
#
#   1. TAPI 3.x: the header at TAPI_CURRENT_VERSION 0x00030001 minus the
#      header at 0x00020002 is exactly tapi3-only.txt.
#   2. Names: every structure, member, typedef, macro and function of
#      mingw-w64's tapi.h is ours and every one of ours is mingw-w64's, but
#      for the phone API and differences.txt (each entry of which must
#      still be a difference).
#   3. Layout and values, at 2.2 and 3.1, x86-64 and i386: gen.c, built
#      on the host from our header, writes _Static_assert lines of every
#      size, offset, member size and kind, typedef and constant; the mingw
#      compiler must accept them against mingw-w64's headers.
#   4. Prototypes: each of our function declarations, written as a
#      pointer of that type initialised with mingw-w64's function, and
#      LINECALLBACK, compile against mingw-w64 with -Werror.
#   5. Presence: one file that takes the address of every function of
#      both headers (unsuffixed names too) compiles against each.
#   6. ANSI mapping: each unsuffixed macro maps to the same A function in
#      both headers.
#   7. A Windows-style TAPI program (sample.c) compiles as C99, C11,
#      C++11, C++17 against ours with -Wall -Wextra -pedantic -Werror, and
#      against mingw-w64's; UNICODE is refused with our #error;
#      windows_test.c's run-time cases of <windows.h> pass.
#
# Usage: check-header.sh [WORKDIR]   (default: a temporary directory)
# Environment: CC, CXX (host compilers, default cc, c++; CC must be GCC,
# for -aux-info), MINGW64_CC,
# MINGW32_CC (default x86_64-w64-mingw32-gcc, i686-w64-mingw32-gcc).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
TAP_NAME=tapi-header
# shellcheck source=scripts/tap.sh
. "$TOP/scripts/tap.sh"

INC=$TOP/libtapi/include
MINGW_INC=/usr/share/mingw-w64/include
CC=${CC:-cc}
CXX=${CXX:-c++}
MINGW64_CC=${MINGW64_CC:-x86_64-w64-mingw32-gcc}
MINGW32_CC=${MINGW32_CC:-i686-w64-mingw32-gcc}
V22=0x00020002
V31=0x00030001
# The phone API: left out by rule (differences.txt).
PHONE='^(macro|typedef|struct|field|function) ((LP)?H?PHONE|phone)'

if [ $# -ge 1 ]; then
	T=$1
	mkdir -p "$T" || exit 1
else
	T=$(mktemp -d) || exit 1
	trap 'rm -rf "$T"' EXIT
fi
cd "$T" || exit 1

printf '#include <windows.h>\n#include <tapi.h>\n' >both.c
printf '#include <windows.h>\n' >win.c
# What our windows.h includes of the system's.
for h in ctype.h errno.h limits.h poll.h stdarg.h stddef.h stdint.h stdlib.h string.h; do
	echo "#include <$h>"
done >sys.c

have_tools=1
for t in "$CC" "$CXX" "$MINGW64_CC" "$MINGW32_CC"; do
	if ! command -v "$t" >/dev/null 2>&1; then
		fail "compiler $t is installed" \
			"install it: scripts/install-deps.sh (gcc-mingw-w64-x86-64, gcc-mingw-w64-i686)"
		have_tools=0
	fi
done
if [ ! -f "$MINGW_INC/tapi.h" ]; then
	fail "mingw-w64's tapi.h is installed" "install mingw-w64-common"
	have_tools=0
fi
[ "$have_tools" = 1 ] || finish

# --- extraction ---------------------------------------------------------------

# ours VERSION [CFLAGS...]: our header's records (extract.awk)
ours() {
	v=$1
	shift
	"$CC" "$@" -DTAPI_CURRENT_VERSION="$v" -I"$INC" -E both.c |
		awk -v KEEP="^$INC/" -f "$HERE/extract.awk"
}

# The object-like macros of a -dM listing, "NAME VALUE".
objmacros() {
	grep -v '^#define [A-Za-z_0-9]*(' "$1" |
		sed -n 's/^#define \([A-Za-z_0-9]*\) \{0,1\}\(.*\)$/\1 \2/p' | sort
}

# macros OUT CC FLAGS...: the macros both.c adds to win.c: OUT.mac the
# object-like ones, "NAME VALUE"; OUT.mnames the names of all, "macro NAME"
macros() {
	out=$1
	c=$2
	shift 2
	"$c" "$@" -E -dM win.c | sort >m-win.tmp
	"$c" "$@" -E -dM both.c | sort >m-both.tmp
	comm -13 m-win.tmp m-both.tmp >m-tapi.tmp
	objmacros m-tapi.tmp >"$out.mac"
	sed -n 's/^#define \([A-Za-z_0-9]*\).*/macro \1/p' m-tapi.tmp | sort >"$out.mnames"
}

# names RECORDS: "struct S", "field S.M", "typedef T" lines
names() {
	awk '$1 == "struct" { print "struct", $2 }
	     $1 == "field" { print "field", $2 "." $3 }
	     $1 == "typedef" { print "typedef", $2 }' "$1"
}

# functions CC FILE-REGEX FLAGS...: the functions declared in FILE
functions() {
	c=$1
	re=$2
	shift 2
	"$c" "$@" -fsyntax-only -aux-info aux.tmp both.c &&
		grep "^/\\* $re:" aux.tmp |
		sed -n 's/.* \([A-Za-z_0-9]*\) (.*/function \1/p' | sort -u
}

ours $V22 >ours22.rec || fail "preprocess our header at $V22"
ours $V31 >ours31.rec || fail "preprocess our header at $V31"
# Our tapi.h alone (not windows.h) for the comparison of names.
"$CC" -DTAPI_CURRENT_VERSION=$V31 -I"$INC" -E both.c |
	awk -v KEEP="^$INC/tapi[.]h\$" -f "$HERE/extract.awk" >ours31-tapi.rec
"$MINGW64_CC" -DTAPI_CURRENT_VERSION=$V31 -E both.c |
	awk -v KEEP="^$MINGW_INC/tapi[.]h\$" -f "$HERE/extract.awk" >mingw.rec ||
	fail "preprocess mingw-w64's tapi.h"

macros ours22 "$CC" -DTAPI_CURRENT_VERSION=$V22 -I"$INC"
macros ours31 "$CC" -DTAPI_CURRENT_VERSION=$V31 -I"$INC"
macros mingw "$MINGW64_CC" -DTAPI_CURRENT_VERSION=$V31
"$CC" -E -dM sys.c | sort >m-sys.tmp
"$CC" -I"$INC" -E -dM win.c | sort >m-ourwin.tmp
comm -13 m-sys.tmp m-ourwin.tmp >m-ourwin-only.tmp
objmacros m-ourwin-only.tmp >ourswin.mac

functions "$CC" "$INC/tapi[.]h" -I"$INC" >ours.fn
functions "$MINGW64_CC" "$MINGW_INC/tapi[.]h" | grep -Ev "$PHONE" >mingw.fn

# all-names RECORDS MACRO-NAMES [FUNCTIONS]
all_names() {
	{
		names "$1"
		cat "$2"
		[ -z "${3-}" ] || cat "$3"
	} | sort -u
}

# --- 1. TAPI 3.x --------------------------------------------------------------

all_names ours22.rec ours22.mnames >n22.txt
all_names ours31.rec ours31.mnames >n31.txt
grep -v '^#' "$HERE/tapi3-only.txt" | grep -v '^$' | sort >want3.txt
comm -13 n22.txt n31.txt >got3.txt
comm -23 n22.txt n31.txt >gone3.txt
if cmp -s want3.txt got3.txt && [ ! -s gone3.txt ]; then
	pass "TAPI 3.x: 0x00030001 adds exactly tapi3-only.txt's $(wc -l <want3.txt) names to 0x00020002"
else
	fail "TAPI 3.x: 0x00030001 adds exactly tapi3-only.txt to 0x00020002" \
		"$(diff want3.txt got3.txt | sed -n 's/^</missing from the difference:/p; s/^>/not in tapi3-only.txt:/p')" \
		"$(sed 's/^/only at 2.2: /' gone3.txt)"
fi

# --- 2. names against mingw-w64 -----------------------------------------------

all_names ours31-tapi.rec ours31.mnames ours.fn >nours.txt
all_names mingw.rec mingw.mnames mingw.fn | grep -Ev "$PHONE" >nmingw.txt
sed -n 's/^mingw-only \([a-z]*\) \([A-Za-z_0-9.]*\).*/\1 \2/p' "$HERE/differences.txt" |
	sort >want-mingw-only.txt
sed -n 's/^ours-only \([a-z]*\) \([A-Za-z_0-9.]*\).*/\1 \2/p' "$HERE/differences.txt" |
	sort >want-ours-only.txt
comm -23 nmingw.txt nours.txt >got-mingw-only.txt
comm -13 nmingw.txt nours.txt >got-ours-only.txt
for side in mingw ours; do
	if cmp -s want-$side-only.txt got-$side-only.txt; then
		pass "names: only $side's are differences.txt's $(wc -l <want-$side-only.txt) (of $(wc -l <n$side.txt))"
	else
		fail "names: only $side's are differences.txt's" \
			"$(diff want-$side-only.txt got-$side-only.txt |
				sed -n 's/^</listed but not a difference:/p; s/^>/a difference not listed:/p')"
	fi
done

# --- 3. layout and values -----------------------------------------------------

# The constants gen.c checks: our object-like macros (windows.h's and
# tapi.h's) that are not empty, not an A mapping, not a keyword or pointer.
# gen.c does not compile if one of them is not an integer constant.
consts() {
	cat "$1" ourswin.mac | awk -v SKIP="$2" '
		BEGIN { while ((getline l < SKIP) > 0) skip[l] = 1 }
		$2 == "" || $2 == $1 "A" { next }
		$1 == "CONST" || $1 == "VOID" { next }
		$1 == "TAPI_NAMELESS_" || $1 == "INVALID_HANDLE_VALUE" { next }
		($1 in skip) { next }
		{ print $1 }' | sort -u
}
sed -n 's/^value22 macro \([A-Za-z_0-9]*\) \(0x[0-9A-Fa-f]*\).*/\1 \2/p' "$HERE/differences.txt" >value22.txt
cut -d' ' -f1 value22.txt >skip22.txt
: >skip31.txt
consts ours22.mac skip22.txt >consts22.txt
consts ours31.mac skip31.txt >consts31.txt

# fmacros CONSTS: the function-like macros that are constant expressions,
# at a few values each
fmacros() {
	grep -E '^(LINEERR|TAPIERR)_' "$1" | sed 's/.*/MACRO(TAPIERROR_FORMATMESSAGE(&));/'
	echo 'MACRO(MAKELONG(0x1234, 0xabcd)); MACRO(MAKEWORD(0x12, 0xab));'
	echo 'MACRO(LOWORD(0x12345678)); MACRO(HIWORD(0x12345678));'
	echo 'MACRO(LOBYTE(0x1234)); MACRO(HIBYTE(0x1234));'
}

# layout NAME VERSION HOSTFLAGS MINGWCC: one TAP result
layout() {
	name=$1 v=$2 hf=$3 mcc=$4
	case $v in
	"$V22") rec=ours22.rec cl=consts22.txt ;;
	*) rec=ours31.rec cl=consts31.txt ;;
	esac
	mkdir -p "gen-$name"
	if ! awk -v FULL=ours31.rec -v CONSTS="$cl" -f "$HERE/tables.awk" "$rec" \
		>"gen-$name/tables.h" 2>"gen-$name/err"; then
		fail "layout $name: tables" "$(cat "gen-$name/err")"
		return
	fi
	fmacros "$cl" >>"gen-$name/tables.h"
	# shellcheck disable=SC2086 # hf is a list of flags
	if ! "$CC" $hf -std=c11 -Wall -Wextra -Werror -DTAPI_CURRENT_VERSION="$v" \
		-I"$INC" -I"gen-$name" "$HERE/gen.c" -o "gen-$name/gen" \
		2>"gen-$name/err" || ! "gen-$name/gen" >"gen-$name/check.c"; then
		fail "layout $name: gen.c" "$(head -20 "gen-$name/err")"
		return
	fi
	counts=$(sed -n 's|^/\* \(structures .*\) \*/$|\1|p' "gen-$name/check.c")
	if "$mcc" -std=c11 -fsyntax-only -Werror -DTAPI_CURRENT_VERSION="$v" \
		"gen-$name/check.c" 2>"gen-$name/err"; then
		pass "layout $name: mingw-w64 accepts $(grep -c '^_Static_assert' "gen-$name/check.c") assertions ($counts)"
	else
		fail "layout $name: mingw-w64 accepts gen.c's assertions ($counts)" \
			"$(grep 'error' "gen-$name/err" | head -20)"
	fi
}
layout x86-64-2.2 $V22 "" "$MINGW64_CC"
layout x86-64-3.1 $V31 "" "$MINGW64_CC"
layout i386-2.2 $V22 -m32 "$MINGW32_CC"
layout i386-3.1 $V31 -m32 "$MINGW32_CC"

# The 2.2 values mingw-w64 does not have.
{
	printf '#include <windows.h>\n#include <tapi.h>\n'
	while read -r n val; do
		printf '_Static_assert((DWORD)(%s) == %s, "%s");\n' "$n" "$val" "$n"
	done <value22.txt
} >value22.c
check "values at 2.2 of differences.txt ($(wc -l <value22.txt))" \
	"$CC" -std=c11 -fsyntax-only -Werror -I"$INC" value22.c

# --- 4. prototypes -------------------------------------------------------------

# joined REGEX: the declarations of our tapi.h that start with a line
# matching REGEX, each joined into one line
joined() {
	awk -v RE="$1" '$0 ~ RE {
		s = $0
		while (s !~ /;$/ && (getline l) > 0) {
			sub(/^[ \t]+/, " ", l)
			s = s l
		}
		print s
	}' "$INC/tapi.h"
}

# undefs: #undef of every line... and tapi... macro of both headers, so
# that the unsuffixed names are the functions
undefs() {
	awk '{ print "#undef", $1 }' ours31.mac mingw.mac | sort -u |
		grep -E ' (line|tapi)[A-Za-z]*$'
}

# Our declarations, one a line: "LONG WINAPI name(params);"
joined '^LONG WINAPI [A-Za-z_0-9]+[(]' >protos.txt
joined '^typedef void [(]CALLBACK [*]LINECALLBACK[)]' >callback.txt
{
	printf '#include <windows.h>\n#include <tapi.h>\n'
	undefs
	sed 's/^LONG WINAPI \([A-Za-z_0-9]*\)(\(.*\));$/LONG (WINAPI *const kt_fn_\1)(\2) = \1;/' protos.txt
	sed 's/LINECALLBACK/kt_LINECALLBACK/' callback.txt
	echo '_Static_assert(__builtin_types_compatible_p(LINECALLBACK, kt_LINECALLBACK), "LINECALLBACK");'
} >protos.c
nproto=$(wc -l <protos.txt)
nfn=$(wc -l <ours.fn)
if [ "$nproto" -ne "$nfn" ]; then
	fail "prototypes: read all $nfn of tapi.h's declarations" "read $nproto"
fi
check "prototypes: our $nproto declarations and LINECALLBACK are mingw-w64's" \
	"$MINGW64_CC" -std=gnu11 -fsyntax-only -Werror protos.c
check "prototypes: the same file compiles against ours" \
	"$CC" -std=gnu11 -fsyntax-only -Werror -I"$INC" protos.c

# --- 5. presence --------------------------------------------------------------

{
	printf '#include <windows.h>\n#include <tapi.h>\n'
	undefs
	echo 'typedef void (*kt_fp)(void);'
	echo 'kt_fp kt_all[] = {'
	cat ours.fn mingw.fn | sort -u | sed 's/^function \(.*\)/	(kt_fp)\1,/'
	echo '};'
} >presence.c
nall=$(cat ours.fn mingw.fn | sort -u | wc -l)
check "presence: all $nall functions of both headers are in ours" \
	"$CC" -std=c11 -fsyntax-only -Wall -Werror -I"$INC" presence.c
check "presence: all $nall functions of both headers are in mingw-w64's" \
	"$MINGW64_CC" -std=c11 -fsyntax-only -Wall -Werror presence.c

# --- 6. the ANSI mapping ------------------------------------------------------

# Every function with A and W forms: its unsuffixed name must be a macro
# for the A form.
sed -n 's/^function \(.*\)A$/\1/p' ours.fn | sort >maps-a.tmp
sed -n 's/^function \(.*\)W$/\1/p' ours.fn | sort >maps-w.tmp
comm -12 maps-a.tmp maps-w.tmp >maps.txt
sed -n 's/^ours-only macro \([A-Za-z_0-9]*\).*/\1/p' "$HERE/differences.txt" >maps-skip.txt
grep -Fvx -f maps-skip.txt maps.txt >maps-mingw.txt
# map_checks LIST: asserts that each NAME expands to NAMEA
map_checks() {
	printf '#include <windows.h>\n#include <tapi.h>\n'
	printf '#define KT_CAT_(a, b) a##b\n#define KT_XCAT(a, b) KT_CAT_(a, b)\n'
	while read -r n; do
		printf 'enum { kt_map_%sA = 1 };\n' "$n"
		printf '_Static_assert(KT_XCAT(kt_map_, %s) == 1, "%s is %sA");\n' "$n" "$n" "$n"
	done <"$1"
}
map_checks maps.txt >maps-ours.c
map_checks maps-mingw.txt >maps-mingw.c
check "ANSI: our $(wc -l <maps.txt) unsuffixed names are macros for the A functions" \
	"$CC" -std=c11 -fsyntax-only -Werror -I"$INC" maps-ours.c
check "ANSI: mingw-w64 maps the same $(wc -l <maps-mingw.txt) names to the same A functions" \
	"$MINGW64_CC" -std=c11 -fsyntax-only -Werror maps-mingw.c

# --- 7. programs --------------------------------------------------------------

W='-Wall -Wextra -pedantic -Werror'
for std in c99 c11; do
	# shellcheck disable=SC2086
	check "sample.c: $CC -std=$std $W" \
		"$CC" -std=$std $W -I"$INC" -c "$HERE/sample.c" -o sample-$std.o
done
for std in c++11 c++17; do
	# shellcheck disable=SC2086
	check "sample.c: $CXX -x c++ -std=$std $W" \
		"$CXX" -x c++ -std=$std $W -I"$INC" -c "$HERE/sample.c" -o sample-$std.o
done
# shellcheck disable=SC2086
check "sample.c: $CC -std=c99 $W, TAPI_CURRENT_VERSION 0x00030001" \
	"$CC" -std=c99 $W -DTAPI_CURRENT_VERSION=$V31 -I"$INC" -c "$HERE/sample.c" -o sample-31.o
# The same source is Windows code: mingw-w64 compiles it (Windows.h is
# windows.h there only on a case-insensitive file system).
mkdir -p mingw-inc
printf '#include <windows.h>\n' >mingw-inc/Windows.h
check "sample.c: mingw-w64 compiles it as Windows code" \
	"$MINGW64_CC" -std=c99 -Wall -Wextra -Werror -Imingw-inc -c "$HERE/sample.c" -o sample-mingw.o

expect_rc 1 "UNICODE: refused" "$CC" -DUNICODE -I"$INC" -fsyntax-only both.c
has "$T/err" "UNICODE: the #error says why" "ANSI API only"

# shellcheck disable=SC2086
if check "windows_test.c: builds" \
	"$CC" -std=c99 $W -I"$INC" "$HERE/windows_test.c" -o windows_test; then
	for c in timeout ready invalid sleep memory; do
		check "windows.h at run time: $c" ./windows_test $c
	done
else
	fail "windows.h at run time" "windows_test.c did not build"
fi

finish
