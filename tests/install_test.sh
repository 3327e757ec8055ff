#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "make install" and "make uninstall" into temporary DESTDIRs, twice:
#
#   A. the defaults (PREFIX=/usr/local);
#   B. a distribution's layout: PREFIX=/usr, LIBDIR=/usr/lib/<multiarch>,
#      UDEVRULESDIR=/lib/udev/rules.d.
#
# Each time: exactly the expected files are installed (module for the
# kernel it was built for, library with soname links, pkg-config file with
# the right prefix, headers, libtapi (its links, libtapi.pc, every header
# of libtapi/include in INCLUDEDIR/ktapi/tapi, a TAPI program built through
# pkg-config), ktapictl without RUNPATH, man pages and their
# link pages, udev rule, sysusers file, ktapi-sipd without RUNPATH, its
# example configuration and systemd unit); an example program is compiled and
# linked against the installed files through pkg-config (PKG_CONFIG_PATH,
# PKG_CONFIG_SYSROOT_DIR), shared and --static (libktapi.a, libkmod shared
# through Requires.private), and run; then "make uninstall" leaves no file
# behind (round B: but a sipd.conf changed locally, which "make install"
# did not overwrite either).  Never runs depmod, ldconfig, groupadd or udevadm: DESTDIR is set.
#
# Usage: tests/install_test.sh [MAKE-ARGUMENTS...]
#   e.g. tests/install_test.sh O=/tmp/build KDIR=/path/to/linux
# Output: TAP.  Exit status: 0 when nothing failed.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAKE=${MAKE:-make}
CC=${CC:-cc}
CXX=${CXX:-c++}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

# Each once: a symbol with two versions (ktapi_get_call_info) is listed twice.
funcs=$(sed -n 's/^[[:space:]]*\(ktapi_[a-z0-9_]*\);.*/\1/p' "$TOP/userlib/libktapi.map" |
	LC_ALL=C sort -u)
version=$VERSION
# libktapi's version is VERSION, the soname's number its first component.
lib_version=$VERSION
lib_major=$(cat "$TOP/userlib/SOVERSION")
# libtapi: libtapi.so -> .so.1 -> .so.1.VERSION, its headers (every one of
# libtapi/include) in INCLUDEDIR/ktapi/tapi.
tapi_major=$(cat "$TOP/libtapi/SOVERSION")
tapi_headers=$(cd "$TOP/libtapi/include" && ls -- *.h)
multiarch=$($CC -print-multiarch 2>/dev/null)
[ -n "$multiarch" ] || multiarch=x86_64-linux-gnu

cat >"$T/example.c" <<'EOF'
/* Uses the library, its names and the uapi header, all installed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libktapi.h>

int main(void)
{
	struct ktapi_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = KTAPI_EV_CALLSTATE;
	ev.state = KTAPI_CALLSTATE_CONNECTED;
	printf("%s %s %s %s\n", ktapi_event_name(ev.type),
	       ktapi_callstate_name(ev.state),
	       ktapi_privilege_name(KTAPI_PRIVILEGE_OWNER),
	       ktapi_error_name(-ENOENT));
	/* Pulls in the libkmod part; NULL is -EINVAL before libkmod is used. */
	printf("module_load(NULL) %s\n",
	       ktapi_module_load(NULL, NULL) == -EINVAL ? "EINVAL" : "?");
	printf("devcaps(NULL) %s\n",
	       ktapi_get_devcaps(-1, 0, NULL) == -EFAULT ? "EFAULT" : "?");
	/* The installed header is today's: VER1, with app_name. */
	return sizeof(struct ktapi_call_info) == 264 ? 0 : 1;
}
EOF
# A TAPI program as Windows code writes it, built through libtapi.pc:
# without an hLineApp every function is LINEERR_UNINITIALIZED.
cat >"$T/tapi-example.c" <<'EOF'
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

