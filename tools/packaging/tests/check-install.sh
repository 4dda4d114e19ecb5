#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-install: README.md's Install section, as written, in fresh
# Debian 13 (trixie) and Debian 12 (bookworm) chroots (install-chroot.sh,
# debootstrap bases cached in ~/.cache/smbsign/chroot). Not part of
# `make check`: with the two chroots its host tests would take 8-18 more
# minutes (apt, DKMS, initramfs hooks, downloads); .ci/run runs it when
# its time budget allows. Output: each suite's TAP, then the last line
# "N passed, M failed"; exit 1 on any failure. For trixie it then boots
# Debian 13's own kernel from that chroot with the module DKMS built there
# (tools/packaging/tests/stock-boot.sh, as the host test trixie-stock-boot),
# once as it is and once with fips=1 (Debian builds CONFIG_CRYPTO_FIPS=y).
# Then, on this machine, the package and stock-kernel host tests that left
# `make check` to keep its cold run under 45 minutes on two cores (16 CPU
# minutes of its ~95): deb, deb-consumers (make deb, lintian, apt-get
# install/purge here, DKMS for Debian 12's stock 6.1 headers), stock-boot,
# stock-boot-fips, stock-boot-6.12 (Debian 12's own 6.1 and 6.12 kernels
# booted with the module DKMS builds), each from a private copy of the tree.
#
#   INSTALL_SUITES="trixie bookworm"   the suites to run, in this order
#   INSTALL_BOOT=0                     no boots of Debian 13's kernel
#   INSTALL_HOST_TESTS="deb ..."       the host tests to run (empty: none)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
suites=${INSTALL_SUITES:-trixie bookworm}
host_tests=${INSTALL_HOST_TESTS-deb deb-consumers stock-boot stock-boot-fips stock-boot-6.12}
p=0 f=0

if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
	echo "check-install: needs root and debootstrap (tools/testing/deps.txt)" >&2
	exit 2
fi
# count ok / not ok (a SKIP is neither) of the TAP in $1; $2: its rc;
# $3: the rc that means skipped, if any
count() {
	local ok bad
	ok=$(grep -E '^ok ' "$1" | grep -vc '# SKIP')
	bad=$(grep -c '^not ok ' "$1")
	# a run that died before its TAP counts as a failure
	[ "$2" = 0 ] || [ "$2" = "${3:-}" ] || [ "$bad" != 0 ] || bad=1
	p=$((p + ok)); f=$((f + bad))
}

for s in $suites; do
	out=$(mktemp)
	boot=""
	# trixie: also boot Debian 13's own kernel with the module DKMS built
	# there (the host test trixie-stock-boot, without a second chroot run)
	[ "$s" != trixie ] || [ "${INSTALL_BOOT:-1}" = 0 ] || boot=$(mktemp -d /tmp/smbsign-trixie-boot.XXXXXX)
	echo "===== install-chroot.sh $s ====="
	INSTALL_CHROOT_BOOT=$boot bash "$HERE/install-chroot.sh" "$s" 2>&1 | tee "$out"
	count "$out" "${PIPESTATUS[0]}"
	if [ -n "$boot" ]; then
		echo "===== stock-boot.sh: Debian 13's kernel, the module DKMS built there ====="
		STOCK_FROM=$boot bash "$HERE/stock-boot.sh" 2>&1 | tee "$out"
		count "$out" "${PIPESTATUS[0]}"
		# (no kernel and module: the boot above has counted that once)
		if [ -s "$boot/module" ]; then
			echo "===== stock-boot.sh --fips: the same kernel and module, fips=1 ====="
			STOCK_FROM=$boot bash "$HERE/stock-boot.sh" --fips 2>&1 | tee "$out"
			count "$out" "${PIPESTATUS[0]}"
		fi
		rm -rf "$boot"
	fi
	rm -f "$out"
done
if [ -n "$host_tests" ]; then
	out=$(mktemp)
	copy=$(mktemp -d /tmp/smbsign-install-tree.XXXXXX)
	rsync -a --exclude-from="$REPO/tools/testing/copy-exclude" "$REPO/" "$copy/"
	for t in $host_tests; do
		ht=$REPO/tools/testing/qemu/host-tests/$t.sh
		[ -f "$ht" ] || { echo "check-install: no host test $t" >&2; f=$((f + 1)); continue; }
		echo "===== host test $t ====="
		# shellcheck disable=SC1090
		(cd "$copy" && . "$ht" && ht_run) </dev/null 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
		# shellcheck disable=SC1090
		count "$out" "$rc" "$(. "$ht" && echo "${HT_SKIP_RC:-}")"
	done
	rm -rf "$copy" "$out"
fi
echo "===== check-install: $suites${host_tests:+; host tests: $host_tests} ====="
echo "$p passed, $f failed"
[ "$f" = 0 ]
