#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build ktapi.ko against one kernel tree without touching module/: the
# module is built by Kbuild (make -C KDIR M=BUILDDIR) in BUILDDIR, a tree of
# symlinks to the sources (VERSION, Kbuild, module/*.[ch], module/Kbuild,
# uapi/), so builds for several kernels never mix their objects.
#
# Usage: scripts/kbuild-module.sh [--lint LOG] KDIR BUILDDIR [KO]
#
#   KDIR      a configured kernel tree or Debian headers directory
#   BUILDDIR  where the objects go, e.g. build/kbuild/6.1.0-56-amd64
#   KO        copy the module there, e.g. build/ko/6.1.0-56-amd64/ktapi.ko
#   --lint LOG  build from scratch with W=1 C=2 (every warning class of
#             W=1, sparse on every file), keep the output in LOG, and fail
#             when any line of it is a compiler or sparse message
#
# Exit status: 0 on success; 1 on a build failure or a lint finding.

set -eu

lint_log=
if [ "${1-}" = --lint ]; then
	[ $# -ge 2 ] || { echo "usage: $0 [--lint LOG] KDIR BUILDDIR [KO]" >&2; exit 2; }
	lint_log=$2
	shift 2
fi
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 [--lint LOG] KDIR BUILDDIR [KO]" >&2
	exit 2
fi
kdir=$1
bdir=$2
ko=${3-}
top=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -f "$kdir/Makefile" ]; then
	echo "kbuild-module: $kdir is not a kernel build tree" >&2
	exit 1
fi

# The symlink tree.  Links are remade on every run (a source file may have
# come or gone); make follows them, so unchanged sources are not rebuilt.
if [ -n "$lint_log" ]; then
	rm -rf "$bdir"
fi
mkdir -p "$bdir/module"
bdir=$(cd "$bdir" && pwd)
find "$bdir" "$bdir/module" -maxdepth 1 -type l -exec rm -f {} +
ln -s "$top/Kbuild" "$bdir/Kbuild"
ln -s "$top/VERSION" "$bdir/VERSION"
ln -s "$top/uapi" "$bdir/uapi"
for f in "$top"/module/Kbuild "$top"/module/*.c "$top"/module/*.h; do
	# ktapi.mod.c is made by an in-tree build: never share it.
	case $f in *.mod.c) continue ;; esac
	[ -f "$f" ] && ln -s "$f" "$bdir/module/${f##*/}"
done

set -- -C "$kdir" M="$bdir"
if [ -z "$lint_log" ]; then
	make "$@" modules
else
	mkdir -p "$(dirname "$lint_log")"
	rc=0
	make "$@" W=1 C=2 modules >"$lint_log" 2>&1 || rc=$?
	cat "$lint_log"
	if [ "$rc" -ne 0 ]; then
		echo "kbuild-module: W=1 C=2 build against $kdir failed (status $rc)" >&2
		exit 1
	fi
	# Compiler and sparse messages: "file:line[:col]: warning|error|note: ..."
	# (sparse's continuation lines follow one of those).
	if grep -E -i -e '(warning|error|note):' -e '^[^[:space:]]+:[0-9]+(:[0-9]+)?: ' \
		"$lint_log" >"$lint_log.findings"; then
		echo "kbuild-module: W=1 C=2 findings against $kdir:" >&2
		cat "$lint_log.findings" >&2
		exit 1
	fi
	rm -f "$lint_log.findings"
fi

if [ -n "$ko" ]; then
	mkdir -p "$(dirname "$ko")"
	cp -f "$bdir/module/ktapi.ko" "$ko.tmp"
	mv -f "$ko.tmp" "$ko"
fi
