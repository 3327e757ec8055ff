# SPDX-License-Identifier: GPL-2.0
#
# ktapi: build the module, the user library and the selftests, and run
# them in a QEMU VM.  "make help" lists the targets.

O ?= $(CURDIR)/build
override O := $(abspath $(O))

KTOOLS := $(O)/kernel-tools
VMDIR := $(O)/vm
MODULE := $(CURDIR)/module/ktapi.ko
VMRUN := $(CURDIR)/scripts/vm-run.sh

# The kernel build tree: the running kernel's if it has one, else the
# headers of the newest Debian 6.1 kernel installed in /boot (the one the
# test VM boots).  Any tree works: make KDIR=/path/to/linux.
ifndef KDIR
HOST_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(wildcard $(HOST_KDIR)/Makefile),)
KDIR := $(HOST_KDIR)
else
KDIR := $(word 2,$(shell $(CURDIR)/scripts/find-kernel.sh 6.1 2>/dev/null))
endif
endif
override KDIR := $(abspath $(KDIR))

# The release KDIR builds for (the module's vermagic), and the kernel the
# test VM boots: the same release.
KREL := $(shell awk '$$2 == "UTS_RELEASE" { gsub(/"/, "", $$3); print $$3 }' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
ifndef VM_KERNEL
VM_KERNEL := $(firstword $(wildcard /boot/vmlinuz-$(KREL) $(KDIR)/arch/x86/boot/bzImage))
endif

# Extra options for scripts/vm-run.sh, e.g. VM_OPTS="--qemu-opt=-icount
# --qemu-opt=shift=auto --append slub_debug=FZPU".
VM_TIMEOUT ?= 1200
VM_OPTS ?=

# make check: the kernels the tests run on, by version series.  For each,
# the newest installed Debian kernel of that series with both its image in
# /boot and its headers (scripts/find-kernel.sh): the stock 6.1 one and the
# 6.12 one from bookworm-backports (scripts/install-deps.sh installs both).
KERNELS ?= 6.1 6.12

# make check-debug: the debug kernel (KASAN, kmemleak, lockdep, UBSAN,
# failslab) built from linux-source-6.1 by scripts/debug-kernel.sh, cached
# in $(O)/debug-kernel.  TCG with KASAN is slow: more time and memory.
DEBUG_KERNEL_DIR := $(O)/debug-kernel
DEBUG_VM_TIMEOUT ?= 2400
DEBUG_VM_OPTS ?= --mem 2048

FINDK := $(CURDIR)/scripts/find-kernel.sh
LINTDIR := $(O)/lint
VMCHECK := $(CURDIR)/scripts/vm-check.sh --out $(O)
STATIC_CHECKS := $(CURDIR)/scripts/static-checks.sh --out $(LINTDIR) --ktools $(KTOOLS)

VM_TEST_LIBS = $(addprefix --lib ,$(wildcard $(O)/userlib/libktapi.so*))

VMRUN_ARGS = --kernel $(VM_KERNEL) --kver $(KREL) --timeout $(VM_TIMEOUT) \
	--module $(MODULE) $(VM_TEST_LIBS) $(VM_OPTS)

.PHONY: all module userlib libtapi selftests siptests tapitests kernel-tools deps demo check vm-demo bench bench-xarray bench-profile \
	demo-sip vm-demo-sip \
	vm-check sparse checkpatch lint check-debug vm-check-debug debug-kernel \
	clean distclean help check-kdir check-vm-kernel providers

all: kernel-tools module userlib selftests tools providers siptests libtapi \
	tapitests

kernel-tools:
	@$(CURDIR)/scripts/kernel-tools.sh $(KTOOLS)

check-kdir:
	@if [ -z "$(KDIR)" ] || [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "ktapi: no kernel build tree (KDIR='$(KDIR)');" \
			"run 'make deps' as root, or pass KDIR=" >&2; \
		exit 1; \
	fi

module: check-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userlib: kernel-tools
	$(MAKE) -C userlib O=$(O)/userlib KTOOLS=$(KTOOLS)

# libtapi.so.1, TAPI 2.2's line API over libktapi (libtapi/).
libtapi: kernel-tools userlib
	$(MAKE) -C libtapi O=$(O)/libtapi LIBO=$(O)/userlib KTOOLS=$(KTOOLS)

selftests: kernel-tools userlib
	$(MAKE) -C selftests O=$(O)/selftests KTOOLS=$(KTOOLS)

# The SIP tests' program (tests/sip: sip_call); their VM boot is the
# second one of each kernel in scripts/vm-check.sh.
siptests: kernel-tools
	$(MAKE) -C tests/sip O=$(O)/sip KTOOLS=$(KTOOLS)

# make tapitests: the TAPI programs of libtapi/tests/vm (and make demo's
# examples/tapi-demo.c), built as a user builds a TAPI program: libktapi
# and libtapi installed into a staging root ($(TAPI_STAGE), "make install
# DESTDIR="), then each program with "pkg-config --cflags --libs libtapi"
# on that stage.  Output in $(O)/tapitests/bin and lib; the first VM boot
# of make check runs them (libtapi/tests/vm/tapi_vm_test.sh).
TAPITESTS_O := $(O)/tapitests
TAPI_STAGE := $(TAPITESTS_O)/stage
STAGE_VARS = PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR) \
	DESTDIR=$(TAPI_STAGE)

tapitests: kernel-tools userlib libtapi
	rm -rf $(TAPI_STAGE)
	$(MAKE) -C userlib O=$(O)/userlib $(STAGE_VARS) install
	$(MAKE) -C libtapi O=$(O)/libtapi LIBO=$(O)/userlib KTOOLS=$(KTOOLS) \
		$(STAGE_VARS) install
	$(MAKE) -C libtapi/tests/vm O=$(TAPITESTS_O) STAGE=$(TAPI_STAGE) \
		LIBDIR=$(LIBDIR) KTOOLS=$(KTOOLS)

# ktapi-sipd, the SIP provider (providers/sip/, needs libre-dev).
providers: kernel-tools userlib
	$(MAKE) -C providers/sip O=$(O)/providers LIBO=$(O)/userlib KTOOLS=$(KTOOLS)

deps:
	@$(CURDIR)/scripts/install-deps.sh

# demo and check install what is missing first, then re-read this file
# (KDIR and VM_KERNEL may only now exist).
demo: deps
	@$(MAKE) --no-print-directory vm-demo

demo-sip: deps
	@$(MAKE) --no-print-directory vm-demo-sip

check: deps
	@$(MAKE) --no-print-directory vm-check

check-debug: deps
	@$(MAKE) --no-print-directory vm-check-debug

check-vm-kernel: check-kdir
	@if [ -z "$(VM_KERNEL)" ] || [ ! -f "$(VM_KERNEL)" ]; then \
		echo "ktapi: no kernel image for $(KREL) (KDIR=$(KDIR));" \
			"install linux-image-$(KREL) or pass VM_KERNEL=" >&2; \
		exit 1; \
	fi

# The demo: ktapi loaded through libkmod (ktapictl load), the checked
# scenario of ktapi-demo, then the same call played with ktapictl: a
# monitor on device 1 prints the events live while device 1 answers a call
# from device 0 and hangs up after a second; last tapi-demo
# (examples/tapi-demo.c, README's TAPI example, built by make tapitests
# against the installed libtapi): one TAPI call on loopback, its messages.
DEMO_CMD = ktapictl load && ktapi-demo && \
	echo "== ktapictl: monitor 1, answer 1, call 0 -> 1001" && \
	{ ktapictl monitor 1 --count 4 --timeout 20 & m=$$!; \
	  ktapictl answer 1 --timeout 20 --hold 1 & a=$$!; sleep 1; \
	  ktapictl call 0 1001; c=$$?; wait $$a; r=$$?; wait $$m; w=$$?; \
	  [ $$c -eq 0 ] && [ $$r -eq 0 ] && [ $$w -eq 0 ]; } && \
	echo "== tapi-demo: a TAPI program (libtapi), line 0 calls line 1 and answers" && \
	tapi-demo

vm-demo: all check-vm-kernel
	$(VMRUN) $(VMRUN_ARGS) --log $(VMDIR)/demo.log \
		$(addprefix --lib ,$(wildcard $(TAPITESTS_O)/lib/libtapi.so*)) \
		--bin $(O)/userlib/ktapi-demo --bin $(O)/tools/ktapictl \
		--bin $(TAPITESTS_O)/bin/tapi-demo -- '$(DEMO_CMD)'

# make demo-sip: one SIP call between two QEMU guests on one Ethernet
# segment (scripts/vm-pair.sh: -netdev dgram over unix sockets, no root),
# each with ktapi and its own ktapi-sipd: guest A (line 1001) calls guest B
# (line 2001), B answers and hangs up 3 s later.  scripts/sip-pair.sh
# prints both guests' output as it comes, "[A] " and "[B] ", then its
# checks of both sides as TAP ($(VMDIR)/demo-sip/sip-pair.tap) and a
# verdict.  Logs $(VMDIR)/demo-sip/A.log and B.log.
SIPPAIR := $(CURDIR)/scripts/sip-pair.sh --out $(O)
SIP2_TAPS = $(foreach k,$(KERNELS),$(VMDIR)/check-sip2-$(k).log)

vm-demo-sip: all check-vm-kernel
	@$(SIPPAIR) --dir $(VMDIR)/demo-sip --kernel $(VM_KERNEL) --kver $(KREL) \
		--module $(MODULE) -- $(VM_OPTS)

# make bench: selftests/ktapi_bench in the stock VM twice.  First on one
# vCPU under -icount shift=0,sleep=off -cpu qemu64 (CLOCK_MONOTONIC counts
# guest instructions: the same figures every run), for the instruction
# goals; then without icount on two vCPUs (wall time: the two-thread goals
# and the stall check of a release).  Filling a file with 1 048 576 calls
# under TCG takes minutes, icount more: the timeouts are an hour each.
# Tables in $(O)/bench/icount.txt and wall.txt, CSV next to them, and every
# goal line ("goal: NAME: FIGURE (limit LIMIT): met" or "NOT met") of both
# in $(O)/bench/goals.txt.  BENCH_ARGS: more ktapi_bench options (-n ITERS,
# -b HANDLES for a quick run).
BENCH_VM = $(VMRUN) --kernel $(VM_KERNEL) --kver $(KREL) \
	--module $(MODULE) $(VM_TEST_LIBS) --mem 2048 \
	--bin $(O)/selftests/ktapi_bench --bin $(O)/tools/ktapictl -q
BENCH_ICOUNT = --smp 1 --timeout 3600 --qemu-opt=-icount \
	--qemu-opt=shift=0,sleep=off --qemu-opt=-cpu --qemu-opt=qemu64
BENCH_WALL = --smp 2 --timeout 3600
BENCH_CMD = ktapictl load ktapi max_handles=2000000 && ktapi_bench -c -
BENCH_ARGS =

bench: all check-vm-kernel
	@mkdir -p $(O)/bench; set -e; rm -f $(O)/bench/goals.txt; \
	for mode in icount wall; do \
		if [ $$mode = icount ]; then opts="$(BENCH_ICOUNT)"; args=; \
		else opts="$(BENCH_WALL)"; args=-w; fi; \
		$(BENCH_VM) $$opts --log $(O)/bench/$$mode.log -- \
			'$(BENCH_CMD)' $$args $(BENCH_ARGS); \
		sed -n 's/^BENCH: //p; s/^BENCH-GOAL: /goal: /p' $(O)/bench/$$mode.log \
			> $(O)/bench/$$mode.txt; \
		sed -n 's/^BENCH-GOAL: /goal: /p' $(O)/bench/$$mode.log \
			>> $(O)/bench/goals.txt; \
		sed -n 's/^BENCH-CSV: //p' $(O)/bench/$$mode.log > $(O)/bench/$$mode.csv; \
		echo "== make bench ($$mode): $(O)/bench/$$mode.txt"; \
		cat $(O)/bench/$$mode.txt; \
	done; \
	echo "== make bench: goals ($(O)/bench/goals.txt)"; \
	cat $(O)/bench/goals.txt

# make bench-profile: tools/tbprof, a QEMU plugin counting the kernel
# instructions of every translation block, in the icount VM of make bench:
# ENOTTY, GET_CALL_INFO and MAKE+DEALLOCATE, per operation, by function.
# Tables in $(O)/tbprof/MODE.txt.
bench-profile: all check-vm-kernel
	tools/tbprof/profile.sh $(VM_KERNEL) $(KREL) $(MODULE) $(O)/tbprof

# make bench-xarray: tools/xa_cost, a throw-away module measuring one
# operation of an allocating XArray as the handle map uses it, in the same
# icount VM as make bench.  Table in $(O)/bench/xa_cost.txt.
XA_COST_DIR := $(O)/xa_cost
bench-xarray: check-vm-kernel
	@mkdir -p $(XA_COST_DIR) $(O)/bench
	cp tools/xa_cost/xa_cost.c tools/xa_cost/Kbuild $(XA_COST_DIR)/
	$(MAKE) -C $(KDIR) M=$(XA_COST_DIR) modules
	$(VMRUN) --kernel $(VM_KERNEL) --kver $(KREL) --timeout 300 \
		--module $(XA_COST_DIR)/xa_cost.ko --smp 1 -q \
		--qemu-opt=-icount --qemu-opt=shift=0,sleep=off \
		--qemu-opt=-cpu --qemu-opt=qemu64 --log $(O)/bench/xa_cost.log \
		-- 'insmod /lib/modules/$(KREL)/extra/xa_cost.ko && rmmod xa_cost'
	@sed -n 's/.*XA-COST: //p' $(O)/bench/xa_cost.log > $(O)/bench/xa_cost.txt
	@echo "== make bench-xarray (guest instructions per operation): $(O)/bench/xa_cost.txt"
	@cat $(O)/bench/xa_cost.txt

# The static checks and the host tests first (a failure does not stop the
# VM runs), then scripts/vm-check.sh: for each kernel of KERNELS the module
# built against its headers in $(O)/kbuild/KREL (module/ is not touched),
# copied to $(O)/ko/KREL/ktapi.ko, and the tests in a VM booting that
# kernel, log $(VMDIR)/check-SERIES.log, then the SIP tests in a second boot
# (tests/sip/sip_vm_test.sh), log $(VMDIR)/check-sip-SERIES.log.  Last the
# TAP summary of all.
# Before those, the two-guest SIP call of make demo-sip with its checks
# (scripts/sip-pair.sh), TAP in $(VMDIR)/check-sip2-SERIES.log, on each
# kernel of KERNELS.  Once would do: what it adds to the one-guest SIP
# tests is SIP between two machines, daemon to daemon, which does not
# depend on the kernel series; but a run takes about 40 s, so each kernel
# gets one.  It runs first so that the summary, make check's last line,
# counts it.
vm-check: all
	@rc=0; start=$$(date +%s); \
	rm -f $(LINTDIR)/lint.tap; \
	echo "== static checks"; \
	$(MAKE) --no-print-directory lint || rc=1; \
	echo "== host tests (install, DKMS, man pages, ktapictl)"; \
	$(MAKE) --no-print-directory check-host || rc=1; \
	for k in $(KERNELS); do \
		echo "== Linux $$k: two guests, one SIP call"; \
		$(SIPPAIR) --series $$k --dir $(VMDIR)/sip2-$$k \
			--tap $(VMDIR)/check-sip2-$$k.log -- $(VM_OPTS) || rc=1; \
	done; \
	$(VMCHECK) --timeout $(VM_TIMEOUT) \
		$(addprefix --tap ,$(LINTDIR)/lint.tap $(HOST_TAPS) $(SIP2_TAPS)) \
		$(KERNELS) -- $(VM_OPTS) || rc=1; \
	echo "make check: $$(( $$(date +%s) - start )) s"; \
	exit $$rc

debug-kernel:
	@$(CURDIR)/scripts/debug-kernel.sh $(DEBUG_KERNEL_DIR)

# The whole suite on the debug kernel (scripts/vm-check.sh --debug), with
# KTAPI_DEBUG=1 in the environment of run_vm_tests.sh (longer stress and
# fail-nth runs), then a kmemleak scan (scripts/vm-kmemleak.sh; what the
# kernel's own boot left unreferenced is cleared before the tests): any
# unreferenced object, and any KASAN, UBSAN, lockdep or sleep-in-atomic
# report fails the run.  Log: $(VMDIR)/check-debug.log.  The SIP tests do
# not run there: the debug kernel has no networking.
vm-check-debug: all debug-kernel
	@start=$$(date +%s); \
	$(VMCHECK) --debug $(DEBUG_KERNEL_DIR) --timeout $(DEBUG_VM_TIMEOUT) \
		-- $(DEBUG_VM_OPTS) $(VM_OPTS); rc=$$?; \
	echo "make check-debug: $$(( $$(date +%s) - start )) s"; \
	exit $$rc

# Static checks (scripts/static-checks.sh): checkpatch --strict, the module
# with W=1 C=2 against each kernel of KERNELS, cppcheck, the uapi header as
# C99 and C++.  Results in $(LINTDIR)/lint.tap, logs next to it.
lint: kernel-tools
	@$(STATIC_CHECKS) $(addprefix --series ,$(KERNELS))

# One of them: W=1 C=2 against KDIR; checkpatch --strict on module/ and the
# uapi header.  Results in $(LINTDIR)/kbuild.tap, checkpatch.tap.
sparse: check-kdir
	@$(STATIC_CHECKS) --only kbuild --kdir $(KDIR)

checkpatch: kernel-tools
	@$(STATIC_CHECKS) --only checkpatch

# Not "make -C KDIR M=. clean": Kbuild would delete objects everywhere
# below the tree, $(O) included (the cached debug kernel).
clean:
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c \
		module/.*.cmd module/modules.order .*.cmd Module.symvers modules.order
	-@[ ! -f userlib/Makefile ] || $(MAKE) -C userlib O=$(O)/userlib KTOOLS=$(KTOOLS) clean
	-@[ ! -f selftests/Makefile ] || $(MAKE) -C selftests O=$(O)/selftests KTOOLS=$(KTOOLS) clean
	-@[ ! -f providers/sip/Makefile ] || $(MAKE) -C providers/sip O=$(O)/providers clean
	rm -rf $(KTOOLS) $(O)/userlib $(O)/selftests $(O)/sip $(TAPITESTS_O) $(VMDIR) $(O)/kbuild $(O)/ko \
		$(LINTDIR) $(O)/ci-*.log $(O)/ci.tap $(XA_COST_DIR) $(O)/bench $(O)/tbprof
	-@rmdir $(O) 2>/dev/null || :

# clean, and the cached debug kernel too (rebuilding it takes minutes).
distclean: clean
	rm -rf $(DEBUG_KERNEL_DIR)
	-@rmdir $(O) 2>/dev/null || :

help:
	@echo 'Targets:'
	@echo '  all (default)  builds kernel-tools, module, userlib, selftests, tools, providers,'
	@echo '                 siptests, libtapi, tapitests'
	@echo '  module         module/ktapi.ko against KDIR'
	@echo '  userlib        libktapi, ktapi-demo and the libktapi tests in $$(O)/userlib'
	@echo '  libtapi        libtapi.so.1 (TAPI 2.2 line API) and its host tests in $$(O)/libtapi'
	@echo '  tools          ktapictl in $$(O)/tools'
	@echo '  providers      ktapi-sipd, the SIP provider, in $$(O)/providers'
	@echo '  selftests      kselftest programs in $$(O)/selftests'
	@echo '  siptests       the SIP tests'"'"' program (tests/sip) in $$(O)/sip'
	@echo '  tapitests      the TAPI test programs (libtapi/tests/vm) in $$(O)/tapitests,'
	@echo '                 built with pkg-config against a staged make install'
	@echo '  kernel-tools   kselftest headers, checkpatch from the 6.1 source tarball'
	@echo '  deps           install missing Debian packages and the 6.12 backports'
	@echo '                 kernel (as root; else prints the commands)'
	@echo '  demo           deps, all, then ktapi-demo and tapi-demo (libtapi) in a QEMU VM'
	@echo '  demo-sip       deps, all, then one SIP call between two QEMU guests, each'
	@echo '                 with ktapi and ktapi-sipd, printing both sides'"'"' events'
	@echo '  check          deps, all, lint, then the tests in a QEMU VM on each kernel'
	@echo '                 of KERNELS; prints "N passed, N failed"'
	@echo '  check-debug    deps, all, the debug kernel, then the tests and a kmemleak'
	@echo '                 scan in a QEMU VM on it; prints "N passed, N failed"'
	@echo '  vm-demo, vm-demo-sip, vm-check, vm-check-debug   the same without deps'
	@echo '  lint           static checks: checkpatch, W=1 C=2 on each kernel, cppcheck,'
	@echo '                 the uapi header as C99 and C++ ($$(O)/lint/lint.tap)'
	@echo '  bench          ktapi_bench in the stock VM, icount then wall time'
	@echo '                 ($$(O)/bench/icount.txt, wall.txt, CSV, and the goal'
	@echo '                 lines of issue 14 in goals.txt; BENCH_ARGS="-b 1000": quick)'
	@echo '  bench-profile  kernel instructions per operation by function (tools/tbprof)'
	@echo '  bench-xarray   the cost of one XArray operation (tools/xa_cost), icount'
	@echo '  debug-kernel   build the debug kernel into $$(O)/debug-kernel (cached)'
	@echo '  sparse         the module with W=1 C=2 (sparse) against KDIR (one check of lint)'
	@echo '  checkpatch     checkpatch --strict on module/ and the uapi header (one check of lint)'
	@echo '  check-host     the host tests: install, DKMS, man pages, modinfo, ktapictl,'
	@echo '                 libtapi/include (tapi.h, windows.h) against mingw-w64, and'
	@echo '                 libtapi'"'"'s (exported names, unit tests, man page list)'
	@echo '  install, uninstall, install-dkms, uninstall-dkms   see install.mk'
	@echo '  clean          remove build outputs (not the debug kernel)'
	@echo '  distclean      clean, and remove the debug kernel'
	@echo 'Variables:'
	@echo '  O=$(O)'
	@echo '  KDIR=$(KDIR)'
	@echo '  VM_KERNEL=$(VM_KERNEL) (release $(KREL))'
	@echo '  KERNELS=$(KERNELS) (make check; found: '"$$(for k in $(KERNELS); do $(FINDK) $$k 2>/dev/null | cut -d' ' -f1; done | tr '\n' ' ')"')'
	@echo '  VM_TIMEOUT=$(VM_TIMEOUT)  VM_OPTS=$(VM_OPTS) (options for scripts/vm-run.sh)'
	@echo '  DEBUG_VM_TIMEOUT=$(DEBUG_VM_TIMEOUT)  DEBUG_VM_OPTS=$(DEBUG_VM_OPTS) (make check-debug)'
	@echo 'Logs: $(VMDIR)/demo.log, $(VMDIR)/demo-sip/{A,B}.log, $(VMDIR)/check-SERIES.log,'
	@echo '  $(VMDIR)/check-sip-SERIES.log, $(VMDIR)/check-sip2-SERIES.log, $(VMDIR)/check-debug.log,'
	@echo '  $(LINTDIR)/*.log'

# tools, install/uninstall, DKMS and the host-side tests: see install.mk.
include install.mk
