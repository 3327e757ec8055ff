#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Find the newest installed Debian kernel of one version series that has
# both its image in /boot and its headers (a build tree), and print
#
#   KREL KDIR IMAGE
#
# e.g. "6.1.0-56-amd64 /usr/src/linux-headers-6.1.0-56-amd64
# /boot/vmlinuz-6.1.0-56-amd64".  SERIES is matched as a version prefix:
# 6.1 matches 6.1.0-56-amd64 but not 6.12.95+deb12-amd64.
#
# Usage: scripts/find-kernel.sh SERIES
# Environment: KTAPI_BOOT (default /boot), KTAPI_USRSRC (default /usr/src)
# Exit status: 0 when found; 1 (with a message on stderr) when not.

set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 SERIES (e.g. 6.1 or 6.12)" >&2
	exit 2
fi
series=$1
boot=${KTAPI_BOOT:-/boot}
usrsrc=${KTAPI_USRSRC:-/usr/src}

# shellcheck disable=SC2012 # plain file names, sort -V needs ls
for image in $(ls -1 "$boot"/vmlinuz-"$series".* "$boot"/vmlinuz-"$series"-* \
	2>/dev/null | sort -rV); do
	krel=${image##*/vmlinuz-}
	for kdir in "$usrsrc/linux-headers-$krel" "/lib/modules/$krel/build"; do
		if [ -f "$kdir/Makefile" ]; then
			echo "$krel $kdir $image"
			exit 0
		fi
	done
done
echo "find-kernel: no Linux $series kernel with both $boot/vmlinuz-$series.* and its" \
	"headers; run 'make deps' as root (scripts/install-deps.sh)" >&2
exit 1
