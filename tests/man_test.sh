#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lint the man pages and check that they document what the tree has.
#
#   1. every man/*.[1-8], as "make install-man" installs it (VERSION in
#      place of @VERSION@): "mandoc -T lint -W all" and "groff -ww -z -man"
#      print nothing and succeed (each skipped when the tool is missing;
#      mandoc and groff-base are Debian packages);
#   2. the .TH version of every installed page is VERSION;
#   3. libktapi(3) has every function of userlib/libktapi.map in NAME, in
#      SYNOPSIS and as a description;
#   4. ktapi(4) names every KTAPI_IOC_ command, ktapi_ struct and KTAPI_EV_
#      event of uapi/linux/ktapi.h and every module parameter of
#      module/main.c;
#   5. ktapictl(1) has every command, long option and exit status of
#      tools/ktapictl.c.
#
# Usage: tests/man_test.sh
# Output: TAP.  Exit status: 0 when nothing failed.

# shellcheck disable=SC2013 # the sed results are single words
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

MAN=$TOP/man
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

MAKE=${MAKE:-make}
if ! $MAKE -C "$TOP" --no-print-directory DESTDIR="$T/stage" MANDIR=/man \
	install-man >"$T/install.log" 2>&1; then
	fail "make install-man DESTDIR=... failed:"
	show "$T/install.log"
	finish
fi
# The installed pages, not the link pages (".so man3/libktapi.3").
pages=
for p in "$MAN"/*.[1-8]; do
	[ -f "$p" ] || continue
	n=${p##*/}
	pages="$pages $T/stage/man/man${n##*.}/$n"
done
if [ -z "$pages" ]; then
	fail "no man pages in $MAN"
	finish
fi

# --- 1. lint -----------------------------------------------------------------

for p in $pages; do
	name=${p##*/}
	if command -v mandoc >/dev/null 2>&1; then
		if mandoc -T lint -W all "$p" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then
			pass "$name: mandoc -T lint -W all is clean"
		else
			fail "$name: mandoc -T lint -W all:"
			show "$T/lint"
		fi
	else
		skip "$name: mandoc -T lint" "mandoc is not installed"
	fi
	if command -v groff >/dev/null 2>&1; then
		if groff -ww -z -man "$p" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then
			pass "$name: groff -ww -z -man is clean"
		else
			fail "$name: groff -ww -z -man:"
			show "$T/lint"
		fi
	else
		skip "$name: groff -ww -z -man" "groff is not installed"
	fi
done

# --- 2. version --------------------------------------------------------------

version=$VERSION
for p in $pages; do
	th=$(sed -n 's/^\.TH [^ ]* [0-9] [^ ]* "\([^"]*\)".*/\1/p' "$p")
	if [ "$th" = "ktapi $version" ]; then
		pass "${p##*/}: .TH names ktapi $version"
	else
		fail "${p##*/}: .TH names '$th', the module is ktapi $version"
	fi
done

# page_has PAGE DESC FIXED-STRING
page_has() {
	if grep -F -q -e "$3" "$MAN/$1"; then
		pass "$2"
	else
		fail "$2: '$3' is not in man/$1"
	fi
}

# --- 3. libktapi(3) ------------------------------------------------------------

funcs=$(sed -n 's/^[[:space:]]*\(ktapi_[a-z0-9_]*\);.*/\1/p' "$TOP/userlib/libktapi.map")
[ -n "$funcs" ] || fail "no functions found in userlib/libktapi.map"
name_section=$(sed -n '/^\.SH NAME$/,/^\.SH /p' "$MAN/libktapi.3")
for f in $funcs; do
	case $name_section in
	*"$f,"* | *"$f \\-"*) pass "libktapi.3: $f in NAME" ;;
	*) fail "libktapi.3: $f is not in NAME" ;;
	esac
	if grep -E -q "^\\.BI \"[^\"]*[ *]$f\\(" "$MAN/libktapi.3"; then
		pass "libktapi.3: $f in SYNOPSIS"
	else
		fail "libktapi.3: $f is not in SYNOPSIS"
	fi
	page_has libktapi.3 "libktapi.3: $f described" ".BR $f ()"
	if grep -q -w "$f" "$TOP/userlib/libktapi.h"; then
		pass "libktapi.3: $f is declared in libktapi.h"
	else
		fail "libktapi.3: $f is not in userlib/libktapi.h"
	fi
done

# --- 4. ktapi(4) -----------------------------------------------------------------

# documents SRC SED DESC TEXT: for every name the sed script SED prints
# from SRC, ktapi.4 has TEXT; DESC and TEXT are printf formats of the name.
documents() {
	for x in $(sed -n "$2" "$1"); do
		# shellcheck disable=SC2059 # the formats are the arguments
		page_has ktapi.4 "ktapi.4: $(printf "$3" "$x")" "$(printf "$4" "$x")"
	done
}

uapi=$TOP/uapi/linux/ktapi.h
documents "$uapi" 's/^#define \(KTAPI_IOC_[A-Z_]*\)[[:space:]]*_IO.*/\1/p' '%s' '.B %s'
documents "$uapi" 's/^struct \(ktapi_[a-z_]*\) {.*/\1/p' 'struct %s' 'struct %s {'
documents "$uapi" 's/^#define \(KTAPI_EV_[A-Z_]*\)[[:space:]].*/\1/p' '%s' '.BR %s '
documents "$TOP/module/main.c" 's/^module_param_named(\([a-z_]*\),.*/\1/p' \
	'module parameter %s' '.BI %s= N'

# --- 5. ktapictl(1) ------------------------------------------------------------

src=$TOP/tools/ktapictl.c
cmds=$(sed -n '/^static const struct command commands\[\]/,/^};/s/^[[:space:]]*{ "\([a-z]*\)",.*/\1/p' "$src")
[ -n "$cmds" ] || fail "no commands found in tools/ktapictl.c"
for c in $cmds; do
	if grep -E -q "^\\.B(I|R)? \"?$c( |\"|\$)" "$MAN/ktapictl.1"; then
		pass "ktapictl.1: command $c"
	else
		fail "ktapictl.1: command $c is not described"
	fi
done
opts=$(sed -n '/^static const struct option long_opts\[\]/,/^};/s/^[[:space:]]*{ "\([a-z-]*\)",.*/\1/p' "$src")
[ -n "$opts" ] || fail "no options found in tools/ktapictl.c"
for o in $opts; do
	page_has ktapictl.1 "ktapictl.1: option --$o" "\\-\\-$o"
done
codes=$(sed -n 's/^[[:space:]]*EX_[A-Z]* = \([0-9]*\),.*/\1/p' "$src")
exit_section=$(sed -n '/^\.SH EXIT STATUS$/,/^\.SH /p' "$MAN/ktapictl.1")
for c in $codes; do
	case $exit_section in
	*".B $c
"*) pass "ktapictl.1: exit status $c" ;;
	*) fail "ktapictl.1: exit status $c is not in EXIT STATUS" ;;
	esac
done

finish
