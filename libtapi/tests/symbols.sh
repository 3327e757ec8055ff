#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# symbols.sh LIBTAPI_SO TAPI_H: the names libtapi exports (nm -D) are
# exactly the functions tapi.h declares (gen-stubs.sh's reading of its
# prototypes), each in the version node LIBTAPI_1, and its soname is
# libtapi.so.1.  Output: TAP.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/tap.sh
. "$TOP/scripts/tap.sh"

so=$1
hdr=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$TOP/libtapi/gen-stubs.sh" all "$hdr" | LC_ALL=C sort >"$T/want"
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' >"$T/raw"
sed 's/@.*//' "$T/raw" | LC_ALL=C sort >"$T/have"

n=$(wc -l <"$T/want")
if [ "$n" -ge 200 ]; then
	pass "tapi.h declares $n functions"
else
	fail "tapi.h declares only $n functions (the reading of its prototypes broke?)"
fi
if cmp -s "$T/want" "$T/have"; then
	pass "the $n exported names are exactly tapi.h's functions"
else
	fail "exported names differ from tapi.h's functions (< tapi.h, > exported)" \
		"$(diff "$T/want" "$T/have" | grep '^[<>]' | head -20)"
fi
other=$(grep -v '@@LIBTAPI_1$' "$T/raw" | head -5)
if [ -z "$other" ]; then
	pass "every exported name is in LIBTAPI_1"
else
	fail "names outside LIBTAPI_1" "$other"
fi
soname=$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')
if [ "$soname" = libtapi.so.1 ]; then
	pass "soname libtapi.so.1"
else
	fail "soname is '$soname', not libtapi.so.1"
fi
finish
