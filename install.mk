# SPDX-License-Identifier: GPL-2.0
#
# install.mk: the tools, install and uninstall, DKMS and the host-side tests
# of those.  Included at the end of the top-level Makefile, whose KDIR,
# KREL, O and MODULE it uses.
#
#   make tools                 build/tools/ktapictl (needs userlib)
#   make install               everything below, for KREL's kernel
#   make uninstall             remove exactly what "make install" installs
#   make install-dkms          module sources to /usr/src/ktapi-VERSION for
#                              DKMS, then (without DESTDIR) dkms add, build,
#                              install
#   make uninstall-dkms        dkms remove --all, remove the sources
#   make check-host            the host-side tests: tests/ktapictl_test.sh,
#                              tests/man_test.sh, tests/install_test.sh,
#                              tests/dkms_test.sh, tests/modinfo_test.sh,
#                              tests/sipd_conf_test.sh, ktapi-sipd's map_test,
#                              libtapi's check-header.sh, symbols.sh,
#                              unit_test and unavail.sh; TAP in
#                              $(O)/host/*.tap
#
# Variables (make install VAR=value; the defaults follow the GNU and FHS
# conventions):
#   DESTDIR        staging root, prepended to every path (default empty)
#   PREFIX         /usr/local; a distribution package uses /usr
#   BINDIR         $(PREFIX)/bin                        ktapictl
#   SBINDIR        $(PREFIX)/sbin                       ktapi-sipd
#   SYSCONFDIR     /etc                                 ktapi/sipd.conf (not under
#                                                       PREFIX: the daemon reads
#                                                       /etc/ktapi/sipd.conf)
#   SYSTEMDUNITDIR $(PREFIX)/lib/systemd/system         ktapi-sipd.service
#   LIBDIR         $(PREFIX)/lib                        libktapi.{a,so*}, pkgconfig/
#   INCLUDEDIR     $(PREFIX)/include                    libktapi.h, linux/ktapi.h
#   MANDIR         $(PREFIX)/share/man                  man1, man3, man4, man8
#   UDEVRULESDIR   $(PREFIX)/lib/udev/rules.d           60-ktapi.rules
#   SYSUSERSDIR    $(PREFIX)/lib/sysusers.d             ktapi.conf (groups ktapi, ktapi-provider)
#   MODDIR         /lib/modules/$(KREL)/updates         ktapi.ko (not under PREFIX:
#                                                       modprobe looks only there)
#   DKMS_SRCDIR    /usr/src/ktapi-$(KTAPI_VERSION)      DKMS sources (install-dkms)
#
# udev reads /usr/local/lib/udev/rules.d as well as /usr/lib/udev/rules.d
# (and /etc, /run), so $(PREFIX)/lib/udev/rules.d works for both prefixes;
# the same holds for sysusers.d and systemd's units.  Distributions with a split /usr pass
# UDEVRULESDIR=/lib/udev/rules.d.
#
# System integration runs only when DESTDIR is empty (a real install, as
# root): depmod -a $(KREL), ldconfig, creating the groups "ktapi" and
# "ktapi-provider" (systemd-sysusers, else groupadd --system) and reloading
# udev's rules.  With
# DESTDIR set these are the package's job (postinst, triggers): depmod -b
# DESTDIR would write module index files for that kernel into the staging
# tree, which a package must not ship.  uninstall never deletes the groups.

# The version, written once in VERSION (module/Kbuild, userlib/Makefile,
# tools/Makefile, dkms.conf and the tests read it too).
KTAPI_VERSION := $(shell cat $(CURDIR)/VERSION)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
MODDIR ?= /lib/modules/$(KREL)/updates
DKMS_SRCDIR ?= /usr/src/ktapi-$(KTAPI_VERSION)
DESTDIR ?=

INSTALL ?= install
DEPMOD ?= depmod
LDCONFIG ?= ldconfig
DKMS ?= dkms

# libktapi's file names (userlib/Makefile installs them): its version is
# VERSION, the soname's number VERSION's first component.
LIBKTAPI_MAJOR := $(shell cat $(CURDIR)/userlib/SOVERSION)
LIBKTAPI_VERSION := $(KTAPI_VERSION)
LIBKTAPI_FILES := libktapi.a libktapi.so libktapi.so.$(LIBKTAPI_MAJOR) \
	libktapi.so.$(LIBKTAPI_VERSION) pkgconfig/libktapi.pc

