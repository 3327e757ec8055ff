#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# modinfo of the built module (read from the file; nothing is loaded):
# description, author, license, the version of the VERSION file, and a
# description for every parameter.
#
# Usage: tests/modinfo_test.sh KO

. "$(dirname "$0")/lib.sh"

ko=${1:-$TOP/module/ktapi.ko}
if [ ! -f "$ko" ]; then
	fail "module file $ko exists"
	finish
fi

for field in description author license version; do
	val=$(modinfo -F "$field" "$ko")
	if [ -n "$val" ]; then
		pass "modinfo $field: $val"
	else
		fail "modinfo $field is set"
	fi
done

want=$VERSION
got=$(modinfo -F version "$ko")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	pass "version $got is VERSION"
else
	fail "version '$got' is VERSION '$want'"
fi
case $(modinfo -F license "$ko") in
GPL|"GPL v2") pass "license is GPL-compatible" ;;
*) fail "license is GPL-compatible" ;;
esac

params="lines event_queue_len max_handles max_requests provider_timeout_ms"
for p in $params; do
	# provider_timeout_ms has its own setter (module_param_cb): no type.
	desc=$(modinfo -F parm "$ko" |
		sed -n -e "s/^$p:\(.*\) (uint)\$/\1/p;t" -e "s/^$p:\(..*\)\$/\1/p")
	if [ -n "$desc" ]; then
		pass "parameter $p: $desc"
	else
		fail "parameter $p has a description" "$(modinfo -F parm "$ko")"
	fi
done
n=$(modinfo -F parm "$ko" | grep -c .)
# shellcheck disable=SC2086 # a list of words
set -- $params
if [ "$n" -eq $# ]; then
	pass "exactly the $# documented parameters"
else
	fail "exactly the $# documented parameters (modinfo lists $n)"
fi

finish
