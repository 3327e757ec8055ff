#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages needed to build ktapi and test it in QEMU,
# and the second test kernel: Linux 6.12 from bookworm-backports.
#
# Fast no-op when everything is installed.  As root, installs what is
# missing; otherwise prints the commands to run as root and exits 1.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only report; exit 1 if something is missing (never installs)
#
# The 6.12 kernel: adds "deb http://deb.debian.org/debian bookworm-backports
# main" as /etc/apt/sources.list.d/ktapi-bookworm-backports.list (unless a
# source already names bookworm-backports), then installs the versioned
# image and headers packages that the backports linux-image-amd64 and
# linux-headers-amd64 depend on, e.g. linux-image-6.12.95+deb12-amd64.  Not
# the meta-packages and not with -t bookworm-backports: those would replace
# the stock 6.1 meta-packages and linux-libc-dev.  The 6.1 kernel stays.
# Any installed 6.12 image with its headers counts as installed.

set -eu

PKGS="qemu-system-x86 busybox-static linux-image-amd64 linux-headers-amd64
linux-source-6.1 kmod libkmod-dev build-essential gcc-multilib g++ pkg-config
sparse cppcheck cpio xz-utils gzip perl dkms mandoc groff-base udev
flex bison bc libelf-dev libssl-dev libre-dev sip-tester
mingw-w64-common gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 g++-mingw-w64-x86-64-win32"

BPO_SUITE=bookworm-backports
BPO_LINE="deb http://deb.debian.org/debian $BPO_SUITE main"
BPO_LIST=/etc/apt/sources.list.d/ktapi-$BPO_SUITE.list
# The kernel series taken from backports.
BPO_SERIES=6.12

check_only=0
case "${1-}" in
--check) check_only=1 ;;
"") ;;
-h | --help)
	sed -n '4,21s/^# \{0,1\}//p' "$0"
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

# Is a 6.12 kernel installed: an image package and the headers package of
# the same release (linux-image-6.12.N+deb12-amd64 and
# linux-headers-6.12.N+deb12-amd64)?
bpo_installed() {
	dpkg-query -W -f='${Package} ${db:Status-Status}\n' \
		"linux-image-$BPO_SERIES.*-amd64" "linux-headers-$BPO_SERIES.*-amd64" \
		2>/dev/null | awk '
		$2 != "installed" { next }
		$1 ~ /^linux-image-/ { img[substr($1, 13)] = 1 }
		$1 ~ /^linux-headers-/ { hdr[substr($1, 15)] = 1 }
		END {
			for (r in img)
				if (r in hdr)
					exit 0
			exit 1
		}'
}

# Does an apt source already name the backports suite?
bpo_source_configured() {
	grep -rqsE "^[^#]*[[:space:]]$BPO_SUITE([[:space:]]|\$)" \
		/etc/apt/sources.list /etc/apt/sources.list.d/
}

# The package a backports meta-package depends on: "linux-image-6.12.N+deb12-amd64".
bpo_dep() { # META
	apt-cache show "$1/$BPO_SUITE" 2>/dev/null |
		sed -n "s/^Depends: \($2-$BPO_SERIES\.[^ ,]*-amd64\).*/\1/p" | head -n 1
}

need_bpo=0
bpo_installed || need_bpo=1

if [ -z "$missing" ] && [ "$need_bpo" -eq 0 ]; then
	exit 0
fi

if [ "$check_only" -eq 1 ] || [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (or 'sudo make deps'):" >&2
	if [ -n "$missing" ]; then
		echo "install-deps: missing Debian packages:$missing" >&2
		echo "apt-get install -y --no-install-recommends$missing"
	fi
	if [ "$need_bpo" -eq 1 ]; then
		echo "install-deps: missing: a Linux $BPO_SERIES kernel (image and headers) from $BPO_SUITE" >&2
		bpo_source_configured ||
			echo "echo '$BPO_LINE' > $BPO_LIST && apt-get update"
		img=$(bpo_dep linux-image-amd64 linux-image)
		hdr=$(bpo_dep linux-headers-amd64 linux-headers)
		if [ -n "$img" ] && [ -n "$hdr" ]; then
			echo "apt-get install -y --no-install-recommends $img $hdr"
		else
			echo "apt-get install -y --no-install-recommends" \
				"linux-image-$BPO_SERIES.N+deb12-amd64 linux-headers-$BPO_SERIES.N+deb12-amd64" \
				"  # N: see 'apt-cache show linux-image-amd64/$BPO_SUITE'"
		fi
	fi
	exit 1
fi

DEBIAN_FRONTEND=noninteractive
export DEBIAN_FRONTEND
# Wait for a concurrent apt/dpkg instead of failing on its lock.
aptget() {
	apt-get -q -o DPkg::Lock::Timeout=900 "$@"
}

if [ "$need_bpo" -eq 1 ] && ! bpo_source_configured; then
	echo "install-deps: adding $BPO_LIST" >&2
	printf '%s\n' "$BPO_LINE" >"$BPO_LIST.tmp"
	mv -f "$BPO_LIST.tmp" "$BPO_LIST"
fi
aptget update

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing" >&2
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	aptget install -y --no-install-recommends $missing
fi

if [ "$need_bpo" -eq 1 ]; then
	img=$(bpo_dep linux-image-amd64 linux-image)
	hdr=$(bpo_dep linux-headers-amd64 linux-headers)
	if [ -z "$img" ] || [ -z "$hdr" ]; then
		echo "install-deps: cannot find the $BPO_SERIES kernel packages in $BPO_SUITE" \
			"(apt-cache show linux-image-amd64/$BPO_SUITE)" >&2
		exit 1
	fi
	echo "install-deps: installing from $BPO_SUITE: $img $hdr" >&2
	aptget install -y --no-install-recommends "$img" "$hdr"
	bpo_installed || {
		echo "install-deps: $img or $hdr did not install" >&2
		exit 1
	}
fi
