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
#
#   INSTALL_SUITES="trixie bookworm"   the suites to run, in this order
#   INSTALL_BOOT=0                     no boots of Debian 13's kernel
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suites=${INSTALL_SUITES:-trixie bookworm}
p=0 f=0

if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
	echo "check-install: needs root and debootstrap (tools/testing/deps.txt)" >&2
	exit 2
fi
# count ok / not ok (a SKIP is neither) of the TAP in $1; $2: its rc
count() {
	local ok bad
	ok=$(grep -E '^ok ' "$1" | grep -vc '# SKIP')
	bad=$(grep -c '^not ok ' "$1")
	# a run that died before its TAP counts as a failure
	[ "$2" = 0 ] || [ "$bad" != 0 ] || bad=1
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
echo "===== check-install: $suites ====="
echo "$p passed, $f failed"
[ "$f" = 0 ]