# Every libktapi function gets a man3 link page to libktapi(3).
# $(sort): a symbol with two versions is listed twice in the map.
LIBKTAPI_FUNCS := $(sort $(shell sed -n 's/^[[:space:]]*\(ktapi_[a-z0-9_]*\);.*/\1/p' $(CURDIR)/userlib/libktapi.map))

TOOLS_O := $(O)/tools
USERLIB_VARS = O=$(O)/userlib PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) \
	INCLUDEDIR=$(INCLUDEDIR) DESTDIR=$(DESTDIR)

# Keep the including Makefile's default goal ("all").
_ktapi_install_mk_goal := $(.DEFAULT_GOAL)

.PHONY: tools install uninstall install-module install-lib install-tools \
	install-libtapi uninstall-libtapi \
	install-man install-udev uninstall-module uninstall-lib \
	uninstall-tools uninstall-man uninstall-udev install-dkms \
	install-sipd uninstall-sipd \
	uninstall-dkms check-host clean-tools

tools: userlib
	$(MAKE) -C tools O=$(TOOLS_O) LIBO=$(O)/userlib

clean: clean-tools
clean-tools:
	-@[ ! -f tools/Makefile ] || $(MAKE) -C tools O=$(TOOLS_O) clean
	rm -rf $(O)/host

install: install-module install-lib install-tools install-man install-udev \
	install-sipd install-libtapi
uninstall: uninstall-module uninstall-lib uninstall-tools uninstall-man \
	uninstall-udev uninstall-sipd uninstall-libtapi

# --- the module --------------------------------------------------------------

install-module: module
	@if [ -z "$(KREL)" ]; then \
		echo "ktapi: no kernel release for KDIR='$(KDIR)'" >&2; exit 1; fi
	@v=$$(modinfo -F vermagic $(MODULE) | cut -d ' ' -f 1); \
	if [ "$$v" != "$(KREL)" ]; then \
		echo "ktapi: $(MODULE) is built for '$$v', not $(KREL)" >&2; exit 1; fi
	$(INSTALL) -d $(DESTDIR)$(MODDIR)
	$(INSTALL) -m 0644 $(MODULE) $(DESTDIR)$(MODDIR)/ktapi.ko
ifeq ($(DESTDIR),)
	$(DEPMOD) -a $(KREL)
endif

uninstall-module:
	rm -f $(DESTDIR)$(MODDIR)/ktapi.ko
ifeq ($(DESTDIR),)
	@if [ -n "$(KREL)" ] && [ -d /lib/modules/$(KREL) ]; then \
		echo "$(DEPMOD) -a $(KREL)"; $(DEPMOD) -a $(KREL); fi
endif

# --- libktapi, its headers and pkg-config file (userlib/Makefile) ------------

# The .pc file holds PREFIX: make it again for this PREFIX.
install-lib: userlib
	rm -f $(O)/userlib/libktapi.pc
	$(MAKE) -C userlib $(USERLIB_VARS) install
ifeq ($(DESTDIR),)
	-$(LDCONFIG)
endif

uninstall-lib:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(LIBKTAPI_FILES))
	rm -f $(DESTDIR)$(INCLUDEDIR)/libktapi.h $(DESTDIR)$(INCLUDEDIR)/linux/ktapi.h
ifeq ($(DESTDIR),)
	-$(LDCONFIG)
endif

# --- libtapi, its headers (INCLUDEDIR/ktapi/tapi) and pkg-config file -------

LIBTAPI_VARS = O=$(O)/libtapi LIBO=$(O)/userlib KTOOLS=$(KTOOLS) \
	PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR) \
	DESTDIR=$(DESTDIR)

install-libtapi: libtapi
	rm -f $(O)/libtapi/libtapi.pc
	$(MAKE) -C libtapi $(LIBTAPI_VARS) install
ifeq ($(DESTDIR),)
	-$(LDCONFIG)
endif

uninstall-libtapi:
	$(MAKE) -C libtapi $(LIBTAPI_VARS) uninstall
ifeq ($(DESTDIR),)
	-$(LDCONFIG)
endif

# --- ktapictl -----------------------------------------------------------------

install-tools: tools
	$(MAKE) -C tools O=$(TOOLS_O) LIBO=$(O)/userlib PREFIX=$(PREFIX) \
		BINDIR=$(BINDIR) DESTDIR=$(DESTDIR) install

uninstall-tools:
	rm -f $(DESTDIR)$(BINDIR)/ktapictl

# --- ktapi-sipd, its configuration and systemd unit ---------------------------

