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
KDIR := $(shell for k in $$(ls -1 /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -rV); do \
	v=$$(echo "$$k" | sed 's,^/boot/vmlinuz-,,'); \
	if [ -f /usr/src/linux-headers-$$v/Makefile ]; then \
		echo /usr/src/linux-headers-$$v; break; fi; done)
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
VM_TIMEOUT ?= 300
VM_OPTS ?=

VMRUN_ARGS = --kernel $(VM_KERNEL) --kver $(KREL) --timeout $(VM_TIMEOUT) \
	--module $(MODULE) $(addprefix --lib ,$(wildcard $(O)/userlib/libktapi.so*)) \
	$(VM_OPTS)

.PHONY: all module userlib selftests kernel-tools deps demo check vm-demo \
	vm-check sparse checkpatch clean help check-kdir check-vm-kernel

all: kernel-tools module userlib selftests

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

selftests: kernel-tools userlib
	$(MAKE) -C selftests O=$(O)/selftests KTOOLS=$(KTOOLS)

deps:
	@$(CURDIR)/scripts/install-deps.sh

# demo and check install what is missing first, then re-read this file
# (KDIR and VM_KERNEL may only now exist).
demo: deps
	@$(MAKE) --no-print-directory vm-demo

check: deps
	@$(MAKE) --no-print-directory vm-check

check-vm-kernel: check-kdir
	@if [ -z "$(VM_KERNEL)" ] || [ ! -f "$(VM_KERNEL)" ]; then \
		echo "ktapi: no kernel image for $(KREL) (KDIR=$(KDIR));" \
			"install linux-image-$(KREL) or pass VM_KERNEL=" >&2; \
		exit 1; \
	fi

vm-demo: all check-vm-kernel
	$(VMRUN) $(VMRUN_ARGS) --log $(VMDIR)/demo.log \
		--bin $(O)/userlib/ktapi-demo --bin $(O)/userlib/ktapi-modload \
		-- 'ktapi-modload ktapi && ktapi-demo'

vm-check: all check-vm-kernel
	@rm -f $(VMDIR)/check.log
	@rc=0; \
	set -x; $(VMRUN) $(VMRUN_ARGS) --log $(VMDIR)/check.log \
		--bin $(O)/selftests/ktapi_test --bin $(O)/selftests/ktapi_test32 \
		--bin $(O)/userlib/libktapi_test --bin $(O)/userlib/ktapi-modload \
		--bin $(CURDIR)/selftests/run_vm_tests.sh \
		-- run_vm_tests.sh || rc=$$?; \
	{ set +x; } 2>/dev/null; \
	echo "== TAP summary ($(VMDIR)/check.log)"; \
	$(CURDIR)/scripts/tap-summary.sh $(VMDIR)/check.log || rc=1; \
	exit $$rc

sparse: check-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

checkpatch: kernel-tools
	$(KTOOLS)/checkpatch.pl --strict --no-tree -f \
		$(wildcard module/*.c module/*.h) uapi/linux/ktapi.h

clean:
	-@if [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c \
		module/.*.cmd module/modules.order .*.cmd Module.symvers modules.order
	-@[ ! -f userlib/Makefile ] || $(MAKE) -C userlib O=$(O)/userlib KTOOLS=$(KTOOLS) clean
	-@[ ! -f selftests/Makefile ] || $(MAKE) -C selftests O=$(O)/selftests KTOOLS=$(KTOOLS) clean
	rm -rf $(KTOOLS) $(O)/userlib $(O)/selftests $(VMDIR)
	-@rmdir $(O) 2>/dev/null || :

help:
	@echo 'Targets:'
	@echo '  all (default)  kernel-tools, module, userlib, selftests'
	@echo '  module         module/ktapi.ko against KDIR'
	@echo '  userlib        libktapi and its tools in $$(O)/userlib'
	@echo '  selftests      kselftest programs in $$(O)/selftests'
	@echo '  kernel-tools   kselftest headers, checkpatch from the 6.1 source tarball'
	@echo '  deps           install missing Debian packages (as root; else prints the command)'
	@echo '  demo           deps, all, then ktapi-demo in a QEMU VM'
	@echo '  check          deps, all, then the tests in a QEMU VM; prints "N passed, N failed"'
	@echo '  vm-demo, vm-check   the same without deps'
	@echo '  sparse         the module with C=2 (sparse)'
	@echo '  checkpatch     checkpatch --strict on module/ and the uapi header'
	@echo '  clean          remove build outputs'
	@echo 'Variables:'
	@echo '  O=$(O)'
	@echo '  KDIR=$(KDIR)'
	@echo '  VM_KERNEL=$(VM_KERNEL) (release $(KREL))'
	@echo '  VM_TIMEOUT=$(VM_TIMEOUT)  VM_OPTS=$(VM_OPTS) (options for scripts/vm-run.sh)'
	@echo 'Logs: $(VMDIR)/demo.log, $(VMDIR)/check.log'
