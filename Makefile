# SPDX-License-Identifier: GPL-2.0
#
# smbsign: out-of-tree SMB2/SMB3 signing module.
#
#   make module            build smbsign.ko against KDIR (default: the running
#                          kernel); SMBSIGN_TESTS=1 adds the KUnit suites and
#                          the demo, bench and event-test modules (the test
#                          loop's build)
#   make check             THE test command, on every kernel (KVER=all unless
#                          KVER is given): style, sparse and perf gates, then
#                          build a cached test kernel, boot it in QEMU, load
#                          the modules, run KUnit, summarize ("N passed,
#                          M failed")
#   make check-debug       the same suites on the debug variant (KASAN,
#                          lockdep, PREEMPT, kmemleak, UBSAN...) of one
#                          kernel (DEBUG_KVER, default 6.1); any report fails
#   make check-install     README's Install section as written, in fresh
#                          Debian 13 and 12 chroots (debootstrap, cached):
#                          packages built, installed, DKMS build, purge;
#                          then the host tests deb, deb-consumers and
#                          stock-boot* (Debian's own kernels booted)
#   make demo              boot the guest in demo mode (self-test + demo module)
#   make demo-mount        the consumers guest on one kernel (KVER, default
#                          6.12) with the patched cifs.ko: smbd with signing
#                          mandatory, one vers=3.1.1 mount, a file written
#                          and read back; prints the mount line, smbstatus
#                          (AES-128-GMAC), smbsignctl stats and sessions and
#                          the kernel's cifs/smbsign lines; fails unless the
#                          session is GMAC-signed (CIFS_KO=stock|path too)
#   make bench             tools/testing/bench: instruction counts (-icount) and
#                          2-CPU scaling, on the bench kernel variant; results
#                          in results/bench-$(KVER)/
#   make bench-mount       a 64 MiB file copied to an smbd share and back in
#                          the consumers guest (KVER, default 6.12) booted
#                          under -icount shift=0 on one vCPU, in one boot:
#                          the stock cifs.ko unsigned and AES-128-CMAC, then
#                          (rmmod, insmod) the patched one unsigned,
#                          AES-128-GMAC and AES-128-CMAC, 5 times each way;
#                          guest instructions per byte (client and smbd both
#                          in the guest: both sides' signing counted), the
#                          share of them spent in signing, smbd's part, and
#                          Samba's GnuTLS calls alone; results in
#                          results/bench-mount-$(KVER)/ (BENCH_MOUNT_OUT=dir,
#                          BENCH_REPEAT=n, BENCH_SIZE=bytes). Not part of
#                          make bench: it needs the consumers pieces (host
#                          userland over 9p, Samba, the patched cifs.ko) and
#                          the base kernel variant they are built for
#   make check-consumers   the Linux SMB client (stock cifs.ko, and the patched
#                          one when tools/consumers/cifs/build.sh exists)
#                          against Debian's smbd in the guest, then the Linux
#                          SMB server (stock and patched ksmbd.ko) against
#                          Samba's smbclient, every kernel unless KVER is
#                          given; CIFS_KO=stock|smbsign|path, CONSUMERS=cifs
#                          or ksmbd for one side only
#                          (tools/testing/consumers/README.md)
#   make bench-cpu         tools/testing/bench-cpu: smbsign's and the test
#                          kernel's (KVER, default 6.12) x86 assembly, checked
#                          against OpenSSL, then timed in cycles on this CPU;
#                          results in results/bench-cpu/ (BENCH_CPU_OUT=dir)
#   make kernel            only build (or reuse) the cached test kernel
#   make style             checkpatch.pl --strict on our sources
#   make sparse            sparse (C=2) + W=1 against the cached test kernel
#   make dkms-install      copy the module source (smbsign/, include/, Kbuild,
#                          Makefile, dkms.conf, dkms-post-build; no KUnit
#                          suites or test modules)
#                          to /usr/src/smbsign-<version>, `dkms add`, build and
#                          install it for DKMS_KERNEL (default: the running
#                          kernel; a list, or "all": every kernel in
#                          /lib/modules with headers)
#   make dkms-remove       `dkms remove --all` and remove /usr/src/smbsign-<version>
#   make dkms-source       only the copy (DESTDIR=dir puts it in dir/usr/src/...)
#   make deb               Debian packages smbsign-dkms, smbsignctl and the
#                          patched SMB client/server smbsign-cifs-dkms and
#                          smbsign-ksmbd-dkms (those two need linux-source-6.1,
#                          and are left out without it or with
#                          DEB_BUILD_PROFILES=pkg.smbsign.noconsumers)
#                          (tools/packaging/debian, dpkg-buildpackage -us -uc -b
#                          in a copy of the tree) into DEB_OUT (default
#                          results/deb), then lintian on them
#   make version           print the version (PACKAGE_VERSION in dkms.conf)
#   make clean             remove kernel-module build products from this tree
#                          (results/ is kept)
#   make clean-cache       remove the whole test cache (kernel builds too)
#
# Variables: KVER=6.1|6.12|7.2|7.3|all|every (all: the kernels.conf rows not
#            marked extra, i.e. 6.1, 6.12, 7.3; every: 7.2 too)  VARIANT=base|bench  GATES="style sparse"
#            SMBSIGN_CACHE=dir  SMBSIGN_SRC=dir  QEMU_TIMEOUT=secs  V=1
#            SMBSIGN_TESTS=1  DKMS_KERNEL=<release>...|all  DESTDIR=dir  DEB_OUT=dir
# (see tools/testing/qemu/harness.sh and tools/testing/qemu/kernels.conf)

