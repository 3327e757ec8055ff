#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages needed to build ktapi and test it in QEMU.
#
# Fast no-op when everything is installed.  As root, installs what is
# missing; otherwise prints the apt-get command to run as root and exits 1.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only report; exit 1 if something is missing (never installs)

set -eu

PKGS="qemu-system-x86 busybox-static linux-image-amd64 linux-headers-amd64
linux-source-6.1 kmod libkmod-dev build-essential gcc-multilib pkg-config
sparse cpio xz-utils gzip perl"

check_only=0
case "${1-}" in
--check) check_only=1 ;;
"") ;;
-h | --help)
	sed -n '4,11s/^# \{0,1\}//p' "$0"
	exit 0
	;;
*)
	echo "install-deps: unknown argument: $1" >&2
	exit 2
	;;
esac

# One dpkg-query for all packages; unknown ones are simply not listed.
# shellcheck disable=SC2086 # word splitting of the package list is intended
have=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PKGS 2>/dev/null) || :
missing=
for p in $PKGS; do
	case "
$have
" in
	*"
$p installed
"*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"

if [ "$check_only" -eq 1 ] || [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root:" >&2
	echo "$cmd"
	exit 1
fi

echo "install-deps: installing:$missing" >&2
DEBIAN_FRONTEND=noninteractive
export DEBIAN_FRONTEND
# Wait for a concurrent apt/dpkg instead of failing on its lock.
apt-get -q -o DPkg::Lock::Timeout=900 update
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get -q -o DPkg::Lock::Timeout=900 install -y --no-install-recommends $missing
