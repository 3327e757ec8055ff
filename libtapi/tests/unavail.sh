#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# unavail.sh [LIBTAPI_3]: libtapi(3)'s list of the functions that return
# LINEERR_OPERATIONUNAVAIL (between its ".\" unavail-begin" and
# ".\" unavail-end" lines) is exactly the list gen-stubs.sh makes from
# tapi.h and libtapi/src, and names none of the implemented functions.
# Output: TAP.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/tap.sh
. "$TOP/scripts/tap.sh"

page=${1:-$TOP/man/libtapi.3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$TOP/libtapi/gen-stubs.sh" unavail "$TOP/libtapi/include/tapi.h" \
	"$TOP"/libtapi/src/*.c | LC_ALL=C sort >"$T/want"
sed -n '/^\.\\" unavail-begin/,/^\.\\" unavail-end/p' "$page" |
	grep -v '^\.' | tr ',. ' '\n\n\n' | grep -v '^$' | LC_ALL=C sort >"$T/have"

n=$(wc -l <"$T/want")
if [ "$n" -gt 0 ] && cmp -s "$T/want" "$T/have"; then
	pass "libtapi(3) lists exactly the $n LINEERR_OPERATIONUNAVAIL functions"
else
	fail "libtapi(3)'s list differs (< generated, > man page)" \
		"$(diff "$T/want" "$T/have" | grep '^[<>]' | head -20)"
fi
"$TOP/libtapi/gen-stubs.sh" all "$TOP/libtapi/include/tapi.h" |
	LC_ALL=C sort >"$T/all"
comm -23 "$T/all" "$T/want" >"$T/real"
missing=
for f in $(cat "$T/real"); do
	grep -q "$f" "$page" || missing="$missing $f"
done
if [ -z "$missing" ]; then
	pass "libtapi(3) names each of the $(wc -l <"$T/real") implemented functions"
else
	fail "libtapi(3) does not name:$missing"
fi
finish