KDIR ?= /lib/modules/$(shell uname -r)/build
# `make check` runs every kernel in kernels.conf unless KVER picks one;
# demo-mount and bench-mount default to 6.12 (the kernel CI runs the
# patched cifs.ko on), the other targets to 6.1.
ifeq ($(origin KVER),undefined)
CHECK_KVER := all
DEMO_MOUNT_KVER := 6.12
else
CHECK_KVER := $(KVER)
DEMO_MOUNT_KVER := $(KVER)
endif
# bench-mount: the same kernel as demo-mount
BENCH_MOUNT_KVER := $(DEMO_MOUNT_KVER)
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

# The one version: dkms.conf's PACKAGE_VERSION.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$$/\1/p' $(CURDIR)/dkms.conf)
DKMS_KERNEL ?= $(shell uname -r)
DKMS_SRC = $(DESTDIR)/usr/src/smbsign-$(VERSION)
# what DKMS builds from: the module and its headers only
DKMS_FILES := Kbuild Makefile dkms.conf smbsign include
DEB_OUT ?= $(CURDIR)/results/deb
DEB_TREE = $(DEB_OUT)/build/smbsign-$(VERSION)
# the kernel series smbsign-cifs-dkms / smbsign-ksmbd-dkms carry
CONSUMER_SERIES := $(shell sed -n 's/^CONSUMER_SERIES = //p' $(CURDIR)/tools/packaging/debian/rules)
# what a copy of the tree leaves out (.git, results, build products)
COPY_EXCLUDE := $(CURDIR)/tools/testing/copy-exclude

.PHONY: all module modules check check-debug check-consumers check-install demo demo-mount bench bench-mount bench-cpu kernel deps style sparse clean clean-cache \
	version dkms-source dkms-install dkms-remove deb

all: module

module modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

check:
	@KVER=$(CHECK_KVER) bash $(HARNESS) check

check-consumers:
	@KVER=$(CHECK_KVER) bash tools/testing/consumers/run.sh

check-install:
	@bash tools/packaging/tests/check-install.sh
DEBUG_KVER ?= 6.1
check-debug:
	@KVER=$(DEBUG_KVER) VARIANT=debug GATES= HOST_TESTS= FIPS_BOOT=0 \
		QEMU_TIMEOUT=$${QEMU_TIMEOUT:-2400} bash $(HARNESS) check

demo:
	@bash $(HARNESS) demo

demo-mount:
	@KVER=$(DEMO_MOUNT_KVER) DEMO_MOUNT=1 bash tools/testing/consumers/run.sh

bench:
	@VARIANT=$(BENCH_VARIANT) bash $(HARNESS) bench

bench-mount:
	@KVER=$(BENCH_MOUNT_KVER) BENCH_MOUNT=1 bash tools/testing/consumers/run.sh

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

version:
	@echo $(VERSION)