int main(void)
{
	printf("%lx %lx\n", (unsigned long)(DWORD)lineShutdown(1),
	       (unsigned long)(DWORD)lineDrop(1, NULL, 0));
	return TAPI_CURRENT_VERSION == 0x00020002 ? 0 : 1;
}
EOF
cat >"$T/expected-output" <<'EOF'
CALLSTATE CONNECTED OWNER LINEERR_INVALCALLHANDLE
module_load(NULL) EINVAL
devcaps(NULL) EFAULT
EOF

# files ROOT: every file and symlink under ROOT, relative, sorted.
files() {
	(cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
}

# runs DESC CMD...: CMD (the example) prints exactly the expected output.
runs() {
	_d=$1
	shift
	if "$@" >"$T/$r.out" 2>&1 && cmp -s "$T/$r.out" "$T/expected-output"; then
		pass "$_d"
	else
		fail "$_d: output:"
		show "$T/$r.out"
	fi
}

# run_round NAME PREFIX LIBDIR MANDIR UDEVRULESDIR SYSUSERSDIR [MAKE-VARS...]
run_round() {
	r=$1 prefix=$2 libdir=$3 mandir=$4 udevdir=$5 sysusersdir=$6
	shift 6
	D=$T/$r
	mkdir -p "$D"
	log=$T/$r.install.log

	if $MAKE -C "$TOP" --no-print-directory "$@" DESTDIR="$D" install \
		>"$log" 2>&1; then
		pass "$r: make install DESTDIR=... $*"
	else
		fail "$r: make install DESTDIR=... $* failed:"
		tail -n 40 "$log" | sed 's/^/#   /'
		return
	fi

	# The module: one, for the kernel it was built for.
	ko=$(cd "$D" && find . -name ktapi.ko | sed 's|^\./||')
	case $ko in
	lib/modules/*/updates/ktapi.ko)
		krel=${ko#lib/modules/}
		krel=${krel%/updates/ktapi.ko}
		vm=$(modinfo -F vermagic "$D/$ko" | cut -d ' ' -f 1)
		if [ "$vm" = "$krel" ]; then
			pass "$r: module in /lib/modules/$krel/updates, vermagic $vm"
		else
			fail "$r: module in /lib/modules/$krel/updates has vermagic '$vm'"
		fi
		;;
	*)
		fail "$r: module installed as '$ko', want lib/modules/KREL/updates/ktapi.ko"
		krel=KREL
		;;
	esac
	if [ -e "$D/lib/modules/$krel/modules.dep" ]; then
		fail "$r: depmod ran in DESTDIR (modules.dep exists)"
	else
		pass "$r: no depmod in DESTDIR"
	fi

	# Exactly the expected files.
	{
		echo "lib/modules/$krel/updates/ktapi.ko"
		echo "${prefix#/}/bin/ktapictl"
		echo "${prefix#/}/include/libktapi.h"
		echo "${prefix#/}/include/linux/ktapi.h"
		for f in libktapi.a libktapi.so libktapi.so.$lib_major \
			libktapi.so.$lib_version pkgconfig/libktapi.pc; do
			echo "${libdir#/}/$f"
		done
		echo "${mandir#/}/man1/ktapictl.1"
		echo "${mandir#/}/man3/libktapi.3"
		echo "${mandir#/}/man3/libtapi.3"
		echo "${mandir#/}/man4/ktapi.4"
		for f in $funcs; do
			echo "${mandir#/}/man3/$f.3"
		done
		echo "${udevdir#/}/60-ktapi.rules"
		echo "${sysusersdir#/}/ktapi.conf"
		echo "${prefix#/}/sbin/ktapi-sipd"
		echo "${prefix#/}/lib/systemd/system/ktapi-sipd.service"
		echo "etc/ktapi/sipd.conf"
		echo "${mandir#/}/man8/ktapi-sipd.8"
		for f in libtapi.so libtapi.so.$tapi_major \
			libtapi.so.$tapi_major.$version pkgconfig/libtapi.pc; do
			echo "${libdir#/}/$f"
		done
		for f in $tapi_headers; do
			echo "${prefix#/}/include/ktapi/tapi/$f"
		done
	} | LC_ALL=C sort >"$T/$r.want"
	files "$D" >"$T/$r.got"
	if cmp -s "$T/$r.want" "$T/$r.got"; then
		pass "$r: exactly the $(wc -l <"$T/$r.want" | tr -d ' ') expected files"
	else
		fail "$r: installed files differ (- expected, + installed):"
		diff "$T/$r.want" "$T/$r.got" | grep '^[<>]' |
			sed 's/^</#   -/; s/^>/#   +/'
	fi

	# The udev rule and the groups: /dev/ktapi and /dev/ktapi-provider,
	# each its own group, 0660.
	rules=$D$udevdir/60-ktapi.rules
	for dev in ktapi ktapi-provider; do
		if grep -q -x "SUBSYSTEM==\"misc\", KERNEL==\"$dev\", GROUP=\"$dev\", MODE=\"0660\"" \
			"$rules"; then
			pass "$r: 60-ktapi.rules gives /dev/$dev group $dev, 0660"
		else
			fail "$r: 60-ktapi.rules has no rule for /dev/$dev (group $dev, 0660)"
		fi
		if grep -q -x "g $dev -" "$D$sysusersdir/ktapi.conf"; then
			pass "$r: sysusers.d/ktapi.conf creates the group $dev"
		else
			fail "$r: sysusers.d/ktapi.conf does not create the group $dev"
		fi
	done

	L=$D$libdir
	if [ "$(readlink "$L/libktapi.so")" = "libktapi.so.$lib_major" ] &&
		[ "$(readlink "$L/libktapi.so.$lib_major")" = "libktapi.so.$lib_version" ] &&
		[ -f "$L/libktapi.so.$lib_version" ] && [ ! -L "$L/libktapi.so.$lib_version" ]; then
		pass "$r: libktapi.so -> .so.$lib_major -> .so.$lib_version"
	else
		fail "$r: bad library links:"
		find "$L" -maxdepth 1 -name 'libktapi*' -exec ls -l {} + | sed 's/^/#   /'
	fi
	soname=$(readelf -dW "$L/libktapi.so.$lib_version" 2>/dev/null |
		sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
	if [ "$soname" = "libktapi.so.$lib_major" ]; then
		pass "$r: SONAME libktapi.so.$lib_major"
	else
		fail "$r: SONAME '$soname'"
	fi
	# Programs built before 0.3 keep the 200-byte GET_CALL_INFO.
	syms=$(readelf --dyn-syms -W "$L/libktapi.so.$lib_version" 2>/dev/null)
	if printf '%s\n' "$syms" | grep -q ' ktapi_get_call_info@LIBKTAPI_0\.1$' &&
		printf '%s\n' "$syms" | grep -q ' ktapi_get_call_info@@LIBKTAPI_0\.3$'; then
		pass "$r: ktapi_get_call_info@LIBKTAPI_0.1 and @@LIBKTAPI_0.3"
	else
		fail "$r: ktapi_get_call_info is not versioned 0.1 and 0.3 (default)"
	fi
	if readelf -dW "$D$prefix/bin/ktapictl" | grep -q -E 'RPATH|RUNPATH'; then
		fail "$r: the installed ktapictl has an RPATH/RUNPATH:"
		readelf -dW "$D$prefix/bin/ktapictl" | grep -E 'RPATH|RUNPATH' | sed 's/^/#   /'
	else
		pass "$r: the installed ktapictl has no RPATH/RUNPATH"
	fi
	out=$(LD_LIBRARY_PATH=$L "$D$prefix/bin/ktapictl" --version 2>&1)
	if [ "$out" = "ktapictl $version" ]; then
		pass "$r: the installed ktapictl runs ($out)"
	else
		fail "$r: installed ktapictl --version: '$out'"
	fi

	# ktapi-sipd: no RUNPATH, runs; its unit and configuration.
	sipd=$D$prefix/sbin/ktapi-sipd
	if readelf -dW "$sipd" | grep -q -E 'RPATH|RUNPATH'; then
		fail "$r: the installed ktapi-sipd has an RPATH/RUNPATH"
	else
		pass "$r: the installed ktapi-sipd has no RPATH/RUNPATH"
	fi
	if LD_LIBRARY_PATH=$L "$sipd" --help 2>&1 | grep -q '^usage: ktapi-sipd --listen'; then
		pass "$r: the installed ktapi-sipd runs (--help)"
	else
		fail "$r: installed ktapi-sipd --help does not print its usage"
	fi
	unit=$D$prefix/lib/systemd/system/ktapi-sipd.service
	if grep -q -x "ExecStart=$prefix/sbin/ktapi-sipd --foreground --config /etc/ktapi/sipd.conf" "$unit" &&
		grep -q '^After=.*systemd-modules-load.service' "$unit" &&
		! grep -q '@[A-Z]*@' "$unit"; then
		pass "$r: ktapi-sipd.service runs $prefix/sbin/ktapi-sipd --foreground with /etc/ktapi/sipd.conf after systemd-modules-load"
	else
		fail "$r: ktapi-sipd.service:"
		show "$unit"
	fi
	conf=$D/etc/ktapi/sipd.conf
	if cmp -s "$conf" "$TOP/providers/sip/sipd.conf"; then
		pass "$r: /etc/ktapi/sipd.conf is the example"
	else
		fail "$r: /etc/ktapi/sipd.conf is not providers/sip/sipd.conf"
	fi
	echo "listen = 192.0.2.1" >>"$conf"
	if $MAKE -C "$TOP" --no-print-directory "$@" DESTDIR="$D" install-sipd \
		>"$T/$r.reinstall.log" 2>&1 && grep -q -x 'listen = 192.0.2.1' "$conf"; then
		pass "$r: make install again keeps a changed /etc/ktapi/sipd.conf"
	else
		fail "$r: make install again overwrote /etc/ktapi/sipd.conf (or failed):"
		tail -n 20 "$T/$r.reinstall.log" | sed 's/^/#   /'
	fi
	[ "$r" = B ] || cp "$TOP/providers/sip/sipd.conf" "$conf"

	# The pkg-config file, as written and as seen through a sysroot.
	pc=$L/pkgconfig/libktapi.pc
	if grep -q -x "prefix=$prefix" "$pc" && grep -q -x "libdir=$libdir" "$pc" &&
		grep -q -x "includedir=$prefix/include" "$pc"; then
		pass "$r: libktapi.pc has prefix=$prefix, libdir=$libdir"
	else
		fail "$r: libktapi.pc:"
		show "$pc"
	fi
	PKG_CONFIG_PATH=$L/pkgconfig
	PKG_CONFIG_SYSROOT_DIR=$D
	# Keep -I/usr/include and -L/usr/lib... for PREFIX=/usr: with a
	# sysroot they are the staging tree's, not the system's.
	PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1
	PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
	export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR \
		PKG_CONFIG_ALLOW_SYSTEM_CFLAGS PKG_CONFIG_ALLOW_SYSTEM_LIBS
	mv_=$($PKG_CONFIG --modversion libktapi 2>&1)
	cflags=$($PKG_CONFIG --cflags libktapi 2>&1)
	libs=$($PKG_CONFIG --libs libktapi 2>&1)
	slibs=$($PKG_CONFIG --static --libs libktapi 2>&1)
	if [ "$mv_" = "$lib_version" ]; then
		pass "$r: pkg-config --modversion $mv_"
	else
		fail "$r: pkg-config --modversion: '$mv_'"
	fi
	case " $cflags " in
	*" -I$D$prefix/include "*) pass "$r: pkg-config --cflags: $cflags" ;;
	*) fail "$r: pkg-config --cflags: '$cflags'" ;;
	esac
	case " $libs " in
	*" -L$L "*) case " $libs " in
		*" -lktapi "*) pass "$r: pkg-config --libs: $libs" ;;
		*) fail "$r: pkg-config --libs: '$libs' (no -lktapi)" ;;
		esac ;;
	*) fail "$r: pkg-config --libs: '$libs' (no -L$L)" ;;
	esac
	case " $slibs " in
	*" -lktapi "*" -lkmod "*) pass "$r: pkg-config --static --libs: $slibs" ;;
	*) fail "$r: pkg-config --static --libs: '$slibs' (no -lkmod after -lktapi)" ;;
	esac

	# The headers used are the installed ones.
	# shellcheck disable=SC2086 # pkg-config output is a list of words
	if $CC $cflags -M "$T/example.c" >"$T/$r.deps" 2>&1 &&
		grep -q "$D$prefix/include/libktapi.h" "$T/$r.deps" &&
		grep -q "$D$prefix/include/linux/ktapi.h" "$T/$r.deps"; then
		pass "$r: the example includes the installed libktapi.h and linux/ktapi.h"
	else
		fail "$r: the example does not use the installed headers:"
		show "$T/$r.deps"
	fi

	# Shared.
	exe=$T/$r.example
	# shellcheck disable=SC2086
	check "$r: example links against libktapi.so through pkg-config" \
		$CC -std=c99 -Wall -Wextra -Werror -pedantic $cflags -o "$exe" \
		"$T/example.c" $libs
	if readelf -dW "$exe" 2>/dev/null | grep -q "(NEEDED).*\[libktapi.so.$lib_major\]"; then
		pass "$r: example NEEDs libktapi.so.$lib_major"
	else
		fail "$r: example does not NEED libktapi.so.$lib_major"
	fi
	runs "$r: example runs with the installed libktapi.so" \
		env LD_LIBRARY_PATH="$L" "$exe"

	# Static: libktapi.a, and libkmod from Requires.private.  Debian
	# ships no libkmod.a, so libkmod is linked shared; the private
	# libraries of libkmod that --static adds too (-lzstd, -llzma) are
	# needed only by a static libkmod, and are dropped when the linker
	# cannot find them (no libzstd-dev, liblzma-dev).
	sexe=$T/$r.example-static
	slibs_a=
	for w in $slibs; do
		case $w in
		-lktapi) w=-l:libktapi.a ;;
		-lkmod) ;;
		-l*)
			p=$($CC -print-file-name="lib${w#-l}.so")
			[ "$p" != "lib${w#-l}.so" ] || continue
			;;
		esac
		slibs_a="$slibs_a $w"
	done
	# shellcheck disable=SC2086
	check "$r: example links against libktapi.a with pkg-config --static" \
		$CC -std=c99 -Wall -Wextra -Werror $cflags -o "$sexe" "$T/example.c" \
		$slibs_a
	if readelf -dW "$sexe" 2>/dev/null | grep -q 'libktapi'; then
		fail "$r: the static example still NEEDs libktapi"
	elif readelf -dW "$sexe" 2>/dev/null | grep -q '(NEEDED).*\[libkmod'; then
		pass "$r: the static example has libktapi built in and NEEDs libkmod"
	else
		fail "$r: the static example does not NEED libkmod"
	fi
	runs "$r: static example runs" "$sexe"
	# Without --static, libkmod is missing: Requires.private matters.
	libs_a=$(printf '%s\n' "$libs" | sed 's/\(^\| \)-lktapi\( \|$\)/\1-l:libktapi.a\2/')
	# shellcheck disable=SC2086
	if $CC $cflags -o "$sexe.nokmod" "$T/example.c" $libs_a >/dev/null 2>&1; then
		fail "$r: libktapi.a linked without libkmod: the --static check proves nothing"
	else
		pass "$r: libktapi.a needs --static's libkmod (control)"
	fi

	# C++: the header's extern "C".
	if command -v "$CXX" >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		if $CXX -x c++ -Wall -Wextra -Werror $cflags -o "$exe.cxx" \
			"$T/example.c" $libs >"$T/$r.cc" 2>&1 &&
			LD_LIBRARY_PATH=$L "$exe.cxx" >/dev/null 2>&1; then
			pass "$r: the example builds and runs as C++"
		else
			fail "$r: C++ build of the example failed:"
			show "$T/$r.cc"
		fi
	else
		skip "$r: the example as C++" "no $CXX"
	fi

	# libtapi through its pkg-config file: the private header folder.
	# libktapi.so.0, which libtapi.so needs, is not in the linker's
	# default path in a DESTDIR: -rpath-link.
	tcflags=$($PKG_CONFIG --cflags libtapi 2>&1)
	tlibs=$($PKG_CONFIG --libs libtapi 2>&1)
	# shellcheck disable=SC2086
	if $CC $tcflags -M "$T/tapi-example.c" >"$T/$r.tdeps" 2>&1 &&
		grep -q "$D$prefix/include/ktapi/tapi/windows.h" "$T/$r.tdeps" &&
		grep -q "$D$prefix/include/ktapi/tapi/tapi.h" "$T/$r.tdeps"; then
		pass "$r: pkg-config --cflags libtapi ($tcflags) finds the installed windows.h and tapi.h"
	else
		fail "$r: pkg-config --cflags libtapi: '$tcflags':"
		show "$T/$r.tdeps"
	fi
	if [ "$(readlink "$L/libtapi.so")" = "libtapi.so.$tapi_major" ] &&
		[ "$(readlink "$L/libtapi.so.$tapi_major")" = "libtapi.so.$tapi_major.$version" ]; then
		pass "$r: libtapi.so -> .so.$tapi_major -> .so.$tapi_major.$version"
	else
		fail "$r: bad libtapi links"
	fi
	# shellcheck disable=SC2086
	if $CC -std=c99 -Wall -Wextra -Werror $tcflags -o "$exe.tapi" \
		"$T/tapi-example.c" $tlibs -Wl,-rpath-link,"$L" >"$T/$r.tapi" 2>&1 &&
		[ "$(LD_LIBRARY_PATH=$L "$exe.tapi")" = "80000050 80000050" ]; then
		pass "$r: a TAPI program builds with pkg-config libtapi and runs (LINEERR_UNINITIALIZED)"
	else
		fail "$r: the TAPI program:"
		show "$T/$r.tapi"
	fi
	unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_ALLOW_SYSTEM_CFLAGS \
		PKG_CONFIG_ALLOW_SYSTEM_LIBS

	# Uninstall.
	if $MAKE -C "$TOP" --no-print-directory "$@" DESTDIR="$D" uninstall \
		>"$T/$r.uninstall.log" 2>&1; then
		pass "$r: make uninstall"
	else
		fail "$r: make uninstall failed:"
		tail -n 20 "$T/$r.uninstall.log" | sed 's/^/#   /'
	fi
	files "$D" >"$T/$r.left"
	if [ "$r" = B ]; then
		# The changed configuration stays, and only it.
		if [ "$(cat "$T/$r.left")" = etc/ktapi/sipd.conf ]; then
			pass "$r: make uninstall keeps the changed /etc/ktapi/sipd.conf"
		else
			fail "$r: make uninstall did not keep the changed sipd.conf alone"
		fi
		rm -f "$D/etc/ktapi/sipd.conf"
		files "$D" >"$T/$r.left"
	fi
	if [ -s "$T/$r.left" ]; then
		fail "$r: make uninstall left files behind:"
		show "$T/$r.left"
	else
		pass "$r: make uninstall removed every file it installed"
	fi
}

run_round A /usr/local /usr/local/lib /usr/local/share/man \
	/usr/local/lib/udev/rules.d /usr/local/lib/sysusers.d "$@"
run_round B /usr "/usr/lib/$multiarch" /usr/share/man /lib/udev/rules.d \
	/usr/lib/sysusers.d "$@" PREFIX=/usr LIBDIR="/usr/lib/$multiarch" \
	UDEVRULESDIR=/lib/udev/rules.d

finish
