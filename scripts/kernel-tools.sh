#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few kernel files the build uses from Debian's kernel source
# tarball into OUTDIR (nothing is copied into the repository):
#
#   OUTDIR/kselftest_harness.h  OUTDIR/kselftest.h     (selftests, -I OUTDIR)
#   OUTDIR/checkpatch.pl        with its data files next to it:
#   OUTDIR/spelling.txt         OUTDIR/const_structs.checkpatch
#
# Does nothing when OUTDIR/.stamp says the same tarball was extracted.
#
# Usage: scripts/kernel-tools.sh OUTDIR
# Environment: KTAPI_LINUX_SOURCE (default /usr/src/linux-source-6.1.tar.xz)

set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
tarball=${KTAPI_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}

MEMBERS="tools/testing/selftests/kselftest_harness.h
tools/testing/selftests/kselftest.h
scripts/checkpatch.pl
scripts/spelling.txt
scripts/const_structs.checkpatch"

if [ ! -r "$tarball" ]; then
	echo "kernel-tools: $tarball not found; install linux-source-6.1" \
		"(make deps, or scripts/install-deps.sh as root)" >&2
	exit 1
fi

# Identity of the tarball: path, size and modification time.
id="$tarball $(stat -L -c '%s %Y' "$tarball")"
stamp="$out/.stamp"

uptodate() {
	[ -f "$stamp" ] || return 1
	[ "$(cat "$stamp")" = "$id" ] || return 1
	for m in $MEMBERS; do
		[ -f "$out/${m##*/}" ] || return 1
	done
	return 0
}

if uptodate; then
	exit 0
fi

mkdir -p "$out"
tmp=$(mktemp -d "$out/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The tarball's top directory is its name without .tar.xz.
top=${tarball##*/}
top=${top%.tar.*}
set --
for m in $MEMBERS; do
	set -- "$@" "$top/$m"
done

echo "kernel-tools: extracting from $tarball into $out" >&2
# --occurrence stops reading once every member was found.
tar -xJf "$tarball" -C "$tmp" --occurrence --no-same-owner "$@"

for m in $MEMBERS; do
	mv -f "$tmp/$top/$m" "$out/${m##*/}"
done
chmod 0755 "$out/checkpatch.pl"
printf '%s\n' "$id" >"$stamp"