dkms-source:
	@test -n "$(VERSION)" || { echo "no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	rm -rf "$(DKMS_SRC)"
	mkdir -p "$(DKMS_SRC)"
	tar -C $(CURDIR) -X $(COPY_EXCLUDE) -cf - $(DKMS_FILES) | tar -xf - -C "$(DKMS_SRC)"
	install -m 755 tools/packaging/dkms/smbsign-post-build "$(DKMS_SRC)/dkms-post-build"

dkms-install:
	@command -v dkms >/dev/null || { echo "dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	@if dpkg-query -S /usr/src/smbsign-$(VERSION) >/dev/null 2>&1; then \
		echo "/usr/src/smbsign-$(VERSION) belongs to a package (smbsign-dkms): remove it first" >&2; exit 1; fi
	@if dkms status -m smbsign -v $(VERSION) | grep -q .; then \
		echo "dkms remove smbsign/$(VERSION) --all"; dkms remove smbsign/$(VERSION) --all; fi
	$(MAKE) --no-print-directory dkms-source DESTDIR=
	dkms add smbsign/$(VERSION)
	@set -e; kernels="$(DKMS_KERNEL)"; \
	if [ "$$kernels" = all ]; then \
		kernels=$$(for k in /lib/modules/*/build; do [ -d "$$k" ] && basename "$${k%/build}"; done); fi; \
	[ -n "$$kernels" ] || { echo "no kernel headers found in /lib/modules/*/build" >&2; exit 1; }; \
	for k in $$kernels; do \
		echo "dkms install smbsign/$(VERSION) -k $$k"; \
		dkms install smbsign/$(VERSION) -k "$$k"; \
	done

dkms-remove:
	@command -v dkms >/dev/null || { echo "dkms is not installed" >&2; exit 1; }
	@if dpkg-query -S /usr/src/smbsign-$(VERSION) >/dev/null 2>&1; then \
		echo "/usr/src/smbsign-$(VERSION) belongs to a package: apt-get remove smbsign-dkms" >&2; exit 1; fi
	@if dkms status -m smbsign -v $(VERSION) | grep -q .; then \
		echo "dkms remove smbsign/$(VERSION) --all"; dkms remove smbsign/$(VERSION) --all; fi
	rm -rf /usr/src/smbsign-$(VERSION)

deb:
	@command -v dpkg-buildpackage >/dev/null || { echo "needs dpkg-dev, debhelper, dh-dkms (apt-get install ...)" >&2; exit 1; }
	rm -rf "$(DEB_OUT)/build"
	rm -f "$(DEB_OUT)"/*.deb "$(DEB_OUT)"/*.buildinfo "$(DEB_OUT)"/*.changes "$(DEB_OUT)"/lintian.txt
	mkdir -p "$(DEB_TREE)"
	tar -C $(CURDIR) -X $(COPY_EXCLUDE) --exclude='tools/smbsignctl/smbsignctl' \
		-cf - . | tar -xf - -C "$(DEB_TREE)"
	cp -a tools/packaging/debian "$(DEB_TREE)/debian"
	@# without linux-source-<series>, the packages that need it are left out
	cd "$(DEB_TREE)" && \
	if [ -z "$${DEB_BUILD_PROFILES+set}" ]; then \
		for s in $(CONSUMER_SERIES); do \
			[ -f /usr/src/linux-source-$$s.tar.xz ] && continue; \
			echo "no /usr/src/linux-source-$$s.tar.xz (apt-get install linux-source-$$s):" \
				"building without smbsign-cifs-dkms and smbsign-ksmbd-dkms"; \
			export DEB_BUILD_PROFILES=pkg.smbsign.noconsumers; \
		done; \
	fi; \
	dpkg-buildpackage -us -uc -b
	mv "$(DEB_OUT)"/build/*.deb "$(DEB_OUT)"/build/*.buildinfo "$(DEB_OUT)"/build/*.changes "$(DEB_OUT)/"
	rm -rf "$(DEB_OUT)/build"
	@if command -v lintian >/dev/null; then \
		echo "lintian $(DEB_OUT)/smbsign_$(VERSION)-*.changes"; \
		lintian --info --display-info --pedantic "$(DEB_OUT)"/smbsign_$(VERSION)-*_$$(dpkg --print-architecture).changes \
			| tee "$(DEB_OUT)/lintian.txt"; \
	fi
	@ls -1 "$(DEB_OUT)"/*.deb

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) SMBSIGN_TESTS=1 clean; fi
	find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.a' -o -name '*.dwo' \
		-o -name modules.order -o -name Module.symvers \) -type f -print0 | xargs -0 rm -f
	rm -rf .tmp_versions

clean-cache:
	rm -rf "$(SMBSIGN_CACHE)"