# The example configuration is installed only when there is none (a local
# one is never overwritten), and uninstalled only when it is still the
# example (a local one is kept, and said so).  The unit is written with
# SBINDIR and SYSCONFDIR in place; without DESTDIR, systemd reloads its
# units when it runs.  The unit is not enabled: see ktapi-sipd(8).
SIPD_CONF := $(DESTDIR)$(SYSCONFDIR)/ktapi/sipd.conf
SIPD_UNIT := $(DESTDIR)$(SYSTEMDUNITDIR)/ktapi-sipd.service

install-sipd: providers
	$(MAKE) -C providers/sip O=$(O)/providers LIBO=$(O)/userlib \
		KTOOLS=$(KTOOLS) SBINDIR=$(SBINDIR) DESTDIR=$(DESTDIR) install
	$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/ktapi $(DESTDIR)$(SYSTEMDUNITDIR)
	@if [ -e $(SIPD_CONF) ]; then \
		echo "keeping $(SIPD_CONF)"; \
	else \
		echo "$(INSTALL) -m 0644 providers/sip/sipd.conf $(SIPD_CONF)"; \
		$(INSTALL) -m 0644 providers/sip/sipd.conf $(SIPD_CONF); \
	fi
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		providers/sip/ktapi-sipd.service >$(SIPD_UNIT)
	chmod 0644 $(SIPD_UNIT)
ifeq ($(DESTDIR),)
	-@if [ -d /run/systemd/system ]; then \
		echo "systemctl daemon-reload"; systemctl daemon-reload; fi
endif

uninstall-sipd:
	rm -f $(DESTDIR)$(SBINDIR)/ktapi-sipd $(SIPD_UNIT)
	@if [ ! -e $(SIPD_CONF) ]; then :; \
	elif cmp -s providers/sip/sipd.conf $(SIPD_CONF); then \
		echo "rm -f $(SIPD_CONF)"; rm -f $(SIPD_CONF); \
		rmdir $(DESTDIR)$(SYSCONFDIR)/ktapi 2>/dev/null || :; \
	else \
		echo "keeping $(SIPD_CONF): it is not the example"; \
	fi
ifeq ($(DESTDIR),)
	-@if [ -d /run/systemd/system ]; then \
		echo "systemctl daemon-reload"; systemctl daemon-reload; fi
endif

# --- man pages ------------------------------------------------------------------

# The pages' .TH says "ktapi @VERSION@": installed with VERSION in its place.
MAN_PAGES := man/ktapictl.1 man/libktapi.3 man/ktapi.4 man/ktapi-sipd.8 \
	man/libtapi.3

install-man:
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(MANDIR)/man8
	@set -e; for p in $(MAN_PAGES); do \
		d=$(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}; \
		echo "sed 's/@VERSION@/$(KTAPI_VERSION)/' $$p > $$d"; \
		sed 's/@VERSION@/$(KTAPI_VERSION)/g' $$p >$$d; chmod 0644 $$d; \
	done
	@set -e; for f in $(LIBKTAPI_FUNCS); do \
		echo ".so man3/libktapi.3" > $(DESTDIR)$(MANDIR)/man3/$$f.3; \
		chmod 0644 $(DESTDIR)$(MANDIR)/man3/$$f.3; \
	done; echo "man3 link pages: $(LIBKTAPI_FUNCS)"

uninstall-man:
	rm -f $(DESTDIR)$(MANDIR)/man1/ktapictl.1 \
		$(DESTDIR)$(MANDIR)/man3/libktapi.3 \
		$(DESTDIR)$(MANDIR)/man3/libtapi.3 \
		$(DESTDIR)$(MANDIR)/man4/ktapi.4 \
		$(DESTDIR)$(MANDIR)/man8/ktapi-sipd.8 \
		$(patsubst %,$(DESTDIR)$(MANDIR)/man3/%.3,$(LIBKTAPI_FUNCS))

# --- udev rule and the group ----------------------------------------------------

install-udev:
	$(INSTALL) -d $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSUSERSDIR)
	$(INSTALL) -m 0644 udev/60-ktapi.rules $(DESTDIR)$(UDEVRULESDIR)/
	$(INSTALL) -m 0644 udev/ktapi.sysusers $(DESTDIR)$(SYSUSERSDIR)/ktapi.conf
