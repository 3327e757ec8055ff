#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS: dkms.conf and "make install-dkms" work with dkms(8), without
# touching the system's DKMS state.  Everything goes to a temporary
# directory: the sources ("make install-dkms DESTDIR=..."), the DKMS tree
# (--dkmstree), the source tree (--sourcetree), the install tree
# (--installtree), and the module signing key dkms may generate
# (mok_signing_key, mok_certificate).  depmod never runs (--no-depmod).
#
#   1. dkms.conf, read as dkms reads it (sourced by bash), in the tree and
#      as installed: PACKAGE_VERSION is the VERSION file's, the name, module
#      location and AUTOINSTALL are right;
#   2. "make install-dkms DESTDIR=D" installs exactly VERSION, dkms.conf,
#      Kbuild, module/Kbuild, module/*.[ch] and uapi/linux/ktapi.h;
#   3. dkms add -m ktapi -v VERSION;
#   4. for each kernel: dkms build -k KREL; the built module's vermagic is
#      KREL and its version VERSION; as root also dkms install (into the
#      private install tree) and dkms status;
#   5. dkms remove --all leaves nothing in the private trees; the system's
#      /var/lib/dkms is unchanged; "make uninstall-dkms DESTDIR=D" removes
#      the sources.
#
# Usage: tests/dkms_test.sh [SERIES...]
#   SERIES: kernel version series found by scripts/find-kernel.sh (image
#   and headers installed), default "6.1 6.12"; a series that is not
#   installed is skipped.
# Output: TAP.  Exit status: 0 when nothing failed.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAKE=${MAKE:-make}
[ $# -gt 0 ] || set -- 6.1 6.12

if ! command -v dkms >/dev/null 2>&1; then
	skip "dkms" "dkms is not installed (Debian package dkms)"
	finish
fi

version=$VERSION
# conf FILE VAR: VAR of dkms.conf FILE.  dkms.conf is a shell fragment
# that dkms sources with bash (it reads VERSION next to itself).
conf() {
	bash -c '. "$1" && eval "printf %s \"\${$2}\""' conf "$1" "$2"
}

# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		pass "$1: $2"
	else
		fail "$1: '$2', want '$3'"
	fi
}

# --- 1. dkms.conf ------------------------------------------------------------

C=$TOP/dkms.conf
is "dkms.conf: PACKAGE_NAME" "$(conf "$C" PACKAGE_NAME)" ktapi
is "dkms.conf: PACKAGE_VERSION (= VERSION)" "$(conf "$C" PACKAGE_VERSION)" "$version"
is "dkms.conf: BUILT_MODULE_NAME[0]" "$(conf "$C" 'BUILT_MODULE_NAME[0]')" ktapi
is "dkms.conf: BUILT_MODULE_LOCATION[0]" "$(conf "$C" 'BUILT_MODULE_LOCATION[0]')" module/
is "dkms.conf: DEST_MODULE_LOCATION[0]" "$(conf "$C" 'DEST_MODULE_LOCATION[0]')" /updates
is "dkms.conf: AUTOINSTALL" "$(conf "$C" AUTOINSTALL)" yes

# --- 2. make install-dkms ------------------------------------------------------

S=$T/stage
src=/usr/src/ktapi-$version
if $MAKE -C "$TOP" --no-print-directory DESTDIR="$S" install-dkms >"$T/install.log" 2>&1; then
	pass "make install-dkms DESTDIR=..."
else
	fail "make install-dkms DESTDIR=... failed:"
	show "$T/install.log"
	finish
