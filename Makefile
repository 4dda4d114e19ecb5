# SPDX-License-Identifier: GPL-2.0
#
# smbsign: out-of-tree SMB2/SMB3 signing module.
#
#   make module            build against KDIR (default: the running kernel)
#   make check             THE test command, on every kernel (KVER=all unless
#                          KVER is given): style, sparse and perf gates, then
#                          build a cached test kernel, boot it in QEMU, load
#                          the modules, run KUnit, summarize ("N passed,
#                          M failed")
#   make check-debug       the same suites on the debug variant (KASAN,
#                          lockdep, PREEMPT, kmemleak, UBSAN...) of one
#                          kernel (DEBUG_KVER, default 6.1); any report fails
#   make demo              boot the guest in demo mode (self-test + demo module)
#   make bench             tools/testing/bench: instruction counts (-icount) and
#                          2-CPU scaling, on the bench kernel variant; results
#                          in results/bench-$(KVER)/
#   make check-consumers   the Linux SMB client (stock cifs.ko, and the patched
#                          one when tools/consumers/cifs/build.sh exists)
#                          against Debian's smbd in the guest, every kernel
#                          unless KVER is given; CIFS_KO=stock|smbsign|path
#                          (tools/testing/consumers/README.md)
#   make bench-cpu         tools/testing/bench-cpu: smbsign's and the test
#                          kernel's (KVER, default 6.12) x86 assembly, checked
#                          against OpenSSL, then timed in cycles on this CPU;
#                          results in results/bench-cpu/ (BENCH_CPU_OUT=dir)
#   make kernel            only build (or reuse) the cached test kernel
#   make style             checkpatch.pl --strict on our sources
#   make sparse            sparse (C=2) + W=1 against the cached test kernel
#   make clean             remove kernel-module build products from this tree
#                          (results/ is kept)
#   make clean-cache       remove the whole test cache (kernel builds too)
#
# Variables: KVER=6.1|6.12|7.2|all  VARIANT=base|bench  GATES="style sparse"
#            SMBSIGN_CACHE=dir  SMBSIGN_SRC=dir  QEMU_TIMEOUT=secs  V=1
# (see tools/testing/qemu/harness.sh and tools/testing/qemu/kernels.conf)

KDIR ?= /lib/modules/$(shell uname -r)/build
# `make check` runs every kernel in kernels.conf unless KVER picks one; the
# other targets default to 6.1.
ifeq ($(origin KVER),undefined)
CHECK_KVER := all
else
CHECK_KVER := $(KVER)
endif
KVER ?= 6.1
VARIANT ?= base
SMBSIGN_CACHE ?= $(HOME)/.cache/smbsign
BENCH_VARIANT ?= bench
# bench-cpu measures 6.12's arch/x86/crypto unless KVER is given
ifneq ($(filter command line environment,$(origin KVER)),)
BENCH_CPU_KVER ?= $(KVER)
else
BENCH_CPU_KVER ?= 6.12
endif

HARNESS := tools/testing/qemu/harness.sh
export KVER VARIANT SMBSIGN_CACHE

.PHONY: all module modules check check-consumers demo bench kernel deps style sparse clean clean-cache check-debug bench-cpu

all: module

module modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

check:
	@KVER=$(CHECK_KVER) bash $(HARNESS) check

check-consumers:
	@KVER=$(CHECK_KVER) bash tools/testing/consumers/run.sh
DEBUG_KVER ?= 6.1
check-debug:
	@KVER=$(DEBUG_KVER) VARIANT=debug GATES= HOST_TESTS= FIPS_BOOT=0 \
		QEMU_TIMEOUT=$${QEMU_TIMEOUT:-2400} bash $(HARNESS) check

demo:
	@bash $(HARNESS) demo

bench:
	@VARIANT=$(BENCH_VARIANT) bash $(HARNESS) bench

bench-cpu:
	@BENCH_CPU_KVER=$(BENCH_CPU_KVER) bash tools/testing/bench-cpu/run.sh

kernel:
	@bash $(HARNESS) kernel

deps:
	@bash $(HARNESS) deps

style:
	@bash $(HARNESS) style

sparse:
	@bash $(HARNESS) sparse

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.a' -o -name '*.dwo' \
		-o -name modules.order -o -name Module.symvers \) -type f -print0 | xargs -0 rm -f
	rm -rf .tmp_versions

clean-cache:
	rm -rf "$(SMBSIGN_CACHE)"