ifeq ($(DESTDIR),)
	@if getent group ktapi >/dev/null && \
	    getent group ktapi-provider >/dev/null; then :; \
	elif command -v systemd-sysusers >/dev/null 2>&1; then \
		echo "systemd-sysusers $(SYSUSERSDIR)/ktapi.conf"; \
		systemd-sysusers $(SYSUSERSDIR)/ktapi.conf; \
	else \
		for g in ktapi ktapi-provider; do \
			getent group $$g >/dev/null && continue; \
			echo "groupadd --system $$g"; groupadd --system $$g || exit; \
		done; \
	fi
	-@if command -v udevadm >/dev/null 2>&1 && [ -S /run/udev/control ]; then \
		udevadm control --reload && \
		udevadm trigger --action=add --subsystem-match=misc --sysname-match=ktapi && \
		udevadm trigger --action=add --subsystem-match=misc \
			--sysname-match=ktapi-provider; fi
endif

uninstall-udev:
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-ktapi.rules \
		$(DESTDIR)$(SYSUSERSDIR)/ktapi.conf
ifeq ($(DESTDIR),)
	-@if command -v udevadm >/dev/null 2>&1 && [ -S /run/udev/control ]; then \
		udevadm control --reload; fi
endif

# --- DKMS -----------------------------------------------------------------------

# Only what Kbuild needs: VERSION, dkms.conf, Kbuild, module/,
# uapi/linux/ktapi.h.
DKMS_FILES := VERSION dkms.conf Kbuild module/Kbuild \
	$(filter-out %.mod.c,$(wildcard module/*.c)) $(wildcard module/*.h) \
	uapi/linux/ktapi.h

install-dkms:
	@for f in $(DKMS_FILES); do \
		echo "$(INSTALL) -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f"; \
		$(INSTALL) -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f || exit 1; \
	done
ifeq ($(DESTDIR),)
	$(DKMS) add -m ktapi -v $(KTAPI_VERSION)
	$(DKMS) install -m ktapi -v $(KTAPI_VERSION)
endif

uninstall-dkms:
ifeq ($(DESTDIR),)
	-$(DKMS) remove -m ktapi -v $(KTAPI_VERSION) --all
endif
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)

# --- host-side tests ----------------------------------------------------------

# Each prints TAP, kept in $(HOST_TAPS) for scripts/tap-summary.sh, and
# exits non-zero on a failure; none loads a module into the running kernel.
# dkms_test.sh builds for each series of KERNELS (top-level Makefile).
HOST_TAPDIR := $(O)/host
HOST_TAPS := $(HOST_TAPDIR)/ktapictl.tap $(HOST_TAPDIR)/man.tap \
	$(HOST_TAPDIR)/install.tap $(HOST_TAPDIR)/dkms.tap \
	$(HOST_TAPDIR)/modinfo.tap $(HOST_TAPDIR)/sipd_conf.tap \
	$(HOST_TAPDIR)/sipd_map.tap $(HOST_TAPDIR)/sipd_table.tap \
	$(HOST_TAPDIR)/tapi-header.tap \
	$(HOST_TAPDIR)/tapi-symbols.tap $(HOST_TAPDIR)/tapi-unit.tap \
	$(HOST_TAPDIR)/tapi-unavail.tap

check-host: tools providers libtapi
	@mkdir -p $(HOST_TAPDIR); rm -f $(HOST_TAPS); rc=0; \
	for t in "ktapictl tests/ktapictl_test.sh $(TOOLS_O)/ktapictl" \
		"man tests/man_test.sh" "install tests/install_test.sh" \
		"dkms tests/dkms_test.sh $(KERNELS)" \
		"modinfo tests/modinfo_test.sh $(CURDIR)/module/ktapi.ko" \
		"sipd_conf tests/sipd_conf_test.sh $(O)/providers/ktapi-sipd" \
		"sipd_map $(O)/providers/map_test" \
		"sipd_table $(O)/providers/table_test" \
		"tapi-header libtapi/tests/header/check-header.sh $(HOST_TAPDIR)/tapi-header" \
		"tapi-symbols libtapi/tests/symbols.sh $(O)/libtapi/libtapi.so.1 libtapi/include/tapi.h" \
		"tapi-unit $(O)/libtapi/unit_test" \
		"tapi-unavail libtapi/tests/unavail.sh man/libtapi.3"; do \
		set -- $$t; name=$$1; shift; \
		echo "== host test $$name: $$*"; \
		"$$@" >$(HOST_TAPDIR)/$$name.tap 2>&1 || rc=1; \
		cat $(HOST_TAPDIR)/$$name.tap; \
	done; \
	exit $$rc

.DEFAULT_GOAL := $(_ktapi_install_mk_goal)