fi
(
	cd "$TOP" || exit 1
	for f in VERSION dkms.conf Kbuild module/Kbuild module/*.c module/*.h uapi/linux/ktapi.h; do
		case $f in
		*.mod.c) ;;	# Kbuild output
		*) echo "$f" ;;
		esac
	done
) | LC_ALL=C sort >"$T/want"
(cd "$S$src" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$T/got"
if cmp -s "$T/want" "$T/got"; then
	pass "install-dkms: exactly the Kbuild sources in $src"
else
	fail "install-dkms: files differ (- expected, + installed):"
	diff "$T/want" "$T/got" | grep '^[<>]' | sed 's/^</#   -/; s/^>/#   +/'
fi
is "installed dkms.conf: PACKAGE_VERSION (= VERSION)" \
	"$(conf "$S$src/dkms.conf" PACKAGE_VERSION)" "$version"

# --- 3. dkms add -----------------------------------------------------------------

# The system's DKMS state, to compare at the end.
sys_before=$(ls -la /var/lib/dkms 2>&1; ls /usr/src)
mok_signing_key=$T/mok.key
mok_certificate=$T/mok.pub
export mok_signing_key mok_certificate
D="--dkmstree $T/dkms --sourcetree $S/usr/src --installtree $T/modules"
mkdir -p "$T/dkms" "$T/modules"
# shellcheck disable=SC2086 # $D is a list of options
if dkms add -m ktapi -v "$version" $D >"$T/add.log" 2>&1; then
	pass "dkms add -m ktapi -v $version (private trees)"
else
	fail "dkms add failed:"
	show "$T/add.log"
	finish
fi

# --- 4. build (and install) for each kernel ------------------------------------------

root=0
[ "$(id -u)" -eq 0 ] && root=1
for series in "$@"; do
	if ! k=$("$TOP/scripts/find-kernel.sh" "$series" 2>/dev/null); then
		skip "dkms build for Linux $series" "no Linux $series image with headers"
		continue
	fi
	# shellcheck disable=SC2086 # KREL KDIR IMAGE
	set -- $k
	krel=$1 kdir=$2
	# shellcheck disable=SC2086
	if dkms build -m ktapi -v "$version" -k "$krel" --kernelsourcedir "$kdir" \
		$D >"$T/build-$krel.log" 2>&1; then
		pass "dkms build -k $krel"
	else
		fail "dkms build -k $krel failed:"
		tail -n 20 "$T/build-$krel.log" | sed 's/^/#   /'
		l=$T/dkms/ktapi/$version/build/make.log
		[ -f "$l" ] && tail -n 30 "$l" | sed 's/^/#   /'
		continue
	fi
	ko=$(find "$T/dkms/ktapi/$version/$krel" -name 'ktapi.ko*' | head -n 1)
	if [ -z "$ko" ]; then
		fail "dkms build -k $krel: no ktapi.ko in the DKMS tree"
		continue
	fi
	vm=$(modinfo -F vermagic "$ko" | cut -d ' ' -f 1)
	mv_=$(modinfo -F version "$ko")
	if [ "$vm" = "$krel" ]; then
		pass "$krel: ${ko##*/} has vermagic $vm"
	else
		fail "$krel: ${ko##*/} has vermagic '$vm'"
	fi
	if [ "$mv_" = "$version" ]; then
		pass "$krel: module version $mv_"
	else
		fail "$krel: module version '$mv_', want $version"
	fi
	# shellcheck disable=SC2086
	st=$(dkms status -m ktapi -v "$version" -k "$krel" $D 2>/dev/null)
	case $st in
	*"ktapi/$version, $krel, "*": built"*) pass "$krel: dkms status: $st" ;;
	*) fail "$krel: dkms status: '$st'" ;;
	esac

	if [ "$root" -eq 0 ]; then
		skip "$krel: dkms install" "needs root"
		continue
	fi
	mkdir -p "$T/modules/$krel"
	# shellcheck disable=SC2086
	if dkms install -m ktapi -v "$version" -k "$krel" --kernelsourcedir "$kdir" \
		--no-depmod $D >"$T/inst-$krel.log" 2>&1; then
		pass "$krel: dkms install (private install tree, no depmod)"
	else
		fail "$krel: dkms install failed:"
		show "$T/inst-$krel.log"
		continue
	fi
	ik=$(cd "$T/modules/$krel" && find . -name 'ktapi.ko*' | sed 's|^\./||')
	case $ik in
	updates/*ktapi.ko*) pass "$krel: installed as $ik" ;;
	*) fail "$krel: installed as '$ik', want updates/.../ktapi.ko" ;;
	esac
	# shellcheck disable=SC2086
	st=$(dkms status -m ktapi -v "$version" -k "$krel" $D 2>/dev/null)
	case $st in
	*"ktapi/$version, $krel, "*": installed"*) pass "$krel: dkms status: $st" ;;
	*) fail "$krel: dkms status: '$st'" ;;
	esac
done

# --- 5. remove --------------------------------------------------------------------

# shellcheck disable=SC2086
if dkms remove -m ktapi -v "$version" --all --no-depmod $D >"$T/remove.log" 2>&1; then
	pass "dkms remove --all"
else
	fail "dkms remove --all failed:"
	show "$T/remove.log"
fi
left=$( (cd "$T" && find dkms modules -name '*ktapi*') 2>/dev/null)
if [ -z "$left" ]; then
	pass "dkms remove: nothing of ktapi left in the DKMS and install trees"
else
	fail "dkms remove left:" "$left"
fi
sys_after=$(ls -la /var/lib/dkms 2>&1; ls /usr/src)
if [ "$sys_before" = "$sys_after" ]; then
	pass "the system's /var/lib/dkms and /usr/src are unchanged"
else
	fail "the system's /var/lib/dkms or /usr/src changed"
fi
if $MAKE -C "$TOP" --no-print-directory DESTDIR="$S" uninstall-dkms >"$T/uninstall.log" 2>&1 &&
	[ ! -e "$S$src" ]; then
	pass "make uninstall-dkms DESTDIR=... removes the sources"
else
	fail "make uninstall-dkms DESTDIR=...:"
	show "$T/uninstall.log"
fi

finish
